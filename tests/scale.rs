//! Correctness at scale: the bundled site plus a few thousand generated case notes. Every note,
//! every page of every case list and every cross-reference (fraud type, audience, law article,
//! region, source, note-to-note links) must be in the output, and two builds — one on a single
//! thread, one on four — must write byte-identical files, search index included.

mod common;

use common::{copy_tree, repo, snapshot, write, TempDir};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

const NOTES: usize = 3000;
const ROOT: &str = "/fanzha/";

const FRAUD: [&str; 11] = [
    "task-rebate",
    "fake-investment",
    "fake-loan",
    "impersonate-police",
    "fake-customer-service",
    "romance-scam",
    "impersonation",
    "fake-shopping",
    "game-trading",
    "fake-credit",
    "ai-deepfake",
];
const AUDIENCES: [&str; 6] = ["students", "elderly", "accountants", "enterprises", "families", "rural"];
/// Region names and their browse-page slugs; 山西 and 陕西 have the same toneless pinyin.
const REGIONS: [(&str, &str); 9] = [
    ("山西省某县", "shanxi-shengmou-xian"),
    ("陕西省某县", "shanxi-shengmou-xian-2"),
    ("河北省某市", "hebei-shengmou-shi"),
    ("湖南省某县", "hunan-shengmou-xian"),
    ("江苏省某区", "jiangsu-shengmou-qu"),
    ("浙江省某市", "zhejiang-shengmou-shi"),
    ("安徽省某县", "anhui-shengmou-xian"),
    ("福建省某市", "fujian-shengmou-shi"),
    ("江西省某区", "jiangxi-shengmou-qu"),
];
const NAMES: [&str; 8] = ["小王", "老李", "张阿姨", "刘先生", "陈女士", "小周", "赵大爷", "孙会计"];

/// A generated note's cross-references, as the test expects to find them.
struct Note {
    slug: String,
    title: String,
    fraud: Vec<&'static str>,
    audiences: Vec<&'static str>,
    articles: Vec<u32>,
    region: (&'static str, &'static str),
    links_to: String,
}

/// A small deterministic generator (xorshift), so the corpus is the same on every run.
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

fn notes() -> Vec<Note> {
    let mut rng = Rng(0x5EED_F00D_1234_5678);
    (0..NOTES)
        .map(|i| {
            let mut fraud = vec![FRAUD[i % FRAUD.len()]];
            if rng.below(4) == 0 {
                let extra = FRAUD[rng.below(FRAUD.len())];
                if !fraud.contains(&extra) {
                    fraud.push(extra);
                }
            }
            let audiences: Vec<&str> =
                (0..rng.below(3)).map(|_| AUDIENCES[rng.below(AUDIENCES.len())]).collect::<BTreeSet<_>>().into_iter().collect();
            let articles: Vec<u32> = (0..rng.below(3)).map(|_| 1 + rng.below(50) as u32).collect::<BTreeSet<_>>().into_iter().collect();
            let name = NAMES[rng.below(NAMES.len())];
            Note {
                slug: format!("scale-{i:05}"),
                title: format!("规模测试案例{i}：{name}遇到{}", ["刷单", "假投资", "假贷款", "冒充民警", "假客服"][i % 5]),
                fraud,
                audiences,
                articles,
                region: REGIONS[rng.below(REGIONS.len())],
                links_to: format!("scale-{:05}", (i * 7 + 3) % NOTES),
            }
        })
        .collect()
}

fn toml_list<T: std::fmt::Display>(items: &[T], quote: bool) -> String {
    let parts: Vec<String> = items.iter().map(|x| if quote { format!("\"{x}\"") } else { x.to_string() }).collect();
    format!("[{}]", parts.join(", "))
}

