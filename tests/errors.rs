//! Bad input: one small fixture site per error class, built with the real binary. Each test asserts
//! the `file:line:col` and the plain-Chinese message, the exit status, and that the previous output
//! is left byte for byte as it was.

mod common;

use common::*;

const SITE: &str = "title = \"测试站\"\nbase_url = \"https://example.gov.cn/t/\"\n";
const FRAUD: &str = "+++\ntitle = \"刷单返利\"\nsummary = \"先返小钱再骗大钱\"\nweight = 1\n+++\n## 识别要点\n\n- [ ] 要你垫钱\n";
const GUIDE: &str = "+++\ntitle = \"学生防骗指南\"\nsummary = \"给学生\"\n+++\n## 清单\n\n正文。\n";
const CASE: &str = "+++\ntitle = \"小王刷单被骗\"\ndate = 2024-05-01\nsummary = \"刷单\"\nfraud_types = [\"task-rebate\"]\naudiences = [\"students\"]\nlaw_articles = [31]\n+++\n## 案情经过\n\n正文。\n";

/// A minimal valid site with the repository's theme; `files` overlay or replace files in it.
fn fixture(files: &[(&str, &[u8])]) -> TempDir {
    let dir = TempDir::new("fx");
    copy_tree(&repo().join("themes"), &dir.path().join("themes"));
    let base: [(&str, &[u8]); 6] = [
        ("site.toml", SITE.as_bytes()),
        ("content/_index.md", b"+++\ntitle = \"\xe9\xa6\x96\xe9\xa1\xb5\"\n+++\n"),
        ("content/fraud/task-rebate.md", FRAUD.as_bytes()),
        ("content/guides/students.md", GUIDE.as_bytes()),
        ("content/cases/_index.md", b"+++\ntitle = \"\xe6\xa1\x88\xe4\xbe\x8b\"\n+++\n"),
        ("content/cases/good.md", CASE.as_bytes()),
    ];
    for (rel, text) in base.iter().chain(files) {
        write(dir.path(), rel, text);
    }
    dir
}

/// Runs `check` and `build` on the fixture; both must fail with `needle` in their output.
fn fails_with(files: &[(&str, &[u8])], needles: &[&str]) -> String {
    let dir = fixture(files);
    let check = fanzha(&["check"], dir.path());
    assert_eq!(check.code, 1, "check should exit 1:\n{}{}", check.stdout, check.stderr);
    for n in needles {
        assert!(check.stderr.contains(n), "check output lacks {n:?}:\n{}", check.stderr);
    }
    let build = fanzha(&["build"], dir.path());
    assert_eq!(build.code, 1, "build should exit 1:\n{}", build.stderr);
    assert!(!dir.path().join("public").exists(), "a failed build must not create output");
    check.stderr
}

#[test]
fn fixture_base_builds() {
    let dir = fixture(&[]);
    let r = fanzha(&["build"], dir.path());
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("已生成"), "{}", r.stdout);
    assert!(dir.path().join("public/cases/good/index.html").exists());
}

#[test]
fn malformed_toml_front_matter() {
    let bad = "+++\ntitle = \"小王\"\ndate = 2024-05-01\nsummary = \"没有结尾的引号\nfraud_types = [\"task-rebate\"]\n+++\n";
    fails_with(&[("content/cases/bad.md", bad.as_bytes())], &["content/cases/bad.md:4:", "TOML 格式有误", "怎么改"]);
}

#[test]
fn malformed_yaml_front_matter() {
    let bad = "---\ntitle: 小王\ndate: 2024-05-01\nkeywords: [刷单, 兼职\nsummary: x\n---\n";
    fails_with(&[("content/cases/bad.md", bad.as_bytes())], &["content/cases/bad.md:", "YAML 格式有误"]);
}

#[test]
fn unknown_front_matter_key_suggests_the_right_one() {
    let bad = CASE.replace("summary =", "sumary =");
    let out = fails_with(&[("content/cases/bad.md", bad.as_bytes())], &["content/cases/bad.md:4:1: 不认识的字段 sumary", "是不是想写 summary"]);
    assert!(out.contains("缺少必填字段 summary"), "{out}");
}

