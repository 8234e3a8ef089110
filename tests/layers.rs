//! The workspace's layering (docs/ARCHITECTURE.md), checked from the sources themselves:
//! crates depend only on crates below them, each heavy dependency stays in one crate, and no
//! circle of imports forms between the modules of the workspace.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// The crates bottom-up, in pipeline order: each may depend only on those before it.
const LAYERS: &[&str] = &[
    "sqlgate_core",
    "sqlgate_sql",
    "sqlgate_config",
    "sqlgate_discover",
    "sqlgate_lint",
    "sqlgate_gate",
    "sqlgate_report",
    "sqlgate_github",
    "sqlgate_replay",
    "sqlgate",
];

/// Dependencies that stay behind exactly one crate.
const CONFINED: &[(&str, &str)] = &[
    ("sqlparser", "sqlgate_sql"),
    ("miette", "sqlgate_report"),
    ("octocrab", "sqlgate_github"),
    ("postgres", "sqlgate_replay"),
];

fn crate_dir(name: &str) -> PathBuf {
    if name == "sqlgate" {
        PathBuf::from(ROOT)
    } else {
        Path::new(ROOT).join("crates").join(name)
    }
}

fn manifest(name: &str) -> toml::Table {
    let path = crate_dir(name).join("Cargo.toml");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    text.parse().unwrap_or_else(|e| panic!("{path:?}: {e}"))
}

/// Names in a dependency table of a manifest.
fn dependencies(manifest: &toml::Table, table: &str) -> Vec<String> {
    manifest
        .get(table)
        .and_then(|t| t.as_table())
        .map(|t| t.keys().cloned().collect())
        .unwrap_or_default()
}

