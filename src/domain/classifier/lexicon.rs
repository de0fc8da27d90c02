//! Purpose: the phrase knowledge compiled for fast lookup, and the rule that decides whether a
//! message's words are nothing but greetings and attention phrases.
//!
//! Words are normalised once (NFKC, lower case, Latin diacritics and apostrophes dropped) and
//! interned to numbers; a phrase is a sequence of word numbers; a message is a ping candidate
//! when a chain of phrases covers all its words exactly.

use std::collections::{HashMap, HashSet};

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::{decompose_canonical, is_combining_mark};

use super::markup::{Token, Tokens};
use super::phrases;

/// Interned normalised word.
pub(super) type WordId = u32;

/// A capitalised word we do not know, read as a person's name ("hi Maria").
pub(super) const NAME: WordId = WordId::MAX;

/// The most words a ping can have; longer messages always say something.
pub(super) const MAX_UNITS: usize = 32;

/// Bits describing what a covering chain of phrases contained.
pub(super) mod bits {
    /// A greeting phrase ("hi", "buenos días").
    pub const GREETING: u16 = 1;
    /// An availability or attention phrase ("got a sec", "quick question").
    pub const AVAILABILITY: u16 = 1 << 1;
    /// A meeting request ("hop on a call", "созвонимся").
    pub const MEETING: u16 = 1 << 2;
    /// An asking frame ("are you", "can we"), which makes a one-word phrase a question.
    pub const ASKING: u16 = 1 << 3;
    /// An acknowledgement ("thanks", "lgtm"): answers, never asks.
    pub const ACK: u16 = 1 << 4;
    /// A phrase too ambiguous to count unless the message asks ("free?", "sync?").
    pub const NEEDS_QUESTION: u16 = 1 << 5;
    /// A title ("Mr", "Frau", "panie"): a name may follow it where a name may stand.
    pub const TITLE: u16 = 1 << 6;
    /// A phrase left with one word once skipped words are dropped ("quick sync" → "sync"): it
    /// counts only in a message that had a skipped word, so "sync" alone stays a status.
    pub const SHORTENED: u16 = 1 << 7;
    /// Neutral words ("please", "team", "real quick"): allowed, prove nothing.
    pub const FILLER: u16 = 0;
}

/// No phrase word is longer than this (bytes); longer message words are not looked up.
const MAX_WORD_BYTES: usize = 48;

/// Message words shorter than this (characters) are never read as a slip: one slip in a short
/// word makes another word ("there" / "three", "call" / "cal"). Slips of short words are listed
/// in [`phrases::SPELLINGS`] instead.
const MIN_MISSPELT_CHARS: usize = 5;

struct Phrase {
    words: Box<[WordId]>,
    bits: u16,
}

/// Phrase tables ready for matching. Built once per [`super::Classifier`].
pub(super) struct Lexicon {
    ids: HashMap<Box<str>, WordId>,
    /// Words with letter runs squeezed ("hello" → "helo"), to read "heyyy" and "hellooo".
    squeezed: HashMap<Box<str>, WordId>,
    /// Other spellings of a word, normalised, to the spelling the phrases use ("u" → "you").
    spellings: HashMap<Box<str>, Box<str>>,
    /// Phrases indexed by their first word.
    starting: Vec<Vec<Phrase>>,
    /// Words that may appear anywhere, even inside a phrase ("quick", "kurz", "please").
    droppable: Vec<bool>,
    /// The words of [`phrases::MISSPELLABLE`], recognised with one slip ("avaliable",
    /// "minite"), grouped by first letter.
    misspellable: HashMap<char, Vec<(Box<str>, WordId)>>,
    /// Stands for a small number written in digits ([`super::markup::Substance::Count`]).
    count: WordId,
    /// The words for a minute and a second, as the phrases spell them.
    time_units: [WordId; 2],
}

/// A word no message can contain (`#` never reaches a word), for a number of minutes or seconds.
const COUNT_WORD: &str = "#count";

