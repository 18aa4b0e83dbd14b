//! Rebuild after one edit, as `fanzha serve` does it. Prints milliseconds; asserts nothing.
//!
//! For the bundled site and for the bundled site plus N generated case notes (default 10,000,
//! `FANZHA_BENCH_PAGES`; generated with `/work/shared/bench/gen_corpus.py` when it is there):
//! 1. the first (full) build into an empty preview folder;
//! 2. `Rebuilder::rebuild` after changing the body of one case (min / median of 5);
//! 3. edit-to-reload through the real `fanzha serve`: time from writing the file to the `reload`
//!    event on the browser's event stream (includes the 100 ms debounce).
//!
//! Run with `cargo bench --bench rebuild`.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fanzha::serve::Rebuilder;
use fanzha::Options;

fn copy_dir(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from).into_iter().filter_map(Result::ok) {
        let rel = e.path().strip_prefix(from).unwrap();
        let dest = to.join(rel);
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else if e.file_type().is_file() {
            std::fs::copy(e.path(), &dest).unwrap();
        }
    }
}

fn site_copy(name: &str) -> PathBuf {
    let src = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = std::env::temp_dir().join(format!("fanzha-bench-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for d in ["content", "themes", "data", "sources"] {
        if src.join(d).is_dir() {
            copy_dir(&src.join(d), &dir.join(d));
        }
    }
    std::fs::copy(src.join("site.toml"), dir.join("site.toml")).unwrap();
    dir
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn edit(file: &Path, n: usize) {
    let mut text = std::fs::read_to_string(file).unwrap();
    text.push_str(&format!("\n第 {n} 次修改：提醒大家不要轻信陌生来电。\n"));
    std::fs::write(file, text).unwrap();
}

fn bench_rebuilder(root: &Path, file: &Path) {
    let out = root.with_extension("out");
    let _ = std::fs::remove_dir_all(&out);
    std::fs::create_dir_all(&out).unwrap();
    let mut opts = Options::new(root);
    opts.output = out.clone();
    opts.base_url = Some("http://127.0.0.1:1111/".into());
    let mut r = Rebuilder::new(opts);
    let t = Instant::now();
    let first = r.rebuild().expect("first build");
    println!("  first build        {:>8.1} ms  ({} pages, {} files)", ms(t.elapsed()), first.pages, first.changed.len());
    // Let the files age past the racy window so the cache trusts their time stamps, as in a
    // real session where edits come seconds apart.
    std::thread::sleep(Duration::from_millis(2100));
    let _ = r.rebuild();
    let mut times = Vec::new();
    let mut search = Vec::new();
    let mut last = None;
    for i in 0..5 {
        edit(file, i);
        let t = Instant::now();
        let o = r.rebuild_pages().expect("rebuild");
        times.push(t.elapsed());
        let t = Instant::now();
        r.rebuild_search().expect("search");
        search.push(t.elapsed());
        last = Some(o);
    }
    times.sort();
    search.sort();
    let o = last.unwrap();
    println!(
        "  pages, one edit    {:>8.1} ms min, {:.1} ms median  (re-read {} file, rendered {} pages, wrote {} files)",
        ms(times[0]),
        ms(times[2]),
        o.reparsed,
        o.rendered,
        o.changed.len()
    );
    println!(
        "  search index after {:>8.1} ms min, {:.1} ms median  (serve does this after the reload, on its own thread)",
        ms(search[0]),
        ms(search[2])
    );
    for (stage, d) in &o.timings {
        println!("    {stage:<9} {:>8.1} ms", ms(*d));
    }
    // A front-matter edit (the summary shows in lists): every page's context is compared.
    let mut times = Vec::new();
    for i in 0..3 {
        let text = std::fs::read_to_string(file).unwrap();
        std::fs::write(file, text.replacen("summary = \"", &format!("summary = \"{i}"), 1)).unwrap();
        let t = Instant::now();
        let o = r.rebuild_pages().expect("rebuild");
        times.push((t.elapsed(), o.rendered, o.changed.len(), o.timings));
        r.rebuild_search().expect("search");
    }
    times.sort_by_key(|t| t.0);
    println!(
        "  pages, summary     {:>8.1} ms min, {:.1} ms median  (rendered {} pages, wrote {} files)",
        ms(times[0].0),
        ms(times[1].0),
        times[1].1,
        times[1].2
    );
    for (stage, d) in &times[1].3 {
        println!("    {stage:<9} {:>8.1} ms", ms(*d));
    }
    let _ = std::fs::remove_dir_all(&out);
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn bench_serve(root: &Path, file: &Path, big: bool) {
    if std::env::var("FANZHA_BENCH_SERVE").is_ok_and(|v| v == "0") {
        return;
    }
    let out = root.with_extension("serve");
    let child = Command::new(env!("CARGO_BIN_EXE_fanzha"))
        .args(["serve", "--port", "0", "--output"])
        .arg(&out)
        .arg("--root")
        .arg(root)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start fanzha serve");
    let mut server = Server(child);
    let mut lines = BufReader::new(server.0.stdout.take().unwrap()).lines();
    let start = Instant::now();
    let mut port = None;
    while start.elapsed() < Duration::from_secs(300) {
        let Some(Ok(line)) = lines.next() else { break };
        if let Some(rest) = line.split("http://127.0.0.1:").nth(1) {
            port = rest.split('/').next().and_then(|p| p.parse::<u16>().ok());
            break;
        }
    }
    let Some(port) = port else {
        println!("  edit→reload        (serve did not start)");
        return;
    };
    std::thread::spawn(move || for _ in lines {});
    std::thread::sleep(Duration::from_millis(if big { 12_000 } else { 2100 }));
    let mut times = Vec::new();
    for i in 0..5 {
        let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        s.write_all(b"GET /__fanzha/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").unwrap();
        let mut r = BufReader::new(s);
        let mut line = String::new();
        while r.read_line(&mut line).map(|n| n > 0).unwrap_or(false) && !line.starts_with("event: overlay") {
            line.clear();
        }
        // Saves a few seconds apart, as when a person edits: the previous search index is done.
        std::thread::sleep(Duration::from_millis(if big { 4000 } else { 500 }));
        let t = Instant::now();
        edit(file, 100 + i);
        line.clear();
        let mut got = false;
        while r.read_line(&mut line).map(|n| n > 0).unwrap_or(false) {
            if line.starts_with("event: reload") {
                got = true;
                break;
            }
            line.clear();
        }
        if got {
            times.push(t.elapsed());
        }
    }
    times.sort();
    if times.is_empty() {
        println!("  edit→reload        (no reload event seen)");
    } else {
        println!(
            "  edit→reload        {:>8.1} ms min, {:.1} ms median of {} (real server, includes the 100 ms debounce)",
            ms(times[0]),
            ms(times[times.len() / 2]),
            times.len()
        );
    }
    drop(server);
    let _ = std::fs::remove_dir_all(&out);
}

fn main() {
    let n: usize = std::env::var("FANZHA_BENCH_PAGES").ok().and_then(|s| s.parse().ok()).unwrap_or(10_000);
    let small = site_copy("small");
    let file = small.join("content/cases/task-rebate-student-part-time.md");
    println!("bundled site:");
    bench_rebuilder(&small, &file);
    bench_serve(&small, &file, false);
    let _ = std::fs::remove_dir_all(&small);

    let gen = Path::new("/work/shared/bench/gen_corpus.py");
    if n == 0 || !gen.is_file() {
        println!("generated site: skipped (FANZHA_BENCH_PAGES=0 or {} missing)", gen.display());
        return;
    }
    let big = site_copy("big");
    let corpus = big.with_extension("corpus");
    let ok = Command::new("python3")
        .arg(gen)
        .arg(n.to_string())
        .arg(&corpus)
        .args(["--flavor", "fanzha"])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        println!("generated site: skipped (python3 {} failed)", gen.display());
        return;
    }
    copy_dir(&corpus.join("cases"), &big.join("content/cases"));
    let _ = std::fs::remove_dir_all(&corpus);
    println!("bundled site + {n} generated cases:");
    let file = big.join("content/cases/00042.md");
    let file = if file.is_file() { file } else { big.join("content/cases/task-rebate-student-part-time.md") };
    bench_rebuilder(&big, &file);
    bench_serve(&big, &file, true);
    let _ = std::fs::remove_dir_all(&big);
}
