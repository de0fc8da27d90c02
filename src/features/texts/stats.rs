//! Texts of `/async stats`.

use crate::ports::StatsCounts;

/// The `/async stats` reply for the last `days` days.
pub fn stats(days: u32, counts: &StatsCounts) -> String {
    let participation = if counts.prompted_runs == 0 {
        "no standup runs yet".to_owned()
    } else {
        let percent = counts.answered_runs * 100 / counts.prompted_runs;
        format!("{} of {} runs answered ({percent}%)", counts.answered_runs, counts.prompted_runs)
    };
    let period = if days == 1 { "the last day".to_owned() } else { format!("the last {days} days") };
    [
        format!("Over {period}:"),
        format!("• Standup participation: {participation}"),
        format!(
            "• Sync pings nudged: {}, followed up with a real question: {}",
            counts.pings_nudged, counts.pings_converted
        ),
        format!("• Mentions that landed outside someone's working hours: {}", counts.offhours_mentions),
    ]
    .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stats_show_participation_as_a_share_and_never_divide_by_zero() {
        let counts = StatsCounts { prompted_runs: 4, answered_runs: 3, ..StatsCounts::default() };
        assert!(stats(7, &counts).contains("3 of 4 runs answered (75%)"));
        assert!(stats(1, &StatsCounts::default()).contains("Over the last day:\n• Standup participation: no standup"));
    }
}
