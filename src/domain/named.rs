//! Finding roles and policies by what an admin types: the one a form field or a filter names
//! (its id, else its exact name, else the one name equal to it ignoring case), and the choices
//! a picker offers while they type.

use sqlx::Row;

use crate::domain::{Database, DomainResult, db};

/// The condition and order that read an object's candidates, `$2` being the typed text
/// (trimmed): the id first, then the exact name, then names equal ignoring case; at most three.
pub const CANDIDATES: &str = "(id = $2 OR LOWER(name) = LOWER($2)) \
     ORDER BY CASE WHEN id = $2 THEN 0 WHEN name = $2 THEN 1 ELSE 2 END, name, id LIMIT 3";

/// The candidate `typed` names, among those [`CANDIDATES`] read: an object named like another's
/// id loses to it, and two names equal ignoring case name neither.
pub fn the_one_named<T>(candidates: Vec<T>, typed: &str, id_and_name: impl Fn(&T) -> (&str, &str)) -> Option<T> {
    let exact = candidates.first().is_some_and(|first| {
        let (id, name) = id_and_name(first);
        id == typed || name == typed
    });
    if exact || candidates.len() == 1 { candidates.into_iter().next() } else { None }
}

/// Up to `limit` rows of `table` in the organization whose name or description holds `typed`,
/// by name: `(name, description)`. `only` narrows the rows further (a condition, or `TRUE`).
pub async fn choices(
    db: &Database,
    table: &'static str,
    only: &'static str,
    org_id: &str,
    typed: &str,
    limit: usize,
) -> DomainResult<Vec<(String, String)>> {
    let rows = sqlx::query(&format!(
        "SELECT name, description FROM {table} WHERE org_id = $1 AND {only} \
         AND (LOWER(name) LIKE $2 OR LOWER(description) LIKE $2) ORDER BY name, id LIMIT $3"
    ))
    .bind(org_id)
    .bind(db::search_pattern(Some(typed)))
    .bind(i64::try_from(limit).unwrap_or(i64::MAX))
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(|row| Ok((row.try_get("name")?, row.try_get("description")?))).collect()
}

#[cfg(test)]
mod tests {
    use super::the_one_named;

    fn pick<'a>(candidates: &[(&'a str, &'a str)], typed: &str) -> Option<&'a str> {
        the_one_named(candidates.to_vec(), typed, |c| (c.0, c.1)).map(|c| c.0)
    }

    #[test]
    fn an_exact_match_wins_and_case_alone_must_be_unambiguous() {
        assert_eq!(pick(&[("r1", "Crew")], "crew"), Some("r1"));
        assert_eq!(pick(&[("r1", "Crew"), ("r2", "CREW")], "crew"), None);
        assert_eq!(pick(&[("r2", "CREW"), ("r1", "crew")], "CREW"), Some("r2"));
        assert_eq!(pick(&[("r1", "Crew"), ("r2", "r1")], "r1"), Some("r1"));
        assert_eq!(pick(&[], "crew"), None);
    }
}
