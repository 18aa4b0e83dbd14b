//! Tests of the index builder: determinism, the on-disk format as the client reads
//! it (manifest, term shards, heavy files, pinyin tables, result files), and that
//! posting lists and weights say what the pages say.

use fanzha::search::postings::{self, decode, encode, quantise, FieldTf};
use fanzha::search::{build_index, fnv1a32, IndexFile, SearchDoc, SearchOptions, EXCERPT_CHARS, HEAVY_CHARS};
use serde_json::Value;
use std::collections::BTreeMap;

fn fixture() -> (Vec<SearchDoc>, SearchOptions) {
    let raw = include_str!("search/fixture-docs.json");
    let v: Value = serde_json::from_str(raw).expect("fixture JSON");
    let docs: Vec<SearchDoc> = serde_json::from_value(v["docs"].clone()).expect("docs");
    let labels: BTreeMap<String, String> = serde_json::from_value(v["labels"].clone()).expect("labels");
    (docs, SearchOptions { facet_labels: labels })
}

fn json(files: &[IndexFile], path: &str) -> Value {
    let f = files.iter().find(|f| f.path == path).unwrap_or_else(|| panic!("no {path}"));
    serde_json::from_slice(&f.bytes).expect("file is JSON")
}

/// (doc id, level) postings of a term, found the way search.js finds them.
fn postings_of(files: &[IndexFile], term: &str) -> Vec<(u32, u8)> {
    let ts = json(files, "manifest.json")["ts"].as_u64().expect("ts") as u32;
    let shard = fnv1a32(term) % ts;
    let entry = json(files, &format!("t/{shard}.json"))[term].clone();
    match &entry[1] {
        Value::String(s) => decode(s).expect("postings decode"),
        Value::Number(k) => {
            let heavy = json(files, &format!("t/{shard}-{k}.json"));
            decode(heavy.as_str().expect("heavy file is a string")).expect("decode")
        }
        _ => Vec::new(),
    }
}

fn urls_of(files: &[IndexFile], term: &str) -> Vec<String> {
    let mut urls: Vec<String> =
        postings_of(files, term).iter().map(|(d, _)| json(files, &format!("d/{d}.json"))["u"].as_str().expect("u").to_string()).collect();
    urls.sort();
    urls
}

fn containing(docs: &[SearchDoc], needle: &str) -> Vec<String> {
    let mut urls: Vec<String> = docs
        .iter()
        .filter(|d| {
            let mut all = vec![d.title.clone(), d.body.clone()];
            all.extend(d.keywords.iter().cloned());
            all.extend(d.headings.iter().cloned());
            all.iter().any(|t| t.contains(needle))
        })
        .map(|d| d.url.clone())
        .collect();
    urls.sort();
    urls
}

fn level(files: &[IndexFile], term: &str, url: &str) -> u8 {
    postings_of(files, term).iter().find(|(d, _)| json(files, &format!("d/{d}.json"))["u"] == url).map_or(0, |p| p.1)
}

#[test]
fn output_is_deterministic_and_independent_of_input_order() {
    let (docs, opts) = fixture();
    let a = build_index(&docs, &opts);
    let b = build_index(&docs, &opts);
    assert_eq!(a, b);
    let mut rev = docs.clone();
    rev.reverse();
    assert_eq!(a, build_index(&rev, &opts));
    let paths: Vec<&str> = a.iter().map(|f| f.path.as_str()).collect();
    let mut sorted = paths.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(paths, sorted, "sorted, unique paths");
}

#[test]
fn postings_list_exactly_the_pages_containing_a_term() {
    let (docs, opts) = fixture();
    let files = build_index(&docs, &opts);
    for term in ["刷单", "诈骗", "骗", "条", "96110", "安全账户", "杀猪盘", "任务"] {
        assert_eq!(urls_of(&files, term), containing(&docs, term), "{term}");
    }
    assert_eq!(urls_of(&files, "app"), ["/cases/2024-005/"], "full-width and ASCII APP are one term");
    assert!(urls_of(&files, "账户").contains(&"/cases/2024-002/".to_string()), "帐户 is indexed as 账户");
}

