//! Purpose: recognise *sync pings* (SPEC §1) — messages that only ask for someone's attention or
//! presence without saying what it is about — and explain which rule decided.
//!
//! How it decides, in order (first rule that fires wins, and names itself in [`Verdict::reason`]):
//! 1. Markup is read first (`markup`): mentions, channels, links, emoji, code.
//! 2. Anything that says what the message is about — code, a link, a channel, a number or time,
//!    an acknowledgement emoji — makes it not a ping.
//! 3. Every remaining word must be part of a known phrase (`phrases`, compiled by `lexicon`):
//!    greetings, availability and meeting phrases, asking frames ("are you"), fillers
//!    ("please", "team"), and at most one name after a greeting; content-free words ("quick",
//!    "kurz", "now") are skipped even inside phrases. Chat shorthand reads as the word it
//!    stands for ("u", "hv", "sec"), and one word per message may be a slip of a long phrase
//!    word ("avaliable"). One unknown word is a subject, so the message is not a ping. This is
//!    what keeps precision high: lists only add recall.
//! 4. The kind is the strongest phrase found: meeting request, then availability, then greeting;
//!    mentions with nothing else are a bare mention.

mod json;
mod lexicon;
mod markup;
mod names;
mod none_words;
mod phrases;

use serde::{Deserialize, Serialize};

pub use json::classify_json_line;
pub use none_words::{is_no_blocker, is_none_word};

use lexicon::{Lexicon, MAX_UNITS, NAME, WordId, bits};
use markup::{Emoji, Substance, Token, Tokens, is_unspaced_script};
use names::{could_be_name, honorific_name_len};

/// The four kinds of sync ping (SPEC §1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PingKind {
    /// Only a greeting, possibly with mentions: "hi", "hey <@U1>", "buenos días".
    Greeting,
    /// Asks whether someone is there or has time: "got a sec?", "quick question".
    Availability,
    /// Asks for a call or meeting without an agenda: "can we hop on a call?".
    MeetingRequest,
    /// Only mentions and punctuation: "<@U1> ??".
    BareMention,
}

impl PingKind {
    /// The name used in JSON output and logs (`greeting`, `availability`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Greeting => "greeting",
            Self::Availability => "availability",
            Self::MeetingRequest => "meeting_request",
            Self::BareMention => "bare_mention",
        }
    }
}

/// The classifier's answer: the kind of ping, or `None` for an ordinary message, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verdict {
    /// The kind of sync ping, `None` when the message says what it is about.
    pub kind: Option<PingKind>,
    /// A short sentence naming the rule that decided, for logs and `/async help`.
    pub reason: &'static str,
}

impl Verdict {
    /// Whether the message is a sync ping.
    pub fn is_ping(&self) -> bool {
        self.kind.is_some()
    }

    fn ping(kind: PingKind, reason: &'static str) -> Self {
        Self { kind: Some(kind), reason }
    }

    fn not(reason: &'static str) -> Self {
        Self { kind: None, reason }
    }
}

/// Workspace additions to the built-in phrase lists, from config. Written like messages
/// ("¿nos vemos?", "standup?"); a trailing `?` makes a phrase count only in a question.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct ExtraPhrases {
    /// Extra greetings.
    pub greetings: Vec<String>,
    /// Extra availability / attention phrases.
    pub availability: Vec<String>,
    /// Extra meeting-request phrases.
    pub meeting: Vec<String>,
}

/// The sync-ping classifier. Build once (it compiles the phrase tables) and share; `classify`
/// is pure and takes `&self`.
pub struct Classifier {
    lexicon: Lexicon,
}

impl Default for Classifier {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for Classifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Classifier").finish_non_exhaustive()
    }
}

/// Reasons given when a message is not a ping because it says something.
mod reasons {
    pub const CODE: &str = "contains code";
    pub const LINK: &str = "contains a link or an address";
    pub const CHANNEL: &str = "points to a channel";
    pub const NUMBER: &str = "contains a number or a time";
    pub const TIME: &str = "contains a time";
    pub const COMMAND: &str = "mentions a command";
    pub const ACK: &str = "an acknowledgement, not a request";
    pub const QUESTION: &str = "has a question with a subject";
    pub const SUBJECT: &str = "says what it is about";
    pub const TOO_LONG: &str = "too long to be only a greeting or attention phrase";
    pub const NOT_A_PHRASE: &str = "its words do not form a greeting or attention phrase";
    pub const ONLY_FILLER: &str = "only filler words, asking for nothing";
    pub const ONLY_FRAME: &str = "asks about something said before (\"can you?\"), not for attention";
    pub const ONLY_EMOJI: &str = "only emoji";
    pub const EMPTY: &str = "no words and no mentions";
    pub const MEETING: &str = "meeting request without a subject";
    pub const AVAILABILITY: &str = "availability phrase without a subject";
    pub const GREETING: &str = "only a greeting and mentions";
    pub const WAVE: &str = "only a wave and mentions";
    pub const BARE: &str = "only mentions and punctuation";
}

impl Classifier {
    /// A classifier with the built-in phrases only.
    pub fn new() -> Self {
        Self::with_extra_phrases(ExtraPhrases::default())
    }

    /// A classifier with the built-in phrases plus a workspace's own.
    pub fn with_extra_phrases(extra: ExtraPhrases) -> Self {
        Self { lexicon: Lexicon::new(&extra) }
    }

