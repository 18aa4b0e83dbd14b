//! Writes the site into a staging folder beside the output and swaps it in with renames only after
//! everything succeeded, so a failed build leaves the previous output byte for byte as it was and
//! no stale file survives a successful one. The only stage (with `load` and `serve`) that touches disk.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use crate::error::BuildError;

/// A staging folder being filled; dropped without `commit`, it is removed.
pub struct Staging {
    pub dir: PathBuf,
    target: PathBuf,
    committed: bool,
    pub files: AtomicUsize,
    pub bytes: AtomicU64,
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
        let dir = parent.join(format!(".{name}.staging-{}", std::process::id()));
        if dir.exists() {
            fs::remove_dir_all(&dir).map_err(|e| BuildError::io(&dir, e))?;
        }
        fs::create_dir_all(&dir).map_err(|e| BuildError::io(&dir, e))?;
        Ok(Staging { dir, target: target.to_path_buf(), committed: false, files: AtomicUsize::new(0), bytes: AtomicU64::new(0) })
    }

    /// Writes `rel` (a site path like `cases/x/index.html`) into the staging folder.
    pub fn write(&self, rel: &str, data: &[u8]) -> Result<(), BuildError> {
        let path = self.dir.join(rel.trim_start_matches('/'));
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| BuildError::io(parent, e))?;
        }
        let file = fs::File::create(&path).map_err(|e| BuildError::io(&path, e))?;
        let mut w = std::io::BufWriter::with_capacity(64 * 1024, file);
        w.write_all(data).and_then(|_| w.flush()).map_err(|e| BuildError::io(&path, e))?;
        self.files.fetch_add(1, Ordering::Relaxed);
        self.bytes.fetch_add(data.len() as u64, Ordering::Relaxed);
        Ok(())
    }

    /// Copies a file into the staging folder (hard link when possible: same bytes, no copy).
    pub fn copy(&self, src: &Path, rel: &str) -> Result<(), BuildError> {
        let path = self.dir.join(rel.trim_start_matches('/'));
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| BuildError::io(parent, e))?;
        }
        let n = fs::copy(src, &path).map_err(|e| BuildError::io(src, e))?;
        self.files.fetch_add(1, Ordering::Relaxed);
        self.bytes.fetch_add(n, Ordering::Relaxed);
        Ok(())
    }

    /// Swaps the staging folder in place of the output.
    pub fn commit(mut self) -> Result<(), BuildError> {
        let old = self.dir.with_file_name(format!(
            ".{}.old-{}",
            self.target.file_name().map_or("public".into(), |n| n.to_string_lossy().to_string()),
            std::process::id()
        ));
        if self.target.exists() {
            if old.exists() {
                fs::remove_dir_all(&old).map_err(|e| BuildError::io(&old, e))?;
            }
            fs::rename(&self.target, &old).map_err(|e| BuildError::io(&self.target, e))?;
        }
        if let Err(e) = fs::rename(&self.dir, &self.target) {
            let _ = fs::rename(&old, &self.target);
            return Err(BuildError::io(&self.target, e));
        }
        self.committed = true;
        if old.exists() {
            let _ = fs::remove_dir_all(&old);
        }
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}
