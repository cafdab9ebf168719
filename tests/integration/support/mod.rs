//! Test support: a fresh database per test on either engine, and the whole app on top of it.
//!
//! SQLite: a new file under the system temp folder. PostgreSQL: a new database on
//! `WARDEN_TEST_POSTGRES_URL` (default `postgres://postgres@127.0.0.1:5432/test`). Without a
//! reachable PostgreSQL the PostgreSQL variant is skipped, except under `CI=true`, where it fails.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

pub mod http;
pub mod inspect;
pub mod oidc;
pub mod tenants;

use std::sync::Arc;

use leptos::config::LeptosOptions;
use sqlx::{Connection, Executor, PgConnection};
use warden::{
    domain::{Database, Domain, Engine},
    server::session_cache::SessionCacheProbe,
    settings::Settings,
    web::AppState,
};

pub const PUBLIC_ORIGIN: &str = "http://127.0.0.1:3000";
pub const ADMIN_EMAIL: &str = "admin@example.com";
pub const ADMIN_PASSWORD: &str = "correct horse battery staple";

pub struct TestDb {
    pub url: String,
    pub engine: Engine,
}

fn postgres_admin_url() -> String {
    std::env::var("WARDEN_TEST_POSTGRES_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned())
}

impl TestDb {
    pub async fn new(engine: Engine) -> Option<Self> {
        match engine {
            Engine::Sqlite => Some(Self::sqlite()),
            Engine::Postgres => Self::postgres().await,
        }
    }

    pub fn sqlite() -> Self {
        let folder = std::env::temp_dir().join("warden-tests");
        std::fs::create_dir_all(&folder).expect("temp folder");
        let path = folder.join(format!("{}.db", uuid::Uuid::new_v4().simple()));
        Self { url: format!("sqlite://{}?mode=rwc", path.display()), engine: Engine::Sqlite }
    }

    pub async fn postgres() -> Option<Self> {
        let admin_url = postgres_admin_url();
        let mut conn = match PgConnection::connect(&admin_url).await {
            Ok(conn) => conn,
            Err(error) if std::env::var("CI").is_ok_and(|v| v == "true") => {
                panic!("PostgreSQL is required under CI=true but unreachable at {admin_url}: {error}")
            }
            Err(error) => {
                eprintln!("skipping the PostgreSQL variant: {admin_url} unreachable ({error})");
                return None;
            }
        };
        let name = format!("warden_t_{}", uuid::Uuid::new_v4().simple());
        conn.execute(format!("CREATE DATABASE {name}").as_str()).await.expect("create test database");
        let base = admin_url.rsplit_once('/').map(|(base, _)| base).unwrap_or(&admin_url);
        Some(Self { url: format!("{base}/{name}"), engine: Engine::Postgres })
    }

    pub async fn open(&self) -> Database {
        Database::open(&self.url).await.expect("open test database")
    }
}

pub fn settings(database_url: &str) -> Settings {
    let toml = format!(
        "[warden]\nlisten_addr = \"127.0.0.1:0\"\npublic_url = \"{PUBLIC_ORIGIN}\"\n\
         database_url = \"{database_url}\"\nsession_idle_timeout_minutes = 30\n"
    );
    Settings::from_toml(&toml, |_| None).expect("test settings")
}

/// The test apps' secret key (32 bytes, base64): every app server of a test shares it, as
/// deployments do.
pub const SECRET_KEY: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

/// SSO as the test app's public address has it, sealing with [`SECRET_KEY`].
pub fn sso_settings() -> warden::domain::sso::SsoSettings {
    use warden::domain::sso::{SecretKeys, SsoSettings};
    SsoSettings {
        redirect_uri: format!("{PUBLIC_ORIGIN}/sso/callback"),
        keys: Some(SecretKeys::parse(SECRET_KEY).expect("a valid key")),
        provider: std::sync::Arc::new(warden::server::oidc::OpenIdConnectClient::new().expect("an HTTP client")),
    }
}

/// A migrated database with the first admin, and the full HTTP app on it.
pub struct TestApp {
    pub db: TestDb,
    pub domain: Domain,
    pub router: axum::Router,
    pub sessions: SessionCacheProbe,
}

impl TestApp {
    pub async fn start(engine: Engine) -> Option<Self> {
        Self::start_with(engine, |_| {}).await
    }

    /// Like [`Self::start`], with settings changed by `adjust`.
    pub async fn start_with(engine: Engine, adjust: impl FnOnce(&mut Settings)) -> Option<Self> {
        let leptos_options = LeptosOptions::builder().output_name("warden").build();
        Self::start_full(engine, adjust, leptos_options).await
    }

    /// Like [`Self::start`], serving the static files under `site_root`.
    pub async fn start_serving(engine: Engine, site_root: &str) -> Option<Self> {
        let leptos_options = LeptosOptions::builder().output_name("warden").site_root(site_root).build();
        Self::start_full(engine, |_| {}, leptos_options).await
    }

    async fn start_full(
        engine: Engine,
        adjust: impl FnOnce(&mut Settings),
        leptos_options: LeptosOptions,
    ) -> Option<Self> {
        let db = TestDb::new(engine).await?;
        let domain = Domain::new(db.open().await).with_sso(sso_settings());
        domain.bootstrap(Some(ADMIN_EMAIL.to_owned()), Some(ADMIN_PASSWORD.to_owned())).await.expect("bootstrap");
        let mut settings = settings(&db.url);
        adjust(&mut settings);
        Some(Self::serve(db, domain, settings, leptos_options).await)
    }

    async fn serve(db: TestDb, domain: Domain, settings: Settings, leptos_options: LeptosOptions) -> Self {
        let state = AppState::new(leptos_options, Arc::new(settings), domain.clone());
        let (router, sessions) = warden::server::app::router_with_probe(state).await.expect("router");
        Self { db, domain, router, sessions }
    }

    /// A second app server on the same database, with its own pools and caches.
    pub async fn another_server(&self) -> Self {
        let db = TestDb { url: self.db.url.clone(), engine: self.db.engine };
        let domain = Domain::new(db.open().await).with_sso(sso_settings());
        let leptos_options = LeptosOptions::builder().output_name("warden").build();
        Self::serve(db, domain, settings(&self.db.url), leptos_options).await
    }
}

/// Runs an async test body on SQLite and on PostgreSQL, as two tests.
macro_rules! on_both_engines {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$name(warden::domain::Engine::Sqlite).await
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    super::$name(warden::domain::Engine::Postgres).await
                }
            }
        )*
    };
}

