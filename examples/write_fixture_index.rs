//! Writes the index of the hand-made fixture pages (`tests/fixture-docs.json`) to a
//! directory, so the Node harness can run real queries through `search.js`
//! against real index files: `cargo run --example write_fixture_index -- DIR`.

use fanzha::search::{build_index, SearchDoc, SearchOptions};
use std::collections::BTreeMap;
use std::path::Path;

#[derive(serde::Deserialize)]
struct Fixture {
    labels: BTreeMap<String, String>,
    docs: Vec<SearchDoc>,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = std::env::args().nth(1).ok_or("usage: write_fixture_index DIR")?;
    let fixture: Fixture = serde_json::from_str(include_str!("../tests/search/fixture-docs.json"))?;
    let opts = SearchOptions { facet_labels: fixture.labels };
    let files = build_index(&fixture.docs, &opts);
    let out = Path::new(&out);
    if out.exists() {
        std::fs::remove_dir_all(out)?;
    }
    for f in &files {
        let p = out.join(&f.path);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(p, &f.bytes)?;
    }
    println!("{} files written to {}", files.len(), out.display());
    Ok(())
}
