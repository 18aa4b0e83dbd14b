//! Shared helpers: tiny real sites in temporary folders, and running the real `fanzha` binary.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A folder removed when dropped.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(name: &str) -> TempDir {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!("fanzha-test-{name}-{}-{}", std::process::id(), N.fetch_add(1, Ordering::SeqCst)));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

pub fn copy_dir(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from).into_iter().filter_map(Result::ok) {
        let dest = to.join(e.path().strip_prefix(from).unwrap());
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else if e.file_type().is_file() {
            std::fs::copy(e.path(), &dest).unwrap();
        }
    }
}

/// A case note body with enough text, no personal data.
pub const BODY: &str = "*本案改编自典型案例，人物均为化名。*\n\n## 案情经过\n\n小李在群里看到兼职广告，先拿到小额返款，后被要求垫付大额资金。\n\n## 手法分析\n\n先给甜头，再让你垫钱。\n\n## 警方提示\n\n凡是要先垫钱的兼职都是诈骗，发现被骗立即拨打 110。\n";

/// A small working site: the repository's theme, one fraud type, one audience, a few cases.
pub fn small_site(root: &Path) {
    copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("themes"), &root.join("themes"));
    write(root, "site.toml", "title = \"测试站\"\nbase_url = \"https://example.gov.cn/\"\nsource_name = \"测试编辑部\"\n\n[privacy]\nallow = []\n");
    write(root, "content/_index.md", "+++\ntitle = \"首页\"\n+++\n\n欢迎。\n");
    write(root, "content/cases/_index.md", "+++\ntitle = \"典型案例\"\n+++\n\n案例列表。\n");
    write(root, "content/fraud/_index.md", "+++\ntitle = \"诈骗类型\"\n+++\n");
    write(root, "content/fraud/task-rebate.md", "+++\ntitle = \"刷单返利\"\nsummary = \"先返小钱再骗大钱。\"\n+++\n\n刷单就是诈骗。\n");
    write(root, "content/guides/_index.md", "+++\ntitle = \"人群指南\"\n+++\n");
    write(root, "content/guides/students.md", "+++\ntitle = \"学生防骗指南\"\nsummary = \"学生怎么防。\"\n+++\n\n不刷单。\n");
    write(root, "content/cases/a.md", &case("兼职刷单被骗案", "2024-03-01", ""));
}

/// A case file; `extra` is added to the front matter.
pub fn case(title: &str, date: &str, extra: &str) -> String {
    format!(
        "+++\ntitle = \"{title}\"\ndate = {date}\nsummary = \"{title}的摘要。\"\nfraud_types = [\"刷单返利\"]\naudiences = [\"students\"]\nlaw_articles = [20]\n{extra}+++\n\n{BODY}"
    )
}

pub fn fanzha(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fanzha")).args(args).env_remove("FANZHA_TODAY").output().expect("run fanzha")
}

pub fn fanzha_env(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_fanzha"));
    c.args(args).env_remove("FANZHA_TODAY");
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().expect("run fanzha")
}

pub fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

pub fn read(p: impl AsRef<Path>) -> String {
    std::fs::read_to_string(p.as_ref()).unwrap_or_else(|e| panic!("{}: {e}", p.as_ref().display()))
}

/// The `<main>` element of a page, so tests do not depend on the theme's header and footer.
pub fn main_of(html: &str) -> &str {
    let start = html.find("<main").unwrap_or(0);
    let end = html.rfind("</main>").map_or(html.len(), |i| i + 7);
    &html[start..end]
}
