//! Writes the site into a staging folder beside the output and swaps it in with renames only after
//! everything succeeded, so a failed build leaves the previous output byte for byte as it was and
//! no stale file survives a successful one. The only stage (with `load` and `serve`) that touches disk.
//!
//! The staging folder (`.public.next` beside `public`) is kept between builds: after a swap it holds
//! the previous output, and the next build overwrites it in place and deletes what it did not write.
//! Rewriting existing files reuses their inodes, where deleting and recreating thousands of files
//! and folders on every build made the file system, not fanzha, the slowest stage.

use std::collections::HashSet;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Mutex;

use crate::error::BuildError;

/// A staging folder being filled; dropped without `commit`, it is removed.
pub struct Staging {
    pub dir: PathBuf,
    target: PathBuf,
    committed: bool,
    pub files: AtomicUsize,
    pub bytes: AtomicU64,
    written: Mutex<HashSet<String>>,
}

/// Refuses an output folder that would swallow the site itself (`--output .`, `--output content`).
pub fn check_target(root: &Path, target: &Path) -> Result<(), BuildError> {
    let abs = |p: &Path| -> PathBuf {
        let p = if p.is_absolute() { p.to_path_buf() } else { std::env::current_dir().unwrap_or_default().join(p) };
        let mut out = PathBuf::new();
        for c in p.components() {
            match c {
                std::path::Component::ParentDir => {
                    out.pop();
                }
                std::path::Component::CurDir => {}
                c => out.push(c),
            }
        }
        out
    };
    let (root, target) = (abs(root), abs(target));
    for inner in ["", "content", "themes", "templates", "static", "data", "src"] {
        let protected = if inner.is_empty() { root.clone() } else { root.join(inner) };
        if protected.starts_with(&target) {
            return Err(BuildError::Usage(format!(
                "输出目录 {} 会覆盖网站源文件 {}：请换一个输出目录（默认是 public）",
                target.display(),
                protected.display()
            )));
        }
    }
    Ok(())
}

impl Staging {
    pub fn new(target: &Path) -> Result<Staging, BuildError> {
        let parent = target.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        fs::create_dir_all(parent).map_err(|e| BuildError::io(parent, e))?;
        let name = target.file_name().map_or("public".into(), |n| n.to_string_lossy().to_string());
        let dir = parent.join(format!(".{name}.next"));
        if dir.exists() && !dir.is_dir() {
            fs::remove_file(&dir).map_err(|e| BuildError::io(&dir, e))?;
        }
        fs::create_dir_all(&dir).map_err(|e| BuildError::io(&dir, e))?;
        Ok(Staging {
            dir,
            target: target.to_path_buf(),
            committed: false,
            files: AtomicUsize::new(0),
            bytes: AtomicU64::new(0),
            written: Mutex::new(HashSet::new()),
        })
    }

    /// Writes `rel` (a site path like `cases/x/index.html`) into the staging folder. A file that
    /// already holds exactly these bytes (from the build before last) is left alone; a changed one
    /// is replaced by a new file rather than truncated, which ext4 would flush to disk on close.
    pub fn write(&self, rel: &str, data: &[u8]) -> Result<(), BuildError> {
        let path = self.claim(rel);
        self.files.fetch_add(1, Ordering::Relaxed);
        self.bytes.fetch_add(data.len() as u64, Ordering::Relaxed);
        match fs::metadata(&path) {
            Ok(m) if m.is_file() && m.len() == data.len() as u64 && fs::read(&path).is_ok_and(|old| old == data) => return Ok(()),
            Ok(m) if m.is_dir() => fs::remove_dir_all(&path).map_err(|e| BuildError::io(&path, e))?,
            Ok(_) => fs::remove_file(&path).map_err(|e| BuildError::io(&path, e))?,
            Err(_) => {
                if let Some(parent) = path.parent() {
                    fs::create_dir_all(parent).map_err(|e| BuildError::io(parent, e))?;
                }
            }
        }
        let file = fs::File::create(&path).map_err(|e| BuildError::io(&path, e))?;
        let mut w = std::io::BufWriter::with_capacity(64 * 1024, file);
        w.write_all(data).and_then(|_| w.flush()).map_err(|e| BuildError::io(&path, e))
    }

    /// Copies a file into the staging folder (through `write`, so an unchanged file is not rewritten).
    pub fn copy(&self, src: &Path, rel: &str) -> Result<(), BuildError> {
        let data = fs::read(src).map_err(|e| BuildError::io(src, e))?;
        self.write(rel, &data)
    }

    /// Records `rel` as written by this build and returns its path in the staging folder.
    fn claim(&self, rel: &str) -> PathBuf {
        let rel = rel.trim_start_matches('/');
        if let Ok(mut w) = self.written.lock() {
            w.insert(rel.to_string());
        }
        self.dir.join(rel)
    }

    /// Deletes every file (and then empty folder) in the staging folder this build did not write.
    fn prune(&self) -> Result<(), BuildError> {
        let written = self.written.lock().map_err(|_| BuildError::Usage("staging lock poisoned".into()))?;
        let mut dirs = Vec::new();
        for e in walkdir::WalkDir::new(&self.dir).min_depth(1).contents_first(true) {
            let e = e.map_err(|e| BuildError::io(&self.dir, std::io::Error::other(e.to_string())))?;
            let rel = e.path().strip_prefix(&self.dir).unwrap_or(e.path()).to_string_lossy().replace('\\', "/");
            if e.file_type().is_dir() {
                dirs.push(e.path().to_path_buf());
            } else if !written.contains(&rel) {
                fs::remove_file(e.path()).map_err(|err| BuildError::io(e.path(), err))?;
            }
        }
        for d in dirs {
            let _ = fs::remove_dir(d); // only succeeds when empty
        }
        Ok(())
    }

    /// Swaps the staging folder in place of the output; the old output becomes the next staging folder.
    pub fn commit(mut self) -> Result<(), BuildError> {
        self.prune()?;
        let name = self.target.file_name().map_or("public".into(), |n| n.to_string_lossy().to_string());
        let old = self.dir.with_file_name(format!(".{name}.prev"));
        if old.exists() {
            fs::remove_dir_all(&old).map_err(|e| BuildError::io(&old, e))?;
        }
        let had_target = self.target.exists();
        if had_target {
            fs::rename(&self.target, &old).map_err(|e| BuildError::io(&self.target, e))?;
        }
        if let Err(e) = fs::rename(&self.dir, &self.target) {
            if had_target {
                let _ = fs::rename(&old, &self.target);
            }
            return Err(BuildError::io(&self.target, e));
        }
        self.committed = true;
        if had_target {
            let _ = fs::rename(&old, &self.dir);
        }
        Ok(())
    }
}

/// Where generated files go: a build's staging folder, or `serve`'s in-memory comparison with
/// the previous build (which writes only files whose bytes changed).
pub trait Sink: Sync {
    fn write(&self, rel: &str, data: &[u8]) -> Result<(), BuildError>;
}

impl Sink for Staging {
    fn write(&self, rel: &str, data: &[u8]) -> Result<(), BuildError> {
        Staging::write(self, rel, data)
    }
}
