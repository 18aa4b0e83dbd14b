//! Personal-data guard for fanzha case notes. Staff (police, justice bureau)
//! write anti-fraud case notes by hand, and a victim's ID number, phone, bank
//! card, e-mail address or licence plate can easily slip into a published
//! page. This module finds such data line by line so the build can stop and
//! tell the author, in plain Chinese, what to change. It must not panic on any
//! input, must not change the text, must not do any I/O, and must never hand
//! the full personal data back to the caller: a [`Finding`] only carries a
//! masked form. It must also not flag public hotlines, dates, money amounts or
//! law article numbers. It is a safety net, not a guarantee of anonymity.

use std::collections::HashSet;

/// A line containing this marker is skipped entirely.
const ALLOW_MARKER: &str = "<!-- privacy:allow -->";

/// First character of a Chinese licence plate.
const PROVINCES: &str = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼";

/// Public hotlines that are never personal data.
const PUBLIC_NUMBERS: [&str; 11] = ["110", "119", "120", "122", "12110", "96110", "12381", "12345", "12315", "12321", "12377"];

/// Weights of the ISO 7064 MOD 11-2 check used by resident ID numbers.
const ID_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/// Check character indexed by the weighted sum modulo 11.
const ID_CHECK: [u8; 11] = *b"10X98765432";

/// The kind of personal data found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    IdNumber,
    Mobile,
    Landline,
    BankCard,
    Email,
    Plate,
}

/// One piece of personal data found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// 1-based line number within the scanned text.
    pub line: usize,
    /// 1-based column, counted in characters (not bytes).
    pub column: usize,
    pub kind: Kind,
    /// The value with its middle hidden; never the full original.
    pub masked: String,
}

impl Kind {
    /// Chinese name of the kind, for messages to staff.
    pub fn label(&self) -> &'static str {
        match self {
            Kind::IdNumber => "身份证号码",
            Kind::Mobile => "手机号码",
            Kind::Landline => "固定电话号码",
            Kind::BankCard => "银行卡号",
            Kind::Email => "电子邮箱地址",
            Kind::Plate => "车牌号码",
        }
    }

    /// Plain-Chinese advice on how to fix the text.
    pub fn hint(&self) -> &'static str {
        match self {
            Kind::IdNumber => {
                "请删除这个身份证号码，或者只保留前3位和后4位，中间用*代替，例如 370***********123X。"
            }
            Kind::Mobile => {
                "请删除这个手机号码，或者改写成 138****5678 这样的形式。如果这是单位对外公布的电话，请联系网站管理员把它加入 site.toml 的允许名单。"
            }
            Kind::Landline => {
                "如果这是个人或家庭电话，请删除，或者改写成 0531-****5678 这样的形式；如果这是单位对外公布的电话，请联系网站管理员把它加入 site.toml 的允许名单。"
            }
            Kind::BankCard => {
                "请删除这个银行卡号，或者只写后4位，例如“尾号5678”。"
            }
            Kind::Email => {
                "请删除这个邮箱地址，或者改写成 z***@example.com 这样的形式。如果这是单位对外公布的邮箱，请联系网站管理员把它加入 site.toml 的允许名单。"
            }
            Kind::Plate => "请删除这个车牌号码，或者改写成 鲁A***45 这样的形式。",
        }
    }
}

/// The marker that, written anywhere in a line, makes the guard skip that line.
pub fn allow_marker() -> &'static str {
    ALLOW_MARKER
}

/// Scans text for personal data, honouring an allow list.
#[derive(Debug, Clone, Default)]
pub struct Guard {
    allowed: HashSet<String>,
}

impl Guard {
    /// `extra_allowed` comes from site.toml; entries are compared with a match
    /// after folding full-width characters and removing spaces, hyphens,
    /// parentheses and middle dots (and ignoring ASCII case).
    pub fn new(extra_allowed: &[String]) -> Guard {
        let allowed = extra_allowed.iter().map(|s| normalize_key(s)).filter(|s| !s.is_empty()).collect();
        Guard { allowed }
    }

    /// Returns every finding in `text`, in order of position.
    pub fn scan(&self, text: &str) -> Vec<Finding> {
        let mut out = Vec::new();
        let has_marker = text.contains(ALLOW_MARKER);
        for (index, raw) in text.split('\n').enumerate() {
            let line = raw.strip_suffix('\r').unwrap_or(raw);
            if !may_hold_personal_data(line) || (has_marker && line.contains(ALLOW_MARKER)) {
                continue;
            }
            let chars: Vec<char> = line.chars().map(fold_char).collect();
            for m in scan_line(&chars) {
                if self.is_allowed(&m) {
                    continue;
                }
                out.push(Finding { line: index + 1, column: m.start + 1, kind: m.kind, masked: m.masked });
            }
        }
        out
    }

    fn is_allowed(&self, m: &Match) -> bool {
        let is_number = !matches!(m.kind, Kind::Email | Kind::Plate);
        if is_number && is_public_number(&m.core) {
            return true;
        }
        self.allowed.contains(&normalize_key(&m.text)) || self.allowed.contains(&normalize_key(&m.core))
    }
}

/// Whether a line can hold anything the guard looks for: every kind needs a digit except an e-mail
/// address, which needs an `@`; full-width digits and `＠` start with the byte 0xEF in UTF-8. Most
/// lines of a page have none of these, and skipping them makes the guard nearly free.
fn may_hold_personal_data(line: &str) -> bool {
    line.bytes().any(|b| b.is_ascii_digit() || b == b'@' || b == 0xEF)
}

/// A candidate match within one line; positions are character indexes.
#[derive(Debug)]
struct Match {
    start: usize,
    end: usize,
    kind: Kind,
    /// The matched characters as written (after width folding).
    text: String,
    /// The essential value: digits of a number, or the whole e-mail / plate.
    core: String,
    masked: String,
}

/// A maximal run of ASCII digits: `start..end` in character indexes.
#[derive(Debug, Clone, Copy)]
struct Run {
    start: usize,
    end: usize,
}

