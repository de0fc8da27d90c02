//! Slack buttons, the standup modal and the App Home, end to end: signed interaction payloads
//! (shaped like Slack's own fixtures) into the real routes, `views.open` / `views.publish` out to
//! the Slack double, the real bot in between.

use serde_json::{Value, json};
use unhurried::domain::calendar::{Timezone, Weekdays};
use unhurried::domain::schedule::Recurrence;
use unhurried::features::standup::{StandupSpec, seed_standup};

use crate::slack::fixture;
use crate::slack_double::assert_calls_match_spec;
use crate::slack_support::SlackHarness;

/// alice's DM channel with the bot.
const DM: &str = "D1";

/// A harness with standup "daily" (alice, 09:30 Berlin, blocker question optional) and its
/// prompt already sent: Friday 08:31 UTC.
pub async fn prompted() -> SlackHarness {
    let h = SlackHarness::start().await;
    let workspace_id = h.bot.workspace_id("T1").await.unwrap();
    h.bot.member(workspace_id, "T1", "U1").await.unwrap();
    let spec = StandupSpec {
        name: "daily".into(),
        channel: "C1".into(),
        members: vec!["U1".into()],
        recurrence: Recurrence::weekly(chrono::NaiveTime::from_hms_opt(9, 30, 0).unwrap(), Weekdays::MON_FRI),
        questions: vec!["Done?".into(), "Next?".into(), "Blocked?".into()],
        blocker_question: Some(3),
        digest_at: chrono::NaiveTime::from_hms_opt(17, 0, 0).unwrap(),
        digest_tz: "Europe/Berlin".parse::<Timezone>().unwrap(),
        reminder: None,
        skipped_dates: vec![],
        digest_when_empty: Default::default(),
    };
    seed_standup(&h.bot, workspace_id, &spec).await.unwrap();
    h.advance(31 * 60).await;
    h
}

fn fixture_json(path: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(fixture(path)).unwrap()).unwrap()
}

/// Slack's block_actions fixture as alice's click on `action_id` under the prompt in her DM.
pub fn click(action_id: &str, trigger: &str) -> Value {
    click_by("U1", DM, action_id, trigger)
}

/// The same click by `user` in their DM channel `dm`.
pub fn click_by(user: &str, dm: &str, action_id: &str, trigger: &str) -> Value {
    let mut payload = fixture_json("interactivity/block_actions.json");
    payload["user"]["id"] = json!(user);
    payload["team"]["id"] = json!("T1");
    payload["trigger_id"] = json!(trigger);
    payload["container"] = json!({"type": "message", "message_ts": "1700000000.000002", "channel_id": dm,
        "is_ephemeral": false});
    payload["channel"] = json!({"id": dm, "name": "directmessage"});
    payload["actions"][0]["action_id"] = json!(action_id);
    payload["actions"][0]["block_id"] = json!("buttons");
    payload["actions"][0]["value"] = json!("daily");
    payload
}

/// Slack's view_submission fixture carrying the view we opened and `answers` typed into it.
pub fn submission(opened: &Value, view_id: &str, answers: &[&str]) -> Value {
    submission_by("U1", opened, view_id, answers)
}

/// The same submission by `user`.
pub fn submission_by(user: &str, opened: &Value, view_id: &str, answers: &[&str]) -> Value {
    let mut payload = fixture_json("interactivity/view_submission.json");
    payload["user"]["id"] = json!(user);
    payload["team"]["id"] = json!("T1");
    let view = &mut payload["view"];
    for field in ["blocks", "callback_id", "private_metadata", "title", "submit", "close"] {
        view[field] = opened[field].clone();
    }
    view["id"] = json!(view_id);
    let mut values = serde_json::Map::new();
    for (block, answer) in opened["blocks"].as_array().unwrap().iter().zip(answers) {
        let action = block["element"]["action_id"].as_str().unwrap();
        values.insert(
            block["block_id"].as_str().unwrap().to_owned(),
            json!({ action: {"type": "plain_text_input", "value": answer} }),
        );
    }
    view["state"] = json!({ "values": values });
    payload
}

/// POSTs an interaction the way Slack does: a signed form with one `payload` field.
async fn interact(h: &SlackHarness, payload: &Value) -> (u16, String) {
    let body = serde_urlencoded::to_string([("payload", payload.to_string())]).unwrap();
    h.post_signed("/slack/interactions", &body, h.now_unix(), &[]).await
}

/// Clicks *Answer* and returns the view sent to `views.open`.
async fn open_form(h: &mut SlackHarness, trigger: &str) -> Value {
    assert_eq!(interact(h, &click("unhurried.answer", trigger)).await, (200, String::new()));
    assert_eq!(h.drain().await, 1);
    let opened = h.double.calls_of("views.open");
    let call = opened.iter().find(|c| c.params["trigger_id"] == trigger).expect("views.open");
    call.params["view"].clone()
}

