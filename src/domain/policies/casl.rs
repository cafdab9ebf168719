//! CASL's vocabulary for what Warden's statements say (seed 002): `manage` is every action,
//! `all` every subject (Warden's `*`), and an `inverted` rule is a deny. [`super::document`]
//! reads rules in it; [`casl_rules`] writes statements back in it.

use serde::Serialize;
use serde_json::{Value, json};

use crate::domain::authz::{
    permissions::WILDCARD,
    statements::{Effect, Statement},
};

/// CASL's word for every action.
pub const ANY_ACTION: &str = "manage";
/// CASL's word for every subject (resource type).
pub const ANY_SUBJECT: &str = "all";

/// One CASL rule: `action` on `subject`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CaslRule {
    pub action: String,
    pub subject: String,
    /// Always empty: Warden has no conditions yet.
    #[cfg_attr(feature = "ssr", schema(value_type = Object))]
    pub conditions: Value,
    /// A deny: the rule takes away what others give.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub inverted: bool,
}

/// A statement as CASL rules, one per resource and action.
pub fn casl_rules(statement: &Statement) -> Vec<CaslRule> {
    let word = |text: &str, any: &str| if text == WILDCARD { any.to_owned() } else { text.to_owned() };
    let inverted = statement.effect == Effect::Deny;
    statement
        .resources
        .iter()
        .flat_map(|resource| {
            statement.actions.iter().map(move |action| CaslRule {
                action: word(action, ANY_ACTION),
                subject: word(resource, ANY_SUBJECT),
                conditions: json!({}),
                inverted,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_read_as_casl_rules() {
        let rules: Vec<Value> = [
            Statement::allow(&["*"], &["*"]),
            Statement::allow(&["org", "member"], &["read"]),
            Statement { effect: Effect::Deny, actions: vec!["delete".into()], resources: vec!["policy".into()] },
        ]
        .iter()
        .flat_map(casl_rules)
        .map(|rule| serde_json::to_value(rule).unwrap_or_default())
        .collect();
        assert_eq!(
            rules,
            [
                json!({ "action": "manage", "subject": "all", "conditions": {} }),
                json!({ "action": "read", "subject": "org", "conditions": {} }),
                json!({ "action": "read", "subject": "member", "conditions": {} }),
                json!({ "action": "delete", "subject": "policy", "conditions": {}, "inverted": true }),
            ]
        );
    }
}
