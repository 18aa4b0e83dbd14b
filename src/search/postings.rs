//! Posting lists in a score-ready, compact text form. A phone on a slow link pays
//! for every byte of a shard, and JSON number arrays cost 4–6 bytes a posting; here
//! a posting (doc id gap + quantised BM25F strength) usually costs one character.
//!
//! Encoding: postings sorted by doc id; each becomes the integer
//! `v = (gap - 1) * 16 + level` (gap = id − previous id, the first gap counted from
//! −1), written little-endian in 5-bit groups, one character per group from
//! [`ALPHABET`]: groups that are followed by more use `ALPHABET[32 + g]`, the last
//! uses `ALPHABET[g]`. So a posting with gap 1 or 2 is one character.
//!
//! Level: the term's *strength* in the page (BM25 body saturation plus field
//! bonuses, see [`strength`]) mapped to 1..=15 on a log scale by [`quantise`];
//! the client turns a level back into a weight with the table [`level_weights`]
//! (written into the manifest) and multiplies by the term's idf.

/// The 64 digits; all are safe in a JSON string without escaping.
pub const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
/// Levels per posting (4 bits).
pub const LEVELS: u32 = 16;
/// Log-scale resolution of the levels.
const LEVEL_SCALE: f64 = 4.5;

/// BM25 parameters for the body field.
pub const K1: f64 = 1.2;
pub const B: f64 = 0.75;
/// Field bonuses added to the body's BM25 part: title > keywords > headings.
pub const W_TITLE: f64 = 4.0;
pub const W_KEYWORDS: f64 = 3.25;
pub const W_HEADINGS: f64 = 1.5;

/// How often a term occurs in each field of one page.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FieldTf {
    pub title: u16,
    pub keywords: u16,
    pub headings: u16,
    pub body: u16,
}

impl FieldTf {
    /// Field-wise sum (saturating).
    pub fn plus(self, o: FieldTf) -> FieldTf {
        FieldTf {
            title: self.title.saturating_add(o.title),
            keywords: self.keywords.saturating_add(o.keywords),
            headings: self.headings.saturating_add(o.headings),
            body: self.body.saturating_add(o.body),
        }
    }
}

/// The term's strength in a page of body length `dl` (average `avgdl`).
pub fn strength(tf: FieldTf, dl: f64, avgdl: f64) -> f64 {
    let mut s = 0.0;
    if tf.body > 0 {
        let t = f64::from(tf.body);
        let norm = 1.0 - B + B * dl / avgdl.max(1.0);
        s += t * (K1 + 1.0) / (t + K1 * norm);
    }
    if tf.title > 0 {
        s += W_TITLE;
    }
    if tf.keywords > 0 {
        s += W_KEYWORDS;
    }
    if tf.headings > 0 {
        s += W_HEADINGS;
    }
    s
}

/// Strength → level 1..=15: `round(log2(1 + s) · 4.5)`, clamped.
pub fn quantise(strength: f64) -> u8 {
    // Level q starts where log2(1 + s) · 4.5 reaches q − 0.5.
    static BOUNDS: std::sync::OnceLock<Vec<f64>> = std::sync::OnceLock::new();
    let bounds = BOUNDS.get_or_init(|| (2..LEVELS).map(|q| ((f64::from(q) - 0.5) / LEVEL_SCALE).exp2() - 1.0).collect());
    1 + bounds.partition_point(|&b| b <= strength) as u8
}

/// Level → weight, in thousandths (index 0 unused).
pub fn level_weights() -> Vec<u32> {
    (0..LEVELS)
        .map(|q| {
            let w = (f64::from(q) / LEVEL_SCALE).exp2() - 1.0;
            (w * 1000.0).round() as u32
        })
        .collect()
}

/// BM25 idf (never negative), in thousandths.
pub fn idf_milli(n: usize, df: usize) -> u32 {
    let (n, df) = (n as f64, df as f64);
    let idf = (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
    (idf * 1000.0).round().max(1.0) as u32
}

/// Appends the encoding of `postings` (ascending doc ids, levels 1..=15).
pub fn encode(postings: &[(u32, u8)], out: &mut String) {
    let mut prev: i64 = -1;
    for &(doc, level) in postings {
        let gap = (i64::from(doc) - prev).max(1) as u64;
        prev = i64::from(doc);
        let v = (gap - 1) * u64::from(LEVELS) + u64::from(level.min(15));
        encode_uints([v], out);
    }
}

/// Appends unsigned integers in the same 5-bit digit scheme (no gaps, no levels).
pub fn encode_uints(values: impl IntoIterator<Item = u64>, out: &mut String) {
    for mut v in values {
        loop {
            let g = (v & 31) as usize;
            v >>= 5;
            if v == 0 {
                out.push(ALPHABET[g] as char);
                break;
            }
            out.push(ALPHABET[32 + g] as char);
        }
    }
}

fn digit(b: u8) -> Option<u64> {
    ALPHABET.iter().position(|&a| a == b).map(|p| p as u64)
}

/// Decodes [`encode`]'s output; `None` if it is malformed.
pub fn decode(s: &str) -> Option<Vec<(u32, u8)>> {
    let mut out = Vec::new();
    let (mut v, mut shift, mut prev) = (0u64, 0u32, -1i64);
    for b in s.bytes() {
        let d = digit(b)?;
        if shift > 55 {
            return None;
        }
        v |= (d & 31) << shift;
        shift += 5;
        if d < 32 {
            let doc = prev + 1 + (v / u64::from(LEVELS)) as i64;
            out.push((u32::try_from(doc).ok()?, (v % u64::from(LEVELS)) as u8));
            prev = doc;
            v = 0;
            shift = 0;
        }
    }
    (shift == 0).then_some(out)
}
