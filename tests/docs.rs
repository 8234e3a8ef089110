//! Staleness test: `docs/` must hold exactly what `sqlgate::docs::generated_docs()` produces.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

const REGENERATE: &str = "docs are stale: run `cargo run -- rules --write-docs docs`";

fn docs_dir() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/docs"))
}

#[test]
fn generated_docs_are_up_to_date() {
    let mut stale = Vec::new();
    for (relative, contents) in sqlgate::docs::generated_docs() {
        match fs::read_to_string(docs_dir().join(&relative)) {
            Ok(on_disk) if on_disk == contents => {}
            Ok(_) => stale.push(format!("docs/{relative} differs")),
            Err(e) => stale.push(format!("docs/{relative} is missing ({e})")),
        }
    }
    assert!(stale.is_empty(), "{REGENERATE}\n{}", stale.join("\n"));
}

#[test]
fn no_rule_page_without_a_rule() {
    let generated: BTreeSet<String> = sqlgate::docs::generated_docs()
        .into_iter()
        .map(|(relative, _)| relative)
        .collect();
    let Ok(entries) = fs::read_dir(docs_dir().join("rules")) else {
        panic!("{REGENERATE}\ndocs/rules/ is missing");
    };
    let extra: Vec<String> = entries
        .filter_map(Result::ok)
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .filter(|name| name.ends_with(".md"))
        .map(|name| format!("rules/{name}"))
        .filter(|relative| !generated.contains(relative))
        .collect();
    assert!(
        extra.is_empty(),
        "{REGENERATE}\nthese pages are not generated from any rule (delete them): {}",
        extra
            .iter()
            .map(|r| format!("docs/{r}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
}

#[test]
fn readme_rule_table_is_generated_and_fresh() {
    let readme =
        fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).expect("README.md");
    let Some(on_disk) = sqlgate::docs::readme_rules_section(&readme) else {
        panic!(
            "README.md lacks the rule table markers `{}` ... `{}`; add them where the table goes, \
             then run `cargo run -- rules --write-docs docs`",
            sqlgate::docs::README_RULES_BEGIN,
            sqlgate::docs::README_RULES_END
        );
    };
    assert!(
        on_disk == sqlgate::docs::readme_rules_block(),
        "README.md's rule table is stale: run `cargo run -- rules --write-docs docs`"
    );
}
