//! Markdown to HTML for one page body, with the rules Chinese content needs: a soft line break
//! between two CJK characters disappears (no stray space in 防范电信\n网络诈骗), headings get stable
//! ids (Chinese kept as is), GFM alerts become warning/tip boxes, task lists become checklists a
//! reader can tick, raw HTML is escaped unless the site allows it, and fenced code is highlighted
//! with syntect into CSS classes. Internal links (`@/x.md`, `../x.md`) become final URLs; links it
//! cannot resolve are returned as problems. Pure: no I/O, so it is easy to test and to bench.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use pulldown_cmark::{BlockQuoteKind, CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

/// Where each content file ends up, for rewriting internal links.
#[derive(Debug, Default)]
pub struct LinkTable {
    /// `fraud/task-rebate.md` → `/fraud/task-rebate/` (site-relative, no base path).
    pub urls: HashMap<String, String>,
    /// The base path every URL is served under (`/` or `/fanzha/`).
    pub root: String,
}

impl LinkTable {
    /// The public href of a site-relative URL.
    pub fn href(&self, url: &str) -> String {
        format!("{}{}", self.root, url.trim_start_matches('/'))
    }
}

#[derive(Debug, Clone, serde::Serialize, PartialEq, Eq)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub title: String,
}

/// A link to `#anchor` on another (or the same) page; checked once every page's headings are known.
#[derive(Debug, Clone)]
pub struct AnchorRef {
    pub target_rel: String,
    pub anchor: String,
    pub offset: usize,
}

/// A link that points at nothing.
#[derive(Debug, Clone)]
pub struct BadLink {
    pub offset: usize,
    pub dest: String,
}

#[derive(Debug, Clone, Default)]
pub struct Rendered {
    pub html: String,
    pub headings: Vec<Heading>,
    /// Body text without markup, paragraphs separated by `\n` (for search and snippets).
    pub plain: String,
    pub anchors: Vec<AnchorRef>,
    pub bad_links: Vec<BadLink>,
    /// Han characters + Latin words, for reading time and length checks.
    pub han_chars: usize,
}

pub struct MdOptions<'a> {
    pub unsafe_html: bool,
    pub links: &'a LinkTable,
    /// The page's own content path (`cases/x.md`), for relative links.
    pub page_rel: &'a str,
}

/// Is `c` a character that Chinese text runs together without spaces?
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x2FDF | 0x3000..=0x303F | 0x3040..=0x30FF | 0x3100..=0x31BF | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFFEF | 0x20000..=0x2FFFF)
}

fn is_han(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FFFF)
}

/// A heading's id: Chinese and alphanumerics kept, Latin lowercased, everything else a single `-`.
pub fn slugify_heading(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').to_string();
    if out.is_empty() {
        "section".into()
    } else {
        out
    }
}

/// Resolves a link destination; `None` for links that need no rewriting (external, plain anchors).
enum Dest {
    Keep,
    Internal { rel: String, anchor: String },
    Anchor(String),
}

fn classify_dest(dest: &str, page_rel: &str) -> Dest {
    if let Some(a) = dest.strip_prefix('#') {
        return Dest::Anchor(a.to_string());
    }
    let (path, anchor) = dest.split_once('#').unwrap_or((dest, ""));
    let rel = if let Some(p) = path.strip_prefix("@/") {
        p.to_string()
    } else if path.contains("://") || path.starts_with("mailto:") || path.starts_with("tel:") || path.starts_with('/') {
        return Dest::Keep;
    } else if path.ends_with(".md") {
        join_rel(page_rel, path)
    } else {
        return Dest::Keep;
    };
    Dest::Internal { rel, anchor: anchor.to_string() }
}

/// `cases/x.md` + `../fraud/a.md` → `fraud/a.md`
fn join_rel(page_rel: &str, link: &str) -> String {
    let mut parts: Vec<&str> = page_rel.split('/').collect();
    parts.pop();
    for seg in link.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    parts.join("/")
}

fn syntaxes() -> &'static syntect::parsing::SyntaxSet {
    static SET: OnceLock<syntect::parsing::SyntaxSet> = OnceLock::new();
    SET.get_or_init(syntect::parsing::SyntaxSet::load_defaults_newlines)
}

