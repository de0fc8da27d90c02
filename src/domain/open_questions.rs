//! Purpose: which open questions a brief or a digest lists (SPEC §4). A question stays open for
//! `retention.open_questions` after it was asked; past that it has been repeated for days without
//! a reply and is no longer shown (otherwise every post repeats every question ever left
//! unanswered, and grows day by day). A post lists at most [`LISTED`] of the open ones, the most
//! recently asked, and counts the rest: the older ones were already shown in earlier posts.

use chrono::{DateTime, Duration, Utc};

/// Most open questions one brief or one digest lists.
pub const LISTED: usize = 10;

/// The earliest `asked_at` of a question still open at `now`, given how long questions stay open;
/// `None` when they stay open until answered.
pub fn open_since(now: DateTime<Utc>, open_for: Option<Duration>) -> Option<DateTime<Utc>> {
    open_for.map(|open_for| now - open_for)
}

/// What a post lists of the open questions (given oldest first): the [`LISTED`] most recently
/// asked, still oldest first, and how many older ones are left out.
pub fn listed<T>(mut open: Vec<T>) -> (Vec<T>, usize) {
    let left_out = open.len().saturating_sub(LISTED);
    (open.split_off(left_out), left_out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_post_lists_the_most_recent_questions_oldest_first_and_counts_the_older_ones() {
        let (shown, more) = listed((1..=13).collect());
        assert_eq!(shown, (4..=13).collect::<Vec<_>>());
        assert_eq!(more, 3);
    }

    #[test]
    fn up_to_the_limit_every_open_question_is_listed() {
        assert_eq!(listed(vec!["a", "b"]), (vec!["a", "b"], 0));
        assert_eq!(listed((0..LISTED).collect()).1, 0);
    }

    #[test]
    fn a_question_is_open_for_its_period_counted_from_when_it_was_asked() {
        let now: DateTime<Utc> = "2026-06-15T00:00:00Z".parse().unwrap();
        assert_eq!(open_since(now, Some(Duration::days(14))), Some("2026-06-01T00:00:00Z".parse().unwrap()));
        assert_eq!(open_since(now, None), None);
    }
}
