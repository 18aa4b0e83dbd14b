//! The bundled content meets the content brief: the counts, the minimum lengths, every case's
//! fields and sections, no personal data, and every guide and topic linked both ways.

mod common;

use std::collections::BTreeMap;

use common::*;

const SIX: [&str; 6] = ["task-rebate", "fake-investment", "fake-loan", "fake-shopping", "fake-customer-service", "impersonation"];
const MORE: [&str; 5] = ["impersonate-police", "game-trading", "romance-scam", "fake-credit", "ai-deepfake"];

struct Doc {
    name: String,
    fm: BTreeMap<String, toml::Value>,
    body: String,
}

fn docs(section: &str) -> Vec<Doc> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(repo().join("content").join(section)).expect("section") {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        if !name.ends_with(".md") || name == "_index.md" {
            continue;
        }
        let text = std::fs::read_to_string(&p).unwrap();
        let mut parts = text.splitn(3, "+++\n");
        parts.next();
        let fm = toml::from_str(parts.next().expect("front matter")).unwrap_or_else(|e| panic!("{name}: {e}"));
        out.push(Doc { name: name.trim_end_matches(".md").into(), fm, body: parts.next().unwrap_or("").into() });
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

fn han(s: &str) -> usize {
    s.chars().filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c)).count()
}

fn list(d: &Doc, key: &str) -> Vec<String> {
    d.fm.get(key)
        .and_then(|v| v.as_array())
        .map(|a| a.iter().map(|x| x.as_str().map_or_else(|| x.to_string(), String::from)).collect())
        .unwrap_or_default()
}

#[test]
fn fraud_types_six_first_plus_more_with_sections_and_keywords() {
    let fraud = docs("fraud");
    for slug in SIX.iter().chain(MORE.iter()) {
        let d = fraud.iter().find(|d| d.name == *slug).unwrap_or_else(|| panic!("fraud/{slug}.md missing"));
        let n = han(&d.body);
        assert!((1500..=3000).contains(&n), "{slug}: {n} Han characters");
        for h in ["## 典型手法", "## 识别要点", "## 防范建议", "## 已经转账怎么办", "## 易受骗人群", "## 相关法律"] {
            assert!(d.body.contains(h), "{slug} lacks {h}");
        }
        assert!(list(d, "keywords").len() >= 3, "{slug} needs colloquial keywords");
        assert!(d.body.contains("- [ ] "), "{slug}: red flags should be a checklist");
    }
    let weight = |s: &str| fraud.iter().find(|d| d.name == s).unwrap().fm["weight"].as_integer().unwrap();
    let max_six = SIX.iter().map(|s| weight(s)).max().unwrap();
    assert!(MORE.iter().all(|s| weight(s) > max_six), "the six must list first");
}

#[test]
fn cases_are_enough_complete_and_labelled() {
    let cases = docs("cases");
    assert!(cases.len() >= 30, "only {} cases", cases.len());
    let mut per_type: BTreeMap<String, usize> = BTreeMap::new();
    let mut per_audience: BTreeMap<String, usize> = BTreeMap::new();
    for d in &cases {
        for key in ["title", "date", "summary", "fraud_types", "audiences", "law_articles", "region", "source", "loss"] {
            assert!(d.fm.contains_key(key), "case {} lacks {key}", d.name);
        }
        for h in ["## 案情经过", "## 手法分析", "## 警方提示"] {
            assert!(d.body.contains(h), "case {} lacks {h}", d.name);
        }
        assert!(d.body.contains("改编自典型案例"), "case {} is not labelled as adapted", d.name);
        let n = han(&d.body);
        assert!((600..=1500).contains(&n), "case {}: {n} Han characters", d.name);
        for t in list(d, "fraud_types") {
            *per_type.entry(t).or_default() += 1;
        }
        for a in list(d, "audiences") {
            *per_audience.entry(a).or_default() += 1;
        }
    }
    for s in SIX {
        assert!(per_type.get(s).copied().unwrap_or(0) >= 4, "{s}: {:?}", per_type.get(s));
    }
    for s in MORE {
        assert!(per_type.get(s).copied().unwrap_or(0) >= 1, "{s} has no case");
    }
    for a in ["students", "elderly", "accountants", "enterprises", "rural", "families"] {
        assert!(per_audience.contains_key(a), "no case for audience {a}");
    }
}

#[test]
fn guides_topics_leaflets_and_law_notes_exist() {
    let guides = docs("guides");
    for a in ["students", "elderly", "accountants", "enterprises", "rural", "families"] {
        let d = guides.iter().find(|d| d.name == a).unwrap_or_else(|| panic!("guides/{a}.md missing"));
        assert!(d.body.contains("- [ ] "), "guide {a} needs a checklist");
        if ["students", "elderly", "accountants"].contains(&a) {
            assert!(han(&d.body) > 2000, "guide {a}: {} Han characters", han(&d.body));
        }
    }
    let topics = docs("topics");
    for t in ["two-cards", "after-being-scammed", "tools"] {
        assert!(topics.iter().any(|d| d.name == t), "topics/{t}.md missing");
    }
    let leaflets = docs("leaflets");
    assert!(leaflets.len() >= 9);
    for l in &leaflets {
        assert!(list(l, "red_flags").len() <= 6 && list(l, "actions").len() == 3, "leaflet {}", l.name);
    }
    let notes = docs("law").into_iter().filter(|d| d.name.starts_with("article-")).count();
    assert!(notes >= 12, "only {notes} law articles have a 解读");
}

#[test]
fn no_personal_data_in_content() {
    let guard = fanzha::privacy::Guard::new(&[]);
    let mut checked = 0;
    for e in walkdir::WalkDir::new(repo().join("content")) {
        let e = e.unwrap();
        if e.path().extension().is_some_and(|x| x == "md") {
            let text = std::fs::read_to_string(e.path()).unwrap();
            let found = guard.scan(&text);
            assert!(found.is_empty(), "{}: {found:?}", e.path().display());
            checked += 1;
        }
    }
    assert!(checked >= 80, "only {checked} files scanned");
}

#[test]
fn guides_and_topics_link_both_ways() {
    let dir = TempDir::new("content");
    let mut opts = fanzha::Options::new(repo());
    opts.output = dir.path().join("out");
    fanzha::build(&opts).unwrap();
    let read = |rel: &str| std::fs::read_to_string(dir.path().join("out").join(rel).join("index.html")).unwrap();
    let home = read("");
    let guides_list = read("guides");
    let topics_list = read("topics");
    for a in ["students", "elderly", "accountants", "enterprises", "rural", "families"] {
        let href = format!("href=\"/fanzha/guides/{a}/\"");
        assert!(home.contains(&href) && guides_list.contains(&href), "guide {a} not linked from home and /guides/");
        let page = section(&read(&format!("guides/{a}")), "<main", "</main>").unwrap().to_string();
        assert!(page.contains("href=\"/fanzha/fraud/"), "guide {a} does not link to its fraud types");
    }
    for t in ["two-cards", "after-being-scammed", "tools"] {
        assert!(topics_list.contains(&format!("href=\"/fanzha/topics/{t}/\"")), "topic {t} not listed");
        let page = section(&read(&format!("topics/{t}")), "<main", "</main>").unwrap().to_string();
        assert!(page.contains("href=\"/fanzha/fraud/") || page.contains("href=\"/fanzha/guides/"), "topic {t} links nowhere back");
    }
    for s in SIX {
        let page = read(&format!("fraud/{s}"));
        assert!(page.contains("href=\"/fanzha/guides/"), "fraud type {s} lists no guide");
    }
}
