//! The preview web server: serves the output folder over HTTP with a small pool of threads, adds
//! the live-reload script (and the error overlay, when the last rebuild failed) to HTML pages as
//! they are sent — never to the files on disk — and streams reload events to open tabs with
//! server-sent events. It refuses every path that could leave the output folder (`..`, encoded or
//! not, backslashes, symlinks pointing outside) and never writes anything.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tiny_http::{Header, Method, Request, Response, StatusCode};

use crate::error::SourceError;
use crate::markdown::escape_html;

/// The URL of the event stream (kept out of the site's own paths by the `__` prefix).
pub const EVENTS_PATH: &str = "/__fanzha/events";
/// Most event streams served at once; each holds a thread.
const MAX_STREAMS: usize = 64;
const KEEPALIVE: Duration = Duration::from_secs(15);

/// What the server shares with the rebuild loop.
pub struct State {
    /// The output folder, canonicalized.
    pub dir: PathBuf,
    /// The overlay HTML for the current errors (empty when the last rebuild succeeded).
    overlay: Mutex<String>,
    streams: Mutex<Vec<Sender<String>>>,
    open_streams: AtomicUsize,
}

impl State {
    pub fn new(dir: PathBuf) -> State {
        State { dir, overlay: Mutex::new(String::new()), streams: Mutex::new(Vec::new()), open_streams: AtomicUsize::new(0) }
    }

    /// Shows these errors in every page from now on (an empty list clears the overlay).
    pub fn set_errors(&self, errors: &[SourceError]) {
        let html = overlay_html(errors);
        let changed = {
            let Ok(mut o) = self.overlay.lock() else { return };
            let changed = *o != html;
            *o = html.clone();
            changed
        };
        if changed {
            self.broadcast(&event("overlay", &html));
        }
    }

    fn overlay(&self) -> String {
        self.overlay.lock().map(|o| o.clone()).unwrap_or_default()
    }

    /// Tells every open tab to reload (`reload`) or to fetch its stylesheets again (`css`).
    pub fn notify(&self, kind: &str) {
        self.broadcast(&event(kind, kind));
    }

    fn broadcast(&self, message: &str) {
        if let Ok(mut streams) = self.streams.lock() {
            streams.retain(|s| s.send(message.to_string()).is_ok());
        }
    }
}

/// One server-sent event; every line of `data` gets its own `data:` field.
fn event(name: &str, data: &str) -> String {
    let mut out = format!("event: {name}\n");
    for line in data.split('\n') {
        out.push_str("data: ");
        out.push_str(line);
        out.push('\n');
    }
    out.push('\n');
    out
}

/// The error overlay: every error's file:line:column, message and hint, all escaped.
pub fn overlay_html(errors: &[SourceError]) -> String {
    if errors.is_empty() {
        return String::new();
    }
    let mut items = String::new();
    for e in errors {
        let path = e.path.to_string_lossy().replace('\\', "/");
        let place = if path.is_empty() { String::new() } else { format!("{path}:{}:{}", e.line.max(1), e.column.max(1)) };
        items.push_str(&format!(
            "<li><code>{}</code> {}{}</li>",
            escape_html(&place),
            escape_html(&e.message),
            e.hint.as_ref().map_or_else(String::new, |h| format!("<br><small>怎么改：{}</small>", escape_html(h)))
        ));
    }
    format!(
        "<div id=\"fanzha-overlay\" role=\"alert\" style=\"position:fixed;inset:auto 0 0 0;max-height:60vh;overflow:auto;z-index:2147483647;background:#fff8f6;color:#611;border-top:4px solid #c00;padding:1em 1.5em;font:16px/1.6 sans-serif;box-shadow:0 -4px 16px rgba(0,0,0,.25)\"><strong>有 {} 处错误，网页显示的是上一次成功生成的版本。改好文件并保存后，这里会自动更新。</strong><ol>{items}</ol></div>",
        errors.len()
    )
}

/// The live-reload script added to every HTML page sent by `serve`.
const LIVE_SCRIPT: &str = r#"<script>(function(){if(!window.EventSource)return;var es=new EventSource("/__fanzha/events");es.addEventListener("reload",function(){location.reload()});es.addEventListener("css",function(){document.querySelectorAll('link[rel="stylesheet"]').forEach(function(l){var u=new URL(l.href);u.searchParams.set("fanzha",Date.now());l.href=u.href})});es.addEventListener("overlay",function(e){var o=document.getElementById("fanzha-overlay");if(o)o.remove();if(e.data)document.body.insertAdjacentHTML("beforeend",e.data)})})();</script>"#;

