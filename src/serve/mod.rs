//! `fanzha serve`: builds the site, serves it on the local machine, watches the files it is made
//! from and rebuilds after every save, telling open browser tabs to reload (or only to restyle,
//! when just a stylesheet changed). When a rebuild fails the last good site keeps being served and
//! every page shows the errors in an overlay until the file is fixed.
//!
//! The preview is written to its own folder (a new temporary folder unless `--output` names one)
//! with `base_url` set to the preview address, so `public/` — what gets uploaded — is never
//! touched by a preview. Split into `rebuild` (incremental builds), `http` (the server) and
//! `watch` (file-system events). This module prints progress lines through the `log` callback.

pub mod http;
pub mod rebuild;
pub mod watch;

use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex};

use crate::config::SiteConfig;
use crate::error::{BuildError, SourceError};
use crate::Options;

pub use rebuild::{Outcome, Rebuilder, SearchJob};

/// Default port (the same as Zola's).
pub const DEFAULT_PORT: u16 = 1111;
/// Threads answering requests (event streams get their own).
const WORKERS: usize = 4;

/// How to serve.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// Root, drafts and today as for a build; `output` is ignored in favour of `output` below and
    /// `base_url` is replaced by the preview address.
    pub site: Options,
    /// Where the preview is written; `None`: a new folder in the system's temporary folder.
    pub output: Option<PathBuf>,
    pub bind: IpAddr,
    pub port: u16,
    /// Poll for changes instead of using file-system events.
    pub poll: bool,
}

/// The errors of a failed rebuild as overlay entries (set-up problems have no file).
pub fn error_list(e: &BuildError) -> Vec<SourceError> {
    match e {
        BuildError::Content(list) => list.clone(),
        other => vec![SourceError::new("", 0, 0, other.to_string())],
    }
}

/// Picks and prepares the preview folder: a named folder must be empty or a previous site output.
fn output_dir(opts: &ServeOptions) -> Result<PathBuf, BuildError> {
    let dir = match &opts.output {
        Some(d) => {
            crate::output::check_target(&opts.site.root, d)?;
            if d.is_dir() {
                let mut entries = std::fs::read_dir(d).map_err(|e| BuildError::io(d, e))?;
                let empty = entries.next().is_none();
                let site_output = d.join("404.html").is_file() && d.join("sitemap.xml").is_file();
                if !empty && !site_output {
                    return Err(BuildError::Usage(format!(
                        "输出目录 {} 里有别的文件，不像是生成的网站：serve 会清空它，请换一个空目录",
                        d.display()
                    )));
                }
                std::fs::remove_dir_all(d).map_err(|e| BuildError::io(d, e))?;
            }
            d.clone()
        }
        None => std::env::temp_dir().join(format!("fanzha-serve-{}", std::process::id())),
    };
    std::fs::create_dir_all(&dir).map_err(|e| BuildError::io(&dir, e))?;
    dir.canonicalize().map_err(|e| BuildError::io(&dir, e))
}

/// The folders whose changes matter: content, templates, themes, static and every source.
fn watched_folders(root: &Path) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = ["content", "templates", "themes", "static", "data"].iter().map(|d| root.join(d)).collect();
    if let Ok(config) = SiteConfig::load(root) {
        for s in &config.sources {
            dirs.push(if s.path.is_absolute() { s.path.clone() } else { root.join(&s.path) });
        }
    }
    dirs
}

/// Runs the preview until the process is stopped. Returns only on set-up failure (port taken,
/// no `site.toml`).
pub fn serve(opts: ServeOptions, log: &(dyn Fn(&str) + Sync)) -> Result<(), BuildError> {
    let root = opts.site.root.canonicalize().map_err(|e| BuildError::io(&opts.site.root, e))?;
    SiteConfig::load(&root)?;
    if !opts.bind.is_loopback() {
        log(&format!(
            "警告：预览服务器绑定在 {}，同一网络里的其他电脑也能访问这个预览（包括未发布的草稿）。只在本机预览时请去掉 --bind。",
            opts.bind
        ));
    }
    let addr = SocketAddr::new(opts.bind, opts.port);
    let server = tiny_http::Server::http(addr)
        .map_err(|e| BuildError::Usage(format!("无法在 {addr} 启动预览服务器（{e}）：端口可能已被占用，用 --port 换一个端口，例如 --port 1112")))?;
    let port = server.server_addr().to_ip().map_or(opts.port, |a| a.port());
    let dir = output_dir(&opts)?;
    let host = if opts.bind.is_unspecified() { "127.0.0.1".to_string() } else { opts.bind.to_string() };
    let host = if host.contains(':') { format!("[{host}]") } else { host };
    let url = format!("http://{host}:{port}/");
    let mut site = opts.site.clone();
    site.root = root.clone();
    site.output = dir.clone();
    site.base_url = Some(url.clone());
    let state = Arc::new(http::State::new(dir.clone()));

    let rebuilder = Mutex::new(Rebuilder::new(site));
    let slot = SearchSlot::default();
    run_once(&rebuilder, &slot, &state, log, true);
    let server = Arc::new(server);
    for i in 0..WORKERS {
        let (server, state) = (Arc::clone(&server), Arc::clone(&state));
        std::thread::Builder::new()
            .name(format!("fanzha-http-{i}"))
            .spawn(move || {
                while let Ok(req) = server.recv() {
                    http::handle(&state, req);
                }
            })
            .map_err(|e| BuildError::io(&dir, e))?;
    }
    let mut watch = watch::Watch::new(&root, watched_folders(&root), &dir, opts.poll)
        .map_err(|e| BuildError::Usage(format!("无法监视网站文件的变化（{e}）：可以加 --poll 改用定时检查")))?;
    log(&format!("正在预览：{url}  （预览文件在 {}；按 Ctrl+C 停止）", dir.display()));
    std::thread::scope(|scope| {
        scope.spawn(|| search_worker(&rebuilder, &slot, log));
        while let Some(changed) = watch.wait() {
            if let Some(first) = changed.first() {
                let more = if changed.len() > 1 { format!(" 等 {} 个文件", changed.len()) } else { String::new() };
                log(&format!("发现改动：{}{more}", crate::load::display_path(&root, first).display()));
            }
            run_once(&rebuilder, &slot, &state, log, false);
            watch.refresh();
        }
        slot.stop();
    });
    Ok(())
}

