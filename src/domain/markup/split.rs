//! Purpose: fit a long message (a digest, a list of decisions) into as few platform messages as
//! possible without cutting an answer in half.

/// Joins `parts` with newlines into as few messages as possible, each at most `limit` characters
/// (Unicode scalar values, as the platforms count; a `limit` of 0 is treated as 1).
///
/// A part is never cut while it fits in one message. A single part longer than `limit` is cut at
/// line boundaries (the newline becomes the message break), a line longer than `limit` at
/// whitespace (kept at the end of the earlier piece), and a word longer than `limit` anywhere.
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
/// fit, over-long lines cut further by [`cut_line`].
fn cut_part(part: &str, limit: usize) -> Vec<String> {
    let mut pieces = Vec::new();
    let mut packer = Packer::new(limit);
    for line in part.split('\n') {
        if char_len(line) <= limit {
            packer.push(line, &mut pieces);
        } else {
            packer.finish(&mut pieces);
            pieces.extend(cut_line(line, limit));
        }
    }
    packer.finish(&mut pieces);
    pieces
}

/// Cuts one over-long line after the last whitespace that keeps a piece within the limit, or
/// hard at the limit when a word alone is longer.
fn cut_line(line: &str, limit: usize) -> Vec<String> {
    let mut pieces = Vec::new();
    let mut rest: Vec<char> = line.chars().collect();
    while rest.len() > limit {
        let window = &rest[..limit];
        let cut = window.iter().rposition(|c| c.is_whitespace()).filter(|&at| at > 0).map_or(limit, |at| at + 1);
        pieces.push(rest[..cut].iter().collect());
        rest.drain(..cut);
    }
    if !rest.is_empty() {
        pieces.push(rest.into_iter().collect());
    }
    pieces
}

fn char_len(text: &str) -> usize {
    text.chars().count()
}
