//! Incremental rebuilds for `serve`: the same stages as [`crate::prepare`] and [`crate::build`],
//! with three caches so that an edit to one page costs little on a site of 10,000 pages:
//!
//! 1. every content file's checked `Page` (keyed by path, size and modification time; files
//!    modified within the last two seconds are re-read and compared by content, as git does);
//! 2. every page's rendered Markdown (keyed by body and the site's URLs; the last two URL sets
//!    are kept, so a page that is broken and then fixed does not re-render every body twice);
//! 3. every output file's template context and bytes (hashes only): a page whose context did not
//!    change is not rendered again, and a file whose bytes did not change is not written again.
//!
//! When nothing but page bodies changed (every page's front matter, the settings, the law and
//! the templates are as before), only the pages that show those bodies are rendered: the page
//! itself, a section list whose `_index.md` it is, and the whole-site pages (handbook, all
//! leaflets, law index, search, 404) and feeds. Otherwise every page's context is built and
//! compared, which costs seconds on 10,000 pages.
//!
//! The search index is rebuilt in a second step ([`Rebuilder::rebuild_search`], only when the
//! indexed text changed), so that `serve` can reload the browser before the index is done: on
//! 10,000 pages the index takes seconds, the pages well under one.
//!
//! The output is byte for byte what a full `build` with the same options writes (a test checks
//! this). Nothing is written until the whole rebuild succeeded, so a broken file leaves the last
//! good site in place. This module must not print; it reports what it did in an [`Outcome`].

use std::collections::{BTreeMap, HashMap};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

use rayon::prelude::*;

use crate::config::SiteConfig;
use crate::error::{BuildError, Errors, SourceError};
use crate::markdown::{MdOptions, Rendered};
use crate::model::{Date, Page};
use crate::output::Sink;
use crate::render::{self, Templates};
use crate::resolve::{self, ResolveOptions};
use crate::{load, Options};

/// Files changed less than this long before a scan are compared by content, not by time stamp.
const RACY: Duration = Duration::from_secs(2);

/// What one rebuild did.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    /// Site paths written (new or different bytes), sorted.
    pub changed: Vec<String>,
    /// Site paths deleted because nothing produces them any more.
    pub removed: Vec<String>,
    /// Pages rendered through a template (the others had an unchanged context).
    pub rendered: usize,
    /// Content files read and checked again.
    pub reparsed: usize,
    pub pages: usize,
    pub elapsed: Duration,
    pub timings: Vec<(&'static str, Duration)>,
}

impl Outcome {
    /// Only stylesheets changed: the browser can restyle without reloading.
    pub fn css_only(&self) -> bool {
        !self.changed.is_empty() && self.removed.is_empty() && self.changed.iter().all(|p| p.ends_with(".css"))
    }
}

struct CachedFile {
    rel: String,
    mount: Option<String>,
    modified: SystemTime,
    len: u64,
    text: u64,
    result: Result<Page, Vec<SourceError>>,
}

struct CachedStatic {
    src: PathBuf,
    modified: SystemTime,
    len: u64,
    hash: u64,
}

/// The state kept between rebuilds of one site into one output folder.
pub struct Rebuilder {
    opts: Options,
    files: HashMap<PathBuf, CachedFile>,
    config_key: u64,
    last_scan: Option<SystemTime>,
    /// Per content path: up to two (body hash, URL-set hash, rendered body), newest first.
    bodies: HashMap<String, Vec<(u64, u64, Rendered)>>,
    templates: Option<(u64, Templates)>,
    /// Output path → hash of (template, context) of the job that made it.
    jobs: HashMap<String, u64>,
    /// Hash of everything every page sees (`site`, the templates).
    global_key: u64,
    /// The `cards/` fragments of the last rebuild, with the global key they were rendered under.
    cards: (u64, render::CardCache),
    /// Output path → hash of the bytes on disk.
    outputs: HashMap<String, u64>,
    statics: HashMap<String, CachedStatic>,
    /// The site and bodies of the last successful page step, for the search step.
    last: Option<(resolve::Site, Vec<Rendered>)>,
    /// Hash of the indexed documents, and the index files written (site path → bytes hash).
    search_key: Option<u64>,
    search_files: HashMap<String, u64>,
    /// Hash of everything but page bodies; per page, the hash of its body.
    structure: u64,
    body_keys: Vec<u64>,
}

