//! `sqlgate.toml` read with the rule registry: validation of rule names and selectors,
//! the gate's triggers, and which rules run on which file.

use std::path::Path;

use sqlgate_config::settings::{DownExpectation, RlsMode};
use sqlgate_config::{docs, schema, Config, ConfigError};
use sqlgate_core::finding::Severity;
use sqlgate_core::{Dialect, Framework};
use sqlgate_lint::engine::FileRules;
use sqlgate_lint::plan::{load_config as load, parse_config as parse, ConfigRules};

fn parse_str(text: &str) -> Result<Config, ConfigError> {
    parse(text, Path::new("sqlgate.toml"))
}

fn error(text: &str) -> String {
    match parse_str(text) {
        Ok(_) => panic!("expected an error for:\n{text}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn a_config_with_every_key_loads() {
    let file = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fixtures/config/full.toml"
    ));
    let c = load(file).unwrap();
    assert_eq!(c.paths.len(), 2);
    assert!(c.paths[0].ends_with("fixtures/config/db/migrations"));
    assert_eq!(c.framework, Some(Framework::GolangMigrate));
    assert_eq!(c.dialect, Some(Dialect::Postgres));
    assert_eq!(c.dialect_overrides.len(), 1);
    assert_eq!(c.dialect_overrides[0].dialect, Dialect::ClickHouse);
    assert!(c.dialect_overrides[0].paths[1].matches("events/raw/x.sql"));
    assert_eq!(c.select, ["destructive", "MT"]);
    assert_eq!(c.ignore, ["DS010"]);
    assert_eq!(
        c.severity,
        [("DS002", Some(Severity::Warning)), ("DS005", None)]
    );
    assert_eq!(c.rule_overrides.len(), 1);
    assert_eq!(c.rule_overrides[0].select, ["all"]);
    assert_eq!(
        c.rule_overrides[0].severity,
        [("DS005", Some(Severity::Warning))]
    );
    assert_eq!(c.rls, RlsMode::Required);
    assert_eq!(c.exposed_schemas, ["public", "api"]);
    assert_eq!(c.public_roles, ["anon"]);
    assert_eq!(
        c.reversibility,
        [
            (Framework::Prisma, DownExpectation::RollbackNote),
            (Framework::Plain, DownExpectation::Off)
        ]
    );
    let g = &c.gate;
    assert_eq!(g.triggers, ["destructive", "SC003"]);
    assert!(g.trigger_codes.contains(&"DS001") && g.trigger_codes.contains(&"DS013"));
    assert!(!g.trigger_codes.contains(&"MT001"));
    assert!(!g.count_suppressed && !g.approval_on_head);
    assert_eq!(g.approvals, 1);
    assert_eq!(g.reviewers.users, ["alice"]);
    assert_eq!(g.reviewers.teams, ["acme/dba"]);
    let b = &g.backup;
    assert!(!b.required);
    assert!(b.body_pattern.is_match("Backup: s3://x"));
    assert_eq!(b.accept.len(), 1);
    assert!(b.artifact.matches("db-backup-2026"));
    assert!(b.manifest.matches("ops/backups/a.json"));
    assert_eq!(b.max_age_days, 3);
}

#[test]
fn the_documented_example_and_every_default_load() {
    parse_str(docs::EXAMPLE).unwrap();
    for key in schema::KEYS {
        if key.default.is_empty() || key.path.contains('[') || key.path.contains('<') {
            continue;
        }
        let Some((table, leaf)) = key.path.rsplit_once('.') else {
            continue;
        };
        let text = format!("[{table}]\n{leaf} = {}\n", key.default);
        if let Err(e) = parse_str(&text) {
            panic!("default of {} does not load: {e}", key.path);
        }
    }
    // The defaults of the gate are what an empty file gives.
    let empty = parse_str("").unwrap();
    let defaults = Config::default();
    assert_eq!(empty.gate.trigger_codes, defaults.gate.trigger_codes);
    assert_eq!(empty.gate.approvals, 2);
}

#[test]
fn framework_values_are_auto_and_every_framework() {
    let names: Vec<&str> = std::iter::once("auto")
        .chain(sqlgate_core::ALL_FRAMEWORKS.iter().map(|f| f.name()))
        .collect();
    assert_eq!(schema::FRAMEWORK_VALUES, names.as_slice());
}

