//! The resource catalog: instances of listable resource types that applications register per
//! organization, so that policies can name them one by one (`project:p1:deploy`).

use std::collections::HashMap;

use serde::Serialize;
use serde_json::json;
use sqlx::{Row, any::AnyRow};

use crate::domain::{
    Actor, AuditEvent, Database, Domain, DomainError, DomainResult, FieldError, Mutation, Timestamp,
    authz::permissions::Permission,
    cursor, db, fields,
    policies::{document::InstanceStatus, parse_statements},
};

pub const MAX_ID_CHARS: usize = 200;
/// Ids per `IN (...)` list, well under both engines' limits on bound values.
const IDS_PER_QUERY: usize = 500;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Resource {
    pub id: String,
    pub resource_type: String,
    pub org_id: String,
    pub name: String,
    pub description: String,
    pub created_at: String,
    pub updated_at: String,
}

/// A page of a type's registered instances.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ResourcePage {
    pub total: i64,
    pub has_more: bool,
    pub next_cursor: Option<String>,
    pub resources: Vec<Resource>,
}

fn from_row(row: &AnyRow) -> DomainResult<Resource> {
    Ok(Resource {
        id: row.try_get("resource_id")?,
        resource_type: row.try_get("resource_type")?,
        org_id: row.try_get("org_id")?,
        name: row.try_get("name")?,
        description: row.try_get("description")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

const COLUMNS: &str = "resource_type, resource_id, org_id, name, description, created_at, updated_at";

fn path_error(field: &str, kind: &str, msg: String) -> FieldError {
    FieldError { loc: vec!["path".into(), field.into()], msg, kind: kind.into() }
}

/// How each `(type, id)` stands for a policy of `org_id`: registered there or not (ids registered
/// in other organizations are theirs alone, and answer like unknown ones).
async fn instance_statuses(
    db: &Database,
    org_id: &str,
    refs: &[(String, String)],
) -> DomainResult<HashMap<(String, String), InstanceStatus>> {
    // Looked up by id a few hundred at a time, not one query each.
    let mut found: HashMap<(String, String), InstanceStatus> = HashMap::new();
    for chunk in refs.chunks(IDS_PER_QUERY) {
        let sql = format!(
            "SELECT resource_type, resource_id, name FROM iam_resources WHERE org_id = $1 AND resource_id IN ({})",
            db::placeholders(2, chunk.len())
        );
        let mut query = sqlx::query(&sql).bind(org_id);
        for (_, resource_id) in chunk {
            query = query.bind(resource_id);
        }
        for row in query.fetch_all(db.pool()).await? {
            let status = InstanceStatus::Registered { name: row.try_get("name")? };
            found.insert((row.try_get("resource_type")?, row.try_get("resource_id")?), status);
        }
    }
    Ok(refs.iter().map(|key| (key.clone(), found.remove(key).unwrap_or(InstanceStatus::Unknown))).collect())
}

impl Domain {
    /// How each `(type, id)` stands for a policy of `org_id` (for validating policies).
    pub(crate) async fn instance_statuses(
        &self,
        org_id: &str,
        refs: &[(String, String)],
    ) -> DomainResult<HashMap<(String, String), InstanceStatus>> {
        instance_statuses(&self.db, org_id, refs).await
    }

    /// A listable type of the schema, or a 422 naming where it was given.
    async fn listable_type(&self, resource_type: &str, loc: Vec<String>) -> DomainResult<()> {
        let schema = self.schema().await?;
        let problem = match schema.resource_type(resource_type) {
            None => Some(("unknown_resource_type", format!("Unknown resource type \"{resource_type}\""))),
            Some(t) if !t.listable => {
                Some(("not_listable", format!("\"{resource_type}\" is not a listable resource type")))
            }
            Some(_) => None,
        };
        match problem {
            Some((kind, msg)) => Err(DomainError::Invalid(vec![FieldError { loc, msg, kind: kind.into() }])),
            None => Ok(()),
        }
    }

    /// Registers (or renames) an instance in an organization. Returns it, and whether it is new.
    pub async fn register_resource(
        &self,
        actor: &Actor,
        org_id: &str,
        resource_type: &str,
        resource_id: &str,
        name: &str,
        description: Option<&str>,
    ) -> DomainResult<(Resource, bool)> {
        let org = self.authorized_organization(actor, org_id, &Permission::new("resource", "register")).await?;
        self.listable_type(resource_type, vec!["path".into(), "resource_type".into()]).await?;
        let mut errors = Vec::new();
        if resource_id.is_empty()
            || resource_id.chars().count() > MAX_ID_CHARS
            || resource_id == "*"
            || resource_id.chars().any(|c| c.is_whitespace() || c == ':')
        {
            errors.push(path_error(
                "resource_id",
                "value_error.resource_id",
                format!("A resource id is 1 to {MAX_ID_CHARS} characters without spaces or colons"),
            ));
        }
        if let Some(msg) = fields::name_problem(name) {
            errors.push(FieldError::new("name", "value_error.name", msg));
        }
        if let Some(msg) = description.and_then(fields::description_problem) {
            errors.push(FieldError::new("description", "too_long", msg));
        }
        if !errors.is_empty() {
            return Err(DomainError::Invalid(errors));
        }
        let mut mutation = Mutation::begin(&self.db, actor).await?;
        let existing = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM iam_resources WHERE org_id = $1 AND resource_type = $2 AND resource_id = $3"
        ))
        .bind(&org.id)
        .bind(resource_type)
        .bind(resource_id)
        .fetch_optional(&mut **mutation.tx())
        .await?
        .as_ref()
        .map(from_row)
        .transpose()?;
        let now = Timestamp::now().to_rfc3339();
        // Left out, the description stays as it is (empty for a new instance).
        let description = match (description, &existing) {
            (Some(given), _) => given.trim().to_owned(),
            (None, Some(existing)) => existing.description.clone(),
            (None, None) => String::new(),
        };
        let created = match &existing {
            Some(_) => {
                sqlx::query(
                    "UPDATE iam_resources SET name = $1, description = $2, updated_at = $3 \
                     WHERE org_id = $4 AND resource_type = $5 AND resource_id = $6",
                )
                .bind(name.trim())
                .bind(&description)
                .bind(&now)
                .bind(&org.id)
                .bind(resource_type)
                .bind(resource_id)
                .execute(&mut **mutation.tx())
                .await?;
                false
            }
            None => {
                sqlx::query(
                    "INSERT INTO iam_resources (resource_type, resource_id, org_id, name, description, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $6)",
                )
                .bind(resource_type)
                .bind(resource_id)
                .bind(&org.id)
                .bind(name.trim())
                .bind(&description)
                .bind(&now)
                .execute(&mut **mutation.tx())
                .await?;
                true
            }
        };
        let resource = Resource {
            id: resource_id.to_owned(),
            resource_type: resource_type.to_owned(),
            org_id: org.id.clone(),
            name: name.trim().to_owned(),
            description,
            created_at: existing.as_ref().map(|e| e.created_at.clone()).unwrap_or_else(|| now.clone()),
            updated_at: now,
        };
        let event = AuditEvent::new(if created { "resource.registered" } else { "resource.renamed" })
            .org(&org.id)
            .target("resource", format!("{resource_type}:{resource_id}"), &resource.name)
            .before(existing.map(|e| json!({ "name": e.name, "description": e.description })))
            .after(json!({ "name": resource.name, "description": resource.description }));
        mutation.commit(event).await?;
        Ok((resource, created))
    }

    /// Forgets an instance. Refused while a policy names it (the list is in the error).
    pub async fn remove_resource(
        &self,
        actor: &Actor,
        org_id: &str,
        resource_type: &str,
        resource_id: &str,
    ) -> DomainResult<()> {
        let org = self.authorized_organization(actor, org_id, &Permission::new("resource", "remove")).await?;
        let mut mutation = Mutation::begin(&self.db, actor).await?;
        let found = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM iam_resources WHERE resource_type = $1 AND resource_id = $2 AND org_id = $3"
        ))
        .bind(resource_type)
        .bind(resource_id)
        .bind(&org.id)
        .fetch_optional(&mut **mutation.tx())
        .await?
        .as_ref()
        .map(from_row)
        .transpose()?
        .ok_or_else(|| DomainError::NotFound { resource_type: "resource", resource_id: resource_id.to_owned() })?;
        // Statements are stored as JSON: an instance appears as the JSON string "type:id", spelled
        // as serde writes it; LIKE's own wildcards in it are escaped so that they match themselves.
        let needle = format!("{resource_type}:{resource_id}");
        let encoded = serde_json::to_string(&needle).map_err(|e| DomainError::Internal(e.to_string()))?;
        let pattern = format!("%{}%", encoded.replace('!', "!!").replace('%', "!%").replace('_', "!_"));
        let rows = sqlx::query(
            "SELECT id, name, statements FROM policies WHERE org_id = $1 AND statements LIKE $2 ESCAPE '!'",
        )
        .bind(&org.id)
        .bind(&pattern)
        .fetch_all(&mut **mutation.tx())
        .await?;
        let mut users = Vec::new();
        for row in rows {
            let statements = parse_statements(&row.try_get::<String, _>("statements")?)?;
            if statements.iter().any(|s| s.resources.contains(&needle)) {
                users.push(
                    json!({ "policy_id": row.try_get::<String, _>("id")?, "name": row.try_get::<String, _>("name")? }),
                );
            }
        }
        if !users.is_empty() {
            let names: Vec<&str> = users.iter().filter_map(|u| u["name"].as_str()).collect();
            return Err(DomainError::InUse {
                message: format!("Policies still name {needle}: {}. Change them first.", names.join(", ")),
                details: json!({ "policies": users }),
            });
        }
        sqlx::query("DELETE FROM iam_resources WHERE org_id = $1 AND resource_type = $2 AND resource_id = $3")
            .bind(&org.id)
            .bind(resource_type)
            .bind(resource_id)
            .execute(&mut **mutation.tx())
            .await?;
        let event = AuditEvent::new("resource.removed")
            .org(&org.id)
            .target("resource", needle, &found.name)
            .before(json!({ "name": found.name, "description": found.description }));
        mutation.commit(event).await
    }

    /// The instances of a listable type registered in an organization, by name (then id),
    /// optionally matching `q` (in the name or the id): a page of at most `limit` after
    /// `cursor`.
    pub async fn list_resources(
        &self,
        actor: &Actor,
        org_id: &str,
        resource_type: &str,
        q: Option<&str>,
        cursor: Option<&str>,
        limit: usize,
    ) -> DomainResult<ResourcePage> {
        let org = self.authorized_organization(actor, org_id, &Permission::new("resource", "read")).await?;
        self.listable_type(resource_type, vec!["query".into(), "resource_type".into()]).await?;
        let (after_name, after_id) = cursor.map(cursor::decode).transpose()?.unwrap_or_default();
        let pattern = db::search_pattern(q);
        let matches =
            "org_id = $1 AND resource_type = $2 AND ($3 = '' OR LOWER(name) LIKE $3 OR LOWER(resource_id) LIKE $3)";
        let total: i64 = sqlx::query(&format!("SELECT COUNT(*) AS n FROM iam_resources WHERE {matches}"))
            .bind(&org.id)
            .bind(resource_type)
            .bind(&pattern)
            .fetch_one(self.db.pool())
            .await?
            .try_get("n")?;
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM iam_resources WHERE {matches} \
             AND ($4 = '' OR name > $4 OR (name = $4 AND resource_id > $5)) ORDER BY name, resource_id LIMIT $6"
        ))
        .bind(&org.id)
        .bind(resource_type)
        .bind(&pattern)
        .bind(&after_name)
        .bind(&after_id)
        .bind(i64::try_from(limit + 1).unwrap_or(i64::MAX))
        .fetch_all(self.db.pool())
        .await?;
        let mut resources = rows.iter().map(from_row).collect::<DomainResult<Vec<_>>>()?;
        let next_cursor = cursor::page_end(&mut resources, limit, |resource| (&resource.name, &resource.id));
        Ok(ResourcePage { total, has_more: next_cursor.is_some(), next_cursor, resources })
    }
}
