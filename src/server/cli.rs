//! The `warden` command: `serve` (the default), `migrate`, `create-admin`.

use std::{io::BufRead, net::SocketAddr, path::PathBuf, sync::Arc};

use clap::{Parser, Subcommand};

use super::{app, logging, oidc::OpenIdConnectClient, secret_key};
use crate::domain::{Actor, Database, Domain, bootstrap::FirstAdmin, db::redact, sso::SsoSettings};
use crate::{settings::Settings, web::AppState};

#[derive(Debug, Parser)]
#[command(name = "warden", version, about = "Warden identity-and-access console")]
struct Cli {
    /// The settings file.
    #[arg(long, env = "WARDEN_CONFIG", default_value = "Leptos.toml", global = true)]
    config: PathBuf,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the console and the REST API (migrates first; creates the first admin on an empty database).
    Serve,
    /// Bring the database schema up to date, then exit.
    Migrate,
    /// Seal every stored SSO client secret again with the first key of WARDEN_SECRET_KEY (after
    /// adding a new key in front of the old one), so that the old key can then be removed.
    ResealSecrets,
    /// Create an admin account. The password is read from WARDEN_ADMIN_PASSWORD or, if unset, from standard input.
    CreateAdmin {
        #[arg(long)]
        email: String,
        #[arg(long, default_value = "Warden Admin")]
        full_name: String,
    },
}

type CliResult = Result<(), Box<dyn std::error::Error>>;

pub async fn main() -> CliResult {
    let cli = Cli::parse();
    logging::init();
    let settings = Settings::load(&cli.config)?;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(&cli.config, settings).await,
        Command::Migrate => {
            Database::open(&settings.database_url).await?;
            tracing::info!(database = %redact(&settings.database_url), "database is up to date");
            Ok(())
        }
        Command::ResealSecrets => {
            let domain = Domain::new(Database::open(&settings.database_url).await?).with_sso(sso_settings(&settings)?);
            let resealed = domain.reseal_sso_secrets(&Actor::system()).await?;
            tracing::info!(resealed, "SSO client secrets sealed with the current key");
            Ok(())
        }
        Command::CreateAdmin { email, full_name } => {
            let password = match std::env::var("WARDEN_ADMIN_PASSWORD") {
                Ok(password) if !password.is_empty() => password,
                _ => read_password_from_stdin()?,
            };
            let domain = Domain::new(Database::open(&settings.database_url).await?);
            let user = domain.create_admin(&Actor::system(), &email, &full_name, &password).await?;
            tracing::info!(user_id = %user.id, email = %user.email, "admin created");
            Ok(())
        }
    }
}

async fn serve(config: &std::path::Path, settings: Settings) -> CliResult {
    let db = Database::open(&settings.database_url).await?;
    tracing::info!(database = %redact(&settings.database_url), "database ready");
    let domain = Domain::new(db).with_sso(sso_settings(&settings)?);
    let first_admin =
        domain.bootstrap(std::env::var("WARDEN_ADMIN_EMAIL").ok(), std::env::var("WARDEN_ADMIN_PASSWORD").ok()).await?;
    if let Some(first_admin) = first_admin {
        announce_first_admin(&settings, &first_admin);
    }
    super::maintenance::spawn(domain.clone(), settings.audit_retention_days);

    let mut leptos_options = leptos::config::get_configuration(Some(&config.to_string_lossy()))?.leptos_options;
    leptos_options.site_addr = settings.listen_addr;
    let listen_addr = settings.listen_addr;
    let public_url = settings.public_url().clone();
    let state = AppState::new(leptos_options, Arc::new(settings), domain);
    let router = app::router(state).await?;

    let listener = super::listener::bind(listen_addr).await?;
    tracing::info!(%listen_addr, %public_url, "Warden is serving");
    axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    Ok(())
}

/// Where providers send people back, and the key that seals their client secrets.
fn sso_settings(settings: &Settings) -> Result<SsoSettings, Box<dyn std::error::Error>> {
    let keys = secret_key::load(&settings.database_url)?;
    if keys.is_none() {
        tracing::warn!("{} is not set: single sign-on cannot be configured until it is", secret_key::VARIABLE);
    }
    let provider = Arc::new(OpenIdConnectClient::new()?);
    Ok(SsoSettings { redirect_uri: format!("{}sso/callback", settings.public_url()), keys, provider })
}

/// The only time a generated password is ever shown: on standard error, not in the log.
fn announce_first_admin(settings: &Settings, first_admin: &FirstAdmin) {
    let sign_in = format!("{}sign-in", settings.public_url());
    match &first_admin.generated_password {
        // Straight to the terminal, never through the log: log collectors keep what they get.
        Some(password) => {
            tracing::warn!(email = %first_admin.user.email, "First admin created; its generated password was printed to the terminal");
            eprintln!(
                "\nFirst admin created. Sign in at {sign_in} as {} with password {password}\n\
                 (shown only this once, here; change it on the Account page)\n",
                first_admin.user.email
            );
        }
        None => tracing::warn!(
            email = %first_admin.user.email,
            "First admin created from WARDEN_ADMIN_EMAIL/WARDEN_ADMIN_PASSWORD. Sign in at {sign_in}"
        ),
    }
}

fn read_password_from_stdin() -> Result<String, Box<dyn std::error::Error>> {
    eprintln!("Password (one line on standard input):");
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    let password = line.trim_end_matches(['\r', '\n']).to_owned();
    if password.is_empty() {
        return Err("no password given on standard input or in WARDEN_ADMIN_PASSWORD".into());
    }
    Ok(password)
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! { _ = ctrl_c => {}, _ = terminate => {} }
    tracing::info!("shutting down");
}
