//! The `warden` binary. See `server::cli` for its commands.
// The page tree's view types are deep; proving them `Send` here needs more than the default.
#![recursion_limit = "512"]

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
