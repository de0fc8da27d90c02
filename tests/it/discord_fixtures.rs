//! Real Discord payloads from `tests/shared/fixtures/discord` through the adapter's translations:
//! gateway messages into `ChatMessage`s, interactions into command text the engine parses, and
//! error bodies (429s, JSON error codes) into transient or permanent send errors.

use serde_json::{Value, json};
use serenity::all::{CommandDataOption, Interaction, Message};
use unhurried::adapters::discord::commands::{command_text, zone_suggestions};
use unhurried::adapters::discord::convert::{Directory, chat_message, classify};
use unhurried::adapters::discord::platform::allowed_mentions;
use unhurried::domain::command::parse;
use unhurried::domain::events::{Destination, OutgoingMessage, Purpose};
use unhurried::ports::SendError;

fn fixture(path: &str) -> String {
    let full = format!("{}/tests/shared/fixtures/discord/{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{full}: {e}"))
}

fn json_fixture(path: &str) -> Value {
    serde_json::from_str(&fixture(path)).unwrap()
}

fn message(patch: Value) -> Message {
    let mut value = json_fixture("rest/message_object_example.json");
    for (key, v) in patch.as_object().unwrap() {
        value[key] = v.clone();
    }
    serde_json::from_value(value).map_err(|e| e.to_string()).unwrap()
}

#[test]
fn a_guild_message_from_the_docs_becomes_a_chat_message() {
    let directory = Directory::default();
    let event = chat_message(&message(json!({"guild_id": "290926798626357999"})), &directory).unwrap();
    assert_eq!(event.workspace, "290926798626357999");
    assert_eq!(event.id, "334385199974967042");
    assert_eq!(event.channel, "290926798999357250");
    assert_eq!(event.user, "53908099506183680");
    assert_eq!(event.text, "Supa Hot");
    assert_eq!(event.thread, None);
    assert!(!event.is_dm);
}

#[test]
fn a_dm_lands_in_the_guild_its_author_was_last_seen_in() {
    let directory = Directory::default();
    let dm = message(json!({}));
    assert_eq!(chat_message(&dm, &directory).unwrap().workspace, "dm", "unknown author, no guild");
    directory.add_guild(7);
    assert_eq!(chat_message(&dm, &directory).unwrap().workspace, "7", "the bot's only guild");
    directory.add_guild(8);
    chat_message(&message(json!({"guild_id": "8"})), &directory).unwrap();
    let event = chat_message(&dm, &directory).unwrap();
    assert_eq!(event.workspace, "8");
    assert!(event.is_dm);
}

#[test]
fn a_message_in_a_known_thread_names_its_channel_and_parent_message() {
    let directory = Directory::default();
    directory.add_thread(290926798999357250, 1000);
    let event = chat_message(&message(json!({"guild_id": "5"})), &directory).unwrap();
    assert_eq!(event.channel, "1000");
    assert_eq!(event.thread.as_deref(), Some("290926798999357250"));
}

#[test]
fn bots_system_messages_and_empty_content_never_reach_the_engine() {
    let directory = Directory::default();
    let mut bot = json_fixture("rest/message_object_example.json")["author"].clone();
    bot["bot"] = json!(true);
    assert_eq!(chat_message(&message(json!({"author": bot})), &directory), None);
    assert_eq!(chat_message(&message(json!({"type": 18})), &directory), None, "thread created notice");
    assert_eq!(chat_message(&message(json!({"type": 6})), &directory), None, "pin notice");
    assert_eq!(chat_message(&message(json!({"content": ""})), &directory), None, "MESSAGE_CONTENT off");
    assert_eq!(chat_message(&message(json!({"webhook_id": "9"})), &directory), None);
}

#[test]
fn an_attachment_is_content_even_without_text() {
    let attachment = json!([{"id": "1", "filename": "a.png", "size": 1, "url": "https://cdn.example/a.png",
        "proxy_url": "https://cdn.example/a.png"}]);
    let event = chat_message(&message(json!({"content": "", "attachments": attachment})), &Directory::default());
    assert_eq!(event.unwrap().text, "https://cdn.example/a.png");
}

#[test]
fn the_docs_slash_command_interaction_parses_and_an_unknown_command_renders_to_nothing() {
    let mut value = json_fixture("interactions/interaction_create_slash_command.json");
    // serenity 0.12.5 requires fields the docs example predates (STACK-NOTES §4b).
    value["attachment_size_limit"] = json!(8_388_608);
    value["application_id"] = json!("1");
    value["member"]["flags"] = json!(0);
    value["version"] = json!(1);
    value["entitlements"] = json!([]);
    let Interaction::Command(command) = serde_json::from_value(value).map_err(|e| e.to_string()).unwrap() else {
        panic!("not a command")
    };
    assert_eq!(command.token, "A_UNIQUE_TOKEN");
    assert_eq!(command_text(&command.data.options), None, "cardsearch is not /async");
}

