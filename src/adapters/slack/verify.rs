//! Purpose: SPEC §10 request verification for Slack's HTTP mode — v0 HMAC-SHA256 over
//! `v0:{timestamp}:{raw body}`, compared in constant time, with a ±300 s window both ways.
//!
//! Written here instead of using slack-morphism's verifier because that one reads the system
//! clock (tests could not move it), accepts timestamps from the future, and answers 400, not 401.

use hmac::{Hmac, KeyInit as _, Mac as _};
use secrecy::{ExposeSecret as _, SecretString};
use sha2::Sha256;

/// Header carrying the request's Unix timestamp, in seconds.
pub const TIMESTAMP_HEADER: &str = "x-slack-request-timestamp";
/// Header carrying `v0=<hex signature>`.
pub const SIGNATURE_HEADER: &str = "x-slack-signature";
/// How far a request's timestamp may be from now, in seconds, in either direction.
pub const MAX_SKEW_SECS: i64 = 300;

/// Why a request was refused. The text is safe to log: it never holds a signature or secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Rejection {
    /// A signing header is absent or not text.
    #[error("missing signing header")]
    MissingHeader,
    /// The timestamp is not a whole number of seconds.
    #[error("malformed timestamp")]
    MalformedTimestamp,
    /// The timestamp is more than [`MAX_SKEW_SECS`] away from now (a replay, or a bad clock).
    #[error("timestamp outside the 300 s window")]
    OutsideWindow,
    /// The signature is not `v0=` followed by hex.
    #[error("malformed signature")]
    MalformedSignature,
    /// The signature does not match the body.
    #[error("signature mismatch")]
    Mismatch,
}

/// Verifies Slack's request signatures with the app's signing secret.
#[derive(Clone)]
pub struct RequestVerifier {
    secret: SecretString,
}

impl std::fmt::Debug for RequestVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RequestVerifier { secret: [redacted] }")
    }
}

impl RequestVerifier {
    /// A verifier for this signing secret.
    pub fn new(secret: SecretString) -> Self {
        RequestVerifier { secret }
    }

    /// Checks one request at `now_unix` (seconds) from its two header values and raw body.
    pub fn verify(
        &self,
        timestamp: Option<&str>,
        signature: Option<&str>,
        body: &[u8],
        now_unix: i64,
    ) -> Result<(), Rejection> {
        let (Some(timestamp), Some(signature)) = (timestamp, signature) else {
            return Err(Rejection::MissingHeader);
        };
        let sent_at: i64 = timestamp.trim().parse().map_err(|_| Rejection::MalformedTimestamp)?;
        if now_unix.abs_diff(sent_at) > MAX_SKEW_SECS.unsigned_abs() {
            return Err(Rejection::OutsideWindow);
        }
        let given = signature
            .strip_prefix("v0=")
            .and_then(|hex_text| hex::decode(hex_text).ok())
            .ok_or(Rejection::MalformedSignature)?;
        let mut mac =
            Hmac::<Sha256>::new_from_slice(self.secret.expose_secret().as_bytes()).map_err(|_| Rejection::Mismatch)?;
        mac.update(b"v0:");
        mac.update(timestamp.as_bytes());
        mac.update(b":");
        mac.update(body);
        // verify_slice compares in constant time, and no expected signature ever exists as text.
        mac.verify_slice(&given).map_err(|_| Rejection::Mismatch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";
    const TS: &str = "1531420618";
    const SIG: &str = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";
    const BODY: &str = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";

    fn verifier() -> RequestVerifier {
        RequestVerifier::new(SecretString::from(SECRET))
    }

    #[test]
    fn the_documented_example_verifies_at_its_own_time() {
        assert_eq!(verifier().verify(Some(TS), Some(SIG), BODY.as_bytes(), 1_531_420_618), Ok(()));
    }

    #[test]
    fn a_timestamp_five_minutes_and_one_second_away_is_refused_both_ways() {
        let v = verifier();
        assert_eq!(v.verify(Some(TS), Some(SIG), BODY.as_bytes(), 1_531_420_618 + 300), Ok(()));
        assert_eq!(v.verify(Some(TS), Some(SIG), BODY.as_bytes(), 1_531_420_618 - 300), Ok(()));
        assert_eq!(v.verify(Some(TS), Some(SIG), BODY.as_bytes(), 1_531_420_618 + 301), Err(Rejection::OutsideWindow));
        assert_eq!(v.verify(Some(TS), Some(SIG), BODY.as_bytes(), 1_531_420_618 - 301), Err(Rejection::OutsideWindow));
    }

    #[test]
    fn a_tampered_body_or_missing_header_is_refused() {
        let v = verifier();
        let tampered = format!("{BODY}------");
        assert_eq!(v.verify(Some(TS), Some(SIG), tampered.as_bytes(), 1_531_420_618), Err(Rejection::Mismatch));
        assert_eq!(v.verify(None, Some(SIG), BODY.as_bytes(), 1_531_420_618), Err(Rejection::MissingHeader));
        assert_eq!(v.verify(Some(TS), None, BODY.as_bytes(), 1_531_420_618), Err(Rejection::MissingHeader));
        assert_eq!(v.verify(Some("soon"), Some(SIG), BODY.as_bytes(), 1), Err(Rejection::MalformedTimestamp));
        assert_eq!(
            v.verify(Some(TS), Some("v1=00"), BODY.as_bytes(), 1_531_420_618),
            Err(Rejection::MalformedSignature)
        );
    }
}
