//! fanzha (反诈): a static-site generator for anti-fraud public education in Chinese.
//!
//! The build is a pipeline of named stages, one module each:
//! `load → frontmatter → validate → resolve → markdown → render → output → search`.
//! Every stage collects all the problems of a run before the build stops, and nothing is written
//! to the output until every check has passed (see `output`). `main.rs` is a thin CLI over
//! [`build`], [`check`] and [`scaffold`].

pub mod config;
pub mod error;
pub mod frontmatter;
pub mod handbook;
pub mod law;
pub mod load;
pub mod markdown;
pub mod model;
pub mod output;
pub mod privacy;
pub mod qr;
pub mod render;
pub mod resolve;
pub mod scaffold;
pub mod search;
pub mod serve;
pub mod slug;
pub mod validate;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::config::SiteConfig;
use crate::error::{BuildError, Errors, SourceError};
use crate::markdown::{MdOptions, Rendered};
use crate::model::Date;
use crate::resolve::{ResolveOptions, Site};

/// The statute, built in for sites that do not name their own copy in `site.toml`.
pub const BUNDLED_LAW: &str = include_str!("../data/anti-telecom-fraud-law-2022.md");

/// What to build and how.
#[derive(Debug, Clone)]
pub struct Options {
    pub root: PathBuf,
    pub output: PathBuf,
    /// Overrides `base_url` from `site.toml` (e.g. for a preview under another address).
    pub base_url: Option<String>,
    /// Include drafts and future-dated pages.
    pub drafts: bool,
    /// The date scheduled and expiring pages are judged against (default: today in China).
    pub today: Option<Date>,
}

impl Options {
    pub fn new(root: impl Into<PathBuf>) -> Options {
        let root = root.into();
        Options { output: root.join("public"), root, base_url: None, drafts: false, today: None }
    }
}

