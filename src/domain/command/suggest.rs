//! Purpose: "did you mean …?" for typos — timezone names and command words — so a one-line
//! error can carry the fix.

use chrono_tz::TZ_VARIANTS;

/// Most suggestions named in one error line.
const MAX_SUGGESTIONS: usize = 3;

/// Edit distance between two strings, by character: insertions, deletions, substitutions and
/// swaps of neighbours (`jion` → `join` is one typo, not two).
pub(super) fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    // rows[i][j] = distance between a[..i] and b[..j] (optimal string alignment).
    let mut rows = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in rows.iter_mut().enumerate() {
        row[0] = i;
    }
    rows[0] = (0..=b.len()).collect();
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (rows[i - 1][j] + 1).min(rows[i][j - 1] + 1).min(rows[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(rows[i - 2][j - 2] + 1);
            }
            rows[i][j] = best;
        }
    }
    rows[a.len()][b.len()]
}

/// How many edits a typo of this length may need and still be suggested: short words allow one,
/// longer ones a few, so unrelated names are not offered.
fn tolerance(len: usize) -> usize {
    (1 + len / 6).min(3)
}

/// IANA zone names close to `typed`, best first: compared case-insensitively on the full name
/// and on the city part (`Berln` finds `Europe/Berlin`), spaces read as underscores.
pub fn suggest_zones(typed: &str) -> Vec<&'static str> {
    let typed = typed.trim().to_lowercase().replace(' ', "_");
    let typed_city = typed.rsplit('/').next().unwrap_or_default().to_owned();
    let typed_len = typed.chars().count();
    let mut scored: Vec<(usize, bool, &'static str)> = TZ_VARIANTS
        .iter()
        .filter_map(|tz| {
            let name = tz.name();
            let lower = name.to_lowercase();
            let city = lower.rsplit('/').next().unwrap_or_default();
            let full = edit_distance(&typed, &lower);
            let by_city = edit_distance(&typed_city, city);
            let (distance, compared, shorter) = if full <= by_city {
                (full, typed_len, lower.len() < typed.len())
            } else {
                let city_len = typed_city.chars().count();
                (by_city, city_len, city.len() < typed_city.len())
            };
            // A missing letter is the commonest typo, so longer candidates win ties.
            (distance <= tolerance(compared)).then_some((distance, shorter, name))
        })
        .collect();
    scored.sort();
    let best = scored.first().map(|(d, _, _)| *d);
    scored.into_iter().take_while(|(d, _, _)| Some(*d) == best).map(|(_, _, name)| name).take(MAX_SUGGESTIONS).collect()
}

/// The known word closest to `typed`, if it is close enough to be a typo of it.
pub(super) fn suggest_word<'a>(typed: &str, known: &[&'a str]) -> Option<&'a str> {
    let typed = typed.to_lowercase();
    known
        .iter()
        .map(|word| (edit_distance(&typed, word), *word))
        .filter(|(d, _)| *d <= tolerance(typed.chars().count()))
        .min()
        .map(|(_, word)| word)
}

/// Joins suggestions as prose: `A`, `A or B`, `A, B or C`.
pub(super) fn or_list(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_counts_a_swap_of_neighbours_as_one_typo() {
        assert_eq!(edit_distance("jion", "join"), 1);
        assert_eq!(edit_distance("berln", "berlin"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("same", "same"), 0);
    }

    #[test]
    fn or_list_reads_as_prose() {
        assert_eq!(or_list(&[]), "");
        assert_eq!(or_list(&["A"]), "A");
        assert_eq!(or_list(&["A", "B", "C"]), "A, B or C");
    }

    #[test]
    fn suggest_word_offers_only_close_words() {
        assert_eq!(suggest_word("stnadup", &["standup", "stats"]), Some("standup"));
        assert_eq!(suggest_word("zebra", &["standup", "stats"]), None);
    }
}
