//! Page order, facet runs and the per-page result files. Doc ids are positions in
//! one deterministic order — by facet signature (the page's set of fraud types and
//! audiences), then url — so all pages sharing a signature have consecutive ids.
//! The manifest then describes every page's facets with one entry per *run* of
//! equal signatures (a few dozen on a real site, however many pages), and the
//! client counts and filters facets for thousands of hits without downloading
//! anything per page. Only the top results' `d/{id}.json` files are fetched.

use super::{postings, IndexFile, SearchDoc};
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, BTreeSet};

/// Body characters kept in a page's result file for snippets.
pub const EXCERPT_CHARS: usize = 1000;

/// A page's fraud type and audience indices.
type Signature = (Vec<u32>, Vec<u32>);

/// Pages in doc-id order, with the facet vocabularies and runs.
pub struct Ordered<'a> {
    pub docs: Vec<&'a SearchDoc>,
    pub fraud_types: Vec<String>,
    pub audiences: Vec<String>,
    /// (first doc id, fraud type indices, audience indices)
    pub runs: Vec<(u32, Vec<u32>, Vec<u32>)>,
}

fn indices(values: &[String], vocab: &[String]) -> Vec<u32> {
    let set: BTreeSet<u32> = values.iter().filter_map(|v| vocab.binary_search(v).ok().map(|i| i as u32)).collect();
    set.into_iter().collect()
}

/// Orders pages by (facet signature, url, input position) and finds the runs.
pub fn order(docs: &[SearchDoc]) -> Ordered<'_> {
    let vocab = |f: fn(&SearchDoc) -> &Vec<String>| -> Vec<String> {
        let set: BTreeSet<&String> = docs.iter().flat_map(f).collect();
        set.into_iter().cloned().collect()
    };
    let fraud_types = vocab(|d| &d.fraud_types);
    let audiences = vocab(|d| &d.audiences);
    let mut keyed: Vec<(Signature, &str, usize)> = docs
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let sig = (indices(&d.fraud_types, &fraud_types), indices(&d.audiences, &audiences));
            (sig, d.url.as_str(), i)
        })
        .collect();
    keyed.sort();
    let mut runs: Vec<(u32, Vec<u32>, Vec<u32>)> = Vec::new();
    for (id, (sig, _, _)) in keyed.iter().enumerate() {
        let same = runs.last().is_some_and(|r| r.1 == sig.0 && r.2 == sig.1);
        if !same {
            runs.push((id as u32, sig.0.clone(), sig.1.clone()));
        }
    }
    Ordered { docs: keyed.iter().map(|k| &docs[k.2]).collect(), fraud_types, audiences, runs }
}

/// The body text kept for snippets: trimmed non-empty lines, at most
/// [`EXCERPT_CHARS`] characters.
pub fn excerpt(body: &str) -> String {
    let mut out = String::new();
    let mut left = EXCERPT_CHARS;
    for line in body.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if left == 0 {
            break;
        }
        if !out.is_empty() {
            out.push('\n');
            left = left.saturating_sub(1);
        }
        let cut = line.char_indices().nth(left).map_or(line.len(), |(i, _)| i);
        out.push_str(&line[..cut]);
        left = left.saturating_sub(line[..cut].chars().count());
    }
    out
}

/// The result file `d/{id}.json` of a page.
pub fn data_file(id: usize, d: &SearchDoc) -> IndexFile {
    let mut m = Map::new();
    m.insert("a".into(), json!(d.audiences));
    if let Some(date) = &d.date {
        m.insert("d".into(), json!(date));
    }
    m.insert("f".into(), json!(d.fraud_types));
    m.insert("s".into(), json!(d.section));
    m.insert("t".into(), json!(d.title));
    m.insert("u".into(), json!(d.url));
    m.insert("x".into(), json!(excerpt(&d.body)));
    IndexFile { path: format!("d/{id}.json"), bytes: Value::Object(m).to_string().into_bytes() }
}

/// Law article number → doc id (the first page claiming it).
pub fn law_map(ordered: &Ordered<'_>) -> Map<String, Value> {
    let mut law: BTreeMap<u32, usize> = BTreeMap::new();
    for (id, d) in ordered.docs.iter().enumerate() {
        if let Some(a) = d.law_article {
            law.entry(a).or_insert(id);
        }
    }
    law.into_iter().map(|(a, id)| (a.to_string(), json!(id))).collect()
}

/// The runs for the manifest, as integers in the posting digit scheme: for each
/// run, its first id minus the previous run's, the number of fraud types and
/// their indices, the number of audiences and their indices.
pub fn runs_string(ordered: &Ordered<'_>) -> String {
    let mut out = String::new();
    let mut prev = 0u32;
    for (start, f, a) in &ordered.runs {
        let mut v: Vec<u64> = vec![u64::from(start - prev), f.len() as u64];
        v.extend(f.iter().map(|&x| u64::from(x)));
        v.push(a.len() as u64);
        v.extend(a.iter().map(|&x| u64::from(x)));
        postings::encode_uints(v, &mut out);
        prev = *start;
    }
    out
}
