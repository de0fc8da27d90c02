//! Purpose: the one splitter. Every message the bot sends fits its platform's limits (SPEC §4):
//! Discord 2,000 characters per message; Slack 3,000 characters per section block, 50 blocks and
//! 40,000 characters per message, so a long Slack message is one message of several sections
//! where it fits. A message is split between its parts (a digest's members, a list's paragraphs),
//! then between lines, then between words, and a question's label is never left apart from its
//! answer.
//!
//! - [`split_for`]: one [`OutgoingMessage`] → the messages to queue (the entry point).
//! - [`split_parts`]: a message built as parts (a digest) → the platform texts.
//! - [`slack_sections`]: a Slack text → the section blocks it is drawn with.
//! - [`split_message`]: parts → texts of at most `limit` characters (the rule under both).

use super::{DISCORD_MESSAGE_LIMIT, SLACK_MESSAGE_LIMIT, SLACK_SECTION_LIMIT};
use crate::domain::events::{Destination, OutgoingMessage};
use crate::domain::platform::Platform;

/// Slack: most blocks in one message.
pub const SLACK_MAX_BLOCKS: usize = 50;

/// Splits one message into the messages to queue, each within the platform's limits: the same
/// message when it fits. Parts are the text's paragraphs (blank-line separated), kept whole where
/// they fit. Every piece keeps the destination, purpose and pingable users; buttons go under the
/// last piece. An [`Destination::Update`] that no longer fits edits its message with the first
/// piece and posts the rest in the same channel.
pub fn split_for(platform: Platform, message: OutgoingMessage) -> Vec<OutgoingMessage> {
    if fits(platform, &message.text) {
        return vec![message];
    }
    let paragraphs: Vec<(Separator, String)> = message
        .text
        .split("\n\n")
        .enumerate()
        .map(|(i, p)| (if i == 0 { Separator::Line } else { Separator::Paragraph }, p.to_owned()))
        .collect();
    let texts = pack(platform, &paragraphs);
    let last = texts.len().saturating_sub(1);
    texts
        .into_iter()
        .enumerate()
        .map(|(index, text)| {
            let to = match (&message.to, index) {
                (Destination::Update { channel, .. }, 1..) => Destination::Post { channel: channel.clone() },
                (to, _) => to.clone(),
            };
            let actions = if index == last { message.actions.clone() } else { Vec::new() };
            // A file is never cut: it goes whole with the last piece, like the buttons.
            let attachment = if index == last { message.attachment.clone() } else { None };
            OutgoingMessage {
                to,
                purpose: message.purpose,
                text,
                mentions: message.mentions.clone(),
                actions,
                attachment,
            }
        })
        .collect()
}

/// A message built as parts (a heading, a blocker, one member's answers…) as platform texts,
/// each within the platform's limits; parts are joined by newlines and kept whole where they fit.
pub fn split_parts(platform: Platform, parts: &[String]) -> Vec<String> {
    let parts: Vec<(Separator, String)> = parts.iter().map(|p| (Separator::Line, p.clone())).collect();
    pack(platform, &parts)
}

/// The section blocks a Slack text is drawn with: at most [`SLACK_SECTION_LIMIT`] characters
/// each, cut between lines where it can, by the same rules as messages. Texts from
/// [`split_for`] and [`split_parts`] never need more than [`SLACK_MAX_BLOCKS`].
pub fn slack_sections(text: &str) -> Vec<String> {
    split_message(&[text.to_owned()], SLACK_SECTION_LIMIT)
}

/// Whether a text fits one message of the platform.
fn fits(platform: Platform, text: &str) -> bool {
    match platform {
        Platform::Discord => char_len(text) <= DISCORD_MESSAGE_LIMIT,
        Platform::Slack => {
            char_len(text) <= SLACK_MESSAGE_LIMIT
                && (char_len(text) <= SLACK_SECTION_LIMIT || slack_sections(text).len() <= SLACK_MAX_BLOCKS)
        }
    }
}

/// What joins a part to the one before it in the same message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Separator {
    /// A newline.
    Line,
    /// A blank line.
    Paragraph,
}

impl Separator {
    fn as_str(self) -> &'static str {
        match self {
            Separator::Line => "\n",
            Separator::Paragraph => "\n\n",
        }
    }
}

/// Packs parts into platform messages. Discord: [`split_message`] at its limit. Slack: as many
/// parts per message as fit 40,000 characters and 50 sections; a part too long even for that is
/// cut into section-sized pieces first.
fn pack(platform: Platform, parts: &[(Separator, String)]) -> Vec<String> {
    let mut pieces: Vec<(Separator, String)> = Vec::new();
    let piece_limit = match platform {
        Platform::Discord => DISCORD_MESSAGE_LIMIT,
        Platform::Slack => SLACK_SECTION_LIMIT,
    };
    for (separator, part) in parts {
        if fits(platform, part) {
            pieces.push((*separator, part.clone()));
        } else {
            let cut = split_message(std::slice::from_ref(part), piece_limit);
            pieces.extend(
                cut.into_iter().enumerate().map(|(i, p)| (if i == 0 { *separator } else { Separator::Line }, p)),
            );
        }
    }
    let mut messages: Vec<String> = Vec::new();
    let mut current: Option<String> = None;
    for (separator, piece) in pieces {
        current = match current {
            Some(text) => {
                let joined = format!("{text}{}{piece}", separator.as_str());
                if fits(platform, &joined) {
                    Some(joined)
                } else {
                    messages.push(text);
                    Some(piece)
                }
            }
            None => Some(piece),
        };
    }
    messages.extend(current);
    messages
}

