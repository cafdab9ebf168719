//! What a policy says, as it arrives: statements (`{effect, actions, resources}`, also called
//! `definitions`), CASL rules (`{action, subject}`), or permission strings. All three become [`Statement`]s, and every problem is reported at its exact place in
//! the request (`loc`), so the API can point at it and the editor can underline it.
//!
//! Pure code: the server validates with it, and the policy editor runs the same checks as the
//! admin types.

use std::collections::{HashMap, HashSet};

use serde_json::Value;

use crate::domain::{
    FieldError,
    authz::{
        permissions::{Permission, WILDCARD, is_key},
        statements::{Effect, Statement},
    },
    policies::casl,
    schema::PermissionSchema,
};

pub const MAX_STATEMENTS: usize = 200;
pub const MAX_ENTRIES: usize = 200;
/// The most permission strings one policy may list.
pub const MAX_PERMISSIONS: usize = 1000;
/// The most resource x action pairs one policy may spell out in all its statements.
pub const MAX_PAIRS: usize = 10_000;

/// A place in the request body, e.g. `body / statements / 0 / resources / 1`.
pub type Loc = Vec<String>;

/// One entry (a resource or an action) with where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub text: String,
    pub loc: Loc,
}

/// A statement as written, before it is checked against the schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftStatement {
    /// Where the statement itself is.
    pub loc: Loc,
    pub effect: Effect,
    pub resources: Vec<Entry>,
    pub actions: Vec<Entry>,
}

/// Everything a policy says, as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    /// The body field the statements came from: `statements`, `definitions` or `permissions`.
    pub field: String,
    pub statements: Vec<DraftStatement>,
}

/// What the catalog knows about a resource instance named in a policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InstanceStatus {
    /// Registered in the policy's organization.
    Registered {
        name: String,
    },
    Unknown,
}

fn loc_of(base: &[String], tail: &[&str]) -> Loc {
    base.iter().cloned().chain(tail.iter().map(|s| (*s).to_owned())).collect()
}

fn error(loc: Loc, kind: &str, msg: impl Into<String>) -> FieldError {
    FieldError { loc, msg: msg.into(), kind: kind.to_owned() }
}

/// Strings, or one string, at `loc` (CASL allows either; statements want lists).
fn strings(value: Option<&Value>, loc: Loc, allow_single: bool, errors: &mut Vec<FieldError>) -> Vec<Entry> {
    match value {
        None => {
            errors.push(error(loc, "missing", "Field required"));
            Vec::new()
        }
        Some(Value::String(text)) if allow_single => vec![Entry { text: text.trim().to_owned(), loc }],
        Some(Value::Array(items)) => {
            if items.len() > MAX_ENTRIES {
                errors.push(error(loc, "too_long", format!("At most {MAX_ENTRIES} entries")));
                return Vec::new();
            }
            let mut entries = Vec::new();
            for (index, item) in items.iter().enumerate() {
                let item_loc = loc_of(&loc, &[&index.to_string()]);
                match item {
                    Value::String(text) => entries.push(Entry { text: text.trim().to_owned(), loc: item_loc }),
                    _ => errors.push(error(item_loc, "string_type", "Expected a string")),
                }
            }
            entries
        }
        Some(_) => {
            let expected =
                if allow_single { "Expected a string or a list of strings" } else { "Expected a list of strings" };
            errors.push(error(loc, "list_type", expected));
            Vec::new()
        }
    }
}

fn statement_of(object: &serde_json::Map<String, Value>, loc: &Loc, errors: &mut Vec<FieldError>) -> DraftStatement {
    for key in object.keys() {
        let known = ["effect", "actions", "resources"].contains(&key.as_str());
        let empty_conditions =
            key == "conditionsAll" && object.get(key).is_some_and(|v| v.as_array().is_some_and(Vec::is_empty));
        if !known && !empty_conditions {
            errors.push(error(
                loc_of(loc, &[key]),
                "extra_forbidden",
                format!("Unknown field \"{key}\" (conditions are not supported)"),
            ));
        }
    }
    let effect = match object.get("effect") {
        Some(Value::String(e)) if e == "allow" => Effect::Allow,
        Some(Value::String(e)) if e == "deny" => Effect::Deny,
        None => {
            errors.push(error(loc_of(loc, &["effect"]), "missing", "Field required"));
            Effect::Allow
        }
        Some(_) => {
            errors.push(error(loc_of(loc, &["effect"]), "enum", "Effect must be \"allow\" or \"deny\""));
            Effect::Allow
        }
    };
    DraftStatement {
        loc: loc.clone(),
        effect,
        resources: strings(object.get("resources"), loc_of(loc, &["resources"]), false, errors),
        actions: strings(object.get("actions"), loc_of(loc, &["actions"]), false, errors),
    }
}