#[test]
fn unknown_fraud_type_lists_valid_slugs() {
    let bad = CASE.replace("[\"task-rebate\"]", "[\"task-rebat\"]");
    fails_with(
        &[("content/cases/bad.md", bad.as_bytes())],
        &["content/cases/bad.md:5:1: 没有叫「task-rebat」的诈骗类型", "是不是想写 task-rebate", "task-rebate（刷单返利）"],
    );
}

#[test]
fn chinese_title_is_accepted_for_fraud_types() {
    let ok = CASE.replace("[\"task-rebate\"]", "[\"刷单返利\"]").replace("[\"students\"]", "[\"学生防骗指南\"]");
    let dir = fixture(&[("content/cases/zh.md", ok.as_bytes())]);
    let r = fanzha(&["check"], dir.path());
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn law_article_51_says_the_law_has_50() {
    let bad = CASE.replace("[31]", "[31, 51]");
    fails_with(&[("content/cases/bad.md", bad.as_bytes())], &["content/cases/bad.md:7:1:", "没有第 51 条：全法共 50 条"]);
}

#[test]
fn missing_required_field_is_named() {
    let bad = CASE.replace("fraud_types = [\"task-rebate\"]\n", "");
    fails_with(&[("content/cases/bad.md", bad.as_bytes())], &["content/cases/bad.md:1:1: 缺少必填字段 fraud_types", "fraud_types = ["]);
}

#[test]
fn bad_date_shows_the_expected_form() {
    let bad = CASE.replace("2024-05-01", "\"2024-5-1\"");
    fails_with(&[("content/cases/bad.md", bad.as_bytes())], &["content/cases/bad.md:3:1:", "年-月-日"]);
}

#[test]
fn broken_internal_link_names_file_and_line() {
    let bad = format!("{CASE}\n第二段。\n\n见[贷款](@/fraud/fake-loan.md)。\n");
    fails_with(&[("content/cases/bad.md", bad.as_bytes())], &["content/cases/bad.md:15:2: 链接指向的文件不存在：@/fraud/fake-loan.md"]);
}

#[test]
fn broken_anchor_names_file_and_line() {
    let bad = format!("{CASE}\n见[要点](../fraud/task-rebate.md#没有这个标题)。\n");
    fails_with(&[("content/cases/bad.md", bad.as_bytes())], &["content/cases/bad.md:13:2: 链接指向的小标题 #没有这个标题", "识别要点"]);
}

#[test]
fn template_syntax_error_names_template_and_line() {
    let bad = "{% extends \"base.html\" %}\n{% block main %}\n<h1>{{ page.title }</h1>\n{% endblock main %}\n";
    fails_with(&[("templates/cases.html", bad.as_bytes())], &["templates/cases.html:3:", "模板出错"]);
}

#[test]
fn two_files_claiming_one_url() {
    let out = fails_with(&[("content/cases/good/index.md", CASE.as_bytes())], &["网址 /cases/good/ 被两个文件占用"]);
    assert!(out.contains("content/cases/good.md") && out.contains("content/cases/good/index.md"), "{out}");
}

#[test]
fn non_utf8_file() {
    let gbk: &[u8] = b"+++\ntitle = \"\xd0\xa1\xcd\xf5\"\n+++\n";
    fails_with(&[("content/cases/gbk.md", gbk)], &["content/cases/gbk.md:2:", "不是 UTF-8 编码"]);
}

#[test]
fn empty_file() {
    fails_with(&[("content/cases/empty.md", b"")], &["content/cases/empty.md:1:1: 文件是空的"]);
}

#[test]
fn unknown_site_toml_key() {
    let bad = format!("{SITE}titel = \"x\"\n");
    fails_with(&[("site.toml", bad.as_bytes())], &["site.toml:3:1: 不认识的设置项 titel", "是不是想写 title"]);
}

#[test]
fn all_errors_of_a_run_are_reported() {
    let a = CASE.replace("[31]", "[51]");
    let b = CASE.replace("task-rebate", "nope");
    let out =
        fails_with(&[("content/cases/a.md", a.as_bytes()), ("content/cases/b.md", b.as_bytes())], &["content/cases/a.md", "content/cases/b.md"]);
    assert!(out.contains("共 2 处错误"), "{out}");
}

#[test]
fn usage_errors_exit_2() {
    let dir = TempDir::new("usage");
    let r = fanzha(&["build"], dir.path());
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("site.toml"));
    let r = fanzha(&["bulid"], dir.path());
    assert_eq!(r.code, 2);
    let r = fanzha(&["build", "--help"], dir.path());
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains("--output"));
}

