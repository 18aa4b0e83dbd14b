//! Renders the site through the theme's Tera templates: one context per output page, built from
//! the resolved `Site` and the page bodies, rendered in parallel and handed straight to the
//! staging folder so that no more than a few rendered pages live in memory at once. Also writes the
//! machine-readable outputs (sitemap, Atom feed, robots.txt). The template context is documented in
//! the README's developer section; keep the two in step.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde_json::{json, Value};
use tera::Tera;

use crate::error::{BuildError, Errors, SourceError};
use crate::markdown::{escape_html, Rendered};
use crate::model::PageKind;
use crate::output::{Sink, Staging};
use crate::resolve::{related_cases, Site};

/// The loaded templates and where each came from (for error messages).
pub struct Templates {
    pub tera: Tera,
    pub files: BTreeMap<String, PathBuf>,
}

/// Loads `themes/<theme>/templates/` and then the site's own `templates/`, which override file by file.
pub fn load_templates(root: &Path, theme: &str) -> Result<Templates, BuildError> {
    let theme_dir = root.join("themes").join(theme).join("templates");
    if !theme_dir.is_dir() {
        return Err(BuildError::Usage(format!("找不到主题模板目录 {}：请检查 site.toml 里的 theme = \"{theme}\"", theme_dir.display())));
    }
    let mut files: BTreeMap<String, PathBuf> = BTreeMap::new();
    for dir in [theme_dir, root.join("templates")] {
        if !dir.is_dir() {
            continue;
        }
        for entry in walkdir::WalkDir::new(&dir).sort_by_file_name() {
            let entry = entry.map_err(|e| BuildError::io(&dir, std::io::Error::other(e.to_string())))?;
            let name = entry.path().strip_prefix(&dir).unwrap_or(entry.path()).to_string_lossy().replace('\\', "/");
            if entry.file_type().is_file()
                && (name.ends_with(".html") || name.ends_with(".xml"))
                && !crate::load::is_ignored_name(&entry.file_name().to_string_lossy())
            {
                files.insert(name, entry.path().to_path_buf());
            }
        }
    }
    let mut sources = Vec::new();
    let mut errs = Vec::new();
    for (name, path) in &files {
        match std::fs::read_to_string(path) {
            Ok(text) => sources.push((name.clone(), text)),
            Err(e) => errs.push(SourceError::new(crate::load::display_path(root, path), 1, 1, format!("模板无法读取：{e}"))),
        }
    }
    let mut tera = Tera::default();
    tera.autoescape_on(vec![".html", ".xml"]);
    tera.set_escape_fn(escape_html);
    if let Err(e) = tera.add_raw_templates(sources) {
        errs.push(template_error(root, &files, &e));
    }
    if !errs.is_empty() {
        return Err(BuildError::Content(errs));
    }
    register_filters(&mut tera);
    Ok(Templates { tera, files })
}

fn register_filters(tera: &mut Tera) {
    tera.register_filter("yuan", |v: &Value, _: &std::collections::HashMap<String, Value>| {
        Ok(Value::String(v.as_i64().map_or_else(String::new, format_yuan)))
    });
}

/// `38000` → `3.8 万元`; `800` → `800 元`; `0` → `未造成损失`.
pub fn format_yuan(n: i64) -> String {
    match n {
        0 => "未造成损失".into(),
        n if n >= 10_000 => {
            let wan = n as f64 / 10_000.0;
            let s = format!("{wan:.2}");
            let s = s.trim_end_matches('0').trim_end_matches('.');
            format!("{s} 万元")
        }
        n => format!("{n} 元"),
    }
}

/// Names the template file and line of a Tera error.
pub fn template_error(root: &Path, files: &BTreeMap<String, PathBuf>, e: &tera::Error) -> SourceError {
    let mut chain = vec![e.to_string()];
    let mut src = std::error::Error::source(e);
    while let Some(s) = src {
        chain.push(s.to_string());
        src = s.source();
    }
    let all = chain.join("\n");
    let name = files.keys().find(|n| all.contains(&format!("'{n}'"))).cloned().unwrap_or_default();
    let path = files.get(&name).map_or_else(|| PathBuf::from("templates"), |p| crate::load::display_path(root, p));
    let (line, col) = all
        .split("--> ")
        .nth(1)
        .and_then(|rest| {
            let mut it = rest.split(|c: char| !c.is_ascii_digit()).filter(|s| !s.is_empty());
            Some((it.next()?.parse().ok()?, it.next()?.parse().ok()?))
        })
        .unwrap_or((1, 1));
    let detail = chain.last().cloned().unwrap_or_default();
    let detail = detail.lines().filter(|l| !l.trim().is_empty()).take(6).collect::<Vec<_>>().join(" ");
    SourceError::new(path, line, col, format!("模板出错：{detail}"))
        .hint("检查这一行的 {{ }} 和 {% %} 是否成对、变量名是否拼对；模板可用的变量见 README 开发者部分")
}