/// Adds the overlay and the live-reload script before `</body>` (or at the end).
pub fn inject(html: &str, overlay: &str) -> String {
    let at = html.rfind("</body>").or_else(|| html.rfind("</BODY>")).unwrap_or(html.len());
    let mut out = String::with_capacity(html.len() + overlay.len() + LIVE_SCRIPT.len());
    out.push_str(&html[..at]);
    out.push_str(overlay);
    out.push_str(LIVE_SCRIPT);
    out.push_str(&html[at..]);
    out
}

/// Why a request path is refused.
#[derive(Debug, PartialEq, Eq)]
pub enum Refused {
    /// Malformed or trying to climb out: 400.
    BadRequest,
}

/// Turns a request URL into a relative path inside the output folder, refusing `..` (also
/// percent-encoded), backslashes, NUL and hidden names.
pub fn safe_path(url: &str) -> Result<String, Refused> {
    let path = url.split(['?', '#']).next().unwrap_or("");
    let bytes = path.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok()).and_then(|h| u8::from_str_radix(h, 16).ok());
            decoded.push(hex.ok_or(Refused::BadRequest)?);
            i += 3;
        } else {
            decoded.push(bytes[i]);
            i += 1;
        }
    }
    let decoded = String::from_utf8(decoded).map_err(|_| Refused::BadRequest)?;
    if !decoded.starts_with('/') || decoded.contains('\\') || decoded.contains('\0') {
        return Err(Refused::BadRequest);
    }
    let mut parts = Vec::new();
    for seg in decoded.split('/') {
        match seg {
            "" => {}
            "." | ".." => return Err(Refused::BadRequest),
            s if s.starts_with('.') || s.contains(':') => return Err(Refused::BadRequest),
            s => parts.push(s),
        }
    }
    let mut rel = parts.join("/");
    if decoded.ends_with('/') && !rel.is_empty() {
        rel.push('/');
    }
    Ok(rel)
}

/// `text/html; charset=utf-8` and friends, by extension.
pub fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
        Some("html" | "htm") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("json") => "application/json; charset=utf-8",
        Some("xml") => "application/xml; charset=utf-8",
        Some("txt" | "md") => "text/plain; charset=utf-8",
        Some("svg") => "image/svg+xml; charset=utf-8",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("gif") => "image/gif",
        Some("webp") => "image/webp",
        Some("ico") => "image/x-icon",
        Some("woff2") => "font/woff2",
        Some("woff") => "font/woff",
        Some("pdf") => "application/pdf",
        _ => "application/octet-stream",
    }
}

fn header(name: &str, value: &str) -> Header {
    // Names and values here are ASCII constants or percent-safe paths, which never fail.
    Header::from_bytes(name.as_bytes(), value.as_bytes())
        .unwrap_or_else(|_| Header::from_bytes(&b"X-Fanzha"[..], &b"1"[..]).expect("constant header"))
}

/// Answers one request; never panics on what a client sends.
pub fn handle(state: &Arc<State>, req: Request) {
    if !matches!(req.method(), Method::Get | Method::Head) {
        let _ = req.respond(Response::from_string("只支持 GET 和 HEAD").with_status_code(405).with_header(header("Allow", "GET, HEAD")));
        return;
    }
    let url = req.url().to_string();
    if url.split('?').next() == Some(EVENTS_PATH) {
        return open_stream(state, req);
    }
    let rel = match safe_path(&url) {
        Ok(rel) => rel,
        Err(Refused::BadRequest) => {
            let _ = req.respond(
                Response::from_string("400 请求的路径不合法").with_status_code(400).with_header(header("Content-Type", "text/plain; charset=utf-8")),
            );
            return;
        }
    };
    match resolve_file(&state.dir, &rel) {
        Found::File(path) => send_file(state, req, &path, 200),
        Found::Redirect => {
            let location = percent_encode_non_ascii(&format!("{}/", url.split('?').next().unwrap_or("/")));
            let _ = req.respond(Response::empty(301).with_header(header("Location", &location)));
        }
        Found::Missing => {
            let page = state.dir.join("404.html");
            if page.is_file() {
                send_file(state, req, &page, 404);
            } else {
                let html = inject("<!doctype html><meta charset=\"utf-8\"><title>404</title><body><h1>页面没有找到</h1></body>", &state.overlay());
                let _ = req.respond(
                    Response::from_data(html.into_bytes()).with_status_code(404).with_header(header("Content-Type", "text/html; charset=utf-8")),
                );
            }
        }
    }
}

