//! End to end: builds the bundled site into a temp dir and checks the real output — the URL
//! contract, cross-references, internal links, sitemap, feed, and the law text against the
//! reference file, verbatim.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use common::*;

const ROOT: &str = "/fanzha/";

struct Built {
    _dir: TempDir,
    out: PathBuf,
}

fn built() -> &'static Built {
    static B: OnceLock<Built> = OnceLock::new();
    B.get_or_init(|| {
        let dir = TempDir::new("site");
        let out = dir.path().join("public");
        let mut opts = fanzha::Options::new(repo());
        opts.output = out.clone();
        opts.today = fanzha::model::Date::parse("2026-01-01");
        fanzha::build(&opts).unwrap_or_else(|e| panic!("bundled site must build:\n{e}"));
        Built { _dir: dir, out }
    })
}

fn page(url: &str) -> String {
    let rel = url.strip_prefix(ROOT).unwrap_or(url);
    let path = if rel.is_empty() || rel.ends_with('/') { built().out.join(rel).join("index.html") } else { built().out.join(rel) };
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{url} ({}) missing: {e}", path.display()))
}

fn main_of(url: &str) -> String {
    section(&page(url), "<main", "</main>").unwrap_or_else(|| panic!("{url} has no <main>")).to_string()
}

/// Front matter values of the bundled case files, read independently of the engine.
fn case_files() -> Vec<(String, BTreeMap<String, toml::Value>)> {
    let mut out = Vec::new();
    let dirs = ["content/cases", "sources/justice-bureau/cases"];
    for e in dirs.iter().flat_map(|d| std::fs::read_dir(repo().join(d)).expect("cases dir")) {
        let p = e.expect("entry").path();
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        if !name.ends_with(".md") || name.starts_with('_') {
            continue;
        }
        let text = std::fs::read_to_string(&p).expect("read");
        let fm = text.split("+++").nth(1).expect("front matter");
        let table: BTreeMap<String, toml::Value> = toml::from_str(fm).expect("toml");
        out.push((name.trim_end_matches(".md").to_string(), table));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

fn strings(v: Option<&toml::Value>) -> Vec<String> {
    v.and_then(|v| v.as_array()).map(|a| a.iter().filter_map(|x| x.as_str().map(String::from)).collect()).unwrap_or_default()
}

#[test]
fn every_contract_url_exists() {
    let mut urls: Vec<String> = vec![
        "",
        "law/",
        "cases/",
        "search/",
        "sitemap.xml",
        "cases/atom.xml",
        "robots.txt",
        "404.html",
        "fraud/",
        "guides/",
        "leaflets/",
        "leaflets/all/",
        "handbook/",
        "topics/two-cards/",
        "topics/after-being-scammed/",
        "topics/tools/",
        "law/criminal-law/",
    ]
    .into_iter()
    .map(|u| format!("{ROOT}{u}"))
    .collect();
    for slug in ["task-rebate", "fake-investment", "fake-loan", "fake-shopping", "fake-customer-service", "impersonation"] {
        urls.push(format!("{ROOT}fraud/{slug}/"));
        urls.push(format!("{ROOT}leaflets/{slug}/"));
    }
    for a in ["students", "elderly", "accountants"] {
        urls.push(format!("{ROOT}guides/{a}/"));
        urls.push(format!("{ROOT}leaflets/{a}/"));
    }
    for n in 1..=50 {
        urls.push(format!("{ROOT}law/article-{n}/"));
    }
    for (slug, _) in case_files() {
        urls.push(format!("{ROOT}cases/{slug}/"));
    }
    for u in urls {
        let body = page(&u);
        assert!(!body.is_empty(), "{u} is empty");
    }
}

#[test]
fn fraud_pages_list_exactly_their_cases() {
    let cases = case_files();
    for slug in ["task-rebate", "fake-investment", "fake-loan", "fake-shopping", "fake-customer-service", "impersonation"] {
        let expected: BTreeSet<String> = cases
            .iter()
            .filter(|(_, fm)| strings(fm.get("fraud_types")).contains(&slug.to_string()))
            .map(|(s, _)| format!("{ROOT}cases/{s}/"))
            .collect();
        assert!(expected.len() >= 4, "{slug} has only {} cases", expected.len());
        let listed: BTreeSet<String> = attrs(&main_of(&format!("{ROOT}cases/fraud/{slug}/")), "href")
            .into_iter()
            .filter(|h| {
                h.starts_with(&format!("{ROOT}cases/"))
                    && h.matches('/').count() == 4
                    && !h.contains("/fraud/")
                    && !h.contains("/audience/")
                    && !h.contains("/source/")
            })
            .collect();
        assert_eq!(listed, expected, "/cases/fraud/{slug}/ lists the wrong cases");
        let fraud_page = main_of(&format!("{ROOT}fraud/{slug}/"));
        let on_page = expected.iter().filter(|u| fraud_page.contains(&format!("href=\"{u}\""))).count();
        assert_eq!(on_page, expected.len().min(8), "{slug} page should show its newest cases");
    }
}

#[test]
fn law_articles_list_what_cites_them() {
    for (slug, fm) in case_files() {
        for n in fm.get("law_articles").and_then(|v| v.as_array()).into_iter().flatten().filter_map(|v| v.as_integer()) {
            let href = format!("href=\"{ROOT}cases/{slug}/\"");
            let mut found = main_of(&format!("{ROOT}law/article-{n}/")).contains(&href);
            let mut k = 1;
            while !found && built().out.join(format!("cases/law/{n}/page/{k}")).exists() || k == 1 {
                let url = if k == 1 { format!("{ROOT}cases/law/{n}/") } else { format!("{ROOT}cases/law/{n}/page/{k}/") };
                found |= main_of(&url).contains(&href);
                k += 1;
            }
            assert!(found, "article {n} does not list case {slug}");
        }
    }
}

#[test]
fn guides_list_their_fraud_types_and_cases() {
    for a in ["students", "elderly", "accountants"] {
        let m = main_of(&format!("{ROOT}guides/{a}/"));
        assert!(m.contains(&format!("href=\"{ROOT}fraud/")), "{a} guide lists no fraud type");
        assert!(m.contains(&format!("href=\"{ROOT}cases/")), "{a} guide lists no case");
    }
}

#[test]
fn law_text_matches_the_reference_verbatim() {
    let reference = std::fs::read_to_string(repo().join("data/anti-telecom-fraud-law-2022.md")).expect("law");
    let shared = repo().join("../shared/reference/anti-telecom-fraud-law-2022.md");
    if let Ok(upstream) = std::fs::read_to_string(&shared) {
        assert_eq!(upstream, reference, "data/ copy of the law differs from ../shared/reference");
    }
    // An independent parse: an article starts a line with 第…条 and runs to the next one or a heading.
    let mut articles: Vec<Vec<String>> = Vec::new();
    let mut started = false;
    for line in reference.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if line.starts_with("## ") {
            started = true;
            continue;
        }
        if !started {
            continue;
        }
        let is_start = line.starts_with('第') && line.find('条').is_some_and(|i| i <= 16) && line.contains(' ');
        if is_start {
            let (_, rest) = line.split_once(' ').unwrap();
            articles.push(vec![rest.trim().to_string()]);
        } else if let Some(a) = articles.last_mut() {
            a.push(line.to_string());
        }
    }
    assert_eq!(articles.len(), 50);
    for (i, paras) in articles.iter().enumerate() {
        let url = format!("{ROOT}law/article-{}/", i + 1);
        let html = page(&url);
        let law = section(&html, "<section class=\"law-text\"", "</section>").unwrap_or_else(|| panic!("{url}: no law text"));
        let got: Vec<String> = law.split("<p>").skip(1).map(|p| unescape(p.split("</p>").next().unwrap_or(""))).collect();
        assert_eq!(&got, paras, "{url} differs from the reference");
    }
}

/// Maps a site href to the file that serves it.
fn file_for(out: &Path, href: &str) -> Option<PathBuf> {
    let rel = href.strip_prefix(ROOT)?;
    let p = if rel.is_empty() || rel.ends_with('/') { out.join(rel).join("index.html") } else { out.join(rel) };
    Some(p)
}

#[test]
fn every_internal_link_and_anchor_resolves() {
    let out = &built().out;
    let mut checked = 0;
    for e in walkdir::WalkDir::new(out) {
        let e = e.unwrap();
        if e.path().extension().is_none_or(|x| x != "html") {
            continue;
        }
        let html = std::fs::read_to_string(e.path()).unwrap();
        let ids: BTreeSet<String> = attrs(&html, "id").into_iter().collect();
        for href in attrs(&html, "href").into_iter().chain(attrs(&html, "src")) {
            if href.starts_with("http") || href.starts_with("tel:") || href.starts_with("mailto:") {
                continue;
            }
            assert!(href.starts_with(ROOT) || href.starts_with('#'), "{}: link {href} escapes the sub-path base", e.path().display());
            let (path, frag) = href.split_once('#').unwrap_or((&href, ""));
            if path.is_empty() {
                assert!(ids.contains(frag), "{}: anchor #{frag} missing", e.path().display());
                continue;
            }
            let target = file_for(out, path).unwrap();
            let body = std::fs::read_to_string(&target).unwrap_or_else(|_| panic!("{}: link {href} points nowhere", e.path().display()));
            if !frag.is_empty() && frag != "print" {
                assert!(body.contains(&format!("id=\"{frag}\"")), "{}: {href} anchor missing", e.path().display());
            }
            checked += 1;
        }
    }
    assert!(checked > 1000, "only {checked} links checked");
}

#[test]
fn sitemap_lists_every_page() {
    let out = &built().out;
    let sitemap = page(&format!("{ROOT}sitemap.xml"));
    let locs: BTreeSet<String> = sitemap.split("<loc>").skip(1).map(|s| unescape(s.split("</loc>").next().unwrap())).collect();
    for e in walkdir::WalkDir::new(out) {
        let e = e.unwrap();
        let rel = e.path().strip_prefix(out).unwrap().to_string_lossy().replace('\\', "/");
        if !rel.ends_with("index.html") || rel.starts_with("search/") {
            continue;
        }
        let url = format!("https://example.gov.cn{ROOT}{}", rel.trim_end_matches("index.html"));
        assert!(locs.contains(&url), "sitemap misses {url}");
    }
}

/// A small well-formedness check: every tag closes in order.
fn well_formed(xml: &str) -> Result<(), String> {
    let mut stack: Vec<String> = Vec::new();
    let mut rest = xml;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        let end = rest.find('>').ok_or("unclosed tag")?;
        let tag = &rest[..end];
        rest = &rest[end + 1..];
        if tag.starts_with('?') || tag.starts_with('!') || tag.ends_with('/') {
            continue;
        }
        let name = tag.trim_start_matches('/').split_whitespace().next().unwrap_or("").to_string();
        if tag.starts_with('/') {
            let open = stack.pop().ok_or(format!("</{name}> without opening"))?;
            if open != name {
                return Err(format!("<{open}> closed by </{name}>"));
            }
        } else {
            stack.push(name);
        }
    }
    if stack.is_empty() {
        Ok(())
    } else {
        Err(format!("unclosed {stack:?}"))
    }
}