#[test]
fn unknown_keys_name_the_dotted_key_line_and_nearest_key() {
    assert_eq!(
        error("[rules]\nselect = []\n\n[gate]\nselct = []\n"),
        "sqlgate.toml:5: unknown key `gate.selct` (valid in [gate]: triggers, count-suppressed, approvals, reviewers, approval-on-head, changes-requested, backup)"
    );
    assert_eq!(
        error("[rules]\nselct = []\n"),
        "sqlgate.toml:2: unknown key `rules.selct`; did you mean `select`? (valid in [rules]: select, ignore, severity, overrides)"
    );
    assert_eq!(
        error("[gat]\n"),
        "sqlgate.toml:1: unknown key `gat`; did you mean `gate`? (valid at the top level: migrations, rules, security, reversibility, replay, gate)"
    );
    assert!(error("[gate.backup]\nmax-age-day = 3\n").starts_with(
        "sqlgate.toml:2: unknown key `gate.backup.max-age-day`; did you mean `max-age-days`?"
    ));
    assert!(
        error("[[rules.overrides]]\npaths = [\"x\"]\nignor = []\n").starts_with(
            "sqlgate.toml:3: unknown key `rules.overrides[0].ignor`; did you mean `ignore`?"
        )
    );
}

#[test]
fn the_line_is_the_keys_own_when_a_name_repeats() {
    // `select` in [rules] is fine; the one in the second override is not a list.
    let text = "[rules]\nselect = [\"all\"]\n[[rules.overrides]]\npaths = [\"a/**\"]\nselect = [\"DS\"]\n[[rules.overrides]]\npaths = [\"b/**\"]\nselect = \"DS\"\n";
    assert_eq!(
        error(text),
        "sqlgate.toml:8: invalid type for `rules.overrides[1].select`: expected an array of strings, found a string"
    );
}

#[test]
fn bad_rule_names_and_values_suggest_the_nearest() {
    assert_eq!(
        error("[rules]\nseverity = { drop-colum = \"warning\" }\n"),
        "sqlgate.toml:2: unknown rule `drop-colum` in `rules.severity.drop-colum`; did you mean `drop-column`?"
    );
    assert_eq!(
        error("[rules]\nseverity = { drop-column = \"warn\" }\n"),
        "sqlgate.toml:2: invalid value `warn` for `rules.severity.drop-column`; did you mean `warning`? (valid: error, warning, off)"
    );
    assert_eq!(
        error("[rules]\nignore = [\"DS001\",\n  \"drop-tabel\"]\n"),
        "sqlgate.toml:3: unknown rule or category `drop-tabel` in `rules.ignore`; did you mean `drop-table`?"
    );
    assert_eq!(
        error("[security]\nrls = \"requierd\"\n"),
        "sqlgate.toml:2: invalid value `requierd` for `security.rls`; did you mean `required`? (valid: auto, required, off)"
    );
    assert_eq!(
        error("[reversibility]\ngolang-migrat = \"down-file\"\n"),
        "sqlgate.toml:2: unknown framework `golang-migrat` in `reversibility.golang-migrat`; did you mean `golang-migrate`? (valid: supabase, golang-migrate, sqlx, diesel, sourcegraph, dbmate, goose, popx, flyway, prisma, atlas, plain)"
    );
    assert!(error("[migrations]\nframework = \"flyaway\"\n")
        .contains("invalid value `flyaway` for `migrations.framework`; did you mean `flyway`?"));
    assert!(
        error("[[migrations.overrides]]\npaths = [\"a/**\"]\ndialect = \"mysql\"\n").starts_with(
            "sqlgate.toml:3: invalid value `mysql` for `migrations.overrides[0].dialect`"
        )
    );
}

#[test]
fn bad_gate_values_are_rejected() {
    assert_eq!(
        error("[gate]\napprovals = -1\n"),
        "sqlgate.toml:2: invalid value `-1` for `gate.approvals`: expected an integer of at least 0"
    );
    assert_eq!(
        error("[gate]\napprovals = \"2\"\n"),
        "sqlgate.toml:2: invalid type for `gate.approvals`: expected an integer of at least 0, found a string"
    );
    assert!(error("[gate.backup]\nmax-age-days = 0\n")
        .starts_with("sqlgate.toml:2: invalid value `0` for `gate.backup.max-age-days`"));
    assert!(error("[gate]\ncount-suppressed = \"yes\"\n").contains(
        "invalid type for `gate.count-suppressed`: expected a boolean (true or false), found a string"
    ));
    assert!(
        error("[gate.backup]\nbody-pattern = '(unclosed'\n").starts_with(
            "sqlgate.toml:2: invalid regular expression `(unclosed` in `gate.backup.body-pattern`"
        )
    );
    assert!(error("[gate.backup]\naccept = ['^s3://', '[']\n")
        .starts_with("sqlgate.toml:2: invalid regular expression `[` in `gate.backup.accept`"));
    assert!(
        error("[gate]\ntriggers = [\"DS001\", \"drop-tabel\"]\n").contains(
            "unknown rule or category `drop-tabel` in `gate.triggers`; did you mean `drop-table`?"
        )
    );
    assert!(error("[gate]\nreviewers = { user = [] }\n")
        .contains("unknown key `gate.reviewers.user`; did you mean `users`?"));
    assert!(error("[gate.backup]\nmanifest = \"backups/[x\"\n")
        .contains("invalid glob `backups/[x` in `gate.backup.manifest`: it has an unclosed `[`"));
    assert_eq!(
        error("[gate]\napprovals = 1979-05-27\n"),
        "sqlgate.toml:2: invalid type for `gate.approvals`: expected an integer of at least 0, found a date-time"
    );
    assert!(error("[gate]\nreviewers = 1979-05-27T07:32:00Z\n")
        .contains("invalid type for `gate.reviewers`: expected a table, found a date-time"));
    // Valid but empty triggers: nothing requires the gate.
    assert!(parse_str("[gate]\ntriggers = []\n")
        .unwrap()
        .gate
        .trigger_codes
        .is_empty());
}

