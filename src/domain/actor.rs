//! Who performs a domain call, and from where. Every domain call takes an [`Actor`].

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    /// Nobody is signed in (sign-in itself runs as this).
    Anonymous,
    /// A signed-in person.
    User { user_id: String, display_name: String, email: Option<String> },
    /// Warden itself: first-start bootstrap and the command line.
    System,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub principal: Principal,
    /// The request this call serves, for the audit log and for correlating logs.
    pub request_id: Option<String>,
    pub client_addr: Option<String>,
    /// When the user acts through an API token: the token, whose restriction narrows every
    /// decision.
    pub token: Option<ActingToken>,
    /// The identity provider (its issuer) through which the person signed in, for the audit
    /// log: set for sign-ins through an organization's SSO and for the sessions they start.
    pub provider: Option<String>,
}

/// An API token through which a user acts: worth at most its restriction, intersected with the
/// user's own rights at each decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActingToken {
    pub token_id: String,
    pub name: String,
    pub restriction: TokenRestriction,
}

/// What a token may be used for: these permission patterns (`None`: any of its creator's), and
/// only inside this organization's subtree (`None`: anywhere).
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenRestriction {
    pub permissions: Option<Vec<String>>,
    pub org_id: Option<String>,
}

impl Actor {
    pub fn system() -> Self {
        Self { principal: Principal::System, request_id: None, client_addr: None, token: None, provider: None }
    }

    pub fn anonymous(request_id: Option<String>, client_addr: Option<String>) -> Self {
        Self { principal: Principal::Anonymous, request_id, client_addr, token: None, provider: None }
    }

    pub fn user(
        user_id: String,
        display_name: String,
        request_id: Option<String>,
        client_addr: Option<String>,
    ) -> Self {
        let principal = Principal::User { user_id, display_name, email: None };
        Self { principal, request_id, client_addr, token: None, provider: None }
    }

    /// A signed-in person, as the audit log should remember them: name and email as they are now.
    pub fn signed_in(user: &super::User, request_id: Option<String>, client_addr: Option<String>) -> Self {
        let mut actor = Self::user(user.id.clone(), user.full_name.clone(), request_id, client_addr);
        if let Principal::User { email, .. } = &mut actor.principal {
            *email = Some(user.email.clone());
        }
        actor
    }

    /// Acting through a session started at this identity provider.
    pub fn via_provider(mut self, issuer: impl Into<String>) -> Self {
        self.provider = Some(issuer.into());
        self
    }

    /// This user, acting through `token`.
    pub fn through_token(mut self, token: ActingToken) -> Self {
        self.token = Some(token);
        self
    }

    /// Refuses what may not be done through a token (making tokens, changing the creator's
    /// password): only the user in person may.
    pub fn in_person(&self) -> Result<(), super::DomainError> {
        match &self.token {
            None => Ok(()),
            Some(_) => Err(super::DomainError::Forbidden { required_permission: "a session, not an API token".into() }),
        }
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

    /// The token recorded in the audit log beside the user, if the user acts through one.
    pub fn audit_token(&self) -> Option<(&str, &str)> {
        self.token.as_ref().map(|t| (t.token_id.as_str(), t.name.as_str()))
    }

    /// The email recorded in the audit log beside the name, as it is at the time of the event.
    pub fn audit_email(&self) -> Option<&str> {
        match &self.principal {
            Principal::User { email, .. } => email.as_deref(),
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
