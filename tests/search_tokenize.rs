//! Tests of the tokenizer rule set on real strings, one group per rule, plus the
//! shared fixture that `node-test/run.js` checks against `search.js` too.

use fanzha::search::tokenize::{fold, fold_str, is_han, tokens, Kind, DICT, MAX_WORD, VARIANTS};
use serde_json::Value;

fn texts(s: &str) -> Vec<String> {
    tokens(s).into_iter().map(|t| t.text).collect()
}

fn fixture() -> Vec<(String, Vec<String>)> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/search/tokenize-fixture.json");
    let raw = std::fs::read_to_string(path).expect("fixture readable");
    let v: Value = serde_json::from_str(&raw).expect("fixture is JSON");
    let list = v.as_array().expect("fixture is an array");
    list.iter()
        .map(|e| {
            let text = e["text"].as_str().expect("text").to_string();
            let toks = e["tokens"].as_array().expect("tokens");
            (text, toks.iter().map(|t| t.as_str().expect("token").to_string()).collect())
        })
        .collect()
}

#[test]
fn shared_fixture_matches() {
    let fx = fixture();
    assert!(fx.len() >= 30);
    for (text, want) in fx {
        assert_eq!(texts(&text), want, "{text}");
    }
}

#[test]
fn fixture_covers_every_variant_and_dictionary_word() {
    let fx = fixture();
    for (from, _) in VARIANTS {
        assert!(fx.iter().any(|(t, _)| t.contains(*from)), "variant {from} not in fixture");
    }
    for w in DICT {
        assert!(fx.iter().any(|(_, toks)| toks.iter().any(|t| t == w)), "{w} not in fixture");
    }
    for s in ["杀猪盘", "刷单返利", "冒充客服退款", "96110", "ＡＰＰ下载", "帐户", "第三十一条", "QQ群兼职"] {
        assert!(fx.iter().any(|(t, _)| t == s), "{s} missing");
    }
}

#[test]
fn han_runs_become_overlapping_bigrams() {
    let t = tokens("刷单返利");
    let kinds: Vec<Kind> = t.iter().map(|t| t.kind).collect();
    assert_eq!(kinds, [Kind::Bigram, Kind::Bigram, Kind::Bigram, Kind::Dict]);
    assert_eq!(texts("被骗了"), ["被骗", "骗了"]);
    assert_eq!(texts("冒充客服"), ["冒充", "充客", "客服", "冒充客服"]);
}

#[test]
fn a_single_han_character_is_a_unigram() {
    let t = tokens("骗");
    assert_eq!(t.len(), 1);
    assert_eq!(t[0].kind, Kind::Unigram);
    assert_eq!(texts("31条"), ["31", "条"]);
    assert_eq!(texts("第 31 条"), ["第", "31", "条"]);
}

#[test]
fn full_width_forms_fold_to_half_width() {
    assert_eq!(texts("ＡＰＰ下载"), ["app", "下载"]);
    assert_eq!(texts("９６１１０"), ["96110"]);
    assert_eq!(fold('Ｚ'), 'z');
    assert_eq!(fold('！'), '!');
    assert_eq!(fold('\u{3000}'), ' ');
    assert_eq!(texts("刷单\u{3000}返利"), ["刷单", "返利"]);
}

#[test]
fn latin_words_and_numbers_are_lowercased_and_split() {
    assert_eq!(texts("QQ群兼职"), ["qq", "群兼", "兼职"]);
    assert_eq!(texts("AI换脸"), ["ai", "换脸"]);
    assert_eq!(texts("iPhone15"), ["iphone", "15"]);
    assert_eq!(texts("拨打96110或110"), ["拨打", "96110", "或", "110"]);
    assert!(tokens("APP").iter().all(|t| t.kind == Kind::Word));
}

