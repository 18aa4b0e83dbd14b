//! Benchmark of the index builder on the synthetic fanzha corpus. It exists to keep
//! the scale requirements honest: build time, index size and file count at 10,000
//! case notes, and — by running `tests/search/node/query-bytes.js` on the written index —
//! the bytes a browser downloads for typical first queries.
//!
//! ```text
//! python3 ../shared/bench/gen_corpus.py 10000 /tmp/corpus10k --flavor fanzha
//! cargo run --release --example search_bench -- /tmp/corpus10k/cases /tmp/fanzha-bench-index
//! ```

use fanzha::search::{build_index, IndexFile, SearchDoc, SearchOptions};
use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let dir = args.get(1).map_or("/tmp/corpus10k/cases", String::as_str);
    let out = args.get(2).map_or("/tmp/fanzha-bench-index", String::as_str);
    let docs = load(Path::new(dir))?;
    let chars: usize = docs.iter().map(|d| d.body.chars().count()).sum();
    println!("docs: {}  avg body chars: {}", docs.len(), chars / docs.len().max(1));
    let opts = SearchOptions::default();
    let mut best = f64::MAX;
    let mut files = Vec::new();
    for _ in 0..5 {
        let (t, cpu) = (Instant::now(), cpu_seconds());
        files = build_index(&docs, &opts);
        best = best.min(t.elapsed().as_secs_f64());
        println!("  build: {:.3} s wall, {:.2} s CPU", t.elapsed().as_secs_f64(), cpu_seconds() - cpu);
    }
    println!("build_index: {:.3} s (best of 5)", best);
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    if let Some(hwm) = status.lines().find(|l| l.starts_with("VmHWM")) {
        println!("peak RSS of this process (pages + 2 indexes + build): {}", hwm.trim_start_matches("VmHWM:").trim());
    }
    report(&files);
    write(Path::new(out), &files)?;
    println!("written to {out}");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/search/node/query-bytes.js");
    let status = std::process::Command::new("node")
        .arg(script)
        .arg(out)
        .args(["刷单", "冒充客服 退款", "安全账户", "杀猪盘", "第三十一条", "刷单反利", "骗"])
        .status();
    if let Err(e) = status {
        println!("(node not run: {e})");
    }
    Ok(())
}

/// User + system CPU time of this process (Linux), to see through a busy machine.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<f64> = after.split_whitespace().filter_map(|x| x.parse().ok()).collect();
    // after the command: state(skipped, not a number) ppid pgrp … utime stime at 12, 13
    (f.get(10).copied().unwrap_or(0.0) + f.get(11).copied().unwrap_or(0.0)) / 100.0
}

fn report(files: &[IndexFile]) {
    let mut kinds: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for f in files {
        let kind = match f.path.split_once('/') {
            Some(("t", name)) if name.contains('-') => "t (heavy)".to_string(),
            Some(("p", name)) => format!("p/{}", name.get(..1).unwrap_or("")),
            Some((dir, _)) => dir.to_string(),
            None => f.path.clone(),
        };
        let e = kinds.entry(kind).or_default();
        e.0 += 1;
        e.1 += f.bytes.len();
    }
    let total: usize = files.iter().map(|f| f.bytes.len()).sum();
    println!("files: {}  total bytes: {}", files.len(), total);
    for (k, (n, b)) in kinds {
        println!("  {k:<10} {n:>6} files {b:>10} bytes");
    }
}

fn write(out: &Path, files: &[IndexFile]) -> std::io::Result<()> {
    if out.exists() {
        std::fs::remove_dir_all(out)?;
    }
    for f in files {
        let p = out.join(&f.path);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(p, &f.bytes)?;
    }
    Ok(())
}

fn load(dir: &Path) -> std::io::Result<Vec<SearchDoc>> {
    let mut paths: Vec<_> =
        std::fs::read_dir(dir)?.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.extension().is_some_and(|x| x == "md")).collect();
    paths.sort();
    paths.iter().map(|p| Ok(parse(p, &std::fs::read_to_string(p)?))).collect()
}

/// Crude front matter + markdown parse, enough for the benchmark corpus.
fn parse(path: &Path, text: &str) -> SearchDoc {
    let mut parts = text.splitn(3, "+++");
    let (_, front, body) = (parts.next(), parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
    let mut doc = SearchDoc { url: format!("/cases/{stem}/"), section: "案例".into(), ..SearchDoc::default() };
    for line in front.lines() {
        let Some((k, v)) = line.split_once(" = ") else {
            continue;
        };
        let list = || v.split('"').skip(1).step_by(2).map(String::from).collect::<Vec<_>>();
        match k.trim() {
            "title" => doc.title = v.trim().trim_matches('"').to_string(),
            "date" => doc.date = Some(v.trim().to_string()),
            "fraud_types" => doc.fraud_types = list(),
            "audiences" => doc.audiences = list(),
            _ => {}
        }
    }
    let mut paras = Vec::new();
    for line in body.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if let Some(h) = line.strip_prefix("## ") {
            doc.headings.push(h.to_string());
            continue;
        }
        paras.push(strip_markdown(line.trim_start_matches("- ")));
    }
    doc.body = paras.join("\n");
    doc
}

fn strip_markdown(line: &str) -> String {
    let mut out = String::new();
    let mut rest = line.replace("**", "");
    while let Some(open) = rest.find('[') {
        let Some(mid) = rest[open..].find("](").map(|m| open + m) else {
            break;
        };
        let Some(close) = rest[mid..].find(')').map(|c| mid + c) else {
            break;
        };
        out.push_str(&rest[..open]);
        out.push_str(&rest[open + 1..mid]);
        rest = rest[close + 1..].to_string();
    }
    out.push_str(&rest);
    out
}
