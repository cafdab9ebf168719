//! Which trigrams of a searched text to look up in the text search index. A trigram found in
//! nearly every event ("tar" and "get" of `target-…`, "act" of `actor…`) costs the index a
//! pass over a million entries and narrows nothing down; a text's rare trigrams find the same
//! events (each is checked against the whole text afterwards) at a fraction of the cost
//! (over 1,000,000 events: 70 ms against 2 ms on SQLite, 30 ms against 3 ms on PostgreSQL).
//!
//! How common a trigram is comes from a sample of the events searched: the newest few of the
//! reader's own scope and filter. So the choice, and what it costs, depends on nothing the
//! reader may not read. The same sample tells whether the text itself is common (then the
//! newest events hold a page of it, and the index is not read at all).

/// How many of the events searched (the newest first) make the sample.
pub const SAMPLED_EVENTS: usize = 500;

/// A trigram is rare when it is in at most one sampled event in this many.
const RARE_IN: usize = 100;

/// When no trigram of a text is rare, this many of the least common are looked up.
const LEAST_COMMON: usize = 3;

/// The lower-case searched text of some events, to tell how common a trigram is in them.
pub struct TrigramSample {
    texts: Vec<String>,
}

impl TrigramSample {
    pub fn of(texts: Vec<String>) -> Self {
        Self { texts }
    }

    /// In how many sampled events `text` (a searched text, or one of its trigrams) is found.
    pub fn found_in(&self, text: &str) -> usize {
        self.texts.iter().filter(|sampled| sampled.contains(text)).count()
    }

    fn is_rare(&self, found_in: usize) -> bool {
        found_in * RARE_IN <= self.texts.len()
    }

    /// The trigrams of `text` to look up (for an index that holds any three characters): its
    /// rare ones, or its least common few when none is rare.
    pub fn rarest_trigrams(&self, text: &str) -> Vec<String> {
        let mut all: Vec<(usize, String)> = unique_trigrams(text).into_iter().map(|t| (self.found_in(&t), t)).collect();
        all.sort();
        let rare = all.iter().take_while(|(found_in, _)| self.is_rare(*found_in)).count();
        all.truncate(if rare == 0 { LEAST_COMMON } else { rare });
        all.into_iter().map(|(_, trigram)| trigram).collect()
    }

    /// The part of `text` to look up in pg_trgm's index, which takes its trigrams from words
    /// (letters and digits): the word (of three or more) holding the least common trigram,
    /// with the character on each side (a word's edges are trigrams of their own). `None` when
    /// the text has no such word.
    pub fn rarest_word(&self, text: &str) -> Option<String> {
        let chars: Vec<char> = text.chars().collect();
        let mut words = Vec::new();
        let mut start = 0;
        for end in 0..=chars.len() {
            if end == chars.len() || !chars[end].is_alphanumeric() {
                if end - start >= 3 {
                    words.push(start..end);
                }
                start = end + 1;
            }
        }
        let rarity = |word: &std::ops::Range<usize>| {
            let least = unique_trigrams(&chars[word.clone()].iter().collect::<String>())
                .iter()
                .map(|trigram| self.found_in(trigram))
                .min()
                .unwrap_or_default();
            (least, std::cmp::Reverse(word.len()))
        };
        let word = words.into_iter().min_by_key(rarity)?;
        let edged = word.start.saturating_sub(1)..(word.end + 1).min(chars.len());
        Some(chars[edged].iter().collect())
    }
}

fn unique_trigrams(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut trigrams: Vec<String> = chars.windows(3).map(|three| three.iter().collect()).collect();
    trigrams.sort();
    trigrams.dedup();
    trigrams
}

#[cfg(test)]
mod tests {
    use super::TrigramSample;

    /// Every event holds "target-" and an actor; few hold "4242".
    fn sample() -> TrigramSample {
        TrigramSample::of(
            (0..1_000).map(|n| format!("role.updated\u{1f}actor{}\u{1f}target-{}", n % 7, n * 37 % 10_000)).collect(),
        )
    }

    #[test]
    fn a_text_is_looked_up_by_its_rare_trigrams() {
        let sample = sample();
        let chosen = sample.rarest_trigrams("target-4242");
        assert!(!chosen.is_empty());
        for common in ["tar", "arg", "rge", "get", "et-"] {
            assert!(!chosen.contains(&common.to_owned()), "{common} is in every event: {chosen:?}");
        }
        assert!(chosen.contains(&"424".to_owned()), "{chosen:?}");
    }

    #[test]
    fn a_text_of_common_trigrams_is_looked_up_by_its_least_common_few() {
        assert_eq!(sample().rarest_trigrams("role.updated").len(), 3);
        assert_eq!(TrigramSample::of(Vec::new()).rarest_trigrams("abcab"), ["abc", "bca", "cab"]);
    }

    #[test]
    fn postgresql_looks_up_the_rarest_word_with_its_edges() {
        let sample = sample();
        assert_eq!(sample.rarest_word("target-4242").as_deref(), Some("-4242"));
        assert_eq!(sample.rarest_word("x 4242 target").as_deref(), Some(" 4242 "));
        assert_eq!(sample.rarest_word("ab-cd"), None);
    }
}