/// One file to render: its site path and how to make its context.
#[derive(Debug, Clone)]
pub enum Job {
    Page(usize),
    List { section: String, title_page: Option<usize>, items: ListItems, base: String, page: usize, total: usize },
    LawIndex,
    LeafletsAll,
    Handbook,
    Search,
    NotFound,
}

#[derive(Debug, Clone)]
pub enum ListItems {
    Section(String),
    Cases,
    Fraud(usize),
    Audience(usize),
    Article(u32),
    Source(String),
    Region(String),
}

/// Everything a list job needs to know what to show and what to call itself.
fn list_ids<'a>(site: &'a Site, items: &ListItems) -> &'a [usize] {
    static EMPTY: Vec<usize> = Vec::new();
    match items {
        ListItems::Section(s) => site.section_pages.get(s).unwrap_or(&EMPTY),
        ListItems::Cases => &site.cases,
        ListItems::Fraud(id) => site.cases_by_fraud.get(id).unwrap_or(&EMPTY),
        ListItems::Audience(id) => site.cases_by_audience.get(id).unwrap_or(&EMPTY),
        ListItems::Article(n) => &site.citing_article[*n as usize],
        ListItems::Source(s) => site.cases_by_source.get(s).unwrap_or(&EMPTY),
        ListItems::Region(r) => site.cases_by_region.get(r).unwrap_or(&EMPTY),
    }
}

/// The browse-page base URL of a taxonomy term, e.g. `/cases/fraud/task-rebate/`.
pub fn term_url(site: &Site, items: &ListItems) -> String {
    match items {
        ListItems::Fraud(id) => format!("/cases/fraud/{}/", site.slug(*id)),
        ListItems::Audience(id) => format!("/cases/audience/{}/", site.slug(*id)),
        ListItems::Article(n) => format!("/cases/law/{n}/"),
        ListItems::Source(s) => format!("/cases/source/{}/", site.source_slugs.get(s).map_or("term", String::as_str)),
        ListItems::Region(r) => format!("/cases/region/{}/", site.region_slugs.get(r).map_or("term", String::as_str)),
        ListItems::Cases => "/cases/".into(),
        ListItems::Section(s) => format!("/{s}/"),
    }
}

fn paginate(jobs: &mut Vec<Job>, site: &Site, section: &str, title_page: Option<usize>, items: ListItems) {
    let per = site.config.paginate_by;
    let n = list_ids(site, &items).len();
    let total = n.div_ceil(per).max(1);
    let base = term_url(site, &items);
    for page in 1..=total {
        jobs.push(Job::List { section: section.into(), title_page, items: items.clone(), base: base.clone(), page, total });
    }
}

/// Every output page of the site, in a fixed order.
pub fn jobs(site: &Site) -> Vec<Job> {
    let mut jobs = vec![Job::Search, Job::NotFound, Job::Handbook, Job::LeafletsAll, Job::LawIndex];
    for p in &site.pages {
        match p.kind {
            PageKind::Page | PageKind::Home => jobs.push(Job::Page(p.id)),
            PageKind::Section if p.section == "law" => {}
            PageKind::Section => {
                let items = if p.section == "cases" { ListItems::Cases } else { ListItems::Section(p.section.clone()) };
                paginate(&mut jobs, site, &p.section, Some(p.id), items);
            }
        }
    }
    if !site.pages.iter().any(|p| p.kind == PageKind::Section && p.section == "cases") {
        paginate(&mut jobs, site, "cases", None, ListItems::Cases);
    }
    let taxes = &site.config.taxonomies;
    let has = |t: &str| taxes.iter().any(|x| x == t);
    if has("fraud_types") {
        for &f in &site.fraud_types {
            paginate(&mut jobs, site, "cases", None, ListItems::Fraud(f));
        }
    }
    if has("audiences") {
        for &a in &site.audiences {
            paginate(&mut jobs, site, "cases", None, ListItems::Audience(a));
        }
    }
    if has("law_articles") {
        for n in 1..=50u32 {
            if !site.citing_article[n as usize].is_empty() {
                paginate(&mut jobs, site, "cases", None, ListItems::Article(n));
            }
        }
    }
    if has("source") {
        for s in site.cases_by_source.keys() {
            paginate(&mut jobs, site, "cases", None, ListItems::Source(s.clone()));
        }
    }
    if has("region") {
        for r in site.cases_by_region.keys() {
            paginate(&mut jobs, site, "cases", None, ListItems::Region(r.clone()));
        }
    }
    jobs
}

