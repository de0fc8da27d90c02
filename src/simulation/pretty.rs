//! Purpose: the `--pretty` transcript for people: one line per message with the virtual time in
//! UTC and in the recipient's local time, who, and what.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use crate::adapters::simulated::TranscriptEntry;
use crate::simulation::Scenario;

/// Renders the transcript, one message per line (message text flattened to one line).
pub fn render(scenario: &Scenario, transcript: &[TranscriptEntry]) -> String {
    let zones: HashMap<&str, chrono_tz::Tz> =
        scenario.members.iter().filter_map(|m| m.tz.map(|tz| (m.id.as_str(), tz.0))).collect();
    let names: HashMap<&str, &str> = scenario.members.iter().map(|m| (m.id.as_str(), m.name.as_str())).collect();
    let channels: HashMap<&str, &str> = scenario.channels.iter().map(|c| (c.id.as_str(), c.name.as_str())).collect();
    let default_zone = scenario.workspace.default_tz.map_or(chrono_tz::UTC, |tz| tz.0);
    let mut out = String::new();
    for entry in transcript {
        let at: DateTime<Utc> = entry.at.parse().unwrap_or_default();
        let zone = entry.to.as_deref().and_then(|to| zones.get(to)).copied().unwrap_or(default_zone);
        let local = at.with_timezone(&zone);
        let who = match (&entry.to, &entry.channel) {
            (Some(to), _) if entry.kind == "dm" => format!("DM → {}", names.get(to.as_str()).copied().unwrap_or(to)),
            (Some(to), Some(channel)) => format!(
                "#{} (only {})",
                channels.get(channel.as_str()).copied().unwrap_or(channel),
                names.get(to.as_str()).copied().unwrap_or(to)
            ),
            (_, Some(channel)) => {
                let name = channels.get(channel.as_str()).copied().unwrap_or(channel);
                match entry.kind {
                    "thread_reply" => format!("#{name} thread"),
                    "update" => format!("#{name} (edit)"),
                    _ => format!("#{name}"),
                }
            }
            _ => "?".to_owned(),
        };
        let text = entry.text.replace('\n', " ⏎ ");
        out.push_str(&format!(
            "{} UTC │ {} {:<18} │ {:<16} │ {:<26} │ {}\n",
            at.format("%a %m-%d %H:%M"),
            local.format("%H:%M"),
            zone.name(),
            entry.purpose,
            who,
            text
        ));
    }
    out
}