impl Run {
    fn len(self) -> usize {
        self.end - self.start
    }
}

/// Folds full-width ASCII forms (０-９, Ａ-Ｚ, ＠, （, －, …) and the
/// ideographic space to their ASCII equivalents, one char for one char, so
/// columns stay right.
fn fold_char(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    }
}

/// Separator allowed between digit groups: space or a hyphen-like dash.
fn is_num_sep(c: char) -> bool {
    matches!(c, ' ' | '\u{00A0}' | '-' | '\u{2010}'..='\u{2014}' | '\u{2212}')
}

/// Middle-dot characters used in licence plates (京A·D12345).
fn is_dot_sep(c: char) -> bool {
    matches!(c, '\u{00B7}' | '\u{2022}' | '\u{2027}' | '\u{30FB}' | '\u{FF65}')
}

/// Key used to compare matches with the allow list.
fn normalize_key(s: &str) -> String {
    s.chars()
        .map(fold_char)
        .filter(|&c| !(c.is_whitespace() || is_num_sep(c) || is_dot_sep(c) || c == '(' || c == ')'))
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Public hotlines, 95xxx bank service lines and 400/800 service numbers.
fn is_public_number(digits: &str) -> bool {
    PUBLIC_NUMBERS.contains(&digits)
        || (digits.len() == 5 && digits.starts_with("95"))
        || (digits.len() == 10 && (digits.starts_with("400") || digits.starts_with("800")))
}

/// Replaces the middle of `s` with '*', keeping `front` and `back` chars.
/// Short values are hidden completely so the original never survives.
fn mask_middle(s: &str, front: usize, back: usize) -> String {
    let chars: Vec<char> = s.chars().collect();
    let n = chars.len();
    if n <= front + back {
        return "*".repeat(n.max(1));
    }
    let mut out: String = chars[..front].iter().collect();
    out.push_str(&"*".repeat(n - front - back));
    out.extend(&chars[n - back..]);
    out
}

fn collect(chars: &[char], start: usize, end: usize) -> String {
    chars.get(start..end).unwrap_or(&[]).iter().collect()
}

/// Builds a number match; `core` holds the digits that are masked.
fn number_match(chars: &[char], start: usize, end: usize, kind: Kind, core: String) -> Match {
    Match { start, end, kind, text: collect(chars, start, end), masked: mask_middle(&core, 3, 4), core }
}

/// Finds all candidates in one (folded) line and drops overlapping ones.
fn scan_line(chars: &[char]) -> Vec<Match> {
    let runs = digit_runs(chars);
    let mut found = Vec::new();
    for &run in &runs {
        found.extend(classify_run(chars, run));
    }
    for i in 0..runs.len() {
        grouped_at(chars, &runs, i, &mut found);
    }
    scan_emails(chars, &mut found);
    scan_plates(chars, &mut found);
    resolve_overlaps(found)
}

/// Keeps the earliest match, preferring the longest at the same start.
fn resolve_overlaps(mut found: Vec<Match>) -> Vec<Match> {
    found.sort_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)));
    let mut out: Vec<Match> = Vec::new();
    for m in found {
        if out.last().is_none_or(|last| m.start >= last.end) {
            out.push(m);
        }
    }
    out
}

fn digit_runs(chars: &[char]) -> Vec<Run> {
    let mut runs = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit() {
            let start = i;
            while i < chars.len() && chars[i].is_ascii_digit() {
                i += 1;
            }
            runs.push(Run { start, end: i });
        } else {
            i += 1;
        }
    }
    runs
}

// ---------------------------------------------------------------- checks

