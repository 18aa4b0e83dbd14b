//! The printable handbook (宣传手册): the six fraud types, the three audience guides, the two-cards
//! topic and what to do after being scammed, merged into one page as mdBook does for print. Ids are
//! prefixed per chapter so they stay unique, and links are rewritten to work on paper: a link to
//! another chapter becomes "见本手册「…」", a link to any other page prints its web address.

use serde_json::{json, Value};

use crate::render::Shared;

/// The pages that make up the handbook, in order (those that exist).
pub fn chapter_ids(shared: &Shared) -> Vec<usize> {
    let site = shared.site;
    let mut ids: Vec<usize> = site.fraud_types.iter().take(6).copied().collect();
    for slug in ["guides/students.md", "guides/elderly.md", "guides/accountants.md", "topics/two-cards.md", "topics/after-being-scammed.md"] {
        if let Some(&id) = site.by_rel.get(slug) {
            ids.push(id);
        }
    }
    ids
}

pub fn chapters(shared: &Shared) -> Value {
    let site = shared.site;
    let ids = chapter_ids(shared);
    let anchors: Vec<(String, String, String)> =
        ids.iter().map(|&id| (site.href(id), format!("ch-{}-{}", site.page(id).section, site.slug(id)), site.page(id).title.clone())).collect();
    let list: Vec<Value> = ids
        .iter()
        .zip(&anchors)
        .map(|(&id, (_, anchor, title))| {
            let html = rewrite(&shared.bodies[id].html, anchor, &anchors, site.links.root.as_str(), &site.config.origin());
            json!({"id": anchor, "title": title, "summary": site.page(id).summary, "section_label": crate::render::section_label(&site.page(id).section), "content": html})
        })
        .collect();
    Value::Array(list)
}

/// Prefixes ids and same-page anchors, and rewrites links for paper.
fn rewrite(html: &str, prefix: &str, chapters: &[(String, String, String)], root: &str, origin: &str) -> String {
    let html = html.replace(" id=\"", &format!(" id=\"{prefix}-")).replace("href=\"#", &format!("href=\"#{prefix}-"));
    let mut out = String::with_capacity(html.len() + 256);
    let mut rest = html.as_str();
    while let Some(start) = rest.find("<a href=\"") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 9..];
        let Some(q) = after.find('"') else { break };
        let href = &after[..q];
        let Some(close) = after.find("</a>") else { break };
        let tag_end = after.find('>').unwrap_or(q);
        let text = &after[tag_end + 1..close];
        let (path, frag) = href.split_once('#').unwrap_or((href, ""));
        if let Some((_, anchor, title)) = chapters.iter().find(|(h, _, _)| h == path) {
            let target = if frag.is_empty() { anchor.clone() } else { format!("{anchor}-{frag}") };
            out.push_str(&format!("<a href=\"#{target}\">{text}</a><span class=\"print-ref\">（见本手册「{title}」）</span>"));
        } else if href.starts_with(root) && !href.starts_with("//") {
            out.push_str(&format!("<a href=\"{origin}{href}\">{text}</a>"));
        } else {
            out.push_str(&rest[start..start + 9 + close + 4]);
        }
        rest = &after[close + 4..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_work_on_paper() {
        let chapters = vec![("/f/a/".to_string(), "ch-fraud-a".to_string(), "刷单返利".to_string())];
        let html = "<h2 id=\"x\">X</h2><p><a href=\"/f/a/\">刷单</a> <a href=\"/f/law/\">法</a> <a href=\"#x\">上</a></p>";
        let out = rewrite(html, "ch-guides-s", &chapters, "/f/", "https://e.cn");
        assert!(out.contains("<h2 id=\"ch-guides-s-x\">"), "{out}");
        assert!(out.contains("<a href=\"#ch-fraud-a\">刷单</a><span class=\"print-ref\">（见本手册「刷单返利」）</span>"), "{out}");
        assert!(out.contains("<a href=\"https://e.cn/f/law/\">法</a>"), "{out}");
        assert!(out.contains("<a href=\"#ch-guides-s-x\">上</a>"), "{out}");
    }
}
