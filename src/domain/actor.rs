//! Who performs a domain call, and from where. Every domain call takes an [`Actor`].

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    /// Nobody is signed in (sign-in itself runs as this).
    Anonymous,
    /// A signed-in person.
    User { user_id: String, display_name: String },
    /// Warden itself: first-start bootstrap and the command line.
    System,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub principal: Principal,
    /// The request this call serves, for the audit log and for correlating logs.
    pub request_id: Option<String>,
    pub client_addr: Option<String>,
}

impl Actor {
    pub fn system() -> Self {
        Self { principal: Principal::System, request_id: None, client_addr: None }
    }

    pub fn anonymous(request_id: Option<String>, client_addr: Option<String>) -> Self {
        Self { principal: Principal::Anonymous, request_id, client_addr }
    }

    pub fn user(
        user_id: String,
        display_name: String,
        request_id: Option<String>,
        client_addr: Option<String>,
    ) -> Self {
        Self { principal: Principal::User { user_id, display_name }, request_id, client_addr }
    }

    /// The signed-in user's id, or `Unauthenticated`.
    pub fn user_id(&self) -> Result<&str, super::DomainError> {
        match &self.principal {
            Principal::User { user_id, .. } => Ok(user_id),
            _ => Err(super::DomainError::Unauthenticated),
        }
    }

    /// The id recorded in the audit log (`None` for anonymous callers).
    pub fn audit_id(&self) -> Option<&str> {
        match &self.principal {
            Principal::User { user_id, .. } => Some(user_id),
            _ => None,
        }
    }

    /// The name recorded in the audit log, as it is at the time of the event.
    pub fn audit_name(&self) -> &str {
        match &self.principal {
            Principal::Anonymous => "anonymous",
            Principal::User { display_name, .. } => display_name,
            Principal::System => "system",
        }
    }
}