/// A CASL rule: `manage` is any action, `all` any type, `inverted` makes it a deny.
fn casl_rule_of(object: &serde_json::Map<String, Value>, loc: &Loc, errors: &mut Vec<FieldError>) -> DraftStatement {
    for (key, value) in object {
        let ok = match key.as_str() {
            "action" | "subject" | "inverted" | "reason" => true,
            "conditions" | "fields" => value.is_null() || value.as_object().is_some_and(|o| o.is_empty()),
            _ => false,
        };
        if !ok {
            errors.push(error(
                loc_of(loc, &[key]),
                "extra_forbidden",
                format!("\"{key}\" is not supported (conditions and fields cannot be used)"),
            ));
        }
    }
    let effect = match object.get("inverted") {
        None | Some(Value::Bool(false)) => Effect::Allow,
        Some(Value::Bool(true)) => Effect::Deny,
        Some(_) => {
            errors.push(error(loc_of(loc, &["inverted"]), "bool_type", "Expected true or false"));
            Effect::Allow
        }
    };
    let translate = |entries: Vec<Entry>, any: &str| {
        entries
            .into_iter()
            .map(|e| if e.text == any { Entry { text: WILDCARD.to_owned(), ..e } } else { e })
            .collect::<Vec<_>>()
    };
    DraftStatement {
        loc: loc.clone(),
        effect,
        actions: translate(strings(object.get("action"), loc_of(loc, &["action"]), true, errors), casl::ANY_ACTION),
        resources: translate(
            strings(object.get("subject"), loc_of(loc, &["subject"]), true, errors),
            casl::ANY_SUBJECT,
        ),
    }
}

/// Reads statements given as `field` (statement objects or CASL rules, mixed freely).
pub fn draft_from_statements(field: &str, values: &[Value]) -> Result<Draft, Vec<FieldError>> {
    let base: Loc = vec!["body".into(), field.into()];
    let mut errors = Vec::new();
    if values.len() > MAX_STATEMENTS {
        errors.push(error(base, "too_long", format!("At most {MAX_STATEMENTS} statements")));
        return Err(errors);
    }
    let mut statements = Vec::new();
    for (index, value) in values.iter().enumerate() {
        let loc = loc_of(&base, &[&index.to_string()]);
        match value {
            Value::Object(object) if object.contains_key("action") || object.contains_key("subject") => {
                statements.push(casl_rule_of(object, &loc, &mut errors));
            }
            Value::Object(object) => statements.push(statement_of(object, &loc, &mut errors)),
            _ => errors.push(error(
                loc,
                "dict_type",
                "Expected {\"effect\", \"actions\", \"resources\"} or {\"action\", \"subject\"}",
            )),
        }
    }
    if errors.is_empty() { Ok(Draft { field: field.to_owned(), statements }) } else { Err(errors) }
}

/// Reads permission strings (`type:action`, `type:id:action`): each one allows.
pub fn draft_from_permissions(values: &[Value]) -> Result<Draft, Vec<FieldError>> {
    let mut errors = Vec::new();
    if values.len() > MAX_PERMISSIONS {
        let loc = vec!["body".into(), "permissions".into()];
        return Err(vec![error(loc, "too_long", format!("At most {MAX_PERMISSIONS} permissions"))]);
    }
    let mut statements = Vec::new();
    for (index, value) in values.iter().enumerate() {
        let loc: Loc = vec!["body".into(), "permissions".into(), index.to_string()];
        let Value::String(text) = value else {
            errors.push(error(loc, "string_type", "Expected a permission string"));
            continue;
        };
        match Permission::parse(text) {
            Ok(p) => statements.push(DraftStatement {
                loc: loc.clone(),
                effect: Effect::Allow,
                resources: vec![Entry { text: p.resource(), loc: loc.clone() }],
                actions: vec![Entry { text: p.action.clone(), loc }],
            }),
            Err(e) => errors.push(error(loc, "value_error.permission", e.to_string())),
        }
    }
    if errors.is_empty() { Ok(Draft { field: "permissions".into(), statements }) } else { Err(errors) }
}