#[test]
fn feed_is_valid_atom() {
    let feed = page(&format!("{ROOT}cases/atom.xml"));
    assert!(feed.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>"));
    assert!(feed.contains("<feed xmlns=\"http://www.w3.org/2005/Atom\""));
    well_formed(&feed).unwrap();
    let entries = feed.matches("<entry>").count();
    assert!((1..=20).contains(&entries));
    for entry in feed.split("<entry>").skip(1) {
        for tag in ["<title>", "<id>", "<updated>", "<link rel=\"alternate\""] {
            assert!(entry.contains(tag), "entry without {tag}");
        }
        let id = entry.split("<id>").nth(1).unwrap().split("</id>").next().unwrap();
        assert!(id.starts_with("https://example.gov.cn/fanzha/cases/"), "{id}");
    }
    well_formed(&page(&format!("{ROOT}sitemap.xml"))).unwrap();
}

#[test]
fn pages_carry_title_description_canonical_and_open_graph() {
    for u in ["", "fraud/task-rebate/", "law/article-31/", "guides/elderly/", "cases/"] {
        let html = page(&format!("{ROOT}{u}"));
        assert!(html.contains("<html lang=\"zh-CN\">"));
        for needle in
            ["<title>", "<meta name=\"description\"", "<link rel=\"canonical\" href=\"https://example.gov.cn/fanzha/", "<meta property=\"og:title\""]
        {
            assert!(html.contains(needle), "{u} lacks {needle}");
        }
    }
}

#[test]
fn soft_breaks_and_alerts_render_in_the_real_site() {
    let m = main_of(&format!("{ROOT}fraud/task-rebate/"));
    assert!(m.contains("<aside class=\"alert alert-warning\""), "fraud page has no warning box");
    assert!(m.contains("<label class=\"task\"><input type=\"checkbox\">"), "red flags are not a checklist");
}

#[test]
fn two_builds_are_byte_identical() {
    let dir = TempDir::new("det");
    let mut opts = fanzha::Options::new(repo());
    opts.today = fanzha::model::Date::parse("2026-01-01");
    opts.output = dir.path().join("a");
    fanzha::build(&opts).unwrap();
    opts.output = dir.path().join("b");
    fanzha::build(&opts).unwrap();
    let (a, b) = (snapshot(&dir.path().join("a")), snapshot(&dir.path().join("b")));
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(&b) {
        assert!(x == y, "{} differs between builds", x.0);
    }
}
