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
use std::collections::HashMap;

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

/// A pinyin key (two readings concatenated, at most 14 bytes) packed into a zero-padded array, so
/// that keys compare like their strings and sorting hundreds of thousands of them allocates nothing.
type PackedKey = [u8; 16];

fn pack(a: &str, b: &str) -> PackedKey {
    let mut k = [0u8; 16];
    k[..a.len()].copy_from_slice(a.as_bytes());
    k[a.len()..a.len() + b.len()].copy_from_slice(b.as_bytes());
    k
}

fn unpack(k: &PackedKey) -> &str {
    let len = k.iter().position(|&b| b == 0).unwrap_or(k.len());
    std::str::from_utf8(&k[..len]).expect("packed from two &str")
}

/// The key files `p/k{i}.json` for the index's bigrams `(a, b, df)`; returns
/// the number of key shards and the files.
pub fn key_files(bigrams: &[(char, char, usize)]) -> (u32, Vec<IndexFile>) {
    // Readings once per distinct character, not once per bigram.
    let mut chars: Vec<char> = bigrams.iter().flat_map(|&(a, b, _)| [a, b]).collect();
    chars.par_sort_unstable();
    chars.dedup();
    let table: HashMap<char, Vec<&'static str>> = chars.par_iter().map(|&c| (c, readings(c))).collect();
    // (key, most frequent first, then by characters): one sort groups the keys and orders each group.
    let mut hits: Vec<(PackedKey, std::cmp::Reverse<usize>, char, char)> = bigrams
        .par_iter()
        .flat_map_iter(|&(a, b, df)| {
            let (ra, rb) = (&table[&a], &table[&b]);
            let mut keys: Vec<PackedKey> = ra.iter().flat_map(|x| rb.iter().map(move |y| pack(x, y))).collect();
            keys.sort_unstable();
            keys.dedup();
            keys.into_iter().map(move |k| (k, std::cmp::Reverse(df), a, b))
        })
        .collect();
    hits.par_sort_unstable();
    let mut entries: Vec<(&str, String)> = Vec::new();
    let mut total = 0usize;
    for group in hits.chunk_by(|x, y| x.0 == y.0) {
        let k = unpack(&group[0].0);
        let v: String = group.iter().take(MAX_PER_KEY).flat_map(|&(_, _, a, b)| [a, b]).collect();
        total += k.len() + v.len() + 6;
        entries.push((k, v));
    }
    let shards = shard_count(total);
    let mut maps: Vec<Vec<(&str, String)>> = (0..shards).map(|_| Vec::new()).collect();
    for (k, v) in entries {
        maps[(fnv1a32(k) % shards) as usize].push((k, v));
    }
    // Keys arrive in sorted order, so each shard is already sorted: a JSON object as the client reads it.
    let files = maps
        .into_par_iter()
        .enumerate()
        .map(|(i, m)| {
            let mut out = String::with_capacity(m.iter().map(|(k, v)| k.len() + v.len() + 6).sum::<usize>() + 2);
            out.push('{');
            for (j, (k, v)) in m.iter().enumerate() {
                if j > 0 {
                    out.push(',');
                }
                // Keys are Latin letters and ü, values Han characters: nothing to escape in JSON.
                debug_assert!(!k.contains(['"', '\\']) && !v.contains(['"', '\\']));
                out.push('"');
                out.push_str(k);
                out.push_str("\":\"");
                out.push_str(v);
                out.push('"');
            }
            out.push('}');
            IndexFile { path: format!("p/k{i}.json"), bytes: out.into_bytes() }
        })
        .collect();
    (shards, files)
}
