//! Turns a `RawPage` into a typed `Page`, checking every field against its section's schema:
//! required fields present, no unknown keys (with a "did you mean"), values of the right type and
//! range (a date that exists, a law article 1–50). Only this stage makes `Page`s, so later stages
//! never re-check a title or a date. Cross-references (does this fraud type exist?) are `resolve`'s.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::config::SiteConfig;
use crate::error::{suggest, SourceError};
use crate::frontmatter::RawPage;
use crate::model::{Date, Page, PageKind, Spanned};

/// Every front-matter key fanzha knows, for "did you mean".
pub const ALL_KEYS: &[&str] = &[
    "title",
    "date",
    "updated",
    "summary",
    "draft",
    "weight",
    "keywords",
    "fraud_types",
    "audiences",
    "law_articles",
    "source",
    "region",
    "loss",
    "expires",
    "alert",
    "target",
    "red_flags",
    "actions",
    "sides",
];

const COMMON: &[&str] =
    &["title", "date", "updated", "summary", "draft", "weight", "keywords", "fraud_types", "audiences", "law_articles", "source", "region"];

/// The built-in schema of a section: (required, extra allowed beyond the common fields).
fn builtin_schema(section: &str) -> (&'static [&'static str], &'static [&'static str]) {
    match section {
        "cases" => (&["title", "date", "summary", "fraud_types", "audiences", "law_articles"], &["loss", "expires", "alert"]),
        "fraud" | "guides" | "topics" => (&["title", "summary"], &[]),
        "leaflets" => (&["title", "target", "red_flags", "actions"], &["sides"]),
        "law" => (&[], &[]),
        _ => (&["title"], &["expires", "alert"]),
    }
}

/// The effective schema of a section after `site.toml`'s `[schemas.<section>]`.
pub struct Schema {
    pub required: Vec<String>,
    pub allowed: BTreeSet<String>,
}

pub fn schema_for(config: &SiteConfig, section: &str, is_index: bool) -> Schema {
    if is_index {
        let allowed = ["title", "summary", "weight", "keywords", "draft", "date", "updated"];
        return Schema { required: vec!["title".into()], allowed: allowed.iter().map(|s| s.to_string()).collect() };
    }
    let (req, extra) = builtin_schema(section);
    let mut required: Vec<String> = req.iter().map(|s| s.to_string()).collect();
    let mut allowed: BTreeSet<String> = COMMON.iter().chain(extra).map(|s| s.to_string()).collect();
    if let Some(custom) = config.schemas.get(section) {
        for r in &custom.required {
            if !required.contains(r) {
                required.push(r.clone());
            }
        }
        allowed.extend(custom.allowed.iter().cloned());
    }
    allowed.extend(required.iter().cloned());
    Schema { required, allowed }
}

/// Where a file lives decides what it is: (section, kind, url, law article number).
pub fn classify(rel: &str) -> (String, PageKind, String, Option<u32>) {
    let no_ext = rel.strip_suffix(".md").unwrap_or(rel);
    let (dir, name) = no_ext.rsplit_once('/').unwrap_or(("", no_ext));
    let section = rel.split_once('/').map_or(String::new(), |(s, _)| s.to_string());
    if name == "_index" {
        let url = if dir.is_empty() { "/".to_string() } else { format!("/{dir}/") };
        let kind = if dir.is_empty() { PageKind::Home } else { PageKind::Section };
        return (section, kind, url, None);
    }
    let url = if name == "index" { format!("/{dir}/") } else { format!("/{no_ext}/") };
    let article = (section == "law" && dir == "law").then(|| name.strip_prefix("article-").and_then(|n| n.parse::<u32>().ok())).flatten();
    (section, PageKind::Page, url, article)
}

