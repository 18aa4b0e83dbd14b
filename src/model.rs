//! The site model: typed pages and the cross-reference indexes between them. Built once per build,
//! then read by every later stage in parallel; nothing here does I/O.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

/// A value together with the 1-based file line it came from, for errors found after validation.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Spanned<T> {
    pub value: T,
    pub line: usize,
}

/// A calendar date (no time zone: case notes are dated by day).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

impl Date {
    /// Parses `2024-05-01`, also with a time after it (`2024-05-01T10:00:00+08:00`).
    pub fn parse(s: &str) -> Option<Date> {
        let s = s.trim();
        let head = s.get(..10)?;
        let rest = &s[10..];
        if !(rest.is_empty() || rest.starts_with('T') || rest.starts_with(' ')) {
            return None;
        }
        let mut parts = head.split('-');
        let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
        if y.len() != 4 || m.len() != 2 || d.len() != 2 {
            return None;
        }
        let date = Date { year: y.parse().ok()?, month: m.parse().ok()?, day: d.parse().ok()? };
        (date.month >= 1 && date.month <= 12 && date.day >= 1 && date.day <= days_in_month(date.year, date.month)).then_some(date)
    }

    /// Today's date in China (UTC+8), or `FANZHA_TODAY` when set (for tests and previews).
    pub fn today() -> Date {
        if let Some(d) = std::env::var("FANZHA_TODAY").ok().and_then(|s| Date::parse(&s)) {
            return d;
        }
        let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64) + 8 * 3600;
        Date::from_days(secs.div_euclid(86_400))
    }

    /// Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    pub fn from_days(z: i64) -> Date {
        let z = z + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }

    /// `2024年5月1日`
    pub fn chinese(&self) -> String {
        format!("{}年{}月{}日", self.year, self.month, self.day)
    }
}

fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PageKind {
    Home,
    Section,
    Page,
}

/// A checked page. Only `validate` makes these (and `law`, for generated article pages).
#[derive(Debug, Clone, Hash)]
pub struct Page {
    /// Index in `Site::pages` (set by `resolve`).
    pub id: usize,
    pub kind: PageKind,
    /// First folder under `content/` (`cases`, `fraud`, …); empty for the home page.
    pub section: String,
    pub path: PathBuf,
    pub rel: String,
    pub mount: Option<String>,
    /// Site-relative URL without the base path, e.g. `/cases/x/`.
    pub url: String,
    pub title: String,
    pub summary: String,
    pub date: Option<Date>,
    pub updated: Option<Date>,
    pub expires: Option<Date>,
    pub draft: bool,
    pub alert: bool,
    pub weight: i64,
    pub keywords: Vec<String>,
    /// As written (slug or Chinese title); `resolve` maps them to page ids.
    pub fraud_types: Vec<Spanned<String>>,
    pub audiences: Vec<Spanned<String>>,
    pub law_articles: Vec<u32>,
    pub source: Option<String>,
    pub region: Option<String>,
    pub loss: Option<i64>,
    pub target: Option<Spanned<String>>,
    pub red_flags: Vec<String>,
    pub actions: Vec<String>,
    pub sides: u8,
    /// For `/law/article-N/`: N.
    pub article: Option<u32>,
    pub key_lines: BTreeMap<String, usize>,
    pub body: String,
    pub body_line: usize,
    /// Past its `expires` date: off the lists, marked 已过期.
    pub expired: bool,
}

impl Page {
    pub fn line_of(&self, key: &str) -> usize {
        self.key_lines.get(key).copied().unwrap_or(1)
    }
}