/// Labels of the sections, for breadcrumbs and search results.
pub fn section_label(section: &str) -> &'static str {
    match section {
        "fraud" => "诈骗类型",
        "law" => "法律条文",
        "cases" => "案例",
        "guides" => "指南",
        "topics" => "专题",
        "leaflets" => "明白纸",
        _ => "页面",
    }
}

/// A page's rendered `cards/` fragments by the [`crate::output::json_hash`] of its ref (see
/// [`Shared::render_fragments_reusing`]).
pub type CardCache = std::collections::HashMap<u64, Value>;

/// Shared, read-only data for every context.
pub struct Shared<'a> {
    pub site: &'a Site,
    pub bodies: &'a [Rendered],
    pub refs: Vec<Value>,
    pub site_json: Value,
    /// Section name → the title of its `_index.md`.
    pub section_titles: BTreeMap<String, String>,
    /// The filter links every case list shows (types, audiences, sources with counts).
    pub case_filters: Value,
    /// The theme's `chrome/*.html` fragments (header, navigation, footer …), rendered once per
    /// build because they are the same on every page: name → HTML.
    pub chrome: Value,
}

impl<'a> Shared<'a> {
    pub fn new(site: &'a Site, bodies: &'a [Rendered]) -> Shared<'a> {
        let refs: Vec<Value> = (0..site.pages.len()).into_par_iter().map(|id| page_ref(site, id)).collect();
        // Slim refs: the site context is copied into every page's context, so it stays small.
        let nav = |i: usize| json!({"title": site.page(i).title, "url": site.href(i), "slug": site.slug(i), "summary": site.page(i).summary});
        let nav_f: Vec<Value> = site.fraud_types.iter().map(|&i| nav(i)).collect();
        let nav_a: Vec<Value> = site.audiences.iter().map(|&i| nav(i)).collect();
        let c = &site.config;
        let site_json = json!({
            "title": c.title, "description": c.description, "base_url": c.base_url, "root": site.links.root,
            "language": c.language, "hotlines": c.hotlines, "departments": c.departments,
            "fraud_types": nav_f, "main_fraud_types": nav_f.iter().take(6).collect::<Vec<_>>(), "audiences": nav_a,
            "search": c.search.enabled, "paper": c.handbook.paper,
        });
        let section_titles = site.pages.iter().filter(|p| p.kind == PageKind::Section).map(|p| (p.section.clone(), p.title.clone())).collect();
        let case_filters = case_filters(site);
        Shared { site, bodies, refs, site_json, section_titles, case_filters, chrome: Value::Null }
    }

    /// Renders the theme's fragments once per build instead of once per use: the site-wide
    /// `chrome/<name>.html` (header, navigation, footer; they see only `site`) become
    /// `chrome.<name>`, and each page's `cards/<name>.html` (the list entry for the page; it sees
    /// `site` and the page ref as `p`) becomes `p.cards.<name>` on the page's ref, wherever the ref
    /// is listed. A `-` in a file name is written `_` in the key.
    pub fn render_fragments(&mut self, templates: &Templates, root: &Path) -> Result<(), BuildError> {
        self.render_fragments_reusing(templates, root, None).map(|_| ())
    }

    /// [`Shared::render_fragments`], taking the cards of pages whose ref is unchanged from `reuse`
    /// (`serve`: the previous rebuild's cards, valid while the templates and `site` are). Returns
    /// this build's cards for the next rebuild (empty without `reuse`).
    pub fn render_fragments_reusing(&mut self, templates: &Templates, root: &Path, reuse: Option<&CardCache>) -> Result<CardCache, BuildError> {
        let names = |dir: &str| -> Vec<(String, String)> {
            templates
                .tera
                .get_template_names()
                .filter(|n| n.starts_with(dir) && n.ends_with(".html"))
                .map(|n| (n.to_string(), n[dir.len()..n.len() - ".html".len()].replace('-', "_")))
                .collect()
        };
        let fail = |e: &tera::Error| template_error(root, &templates.files, e);
        let mut context = tera::Context::new();
        context.insert("site", &self.site_json);
        let mut chrome = serde_json::Map::new();
        let mut errs = Errors::default();
        for (name, key) in names("chrome/") {
            match templates.tera.render(&name, &context) {
                Ok(html) => drop(chrome.insert(key, Value::String(html.trim().to_string()))),
                Err(e) => errs.push(fail(&e)),
            }
        }
        self.chrome = Value::Object(chrome);
        let cards = names("cards/");
        let mut next = CardCache::new();
        if !cards.is_empty() {
            let rendered: Vec<Result<(u64, Value), SourceError>> = self
                .refs
                .par_iter()
                .map_init(
                    || context.clone(),
                    |ctx, r| {
                        let key = reuse.map_or(0, |_| crate::output::json_hash("", r));
                        if let Some(c) = reuse.and_then(|cache| cache.get(&key)) {
                            return Ok((key, c.clone()));
                        }
                        ctx.insert("p", r);
                        let mut out = serde_json::Map::new();
                        for (name, k) in &cards {
                            let html = templates.tera.render(name, ctx).map_err(|e| fail(&e))?;
                            out.insert(k.clone(), Value::String(html.trim().to_string()));
                        }
                        Ok((key, Value::Object(out)))
                    },
                )
                .collect();
            for (r, c) in self.refs.iter_mut().zip(rendered) {
                match c {
                    Ok((key, c)) => {
                        if reuse.is_some() {
                            next.insert(key, c.clone());
                        }
                        r["cards"] = c;
                    }
                    Err(e) => errs.push(e),
                }
            }
        }
        errs.into_result()?;
        Ok(next)
    }

    fn refs_of(&self, ids: &[usize]) -> Vec<Value> {
        ids.iter().map(|&i| self.refs[i].clone()).collect()
    }
}

