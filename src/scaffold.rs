//! `fanzha new <栏目> <标题>`: writes a new Markdown file with its section's front-matter fields
//! filled in (from flags or from questions on the terminal) and, for a case, the agreed section
//! headings, so that staff start from a file that `fanzha check` accepts once the body is written.
//! It never overwrites a file. The questions are asked through any reader and writer so that
//! they can be tested; deciding whether to ask at all is `main.rs`'s job.

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

use crate::config::SiteConfig;
use crate::error::{suggest, BuildError};
use crate::model::Date;

/// What the new file says.
#[derive(Debug, Clone, Default)]
pub struct NewPage {
    pub section: String,
    pub title: String,
    pub summary: Option<String>,
    /// Slugs or Chinese titles, written as given.
    pub fraud_types: Vec<String>,
    pub audiences: Vec<String>,
    pub law_articles: Vec<u32>,
    pub region: Option<String>,
    pub source: Option<String>,
    pub date: Option<Date>,
}

/// A page the new file can point at: (slug, title).
pub type Choice = (String, String);

/// The site's fraud types and audience guides, in file-name order, for the numbered lists.
pub fn choices(root: &Path, section: &str) -> Vec<Choice> {
    let dir = root.join("content").join(section);
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(&dir) else { return out };
    let mut names: Vec<PathBuf> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    names.sort();
    for path in names {
        let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
        let Some(slug) = name.strip_suffix(".md") else { continue };
        if slug == "_index" || crate::load::is_ignored_name(&name) {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&path) else { continue };
        let file = crate::load::SourceFile { path: path.clone(), rel: format!("{section}/{name}"), text, mount: None };
        if let Ok(raw) = crate::frontmatter::parse(file) {
            let title = raw.fields.get("title").and_then(|v| v.as_str()).unwrap_or(slug).to_string();
            out.push((slug.to_string(), title));
        }
    }
    out
}