impl Draft {
    /// The `(type, id)` of every resource instance the draft names, for the catalog to look up.
    pub fn instance_refs(&self) -> Vec<(String, String)> {
        let mut seen: HashSet<(&str, &str)> = HashSet::new();
        let mut refs: Vec<(String, String)> = Vec::new();
        for entry in self.statements.iter().flat_map(|s| &s.resources) {
            if let Some((t, id)) = entry.text.split_once(':')
                && seen.insert((t, id))
            {
                refs.push((t.to_owned(), id.to_owned()));
            }
        }
        refs
    }

    /// Checks every entry against the schema and the catalog. `instances` answers for each
    /// `(type, id)` of [`Draft::instance_refs`].
    pub fn validate(
        &self,
        schema: &PermissionSchema,
        instances: &HashMap<(String, String), InstanceStatus>,
    ) -> Result<Vec<Statement>, Vec<FieldError>> {
        let mut errors = Vec::new();
        if self.statements.is_empty() {
            errors.push(error(
                vec!["body".into(), self.field.clone()],
                "empty",
                "A policy needs at least one permission",
            ));
        }
        let pairs: usize = self.statements.iter().map(|s| s.resources.len() * s.actions.len()).sum();
        if pairs > MAX_PAIRS {
            let msg = format!("At most {MAX_PAIRS} resource and action pairs in all; this policy spells out {pairs}");
            return Err(vec![error(vec!["body".into(), self.field.clone()], "too_long", msg)]);
        }
        // The statement each (effect, resource, action) was first seen in.
        let mut seen: HashMap<(Effect, &str, &str), usize> = HashMap::new();
        for (index, statement) in self.statements.iter().enumerate() {
            check_statement(statement, schema, instances, &mut errors);
            for resource in &statement.resources {
                for action in &statement.actions {
                    let key = (statement.effect, resource.text.as_str(), action.text.as_str());
                    let first = *seen.entry(key).or_insert(index);
                    if first != index {
                        let msg = if self.field == "permissions" {
                            format!("\"{}:{}\" is listed twice", resource.text, action.text)
                        } else {
                            format!("{}:{} is already in statement {}", resource.text, action.text, first + 1)
                        };
                        errors.push(error(action.loc.clone(), "duplicate", msg));
                    }
                }
            }
        }
        // One message per place: an entry that breaks several rules shows the first.
        let mut places: HashSet<Vec<String>> = HashSet::new();
        let unique: Vec<FieldError> = errors.into_iter().filter(|e| places.insert(e.loc.clone())).collect();
        if unique.is_empty() { Ok(self.statements()) } else { Err(unique) }
    }

    /// The statements as written (call after [`Draft::validate`]).
    pub fn statements(&self) -> Vec<Statement> {
        self.statements
            .iter()
            .map(|s| Statement {
                effect: s.effect,
                resources: s.resources.iter().map(|e| e.text.clone()).collect(),
                actions: s.actions.iter().map(|e| e.text.clone()).collect(),
            })
            .collect()
    }
}

fn check_statement(
    statement: &DraftStatement,
    schema: &PermissionSchema,
    instances: &HashMap<(String, String), InstanceStatus>,
    errors: &mut Vec<FieldError>,
) {
    let mut types: Vec<&str> = Vec::new();
    let mut types_seen: HashSet<&str> = HashSet::new();
    let mut resources_seen: HashSet<&str> = HashSet::new();
    for resource in &statement.resources {
        if !resources_seen.insert(&resource.text) {
            errors.push(error(resource.loc.clone(), "duplicate", format!("\"{}\" is listed twice", resource.text)));
            continue;
        }
        match resource_problem(&resource.text, schema, instances) {
            Some((kind, msg)) => errors.push(error(resource.loc.clone(), kind, msg)),
            None => {
                let type_key = resource.text.split(':').next().unwrap_or_default();
                if types_seen.insert(type_key) {
                    types.push(type_key);
                }
            }
        }
    }
    let mut actions_seen: HashSet<&str> = HashSet::new();
    for action in &statement.actions {
        if !actions_seen.insert(&action.text) {
            errors.push(error(action.loc.clone(), "duplicate", format!("\"{}\" is listed twice", action.text)));
            continue;
        }
        if action.text == WILDCARD {
            continue;
        }
        if !is_key(&action.text) {
            errors.push(error(
                action.loc.clone(),
                "value_error.action",
                format!("\"{}\" is not a valid action", action.text),
            ));
            continue;
        }
        let lacking = types.iter().find(|t| {
            **t != WILDCARD && schema.resource_type(t).is_some_and(|schema_type| !schema_type.has_action(&action.text))
        });
        if let Some(t) = lacking {
            errors.push(error(
                action.loc.clone(),
                "unknown_action",
                format!("\"{}\" is not an action of the resource type \"{t}\"", action.text),
            ));
        } else if types.iter().all(|t| *t == WILDCARD) && !types.is_empty() && !schema.any_type_has_action(&action.text)
        {
            errors.push(error(
                action.loc.clone(),
                "unknown_action",
                format!("No resource type has the action \"{}\"", action.text),
            ));
        }
    }
    if statement.resources.is_empty() {
        errors.push(error(loc_of(&statement.loc, &["resources"]), "empty", "List at least one resource"));
    }
    if statement.actions.is_empty() {
        errors.push(error(loc_of(&statement.loc, &["actions"]), "empty", "List at least one action"));
    }
}

