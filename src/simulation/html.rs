//! Purpose: `simulate --html FILE` — a scenario's transcript as the playground's chat view, in one
//! self-contained HTML page (style, script and every member's view inlined) to share or attach to
//! an issue. The reader picks whose eyes to read it with; times show in that member's zone.

use std::collections::HashMap;

use chrono_tz::Tz;
use serde_json::json;

use crate::adapters::simulated::TranscriptEntry;
use crate::domain::command::{self, Command};
use crate::playground::routes::{PAGE_CSS, PAGE_HTML, PAGE_JS};
use crate::playground::view::{MemberPost, Workspace, dm_conversation};
use crate::simulation::Scenario;
use crate::simulation::scenario::EventKind;

/// The page.
pub fn page(scenario: &Scenario, transcript: &[TranscriptEntry]) -> String {
    let posts = member_posts(scenario, transcript);
    // Each member's zone at the end (a `/async tz` in the scenario moves it).
    let mut zones: HashMap<String, Tz> =
        scenario.members.iter().filter_map(|m| m.tz.map(|tz| (m.id.clone(), tz.0))).collect();
    for event in &scenario.events {
        if let EventKind::Command { user, text, .. } = &event.kind
            && let Ok(Command::Tz(zone)) = command::parse(text)
        {
            zones.insert(user.clone(), zone.0);
        }
    }
    let working = HashMap::new();
    let workspace = Workspace {
        scenario,
        zones: &zones,
        working: &working,
        now: scenario.end,
        transcript,
        posts: &posts,
        form: None,
        next_due: None,
        read_on_arrival: true,
    };
    let viewers: Vec<&str> = scenario.members.iter().map(|m| m.id.as_str()).collect();
    let views: serde_json::Map<String, serde_json::Value> = viewers
        .iter()
        .map(|viewer| {
            let view = serde_json::to_value(workspace.view(viewer)).expect("views serialize");
            ((*viewer).to_owned(), view)
        })
        .collect();
    let data = json!({
        "title": format!(
            "The transcript of {} ({} to {}), read as any member: pick one under \"You are\". Written by `unhurried simulate --html`.",
            scenario.file,
            scenario.start.format("%Y-%m-%d %H:%M UTC"),
            scenario.end.format("%Y-%m-%d %H:%M UTC"),
        ),
        "viewers": viewers,
        "views": views,
    });
    // `</` inside a script element would end it early.
    let data = data.to_string().replace("</", "<\\/");
    PAGE_HTML
        .replace("<title>unhurried playground</title>", "<title>unhurried simulation</title>")
        .replace("<link rel=\"stylesheet\" href=\"page.css\">", &format!("<style>\n{PAGE_CSS}</style>"))
        .replace(
            "<script src=\"page.js\"></script>",
            &format!(
                "<script type=\"application/json\" id=\"static-data\">{data}</script>\n<script>\n{}</script>",
                PAGE_JS.replace("</script", "<\\/script")
            ),
        )
}

/// What the scenario's members did, as the playground records it.
fn member_posts(scenario: &Scenario, transcript: &[TranscriptEntry]) -> Vec<MemberPost> {
    // Each event came before what the bot sent at its instant.
    let sent_before = |at: chrono::DateTime<chrono::Utc>| {
        transcript.iter().filter(|e| e.at.parse::<chrono::DateTime<chrono::Utc>>().is_ok_and(|t| t < at)).count()
    };
    scenario
        .events
        .iter()
        .enumerate()
        .filter_map(|(n, event)| match &event.kind {
            EventKind::Message { user, channel, text, id, thread } => Some(MemberPost {
                id: id.clone(),
                at: event.at,
                user: user.clone(),
                conversation: channel.clone().unwrap_or_else(|| dm_conversation(user)),
                thread: thread.clone(),
                text: text.clone(),
                private: false,
                after_bot_messages: sent_before(event.at),
            }),
            EventKind::Command { user, channel, text } => Some(MemberPost {
                id: format!("cmd{n}"),
                at: event.at,
                user: user.clone(),
                conversation: channel.clone().unwrap_or_else(|| dm_conversation(user)),
                thread: None,
                text: format!("/async {text}"),
                private: true,
                after_bot_messages: sent_before(event.at),
            }),
            EventKind::StandupAnswer { user, standup, answers } => Some(MemberPost {
                id: format!("answer{n}"),
                at: event.at,
                user: user.clone(),
                conversation: dm_conversation(user),
                thread: None,
                text: format!(
                    "(form) {standup}\n{}",
                    answers.iter().map(|a| format!("> {a}")).collect::<Vec<_>>().join("\n")
                ),
                private: true,
                after_bot_messages: sent_before(event.at),
            }),
            EventKind::Restart => None,
        })
        .collect()
}
