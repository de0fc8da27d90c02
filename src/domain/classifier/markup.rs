//! Purpose: split a chat message into the tokens the classifier decides on, reading Slack and
//! Discord markup first so that `<@U1>` is a mention and not the word "U1".
//!
//! Hand-written rather than regex-based: one forward pass over the bytes, no allocation, and it
//! stops early at the first thing that already proves the message is substantive.

use unicode_normalization::char::is_combining_mark;

/// One piece of a message, as far as the classifier cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Token<'a> {
    /// A run of letters, as written (not yet normalised). CJK and Hangul come one character per
    /// token because those scripts do not separate words with spaces.
    Word {
        /// The raw text of the word.
        text: &'a str,
        /// The next non-space character after the word, `'\0'` at the end: tells a vocative
        /// name ("Maria, …") from a subject ("Budget call?").
        next: char,
    },
    /// A user, role or group mention: Slack `<@U1>`, `<!here>`, Discord `<@1>`, `<@!1>`, `<@&1>`,
    /// plain `@name`.
    Mention,
    /// An emoji, unicode or `:shortcode:` or Discord `<:name:id>`.
    Emoji(Emoji),
    /// A question mark (ASCII, full-width or Spanish opening).
    Question,
    /// Something that by itself says what the message is about.
    Substance(Substance),
}

/// What an emoji contributes to the verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Emoji {
    /// 👋 and friends: a greeting on its own.
    Wave,
    /// 👍 ✅ 🎉: an acknowledgement, which answers rather than asks.
    Ack,
    /// Anything else: decoration, ignored.
    Other,
}

/// Content that makes a message a real one, whatever else it says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Substance {
    /// Backticks: a code span or fence, or an identifier like `foo_bar`.
    Code,
    /// A URL, an e-mail address, a domain or a path.
    Link,
    /// A channel reference or a `#tag`: says where to look.
    Channel,
    /// Any digit: a number, a time, a ticket id, a version.
    Number,
    /// A small whole number (1–60) standing alone before a space: a number, unless the next word
    /// is a unit of time, where it only says how long ("got 5 min?" is "got a minute?").
    Count,
    /// Platform time markup: Slack `<!date^…>`, Discord `<t:…>`.
    Time,
    /// A Discord slash-command mention `</name:id>`.
    Command,
}

/// Shortcode and custom-emoji names that greet.
const WAVE_NAMES: &[&str] = &["wave", "waving_hand", "hand", "raising_hand", "hi", "hello", "hey"];

/// Shortcode and custom-emoji names that acknowledge.
const ACK_NAMES: &[&str] = &[
    "+1",
    "thumbsup",
    "thumbs_up",
    "thumbs-up",
    "ok_hand",
    "ok",
    "white_check_mark",
    "heavy_check_mark",
    "check",
    "ballot_box_with_check",
    "tada",
    "partying_face",
    "100",
    "clap",
    "raised_hands",
    "handshake",
    "heart",
    "green_heart",
    "blue_heart",
    "purple_heart",
    "rocket",
    "ship",
    "shipit",
    "ship_it",
    "lgtm",
    "saluting_face",
    "thanks",
    "thankyou",
    "thank_you",
    "ty",
    "done",
    "merged",
    "approved",
    "eyes_done",
];

/// Splits `text` into [`Token`]s. Iterate it; it never allocates.
pub(super) struct Tokens<'a> {
    text: &'a str,
    pos: usize,
    /// The character before `pos`, to tell `:emoji:` from `10:30` and `a@b` from `@a`.
    prev: char,
}

impl<'a> Tokens<'a> {
    /// Starts at the beginning of `text`.
    pub(super) fn new(text: &'a str) -> Self {
        Self { text, pos: 0, prev: ' ' }
    }

    /// The byte offset of the next token: a word just returned ends here.
    pub(super) fn offset(&self) -> usize {
        self.pos
    }

    /// Continues after `pos` (a char boundary at or after [`Self::offset`]), as when a name
    /// and its honorific were read as one unit.
    pub(super) fn skip_to(&mut self, pos: usize) {
        if let Some(last) = self.text[..pos].chars().next_back().filter(|_| pos > self.pos) {
            self.pos = pos;
            self.prev = last;
        }
    }

    fn peek(&self) -> Option<char> {
        self.text[self.pos..].chars().next()
    }

    fn bump(&mut self, c: char) {
        self.pos += c.len_utf8();
        self.prev = c;
    }