/// Checks one page; returns every problem found in it.
pub fn validate(raw: RawPage, config: &SiteConfig) -> Result<Page, Vec<SourceError>> {
    let (section, kind, url, article) = classify(&raw.file.rel);
    let schema = schema_for(config, &section, kind != PageKind::Page);
    let mut errs = Vec::new();
    let path = raw.file.path.clone();
    let at = |key: &str| raw.line_of(key);
    for key in raw.fields.keys() {
        if !schema.allowed.contains(key) {
            let mut e = SourceError::new(&path, at(key), 1, format!("不认识的字段 {key}"));
            e = match suggest(key, schema.allowed.iter().map(String::as_str)) {
                Some(s) => e.hint(format!("是不是想写 {s}？")),
                None => e.hint(format!(
                    "「{}」栏目可用的字段有：{}",
                    if section.is_empty() { "首页" } else { &section },
                    schema.allowed.iter().cloned().collect::<Vec<_>>().join("、")
                )),
            };
            errs.push(e);
        }
    }
    for key in &schema.required {
        if !raw.fields.contains_key(key) {
            errs.push(SourceError::new(&path, 1, 1, format!("缺少必填字段 {key}")).hint(format!("在 front matter 里加一行 {}", example_line(key))));
        }
    }
    let mut f = Fields { raw: &raw, errs: &mut errs };
    let title = f.string("title").unwrap_or_default();
    let summary = f.string("summary").unwrap_or_default();
    // A required text that is there but blank is as good as missing (every schema requires a title).
    for (key, value, message, hint) in [
        ("title", &title, "标题是空的", "写上标题，例如 title = \"冒充快递客服退款诈骗\""),
        (
            "summary",
            &summary,
            "摘要（summary）是空的",
            "用一句话写清这篇讲什么，例如 summary = \"大学生兼职刷单，垫付八千元被骗。\"；列表、搜索结果和分享链接都显示这句话",
        ),
    ] {
        if schema.required.iter().any(|r| r == key) && raw.fields.contains_key(key) && value.trim().is_empty() {
            f.err(key, message, hint);
        }
    }
    let page = Page {
        id: 0,
        kind,
        section,
        path: path.clone(),
        rel: raw.file.rel.clone(),
        mount: raw.file.mount.clone(),
        url,
        title,
        summary,
        date: f.date("date"),
        updated: f.date("updated"),
        expires: f.date("expires"),
        draft: f.boolean("draft"),
        alert: f.boolean("alert"),
        weight: f.int("weight", i64::MIN, i64::MAX).unwrap_or(0),
        keywords: f.strings("keywords").into_iter().map(|s| s.value).collect(),
        fraud_types: f.strings("fraud_types"),
        audiences: f.strings("audiences"),
        law_articles: f.articles("law_articles"),
        source: f.string("source"),
        region: f.string("region"),
        loss: f.int("loss", 0, i64::MAX),
        target: f.spanned_string("target"),
        red_flags: f.strings("red_flags").into_iter().map(|s| s.value).collect(),
        actions: f.strings("actions").into_iter().map(|s| s.value).collect(),
        sides: f.int("sides", 1, 2).unwrap_or(1) as u8,
        article,
        key_lines: raw.key_lines.clone(),
        body: raw.body.clone(),
        body_line: raw.body_line,
        expired: false,
    };
    check_leaflet(&page, &raw, &mut errs);
    if errs.is_empty() {
        Ok(page)
    } else {
        Err(errs)
    }
}

fn check_leaflet(page: &Page, raw: &RawPage, errs: &mut Vec<SourceError>) {
    if page.section != "leaflets" || page.kind != PageKind::Page {
        return;
    }
    if page.red_flags.len() > 6 {
        errs.push(
            SourceError::new(&page.path, raw.line_of("red_flags"), 1, format!("明白纸最多写 6 条识别要点，现在有 {} 条", page.red_flags.len()))
                .hint("删掉或合并几条，保证一张 A4 纸印得下"),
        );
    }
    if page.actions.len() > 3 {
        errs.push(
            SourceError::new(&page.path, raw.line_of("actions"), 1, format!("明白纸最多写 3 条行动建议，现在有 {} 条", page.actions.len()))
                .hint("只留最重要的 3 条"),
        );
    }
}

fn example_line(key: &str) -> String {
    match key {
        "title" => "title = \"标题\"".into(),
        "date" => "date = 2024-05-01".into(),
        "summary" => "summary = \"一句话概括\"".into(),
        "fraud_types" => "fraud_types = [\"task-rebate\"]（诈骗类型，可写英文标识或中文名称，如 刷单返利）".into(),
        "audiences" => "audiences = [\"students\"]（人群，可写英文标识或中文名称）".into(),
        "law_articles" => "law_articles = [31]（引用的反电信网络诈骗法条文序号，1 到 50）".into(),
        "target" => "target = \"@/fraud/task-rebate.md\"（明白纸二维码指向的完整页面）".into(),
        "red_flags" => "red_flags = [\"要你先垫钱\"]".into(),
        "actions" => "actions = [\"立即拨打 110\"]".into(),
        _ => format!("{key} = …"),
    }
}

struct Fields<'a> {
    raw: &'a RawPage,
    errs: &'a mut Vec<SourceError>,
}