/// Parses a short string of ASCII digits; None if anything else is present.
fn parse_digits(s: &[u8]) -> Option<u32> {
    s.iter().try_fold(0u32, |acc, &b| b.is_ascii_digit().then(|| acc.saturating_mul(10).saturating_add(u32::from(b - b'0'))))
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Checks that `year`, `mm` and `dd` form a real date between 1900 and 2099.
fn plausible_date(year: u32, mm: &[u8], dd: &[u8]) -> bool {
    let (Some(month), Some(day)) = (parse_digits(mm), parse_digits(dd)) else {
        return false;
    };
    (1900..=2099).contains(&year) && day >= 1 && day <= days_in_month(year, month)
}

/// ISO 7064 MOD 11-2 check character for the first 17 digits of an ID.
fn id_check_char(first17: &[u8]) -> Option<u8> {
    if first17.len() != 17 || !first17.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let sum: u32 = first17.iter().zip(ID_WEIGHTS).map(|(&b, w)| u32::from(b - b'0') * w).sum();
    ID_CHECK.get((sum % 11) as usize).copied()
}

/// 18-character resident ID: valid check character and birth date.
fn valid_id18(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 18 {
        return false;
    }
    let Some(check) = id_check_char(&b[..17]) else {
        return false;
    };
    let year = parse_digits(&b[6..10]).unwrap_or(0);
    b[17].to_ascii_uppercase() == check && plausible_date(year, &b[10..12], &b[12..14])
}

/// Old 15-digit ID: area (first digit 1-8) + YYMMDD (19YY) + 3 digits.
fn valid_id15(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 15 || !b.iter().all(u8::is_ascii_digit) || !(b'1'..=b'8').contains(&b[0]) {
        return false;
    }
    let year = 1900 + parse_digits(&b[6..8]).unwrap_or(0);
    plausible_date(year, &b[8..10], &b[10..12])
}

/// Luhn check used by bank cards.
fn luhn_ok(digits: &str) -> bool {
    let b = digits.as_bytes();
    if b.is_empty() || !b.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let sum: u32 = b
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            let v = u32::from(d - b'0');
            match (i % 2 == 1, v * 2) {
                (true, x) if x > 9 => x - 9,
                (true, x) => x,
                (false, _) => v,
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// 11 digits starting 1[3-9].
fn is_mobile(d: &str) -> bool {
    let b = d.as_bytes();
    b.len() == 11 && b[0] == b'1' && (b'3'..=b'9').contains(&b[1]) && b.iter().all(u8::is_ascii_digit)
}

/// Card digits become an ID finding when they are also a valid ID.
fn card_or_id(digits: &str) -> Option<Kind> {
    if digits.len() == 18 && valid_id18(digits) {
        Some(Kind::IdNumber)
    } else if (16..=19).contains(&digits.len()) && luhn_ok(digits) {
        Some(Kind::BankCard)
    } else {
        None
    }
}

// ------------------------------------------------------ contiguous numbers

/// Classifies one maximal digit run written without separators.
fn classify_run(chars: &[char], run: Run) -> Option<Match> {
    let digits = collect(chars, run.start, run.end);
    if let Some(m) = id_with_x(chars, run.start, run.end, &digits) {
        return Some(m);
    }
    if (run.len() == 18 && valid_id18(&digits)) || (run.len() == 15 && valid_id15(&digits)) {
        return Some(number_match(chars, run.start, run.end, Kind::IdNumber, digits));
    }
    if let Some(m) = mobile_in_run(chars, run, &digits) {
        return Some(m);
    }
    let kind = card_or_id(&digits)?;
    Some(number_match(chars, run.start, run.end, kind, digits))
}

/// 17 digits (starting at `start`, ending at `end`) followed by X or x.
fn id_with_x(chars: &[char], start: usize, end: usize, digits: &str) -> Option<Match> {
    let x = *chars.get(end)?;
    let after_is_digit = chars.get(end + 1).is_some_and(char::is_ascii_digit);
    if digits.len() != 17 || !(x == 'X' || x == 'x') || after_is_digit {
        return None;
    }
    let id = format!("{digits}{x}");
    valid_id18(&id).then(|| number_match(chars, start, end + 1, Kind::IdNumber, id))
}

/// A mobile number as one run, possibly with 86 / 0086 glued in front.
fn mobile_in_run(chars: &[char], run: Run, digits: &str) -> Option<Match> {
    let offset = match digits.len() {
        11 => 0,
        13 if digits.starts_with("86") => 2,
        15 if digits.starts_with("0086") => 4,
        _ => return None,
    };
    let core = digits.get(offset..)?;
    if !is_mobile(core) {
        return None;
    }
    let start = match offset {
        0 => prefix_start(chars, run.start),
        2 if run.start > 0 && chars[run.start - 1] == '+' => run.start - 1,
        _ => run.start,
    };
    Some(number_match(chars, start, run.end, Kind::Mobile, core.to_string()))
}

/// Extends a mobile number's start over a separate country prefix:
/// "+86 ", "86-", "0086 ", "(+86)".
fn prefix_start(chars: &[char], start: usize) -> usize {
    let mut q = start;
    if q > 0 && is_num_sep(chars[q - 1]) {
        q -= 1;
    }
    let closed = q > 0 && chars[q - 1] == ')';
    if closed {
        q -= 1;
    }
    if q < 2 || chars[q - 2] != '8' || chars[q - 1] != '6' {
        return start;
    }
    let mut r = q - 2;
    if r >= 2 && chars[r - 2] == '0' && chars[r - 1] == '0' {
        r -= 2;
    } else if r > 0 && chars[r - 1] == '+' {
        r -= 1;
    }
    if closed {
        if r == 0 || chars[r - 1] != '(' {
            return start;
        }
        r -= 1;
    }
    if r > 0 && chars[r - 1].is_ascii_digit() {
        return start;
    }
    r
}

// --------------------------------------------------------- grouped numbers

/// Two runs separated by exactly one space or hyphen.
fn linked(chars: &[char], a: Run, b: Run) -> bool {
    b.start == a.end + 1 && chars.get(a.end).is_some_and(|&c| is_num_sep(c))
}

/// Runs from index `i` that are linked one to the next (at most `max`).
fn chain_from(chars: &[char], runs: &[Run], i: usize, max: usize) -> Vec<Run> {
    let mut chain: Vec<Run> = Vec::new();
    for &run in runs.iter().skip(i).take(max) {
        if let Some(&last) = chain.last() {
            if !linked(chars, last, run) {
                break;
            }
        }
        chain.push(run);
    }
    chain
}

fn lens(chain: &[Run]) -> Vec<usize> {
    chain.iter().map(|r| r.len()).collect()
}

fn chain_digits(chars: &[char], chain: &[Run]) -> String {
    chain.iter().map(|r| collect(chars, r.start, r.end)).collect()
}

/// Numbers written in groups, starting at run `i`.
fn grouped_at(chars: &[char], runs: &[Run], i: usize, found: &mut Vec<Match>) {
    let chain = chain_from(chars, runs, i, 6);
    found.extend(grouped_mobile(chars, &chain));
    found.extend(grouped_id(chars, &chain));
    let chain_start = i == 0 || !linked(chars, runs[i - 1], runs[i]);
    if chain_start {
        found.extend(grouped_card(chars, &chain));
    }
    found.extend(landline(chars, runs, i));
}

/// 138 1234 5678 / 138-1234-5678, with an optional country prefix.
fn grouped_mobile(chars: &[char], chain: &[Run]) -> Option<Match> {
    let group = chain.get(..3)?;
    if lens(group) != [3, 4, 4] {
        return None;
    }
    let digits = chain_digits(chars, group);
    if !is_mobile(&digits) {
        return None;
    }
    let start = prefix_start(chars, group[0].start);
    Some(number_match(chars, start, group[2].end, Kind::Mobile, digits))
}

/// ID written as 6-8-4 groups (the last may end in X).
fn grouped_id(chars: &[char], chain: &[Run]) -> Option<Match> {
    let group = chain.get(..3)?;
    let digits = chain_digits(chars, group);
    match lens(group).as_slice() {
        [6, 8, 4] if valid_id18(&digits) => Some(number_match(chars, group[0].start, group[2].end, Kind::IdNumber, digits)),
        [6, 8, 3] => id_with_x(chars, group[0].start, group[2].end, &digits),
        _ => None,
    }
}

/// Card numbers in groups of four: 4-4-4-4 or 4-4-4-4-(1..3).
fn grouped_card(chars: &[char], chain: &[Run]) -> Option<Match> {
    let first = chain.get(..4)?;
    if lens(first) != [4, 4, 4, 4] {
        return None;
    }
    let group = match chain.get(4) {
        None => first,
        Some(extra) if extra.len() <= 3 => chain.get(..5)?,
        Some(_) => return None, // five or more groups of four: not a card
    };
    let digits = chain_digits(chars, group);
    let kind = card_or_id(&digits)?;
    let end = group.last()?.end;
    Some(number_match(chars, group[0].start, end, kind, digits))
}

/// Landline: 0 + 2-3 digit area code, then "-", " " or "(area)", then a
/// 7-8 digit number (also written 3-4 or 4-4).
fn landline(chars: &[char], runs: &[Run], i: usize) -> Option<Match> {
    let area = *runs.get(i)?;
    let a = chars.get(area.start..area.end)?;
    let inside_group = i > 0 && linked(chars, runs[i - 1], area);
    if !(3..=4).contains(&a.len()) || a[0] != '0' || a[1] == '0' || inside_group {
        return None;
    }
    let paren = area.start > 0 && chars[area.start - 1] == '(' && chars.get(area.end) == Some(&')');
    let (start, mut pos) = if paren { (area.start - 1, area.end + 1) } else { (area.start, area.end) };
    if chars.get(pos).is_some_and(|&c| is_num_sep(c)) {
        pos += 1;
    } else if !paren {
        return None;
    }
    let local = runs.get(i + 1).filter(|r| r.start == pos)?;
    let (end, local_digits) = local_number(chars, runs, i + 1, *local)?;
    let core = format!("{}{}", collect(chars, area.start, area.end), local_digits);
    Some(number_match(chars, start, end, Kind::Landline, core))
}

/// The local part of a landline: one run of 7-8 digits, or 3-4 / 4-4 groups
/// that are not followed by a further group.
fn local_number(chars: &[char], runs: &[Run], j: usize, first: Run) -> Option<(usize, String)> {
    if (7..=8).contains(&first.len()) {
        return Some((first.end, collect(chars, first.start, first.end)));
    }
    let chain = chain_from(chars, runs, j, 3);
    match lens(&chain).as_slice() {
        [3 | 4, 4] => {
            let end = chain[1].end;
            Some((end, chain_digits(chars, &chain)))
        }
        _ => None,
    }
}

// ------------------------------------------------------------------ e-mail

fn is_local_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '%' | '+' | '-')
}

fn scan_emails(chars: &[char], found: &mut Vec<Match>) {
    for (at, &c) in chars.iter().enumerate() {
        if c == '@' {
            found.extend(email_at(chars, at));
        }
    }
}

/// An ASCII address around the '@' at index `at`.
fn email_at(chars: &[char], at: usize) -> Option<Match> {
    let mut start = at;
    while start > 0 && is_local_char(chars[start - 1]) {
        start -= 1;
    }
    while start < at && chars[start] == '.' {
        start += 1;
    }
    let first = *chars.get(start).filter(|_| start < at)?;
    let end = domain_end(chars, at + 1)?;
    let domain = collect(chars, at + 1, end);
    let text = collect(chars, start, end);
    Some(Match { start, end, kind: Kind::Email, masked: format!("{first}***@{domain}"), core: text.clone(), text })
}

/// End of a domain like example.com.cn starting at `from`: at least two
/// labels, the last one an alphabetic top-level domain of 2+ letters.
fn domain_end(chars: &[char], from: usize) -> Option<usize> {
    let mut labels: Vec<Run> = Vec::new();
    let mut pos = from;
    loop {
        let start = pos;
        while pos < chars.len() && (chars[pos].is_ascii_alphanumeric() || chars[pos] == '-') {
            pos += 1;
        }
        if pos == start || chars[start] == '-' || chars[pos - 1] == '-' {
            break;
        }
        labels.push(Run { start, end: pos });
        if chars.get(pos) != Some(&'.') {
            break;
        }
        pos += 1;
    }
    let is_tld = |r: &Run| r.len() >= 2 && chars[r.start..r.end].iter().all(char::is_ascii_alphabetic);
    labels.iter().skip(1).rev().find(|r| is_tld(r)).map(|r| r.end)
}

// ------------------------------------------------------------------- plates

fn scan_plates(chars: &[char], found: &mut Vec<Match>) {
    // A plate's province character is followed by a Latin letter; test that cheap condition first.
    for (i, pair) in chars.windows(2).enumerate() {
        if pair[1].is_ascii_alphabetic() && PROVINCES.contains(pair[0]) {
            found.extend(plate_at(chars, i));
        }
    }
}

/// Letters excluding I and O, or digits.
fn is_plate_char(c: char) -> bool {
    c.is_ascii_digit() || (c.is_ascii_alphabetic() && !matches!(c.to_ascii_uppercase(), 'I' | 'O'))
}

/// Province + letter + optional "·", space or hyphen + 5 or 6 plate characters.
fn plate_at(chars: &[char], i: usize) -> Option<Match> {
    let letter = *chars.get(i + 1).filter(|c| c.is_ascii_alphabetic())?;
    let mut pos = i + 2;
    if chars.get(pos).is_some_and(|&c| is_dot_sep(c) || is_num_sep(c)) {
        pos += 1;
    }
    let body_start = pos;
    while pos < chars.len() && chars[pos].is_ascii_alphanumeric() && pos - body_start < 7 {
        pos += 1;
    }
    let body = chars.get(body_start..pos)?;
    let ok = (5..=6).contains(&body.len()) && body.iter().all(|&c| is_plate_char(c)) && body.iter().any(char::is_ascii_digit);
    if !ok {
        return None;
    }
    let text = collect(chars, i, pos);
    let tail: String = body[body.len() - 2..].iter().collect();
    Some(Match { start: i, end: pos, kind: Kind::Plate, masked: format!("{}{letter}***{tail}", chars[i]), core: normalize_key(&text), text })
}

#[cfg(test)]
mod tests {
    use super::*;

    // ------------------------------------------------------------ helpers

    fn scan(text: &str) -> Vec<Finding> {
        Guard::new(&[]).scan(text)
    }

    fn kinds(text: &str) -> Vec<Kind> {
        scan(text).into_iter().map(|f| f.kind).collect()
    }

    fn assert_clean(text: &str) {
        let found = scan(text);
        assert!(found.is_empty(), "unexpected findings in {text:?}: {found:?}");
    }

    /// Independent ISO 7064 MOD 11-2: appends the check character.
    fn make_id(first17: &str) -> String {
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
        let sum: u32 = first17.chars().zip(weights).map(|(c, w)| c.to_digit(10).unwrap() * w).sum();
        let check = "10X98765432".chars().nth((sum % 11) as usize).unwrap();
        format!("{first17}{check}")
    }

    /// Independent Luhn: appends the check digit.
    fn make_card(prefix: &str) -> String {
        (0..10).map(|d| format!("{prefix}{d}")).find(|s| luhn_sum(s).is_multiple_of(10)).unwrap()
    }

    fn luhn_sum(s: &str) -> u32 {
        s.chars()
            .rev()
            .enumerate()
            .map(|(i, c)| {
                let v = c.to_digit(10).unwrap();
                if i % 2 == 1 {
                    let d = v * 2;
                    if d > 9 {
                        d - 9
                    } else {
                        d
                    }
                } else {
                    v
                }
            })
            .sum()
    }

    /// A number with the given prefix whose last digit breaks both the ID
    /// check and the Luhn check.
    fn bad_number(prefix: &str) -> String {
        let good_id = if prefix.len() == 17 { make_id(prefix) } else { String::new() };
        (0..10).map(|d| format!("{prefix}{d}")).find(|s| *s != good_id && !luhn_sum(s).is_multiple_of(10)).unwrap()
    }

    fn group(s: &str, sizes: &[usize], sep: &str) -> String {
        let mut parts = Vec::new();
        let mut rest = s;
        for &n in sizes {
            let (head, tail) = rest.split_at(n);
            parts.push(head);
            rest = tail;
        }
        assert!(rest.is_empty());
        parts.join(sep)
    }

    /// A tiny xorshift generator so the tests need no crates.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    // ------------------------------------------------------ labels, hints

    #[test]
    fn labels_are_the_agreed_chinese_names() {
        assert_eq!(Kind::IdNumber.label(), "身份证号码");
        assert_eq!(Kind::Mobile.label(), "手机号码");
        assert_eq!(Kind::Landline.label(), "固定电话号码");
        assert_eq!(Kind::BankCard.label(), "银行卡号");
        assert_eq!(Kind::Email.label(), "电子邮箱地址");
        assert_eq!(Kind::Plate.label(), "车牌号码");
    }

    #[test]
    fn hints_are_chinese_and_their_examples_pass_the_guard() {
        let all = [Kind::IdNumber, Kind::Mobile, Kind::Landline, Kind::BankCard, Kind::Email, Kind::Plate];
        for kind in all {
            let hint = kind.hint();
            assert!(hint.starts_with('请') || hint.starts_with('如'), "{hint}");
            assert_clean(hint);
        }
    }

    #[test]
    fn allow_marker_is_the_html_comment() {
        assert_eq!(allow_marker(), "<!-- privacy:allow -->");
    }

    // ------------------------------------------------------------- ID numbers

    #[test]
    fn id_check_char_matches_the_gb11643_specimen() {
        // The specimen printed in GB 11643-1999, not a real person.
        assert_eq!(id_check_char(b"11010519491231002"), Some(b'X'));
        assert_eq!(id_check_char(b"1101051949123100"), None);
        assert_eq!(id_check_char(b"1101051949123100a"), None);
    }

    #[test]
    fn id18_is_found_and_masked() {
        let id = make_id("37010219900307123");
        let found = scan(&format!("嫌疑人身份证号{id}，男。"));
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].kind, Kind::IdNumber);
        assert_eq!(found[0].column, 8);
        assert_eq!(found[0].masked, format!("370***********{}", &id[14..]));
    }

    #[test]
    fn id18_with_x_in_either_case_is_found() {
        // Search for a sequence number whose check character is X.
        let id = (0..1000).map(|n| make_id(&format!("11010519851122{n:03}"))).find(|id| id.ends_with('X')).unwrap();
        let lower = id.to_lowercase();
        for text in [id.clone(), lower.clone(), format!("{id}号"), format!("号码{lower}。")] {
            assert_eq!(kinds(&text), [Kind::IdNumber], "{text}");
        }
        assert_eq!(scan(&id)[0].masked, format!("110***********{}", &id[14..]));
        // X followed by another digit is not an ID.
        assert!(!kinds(&format!("{id}5")).contains(&Kind::IdNumber));
    }

    #[test]
    fn id18_grouped_6_8_4_is_found() {
        let id = make_id("44030619991231456");
        for sep in [" ", "-"] {
            let text = format!("证件：{}", group(&id, &[6, 8, 4], sep));
            let found = scan(&text);
            assert_eq!(found.len(), 1, "{text}");
            assert_eq!(found[0].kind, Kind::IdNumber);
            assert_eq!(found[0].column, 4);
        }
    }

    #[test]
    fn id18_with_bad_check_digit_is_not_flagged() {
        let bad = bad_number("37010219900307123");
        assert!(!valid_id18(&bad));
        assert_clean(&format!("编号{bad}"));
    }

    #[test]
    fn id18_with_impossible_birth_date_is_not_an_id() {
        // Valid check digits, impossible dates: month 13, 30 February,
        // 29 February 1900, year 1899 and year 2100.
        for body in ["37010219901307123", "37010219900230123", "37010219000229123", "37010218990101123", "37010221000101123"] {
            let id = make_id(body);
            assert!(!kinds(&id).contains(&Kind::IdNumber), "{id}");
        }
        // 29 February of a leap year is fine.
        assert_eq!(kinds(&make_id("37010220000229123")), [Kind::IdNumber]);
    }

    #[test]
    fn id_inside_a_longer_digit_run_is_not_flagged() {
        let id = make_id("37010219900307123");
        // 19 and 20 digits; pick endings that also fail Luhn.
        let longer = bad_number(&format!("9{id}"));
        assert_clean(&longer);
        assert_clean(&format!("1{id}2"));
    }

    #[test]
    fn seventeen_digit_run_is_not_flagged() {
        let run = bad_number("3701021990030712");
        assert_eq!(run.len(), 17);
        assert_clean(&format!("流水号{run}"));
    }

    #[test]
    fn old_15_digit_id_is_found() {
        let found = scan("旧身份证370102900307123。");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].kind, Kind::IdNumber);
        assert_eq!(found[0].column, 5);
        assert_eq!(found[0].masked, "370********7123");
    }

    #[test]
    fn old_15_digit_near_misses_are_not_flagged() {
        assert_clean("370102901307123"); // month 13
        assert_clean("370102900231123"); // 31 February
        assert_clean("070102900307123"); // no area starts with 0
        assert_clean("37010290030712"); // 14 digits
    }

    #[test]
    fn id_that_also_passes_luhn_is_reported_once_as_id() {
        let id =
            (0..1000).map(|n| make_id(&format!("32050219880808{n:03}"))).find(|id| !id.ends_with('X') && luhn_sum(id).is_multiple_of(10)).unwrap();
        assert_eq!(kinds(&id), [Kind::IdNumber]);
        let grouped = group(&id, &[4, 4, 4, 4, 2], " ");
        assert_eq!(kinds(&grouped), [Kind::IdNumber]);
    }

    // ---------------------------------------------------------------- mobile

    #[test]
    fn mobile_plain_is_found_and_masked() {
        let found = scan("联系电话13812345678。");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].kind, Kind::Mobile);
        assert_eq!(found[0].column, 5);
        assert_eq!(found[0].masked, "138****5678");
        for prefix in ["13", "14", "15", "16", "17", "18", "19"] {
            assert_eq!(kinds(&format!("{prefix}912345678")), [Kind::Mobile]);
        }
    }

    #[test]
    fn mobile_grouped_3_4_4_is_found() {
        for text in ["138 1234 5678", "138-1234-5678", "138 1234-5678", "138－1234－5678"] {
            let found = scan(&format!("电话：{text}"));
            assert_eq!(found.len(), 1, "{text}");
            assert_eq!(found[0].kind, Kind::Mobile);
            assert_eq!(found[0].column, 4);
            assert_eq!(found[0].masked, "138****5678");
        }
    }

    #[test]
    fn mobile_with_country_prefix_starts_at_the_prefix() {
        for text in [
            "+8613812345678",
            "8613812345678",
            "008613812345678",
            "+86 13812345678",
            "+86-138-1234-5678",
            "86 138 1234 5678",
            "0086 138 1234 5678",
            "(+86)13812345678",
            "(+86) 138 1234 5678",
        ] {
            let found = scan(&format!("号码{text}"));
            assert_eq!(found.len(), 1, "{text}: {found:?}");
            assert_eq!(found[0].kind, Kind::Mobile, "{text}");
            assert_eq!(found[0].column, 3, "{text}");
            assert_eq!(found[0].masked, "138****5678", "{text}");
        }
    }

    #[test]
    fn mobile_near_misses_are_not_flagged() {
        assert_clean("138123456789"); // 12 digits
        assert_clean("1381234567"); // 10 digits
        assert_clean("12812345678"); // 12x is not a mobile prefix
        assert_clean("10812345678");
        assert_clean("23812345678");
        assert_clean("138 123 45678"); // wrong grouping
        assert_clean("1381 234 5678");
    }

    // -------------------------------------------------------------- landline

    #[test]
    fn landline_forms_are_found() {
        let cases = [
            ("010-12345678", "010****5678"),
            ("0531-8765432", "053****5432"),
            ("0531 87654321", "053*****4321"),
            ("(010)12345678", "010****5678"),
            ("（０１０）１２３４５６７８", "010****5678"),
            ("(0531) 8765432", "053****5432"),
            ("010-8765-4321", "010****4321"),
            ("0531-8765432-801", "053****5432"),
        ];
        for (text, masked) in cases {
            let found = scan(&format!("座机{text}。"));
            assert_eq!(found.len(), 1, "{text}: {found:?}");
            assert_eq!(found[0].kind, Kind::Landline, "{text}");
            assert_eq!(found[0].column, 3, "{text}");
            assert_eq!(found[0].masked, masked, "{text}");
        }
    }

    #[test]
    fn landline_near_misses_are_not_flagged() {
        assert_clean("010-123456"); // 6-digit number
        assert_clean("010-123456789"); // 9-digit number
        assert_clean("01012345678"); // no separator
        assert_clean("001-12345678"); // 00 is not an area code
        assert_clean("05-12345678"); // area too short
        assert_clean("05311-1234567"); // area too long
        assert_clean("2024-1234567");
        assert_clean("0531--8765432");
    }

    #[test]
    fn service_numbers_400_800_are_allowed() {
        assert_clean("客服热线400-810-8888，或800-820-8820，也可拨打4008108888、400 810 8888。");
    }

    // ------------------------------------------------------------- bank cards

    #[test]
    fn bank_card_plain_is_found_and_masked() {
        let card16 = make_card("622202123456789");
        let card19 = make_card("621700123456789012");
        let found = scan(&format!("卡号{card16}，另一张{card19}"));
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[0].kind, Kind::BankCard);
        assert_eq!(found[0].column, 3);
        assert_eq!(found[0].masked, format!("622*********{}", &card16[12..]));
        assert_eq!(found[1].kind, Kind::BankCard);
        assert_eq!(found[1].column, 23);
        assert_eq!(found[1].masked, format!("621************{}", &card19[15..]));
        assert_eq!(kinds("4111111111111111"), [Kind::BankCard]); // public test card
    }

    #[test]
    fn bank_card_grouped_is_found() {
        let card16 = make_card("622848001234567");
        let card19 = make_card("621483001234567890");
        let cases = [
            group(&card16, &[4, 4, 4, 4], " "),
            group(&card16, &[4, 4, 4, 4], "-"),
            group(&card19, &[4, 4, 4, 4, 3], " "),
            group(&card19, &[4, 4, 4, 4, 3], "-"),
        ];
        // A group starting with 0 inside a card is not a landline area code.
        let card0 = make_card("622202123456789");
        assert_eq!(kinds(&group(&card0, &[4, 4, 4, 4], " ")), [Kind::BankCard]);
        for text in cases {
            let found = scan(&format!("转入{text}账户"));
            assert_eq!(found.len(), 1, "{text}");
            assert_eq!(found[0].kind, Kind::BankCard);
            assert_eq!(found[0].column, 3);
            assert!(found[0].masked.starts_with("622*") || found[0].masked.starts_with("621*"));
        }
    }

    #[test]
    fn bank_card_near_misses_are_not_flagged() {
        let bad16 = bad_number("622202123456789");
        assert_clean(&bad16);
        assert_clean(&group(&bad16, &[4, 4, 4, 4], " "));
        assert_clean(&bad_number("62220212345678901234")); // 21 digits
        assert_clean(&bad_number("622202123456789")[..15]); // 15 digits, area 6 → date check fails
        let good16 = make_card("622202123456789");
        // Five or more groups of four are some other long number.
        assert_clean(&format!("{} 1234", group(&good16, &[4, 4, 4, 4], " ")));
        // A card inside a longer run is not a card.
        assert_clean(&format!("{}{}", bad_number(&good16), "1"));
    }

    // ----------------------------------------------------------------- e-mail

    #[test]
    fn email_is_found_and_masked() {
        let found = scan("请发邮件至zhang.san+news@mail.example.com.cn。");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].kind, Kind::Email);
        assert_eq!(found[0].column, 6);
        assert_eq!(found[0].masked, "z***@mail.example.com.cn");
        assert_eq!(scan("x@example.org")[0].masked, "x***@example.org");
        assert_eq!(scan("（ｚｈａｎｇ＠ｅｘａｍｐｌｅ．ｃｏｍ）")[0].masked, "z***@example.com");
    }

    #[test]
    fn email_made_of_a_mobile_is_one_email_finding() {
        let found = scan("QQ邮箱13812345678@qq.com");
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].kind, Kind::Email);
        assert_eq!(found[0].column, 5);
        assert_eq!(found[0].masked, "1***@qq.com");
    }

    #[test]
    fn email_near_misses_are_not_flagged() {
        assert_clean("user@localhost");
        assert_clean("@example.com");
        assert_clean("张三@example.com");
        assert_clean("x@123.45");
        assert_clean("x@-bad.com");
        assert_clean("x@example.c");
        assert_clean("微博@反诈中心");
        assert_clean("a@b");
        assert_clean("@@@...@@@");
    }

    // ----------------------------------------------------------------- plates

    #[test]
    fn plates_are_found_and_masked() {
        let cases = [
            ("鲁A12345", "鲁A***45"),
            ("京A·D12345", "京A***45"),
            ("粤B 6X7Y8", "粤B***Y8"),
            ("沪AD1234F", "沪A***4F"),
            ("川a12345", "川a***45"),
            ("苏E-12345", "苏E***45"),
            ("鲁Ａ１２３４５", "鲁A***45"),
        ];
        for (text, masked) in cases {
            let found = scan(&format!("车辆{text}逃逸"));
            assert_eq!(found.len(), 1, "{text}");
            assert_eq!(found[0].kind, Kind::Plate);
            assert_eq!(found[0].column, 3);
            assert_eq!(found[0].masked, masked);
        }
    }

    #[test]
    fn plate_near_misses_are_not_flagged() {
        for text in [
            "鲁A级景区",
            "京A区",
            "沪A股上涨",
            "鲁A1234",
            "鲁A1234567",
            "鲁ABCDEF",
            "鲁AI2345",
            "鲁AO2345",
            "京ICP备12345678号",
            "鲁12345",
            "鲁A··12345",
        ] {
            assert_clean(text);
        }
    }

    // ---------------------------------------------------- allowed, not flagged

    #[test]
    fn hotlines_are_not_flagged() {
        assert_clean(
            "报警110，火警119，急救120，交通事故122，短信报警12110，反诈专线96110，\
             预警劝阻12381，政务热线12345，消费投诉12315，12321，12377，\
             工商银行95588，建设银行95533。",
        );
    }

    #[test]
    fn dates_money_and_articles_are_not_flagged() {
        assert_clean("2024年5月1日，2024-05-01，2024/05/01，2024.05.01，20240501。");
        assert_clean("被骗38000元，共计3.8万元，合计1,234,567.89元，￥１２８０００元。");
        assert_clean("依据《刑法》第二百六十六条、第266条、第287条之一，2016年第32号公告。");
        assert_clean("2024年5月1日14时30分，受害人转账6笔共计128000元。");
    }

    #[test]
    fn extra_allowed_matches_ignoring_spaces_and_hyphens() {
        let guard = Guard::new(&[
            "0531-8765 4321".to_string(),
            "138 1234 5678".to_string(),
            "fanzha@Example.gov.cn".to_string(),
            "鲁A·12345".to_string(),
            "  ".to_string(),
        ]);
        let text = "值班电话(0531)87654321，手机+86 138-1234-5678，邮箱FANZHA@example.gov.cn，警车鲁A 12345。";
        assert!(guard.scan(text).is_empty(), "{:?}", guard.scan(text));
        assert_eq!(guard.scan("13912345678").len(), 1);
        assert_eq!(Guard::new(&[]).scan(text).len(), 4);
    }

    #[test]
    fn allow_marker_skips_only_its_line() {
        let text = format!("电话13812345678 {}\n电话13912345678", allow_marker());
        let found = scan(&text);
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].line, found[0].column), (2, 3));
        assert_eq!(found[0].masked, "139****5678");
    }

    // ------------------------------------------------- positions and folding

    #[test]
    fn columns_count_characters_after_cjk_text() {
        let id = make_id("11010819800101001");
        let text = format!("第一行没有问题。\n受害人王某（身份证{id}）称，\n😀😀手机13812345678，车牌粤B 6X7Y8。");
        let found = scan(&text);
        let got: Vec<(usize, usize, Kind)> = found.iter().map(|f| (f.line, f.column, f.kind.clone())).collect();
        assert_eq!(got, [(2, 10, Kind::IdNumber), (3, 5, Kind::Mobile), (3, 19, Kind::Plate),]);
    }

    #[test]
    fn fullwidth_digits_are_folded_with_columns_kept() {
        let found = scan("手机：１３８１２３４５６７８；卡号：4111 1111 1111 1111");
        assert_eq!(found.len(), 2);
        assert_eq!((found[0].column, &found[0].kind), (4, &Kind::Mobile));
        assert_eq!(found[0].masked, "138****5678");
        assert_eq!((found[1].column, &found[1].kind), (19, &Kind::BankCard));
        assert_eq!(kinds("１３８　１２３４　５６７８"), [Kind::Mobile]);
        let id = make_id("37010219900307123");
        let wide: String = id.chars().map(|c| char::from_u32(c as u32 + 0xFEE0).unwrap()).collect();
        assert_eq!(kinds(&wide), [Kind::IdNumber]);
    }

    #[test]
    fn findings_come_in_position_order_across_lines_and_crlf() {
        let card = make_card("622202123456789");
        let text = format!("邮箱a@b.cn 手机13812345678\r\n卡号{card} 鲁A12345\r\n\r\n0531-8765432");
        let got: Vec<(usize, usize)> = scan(&text).iter().map(|f| (f.line, f.column)).collect();
        assert_eq!(got, [(1, 3), (1, 12), (2, 3), (2, 20), (4, 1)]);
    }

    // ------------------------------------------------------------- masking

    #[test]
    fn mask_middle_never_returns_the_original() {
        assert_eq!(mask_middle("13812345678", 3, 4), "138****5678");
        assert_eq!(mask_middle("1234567", 3, 4), "*******");
        assert_eq!(mask_middle("", 3, 4), "*");
    }

    #[test]
    fn masked_values_hide_the_original_and_pass_the_guard() {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        for _ in 0..300 {
            let seq = rng.below(1000);
            let id = make_id(&format!("3701021990{:02}{:02}{seq:03}", 1 + rng.below(12), 1 + rng.below(28)));
            let card = make_card(&format!("62{:013}", rng.next() % 10_000_000_000_000));
            let mobile = format!("1{}{:09}", 3 + rng.below(7), rng.next() % 1_000_000_000);
            for (value, kind) in [(id, Kind::IdNumber), (card, Kind::BankCard), (mobile, Kind::Mobile)] {
                let found = scan(&value);
                assert_eq!(found.len(), 1, "{value}");
                assert_eq!(found[0].kind, kind, "{value}");
                assert!(!found[0].masked.contains(&value), "{value}");
                assert_eq!(found[0].masked.chars().count(), value.chars().count());
                assert_clean(&found[0].masked);
            }
        }
    }

    // ------------------------------------------------------------ robustness

    #[test]
    fn odd_input_does_not_panic() {
        let long_digits = "1".repeat(100_000);
        let long_mixed = "鲁A1 @.x-86+(0".repeat(8_000);
        let grouped = "1234 ".repeat(20_000);
        let odd = [
            "",
            "\n\n\r\n",
            "1",
            "0",
            "X",
            "@",
            "(",
            "+86",
            "鲁",
            "鲁A",
            "鲁A·",
            "😀👩‍👩‍👧‍👦🇨🇳\u{200B}\u{FEFF}\u{0301}",
            "\u{10FFFF}\u{FFFD}\0",
            "1\n2\n3\n4\n5",
            "１",
            "a@",
            "@b.",
            "a@b.c.",
            "0531-",
            "(010)",
            "37010219900307123x",
        ];
        for text in odd.iter().copied().chain([long_digits.as_str(), long_mixed.as_str(), grouped.as_str()]) {
            for f in scan(text) {
                assert!(f.line >= 1 && f.column >= 1);
            }
        }
        assert_clean(&long_digits);
    }

    #[test]
    fn random_input_does_not_panic_and_positions_are_valid() {
        let pieces = [
            "0", "1", "3", "8", "6", "9", "X", "x", " ", "-", "－", "(", ")", "（", "+", "@", ".", "a", "Z", "·", "鲁", "京", "A", "年", "元", "１",
            "８", "\n", "\r", "😀", "\u{3000}", "\u{0301}", "ｍ",
        ];
        let mut rng = Rng(0x2545_F491_4F6C_DD1D);
        for _ in 0..2_000 {
            let len = rng.below(80);
            let text: String = (0..len).map(|_| pieces[rng.below(pieces.len())]).collect();
            let found = scan(&text);
            let lines: Vec<&str> = text.split('\n').collect();
            let mut last = (0, 0);
            for f in &found {
                let line = lines[f.line - 1];
                assert!(f.column <= line.chars().count(), "{text:?} {f:?}");
                assert!((f.line, f.column) > last, "{text:?} {found:?}");
                last = (f.line, f.column);
                assert!(!f.masked.is_empty());
            }
        }
    }
}