fn note_text(i: usize, n: &Note) -> String {
    let (year, month, day) = (2020 + i % 5, 1 + i % 12, 1 + i % 28);
    format!(
        "+++\ntitle = \"{}\"\ndate = {year}-{month:02}-{day:02}\nsummary = \"{}在网上被人以高额回报为诱饵骗走钱款，民警提醒不要向陌生账户转账。\"\n\
         fraud_types = {}\naudiences = {}\nlaw_articles = {}\nregion = \"{}\"\nloss = {}\n+++\n\n\
         ## 案情经过\n\n对方先让受害人尝到一点甜头，再以各种理由要求继续转账，第{i}号案例的受害人前后转了三次。\n\n\
         ## 民警提醒\n\n不轻信、不透露、不转账。类似情况见[另一个案例](@/cases/{}.md)。\n",
        n.title,
        NAMES[i % NAMES.len()],
        toml_list(&n.fraud, true),
        toml_list(&n.audiences, true),
        toml_list(&n.articles, false),
        n.region.0,
        1000 + i * 37,
        n.links_to,
    )
}

/// The bundled site's sources plus the generated notes, in a temp folder.
fn site(dir: &Path, notes: &[Note]) {
    let root = repo();
    std::fs::create_dir_all(dir).expect("mkdir");
    std::fs::copy(root.join("site.toml"), dir.join("site.toml")).expect("copy site.toml");
    for d in ["content", "data", "themes", "sources"] {
        copy_tree(&root.join(d), &dir.join(d));
    }
    for (i, n) in notes.iter().enumerate() {
        write(dir, &format!("content/cases/{}.md", n.slug), note_text(i, n));
    }
}

fn build(site: &Path, out: &Path, threads: usize) -> fanzha::BuildReport {
    let mut opts = fanzha::Options::new(site.to_path_buf());
    opts.output = out.to_path_buf();
    opts.today = fanzha::model::Date::parse("2026-01-01");
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().expect("thread pool");
    pool.install(|| fanzha::build(&opts)).unwrap_or_else(|e| panic!("the generated site must build:\n{e}"))
}

/// Compares the notes a list shows with the ones it should, naming the first few differences.
fn same(got: Vec<String>, expected: &BTreeSet<String>, list: &str) {
    let listed = got.len();
    let got: BTreeSet<String> = got.into_iter().collect();
    assert_eq!(got.len(), listed, "{list}: a note is listed twice");
    let missing: Vec<_> = expected.difference(&got).take(5).collect();
    let extra: Vec<_> = got.difference(expected).take(5).collect();
    assert!(missing.is_empty() && extra.is_empty(), "{list}: missing {missing:?}, not expected {extra:?}");
}

fn read(out: &Path, url: &str) -> String {
    let rel = url.strip_prefix(ROOT).unwrap_or(url);
    std::fs::read_to_string(out.join(rel).join("index.html")).unwrap_or_else(|e| panic!("{url}: {e}"))
}

/// Every page of a paginated list starting at `base`, in order: checks that the pages add up to
/// the list's own count line (共 N 个案例) at `per` a page, and returns the generated notes listed.
fn walk_list(out: &Path, base: &str, per: usize) -> Vec<String> {
    let first = read(out, base);
    let at = first.find("共 ").expect("count line") + "共 ".len();
    let total: usize = first[at..].split(' ').next().and_then(|s| s.parse().ok()).expect("count");
    let (mut cards, mut generated, mut page) = (0, Vec::new(), 1);
    loop {
        let url = if page == 1 { base.to_string() } else { format!("{base}page/{page}/") };
        let html = read(out, &url);
        let list = common::section(&html, "<ul class=\"cards\">", "</ul>").unwrap_or("");
        let items = list.matches("class=\"card-title\"").count();
        assert!(items <= per && items > 0, "{url}: {items} items on one page");
        cards += items;
        generated.extend(common::attrs(list, "href").into_iter().filter(|h| h.starts_with(&format!("{ROOT}cases/scale-"))));
        if !html.contains("rel=\"next\"") {
            break;
        }
        page += 1;
    }
    assert_eq!(page, total.div_ceil(per).max(1), "{base}: {page} pages for {total} items");
    assert_eq!(cards, total, "{base}: the pages list {cards} cases, the count line says {total}");
    generated
}

