//! Splits a Markdown file into its front matter (TOML between `+++` lines, or YAML between `---`
//! lines, as Hugo and Hexo write it) and its body, and parses the front matter into plain values,
//! remembering the line of every key so later stages can point at it. It checks no field meanings.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::error::{line_col, SourceError};
use crate::load::SourceFile;

/// A file with its front matter parsed but not yet checked.
#[derive(Debug, Clone)]
pub struct RawPage {
    pub file: SourceFile,
    pub fields: BTreeMap<String, Value>,
    /// 1-based line of each top-level key in the original file.
    pub key_lines: BTreeMap<String, usize>,
    pub body: String,
    /// 1-based line of the body's first line in the original file.
    pub body_line: usize,
}

impl RawPage {
    /// The line of `key`, or the first line when the key is absent (for "missing field").
    pub fn line_of(&self, key: &str) -> usize {
        self.key_lines.get(key).copied().unwrap_or(1)
    }
}

/// Splits and parses one file.
pub fn parse(file: SourceFile) -> Result<RawPage, SourceError> {
    let text = file.text.as_str();
    if text.trim().is_empty() {
        return Err(SourceError::new(&file.path, 1, 1, "文件是空的")
            .hint("写上 front matter 和正文，或删掉这个文件；可以用 fanzha new <栏目> <标题> 生成模板"));
    }
    let first = text.lines().next().unwrap_or("").trim_end();
    let (fence, toml_format) = match first {
        "+++" => ("+++", true),
        "---" => ("---", false),
        _ => {
            return Err(SourceError::new(&file.path, 1, 1, "文件开头缺少 front matter（标题、日期等信息）")
                .hint("在第一行写 +++，接着写 title = \"标题\" 等字段，再用一行 +++ 结束"))
        }
    };
    let after_first = text.find('\n').map_or(text.len(), |i| i + 1);
    let mut offset = after_first;
    let mut end = None;
    for line in text[after_first..].split_inclusive('\n') {
        if line.trim_end() == fence {
            end = Some((offset, offset + line.len()));
            break;
        }
        offset += line.len();
    }
    let Some((fm_end, body_start)) = end else {
        return Err(
            SourceError::new(&file.path, 1, 1, format!("front matter 没有结束：找不到第二行 {fence}")).hint(format!("在字段写完后加一行 {fence}"))
        );
    };
    let fm = &text[after_first..fm_end];
    let fields = if toml_format { parse_toml(&file, fm)? } else { parse_yaml(&file, fm)? };
    let key_lines = key_lines(fm);
    let body_line = text[..body_start].matches('\n').count() + 1;
    let body = text[body_start..].to_string();
    Ok(RawPage { file, fields, key_lines, body, body_line })
}

fn key_lines(fm: &str) -> BTreeMap<String, usize> {
    let mut map = BTreeMap::new();
    for (i, line) in fm.lines().enumerate() {
        if line.starts_with(char::is_whitespace) || line.starts_with('#') {
            continue;
        }
        let end = line.find(['=', ':']).unwrap_or(0);
        let key = line[..end].trim().trim_matches('"');
        if !key.is_empty() {
            map.entry(key.to_string()).or_insert(i + 2);
        }
    }
    map
}

fn parse_toml(file: &SourceFile, fm: &str) -> Result<BTreeMap<String, Value>, SourceError> {
    match fm.parse::<toml::Table>() {
        Ok(table) => Ok(table.into_iter().map(|(k, v)| (k, toml_to_json(v))).collect()),
        Err(e) => {
            let (line, col) = e.span().map_or((1, 1), |s| line_col(fm, s.start));
            Err(SourceError::new(&file.path, line + 1, col, format!("front matter 的 TOML 格式有误：{}", e.message().trim()))
                .hint("检查这一行：字符串要用英文双引号括起来，列表写成 [\"a\", \"b\"]，日期写成 2024-05-01"))
        }
    }
}

fn parse_yaml(file: &SourceFile, fm: &str) -> Result<BTreeMap<String, Value>, SourceError> {
    if fm.trim().is_empty() {
        return Ok(BTreeMap::new());
    }
    match serde_yaml_ng::from_str::<serde_yaml_ng::Value>(fm) {
        Ok(serde_yaml_ng::Value::Mapping(map)) => {
            let mut out = BTreeMap::new();
            for (k, v) in map {
                let key = match k {
                    serde_yaml_ng::Value::String(s) => s,
                    other => yaml_to_json(other).to_string(),
                };
                out.insert(key, yaml_to_json(v));
            }
            Ok(out)
        }
        Ok(_) => Err(SourceError::new(&file.path, 2, 1, "front matter 应该是「字段: 值」的列表").hint("每行写一个字段，例如 title: 标题")),
        Err(e) => {
            let (line, col) = e.location().map_or((1, 1), |l| (l.line(), l.column()));
            let msg = e.to_string();
            let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
            Err(SourceError::new(&file.path, line + 1, col, format!("front matter 的 YAML 格式有误：{msg}"))
                .hint("检查这一行：冒号后面要有空格，列表写成 [a, b]，缩进要用空格不能用 Tab"))
        }
    }
}

fn toml_to_json(v: toml::Value) -> Value {
    match v {
        toml::Value::String(s) => Value::String(s),
        toml::Value::Integer(i) => Value::from(i),
        toml::Value::Float(f) => Value::from(f),
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(a) => Value::Array(a.into_iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => Value::Object(t.into_iter().map(|(k, v)| (k, toml_to_json(v))).collect()),
    }
}

fn yaml_to_json(v: serde_yaml_ng::Value) -> Value {
    use serde_yaml_ng::Value as Y;
    match v {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else {
                Value::from(n.as_f64().unwrap_or(0.0))
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(s) => Value::Array(s.into_iter().map(yaml_to_json).collect()),
        Y::Mapping(m) => {
            Value::Object(m.into_iter().map(|(k, v)| (yaml_to_json(k).as_str().map(str::to_string).unwrap_or_default(), yaml_to_json(v))).collect())
        }
        Y::Tagged(t) => yaml_to_json(t.value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn file(text: &str) -> SourceFile {
        SourceFile { path: PathBuf::from("content/x.md"), rel: "x.md".into(), text: text.into(), mount: None }
    }

    #[test]
    fn toml_and_yaml_give_the_same_fields() {
        let t = parse(file("+++\ntitle = \"刷单\"\ndate = 2024-05-01\nlaw_articles = [31]\n+++\n正文\n")).unwrap();
        let y = parse(file("---\ntitle: 刷单\ndate: 2024-05-01\nlaw_articles: [31]\n---\n正文\n")).unwrap();
        assert_eq!(t.fields, y.fields);
        assert_eq!(t.body, "正文\n");
        assert_eq!(t.body_line, 6);
        assert_eq!(t.line_of("law_articles"), 4);
    }

    #[test]
    fn toml_error_points_at_the_file_line() {
        let e = parse(file("+++\ntitle = \"a\"\ndate = 2024-13-01\n+++\n")).unwrap_err();
        assert_eq!(e.line, 3, "{e}");
    }

    #[test]
    fn yaml_error_points_at_the_file_line() {
        let e = parse(file("---\ntitle: a\nkeywords: [a, b\n---\n")).unwrap_err();
        assert!(e.line >= 3, "{e}");
    }

    #[test]
    fn empty_and_unterminated() {
        assert!(parse(file("")).unwrap_err().message.contains("空"));
        assert!(parse(file("+++\ntitle = \"a\"\n")).unwrap_err().message.contains("没有结束"));
    }
}
