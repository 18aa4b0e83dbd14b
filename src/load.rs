//! Reads the site's content folders from disk: every Markdown file as text, every other file as an
//! asset to copy beside its page. The only stage that walks `content/`; it parses nothing.
//! Editor swap and temp files are skipped so that a save in progress never breaks a build.

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::error::{BuildError, SourceError};

/// One Markdown file, read as UTF-8.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Shown in errors: relative to the site root when inside it (`content/cases/x.md`).
    pub path: PathBuf,
    /// Path inside its content folder with `/` separators (`cases/x.md`): decides the URL.
    pub rel: String,
    pub text: String,
    /// The `[[sources]]` name when the file comes from a mounted folder.
    pub mount: Option<String>,
}

/// A non-Markdown file inside a content folder (an image beside its page).
#[derive(Debug, Clone)]
pub struct Asset {
    pub src: PathBuf,
    pub rel: String,
    pub path: PathBuf,
}

/// One content folder to read and the source name its pages get.
#[derive(Debug, Clone)]
pub struct Mount {
    pub dir: PathBuf,
    pub name: Option<String>,
}

#[derive(Debug, Default)]
pub struct Loaded {
    pub files: Vec<SourceFile>,
    pub assets: Vec<Asset>,
    pub errors: Vec<SourceError>,
}

/// Is this a file an editor or the OS leaves behind (swap, backup, lock, hidden)?
pub fn is_ignored_name(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with('#')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name.ends_with(".bak")
        || name == "4913"
        || name == "Thumbs.db"
}

/// Every file of every mount, sorted by name within each mount: (absolute path, path inside the
/// mount with `/` separators, source name). Editor swap and temp files are skipped.
pub fn walk(mounts: &[Mount]) -> Result<Vec<(PathBuf, String, Option<String>)>, BuildError> {
    let mut entries: Vec<(PathBuf, String, Option<String>)> = Vec::new();
    for m in mounts {
        for entry in WalkDir::new(&m.dir)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !is_ignored_name(&e.file_name().to_string_lossy()))
        {
            let entry = entry.map_err(|e| {
                let p = e.path().map(Path::to_path_buf).unwrap_or_else(|| m.dir.clone());
                BuildError::io(p, e.into_io_error().unwrap_or_else(|| std::io::Error::other("walk failed")))
            })?;
            if !entry.file_type().is_file() {
                continue;
            }
            let rel = entry.path().strip_prefix(&m.dir).unwrap_or(entry.path()).to_string_lossy().replace('\\', "/");
            entries.push((entry.path().to_path_buf(), rel, m.name.clone()));
        }
    }
    Ok(entries)
}

/// Reads every mount; a missing mount folder is an error, a non-UTF-8 file is an error naming it.
pub fn load(root: &Path, mounts: &[Mount]) -> Result<Loaded, BuildError> {
    let entries = walk(mounts)?;
    let read: Vec<Result<Item, BuildError>> = entries.into_par_iter().map(|(abs, rel, mount)| read_one(root, abs, rel, mount)).collect();
    let mut loaded = Loaded::default();
    for item in read {
        match item? {
            Item::File(f) => loaded.files.push(f),
            Item::Asset(a) => loaded.assets.push(a),
            Item::Bad(e) => loaded.errors.push(e),
        }
    }
    Ok(loaded)
}

enum Item {
    File(SourceFile),
    Asset(Asset),
    Bad(SourceError),
}

/// The path shown to people: relative to the root when the file is inside it.
pub fn display_path(root: &Path, abs: &Path) -> PathBuf {
    abs.strip_prefix(root).map(Path::to_path_buf).unwrap_or_else(|_| abs.to_path_buf())
}

fn read_one(root: &Path, abs: PathBuf, rel: String, mount: Option<String>) -> Result<Item, BuildError> {
    if !rel.ends_with(".md") {
        let path = display_path(root, &abs);
        return Ok(Item::Asset(Asset { src: abs, rel, path }));
    }
    Ok(match read_markdown(root, &abs, rel, mount)? {
        Ok(f) => Item::File(f),
        Err(e) => Item::Bad(e),
    })
}

/// Reads one Markdown file: BOM and CRLF removed; not UTF-8 is a located error, not a failure.
pub fn read_markdown(root: &Path, abs: &Path, rel: String, mount: Option<String>) -> Result<Result<SourceFile, SourceError>, BuildError> {
    let path = display_path(root, abs);
    let bytes = std::fs::read(abs).map_err(|e| BuildError::io(abs, e))?;
    match String::from_utf8(bytes) {
        Ok(mut text) => {
            if text.starts_with('\u{feff}') {
                text.remove(0);
            }
            if text.contains('\r') {
                text = text.replace("\r\n", "\n");
            }
            Ok(Ok(SourceFile { path, rel, text, mount }))
        }
        Err(e) => {
            let bytes = e.as_bytes();
            let good = e.utf8_error().valid_up_to();
            let prefix = String::from_utf8_lossy(&bytes[..good]);
            let (line, col) = crate::error::line_col(&prefix, prefix.len());
            Ok(Err(SourceError::new(path, line, col, "文件不是 UTF-8 编码（可能是 GBK 等编码保存的）")
                .hint("用编辑器把文件另存为 UTF-8 编码；在记事本里选择「另存为」→ 编码「UTF-8」")))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editor_files_are_ignored() {
        for n in [".x.md.swp", "a.md~", "#a.md#", ".DS_Store", "4913"] {
            assert!(is_ignored_name(n), "{n}");
        }
        assert!(!is_ignored_name("a.md"));
    }
}
