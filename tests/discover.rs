//! Discovery over small fixture trees (one per layout) and over the real-world corpus.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use sqlgate::discover::{
    canonical_paths, discover, Dialect, DiscoverOptions, Discovery, Down, Framework, MigrationSet,
    Section, TxMode,
};

const ROOT: &str = "fixtures/layouts";

fn run(paths: &[&str]) -> Discovery {
    let paths: Vec<PathBuf> = paths.iter().map(|p| Path::new(ROOT).join(p)).collect();
    discover(&paths, &DiscoverOptions::default())
}

fn set<'a>(d: &'a Discovery, dir: &str) -> &'a MigrationSet {
    let dir = Path::new(ROOT).join(dir);
    d.sets
        .iter()
        .find(|s| s.dir == dir)
        .unwrap_or_else(|| panic!("no set {}: {:#?}", dir.display(), d.sets))
}

fn text<'a>(d: &'a Discovery, section: &Section) -> &'a str {
    &d.files[section.file].text[section.range.clone()]
}

fn file<'a>(d: &'a Discovery, section: &Section) -> &'a str {
    &d.files[section.file].display
}

fn versions(set: &MigrationSet) -> Vec<&str> {
    set.migrations
        .iter()
        .map(|m| m.version.text.as_str())
        .collect()
}

fn down<'a>(d: &'a Discovery, down: &Down) -> Option<(&'a str, TxMode)> {
    match down {
        Down::Section(s) => Some((file(d, s), s.tx)),
        _ => None,
    }
}

fn skipped<'a>(d: &'a Discovery, path: &str) -> &'a str {
    let display = format!("{ROOT}/{path}");
    d.skipped
        .iter()
        .find(|s| s.display == display)
        .map(|s| s.reason.as_str())
        .unwrap_or_else(|| panic!("{display} not skipped: {:#?}", d.skipped))
}

fn assert_clean(d: &Discovery) {
    assert!(d.errors.is_empty(), "{:#?}", d.errors);
}

#[test]
fn supabase() {
    let d = run(&["supabase"]);
    assert_clean(&d);
    assert_eq!(d.sets.len(), 1);
    let s = set(&d, "supabase/supabase/migrations");
    assert_eq!(s.framework, Framework::Supabase);
    assert_eq!(s.dialect, Dialect::Postgres);
    assert_eq!(versions(s), ["20240101000000", "20240102000000"]);
    assert_eq!(s.migrations[0].name, "init");
    for m in &s.migrations {
        assert_eq!(m.down, Down::NotSupported);
        assert_eq!(m.up.tx, TxMode::SingleQuery);
    }
    assert_eq!(skipped(&d, "supabase/supabase/seed.sql"), "seed data");
    assert!(skipped(&d, "supabase/supabase/migrations/notes.sql").contains("Supabase CLI"));
    // Only files used by a migration are loaded into `files`.
    assert_eq!(d.files.len(), 2);
    assert_eq!(
        d.files[0].display,
        "fixtures/layouts/supabase/supabase/migrations/20240101000000_init.sql"
    );
}

#[test]
fn golang_migrate() {
    let d = run(&["golang-migrate/migrations"]);
    assert_clean(&d);
    let s = set(&d, "golang-migrate/migrations");
    assert_eq!(s.framework, Framework::GolangMigrate);
    assert_eq!(versions(s), ["1", "2", "10"]);
    let [init, email, index] = &s.migrations[..] else {
        panic!("{s:#?}")
    };
    assert_eq!(init.up.tx, TxMode::SingleQuery);
    assert!(file(&d, &init.up).ends_with("1_init.up.sql"));
    assert_eq!(
        text(&d, &init.up),
        "CREATE TABLE accounts (id serial PRIMARY KEY);\n"
    );
    let (down_file, down_tx) = down(&d, &init.down).unwrap();
    assert!(down_file.ends_with("1_init.down.sql"));
    assert_eq!(down_tx, TxMode::SingleQuery);
    assert_eq!(
        email.down,
        Down::Missing("no 2_email.down.sql next to 2_email.up.sql".into())
    );
    assert!(down(&d, &index.down)
        .unwrap()
        .0
        .ends_with("10_index.down.sql"));
    assert!(
        skipped(&d, "golang-migrate/migrations/3_orphan.down.sql").contains("no 3_orphan.up.sql")
    );
    assert_eq!(
        skipped(&d, "golang-migrate/migrations/queries.sql"),
        "no version in the file name: not a migration"
    );
    assert_eq!(
        skipped(&d, "golang-migrate/migrations/embed.go"),
        "Go migration: not SQL"
    );
}

