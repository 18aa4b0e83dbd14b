//! Full-text search for fanzha sites, built at site-build time and served as static
//! JSON files. Readers — many elderly, on phones — must find the right warning page
//! from the word they know (杀猪盘, 帐户, a mistyped 刷单反利) without a server and
//! without downloading a big index, so the index is split: a small manifest, term
//! shards holding compact score-ready posting lists, pinyin tables for the homophone
//! fallback, and one small result file per page. `search.js` is the matching client;
//! `NOTES.md` describes the format in full.

pub mod postings;
pub mod tokenize;

mod docs;
mod phonetic;
mod terms;

pub use docs::EXCERPT_CHARS;
pub use terms::fnv1a32;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, HashMap};
use std::hash::BuildHasherDefault;
use terms::Key;
use tokenize::Kind;

/// One page to index.
#[derive(Debug, Clone, Default, PartialEq, Hash, Serialize, Deserialize)]
pub struct SearchDoc {
    /// Site-relative URL, e.g. "/fraud/task-rebate/" (the client prefixes the site root).
    pub url: String,
    pub title: String,
    /// Display label: "诈骗类型" | "法律条文" | "案例" | "指南" | "专题" | "明白纸" | "页面".
    pub section: String,
    /// Colloquial aliases from front matter (杀猪盘, 做任务, 帮信罪 …): boosted.
    pub keywords: Vec<String>,
    /// h2/h3 texts.
    pub headings: Vec<String>,
    /// Plain text of the page body, paragraphs separated by '\n'.
    pub body: String,
    /// Facet slugs, e.g. ["task-rebate"].
    pub fraud_types: Vec<String>,
    /// Facet slugs, e.g. ["students"].
    pub audiences: Vec<String>,
    /// Some(31) for the page of article 31 of the law.
    pub law_article: Option<u32>,
    /// "2024-05-01" for cases.
    pub date: Option<String>,
}

/// Build options.
#[derive(Debug, Clone, Default)]
pub struct SearchOptions {
    /// Facet slug → Chinese title, for both facets.
    pub facet_labels: BTreeMap<String, String>,
}

/// One output file, `path` relative to `public/search/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// Version of the on-disk format, checked by the client.
pub const FORMAT_VERSION: u32 = 1;
/// Posting strings longer than this get a file of their own.
pub const HEAVY_CHARS: usize = 512;
/// Aimed-for size of a term or pinyin-key shard, in bytes.
const SHARD_TARGET: usize = 1024;
const MAX_SHARDS: u32 = 1024;

/// Shards for `total` bytes of entries: a power of two, 1..=1024.
pub(crate) fn shard_count(total: usize) -> u32 {
    let want = total.div_ceil(SHARD_TARGET).max(1);
    (want.next_power_of_two().min(MAX_SHARDS as usize)) as u32
}

/// Builds all index files; same input → byte-identical output, sorted by path.
pub fn build_index(docs: &[SearchDoc], opts: &SearchOptions) -> Vec<IndexFile> {
    let ordered = docs::order(docs);
    let n = ordered.docs.len();
    let analysed: Vec<Analysed> = ordered.docs.par_iter().map(|d| analyse(d)).collect();
    let avgdl = analysed.iter().map(|a| f64::from(a.len)).sum::<f64>() / n.max(1) as f64;
    let mut words: HashMap<Key, String> = HashMap::new();
    for a in &analysed {
        words.extend(a.words.iter().cloned());
    }
    let inverted = invert(analysed, avgdl);
    let named: Vec<(String, TermOut)> = inverted.into_iter().filter_map(|t| terms::text(t.key, &words).map(|s| (s, t))).collect();
    let bigrams: Vec<(char, char, usize)> = named.iter().filter_map(|(_, t)| terms::bigram_chars(t.key).map(|(a, b)| (a, b, t.df))).collect();
    // The four groups of files are independent and each has sequential stretches: build them side by side.
    let data_files = || ordered.docs.par_iter().enumerate().map(|(i, d)| docs::data_file(i, d)).collect::<Vec<_>>();
    let ((term_shards, mut files), ((key_shards, key_files), (readings, data))) =
        rayon::join(|| term_files(named), || rayon::join(|| phonetic::key_files(&bigrams), || rayon::join(phonetic::reading_files, data_files)));
    files.extend(key_files);
    files.extend(readings);
    files.extend(data);
    files.push(manifest(&ordered, opts, term_shards, key_shards));
    files.par_sort_by(|a, b| a.path.cmp(&b.path));
    files
}

