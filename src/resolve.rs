//! Builds the `Site` from checked pages: gives every page its id and URL (two files claiming one URL
//! is an error naming both), generates the 50 law-article pages from the statute, maps the
//! cross-reference fields (a slug or a Chinese title) to pages, and computes every cross-reference
//! index once — cases per fraud type / audience / article / source / region, backlinks, related
//! cases — so that lists are read from indexes and nothing scans all pages per list.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use crate::config::SiteConfig;
use crate::error::{suggest, SourceError};
use crate::law::{chinese_numeral, Law};
use crate::markdown::LinkTable;
use crate::model::{Date, Page, PageKind, Spanned};

/// The resolved site: pages plus every index the templates read.
pub struct Site {
    pub config: SiteConfig,
    pub pages: Vec<Page>,
    pub links: LinkTable,
    pub by_rel: HashMap<String, usize>,
    pub law: Law,
    pub today: Date,
    /// Fraud-type pages in listing order (the six first, by weight).
    pub fraud_types: Vec<usize>,
    /// Audience guides in listing order.
    pub audiences: Vec<usize>,
    /// Per page: the fraud-type and audience pages its fields name.
    pub fraud_refs: Vec<Vec<usize>>,
    pub audience_refs: Vec<Vec<usize>>,
    /// Per page: the page its `target` names (leaflets).
    pub target_refs: Vec<Option<usize>>,
    /// Published, unexpired cases, newest first.
    pub cases: Vec<usize>,
    pub cases_by_fraud: HashMap<usize, Vec<usize>>,
    pub cases_by_audience: HashMap<usize, Vec<usize>>,
    /// Index 1..=50: every page citing that article (cases newest first, then others by title).
    pub citing_article: Vec<Vec<usize>>,
    pub cases_by_source: BTreeMap<String, Vec<usize>>,
    pub cases_by_region: BTreeMap<String, Vec<usize>>,
    /// Unique URL slugs of the sources and regions (see `slug::unique_slugs`).
    pub source_slugs: BTreeMap<String, String>,
    pub region_slugs: BTreeMap<String, String>,
    /// Guides and topics naming a fraud type.
    pub guides_by_fraud: HashMap<usize, Vec<usize>>,
    /// Child pages of each section (by first folder), in listing order.
    pub section_pages: BTreeMap<String, Vec<usize>>,
    /// The law article page id for each article number.
    pub article_pages: Vec<usize>,
    /// Cases with `alert = true` that have not expired, newest first.
    pub alerts: Vec<usize>,
}

pub struct ResolveOptions {
    pub drafts: bool,
    pub today: Date,
}

impl Site {
    pub fn page(&self, id: usize) -> &Page {
        &self.pages[id]
    }
    pub fn href(&self, id: usize) -> String {
        self.links.href(&self.pages[id].url)
    }
    pub fn permalink(&self, id: usize) -> String {
        format!("{}{}", self.config.origin(), self.href(id))
    }
    /// The slug of a page: its file name without `.md` (or its folder for `x/index.md`).
    pub fn slug(&self, id: usize) -> &str {
        self.pages[id].url.trim_end_matches('/').rsplit('/').next().unwrap_or("")
    }
    pub fn is_case(&self, id: usize) -> bool {
        let p = &self.pages[id];
        p.section == "cases" && p.kind == PageKind::Page
    }
    /// Listed pages: not expired.
    pub fn listed(&self, id: usize) -> bool {
        !self.pages[id].expired
    }
}

/// Law article pages, generated; `notes` are the `content/law/article-N.md` files adding a 解读.
fn law_pages(law: &Law, notes: &mut HashMap<u32, Page>) -> Vec<Page> {
    law.articles
        .iter()
        .map(|a| {
            let label = format!("第{}条", chinese_numeral(a.number));
            let note = notes.remove(&a.number);
            let (summary, keywords, body, body_line, path, key_lines) = match note {
                Some(n) => (n.summary, n.keywords, n.body, n.body_line, n.path, n.key_lines),
                None => (String::new(), Vec::new(), String::new(), 1, PathBuf::from(format!("content/law/article-{}.md", a.number)), BTreeMap::new()),
            };
            Page {
                id: 0,
                kind: PageKind::Page,
                section: "law".into(),
                path,
                rel: format!("law/article-{}.md", a.number),
                mount: None,
                url: format!("/law/article-{}/", a.number),
                title: label,
                summary,
                date: None,
                updated: None,
                expires: None,
                draft: false,
                alert: false,
                weight: i64::from(a.number),
                keywords,
                fraud_types: Vec::new(),
                audiences: Vec::new(),
                law_articles: Vec::new(),
                source: None,
                region: None,
                loss: None,
                target: None,
                red_flags: Vec::new(),
                actions: Vec::new(),
                sides: 1,
                article: Some(a.number),
                key_lines,
                body,
                body_line,
                expired: false,
            }
        })
        .collect()
}