#[test]
fn a_few_thousand_notes_build_completely_and_deterministically() {
    let dir = TempDir::new("scale");
    let src = dir.path().join("site");
    let notes = notes();
    site(&src, &notes);
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    let report = build(&src, &a, 1);
    build(&src, &b, 4);
    assert!(report.pages > NOTES, "{} pages", report.pages);

    // 1. Every note has its page, with its title and its links to its terms and to the other note.
    for n in &notes {
        let page = read(&a, &format!("{ROOT}cases/{}/", n.slug));
        let html = common::section(&page, "<main", "</main>").expect("main");
        assert!(html.contains(&n.title), "{}: title missing", n.slug);
        assert!(html.contains(&format!("href=\"{ROOT}cases/{}/\"", n.links_to)), "{}: link to {} missing", n.slug, n.links_to);
        for f in &n.fraud {
            assert!(html.contains(&format!("href=\"{ROOT}fraud/{f}/\"")), "{}: fraud type {f} missing", n.slug);
        }
        for &art in &n.articles {
            assert!(html.contains(&format!("href=\"{ROOT}law/article-{art}/\"")), "{}: article {art} missing", n.slug);
        }
    }

    // 2. The list pages: the full case list and every browse list hold exactly the right notes.
    let per = 20;
    let url = |n: &Note| format!("{ROOT}cases/{}/", n.slug);
    let all = walk_list(&a, &format!("{ROOT}cases/"), per);
    assert_eq!(all.len(), NOTES, "the case list must show every generated note once");
    same(all, &notes.iter().map(url).collect(), "the case list");

    let mut by_fraud: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    let mut by_audience: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    let mut by_article: BTreeMap<u32, BTreeSet<String>> = BTreeMap::new();
    let mut by_region: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    for n in &notes {
        for f in &n.fraud {
            by_fraud.entry(f).or_default().insert(url(n));
        }
        for x in &n.audiences {
            by_audience.entry(x).or_default().insert(url(n));
        }
        for &x in &n.articles {
            by_article.entry(x).or_default().insert(url(n));
        }
        by_region.entry(n.region.1).or_default().insert(url(n));
    }
    for (f, expected) in &by_fraud {
        let base = format!("{ROOT}cases/fraud/{f}/");
        same(walk_list(&a, &base, per), expected, &base);
        // the fraud type's own page links to the full list
        let page = read(&a, &format!("{ROOT}fraud/{f}/"));
        assert!(page.contains(&format!("href=\"{base}\"")), "{f}: the fraud page must link to its case list");
    }
    for (n, expected) in &by_article {
        let base = format!("{ROOT}cases/law/{n}/");
        same(walk_list(&a, &base, per), expected, &base);
        let article = read(&a, &format!("{ROOT}law/article-{n}/"));
        assert!(article.contains(&format!("href=\"{base}\"")), "article {n} must link to its citing list");
    }
    let by_audience = by_audience.iter().map(|(x, e)| (format!("{ROOT}cases/audience/{x}/"), e));
    for (base, expected) in by_audience.chain(by_region.iter().map(|(r, e)| (format!("{ROOT}cases/region/{r}/"), e))) {
        same(walk_list(&a, &base, per), expected, &base);
    }

    // 3. The sitemap lists every note; the search index has a result file per indexed page.
    let sitemap = std::fs::read_to_string(a.join("sitemap.xml")).expect("sitemap");
    for n in &notes {
        assert!(sitemap.contains(&format!("https://example.gov.cn/fanzha/cases/{}/</loc>", n.slug)), "sitemap: {}", n.slug);
    }
    let manifest: serde_json::Value = serde_json::from_slice(&std::fs::read(a.join("search/manifest.json")).expect("manifest")).expect("json");
    let docs = manifest["n"].as_u64().expect("n") as usize;
    assert!(docs > NOTES, "search index holds {docs} pages");

    // 4. One thread or four: the same bytes in every file, search index included.
    let (x, y) = (snapshot(&a), snapshot(&b));
    assert_eq!(x.len(), y.len(), "file count differs between builds");
    for (p, q) in x.iter().zip(&y) {
        assert_eq!(p.0, q.0, "file lists differ");
        assert!(p.1 == q.1, "{} differs between a 1-thread and a 4-thread build", p.0);
    }
}