fn quoted(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

fn list(items: &[String]) -> String {
    format!("[{}]", items.iter().map(|s| quoted(s)).collect::<Vec<_>>().join(", "))
}

/// The file's text: front matter with every required field of the section, then the body outline.
pub fn render(config: &SiteConfig, page: &NewPage, today: Date) -> String {
    let schema = crate::validate::schema_for(config, &page.section, false);
    let mut keys: Vec<&str> = vec!["title"];
    let is_case = page.section == "cases";
    let wanted = ["date", "summary", "fraud_types", "audiences", "law_articles", "region", "source"];
    for k in wanted {
        let given = match k {
            "fraud_types" => !page.fraud_types.is_empty(),
            "audiences" => !page.audiences.is_empty(),
            "law_articles" => !page.law_articles.is_empty(),
            "region" => page.region.is_some(),
            "source" => page.source.is_some(),
            "date" => page.date.is_some(),
            "summary" => page.summary.is_some(),
            _ => false,
        };
        if (schema.required.iter().any(|r| r == k) || given) && schema.allowed.contains(k) {
            keys.push(k);
        }
    }
    for r in &schema.required {
        if !keys.contains(&r.as_str()) {
            keys.push(r);
        }
    }
    let mut fm = String::from("+++\n");
    for k in keys {
        let value = match k {
            "title" => quoted(&page.title),
            "date" => page.date.unwrap_or(today).to_string(),
            "summary" => quoted(page.summary.as_deref().unwrap_or("")),
            "fraud_types" => list(&page.fraud_types),
            "audiences" => list(&page.audiences),
            "law_articles" => format!("[{}]", page.law_articles.iter().map(u32::to_string).collect::<Vec<_>>().join(", ")),
            "region" => quoted(page.region.as_deref().unwrap_or("")),
            "source" => quoted(page.source.as_deref().unwrap_or("")),
            "target" => quoted("@/fraud/"),
            _ => "[]".into(),
        };
        fm.push_str(&format!("{k} = {value}\n"));
    }
    if is_case {
        fm.push_str("# loss = 8600    # 损失金额（元），不清楚就不写这一行\n");
    }
    fm.push_str("+++\n\n");
    if is_case {
        fm.push_str(CASE_BODY);
    } else {
        fm.push_str("（在这里写正文。）\n");
    }
    fm
}

/// The agreed outline of a case note.
pub const CASE_BODY: &str = "*本案改编自典型案例，人物均为化名。*\n\n## 案情经过\n\n（写清时间、经过和损失。人物用化名，如“小李”“王阿姨”；地点写到“某市”“某县”为止；不要写真实姓名、电话、身份证号、银行卡号、车牌号。）\n\n## 手法分析\n\n（骗子用了哪些话术、分几步得手。）\n\n## 警方提示\n\n（提醒读者怎么识别、怎么防范；发现被骗立即拨打 110。）\n";

/// Writes the new file under `content/<section>/` and returns its path relative to the root.
/// Refuses to overwrite, and refuses a section folder that does not exist (with a suggestion).
pub fn create(root: &Path, page: &NewPage, today: Date) -> Result<PathBuf, BuildError> {
    let config = SiteConfig::load(root)?;
    let content = root.join("content");
    let dir = content.join(&page.section);
    if page.section.is_empty() || page.section.contains(['/', '\\', '.']) || !dir.is_dir() {
        let sections: Vec<String> = std::fs::read_dir(&content)
            .map(|r| r.filter_map(Result::ok).filter(|e| e.path().is_dir()).map(|e| e.file_name().to_string_lossy().to_string()).collect())
            .unwrap_or_default();
        let hint = match suggest(&page.section, sections.iter().map(String::as_str)) {
            Some(s) => format!("是不是想写 fanzha new {s} …？"),
            None => format!("可用的栏目：{}", sections.join("、")),
        };
        return Err(BuildError::Usage(format!("没有「{}」这个栏目（content/{} 不存在）。{hint}", page.section, page.section)));
    }
    if page.title.trim().is_empty() {
        return Err(BuildError::Usage("标题是空的：写成 fanzha new cases \"标题\"".into()));
    }
    let slug = crate::slug::ascii_slug(&page.title, 16);
    let rel = PathBuf::from("content").join(&page.section).join(format!("{slug}.md"));
    let path = root.join(&rel);
    let text = render(&config, page, today);
    let file = std::fs::OpenOptions::new().write(true).create_new(true).open(&path);
    let mut file = match file {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            return Err(BuildError::Usage(format!("文件 {} 已经存在，没有覆盖它。换一个标题，或者直接打开这个文件修改。", rel.display())))
        }
        Err(e) => return Err(BuildError::io(&path, e)),
    };
    file.write_all(text.as_bytes()).map_err(|e| BuildError::io(&path, e))?;
    Ok(rel)
}

/// Asks on the terminal for what `page` does not say yet. Empty answers skip optional items;
/// end of input counts as an empty answer.
pub fn ask(
    input: &mut dyn BufRead,
    out: &mut dyn Write,
    page: &mut NewPage,
    frauds: &[Choice],
    audiences: &[Choice],
    default_source: Option<&str>,
) -> std::io::Result<()> {
    writeln!(out, "新建案例（直接回车可跳过可选的项目）")?;
    for _ in 0..3 {
        if !page.title.trim().is_empty() {
            break;
        }
        page.title = prompt(input, out, "标题：")?;
    }
    if page.fraud_types.is_empty() && !frauds.is_empty() {
        page.fraud_types = pick(input, out, "诈骗类型", frauds)?;
    }
    if page.audiences.is_empty() && !audiences.is_empty() {
        page.audiences = pick(input, out, "适用人群", audiences)?;
    }
    if page.law_articles.is_empty() {
        for _ in 0..3 {
            let a = prompt(input, out, "引用《反电信网络诈骗法》的第几条（1 到 50，多个用空格分隔）：")?;
            match parse_articles(&a) {
                Some(v) => {
                    page.law_articles = v;
                    break;
                }
                None => writeln!(out, "  请只写 1 到 50 之间的数字，例如：20 38")?,
            }
        }
    }
    if page.region.is_none() {
        page.region = Some(prompt(input, out, "地区（例如 河南省某市）：")?).filter(|s| !s.is_empty());
    }
    if page.source.is_none() {
        let q = match default_source {
            Some(d) => format!("来源单位（直接回车：{d}）："),
            None => "来源单位（例如 某市公安局反诈中心）：".into(),
        };
        page.source = Some(prompt(input, out, &q)?).filter(|s| !s.is_empty());
    }
    Ok(())
}