impl Lexicon {
    /// Compiles the built-in phrases plus workspace additions.
    pub(super) fn new(extra: &super::ExtraPhrases) -> Self {
        let mut lexicon = Self {
            ids: HashMap::new(),
            squeezed: HashMap::new(),
            spellings: HashMap::new(),
            starting: Vec::new(),
            droppable: Vec::new(),
            misspellable: HashMap::new(),
            count: 0,
            time_units: [0; 2],
        };
        let mut phrase_words = HashSet::new();
        let mut buf = String::new();
        for group in phrases::SPELLINGS {
            let Some((canonical, others)) = group.split_first() else { continue };
            normalize_into(canonical, &mut buf);
            let canonical: Box<str> = buf.as_str().into();
            for other in others {
                normalize_into(other, &mut buf);
                if *buf != *canonical {
                    lexicon.spellings.insert(buf.as_str().into(), canonical.clone());
                }
            }
        }
        lexicon.count = lexicon.intern(COUNT_WORD);
        for (slot, unit) in ["minute", "second"].into_iter().enumerate() {
            normalize_into(unit, &mut buf);
            lexicon.respell(&mut buf);
            lexicon.time_units[slot] = lexicon.intern(&buf);
        }
        for word in phrases::DROPPABLE {
            normalize_into(word, &mut buf);
            lexicon.respell(&mut buf);
            let id = lexicon.intern(&buf);
            lexicon.droppable.resize(lexicon.ids.len(), false);
            lexicon.droppable[id as usize] = true;
        }
        let tables: [(&[&str], u16); 7] = [
            (phrases::GREETINGS, bits::GREETING),
            (phrases::AVAILABILITY, bits::AVAILABILITY),
            (phrases::MEETING, bits::MEETING),
            (phrases::ASKING, bits::ASKING),
            (phrases::FILLERS, bits::FILLER),
            (phrases::ACKNOWLEDGEMENTS, bits::ACK),
            (phrases::TITLES, bits::TITLE),
        ];
        for (list, class) in tables {
            for phrase in list {
                lexicon.add(phrase, class, &mut phrase_words);
            }
        }
        for verb in phrases::MEETING_VERBS {
            for noun in phrases::MEETING_NOUNS {
                for article in ["", "a ", "an "] {
                    lexicon.add(&format!("{verb} {article}{noun}"), bits::MEETING, &mut phrase_words);
                }
            }
        }
        let composed = [(phrases::TIME_FRAMES, phrases::TIME_SPANS, bits::AVAILABILITY)]
            .into_iter()
            .chain(
                phrases::AVAILABILITY_COMPOSED.iter().map(|&(firsts, seconds)| (firsts, seconds, bits::AVAILABILITY)),
            )
            .chain(phrases::MEETING_COMPOSED.iter().map(|&(firsts, seconds)| (firsts, seconds, bits::MEETING)));
        for (firsts, seconds, class) in composed {
            for first in firsts {
                for second in seconds {
                    lexicon.add(&format!("{first} {second}"), class, &mut phrase_words);
                }
            }
        }
        let extra_tables = [
            (&extra.greetings, bits::GREETING),
            (&extra.availability, bits::AVAILABILITY),
            (&extra.meeting, bits::MEETING),
        ];
        for (list, class) in extra_tables {
            for phrase in list {
                lexicon.add(phrase, class, &mut phrase_words);
            }
        }
        lexicon.starting.resize_with(lexicon.ids.len(), Vec::new);
        // In id order, so that the first-listed spelling owns a squeezed form, deterministically.
        let mut words: Vec<(&Box<str>, &WordId)> = lexicon.ids.iter().collect();
        words.sort_unstable_by_key(|&(_, &id)| id);
        let squeezed = words.into_iter().map(|(word, &id)| (squeeze(word).into(), id));
        for (key, id) in squeezed.collect::<Vec<(Box<str>, WordId)>>() {
            lexicon.squeezed.entry(key).or_insert(id);
        }
        for word in phrases::MISSPELLABLE {
            normalize_into(word, &mut buf);
            lexicon.respell(&mut buf);
            let (Some(&id), Some(first)) = (lexicon.ids.get(buf.as_str()), buf.chars().next()) else { continue };
            if phrase_words.contains(&id) && !lexicon.is_droppable(id) && is_plain_word(&buf) {
                lexicon.misspellable.entry(first).or_default().push((buf.as_str().into(), id));
            }
        }
        lexicon
    }

