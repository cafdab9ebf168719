//! Runtime settings: the `[warden]` table of `Leptos.toml`, each value overridable by an
//! environment variable. (cargo-leptos' build settings live in Cargo.toml.)

use std::{
    net::{IpAddr, SocketAddr},
    path::Path,
};

use ipnet::IpNet;

use serde::Deserialize;
use url::Url;

#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("cannot read {path}: {source}")]
    Read { path: String, source: std::io::Error },
    #[error("invalid settings file: {0}")]
    Parse(#[from] toml::de::Error),
    #[error("invalid value for {name}: {message}")]
    Invalid { name: &'static str, message: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// Where the server listens. `WARDEN_LISTEN_ADDR`.
    pub listen_addr: SocketAddr,
    /// The address browsers use; writes from any other origin are refused. `WARDEN_PUBLIC_URL`.
    /// Private, with `public_origin` worked out from it: read it through [`Self::public_url`].
    public_url: Url,
    /// `sqlite://...` (embedded default) or `postgres://...`. `DATABASE_URL`.
    pub database_url: String,
    /// A session ends after this long without a request. `WARDEN_SESSION_IDLE_TIMEOUT_MINUTES`.
    pub session_idle_timeout_minutes: i64,
    /// Reverse proxies whose `X-Forwarded-For` is believed (CIDRs or addresses); without them the
    /// client address is the socket's. `WARDEN_TRUSTED_PROXIES` (comma-separated).
    pub trusted_proxies: Vec<IpNet>,
    /// Audit events older than this many days are deleted, whole days at a time; `None` keeps
    /// them forever (the default). `WARDEN_AUDIT_RETENTION_DAYS` (`forever` or a number).
    pub audit_retention_days: Option<u32>,
    /// `public_url`'s origin, worked out once: every write compares its `Origin` with it.
    public_origin: String,
}

#[derive(Debug, Deserialize)]
struct File {
    warden: FileSettings,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSettings {
    listen_addr: String,
    public_url: String,
    database_url: String,
    session_idle_timeout_minutes: i64,
    #[serde(default)]
    trusted_proxies: Vec<String>,
    #[serde(default)]
    audit_retention_days: Option<u32>,
}

impl Settings {
    pub fn load(path: &Path) -> Result<Self, SettingsError> {
        let text = std::fs::read_to_string(path)
            .map_err(|source| SettingsError::Read { path: path.display().to_string(), source })?;
        Self::from_toml(&text, |name| std::env::var(name).ok())
    }

    /// Reads the file's values, then lets `env` override each of them.
    pub fn from_toml(text: &str, env: impl Fn(&str) -> Option<String>) -> Result<Self, SettingsError> {
        let file: File = toml::from_str(text)?;
        let pick = |name: &str, value: String| env(name).filter(|v| !v.trim().is_empty()).unwrap_or(value);
        let f = file.warden;

        let listen_addr = pick("WARDEN_LISTEN_ADDR", f.listen_addr);
        let listen_addr = listen_addr
            .parse()
            .map_err(|e| SettingsError::Invalid { name: "listen_addr", message: format!("{listen_addr:?}: {e}") })?;

        let public_url = pick("WARDEN_PUBLIC_URL", f.public_url);
        let public_url = Url::parse(&public_url)
            .map_err(|e| SettingsError::Invalid { name: "public_url", message: format!("{public_url:?}: {e}") })?;
        if !matches!(public_url.scheme(), "http" | "https") || public_url.host().is_none() {
            return Err(SettingsError::Invalid {
                name: "public_url",
                message: "must be an http(s) URL with a host".into(),
            });
        }
        // Every route is at the root; a path here would break the links built from it (the SSO
        // redirect URI among them).
        if public_url.path() != "/" || public_url.query().is_some() || public_url.fragment().is_some() {
            return Err(SettingsError::Invalid {
                name: "public_url",
                message: format!(
                    "{:?}: Warden is served at the root of its host: give it without a path, query or fragment",
                    public_url.as_str()
                ),
            });
        }

        let timeout = pick("WARDEN_SESSION_IDLE_TIMEOUT_MINUTES", f.session_idle_timeout_minutes.to_string());
        let session_idle_timeout_minutes =
            timeout.parse::<i64>().ok().filter(|m| *m > 0).ok_or_else(|| SettingsError::Invalid {
                name: "session_idle_timeout_minutes",
                message: format!("{timeout:?} is not a positive number"),
            })?;

        let proxies = env("WARDEN_TRUSTED_PROXIES")
            .map(|list| list.split(',').map(str::trim).filter(|p| !p.is_empty()).map(str::to_owned).collect())
            .unwrap_or(f.trusted_proxies);
        let trusted_proxies = proxies
            .iter()
            .map(|p| parse_network(p))
            .collect::<Result<Vec<IpNet>, _>>()
            .map_err(|message| SettingsError::Invalid { name: "trusted_proxies", message })?;

        let retention = env("WARDEN_AUDIT_RETENTION_DAYS").filter(|v| !v.trim().is_empty());
        let audit_retention_days = match retention.as_deref().map(str::trim) {
            None => f.audit_retention_days,
            Some("forever") => None,
            Some(days) => Some(days.parse::<u32>().ok().filter(|d| *d > 0).ok_or_else(|| SettingsError::Invalid {
                name: "audit_retention_days",
                message: format!("{days:?} is neither \"forever\" nor a positive number of days"),
            })?),
        };
        if audit_retention_days == Some(0) {
            return Err(SettingsError::Invalid {
                name: "audit_retention_days",
                message: "0 would delete every event; leave it out to keep them forever".into(),
            });
        }

        Ok(Self {
            listen_addr,
            public_origin: public_url.origin().ascii_serialization(),
            public_url,
            database_url: pick("DATABASE_URL", f.database_url),
            session_idle_timeout_minutes,
            trusted_proxies,
            audit_retention_days,
        })
    }

    /// The address browsers use: a site's root, ending in `/`.
    pub fn public_url(&self) -> &Url {
        &self.public_url
    }

    /// `scheme://host[:port]`, as browsers send it in the `Origin` header.
    pub fn public_origin(&self) -> &str {
        &self.public_origin
    }

    /// Cookies are marked `Secure` when Warden is served over https.
    pub fn cookies_secure(&self) -> bool {
        self.public_url.scheme() == "https"
    }
}

/// A CIDR (`10.0.0.0/8`) or one address (`192.0.2.7`).
fn parse_network(text: &str) -> Result<IpNet, String> {
    text.parse::<IpNet>()
        .or_else(|_| text.parse::<IpAddr>().map(IpNet::from))
        .map_err(|_| format!("{text:?} is not an address or a CIDR"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = r#"
        [package.metadata.leptos]
        output-name = "warden"

        [warden]
        listen_addr = "127.0.0.1:3000"
        public_url = "http://127.0.0.1:3000"
        database_url = "sqlite://data/warden.db?mode=rwc"
        session_idle_timeout_minutes = 60
    "#;

    #[test]
    fn reads_the_file() {
        let s = Settings::from_toml(FILE, |_| None).expect("valid");
        assert_eq!(s.listen_addr.to_string(), "127.0.0.1:3000");
        assert_eq!(s.public_origin(), "http://127.0.0.1:3000");
        assert_eq!(s.database_url, "sqlite://data/warden.db?mode=rwc");
        assert_eq!(s.session_idle_timeout_minutes, 60);
        assert!(!s.cookies_secure());
    }

    #[test]
    fn environment_overrides_each_value() {
        let env = |name: &str| match name {
            "WARDEN_LISTEN_ADDR" => Some("0.0.0.0:8080".to_owned()),
            "WARDEN_PUBLIC_URL" => Some("https://iam.example.com".to_owned()),
            "DATABASE_URL" => Some("postgres://postgres@127.0.0.1/test".to_owned()),
            "WARDEN_SESSION_IDLE_TIMEOUT_MINUTES" => Some("15".to_owned()),
            _ => None,
        };
        let s = Settings::from_toml(FILE, env).expect("valid");
        assert_eq!(s.listen_addr.to_string(), "0.0.0.0:8080");
        assert_eq!(s.public_origin(), "https://iam.example.com");
        assert!(s.cookies_secure());
        assert_eq!(s.database_url, "postgres://postgres@127.0.0.1/test");
        assert_eq!(s.session_idle_timeout_minutes, 15);
    }

    #[test]
    fn refuses_bad_values() {
        let bad_url = |name: &str| (name == "WARDEN_PUBLIC_URL").then(|| "ftp://x".to_owned());
        assert!(Settings::from_toml(FILE, bad_url).is_err());
        let bad_timeout = |name: &str| (name == "WARDEN_SESSION_IDLE_TIMEOUT_MINUTES").then(|| "0".to_owned());
        assert!(Settings::from_toml(FILE, bad_timeout).is_err());
        let bad_addr = |name: &str| (name == "WARDEN_LISTEN_ADDR").then(|| "nowhere".to_owned());
        assert!(Settings::from_toml(FILE, bad_addr).is_err());
        let bad_proxy = |name: &str| (name == "WARDEN_TRUSTED_PROXIES").then(|| "10.0.0.0/8, proxy".to_owned());
        assert!(Settings::from_toml(FILE, bad_proxy).is_err());
    }

    #[test]
    fn the_public_url_is_a_site_root() {
        let public_url = |url: &'static str| move |name: &str| (name == "WARDEN_PUBLIC_URL").then(|| url.to_owned());
        let s = Settings::from_toml(FILE, public_url("https://iam.example.com:8443/")).expect("valid");
        assert_eq!(s.public_url().as_str(), "https://iam.example.com:8443/");
        for with_more in ["https://example.com/iam", "https://example.com/?tenant=1", "https://example.com/#top"] {
            match Settings::from_toml(FILE, public_url(with_more)) {
                Err(SettingsError::Invalid { name: "public_url", message }) => {
                    assert!(message.contains("root"), "{with_more}: {message}")
                }
                other => panic!("{with_more}: {other:?}"),
            }
        }
    }

    #[test]
    fn trusted_proxies_are_networks_or_addresses() {
        assert!(Settings::from_toml(FILE, |_| None).expect("valid").trusted_proxies.is_empty());
        let env = |name: &str| (name == "WARDEN_TRUSTED_PROXIES").then(|| "10.0.0.0/8, 192.0.2.7,::1".to_owned());
        let proxies = Settings::from_toml(FILE, env).expect("valid").trusted_proxies;
        let shown: Vec<String> = proxies.iter().map(ToString::to_string).collect();
        assert_eq!(shown, ["10.0.0.0/8", "192.0.2.7/32", "::1/128"]);
    }

    #[test]
    fn audit_events_are_kept_forever_unless_a_retention_is_set() {
        assert_eq!(Settings::from_toml(FILE, |_| None).expect("valid").audit_retention_days, None);
        let in_file = FILE.replace(
            "session_idle_timeout_minutes = 60",
            "session_idle_timeout_minutes = 60\naudit_retention_days = 400",
        );
        assert_eq!(Settings::from_toml(&in_file, |_| None).expect("valid").audit_retention_days, Some(400));
        let env =
            |value: &'static str| move |name: &str| (name == "WARDEN_AUDIT_RETENTION_DAYS").then(|| value.to_owned());
        assert_eq!(Settings::from_toml(&in_file, env("90")).expect("valid").audit_retention_days, Some(90));
        assert_eq!(Settings::from_toml(&in_file, env("forever")).expect("valid").audit_retention_days, None);
        for bad in ["0", "-3", "a year"] {
            assert!(Settings::from_toml(FILE, env(bad)).is_err(), "{bad}");
        }
        let zero_in_file = FILE.replace(
            "session_idle_timeout_minutes = 60",
            "session_idle_timeout_minutes = 60\naudit_retention_days = 0",
        );
        assert!(Settings::from_toml(&zero_in_file, |_| None).is_err());
    }
}