    /// Reads `<…>` markup starting at `self.pos` (which holds `<`); `None` if it is a plain `<`.
    fn angle(&mut self) -> Option<Token<'a>> {
        let rest = &self.text[self.pos + 1..];
        let end = rest.find(['>', '\n'])?;
        let inner = &rest[..end];
        if rest.as_bytes()[end] != b'>' || inner.is_empty() {
            return None;
        }
        let token = if inner.starts_with('@') {
            Token::Mention
        } else if inner.starts_with('#') {
            Token::Substance(Substance::Channel)
        } else if inner.starts_with("!date^") {
            Token::Substance(Substance::Time)
        } else if inner.starts_with('!') {
            Token::Mention
        } else if let Some(name) = custom_emoji_name(inner) {
            Token::Emoji(classify_emoji_name(name))
        } else if inner.starts_with("t:") && inner[2..].starts_with(|c: char| c.is_ascii_digit()) {
            Token::Substance(Substance::Time)
        } else if inner.starts_with('/') && inner.contains(':') {
            Token::Substance(Substance::Command)
        } else if inner.contains("://") || inner.starts_with("mailto:") || inner.starts_with("tel:") {
            Token::Substance(Substance::Link)
        } else {
            return None;
        };
        self.pos += 1 + end + 1;
        self.prev = '>';
        Some(token)
    }

    /// Reads a Slack `:shortcode:` at `self.pos` (which holds `:`).
    fn shortcode(&mut self) -> Option<Token<'a>> {
        if self.prev.is_alphanumeric() {
            return None;
        }
        let rest = &self.text[self.pos + 1..];
        let len = rest
            .bytes()
            .take(64)
            .take_while(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"_+-'".contains(b))
            .count();
        if len == 0 || rest.as_bytes().get(len) != Some(&b':') {
            return None;
        }
        self.pos += len + 2;
        self.prev = ':';
        Some(Token::Emoji(classify_emoji_name(&rest[..len])))
    }

    /// Reads an ASCII emoticon with a letter or digit in it (`:D`, `;P`, `:-O`, `=3`) at
    /// `self.pos`, so its letter is not read as a word. Punctuation-only ones (`:)`) need nothing.
    fn emoticon(&mut self) -> Option<Token<'a>> {
        if self.prev.is_alphanumeric() {
            return None;
        }
        let rest = &self.text.as_bytes()[self.pos + 1..];
        let nose = usize::from(matches!(rest.first(), Some(b'-' | b'\'')));
        let face = *rest.get(nose)?;
        let ends = rest.get(nose + 1).is_none_or(|b| !b.is_ascii_alphanumeric());
        if !b"DPpOo3Ssb".contains(&face) || !ends {
            return None;
        }
        self.pos += 1 + nose + 1;
        self.prev = char::from(face);
        Some(Token::Emoji(Emoji::Other))
    }

    /// Reads `<3` at `self.pos` (which holds `<`): a heart, which thanks like ❤ does.
    fn heart(&mut self) -> Option<Token<'a>> {
        self.heart_after(1)
    }

    /// Reads the `3` of a heart `skip` bytes after `self.pos`.
    fn heart_after(&mut self, skip: usize) -> Option<Token<'a>> {
        let rest = &self.text.as_bytes()[self.pos + skip..];
        if rest.first() != Some(&b'3') || rest.get(1).is_some_and(u8::is_ascii_alphanumeric) {
            return None;
        }
        self.pos += skip + 1;
        self.prev = '3';
        Some(Token::Emoji(Emoji::Ack))
    }

    /// Reads a word starting at `self.pos`; may instead find it is a path, a domain or code.
    fn word(&mut self, first: char) -> Token<'a> {
        let start = self.pos;
        if is_unspaced_script(first) {
            self.bump(first);
            return Token::Word { text: &self.text[start..self.pos], next: self.next_visible() };
        }
        while let Some(c) = self.peek() {
            let joins = (c.is_alphabetic() && !is_unspaced_script(c))
                || is_combining_mark(c)
                || (is_apostrophe(c) && self.followed_by_letter(c));
            if !joins {
                break;
            }
            self.bump(c);
        }
        let end = self.pos;
        if let Some(c @ ('.' | '/' | '_' | '@' | '\\')) = self.peek()
            && self.text[end + 1..].starts_with(char::is_alphanumeric)
        {
            // "shop.example.com", "n/a", "foo_bar", "bob@example.com": an address or identifier.
            self.skip_while(|c| !c.is_whitespace());
            return Token::Substance(if c == '_' { Substance::Code } else { Substance::Link });
        }
        Token::Word { text: &self.text[start..end], next: self.next_visible() }
    }

    fn followed_by_letter(&self, c: char) -> bool {
        self.text[self.pos + c.len_utf8()..].starts_with(char::is_alphabetic)
    }

    fn next_visible(&self) -> char {
        self.text[self.pos..].chars().find(|c| !c.is_whitespace()).unwrap_or('\0')
    }

    fn skip_while(&mut self, keep: impl Fn(char) -> bool) {
        while let Some(c) = self.peek().filter(|&c| keep(c)) {
            self.bump(c);
        }
    }
}