fn prompt(input: &mut dyn BufRead, out: &mut dyn Write, question: &str) -> std::io::Result<String> {
    write!(out, "{question}")?;
    out.flush()?;
    let mut line = String::new();
    input.read_line(&mut line)?;
    Ok(line.trim().to_string())
}

/// A numbered list; answers like `1 3` or `1,3`. Returns the Chinese titles picked.
fn pick(input: &mut dyn BufRead, out: &mut dyn Write, what: &str, choices: &[Choice]) -> std::io::Result<Vec<String>> {
    writeln!(out, "{what}（可多选）：")?;
    for (i, (_, title)) in choices.iter().enumerate() {
        writeln!(out, "  {:>2}. {title}", i + 1)?;
    }
    for _ in 0..3 {
        let answer = prompt(input, out, "请输入编号，多个用空格分隔：")?;
        let nums: Option<Vec<usize>> = answer.split([' ', ',', '，', '、']).filter(|s| !s.is_empty()).map(|s| s.parse().ok()).collect();
        match nums {
            Some(n) if n.iter().all(|&i| i >= 1 && i <= choices.len()) => {
                let mut picked: Vec<String> = Vec::new();
                for i in n {
                    let t = choices[i - 1].1.clone();
                    if !picked.contains(&t) {
                        picked.push(t);
                    }
                }
                return Ok(picked);
            }
            _ => writeln!(out, "  请输入列表里的编号（1 到 {}）", choices.len())?,
        }
    }
    Ok(Vec::new())
}

/// `20 38`, `20,38`, `第二十条` → article numbers 1–50.
pub fn parse_articles(s: &str) -> Option<Vec<u32>> {
    let mut out = Vec::new();
    for part in s.split([' ', ',', '，', '、']).filter(|p| !p.is_empty()) {
        let n = part.parse::<u32>().ok().or_else(|| crate::law::parse_article_ref(part))?;
        if !(1..=50).contains(&n) {
            return None;
        }
        if !out.contains(&n) {
            out.push(n);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> SiteConfig {
        SiteConfig::parse("title = \"x\"\nbase_url = \"https://a.cn/\"\n").unwrap()
    }

    #[test]
    fn case_has_fields_and_headings() {
        let page = NewPage {
            section: "cases".into(),
            title: "测试".into(),
            fraud_types: vec!["刷单返利".into()],
            law_articles: vec![20],
            ..NewPage::default()
        };
        let text = render(&config(), &page, Date { year: 2024, month: 5, day: 1 });
        assert!(text.contains("fraud_types = [\"刷单返利\"]"), "{text}");
        assert!(text.contains("date = 2024-05-01"));
        assert!(text.contains("audiences = []"));
        for h in ["## 案情经过", "## 手法分析", "## 警方提示", "*本案改编自典型案例，人物均为化名。*"] {
            assert!(text.contains(h), "{h}");
        }
    }

    #[test]
    fn questions_fill_the_page() {
        let frauds = vec![("task-rebate".to_string(), "刷单返利".to_string()), ("fake-loan".to_string(), "虚假网络贷款".to_string())];
        let auds = vec![("students".to_string(), "学生防骗指南".to_string())];
        let mut input = std::io::Cursor::new("标题甲\n9\n2 1\n1\n20 38\n某市\n\n".as_bytes());
        let mut out = Vec::new();
        let mut page = NewPage { section: "cases".into(), ..NewPage::default() };
        ask(&mut input, &mut out, &mut page, &frauds, &auds, Some("编辑部")).unwrap();
        assert_eq!(page.title, "标题甲");
        assert_eq!(page.fraud_types, ["虚假网络贷款", "刷单返利"]);
        assert_eq!(page.audiences, ["学生防骗指南"]);
        assert_eq!(page.law_articles, [20, 38]);
        assert_eq!(page.region.as_deref(), Some("某市"));
        assert_eq!(page.source, None);
        assert!(String::from_utf8(out).unwrap().contains(" 1. 刷单返利"));
    }
}
