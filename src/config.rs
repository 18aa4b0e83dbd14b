//! `site.toml`: the one settings file of a site. Parsed strictly — an unknown key is an error
//! with its line and a "did you mean" — so that a typo never silently turns a feature off.
//! This module reads no other file and knows nothing about content.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::{line_col, suggest, BuildError, SourceError};

/// The settings of one site, as written in `site.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteConfig {
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// Where the site is published, e.g. `https://example.gov.cn/fanzha/`.
    pub base_url: String,
    #[serde(default = "default_language")]
    pub language: String,
    #[serde(default = "default_theme")]
    pub theme: String,
    /// Raw HTML in Markdown is escaped unless this is true.
    #[serde(default)]
    pub unsafe_html: bool,
    #[serde(default = "default_paginate")]
    pub paginate_by: usize,
    /// Publishing departments, shown in every page's footer.
    #[serde(default)]
    pub departments: Vec<String>,
    /// The name of this site's own content as a source (shown on pages that set no `source`).
    #[serde(default)]
    pub source_name: Option<String>,
    #[serde(default)]
    pub hotlines: Vec<Hotline>,
    /// Which cross-reference fields get browse pages under `/cases/`.
    #[serde(default = "default_taxonomies")]
    pub taxonomies: Vec<String>,
    /// Per-section front-matter schemas; extend or replace the built-in ones.
    #[serde(default)]
    pub schemas: BTreeMap<String, SchemaConfig>,
    #[serde(default)]
    pub privacy: PrivacyConfig,
    #[serde(default)]
    pub law: LawConfig,
    #[serde(default)]
    pub handbook: HandbookConfig,
    #[serde(default)]
    pub search: SearchConfig,
    /// Further content folders mounted into the site (other departments' checkouts).
    #[serde(default)]
    pub sources: Vec<SourceMount>,
}