#[test]
fn dialect_in_the_file_name() {
    // Names with a database engine are ory/popx's, not golang-migrate's.
    let d = run(&["golang-migrate/by-suffix"]);
    assert_clean(&d);
    let s = set(&d, "golang-migrate/by-suffix");
    assert_eq!(s.framework, Framework::Popx);
    assert_eq!(versions(s), ["1", "2"]);
    assert_eq!(s.migrations[0].name, "users");
    assert!(down(&d, &s.migrations[0].down)
        .unwrap()
        .0
        .ends_with("1_users.postgres.down.sql"));
    // A down without dialect suffix is shared by the dialect-specific ups.
    assert!(down(&d, &s.migrations[1].down)
        .unwrap()
        .0
        .ends_with("2_teams.down.sql"));
    let reason = skipped(&d, "golang-migrate/by-suffix/1_users.sqlite3.up.sql");
    assert_eq!(
        reason,
        "SQLite migration: popx runs it on SQLite only, not on PostgreSQL"
    );
}

#[test]
fn popx() {
    let d = run(&["popx/migrations"]);
    assert_clean(&d);
    assert_eq!(d.sets.len(), 1);
    let s = set(&d, "popx/migrations");
    assert_eq!(s.framework, Framework::Popx);
    assert_eq!(s.dialect, Dialect::Postgres);
    // 20240104… runs on SQLite only, 20240105… on a database pop does not know.
    assert_eq!(
        versions(s),
        [
            "20240101000000000000",
            "20240102000000000000",
            "20240103000000000000"
        ]
    );
    let [users, teams, index] = &s.migrations[..] else {
        panic!("{s:#?}")
    };
    // The PostgreSQL files, each in the transaction popx commits.
    assert_eq!(users.name, "users");
    assert!(file(&d, &users.up).ends_with("20240101000000000000_users.postgres.up.sql"));
    assert_eq!(users.up.tx, TxMode::Wrapped);
    let (down_file, down_tx) = down(&d, &users.down).unwrap();
    assert!(down_file.ends_with("20240101000000000000_users.postgres.down.sql"));
    assert_eq!(down_tx, TxMode::Wrapped);
    // Files naming no database run on every database without a file of its own.
    assert!(file(&d, &teams.up).ends_with("20240102000000000000_teams.up.sql"));
    assert!(down(&d, &teams.down)
        .unwrap()
        .0
        .ends_with("20240102000000000000_teams.down.sql"));
    assert_eq!(teams.up.tx, TxMode::Wrapped);
    // `.autocommit`: sent as one query outside popx's transaction, and the PostgreSQL file
    // replaces the one naming no database.
    assert_eq!(index.name, "teams_name");
    assert!(
        file(&d, &index.up).ends_with("20240103000000000000_teams_name.postgres.autocommit.up.sql")
    );
    assert_eq!(index.up.tx, TxMode::SingleQuery);
    let (down_file, down_tx) = down(&d, &index.down).unwrap();
    assert!(down_file.ends_with("20240103000000000000_teams_name.postgres.autocommit.down.sql"));
    assert_eq!(down_tx, TxMode::SingleQuery);
    assert!(
        text(&d, &index.up).starts_with("CREATE INDEX CONCURRENTLY"),
        "{}",
        text(&d, &index.up)
    );

    // Other databases' files are never read as PostgreSQL.
    for (file, engine) in [
        ("20240101000000000000_users.cockroach.up.sql", "CockroachDB"),
        (
            "20240101000000000000_users.cockroach.down.sql",
            "CockroachDB",
        ),
        ("20240101000000000000_users.mysql.up.sql", "MySQL"),
        ("20240101000000000000_users.sqlite3.down.sql", "SQLite"),
        ("20240104000000000000_team_slug.sqlite3.up.sql", "SQLite"),
    ] {
        assert_eq!(
            skipped(&d, &format!("popx/migrations/{file}")),
            format!("{engine} migration: popx runs it on {engine} only, not on PostgreSQL")
        );
    }
    assert!(d
        .files
        .iter()
        .all(|f| !f.display.contains(".cockroach.") && !f.display.contains(".sqlite3.")));
    assert_eq!(
        skipped(
            &d,
            "popx/migrations/20240103000000000000_teams_name.autocommit.up.sql"
        ),
        "popx runs 20240103000000000000_teams_name.postgres.autocommit.up.sql instead of it on PostgreSQL"
    );
    assert_eq!(
        skipped(
            &d,
            "popx/migrations/20240103000000000000_teams_name.autocommit.down.sql"
        ),
        "popx runs 20240103000000000000_teams_name.postgres.autocommit.down.sql instead of it on PostgreSQL"
    );
    assert_eq!(
        skipped(
            &d,
            "popx/migrations/20240105000000000000_noop.oracle.up.sql"
        ),
        "its database part is not one of pop's dialects: popx skips it"
    );
    assert_eq!(
        skipped(&d, "popx/migrations/queries.sql"),
        "no version in the file name: not a migration"
    );
}