#[tokio::test]
async fn the_prompt_dm_carries_answer_and_skip_buttons_under_the_text() {
    let h = prompted().await;
    let prompt = h.double.calls_of("chat.postMessage").into_iter().find(|c| c.params["channel"] == "U1").unwrap();
    let text = prompt.params["text"].as_str().unwrap();
    assert!(!text.is_empty(), "the text stays as the notification fallback");
    let blocks = prompt.params["blocks"].as_array().expect("blocks");
    assert_eq!(blocks[0]["type"], "section");
    assert_eq!(blocks[0]["text"]["type"], "mrkdwn");
    assert_eq!(blocks[0]["text"]["text"], text);
    let buttons = &blocks.last().unwrap()["elements"];
    assert_eq!(blocks.last().unwrap()["type"], "actions");
    assert_eq!(buttons[0]["action_id"], "unhurried.answer");
    assert_eq!(buttons[0]["value"], "daily");
    assert_eq!(buttons[0]["text"]["text"], "Answer");
    assert_eq!(buttons[1]["action_id"], "unhurried.skip");
    assert_eq!(buttons[1]["text"]["text"], "Skip today");
    assert_calls_match_spec(&h.double.calls());
}

#[tokio::test]
async fn answer_opens_a_modal_with_one_input_per_question() {
    let mut h = prompted().await;
    let view = open_form(&mut h, "111.222.answer").await;
    assert_eq!(view["type"], "modal");
    assert_eq!(view["callback_id"], "unhurried.standup");
    assert_eq!(view["private_metadata"], "daily");
    assert_eq!(view["submit"]["text"], "Send");
    assert!(view["title"]["text"].as_str().unwrap().chars().count() <= 24, "{view}");
    let inputs: Vec<(&str, bool, bool)> = view["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            assert_eq!(b["type"], "input");
            assert_eq!(b["element"]["type"], "plain_text_input");
            (b["label"]["text"].as_str().unwrap(), b["optional"] == true, b["element"]["multiline"] == true)
        })
        .collect();
    assert_eq!(inputs, [("Done?", false, true), ("Next?", false, true), ("Blocked?", true, true)]);
    assert_calls_match_spec(&h.double.calls());
}

