//! Drives the real `fanzha serve` over HTTP on 127.0.0.1 (issue 7): live reload over server-sent
//! events, the error overlay while the last good page keeps being served, recovery, and the
//! server's refusal of paths outside the output folder. Every wait is bounded.

mod support;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use support::*;

const WAIT: Duration = Duration::from_secs(60);

struct Server {
    child: Child,
    port: u16,
    log: mpsc::Receiver<String>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(root: &std::path::Path, out: &std::path::Path) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_fanzha"))
        .args(["serve", "--port", "0", "--root"])
        .arg(root)
        .arg("--output")
        .arg(out)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start fanzha serve");
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let start = Instant::now();
    let mut server = Server { child, port: 0, log: rx };
    while start.elapsed() < WAIT {
        match server.log.recv_timeout(Duration::from_secs(1)) {
            Ok(line) => {
                if let Some(rest) = line.split("http://127.0.0.1:").nth(1) {
                    server.port = rest.split('/').next().unwrap().parse().unwrap();
                    return server;
                }
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(_) => break,
        }
    }
    panic!("fanzha serve did not start");
}

struct Reply {
    status: u16,
    head: String,
    body: String,
}

fn request(port: u16, method: &str, path: &str) -> Reply {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    write!(s, "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").unwrap();
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw);
    let raw = String::from_utf8_lossy(&raw).to_string();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
    let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    Reply { status, head: head.to_string(), body: body.to_string() }
}

fn get(port: u16, path: &str) -> Reply {
    request(port, "GET", path)
}

/// An open event stream; `next_event` returns (name, data).
struct Events(BufReader<TcpStream>);

impl Events {
    fn open(port: u16) -> Events {
        let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        s.write_all(b"GET /__fanzha/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").unwrap();
        let mut e = Events(BufReader::new(s));
        let mut line = String::new();
        while e.0.read_line(&mut line).unwrap() > 0 && line != "\r\n" {
            line.clear();
        }
        let first = e.next_event();
        assert_eq!(first.0, "overlay", "a new stream starts with the current overlay");
        e
    }

    fn next_event(&mut self) -> (String, String) {
        let (mut name, mut data) = (String::new(), Vec::new());
        let mut line = String::new();
        loop {
            line.clear();
            let n = self.0.read_line(&mut line).expect("event within 30 s");
            assert!(n > 0, "event stream closed");
            let l = line.trim_end_matches('\n');
            if l.is_empty() {
                if !name.is_empty() {
                    return (name, data.join("\n"));
                }
                continue;
            }
            if let Some(v) = l.strip_prefix("event: ") {
                name = v.to_string();
            } else if let Some(v) = l.strip_prefix("data: ") {
                data.push(v.to_string());
            }
        }
    }

    /// Skips events until one named `name` arrives.
    fn wait_for(&mut self, name: &str) -> String {
        let start = Instant::now();
        while start.elapsed() < WAIT {
            let (n, d) = self.next_event();
            if n == name {
                return d;
            }
        }
        panic!("no {name} event");
    }
}