#[test]
fn long_words_are_cut() {
    let long = "x".repeat(100);
    assert_eq!(texts(&long), ["x".repeat(MAX_WORD)]);
    let digits = "1".repeat(40);
    assert_eq!(texts(&digits)[0].len(), MAX_WORD);
}

#[test]
fn punctuation_spaces_emoji_and_other_scripts_are_separators() {
    assert!(texts("，。！？、；：“”‘’（）《》【】…— \t\n").is_empty());
    assert!(texts("🙂😀👍🏻🇨🇳").is_empty());
    assert_eq!(texts("Привет诈骗こんにちは"), ["诈骗"]);
    assert_eq!(texts("刷单，返利"), ["刷单", "返利"]);
    assert_eq!(texts("刷🙂单"), ["刷", "单"]);
}

#[test]
fn variant_characters_fold() {
    for (from, to) in VARIANTS {
        assert_eq!(fold(*from), *to);
        assert_ne!(from, to);
    }
    assert_eq!(texts("帐户"), texts("账户"));
    assert_eq!(texts("賬戶"), ["账户"]);
    assert_eq!(texts("二〇二四"), ["二零", "零二", "二四"]);
    assert_eq!(fold_str("帐号ＱＱ"), "账号qq");
}

#[test]
fn only_table_entries_fold_outside_ascii_and_full_width() {
    for cp in 0x80..0x3_0000u32 {
        let Some(c) = char::from_u32(cp) else {
            continue;
        };
        if (0xFF01..=0xFF5E).contains(&cp) || cp == 0x3000 {
            continue;
        }
        let in_table = VARIANTS.iter().any(|(from, _)| *from == c);
        assert_eq!(fold(c) != c, in_table, "U+{cp:04X}");
    }
}

#[test]
fn dictionary_words_are_added_after_bigrams_longest_first() {
    assert_eq!(texts("安全账户"), ["安全", "全账", "账户", "安全账户"]);
    let t = texts("国家反诈中心");
    assert_eq!(&t[t.len() - 2..], ["国家反诈中心", "反诈中心"]);
    assert_eq!(texts("帮信罪").last().map(String::as_str), Some("帮信罪"));
    assert_eq!(texts("安全帐户"), texts("安全账户"), "folding happens before dictionary matching");
}

#[test]
fn supplementary_plane_han_is_han() {
    assert!(is_han('𠮷'));
    assert_eq!(texts("𠮷野家"), ["𠮷野", "野家"]);
}

#[test]
fn dictionary_is_well_formed() {
    for pair in DICT.windows(2) {
        assert!(pair[0].chars().count() >= pair[1].chars().count(), "longest first: {pair:?}");
    }
    for w in DICT {
        assert!(w.chars().count() >= 3, "{w}");
        assert!(w.chars().all(is_han), "{w}");
        assert_eq!(fold_str(w), *w, "{w} must be in folded form");
    }
}

/// The tables in search.js must be the same as here (behaviour is checked by
/// the shared fixture; this catches a table edited on one side only).
#[test]
fn search_js_mirrors_the_tables() {
    let js = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/themes/default/static/search.js")).expect("search.js");
    let quoted = |start: &str, end: &str| -> Vec<String> {
        let from = js.find(start).expect("table start") + start.len();
        let to = from + js[from..].find(end).expect("table end");
        js[from..to].split('\'').skip(1).step_by(2).map(String::from).collect()
    };
    let dict = quoted("DICT = [", "]");
    assert_eq!(dict, DICT.iter().map(|s| s.to_string()).collect::<Vec<_>>());
    let variants = quoted("VARIANTS = {", "}");
    let want: Vec<String> = VARIANTS.iter().flat_map(|(a, b)| [a.to_string(), b.to_string()]).collect();
    assert_eq!(variants, want);
    assert!(js.contains(&format!("MAX_WORD = {MAX_WORD};")));
    let alphabet = std::str::from_utf8(fanzha::search::postings::ALPHABET).expect("ASCII");
    assert!(js.contains(alphabet), "posting digits");
}
