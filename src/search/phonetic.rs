//! Pinyin tables for the homophone fallback. Pinyin input makes people type the
//! right sound with the wrong character (刷单反利 for 刷单返利, 冒冲 for 冒充); the
//! client has no pinyin dictionary of its own, so the build writes two tables:
//!
//! * `p/c{i}.json` — the toneless readings of every character U+4E00..U+9FFF,
//!   64 characters a file (file `i` starts at U+4E00 + 64·i): a JSON array of
//!   64 strings, each the character's readings separated by spaces (at most
//!   [`MAX_READINGS`], all readings `pinyin::ToPinyinMulti` gives, so 长/重 match
//!   either way), `""` for none. It covers characters that occur in no page,
//!   since the wrong character usually is one. Same for every site.
//! * `p/k{i}.json` — pinyin key → bigrams of the index with that key, sharded by
//!   FNV-1a of the key. A bigram's keys are the concatenated readings of its two
//!   characters, every combination (`返利` → `fanli`); the value is the bigrams
//!   concatenated, most frequent first, at most [`MAX_PER_KEY`].

use super::{shard_count, terms::fnv1a32, IndexFile};
use pinyin::ToPinyinMulti;
use rayon::prelude::*;
use std::collections::BTreeMap;

/// Readings kept per character.
pub const MAX_READINGS: usize = 4;
/// First and last character of the reading table.
pub const TABLE_FIRST: u32 = 0x4E00;
pub const TABLE_LAST: u32 = 0x9FFF;
/// Characters per reading-table file.
pub const TABLE_CHUNK: u32 = 64;
/// Bigrams kept per pinyin key.
pub const MAX_PER_KEY: usize = 8;

/// Toneless readings of a character, in the crate's order, deduplicated.
pub fn readings(c: char) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    if let Some(multi) = c.to_pinyin_multi() {
        for p in multi {
            let r = p.plain();
            if out.len() < MAX_READINGS && !r.is_empty() && !out.contains(&r) {
                out.push(r);
            }
        }
    }
    out
}

/// Pinyin keys of a bigram: every combination of the two characters' readings.
pub fn keys(a: char, b: char) -> Vec<String> {
    let (ra, rb) = (readings(a), readings(b));
    let mut out = Vec::with_capacity(ra.len() * rb.len());
    for x in &ra {
        for y in &rb {
            let k = format!("{x}{y}");
            if !out.contains(&k) {
                out.push(k);
            }
        }
    }
    out
}

/// The reading table files `p/c{i}.json`.
pub fn reading_files() -> Vec<IndexFile> {
    let mut files = Vec::new();
    let mut start = TABLE_FIRST;
    while start <= TABLE_LAST {
        let row: Vec<serde_json::Value> = (start..start + TABLE_CHUNK)
            .map(|cp| {
                let r = char::from_u32(cp).map(readings).unwrap_or_default();
                serde_json::Value::String(r.join(" "))
            })
            .collect();
        files.push(IndexFile {
            path: format!("p/c{}.json", (start - TABLE_FIRST) / TABLE_CHUNK),
            bytes: serde_json::Value::Array(row).to_string().into_bytes(),
        });
        start += TABLE_CHUNK;
    }
    files
}

/// The key files `p/k{i}.json` for the index's bigrams `(a, b, df)`; returns
/// the number of key shards and the files.
pub fn key_files(bigrams: &[(char, char, usize)]) -> (u32, Vec<IndexFile>) {
    let keyed: Vec<Vec<String>> = bigrams.par_iter().map(|&(a, b, _)| keys(a, b)).collect();
    let mut by_key: BTreeMap<String, Vec<(usize, char, char)>> = BTreeMap::new();
    for (&(a, b, df), ks) in bigrams.iter().zip(keyed) {
        for k in ks {
            by_key.entry(k).or_default().push((df, a, b));
        }
    }
    let mut total = 0usize;
    let entries: Vec<(String, String)> = by_key
        .into_iter()
        .map(|(k, mut list)| {
            list.sort_by(|x, y| y.0.cmp(&x.0).then((x.1, x.2).cmp(&(y.1, y.2))));
            let v: String = list.iter().take(MAX_PER_KEY).flat_map(|&(_, a, b)| [a, b]).collect();
            total += k.len() + v.len() + 6;
            (k, v)
        })
        .collect();
    let shards = shard_count(total);
    let mut maps: Vec<serde_json::Map<String, serde_json::Value>> = (0..shards).map(|_| serde_json::Map::new()).collect();
    for (k, v) in entries {
        let i = (fnv1a32(&k) % shards) as usize;
        maps[i].insert(k, serde_json::Value::String(v));
    }
    let files = maps
        .into_iter()
        .enumerate()
        .map(|(i, m)| IndexFile { path: format!("p/k{i}.json"), bytes: serde_json::Value::Object(m).to_string().into_bytes() })
        .collect();
    (shards, files)
}
