//! Watches the folders a site is made from (`content/`, `templates/`, `themes/`, `static/`, every
//! `[[sources]]` folder and `site.toml`) and turns a burst of file-system events into one "something
//! changed" signal. Editor swap and temp files and plain reads are ignored. Folders that appear,
//! disappear or are renamed are picked up again by [`Watch::refresh`] after every rebuild; the
//! rebuild itself compares files on disk, so a lost event costs at most a late rebuild.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use notify::{EventKind, RecursiveMode, Watcher};

use crate::load::is_ignored_name;

/// Quiet time that ends a burst of events.
pub const DEBOUNCE: Duration = Duration::from_millis(100);
/// A burst never delays a rebuild longer than this.
const MAX_WAIT: Duration = Duration::from_secs(2);

/// The watcher and what it watches.
pub struct Watch {
    watcher: Box<dyn Watcher + Send>,
    root: PathBuf,
    /// Folders watched recursively, with the identity of the folder when it was watched.
    folders: Vec<(PathBuf, Option<FolderId>)>,
    output: PathBuf,
    pub events: Receiver<notify::Result<notify::Event>>,
}

type FolderId = (u64, u64);

#[cfg(unix)]
fn folder_id(p: &Path) -> Option<FolderId> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(p).ok().filter(|m| m.is_dir()).map(|m| (m.dev(), m.ino()))
}

#[cfg(not(unix))]
fn folder_id(p: &Path) -> Option<FolderId> {
    p.is_dir().then_some((0, 0))
}

impl Watch {
    /// Starts watching `folders` (recursively) and the site root (for `site.toml`). With `poll`,
    /// scans every half second instead of relying on file-system events.
    pub fn new(root: &Path, folders: Vec<PathBuf>, output: &Path, poll: bool) -> notify::Result<Watch> {
        let (tx, rx) = std::sync::mpsc::channel();
        let watcher: Box<dyn Watcher + Send> = if poll {
            let config = notify::Config::default().with_poll_interval(Duration::from_millis(500));
            Box::new(notify::PollWatcher::new(tx, config)?)
        } else {
            Box::new(notify::recommended_watcher(tx)?)
        };
        let mut w = Watch {
            watcher,
            root: root.to_path_buf(),
            folders: folders.into_iter().map(|f| (f, None)).collect(),
            output: output.to_path_buf(),
            events: rx,
        };
        w.watcher.watch(root, RecursiveMode::NonRecursive)?;
        w.refresh();
        Ok(w)
    }

    /// Watches folders that appeared or were replaced since the last call; forgets removed ones.
    pub fn refresh(&mut self) {
        for (dir, id) in &mut self.folders {
            let now = folder_id(dir);
            if now == *id {
                continue;
            }
            if id.is_some() {
                let _ = self.watcher.unwatch(dir);
            }
            *id = match now {
                Some(_) if self.watcher.watch(dir, RecursiveMode::Recursive).is_ok() => now,
                _ => None,
            };
        }
    }

    /// Does this event mean the site may have changed?
    fn relevant(&self, event: &notify::Event) -> bool {
        if matches!(event.kind, EventKind::Access(_))
            && !matches!(event.kind, EventKind::Access(notify::event::AccessKind::Close(notify::event::AccessMode::Write)))
        {
            return false;
        }
        event.paths.iter().any(|p| self.relevant_path(p))
    }

    fn relevant_path(&self, p: &Path) -> bool {
        if p.starts_with(&self.output) {
            return false;
        }
        if let Some((dir, _)) = self.folders.iter().find(|(d, _)| p.starts_with(d)) {
            let inside = p.strip_prefix(dir).unwrap_or(p);
            return !inside.components().any(|c| is_ignored_name(&c.as_os_str().to_string_lossy()));
        }
        // Directly in the root: site.toml, or one of the watched folders appearing or going away.
        p.parent() == Some(self.root.as_path()) && (p.file_name().is_some_and(|n| n == "site.toml") || self.folders.iter().any(|(d, _)| d == p))
    }

    /// Blocks until a relevant change, then waits for the burst to end. `None` when the watcher
    /// stopped (its channel closed).
    pub fn wait(&self) -> Option<Vec<PathBuf>> {
        let mut changed = Vec::new();
        loop {
            match self.events.recv() {
                Ok(Ok(e)) if self.relevant(&e) => {
                    changed.extend(e.paths);
                    break;
                }
                Ok(Err(notify::Error { kind: notify::ErrorKind::MaxFilesWatch, .. })) => {
                    // Too many folders for inotify: treat as a change so the caller rebuilds.
                    break;
                }
                Ok(_) => {}
                Err(_) => return None,
            }
        }
        let start = Instant::now();
        while start.elapsed() < MAX_WAIT {
            match self.events.recv_timeout(DEBOUNCE) {
                Ok(Ok(e)) if self.relevant(&e) => changed.extend(e.paths),
                Ok(_) => {}
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => break,
            }
        }
        changed.sort();
        changed.dedup();
        Some(changed)
    }
}
