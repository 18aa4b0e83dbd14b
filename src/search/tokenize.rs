//! The one tokenizer of fanzha's search. The index builder (Rust) and the browser
//! client (`search.js`) must cut text into exactly the same terms, or a query would
//! look for terms the index never wrote; this module is the reference rule set, and
//! `search.js` mirrors it line by line (the shared `tokenize-fixture.json` is checked
//! by both the Rust tests and the Node harness).
//!
//! Rules, applied in this order:
//!
//! 1. **Folding, one character to one character.** Full-width ASCII forms
//!    U+FF01..U+FF5E become their half-width twins (`ＡＰＰ` → `APP`, `９６１１０` →
//!    `96110`) and the ideographic space U+3000 becomes a space; ASCII letters are
//!    lowercased; then the variant table [`VARIANTS`] is applied. It holds only
//!    genuine *variant forms of the same word* that people mix up or paste in:
//!    帐→账 (帐户/账户, the classic one), the traditional 帳/賬→账 and 戶→户 (copied
//!    text), 〇→零 (二〇二四), 惟→唯 (惟一/唯一) and 妳→你. Homophone slips of pinyin
//!    input (反利 for 返利) are *not* folded here: the pinyin fallback handles them.
//! 2. **Classes.** Han = CJK unified ideographs (U+3400..U+4DBF, U+4E00..U+9FFF,
//!    U+F900..U+FAFF, U+20000..U+3134F). Word characters = ASCII `a-z` and `0-9`
//!    (after folding). Everything else — punctuation, spaces, emoji, other scripts —
//!    is a separator and never part of a term.
//! 3. **Words.** A maximal run of letters, or of digits, is one term; a change
//!    between letters and digits splits (`iphone15` → `iphone`, `15`; `QQ群` →
//!    `qq`). A word longer than [`MAX_WORD`] characters is cut to its first
//!    [`MAX_WORD`] characters.
//! 4. **Han runs.** A maximal run of Han characters yields its overlapping
//!    character bigrams left to right (`刷单返利` → `刷单 单返 返利`); a run of a
//!    single character yields that character (a unigram).
//! 5. **Dictionary words.** After a run's bigrams come the words of [`DICT`]
//!    found inside the run, by start position, longer first at the same start
//!    (`安全账户` → `安全 全账 账户 安全账户`). Dictionary words have 3+ characters.
//!
//! The index additionally stores every Han character of a longer run as a unigram
//! (so a one-character query such as `骗` finds every page containing it); that
//! is an indexing rule on top of [`tokens`], implemented in `terms.rs`. The client
//! adds query planning on top (dictionary words replace the bigrams they cover;
//! see NOTES.md), never different terms.

/// Variant characters folded to the standard form (from, to).
pub const VARIANTS: &[(char, char)] = &[('帐', '账'), ('帳', '账'), ('賬', '账'), ('戶', '户'), ('〇', '零'), ('惟', '唯'), ('妳', '你')];

/// Long terms also indexed whole, in folded form, longest first.
pub const DICT: &[&str] = &[
    "反电信网络诈骗法",
    "电信网络诈骗",
    "国家反诈中心",
    "冒充公检法",
    "反诈中心",
    "安全账户",
    "刷单返利",
    "冒充客服",
    "屏幕共享",
    "共享屏幕",
    "网络贷款",
    "网络婚恋",
    "虚拟货币",
    "数字货币",
    "养老诈骗",
    "征信修复",
    "电信诈骗",
    "网络诈骗",
    "跑分平台",
    "百万保障",
    "反诈法",
    "帮信罪",
    "杀猪盘",
    "公检法",
    "验证码",
    "收款码",
    "二维码",
    "银行卡",
    "电话卡",
    "校园贷",
    "套路贷",
    "保证金",
];

/// Longest word term kept, in characters.
pub const MAX_WORD: usize = 32;

/// What a term is; decides how the client treats it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// One Han character (a run of length one, or an index-only unigram).
    Unigram,
    /// Two adjacent Han characters.
    Bigram,
    /// A [`DICT`] word.
    Dict,
    /// A run of ASCII letters or of digits.
    Word,
}

/// One term of a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub text: String,
    pub kind: Kind,
}