/// Which pages' bodies changed, when nothing else did.
fn body_only_changes(structure: u64, old_structure: u64, old_bodies: &[u64], new_bodies: &[u64]) -> Option<Vec<bool>> {
    (structure == old_structure && old_bodies.len() == new_bodies.len()).then(|| old_bodies.iter().zip(new_bodies).map(|(a, b)| a != b).collect())
}

/// Does this job show the body of a page in `dirty`? (See the module comment.)
fn shows_dirty_body(job: &render::Job, dirty: &[bool]) -> bool {
    match job {
        render::Job::Page(id) => dirty.get(*id).copied().unwrap_or(true),
        render::Job::List { title_page: Some(t), .. } => dirty.get(*t).copied().unwrap_or(true),
        render::Job::List { .. } => false,
        _ => true,
    }
}

/// Everything of a page but its body, and its body, as two hashes. The body is lent out while the
/// rest is formatted, so that nothing is cloned.
fn page_keys(p: &mut Page) -> (u64, u64) {
    let body = std::mem::take(&mut p.body);
    let keys = (hash_of(&*p), crate::output::content_hash(body.as_bytes()));
    p.body = body;
    keys
}

fn hash_of(value: impl Hash) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    value.hash(&mut h);
    h.finish()
}

/// Collects small generated files (sitemap, feeds) in memory.
#[derive(Default)]
struct Memory(Mutex<Vec<(String, Vec<u8>)>>);

impl Sink for Memory {
    fn write(&self, rel: &str, data: &[u8]) -> Result<(), BuildError> {
        self.0.lock().map_err(|_| BuildError::Usage("内部错误：输出缓存被锁住".into()))?.push((rel.to_string(), data.to_vec()));
        Ok(())
    }
}

/// The input of one search-index build, detached from the `Rebuilder`.
pub struct SearchJob {
    key: Option<u64>,
    docs: Vec<crate::search::SearchDoc>,
    labels: BTreeMap<String, String>,
}

impl SearchJob {
    /// Builds the index files (site path, bytes); none when search is off. Pure: no I/O.
    pub fn run(self) -> (Option<u64>, Vec<(String, Vec<u8>)>) {
        if self.key.is_none() {
            return (None, Vec::new());
        }
        let files = crate::search::build_index(&self.docs, &crate::search::SearchOptions { facet_labels: self.labels });
        (self.key, files.into_iter().map(|f| (format!("search/{}", f.path), f.bytes)).collect())
    }
}

/// A rendered (or skipped) job: output path, context hash, bytes, sitemap line.
type Done = (String, u64, Produced, Option<(String, Option<String>)>);

/// One output file of this rebuild: its bytes' hash, and the bytes when they must be written.
enum Produced {
    Same(u64),
    Bytes(Vec<u8>),
    Copy(PathBuf, u64),
}

impl Rebuilder {
    /// `opts.output` is the folder served; the rebuilder owns it and assumes it starts empty.
    pub fn new(opts: Options) -> Rebuilder {
        Rebuilder {
            opts,
            files: HashMap::new(),
            config_key: 0,
            last_scan: None,
            bodies: HashMap::new(),
            templates: None,
            jobs: HashMap::new(),
            global_key: 0,
            cards: (0, render::CardCache::new()),
            outputs: HashMap::new(),
            statics: HashMap::new(),
            structure: 0,
            body_keys: Vec::new(),
            last: None,
            search_key: None,
            search_files: HashMap::new(),
        }
    }

    pub fn options(&self) -> &Options {
        &self.opts
    }

    /// Brings the output folder up to date with the site, search index included; on error the
    /// folder is untouched.
    pub fn rebuild(&mut self) -> Result<Outcome, BuildError> {
        let mut o = self.rebuild_pages()?;
        let s = self.rebuild_search()?;
        o.changed.extend(s.changed);
        o.removed.extend(s.removed);
        o.elapsed += s.elapsed;
        o.timings.extend(s.timings);
        Ok(o)
    }

