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
    let mut payload = fixture_json("interactivity/block_actions.json");
    payload["user"]["id"] = json!("U1");
    payload["team"]["id"] = json!("T1");
    payload["trigger_id"] = json!(trigger);
    payload["container"] = json!({"type": "message", "message_ts": "1700000000.000002", "channel_id": DM,
        "is_ephemeral": false});
    payload["channel"] = json!({"id": DM, "name": "directmessage"});
    payload["actions"][0]["action_id"] = json!(action_id);
    payload["actions"][0]["block_id"] = json!("buttons");
    payload["actions"][0]["value"] = json!("daily");
    payload
}

/// Slack's view_submission fixture carrying the view we opened and `answers` typed into it.
pub fn submission(opened: &Value, view_id: &str, answers: &[&str]) -> Value {
    let mut payload = fixture_json("interactivity/view_submission.json");
    payload["user"]["id"] = json!("U1");
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
    assert_eq!(h.drain().await, 2);
    let metrics = h.get("/metrics").await.1;
    assert!(metrics.contains("unhurried_messages_sent_total{purpose=\"standup_ack\"} 1"), "{metrics}");

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
