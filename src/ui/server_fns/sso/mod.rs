//! Single sign-on: the setup page (configuration, test connection, role group names, mapping a
//! group seen at sign-in, the test bench) and the sign-in page's choice of organization.

mod choices;
mod map_group;
mod preview;
mod save;
mod save_role_groups;
mod setup;
mod test_connection;

pub use choices::{SsoChoices, sso_choices};
pub use map_group::{MapSsoGroup, map_sso_group};
pub use preview::{PreviewSso, preview_sso};
pub use save::{SaveSso, save_sso};
pub use save_role_groups::{SaveRoleGroups, save_role_groups};
pub use setup::{SsoSetup, sso_setup};
pub use test_connection::{TestSsoConnection, test_sso_connection};

/// A list typed in one box: separated by commas, spaces or new lines.
#[cfg(feature = "ssr")]
fn split_list(text: &str) -> Vec<String> {
    text.split(|c: char| c == ',' || c.is_whitespace()).filter(|s| !s.is_empty()).map(str::to_owned).collect()
}
