//! The `warden` command line: `migrate` and `create-admin` (password from standard input or
//! the environment, never from the arguments).

use std::{io::Write, path::PathBuf, process::Stdio};

use crate::support::TestDb;
use warden::domain::{Actor, Database, Domain};

fn config_file(database_url: &str) -> PathBuf {
    let path = std::env::temp_dir().join(format!("warden-cli-{}.toml", uuid::Uuid::new_v4().simple()));
    let text = format!(
        "[warden]\nlisten_addr = \"127.0.0.1:0\"\npublic_url = \"http://127.0.0.1:3000\"\n\
         database_url = \"{database_url}\"\nsession_idle_timeout_minutes = 5\n\n\
         [package.metadata.leptos]\noutput-name = \"warden\"\n"
    );
    std::fs::write(&path, text).expect("config");
    path
}

fn warden(config: &PathBuf, args: &[&str]) -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_warden"));
    command.arg("--config").arg(config).args(args).env_remove("WARDEN_ADMIN_PASSWORD").env_remove("DATABASE_URL");
    command
}

#[tokio::test]
async fn create_admin_reads_the_password_from_stdin_and_the_admin_can_sign_in() {
    let db = TestDb::sqlite();
    let config = config_file(&db.url);
    assert!(warden(&config, &["migrate"]).status().expect("run").success());

    let mut child = warden(&config, &["create-admin", "--email", "ops@example.com", "--full-name", "Ops Person"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    child.stdin.take().expect("stdin").write_all(b"a long cli passphrase\n").expect("write");
    assert!(child.wait().expect("wait").success());

    let domain = Domain::new(Database::open(&db.url).await.expect("open"));
    let user = domain
        .sign_in(&Actor::anonymous(None, None), "ops@example.com", "a long cli passphrase")
        .await
        .expect("signs in");
    assert_eq!(user.full_name, "Ops Person");
    // The new admin is Super Admin of the root: everything there.
    let admin = Actor::user(user.id.clone(), user.full_name.clone(), None, None);
    let answer = domain.explain_access(&admin, "root", None, "*:*").await.expect("explained");
    assert!(answer.allowed, "{answer:?}");
    assert!(
        matches!(&answer.reason, warden::domain::authz::Reason::Allowed { link } if link.role_name == "Super Admin"),
        "{answer:?}"
    );

    // A weak password is refused, and nothing is created.
    let refused = warden(&config, &["create-admin", "--email", "weak@example.com"])
        .env("WARDEN_ADMIN_PASSWORD", "short")
        .stderr(Stdio::piped())
        .output()
        .expect("run");
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("at least 12 characters"));
}

/// The generated first-admin password is shown once, on the terminal (standard error), and
/// never in the log, which in JSON mode goes to collectors that keep it.
#[test]
fn the_generated_password_reaches_the_terminal_but_never_the_log() {
    use std::io::{BufRead, BufReader};
    let db = TestDb::sqlite();
    let config = config_file(&db.url);
    let mut child = warden(&config, &["serve"])
        .env_remove("WARDEN_ADMIN_EMAIL")
        .env("WARDEN_LOG_FORMAT", "json")
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let (lines, received) = std::sync::mpsc::channel::<(&'static str, String)>();
    for (name, stream) in [
        ("log", Box::new(child.stdout.take().expect("stdout")) as Box<dyn std::io::Read + Send>),
        ("terminal", Box::new(child.stderr.take().expect("stderr"))),
    ] {
        let lines = lines.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stream).lines().map_while(Result::ok) {
                let _ = lines.send((name, line));
            }
        });
    }
    let (mut password, mut log, mut logged_creation) = (None, Vec::new(), false);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while (password.is_none() || !logged_creation) && std::time::Instant::now() < deadline {
        let Ok((stream, line)) = received.recv_timeout(std::time::Duration::from_secs(1)) else { continue };
        if stream == "terminal" && line.contains("with password ") {
            password = line.split("with password ").nth(1).map(|p| p.trim().to_owned());
        }
        if stream == "log" {
            logged_creation |= line.contains("First admin created");
            log.push(line);
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    let password = password.expect("the password was printed on the terminal");
    assert!(password.len() >= 12, "{password}");
    assert!(logged_creation, "the log notes that an admin was created: {log:?}");
    assert!(log.iter().all(|line| !line.contains(&password)), "the password is in the log: {log:?}");
}
