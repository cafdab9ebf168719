//! The `warden` binary. See `server::cli` for its commands.

#[tokio::main]
async fn main() -> std::process::ExitCode {
    match warden::server::cli::main().await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("warden: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}
