//! Purpose: one line of `unhurried classify` (SPEC §8): a JSON object in, a JSON object out.

use serde::Serialize;
use serde_json::Value;

use super::{Classifier, PingKind};

/// Output for a classified line: exactly the two fields SPEC §8 names, in its order. The rule
/// that decided ([`super::Verdict::reason`]) is for logs, not for this wire format.
#[derive(Serialize)]
struct Classified {
    sync_ping: bool,
    kind: Option<PingKind>,
}

#[derive(Serialize)]
struct Failed<'a> {
    error: &'a str,
}

/// Classifies one input line `{"text": "..."}` and returns the output line, without a newline:
/// `{"sync_ping":true,"kind":"greeting"}`. Every input line gets exactly one
/// output line so outputs stay aligned with inputs: invalid JSON, a missing or non-string
/// `text`, and blank lines get `{"error":"..."}`. A non-empty `files` or `attachments` array
/// counts as an attachment, which is never a ping.
pub fn classify_json_line(classifier: &Classifier, line: &str) -> String {
    let line = line.trim_end_matches(['\r', '\n']);
    if line.trim().is_empty() {
        return error("empty line: expected a JSON object with a \"text\" string");
    }
    let value: Value = match serde_json::from_str(line) {
        Ok(value) => value,
        Err(e) => return error(&format!("invalid JSON: {e}")),
    };
    let Some(text) = value.get("text").and_then(Value::as_str) else {
        return error("expected a JSON object with a \"text\" string");
    };
    let has_attachment = ["files", "attachments"]
        .iter()
        .any(|key| value.get(key).and_then(Value::as_array).is_some_and(|list| !list.is_empty()));
    let kind = if has_attachment { None } else { classifier.classify(text).kind };
    let output = Classified { sync_ping: kind.is_some(), kind };
    serde_json::to_string(&output).expect("plain struct serialises")
}

fn error(message: &str) -> String {
    serde_json::to_string(&Failed { error: message }).expect("plain struct serialises")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(line: &str) -> String {
        classify_json_line(&Classifier::new(), line)
    }

    #[test]
    fn a_ping_line_gets_exactly_sync_ping_then_kind() {
        assert_eq!(run(r#"{"text":"hi <@U1>"}"#), r#"{"sync_ping":true,"kind":"greeting"}"#);
    }

    #[test]
    fn an_ordinary_line_gets_a_null_kind() {
        assert_eq!(run(r#"{"text":"the build is red since 10:12"}"#), r#"{"sync_ping":false,"kind":null}"#);
    }

    #[test]
    fn invalid_json_missing_text_and_blank_lines_get_an_error_line() {
        for line in ["{not json", r#"{"txt":"hi"}"#, r#"{"text":3}"#, "[]", "", "   \r\n"] {
            let out: Value = serde_json::from_str(&run(line)).unwrap();
            assert!(out["error"].is_string(), "{line:?} gave {out}");
        }
    }

    #[test]
    fn a_message_with_an_attachment_is_not_a_ping() {
        assert_eq!(run(r#"{"text":"hi","files":[{"id":"F1"}]}"#), r#"{"sync_ping":false,"kind":null}"#);
    }
}
