//! Purpose: `unhurried export` (issue 11) — answers, runs, decisions and digests with member
//! names and local dates, as one JSON document or one CSV table, for analysis elsewhere. It
//! reads the database (SQLite or PostgreSQL) without writing, so it is safe while `serve` runs.

use std::io::Write as _;
use std::process::ExitCode;

use serde::Serialize;

use crate::adapters::export::{ExportAnswer, ExportDecision, ExportDigest, ExportFilter, ExportReader, ExportRun};
use crate::cli::{EXIT_BAD_INPUT, ExportArgs, ExportFormat};
use crate::config::Settings;

/// Everything one export holds.
#[derive(Debug, Serialize)]
struct Export {
    answers: Vec<ExportAnswer>,
    runs: Vec<ExportRun>,
    decisions: Vec<ExportDecision>,
    digests: Vec<ExportDigest>,
}

/// Writes the export to `--out` or stdout; exit code 2 for bad arguments, 1 if the database
/// cannot be read or the file written.
pub async fn export(args: &ExportArgs, settings: Settings) -> ExitCode {
    let since = match args.since.as_deref().map(|text| text.parse::<chrono::NaiveDate>()) {
        Some(Err(_)) => {
            eprintln!("unhurried export: --since must be a date like 2026-03-01");
            return ExitCode::from(EXIT_BAD_INPUT);
        }
        Some(Ok(date)) => Some(date),
        None => None,
    };
    let filter = ExportFilter { since, standup: args.standup.clone() };
    let result = async {
        let reader = ExportReader::open(&settings.database.url).await?;
        if let Some(name) = &filter.standup
            && !reader.has_standup(name).await?
        {
            return Ok(None);
        }
        let export = Export {
            answers: reader.answers(&filter).await?,
            runs: reader.runs(&filter).await?,
            decisions: reader.decisions(&filter, settings.workspace.timezone.0).await?,
            digests: reader.digests(&filter).await?,
        };
        anyhow::Ok(Some(export))
    }
    .await;
    let export = match result {
        Ok(Some(export)) => export,
        Ok(None) => {
            eprintln!("unhurried export: there is no standup called '{}'", args.standup.as_deref().unwrap_or(""));
            return ExitCode::from(EXIT_BAD_INPUT);
        }
        Err(error) => {
            eprintln!("unhurried export: {error:#}");
            return ExitCode::FAILURE;
        }
    };
    let text = match args.format {
        ExportFormat::Json => serde_json::to_string_pretty(&export).expect("export records serialise") + "\n",
        ExportFormat::Csv => csv(&export),
    };
    let written = match &args.out {
        Some(path) => std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display())),
        None => std::io::stdout().write_all(text.as_bytes()).map_err(|e| format!("cannot write: {e}")),
    };
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("unhurried export: {error}");
            ExitCode::FAILURE
        }
    }
}

/// The CSV columns: every record kind in one table, a column empty where a kind has no value.
const CSV_COLUMNS: [&str; 14] = [
    "kind",
    "workspace",
    "standup",
    "member",
    "member_id",
    "local_date",
    "tz",
    "question_number",
    "question",
    "text",
    "blocker",
    "state",
    "channel",
    "at",
];

/// One CSV table (RFC 4180: fields with commas, quotes or line breaks are quoted).
fn csv(export: &Export) -> String {
    let mut rows: Vec<[String; 14]> = Vec::new();
    for a in &export.answers {
        rows.push([
            "answer".into(),
            a.workspace.clone(),
            a.standup.clone(),
            a.member.clone(),
            a.member_id.clone(),
            a.local_date.clone(),
            a.tz.clone(),
            a.question_number.to_string(),
            a.question.clone(),
            a.answer.clone(),
            a.blocker.to_string(),
            String::new(),
            String::new(),
            a.answered_at.clone(),
        ]);
    }
    for r in &export.runs {
        rows.push([
            "run".into(),
            r.workspace.clone(),
            r.standup.clone(),
            r.member.clone(),
            r.member_id.clone(),
            r.local_date.clone(),
            r.tz.clone(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            r.state.clone(),
            String::new(),
            r.answered_at.clone().or_else(|| r.prompted_at.clone()).unwrap_or_default(),
        ]);
    }
    for d in &export.decisions {
        rows.push([
            "decision".into(),
            d.workspace.clone(),
            String::new(),
            d.author.clone(),
            d.author_id.clone(),
            d.local_date.clone(),
            String::new(),
            String::new(),
            String::new(),
            d.text.clone(),
            String::new(),
            String::new(),
            d.channel.clone(),
            d.created_at.clone(),
        ]);
    }
    for g in &export.digests {
        rows.push([
            "digest".into(),
            g.workspace.clone(),
            g.standup.clone(),
            String::new(),
            String::new(),
            g.local_date.clone(),
            g.tz.clone(),
            String::new(),
            String::new(),
            format!("{} answers", g.answers),
            String::new(),
            String::new(),
            String::new(),
            g.posted_at.clone(),
        ]);
    }
    let mut text = CSV_COLUMNS.join(",") + "\r\n";
    for row in rows {
        text.push_str(&row.iter().map(|field| csv_field(field)).collect::<Vec<_>>().join(","));
        text.push_str("\r\n");
    }
    text
}

fn csv_field(field: &str) -> String {
    if field.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_with_commas_quotes_or_line_breaks_are_quoted() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a, b"), "\"a, b\"");
        assert_eq!(csv_field("say \"hi\"\nthen"), "\"say \"\"hi\"\"\nthen\"");
    }
}