fn options(value: Value) -> Vec<CommandDataOption> {
    serde_json::from_value(value).map_err(|e| e.to_string()).unwrap()
}

#[test]
fn typed_options_become_command_text_the_engine_parses() {
    let tz =
        options(json!([{"type": 1, "name": "tz", "options": [{"type": 3, "name": "zone", "value": "Europe/Berlin"}]}]));
    assert_eq!(command_text(&tz).unwrap(), "tz Europe/Berlin");

    let create = options(json!([{"type": 2, "name": "standup", "options": [{"type": 1, "name": "create", "options": [
        {"type": 3, "name": "name", "value": "daily"},
        {"type": 3, "name": "questions", "value": "What did you do?|What next?|Blockers?"},
        {"type": 3, "name": "at", "value": "09:30"},
        {"type": 7, "name": "channel", "value": "645027906669510667"},
        {"type": 4, "name": "blocker", "value": 3},
        {"type": 3, "name": "members", "value": "<@1>,<@2>"}
    ]}]}]));
    let text = command_text(&create).unwrap();
    assert_eq!(
        text,
        "standup create daily at=09:30 channel=<#645027906669510667> questions=\"What did you do?|What next?|Blockers?\" \
         blocker=3 members=<@1>,<@2>"
    );
    parse(&text).unwrap();

    let decide = options(
        json!([{"type": 1, "name": "decide", "options": [{"type": 3, "name": "text", "value": "ship \"v2\" friday"}]}]),
    );
    assert_eq!(command_text(&decide).unwrap(), "decide ship \"v2\" friday");
    let help = options(json!([{"type": 1, "name": "help", "options": []}]));
    assert_eq!(command_text(&help).unwrap(), "help");
    parse(&command_text(&help).unwrap()).unwrap();
}

#[test]
fn a_discord_delete_needs_its_confirm_option_and_skip_can_name_its_standup() {
    let delete = |confirm: Value| {
        let mut given = vec![json!({"type": 3, "name": "name", "value": "daily"})];
        if !confirm.is_null() {
            given.push(json!({"type": 5, "name": "confirm", "value": confirm}));
        }
        options(json!([{"type": 2, "name": "standup", "options": [{"type": 1, "name": "delete", "options": given}]}]))
    };
    assert_eq!(command_text(&delete(Value::Null)).unwrap(), "standup delete daily");
    assert_eq!(command_text(&delete(json!(false))).unwrap(), "standup delete daily");
    assert_eq!(command_text(&delete(json!(true))).unwrap(), "standup delete daily confirm");
    parse(&command_text(&delete(json!(true))).unwrap()).unwrap();
    let skip = options(json!([{"type": 2, "name": "standup", "options": [{"type": 1, "name": "skip", "options": [
        {"type": 3, "name": "date", "value": "2026-04-01"},
        {"type": 3, "name": "name", "value": "daily"}
    ]}]}]));
    assert_eq!(command_text(&skip).unwrap(), "standup skip daily 2026-04-01");
}

#[test]
fn zone_autocomplete_suggests_iana_names_at_most_25() {
    assert!(zone_suggestions("berl").contains(&"Europe/Berlin"));
    assert_eq!(zone_suggestions("").len(), 25);
    assert!(zone_suggestions("new york").contains(&"America/New_York"));
}

fn http_status(transcript: &str) -> u16 {
    transcript.lines().next().unwrap().split_whitespace().nth(2).unwrap().parse().unwrap()
}

fn http_body(transcript: &str) -> Value {
    let start = transcript.find('{').unwrap();
    serde_json::from_str(&transcript[start..]).unwrap()
}

#[test]
fn every_documented_429_is_a_rate_limit_not_an_attempt() {
    for file in ["rest/429_global.http.txt", "rest/429_shared_scope.http.txt", "rest/429_user_scope.http.txt"] {
        let transcript = fixture(file);
        let body = http_body(&transcript);
        let code = body["code"].as_i64().unwrap_or(-1) as isize;
        let error = classify(http_status(&transcript), code, body["message"].as_str().unwrap().to_owned());
        assert!(matches!(error, SendError::RateLimited { .. }), "{file}: {error:?}");
    }
}