#[test]
fn popx_without_database_names_is_told_by_autocommit() {
    let d = run(&["popx/engine-less"]);
    assert_clean(&d);
    let s = set(&d, "popx/engine-less");
    assert_eq!(s.framework, Framework::Popx);
    let [projects, index] = &s.migrations[..] else {
        panic!("{s:#?}")
    };
    assert_eq!(projects.up.tx, TxMode::Wrapped);
    assert_eq!(index.name, "projects_index");
    assert_eq!(index.up.tx, TxMode::SingleQuery);
    assert_eq!(down(&d, &index.down).unwrap().1, TxMode::SingleQuery);
}

#[test]
fn golang_migrate_names_without_a_database_stay_golang_migrate() {
    for dir in ["golang-migrate/migrations", "template/migrations"] {
        let d = run(&[dir]);
        assert_eq!(set(&d, dir).framework, Framework::GolangMigrate, "{dir}");
    }
    // Forced by the configuration, a golang-migrate directory is read as popx reads it.
    let options = DiscoverOptions {
        framework: Some(Framework::Popx),
        ..DiscoverOptions::default()
    };
    let d = discover(
        &[Path::new(ROOT).join("golang-migrate/migrations")],
        &options,
    );
    let s = set(&d, "golang-migrate/migrations");
    assert_eq!(s.framework, Framework::Popx);
    assert_eq!(versions(s), ["1", "2", "10"]);
    assert!(s.migrations.iter().all(|m| m.up.tx == TxMode::Wrapped));
}

/// In a pull request, engine names the pull request adds do not make a golang-migrate
/// directory popx (which would wrap its migrations in a transaction).
#[test]
fn added_database_names_do_not_make_a_directory_popx() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().canonicalize().unwrap().join("migrations");
    std::fs::create_dir_all(&dir).unwrap();
    let files = [
        ("1_init.up.sql", "CREATE TABLE a (id int);\n"),
        ("1_init.down.sql", "DROP TABLE a;\n"),
        ("2_b.postgres.up.sql", "CREATE TABLE b (id int);\n"),
        ("2_b.postgres.down.sql", "DROP TABLE b;\n"),
        ("2_b.cockroach.up.sql", "CREATE TABLE b (id int);\n"),
    ];
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap();
    }
    let added: std::collections::HashSet<PathBuf> =
        files[2..].iter().map(|(name, _)| dir.join(name)).collect();
    let options = DiscoverOptions {
        untrusted: added.clone(),
        added,
        ..DiscoverOptions::default()
    };
    let d = discover(std::slice::from_ref(&dir), &options);
    let s = d.sets.iter().find(|s| s.dir == dir).unwrap();
    assert_eq!(s.framework, Framework::GolangMigrate);
    // Without the pull request, the same files are popx's.
    let d = discover(std::slice::from_ref(&dir), &DiscoverOptions::default());
    let s = d.sets.iter().find(|s| s.dir == dir).unwrap();
    assert_eq!(s.framework, Framework::Popx);
}