/// Browse links for the case lists, with counts, computed once per build.
fn case_filters(site: &Site) -> Value {
    let link = |title: &str, items: ListItems, count: usize| json!({"title": title, "url": site.links.href(&term_url(site, &items)), "count": count});
    json!({
        "fraud_types": site.fraud_types.iter().filter_map(|&f| site.cases_by_fraud.get(&f).map(|v| link(&site.page(f).title, ListItems::Fraud(f), v.len()))).collect::<Vec<_>>(),
        "audiences": site.audiences.iter().filter_map(|&a| site.cases_by_audience.get(&a).map(|v| link(&site.page(a).title, ListItems::Audience(a), v.len()))).collect::<Vec<_>>(),
        "sources": site.cases_by_source.iter().map(|(s, v)| link(s, ListItems::Source(s.clone()), v.len())).collect::<Vec<_>>(),
    })
}

/// The short description of a page used in every list.
fn page_ref(site: &Site, id: usize) -> Value {
    let p = site.page(id);
    let slugged = |ids: &[usize]| -> Vec<Value> {
        ids.iter().map(|&i| json!({"title": site.page(i).title, "url": site.href(i), "slug": site.slug(i)})).collect()
    };
    let source = p.source.clone().or_else(|| p.mount.clone()).or_else(|| site.config.source_name.clone());
    json!({
        "id": id, "title": p.title, "url": site.href(id), "permalink": site.permalink(id), "summary": p.summary,
        "slug": site.slug(id), "section": p.section, "section_label": section_label(&p.section),
        "date": p.date.map(|d| d.to_string()), "date_cn": p.date.map(|d| d.chinese()),
        "updated": p.updated.map(|d| d.to_string()), "weight": p.weight,
        "loss": p.loss, "loss_text": p.loss.map(format_yuan), "region": p.region, "source": source,
        "fraud_types": slugged(&site.fraud_refs[id]), "audiences": slugged(&site.audience_refs[id]),
        "expired": p.expired, "article": p.article,
    })
}

fn article_refs(site: &Site, numbers: &[u32]) -> Vec<Value> {
    numbers
        .iter()
        .filter_map(|&n| {
            let a = site.law.article(n)?;
            let first = a.paragraphs.first().cloned().unwrap_or_default();
            let excerpt: String = first.chars().take(60).collect();
            Some(json!({"number": n, "label": a.label, "url": site.href(site.article_pages[n as usize]),
                "excerpt": excerpt, "truncated": first.chars().count() > 60}))
        })
        .collect()
}

fn breadcrumbs(shared: &Shared, section: &str, current: &str) -> Value {
    let site = shared.site;
    let mut crumbs = vec![json!({"title": "首页", "url": site.links.href("/")})];
    if !section.is_empty() {
        let url = format!("/{section}/");
        let title = shared.section_titles.get(section).cloned().unwrap_or_else(|| section_label(section).to_string());
        if title != current {
            crumbs.push(json!({"title": title, "url": site.links.href(&url)}));
        }
    }
    crumbs.push(json!({"title": current, "url": Value::Null}));
    Value::Array(crumbs)
}

fn take(ids: &[usize], n: usize) -> &[usize] {
    &ids[..ids.len().min(n)]
}

