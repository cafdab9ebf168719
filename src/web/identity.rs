//! Who is calling: settled once per request by the authentication middleware, read by REST
//! handlers and server functions alike.

use crate::domain::{Actor, User};

#[derive(Debug, Clone)]
pub struct Identity {
    pub actor: Actor,
    pub user: Option<User>,
}

pub const SIGN_IN_PATH: &str = "/sign-in";

/// Where to go after signing in: only a path on this site, never another host.
pub fn safe_return_path(next: Option<&str>) -> String {
    match next {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path.starts_with(SIGN_IN_PATH)
                && path.bytes().all(|b| b.is_ascii_graphic() && b != b'\\') =>
        {
            path.to_owned()
        }
        _ => "/".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn returns_only_to_local_paths() {
        assert_eq!(safe_return_path(Some("/account?tab=1")), "/account?tab=1");
        assert_eq!(safe_return_path(Some("//evil.example/")), "/");
        assert_eq!(safe_return_path(Some("https://evil.example/")), "/");
        assert_eq!(safe_return_path(Some("/\\evil.example")), "/");
        assert_eq!(safe_return_path(Some("/sign-in")), "/");
        assert_eq!(safe_return_path(Some("/a\r\nSet-Cookie: x")), "/");
        assert_eq!(safe_return_path(None), "/");
    }
}