#[test]
fn sqlx() {
    let d = run(&["sqlx"]);
    assert_clean(&d);
    let s = set(&d, "sqlx/app/migrations");
    assert_eq!(s.framework, Framework::Sqlx);
    assert_eq!(
        versions(s),
        ["20240101000000", "20240102000000", "20240103000000"]
    );
    let [users, index, posts] = &s.migrations[..] else {
        panic!("{s:#?}")
    };
    assert_eq!(users.up.tx, TxMode::Wrapped);
    assert_eq!(users.down, Down::NotSupported);
    assert_eq!(index.up.tx, TxMode::None, "-- no-transaction");
    assert_eq!(posts.up.tx, TxMode::Wrapped);
    let (down_file, down_tx) = down(&d, &posts.down).unwrap();
    assert!(down_file.ends_with("20240103000000_posts.down.sql"));
    assert_eq!(down_tx, TxMode::Wrapped);
    // No Cargo.toml, but sqlx-cli's template comment.
    let t = set(&d, "sqlx/template-comment/migrations");
    assert_eq!(t.framework, Framework::Sqlx);
}

#[test]
fn diesel() {
    let d = run(&["diesel"]);
    assert_clean(&d);
    assert_eq!(d.sets.len(), 1);
    let s = set(&d, "diesel/migrations");
    assert_eq!(s.framework, Framework::Diesel);
    assert_eq!(
        versions(s),
        [
            "00000000000000",
            "2014-11-13-225413",
            "2015-02-01-000000",
            "2016-01-01-000000"
        ]
    );
    let [setup, posts, index, no_down] = &s.migrations[..] else {
        panic!("{s:#?}")
    };
    assert_eq!(setup.name, "diesel_initial_setup");
    assert_eq!(posts.up.tx, TxMode::Wrapped);
    assert!(file(&d, &posts.up).ends_with("2014-11-13-225413_create_posts/up.sql"));
    assert!(down(&d, &posts.down)
        .unwrap()
        .0
        .ends_with("2014-11-13-225413_create_posts/down.sql"));
    assert_eq!(
        index.up.tx,
        TxMode::None,
        "metadata.toml run_in_transaction = false"
    );
    assert_eq!(down(&d, &index.down).unwrap().1, TxMode::None);
    assert!(matches!(&no_down.down, Down::Missing(m) if m.contains("no down.sql")));
}

#[test]
fn sourcegraph() {
    let d = run(&["sourcegraph"]);
    assert_clean(&d);
    let s = set(&d, "sourcegraph/migrations");
    assert_eq!(s.framework, Framework::Sourcegraph);
    assert_eq!(versions(s), ["1000000000", "1000000001"]);
    assert!(s.migrations.iter().all(|m| m.up.tx == TxMode::Wrapped));
    assert!(s.migrations.iter().all(|m| down(&d, &m.down).is_some()));
}

#[test]
fn dbmate_sections() {
    let d = run(&["dbmate"]);
    assert_clean(&d);
    let s = set(&d, "dbmate/db/migrations");
    assert_eq!(s.framework, Framework::Dbmate);
    assert_eq!(versions(s), ["20240101000000", "20240102000000"]);
    let [users, index] = &s.migrations[..] else {
        panic!("{s:#?}")
    };
    assert_eq!(
        text(&d, &users.up),
        "create table users (id serial primary key);\n\n"
    );
    assert_eq!(users.up.tx, TxMode::Wrapped);
    let Down::Section(users_down) = &users.down else {
        panic!("{users:#?}")
    };
    assert_eq!(users_down.file, users.up.file);
    assert_eq!(text(&d, users_down), "drop table users;\n");
    // Ranges are file-absolute.
    let whole = &d.files[users.up.file].text;
    assert_eq!(users.up.range.start, whole.find("create table").unwrap());
    assert_eq!(index.up.tx, TxMode::None, "transaction:false");
    assert_eq!(
        text(&d, &index.up),
        "create index concurrently users_id on users (id);\n"
    );
    assert_eq!(
        index.down,
        Down::Missing("no -- migrate:down section".into())
    );
}

#[test]
fn goose_sections() {
    let d = run(&["goose"]);
    assert_clean(&d);
    let s = set(&d, "goose/migrations");
    assert_eq!(s.framework, Framework::Goose);
    assert_eq!(versions(s), ["00001", "00002"]);
    let [items, index] = &s.migrations[..] else {
        panic!("{s:#?}")
    };
    assert_eq!(
        text(&d, &items.up),
        "-- +goose StatementBegin\nCREATE TABLE items (id int);\n-- +goose StatementEnd\n\n"
    );
    assert_eq!(items.up.tx, TxMode::Wrapped);
    let Down::Section(items_down) = &items.down else {
        panic!("{items:#?}")
    };
    assert_eq!(text(&d, items_down), "DROP TABLE items;\n");
    assert_eq!(items_down.tx, TxMode::Wrapped);
    assert_eq!(index.up.tx, TxMode::None, "NO TRANSACTION");
    assert_eq!(
        text(&d, &index.up),
        "CREATE INDEX CONCURRENTLY items_id ON items (id);\n"
    );
    assert!(matches!(&index.down, Down::Missing(_)));
    assert_eq!(
        skipped(&d, "goose/migrations/00003_seed_items.go"),
        "Go migration: not SQL"
    );
}

