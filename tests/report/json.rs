//! The JSON renderer: it round-trips with exactly the documented keys, in schema order.

use std::collections::BTreeSet;

use sqlgate::report;

use crate::support::{sample, UNICODE_FILE};

// ---------------------------------------------------------------- json

#[test]
fn json_round_trips_with_exact_keys() {
    let out = report::json::render(&sample());
    assert!(out.ends_with("}\n"));
    let value: serde_json::Value = serde_json::from_str(&out).unwrap();
    let keys = |v: &serde_json::Value| -> BTreeSet<String> {
        v.as_object().unwrap().keys().cloned().collect()
    };
    let set =
        |names: &[&str]| -> BTreeSet<String> { names.iter().map(|s| s.to_string()).collect() };
    assert_eq!(
        keys(&value),
        set(&[
            "version",
            "findings",
            "files_checked",
            "statements",
            "parsed",
            "gate",
            "errors"
        ])
    );
    assert_eq!(value["version"], 1);
    let findings = value["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 6);
    for f in findings {
        assert_eq!(
            keys(f),
            set(&[
                "rule",
                "code",
                "category",
                "severity",
                "file",
                "line",
                "column",
                "end_line",
                "end_column",
                "message",
                "help",
                "suppressed",
                "gate"
            ])
        );
    }
    assert_eq!(
        keys(&value["gate"]),
        set(&["required", "status", "missing"])
    );
    for e in value["errors"].as_array().unwrap() {
        assert_eq!(keys(e), set(&["file", "message"]));
    }
    assert_eq!(findings[0]["end_column"], 17);
    assert_eq!(findings[4]["file"], UNICODE_FILE);
    assert_eq!(
        value["gate"]["missing"],
        serde_json::json!(["approvals", "backup"])
    );
    // Re-serialising the parsed value gives the same document (modulo key order).
    let again: serde_json::Value =
        serde_json::from_str(&serde_json::to_string(&value).unwrap()).unwrap();
    assert_eq!(again, value);
}

#[test]
fn json_keys_are_in_schema_order() {
    let out = report::json::render(&sample());
    let order = [
        "\"version\"",
        "\"findings\"",
        "\"rule\"",
        "\"code\"",
        "\"category\"",
        "\"severity\"",
        "\"file\"",
        "\"line\"",
        "\"column\"",
        "\"end_line\"",
        "\"end_column\"",
        "\"message\"",
        "\"help\"",
        "\"suppressed\"",
        "\"gate\"",
        "\"files_checked\"",
        "\"statements\"",
        "\"parsed\"",
        "\"required\"",
        "\"status\"",
        "\"missing\"",
        "\"errors\"",
    ];
    let positions: Vec<usize> = order.iter().map(|k| out.find(k).unwrap()).collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{out}");
}