#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Hotline {
    pub number: String,
    pub name: String,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SchemaConfig {
    #[serde(default)]
    pub required: Vec<String>,
    #[serde(default)]
    pub allowed: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrivacyConfig {
    /// Numbers that may be published although they look personal (a department's public line).
    #[serde(default)]
    pub allow: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LawConfig {
    /// The statute the 50 article pages are generated from, relative to the site root; without
    /// it, the copy built into fanzha (`data/anti-telecom-fraud-law-2022.md`) is used.
    #[serde(default)]
    pub source: Option<PathBuf>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HandbookConfig {
    /// `A4` or `A5`.
    #[serde(default = "default_paper")]
    pub paper: String,
}

impl Default for HandbookConfig {
    fn default() -> Self {
        HandbookConfig { paper: default_paper() }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SearchConfig {
    #[serde(default = "yes")]
    pub enabled: bool,
}

impl Default for SearchConfig {
    fn default() -> Self {
        SearchConfig { enabled: true }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceMount {
    /// Shown on the pages as their source, and usable as a filter.
    pub name: String,
    /// A content folder, relative to the site root or absolute.
    pub path: PathBuf,
}

fn default_language() -> String {
    "zh-CN".into()
}
fn default_theme() -> String {
    "default".into()
}
fn default_paginate() -> usize {
    20
}
fn default_paper() -> String {
    "A4".into()
}
fn yes() -> bool {
    true
}
fn default_taxonomies() -> Vec<String> {
    KNOWN_TAXONOMIES.iter().map(|s| s.to_string()).collect()
}

/// The cross-reference fields that can have browse pages.
pub const KNOWN_TAXONOMIES: &[&str] = &["fraud_types", "audiences", "law_articles", "source", "region"];

impl SiteConfig {
    /// Reads and checks `site.toml` under `root`.
    pub fn load(root: &Path) -> Result<SiteConfig, BuildError> {
        let path = root.join("site.toml");
        let text = std::fs::read_to_string(&path).map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                BuildError::Usage(format!("在 {} 没有找到 site.toml：请在网站根目录运行，或用 --root 指定网站目录", root.display()))
            } else {
                BuildError::io(&path, e)
            }
        })?;
        Self::parse(&text).map_err(|e| BuildError::Content(vec![e]))
    }

    /// Parses the text of `site.toml`; errors carry the path `site.toml`.
    pub fn parse(text: &str) -> Result<SiteConfig, SourceError> {
        let mut config: SiteConfig = toml::from_str(text).map_err(|e| toml_error("site.toml", text, &e, CONFIG_KEYS))?;
        config.check().map_err(|(msg, hint)| SourceError::new("site.toml", key_line(text, "base_url"), 1, msg).hint(hint))?;
        if !config.base_url.ends_with('/') {
            config.base_url.push('/');
        }
        Ok(config)
    }

    fn check(&self) -> Result<(), (String, String)> {
        if !(self.base_url.starts_with("http://") || self.base_url.starts_with("https://") || self.base_url.starts_with('/')) {
            return Err((
                format!("base_url 「{}」不是网址", self.base_url),
                "写成完整网址，例如 base_url = \"https://example.gov.cn/fanzha/\"".into(),
            ));
        }
        if self.paginate_by == 0 {
            return Err(("paginate_by 不能为 0".into(), "写一个正整数，例如 paginate_by = 20".into()));
        }
        Ok(())
    }

    /// The path part of `base_url`, always starting and ending with `/` (e.g. `/fanzha/`).
    pub fn root_path(&self) -> String {
        let after_scheme = self.base_url.split_once("://").map_or(self.base_url.as_str(), |(_, rest)| rest);
        let path = match after_scheme.find('/') {
            Some(i) if self.base_url.contains("://") => &after_scheme[i..],
            _ if self.base_url.contains("://") => "/",
            _ => after_scheme,
        };
        let mut p = path.to_string();
        if !p.starts_with('/') {
            p.insert(0, '/');
        }
        if !p.ends_with('/') {
            p.push('/');
        }
        p
    }

    /// `https://host` without the path, for absolute links.
    pub fn origin(&self) -> String {
        match self.base_url.split_once("://") {
            Some((scheme, rest)) => {
                let host = rest.split('/').next().unwrap_or("");
                format!("{scheme}://{host}")
            }
            None => String::new(),
        }
    }
}

const CONFIG_KEYS: &[&str] = &[
    "title",
    "description",
    "base_url",
    "language",
    "theme",
    "unsafe_html",
    "paginate_by",
    "departments",
    "source_name",
    "hotlines",
    "taxonomies",
    "schemas",
    "privacy",
    "law",
    "handbook",
    "search",
    "sources",
    "number",
    "name",
    "note",
    "required",
    "allowed",
    "allow",
    "source",
    "paper",
    "enabled",
    "path",
];

/// The 1-based line on which `key` is set (`key =` or `key:` at the start of a line), or 1.
pub fn key_line(text: &str, key: &str) -> usize {
    for (i, line) in text.lines().enumerate() {
        let t = line.trim_start();
        if let Some(rest) = t.strip_prefix(key) {
            let rest = rest.trim_start();
            if rest.starts_with('=') || rest.starts_with(':') {
                return i + 1;
            }
        }
    }
    1
}

/// Turns a `toml` error into a located, plain-Chinese `SourceError`.
pub fn toml_error(path: &str, text: &str, e: &toml::de::Error, known: &[&str]) -> SourceError {
    let (line, col) = e.span().map_or((1, 1), |s| line_col(text, s.start));
    let msg = e.message();
    if let Some(field) = msg.strip_prefix("unknown field `").and_then(|r| r.split('`').next()) {
        let mut err = SourceError::new(path, line, col, format!("不认识的设置项 {field}"));
        err = match suggest(field, known.iter().copied()) {
            Some(s) => err.hint(format!("是不是想写 {s}？请检查拼写")),
            None => err.hint("删掉这一行，或查看 README 中的可用设置项"),
        };
        return err;
    }
    if let Some(field) = msg.strip_prefix("missing field `").and_then(|r| r.split('`').next()) {
        return SourceError::new(path, line, col, format!("缺少必填设置项 {field}")).hint(format!("加一行 {field} = \"…\""));
    }
    SourceError::new(path, line, col, format!("TOML 格式错误：{}", msg.trim())).hint("检查这一行的引号、等号和括号是否成对（字符串要用英文双引号）")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_key_names_line_and_suggestion() {
        let e = SiteConfig::parse("title = \"x\"\nbase_url = \"https://a.cn/\"\ntitel = \"y\"\n").unwrap_err();
        assert_eq!(e.line, 3);
        assert!(e.message.contains("titel"), "{e}");
        assert!(e.hint.unwrap().contains("title"));
    }

    #[test]
    fn root_path_of_sub_path_site() {
        let c = SiteConfig::parse("title = \"x\"\nbase_url = \"https://example.gov.cn/fanzha\"\n").unwrap();
        assert_eq!(c.root_path(), "/fanzha/");
        assert_eq!(c.origin(), "https://example.gov.cn");
        let c = SiteConfig::parse("title = \"x\"\nbase_url = \"https://example.gov.cn\"\n").unwrap();
        assert_eq!(c.root_path(), "/");
    }
}