fn highlight(code: &str, lang: &str) -> String {
    use syntect::html::{ClassStyle, ClassedHTMLGenerator};
    use syntect::util::LinesWithEndings;
    let set = syntaxes();
    let Some(syntax) = (!lang.is_empty()).then(|| set.find_syntax_by_token(lang)).flatten() else {
        return escape_html(code);
    };
    let mut gen = ClassedHTMLGenerator::new_with_class_style(syntax, set, ClassStyle::SpacedPrefixed { prefix: "hl-" });
    for line in LinesWithEndings::from(code) {
        if gen.parse_html_for_line_which_includes_newline(line).is_err() {
            return escape_html(code);
        }
    }
    gen.finalize()
}

pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn alert_label(kind: BlockQuoteKind) -> (&'static str, &'static str) {
    match kind {
        BlockQuoteKind::Note => ("note", "说明"),
        BlockQuoteKind::Tip => ("tip", "提示"),
        BlockQuoteKind::Important => ("important", "重要"),
        BlockQuoteKind::Warning => ("warning", "警惕"),
        BlockQuoteKind::Caution => ("caution", "注意"),
    }
}

/// Renders one body. Link problems come back in `bad_links`/`anchors`, never as panics.
pub fn render(body: &str, opts: &MdOptions) -> Rendered {
    let mut options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM;
    options.remove(Options::ENABLE_SMART_PUNCTUATION);
    let mut st = State { out: Rendered::default(), ..State::default() };
    let mut events: Vec<Event> = Vec::new();
    for (event, range) in Parser::new_ext(body, options).into_offset_iter() {
        st.event(event, range.start, opts, &mut events);
    }
    st.flush_break(None, &mut events);
    let mut html = String::with_capacity(body.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    st.out.html = html;
    st.out
}

#[derive(Default)]
struct State {
    out: Rendered,
    last_char: Option<char>,
    pending_break: bool,
    heading: Option<(u8, Option<String>, String, usize)>,
    code: Option<(String, String)>,
    label_open: bool,
    ids: HashSet<String>,
}

impl State {
    fn flush_break<'a>(&mut self, next: Option<char>, events: &mut Vec<Event<'a>>) {
        if !self.pending_break {
            return;
        }
        self.pending_break = false;
        let join = matches!((self.last_char, next), (Some(a), Some(b)) if is_cjk(a) && is_cjk(b));
        if !join {
            events.push(Event::SoftBreak);
            self.push_plain(" ");
        }
    }

    fn push_plain(&mut self, s: &str) {
        if let Some((_, _, text, _)) = &mut self.heading {
            text.push_str(s);
        }
        self.out.plain.push_str(s);
    }

    fn text<'a>(&mut self, t: CowStr<'a>, events: &mut Vec<Event<'a>>) {
        self.flush_break(t.chars().next(), events);
        for c in t.chars() {
            if is_han(c) {
                self.out.han_chars += 1;
            }
        }
        if let Some(c) = t.chars().last() {
            self.last_char = Some(c);
        }
        self.push_plain(&t);
        events.push(Event::Text(t));
    }

    fn close_label(&mut self, events: &mut Vec<Event>) {
        if self.label_open {
            self.label_open = false;
            events.push(Event::Html("</label>".into()));
        }
    }

    fn unique_id(&mut self, base: String) -> String {
        let mut id = base.clone();
        let mut n = 1;
        while !self.ids.insert(id.clone()) {
            id = format!("{base}-{n}");
            n += 1;
        }
        id
    }

    fn event<'a>(&mut self, event: Event<'a>, offset: usize, opts: &MdOptions, events: &mut Vec<Event<'a>>) {
        if let Some((_, code)) = &mut self.code {
            match event {
                Event::Text(t) => code.push_str(&t),
                Event::End(TagEnd::CodeBlock) => {
                    let (lang, code) = self.code.take().unwrap_or_default();
                    self.out.plain.push_str(&code);
                    self.out.plain.push('\n');
                    let class = if lang.is_empty() { String::new() } else { format!(" class=\"language-{}\"", escape_html(&lang)) };
                    events.push(Event::Html(format!("<pre class=\"code\"><code{class}>{}</code></pre>\n", highlight(&code, &lang)).into()));
                }
                _ => {}
            }
            return;
        }
        match event {
            Event::SoftBreak => self.pending_break = true,
            Event::Text(t) => self.text(t, events),
            Event::Code(t) => {
                self.flush_break(t.chars().next(), events);
                self.last_char = t.chars().last();
                self.push_plain(&t);
                events.push(Event::Code(t));
            }
            Event::Html(h) | Event::InlineHtml(h) => {
                if opts.unsafe_html {
                    events.push(Event::Html(h));
                } else {
                    self.text(h, events);
                }
            }
            Event::TaskListMarker(checked) => {
                let c = if checked { " checked" } else { "" };
                events.push(Event::Html(format!("<label class=\"task\"><input type=\"checkbox\"{c}> ").into()));
                self.label_open = true;
            }
            Event::Start(tag) => self.start(tag, offset, opts, events),
            Event::End(end) => self.end(end, events),
            Event::HardBreak => {
                self.pending_break = false;
                self.push_plain("\n");
                events.push(Event::HardBreak);
            }
            other => {
                self.flush_break(None, events);
                events.push(other);
            }
        }
    }

    fn start<'a>(&mut self, tag: Tag<'a>, offset: usize, opts: &MdOptions, events: &mut Vec<Event<'a>>) {
        let inline = matches!(tag, Tag::Emphasis | Tag::Strong | Tag::Strikethrough | Tag::Link { .. });
        if !inline {
            self.flush_break(None, events);
            self.last_char = None;
        }
        match tag {
            Tag::Heading { level, id, .. } => {
                self.heading = Some((heading_level(level), id.map(|s| s.to_string()), String::new(), events.len()));
                events.push(Event::Html("".into()));
            }
            Tag::CodeBlock(kind) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(l) => l.split([' ', ',']).next().unwrap_or("").to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                self.code = Some((lang, String::new()));
            }
            Tag::BlockQuote(Some(kind)) => {
                let (class, label) = alert_label(kind);
                events.push(Event::Html(format!("<aside class=\"alert alert-{class}\" role=\"note\"><p class=\"alert-title\">{label}</p>\n").into()));
            }
            Tag::List(_) => {
                self.close_label(events);
                events.push(Event::Start(tag));
            }
            Tag::Link { link_type, dest_url, title, id } => {
                let dest = self.link(&dest_url, offset, opts);
                self.flush_break(None, events);
                events.push(Event::Start(Tag::Link { link_type, dest_url: dest.into(), title, id }));
            }
            Tag::Image { link_type, dest_url, title, id } => {
                let dest = self.link(&dest_url, offset, opts);
                events.push(Event::Start(Tag::Image { link_type, dest_url: dest.into(), title, id }));
            }
            other => events.push(Event::Start(other)),
        }
    }

    fn end<'a>(&mut self, end: TagEnd, events: &mut Vec<Event<'a>>) {
        match end {
            TagEnd::Heading(_) => {
                self.flush_break(None, events);
                if let Some((level, custom, title, at)) = self.heading.take() {
                    let title = title.trim().to_string();
                    let id = self.unique_id(custom.unwrap_or_else(|| slugify_heading(&title)));
                    events[at] = Event::Html(format!("<h{level} id=\"{}\">", escape_html(&id)).into());
                    events.push(Event::Html(format!("</h{level}>\n").into()));
                    self.out.headings.push(Heading { level, id, title });
                }
                self.out.plain.push('\n');
                self.last_char = None;
            }
            TagEnd::BlockQuote(Some(_)) => {
                self.flush_break(None, events);
                events.push(Event::Html("</aside>\n".into()));
            }
            TagEnd::Paragraph | TagEnd::Item => {
                self.flush_break(None, events);
                self.close_label(events);
                self.out.plain.push('\n');
                self.last_char = None;
                events.push(Event::End(end));
            }
            TagEnd::TableCell => {
                self.flush_break(None, events);
                self.out.plain.push(' ');
                events.push(Event::End(end));
            }
            other => {
                if !matches!(other, TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough | TagEnd::Link) {
                    self.flush_break(None, events);
                }
                events.push(Event::End(other));
            }
        }
    }

    fn link(&mut self, dest: &str, offset: usize, opts: &MdOptions) -> String {
        match classify_dest(dest, opts.page_rel) {
            Dest::Keep if dest.starts_with('/') && !dest.starts_with("//") => opts.links.href(dest),
            Dest::Keep => dest.to_string(),
            Dest::Anchor(a) => {
                self.out.anchors.push(AnchorRef { target_rel: opts.page_rel.to_string(), anchor: a.clone(), offset });
                format!("#{a}")
            }
            Dest::Internal { rel, anchor } => match opts.links.urls.get(&rel) {
                Some(url) => {
                    let mut href = opts.links.href(url);
                    if !anchor.is_empty() {
                        self.out.anchors.push(AnchorRef { target_rel: rel.clone(), anchor: anchor.clone(), offset });
                        href.push('#');
                        href.push_str(&anchor);
                    }
                    href
                }
                None => {
                    self.out.bad_links.push(BadLink { offset, dest: dest.to_string() });
                    dest.to_string()
                }
            },
        }
    }
}

