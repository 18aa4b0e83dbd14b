//! Issue 7: after every kind of edit, `serve`'s incremental rebuild leaves exactly the files a
//! full `build` writes, byte for byte, and writes only the files that changed.

mod support;

use std::collections::BTreeMap;
use std::path::Path;

use fanzha::serve::Rebuilder;
use fanzha::Options;
use support::*;

fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| (e.path().strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/"), std::fs::read(e.path()).unwrap()))
        .collect()
}

fn options(root: &Path, out: &Path) -> Options {
    let mut o = Options::new(root);
    o.output = out.to_path_buf();
    o.base_url = Some("http://127.0.0.1:1111/".into());
    o.today = fanzha::model::Date::parse("2025-01-01");
    o
}

fn assert_same_as_full_build(root: &Path, tmp: &Path, served: &Path, step: &str) {
    let full = tmp.join("full");
    fanzha::build(&options(root, &full)).unwrap_or_else(|e| panic!("{step}: {e}"));
    let (a, b) = (files(&full), files(served));
    let only_full: Vec<_> = a.keys().filter(|k| !b.contains_key(*k)).collect();
    let only_served: Vec<_> = b.keys().filter(|k| !a.contains_key(*k)).collect();
    assert!(only_full.is_empty() && only_served.is_empty(), "{step}: only in build {only_full:?}, only in serve {only_served:?}");
    for (k, v) in &a {
        assert!(v == &b[k], "{step}: {k} differs");
    }
}

#[test]
fn issue_7_incremental_rebuild_equals_full_build() {
    let tmp = TempDir::new("incremental");
    let root = tmp.path().join("site");
    small_site(&root);
    write(&root, "content/cases/b.md", case("第二个案例", "2024-02-01", ""));
    write(&root, "static/extra.css", "p { color: red; }\n");
    let served = tmp.path().join("served");
    std::fs::create_dir_all(&served).unwrap();
    let mut r = Rebuilder::new(options(&root, &served));
    let first = r.rebuild().unwrap();
    assert!(first.changed.len() > 20);
    assert_same_as_full_build(&root, tmp.path(), &served, "first build");

    let again = r.rebuild().unwrap();
    assert!(again.changed.is_empty() && again.removed.is_empty(), "nothing changed: {:?}", again.changed);

    let a = root.join("content/cases/a.md");
    std::fs::write(&a, read(&a).replace("先拿到小额返款", "先拿到十元返款")).unwrap();
    let o = r.rebuild().unwrap();
    assert!(o.changed.contains(&"cases/a/index.html".to_string()), "{:?}", o.changed);
    assert!(!o.changed.iter().any(|c| c.starts_with("cases/b/")), "{:?}", o.changed);
    assert_same_as_full_build(&root, tmp.path(), &served, "body edit");

    std::fs::write(&a, read(&a).replace("兼职刷单被骗案", "兼职刷单被骗案（更新）")).unwrap();
    r.rebuild().unwrap();
    assert_same_as_full_build(&root, tmp.path(), &served, "title edit");

    write(&root, "content/cases/c.md", case("新案例", "2024-04-01", "alert = true\n"));
    r.rebuild().unwrap();
    assert_same_as_full_build(&root, tmp.path(), &served, "new file");

    std::fs::remove_file(root.join("content/cases/b.md")).unwrap();
    let o = r.rebuild().unwrap();
    assert!(o.removed.contains(&"cases/b/index.html".to_string()));
    assert_same_as_full_build(&root, tmp.path(), &served, "deleted file");

    // A broken file changes nothing on disk; fixing it brings the site up to date.
    let before = files(&served);
    std::fs::write(&a, "+++\ntitle = \n+++\n").unwrap();
    assert!(r.rebuild().is_err());
    assert!(files(&served) == before, "a failed rebuild leaves the output alone");
    std::fs::write(&a, case("修好了", "2024-03-01", "")).unwrap();
    r.rebuild().unwrap();
    assert_same_as_full_build(&root, tmp.path(), &served, "fixed file");

    write(&root, "static/extra.css", "p { color: blue; }\n");
    let o = r.rebuild().unwrap();
    assert!(o.css_only(), "{:?}", o.changed);
    let tpl = root.join("themes/default/templates/cases.html");
    std::fs::write(&tpl, read(&tpl).replace("{% block main %}", "{% block main %}<!-- changed -->")).unwrap();
    r.rebuild().unwrap();
    assert_same_as_full_build(&root, tmp.path(), &served, "template edit");
    // cards are kept between rebuilds; a change to the card's macro must still reach every list
    let macros = root.join("themes/default/templates/macros.html");
    std::fs::write(&macros, read(&macros).replace("<li class=\"card case-card\">", "<li class=\"card case-card edited\">")).unwrap();
    r.rebuild().unwrap();
    assert!(read(served.join("cases/index.html")).contains("case-card edited"), "card edit must show in the case list");
    assert_same_as_full_build(&root, tmp.path(), &served, "card macro edit");
    std::fs::write(root.join("site.toml"), read(root.join("site.toml")).replace("测试站", "测试站二")).unwrap();
    r.rebuild().unwrap();
    assert_same_as_full_build(&root, tmp.path(), &served, "site.toml edit");
}
