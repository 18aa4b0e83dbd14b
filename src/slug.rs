//! Readable ASCII slugs from Chinese text (冒充快递客服退款诈骗 → maochong-kuaidi-kefu-…), used for
//! new file names and for browse pages of free-text fields (source, region). Toneless pinyin from
//! the `pinyin` crate, one word per two characters so the slug stays short enough to read.

use pinyin::ToPinyin;
use std::collections::{BTreeMap, HashSet};

/// Browse-page slugs for a set of free-text names (regions, sources), taken in the names' sorted
/// order and made unique: pinyin drops tones, so 山西省某县 and 陕西省某县 are both
/// `shanxi-shengmou-xian`, and the second gets `-2`. Without this two lists shared one URL and
/// whichever was written last won.
pub fn unique_slugs<'a>(names: impl IntoIterator<Item = &'a String>) -> BTreeMap<String, String> {
    let mut taken = HashSet::new();
    let mut out = BTreeMap::new();
    let mut sorted: Vec<&String> = names.into_iter().collect();
    sorted.sort();
    sorted.dedup();
    for name in sorted {
        let base = ascii_slug(name, 24);
        let (mut slug, mut n) = (base.clone(), 2);
        while !taken.insert(slug.clone()) {
            slug = format!("{base}-{n}");
            n += 1;
        }
        out.insert(name.clone(), slug);
    }
    out
}

/// At most `max_chars` Han characters go into the slug; Latin letters and digits are kept.
pub fn ascii_slug(text: &str, max_chars: usize) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut han = 0;
    let mut word = String::new();
    let mut latin = false;
    for c in text.chars() {
        if let Some(p) = c.to_pinyin() {
            if han >= max_chars {
                break;
            }
            if latin && !word.is_empty() {
                parts.push(std::mem::take(&mut word));
                han = han.div_ceil(2) * 2;
            }
            latin = false;
            han += 1;
            word.push_str(p.plain());
            if han % 2 == 0 {
                parts.push(std::mem::take(&mut word));
            }
        } else if c.is_ascii_alphanumeric() {
            if !latin && !word.is_empty() {
                parts.push(std::mem::take(&mut word));
            }
            latin = true;
            word.push(c.to_ascii_lowercase());
        } else if !word.is_empty() {
            parts.push(std::mem::take(&mut word));
        }
    }
    if !word.is_empty() {
        parts.push(word);
    }
    let slug = parts.join("-");
    if slug.is_empty() {
        "page".into()
    } else {
        slug
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_with_the_same_pinyin_get_different_slugs() {
        let names: Vec<String> = ["陕西省某县", "山西省某县", "山西省某县", "！！"].iter().map(|s| s.to_string()).collect();
        let slugs = unique_slugs(&names);
        assert_eq!(slugs["山西省某县"], "shanxi-shengmou-xian");
        assert_eq!(slugs["陕西省某县"], "shanxi-shengmou-xian-2");
        assert_eq!(slugs["！！"], "page", "a name with nothing to spell still gets a slug");
        assert_eq!(slugs.len(), 3);
    }

    #[test]
    fn chinese_title_gives_readable_ascii() {
        assert_eq!(ascii_slug("冒充快递客服退款诈骗", 20), "maochong-kuaidi-kefu-tuikuan-zhapian");
        assert_eq!(ascii_slug("AI换脸 诈骗", 20), "ai-huanlian-zhapian");
        assert_eq!(ascii_slug("!!!", 20), "page");
    }
}