/// Joins `parts` with newlines into as few messages as possible, each at most `limit` characters
/// (Unicode scalar values, as the platforms count; a `limit` of 0 is treated as 1).
///
/// A part is never cut while it fits in one message. A single part longer than `limit` is cut at
/// line boundaries (the newline becomes the message break), a line longer than `limit` at
/// whitespace (kept at the end of the earlier piece) but never before the first word after the
/// line's lead (a bullet and an emphasised label such as `• _Done?_`), and a word longer than
/// `limit` anywhere.
/// No parts give no messages.
pub fn split_message(parts: &[String], limit: usize) -> Vec<String> {
    let limit = limit.max(1);
    let mut messages = Vec::new();
    let mut packer = Packer::new(limit);
    for part in parts {
        if char_len(part) <= limit {
            packer.push(part, &mut messages);
        } else {
            for piece in cut_part(part, limit) {
                packer.push(&piece, &mut messages);
            }
        }
    }
    packer.finish(&mut messages);
    messages
}

/// Greedily appends pieces (each within the limit) to the current message, separated by one
/// newline, starting a new message when the next piece would not fit.
struct Packer {
    limit: usize,
    current: Option<(String, usize)>,
}

impl Packer {
    fn new(limit: usize) -> Self {
        Packer { limit, current: None }
    }

    fn push(&mut self, piece: &str, messages: &mut Vec<String>) {
        let piece_len = char_len(piece);
        match &mut self.current {
            Some((text, len)) if *len + 1 + piece_len <= self.limit => {
                text.push('\n');
                text.push_str(piece);
                *len += 1 + piece_len;
            }
            _ => {
                self.finish(messages);
                self.current = Some((piece.to_owned(), piece_len));
            }
        }
    }

    fn finish(&mut self, messages: &mut Vec<String>) {
        if let Some((text, _)) = self.current.take() {
            messages.push(text);
        }
    }
}

/// Cuts one over-long part into pieces within the limit: whole lines packed together where they
/// fit (a block is split between its lines, so between answers), over-long lines cut further by
/// [`cut_line`].
fn cut_part(part: &str, limit: usize) -> Vec<String> {
    let mut pieces = Vec::new();
    let mut packer = Packer::new(limit);
    for line in part.split('\n') {
        if char_len(line) <= limit {
            packer.push(line, &mut pieces);
        } else {
            packer.finish(&mut pieces);
            let mut cut = cut_line(line, limit);
            // The line's last piece may share a message with the lines after it.
            let last = cut.pop();
            pieces.extend(cut);
            if let Some(last) = last {
                packer.push(&last, &mut pieces);
            }
        }
    }
    packer.finish(&mut pieces);
    pieces
}

/// Cuts one over-long line after the last whitespace that keeps a piece within the limit (for the
/// first piece, past the line's lead and its first word: see [`lead_end`]), or hard at the limit
/// when no such whitespace exists.
fn cut_line(line: &str, limit: usize) -> Vec<String> {
    let mut pieces = Vec::new();
    let mut rest: Vec<char> = line.chars().collect();
    let mut min = first_word_end(&rest, lead_end(&rest));
    while rest.len() > limit {
        let cut = soft_cut_after(&rest, limit, min).unwrap_or(limit);
        // Only the line's own start has a lead; later pieces may break at any whitespace.
        min = 0;
        pieces.push(rest[..cut].iter().collect());
        rest.drain(..cut);
    }
    if !rest.is_empty() {
        pieces.push(rest.into_iter().collect());
    }
    pieces
}

/// The char index just after the last whitespace within the first `room` characters that is at
/// or after `min`, if any.
fn soft_cut_after(chars: &[char], room: usize, min: usize) -> Option<usize> {
    let window = &chars[..room.min(chars.len())];
    let at = window.iter().rposition(|c| c.is_whitespace())? + 1;
    // A piece of one whitespace character, or one ending inside the lead, is no break at all.
    (at > min.max(1)).then_some(at)
}

/// Where a line's lead ends (a char index): leading spaces, a list bullet (`•`, `-`, `*` and a
/// space) and an emphasised label (`_…_`, `*…*`, `**…**`), with the spaces after them. A label
/// left at the end of one message with its answer in the next would read as unanswered.
fn lead_end(chars: &[char]) -> usize {
    let mut at = chars.iter().take_while(|c| **c == ' ').count();
    if matches!(chars.get(at), Some('•' | '-' | '*')) && chars.get(at + 1) == Some(&' ') {
        at += 2;
    }
    let marker_len = match (chars.get(at), chars.get(at + 1)) {
        (Some('*'), Some('*')) => 2,
        (Some('_' | '*'), _) => 1,
        _ => return at,
    };
    let marker = &chars[at..at + marker_len];
    let body = at + marker_len;
    let close = (body + 1..=chars.len().saturating_sub(marker_len)).find(|&i| &chars[i..i + marker_len] == marker);
    match close {
        Some(close) => {
            let end = close + marker_len;
            end + chars[end..].iter().take_while(|c| c.is_whitespace()).count()
        }
        None => at,
    }
}

/// The char index where the first word at or after `from` ends.
fn first_word_end(chars: &[char], from: usize) -> usize {
    let start = from + chars[from.min(chars.len())..].iter().take_while(|c| c.is_whitespace()).count();
    start + chars[start.min(chars.len())..].iter().take_while(|c| !c.is_whitespace()).count()
}

fn char_len(text: &str) -> usize {
    text.chars().count()
}