    /// Adds one phrase; a trailing `?` marks it as counting only in a question. The words of
    /// greeting, availability and meeting phrases are collected in `phrase_words`.
    fn add(&mut self, phrase: &str, class: u16, phrase_words: &mut HashSet<WordId>) {
        let mut buf = String::new();
        let mut words = Vec::new();
        let mut dropped = false;
        for token in Tokens::new(phrase) {
            if let Token::Word { text, .. } = token {
                normalize_into(text, &mut buf);
                self.respell(&mut buf);
                let id = self.intern(&buf);
                if self.is_droppable(id) {
                    dropped = true;
                } else {
                    words.push(id);
                }
            }
        }
        if words.is_empty() {
            return;
        }
        if class & (bits::GREETING | bits::AVAILABILITY | bits::MEETING) != 0 {
            phrase_words.extend(words.iter().copied());
        }
        let needs_question = if phrase.trim_end().ends_with('?') { bits::NEEDS_QUESTION } else { 0 };
        let shortened = if dropped && words.len() == 1 { bits::SHORTENED } else { 0 };
        let bits = class | needs_question | shortened;
        // "got a minute" also reads "got 5 minutes?", "deux minutes?" also "2 minutes?": the word
        // before a unit of time may be a number in digits, and a phrase opening with the unit
        // ("minute?") may have one before it. Only in a question: "5 min" alone is an estimate.
        if let Some(at) = words.iter().position(|&id| self.is_time_unit(id)) {
            let mut counted = words.clone();
            match at.checked_sub(1) {
                Some(before) => counted[before] = self.count,
                None => counted.insert(0, self.count),
            }
            self.push_phrase(counted, bits | bits::NEEDS_QUESTION);
        }
        self.push_phrase(words, bits);
    }

    fn push_phrase(&mut self, words: Vec<WordId>, bits: u16) {
        let first = words[0];
        if self.starting.len() < self.ids.len() {
            self.starting.resize_with(self.ids.len(), Vec::new);
        }
        let list = &mut self.starting[first as usize];
        if !list.iter().any(|p| *p.words == *words && p.bits == bits) {
            list.push(Phrase { words: words.into(), bits });
        }
    }

    /// The word standing for a small number in digits.
    pub(super) fn count_id(&self) -> WordId {
        self.count
    }

    /// Whether a word is a unit of time (minute, second, in any listed language).
    pub(super) fn is_time_unit(&self, id: WordId) -> bool {
        self.time_units.contains(&id)
    }

    /// Replaces a normalised word spelled another way by the spelling the phrases use.
    fn respell(&self, word: &mut String) {
        if let Some(canonical) = self.spellings.get(word.as_str()) {
            word.clear();
            word.push_str(canonical);
        }
    }

    fn intern(&mut self, word: &str) -> WordId {
        let next = WordId::try_from(self.ids.len()).expect("fewer than 4 billion words");
        *self.ids.entry(word.into()).or_insert(next)
    }

    /// Whether a word carries nothing and is skipped wherever it appears.
    pub(super) fn is_droppable(&self, id: WordId) -> bool {
        self.droppable.get(id as usize).copied().unwrap_or(false)
    }

    /// The id of a message word, or `None` when no phrase uses it. `buf` is scratch space.
    pub(super) fn lookup(&self, raw: &str, buf: &mut String) -> Option<WordId> {
        if raw.len() > MAX_WORD_BYTES {
            return None;
        }
        normalize_into(raw, buf);
        self.respell(buf);
        if let Some(&id) = self.ids.get(buf.as_str()) {
            return Some(id);
        }
        let mut squeezed = squeeze(buf);
        if squeezed.len() == buf.len() {
            return None;
        }
        if let Some(&id) = self.squeezed.get(squeezed.as_str()) {
            return Some(id);
        }
        // "uuu" → "u" → "you"
        self.respell(&mut squeezed);
        self.ids.get(squeezed.as_str()).copied()
    }

    /// The id of the one greeting, availability or meeting word that a message word not found
    /// by [`Self::lookup`] is a slip of: one letter replaced, two neighbours swapped or one
    /// letter left out ("minite", "avaliable", "arond"), keeping the first letter. An extra
    /// letter is not a slip: "questions" is another word than "question". `None` when no
    /// word, or more than one, is that close.
    pub(super) fn lookup_misspelt(&self, raw: &str, buf: &mut String) -> Option<WordId> {
        if raw.len() > MAX_WORD_BYTES {
            return None;
        }
        normalize_into(raw, buf);
        if buf.chars().count() < MIN_MISSPELT_CHARS || !is_plain_word(buf) {
            return None;
        }
        let first = buf.chars().next()?;
        let written: Vec<char> = buf.chars().collect();
        let mut found = None;
        for (word, id) in self.misspellable.get(&first)? {
            let target: Vec<char> = word.chars().collect();
            if one_slip_apart(&written, &target) {
                if found.is_some_and(|other| other != *id) {
                    return None;
                }
                found = Some(*id);
            }
        }
        found
    }