fn heading_level(l: HeadingLevel) -> u8 {
    match l {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn md(body: &str) -> Rendered {
        let mut links = LinkTable { root: "/fanzha/".into(), ..LinkTable::default() };
        links.urls.insert("fraud/fake-loan.md".into(), "/fraud/fake-loan/".into());
        render(body, &MdOptions { unsafe_html: false, links: &links, page_rel: "cases/x.md" })
    }

    #[test]
    fn soft_break_between_cjk_disappears() {
        let r = md("防范电信\n网络诈骗\n\nhello\nworld\n");
        assert!(r.html.contains("防范电信网络诈骗"), "{}", r.html);
        assert!(r.html.contains("hello\nworld"), "{}", r.html);
    }

    #[test]
    fn soft_break_between_cjk_and_latin_stays() {
        let r = md("拨打\n96110\n");
        assert!(r.html.contains("拨打\n96110"), "{}", r.html);
    }

    #[test]
    fn chinese_heading_ids_are_stable_and_unique() {
        let r = md("## 案情经过\n\n## 案情经过\n\n## What To Do?\n");
        let ids: Vec<_> = r.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["案情经过", "案情经过-1", "what-to-do"]);
        assert!(r.html.contains("<h2 id=\"案情经过\">案情经过</h2>"), "{}", r.html);
    }

    #[test]
    fn raw_html_is_escaped() {
        let r = md("<script>alert(1)</script>\n\n文字<b>粗</b>\n");
        assert!(!r.html.contains("<script>"), "{}", r.html);
        assert!(r.html.contains("&lt;script&gt;"), "{}", r.html);
    }

    #[test]
    fn alerts_become_boxes() {
        let r = md("> [!WARNING]\n> 不要转账\n");
        assert!(r.html.contains("<aside class=\"alert alert-warning\""), "{}", r.html);
        assert!(r.html.contains("不要转账"));
    }

    #[test]
    fn links_are_rewritten_and_checked() {
        let r = md("[贷款](../fraud/fake-loan.md) [同](@/fraud/fake-loan.md#识别要点) [坏](@/fraud/nope.md)\n");
        assert!(r.html.contains("href=\"/fanzha/fraud/fake-loan/\""), "{}", r.html);
        assert_eq!(r.anchors.len(), 1);
        assert_eq!(r.anchors[0].anchor, "识别要点");
        assert_eq!(r.bad_links.len(), 1);
        assert_eq!(r.bad_links[0].dest, "@/fraud/nope.md");
    }

    #[test]
    fn task_lists_are_labelled_checkboxes() {
        let r = md("- [ ] 要你先垫钱\n- [x] 已核实\n");
        assert!(r.html.contains("<label class=\"task\"><input type=\"checkbox\"> 要你先垫钱</label>"), "{}", r.html);
    }

    #[test]
    fn code_is_highlighted_into_classes() {
        let r = md("```rust\nfn main() {}\n```\n");
        assert!(r.html.contains("class=\"hl-"), "{}", r.html);
    }

    #[test]
    fn tables_footnotes_strikethrough() {
        let r = md("| a | b |\n|---|---|\n| 1 | 2 |\n\n~~旧~~ 注[^1]\n\n[^1]: 脚注\n");
        assert!(r.html.contains("<table>") && r.html.contains("<del>") && r.html.contains("footnote"), "{}", r.html);
    }
}