/// What a successful build did.
#[derive(Debug, Clone, Default)]
pub struct BuildReport {
    pub pages: usize,
    pub files: usize,
    pub bytes: u64,
    pub elapsed: Duration,
    /// Per stage: (name, time).
    pub timings: Vec<(&'static str, Duration)>,
}

/// The checked, resolved site with every page body rendered: what `check` verifies and `build` writes.
pub struct Prepared {
    pub site: Site,
    pub bodies: Vec<Rendered>,
    pub assets: Vec<load::Asset>,
    pub templates: render::Templates,
    pub timings: Vec<(&'static str, Duration)>,
}

struct Timer(Instant, Vec<(&'static str, Duration)>);

impl Timer {
    fn lap(&mut self, name: &'static str) {
        let now = Instant::now();
        self.1.push((name, now - self.0));
        self.0 = now;
    }
}

/// The content folders of a site: `content/` and every `[[sources]]` mount.
pub(crate) fn mounts(root: &Path, config: &SiteConfig) -> Result<Vec<load::Mount>, BuildError> {
    let mut mounts = vec![load::Mount { dir: root.join("content"), name: config.source_name.clone() }];
    if !mounts[0].dir.is_dir() {
        return Err(BuildError::Usage(format!("找不到内容目录 {}：网站的 Markdown 文件应放在 content/ 下", mounts[0].dir.display())));
    }
    let mut errs = Errors::default();
    for (i, s) in config.sources.iter().enumerate() {
        let dir = if s.path.is_absolute() { s.path.clone() } else { root.join(&s.path) };
        if !dir.is_dir() {
            let line = nth_source_line(root, i);
            errs.push(
                SourceError::new("site.toml", line, 1, format!("来源「{}」的内容目录 {} 不存在", s.name, s.path.display()))
                    .hint("检查 [[sources]] 里的 path 是否写对（相对于网站根目录），或先把该部门的内容放到这个目录"),
            );
        }
        mounts.push(load::Mount { dir, name: Some(s.name.clone()) });
    }
    errs.into_result()?;
    Ok(mounts)
}

fn nth_source_line(root: &Path, n: usize) -> usize {
    let text = std::fs::read_to_string(root.join("site.toml")).unwrap_or_default();
    text.lines().enumerate().filter(|(_, l)| l.trim() == "[[sources]]").nth(n).map_or(1, |(i, _)| i + 2)
}

pub(crate) fn load_law(root: &Path, config: &SiteConfig) -> Result<law::Law, BuildError> {
    let (text, path) = match &config.law.source {
        Some(p) => {
            let abs = root.join(p);
            (std::fs::read_to_string(&abs).map_err(|e| BuildError::io(&abs, e))?, p.clone())
        }
        None => (BUNDLED_LAW.to_string(), PathBuf::from("data/anti-telecom-fraud-law-2022.md")),
    };
    law::parse(&text).map_err(|(line, msg)| {
        BuildError::Content(vec![
            SourceError::new(path, line, 1, format!("法律文本无法解析：{msg}")).hint("法律文本的章用 ## 开头，每条以「第N条 」开头")
        ])
    })
}

/// Loads, checks and resolves the site and renders every page body; writes nothing.
pub fn prepare(opts: &Options) -> Result<Prepared, BuildError> {
    let mut timer = Timer(Instant::now(), Vec::new());
    let mut config = SiteConfig::load(&opts.root)?;
    if let Some(b) = &opts.base_url {
        config.base_url = if b.ends_with('/') { b.clone() } else { format!("{b}/") };
    }
    let mounts = mounts(&opts.root, &config)?;
    let loaded = load::load(&opts.root, &mounts)?;
    timer.lap("load");
    let mut errs = Errors::default();
    errs.extend(loaded.errors);
    let guard = privacy::Guard::new(&config.privacy.allow);
    // The templates and the law text load beside the pages (each is one sequential job).
    let (checked, (law, templates)) = rayon::join(
        || loaded.files.into_par_iter().map(|f| check_file(&guard, &config, f)).collect::<Vec<Result<model::Page, Vec<SourceError>>>>(),
        || (load_law(&opts.root, &config), render::load_templates(&opts.root, &config.theme)),
    );
    let mut pages = Vec::with_capacity(checked.len());
    for c in checked {
        match c {
            Ok(p) => pages.push(p),
            Err(e) => errs.extend(e),
        }
    }
    timer.lap("parse");
    let law = law?;
    let ropts = ResolveOptions { drafts: opts.drafts, today: opts.today.unwrap_or_else(Date::today) };
    let site = match resolve::resolve(config, pages, law, &ropts) {
        Ok(site) => site,
        Err(e) => {
            errs.extend(e);
            return Err(errs.into_result().err().unwrap_or(BuildError::Usage("resolve failed".into())));
        }
    };
    timer.lap("resolve");
    let bodies = render_bodies(&site);
    errs.extend(link_errors(&site, &bodies));
    timer.lap("markdown");
    let templates = errs.keep(templates)?;
    errs.into_result()?;
    let templates = templates.ok_or_else(|| BuildError::Usage("模板未加载".into()))?;
    Ok(Prepared { site, bodies, assets: loaded.assets, templates, timings: timer.1 })
}

/// One file through `frontmatter` and `validate`, plus the personal-data check.
pub(crate) fn check_file(guard: &privacy::Guard, config: &SiteConfig, f: load::SourceFile) -> Result<model::Page, Vec<SourceError>> {
    let found = privacy_errors(guard, &f);
    let raw = frontmatter::parse(f).map_err(|e| vec![e])?;
    let page = validate::validate(raw, config)?;
    if found.is_empty() {
        Ok(page)
    } else {
        Err(found)
    }
}

/// Personal data in a file: each finding masked, with how to fix or deliberately allow it.
pub(crate) fn privacy_errors(guard: &privacy::Guard, file: &load::SourceFile) -> Vec<SourceError> {
    guard
        .scan(&file.text)
        .into_iter()
        .map(|f| {
            SourceError::new(
                &file.path,
                f.line,
                f.column,
                format!("发现{}「{}」：个人信息不能公开发布，这个页面不会被发布", f.kind.label(), f.masked),
            )
            .hint(format!(
                "{} 如果这是可以公开的号码（例如单位办公电话），把它加到 site.toml 的 [privacy] allow 列表里，或在这一行末尾加上 {}",
                f.kind.hint(),
                privacy::allow_marker()
            ))
        })
        .collect()
}

fn render_bodies(site: &Site) -> Vec<Rendered> {
    site.pages
        .par_iter()
        .map(|p| markdown::render(&p.body, &MdOptions { unsafe_html: site.config.unsafe_html, links: &site.links, page_rel: &p.rel }))
        .collect()
}

/// Links to missing files and missing `#headings`, each with its file and line.
pub(crate) fn link_errors(site: &Site, bodies: &[Rendered]) -> Vec<SourceError> {
    let mut errs = Vec::new();
    for (p, r) in site.pages.iter().zip(bodies) {
        let at = |offset: usize| {
            let (line, col) = error::line_col(&p.body, offset);
            (p.body_line + line - 1, col)
        };
        for bad in &r.bad_links {
            errs.push(
                SourceError::new(&p.path, at(bad.offset).0, at(bad.offset).1, format!("链接指向的文件不存在：{}", bad.dest))
                    .hint("检查文件名是否拼对；站内链接写成 @/栏目/文件名.md，例如 [刷单返利](@/fraud/task-rebate.md)"),
            );
        }
        for a in &r.anchors {
            let Some(&target) = site.by_rel.get(&a.target_rel) else { continue };
            if !bodies[target].headings.iter().any(|h| h.id == a.anchor) && !is_template_anchor(&a.anchor) {
                let ids: Vec<&str> = bodies[target].headings.iter().map(|h| h.id.as_str()).collect();
                errs.push(
                    SourceError::new(
                        &p.path,
                        at(a.offset).0,
                        at(a.offset).1,
                        format!("链接指向的小标题 #{} 在 {} 里不存在", a.anchor, site.page(target).path.display()),
                    )
                    .hint(if ids.is_empty() {
                        "那个页面没有小标题，去掉 # 后面的部分".to_string()
                    } else {
                        format!("可用的小标题：{}", ids.join("、"))
                    }),
                );
            }
        }
    }
    errs
}

/// Anchors every page template provides (not headings in the Markdown).
fn is_template_anchor(a: &str) -> bool {
    matches!(a, "main" | "top" | "law-text" | "interpretation" | "cases" | "related")
}

/// Checks everything a build checks and writes nothing.
pub fn check(opts: &Options) -> Result<BuildReport, BuildError> {
    let start = Instant::now();
    let prepared = prepare(opts)?;
    Ok(BuildReport { pages: prepared.site.pages.len(), elapsed: start.elapsed(), timings: prepared.timings, ..BuildReport::default() })
}

/// Builds the site into `opts.output`, replacing it only when everything succeeded.
pub fn build(opts: &Options) -> Result<BuildReport, BuildError> {
    let start = Instant::now();
    output::check_target(&opts.root, &opts.output)?;
    let mut prepared = prepare(opts)?;
    let mut timer = Timer(Instant::now(), prepared.timings.clone());
    // Keep memory flat at scale: the Markdown sources are done with once the bodies are rendered,
    // the body HTML once the pages are written, and the search index takes the plain text over.
    for p in &mut prepared.site.pages {
        p.body = String::new();
    }
    let staging = output::Staging::new(&opts.output)?;
    let report = {
        let mut shared = render::Shared::new(&prepared.site, &prepared.bodies);
        shared.render_fragments(&prepared.templates, &opts.root)?;
        let report = render::render_all(&shared, &prepared.templates, &opts.root, &staging)?;
        timer.lap("render");
        render::write_feeds(&shared, &report, &staging)?;
        report
    };
    timer.lap("feeds");
    copy_static(opts, &prepared, &staging)?;
    timer.lap("write");
    for b in &mut prepared.bodies {
        b.html = String::new();
    }
    if prepared.site.config.search.enabled {
        let (docs, labels) = search_docs(&prepared.site, &prepared.bodies);
        prepared.bodies = Vec::new();
        timer.lap("search text");
        let files = search::build_index(&docs, &search::SearchOptions { facet_labels: labels });
        drop(docs);
        timer.lap("search index");
        files.par_iter().try_for_each(|f| staging.write(&format!("search/{}", f.path), &f.bytes))?;
        timer.lap("search write");
    }
    let (files, bytes) = (staging.files.load(std::sync::atomic::Ordering::Relaxed), staging.bytes.load(std::sync::atomic::Ordering::Relaxed));
    staging.commit()?;
    Ok(BuildReport { pages: report.pages, files, bytes, elapsed: start.elapsed(), timings: timer.1 })
}

/// What the search index sees of each content page: its fields and plain text, with facet slugs.
pub fn search_docs(site: &Site, bodies: &[Rendered]) -> (Vec<search::SearchDoc>, std::collections::BTreeMap<String, String>) {
    let slugs = |ids: &[usize]| ids.iter().map(|&i| site.slug(i).to_string()).collect::<Vec<_>>();
    let docs = site
        .pages
        .par_iter()
        .filter(|p| p.kind == model::PageKind::Page && !p.expired)
        .map(|p| {
            let id = p.id;
            let mut body = String::new();
            if let Some(a) = p.article.and_then(|n| site.law.article(n)) {
                body.push_str(&a.paragraphs.join("\n"));
                body.push('\n');
            }
            if p.section == "leaflets" {
                body.push_str(&p.red_flags.join("\n"));
                body.push('\n');
                body.push_str(&p.actions.join("\n"));
                body.push('\n');
            }
            body.push_str(&bodies[id].plain);
            let mut fraud_types = slugs(&site.fraud_refs[id]);
            let mut audiences = slugs(&site.audience_refs[id]);
            match p.section.as_str() {
                "fraud" => fraud_types.insert(0, site.slug(id).to_string()),
                "guides" => audiences.insert(0, site.slug(id).to_string()),
                _ => {}
            }
            search::SearchDoc {
                url: p.url.clone(),
                title: p.title.clone(),
                section: render::section_label(&p.section).to_string(),
                keywords: p.keywords.clone(),
                headings: bodies[id].headings.iter().filter(|h| h.level <= 3).map(|h| h.title.clone()).collect(),
                body,
                fraud_types,
                audiences,
                law_article: p.article,
                date: p.date.map(|d| d.to_string()),
            }
        })
        .collect();
    let labels = site.fraud_types.iter().chain(&site.audiences).map(|&i| (site.slug(i).to_string(), site.page(i).title.clone())).collect();
    (docs, labels)
}

/// Theme `static/`, the site's `static/` (overriding), and assets beside their pages.
fn copy_static(opts: &Options, prepared: &Prepared, staging: &output::Staging) -> Result<(), BuildError> {
    let files = static_files(&opts.root, &prepared.site.config.theme, &prepared.assets);
    files.par_iter().try_for_each(|(rel, src)| staging.copy(src, rel))
}

/// Site path → source file of every file copied as is (later entries override earlier ones).
pub(crate) fn static_files(root: &Path, theme: &str, assets: &[load::Asset]) -> std::collections::BTreeMap<String, PathBuf> {
    let mut files: std::collections::BTreeMap<String, PathBuf> = std::collections::BTreeMap::new();
    for dir in [root.join("themes").join(theme).join("static"), root.join("static")] {
        if !dir.is_dir() {
            continue;
        }
        for e in walkdir::WalkDir::new(&dir).into_iter().filter_map(Result::ok) {
            if e.file_type().is_file() && !load::is_ignored_name(&e.file_name().to_string_lossy()) {
                let rel = e.path().strip_prefix(&dir).unwrap_or(e.path()).to_string_lossy().replace('\\', "/");
                files.insert(rel, e.path().to_path_buf());
            }
        }
    }
    for a in assets {
        files.insert(a.rel.clone(), a.src.clone());
    }
    files
}