fn manifest(ordered: &docs::Ordered<'_>, opts: &SearchOptions, ts: u32, ps: u32) -> IndexFile {
    let mut labels = Map::new();
    for slug in ordered.fraud_types.iter().chain(&ordered.audiences) {
        if let Some(l) = opts.facet_labels.get(slug) {
            labels.insert(slug.clone(), json!(l));
        }
    }
    let m = json!({
        "v": FORMAT_VERSION,
        "n": ordered.docs.len(),
        "ts": ts,
        "ps": ps,
        "pr": [phonetic::TABLE_FIRST, phonetic::TABLE_LAST, phonetic::TABLE_CHUNK],
        "w": postings::level_weights(),
        "ft": ordered.fraud_types,
        "au": ordered.audiences,
        "lb": labels,
        "runs": docs::runs_string(ordered),
        "law": docs::law_map(ordered),
    });
    IndexFile { path: "manifest.json".into(), bytes: m.to_string().into_bytes() }
}

struct Analysed {
    /// (term, counts per field), sorted by term.
    tfs: Vec<(Key, postings::FieldTf)>,
    /// Body length for BM25: Han characters plus words.
    len: u32,
    words: Vec<(Key, String)>,
    /// Page-kind prior: see `section_prior`.
    prior: f64,
}

/// How much a page of this section is worth at equal relevance. The reference pages a resident
/// is looking for (a fraud type, a guide, a topic) come before the case notes that illustrate
/// them, and the law before cases; printable leaflets repeat their page in short, so they trail.
pub fn section_prior(section: &str) -> f64 {
    match section {
        "诈骗类型" | "指南" | "专题" => 1.3,
        "法律条文" => 1.1,
        "明白纸" => 0.8,
        _ => 1.0,
    }
}

const F_TITLE: u64 = 0;
const F_KEYWORDS: u64 = 1;
const F_HEADINGS: u64 = 2;
const F_BODY: u64 = 3;

/// Pushes `key << 2 | field` for each occurrence; returns the text's length.
fn collect(text: &str, field: u64, occ: &mut Vec<u64>, words: &mut Vec<(Key, String)>) -> u32 {
    let mut len = 0u32;
    terms::visit_occurrences(text, |k, w| {
        occ.push(k << 2 | field);
        if terms::kind(k) != Kind::Dict {
            len = len.saturating_add(1);
        }
        if let Some(w) = w {
            words.push((k, w.to_string()));
        }
    });
    len
}

fn add(tf: &mut postings::FieldTf, field: u64, count: u16) {
    let slot = match field {
        F_TITLE => &mut tf.title,
        F_KEYWORDS => &mut tf.keywords,
        F_HEADINGS => &mut tf.headings,
        _ => &mut tf.body,
    };
    *slot = slot.saturating_add(count);
}