#[test]
fn every_crate_of_the_workspace_is_a_layer() {
    let mut found: Vec<String> = std::fs::read_dir(Path::new(ROOT).join("crates"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    found.push("sqlgate".to_string());
    found.sort();
    let mut layers: Vec<String> = LAYERS.iter().map(|s| s.to_string()).collect();
    layers.sort();
    assert_eq!(
        found, layers,
        "add the new crate to LAYERS and docs/ARCHITECTURE.md"
    );
}

#[test]
fn the_actions_build_cache_covers_every_crate() {
    // action.yml caches the binary it builds under a hash of the sources: a crate left out
    // of the hash would let a stale binary run after that crate changed.
    let action = std::fs::read_to_string(Path::new(ROOT).join("action.yml")).unwrap();
    let line = action
        .lines()
        .find(|l| l.contains("hash=$(find "))
        .expect("action.yml fingerprints the sources with find");
    let inputs: Vec<&str> = line
        .split("find ")
        .nth(1)
        .and_then(|rest| rest.split(" -type").next())
        .unwrap_or("")
        .split_whitespace()
        .collect();
    for name in LAYERS {
        let dir = crate_dir(name);
        let relative = dir.strip_prefix(ROOT).unwrap();
        let top = relative
            .iter()
            .next()
            .map(|c| c.to_string_lossy().into_owned());
        match top {
            // The root package: its manifest and its sources.
            None => assert!(
                inputs.contains(&"Cargo.toml") && inputs.contains(&"src"),
                "{line}"
            ),
            Some(top) => assert!(inputs.contains(&top.as_str()), "{name} not in: {line}"),
        }
    }
    assert!(inputs.contains(&"Cargo.lock"), "{line}");
}

#[test]
fn crates_depend_only_on_layers_below_them() {
    for (level, name) in LAYERS.iter().enumerate() {
        let manifest = manifest(name);
        for table in ["dependencies", "dev-dependencies", "build-dependencies"] {
            for dep in dependencies(&manifest, table) {
                if let Some(dep_level) = LAYERS.iter().position(|l| *l == dep) {
                    assert!(
                        dep_level < level,
                        "{name} depends on {dep} ({table}), which is not below it: {LAYERS:?}"
                    );
                }
            }
        }
    }
}

#[test]
fn heavy_dependencies_stay_behind_one_crate() {
    for (dependency, owner) in CONFINED {
        let users: Vec<&str> = LAYERS
            .iter()
            .copied()
            .filter(|name| {
                let manifest = manifest(name);
                ["dependencies", "dev-dependencies", "build-dependencies"]
                    .iter()
                    .any(|t| dependencies(&manifest, t).iter().any(|d| d == dependency))
            })
            .collect();
        assert_eq!(users, [*owner], "{dependency}");
        // And no source outside that crate names it.
        for name in LAYERS.iter().filter(|n| *n != owner) {
            for file in rust_files(&crate_dir(name).join("src")) {
                let code = code_only(&std::fs::read_to_string(&file).unwrap());
                assert!(
                    !code.contains(&format!("{dependency}::")),
                    "{} uses {dependency}, which belongs to {owner}",
                    file.display()
                );
            }
        }
    }
}

#[test]
fn no_circle_of_imports_between_modules() {
    let graph = module_graph();
    // Sanity: the graph sees the imports it is meant to see.
    assert!(graph[&node("sqlgate_lint", "engine")].contains(&node("sqlgate_lint", "rules")));
    assert!(graph[&node("sqlgate_sql", "analyze")].contains(&node("sqlgate_sql", "split")));
    assert!(graph[&node("sqlgate_discover", "model")].contains(&node("sqlgate_config", "glob")));
    // Every circle, not only the first: each is cut at its last edge and the search goes on.
    let mut remaining = graph.clone();
    let mut circles = Vec::new();
    while let Some(circle) = find_circle(&remaining) {
        let parse = |s: &String| {
            let (k, m) = s.split_once("::").unwrap_or((s, ""));
            node(k, m)
        };
        let (from, to) = (&circle[circle.len() - 2], &circle[circle.len() - 1]);
        if let Some(edges) = remaining.get_mut(&parse(from)) {
            edges.remove(&parse(to));
        }
        circles.push(circle.join(" -> "));
    }
    assert!(
        circles.is_empty(),
        "modules import one another in circles:\n{}",
        circles.join("\n")
    );
}

#[test]
fn the_circle_finder_finds_circles() {
    let mut graph: Graph = BTreeMap::new();
    graph
        .entry(node("a", "x"))
        .or_default()
        .insert(node("a", "y"));
    graph
        .entry(node("a", "y"))
        .or_default()
        .insert(node("b", "lib"));
    assert_eq!(find_circle(&graph), None);
    graph
        .entry(node("b", "lib"))
        .or_default()
        .insert(node("a", "x"));
    assert_eq!(
        find_circle(&graph),
        Some(vec![
            "a::x".to_string(),
            "a::y".to_string(),
            "b::lib".to_string(),
            "a::x".to_string()
        ])
    );
}

#[test]
fn imports_are_read_from_use_trees_and_paths() {
    let code = code_only(
        "use crate::{a::X, b, c::{self, d::Y}};\nuse super::e;\n\
         // crate::comment::Z\nlet s = \"crate::string\"; sqlgate_sql::lexer::tokens(x);\n\
         walk::files(); other::thing();\n\
         #[cfg(all(test, unix))]\nmod tests {\n    use crate::test_only;\n}\n",
    );
    let children = BTreeSet::from(["walk".to_string()]);
    let paths = referenced_paths(&code, &children);
    for expected in [
        "crate::a::X",
        "crate::b",
        "crate::c",
        "crate::c::d::Y",
        "super::e",
    ] {
        assert!(
            paths.iter().any(|p| p == expected),
            "{expected} in {paths:?}"
        );
    }
    assert!(paths.iter().any(|p| p.starts_with("sqlgate_sql::lexer")));
    assert!(paths.iter().any(|p| p == "walk::files"));
    assert!(!paths.iter().any(|p| p.starts_with("other")));
    assert!(!paths
        .iter()
        .any(|p| p.contains("comment") || p.contains("string")));
    assert!(!paths.iter().any(|p| p.contains("test_only")));
}

type Node = (String, String);
type Graph = BTreeMap<Node, BTreeSet<Node>>;

fn node(krate: &str, module: &str) -> Node {
    (krate.to_string(), module.to_string())
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.unwrap();
        if entry.file_type().is_file() && entry.path().extension().is_some_and(|e| e == "rs") {
            files.push(entry.into_path());
        }
    }
    files
}

/// The top-level modules of a crate's `src/` (files and directories), `lib` for the root.
fn top_modules(src: &Path) -> BTreeSet<String> {
    std::fs::read_dir(src)
        .unwrap()
        .filter_map(|e| {
            let e = e.unwrap();
            let name = e.file_name().to_string_lossy().into_owned();
            if e.file_type().unwrap().is_dir() {
                (name != "snapshots").then_some(name)
            } else {
                name.strip_suffix(".rs").map(str::to_string)
            }
        })
        .filter(|m| m != "lib" && m != "main")
        .collect()
}

/// Every module's imports, as edges between top-level modules (`crate::lib` stands for the
/// crate root). Test code is left out: tests may reach anywhere.
fn module_graph() -> Graph {
    let modules: BTreeMap<&str, BTreeSet<String>> = LAYERS
        .iter()
        .map(|name| (*name, top_modules(&crate_dir(name).join("src"))))
        .collect();
    let target = |krate: &str, first: Option<&str>| -> Node {
        match first {
            Some(m) if modules[krate].contains(m) => node(krate, m),
            _ => node(krate, "lib"),
        }
    };
    let mut graph: Graph = BTreeMap::new();
    for name in LAYERS {
        let src = crate_dir(name).join("src");
        // Test modules in files of their own (`#[cfg(test)] mod tests;`) are test code too.
        for file in rust_files(&src)
            .into_iter()
            .filter(|f| !f.ends_with("tests.rs"))
        {
            let relative: Vec<String> = file
                .strip_prefix(&src)
                .unwrap()
                .iter()
                .map(|c| c.to_string_lossy().into_owned())
                .collect();
            let first = relative[0].trim_end_matches(".rs");
            let own = if first == "lib" || first == "main" {
                "lib"
            } else {
                first
            };
            // The module path of this file, for `super::`.
            let mut module_path: Vec<String> = relative
                .iter()
                .map(|c| c.trim_end_matches(".rs").to_string())
                .collect();
            if module_path
                .last()
                .is_some_and(|l| l == "mod" || l == "lib" || l == "main")
            {
                module_path.pop();
            }
            let from = node(name, own);
            let code = code_only(&std::fs::read_to_string(&file).unwrap());
            // A crate root names its own modules by relative paths (`build::run`).
            let no_children = BTreeSet::new();
            let children = if own == "lib" {
                &modules[name]
            } else {
                &no_children
            };
            for path in referenced_paths(&code, children) {
                let parts: Vec<&str> = path.split("::").collect();
                let to = match parts[0] {
                    "crate" => target(name, parts.get(1).copied()),
                    "super" => {
                        let mut base = module_path.clone();
                        let mut rest = &parts[..];
                        while rest.first() == Some(&"super") {
                            base.pop();
                            rest = &rest[1..];
                        }
                        let first = base.first().map(String::as_str).or(rest.first().copied());
                        target(name, first)
                    }
                    other if children.contains(other) => target(name, Some(other)),
                    other => match LAYERS.iter().find(|l| **l == other) {
                        Some(krate) => target(krate, parts.get(1).copied()),
                        None => continue,
                    },
                };
                if to != from {
                    graph.entry(from.clone()).or_default().insert(to);
                }
            }
        }
    }
    graph
}

/// A circle in the graph, as the path that closes it, if there is one.
fn find_circle(graph: &Graph) -> Option<Vec<String>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        Open,
        Done,
    }
    fn visit(
        graph: &Graph,
        at: &Node,
        marks: &mut BTreeMap<Node, Mark>,
        stack: &mut Vec<Node>,
    ) -> Option<Vec<String>> {
        marks.insert(at.clone(), Mark::Open);
        stack.push(at.clone());
        for next in graph.get(at).into_iter().flatten() {
            match marks.get(next) {
                Some(Mark::Open) => {
                    let start = stack.iter().position(|n| n == next).unwrap_or(0);
                    let mut circle: Vec<String> = stack[start..]
                        .iter()
                        .map(|(k, m)| format!("{k}::{m}"))
                        .collect();
                    circle.push(format!("{}::{}", next.0, next.1));
                    return Some(circle);
                }
                Some(Mark::Done) => {}
                None => {
                    if let Some(circle) = visit(graph, next, marks, stack) {
                        return Some(circle);
                    }
                }
            }
        }
        stack.pop();
        marks.insert(at.clone(), Mark::Done);
        None
    }
    let mut marks = BTreeMap::new();
    for start in graph.keys() {
        if !marks.contains_key(start) {
            if let Some(circle) = visit(graph, start, &mut marks, &mut Vec::new()) {
                return Some(circle);
            }
        }
    }
    None
}

