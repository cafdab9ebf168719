//! Looking at what the app leaves behind: its log lines, and every cell of every table (to
//! show a secret is in neither).
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::sync::{Arc, Mutex, PoisonError};

use sqlx::Row;
use warden::domain::Engine;

use super::TestApp;

/// What the app logs on the threads that capture, in the format of a plain `fmt` subscriber at
/// TRACE. One subscriber for the whole test process, whose filter asks on each event whether its
/// thread captures: a subscriber set for one thread only (`set_default`) loses events when
/// other tests register the same call sites concurrently.
#[derive(Clone, Default)]
pub struct LogBuffer(Arc<Mutex<Vec<u8>>>);

thread_local! {
    static CAPTURING: std::cell::RefCell<Option<LogBuffer>> = const { std::cell::RefCell::new(None) };
}

impl std::io::Write for LogBuffer {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Lets through what happens on a capturing thread. It is asked at every event, never once per
/// call site: a call site first reached by a test that does not capture must not be silenced
/// for the one that does (`filter_fn` caches its first answer per call site).
struct OnCapturingThreads;

impl<S> tracing_subscriber::layer::Filter<S> for OnCapturingThreads {
    fn enabled(&self, _: &tracing::Metadata<'_>, _: &tracing_subscriber::layer::Context<'_, S>) -> bool {
        CAPTURING.with(|c| c.borrow().is_some())
    }

    fn callsite_enabled(&self, _: &'static tracing::Metadata<'static>) -> tracing::subscriber::Interest {
        tracing::subscriber::Interest::sometimes()
    }
}

/// Stops capturing on this thread when dropped.
pub struct Capturing;

impl Drop for Capturing {
    fn drop(&mut self) {
        CAPTURING.with(|c| c.borrow_mut().take());
    }
}

impl LogBuffer {
    /// Captures what is logged on this thread (where the test's requests run) until the guard
    /// is dropped.
    pub fn capture(&self) -> Capturing {
        use tracing_subscriber::{fmt, prelude::*};
        static INSTALLED: std::sync::Once = std::sync::Once::new();
        INSTALLED.call_once(|| {
            let this_thread = || CAPTURING.with(|c| c.borrow().clone()).unwrap_or_default();
            let layer = fmt::layer().with_writer(this_thread).with_ansi(false);
            tracing_subscriber::registry().with(layer.with_filter(OnCapturingThreads)).init();
        });
        CAPTURING.with(|c| *c.borrow_mut() = Some(self.clone()));
        Capturing
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap_or_else(PoisonError::into_inner)).into_owned()
    }
}

/// Every cell of every table (the sessions' included), as text, named `table.column`.
pub async fn every_cell(app: &TestApp) -> Vec<(String, String)> {
    let pool = app.domain.db().pool();
    let catalog = match app.db.engine {
        Engine::Sqlite => {
            "SELECT m.name AS tbl, p.name AS col, '' AS typ \
             FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table'"
        }
        Engine::Postgres => {
            "SELECT CAST(table_schema AS TEXT) || '.' || CAST(table_name AS TEXT) AS tbl, \
             CAST(column_name AS TEXT) AS col, CAST(data_type AS TEXT) AS typ FROM information_schema.columns \
             WHERE table_schema NOT IN ('pg_catalog', 'information_schema')"
        }
    };
    let mut cells = Vec::new();
    for column in sqlx::query(catalog).fetch_all(pool).await.expect("catalog") {
        let (table, name, kind): (String, String, String) = (column.get("tbl"), column.get("col"), column.get("typ"));
        let quoted_table: Vec<String> = table.split('.').map(|part| format!("\"{part}\"")).collect();
        // As bytes, whatever the type: text, numbers, and the sessions' binary data alike.
        let bytes = match (app.db.engine, kind.as_str()) {
            (Engine::Sqlite, _) => format!("CAST(\"{name}\" AS BLOB)"),
            (Engine::Postgres, "bytea") => format!("\"{name}\""),
            (Engine::Postgres, _) => format!("convert_to(CAST(\"{name}\" AS TEXT), 'UTF8')"),
        };
        let select = format!("SELECT {bytes} AS v FROM {}", quoted_table.join("."));
        for row in sqlx::query(&select).fetch_all(pool).await.unwrap_or_else(|e| panic!("{select}: {e}")) {
            if let Some(value) = row.get::<Option<Vec<u8>>, _>("v") {
                let place = format!("{}.{name}", table.strip_prefix("public.").unwrap_or(&table));
                cells.push((place, String::from_utf8_lossy(&value).into_owned()));
            }
        }
    }
    cells
}
