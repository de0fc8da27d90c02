//! Purpose: the pure rules of the decision log — which message is a decision, and which
//! decisions a search matches.

/// The marker that makes a channel message a decision (any case).
pub const MARKER: &str = "decision:";

/// The decision a channel message states (`Decision: we ship on Monday` → `we ship on Monday`);
/// `None` when it does not start with the marker or says nothing after it.
pub fn decision_text(message: &str) -> Option<&str> {
    let trimmed = message.trim_start();
    let head = trimmed.get(..MARKER.len())?;
    if !head.eq_ignore_ascii_case(MARKER) {
        return None;
    }
    let rest = trimmed[MARKER.len()..].trim();
    (!rest.is_empty()).then_some(rest)
}

/// The search words of `/async decisions words`, lower-cased, each once.
pub fn search_words(query: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    for word in query.split_whitespace().map(str::to_lowercase) {
        if !words.contains(&word) {
            words.push(word);
        }
    }
    words
}

/// Whether a decision contains every search word (case-insensitive, anywhere in the text).
pub fn matches(text: &str, words: &[String]) -> bool {
    let text = text.to_lowercase();
    words.iter().all(|word| text.contains(word.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_decision_starts_with_the_marker_in_any_case_and_says_something() {
        assert_eq!(decision_text("Decision: ship 2.4 on Monday"), Some("ship 2.4 on Monday"));
        assert_eq!(decision_text("  DECISION:we use Postgres "), Some("we use Postgres"));
        assert_eq!(decision_text("decision:   "), None);
        assert_eq!(decision_text("no decision: yet"), None);
        assert_eq!(decision_text("Décision: non"), None);
        assert_eq!(decision_text("Deci"), None);
    }

    #[test]
    fn a_search_needs_every_word_in_any_case() {
        let words = search_words("Release  TRAIN release");
        assert_eq!(words, ["release", "train"]);
        assert!(matches("The release train leaves on Tuesdays", &words));
        assert!(!matches("The release leaves on Tuesdays", &words));
        assert!(matches("anything", &[]));
    }
}