/// Rust source without comments, string and character literals, and without its inline
/// test module (`#[cfg(test)] mod tests { … }` ends a file by convention).
fn code_only(text: &str) -> String {
    // `#[cfg(test)]`, `#[cfg(all(test, unix))]`, … on the line before `mod tests {`.
    let test_module = text.match_indices("\nmod tests {").find_map(|(i, _)| {
        let line_start = text[..i].rfind('\n').map_or(0, |s| s + 1);
        let attribute = &text[line_start..i];
        (attribute.starts_with("#[cfg(") && attribute.contains("test")).then_some(line_start)
    });
    let text = &text[..test_module.unwrap_or(text.len())];
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < bytes.len() {
        let rest = &text[i..];
        if rest.starts_with("//") {
            i += rest.find('\n').unwrap_or(rest.len());
        } else if rest.starts_with("/*") {
            i += rest.find("*/").map_or(rest.len(), |e| e + 2);
        } else if let Some(raw) = raw_string_len(rest) {
            out.push_str("\"\"");
            i += raw;
        } else if bytes[i] == b'"' {
            let mut j = i + 1;
            while j < bytes.len() && bytes[j] != b'"' {
                j += if bytes[j] == b'\\' { 2 } else { 1 };
            }
            out.push_str("\"\"");
            i = j + 1;
        } else if bytes[i] == b'\'' && char_literal_len(rest).is_some() {
            out.push_str("' '");
            i += char_literal_len(rest).unwrap_or(1);
        } else {
            let c = rest.chars().next().unwrap_or(' ');
            out.push(c);
            i += c.len_utf8();
        }
    }
    out
}