    /// Whether a known phrase starts at the beginning of `rest` (message text, not normalised).
    pub(super) fn phrase_starts(&self, rest: &str, buf: &mut String) -> bool {
        const LONGEST: usize = 16;
        let mut ids = [0 as WordId; LONGEST];
        let mut n = 0;
        for token in Tokens::new(rest) {
            let Token::Word { text, .. } = token else { break };
            let Some(id) = self.lookup(text, buf) else { break };
            if self.is_droppable(id) {
                continue;
            }
            ids[n] = id;
            n += 1;
            if n == LONGEST {
                break;
            }
        }
        n > 0 && self.starting[ids[0] as usize].iter().any(|phrase| ids[..n].starts_with(&phrase.words))
    }

    /// Whether a chain of phrases covers `units` exactly; if so, the union of the [`bits`] of
    /// every such chain. A [`NAME`] may only open the message or follow a greeting or a title
    /// that could itself stand before a name; a phrase marked [`bits::NEEDS_QUESTION`] only
    /// counts in a question or after an asking frame; one marked [`bits::SHORTENED`] only when
    /// the message had a skipped word (`had_skipped`).
    pub(super) fn cover(&self, units: &[WordId], has_question: bool, had_skipped: bool) -> Option<u16> {
        const REACHED: u16 = 1 << 8;
        /// A name may stand here: "hi ·Maria", "good morning Mr ·Patel".
        const NAME_MAY_FOLLOW: u16 = 1 << 9;
        let n = units.len();
        if n > MAX_UNITS {
            return None;
        }
        let mut reach = [0u16; MAX_UNITS + 1];
        reach[0] = REACHED;
        for i in 0..n {
            let here = reach[i];
            if here & REACHED == 0 {
                continue;
            }
            let path = here & 0xFF;
            let name_may_stand = i == 0 || here & NAME_MAY_FOLLOW != 0;
            if units[i] == NAME {
                if name_may_stand {
                    reach[i + 1] |= REACHED | path;
                }
                continue;
            }
            for phrase in &self.starting[units[i] as usize] {
                let end = i + phrase.words.len();
                if end > n || units[i..end] != *phrase.words {
                    continue;
                }
                // "free" alone is a status; "free?" and "are you free" ask.
                let asked = has_question || path & bits::ASKING != 0;
                if (phrase.bits & bits::NEEDS_QUESTION != 0 && !asked)
                    || (phrase.bits & bits::SHORTENED != 0 && !had_skipped)
                {
                    continue;
                }
                let mut next = REACHED | path | phrase.bits;
                if phrase.bits & bits::GREETING != 0 || (phrase.bits & bits::TITLE != 0 && name_may_stand) {
                    next |= NAME_MAY_FOLLOW;
                }
                reach[end] |= next;
            }
        }
        let found = reach[n];
        if found & REACHED == 0 {
            return None;
        }
        Some(found & 0xFF)
    }
}

/// Normalises one word into `out`: NFKC, lower case, Latin diacritics and apostrophes dropped,
/// so "Olá", "ola" and "OLÁ" meet, and "t'as" matches "tas".
pub(super) fn normalize_into(raw: &str, out: &mut String) {
    out.clear();
    if raw.is_ascii() {
        out.extend(raw.bytes().filter(|&b| b != b'\'').map(|b| char::from(b.to_ascii_lowercase())));
        return;
    }
    for c in raw.nfkc().flat_map(char::to_lowercase) {
        match c {
            '\'' | '’' | 'ʼ' | '‘' => {}
            'ß' => out.push_str("ss"),
            'ı' => out.push('i'),
            'ł' => out.push('l'),
            'ø' => out.push('o'),
            'đ' => out.push('d'),
            'ё' => out.push('е'),
            '\u{C0}'..='\u{24F}' | '\u{1E00}'..='\u{1EFF}' => decompose_canonical(c, |d| {
                if !is_combining_mark(d) {
                    out.push(d);
                }
            }),
            _ if is_combining_mark(c) => {}
            _ => out.push(c),
        }
    }
}

/// Whether a normalised word is only letters of a script written with spaces: slips are
/// matched in those only.
fn is_plain_word(word: &str) -> bool {
    word.chars().all(|c| c.is_alphabetic() && !super::markup::is_unspaced_script(c))
}