/// One page's terms with their counts per field.
fn analyse(doc: &SearchDoc) -> Analysed {
    // One integer sort of `key << 2 | field` groups the occurrences by term.
    let mut occ: Vec<u64> = Vec::with_capacity(doc.body.len() / 2 + 64);
    let mut words = Vec::new();
    collect(&doc.title, F_TITLE, &mut occ, &mut words);
    for k in &doc.keywords {
        collect(k, F_KEYWORDS, &mut occ, &mut words);
    }
    for h in &doc.headings {
        collect(h, F_HEADINGS, &mut occ, &mut words);
    }
    let len = collect(&doc.body, F_BODY, &mut occ, &mut words);
    occ.sort_unstable();
    let mut tfs = Vec::new();
    let mut starts: Vec<(Key, postings::FieldTf)> = Vec::new();
    for group in occ.chunk_by(|a, b| a >> 2 == b >> 2) {
        let key = group[0] >> 2;
        let mut tf = postings::FieldTf::default();
        for &o in group {
            add(&mut tf, o & 3, 1);
        }
        if let Some((a, _)) = terms::bigram_chars(key) {
            let first = terms::unigram(a);
            if starts.last().is_none_or(|s| s.0 != first) {
                starts.push((first, postings::FieldTf::default()));
            }
            if let Some(s) = starts.last_mut() {
                s.1 = s.1.plus(tf);
            }
        }
        tfs.push((key, tf));
    }
    merge_unigrams(&mut tfs, starts);
    words.sort();
    words.dedup();
    Analysed { tfs, len, words, prior: section_prior(&doc.section) }
}

/// Adds the unigrams implied by bigrams (`starts`: first char → summed counts,
/// by char) to the run-end unigrams already in `tfs`, keeping `tfs` sorted.
fn merge_unigrams(tfs: &mut Vec<(Key, postings::FieldTf)>, starts: Vec<(Key, postings::FieldTf)>) {
    let split = tfs.partition_point(|t| terms::kind(t.0) == Kind::Unigram);
    let rest = tfs.split_off(split);
    let ends = std::mem::take(tfs);
    let (mut i, mut j) = (0, 0);
    while i < ends.len() || j < starts.len() {
        let next = match (ends.get(i), starts.get(j)) {
            (Some(e), Some(s)) if e.0 == s.0 => {
                i += 1;
                j += 1;
                (e.0, e.1.plus(s.1))
            }
            (Some(e), Some(s)) if e.0 < s.0 => {
                i += 1;
                *e
            }
            (Some(e), None) => {
                i += 1;
                *e
            }
            (_, Some(s)) => {
                j += 1;
                *s
            }
            (None, None) => break,
        };
        tfs.push(next);
    }
    tfs.extend(rest);
}

struct TermOut {
    key: Key,
    df: usize,
    idf: u32,
    enc: String,
}

/// Turns per-page term lists into per-term posting lists: pages are scattered
/// into 256 buckets by term (in chunks, in parallel), then each bucket is grouped
/// by term and encoded on its own.
fn invert(analysed: Vec<Analysed>, avgdl: f64) -> Vec<TermOut> {
    const CHUNK: usize = 512;
    let n = analysed.len();
    // Owned chunks, so each page's term list is freed as soon as it is scattered.
    let mut chunks: Vec<Vec<Analysed>> = Vec::new();
    let mut rest = analysed.into_iter();
    loop {
        let chunk: Vec<Analysed> = rest.by_ref().take(CHUNK).collect();
        if chunk.is_empty() {
            break;
        }
        chunks.push(chunk);
    }
    let scattered: Vec<Vec<Vec<(Key, u32, u8)>>> = chunks.into_par_iter().enumerate().map(|(c, docs)| scatter(&docs, c * CHUNK, avgdl)).collect();
    (0..256usize)
        .into_par_iter()
        .flat_map_iter(|b| {
            let hits = scattered.iter().flat_map(|chunk| chunk[b].iter());
            encode_bucket(hits, n)
        })
        .collect()
}