#[test]
fn overrides_need_paths_and_toml_errors_have_a_line() {
    assert_eq!(
        error("[[rules.overrides]]\nignore = [\"DS001\"]\n"),
        "sqlgate.toml:1: `rules.overrides[0]` has no `paths`: add the globs it applies to"
    );
    assert!(error("[rules]\nselect = [\n").starts_with("sqlgate.toml:"));
    assert!(error("[rules]\nselect = [\"a\"]\nselect = []\n")
        .starts_with("sqlgate.toml:3: invalid TOML"));
}

fn file_rules(config: &str, path: &str) -> FileRules {
    let mut c = parse_str(config).unwrap();
    c.base = None;
    c.rule_plan().unwrap().file_rules(Path::new(path))
}

#[test]
fn severity_and_off_apply_globally_and_per_path() {
    let config = "[rules]\nseverity = { drop-table = \"warning\", truncate = \"off\" }\n\
                  [[rules.overrides]]\npaths = [\"db/seed/**\"]\nignore = [\"delete-without-where\"]\nseverity = { drop-table = \"error\", truncate = \"warning\" }\n";
    let main = file_rules(config, "db/migrations/1.sql");
    assert!(main.severity.contains(&("DS001", Severity::Warning)));
    assert!(main.disabled.contains(&"DS005"));
    assert!(!main.disabled.contains(&"DS007"));
    let seed = file_rules(config, "db/seed/a/1.sql");
    assert!(seed.severity.contains(&("DS001", Severity::Error)));
    assert!(seed.severity.contains(&("DS005", Severity::Warning)));
    assert!(!seed.disabled.contains(&"DS005"));
    assert!(seed.disabled.contains(&"DS007"));
}

#[test]
fn an_override_select_runs_a_rule_only_where_it_matches() {
    let config = "[rules]\nselect = [\"DS001\"]\n[[rules.overrides]]\npaths = [\"ch/*.sql\"]\nselect = [\"DS013\"]\n";
    let plan = parse_str(config).unwrap().rule_plan().unwrap();
    let codes: Vec<&str> = plan.rules.iter().map(|r| r.meta.code).collect();
    assert_eq!(codes, ["DS001", "DS013"]);
    let mut c = parse_str(config).unwrap();
    c.base = None;
    let plan = c.rule_plan().unwrap();
    assert_eq!(plan.file_rules(Path::new("a/1.sql")).disabled, ["DS013"]);
    assert_eq!(plan.file_rules(Path::new("ch/1.sql")).disabled, ["DS001"]);
}

#[test]
fn every_default_gate_trigger_is_a_rule() {
    // The config crate cannot see the registry, so its default triggers are taken as codes
    // as they stand: each must be a rule's code, or the default gate would miss it silently.
    for code in sqlgate_config::DEFAULT_GATE_TRIGGERS {
        let rule = sqlgate_lint::rules::find(code);
        assert_eq!(rule.map(|r| r.meta.code), Some(*code), "{code}");
    }
}

#[test]
fn migration_paths_are_relative_and_resolved_as_text() {
    for path in ["/etc", "C:\\\\migrations"] {
        assert_eq!(
            error(&format!("[migrations]\npaths = [\"{path}\"]\n")),
            format!(
                "sqlgate.toml:2: invalid path `{}` in `migrations.paths`: write it relative to \
                 the config file's directory",
                path.replace("\\\\", "\\")
            )
        );
    }
    // `..` is applied to the text: no symbolic link in the checkout decides where it leads.
    let config = sqlgate_lint::plan::parse_config(
        "[migrations]\npaths = [\"db/../migrations/./up\"]\n",
        Path::new("/repo/config/sqlgate.toml"),
    )
    .unwrap();
    assert_eq!(config.paths, [Path::new("/repo/config/migrations/up")]);
}
