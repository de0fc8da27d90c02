//! Purpose: what a failed Slack call means for the message it carried. Every failure is sorted
//! into the four cases of [`SendError`], because the delivery worker's next step depends on it:
//!
//! - **Permanent**: the destination can never be reached ([`UNREACHABLE_ERRORS`]): fail the
//!   message at once (a DM marks its member unreachable).
//! - **Refused**: Slack refused the message itself or the bot's access for good
//!   ([`REFUSED_ERRORS`]): fail the message at once; the recipient is not to blame.
//! - **RateLimited**: HTTP 429 (or `ratelimited`): wait `Retry-After`, nothing else.
//! - **Ambiguous**: the request may have been acted on — no answer in time, the connection broke
//!   after the request was written, HTTP 5xx, an answer that cannot be read, or Slack's own
//!   `internal_error`/`fatal_error` ("some aspect of the operation may have succeeded"): the worker
//!   looks for the message before it sends it again.
//! - **Transient**: surely not acted on (could not connect, Slack refused it for now): retry.
//!
//! A lookup (reads only) can never have had an effect, so its "ambiguous" failures are transient.

use std::time::Duration;

use slack_morphism::errors::SlackClientError;

use crate::ports::SendError;

/// The wait after a 429 that names no usable `Retry-After`, in seconds.
pub const DEFAULT_RETRY_AFTER: Duration = Duration::from_secs(1);

/// Slack error codes that say the destination can never be reached this way (mark, don't retry).
pub const UNREACHABLE_ERRORS: &[&str] = &[
    "channel_not_found",
    "not_in_channel",
    "user_not_in_channel",
    "is_archived",
    "is_inactive",
    "user_not_found",
    "user_not_visible",
    "user_disabled",
    "cannot_dm_bot",
    "messages_tab_disabled",
    "restricted_action",
    "method_not_supported_for_channel_type",
];

/// Slack error codes that refuse the message itself or the bot's own access: retrying never fixes
/// them, and they are nobody's fault but the message's or the installation's (auth and scope
/// problems need a person to reinstall the app), so no member is marked unreachable for them.
pub const REFUSED_ERRORS: &[&str] = &[
    // What it is
    "msg_too_long",
    "no_text",
    "invalid_blocks",
    "too_many_attachments",
    "invalid_metadata_format",
    "invalid_metadata_schema",
    "metadata_too_large",
    "message_not_found",
    "cant_update_message",
    "edit_window_closed",
    "expired_trigger_id",
    "exchanged_trigger_id",
    "invalid_trigger_id",
    "view_too_large",
    "invalid_arguments",
    "invalid_arg_name",
    "invalid_array_arg",
    "invalid_charset",
    "invalid_form_data",
    "invalid_post_type",
    "missing_post_type",
    "invalid_json",
    "json_not_object",
    // Who sends it (`account_inactive`: the token is for a deleted user or workspace)
    "account_inactive",
    "not_authed",
    "invalid_auth",
    "token_revoked",
    "token_expired",
    "missing_scope",
    "not_allowed_token_type",
    "no_permission",
    "ekm_access_denied",
    "team_access_not_granted",
    "access_denied",
    "org_login_required",
    "team_added_to_org",
    "two_factor_setup_required",
    "upgrade_required",
    "method_deprecated",
    "deprecated_endpoint",
];

/// Slack error codes after which "it's possible some aspect of the operation succeeded" (Slack's
/// words for both).
const MAYBE_DONE_ERRORS: &[&str] = &["internal_error", "fatal_error"];