fn resource_problem(
    text: &str,
    schema: &PermissionSchema,
    instances: &HashMap<(String, String), InstanceStatus>,
) -> Option<(&'static str, String)> {
    if text == WILDCARD {
        return None;
    }
    let (type_key, id) = match text.split_once(':') {
        Some((t, id)) => (t, Some(id)),
        None => (text, None),
    };
    if !is_key(type_key) {
        return Some(("value_error.resource", format!("\"{text}\" is not a valid resource (type or type:id)")));
    }
    let Some(schema_type) = schema.resource_type(type_key) else {
        return Some(("unknown_resource_type", format!("Unknown resource type \"{type_key}\"")));
    };
    let id = id?;
    if id.is_empty() || id == WILDCARD || id.len() > 200 || id.chars().any(|c| c.is_whitespace() || c == ':') {
        return Some(("value_error.resource", format!("\"{id}\" is not a valid resource id")));
    }
    if !schema_type.listable {
        return Some((
            "not_listable",
            format!("{} instances cannot be named one by one; use \"{type_key}\" for all of them", schema_type.label),
        ));
    }
    match instances.get(&(type_key.to_owned(), id.to_owned())) {
        Some(InstanceStatus::Registered { .. }) => None,
        Some(InstanceStatus::Unknown) | None => {
            Some(("unknown_resource", format!("No {type_key} with the id \"{id}\" is registered")))
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::domain::schema::{SchemaAction, SchemaType};

    fn schema() -> PermissionSchema {
        let project = SchemaType {
            key: "project".into(),
            label: "Project".into(),
            description: String::new(),
            listable: true,
            builtin: false,
            actions: ["read", "deploy"]
                .iter()
                .map(|a| SchemaAction { key: (*a).into(), label: (*a).into(), description: String::new() })
                .collect(),
        };
        PermissionSchema::new(1, vec![project])
    }

    fn catalog() -> HashMap<(String, String), InstanceStatus> {
        HashMap::from([
            (("project".into(), "p1".into()), InstanceStatus::Registered { name: "Apollo".into() }),
            (("project".into(), "p9".into()), InstanceStatus::Unknown),
        ])
    }

    fn problems(draft: Result<Draft, Vec<FieldError>>) -> Vec<(String, String)> {
        let result = draft.and_then(|d| d.validate(&schema(), &catalog()));
        result.err().unwrap_or_default().into_iter().map(|e| (e.loc.join("."), e.kind)).collect()
    }

    fn statements(value: Value) -> Result<Draft, Vec<FieldError>> {
        draft_from_statements("statements", value.as_array().map(Vec::as_slice).unwrap_or_default())
    }

    #[test]
    fn the_three_forms_give_the_same_statements() {
        let from_statements = statements(json!([
            {"effect": "allow", "resources": ["project:p1"], "actions": ["deploy"]},
            {"effect": "deny", "resources": ["org"], "actions": ["delete"]},
        ]));
        let from_casl = statements(json!([
            {"action": "deploy", "subject": "project:p1"},
            {"action": ["delete"], "subject": ["org"], "inverted": true, "conditions": {}},
        ]));
        let a = from_statements.and_then(|d| d.validate(&schema(), &catalog()));
        let b = from_casl.and_then(|d| d.validate(&schema(), &catalog()));
        assert_eq!(a, b);
        assert_eq!(a.map(|s| s.len()), Ok(2));
        let from_permissions =
            draft_from_permissions(&[json!("project:p1:deploy")]).and_then(|d| d.validate(&schema(), &catalog()));
        assert_eq!(from_permissions, Ok(vec![Statement::allow(&["project:p1"], &["deploy"])]));
    }

    #[test]
    fn casl_manage_and_all_are_wildcards() {
        let draft = statements(json!([{"action": "manage", "subject": "all"}])).map(|d| d.statements());
        assert_eq!(draft, Ok(vec![Statement::allow(&["*"], &["*"])]));
    }

    #[test]
    fn every_problem_is_located() {
        let found = problems(statements(json!([
            {"effect": "allow", "resources": ["widget", "project:p2", "project:p9", "org:o1"], "actions": ["read"]},
            {"effect": "allow", "resources": ["project"], "actions": ["fly", "read", "read"]},
            {"effect": "allow", "resources": ["project"], "actions": ["read"]},
            {"effect": "allow", "resources": [], "actions": ["read"]},
        ])));
        assert_eq!(
            found,
            [
                ("body.statements.0.resources.0", "unknown_resource_type"),
                ("body.statements.0.resources.1", "unknown_resource"),
                ("body.statements.0.resources.2", "unknown_resource"),
                ("body.statements.0.resources.3", "not_listable"),
                ("body.statements.1.actions.0", "unknown_action"),
                ("body.statements.1.actions.2", "duplicate"),
                ("body.statements.2.actions.0", "duplicate"),
                ("body.statements.3.resources", "empty"),
            ]
            .map(|(l, k)| (l.to_owned(), k.to_owned()))
        );
    }

    #[test]
    fn shape_problems_are_located_too() {
        let found = problems(statements(json!([
            {"effect": "maybe", "resources": ["org"], "actions": ["read"]},
            {"resources": "org", "actions": ["read"], "when": 1},
            {"action": "read", "subject": "org", "conditions": {"owner": "me"}},
            "org:read",
        ])));
        assert_eq!(
            found,
            [
                ("body.statements.0.effect", "enum"),
                ("body.statements.1.when", "extra_forbidden"),
                ("body.statements.1.effect", "missing"),
                ("body.statements.1.resources", "list_type"),
                ("body.statements.2.conditions", "extra_forbidden"),
                ("body.statements.3", "dict_type"),
            ]
            .map(|(l, k)| (l.to_owned(), k.to_owned()))
        );
    }

    #[test]
    fn permission_strings_are_checked_one_by_one() {
        let found =
            problems(draft_from_permissions(&[json!("org:read"), json!("org:fly"), json!("org:read"), json!("nope")]));
        assert_eq!(
            found,
            [("body.permissions.3", "value_error.permission")].map(|(l, k)| (l.to_owned(), k.to_owned()))
        );
        let found = problems(draft_from_permissions(&[json!("org:read"), json!("org:fly"), json!("org:read")]));
        assert_eq!(
            found,
            [("body.permissions.1", "unknown_action"), ("body.permissions.2", "duplicate")]
                .map(|(l, k)| (l.to_owned(), k.to_owned()))
        );
    }

    #[test]
    fn an_empty_policy_is_refused() {
        assert_eq!(problems(draft_from_permissions(&[])), [("body.permissions".to_owned(), "empty".to_owned())]);
    }

    #[test]
    fn wildcard_actions_must_exist_somewhere() {
        assert!(
            problems(statements(json!([{"effect": "allow", "resources": ["*"], "actions": ["deploy"]}]))).is_empty()
        );
        let found = problems(statements(json!([{"effect": "allow", "resources": ["*"], "actions": ["fly"]}])));
        assert_eq!(found, [("body.statements.0.actions.0".to_owned(), "unknown_action".to_owned())]);
    }

    #[test]
    fn instance_refs_are_listed_once() {
        let draft = statements(json!([
            {"effect": "allow", "resources": ["project:p1", "org"], "actions": ["read"]},
            {"effect": "deny", "resources": ["project:p1"], "actions": ["deploy"]},
        ]));
        assert_eq!(draft.map(|d| d.instance_refs()), Ok(vec![("project".to_owned(), "p1".to_owned())]));
    }
}
