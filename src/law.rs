//! The Anti-Telecom Fraud Law as data: parses the reference text (chapters as `## ` headings,
//! articles starting a line with `第N条 `) into chapters and articles, so the 50 article pages are
//! generated from the statute itself and never hand-typed. Also reads article references people
//! write (`第三十一条`, `31条`, `反诈法31条`). Does no I/O.

/// One article: its number, its Chinese label (`第三十一条`) and its paragraphs, verbatim.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Article {
    pub number: u32,
    pub label: String,
    pub chapter: usize,
    pub paragraphs: Vec<String>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Chapter {
    pub index: usize,
    pub title: String,
    pub articles: Vec<u32>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Law {
    pub title: String,
    pub adopted: String,
    pub chapters: Vec<Chapter>,
    pub articles: Vec<Article>,
}

impl Law {
    pub fn article(&self, n: u32) -> Option<&Article> {
        self.articles.get((n as usize).checked_sub(1)?).filter(|a| a.number == n)
    }
}

/// Parses the reference text. Errors are (1-based line, message).
pub fn parse(text: &str) -> Result<Law, (usize, String)> {
    let mut law = Law { title: String::new(), adopted: String::new(), chapters: Vec::new(), articles: Vec::new() };
    let mut in_body = false;
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if let Some(t) = line.strip_prefix("# ") {
            law.title = t.trim().to_string();
        } else if line.starts_with("<!--") {
            in_body = true;
        } else if let Some(t) = line.strip_prefix("## ") {
            in_body = true;
            let index = law.chapters.len() + 1;
            law.chapters.push(Chapter { index, title: t.trim().to_string(), articles: Vec::new() });
        } else if line.is_empty() {
            continue;
        } else if !in_body {
            if law.adopted.is_empty() {
                law.adopted = line.to_string();
            }
        } else if let Some((n, label, rest)) = article_start(line) {
            let chapter = law.chapters.len();
            if n as usize != law.articles.len() + 1 || chapter == 0 {
                return Err((i + 1, format!("条文序号不连续：在第 {} 条之后出现了 {label}", law.articles.len())));
            }
            law.chapters[chapter - 1].articles.push(n);
            law.articles.push(Article { number: n, label, chapter, paragraphs: vec![rest.to_string()] });
        } else if let Some(a) = law.articles.last_mut() {
            a.paragraphs.push(line.to_string());
        }
    }
    if law.articles.len() != 50 {
        return Err((1, format!("应有 50 条，读到 {} 条", law.articles.len())));
    }
    Ok(law)
}

/// `第三十一条 任何单位…` → (31, "第三十一条", "任何单位…").
fn article_start(line: &str) -> Option<(u32, String, &str)> {
    let rest = line.strip_prefix('第')?;
    let end = rest.find('条')?;
    let n = chinese_number(&rest[..end])?;
    let after = rest[end + '条'.len_utf8()..].trim_start_matches([' ', '\u{3000}']);
    Some((n, format!("第{}条", &rest[..end]), after))
}

/// 一 … 九十九 (and plain digits) to a number.
pub fn chinese_number(s: &str) -> Option<u32> {
    if s.is_empty() {
        return None;
    }
    if s.chars().all(|c| c.is_ascii_digit()) {
        return s.parse().ok();
    }
    let digit = |c: char| "零一二三四五六七八九".chars().position(|d| d == c).map(|p| p as u32);
    let chars: Vec<char> = s.chars().collect();
    match chars.as_slice() {
        [c] if *c == '十' => Some(10),
        [c] => digit(*c),
        ['十', u] => Some(10 + digit(*u)?),
        [t, '十'] => Some(digit(*t)? * 10),
        [t, '十', u] => Some(digit(*t)? * 10 + digit(*u)?),
        _ => None,
    }
}

/// 31 → 三十一
pub fn chinese_numeral(n: u32) -> String {
    const D: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0..=9 => D[n as usize].to_string(),
        10 => "十".into(),
        11..=19 => format!("十{}", D[(n % 10) as usize]),
        _ if n.is_multiple_of(10) => format!("{}十", D[(n / 10) as usize]),
        _ => format!("{}十{}", D[(n / 10) as usize], D[(n % 10) as usize]),
    }
}

/// Reads `31`, `31条`, `第31条`, `第三十一条`, `反诈法第31条` as 31.
pub fn parse_article_ref(s: &str) -> Option<u32> {
    let s = s.trim();
    let s = s.strip_prefix("反电信网络诈骗法").or_else(|| s.strip_prefix("反诈法")).unwrap_or(s);
    let s = s.strip_prefix('第').unwrap_or(s);
    let s = s.strip_suffix('条').unwrap_or(s);
    chinese_number(s.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numerals_round_trip() {
        for n in 1..=99 {
            assert_eq!(chinese_number(&chinese_numeral(n)), Some(n), "{n}");
        }
        assert_eq!(parse_article_ref("第三十一条"), Some(31));
        assert_eq!(parse_article_ref("反诈法31条"), Some(31));
        assert_eq!(parse_article_ref("第五十条"), Some(50));
        assert_eq!(parse_article_ref("杀猪盘"), None);
    }

    #[test]
    fn parses_chapters_and_items() {
        let mut text = String::from("# 法\n\n通过\n\n<!-- INFO END -->\n\n## 第一章 总 则\n\n");
        for n in 1..=50 {
            text.push_str(&format!("第{}条 内容{n}。\n\n", chinese_numeral(n)));
            if n == 14 {
                text.push_str("（一）项目；\n\n");
            }
        }
        let law = parse(&text).unwrap();
        assert_eq!(law.articles.len(), 50);
        assert_eq!(law.article(14).unwrap().paragraphs, vec!["内容14。", "（一）项目；"]);
        assert_eq!(law.chapters[0].articles.len(), 50);
        assert_eq!(law.adopted, "通过");
    }
}
