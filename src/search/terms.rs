//! Terms as 64-bit keys. Building the index touches millions of term occurrences;
//! turning each into a `String` would dominate build time, so Han unigrams, bigrams
//! and dictionary words are packed arithmetically into a `u64`, and only the rare
//! ASCII words are hashed (their text kept in a side table). Also home of the FNV-1a
//! hash that picks a term's shard, which `search.js` computes identically.

use super::tokenize::{self, Kind, Piece, DICT};

/// A term packed into 62 bits: bits 60–61 tell the kind.
pub type Key = u64;

// Keys use the low 62 bits, so a caller can pack two more bits below them.
const TAG_BI: u64 = 1 << 60;
const TAG_DICT: u64 = 2 << 60;
const TAG_WORD: u64 = 3 << 60;
const TAG_MASK: u64 = 3 << 60;

pub fn unigram(c: char) -> Key {
    c as u64
}

pub fn bigram(a: char, b: char) -> Key {
    TAG_BI | ((a as u64) << 21) | b as u64
}

pub fn dict(i: usize) -> Key {
    TAG_DICT | i as u64
}

pub fn word(w: &str) -> Key {
    TAG_WORD | (fnv1a64(w.as_bytes()) >> 4)
}

pub fn kind(key: Key) -> Kind {
    match key & TAG_MASK {
        0 => Kind::Unigram,
        TAG_BI => Kind::Bigram,
        TAG_DICT => Kind::Dict,
        _ => Kind::Word,
    }
}

/// The two characters of a bigram key.
pub fn bigram_chars(key: Key) -> Option<(char, char)> {
    if kind(key) != Kind::Bigram {
        return None;
    }
    let a = char::from_u32(((key >> 21) & 0x1F_FFFF) as u32)?;
    let b = char::from_u32((key & 0x1F_FFFF) as u32)?;
    Some((a, b))
}

/// The text of a key; words are looked up in `words` (key → text).
pub fn text(key: Key, words: &std::collections::HashMap<Key, String>) -> Option<String> {
    match kind(key) {
        Kind::Unigram => char::from_u32(key as u32).map(String::from),
        Kind::Bigram => bigram_chars(key).map(|(a, b)| [a, b].iter().collect()),
        Kind::Dict => DICT.get((key & !TAG_MASK) as usize).map(|w| w.to_string()),
        Kind::Word => words.get(&key).cloned(),
    }
}

/// The term occurrences the index counts in a text, reported to `f`: every Han
/// bigram, one unigram for the *last* character of each Han run (the run itself
/// when it has one character), dictionary words, and words with their text.
///
/// The index stores a unigram for every Han character; the unigrams not reported
/// here are implied by the bigrams (each character but a run's last starts exactly
/// one bigram), which halves the occurrences to sort.
pub fn visit_occurrences(text: &str, mut f: impl FnMut(Key, Option<&str>)) {
    tokenize::scan(text, |piece| match piece {
        Piece::Han(run) => {
            for pair in run.windows(2) {
                f(bigram(pair[0], pair[1]), None);
            }
            if let Some(&last) = run.last() {
                f(unigram(last), None);
            }
            tokenize::dict_matches(run, |d| f(dict(d), None));
        }
        Piece::Word(w) => f(word(w), Some(w)),
    });
}

/// FNV-1a, 32 bits, over UTF-8 bytes: the shard of a term or pinyin key.
pub fn fnv1a32(s: &str) -> u32 {
    let mut h: u32 = 0x811C_9DC5;
    for &b in s.as_bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xCBF2_9CE4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01B3);
    }
    h
}

/// Spreads keys over 256 build buckets (not the on-disk shards).
pub fn bucket(key: Key) -> u8 {
    (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 56) as u8
}

/// A fast hasher for keys (already well mixed by [`bucket`]'s multiply).
#[derive(Default)]
pub struct KeyHasher(u64);

impl std::hash::Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01B3);
        }
    }
    fn write_u64(&mut self, n: u64) {
        let h = (n ^ self.0).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        self.0 = h ^ (h >> 29);
    }
}