impl<'a> Iterator for Tokens<'a> {
    type Item = Token<'a>;

    fn next(&mut self) -> Option<Token<'a>> {
        loop {
            let c = self.peek()?;
            match c {
                '<' => {
                    if let Some(token) = self.angle().or_else(|| self.heart()) {
                        return Some(token);
                    }
                }
                ':' => {
                    if let Some(token) = self.shortcode().or_else(|| self.emoticon()) {
                        return Some(token);
                    }
                }
                ';' | '=' => {
                    if let Some(token) = self.emoticon() {
                        return Some(token);
                    }
                }
                '`' => {
                    self.bump(c);
                    return Some(Token::Substance(Substance::Code));
                }
                '?' | '？' | '¿' => {
                    self.bump(c);
                    return Some(Token::Question);
                }
                '@' if !self.prev.is_alphanumeric() && self.followed_by_alnum(c) => {
                    self.bump(c);
                    self.skip_while(|c| c.is_alphanumeric() || "._-".contains(c));
                    return Some(Token::Mention);
                }
                '#' if self.followed_by_alnum(c) => {
                    self.bump(c);
                    self.skip_while(char::is_alphanumeric);
                    return Some(Token::Substance(Substance::Channel));
                }
                '&' => {
                    // Slack escapes `<`, `>` and `&` as entities; they are punctuation here.
                    let rest = &self.text[self.pos + 1..];
                    let entity =
                        |len: &usize| *len <= 5 && rest[..*len].bytes().all(|b| b.is_ascii_alphanumeric() || b == b'#');
                    if let Some(len) = rest.find(';').filter(entity) {
                        self.pos += 1 + len + 1;
                        self.prev = ';';
                        // Slack sends a typed `<3` as `&lt;3`.
                        if &rest[..len] == "lt"
                            && let Some(token) = self.heart_after(0)
                        {
                            return Some(token);
                        }
                        continue;
                    }
                }
                _ if c.is_numeric() => {
                    let start = self.pos;
                    self.skip_while(char::is_alphanumeric);
                    let run = &self.text[start..self.pos];
                    let before_space = self.text[self.pos..].starts_with(char::is_whitespace);
                    let small = run.len() <= 2 && run.parse::<u8>().is_ok_and(|n| (1..=60).contains(&n));
                    let substance = if small && before_space { Substance::Count } else { Substance::Number };
                    return Some(Token::Substance(substance));
                }
                _ if c.is_alphabetic() => return Some(self.word(c)),
                _ if is_emoji(c) => {
                    self.bump(c);
                    return Some(Token::Emoji(classify_emoji_char(c)));
                }
                _ => {}
            }
            self.bump(c);
        }
    }
}

impl Tokens<'_> {
    fn followed_by_alnum(&self, c: char) -> bool {
        self.text[self.pos + c.len_utf8()..].starts_with(char::is_alphanumeric)
    }
}

/// The name in Discord's `<:name:id>` / `<a:name:id>`, if `inner` is one.
fn custom_emoji_name(inner: &str) -> Option<&str> {
    let rest = inner.strip_prefix("a:").or_else(|| inner.strip_prefix(':'))?;
    let (name, id) = rest.split_once(':')?;
    (!name.is_empty() && !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit())).then_some(name)
}

fn classify_emoji_name(name: &str) -> Emoji {
    let name = name.to_ascii_lowercase();
    if WAVE_NAMES.contains(&name.as_str()) || name.starts_with("wave") {
        Emoji::Wave
    } else if ACK_NAMES.contains(&name.as_str()) || name.starts_with("+1") {
        Emoji::Ack
    } else {
        Emoji::Other
    }
}

fn classify_emoji_char(c: char) -> Emoji {
    match c {
        '👋' | '🙋' => Emoji::Wave,
        '👍' | '👌' | '✅' | '✔' | '☑' | '🎉' | '🥳' | '💯' | '👏' | '🙌' | '🤝' | '🆗' | '❤' | '💙' | '💚' | '💛'
        | '💜' | '🧡' | '🫡' | '🚀' => Emoji::Ack,
        _ => Emoji::Other,
    }
}