/// The context of one content page: the ref plus its body and its cross-references.
fn page_context(shared: &Shared, id: usize) -> (String, Value) {
    let site = shared.site;
    let p = site.page(id);
    let body = &shared.bodies[id];
    let mut page = shared.refs[id].clone();
    let obj = page.as_object_mut().expect("page refs are objects");
    let toc: Vec<_> = body.headings.iter().filter(|h| h.level == 2 || h.level == 3).collect();
    obj.insert("content".into(), body.html.clone().into());
    obj.insert("toc".into(), json!(toc));
    obj.insert("keywords".into(), json!(p.keywords));
    obj.insert("law_articles".into(), Value::Array(article_refs(site, &p.law_articles)));
    obj.insert("reading_minutes".into(), json!(body.han_chars.div_ceil(300).max(1)));
    obj.insert("alert".into(), json!(p.alert && !p.expired));
    let mut ctx = Value::Object(serde_json::Map::from_iter([
        ("page".to_string(), page),
        ("breadcrumbs".to_string(), breadcrumbs(shared, &p.section, &p.title)),
    ]));
    let extra = ctx.as_object_mut().expect("object");
    let template = match (p.kind, p.section.as_str(), p.article) {
        (PageKind::Home, _, _) => {
            extra.insert("cases".into(), Value::Array(shared.refs_of(take(&site.cases, 6))));
            extra.insert("alerts".into(), Value::Array(shared.refs_of(take(&site.alerts, 3))));
            extra.insert("cases_total".into(), json!(site.cases.len()));
            "index.html".to_string()
        }
        (_, "law", Some(n)) => {
            law_article_context(shared, n, extra);
            "law-article.html".into()
        }
        (_, "fraud", _) => {
            let cases = site.cases_by_fraud.get(&id).map_or(&[][..], |v| v);
            extra.insert("cases".into(), Value::Array(shared.refs_of(take(cases, 8))));
            extra.insert("cases_total".into(), json!(cases.len()));
            extra.insert("cases_url".into(), json!(site.links.href(&format!("/cases/fraud/{}/", site.slug(id)))));
            let mut guides = site.audience_refs[id].clone();
            for &g in site.guides_by_fraud.get(&id).map_or(&[][..], |v| v) {
                if !guides.contains(&g) {
                    guides.push(g);
                }
            }
            extra.insert("guides".into(), Value::Array(shared.refs_of(&guides)));
            let leaflet = site.section_pages.get("leaflets").and_then(|l| l.iter().find(|&&l| site.target_refs[l] == Some(id)).copied());
            extra.insert("leaflet".into(), leaflet.map_or(Value::Null, |l| shared.refs[l].clone()));
            "fraud.html".into()
        }
        (_, "cases", _) => {
            extra.insert("related".into(), Value::Array(shared.refs_of(&related_cases(site, id, 4))));
            "cases.html".into()
        }
        (_, "guides", _) => {
            let cases = site.cases_by_audience.get(&id).map_or(&[][..], |v| v);
            extra.insert("cases".into(), Value::Array(shared.refs_of(take(cases, 8))));
            extra.insert("cases_total".into(), json!(cases.len()));
            extra.insert("cases_url".into(), json!(site.links.href(&format!("/cases/audience/{}/", site.slug(id)))));
            let leaflet = site.section_pages.get("leaflets").and_then(|l| l.iter().find(|&&l| site.target_refs[l] == Some(id)).copied());
            extra.insert("leaflet".into(), leaflet.map_or(Value::Null, |l| shared.refs[l].clone()));
            "guides.html".into()
        }
        (_, "leaflets", _) => {
            extra.insert("leaflet".into(), leaflet_json(shared, id));
            "leaflets.html".into()
        }
        (_, section, _) => {
            if section.is_empty() {
                "page.html".into()
            } else {
                format!("{section}.html")
            }
        }
    };
    (template, ctx)
}

fn law_article_context(shared: &Shared, n: u32, extra: &mut serde_json::Map<String, Value>) {
    let site = shared.site;
    let Some(a) = site.law.article(n) else { return };
    let chapter = &site.law.chapters[a.chapter - 1];
    extra.insert(
        "article".into(),
        json!({"number": n, "label": a.label, "paragraphs": a.paragraphs, "chapter": chapter.title, "chapter_index": chapter.index}),
    );
    let nav = |m: u32| article_refs(site, &[m]).into_iter().next().unwrap_or(Value::Null);
    extra.insert("prev".into(), if n > 1 { nav(n - 1) } else { Value::Null });
    extra.insert("next".into(), if n < 50 { nav(n + 1) } else { Value::Null });
    let citing = &site.citing_article[n as usize];
    extra.insert("citing".into(), Value::Array(shared.refs_of(take(citing, 20))));
    extra.insert("citing_total".into(), json!(citing.len()));
    extra.insert("citing_url".into(), json!(site.links.href(&format!("/cases/law/{n}/"))));
    extra.insert("law".into(), json!({"title": site.law.title, "url": site.links.href("/law/")}));
}

/// A leaflet's fields plus the QR code (inline SVG) pointing at its target's online URL.
fn leaflet_json(shared: &Shared, id: usize) -> Value {
    let site = shared.site;
    let p = site.page(id);
    let target = site.target_refs[id];
    let url = target.map_or_else(|| site.permalink(id), |t| site.permalink(t));
    json!({
        "id": id, "title": p.title, "summary": p.summary, "content": shared.bodies[id].html, "red_flags": p.red_flags,
        "actions": p.actions, "sides": p.sides, "source": p.source, "date_cn": p.date.map(|d| d.chinese()),
        "target": target.map_or(Value::Null, |t| shared.refs[t].clone()), "qr_url": url, "qr_svg": crate::qr::svg(&url),
        "url": site.href(id),
    })
}