impl Fields<'_> {
    fn err(&mut self, key: &str, msg: impl Into<String>, hint: impl Into<String>) {
        self.errs.push(SourceError::new(&self.raw.file.path, self.raw.line_of(key), 1, msg).hint(hint));
    }

    fn string(&mut self, key: &str) -> Option<String> {
        match self.raw.fields.get(key)? {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => {
                self.err(key, format!("字段 {key} 应该是一段文字"), format!("写成 {key} = \"…\""));
                None
            }
        }
    }

    fn spanned_string(&mut self, key: &str) -> Option<Spanned<String>> {
        let line = self.raw.line_of(key);
        self.string(key).map(|value| Spanned { value, line })
    }

    fn boolean(&mut self, key: &str) -> bool {
        match self.raw.fields.get(key) {
            None => false,
            Some(Value::Bool(b)) => *b,
            Some(_) => {
                self.err(key, format!("字段 {key} 只能是 true 或 false"), format!("写成 {key} = true"));
                false
            }
        }
    }

    fn int(&mut self, key: &str, min: i64, max: i64) -> Option<i64> {
        let v = self.raw.fields.get(key)?;
        let n = v.as_i64().or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()));
        match n {
            Some(n) if (min..=max).contains(&n) => Some(n),
            _ => {
                let range = if max == i64::MAX { format!("不小于 {min} 的整数") } else { format!("{min} 到 {max} 的整数") };
                self.err(key, format!("字段 {key} 应该是{range}，现在是 {v}"), format!("写成 {key} = {}", min.max(0)));
                None
            }
        }
    }

    fn date(&mut self, key: &str) -> Option<Date> {
        let v = self.raw.fields.get(key)?;
        let parsed = v.as_str().and_then(Date::parse);
        if parsed.is_none() {
            self.err(key, format!("字段 {key} 的日期 {v} 看不懂或不存在"), format!("日期写成 年-月-日，例如 {key} = 2024-05-01（月和日用两位数）"));
        }
        parsed
    }

    fn strings(&mut self, key: &str) -> Vec<Spanned<String>> {
        let line = self.raw.line_of(key);
        match self.raw.fields.get(key) {
            None => Vec::new(),
            Some(Value::String(s)) => vec![Spanned { value: s.clone(), line }],
            Some(Value::Array(items)) => {
                let mut out = Vec::new();
                for item in items {
                    match item {
                        Value::String(s) => out.push(Spanned { value: s.clone(), line }),
                        Value::Number(n) => out.push(Spanned { value: n.to_string(), line }),
                        _ => self.err(key, format!("字段 {key} 里有一项不是文字：{item}"), format!("写成 {key} = [\"a\", \"b\"]")),
                    }
                }
                out
            }
            Some(other) => {
                self.err(key, format!("字段 {key} 应该是一个列表，现在是 {other}"), format!("写成 {key} = [\"a\", \"b\"]"));
                Vec::new()
            }
        }
    }

    fn articles(&mut self, key: &str) -> Vec<u32> {
        let line = self.raw.line_of(key);
        let items: Vec<Value> = match self.raw.fields.get(key) {
            None => return Vec::new(),
            Some(Value::Array(a)) => a.clone(),
            Some(v) => vec![v.clone()],
        };
        let mut out = BTreeMap::new();
        for item in items {
            let n = item.as_i64().or_else(|| item.as_str().and_then(|s| crate::law::parse_article_ref(s).map(i64::from)));
            match n {
                Some(n) if (1..=50).contains(&n) => {
                    out.insert(n as u32, ());
                }
                Some(n) => self.errs.push(
                    SourceError::new(&self.raw.file.path, line, 1, format!("《反电信网络诈骗法》没有第 {n} 条：全法共 50 条"))
                        .hint("law_articles 只能写 1 到 50 之间的条文序号，例如 law_articles = [31, 44]"),
                ),
                None => self.err(key, format!("law_articles 里的 {item} 不是条文序号"), "写成数字，例如 law_articles = [31, 44]"),
            }
        }
        out.into_keys().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classify_paths() {
        assert_eq!(classify("_index.md").2, "/");
        assert_eq!(classify("cases/_index.md").2, "/cases/");
        assert_eq!(classify("cases/a.md").2, "/cases/a/");
        assert_eq!(classify("cases/b/index.md").2, "/cases/b/");
        assert_eq!(classify("law/article-31.md").3, Some(31));
        assert_eq!(classify("about.md").0, "");
    }
}
