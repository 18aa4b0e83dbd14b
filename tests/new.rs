//! Issue 7: `fanzha new` scaffolds a file that passes `check` once its body is written, and never
//! overwrites.

mod support;

use support::*;

#[test]
fn issue_7_new_case_then_body_passes_check() {
    let tmp = TempDir::new("new");
    small_site(tmp.path());
    let root = tmp.path().to_str().unwrap();
    let args = [
        "new",
        "cases",
        "大学生兼职刷单被骗",
        "--root",
        root,
        "--fraud-type",
        "刷单返利",
        "--audience",
        "students",
        "--law",
        "20,38",
        "--region",
        "河南省某市",
        "--source",
        "某市公安局反诈中心",
        "--date",
        "2024-05-01",
    ];
    let o = fanzha(&args);
    assert!(o.status.success(), "{}", text(&o));
    let rel = format!("content/cases/{}.md", fanzha::slug::ascii_slug("大学生兼职刷单被骗", 16));
    let rel = rel.as_str();
    assert!(text(&o).contains(rel), "{}", text(&o));
    let path = tmp.path().join(rel);
    let t = read(&path);
    for want in [
        "title = \"大学生兼职刷单被骗\"",
        "date = 2024-05-01",
        "fraud_types = [\"刷单返利\"]",
        "audiences = [\"students\"]",
        "law_articles = [20, 38]",
        "region = \"河南省某市\"",
        "source = \"某市公安局反诈中心\"",
        "## 案情经过",
        "## 手法分析",
        "## 警方提示",
        "*本案改编自典型案例，人物均为化名。*",
    ] {
        assert!(t.contains(want), "missing {want}:\n{t}");
    }
    let again = fanzha(&args);
    assert_eq!(again.status.code(), Some(2));
    assert!(text(&again).contains("已经存在，没有覆盖"), "{}", text(&again));
    assert_eq!(read(&path), t, "not overwritten");

    let unfilled = fanzha(&["check", "--root", root]);
    assert_eq!(unfilled.status.code(), Some(1), "a note whose summary is still empty must not pass check");
    assert!(text(&unfilled).contains("摘要（summary）是空的"), "{}", text(&unfilled));

    let filled = t
        .replace(
            "（写清时间、经过和损失。人物用化名，如“小李”“王阿姨”；地点写到“某市”“某县”为止；不要写真实姓名、电话、身份证号、银行卡号、车牌号。）",
            "小李在群里接了点赞兼职，先拿到返款，后来垫付八千元被骗。",
        )
        .replace("summary = \"\"", "summary = \"大学生兼职刷单被骗八千元。\"");
    std::fs::write(&path, filled).unwrap();
    let o = fanzha(&["check", "--root", root]);
    assert!(o.status.success(), "{}", text(&o));
}

#[test]
fn issue_7_new_refuses_unknown_section_and_missing_title() {
    let tmp = TempDir::new("new-bad");
    small_site(tmp.path());
    let root = tmp.path().to_str().unwrap();
    let o = fanzha(&["new", "case", "标题", "--root", root]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("cases"), "suggests cases: {}", text(&o));
    let o = fanzha(&["new", "cases", "--root", root]);
    assert_eq!(o.status.code(), Some(2), "no terminal, no title");
    assert!(text(&o).contains("缺少标题"));
}