/// What a failed call that writes (a post, an edit, a reply) means for its message.
pub fn classify(error: &SlackClientError) -> SendError {
    match error {
        SlackClientError::RateLimitError(limit) => {
            SendError::RateLimited { retry_after: limit.retry_after.unwrap_or(DEFAULT_RETRY_AFTER) }
        }
        SlackClientError::ApiError(api) => by_code(&api.code),
        SlackClientError::HttpError(http) if http.status_code.is_server_error() => {
            SendError::Ambiguous(format!("Slack answered HTTP {}", http.status_code.as_u16()))
        }
        SlackClientError::HttpError(http) => {
            SendError::Transient(format!("Slack answered HTTP {}", http.status_code.as_u16()))
        }
        SlackClientError::HttpProtocolError(protocol) if never_sent(protocol.cause.as_deref()) => {
            SendError::Transient("could not reach Slack".to_owned())
        }
        SlackClientError::HttpProtocolError(_) | SlackClientError::EndOfStream(_) => {
            SendError::Ambiguous("the connection to Slack broke before it answered".to_owned())
        }
        SlackClientError::ProtocolError(_) => SendError::Ambiguous("Slack's answer could not be read".to_owned()),
        SlackClientError::SystemError(_) => SendError::Ambiguous("reading Slack's answer failed".to_owned()),
        SlackClientError::SocketModeProtocolError(_) => SendError::Transient("Slack client error".to_owned()),
    }
}

/// What a failed lookup means: the same as [`classify`], except that a read that may have been
/// answered changed nothing, so it is simply tried again.
pub fn classify_lookup(error: &SlackClientError) -> SendError {
    match classify(error) {
        SendError::Ambiguous(reason) => SendError::Transient(reason),
        other => other,
    }
}

/// A write that got no answer within its time: Slack may have it.
pub fn timed_out(limit: Duration) -> SendError {
    SendError::Ambiguous(format!("Slack did not answer within {} s", limit.as_secs()))
}

/// The meaning of a Slack `error` code.
pub fn by_code(code: &str) -> SendError {
    if code == "ratelimited" || code == "rate_limited" {
        SendError::RateLimited { retry_after: DEFAULT_RETRY_AFTER }
    } else if UNREACHABLE_ERRORS.contains(&code) {
        SendError::Permanent(format!("Slack error {code}"))
    } else if REFUSED_ERRORS.contains(&code) {
        SendError::Refused(format!("Slack error {code}"))
    } else if MAYBE_DONE_ERRORS.contains(&code) {
        SendError::Ambiguous(format!("Slack error {code}"))
    } else {
        SendError::Transient(format!("Slack error {code}"))
    }
}