fn percent_encode_non_ascii(s: &str) -> String {
    s.bytes().map(|b| if b.is_ascii_graphic() { (b as char).to_string() } else { format!("%{b:02X}") }).collect()
}

enum Found {
    File(PathBuf),
    Redirect,
    Missing,
}

/// A path inside the output folder: `x/` means `x/index.html`; a folder without its slash
/// redirects; anything resolving outside the folder (a symlink) is missing.
fn resolve_file(dir: &Path, rel: &str) -> Found {
    let mut path = dir.join(rel.trim_end_matches('/'));
    if rel.is_empty() || rel.ends_with('/') {
        path = path.join("index.html");
    } else if path.is_dir() {
        return if path.join("index.html").is_file() { Found::Redirect } else { Found::Missing };
    }
    match path.canonicalize() {
        Ok(real) if real.starts_with(dir) && real.is_file() => Found::File(real),
        _ => Found::Missing,
    }
}

fn send_file(state: &Arc<State>, req: Request, path: &Path, status: u16) {
    let ctype = content_type(path);
    let data = match std::fs::read(path) {
        Ok(d) => d,
        Err(_) => {
            let _ = req.respond(Response::from_string("404").with_status_code(404));
            return;
        }
    };
    let data = if ctype.starts_with("text/html") { inject(&String::from_utf8_lossy(&data), &state.overlay()).into_bytes() } else { data };
    let resp = Response::from_data(data)
        .with_status_code(StatusCode(status))
        .with_header(header("Content-Type", ctype))
        .with_header(header("Cache-Control", "no-store"));
    let _ = req.respond(resp);
}

/// Hands the connection to its own thread, which writes events until the tab goes away.
fn open_stream(state: &Arc<State>, req: Request) {
    if state.open_streams.fetch_add(1, Ordering::SeqCst) >= MAX_STREAMS {
        state.open_streams.fetch_sub(1, Ordering::SeqCst);
        let _ = req.respond(Response::from_string("too many event streams").with_status_code(503));
        return;
    }
    let (tx, rx) = mpsc::channel();
    if let Ok(mut s) = state.streams.lock() {
        s.push(tx);
    }
    let overlay = state.overlay();
    let counter = Arc::clone(state);
    let state = Arc::clone(state);
    let spawned = std::thread::Builder::new().name("fanzha-sse".into()).spawn(move || {
        let mut w = req.into_writer();
        let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\nCache-Control: no-store\r\nConnection: close\r\n\r\nretry: 1000\n\n";
        if w.write_all(head.as_bytes()).and_then(|_| w.write_all(event("overlay", &overlay).as_bytes())).and_then(|_| w.flush()).is_ok() {
            stream_events(&mut w, &rx);
        }
        state.open_streams.fetch_sub(1, Ordering::SeqCst);
    });
    if spawned.is_err() {
        // The request moved into the failed closure and was dropped, closing the connection.
        counter.open_streams.fetch_sub(1, Ordering::SeqCst);
    }
}

fn stream_events(w: &mut dyn Write, rx: &Receiver<String>) {
    loop {
        let msg = match rx.recv_timeout(KEEPALIVE) {
            Ok(m) => m,
            Err(RecvTimeoutError::Timeout) => ": ping\n\n".to_string(),
            Err(RecvTimeoutError::Disconnected) => return,
        };
        if w.write_all(msg.as_bytes()).and_then(|_| w.flush()).is_err() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traversal_is_refused() {
        for bad in ["/../etc/passwd", "/a/%2e%2e/%2E%2E/x", "/..%2fx", "/a\\..\\b", "/%5c..%5cx", "/%00", "/.git/config", "/%zz"] {
            assert_eq!(safe_path(bad), Err(Refused::BadRequest), "{bad}");
        }
        assert_eq!(safe_path("/cases/x/?q=1").as_deref(), Ok("cases/x/"));
        assert_eq!(safe_path("/").as_deref(), Ok(""));
        assert_eq!(safe_path("/%E6%A1%88%E4%BE%8B.html").as_deref(), Ok("案例.html"));
    }

    #[test]
    fn overlay_escapes_messages() {
        let e = SourceError::new("content/cases/<x>.md", 3, 1, "坏的 <script>").hint("a & b");
        let html = overlay_html(&[e]);
        assert!(html.contains("content/cases/&lt;x&gt;.md:3:1"), "{html}");
        assert!(!html.contains("<script>"));
        assert!(html.contains("a &amp; b"));
    }

    #[test]
    fn script_goes_before_body_end() {
        let out = inject("<html><body><p>x</p></body></html>", "");
        assert!(out.ends_with("</script></body></html>"));
        assert!(out.contains("EventSource"));
    }
}