#[test]
fn closed_dms_are_permanent_and_dm_floods_transient() {
    let codes = json_fixture("rest/json_error_codes_subset.json");
    for entry in codes["relevant_json_error_codes"].as_array().unwrap() {
        let code = entry["code"].as_i64().unwrap() as isize;
        let status = if code == 130_000 { 503 } else { 403 };
        let transient = matches!(classify(status, code, String::new()), SendError::Transient(_));
        let expected = matches!(code, 40003 | 20028 | 130_000);
        assert_eq!(transient, expected, "{entry}");
    }
    assert!(matches!(classify(403, 50007, "Cannot send messages to this user".into()), SendError::Permanent(_)));
}

#[test]
fn allowed_mentions_name_exactly_the_engine_users_and_parse_nothing() {
    let to = Destination::Post { channel: "1".into() };
    let message =
        OutgoingMessage::new(to, Purpose::Nudge, "hey <@11> and @everyone <@&5> <@22>").pinging(["11".into()]);
    let json = serde_json::to_value(allowed_mentions(&message)).unwrap();
    assert_eq!(json, json!({"parse": [], "users": ["11"], "roles": []}));
    let nobody = OutgoingMessage::new(Destination::Dm { user: "1".into() }, Purpose::Brief, "@here");
    assert_eq!(
        serde_json::to_value(allowed_mentions(&nobody)).unwrap(),
        json!({"parse": [], "users": [], "roles": []})
    );
}

#[cfg(feature = "discord-interactions-endpoint")]
#[test]
fn the_shared_ed25519_vectors_verify_as_labelled_and_garbage_never_does() {
    use secrecy::SecretString;
    use unhurried::adapters::discord::interactions_endpoint::{InteractionVerifier, synchronous_response};
    let vectors = json_fixture("signing/ed25519_vectors.json");
    let key = SecretString::from(vectors["public_key_hex"].as_str().unwrap().to_owned());
    let verifier = InteractionVerifier::new(&key).unwrap();
    let mut checked = 0;
    for vector in vectors["vectors"].as_array().unwrap() {
        let valid = verifier.verify(
            vector["signature_hex"].as_str().unwrap(),
            vector["timestamp"].as_str().unwrap(),
            vector["body"].as_str().unwrap().as_bytes(),
        );
        assert_eq!(valid, vector["expect"] == "valid", "{}", vector["name"]);
        checked += 1;
    }
    assert!(checked >= 2);
    let first = &vectors["vectors"][0];
    let (signature, timestamp, body) = (
        first["signature_hex"].as_str().unwrap(),
        first["timestamp"].as_str().unwrap(),
        first["body"].as_str().unwrap(),
    );
    assert!(!verifier.verify(signature, "1643807577", body.as_bytes()), "another timestamp");
    assert!(!verifier.verify(signature, timestamp, format!("{body} ").as_bytes()), "another body");
    assert!(!verifier.verify("zz", timestamp, body.as_bytes()), "not hex");
    assert!(!verifier.verify(&"é".repeat(64), timestamp, body.as_bytes()), "multibyte");
    assert!(InteractionVerifier::new(&SecretString::from("abc".to_owned())).is_err());

    assert_eq!(synchronous_response(fixture("interactions/http_ping_type1.json").as_bytes()), Some(json!({"type": 1})));
    assert_eq!(synchronous_response(b"not json"), None);
}

#[test]
fn interaction_and_webhook_tokens_are_masked_in_error_text() {
    use unhurried::adapters::discord::convert::redact_tokens;
    let text = "error sending request for url (http://x/api/v10/webhooks/200/tok-SECRET/messages/@original) and \
                /interactions/7/tok-OTHER/callback";
    let redacted = redact_tokens(text);
    assert!(!redacted.contains("SECRET") && !redacted.contains("OTHER"), "{redacted}");
    assert!(redacted.contains("/webhooks/200/[redacted]/messages/@original"), "{redacted}");
    assert!(redacted.contains("/interactions/7/[redacted]/callback"), "{redacted}");
    assert_eq!(redact_tokens("/webhooks/"), "/webhooks/");
    assert_eq!(redact_tokens("Missing Permissions"), "Missing Permissions");
}

#[test]
fn quick_successive_commands_each_get_their_own_deferred_response() {
    use unhurried::adapters::discord::platform::Interactions;
    let interactions = Interactions::default();
    assert_eq!(interactions.take_turn("c", "u"), None, "no interaction: the ephemeral is dropped");
    interactions.remember("c", "u", "t1");
    interactions.remember("c", "u", "t2");
    assert_eq!(interactions.take_turn("c", "u"), Some(("t1".into(), true)));
    assert_eq!(interactions.take_turn("c", "u"), Some(("t2".into(), true)));
    assert_eq!(interactions.take_turn("c", "u"), Some(("t2".into(), false)), "then follow-ups");
    assert_eq!(interactions.take_turn("c", "other"), None);
    assert_eq!(format!("{interactions:?}"), "Interactions { .. }", "tokens never printed");
}
