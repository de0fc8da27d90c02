//! Purpose: logging setup — pretty for terminals, JSON for collectors — to stderr, so that
//! commands whose stdout is data (`classify`, `schedule`, `simulate`) stay clean. Every line goes
//! through [`redact`] first: libraries log URLs and errors we do not word (slack-morphism logs the
//! Socket Mode URL, whose `ticket=` opens a socket, when a connection fails).

use std::borrow::Cow;
use std::io::Write;

use tracing_subscriber::EnvFilter;
use tracing_subscriber::layer::SubscriberExt as _;
use tracing_subscriber::util::SubscriberInitExt as _;

use crate::config::LogFormat;

/// Installs the global subscriber. `RUST_LOG` overrides `level` when set.
pub fn init(format: LogFormat, level: &str) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(level));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(|| RedactingStderr);
    // A second init (tests) is harmless: the first subscriber stays.
    let _ = match format {
        LogFormat::Json => builder.json().finish().with(crate::adapters::slack::log_filter()).try_init(),
        LogFormat::Pretty => builder.compact().finish().with(crate::adapters::slack::log_filter()).try_init(),
    };
}

/// Query parameters whose value is a credential.
const SECRET_PARAMETERS: &[&str] = &["ticket=", "token=", "app_token="];
/// Prefixes of Slack tokens (bot, user, app-level, configuration, refresh).
const TOKEN_PREFIXES: &[&str] = &["xoxb-", "xoxp-", "xapp-", "xoxa-", "xoxe-", "xoxr-", "xoxs-"];

/// `text` with every credential-looking value replaced by `[redacted]`: the value of a `ticket=`,
/// `token=` or `app_token=` parameter, and anything shaped like a Slack token.
pub fn redact(text: &str) -> Cow<'_, str> {
    let needs = SECRET_PARAMETERS.iter().chain(TOKEN_PREFIXES).any(|marker| text.contains(marker));
    if !needs {
        return Cow::Borrowed(text);
    }
    let mut out = text.to_owned();
    for marker in SECRET_PARAMETERS {
        out =
            redact_after(&out, marker, |c| matches!(c, '&' | '"' | '\'' | '\\' | '>' | ')' | ',') || c.is_whitespace());
    }
    for marker in TOKEN_PREFIXES {
        out = redact_after(&out, marker, |c| !(c.is_ascii_alphanumeric() || c == '-'));
    }
    Cow::Owned(out)
}

/// Replaces what follows each `marker` up to the first character `ends` accepts.
fn redact_after(text: &str, marker: &str, ends: impl Fn(char) -> bool) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(marker) {
        let value_start = at + marker.len();
        out.push_str(&rest[..value_start]);
        let value = &rest[value_start..];
        let value_len = value.find(|c: char| ends(c)).unwrap_or(value.len());
        if value_len > 0 {
            out.push_str("[redacted]");
        }
        rest = &value[value_len..];
    }
    out.push_str(rest);
    out
}

/// Standard error, through [`redact`]. The formatter writes each event in one call.
struct RedactingStderr;

impl Write for RedactingStderr {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        std::io::stderr().write_all(redact(&text).as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        std::io::stderr().flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tickets_and_slack_tokens_are_redacted_and_other_text_is_left_alone() {
        let line =
            r#"ERROR [1-0] Unable to connect wss://wss-primary.slack.com/link/?ticket=ab12-cd34&app_id=A1: refused"#;
        assert_eq!(
            redact(line),
            "ERROR [1-0] Unable to connect wss://wss-primary.slack.com/link/?ticket=[redacted]&app_id=A1: refused"
        );
        assert_eq!(redact(r#"{"url":"ws://h/link?ticket=t7"}"#), r#"{"url":"ws://h/link?ticket=[redacted]"}"#);
        assert_eq!(redact("token xoxb-123-456-abc refused"), "token xoxb-[redacted] refused");
        assert_eq!(redact("app token=xapp-1-A1-2"), "app token=[redacted]");
        assert!(matches!(redact("nothing secret here"), Cow::Borrowed(_)));
    }
}