fn list_context(
    shared: &Shared,
    section: &str,
    title_page: Option<usize>,
    items: &ListItems,
    base: &str,
    page: usize,
    total: usize,
) -> (String, Value) {
    let site = shared.site;
    let ids = list_ids(site, items);
    let per = site.config.paginate_by;
    let slice = &ids[((page - 1) * per).min(ids.len())..(page * per).min(ids.len())];
    let page_url = |n: usize| if n == 1 { site.links.href(base) } else { site.links.href(&format!("{base}page/{n}/")) };
    let (title, summary, content) = match (title_page, items) {
        (Some(t), _) => (site.page(t).title.clone(), site.page(t).summary.clone(), shared.bodies[t].html.clone()),
        (None, ListItems::Fraud(f)) => (format!("{}案例", site.page(*f).title), site.page(*f).summary.clone(), String::new()),
        (None, ListItems::Audience(a)) => (format!("{}相关案例", site.page(*a).title), site.page(*a).summary.clone(), String::new()),
        (None, ListItems::Article(n)) => (format!("引用第{}条的内容", crate::law::chinese_numeral(*n)), String::new(), String::new()),
        (None, ListItems::Source(s)) => (format!("{s}发布的案例"), String::new(), String::new()),
        (None, ListItems::Region(r)) => (format!("{r}的案例"), String::new(), String::new()),
        (None, _) => ("典型案例".into(), String::new(), String::new()),
    };
    // A window of page numbers (first, last, and three either side), not all of them: listing every
    // page on every page would make a 500-page list quadratic.
    let numbers: Vec<Value> = (1..=total)
        .filter(|&n| n == 1 || n == total || n.abs_diff(page) <= 3)
        .map(|n| json!({"n": n, "url": page_url(n), "current": n == page}))
        .collect();
    let mut ctx = json!({
        "section": {"name": section, "title": title, "summary": summary, "content": content, "url": site.links.href(base)},
        "paginator": {"items": Value::Null, "current": page, "total_pages": total, "total_items": ids.len(),
            "prev": if page > 1 { Value::from(page_url(page - 1)) } else { Value::Null },
            "next": if page < total { Value::from(page_url(page + 1)) } else { Value::Null }, "pages": numbers},
        "breadcrumbs": breadcrumbs(shared, if title_page.is_some() { "" } else { section }, &title),
        "page": {"title": if page > 1 { format!("{title}（第 {page} 页）") } else { title.clone() }, "summary": summary,
            "url": page_url(page), "permalink": format!("{}{}", site.config.origin(), page_url(page))},
    });
    ctx["paginator"]["items"] = Value::Array(shared.refs_of(slice));
    if section == "cases" {
        ctx["filters"] = shared.case_filters.clone();
    }
    let template = if matches!(items, ListItems::Section(_) | ListItems::Cases) && title_page.is_some() {
        format!("{section}-list.html")
    } else {
        "term.html".into()
    };
    (template, ctx)
}

fn special_context(shared: &Shared, job: &Job) -> (String, Value) {
    let site = shared.site;
    let simple = |title: &str, url: &str| {
        json!({"page": {"title": title, "url": site.links.href(url), "permalink": format!("{}{}", site.config.origin(), site.links.href(url)), "summary": ""},
               "breadcrumbs": breadcrumbs(shared, "", title)})
    };
    match job {
        Job::Search => ("search.html".into(), simple("搜索", "/search/")),
        Job::NotFound => ("404.html".into(), simple("页面没有找到", "/404.html")),
        Job::LawIndex => {
            let mut ctx = simple(&site.law.title, "/law/");
            let chapters: Vec<Value> =
                site.law.chapters.iter().map(|c| json!({"index": c.index, "title": c.title, "articles": article_refs(site, &c.articles)})).collect();
            let section = site.pages.iter().find(|p| p.kind == PageKind::Section && p.section == "law");
            ctx["law"] = json!({"title": site.law.title, "adopted": site.law.adopted, "chapters": chapters});
            ctx["section"] = json!({"summary": section.map(|p| p.summary.clone()), "content": section.map(|p| shared.bodies[p.id].html.clone())});
            ctx["extra"] = Value::Array(
                shared.refs_of(
                    site.section_pages
                        .get("law")
                        .map_or(&[][..], |v| v)
                        .iter()
                        .copied()
                        .filter(|&i| site.page(i).article.is_none())
                        .collect::<Vec<_>>()
                        .as_slice(),
                ),
            );
            ctx["breadcrumbs"] = breadcrumbs(shared, "", "法律条文");
            ("law-list.html".into(), ctx)
        }
        Job::LeafletsAll => {
            let mut ctx = simple("全部明白纸（批量打印）", "/leaflets/all/");
            let ids = site.section_pages.get("leaflets").cloned().unwrap_or_default();
            ctx["leaflets"] = Value::Array(ids.iter().map(|&i| leaflet_json(shared, i)).collect());
            ctx["breadcrumbs"] = breadcrumbs(shared, "leaflets", "全部明白纸");
            ("leaflets-all.html".into(), ctx)
        }
        Job::Handbook => {
            let mut ctx = simple("防骗宣传手册", "/handbook/");
            ctx["chapters"] = crate::handbook::chapters(shared);
            ("handbook.html".into(), ctx)
        }
        _ => ("page.html".into(), Value::Null),
    }
}