#[test]
fn flyway() {
    let d = run(&["flyway"]);
    assert_clean(&d);
    let s = set(&d, "flyway/undo");
    assert_eq!(s.framework, Framework::Flyway);
    // 1.1 (written 1_1) < 1.2 < 1.10 < 2, repeatable last.
    assert_eq!(versions(s), ["1", "1_1", "1.2", "1.10", "2", "R"]);
    let init = &s.migrations[0];
    assert_eq!(init.name, "init");
    assert!(down(&d, &init.down).unwrap().0.ends_with("U1__init.sql"));
    assert!(matches!(&s.migrations[1].down, Down::Missing(m) if m.contains("U1_1__a.sql")));
    let index = &s.migrations[4];
    assert_eq!(
        index.up.tx,
        TxMode::None,
        ".conf executeInTransaction=false"
    );
    assert_eq!(s.migrations[0].up.tx, TxMode::Wrapped);
    let views = &s.migrations[5];
    assert_eq!(views.name, "views");
    assert_eq!(views.down, Down::NotSupported);

    let n = set(&d, "flyway/no-undo");
    assert_eq!(versions(n), ["1", "2024.01.02.1"]);
    assert!(n.migrations.iter().all(|m| m.down == Down::NotSupported));
}

#[test]
fn prisma() {
    let d = run(&["prisma"]);
    assert_clean(&d);
    let s = set(&d, "prisma/prisma/migrations");
    assert_eq!(s.framework, Framework::Prisma);
    assert_eq!(versions(s), ["20240101000000", "20240102000000"]);
    assert_eq!(s.migrations[1].name, "add_email");
    assert!(s.migrations.iter().all(|m| m.up.tx == TxMode::SingleQuery));
    assert!(s.migrations.iter().all(|m| m.down == Down::NotSupported));
}

#[test]
fn atlas() {
    let d = run(&["atlas"]);
    assert_clean(&d);
    let s = set(&d, "atlas/migrations");
    assert_eq!(s.framework, Framework::Atlas);
    assert_eq!(versions(s), ["20240101000000", "20240102000000"]);
    assert_eq!(s.migrations[0].up.tx, TxMode::Wrapped);
    assert_eq!(s.migrations[1].up.tx, TxMode::None, "-- atlas:txmode none");
    assert_eq!(s.migrations[1].name, "");
    // A Supabase directory with atlas.sum is Atlas.
    assert_eq!(
        set(&d, "atlas/supabase/migrations").framework,
        Framework::Atlas
    );

    // Atlas also reads golang-migrate's format (`--dir-format golang-migrate`): the ups and
    // downs pair as golang-migrate's, and `atlas.sum` covers the ups only, as Atlas hashes
    // them.
    let s = set(&d, "atlas/golang-migrate");
    assert_eq!(s.framework, Framework::GolangMigrate);
    assert_eq!(versions(s), ["20240101000000", "20240102000000"]);
    assert!(s
        .migrations
        .iter()
        .all(|m| matches!(m.down, Down::Section(_))));
    let hashed: Vec<&str> = s
        .atlas
        .as_ref()
        .expect("the atlas.sum of a golang-migrate directory")
        .files
        .iter()
        .map(|(name, _)| name.as_str())
        .collect();
    assert_eq!(
        hashed,
        [
            "20240101000000_accounts.up.sql",
            "20240102000000_name.up.sql"
        ]
    );
    // And goose's, where it hashes every file.
    let s = set(&d, "atlas/goose");
    assert_eq!(s.framework, Framework::Goose);
    assert_eq!(s.atlas.as_ref().map(|a| a.files.len()), Some(1));
}