/// Whether `written` is `target` with one letter replaced, two neighbouring letters swapped,
/// or one letter left out.
fn one_slip_apart(written: &[char], target: &[char]) -> bool {
    if written.len() == target.len() {
        let differ: Vec<usize> = (0..written.len()).filter(|&i| written[i] != target[i]).collect();
        match differ[..] {
            [_] => true,
            [i, j] => j == i + 1 && written[i] == target[j] && written[j] == target[i],
            _ => false,
        }
    } else if written.len() + 1 == target.len() {
        let skip = written.iter().zip(target).position(|(a, b)| a != b).unwrap_or(written.len());
        written[skip..] == target[skip + 1..]
    } else {
        false
    }
}

/// Collapses runs of a repeated character to one ("heyyy" → "hey", "hello" → "helo").
fn squeeze(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    let mut last = None;
    for c in word.chars() {
        if last != Some(c) {
            out.push(c);
        }
        last = Some(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn normalized(raw: &str) -> String {
        let mut out = String::new();
        normalize_into(raw, &mut out);
        out
    }

    #[test]
    fn normalisation_folds_case_width_diacritics_and_apostrophes() {
        assert_eq!(normalized("Olá"), "ola");
        assert_eq!(normalized("ＨＥＬＬＯ"), "hello");
        assert_eq!(normalized("t’as"), "tas");
        assert_eq!(normalized("Müsait"), "musait");
        assert_eq!(normalized("misın"), "misin");
        assert_eq!(normalized("Cześć"), "czesc");
        assert_eq!(normalized("Grüß"), "gruss");
        assert_eq!(normalized("ПРИВЕТ"), "привет");
    }

    #[test]
    fn elongated_words_are_found_through_their_squeezed_form() {
        let lexicon = Lexicon::new(&super::super::ExtraPhrases::default());
        let mut buf = String::new();
        let hey = lexicon.lookup("hey", &mut buf);
        assert!(hey.is_some());
        assert_eq!(lexicon.lookup("heyyyy", &mut buf), hey);
        assert_eq!(lexicon.lookup("Hellooo", &mut buf), lexicon.lookup("hello", &mut buf));
    }

    #[test]
    fn a_shorthand_spelling_finds_the_word_the_phrases_use() {
        let lexicon = Lexicon::new(&super::super::ExtraPhrases::default());
        let mut buf = String::new();
        assert_eq!(lexicon.lookup("u", &mut buf), lexicon.lookup("you", &mut buf));
        assert_eq!(lexicon.lookup("sec", &mut buf), lexicon.lookup("segundo", &mut buf));
        assert_eq!(lexicon.lookup("helooo", &mut buf), lexicon.lookup("hello", &mut buf));
    }

    #[test]
    fn every_misspellable_word_is_a_word_of_a_greeting_availability_or_meeting_phrase() {
        let lexicon = Lexicon::new(&super::super::ExtraPhrases::default());
        let mut buf = String::new();
        for word in phrases::MISSPELLABLE {
            normalize_into(word, &mut buf);
            lexicon.respell(&mut buf);
            let listed = buf.chars().next().and_then(|first| lexicon.misspellable.get(&first));
            assert!(listed.is_some_and(|words| words.iter().any(|(w, _)| **w == *buf)), "{word} is in no phrase");
        }
    }

    #[test]
    fn a_slip_is_one_replaced_swapped_or_missing_letter() {
        let chars = |word: &str| word.chars().collect::<Vec<char>>();
        assert!(one_slip_apart(&chars("minite"), &chars("minute")));
        assert!(one_slip_apart(&chars("avaliable"), &chars("available")));
        assert!(one_slip_apart(&chars("moring"), &chars("morning")));
        assert!(!one_slip_apart(&chars("questions"), &chars("question")), "an extra letter makes another word");
        assert!(!one_slip_apart(&chars("minuet"), &chars("moment")));
        assert!(!one_slip_apart(&chars("mniite"), &chars("minute")), "two slips");
    }

    #[test]
    fn a_word_without_repeated_letters_is_not_matched_loosely() {
        let lexicon = Lexicon::new(&super::super::ExtraPhrases::default());
        let mut buf = String::new();
        assert!(lexicon.lookup("cal", &mut buf).is_none(), "\"cal\" must not read as \"call\"");
    }
}
