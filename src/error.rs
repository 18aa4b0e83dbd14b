//! The shared error types. Errors are data (file, line, column, message, hint) until the edge
//! (`main.rs`) turns them into text; every message is plain Chinese that a staff member can act on.
//! This module must not print anything itself.

use std::fmt;
use std::path::PathBuf;

/// One problem in one input file, with where it is and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct SourceError {
    /// Relative to the site root (e.g. `content/cases/x.md`).
    pub path: PathBuf,
    /// 1-based line in the original file (0 when the whole file is meant).
    pub line: usize,
    /// 1-based column in characters.
    pub column: usize,
    pub message: String,
    pub hint: Option<String>,
}

impl SourceError {
    pub fn new(path: impl Into<PathBuf>, line: usize, column: usize, message: impl Into<String>) -> Self {
        SourceError { path: path.into(), line, column, message: message.into(), hint: None }
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

impl fmt::Display for SourceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = self.path.to_string_lossy().replace('\\', "/");
        write!(f, "{}:{}:{}: {}", path, self.line.max(1), self.column.max(1), self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  怎么改: {hint}")?;
        }
        Ok(())
    }
}

/// Why a build (or check) did not produce a site.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// Content problems: exit status 1. Sorted by file and line.
    #[error("{}", format_errors(.0))]
    Content(Vec<SourceError>),
    /// Reading or writing files failed: exit status 2.
    #[error("无法读写 {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// Wrong arguments or set-up (no site.toml, missing theme): exit status 2.
    #[error("{0}")]
    Usage(String),
}

impl BuildError {
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        BuildError::Io { path: path.into(), source }
    }

    /// The process exit status DEVELOPERS.md promises: 1 content errors, 2 everything else.
    pub fn exit_code(&self) -> i32 {
        match self {
            BuildError::Content(_) => 1,
            _ => 2,
        }
    }
}

fn format_errors(errors: &[SourceError]) -> String {
    let mut out = String::new();
    for e in errors {
        out.push_str(&e.to_string());
        out.push('\n');
    }
    out.push_str(&format!("共 {} 处错误，网站没有生成，原有的输出保持不变。", errors.len()));
    out
}

/// Collects errors from every file of a run so that all of them are reported at once.
#[derive(Debug, Default)]
pub struct Errors(pub Vec<SourceError>);

impl Errors {
    pub fn push(&mut self, e: SourceError) {
        self.0.push(e);
    }
    pub fn extend(&mut self, other: impl IntoIterator<Item = SourceError>) {
        self.0.extend(other);
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// Keeps a content error with the others, to be reported together (`Ok(None)`); any other
    /// error ends the run.
    pub fn keep<T>(&mut self, result: Result<T, BuildError>) -> Result<Option<T>, BuildError> {
        match result {
            Ok(v) => Ok(Some(v)),
            Err(BuildError::Content(e)) => {
                self.extend(e);
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }
    /// `Ok(())` when nothing was collected, else the sorted, de-duplicated errors.
    pub fn into_result(mut self) -> Result<(), BuildError> {
        if self.0.is_empty() {
            return Ok(());
        }
        self.0.sort();
        self.0.dedup();
        Err(BuildError::Content(self.0))
    }
}

/// Edit distance for "did you mean" hints on unknown keys and slugs.
pub fn suggest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        let d = levenshtein(word, c);
        let limit = (c.chars().count() / 3).max(1) + 1;
        if d <= limit && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// 1-based (line, column in characters) of a byte offset in `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let mut start = offset;
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let before = &text[..start];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_keys() {
        assert_eq!(suggest("titel", ["title", "date"]), Some("title"));
        assert_eq!(suggest("fraud_type", ["fraud_types", "audiences"]), Some("fraud_types"));
        assert_eq!(suggest("zzzzzz", ["title", "date"]), None);
    }

    #[test]
    fn line_col_counts_characters() {
        let text = "一二\n三四五x";
        let off = text.find('x').unwrap();
        assert_eq!(line_col(text, off), (2, 4));
    }
}