/// (term, doc id, level) of each posting of `docs`, by build bucket.
fn scatter(docs: &[Analysed], first: usize, avgdl: f64) -> Vec<Vec<(Key, u32, u8)>> {
    let mut sizes = [0usize; 256];
    for a in docs {
        for &(k, _) in &a.tfs {
            sizes[usize::from(terms::bucket(k))] += 1;
        }
    }
    let mut buckets: Vec<Vec<(Key, u32, u8)>> = sizes.iter().map(|&s| Vec::with_capacity(s)).collect();
    for (i, a) in docs.iter().enumerate() {
        let doc = (first + i) as u32;
        let dl = f64::from(a.len);
        for &(k, tf) in &a.tfs {
            let level = postings::quantise(a.prior * postings::strength(tf, dl, avgdl));
            buckets[usize::from(terms::bucket(k))].push((k, doc, level));
        }
    }
    buckets
}

/// Groups a bucket's hits (in doc order) by term with a counting sort.
fn encode_bucket<'a>(hits: impl Iterator<Item = &'a (Key, u32, u8)>, n: usize) -> Vec<TermOut> {
    let mut ids: HashMap<Key, usize, BuildHasherDefault<terms::KeyHasher>> = HashMap::default();
    let mut counts: Vec<usize> = Vec::new();
    let mut term_of: Vec<(usize, u32, u8)> = Vec::new();
    for h in hits {
        let id = *ids.entry(h.0).or_insert(counts.len());
        if id == counts.len() {
            counts.push(0);
        }
        counts[id] += 1;
        term_of.push((id, h.1, h.2));
    }
    let mut offsets = Vec::with_capacity(counts.len());
    let mut acc = 0;
    for c in &counts {
        offsets.push(acc);
        acc += c;
    }
    let mut fill = offsets.clone();
    let mut arena = vec![(0u32, 0u8); term_of.len()];
    for (id, doc, level) in term_of {
        arena[fill[id]] = (doc, level);
        fill[id] += 1;
    }
    let mut keys: Vec<(Key, usize)> = ids.into_iter().collect();
    keys.sort_unstable();
    keys.into_iter()
        .map(|(key, id)| {
            let list = &arena[offsets[id]..offsets[id] + counts[id]];
            let mut enc = String::with_capacity(list.len() + list.len() / 2);
            postings::encode(list, &mut enc);
            TermOut { key, df: list.len(), idf: postings::idf_milli(n, list.len()), enc }
        })
        .collect()
}

/// Writes `t/{shard}.json` (term → `[idf‰, postings]`, or `[idf‰, k]` for a heavy
/// term whose postings are the JSON string in `t/{shard}-{k}.json`).
fn term_files(named: Vec<(String, TermOut)>) -> (u32, Vec<IndexFile>) {
    let light: usize = named.iter().filter(|(_, t)| t.enc.len() <= HEAVY_CHARS).map(|(s, t)| s.len() + t.enc.len() + 14).sum();
    let shards = shard_count(light);
    let mut by_shard: Vec<Vec<(String, TermOut)>> = (0..shards).map(|_| Vec::new()).collect();
    for (s, t) in named {
        by_shard[(fnv1a32(&s) % shards) as usize].push((s, t));
    }
    let files = by_shard
        .into_par_iter()
        .enumerate()
        .flat_map_iter(|(i, mut list)| {
            list.sort_by(|a, b| a.0.cmp(&b.0));
            shard_files(i, list)
        })
        .collect();
    (shards, files)
}

fn shard_files(i: usize, list: Vec<(String, TermOut)>) -> Vec<IndexFile> {
    let mut files = Vec::new();
    let mut m = Map::new();
    for (s, t) in list {
        if t.enc.len() > HEAVY_CHARS {
            let k = files.len();
            files.push(IndexFile { path: format!("t/{i}-{k}.json"), bytes: Value::String(t.enc).to_string().into_bytes() });
            m.insert(s, json!([t.idf, k]));
        } else {
            m.insert(s, json!([t.idf, t.enc]));
        }
    }
    files.push(IndexFile { path: format!("t/{i}.json"), bytes: Value::Object(m).to_string().into_bytes() });
    files
}
