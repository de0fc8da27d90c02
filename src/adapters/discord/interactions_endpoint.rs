//! Purpose: the pieces of Discord's HTTP interactions endpoint (`POST /discord/interactions`,
//! SPEC §10) that do not depend on the HTTP server: Ed25519 verification of
//! `X-Signature-Ed25519` over `X-Signature-Timestamp || raw body` with the application's public
//! key (`DISCORD_PUBLIC_KEY`), and the answer to Discord's PING. A failed check must answer 401
//! and change nothing; Discord's portal sends deliberately bad signatures to test exactly that.

use ed25519_dalek::{Signature, VerifyingKey};
use secrecy::{ExposeSecret as _, SecretString};

/// Verifies Discord's signatures with one application's public key.
#[derive(Debug, Clone)]
pub struct InteractionVerifier {
    key: VerifyingKey,
}

/// Decodes hex (either case) into exactly `N` bytes.
fn hex_bytes<const N: usize>(hex: &str) -> Option<[u8; N]> {
    let hex = hex.trim().as_bytes();
    if hex.len() != 2 * N {
        return None;
    }
    let mut out = [0u8; N];
    for (byte, pair) in out.iter_mut().zip(hex.chunks_exact(2)) {
        let digit = |c: u8| (c as char).to_digit(16);
        *byte = u8::try_from(digit(pair[0])? * 16 + digit(pair[1])?).ok()?;
    }
    Some(out)
}

impl InteractionVerifier {
    /// A verifier for the portal's hex "Public Key"; an error says what is wrong without
    /// repeating the value.
    pub fn new(public_key: &SecretString) -> anyhow::Result<Self> {
        let bytes = hex_bytes::<32>(public_key.expose_secret())
            .ok_or_else(|| anyhow::anyhow!("DISCORD_PUBLIC_KEY must be 64 hex digits"))?;
        let key = VerifyingKey::from_bytes(&bytes)
            .map_err(|_| anyhow::anyhow!("DISCORD_PUBLIC_KEY is not a valid Ed25519 public key"))?;
        Ok(InteractionVerifier { key })
    }

    /// Whether `signature_hex` signs `timestamp` followed by the raw `body`. Malformed input is
    /// simply not valid; nothing here panics.
    pub fn verify(&self, signature_hex: &str, timestamp: &str, body: &[u8]) -> bool {
        let Some(signature) = hex_bytes::<64>(signature_hex) else { return false };
        let signature = Signature::from_bytes(&signature);
        let mut message = Vec::with_capacity(timestamp.len() + body.len());
        message.extend_from_slice(timestamp.as_bytes());
        message.extend_from_slice(body);
        // Strict verification also rejects malleable signatures and small-order keys.
        self.key.verify_strict(&message, &signature).is_ok()
    }
}

/// The response body to a verified interaction that Discord answers synchronously: `PING`
/// (type 1) gets `PONG` (`{"type":1}`). `None` for everything else, which the endpoint must hand
/// to the gateway handler's logic (not wired yet: the bot takes interactions over the gateway).
pub fn synchronous_response(body: &[u8]) -> Option<serde_json::Value> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    (value.get("type")?.as_u64()? == 1).then(|| serde_json::json!({"type": 1}))
}
