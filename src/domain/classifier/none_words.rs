//! Purpose: tell a standup blocker answer that means "nothing" (SPEC §3) from a real blocker.

use std::collections::HashSet;
use std::sync::LazyLock;

use super::lexicon::normalize_into;
use super::markup::{Token, Tokens};
use super::phrases::NONE_WORDS;

/// The built-in "none" answers, normalised like answers are.
static NONE: LazyLock<HashSet<String>> =
    LazyLock::new(|| NONE_WORDS.iter().filter_map(|word| none_key(word)).collect());

/// Whether a whole answer means "nothing to report": `none`, `n/a`, `-`, `nada`, `keine`,
/// `rien`, `нет`, `yok`, `なし`, `没有`, `없음`… in any case, with trailing punctuation.
/// An empty answer is not a "none" word: callers treat emptiness themselves.
pub fn is_none_word(text: &str) -> bool {
    none_key(text).is_some_and(|key| NONE.contains(&key))
}

/// Whether an answer to a standup's blocker question reports no blocker (SPEC §3): empty,
/// whitespace only, or a "none" word. Slack's form leaves the blocker field optional, so an empty
/// answer is the usual way to say "nothing blocks me".
pub fn is_no_blocker(text: &str) -> bool {
    text.trim().is_empty() || is_none_word(text)
}

/// The comparable form of an answer: its normalised words joined by spaces, or for answers
/// without letters ("-", "—") the trimmed symbols. `None` when it holds more than words.
fn none_key(text: &str) -> Option<String> {
    let trimmed = text.trim().trim_end_matches(['.', '!', '。', '！', '…']).trim_end();
    if trimmed.eq_ignore_ascii_case("n/a") || trimmed.eq_ignore_ascii_case("n.a") {
        return Some("n/a".to_owned());
    }
    if !trimmed.chars().any(char::is_alphanumeric) {
        return (!trimmed.is_empty()).then(|| trimmed.to_owned());
    }
    let mut key = String::new();
    let mut word = String::new();
    for token in Tokens::new(trimmed) {
        match token {
            Token::Word { text, .. } => {
                normalize_into(text, &mut word);
                if !key.is_empty() && !is_unspaced(&word) {
                    key.push(' ');
                }
                key.push_str(&word);
            }
            Token::Emoji(_) => {}
            _ => return None,
        }
    }
    Some(key)
}

/// Han, kana and Hangul arrive one character per token; they are joined without spaces.
fn is_unspaced(word: &str) -> bool {
    word.chars().next().is_some_and(super::markup::is_unspaced_script)
}

#[cfg(test)]
mod tests {
    use super::is_none_word;

    #[test]
    fn none_words_in_every_listed_language_mean_nothing_to_report() {
        for answer in [
            "none",
            "None.",
            "nothing",
            "no",
            "N/A",
            "n/a",
            "-",
            "—",
            "nope",
            "nada",
            "keine",
            "rien",
            "ninguno",
            "нет",
            "ні",
            "yok",
            "nahi",
            "なし",
            "无",
            "없음",
            "No blockers",
            "没有",
            "特になし",
        ] {
            assert!(is_none_word(answer), "{answer}");
        }
    }

    #[test]
    fn an_empty_or_blank_blocker_answer_reports_no_blocker() {
        for answer in ["", "   ", "\n\t", "none", " n/a "] {
            assert!(super::is_no_blocker(answer), "{answer:?}");
        }
        assert!(!super::is_no_blocker("waiting on the VPN team"));
    }

    #[test]
    fn a_real_blocker_is_not_a_none_word() {
        for answer in ["", "  ", "waiting on the VPN team", "no access to prod", "none, but 2 PRs", "nothing works"] {
            assert!(!is_none_word(answer), "{answer}");
        }
    }
}