#[test]
fn postgres_migrations() {
    // thomwright/postgres-migrations runs each file in a transaction unless it opts out with
    // `-- postgres-migrations disable-transaction`; a directory where a file does is its.
    let d = run(&["postgres-migrations"]);
    assert_clean(&d);
    let s = set(&d, "postgres-migrations/migrations");
    assert_eq!(s.framework, Framework::Plain);
    assert_eq!(s.migrations[0].up.tx, TxMode::Wrapped);
    assert_eq!(s.migrations[1].up.tx, TxMode::None);
    // Without the marker anywhere, plain files run statement by statement.
    let d = run(&["plain"]);
    assert!(d
        .sets
        .iter()
        .all(|s| s.migrations.iter().all(|m| m.up.tx == TxMode::None)));
}

#[test]
fn plain_numbered() {
    let d = run(&["plain"]);
    assert_clean(&d);
    assert_eq!(
        d.sets.len(),
        1,
        "node_modules, target and hidden dirs are skipped"
    );
    let s = set(&d, "plain/migrations");
    assert_eq!(s.framework, Framework::Plain);
    // 1.2 < 1.10 < 2 < 3 < 10.
    assert_eq!(versions(s), ["001", "1.2", "1.10", "2", "0003", "10"]);
    assert!(s.migrations.iter().all(|m| m.up.tx == TxMode::None));
    assert!(s.migrations.iter().all(|m| m.down == Down::NotSupported));
    assert_eq!(s.migrations[4].name, "d");
    assert_eq!(
        skipped(&d, "plain/migrations/schema.sql"),
        "no version in the file name: not a migration"
    );
    assert_eq!(skipped(&d, "plain/migrations/seed_users.sql"), "seed data");
    assert_eq!(
        skipped(&d, "plain/migrations/004_tenant.sql.tmpl"),
        "template"
    );
}

#[test]
fn clickhouse_directory() {
    let d = run(&["clickhouse"]);
    assert_clean(&d);
    let s = set(&d, "clickhouse/db/clickhouse/migrations");
    assert_eq!(s.dialect, Dialect::ClickHouse);
    assert_eq!(s.framework, Framework::Plain);
}

#[test]
fn other_engines_are_skipped_unless_the_dialect_is_forced() {
    let d = run(&["other-engines"]);
    assert_clean(&d);
    assert!(d.sets.is_empty(), "{:#?}", d.sets);
    assert_eq!(
        skipped(&d, "other-engines/jdbc-mysql/migrations/V1__init.sql"),
        "MySQL migrations are not checked: sqlgate reads PostgreSQL and ClickHouse (set migrations.dialect to override)"
    );
    assert!(skipped(&d, "other-engines/migration_sqlite/001_init.sql").starts_with("SQLite"));

    let options = DiscoverOptions {
        dialect: Some(Dialect::Postgres),
        ..DiscoverOptions::default()
    };
    let d = discover(&[Path::new(ROOT).join("other-engines")], &options);
    assert_eq!(d.sets.len(), 2);
    assert_eq!(
        set(&d, "other-engines/jdbc-mysql/migrations").framework,
        Framework::Flyway
    );
}

#[test]
fn forced_framework() {
    let options = DiscoverOptions {
        framework: Some(Framework::Plain),
        ..DiscoverOptions::default()
    };
    let d = discover(&[Path::new(ROOT).join("goose")], &options);
    let s = set(&d, "goose/migrations");
    assert_eq!(s.framework, Framework::Plain);
    assert_eq!(
        s.migrations[0].up.range,
        0..d.files[s.migrations[0].up.file].text.len()
    );
}

#[test]
fn go_template_placeholders() {
    let d = run(&["template"]);
    assert_clean(&d);
    assert_eq!(
        skipped(&d, "template/migrations/20240101000000_schema.up.sql"),
        "Go template placeholders: not plain SQL"
    );
    // A PostgreSQL array literal is not a template.
    assert_eq!(set(&d, "template/migrations").migrations.len(), 1);
}

#[test]
fn missing_path() {
    let d = run(&["does-not-exist"]);
    assert_eq!(d.errors.len(), 1);
    assert_eq!(d.errors[0].display, "fixtures/layouts/does-not-exist");
    assert_eq!(
        d.errors[0].message,
        "no such file or directory: check the path"
    );
}

#[test]
fn invalid_utf8() {
    let d = run(&["invalid-utf8"]);
    assert!(d.sets.is_empty());
    assert!(d.files.is_empty());
    assert_eq!(d.errors.len(), 1);
    assert_eq!(
        d.errors[0].display,
        "fixtures/layouts/invalid-utf8/migrations/001_bad.sql"
    );
    assert_eq!(
        d.errors[0].message,
        "invalid UTF-8 at line 2, column 9 (byte 18): re-save the file as UTF-8"
    );
}