pub const USER_PASSWORD: &str = "an ordinary user passphrase";

impl TestApp {
    /// Creates an active user who can sign in with [`USER_PASSWORD`]; returns the user id.
    pub async fn create_user(&self, email: &str) -> String {
        use warden::domain::{Actor, AuditEvent, Mutation, NewUser, sessions::passwords, users::storage as users};
        let hash = passwords::hash(USER_PASSWORD).expect("hash");
        let actor = Actor::system();
        let mut mutation = Mutation::begin(self.domain.db(), &actor).await.expect("begin");
        let new = NewUser { email: email.to_owned(), full_name: email.to_owned(), password_hash: Some(hash) };
        let user = users::insert(mutation.tx(), &new).await.expect("insert user");
        mutation.commit(AuditEvent::new("test.user_created")).await.expect("commit");
        user.id
    }

    pub async fn user_cookie(&self, email: &str) -> String {
        self.user_cookie_with(email, USER_PASSWORD).await
    }

    pub async fn user_cookie_with(&self, email: &str, password: &str) -> String {
        let response = self.sign_in(email, password).await;
        response.session_cookie().unwrap_or_else(|| panic!("{email} cannot sign in: {}", response.text()))
    }

    /// The id of a predefined role (super_admin, admin, member) of an organization.
    pub async fn role_id(&self, org_id: &str, slug: &str) -> String {
        use sqlx::Row;
        sqlx::query("SELECT id FROM roles WHERE org_id = $1 AND slug = $2")
            .bind(org_id)
            .bind(slug)
            .fetch_one(self.domain.db().pool())
            .await
            .expect("predefined role")
            .get("id")
    }

    /// How many audit events of this action were written.
    pub async fn audit_count(&self, action: &str) -> i64 {
        use sqlx::Row;
        sqlx::query("SELECT COUNT(*) AS n FROM audit_events WHERE action = $1")
            .bind(action)
            .fetch_one(self.domain.db().pool())
            .await
            .expect("count")
            .get("n")
    }

    /// The `after` of each event with this action, oldest first.
    pub async fn audit_events(&self, action: &str) -> Vec<serde_json::Value> {
        let rows: Vec<(Option<String>,)> =
            sqlx::query_as("SELECT after_json FROM audit_events WHERE action = $1 ORDER BY at, id")
                .bind(action)
                .fetch_all(self.domain.db().pool())
                .await
                .expect("events");
        rows.into_iter().map(|(after,)| after.and_then(|a| serde_json::from_str(&a).ok()).unwrap_or_default()).collect()
    }

    /// The first admin as a domain actor.
    pub async fn admin_actor(&self) -> warden::domain::Actor {
        let user_id: String = {
            use sqlx::Row;
            sqlx::query("SELECT id FROM users WHERE email_normalized = $1")
                .bind(ADMIN_EMAIL)
                .fetch_one(self.domain.db().pool())
                .await
                .expect("admin")
                .get("id")
        };
        warden::domain::Actor::user(user_id, "Warden Admin".into(), None, None)
    }
}

impl TestApp {
    /// A custom role of `org_id` made of the given policies, created by the first admin
    /// through the domain (validated and authorized like any other).
    pub async fn create_role_with(&self, org_id: &str, name: &str, policy_ids: &[&str]) -> String {
        let fields = warden::domain::roles::RoleFields {
            name: name.to_owned(),
            policy_ids: policy_ids.iter().map(|p| (*p).to_owned()).collect(),
            ..Default::default()
        };
        self.domain.create_role(&self.admin_actor().await, org_id, fields).await.expect("role").role_id
    }
}
