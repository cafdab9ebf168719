//! Exporting an organization's audit log, as CSV or JSON Lines: read and written a batch at a
//! time after the last event written, so that a million events take the memory of one batch.

use serde_json::json;

use super::log::{AuditEntry, AuditFilter, Conditions, Scope, page};
use crate::domain::{Actor, Domain, DomainResult, cursor};

/// Events read per query.
const BATCH: usize = 1_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Csv,
    JsonLines,
}

impl ExportFormat {
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "csv" => Some(Self::Csv),
            "jsonl" => Some(Self::JsonLines),
            _ => None,
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Self::Csv => "text/csv; charset=utf-8",
            Self::JsonLines => "application/x-ndjson",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::JsonLines => "jsonl",
        }
    }
}

const CSV_COLUMNS: [&str; 16] = [
    "at",
    "action",
    "actor_id",
    "actor_name",
    "actor_email",
    "actor_provider",
    "token_id",
    "token_name",
    "client_addr",
    "request_id",
    "org_id",
    "org_path",
    "target_type",
    "target_id",
    "target_name",
    "changes",
];

/// An export under way: [`AuditExport::next_chunk`] gives the text of the next batch.
#[derive(Debug)]
pub struct AuditExport {
    domain: Domain,
    scope: Scope,
    filter: AuditFilter,
    format: ExportFormat,
    header_written: bool,
    finished: bool,
}

impl Domain {
    /// Starts exporting the organization's audit log as `filter` selects it (its cursor and
    /// limit aside), with the same authorization as [`Domain::audit_log`].
    pub async fn audit_export(
        &self,
        actor: &Actor,
        org_id: &str,
        filter: &AuditFilter,
        format: ExportFormat,
    ) -> DomainResult<AuditExport> {
        let org = self.audited_organization(actor, org_id).await?;
        let scope = self.scope_of(actor, &org, filter.include_descendants).await?;
        let filter = AuditFilter { cursor: None, limit: BATCH, ..self.with_target_by_id(actor, &org, filter).await? };
        // Checked now, so that a bad filter is refused before anything is sent.
        Conditions::of(&filter)?;
        Ok(AuditExport { domain: self.clone(), scope, filter, format, header_written: false, finished: false })
    }
}

impl AuditExport {
    /// The next part of the file (the CSV header first), or `None` once everything was given.
    pub async fn next_chunk(&mut self) -> DomainResult<Option<String>> {
        let mut text = String::new();
        if !self.header_written {
            self.header_written = true;
            if self.format == ExportFormat::Csv {
                text.push_str(&CSV_COLUMNS.join(","));
                text.push_str("\r\n");
            }
        }
        // A text search's window may hold no match: read on until one does, or all was read.
        while text.is_empty() && !self.finished {
            self.next_batch(&mut text).await?;
        }
        Ok(Some(text).filter(|t| !t.is_empty()))
    }

    /// Writes the next batch's events to `text`.
    async fn next_batch(&mut self, text: &mut String) -> DomainResult<()> {
        let found = page(self.domain.db(), &self.scope, &Conditions::of(&self.filter)?, BATCH).await?;
        // Read next: after the last event written, or after a text search's window.
        let resume = match (found.read_to, found.records.last()) {
            (Some(read_to), _) => Some(read_to),
            (None, Some(last)) if found.records.len() == BATCH => Some((last.at.clone(), last.id.clone())),
            (None, _) => None,
        };
        self.finished = resume.is_none();
        self.filter.cursor = resume.map(|(at, id)| cursor::encode(&at, &id));
        for entry in self.domain.entries(found.records).await {
            match self.format {
                ExportFormat::Csv => csv_row(&entry, text),
                ExportFormat::JsonLines => {
                    text.push_str(&serde_json::to_string(&entry).unwrap_or_default());
                    text.push('\n');
                }
            }
        }
        Ok(())
    }
}

fn csv_row(entry: &AuditEntry, out: &mut String) {
    let record = &entry.record;
    let (token_id, token_name) = record.token.clone().unwrap_or_default();
    let changes = json!(entry.changes).to_string();
    let cells = [
        record.at.as_str(),
        &record.action,
        record.actor_id.as_deref().unwrap_or_default(),
        &record.actor_name,
        record.actor_email.as_deref().unwrap_or_default(),
        record.actor_provider.as_deref().unwrap_or_default(),
        &token_id,
        &token_name,
        record.client_addr.as_deref().unwrap_or_default(),
        record.request_id.as_deref().unwrap_or_default(),
        record.org_id.as_deref().unwrap_or_default(),
        &entry.org_path.join(" / "),
        record.target_type.as_deref().unwrap_or_default(),
        record.target_id.as_deref().unwrap_or_default(),
        record.target_name.as_deref().unwrap_or_default(),
        &changes,
    ];
    let row: Vec<String> = cells.iter().map(|cell| csv_cell(cell)).collect();
    out.push_str(&row.join(","));
    out.push_str("\r\n");
}

/// One CSV cell (RFC 4180 quoting). A cell a spreadsheet would run as a formula (names are
/// chosen by users) starts with a quote mark instead.
fn csv_cell(text: &str) -> String {
    let text = match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text.to_owned(),
    };
    if text.contains([',', '"', '\n', '\r']) { format!("\"{}\"", text.replace('"', "\"\"")) } else { text }
}

#[cfg(test)]
mod tests {
    use super::csv_cell;

    #[test]
    fn cells_are_quoted_and_never_formulas() {
        assert_eq!(csv_cell("plain"), "plain");
        assert_eq!(csv_cell("a,b"), "\"a,b\"");
        assert_eq!(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_cell("-1"), "'-1");
        assert_eq!(csv_cell(""), "");
    }
}
