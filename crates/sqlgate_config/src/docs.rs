//! `docs/configuration.md`, generated from the schema table.

use super::schema::{Type, KEYS};

/// The example of DESIGN.md §4, plus the per-path dialect and `[reversibility]` tables.
pub const EXAMPLE: &str = r#"[migrations]
paths = ["supabase/migrations"]     # default: auto-discover
framework = "auto"                  # or supabase, golang-migrate, dbmate, goose, popx, flyway, sqlx, diesel, prisma, atlas, plain
dialect = "postgres"                # or clickhouse; per-path overrides allowed
[[migrations.overrides]]
paths = ["clickhouse/**"]
dialect = "clickhouse"

[rules]
select = ["all"]                    # names, codes, categories
ignore = []
severity = { drop-column = "warning" }
[[rules.overrides]]
paths = ["db/seed/**"]
ignore = ["delete-without-where"]

[security]
rls = "auto"                        # auto | required | off
exposed-schemas = ["public"]
public-roles = ["anon", "authenticated"]

[reversibility]
prisma = "rollback-note"            # down-file | rollback-note | off, by framework

[gate]
# findings that require the gate: names, codes or category prefixes (default shown:
# the data-destroying rules, RLS switched off, and rewritten history)
triggers = ["DS001", "DS002", "DS003", "DS004", "DS005", "DS006", "DS007", "DS008", "DS013", "DS014", "SC003", "IN001", "IN002"]
count-suppressed = true                  # suppressed findings still require the gate
approvals = 2
reviewers = { users = [], teams = [] }   # empty: anyone with write access except the author
approval-on-head = true                  # a new push invalidates earlier approvals
[gate.backup]
required = true
body-pattern = '(?mi)^backup:\s*(\S+)'   # PR body line, e.g. "Backup: s3://bucket/pre-migration-2026-11-21.dump"
accept = ['^s3://', '^gs://', '^https://', '^artifact:']
artifact = "pre-migration-backup*"       # or a workflow artifact on the head SHA...
workflows = []                           # ...from these workflows only, e.g. ["backup.yml"]
manifest = "backups/**/*.json"           # or backup metadata committed at the base commit
max-age-days = 7
"#;

/// Command-line flags and environment variables, in the docs' precedence table.
pub const OVERRIDES: &[(&str, &str, &str)] = &[
    ("--config FILE", "SQLGATE_CONFIG", "config file (default: `sqlgate.toml` or `.sqlgate.toml` found walking up from the first checked path)"),
    ("--format", "SQLGATE_FORMAT", "`human`, `json`, `github`, `markdown`, `sarif`"),
    ("--fail-on", "SQLGATE_FAIL_ON", "`error`, `warning`, `never`"),
    ("--select", "SQLGATE_SELECT", "replaces `rules.select` (comma-separated)"),
    ("--ignore", "SQLGATE_IGNORE", "replaces `rules.ignore` (comma-separated)"),
    ("--framework", "SQLGATE_FRAMEWORK", "replaces `migrations.framework`"),
    ("--dialect", "SQLGATE_DIALECT", "replaces `migrations.dialect` and, for every path, `[[migrations.overrides]]`"),
    ("--rls", "SQLGATE_RLS", "replaces `security.rls`"),
];

fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}

pub fn configuration_markdown() -> String {
    let mut out = String::from(
        "# Configuration\n\n\
         Generated from the key table in `crates/sqlgate_config/src/schema.rs` by \
         `cargo run -- rules --write-docs docs`; a test fails when this file is stale.\n\n\
         sqlgate reads `sqlgate.toml` or `.sqlgate.toml`, found walking up from the first \
         checked path (or the current directory). Paths and globs in it are relative to its \
         directory. `sqlgate init` writes one for the repository.\n\n\
         Unknown keys and invalid values are errors (exit code 2) that name the file, the line \
         and the dotted key, and suggest the nearest valid key or value.\n\n\
         ## Precedence\n\n\
         The file < `SQLGATE_*` environment variables < command-line flags.\n\n\
         | flag | environment | |\n|---|---|---|\n",
    );
    for (flag, env, what) in OVERRIDES {
        out.push_str(&format!("| `{flag}` | `{env}` | {what} |\n"));
    }
    out.push_str(
        "\n## Keys\n\n\
         `[]` marks the tables of an array of tables (`[[rules.overrides]]`); `<rule>` is a rule \
         name or code, `<framework>` a framework name.\n\n\
         | key | type | default | allowed | description |\n|---|---|---|---|---|\n",
    );
    for key in KEYS {
        let heading = matches!(key.ty, Type::Table | Type::Tables);
        let name = if heading && !key.path.contains('<') {
            format!("**`{}`**", key.path)
        } else {
            format!("`{}`", key.path)
        };
        let default = if key.default.is_empty() {
            String::new()
        } else {
            format!("`{}`", key.default)
        };
        out.push_str(&format!(
            "| {name} | {} | {} | {} | {} |\n",
            key.ty.describe(),
            cell(&default),
            cell(&key.ty.allowed()),
            cell(key.description)
        ));
    }
    out.push_str(
        "\n## Rules overrides\n\n\
         `[[rules.overrides]]` entries apply, in order, to the files matching their `paths`: \
         `select` replaces the selection so far for those files, `ignore` removes rules, and \
         `severity` sets a rule's severity there (`off` disables it). A rule selected only by an \
         override runs only in the files it matches.\n\n\
         ## Example\n\n```toml\n",
    );
    out.push_str(EXAMPLE);
    out.push_str("```\n");
    out
}