/// Whether a transport failure happened before the request could have left: the connection was
/// never made, or the request could not even be built. Anything later (reset, closed mid-answer)
/// may have reached Slack. hyper's pool resends on its own a request that was not yet written to
/// a connection found closed, so what comes back here past connecting is really ambiguous.
fn never_sent(cause: Option<&(dyn std::error::Error + Send + Sync + 'static)>) -> bool {
    let Some(cause) = cause else { return false };
    if let Some(client) = cause.downcast_ref::<hyper_util::client::legacy::Error>() {
        return client.is_connect();
    }
    // `http::Error`: the request was malformed and never sent.
    cause.downcast_ref::<axum::http::Error>().is_some()
}

/// A short description of a client error without response bodies (which may quote user text).
pub fn describe(error: &SlackClientError) -> anyhow::Error {
    match error {
        SlackClientError::ApiError(api) => anyhow::anyhow!("Slack API error {}", api.code),
        SlackClientError::HttpError(http) => anyhow::anyhow!("Slack HTTP status {}", http.status_code),
        SlackClientError::RateLimitError(_) => anyhow::anyhow!("Slack rate limited the call"),
        SlackClientError::HttpProtocolError(e) => anyhow::anyhow!("could not reach Slack: {e}"),
        SlackClientError::EndOfStream(_) => anyhow::anyhow!("Slack closed the connection"),
        SlackClientError::ProtocolError(_) => anyhow::anyhow!("Slack client error: unexpected response"),
        SlackClientError::SystemError(_) => anyhow::anyhow!("Slack client error: system error"),
        SlackClientError::SocketModeProtocolError(_) => anyhow::anyhow!("Slack client error: other"),
    }
}

#[cfg(test)]
mod tests {
    use axum::http::StatusCode;
    use slack_morphism::errors::*;

    use super::*;

    fn api(code: &str) -> SlackClientError {
        SlackClientError::ApiError(SlackClientApiError::new(code.to_owned()))
    }

    fn http(status: StatusCode) -> SlackClientError {
        SlackClientError::HttpError(SlackClientHttpError::new(status))
    }

    #[test]
    fn a_destination_that_cannot_be_reached_is_permanent() {
        for code in ["channel_not_found", "not_in_channel", "user_not_found", "cannot_dm_bot"] {
            assert!(matches!(classify(&api(code)), SendError::Permanent(ref e) if e.contains(code)), "{code}");
        }
    }

    #[test]
    fn the_bots_own_access_or_a_bad_message_is_refused_not_the_recipients_fault() {
        for code in
            ["invalid_auth", "token_revoked", "missing_scope", "account_inactive", "msg_too_long", "invalid_blocks"]
        {
            assert!(matches!(classify(&api(code)), SendError::Refused(ref e) if e.contains(code)), "{code}");
        }
    }

    #[test]
    fn every_code_has_one_meaning() {
        for code in UNREACHABLE_ERRORS {
            assert!(!REFUSED_ERRORS.contains(code) && !MAYBE_DONE_ERRORS.contains(code), "{code} is in two lists");
        }
    }

    #[test]
    fn a_429_waits_for_its_retry_after_and_a_429_without_one_waits_a_second() {
        let named =
            SlackClientError::RateLimitError(SlackRateLimitError::new().with_retry_after(Duration::from_secs(30)));
        assert!(matches!(classify(&named), SendError::RateLimited { retry_after } if retry_after.as_secs() == 30));
        let unnamed = SlackClientError::RateLimitError(SlackRateLimitError::new());
        assert!(
            matches!(classify(&unnamed), SendError::RateLimited { retry_after } if retry_after == DEFAULT_RETRY_AFTER)
        );
        assert!(matches!(classify(&api("ratelimited")), SendError::RateLimited { .. }));
    }

    #[test]
    fn a_5xx_an_unreadable_answer_or_a_broken_connection_may_have_posted() {
        for error in [
            http(StatusCode::INTERNAL_SERVER_ERROR),
            http(StatusCode::BAD_GATEWAY),
            SlackClientError::EndOfStream(SlackClientEndOfStreamError::new()),
            SlackClientError::ProtocolError(SlackClientProtocolError::new(
                serde_json::from_str::<serde_json::Value>("<html>").unwrap_err(),
            )),
            SlackClientError::HttpProtocolError(SlackClientHttpProtocolError::new()),
            api("internal_error"),
            api("fatal_error"),
        ] {
            assert!(matches!(classify(&error), SendError::Ambiguous(_)), "{error:?}");
        }
        assert!(matches!(timed_out(Duration::from_secs(30)), SendError::Ambiguous(ref e) if e.contains("30 s")));
    }

    #[test]
    fn a_request_that_never_left_and_an_unknown_refusal_are_transient() {
        let malformed = axum::http::Request::builder().uri("not a uri\n").body(()).unwrap_err();
        let never_built =
            SlackClientError::HttpProtocolError(SlackClientHttpProtocolError::new().with_cause(Box::new(malformed)));
        assert!(matches!(classify(&never_built), SendError::Transient(_)));
        assert!(
            matches!(classify(&api("service_unavailable")), SendError::Transient(ref e) if e.contains("service_unavailable"))
        );
        assert!(matches!(classify(&http(StatusCode::NOT_FOUND)), SendError::Transient(_)));
    }

    #[test]
    fn a_lookup_that_may_have_been_answered_is_simply_tried_again() {
        assert!(matches!(classify_lookup(&http(StatusCode::BAD_GATEWAY)), SendError::Transient(_)));
        assert!(matches!(classify_lookup(&api("channel_not_found")), SendError::Permanent(_)));
    }
}