/// A piece of text found by [`scan`]: a run of folded Han characters, or a word.
pub enum Piece<'a> {
    Han(&'a [char]),
    Word(&'a str),
}

/// Folds one character (rule 1).
pub fn fold(c: char) -> char {
    let cp = c as u32;
    if (0xFF01..=0xFF5E).contains(&cp) {
        return char::from_u32(cp - 0xFEE0).map_or(c, |h| h.to_ascii_lowercase());
    }
    if cp == 0x3000 {
        return ' ';
    }
    if c.is_ascii_uppercase() {
        return c.to_ascii_lowercase();
    }
    // Cheap pre-check (low byte of the code point) before searching the table.
    if VARIANT_LOW_BYTES[(cp as usize >> 6) & 3] & (1 << (cp & 63)) == 0 {
        return c;
    }
    match VARIANTS.iter().find(|(from, _)| *from == c) {
        Some((_, to)) => *to,
        None => c,
    }
}

/// Bit set of the low bytes of the [`VARIANTS`] sources, computed from the table.
const VARIANT_LOW_BYTES: [u64; 4] = {
    let mut bits = [0u64; 4];
    let mut i = 0;
    while i < VARIANTS.len() {
        let b = VARIANTS[i].0 as u32 & 0xFF;
        bits[(b >> 6) as usize] |= 1 << (b & 63);
        i += 1;
    }
    bits
};

/// Whether a (folded) character is Han (rule 2).
pub fn is_han(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3134F)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Han,
    Letter,
    Digit,
    Sep,
}

fn class(c: char) -> Class {
    if c.is_ascii_lowercase() {
        Class::Letter
    } else if c.is_ascii_digit() {
        Class::Digit
    } else if is_han(c) {
        Class::Han
    } else {
        Class::Sep
    }
}

/// Cuts folded text into Han runs and words (rules 1–3), calling `f` for each.
pub fn scan(text: &str, mut f: impl FnMut(Piece<'_>)) {
    let mut han: Vec<char> = Vec::new();
    let mut word = String::new();
    let mut word_len = 0usize;
    let mut prev = Class::Sep;
    for c in text.chars().map(fold) {
        let cl = class(c);
        if cl != prev {
            flush(&mut han, &mut word, &mut word_len, &mut f);
        }
        match cl {
            Class::Han => han.push(c),
            Class::Letter | Class::Digit => {
                if word_len < MAX_WORD {
                    word.push(c);
                    word_len += 1;
                }
            }
            Class::Sep => {}
        }
        prev = cl;
    }
    flush(&mut han, &mut word, &mut word_len, &mut f);
}

fn flush(han: &mut Vec<char>, word: &mut String, len: &mut usize, f: &mut impl FnMut(Piece<'_>)) {
    if !han.is_empty() {
        f(Piece::Han(han));
        han.clear();
    }
    if !word.is_empty() {
        f(Piece::Word(word));
        word.clear();
        *len = 0;
    }
}

struct DictTable {
    words: Vec<Vec<char>>,
    /// First character → indices of the words starting with it, in DICT order.
    by_first: Vec<(char, Vec<usize>)>,
}

fn dict_table() -> &'static DictTable {
    static TABLE: std::sync::OnceLock<DictTable> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let words: Vec<Vec<char>> = DICT.iter().map(|w| w.chars().collect()).collect();
        let mut by_first: Vec<(char, Vec<usize>)> = Vec::new();
        for (i, w) in words.iter().enumerate() {
            let Some(&c) = w.first() else { continue };
            match by_first.iter_mut().find(|(f, _)| *f == c) {
                Some((_, list)) => list.push(i),
                None => by_first.push((c, vec![i])),
            }
        }
        by_first.sort_by_key(|(c, _)| *c);
        DictTable { words, by_first }
    })
}

/// Calls `f(index into DICT)` for each dictionary word inside a Han run (rule 5).
pub fn dict_matches(run: &[char], mut f: impl FnMut(usize)) {
    let table = dict_table();
    for i in 0..run.len() {
        let Ok(at) = table.by_first.binary_search_by_key(&run[i], |(c, _)| *c) else {
            continue;
        };
        for &d in &table.by_first[at].1 {
            if run[i..].starts_with(&table.words[d]) {
                f(d);
            }
        }
    }
}

/// The terms of a Han run (rules 4–5), without the index-only unigrams.
pub fn han_terms(run: &[char], mut f: impl FnMut(Kind, &[char])) {
    if run.len() == 1 {
        f(Kind::Unigram, run);
    } else {
        for pair in run.windows(2) {
            f(Kind::Bigram, pair);
        }
    }
    let table = dict_table();
    dict_matches(run, |d| f(Kind::Dict, &table.words[d]));
}

/// The terms of a text, in order (the shared rule set; what a query uses).
pub fn tokens(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    scan(text, |piece| match piece {
        Piece::Han(run) => han_terms(run, |kind, chars| out.push(Token { text: chars.iter().collect(), kind })),
        Piece::Word(w) => out.push(Token { text: w.to_string(), kind: Kind::Word }),
    });
    out
}

/// The folded form of a text, character for character (for display matching).
pub fn fold_str(text: &str) -> String {
    text.chars().map(fold).collect()
}