/// The latest search-index job waiting for the search thread (an older one waiting is replaced),
/// and whether the preview is stopping.
#[derive(Default)]
struct SearchSlot {
    next: Mutex<(Option<SearchJob>, bool)>,
    ready: Condvar,
}

impl SearchSlot {
    fn put(&self, job: SearchJob) {
        if let Ok(mut n) = self.next.lock() {
            n.0 = Some(job);
            self.ready.notify_one();
        }
    }
    fn stop(&self) {
        if let Ok(mut n) = self.next.lock() {
            n.1 = true;
            self.ready.notify_one();
        }
    }
    /// Blocks until a job is there; `None` when stopping.
    fn take(&self) -> Option<SearchJob> {
        let mut n = self.next.lock().ok()?;
        loop {
            if n.1 {
                return None;
            }
            if let Some(job) = n.0.take() {
                return Some(job);
            }
            n = self.ready.wait(n).ok()?;
        }
    }
}

/// Builds search indexes off the rebuild thread, so a reload never waits for the index (seconds
/// on 10,000 pages); only writing the finished files takes the rebuilder's lock.
fn search_worker(rebuilder: &Mutex<Rebuilder>, slot: &SearchSlot, log: &(dyn Fn(&str) + Sync)) {
    // One thread for the index, so the next page rebuild always has a core to itself.
    let pool = rayon::ThreadPoolBuilder::new().num_threads(1).thread_name(|_| "fanzha-search".into()).build().ok();
    while let Some(job) = slot.take() {
        let start = std::time::Instant::now();
        let run = || match &pool {
            Some(p) => p.install(|| job.run()),
            None => job.run(),
        };
        let Ok((key, files)) = std::panic::catch_unwind(std::panic::AssertUnwindSafe(run)) else {
            log("搜索索引生成失败（fanzha 内部错误）；页面预览不受影响");
            continue;
        };
        let Ok(mut r) = rebuilder.lock() else { return };
        match r.apply_search(key, files) {
            Ok(o) if !o.changed.is_empty() || !o.removed.is_empty() => {
                log(&format!("已更新搜索索引：{} 个文件，用时 {} 毫秒", o.changed.len() + o.removed.len(), start.elapsed().as_millis()))
            }
            Ok(_) => {}
            Err(e) => log(&format!("搜索索引没有写入：{e}")),
        }
    }
}

/// One page rebuild: updates the overlay, tells the browser what to do, hands the search index to
/// the search thread and logs what happened. A panic inside the build is reported like an error
/// instead of stopping the preview.
fn run_once(rebuilder: &Mutex<Rebuilder>, slot: &SearchSlot, state: &http::State, log: &(dyn Fn(&str) + Sync), first: bool) {
    let internal = || BuildError::Usage("fanzha 内部错误（请把终端里的内容报告给开发人员）".into());
    let Ok(mut r) = rebuilder.lock() else {
        log("fanzha 内部错误：重新生成被中断，请重新运行 fanzha serve");
        return;
    };
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| r.rebuild_pages())).unwrap_or_else(|_| Err(internal()));
    match result {
        Ok(o) => {
            state.set_errors(&[]);
            if o.css_only() {
                state.notify("css");
            } else if !o.changed.is_empty() || !o.removed.is_empty() {
                state.notify("reload");
            }
            let what = if first { "已生成" } else { "已更新" };
            log(&format!(
                "{what} {} 个页面：写入 {} 个文件，删除 {} 个，用时 {} 毫秒",
                o.pages,
                o.changed.len(),
                o.removed.len(),
                o.elapsed.as_millis()
            ));
            if let Some(job) = r.search_job() {
                slot.put(job);
            }
        }
        Err(e) => {
            state.set_errors(&error_list(&e));
            log(&format!("{e}"));
            log("（预览仍显示上一次成功生成的版本；改好后保存，会自动重新生成）");
        }
    }
}
