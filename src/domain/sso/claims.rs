//! Reading the groups out of an ID token's claims (pure): the claim is named by a dotted path
//! (`groups`, `realm_access.roles`), and holds a list of strings or a single string.

use serde_json::Value;

/// At most this many groups are read from one sign-in; more are ignored.
pub const MAX_GROUPS_READ: usize = 500;
/// Longer group names are ignored (no role can name them either).
pub const MAX_GROUP_CHARS: usize = 200;

/// The groups at `path` in `claims`; none when the claim is missing.
pub fn groups_at(claims: &Value, path: &str) -> Vec<String> {
    let mut value = claims;
    for step in path.split('.') {
        match value.get(step) {
            Some(next) => value = next,
            None => return Vec::new(),
        }
    }
    let names: Vec<&str> = match value {
        Value::String(one) => vec![one.as_str()],
        Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    clean(names)
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
        assert_eq!(groups_at(&claims, "groups"), ["eng", "ops"], "repeats, non-strings and blanks are dropped");
        assert_eq!(groups_at(&claims, "realm_access.roles"), ["admin"]);
        assert_eq!(groups_at(&claims, "team"), ["blue"]);
        assert!(groups_at(&claims, "missing.path").is_empty());
        assert!(groups_at(&claims, "realm_access").is_empty(), "an object is not a list of groups");
    }

    #[test]
    fn huge_lists_are_bounded() {
        let many: Vec<String> = (0..2000).map(|i| format!("g{i}")).collect();
        assert_eq!(groups_at(&json!({ "groups": many }), "groups").len(), MAX_GROUPS_READ);
        assert!(groups_at(&json!({ "groups": ["x".repeat(MAX_GROUP_CHARS + 1)] }), "groups").is_empty());
    }
}