    /// Classifies one message text as received from Slack or Discord.
    pub fn classify(&self, text: &str) -> Verdict {
        // A fence or span anywhere means code, whatever precedes it.
        if text.contains('`') {
            return Verdict::not(reasons::CODE);
        }
        // Checked up front so a link's reason wins over the "https" word that starts it.
        if text.contains("://") || text.contains("www.") {
            return Verdict::not(reasons::LINK);
        }
        let mut seen = Seen::default();
        let mut units = [0 as WordId; MAX_UNITS];
        let mut len = 0;
        let mut buf = String::new();
        let mut tokens = Tokens::new(text);
        // A small number was just read: it must be followed by a unit of time ("5 min").
        let mut count_pending = false;
        while let Some(token) = tokens.next() {
            let after_count = std::mem::take(&mut count_pending);
            if after_count && !matches!(token, Token::Word { .. }) {
                return Verdict::not(reasons::NUMBER);
            }
            match token {
                Token::Substance(Substance::Count) => {
                    if len == MAX_UNITS {
                        return Verdict::not(reasons::TOO_LONG);
                    }
                    count_pending = true;
                    units[len] = self.lexicon.count_id();
                    len += 1;
                }
                Token::Mention => seen.mentions += 1,
                Token::Question => seen.question = true,
                Token::Emoji(Emoji::Wave) => seen.wave = true,
                Token::Emoji(Emoji::Other) => seen.emoji = true,
                Token::Emoji(Emoji::Ack) => return Verdict::not(reasons::ACK),
                Token::Substance(substance) => return Verdict::not(substance_reason(substance)),
                Token::Word { text: raw, next } => {
                    if len == MAX_UNITS {
                        return Verdict::not(reasons::TOO_LONG);
                    }
                    let found = self.lexicon.lookup(raw, &mut buf);
                    if after_count && !found.is_some_and(|id| self.lexicon.is_time_unit(id)) {
                        return Verdict::not(reasons::NUMBER);
                    }
                    if !seen.name && raw.starts_with(is_unspaced_script) {
                        // Where a run of Han, kana or Hangul starts, or at a character no phrase
                        // knows, a name with its honorific may begin ("田中さん").
                        let start = tokens.offset() - raw.len();
                        let run_start = !text[..start].ends_with(is_unspaced_script);
                        if (run_start || found.is_none())
                            && let Some(name_len) = honorific_name_len(&self.lexicon, &text[start..], &mut buf)
                        {
                            tokens.skip_to(start + name_len);
                            seen.name = true;
                            units[len] = NAME;
                            len += 1;
                            continue;
                        }
                    }
                    units[len] = match found {
                        Some(id) if self.lexicon.is_droppable(id) => {
                            seen.skipped = true;
                            continue;
                        }
                        Some(id) => id,
                        None if !seen.name && could_be_name(raw, len, next) => {
                            seen.name = true;
                            NAME
                        }
                        None => match self.lexicon.lookup_misspelt(raw, &mut buf) {
                            // One slip per message: two unknown words say something.
                            Some(id) if !seen.misspelt => {
                                seen.misspelt = true;
                                id
                            }
                            _ if text.contains(['?', '？', '¿']) => return Verdict::not(reasons::QUESTION),
                            _ => return Verdict::not(reasons::SUBJECT),
                        },
                    };
                    len += 1;
                }
            }
        }
        if count_pending {
            return Verdict::not(reasons::NUMBER);
        }
        self.decide(&units[..len], &seen)
    }

    /// Decides once every word is known to be phrase material.
    fn decide(&self, units: &[WordId], seen: &Seen) -> Verdict {
        if units.is_empty() {
            return if seen.wave {
                Verdict::ping(PingKind::Greeting, reasons::WAVE)
            } else if seen.mentions > 0 {
                Verdict::ping(PingKind::BareMention, reasons::BARE)
            } else if seen.emoji {
                Verdict::not(reasons::ONLY_EMOJI)
            } else {
                Verdict::not(reasons::EMPTY)
            };
        }
        let Some(found) = self.lexicon.cover(units, seen.question, seen.skipped) else {
            return Verdict::not(reasons::NOT_A_PHRASE);
        };
        if found & bits::ACK != 0 {
            Verdict::not(reasons::ACK)
        } else if found & bits::MEETING != 0 {
            Verdict::ping(PingKind::MeetingRequest, reasons::MEETING)
        } else if found & bits::AVAILABILITY != 0 {
            Verdict::ping(PingKind::Availability, reasons::AVAILABILITY)
        } else if found & bits::GREETING != 0 || seen.wave {
            Verdict::ping(PingKind::Greeting, reasons::GREETING)
        } else if found & bits::ASKING != 0 {
            // "<@U1> can you?" answers an earlier message; it is no bare mention.
            Verdict::not(reasons::ONLY_FRAME)
        } else {
            // "<@U1> sorry" apologises: a bare mention has no words at all (skipped ones aside).
            Verdict::not(reasons::ONLY_FILLER)
        }
    }
}

/// What the tokenizer saw besides words.
#[derive(Default)]
struct Seen {
    mentions: usize,
    question: bool,
    wave: bool,
    emoji: bool,
    /// A name has been accepted already; a second unknown word is a subject.
    name: bool,
    /// A content-free word ("quick", "kurz") was skipped.
    skipped: bool,
    /// A word was read as a slip of a phrase word ("avaliable"); a second one is a subject.
    misspelt: bool,
}

fn substance_reason(substance: Substance) -> &'static str {
    match substance {
        Substance::Code => reasons::CODE,
        Substance::Link => reasons::LINK,
        Substance::Channel => reasons::CHANNEL,
        Substance::Number | Substance::Count => reasons::NUMBER,
        Substance::Time => reasons::TIME,
        Substance::Command => reasons::COMMAND,
    }
}

#[cfg(test)]
mod tests;