/// The output file of each job, in order. Two jobs writing one file would make the output depend
/// on thread timing, so that is refused (it is a bug in fanzha, not in the content).
pub fn job_paths(site: &Site, jobs: &[Job]) -> Result<Vec<String>, BuildError> {
    let paths: Vec<String> = jobs.iter().map(|j| job_path(site, j)).collect();
    let mut seen = std::collections::HashSet::with_capacity(paths.len());
    match paths.iter().find(|p| !seen.insert(p.as_str())) {
        Some(dup) => Err(BuildError::Usage(format!("内部错误：两个页面都要写到 {dup}，请把这条信息报告给开发者"))),
        None => Ok(paths),
    }
}

/// The site path of a job's output file.
pub fn job_path(site: &Site, job: &Job) -> String {
    match job {
        Job::Page(id) => format!("{}index.html", site.page(*id).url.trim_start_matches('/')),
        Job::List { base, page, .. } if *page == 1 => format!("{}index.html", base.trim_start_matches('/')),
        Job::List { base, page, .. } => format!("{}page/{page}/index.html", base.trim_start_matches('/')),
        Job::LawIndex => "law/index.html".into(),
        Job::LeafletsAll => "leaflets/all/index.html".into(),
        Job::Handbook => "handbook/index.html".into(),
        Job::Search => "search/index.html".into(),
        Job::NotFound => "404.html".into(),
    }
}

pub struct RenderReport {
    pub pages: usize,
    /// Site-relative URLs of every HTML page written, for the sitemap.
    pub sitemap: Vec<(String, Option<String>)>,
}

/// The template (after fallbacks) and the context of one job, without `site`, which is the same
/// for every job (`Shared::site_json`). `serve` compares these to skip unchanged pages.
pub fn job_context(shared: &Shared, templates: &Templates, job: &Job) -> (String, Value) {
    let (template, ctx) = match job {
        Job::Page(id) => page_context(shared, *id),
        Job::List { section, title_page, items, base, page, total } => list_context(shared, section, *title_page, items, base, *page, *total),
        other => special_context(shared, other),
    };
    (pick_template(templates, &template).to_string(), ctx)
}

/// A context that keeps `site` and `chrome` (the same for every page) and lends each job's own keys
/// to them for one render: copying `site` into every page's context cost more allocations than the
/// page's own refs. One per thread (`map_init`).
pub struct JobRenderer(tera::Context);

impl JobRenderer {
    pub fn new(shared: &Shared) -> JobRenderer {
        let mut c = tera::Context::new();
        c.insert("site", &shared.site_json);
        c.insert("chrome", &shared.chrome);
        JobRenderer(c)
    }

    /// Renders one job's context (plus `site` and `chrome`) through its template, into bytes:
    /// rendering straight into a buffer sized for a typical page saves growing it step by step and
    /// checking the UTF-8 of every page again (Tera's `render` does both).
    pub fn render(&mut self, templates: &Templates, root: &Path, template: &str, ctx: Value) -> Result<Vec<u8>, BuildError> {
        let hint = ctx.pointer("/page/content").and_then(Value::as_str).map_or(0, str::len) + 24 * 1024;
        let keys: Vec<String> = ctx.as_object().map(|o| o.keys().filter(|k| *k != "site" && *k != "chrome").cloned().collect()).unwrap_or_default();
        let job = tera::Context::from_value(ctx).map_err(|e| BuildError::Usage(e.to_string()))?;
        self.0.extend(job);
        let mut out = Vec::with_capacity(hint);
        let result = templates.tera.render_to(template, &self.0, &mut out);
        for k in &keys {
            self.0.remove(k);
        }
        result.map_err(|e| BuildError::Content(vec![template_error(root, &templates.files, &e)]))?;
        Ok(out)
    }
}