#[test]
fn output_folder_may_not_swallow_the_site() {
    let dir = fixture(&[]);
    let r = fanzha(&["build", "--output", "."], dir.path());
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(dir.path().join("content/cases/good.md").exists());
}

#[test]
fn failed_build_leaves_previous_output_untouched() {
    let dir = fixture(&[]);
    assert_eq!(fanzha(&["build"], dir.path()).code, 0);
    let before = snapshot(&dir.path().join("public"));
    write(dir.path(), "content/cases/good.md", CASE.replace("[31]", "[99]"));
    write(dir.path(), "content/cases/new.md", CASE);
    let r = fanzha(&["build"], dir.path());
    assert_eq!(r.code, 1);
    let after = snapshot(&dir.path().join("public"));
    assert!(before == after, "the previous output changed after a failed build");
    assert_eq!(fanzha(&["build"], dir.path()).code, 1, "a second failed build changes nothing either");
    assert!(before == snapshot(&dir.path().join("public")), "the previous output changed after a second failed build");
}

#[test]
fn successful_build_leaves_no_stale_file() {
    let dir = fixture(&[("content/cases/old.md", CASE.as_bytes())]);
    assert_eq!(fanzha(&["build"], dir.path()).code, 0);
    assert!(dir.path().join("public/cases/old/index.html").exists());
    std::fs::remove_file(dir.path().join("content/cases/old.md")).unwrap();
    for _ in 0..3 {
        assert_eq!(fanzha(&["build"], dir.path()).code, 0);
        assert!(!dir.path().join("public/cases/old/index.html").exists());
        assert!(!dir.path().join("public/cases/old").exists(), "an emptied folder survived");
    }
    let fresh = TempDir::new("fresh");
    let r = fanzha(&["build", "--output", fresh.path().join("out").to_str().unwrap()], dir.path());
    assert_eq!(r.code, 0);
    assert!(
        snapshot(&dir.path().join("public")) == snapshot(&fresh.path().join("out")),
        "reused staging folder gives other output than a fresh build"
    );
}

#[test]
fn raw_html_is_escaped_unless_allowed() {
    let body = format!("{CASE}\n<script>alert(1)</script>\n");
    let dir = fixture(&[("content/cases/x.md", body.as_bytes())]);
    assert_eq!(fanzha(&["build"], dir.path()).code, 0);
    let html = std::fs::read_to_string(dir.path().join("public/cases/x/index.html")).unwrap();
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;") && !html.contains("<script>alert(1)"));
    write(dir.path(), "site.toml", format!("{SITE}unsafe_html = true\n"));
    assert_eq!(fanzha(&["build"], dir.path()).code, 0);
    let html = std::fs::read_to_string(dir.path().join("public/cases/x/index.html")).unwrap();
    assert!(html.contains("<script>alert(1)</script>"));
}

#[test]
fn drafts_and_future_pages_wait() {
    let draft = CASE.replace("+++\n## ", "draft = true\n+++\n## ");
    let future = CASE.replace("2024-05-01", "2030-01-01");
    let dir = fixture(&[("content/cases/draft.md", draft.as_bytes()), ("content/cases/future.md", future.as_bytes())]);
    assert_eq!(fanzha(&["build"], dir.path()).code, 0);
    assert!(!dir.path().join("public/cases/draft/index.html").exists());
    assert!(!dir.path().join("public/cases/future/index.html").exists());
    assert_eq!(fanzha(&["build", "--drafts"], dir.path()).code, 0);
    assert!(dir.path().join("public/cases/draft/index.html").exists());
    assert!(dir.path().join("public/cases/future/index.html").exists());
}

