//! Why an SSO sign-in did not happen, as the person trying is told (pure: the sign-in page shows
//! these from a code in its URL, rendered on the server and in the browser alike). The details
//! (what the provider said, which claim failed) go to the audit log, never to the page.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SsoFailure {
    /// Neither an email address nor an organization code was given.
    IdentifierMissing,
    /// No organization signs in with SSO for that email domain or code.
    NoOrganization,
    /// No enabled SSO for that organization.
    NotEnabled,
    /// The provider could not be reached, or its metadata was refused.
    ProviderUnreachable,
    /// The provider sent the person back with an error (cancelled, refused).
    ProviderRefused,
    /// Unknown, expired, already used, or started in another browser.
    StateInvalid,
    /// The code exchange failed, or the ID token did not verify.
    TokenRejected,
    EmailUnverified,
    DomainNotAllowed,
    /// No account, and the organization does not create them at sign-in.
    NoAccount,
    /// An account with this email signs in with a password, and its owner has not connected
    /// it to the provider.
    PasswordAccount,
    AccountDisabled,
    /// Something broke on Warden's side.
    Unavailable,
}

impl SsoFailure {
    pub const ALL: [Self; 13] = [
        Self::IdentifierMissing,
        Self::NoOrganization,
        Self::NotEnabled,
        Self::ProviderUnreachable,
        Self::ProviderRefused,
        Self::StateInvalid,
        Self::TokenRejected,
        Self::EmailUnverified,
        Self::DomainNotAllowed,
        Self::NoAccount,
        Self::PasswordAccount,
        Self::AccountDisabled,
        Self::Unavailable,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::IdentifierMissing => "identifier_missing",
            Self::NoOrganization => "no_organization",
            Self::NotEnabled => "not_enabled",
            Self::ProviderUnreachable => "provider_unreachable",
            Self::ProviderRefused => "provider_refused",
            Self::StateInvalid => "state_invalid",
            Self::TokenRejected => "token_rejected",
            Self::EmailUnverified => "email_unverified",
            Self::DomainNotAllowed => "domain_not_allowed",
            Self::NoAccount => "no_account",
            Self::PasswordAccount => "password_account",
            Self::AccountDisabled => "account_disabled",
            Self::Unavailable => "unavailable",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.code() == code)
    }

    /// What happened and what to do, in one or two sentences.
    pub fn message(self) -> &'static str {
        match self {
            Self::IdentifierMissing => "Enter your work email address or your organization's code to sign in with SSO.",
            Self::NoOrganization => {
                "No organization signs in with single sign-on for that address or code. Check it, or sign in with your password."
            }
            Self::NotEnabled => {
                "Single sign-on is not turned on for this organization. Sign in with your password, or ask your administrator."
            }
            Self::ProviderUnreachable => {
                "Warden could not reach your organization's identity provider. Try again in a minute; if it keeps failing, tell your administrator."
            }
            Self::ProviderRefused => {
                "Your identity provider did not sign you in (it may have been cancelled). Try again, or ask your administrator."
            }
            Self::StateInvalid => {
                "This sign-in expired, was already used, or was started in another browser. Start again below."
            }
            Self::TokenRejected => {
                "Your identity provider's answer could not be verified, so you were not signed in. Tell your administrator: the reason is in Warden's audit log."
            }
            Self::EmailUnverified => {
                "Your identity provider has not verified your email address. Verify it there, then sign in again."
            }
            Self::DomainNotAllowed => {
                "Your email address's domain may not sign in to this organization. Use your work account, or ask your administrator."
            }
            Self::NoAccount => {
                "There is no Warden account for your email address, and this organization does not create accounts at sign-in. Ask your administrator to add you."
            }
            Self::PasswordAccount => {
                "An account with your email address signs in with a password. Sign in with it, then connect single sign-on from your Account page."
            }
            Self::AccountDisabled => "Your account is disabled. Ask your administrator.",
            Self::Unavailable => "Signing in failed on Warden's side. Try again in a minute.",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_failure_round_trips_through_its_code() {
        for failure in SsoFailure::ALL {
            assert_eq!(SsoFailure::from_code(failure.code()), Some(failure));
        }
        assert_eq!(SsoFailure::from_code("<script>"), None);
    }
}
