//! Purpose: tell a person's name from a subject. A name may follow a greeting or open the
//! message ("hi Maria", "Maria, got a sec?", "田中さん、お疲れ様です"); any other unknown word
//! says what the message is about.

use super::lexicon::Lexicon;
use super::markup::is_unspaced_script;
use super::phrases::{HONORIFIC_SUFFIXES, MAX_HONORIFIC_NAME_CHARS};

/// A capitalised unknown word may be a name: after a greeting ("hi Maria") — checked when
/// phrases are matched — or opening the message as a vocative ("Maria, got a sec?"). An
/// opening word followed by more words without a comma ("Budget call?") is a subject.
pub(super) fn could_be_name(raw: &str, position: usize, next: char) -> bool {
    let mut chars = raw.chars();
    let capitalised =
        chars.next().is_some_and(char::is_uppercase) && raw.chars().count() >= 2 && chars.all(char::is_lowercase);
    capitalised && (position > 0 || matches!(next, ',' | '!' | '\0'))
}

/// The byte length of a name written in Han, kana or Hangul and the honorific after it, at
/// the start of `rest`: "田中さん", "민수 님", "王老师". Scripts without capitals mark names with
/// honorifics instead. Where a known phrase starts instead ("皆さん", "お疲れさまです"), the
/// phrase wins. `buf` is scratch space for lookups.
pub(super) fn honorific_name_len(lexicon: &Lexicon, rest: &str, buf: &mut String) -> Option<usize> {
    let mut name_end = 0;
    for (count, c) in rest.chars().enumerate() {
        if count == MAX_HONORIFIC_NAME_CHARS || !is_unspaced_script(c) {
            return None;
        }
        name_end += c.len_utf8();
        let after = &rest[name_end..];
        let spaces = after.len() - after.trim_start_matches(' ').len();
        let Some(suffix) = HONORIFIC_SUFFIXES.iter().find(|suffix| after[spaces..].starts_with(**suffix)) else {
            continue;
        };
        return (!lexicon.phrase_starts(rest, buf)).then_some(name_end + spaces + suffix.len());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name_len(text: &str) -> Option<usize> {
        let lexicon = Lexicon::new(&super::super::ExtraPhrases::default());
        honorific_name_len(&lexicon, text, &mut String::new())
    }

    #[test]
    fn a_name_before_an_honorific_is_read_as_one_name() {
        assert_eq!(name_len("田中さん、お疲れ様です"), Some("田中さん".len()));
        assert_eq!(name_len("민수 님 안녕하세요"), Some("민수 님".len()));
        assert_eq!(name_len("王老师，在吗"), Some("王老师".len()));
        assert_eq!(name_len("지수 씨, 시간 되세요?"), Some("지수 씨".len()), "its syllables occur in phrases");
    }

    #[test]
    fn known_phrase_characters_before_an_honorific_are_not_a_name() {
        assert_eq!(name_len("皆さん"), None);
        assert_eq!(name_len("お疲れさまです"), None);
        assert_eq!(name_len("新しいデザインさん"), None, "longer than a name");
    }
}