    /// Everything but the search index (whose files from the last run are kept).
    pub fn rebuild_pages(&mut self) -> Result<Outcome, BuildError> {
        let start = Instant::now();
        let mut laps = Vec::new();
        let mut lap = |name: &'static str, t: &mut Instant| {
            laps.push((name, t.elapsed()));
            *t = Instant::now();
        };
        let mut t = Instant::now();
        let root = self.opts.root.clone();
        let mut config = SiteConfig::load(&root)?;
        if let Some(b) = &self.opts.base_url {
            config.base_url = if b.ends_with('/') { b.clone() } else { format!("{b}/") };
        }
        let config_key = hash_of(format!("{config:?}"));
        if config_key != self.config_key {
            self.files.clear();
            self.bodies.clear();
            self.config_key = config_key;
        }
        let mounts = crate::mounts(&root, &config)?;
        let entries = load::walk(&mounts)?;
        let (pages, assets, mut errs, reparsed) = self.scan(&root, &config, entries)?;
        lap("parse", &mut t);
        let law = crate::load_law(&root, &config)?;
        let templates = self.templates(&root, &config.theme);
        let ropts = ResolveOptions { drafts: self.opts.drafts, today: self.opts.today.unwrap_or_else(Date::today) };
        let mut site = match resolve::resolve(config, pages, law, &ropts) {
            Ok(site) => site,
            Err(e) => {
                errs.extend(e);
                errs.into_result()?;
                return Err(BuildError::Usage("resolve failed".into()));
            }
        };
        let (page_keys, body_keys): (Vec<u64>, Vec<u64>) = site.pages.par_iter_mut().map(page_keys).unzip();
        lap("resolve", &mut t);
        let bodies = self.bodies(&site);
        errs.extend(crate::link_errors(&site, &bodies));
        lap("markdown", &mut t);
        let templates_key = errs.keep(templates)?;
        errs.into_result()?;
        let templates_key = templates_key.ok_or_else(|| BuildError::Usage("模板未加载".into()))?;
        let Some((_, templates)) = &self.templates else { return Err(BuildError::Usage("模板未加载".into())) };
        let mut shared = render::Shared::new(&site, &bodies);
        let global_key = hash_of((templates_key, crate::output::json_hash("", &shared.site_json)));
        // Cards depend on the templates, `site` and the page's ref only: reuse those of unchanged refs.
        let (cards_key, old_cards) = std::mem::take(&mut self.cards);
        let old_cards = if cards_key == global_key { old_cards } else { render::CardCache::new() };
        let cards = shared.render_fragments_reusing(templates, &root, Some(&old_cards));
        drop(old_cards);
        self.cards = (global_key, cards?);
        let old_jobs = if global_key == self.global_key { std::mem::take(&mut self.jobs) } else { HashMap::new() };
        let structure = hash_of((global_key, config_key, format!("{:?}", site.law), site.today, &page_keys));
        let dirty = body_only_changes(structure, self.structure, &self.body_keys, &body_keys);
        let jobs = render::jobs(&site);
        let paths = render::job_paths(&site, &jobs)?;
        let done: Vec<Result<Done, BuildError>> = jobs
            .par_iter()
            .zip(paths)
            .map_init(
                || render::JobRenderer::new(&shared),
                |renderer, (job, path)| {
                    let entry = render::sitemap_entry(&site, job, &path);
                    if let (Some(d), Some(&key), Some(&h)) = (&dirty, old_jobs.get(&path), self.outputs.get(&path)) {
                        if !shows_dirty_body(job, d) {
                            return Ok((path, key, Produced::Same(h), entry));
                        }
                    }
                    let (template, ctx) = render::job_context(&shared, templates, job);
                    let key = crate::output::json_hash(&template, &ctx);
                    if old_jobs.get(&path) == Some(&key) {
                        if let Some(&h) = self.outputs.get(&path) {
                            return Ok((path, key, Produced::Same(h), entry));
                        }
                    }
                    let html = renderer.render(templates, &root, &template, ctx)?;
                    Ok((path, key, Produced::Bytes(html), entry))
                },
            )
            .collect();
        lap("render", &mut t);
        let mut produced: BTreeMap<String, Produced> = BTreeMap::new();
        let mut new_jobs = HashMap::with_capacity(done.len());
        let mut sitemap = Vec::new();
        let mut rendered = 0;
        let mut render_errs = Errors::default();
        for d in done {
            match d {
                Ok((path, key, p, entry)) => {
                    rendered += usize::from(matches!(p, Produced::Bytes(_)));
                    new_jobs.insert(path.clone(), key);
                    produced.insert(path, p);
                    sitemap.extend(entry);
                }
                Err(BuildError::Content(e)) => render_errs.extend(e),
                Err(e) => {
                    self.jobs = old_jobs;
                    return Err(e);
                }
            }
        }
        if !render_errs.is_empty() {
            self.jobs = old_jobs;
            render_errs.into_result()?;
        }
        sitemap.sort();
        let report = render::RenderReport { pages: jobs.len(), sitemap };
        let feeds = Memory::default();
        render::write_feeds(&shared, &report, &feeds)?;
        for (rel, bytes) in feeds.0.into_inner().unwrap_or_default() {
            produced.insert(rel, Produced::Bytes(bytes));
        }
        let statics = crate::static_files(&root, &site.config.theme, &assets);
        self.statics(statics, &mut produced)?;
        for (rel, h) in &self.search_files {
            produced.entry(rel.clone()).or_insert(Produced::Same(*h));
        }
        let pages = site.pages.len();
        drop(shared);
        let outcome = self.commit(produced, new_jobs, global_key, rendered, reparsed, pages);
        if outcome.is_ok() {
            self.structure = structure;
            self.body_keys = body_keys;
            self.last = Some((site, bodies));
        }
        lap("write", &mut t);
        let mut outcome = outcome?;
        outcome.elapsed = start.elapsed();
        outcome.timings = laps;
        Ok(outcome)
    }

    /// Rebuilds the search index of the last successful page step when the indexed text changed
    /// (as `build` does: `search/…` files from `search::build_index`).
    pub fn rebuild_search(&mut self) -> Result<Outcome, BuildError> {
        match self.search_job() {
            Some(job) => {
                let start = Instant::now();
                let (key, files) = job.run();
                let mut o = self.apply_search(key, files)?;
                o.elapsed = start.elapsed();
                o.timings = vec![("search", o.elapsed)];
                Ok(o)
            }
            None => Ok(Outcome::default()),
        }
    }

    /// What the search step must index, or `None` when nothing indexed changed since the last
    /// job. The job runs without the `Rebuilder` (on another thread in `serve`).
    pub fn search_job(&mut self) -> Option<SearchJob> {
        let (site, bodies) = self.last.as_ref()?;
        let job = if site.config.search.enabled {
            let (docs, labels) = crate::search_docs(site, bodies);
            let key = hash_of((&docs, &labels));
            SearchJob { key: Some(key), docs, labels }
        } else {
            SearchJob { key: None, docs: Vec::new(), labels: BTreeMap::new() }
        };
        if job.key == self.search_key && (job.key.is_some() || self.search_files.is_empty()) {
            return None;
        }
        self.search_key = job.key;
        Some(job)
    }

    /// Writes the files of a finished search job, unless a newer job has been handed out since.
    pub fn apply_search(&mut self, key: Option<u64>, files: Vec<(String, Vec<u8>)>) -> Result<Outcome, BuildError> {
        if key != self.search_key {
            return Ok(Outcome::default());
        }
        let out = self.opts.output.clone();
        let mut fresh = HashMap::new();
        let mut changed = Vec::new();
        for (rel, bytes) in files {
            let h = hash_of(&bytes);
            if self.outputs.get(&rel) != Some(&h) {
                write_atomic(&out, &rel, &bytes)?;
                self.outputs.insert(rel.clone(), h);
                changed.push(rel.clone());
            }
            fresh.insert(rel, h);
        }
        let mut removed: Vec<String> = self.search_files.keys().filter(|k| !fresh.contains_key(*k)).cloned().collect();
        removed.sort();
        for rel in &removed {
            let _ = std::fs::remove_file(out.join(rel));
            self.outputs.remove(rel);
        }
        self.search_files = fresh;
        changed.sort();
        Ok(Outcome { changed, removed, ..Outcome::default() })
    }

    /// Reads and checks the content files that changed since the last scan; the rest come from
    /// the cache. Returns pages in the same order as `load::load` would.
    #[allow(clippy::type_complexity)]
    fn scan(
        &mut self,
        root: &Path,
        config: &SiteConfig,
        entries: Vec<(PathBuf, String, Option<String>)>,
    ) -> Result<(Vec<Page>, Vec<load::Asset>, Errors, usize), BuildError> {
        let scan_start = SystemTime::now();
        let trusted_before = self.last_scan.and_then(|t| t.checked_sub(RACY));
        let mut assets = Vec::new();
        let mut md = Vec::new();
        for (abs, rel, mount) in entries {
            if rel.ends_with(".md") {
                md.push((abs, rel, mount));
            } else {
                let path = load::display_path(root, &abs);
                assets.push(load::Asset { src: abs, rel, path });
            }
        }
        let guard = crate::privacy::Guard::new(&config.privacy.allow);
        let files = &self.files;
        let fresh: Vec<Result<Option<(PathBuf, CachedFile)>, BuildError>> = md
            .par_iter()
            .map(|(abs, rel, mount)| {
                let meta = std::fs::metadata(abs).map_err(|e| BuildError::io(abs, e))?;
                let modified = meta.modified().unwrap_or(SystemTime::UNIX_EPOCH);
                let old = files.get(abs).filter(|c| &c.rel == rel && &c.mount == mount);
                if let Some(c) = old {
                    let settled = trusted_before.is_some_and(|t| modified < t);
                    if settled && c.modified == modified && c.len == meta.len() {
                        return Ok(None);
                    }
                }
                let file = load::read_markdown(root, abs, rel.clone(), mount.clone())?;
                let text = file.as_ref().map_or(0, |f| hash_of(&f.text));
                if let (Some(c), Ok(_)) = (old, &file) {
                    if c.text == text {
                        let result = c.result.clone();
                        return Ok(Some((
                            abs.clone(),
                            CachedFile { rel: rel.clone(), mount: mount.clone(), modified, len: meta.len(), text, result },
                        )));
                    }
                }
                let result = match file {
                    Ok(f) => crate::check_file(&guard, config, f),
                    Err(e) => Err(vec![e]),
                };
                Ok(Some((abs.clone(), CachedFile { rel: rel.clone(), mount: mount.clone(), modified, len: meta.len(), text, result })))
            })
            .collect();
        let mut reparsed = 0;
        for f in fresh {
            if let Some((abs, c)) = f? {
                reparsed += 1;
                self.files.insert(abs, c);
            }
        }
        let keep: std::collections::HashSet<&PathBuf> = md.iter().map(|(a, _, _)| a).collect();
        self.files.retain(|k, _| keep.contains(k));
        let mut errs = Errors::default();
        let mut pages = Vec::with_capacity(md.len());
        for (abs, _, _) in &md {
            match self.files.get(abs).map(|c| &c.result) {
                Some(Ok(p)) => pages.push(p.clone()),
                Some(Err(e)) => errs.extend(e.iter().cloned()),
                None => {}
            }
        }
        self.last_scan = Some(scan_start);
        Ok((pages, assets, errs, reparsed))
    }

    /// The templates, recompiled only when a template file changed; returns their content key.
    fn templates(&mut self, root: &Path, theme: &str) -> Result<u64, BuildError> {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        theme.hash(&mut h);
        for dir in [root.join("themes").join(theme).join("templates"), root.join("templates")] {
            for e in walkdir::WalkDir::new(&dir).sort_by_file_name().into_iter().filter_map(Result::ok) {
                if e.file_type().is_file() {
                    e.path().hash(&mut h);
                    std::fs::read(e.path()).unwrap_or_default().hash(&mut h);
                }
            }
        }
        let key = h.finish();
        if let Some((k, _)) = &self.templates {
            if *k == key {
                return Ok(key);
            }
        }
        self.templates = None;
        let t = render::load_templates(root, theme)?;
        self.templates = Some((key, t));
        Ok(key)
    }

    /// Page bodies rendered again only when their Markdown or the site's URLs changed.
    fn bodies(&mut self, site: &resolve::Site) -> Vec<Rendered> {
        let mut urls: Vec<(&String, &String)> = site.links.urls.iter().collect();
        urls.sort();
        let links_key = hash_of((&urls, &site.links.root, site.config.unsafe_html));
        let cache = &self.bodies;
        let out: Vec<(Rendered, Option<u64>)> = site
            .pages
            .par_iter()
            .map(|p| {
                let key = hash_of(&p.body);
                match cache.get(&p.rel).and_then(|v| v.iter().find(|(b, l, _)| *b == key && *l == links_key)) {
                    Some((_, _, r)) => (r.clone(), None),
                    None => {
                        let opts = MdOptions { unsafe_html: site.config.unsafe_html, links: &site.links, page_rel: &p.rel };
                        (crate::markdown::render(&p.body, &opts), Some(key))
                    }
                }
            })
            .collect();
        let mut bodies = Vec::with_capacity(out.len());
        for (p, (r, key)) in site.pages.iter().zip(out) {
            if let Some(k) = key {
                let v = self.bodies.entry(p.rel.clone()).or_default();
                v.insert(0, (k, links_key, r.clone()));
                v.truncate(2);
            }
            bodies.push(r);
        }
        let live: std::collections::HashSet<&str> = site.pages.iter().map(|p| p.rel.as_str()).collect();
        self.bodies.retain(|rel, _| live.contains(rel.as_str()));
        bodies
    }

    /// Theme and site `static/` files and content assets: read again only when their size or
    /// time stamp changed.
    fn statics(&mut self, files: BTreeMap<String, PathBuf>, produced: &mut BTreeMap<String, Produced>) -> Result<(), BuildError> {
        let trusted_before = self.last_scan.and_then(|t| t.checked_sub(RACY));
        let mut fresh = HashMap::new();
        for (rel, src) in files {
            let meta = std::fs::metadata(&src).map_err(|e| BuildError::io(&src, e))?;
            let modified = meta.modified().unwrap_or(SystemTime::UNIX_EPOCH);
            let hash = match self.statics.get(&rel) {
                Some(c) if c.src == src && c.modified == modified && c.len == meta.len() && trusted_before.is_some_and(|t| modified < t) => c.hash,
                _ => hash_of(std::fs::read(&src).map_err(|e| BuildError::io(&src, e))?),
            };
            produced.insert(rel.clone(), Produced::Copy(src.clone(), hash));
            fresh.insert(rel, CachedStatic { src, modified, len: meta.len(), hash });
        }
        self.statics = fresh;
        Ok(())
    }

    /// Writes what changed, deletes what is gone, and remembers the new state.
    fn commit(
        &mut self,
        produced: BTreeMap<String, Produced>,
        jobs: HashMap<String, u64>,
        global_key: u64,
        rendered: usize,
        reparsed: usize,
        pages: usize,
    ) -> Result<Outcome, BuildError> {
        let out = self.opts.output.clone();
        let mut outputs = HashMap::with_capacity(produced.len());
        let mut changed = Vec::new();
        for (rel, p) in produced {
            let hash = match &p {
                Produced::Same(h) | Produced::Copy(_, h) => *h,
                Produced::Bytes(b) => hash_of(b),
            };
            if self.outputs.get(&rel) != Some(&hash) {
                match &p {
                    Produced::Bytes(b) => write_atomic(&out, &rel, b)?,
                    Produced::Copy(src, _) => write_atomic(&out, &rel, &std::fs::read(src).map_err(|e| BuildError::io(src, e))?)?,
                    Produced::Same(_) => {}
                }
                changed.push(rel.clone());
            }
            outputs.insert(rel, hash);
        }
        let mut removed: Vec<String> = self.outputs.keys().filter(|k| !outputs.contains_key(*k)).cloned().collect();
        removed.sort();
        for rel in &removed {
            let _ = std::fs::remove_file(out.join(rel));
        }
        self.outputs = outputs;
        self.jobs = jobs;
        self.global_key = global_key;
        Ok(Outcome { changed, removed, rendered, reparsed, pages, ..Outcome::default() })
    }
}

/// Writes a file beside its final name and renames it into place, so that the server never sends
/// a half-written page.
fn write_atomic(dir: &Path, rel: &str, data: &[u8]) -> Result<(), BuildError> {
    let path = dir.join(rel.trim_start_matches('/'));
    let parent = path.parent().unwrap_or(dir);
    std::fs::create_dir_all(parent).map_err(|e| BuildError::io(parent, e))?;
    let name = path.file_name().map_or_else(|| "file".into(), |n| n.to_string_lossy().to_string());
    let tmp = parent.join(format!(".{name}.fanzha-tmp"));
    std::fs::write(&tmp, data).map_err(|e| BuildError::io(&tmp, e))?;
    std::fs::rename(&tmp, &path).map_err(|e| BuildError::io(&path, e))
}
