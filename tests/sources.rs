//! Issue 7: other departments' folders mounted with `[[sources]]`: their source is shown and usable
//! as a filter, two files claiming one URL is an error naming both, a missing folder names its
//! `site.toml` line.

mod support;

use support::*;

fn with_sources(root: &std::path::Path, sources: &[(&str, &str)]) {
    let mut toml = String::from("title = \"测试站\"\nbase_url = \"https://example.gov.cn/\"\nsource_name = \"测试编辑部\"\n");
    for (name, path) in sources {
        toml.push_str(&format!("\n[[sources]]\nname = \"{name}\"\npath = \"{path}\"\n"));
    }
    write(root, "site.toml", &toml);
}

#[test]
fn issue_7_two_sources_claiming_one_url_name_both_files() {
    let tmp = TempDir::new("sources-clash");
    small_site(tmp.path());
    with_sources(tmp.path(), &[("甲局", "sources/a"), ("乙局", "sources/b")]);
    write(tmp.path(), "sources/a/cases/same.md", case("甲局案例", "2024-01-01", ""));
    write(tmp.path(), "sources/b/cases/same.md", case("乙局案例", "2024-01-02", ""));
    let o = fanzha(&["check", "--root", tmp.path().to_str().unwrap()]);
    let out = text(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(out.contains("网址 /cases/same/ 被两个文件占用：sources/a/cases/same.md 和 sources/b/cases/same.md"), "{out}");
}

#[test]
fn issue_7_missing_source_folder_names_site_toml_line() {
    let tmp = TempDir::new("sources-missing");
    small_site(tmp.path());
    with_sources(tmp.path(), &[("甲局", "sources/nope")]);
    let o = fanzha(&["check", "--root", tmp.path().to_str().unwrap()]);
    let out = text(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(out.contains("site.toml:6:1: 来源「甲局」的内容目录 sources/nope 不存在"), "{out}");
}

#[test]
fn issue_7_source_is_shown_and_filterable() {
    let tmp = TempDir::new("sources-filter");
    small_site(tmp.path());
    with_sources(tmp.path(), &[("某市司法局", "sources/justice")]);
    write(tmp.path(), "sources/justice/cases/j.md", case("司法局案例", "2024-01-01", ""));
    let out = tmp.path().join("public");
    let o = fanzha(&["build", "--root", tmp.path().to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(main_of(&read(out.join("cases/j/index.html"))).contains("某市司法局"));
    let slug = fanzha::slug::ascii_slug("某市司法局", 24);
    let list = read(out.join(format!("cases/source/{slug}/index.html")));
    assert!(list.contains("司法局案例") && !list.contains("兼职刷单被骗案"));
    assert!(read(out.join("cases/index.html")).contains(&format!("/cases/source/{slug}/")), "source filter link on the cases list");
}

#[test]
fn issue_7_bundled_site_mounts_the_justice_bureau() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    assert!(read(root.join("site.toml")).contains("path = \"sources/justice-bureau\""));
    let cases: Vec<_> = std::fs::read_dir(root.join("sources/justice-bureau/cases")).unwrap().filter_map(Result::ok).collect();
    assert!(cases.len() >= 2);
    for c in cases {
        let t = read(c.path());
        let han = t.split("+++").nth(2).unwrap_or("").chars().filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c)).count();
        assert!(han >= 600, "{}: {han} Han characters", c.path().display());
    }
    let tmp = TempDir::new("bundled");
    let o = fanzha(&["check", "--root", root.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    drop(tmp);
}
