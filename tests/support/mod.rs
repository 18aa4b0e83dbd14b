//! Shared helpers: tiny real sites in temporary folders, and running the real `fanzha` binary.
#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output};

// Temp folders, writing files and copying trees are the same as for the other tests.
#[path = "../common/mod.rs"]
mod common;
pub use common::{copy_tree as copy_dir, write, TempDir};

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
    write(root, "content/cases/a.md", case("兼职刷单被骗案", "2024-03-01", ""));
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
