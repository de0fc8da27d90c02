//! Purpose: `unhurried check` for Slack. One `auth.test` with the bot token says which workspace
//! and bot user the token belongs to; the `X-OAuth-Scopes` header Slack sends with it says which
//! scopes it was granted, compared here with the ones the bot uses ([`BOT_SCOPES`]).
//!
//! slack-morphism's typed `auth_test` does not expose response headers, so this one call is
//! made with hyper directly, through the same TLS connector as the client.

use std::time::Duration;

use anyhow::Context as _;
use axum::body::Body;
use axum::http::{Request, header};
use secrecy::{ExposeSecret as _, SecretString};
use serde::Deserialize;

use crate::adapters::slack::BotIdentity;

/// The bot token scopes unhurried uses, as `config/slack-app-manifest.yml` asks for them.
/// `conversations.history`/`replies` (reconciling a post whose fate is unknown) read with the
/// `*:history` scopes; `im:write` opens a DM's conversation to read it; `files:write` uploads
/// and shares the file of `/async export-me`.
pub const BOT_SCOPES: &[&str] = &[
    "app_mentions:read",
    "channels:history",
    "chat:write",
    "commands",
    "files:write",
    "groups:history",
    "im:history",
    "im:write",
    "users:read",
];

/// How long `check` waits for Slack.
const TIMEOUT: Duration = Duration::from_secs(30);
/// The most of an `auth.test` answer that is read, in bytes.
const MAX_ANSWER_BYTES: usize = 64 * 1024;

/// What Slack says about the bot token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenReport {
    /// Whose token it is.
    pub identity: BotIdentity,
    /// The scopes Slack says it was granted; `None` when Slack did not say.
    pub granted: Option<Vec<String>>,
}

impl TokenReport {
    /// The scopes the bot uses that the token lacks; `None` when Slack did not list the granted ones.
    pub fn missing(&self) -> Option<Vec<&'static str>> {
        let granted = self.granted.as_ref()?;
        Some(BOT_SCOPES.iter().copied().filter(|scope| !granted.iter().any(|g| g == scope)).collect())
    }

    /// Whether nothing is missing (unknown counts as complete: it cannot be checked).
    pub fn is_complete(&self) -> bool {
        self.missing().is_none_or(|missing| missing.is_empty())
    }
}

impl std::fmt::Display for TokenReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let id = &self.identity;
        writeln!(f, "slack:     workspace {} ({}), bot user {} ({})", id.team, id.team_id, id.user, id.user_id)?;
        match self.missing() {
            None => write!(f, "slack:     Slack did not report the token's scopes, so they were not checked"),
            Some(missing) if missing.is_empty() => write!(f, "slack:     scopes ok ({})", BOT_SCOPES.join(", ")),
            Some(missing) => write!(
                f,
                "slack:     missing scopes: {} (add them under OAuth & Permissions → Bot Token Scopes, then reinstall the app)",
                missing.join(", ")
            ),
        }
    }
}

#[derive(Deserialize)]
struct AuthTest {
    ok: bool,
    error: Option<String>,
    team: Option<String>,
    team_id: Option<String>,
    user: Option<String>,
    user_id: Option<String>,
}

/// Calls `auth.test` at `api_url` with the bot token. An `Err` says why the token was not
/// accepted (never with the token in it).
pub async fn check_token(api_url: &str, bot_token: &SecretString) -> anyhow::Result<TokenReport> {
    let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build::<_, Body>(super::https_connector()?);
    let request = Request::get(format!("{}/auth.test", api_url.trim_end_matches('/')))
        .header(header::AUTHORIZATION, format!("Bearer {}", bot_token.expose_secret()))
        .body(Body::empty())
        .context("slack.api_url is not a usable URL")?;
    let response = tokio::time::timeout(TIMEOUT, client.request(request))
        .await
        .map_err(|_| anyhow::anyhow!("Slack did not answer auth.test within {} s", TIMEOUT.as_secs()))?
        .map_err(|e| anyhow::anyhow!("could not reach Slack: {e}"))?;
    let status = response.status();
    let granted = response
        .headers()
        .get("x-oauth-scopes")
        .and_then(|v| v.to_str().ok())
        .map(|scopes| scopes.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect());
    if !status.is_success() {
        anyhow::bail!("Slack answered auth.test with HTTP status {status}");
    }
    let body = axum::body::to_bytes(Body::new(response.into_body()), MAX_ANSWER_BYTES)
        .await
        .map_err(|e| anyhow::anyhow!("could not read Slack's answer: {e}"))?;
    let answer: AuthTest =
        serde_json::from_slice(&body).context("Slack's auth.test answer is not what it documents")?;
    if !answer.ok {
        anyhow::bail!("Slack API error {}", answer.error.unwrap_or_else(|| "unknown".into()));
    }
    let identity = BotIdentity {
        team: answer.team.unwrap_or_default(),
        team_id: answer.team_id.unwrap_or_default(),
        user: answer.user.unwrap_or_default(),
        user_id: answer.user_id.unwrap_or_default(),
    };
    Ok(TokenReport { identity, granted })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(granted: Option<&[&str]>) -> TokenReport {
        let identity = BotIdentity { team: "T".into(), team_id: "T1".into(), user: "u".into(), user_id: "U1".into() };
        TokenReport { identity, granted: granted.map(|g| g.iter().map(|s| (*s).to_owned()).collect()) }
    }

    #[test]
    fn missing_scopes_are_named_in_the_order_the_bot_lists_them() {
        let r = report(Some(&[
            "chat:write",
            "commands",
            "channels:history",
            "groups:history",
            "app_mentions:read",
            "files:write",
        ]));
        assert_eq!(r.missing(), Some(vec!["im:history", "im:write", "users:read"]));
        assert!(!r.is_complete());
        assert!(r.to_string().contains("missing scopes: im:history, im:write, users:read"), "{r}");
    }

    #[test]
    fn a_token_with_every_scope_and_more_is_complete() {
        let mut granted = BOT_SCOPES.to_vec();
        granted.push("reactions:write");
        let r = report(Some(&granted));
        assert_eq!(r.missing(), Some(vec![]));
        assert!(r.is_complete() && r.to_string().contains("scopes ok"), "{r}");
    }

    #[test]
    fn unreported_scopes_are_said_to_be_unchecked() {
        let r = report(None);
        assert!(r.is_complete());
        assert!(r.to_string().contains("did not report"), "{r}");
    }
}
