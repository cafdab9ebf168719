//! The server's secret key, which seals the client secrets of SSO providers at rest.
//!
//! `WARDEN_SECRET_KEY` holds one or more base64 keys of 32 bytes, comma-separated, the sealing
//! key first (the others still open what they sealed: see the README on rotation). Without it, the
//! embedded default (SQLite) makes a key file beside the database on first start, readable by
//! the owner only; PostgreSQL deployments (several servers) must set the variable, and until
//! they do, SSO cannot be configured.

use std::{
    fs,
    io::Write,
    path::{Path, PathBuf},
};

use crate::domain::sso::SecretKeys;

pub const VARIABLE: &str = "WARDEN_SECRET_KEY";

/// The keys, from the environment or the key file; `None` for PostgreSQL without the variable.
pub fn load(database_url: &str) -> Result<Option<SecretKeys>, String> {
    if let Ok(list) = std::env::var(VARIABLE)
        && !list.trim().is_empty()
    {
        return SecretKeys::parse(&list).map(Some).map_err(|e| format!("{VARIABLE}: {e}"));
    }
    match key_file_path(database_url) {
        Some(path) => read_or_create(&path).map(Some),
        None => Ok(None),
    }
}

/// `secret.key` in the SQLite database's folder.
pub fn key_file_path(database_url: &str) -> Option<PathBuf> {
    let path = database_url.strip_prefix("sqlite://").or_else(|| database_url.strip_prefix("sqlite:"))?;
    let path = path.split('?').next().unwrap_or_default();
    if path.is_empty() || path == ":memory:" {
        return None;
    }
    let folder = Path::new(path).parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    Some(folder.join("secret.key"))
}

fn read_or_create(path: &Path) -> Result<SecretKeys, String> {
    if !path.exists() {
        if let Some(folder) = path.parent() {
            fs::create_dir_all(folder).map_err(|e| format!("cannot create {}: {e}", folder.display()))?;
        }
        let mut options = fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(path).map_err(|e| format!("cannot create {}: {e}", path.display()))?;
        writeln!(file, "{}", SecretKeys::generate()).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        tracing::warn!(path = %path.display(), "created the secret key that seals SSO client secrets; back it up with the database");
    }
    let text = fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    SecretKeys::parse(&text).map_err(|e| format!("{}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_file_sits_beside_the_sqlite_database() {
        assert_eq!(key_file_path("sqlite://data/warden.db?mode=rwc"), Some(PathBuf::from("data/secret.key")));
        assert_eq!(key_file_path("sqlite://warden.db"), Some(PathBuf::from("./secret.key")));
        assert_eq!(key_file_path("postgres://postgres@127.0.0.1/test"), None);
    }

    #[cfg(unix)]
    #[test]
    fn a_new_key_file_is_readable_by_its_owner_only_and_kept() {
        use std::os::unix::fs::PermissionsExt;
        let folder = std::env::temp_dir().join(format!("warden-key-{}", std::process::id()));
        let path = folder.join("secret.key");
        let _ = fs::remove_dir_all(&folder);
        let first = read_or_create(&path).expect("created");
        let mode = fs::metadata(&path).expect("exists").permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let sealed = first.seal("x", "org").expect("seals");
        let again = read_or_create(&path).expect("read back");
        assert_eq!(again.open(&sealed, "org").expect("same key"), "x");
        let _ = fs::remove_dir_all(&folder);
    }
}
