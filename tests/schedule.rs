//! Issue 7: scheduled, expiring and alert content judged against `FANZHA_TODAY`.

mod support;

use support::*;

fn site() -> TempDir {
    let tmp = TempDir::new("schedule");
    small_site(tmp.path());
    write(tmp.path(), "content/cases/future.md", case("未来的案例", "2024-06-01", ""));
    write(tmp.path(), "content/cases/old-alert.md", case("过期预警", "2024-01-10", "alert = true\nexpires = 2024-05-01\n"));
    write(tmp.path(), "content/cases/live-alert.md", case("当前预警", "2024-01-11", "alert = true\n"));
    tmp
}

fn build(tmp: &TempDir, today: &str, drafts: bool) -> std::path::PathBuf {
    let root = tmp.path().to_str().unwrap();
    let mut args = vec!["build", "--root", root];
    if drafts {
        args.push("--drafts");
    }
    let o = fanzha_env(&args, &[("FANZHA_TODAY", today)]);
    assert!(o.status.success(), "{}", text(&o));
    tmp.path().join("public")
}

#[test]
fn issue_7_future_page_waits_for_its_date_unless_drafts() {
    let tmp = site();
    let out = build(&tmp, "2024-05-31", false);
    assert!(!out.join("cases/future/index.html").exists());
    assert!(!read(out.join("cases/index.html")).contains("未来的案例"));
    let out = build(&tmp, "2024-05-31", true);
    assert!(out.join("cases/future/index.html").exists());
    let out = build(&tmp, "2024-06-01", false);
    assert!(read(out.join("cases/index.html")).contains("未来的案例"));
}

#[test]
fn issue_7_expired_page_is_off_lists_and_marked() {
    let tmp = site();
    let out = build(&tmp, "2024-04-30", false);
    assert!(read(out.join("cases/index.html")).contains("过期预警"));
    assert!(!main_of(&read(out.join("cases/old-alert/index.html"))).contains("已过期"));
    let out = build(&tmp, "2024-05-02", false);
    assert!(!read(out.join("cases/index.html")).contains("过期预警"), "off the list");
    assert!(main_of(&read(out.join("cases/old-alert/index.html"))).contains("已过期"), "page kept, marked");
}

#[test]
fn issue_7_alert_banner_until_expiry() {
    let tmp = site();
    let home = |out: std::path::PathBuf| {
        let h = read(out.join("index.html"));
        let start = h.find("alert-banner").unwrap_or(h.len());
        h[start..].split("</section>").next().unwrap_or("").to_string()
    };
    let banner = home(build(&tmp, "2024-04-30", false));
    assert!(banner.contains("过期预警") && banner.contains("当前预警"), "{banner}");
    let banner = home(build(&tmp, "2024-05-02", false));
    assert!(!banner.contains("过期预警") && banner.contains("当前预警"), "{banner}");
}
