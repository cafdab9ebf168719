//! Other API references' own shapes, as thin translations over the same domain calls as
//! Warden's `/v1` endpoints (so every rule, anti-escalation included, is the same):
//!
//! - [`iam_policies`]: seed 004's organization policies, `/v1/organizations/{id}/iam-policies`;
//! - [`iam_roles`]: seed 002's roles (the platform's, the root organization's), `/v1/iam/roles`.

pub mod iam_policies;
pub mod iam_roles;

use utoipa_axum::router::OpenApiRouter;

use crate::web::AppState;

/// Every compatibility route, to be mounted under `/v1` (the base URL those clients are given),
/// each with its description.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().merge(iam_policies::routes()).merge(iam_roles::routes())
}
