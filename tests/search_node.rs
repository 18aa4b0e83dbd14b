//! The search client (`search.js`) run under Node against real index files: the shared tokenizer
//! fixture and hand-made pages (tests/search/node/run.js), and 50 queries typed as residents type
//! them against the bundled site (tests/search/queries.json through tests/search/node/rank.js).
//! Node is needed; without it these tests skip with a reason, unless FANZHA_REQUIRE_BROWSER=1.

mod common;

use std::process::Command;

use common::*;

fn node() -> bool {
    let ok = Command::new("node").arg("--version").output().is_ok_and(|o| o.status.success());
    if !ok {
        assert!(std::env::var("FANZHA_REQUIRE_BROWSER").as_deref() != Ok("1"), "node is required (FANZHA_REQUIRE_BROWSER=1) but missing");
        eprintln!("skipped: node is not installed");
    }
    ok
}

fn run_node(args: &[&str]) {
    let out = Command::new("node").args(args).current_dir(repo()).output().expect("run node");
    let stdout = String::from_utf8_lossy(&out.stdout);
    eprintln!("{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "node {args:?} failed:\n{stdout}");
}

#[derive(serde::Deserialize)]
struct Fixture {
    labels: std::collections::BTreeMap<String, String>,
    docs: Vec<fanzha::search::SearchDoc>,
}

#[test]
fn issue_5_client_on_fixture_index() {
    if !node() {
        return;
    }
    let fixture: Fixture = serde_json::from_str(include_str!("search/fixture-docs.json")).expect("fixture");
    let files = fanzha::search::build_index(&fixture.docs, &fanzha::search::SearchOptions { facet_labels: fixture.labels });
    let dir = TempDir::new("fx-index");
    for f in &files {
        write(dir.path(), &f.path, &f.bytes);
    }
    run_node(&["tests/search/node/run.js", dir.path().to_str().expect("utf-8 path")]);
}

#[test]
fn issue_5_resident_queries_find_the_right_page() {
    if !node() {
        return;
    }
    let dir = TempDir::new("rank");
    let mut opts = fanzha::Options::new(repo());
    opts.output = dir.path().join("out");
    fanzha::build(&opts).expect("bundled site builds");
    let queries: Vec<serde_json::Value> = serde_json::from_str(include_str!("search/queries.json")).expect("queries");
    assert!(queries.len() >= 40, "at least 40 realistic queries");
    run_node(&["tests/search/node/rank.js", dir.path().join("out").to_str().expect("utf-8"), "tests/search/queries.json"]);
}