/// Drops drafts and future-dated pages (unless `drafts`), and marks expired ones.
fn publishable(mut pages: Vec<Page>, opts: &ResolveOptions) -> Vec<Page> {
    pages.retain(|p| opts.drafts || (!p.draft && p.date.is_none_or(|d| d <= opts.today)));
    for p in &mut pages {
        p.expired = p.expires.is_some_and(|e| e < opts.today);
    }
    pages
}

pub fn resolve(config: SiteConfig, pages: Vec<Page>, law: Law, opts: &ResolveOptions) -> Result<Site, Vec<SourceError>> {
    let mut errs = Vec::new();
    let mut notes = HashMap::new();
    let mut others = Vec::new();
    for p in publishable(pages, opts) {
        match p.article {
            Some(n) if (1..=50).contains(&n) => {
                notes.insert(n, p);
            }
            Some(n) => errs.push(
                SourceError::new(&p.path, 1, 1, format!("《反电信网络诈骗法》没有第 {n} 条：全法共 50 条"))
                    .hint("解读文件要命名为 article-1.md 到 article-50.md"),
            ),
            None => others.push(p),
        }
    }
    let mut all = law_pages(&law, &mut notes);
    all.extend(others);
    let mut by_url: HashMap<String, usize> = HashMap::new();
    let mut pages = Vec::with_capacity(all.len());
    for mut p in all {
        if let Some(&prev) = by_url.get(&p.url) {
            let first: &Page = &pages[prev];
            errs.push(
                SourceError::new(&p.path, 1, 1, format!("网址 {} 被两个文件占用：{} 和 {}", p.url, first.path.display(), p.path.display()))
                    .hint("给其中一个文件改名（文件名决定网址）"),
            );
            continue;
        }
        p.id = pages.len();
        by_url.insert(p.url.clone(), p.id);
        pages.push(p);
    }
    let root = config.root_path();
    let mut links = LinkTable { urls: HashMap::new(), root };
    let mut by_rel = HashMap::new();
    for p in &pages {
        links.urls.insert(p.rel.clone(), p.url.clone());
        by_rel.insert(p.rel.clone(), p.id);
    }
    let section_pages = sections(&pages);
    let fraud_types = section_pages.get("fraud").cloned().unwrap_or_default();
    let audiences = section_pages.get("guides").cloned().unwrap_or_default();
    let mut site = Site {
        config,
        pages,
        links,
        by_rel,
        law,
        today: opts.today,
        fraud_types,
        audiences,
        fraud_refs: Vec::new(),
        audience_refs: Vec::new(),
        target_refs: Vec::new(),
        cases: Vec::new(),
        cases_by_fraud: HashMap::new(),
        cases_by_audience: HashMap::new(),
        citing_article: vec![Vec::new(); 51],
        cases_by_source: BTreeMap::new(),
        cases_by_region: BTreeMap::new(),
        source_slugs: BTreeMap::new(),
        region_slugs: BTreeMap::new(),
        guides_by_fraud: HashMap::new(),
        section_pages,
        article_pages: Vec::new(),
        alerts: Vec::new(),
    };
    site.article_pages = (0..=50).map(|n| if n == 0 { 0 } else { by_url[&format!("/law/article-{n}/")] }).collect();
    resolve_refs(&mut site, &mut errs);
    build_indexes(&mut site);
    if errs.is_empty() {
        Ok(site)
    } else {
        Err(errs)
    }
}

/// Children of each section in listing order: weight, then date (newest first), then title.
fn sections(pages: &[Page]) -> BTreeMap<String, Vec<usize>> {
    let mut map: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for p in pages.iter().filter(|p| p.kind == PageKind::Page) {
        map.entry(p.section.clone()).or_default().push(p.id);
    }
    for ids in map.values_mut() {
        ids.sort_by(|&a, &b| {
            let (a, b) = (&pages[a], &pages[b]);
            a.weight.cmp(&b.weight).then(b.date.cmp(&a.date)).then(a.title.cmp(&b.title)).then(a.url.cmp(&b.url))
        });
    }
    map
}

