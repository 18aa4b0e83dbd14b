//! Writes the site into a staging folder beside the output and swaps it in with renames only after
//! everything succeeded, so a failed build leaves the previous output byte for byte as it was and
//! no stale file survives a successful one. The only stage (with `load` and `serve`) that touches disk.
//!
//! The staging folder (`.public.next` beside `public`) is kept between builds: after a swap it holds
//! the previous output, and the next build overwrites it in place and deletes what it did not write.
//! Rewriting existing files reuses their inodes, where deleting and recreating thousands of files
//! and folders on every build made the file system, not fanzha, the slowest stage.

use std::collections::HashMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Mutex;

use crate::error::BuildError;

/// A staging folder being filled; dropped without `commit`, it stays for the next build to reuse.
pub struct Staging {
    pub dir: PathBuf,
    target: PathBuf,
    committed: bool,
    pub files: AtomicUsize,
    pub bytes: AtomicU64,
    /// What the staging folder held after the build before last (path → length and hash), when known.
    known: Option<HashMap<String, (u64, u64)>>,
    written: Mutex<HashMap<String, (u64, u64)>>,
}

/// A fast 64-bit content hash (multiply-xorshift over 8-byte words). Not cryptographic: it only
/// tells whether a file the build wrote two builds ago already holds these bytes.
pub fn content_hash(data: &[u8]) -> u64 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut h: u64 = 0x2545_F491_4F6C_DD1D ^ data.len() as u64;
    let mut chunks = data.chunks_exact(8);
    for c in &mut chunks {
        let w = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
        h = (h ^ w).wrapping_mul(K);
        h ^= h >> 29;
    }
    for &b in chunks.remainder() {
        h = (h ^ u64::from(b)).wrapping_mul(K);
        h ^= h >> 29;
    }
    h
}

/// Hashes a seed (a template name, or "") and a JSON value by walking the value: strings (page
/// bodies are most of the bytes) go through [`content_hash`] whole, with no JSON escaping or
/// copying. `serve` hashes every page's context after a front-matter edit (hundreds of megabytes
/// at 10,000 pages); serializing them into SipHash took most of that rebuild.
pub fn json_hash(seed: &str, value: &serde_json::Value) -> u64 {
    fn mix(h: u64, x: u64) -> u64 {
        let h = (h ^ x).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        h ^ (h >> 29)
    }
    fn walk(h: u64, v: &serde_json::Value) -> u64 {
        use serde_json::Value;
        match v {
            Value::Null => mix(h, 1),
            Value::Bool(b) => mix(h, 2 + u64::from(*b)),
            Value::Number(n) => mix(mix(h, 4), n.as_f64().map_or(0, f64::to_bits) ^ n.as_i64().map_or(0, |i| i as u64)),
            Value::String(s) => mix(mix(h, 5), content_hash(s.as_bytes())),
            Value::Array(a) => a.iter().fold(mix(h, 6 ^ (a.len() as u64) << 8), walk),
            Value::Object(o) => o.iter().fold(mix(h, 7 ^ (o.len() as u64) << 8), |h, (k, v)| walk(mix(h, content_hash(k.as_bytes())), v)),
        }
    }
    walk(content_hash(seed.as_bytes()), value)
}

fn manifest_path(dir: &Path) -> PathBuf {
    let name = dir.file_name().map_or_else(String::new, |n| n.to_string_lossy().to_string());
    dir.with_file_name(format!("{name}.manifest"))
}

fn read_manifest(path: &Path) -> Option<HashMap<String, (u64, u64)>> {
    let text = fs::read_to_string(path).ok()?;
    let mut map = HashMap::new();
    for line in text.lines() {
        let mut it = line.splitn(3, ' ');
        let hash = u64::from_str_radix(it.next()?, 16).ok()?;
        let len = it.next()?.parse().ok()?;
        map.insert(it.next()?.to_string(), (len, hash));
    }
    Some(map)
}

