//! The matrix's model: rows of (resource type, instances, effect, actions), and the
//! conversions between rows and statements. Pure code with unit tests; the matrix component
//! and the text view both go through it, which is what makes them round-trip.
//!
//! A row is one statement about one resource type: type-wide (no instances) or scoped to
//! chosen instances, allowing or denying its checked actions (`*` = all actions). The `*`
//! type is the global row ("every resource type").

use crate::domain::{
    authz::permissions::WILDCARD,
    authz::statements::{Effect, Statement},
    schema::PermissionSchema,
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatrixRow {
    pub resource_type: String,
    /// Empty: every instance of the type.
    pub instances: Vec<String>,
    pub effect: Effect,
    /// Checked actions in the order they were checked; `*` stands for all of them.
    pub actions: Vec<String>,
}

impl MatrixRow {
    pub fn blank(resource_type: &str) -> Self {
        Self {
            resource_type: resource_type.to_owned(),
            instances: Vec::new(),
            effect: Effect::Allow,
            actions: Vec::new(),
        }
    }

    pub fn all_actions(&self) -> bool {
        self.actions.iter().any(|a| a == WILDCARD)
    }

    /// Whether the cell is ticked (directly, or through "all actions").
    pub fn has(&self, action: &str) -> bool {
        self.all_actions() || self.actions.iter().any(|a| a == action)
    }

    pub fn toggle(&mut self, action: &str) {
        if let Some(at) = self.actions.iter().position(|a| a == action) {
            self.actions.remove(at);
        } else if action == WILDCARD {
            self.actions = vec![WILDCARD.to_owned()];
        } else {
            self.actions.push(action.to_owned());
        }
    }

    fn resources(&self) -> Vec<String> {
        if self.instances.is_empty() {
            vec![self.resource_type.clone()]
        } else {
            self.instances.iter().map(|id| format!("{}:{id}", self.resource_type)).collect()
        }
    }
}

/// One row per (statement, resource type): a statement naming several types or instances of
/// several types becomes several rows with its effect and actions.
pub fn rows_from_statements(statements: &[Statement]) -> Vec<MatrixRow> {
    let mut rows: Vec<MatrixRow> = Vec::new();
    for statement in statements {
        let mut mine: Vec<MatrixRow> = Vec::new();
        for resource in &statement.resources {
            let (resource_type, instance) = match resource.split_once(':') {
                Some((t, id)) => (t, Some(id)),
                None => (resource.as_str(), None),
            };
            let existing = mine
                .iter_mut()
                .find(|r| r.resource_type == resource_type && r.instances.is_empty() == instance.is_none());
            match (existing, instance) {
                (Some(row), Some(id)) => row.instances.push(id.to_owned()),
                (Some(_), None) => {}
                (None, _) => mine.push(MatrixRow {
                    resource_type: resource_type.to_owned(),
                    instances: instance.map(str::to_owned).into_iter().collect(),
                    effect: statement.effect,
                    actions: statement.actions.clone(),
                }),
            }
        }
        rows.extend(mine);
    }
    rows
}

/// The statements of the rows that have at least one action, in row order.
pub fn statements_from_rows(rows: &[MatrixRow]) -> Vec<Statement> {
    rows.iter()
        .filter(|r| !r.actions.is_empty())
        .map(|r| Statement {
            effect: r.effect,
            actions: if r.all_actions() { vec![WILDCARD.to_owned()] } else { r.actions.clone() },
            resources: r.resources(),
        })
        .collect()
}

/// The rows as the matrix shows them: the global row first, then each schema type with its
/// rows (a blank one if it has none), then rows of types the schema does not know (so that
/// nothing typed in the text view disappears).
pub fn rows_for_display(rows: Vec<MatrixRow>, schema: &PermissionSchema) -> Vec<MatrixRow> {
    let mut ordered = Vec::with_capacity(rows.len() + schema.resource_types.len() + 1);
    let keys: Vec<&str> =
        std::iter::once(WILDCARD).chain(schema.resource_types.iter().map(|t| t.key.as_str())).collect();
    for key in &keys {
        let of_type: Vec<MatrixRow> = rows.iter().filter(|r| r.resource_type == *key).cloned().collect();
        if of_type.is_empty() {
            ordered.push(MatrixRow::blank(key));
        } else {
            ordered.extend(of_type);
        }
    }
    ordered.extend(rows.into_iter().filter(|r| !keys.contains(&r.resource_type.as_str())));
    ordered
}

#[cfg(test)]
mod tests {
    use super::*;

    fn triples(statements: &[Statement]) -> Vec<(Effect, String, String)> {
        let mut all: Vec<(Effect, String, String)> = statements
            .iter()
            .flat_map(|s| {
                s.resources.iter().flat_map(move |r| s.actions.iter().map(move |a| (s.effect, r.clone(), a.clone())))
            })
            .collect();
        all.sort_by(|a, b| {
            (a.1.as_str(), a.2.as_str(), a.0 == Effect::Deny).cmp(&(b.1.as_str(), b.2.as_str(), b.0 == Effect::Deny))
        });
        all.dedup();
        all
    }

    #[test]
    fn statements_of_one_type_each_round_trip_exactly() {
        let statements = vec![
            Statement::allow(&["*"], &["read"]),
            Statement::allow(&["org"], &["read", "update"]),
            Statement::allow(&["project:p1", "project:p2"], &["deploy"]),
            Statement::deny(&["project:p2"], &["*"]),
            Statement::allow(&["widget"], &["spin"]),
        ];
        assert_eq!(statements_from_rows(&rows_from_statements(&statements)), statements);
    }

    #[test]
    fn statements_over_several_types_split_into_rows_that_mean_the_same() {
        let statements = vec![
            Statement::allow(&["org", "member", "project:p1"], &["read"]),
            Statement::deny(&["org", "org"], &["delete"]),
        ];
        let rows = rows_from_statements(&statements);
        assert_eq!(rows.len(), 4);
        let back = statements_from_rows(&rows);
        assert_eq!(triples(&back), triples(&statements));
        assert_eq!(rows_from_statements(&back), rows, "a second trip changes nothing");
    }

    #[test]
    fn ticking_cells_builds_statements() {
        let mut row = MatrixRow::blank("project");
        row.toggle("read");
        row.toggle("deploy");
        row.toggle("read");
        assert_eq!(statements_from_rows(std::slice::from_ref(&row)), vec![Statement::allow(&["project"], &["deploy"])]);
        row.instances = vec!["p1".into()];
        row.effect = Effect::Deny;
        assert_eq!(
            statements_from_rows(std::slice::from_ref(&row)),
            vec![Statement::deny(&["project:p1"], &["deploy"])]
        );
        row.toggle("*");
        assert!(row.has("read") && row.all_actions());
        assert_eq!(
            statements_from_rows(&[row, MatrixRow::blank("org")]),
            vec![Statement::deny(&["project:p1"], &["*"])]
        );
    }

    #[test]
    fn the_display_lists_every_schema_type_once_at_least() {
        let schema = PermissionSchema::new(1, Vec::new());
        let rows = rows_from_statements(&[
            Statement::allow(&["org"], &["read"]),
            Statement::deny(&["org"], &["delete"]),
            Statement::allow(&["widget"], &["spin"]),
        ]);
        let shown = rows_for_display(rows, &schema);
        assert_eq!(shown[0], MatrixRow::blank("*"));
        assert_eq!((shown[1].resource_type.as_str(), shown[2].resource_type.as_str()), ("org", "org"));
        assert_eq!(shown.len(), 1 + 2 + (schema.resource_types.len() - 1) + 1);
        assert_eq!(shown.last().map(|r| r.resource_type.as_str()), Some("widget"), "unknown types stay, at the end");
        assert_eq!(statements_from_rows(&shown).len(), 3, "blank rows add nothing");
    }
}