/// Renders every page into `staging`, in parallel. All template errors are collected.
pub fn render_all(shared: &Shared, templates: &Templates, root: &Path, staging: &Staging) -> Result<RenderReport, BuildError> {
    let site = shared.site;
    let jobs = jobs(site);
    let paths = job_paths(site, &jobs)?;
    type Entry = Option<(String, Option<String>)>;
    let results: Vec<Result<Entry, BuildError>> = jobs
        .par_iter()
        .zip(&paths)
        .map_init(
            || JobRenderer::new(shared),
            |renderer, (job, path)| {
                let (template, ctx) = job_context(shared, templates, job);
                let html = renderer.render(templates, root, &template, ctx)?;
                staging.write(path, &html)?;
                Ok(sitemap_entry(site, job, path))
            },
        )
        .collect();
    let mut sitemap = Vec::new();
    let mut errs = Errors::default();
    for r in results {
        sitemap.extend(errs.keep(r)?.flatten());
    }
    errs.into_result()?;
    sitemap.sort();
    Ok(RenderReport { pages: jobs.len(), sitemap })
}

/// The sitemap line of a job's page (none for 404 and search).
pub fn sitemap_entry(site: &Site, job: &Job, path: &str) -> Option<(String, Option<String>)> {
    match job {
        Job::NotFound | Job::Search => None,
        Job::Page(id) => {
            let p = site.page(*id);
            Some((site.href(*id), p.updated.or(p.date).map(|d| d.to_string())))
        }
        _ => Some((site.links.href(&format!("/{}", path.trim_end_matches("index.html"))), None)),
    }
}

/// `fraud.html` if the theme has it, else the generic `page.html` / `section.html`.
fn pick_template<'t>(templates: &Templates, name: &'t str) -> &'t str {
    if templates.files.contains_key(name) {
        return name;
    }
    if name.ends_with("-list.html") {
        "section.html"
    } else {
        "page.html"
    }
}

/// `sitemap.xml`, `cases/atom.xml` and `robots.txt`.
pub fn write_feeds(shared: &Shared, report: &RenderReport, staging: &dyn Sink) -> Result<(), BuildError> {
    let site = shared.site;
    let origin = site.config.origin();
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for (url, lastmod) in &report.sitemap {
        xml.push_str(&format!("  <url><loc>{}</loc>", escape_html(&format!("{origin}{url}"))));
        if let Some(d) = lastmod {
            xml.push_str(&format!("<lastmod>{d}</lastmod>"));
        }
        xml.push_str("</url>\n");
    }
    xml.push_str("</urlset>\n");
    staging.write("sitemap.xml", xml.as_bytes())?;
    staging.write("cases/atom.xml", atom(shared).as_bytes())?;
    let robots = format!("User-agent: *\nAllow: /\n\nSitemap: {origin}{}sitemap.xml\n", site.links.root);
    staging.write("robots.txt", robots.as_bytes())
}

fn atom(shared: &Shared) -> String {
    let site = shared.site;
    let feed_url = format!("{}{}", site.config.origin(), site.links.href("/cases/atom.xml"));
    let cases = take(&site.cases, 20);
    let updated = cases.first().and_then(|&c| site.page(c).updated.or(site.page(c).date)).map_or("1970-01-01".into(), |d| d.to_string());
    let mut x = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n  <title>{} · 典型案例</title>\n  <id>{}</id>\n  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n  <updated>{updated}T00:00:00+08:00</updated>\n  <author><name>{}</name></author>\n",
        escape_html(&site.config.language),
        escape_html(&site.config.title),
        escape_html(&feed_url),
        escape_html(&feed_url),
        escape_html(&format!("{}{}", site.config.origin(), site.links.href("/cases/"))),
        escape_html(site.config.departments.first().unwrap_or(&site.config.title)),
    );
    for &id in cases {
        let p = site.page(id);
        let d = p.date.map_or("1970-01-01".into(), |d| d.to_string());
        let u = p.updated.or(p.date).map_or("1970-01-01".into(), |d| d.to_string());
        x.push_str(&format!(
            "  <entry>\n    <title>{}</title>\n    <id>{}</id>\n    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n    <published>{d}T00:00:00+08:00</published>\n    <updated>{u}T00:00:00+08:00</updated>\n    <summary>{}</summary>\n    <content type=\"html\">{}</content>\n  </entry>\n",
            escape_html(&p.title),
            escape_html(&site.permalink(id)),
            escape_html(&site.permalink(id)),
            escape_html(&p.summary),
            escape_html(&shared.bodies[id].html),
        ));
    }
    x.push_str("</feed>\n");
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yuan_formatting() {
        assert_eq!(format_yuan(38_000), "3.8 万元");
        assert_eq!(format_yuan(120_000), "12 万元");
        assert_eq!(format_yuan(800), "800 元");
        assert_eq!(format_yuan(0), "未造成损失");
    }
}