fn write_manifest(path: &Path, map: &HashMap<String, (u64, u64)>) -> std::io::Result<()> {
    let mut lines: Vec<String> = map.iter().map(|(p, (len, h))| format!("{h:016x} {len} {p}")).collect();
    lines.sort();
    let tmp = path.with_extension("tmp");
    fs::write(&tmp, lines.join("\n") + "\n")?;
    fs::rename(&tmp, path)
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
        let known = if dir.is_dir() { read_manifest(&manifest_path(&dir)) } else { None };
        fs::create_dir_all(&dir).map_err(|e| BuildError::io(&dir, e))?;
        let _ = fs::remove_file(manifest_path(&dir)); // from here on the folder changes
        Ok(Staging {
            dir,
            target: target.to_path_buf(),
            committed: false,
            files: AtomicUsize::new(0),
            bytes: AtomicU64::new(0),
            known,
            written: Mutex::new(HashMap::new()),
        })
    }

    /// Writes `rel` (a site path like `cases/x/index.html`) into the staging folder. A file that
    /// the manifest says already holds exactly these bytes (written two builds ago) is left alone;
    /// a changed one is replaced by a new file rather than truncated, which ext4 would flush to
    /// disk on close.
    pub fn write(&self, rel: &str, data: &[u8]) -> Result<(), BuildError> {
        let rel = rel.trim_start_matches('/');
        let sum = (data.len() as u64, content_hash(data));
        if let Ok(mut w) = self.written.lock() {
            w.insert(rel.to_string(), sum);
        }
        self.files.fetch_add(1, Ordering::Relaxed);
        self.bytes.fetch_add(data.len() as u64, Ordering::Relaxed);
        let path = self.dir.join(rel);
        let known = self.known.as_ref().and_then(|k| k.get(rel));
        if known == Some(&sum) {
            return Ok(());
        }
        if known.is_some() || self.known.is_none() {
            match fs::symlink_metadata(&path) {
                Ok(m) if m.is_dir() => fs::remove_dir_all(&path).map_err(|e| BuildError::io(&path, e))?,
                Ok(_) => fs::remove_file(&path).map_err(|e| BuildError::io(&path, e))?,
                Err(_) => {}
            }
        }
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| BuildError::io(parent, e))?;
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

    /// Deletes every file (and then empty folder) in the staging folder this build did not write:
    /// from the manifest when there is one, else by walking the folder.
    fn prune(&self, written: &HashMap<String, (u64, u64)>) -> Result<(), BuildError> {
        let stale: Vec<PathBuf> = match &self.known {
            Some(known) => known.keys().filter(|k| !written.contains_key(*k)).map(|k| self.dir.join(k)).collect(),
            None => walkdir::WalkDir::new(&self.dir)
                .min_depth(1)
                .into_iter()
                .filter_map(Result::ok)
                .filter(|e| !e.file_type().is_dir())
                .filter(|e| {
                    let rel = e.path().strip_prefix(&self.dir).unwrap_or(e.path()).to_string_lossy().replace('\\', "/");
                    !written.contains_key(&rel)
                })
                .map(|e| e.path().to_path_buf())
                .collect(),
        };
        for path in &stale {
            match fs::remove_file(path) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(BuildError::io(path, e)),
            }
            let mut dir = path.parent();
            while let Some(d) = dir.filter(|d| *d != self.dir) {
                if fs::remove_dir(d).is_err() {
                    break; // not empty
                }
                dir = d.parent();
            }
        }
        Ok(())
    }

    /// Swaps the staging folder in place of the output; the old output becomes the next staging
    /// folder, and the manifests follow their folders.
    pub fn commit(mut self) -> Result<(), BuildError> {
        let written = std::mem::take(&mut *self.written.lock().map_err(|_| BuildError::Usage("staging lock poisoned".into()))?);
        self.prune(&written)?;
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
        let (target_manifest, next_manifest) = (manifest_path(&self.target), manifest_path(&self.dir));
        if had_target && fs::rename(&old, &self.dir).is_ok() && fs::rename(&target_manifest, &next_manifest).is_ok() {
            // the old output's manifest now describes the next staging folder
        } else {
            let _ = fs::remove_file(&next_manifest);
        }
        write_manifest(&target_manifest, &written).map_err(|e| BuildError::io(&target_manifest, e))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_tells_contents_apart() {
        assert_ne!(content_hash(b"<p>a</p>"), content_hash(b"<p>b</p>"));
        assert_ne!(content_hash(b""), content_hash(b"\0"));
        assert_eq!(content_hash("刷单返利".as_bytes()), content_hash("刷单返利".as_bytes()));
    }
}