/// Folds the ways people write a name (spaces, 、, full-width) so 虚假购物服务 finds 虚假购物、服务.
fn fold_name(s: &str) -> String {
    s.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

struct Lookup {
    by_key: HashMap<String, usize>,
    valid: Vec<(String, String)>,
}

impl Lookup {
    fn new(site: &Site, ids: &[usize]) -> Lookup {
        let mut by_key = HashMap::new();
        let mut valid = Vec::new();
        for &id in ids {
            let slug = site.slug(id).to_string();
            by_key.insert(fold_name(&slug), id);
            by_key.insert(fold_name(&site.pages[id].title), id);
            valid.push((slug, site.pages[id].title.clone()));
        }
        Lookup { by_key, valid }
    }

    fn find(&self, value: &str) -> Option<usize> {
        self.by_key.get(&fold_name(value)).copied()
    }

    fn listing(&self) -> String {
        self.valid.iter().map(|(s, t)| format!("{s}（{t}）")).collect::<Vec<_>>().join("、")
    }
}

fn map_refs(values: &[Spanned<String>], lookup: &Lookup, page: &Page, field: &str, what: &str, errs: &mut Vec<SourceError>) -> Vec<usize> {
    let mut out = Vec::new();
    for v in values {
        match lookup.find(&v.value) {
            Some(id) if !out.contains(&id) => out.push(id),
            Some(_) => {}
            None => {
                let mut hint = format!("{field} 可以写这些{what}（英文标识或中文名称都可以）：{}", lookup.listing());
                if let Some(s) = suggest(&v.value, lookup.valid.iter().map(|(s, _)| s.as_str())) {
                    hint = format!("是不是想写 {s}？{hint}");
                }
                errs.push(SourceError::new(&page.path, v.line, 1, format!("没有叫「{}」的{what}", v.value)).hint(hint));
            }
        }
    }
    out
}

fn resolve_refs(site: &mut Site, errs: &mut Vec<SourceError>) {
    let frauds = Lookup::new(site, &site.fraud_types);
    let auds = Lookup::new(site, &site.audiences);
    let n = site.pages.len();
    let (mut fr, mut ar, mut tr) = (Vec::with_capacity(n), Vec::with_capacity(n), Vec::with_capacity(n));
    for p in &site.pages {
        fr.push(map_refs(&p.fraud_types, &frauds, p, "fraud_types", "诈骗类型", errs));
        ar.push(map_refs(&p.audiences, &auds, p, "audiences", "人群指南", errs));
        tr.push(p.target.as_ref().and_then(|t| {
            let rel = t.value.strip_prefix("@/").unwrap_or(&t.value).trim_start_matches('/');
            let found = site.by_rel.get(rel).copied();
            if found.is_none() {
                errs.push(
                    SourceError::new(&p.path, t.line, 1, format!("target 指向的页面 {} 不存在", t.value))
                        .hint("写成 @/ 开头的内容文件路径，例如 target = \"@/fraud/task-rebate.md\""),
                );
            }
            found
        }));
    }
    site.fraud_refs = fr;
    site.audience_refs = ar;
    site.target_refs = tr;
}

fn build_indexes(site: &mut Site) {
    let mut cases: Vec<usize> = (0..site.pages.len()).filter(|&id| site.is_case(id) && site.listed(id)).collect();
    cases.sort_by(|&a, &b| {
        let (pa, pb) = (&site.pages[a], &site.pages[b]);
        pb.date.cmp(&pa.date).then(pa.url.cmp(&pb.url))
    });
    for &id in &cases {
        for &f in &site.fraud_refs[id] {
            site.cases_by_fraud.entry(f).or_default().push(id);
        }
        for &a in &site.audience_refs[id] {
            site.cases_by_audience.entry(a).or_default().push(id);
        }
        let p = &site.pages[id];
        let source = p.source.clone().or_else(|| p.mount.clone()).or_else(|| site.config.source_name.clone());
        if let Some(s) = source {
            site.cases_by_source.entry(s).or_default().push(id);
        }
        if let Some(r) = &p.region {
            site.cases_by_region.entry(r.clone()).or_default().push(id);
        }
        if p.alert {
            site.alerts.push(id);
        }
    }
    site.source_slugs = crate::slug::unique_slugs(site.cases_by_source.keys());
    site.region_slugs = crate::slug::unique_slugs(site.cases_by_region.keys());
    let mut others: Vec<usize> = (0..site.pages.len()).filter(|&id| !site.is_case(id) && site.listed(id)).collect();
    others.sort_by(|&a, &b| site.pages[a].title.cmp(&site.pages[b].title).then(site.pages[a].url.cmp(&site.pages[b].url)));
    for &id in cases.iter().chain(others.iter()) {
        for &n in &site.pages[id].law_articles {
            site.citing_article[n as usize].push(id);
        }
    }
    for &id in &others {
        let s = site.pages[id].section.as_str();
        if s == "guides" || s == "topics" {
            for &f in &site.fraud_refs[id] {
                site.guides_by_fraud.entry(f).or_default().push(id);
            }
        }
    }
    site.cases = cases;
}

/// Up to `n` cases sharing a fraud type with `id`, nearest in date, from the per-type index.
pub fn related_cases(site: &Site, id: usize, n: usize) -> Vec<usize> {
    let mut out = Vec::new();
    for f in &site.fraud_refs[id] {
        let Some(list) = site.cases_by_fraud.get(f) else { continue };
        let pos = list.binary_search_by(|&c| {
            let (pc, pi) = (&site.pages[c], &site.pages[id]);
            pi.date.cmp(&pc.date).then(pc.url.cmp(&pi.url))
        });
        let at = pos.unwrap_or_else(|i| i);
        let lo = at.saturating_sub(n);
        for &c in list[lo..(at + n + 1).min(list.len())].iter() {
            if c != id && !out.contains(&c) {
                out.push(c);
            }
        }
    }
    let pi = &site.pages[id];
    out.sort_by_key(|&c| {
        let pc = &site.pages[c];
        let dist = match (pc.date, pi.date) {
            (Some(a), Some(b)) => (a.year * 400 + a.month as i32 * 31 + a.day as i32 - (b.year * 400 + b.month as i32 * 31 + b.day as i32)).abs(),
            _ => i32::MAX,
        };
        (dist, pc.url.clone())
    });
    out.truncate(n);
    out
}