/// The length of a raw string literal (`r"…"`, `r#"…"#`) at the start of `text`.
fn raw_string_len(text: &str) -> Option<usize> {
    let after_r = text.strip_prefix('r').or_else(|| text.strip_prefix("br"))?;
    let hashes = after_r.len() - after_r.trim_start_matches('#').len();
    let body = after_r[hashes..].strip_prefix('"')?;
    let close = format!("\"{}", "#".repeat(hashes));
    let end = body.find(&close)?;
    Some(text.len() - body.len() + end + close.len())
}

/// The length of a character literal at the start of `text` (not a lifetime).
fn char_literal_len(text: &str) -> Option<usize> {
    let body = &text[1..];
    if let Some(escaped) = body.strip_prefix('\\') {
        return escaped.find('\'').map(|e| e + 3);
    }
    let c = body.chars().next()?;
    body[c.len_utf8()..]
        .starts_with('\'')
        .then_some(c.len_utf8() + 2)
}

/// Paths that start at `crate`, `super`, a crate of the workspace or one of `children` (the
/// modules a crate root declares, which it names by relative paths): each leaf of every `use`
/// tree, and every such path in expressions and types.
fn referenced_paths(code: &str, children: &BTreeSet<String>) -> Vec<String> {
    let mut paths = Vec::new();
    let bytes = code.as_bytes();
    let mut i = 0;
    let is_ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    while i < bytes.len() {
        if !is_ident(bytes[i]) || (i > 0 && (is_ident(bytes[i - 1]) || bytes[i - 1] == b':')) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && is_ident(bytes[i]) {
            i += 1;
        }
        let word = &code[start..i];
        let is_root =
            word == "crate" || word == "super" || LAYERS.contains(&word) || children.contains(word);
        if !is_root || !code[i..].starts_with("::") {
            continue;
        }
        let (tree, len) = use_tree(&code[start..]);
        i = start + len;
        paths.extend(tree);
    }
    paths
}

/// The leaf paths of the path or `use` tree at the start of `text`, and its length.
fn use_tree(text: &str) -> (Vec<String>, usize) {
    let bytes = text.as_bytes();
    let mut prefix = String::new();
    let mut i = 0;
    loop {
        let start = i;
        while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
            i += 1;
        }
        prefix.push_str(&text[start..i]);
        if !text[i..].starts_with("::") {
            return (vec![prefix], i);
        }
        i += 2;
        if text[i..].starts_with('{') {
            // A group: split its items at top-level commas and recurse into each.
            let mut depth = 0;
            let mut item_start = i + 1;
            let mut leaves = Vec::new();
            let mut j = i;
            while j < bytes.len() {
                match bytes[j] {
                    b'{' => depth += 1,
                    b'}' | b',' if depth == 1 => {
                        let item = text[item_start..j].trim();
                        let item = item.split(" as ").next().unwrap_or(item).trim();
                        if item == "self" {
                            leaves.push(prefix.clone());
                        } else if !item.is_empty() && item != "*" {
                            let (sub, _) = use_tree(item);
                            leaves.extend(sub.into_iter().map(|s| format!("{prefix}::{s}")));
                        }
                        item_start = j + 1;
                        if bytes[j] == b'}' {
                            return (leaves, j + 1);
                        }
                    }
                    b'}' => depth -= 1,
                    _ => {}
                }
                j += 1;
            }
            return (leaves, j);
        }
        if !(i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_')) {
            return (vec![prefix], i);
        }
        prefix.push_str("::");
    }
}