#[test]
fn folder_pages_keep_their_images_beside_them() {
    let body = format!("{CASE}\n![现场照片](photo.png)\n");
    let dir = fixture(&[("content/cases/pic/index.md", body.as_bytes()), ("content/cases/pic/photo.png", b"\x89PNG\r\n\x1a\n")]);
    let r = fanzha(&["build"], dir.path());
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(std::fs::read(dir.path().join("public/cases/pic/photo.png")).unwrap(), b"\x89PNG\r\n\x1a\n");
    let html = std::fs::read_to_string(dir.path().join("public/cases/pic/index.html")).unwrap();
    assert!(html.contains("src=\"photo.png\""), "the image link stays relative to its page");
}

#[test]
fn a_site_chrome_fragment_overrides_the_theme_on_every_page() {
    let footer = "<footer class=\"site-footer\"><p>某县反诈中心 编</p><p>{{ site.title }}</p></footer>\n";
    let dir = fixture(&[("templates/chrome/footer.html", footer.as_bytes())]);
    let r = fanzha(&["build"], dir.path());
    assert_eq!(r.code, 0, "{}", r.stderr);
    for page in ["index.html", "cases/good/index.html", "fraud/task-rebate/index.html", "search/index.html", "404.html"] {
        let html = std::fs::read_to_string(dir.path().join("public").join(page)).expect(page);
        assert!(html.contains("<p>某县反诈中心 编</p><p>测试站</p></footer>\n</body>"), "{page}: the site's footer is missing:\n{html}");
        assert!(html.contains("<nav class=\"main-nav\""), "{page}: the theme's navigation is missing");
    }
}

#[test]
fn an_error_in_a_chrome_fragment_names_the_template_and_keeps_the_output() {
    let dir = fixture(&[]);
    assert_eq!(fanzha(&["build"], dir.path()).code, 0);
    let before = snapshot(&dir.path().join("public"));
    write(dir.path(), "templates/chrome/nav.html", "<nav>{{ site.no_such_menu.items }}</nav>\n");
    let r = fanzha(&["build"], dir.path());
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("templates/chrome/nav.html") && r.stderr.contains("模板出错"), "{}", r.stderr);
    assert!(snapshot(&dir.path().join("public")) == before, "a failed build must leave the output as it was");
}

#[test]
fn a_site_card_fragment_is_rendered_once_per_page_and_shown_in_every_list() {
    let card = "<li class=\"card\"><a href=\"{{ p.url }}\">{{ p.title }}</a> 自定义卡片</li>\n";
    let dir = fixture(&[("templates/cards/case-h2.html", card.as_bytes())]);
    let r = fanzha(&["build"], dir.path());
    assert_eq!(r.code, 0, "{}", r.stderr);
    let want = "<li class=\"card\"><a href=\"/t/cases/good/\">小王刷单被骗</a> 自定义卡片</li>";
    for list in ["cases/index.html", "cases/fraud/task-rebate/index.html", "cases/audience/students/index.html", "cases/law/31/index.html"] {
        let html = std::fs::read_to_string(dir.path().join("public").join(list)).expect(list);
        assert!(html.contains(want), "{list}: the site's card is missing:\n{html}");
    }
    // the theme's other card (under a section heading) is untouched
    let fraud = std::fs::read_to_string(dir.path().join("public/fraud/task-rebate/index.html")).expect("fraud page");
    assert!(fraud.contains("<h3 class=\"card-title\"><a href=\"/t/cases/good/\">小王刷单被骗</a></h3>"), "{fraud}");
}

#[test]
fn empty_title_or_summary_names_file_and_line() {
    let bad = CASE.replace("summary = \"刷单\"", "summary = \"  \"");
    fails_with(&[("content/cases/bad.md", bad.as_bytes())], &["content/cases/bad.md:4:1: 摘要（summary）是空的", "怎么改"]);
    let bad = CASE.replace("title = \"小王刷单被骗\"", "title = \"\"");
    fails_with(&[("content/cases/bad.md", bad.as_bytes())], &["content/cases/bad.md:2:1: 标题是空的", "怎么改"]);
}
