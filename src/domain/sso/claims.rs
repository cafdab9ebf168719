//! Reading the groups out of an ID token's claims (pure): the claim is named by a dotted path
//! (`groups`, `realm_access.roles`), and holds a list of strings or a single string.

use serde_json::Value;

/// At most this many groups are read from one sign-in; more are ignored.
pub const MAX_GROUPS_READ: usize = 200;
/// Longer group names are ignored.
pub const MAX_GROUP_CHARS: usize = 200;

/// The groups a sign-in carries, and whether that is all of them: not when the claim is missing
/// (some providers leave it out when there are too many) or when the list was cut short.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Groups {
    pub groups: Vec<String>,
    pub complete: bool,
}

/// The groups at `path` in `claims`.
pub fn groups_at(claims: &Value, path: &str) -> Groups {
    let mut value = claims;
    for step in path.split('.') {
        match value.get(step) {
            Some(next) => value = next,
            None => return Groups::default(),
        }
    }
    let names: Vec<&str> = match value {
        Value::String(one) => vec![one.as_str()],
        Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
        _ => return Groups::default(),
    };
    let offered = names.iter().filter(|n| !n.trim().is_empty() && n.trim().chars().count() <= MAX_GROUP_CHARS).count();
    let groups = clean(names);
    let complete = groups.len() < MAX_GROUPS_READ || offered == groups.len();
    Groups { groups, complete }
}

/// Trimmed, without blanks, repeats and over-long names, at most [`MAX_GROUPS_READ`].
pub fn clean<'a>(names: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut groups: Vec<String> = Vec::new();
    for name in names.into_iter().map(str::trim) {
        if !name.is_empty() && name.chars().count() <= MAX_GROUP_CHARS && !groups.iter().any(|g| g == name) {
            groups.push(name.to_owned());
        }
        if groups.len() == MAX_GROUPS_READ {
            break;
        }
    }
    groups
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_plain_claim_a_dotted_path_and_a_single_string() {
        let claims = json!({
            "groups": ["eng", "ops", "eng", 7, ""],
            "realm_access": { "roles": ["admin"] },
            "team": "blue"
        });
        let read = |path: &str| groups_at(&claims, path);
        assert_eq!(read("groups").groups, ["eng", "ops"], "repeats, non-strings and blanks are dropped");
        assert!(read("groups").complete);
        assert_eq!(read("realm_access.roles").groups, ["admin"]);
        assert_eq!(read("team").groups, ["blue"]);
        assert_eq!(read("missing.path"), Groups::default(), "a missing claim is not all the groups");
        assert!(!read("realm_access").complete, "an object is not a list of groups");
    }

    #[test]
    fn huge_lists_are_bounded() {
        let many: Vec<String> = (0..2000).map(|i| format!("g{i}")).collect();
        let cut = groups_at(&json!({ "groups": many }), "groups");
        assert_eq!(cut.groups.len(), MAX_GROUPS_READ);
        assert!(!cut.complete, "a list cut short takes nothing away");
        assert!(groups_at(&json!({ "groups": ["x".repeat(MAX_GROUP_CHARS + 1)] }), "groups").groups.is_empty());
    }
}