#[test]
fn single_file_is_paired_with_its_down_on_disk() {
    let d = run(&["golang-migrate/migrations/1_init.up.sql"]);
    assert_clean(&d);
    assert_eq!(d.sets.len(), 1);
    let s = set(&d, "golang-migrate/migrations");
    assert_eq!(s.framework, Framework::GolangMigrate);
    assert_eq!(versions(s), ["1"]);
    assert!(down(&d, &s.migrations[0].down)
        .unwrap()
        .0
        .ends_with("1_init.down.sql"));
    assert!(d.skipped.is_empty(), "{:#?}", d.skipped);
    assert_eq!(d.files.len(), 2);

    // Per-migration directories: the set is the parent directory.
    let d = run(&["diesel/migrations/2015-02-01-000000_posts_index/up.sql"]);
    let s = set(&d, "diesel/migrations");
    assert_eq!(s.framework, Framework::Diesel);
    assert_eq!(s.migrations[0].up.tx, TxMode::None);
    assert!(down(&d, &s.migrations[0].down).is_some());

    // Content decides dbmate; the sqlx crate's Cargo.toml is found above the file.
    let d = run(&["dbmate/db/migrations/20240102000000_users_index.sql"]);
    assert_eq!(set(&d, "dbmate/db/migrations").framework, Framework::Dbmate);
    let d = run(&["sqlx/app/migrations/20240101000000_users.sql"]);
    assert_eq!(set(&d, "sqlx/app/migrations").framework, Framework::Sqlx);
    let d = run(&["flyway/undo/U1__init.sql"]);
    let s = set(&d, "flyway/undo");
    assert_eq!(versions(s), ["1"]);
    assert!(down(&d, &s.migrations[0].down).is_some());
}

#[test]
fn several_paths_and_files_reached_twice() {
    let d = run(&[
        "plain",
        "goose/migrations",
        "plain/migrations/001_init.sql",
        "../layouts/plain/migrations/2_b.sql",
    ]);
    assert_clean(&d);
    let dirs: Vec<_> = d.sets.iter().map(|s| s.dir.clone()).collect();
    assert_eq!(
        dirs,
        [
            Path::new(ROOT).join("goose/migrations"),
            Path::new(ROOT).join("plain/migrations")
        ]
    );
    assert_eq!(set(&d, "plain/migrations").migrations.len(), 6);
    let mut displays: Vec<_> = d.files.iter().map(|f| f.display.clone()).collect();
    let total = displays.len();
    displays.sort();
    displays.dedup();
    assert_eq!(displays.len(), total, "each file loaded once");

    // Displays have no leading `./`.
    let d = discover(
        &[PathBuf::from(
            "./fixtures/layouts/plain/migrations/001_init.sql",
        )],
        &DiscoverOptions::default(),
    );
    assert_eq!(
        d.files[0].display,
        "fixtures/layouts/plain/migrations/001_init.sql"
    );
    assert_eq!(d.sets[0].dir, Path::new(ROOT).join("plain/migrations"));
}

#[test]
fn version_order() {
    use sqlgate::discover::Version;
    assert!(Version::parse("2") < Version::parse("10"));
    assert!(Version::parse("1.2") < Version::parse("1.10"));
    assert!(Version::parse("001") < Version::parse("2"));
    assert!(Version::parse("2014-11-13-225413") < Version::parse("2015-01-01-000000"));
    assert!(Version::parse("99999") < Version::repeatable());
}

/// Manifest layout → the framework sqlgate should report (`None`: not a sqlgate layout).
fn expected_framework(layout: &str) -> Option<Framework> {
    Some(match layout {
        "supabase-cli" => Framework::Supabase,
        "supabase-cli+atlas" | "atlas" => Framework::Atlas,
        "golang-migrate" => Framework::GolangMigrate,
        "ory-popx" => Framework::Popx,
        "sqlx" | "sqlx-reversible" => Framework::Sqlx,
        "diesel" => Framework::Diesel,
        "dbmate" => Framework::Dbmate,
        "goose" => Framework::Goose,
        "flyway" => Framework::Flyway,
        "prisma" => Framework::Prisma,
        "plain-numbered" | "postgres-migrations" => Framework::Plain,
        _ => return None,
    })
}