#[test]
fn fields_are_weighted_title_keywords_headings_body() {
    let mk = |title: &str, kw: &[&str], head: &[&str], body: &str, url: &str| SearchDoc {
        url: url.into(),
        title: title.into(),
        keywords: kw.iter().map(|s| s.to_string()).collect(),
        headings: head.iter().map(|s| s.to_string()).collect(),
        body: body.into(),
        ..SearchDoc::default()
    };
    let filler = "今天天气很好我们一起去公园散步";
    let docs = vec![
        mk("被骗", &[], &[], filler, "/a/"),
        mk(filler, &["被骗"], &[], filler, "/b/"),
        mk(filler, &[], &["被骗"], filler, "/c/"),
        mk(filler, &[], &[], &format!("{filler}被骗"), "/d/"),
    ];
    let files = build_index(&docs, &SearchOptions::default());
    for term in ["被骗", "被", "骗"] {
        let l: Vec<u8> = ["/a/", "/b/", "/c/", "/d/"].iter().map(|u| level(&files, term, u)).collect();
        assert!(l[0] > l[1] && l[1] > l[2] && l[2] > l[3] && l[3] > 0, "{term}: {l:?}");
    }
}

#[test]
fn keyword_beats_body_mentions() {
    let (docs, opts) = fixture();
    let files = build_index(&docs, &opts);
    assert!(level(&files, "杀猪盘", "/fraud/romance/") > level(&files, "杀猪盘", "/cases/2024-003/"));
    assert!(level(&files, "帮信罪", "/topics/two-cards/") > level(&files, "帮信罪", "/cases/2024-004/"));
}

#[test]
fn manifest_holds_facets_law_and_weights_but_no_pages() {
    let (docs, opts) = fixture();
    let files = build_index(&docs, &opts);
    let m = json(&files, "manifest.json");
    assert_eq!(m["v"], 1);
    assert_eq!(m["n"], docs.len());
    let law31 = m["law"]["31"].as_u64().expect("article 31");
    assert_eq!(json(&files, &format!("d/{law31}.json"))["u"], "/law/article-31/");
    assert_eq!(m["lb"]["task-rebate"], "刷单返利");
    assert_eq!(m["w"].as_array().map(Vec::len), Some(postings::LEVELS as usize));
    assert!(m["ft"].as_array().expect("ft").iter().any(|s| s == "romance"));
    let text = m.to_string();
    assert!(!text.contains("刷单返利类诈骗"), "no titles in the manifest");
}

fn synthetic(n: usize) -> Vec<SearchDoc> {
    let ft = ["task-rebate", "fake-loan", "fake-investment"];
    let au = ["students", "elderly"];
    (0..n)
        .map(|i| SearchDoc {
            url: format!("/cases/{i:05}/"),
            title: format!("案例{i}：刷单返利诈骗"),
            section: "案例".into(),
            body: format!("受害人第{i}次转账到安全账户，损失{i}元。诈骗分子要求先垫付。"),
            fraud_types: vec![ft[i % 3].to_string()],
            audiences: vec![au[i % 2].to_string()],
            date: Some("2024-05-01".into()),
            ..SearchDoc::default()
        })
        .collect()
}

#[test]
fn manifest_does_not_grow_with_pages() {
    let small = build_index(&synthetic(60), &SearchOptions::default());
    let big = build_index(&synthetic(3000), &SearchOptions::default());
    let size = |f: &[IndexFile]| f.iter().find(|f| f.path == "manifest.json").map_or(0, |f| f.bytes.len());
    assert!(size(&big) < size(&small) + 16, "{} vs {}", size(&big), size(&small));
    assert!(size(&big) < 1024);
}

#[test]
fn frequent_terms_get_their_own_file() {
    let files = build_index(&synthetic(3000), &SearchOptions::default());
    let m = json(&files, "manifest.json");
    let ts = m["ts"].as_u64().expect("ts") as u32;
    let shard = json(&files, &format!("t/{}.json", fnv1a32("诈骗") % ts));
    assert!(shard["诈骗"][1].is_u64(), "heavy entry points to a file");
    assert_eq!(postings_of(&files, "诈骗").len(), 3000);
    for f in files.iter().filter(|f| f.path.starts_with("t/") && !f.path.contains('-')) {
        let v: Value = serde_json::from_slice(&f.bytes).expect("shard JSON");
        for (_, e) in v.as_object().expect("object") {
            if let Some(s) = e[1].as_str() {
                assert!(s.len() <= HEAVY_CHARS);
            }
        }
    }
}

