//! Purpose: the `--pretty` transcript for people: one line per message with the virtual time in
//! UTC and in the recipient's local time, who, and what.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use crate::adapters::simulated::TranscriptEntry;
use crate::domain::command::{self, Command};
use crate::simulation::Scenario;
use crate::simulation::scenario::EventKind;

/// Renders the transcript, one message per line (message text flattened to one line).
pub fn render(scenario: &Scenario, transcript: &[TranscriptEntry]) -> String {
    let zones: HashMap<&str, chrono_tz::Tz> =
        scenario.members.iter().filter_map(|m| m.tz.map(|tz| (m.id.as_str(), tz.0))).collect();
    // `/async tz` commands in the scenario move a member's local clock from their instant on.
    let zone_changes: Vec<(DateTime<Utc>, &str, chrono_tz::Tz)> = scenario
        .events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Command { user, text, .. } => match command::parse(text) {
                Ok(Command::Tz(zone)) => Some((e.at, user.as_str(), zone.0)),
                _ => None,
            },
            _ => None,
        })
        .collect();
    let zone_of = |user: &str, at: DateTime<Utc>| {
        zone_changes
            .iter()
            .rev()
            .find(|(when, who, _)| *who == user && *when <= at)
            .map(|(_, _, zone)| *zone)
            .or_else(|| zones.get(user).copied())
    };
    let names: HashMap<&str, &str> = scenario.members.iter().map(|m| (m.id.as_str(), m.name.as_str())).collect();
    let channels: HashMap<&str, &str> = scenario.channels.iter().map(|c| (c.id.as_str(), c.name.as_str())).collect();
    let default_zone = scenario.workspace.default_tz.map_or(chrono_tz::UTC, |tz| tz.0);
    let mut out = String::new();
    for entry in transcript {
        let at: DateTime<Utc> = entry.at.parse().unwrap_or_default();
        let zone = entry.to.as_deref().and_then(|to| zone_of(to, at)).unwrap_or(default_zone);
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
        let mut text = entry.text.replace('\n', " ⏎ ");
        if let Some(file) = &entry.file {
            text.push_str(" ⏎ ");
            text.push_str(&file.label());
        }
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