#[test]
fn corpus() {
    let root = Path::new("/work/shared/corpus");
    let Ok(manifest) = std::fs::read_to_string(root.join("manifest.tsv")) else {
        eprintln!("corpus not found: skipped");
        return;
    };
    let start = std::time::Instant::now();
    let d = discover(&[root.to_path_buf()], &DiscoverOptions::default());
    let elapsed = start.elapsed();
    for e in &d.errors {
        assert!(e.message.contains("UTF-8"), "{e:?}");
    }
    println!(
        "{:<90} {:<15} {:<10} {:>5}",
        "set", "framework", "dialect", "n"
    );
    for s in &d.sets {
        let dir = s.dir.strip_prefix(root).unwrap_or(&s.dir);
        println!(
            "{:<90} {:<15} {:<10} {:>5}",
            dir.display(),
            s.framework.name(),
            format!("{:?}", s.dialect),
            s.migrations.len()
        );
    }
    let mut reasons: BTreeMap<&str, usize> = BTreeMap::new();
    for s in &d.skipped {
        let reason = s.reason.split(':').next().unwrap_or("");
        *reasons.entry(reason).or_default() += 1;
    }
    for (reason, n) in &reasons {
        println!("skipped {n:>5}  {reason}");
    }
    println!(
        "{} sets, {} files, {} skipped, {} errors in {elapsed:?}",
        d.sets.len(),
        d.files.len(),
        d.skipped.len(),
        d.errors.len()
    );

    for line in manifest.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let [dir, _, _, layout, dialect, ..] = cols[..] else {
            continue;
        };
        if dialect != "postgresql" {
            continue;
        }
        let dir = root.join(dir);
        let found: Vec<&MigrationSet> = d.sets.iter().filter(|s| s.dir.starts_with(&dir)).collect();
        match expected_framework(layout) {
            Some(framework) => {
                assert!(!found.is_empty(), "no set under {}", dir.display());
                for s in found {
                    assert_eq!(s.framework, framework, "{}", s.dir.display());
                    assert_eq!(s.dialect, Dialect::Postgres, "{}", s.dir.display());
                }
            }
            // gobuffalo-pop (supabase/auth): Go templates, nothing to check.
            None => assert!(found.is_empty(), "{found:#?}"),
        }
    }
}

/// The walk says which names are symbolic links, so canonical paths need no `lstat` per
/// file: a link still resolves to its target, a plain file to its directory's real path.
/// (The link leaves the directory walked but stays in the repository, so it is followed.)
#[cfg(unix)]
#[test]
fn canonical_paths_resolve_symlinked_migrations_to_their_targets() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().canonicalize().unwrap();
    let init = std::process::Command::new("git")
        .args(["init", "-q"])
        .current_dir(&root)
        .status()
        .unwrap();
    assert!(init.success());
    let migrations = root.join("migrations");
    let elsewhere = root.join("elsewhere");
    std::fs::create_dir_all(&migrations).unwrap();
    std::fs::create_dir_all(&elsewhere).unwrap();
    std::fs::write(migrations.join("001_a.sql"), "create table a (id int);").unwrap();
    std::fs::write(elsewhere.join("b.sql"), "create table b (id int);").unwrap();
    std::os::unix::fs::symlink(elsewhere.join("b.sql"), migrations.join("002_b.sql")).unwrap();

    let d = discover(
        std::slice::from_ref(&migrations),
        &DiscoverOptions::default(),
    );
    let walked: BTreeMap<String, Option<bool>> = d
        .files
        .iter()
        .map(|f| (f.display.clone(), f.is_symlink))
        .collect();
    let shown = |name: &str| migrations.join(name).display().to_string();
    assert_eq!(
        walked,
        BTreeMap::from([
            (shown("001_a.sql"), Some(false)),
            (shown("002_b.sql"), Some(true))
        ])
    );
    let canonical: BTreeMap<String, Option<PathBuf>> = d
        .files
        .iter()
        .map(|f| f.display.clone())
        .zip(canonical_paths(&d.files))
        .collect();
    assert_eq!(
        canonical,
        BTreeMap::from([
            (shown("001_a.sql"), Some(migrations.join("001_a.sql"))),
            (shown("002_b.sql"), Some(elsewhere.join("b.sql"))),
        ])
    );
}