#[tokio::test]
async fn a_blank_required_answer_is_refused_inline_and_a_complete_one_lands_in_the_digest_once() {
    let mut h = prompted().await;
    let view = open_form(&mut h, "111.222.form").await;

    let (status, body) = interact(&h, &submission(&view, "V900", &["shipped", "  ", ""])).await;
    assert_eq!(status, 200);
    let answer: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(answer["response_action"], "errors", "{body}");
    let errors = answer["errors"].as_object().unwrap();
    assert_eq!(errors.keys().collect::<Vec<_>>(), ["q2"], "only the blank required question: {body}");
    assert_eq!(h.drain().await, 0, "nothing reaches the bot");

    let complete = submission(&view, "V900", &["shipped the modal", "tests", ""]);
    assert_eq!(interact(&h, &complete).await, (200, String::new()), "an empty 200 closes the modal");
    // Slack retrying the same submission: the view id makes it one effect.
    assert_eq!(interact(&h, &complete).await, (200, String::new()));
    assert_eq!(h.drain().await, 1, "one inbox row for the view");
    let metrics = h.get("/metrics").await.1;
    assert!(
        metrics.contains("unhurried_messages_sent_total{platform=\"slack\",purpose=\"standup_ack\"} 1"),
        "{metrics}"
    );

    h.advance(8 * 3600).await;
    let digests: Vec<String> = h
        .double
        .calls_of("chat.postMessage")
        .into_iter()
        .filter(|c| c.params["channel"] == "C1")
        .map(|c| c.params["text"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(digests.len(), 1, "{digests:?}");
    assert_eq!(digests[0].matches("shipped the modal").count(), 1, "{}", digests[0]);
    assert_calls_match_spec(&h.double.calls());
}

#[tokio::test]
async fn skip_today_skips_like_the_command_and_replies_in_the_dm() {
    let mut h = prompted().await;
    assert_eq!(interact(&h, &click("unhurried.skip", "111.222.skip")).await, (200, String::new()));
    assert_eq!(h.drain().await, 1);
    let replies = h.double.calls_of("chat.postEphemeral");
    assert_eq!(replies.len(), 1, "{:?}", h.double.calls());
    assert_eq!((replies[0].params["channel"].as_str(), replies[0].params["user"].as_str()), (Some(DM), Some("U1")));
    assert!(replies[0].params["text"].as_str().unwrap().starts_with("Skipped"), "{replies:?}");
    assert_calls_match_spec(&h.double.calls());
}

#[tokio::test]
async fn clicks_that_are_not_ours_are_acked_and_ignored() {
    let mut h = prompted().await;
    let foreign = fixture_json("interactivity/block_actions.json");
    assert_eq!(interact(&h, &foreign).await, (200, String::new()));
    let mut other_modal = fixture_json("interactivity/view_submission.json");
    other_modal["view"]["state"]["values"]["hspI"]["maBWU"]["value"] = json!("");
    assert_eq!(interact(&h, &other_modal).await, (200, String::new()));
    assert_eq!(h.drain().await, 0);
}

fn home_opened(event_id: &str, tab: &str) -> Value {
    json!({"token": "verification-token", "team_id": "T1", "api_app_id": "A1", "type": "event_callback",
        "event_id": event_id, "event_time": 1_774_598_400,
        "event": {"type": "app_home_opened", "user": "U1", "channel": DM, "tab": tab,
            "event_ts": "1774598400.000100"}})
}

#[tokio::test]
async fn opening_the_home_tab_publishes_the_members_zone_and_schedule() {
    let mut h = prompted().await;
    let messages = home_opened("EvH0", "messages").to_string();
    assert_eq!(h.post_signed("/slack/events", &messages, h.now_unix(), &[]).await.0, 200);
    let home = home_opened("EvH1", "home").to_string();
    assert_eq!(h.post_signed("/slack/events", &home, h.now_unix(), &[]).await.0, 200);
    assert_eq!(h.drain().await, 1, "only the Home tab is drawn");
    let published = h.double.calls_of("views.publish");
    assert_eq!(published.len(), 1, "{:?}", h.double.calls());
    assert_eq!(published[0].params["user_id"], "U1");
    let view = &published[0].params["view"];
    assert_eq!(view["type"], "home");
    let text: Vec<&str> = view["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            assert_eq!((b["type"].as_str(), b["text"]["type"].as_str()), (Some("section"), Some("mrkdwn")));
            b["text"]["text"].as_str().unwrap()
        })
        .collect();
    assert!(text.concat().contains("Europe/Berlin"), "{text:?}");
    assert_calls_match_spec(&h.double.calls());
}

/// How interactions reach the bot in a test: signed HTTP posts, or envelopes on a socket.
enum Transport {
    Http,
    Socket(unhurried::adapters::slack::socket::SocketMode),
}

impl Transport {
    async fn open(h: &SlackHarness, socket: bool) -> Self {
        if socket { Transport::Socket(crate::slack_socket::connected(h).await) } else { Transport::Http }
    }

    /// Delivers one interaction payload and returns Slack's answer to it (the HTTP body, or
    /// the envelope ack's payload).
    async fn interact(&self, h: &SlackHarness, envelope_id: &str, payload: &Value) -> Value {
        match self {
            Transport::Http => {
                let (status, body) = interact(h, payload).await;
                assert_eq!(status, 200, "{body}");
                if body.is_empty() { json!({}) } else { serde_json::from_str(&body).unwrap() }
            }
            Transport::Socket(_) => {
                let envelope = crate::slack_socket::interactive_envelope(envelope_id, payload.clone());
                crate::slack_socket::deliver(h, &envelope).await;
                let ack = h.double.received_frames().into_iter().find(|f| f["envelope_id"] == envelope_id).unwrap();
                ack.get("payload").cloned().unwrap_or_else(|| json!({}))
            }
        }
    }

    async fn close(self) {
        if let Transport::Socket(socket) = self {
            socket.shutdown().await;
        }
    }
}

/// The standup prompts sent so far (DMs, posted to a user id, with buttons), as (user, text).
fn prompts(h: &SlackHarness) -> Vec<(String, String)> {
    h.double
        .calls_of("chat.postMessage")
        .into_iter()
        .filter(|c| c.params["channel"].as_str().is_some_and(|c| c.starts_with('U')) && c.params.contains_key("blocks"))
        .map(|c| (c.params["channel"].as_str().unwrap().to_owned(), c.params["text"].as_str().unwrap().to_owned()))
        .collect()
}

/// Moves the manual clock to `at` (RFC 3339) and runs due jobs, like a scheduler tick then.
async fn tick_at(h: &SlackHarness, at: &str) {
    let at: chrono::DateTime<chrono::Utc> = at.parse().unwrap();
    h.advance((at - unhurried::ports::Clock::now(h.clock.as_ref())).num_seconds()).await;
}

/// `user` answers the prompt in `dm` through the modal: Answer, then the form sent back filled in.
async fn answer_through_the_modal(h: &mut SlackHarness, t: &Transport, user: &str, dm: &str, answers: &[&str]) {
    let trigger = format!("trigger.{user}");
    let ack = t.interact(h, &format!("env-click-{user}"), &click_by(user, dm, "unhurried.answer", &trigger)).await;
    assert!(ack.get("response_action").is_none(), "{ack}");
    assert_eq!(h.drain().await, 1);
    let opened = h.double.calls_of("views.open");
    let view =
        opened.iter().find(|c| c.params["trigger_id"] == trigger.as_str()).expect("views.open").params["view"].clone();
    let ack =
        t.interact(h, &format!("env-submit-{user}"), &submission_by(user, &view, &format!("V{user}"), answers)).await;
    assert!(ack.get("response_action").is_none(), "the modal closes: {ack}");
    assert_eq!(h.drain().await, 1);
}

/// Friday 27 March 2026: bob (Tokyo, UTC+9) is due at 09:30 his time = 00:30Z, alice (Berlin,
/// UTC+1) at 09:30 hers = 08:30Z; the digest is at 17:00 Berlin = 16:00Z.
async fn each_member_is_prompted_at_their_local_time_and_their_modal_answers_land_in_the_digest(socket: bool) {
    let mut h = SlackHarness::start_at("2026-03-27T00:00:00Z").await;
    let workspace_id = h.bot.workspace_id("T1").await.unwrap();
    for user in ["U1", "U2"] {
        h.bot.member(workspace_id, "T1", user).await.unwrap();
    }
    let spec = crate::standup::spec(&["U1", "U2"], "Europe/Berlin", None);
    seed_standup(&h.bot, workspace_id, &spec).await.unwrap();
    let t = Transport::open(&h, socket).await;

    tick_at(&h, "2026-03-27T00:29:00Z").await;
    assert_eq!(prompts(&h), [], "nobody before their 09:30");
    tick_at(&h, "2026-03-27T00:30:00Z").await;
    let prompted: Vec<String> = prompts(&h).into_iter().map(|(user, _)| user).collect();
    assert_eq!(prompted, ["U2"], "bob at 09:30 Tokyo; alice is asleep (01:30 Berlin)");
    answer_through_the_modal(&mut h, &t, "U2", "D2", &["reviewed the importer", "ship it", "none"]).await;

    tick_at(&h, "2026-03-27T08:29:00Z").await;
    assert_eq!(prompts(&h).len(), 1, "alice not before 09:30 Berlin: {:?}", prompts(&h));
    tick_at(&h, "2026-03-27T08:30:00Z").await;
    let prompted: Vec<String> = prompts(&h).into_iter().map(|(user, _)| user).collect();
    assert_eq!(prompted, ["U2", "U1"], "alice at 09:30 Berlin");
    assert!(prompts(&h).iter().all(|(_, text)| text.contains("What did you do?")), "{:?}", prompts(&h));
    answer_through_the_modal(&mut h, &t, "U1", DM, &["fixed the DST bug", "the digest", "waiting on <@U2>"]).await;

    tick_at(&h, "2026-03-27T15:59:00Z").await;
    let digests = |h: &SlackHarness| -> Vec<String> {
        let posts = h.double.calls_of("chat.postMessage");
        posts.into_iter().filter(|c| c.params["channel"] == "C1").map(|c| c.params["text"].to_string()).collect()
    };
    assert_eq!(digests(&h), Vec::<String>::new(), "no digest before 17:00 Berlin");
    tick_at(&h, "2026-03-27T16:00:00Z").await;
    let digest = digests(&h).concat();
    for answer in ["reviewed the importer", "ship it", "fixed the DST bug", "the digest"] {
        assert_eq!(digest.matches(answer).count(), 1, "{answer} once in the digest: {digest}");
    }
    assert!(
        digest.contains("alice (day 1): waiting on @bob"),
        "alice's blocker leads the digest, naming bob: {digest}"
    );
    let metrics = h.get("/metrics").await.1;
    assert!(
        metrics.contains("unhurried_messages_sent_total{platform=\"slack\",purpose=\"standup_prompt\"} 2"),
        "{metrics}"
    );
    assert!(
        metrics.contains("unhurried_messages_sent_total{platform=\"slack\",purpose=\"standup_ack\"} 2"),
        "{metrics}"
    );
    assert_calls_match_spec(&h.double.calls());
    t.close().await;
}

#[tokio::test]
async fn over_http_each_member_is_prompted_at_their_local_time_and_modal_answers_land_in_the_digest() {
    each_member_is_prompted_at_their_local_time_and_their_modal_answers_land_in_the_digest(false).await;
}

#[tokio::test]
async fn over_socket_mode_each_member_is_prompted_at_their_local_time_and_modal_answers_land_in_the_digest() {
    each_member_is_prompted_at_their_local_time_and_their_modal_answers_land_in_the_digest(true).await;
}
