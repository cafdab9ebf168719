//! Searching members by a term follows users as they are created, renamed and deleted, with
//! each engine's trigram index (src/domain/user_search_index.rs) and without it for short terms.

use crate::support::{
    TestApp,
    http::{call, root_org},
};
use axum::http::{Method, StatusCode};
use serde_json::json;
use sqlx::{Executor, Row};
use warden::domain::{Database, Engine, users::search_index::UserSearch};

/// The emails of the members of `org` found by `q`, in listing order.
async fn found(app: &TestApp, cookie: &str, org: &str, q: &str) -> Vec<String> {
    let path = format!("/v1/orgs/{org}/iam/members?q={q}");
    let (status, page) = call(app, cookie, Method::GET, &path, None).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    page["members"].as_array().unwrap().iter().map(|m| m["email"].as_str().unwrap().to_owned()).collect()
}

async fn searches_follow_users_through_create_rename_and_delete(engine: Engine) {
    let Some(app) = TestApp::start(engine).await else { return };
    let cookie = app.admin_cookie().await;
    let org = root_org(&app, &cookie).await;
    let expected_search = if engine == Engine::Sqlite { UserSearch::SqliteTrigrams } else { UserSearch::Keys };
    assert_eq!(app.domain.db().user_search(), expected_search);

    let mut ids = Vec::new();
    for (email, first, last) in [("ann.lee@example.com", "Ann", "Lee"), ("bob@example.com", "Bob", "Stone")] {
        let body = json!({ "email": email, "first_name": first, "last_name": last, "organization_id": org });
        let (status, user) = call(&app, &cookie, Method::POST, "/v1/users", Some(body)).await;
        assert_eq!(status, StatusCode::CREATED, "{user}");
        ids.push(user["user_id"].as_str().unwrap().to_owned());
    }
    assert_eq!(found(&app, &cookie, &org, "STONE").await, ["bob@example.com"]);
    assert_eq!(found(&app, &cookie, &org, "ann%20lee").await, ["ann.lee@example.com"], "the name, not only the email");
    let everyone = ["admin@example.com", "ann.lee@example.com", "bob@example.com"];
    assert_eq!(found(&app, &cookie, &org, "e.c").await, everyone);
    assert_eq!(found(&app, &cookie, &org, "ee").await, ["ann.lee@example.com"], "a term too short for trigrams");

    let bob = format!("/v1/users/{}", ids[1]);
    let (status, renamed) = call(&app, &cookie, Method::PATCH, &bob, Some(json!({ "last_name": "Rivers" }))).await;
    assert_eq!(status, StatusCode::OK, "{renamed}");
    assert!(found(&app, &cookie, &org, "stone").await.is_empty(), "the old name is forgotten");
    assert_eq!(found(&app, &cookie, &org, "rivers").await, ["bob@example.com"]);

    let (status, body) = call(&app, &cookie, Method::DELETE, &bob, None).await;
    assert!(status.is_success(), "{status} {body}");
    assert!(found(&app, &cookie, &org, "rivers").await.is_empty());
    assert_eq!(found(&app, &cookie, &org, "example.com").await, ["admin@example.com", "ann.lee@example.com"]);

    if engine == Engine::Sqlite {
        let users = users(app.domain.db()).await;
        assert_eq!(indexed_rows(app.domain.db()).await, (users, users, users), "one FTS row per user");
    }
}

/// A database whose users were there before the SQLite index (created by an older Warden)
/// gets the index filled from them when it next starts.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sqlite_index_is_built_from_the_users_already_there() {
    let app = TestApp::start(Engine::Sqlite).await.expect("SQLite");
    let cookie = app.admin_cookie().await;
    let org = root_org(&app, &cookie).await;
    let body = json!({ "email": "cy@example.com", "first_name": "Cy", "last_name": "Twombly", "organization_id": org });
    assert_eq!(call(&app, &cookie, Method::POST, "/v1/users", Some(body)).await.0, StatusCode::CREATED);
    app.domain
        .db()
        .pool()
        .execute(
            "DROP TRIGGER users_search_trigrams_insert; DROP TRIGGER users_search_trigrams_update; \
             DROP TRIGGER users_search_trigrams_delete; DROP TABLE users_search_trigrams; DROP TABLE user_search_rows;",
        )
        .await
        .unwrap();

    let reopened = Database::open(&app.db.url).await.unwrap();
    assert_eq!(reopened.user_search(), UserSearch::SqliteTrigrams);
    let users = users(&reopened).await;
    assert_eq!(indexed_rows(&reopened).await, (users, users, users));
    let twombly = sqlx::query(&format!("SELECT u.email {}", UserSearch::SqliteTrigrams.matching_users("%twombly%")))
        .bind("%twombly%")
        .fetch_all(reopened.pool())
        .await
        .unwrap();
    let emails: Vec<String> = twombly.iter().map(|row| row.get("email")).collect();
    assert_eq!(emails, ["cy@example.com"]);
}

/// (FTS rows, row numbers, FTS rows holding their user's current key): each equals the number
/// of users when the triggers keep the index in step (a deleted user leaves nothing behind).
async fn indexed_rows(db: &Database) -> (i64, i64, i64) {
    let count =
        |sql: &'static str| async move { sqlx::query(sql).fetch_one(db.pool()).await.unwrap().get::<i64, _>(0) };
    (
        count("SELECT COUNT(*) FROM users_search_trigrams").await,
        count("SELECT COUNT(*) FROM user_search_rows").await,
        count(
            "SELECT COUNT(*) FROM users_search_trigrams t JOIN user_search_rows r ON r.row_id = t.rowid \
             JOIN users u ON u.id = r.user_id AND u.search_key = t.search_key",
        )
        .await,
    )
}

async fn users(db: &Database) -> i64 {
    sqlx::query("SELECT COUNT(*) FROM users").fetch_one(db.pool()).await.unwrap().get(0)
}

on_both_engines!(searches_follow_users_through_create_rename_and_delete);