/// Pictographs and symbols that platforms render as emoji (skin tones, ZWJ and VS16 are not
/// listed: they only modify the emoji before them and fall through as punctuation).
fn is_emoji(c: char) -> bool {
    matches!(c as u32,
        0x1F000..=0x1F3FA | 0x1F400..=0x1FAFF | 0x2600..=0x27BF | 0x2B00..=0x2BFF | 0x2300..=0x23FF)
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’' | 'ʼ' | '‘')
}

/// Scripts written without spaces between words (Han, kana) plus Hangul, whose spacing varies
/// ("시간 돼" / "시간돼"): matched one character at a time.
pub(super) fn is_unspaced_script(c: char) -> bool {
    matches!(c as u32,
        0x3005 | 0x3006 | 0x3040..=0x30FF | 0x31F0..=0x31FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF
        | 0xF900..=0xFAFF | 0xFF66..=0xFF9F | 0x20000..=0x2FFFF
        | 0x1100..=0x11FF | 0x3130..=0x318F | 0xAC00..=0xD7AF)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(text: &str) -> Vec<Token<'_>> {
        Tokens::new(text).collect()
    }

    fn word(text: &str, next: char) -> Token<'_> {
        Token::Word { text, next }
    }

    #[test]
    fn slack_and_discord_mentions_are_mentions_not_words() {
        let all = tokens("<@U07QWERTY1> <@311337420042042042> <@!31133> <@&42> <!here> @alice");
        assert!(all.iter().all(|t| *t == Token::Mention), "{all:?}");
    }

    #[test]
    fn a_slack_mention_with_a_label_is_one_mention() {
        assert_eq!(tokens("<@U1|alice> hi"), vec![Token::Mention, word("hi", '\0')]);
    }

    #[test]
    fn channels_links_and_times_are_substance() {
        let cases = [
            ("<#C123|general>", Substance::Channel),
            ("<#123456>", Substance::Channel),
            ("<https://example.com|the doc>", Substance::Link),
            ("<mailto:a@example.com>", Substance::Link),
            ("<!date^1700000000^{time}|10:00>", Substance::Time),
            ("<t:1700000000:f>", Substance::Time),
            ("</deploy:123>", Substance::Command),
            ("shop.example.com", Substance::Link),
            ("bob@example.com", Substance::Link),
            ("foo_bar", Substance::Code),
            ("PAY-301", Substance::Number),
            ("`x`", Substance::Code),
        ];
        for (text, substance) in cases {
            assert!(tokens(text).contains(&Token::Substance(substance)), "{text}: {:?}", tokens(text));
        }
    }

    #[test]
    fn shortcodes_and_custom_emoji_are_classified_by_name() {
        assert_eq!(tokens(":wave:"), vec![Token::Emoji(Emoji::Wave)]);
        assert_eq!(tokens(":+1::skin-tone-2:"), vec![Token::Emoji(Emoji::Ack), Token::Emoji(Emoji::Other)]);
        assert_eq!(tokens("<:wave:1234>"), vec![Token::Emoji(Emoji::Wave)]);
        assert_eq!(tokens("<a:party:1234>"), vec![Token::Emoji(Emoji::Other)]);
        assert_eq!(tokens("👋🏽 👍"), vec![Token::Emoji(Emoji::Wave), Token::Emoji(Emoji::Ack)]);
    }

    #[test]
    fn a_clock_time_is_not_read_as_a_shortcode() {
        assert_eq!(tokens("at 10:30:00")[1], Token::Substance(Substance::Number));
    }

    #[test]
    fn apostrophes_stay_inside_words_and_question_marks_are_kept() {
        assert_eq!(
            tokens("t'as une minute ?"),
            vec![word("t'as", 'u'), word("une", 'm'), word("minute", '?'), Token::Question]
        );
    }

    #[test]
    fn han_kana_and_hangul_come_one_character_at_a_time() {
        assert_eq!(tokens("在吗"), vec![word("在", '吗'), word("吗", '\0')]);
        assert_eq!(tokens("시간 돼"), vec![word("시", '간'), word("간", '돼'), word("돼", '\0')]);
    }

    #[test]
    fn a_lone_angle_bracket_is_punctuation() {
        assert_eq!(tokens("a < b"), vec![word("a", '<'), word("b", '\0')]);
    }
}
