//! Issue 7: every kind of personal data stops `fanzha check` with the exact file:line:column and
//! the value masked, never in full; the allow list and the line marker let public numbers through.
//! The numbers are generated here (valid ID check characters, Luhn check digits).

mod support;

use support::*;

fn id18(first17: &str) -> String {
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = first17.bytes().zip(W).map(|(b, w)| u32::from(b - b'0') * w).sum();
    let check = b"10X98765432"[(sum % 11) as usize] as char;
    format!("{first17}{check}")
}

fn luhn(prefix: &str) -> String {
    for d in 0..10 {
        let s = format!("{prefix}{d}");
        let sum: u32 = s
            .bytes()
            .rev()
            .enumerate()
            .map(|(i, b)| {
                let v = u32::from(b - b'0');
                if i % 2 == 1 {
                    let x = v * 2;
                    if x > 9 {
                        x - 9
                    } else {
                        x
                    }
                } else {
                    v
                }
            })
            .sum();
        if sum.is_multiple_of(10) {
            return s;
        }
    }
    unreachable!()
}

/// A site whose case has `line` as body line 3 of the body (file line 12).
fn site_with(line: &str, allow: &str) -> TempDir {
    let tmp = TempDir::new("privacy");
    small_site(tmp.path());
    write(tmp.path(), "site.toml", format!("title = \"测试站\"\nbase_url = \"https://example.gov.cn/\"\n\n[privacy]\nallow = [{allow}]\n"));
    let text = format!(
        "+++\ntitle = \"案例\"\ndate = 2024-03-01\nsummary = \"摘要。\"\nfraud_types = [\"刷单返利\"]\naudiences = [\"students\"]\nlaw_articles = [20]\n+++\n\n## 案情经过\n\n{line}\n"
    );
    write(tmp.path(), "content/cases/a.md", &text);
    tmp
}

fn check(tmp: &TempDir) -> (i32, String) {
    let o = fanzha(&["check", "--root", tmp.path().to_str().unwrap()]);
    (o.status.code().unwrap_or(-1), text(&o))
}

#[test]
fn issue_7_every_kind_reported_with_place_and_mask() {
    let id = id18("11010519491231002");
    let id15 = "110105491231002".to_string();
    let card = luhn("622202123456789");
    let cases: Vec<(&str, String, &str, String)> = vec![
        ("受害人身份证号", id.clone(), "身份证号码", format!("110***********{}", &id[14..])),
        ("旧身份证号", id15.clone(), "身份证号码", format!("110********{}", &id15[11..])),
        ("手机号", "13812345678".into(), "手机号码", "138****5678".into()),
        ("家里电话", "0531-88886666".into(), "固定电话号码", "053*****6666".into()),
        ("银行卡号", card.clone(), "银行卡号", format!("622*********{}", &card[12..])),
        ("邮箱", "zhangsan@example.com".into(), "电子邮箱地址", "z***@example.com".into()),
        ("车牌", "鲁A12345".into(), "车牌号码", "鲁A***45".into()),
    ];
    for (prefix, value, label, masked) in cases {
        let line = format!("{prefix}{value}。");
        let tmp = site_with(&line, "");
        let (code, out) = check(&tmp);
        assert_eq!(code, 1, "{line}: {out}");
        let col = prefix.chars().count() + 1;
        let expect = format!("content/cases/a.md:12:{col}: 发现{label}「{masked}」：个人信息不能公开发布");
        assert!(out.contains(&expect), "{line}: expected {expect}\n{out}");
        assert!(!out.contains(&value), "{line}: full value printed\n{out}");
        assert!(out.contains("怎么改:"), "{out}");
    }
}

#[test]
fn issue_7_landline_mask_hides_the_middle() {
    let tmp = site_with("家里电话0531-88886666。", "");
    let (_, out) = check(&tmp);
    let masked = out.split("发现固定电话号码「").nth(1).and_then(|r| r.split('」').next()).unwrap_or("");
    assert!(masked.contains('*') && !masked.contains("88886666"), "{out}");
}

#[test]
fn issue_7_allow_list_and_marker_let_public_numbers_through() {
    let tmp = site_with("派出所办公电话0531-88886666。", "\"0531-88886666\"");
    let (code, out) = check(&tmp);
    assert_eq!(code, 0, "{out}");
    let tmp = site_with("派出所办公电话0531-88886666。<!-- privacy:allow -->", "");
    let (code, out) = check(&tmp);
    assert_eq!(code, 0, "{out}");
    let tmp = site_with("反诈专线96110，报警110。", "");
    assert_eq!(check(&tmp).0, 0);
}