/// Polls until `f` holds (the server rebuilds in the background).
fn eventually(what: &str, mut f: impl FnMut() -> bool) {
    let start = Instant::now();
    while start.elapsed() < WAIT {
        if f() {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("timed out waiting for: {what}");
}

#[test]
fn issue_7_edit_reloads_break_shows_overlay_fix_recovers() {
    let tmp = TempDir::new("serve");
    let root = tmp.path().join("site");
    small_site(&root);
    let server = start(&root, &tmp.path().join("out"));
    let port = server.port;
    let page = get(port, "/cases/a/");
    assert_eq!(page.status, 200);
    assert!(page.head.contains("text/html; charset=utf-8"));
    assert!(page.body.contains("先拿到小额返款"));
    assert!(page.body.contains("/__fanzha/events"), "live-reload script injected");
    assert!(!read(tmp.path().join("out/cases/a/index.html")).contains("__fanzha"), "never injected on disk");

    let mut events = Events::open(port);
    let file = root.join("content/cases/a.md");
    let original = read(&file);
    std::fs::write(&file, original.replace("先拿到小额返款", "先拿到十元返款")).unwrap();
    events.wait_for("reload");
    assert!(get(port, "/cases/a/").body.contains("先拿到十元返款"));

    // Editor litter and a burst of saves must not break anything.
    write(&root, "content/cases/.a.md.swp", "\0garbage");
    write(&root, "content/cases/a.md~", "+++\nbroken");
    for i in 0..5 {
        std::fs::write(&file, original.replace("先拿到小额返款", &format!("第{i}次"))).unwrap();
    }
    eventually("burst settles", || get(port, "/cases/a/").body.contains("第4次"));

    // Broken front matter: the old page is still served, with the overlay naming file and line.
    let broken = original.replace("先拿到小额返款", "新内容不应出现").replace("date = 2024-03-01", "date = 2024-13-01 <b>");
    std::fs::write(&file, &broken).unwrap();
    let overlay = events.wait_for("overlay");
    assert!(overlay.contains("content/cases/a.md:3:"), "{overlay}");
    assert!(!overlay.contains("<b>"), "messages are escaped: {overlay}");
    let page = get(port, "/cases/a/");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("第4次"), "last good page still served");
    assert!(page.body.contains("fanzha-overlay"));
    assert!(page.body.contains("content/cases/a.md:3:"));

    // Fixed: the overlay goes away and the new text shows.
    std::fs::write(&file, original.replace("先拿到小额返款", "修好了")).unwrap();
    let cleared = events.wait_for("overlay");
    assert!(cleared.is_empty(), "overlay cleared: {cleared}");
    let page = get(port, "/cases/a/");
    assert!(page.body.contains("修好了"));
    assert!(!page.body.contains("id=\"fanzha-overlay\""));

    // Deleted and renamed files and folders.
    std::fs::rename(root.join("content/cases/a.md"), root.join("content/cases/b.md")).unwrap();
    eventually("renamed page served", || get(port, "/cases/b/").status == 200);
    // the rebuild writes the new page before it deletes the old one; the reload event follows both
    eventually("old page gone", || get(port, "/cases/a/").status == 404);
    std::fs::rename(root.join("content/guides"), root.join("content/guides-old")).unwrap();
    eventually("overlay for missing audience", || get(port, "/cases/b/").body.contains("fanzha-overlay"));
    std::fs::rename(root.join("content/guides-old"), root.join("content/guides")).unwrap();
    eventually("recovered after folder came back", || !get(port, "/cases/b/").body.contains("id=\"fanzha-overlay\""));
    std::fs::remove_file(root.join("content/cases/b.md")).unwrap();
    eventually("deleted page gone", || get(port, "/cases/b/").status == 404);
}

#[test]
fn issue_7_css_change_restyles_without_reload() {
    let tmp = TempDir::new("serve-css");
    let root = tmp.path().join("site");
    small_site(&root);
    let server = start(&root, &tmp.path().join("out"));
    let mut events = Events::open(server.port);
    let css = root.join("themes/default/static/style.css");
    let mut text = read(&css);
    text.push_str("\n/* test */ body { outline: 0; }\n");
    std::fs::write(&css, text).unwrap();
    events.wait_for("css");
    assert!(get(server.port, "/style.css").body.contains("/* test */"));
}

#[test]
fn issue_7_server_hygiene() {
    let tmp = TempDir::new("serve-http");
    let root = tmp.path().join("site");
    small_site(&root);
    write(tmp.path(), "secret.txt", "top secret");
    let out = tmp.path().join("out");
    let server = start(&root, &out);
    let port = server.port;
    #[cfg(unix)]
    std::os::unix::fs::symlink(tmp.path().join("secret.txt"), out.join("leak.txt")).unwrap();
    for path in [
        "/../secret.txt",
        "/../../etc/passwd",
        "/%2e%2e/secret.txt",
        "/%2E%2E%2Fsecret.txt",
        "/cases/..%2f..%2fsecret.txt",
        "/..\\secret.txt",
        "/%5c..%5csecret.txt",
        "/leak.txt",
        "/.%2e/secret.txt",
    ] {
        let r = get(port, path);
        assert!(r.status == 400 || r.status == 404, "{path}: {}", r.status);
        assert!(!r.body.contains("top secret"), "{path}");
    }
    let missing = get(port, "/no/such/page/");
    assert_eq!(missing.status, 404);
    assert!(missing.body.contains("页面没有找到"), "the site's own 404 page");
    let head = request(port, "HEAD", "/");
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    assert!(get(port, "/style.css").head.contains("text/css; charset=utf-8"));
    assert!(get(port, "/sitemap.xml").head.contains("charset=utf-8"));
    assert_eq!(get(port, "/cases").status, 301);
    assert_eq!(request(port, "POST", "/").status, 405);

    // Many connections at once, including idle event streams, do not stall the server.
    let _streams: Vec<Events> = (0..8).map(|_| Events::open(port)).collect();
    let start = Instant::now();
    let handles: Vec<_> = (0..24).map(|_| std::thread::spawn(move || (0..5).all(|_| get(port, "/cases/").status == 200))).collect();
    assert!(handles.into_iter().all(|h| h.join().unwrap()));
    assert!(start.elapsed() < WAIT);
}

#[test]
fn issue_7_privacy_findings_show_in_overlay() {
    let tmp = TempDir::new("serve-privacy");
    let root = tmp.path().join("site");
    small_site(&root);
    let server = start(&root, &tmp.path().join("out"));
    let mut events = Events::open(server.port);
    let file = root.join("content/cases/a.md");
    std::fs::write(&file, read(&file).replace("先拿到小额返款", "电话13812345678")).unwrap();
    let overlay = events.wait_for("overlay");
    assert!(overlay.contains("手机号码「138****5678」"), "{overlay}");
    assert!(!overlay.contains("13812345678"), "never the full number");
}