#[test]
fn facet_runs_cover_all_pages_in_id_order() {
    let docs = synthetic(30);
    let files = build_index(&docs, &SearchOptions::default());
    let m = json(&files, "manifest.json");
    let runs = m["runs"].as_str().expect("runs string");
    let mut nums = Vec::new();
    // The run string uses the same digits as postings; decode as gap-1/level pairs
    // would not apply, so read raw 5-bit groups here.
    let (mut v, mut shift) = (0u64, 0);
    for b in runs.bytes() {
        let d = postings::ALPHABET.iter().position(|&a| a == b).expect("digit") as u64;
        v |= (d & 31) << shift;
        shift += 5;
        if d < 32 {
            nums.push(v);
            v = 0;
            shift = 0;
        }
    }
    // 3 fraud types × 2 audiences = 6 signatures, 5 pages each.
    let mut k = 0;
    let mut starts = Vec::new();
    let mut start = 0;
    while k < nums.len() {
        start += nums[k];
        starts.push(start);
        let nf = nums[k + 1] as usize;
        let na = nums[k + 2 + nf] as usize;
        assert_eq!((nf, na), (1, 1));
        k += 3 + nf + na;
    }
    assert_eq!(starts, [0, 5, 10, 15, 20, 25]);
}

#[test]
fn result_files_hold_display_data_and_a_bounded_excerpt() {
    let (mut docs, opts) = fixture();
    docs[0].body = "长".repeat(5000);
    let files = build_index(&docs, &opts);
    let n = docs.len();
    for i in 0..n {
        let d = json(&files, &format!("d/{i}.json"));
        assert!(d["u"].as_str().is_some_and(|u| u.starts_with('/')));
        assert!(d["x"].as_str().expect("x").chars().count() <= EXCERPT_CHARS);
    }
    let esc = (0..n).map(|i| json(&files, &format!("d/{i}.json"))).find(|d| d["u"] == "/pages/escape-test/").expect("escape page");
    assert_eq!(esc["t"], "转义测试<script>alert(1)</script>", "stored raw; the client escapes");
    let case = (0..n).map(|i| json(&files, &format!("d/{i}.json"))).find(|d| d["u"] == "/cases/2024-001/").expect("case");
    assert_eq!(case["d"], "2024-05-01");
    assert_eq!(case["s"], "案例");
    assert_eq!(case["f"][0], "task-rebate");
}

#[test]
fn pinyin_tables_map_sounds_to_index_bigrams() {
    let (docs, opts) = fixture();
    let files = build_index(&docs, &opts);
    let m = json(&files, "manifest.json");
    let (first, chunk) = (m["pr"][0].as_u64().expect("pr"), m["pr"][2].as_u64().expect("pr"));
    let reading = |c: char| {
        let off = u64::from(c as u32) - first;
        json(&files, &format!("p/c{}.json", off / chunk))[(off % chunk) as usize].as_str().expect("reading").to_string()
    };
    assert_eq!(reading('返'), "fan");
    assert_eq!(reading('反'), "fan");
    let chang = reading('长');
    assert!(chang.contains("chang") && chang.contains("zhang"), "{chang}");
    let ps = m["ps"].as_u64().expect("ps") as u32;
    let key = json(&files, &format!("p/k{}.json", fnv1a32("fanli") % ps));
    assert!(key["fanli"].as_str().expect("fanli").contains("返利"));
    let key = json(&files, &format!("p/k{}.json", fnv1a32("maochong") % ps));
    assert!(key["maochong"].as_str().expect("maochong").contains("冒充"));
}

#[test]
fn odd_input_does_not_panic() {
    let odd = SearchDoc {
        url: String::new(),
        title: "🙂".repeat(1000),
        body: format!("{}{}{}", "，".repeat(50_000), "a".repeat(10_000), "𠮷".repeat(3000)),
        keywords: vec![String::new(), "<script>".into()],
        fraud_types: vec!["x".into(), "x".into()],
        law_article: Some(u32::MAX),
        ..SearchDoc::default()
    };
    let files = build_index(&[odd.clone(), odd], &SearchOptions::default());
    assert!(files.iter().any(|f| f.path == "manifest.json"));
    let empty = build_index(&[], &SearchOptions::default());
    let m = json(&empty, "manifest.json");
    assert_eq!(m["n"], 0);
}

#[test]
fn postings_round_trip_and_levels_are_monotonic() {
    let list = vec![(0u32, 1u8), (1, 15), (2, 7), (40, 3), (41, 3), (100_000, 9)];
    let mut s = String::new();
    encode(&list, &mut s);
    assert_eq!(decode(&s), Some(list));
    assert_eq!(s.len(), 1 + 1 + 1 + 2 + 1 + 5);
    assert_eq!(decode("!"), None);
    assert_eq!(decode("g"), None, "dangling continuation digit");
    let mut prev = 0;
    for i in 0..200 {
        let q = quantise(f64::from(i) / 10.0);
        assert!(q >= prev && (1..=15).contains(&q));
        prev = q;
    }
    let body = |tf: u16| postings::strength(FieldTf { body: tf, ..FieldTf::default() }, 100.0, 100.0);
    assert!(body(1) < body(3) && body(3) < body(30) && body(30) < postings::K1 + 1.0);
}
