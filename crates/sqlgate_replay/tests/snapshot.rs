//! The catalog snapshot (RP002 down-does-not-restore) on a real PostgreSQL: a correct down
//! leaves no difference for any kind of object, and each thing a down forgets is one exact
//! line naming its kind and object.
//!
//! The server comes from `tests/common/postgres.rs` (a throwaway cluster on a unix socket).
//! Missing PostgreSQL binaries fail these tests (they do not skip): CI installs PostgreSQL 15.

#[path = "../../../tests/common/postgres.rs"]
mod postgres;

use std::time::{Duration, Instant};

use ::postgres::{Client, Config, NoTls};
use sqlgate_replay::snapshot::{Change, Difference, ObjectKind, Snapshot};

use self::postgres::Postgres;

fn start() -> Postgres {
    Postgres::start().unwrap_or_else(|e| {
        panic!("cannot start PostgreSQL for this test (it is required, not optional): {e}")
    })
}

/// The server's message (a `postgres::Error` alone prints `db error`).
fn message(e: &::postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => db.to_string(),
        None => e.to_string(),
    }
}

fn connect(server: &Postgres, database: &str) -> Client {
    Config::new()
        .host_path(server.socket_dir())
        .port(server.port())
        .user("sqlgate")
        .dbname(database)
        .connect(NoTls)
        .unwrap_or_else(|e| panic!("cannot connect to {database}: {}", message(&e)))
}

/// A new database with `setup` applied, and a client connected to it.
fn database(server: &Postgres, name: &str, setup: &str) -> Client {
    server
        .create_database(name)
        .unwrap_or_else(|e| panic!("{e}"));
    let mut client = connect(server, name);
    execute(&mut client, setup);
    client
}

fn execute(client: &mut impl ::postgres::GenericClient, sql: &str) {
    client
        .batch_execute(sql)
        .unwrap_or_else(|e| panic!("`{sql}` failed: {}", message(&e)));
}

fn take(client: &mut impl ::postgres::GenericClient) -> Snapshot {
    Snapshot::take(client).unwrap_or_else(|e| panic!("snapshot failed: {}", message(&e)))
}

fn lines(differences: &[Difference]) -> Vec<String> {
    differences.iter().map(ToString::to_string).collect()
}

/// The replay RP002 checks: a snapshot, the up, the down, a snapshot; what differs. The up
/// must change something the snapshot sees (else the case proves nothing).
fn replay(client: &mut Client, up: &str, down: &str) -> Vec<Difference> {
    let before = take(client);
    execute(client, up);
    let after_up = take(client);
    assert!(
        !before.diff(&after_up).is_empty(),
        "the snapshot sees nothing of the up `{up}`"
    );
    execute(client, down);
    let after = take(client);
    before.diff(&after)
}

/// The cluster's roles (cluster-wide: created once per server).
fn create_roles(server: &Postgres) {
    server
        .execute("postgres", "CREATE ROLE alice; CREATE ROLE bob")
        .unwrap_or_else(|e| panic!("{e}"));
}

/// A table with a bit of everything: identity and serial columns, defaults, a generated
/// column, a collation, constraints (named and generated names), indexes, row level
/// security and policies, a trigger, grants (table and column).
const USERS: &str = "
CREATE TABLE orgs (id int PRIMARY KEY);
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;
CREATE TABLE users (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    number serial,
    org_id int NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    email text NOT NULL UNIQUE,
    name text COLLATE \"C\" DEFAULT 'anonymous',
    score numeric(10, 2) CONSTRAINT score_positive CHECK (score >= 0),
    created_at timestamptz NOT NULL DEFAULT now(),
    email_lower text GENERATED ALWAYS AS (lower(email)) STORED
);
CREATE INDEX users_org_idx ON users (org_id) WHERE score > 0;
CREATE INDEX ON users (lower(name));
ALTER TABLE users ENABLE ROW LEVEL SECURITY;
ALTER TABLE users FORCE ROW LEVEL SECURITY;
CREATE POLICY users_same_org ON users AS RESTRICTIVE FOR UPDATE TO bob, alice
    USING (org_id = 1) WITH CHECK (score < 100);
CREATE POLICY users_read ON users FOR SELECT USING (true);
CREATE TRIGGER users_touch BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION touch();
GRANT SELECT, INSERT ON users TO alice;
GRANT UPDATE (email, name) ON users TO bob;
";

#[test]
fn correct_downs_leave_no_difference() {
    let server = start();
    create_roles(&server);
    // (database, setup, up, down)
    let cases: &[(&str, &str, &str, &str)] = &[
        ("create_table", "", USERS, "DROP TABLE users, orgs; DROP FUNCTION touch();"),
        (
            "alter_table",
            "CREATE TABLE users (id int PRIMARY KEY, email text, name text NOT NULL DEFAULT 'x');",
            "ALTER TABLE users ADD COLUMN age int DEFAULT 0 CHECK (age >= 0);
             ALTER TABLE users ALTER COLUMN email SET NOT NULL;
             ALTER TABLE users ALTER COLUMN name DROP DEFAULT;
             ALTER TABLE users ALTER COLUMN name TYPE varchar(100);
             CREATE UNIQUE INDEX users_email_idx ON users (email);
             ALTER TABLE users ENABLE ROW LEVEL SECURITY;
             CREATE POLICY users_all ON users USING (true);",
            "DROP POLICY users_all ON users;
             ALTER TABLE users DISABLE ROW LEVEL SECURITY;
             DROP INDEX users_email_idx;
             ALTER TABLE users ALTER COLUMN name TYPE text;
             ALTER TABLE users ALTER COLUMN name SET DEFAULT 'x';
             ALTER TABLE users ALTER COLUMN email DROP NOT NULL;
             ALTER TABLE users DROP COLUMN age;",
        ),
        (
            // A dropped column comes back at the end: the order is not compared.
            "drop_column",
            "CREATE TABLE users (id int, email text NOT NULL DEFAULT '', name text);",
            "ALTER TABLE users DROP COLUMN email;",
            "ALTER TABLE users ADD COLUMN email text NOT NULL DEFAULT '';",
        ),
        (
            "functions",
            "",
            "CREATE FUNCTION add(a int, b int) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT a + b';
             CREATE PROCEDURE reset(n int) LANGUAGE plpgsql AS $$BEGIN NULL; END$$;
             CREATE AGGREGATE total(int) (sfunc = int4pl, stype = int, initcond = '0');",
            "DROP AGGREGATE total(int); DROP PROCEDURE reset(int); DROP FUNCTION add(int, int);",
        ),
        (
            "function_replaced",
            "CREATE FUNCTION answer() RETURNS int LANGUAGE sql AS 'SELECT 42';",
            "CREATE OR REPLACE FUNCTION answer() RETURNS int LANGUAGE sql AS 'SELECT 43';",
            "CREATE OR REPLACE FUNCTION answer() RETURNS int LANGUAGE sql AS 'SELECT 42';",
        ),
        (
            "trigger",
            "CREATE TABLE users (id int, updated_at timestamptz);
             CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS
                 $$BEGIN NEW.updated_at = now(); RETURN NEW; END$$;",
            "CREATE TRIGGER users_touch BEFORE UPDATE ON users
                 FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION touch();",
            "DROP TRIGGER users_touch ON users;",
        ),
        (
            // The down's REVOKE and GRANT write the default ACLs out: the same privileges.
            "grants",
            "CREATE TABLE users (id int, email text);
             CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1';
             CREATE SCHEMA app;
             CREATE SEQUENCE counter;",
            "GRANT SELECT, INSERT ON users TO alice;
             GRANT UPDATE (email) ON users TO bob;
             GRANT USAGE ON SCHEMA app TO alice;
             GRANT USAGE ON SEQUENCE counter TO bob;
             REVOKE EXECUTE ON FUNCTION f() FROM PUBLIC;
             GRANT EXECUTE ON FUNCTION f() TO alice WITH GRANT OPTION;",
            "REVOKE SELECT, INSERT ON users FROM alice;
             REVOKE UPDATE (email) ON users FROM bob;
             REVOKE USAGE ON SCHEMA app FROM alice;
             REVOKE USAGE ON SEQUENCE counter FROM bob;
             REVOKE EXECUTE ON FUNCTION f() FROM alice CASCADE;
             GRANT EXECUTE ON FUNCTION f() TO PUBLIC;",
        ),
        (
            "enum",
            "",
            "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
             CREATE TABLE people (id int, mood mood DEFAULT 'ok');",
            "DROP TABLE people; DROP TYPE mood;",
        ),
        (
            "views",
            "CREATE TABLE users (id int, email text, active bool);",
            "CREATE VIEW active_users WITH (security_barrier) AS
                 SELECT id, email FROM users WHERE active;
             CREATE MATERIALIZED VIEW user_count AS SELECT count(*) AS n FROM users;",
            "DROP MATERIALIZED VIEW user_count; DROP VIEW active_users;",
        ),
        (
            "sequences",
            "",
            "CREATE SEQUENCE invoice_no AS int START 1000 INCREMENT 10 CYCLE;
             CREATE TABLE invoices (id serial PRIMARY KEY, no int DEFAULT nextval('invoice_no'));",
            "DROP TABLE invoices; DROP SEQUENCE invoice_no;",
        ),
        (
            "partitioned",
            "",
            "CREATE TABLE events (id int, at date NOT NULL) PARTITION BY RANGE (at);
             CREATE TABLE events_2024 PARTITION OF events
                 FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
             CREATE INDEX ON events (at);
             ALTER TABLE events ADD PRIMARY KEY (id, at);",
            "DROP TABLE events;",
        ),
        (
            "schema_domain_composite_range",
            "",
            "CREATE SCHEMA app;
             CREATE DOMAIN app.email AS text NOT NULL CHECK (VALUE LIKE '%@%');
             CREATE TYPE app.pair AS (a int, b text COLLATE \"C\");
             CREATE TYPE app.span AS RANGE (subtype = int4);
             CREATE TABLE app.contacts (email app.email, pair app.pair, span app.span);",
            "DROP SCHEMA app CASCADE;",
        ),
        (
            "extension",
            "",
            "CREATE EXTENSION citext;",
            "DROP EXTENSION citext;",
        ),
    ];
    let mut failures = Vec::new();
    for (name, setup, up, down) in cases {
        let mut client = database(&server, name, setup);
        let differences = replay(&mut client, up, down);
        if !differences.is_empty() {
            failures.push(format!("{name}:\n  {}", lines(&differences).join("\n  ")));
        }
    }
    assert!(
        failures.is_empty(),
        "correct downs reported:\n{}",
        failures.join("\n")
    );
}

#[test]
fn a_forgotten_column_is_one_line() {
    let server = start();
    let setup = "CREATE TABLE users (id int, name text);";

    let mut client = database(&server, "added", setup);
    let differences = replay(
        &mut client,
        "ALTER TABLE users ADD COLUMN email text NOT NULL DEFAULT '';",
        "",
    );
    assert_eq!(
        differences,
        vec![Difference {
            kind: ObjectKind::Column,
            object: "public.users.email".to_string(),
            change: Change::Extra,
        }]
    );
    assert_eq!(
        lines(&differences),
        ["column public.users.email is left behind by the up"]
    );

    let mut client = database(&server, "dropped", setup);
    let differences = replay(&mut client, "ALTER TABLE users DROP COLUMN name;", "");
    assert_eq!(
        lines(&differences),
        ["column public.users.name is missing after the down"]
    );

    // A serial column is a column and a sequence: the sequence goes with its column.
    let mut client = database(&server, "serial", setup);
    let differences = replay(&mut client, "ALTER TABLE users ADD COLUMN n serial;", "");
    assert_eq!(
        lines(&differences),
        ["column public.users.n is left behind by the up"]
    );
}

#[test]
fn a_column_restored_otherwise_is_changed() {
    let server = start();
    let mut client = database(
        &server,
        "restored",
        "CREATE TABLE users (id int, name text NOT NULL, status text DEFAULT 'new', age int);",
    );
    let differences = replay(
        &mut client,
        "ALTER TABLE users DROP COLUMN name, DROP COLUMN status, DROP COLUMN age;",
        "ALTER TABLE users ADD COLUMN name text, ADD COLUMN status text DEFAULT 'old',
             ADD COLUMN age bigint;",
    );
    assert_eq!(
        differences,
        vec![
            Difference {
                kind: ObjectKind::Column,
                object: "public.users.age".to_string(),
                change: Change::Changed {
                    before: "integer".to_string(),
                    after: "bigint".to_string(),
                },
            },
            Difference {
                kind: ObjectKind::Column,
                object: "public.users.name".to_string(),
                change: Change::Changed {
                    before: "text not null".to_string(),
                    after: "text".to_string(),
                },
            },
            Difference {
                kind: ObjectKind::Column,
                object: "public.users.status".to_string(),
                change: Change::Changed {
                    before: "text default 'new'::text".to_string(),
                    after: "text default 'old'::text".to_string(),
                },
            },
        ]
    );
    assert_eq!(
        lines(&differences),
        [
            "column public.users.age changed: integer -> bigint",
            "column public.users.name changed: text not null -> text",
            "column public.users.status changed: text default 'new'::text -> text default 'old'::text",
        ]
    );
}

#[test]
fn a_table_dropped_and_recreated_with_its_shape_compares_equal() {
    let server = start();
    create_roles(&server);
    let mut client = database(&server, "recreated", USERS);
    let oid = |client: &mut Client| -> u32 {
        client
            .query_one("SELECT 'users'::regclass::oid", &[])
            .and_then(|row| row.try_get(0))
            .unwrap_or_else(|e| panic!("{}", message(&e)))
    };
    let before_oid = oid(&mut client);
    let differences = replay(
        &mut client,
        "DROP TABLE users, orgs; DROP FUNCTION touch();",
        USERS,
    );
    assert_ne!(oid(&mut client), before_oid, "the table was not re-created");
    assert_eq!(lines(&differences), Vec::<String>::new());
}

/// The md5 digest (12 digits) of a function's definition, as the snapshot writes it.
fn digest(client: &mut Client, definition: &str) -> String {
    client
        .query_one("SELECT left(md5($1), 12)", &[&definition])
        .and_then(|row| row.try_get(0))
        .unwrap_or_else(|e| panic!("{}", message(&e)))
}

/// A database, its setup, an up whose down forgets everything, and the differences (kind,
/// object, line).
type Case<'a> = (
    &'a str,
    &'a str,
    &'a str,
    &'a [(ObjectKind, &'a str, &'a str)],
);

#[test]
fn each_forgotten_object_is_reported_by_kind_and_name() {
    let server = start();
    create_roles(&server);
    let users = "CREATE TABLE users (id int, email text);
                 CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS
                     $$BEGIN RETURN NEW; END$$;";
    let trigger_def =
        "CREATE TRIGGER users_touch BEFORE UPDATE ON public.users FOR EACH ROW EXECUTE FUNCTION public.touch()";
    let trigger_disabled = format!(
        "trigger public.users.users_touch changed: {trigger_def} -> {trigger_def} (disabled)"
    );
    let cases: &[Case] = &[
        (
            "index",
            users,
            "CREATE INDEX users_email_idx ON users (email);",
            &[(
                ObjectKind::Index,
                "public.users_email_idx",
                "index public.users_email_idx is left behind by the up",
            )],
        ),
        (
            // The name PostgreSQL generates is a name; the constraint's index is the
            // constraint's.
            "constraint",
            users,
            "ALTER TABLE users ADD UNIQUE (email);",
            &[(
                ObjectKind::Constraint,
                "public.users.users_email_key",
                "constraint public.users.users_email_key is left behind by the up",
            )],
        ),
        (
            "policy",
            users,
            "CREATE POLICY users_own ON users FOR SELECT TO alice USING (email = current_user);",
            &[(
                ObjectKind::Policy,
                "public.users.users_own",
                "policy public.users.users_own is left behind by the up",
            )],
        ),
        (
            "policy_dropped",
            "CREATE TABLE users (id int, email text);
             CREATE POLICY users_own ON users FOR SELECT TO alice USING (email = current_user);",
            "DROP POLICY users_own ON users;",
            &[(
                ObjectKind::Policy,
                "public.users.users_own",
                "policy public.users.users_own is missing after the down",
            )],
        ),
        (
            "policy_changed",
            "CREATE TABLE users (id int, email text);
             CREATE POLICY users_own ON users FOR SELECT TO alice USING (email = current_user);",
            "ALTER POLICY users_own ON users TO alice, bob USING (true);",
            &[(
                ObjectKind::Policy,
                "public.users.users_own",
                "policy public.users.users_own changed: \
                 as permissive for select to alice using ((email = CURRENT_USER)) -> \
                 as permissive for select to alice, bob using (true)",
            )],
        ),
        (
            "rls_enabled",
            users,
            "ALTER TABLE users ENABLE ROW LEVEL SECURITY;",
            &[(
                ObjectKind::Table,
                "public.users",
                "table public.users changed: row level security disabled -> row level security enabled",
            )],
        ),
        (
            "rls_forced",
            users,
            "ALTER TABLE users FORCE ROW LEVEL SECURITY;",
            &[(
                ObjectKind::Table,
                "public.users",
                "table public.users changed: row level security disabled -> row level security disabled and forced",
            )],
        ),
        (
            "grant",
            users,
            "GRANT SELECT ON users TO alice;",
            &[(
                ObjectKind::Grant,
                "select on table public.users to alice",
                "grant select on table public.users to alice is left behind by the up",
            )],
        ),
        (
            "column_grant",
            users,
            "GRANT UPDATE (email) ON users TO bob;",
            &[(
                ObjectKind::Grant,
                "update (email) on table public.users to bob",
                "grant update (email) on table public.users to bob is left behind by the up",
            )],
        ),
        (
            "grant_option",
            "CREATE TABLE users (id int); GRANT SELECT ON users TO alice;",
            "GRANT SELECT ON users TO alice WITH GRANT OPTION;",
            &[(
                ObjectKind::Grant,
                "select on table public.users to alice",
                "grant select on table public.users to alice changed: granted -> granted with grant option",
            )],
        ),
        (
            "revoke",
            "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1';",
            "REVOKE EXECUTE ON FUNCTION f() FROM PUBLIC;",
            &[(
                ObjectKind::Grant,
                "execute on function public.f() to public",
                "grant execute on function public.f() to public is missing after the down",
            )],
        ),
        (
            "schema_grant",
            "CREATE SCHEMA app;",
            "GRANT USAGE, CREATE ON SCHEMA app TO alice;",
            &[
                (
                    ObjectKind::Grant,
                    "create on schema app to alice",
                    "grant create on schema app to alice is left behind by the up",
                ),
                (
                    ObjectKind::Grant,
                    "usage on schema app to alice",
                    "grant usage on schema app to alice is left behind by the up",
                ),
            ],
        ),
        (
            "trigger",
            users,
            "CREATE TRIGGER users_touch BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION touch();",
            &[(
                ObjectKind::Trigger,
                "public.users.users_touch",
                "trigger public.users.users_touch is left behind by the up",
            )],
        ),
        (
            "trigger_disabled",
            "CREATE TABLE users (id int, email text);
             CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;
             CREATE TRIGGER users_touch BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION touch();",
            "ALTER TABLE users DISABLE TRIGGER users_touch;",
            &[(ObjectKind::Trigger, "public.users.users_touch", &trigger_disabled)],
        ),
        (
            // A label cannot be dropped: a down that "forgets" it is the usual case.
            "enum_label",
            "CREATE TYPE mood AS ENUM ('sad', 'happy');",
            "ALTER TYPE mood ADD VALUE 'ok' BEFORE 'happy';",
            &[(
                ObjectKind::Type,
                "public.mood",
                "type public.mood changed: enum ('sad', 'happy') -> enum ('sad', 'ok', 'happy')",
            )],
        ),
        (
            "domain",
            "CREATE DOMAIN email AS text;",
            "ALTER DOMAIN email ADD CONSTRAINT email_at CHECK (VALUE LIKE '%@%');",
            &[(
                ObjectKind::Type,
                "public.email",
                "type public.email changed: domain text -> \
                 domain text constraint email_at CHECK ((VALUE ~~ '%@%'::text))",
            )],
        ),
        (
            "function_added",
            "",
            "CREATE FUNCTION add(a int, b int) RETURNS int LANGUAGE sql AS 'SELECT a + b';",
            &[(
                ObjectKind::Function,
                "public.add(a integer, b integer)",
                "function public.add(a integer, b integer) is left behind by the up",
            )],
        ),
        (
            "procedure_dropped",
            "CREATE PROCEDURE archive(n int) LANGUAGE sql AS 'SELECT 1';",
            "DROP PROCEDURE archive(int);",
            &[(
                ObjectKind::Procedure,
                "public.archive(IN n integer)",
                "procedure public.archive(IN n integer) is missing after the down",
            )],
        ),
        (
            "view",
            "CREATE TABLE users (id int, email text);
             CREATE VIEW emails AS SELECT id FROM users;",
            "CREATE OR REPLACE VIEW emails AS SELECT id, email FROM users;",
            &[(
                ObjectKind::View,
                "public.emails",
                "view public.emails changed: as SELECT users.id FROM public.users; -> \
                 as SELECT users.id, users.email FROM public.users;",
            )],
        ),
        (
            "sequence",
            "",
            "CREATE SEQUENCE invoice_no START 1000;",
            &[(
                ObjectKind::Sequence,
                "public.invoice_no",
                "sequence public.invoice_no is left behind by the up",
            )],
        ),
        (
            // A table left behind is one line: not one per column, index, policy, grant.
            "table",
            "",
            USERS,
            &[
                (
                    ObjectKind::Table,
                    "public.orgs",
                    "table public.orgs is left behind by the up",
                ),
                (
                    ObjectKind::Table,
                    "public.users",
                    "table public.users is left behind by the up",
                ),
                (
                    ObjectKind::Function,
                    "public.touch()",
                    "function public.touch() is left behind by the up",
                ),
            ],
        ),
        (
            "table_dropped",
            users,
            "DROP TABLE users;",
            &[(
                ObjectKind::Table,
                "public.users",
                "table public.users is missing after the down",
            )],
        ),
        (
            "schema",
            "",
            "CREATE SCHEMA app; CREATE TABLE app.t (id int PRIMARY KEY);
             CREATE TYPE app.mood AS ENUM ('a'); CREATE FUNCTION app.f() RETURNS int
             LANGUAGE sql AS 'SELECT 1';",
            &[(
                ObjectKind::Schema,
                "app",
                "schema app is left behind by the up",
            )],
        ),
        (
            "extension",
            "",
            "CREATE EXTENSION citext;",
            &[(
                ObjectKind::Extension,
                "citext",
                "extension citext is left behind by the up",
            )],
        ),
        (
            "partition",
            "CREATE TABLE events (id int, at date NOT NULL) PARTITION BY RANGE (at);",
            "CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');",
            &[(
                ObjectKind::Table,
                "public.events_2024",
                "table public.events_2024 is left behind by the up",
            )],
        ),
    ];

    let mut failures = Vec::new();
    for (name, setup, up, expected) in cases {
        let mut client = database(&server, name, setup);
        let differences = replay(&mut client, up, "");
        let found: Vec<(ObjectKind, String, String)> = differences
            .iter()
            .map(|d| (d.kind, d.object.clone(), d.to_string()))
            .collect();
        let expected: Vec<(ObjectKind, String, String)> = expected
            .iter()
            .map(|(kind, object, line)| (*kind, object.to_string(), line.to_string()))
            .collect();
        if found != expected {
            failures.push(format!(
                "{name}:\n  expected {expected:#?}\n  found {found:#?}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_changed_function_body_is_reported_with_its_digests() {
    let server = start();
    let mut client = database(
        &server,
        "body",
        "CREATE FUNCTION answer() RETURNS int LANGUAGE sql AS 'SELECT 42';",
    );
    let differences = replay(
        &mut client,
        "CREATE OR REPLACE FUNCTION answer() RETURNS int LANGUAGE sql AS 'SELECT 43';",
        "",
    );
    // pg_get_functiondef's text, digested by the server.
    let before = digest(
        &mut client,
        "CREATE OR REPLACE FUNCTION public.answer()\n RETURNS integer\n LANGUAGE sql\nAS $function$SELECT 42$function$\n",
    );
    let after = digest(
        &mut client,
        "CREATE OR REPLACE FUNCTION public.answer()\n RETURNS integer\n LANGUAGE sql\nAS $function$SELECT 43$function$\n",
    );
    assert_eq!(
        lines(&differences),
        [format!(
            "function public.answer() changed: \
             returns integer language sql volatile definition md5 {before} -> \
             returns integer language sql volatile definition md5 {after}"
        )]
    );
    assert_eq!(differences[0].kind, ObjectKind::Function);
    assert_eq!(differences[0].object, "public.answer()");
}

#[test]
fn a_snapshot_in_a_transaction_sees_its_own_changes() {
    let server = start();
    let mut client = database(&server, "transaction", "CREATE TABLE users (id int);");
    let outside_before = take(&mut client);
    let mut transaction = client
        .transaction()
        .unwrap_or_else(|e| panic!("{}", message(&e)));
    let before = take(&mut transaction);
    assert_eq!(before, outside_before);
    execute(
        &mut transaction,
        "CREATE TABLE orders (id int); ALTER TABLE users ADD COLUMN email text;",
    );
    let after = take(&mut transaction);
    assert_eq!(
        lines(&before.diff(&after)),
        [
            "table public.orders is left behind by the up",
            "column public.users.email is left behind by the up",
        ]
    );
    // Another session does not see the uncommitted changes.
    let mut other = connect(&server, "transaction");
    assert_eq!(take(&mut other), outside_before);
    transaction
        .rollback()
        .unwrap_or_else(|e| panic!("{}", message(&e)));
    assert_eq!(take(&mut client), outside_before);
}

#[test]
fn take_pins_and_restores_the_session_settings() {
    let server = start();
    let mut client = database(
        &server,
        "settings",
        "CREATE SCHEMA app; CREATE TABLE app.users (id int, at timestamptz DEFAULT '2024-01-01 00:00+00');
         CREATE TABLE public.orders (id int, user_id int);",
    );
    let settings = |client: &mut Client| -> (String, String, String) {
        client
            .query_one(
                "SELECT current_setting('search_path'), current_setting('TimeZone'), \
                 current_setting('DateStyle')",
                &[],
            )
            .and_then(|row| Ok((row.try_get(0)?, row.try_get(1)?, row.try_get(2)?)))
            .unwrap_or_else(|e| panic!("{}", message(&e)))
    };
    let before = take(&mut client);
    // A migration's SET cannot make the snapshots differ (names stay qualified, constants
    // print alike).
    execute(
        &mut client,
        "SET search_path = app, public; SET TimeZone = 'Asia/Tokyo'; SET DateStyle = 'SQL, DMY';",
    );
    let set = settings(&mut client);
    let after = take(&mut client);
    assert_eq!(lines(&before.diff(&after)), Vec::<String>::new());
    assert_eq!(
        settings(&mut client),
        set,
        "take changed the session's settings"
    );
    assert_eq!(
        after.get(ObjectKind::Column, "app.users.at"),
        Some("timestamp with time zone default '2024-01-01 00:00:00+00'::timestamp with time zone")
    );

    // In an aborted transaction the reading fails, as an error.
    let mut transaction = client
        .transaction()
        .unwrap_or_else(|e| panic!("{}", message(&e)));
    assert!(transaction.batch_execute("SELECT 1/0").is_err());
    assert!(Snapshot::take(&mut transaction).is_err());
    drop(transaction);
    assert_eq!(settings(&mut client), set);
}

#[test]
fn a_snapshot_serializes_as_a_map_from_object_to_definition() {
    let server = start();
    let mut client = database(
        &server,
        "json",
        "CREATE TABLE users (id int NOT NULL, email text DEFAULT 'x');
         REVOKE ALL ON users FROM sqlgate;",
    );
    let snapshot = take(&mut client);
    let value = serde_json::to_value(&snapshot).unwrap_or_else(|e| panic!("{e}"));
    let expected = serde_json::json!({
        "objects": {
            "schema public": "",
            "extension plpgsql": "schema pg_catalog, version 1.0",
            "table public.users": "row level security disabled",
            "column public.users.id": "integer not null",
            "column public.users.email": "text default 'x'::text",
            "grant create on schema public to pg_database_owner": "granted",
            "grant usage on schema public to pg_database_owner": "granted",
            "grant usage on schema public to public": "granted",
        }
    });
    assert_eq!(value, expected);
    assert_eq!(snapshot.len(), 8);
}

/// The time `take` needs on a database of 200 tables (each with columns, a primary key, a
/// foreign key, an index, a policy and a grant). Printed: run with `--nocapture`.
#[test]
fn take_on_two_hundred_tables() {
    let server = start();
    create_roles(&server);
    let mut client = database(&server, "wide", "");
    execute(
        &mut client,
        "DO $$
         BEGIN
             FOR i IN 1..200 LOOP
                 EXECUTE format(
                     'CREATE TABLE t%s (
                          id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
                          parent_id bigint %s,
                          name text NOT NULL DEFAULT %L,
                          created_at timestamptz NOT NULL DEFAULT now(),
                          score numeric(8, 2) CHECK (score >= 0)
                      );
                      CREATE INDEX t%s_name_idx ON t%s (name);
                      ALTER TABLE t%s ENABLE ROW LEVEL SECURITY;
                      CREATE POLICY t%s_read ON t%s FOR SELECT TO alice USING (score > 0);
                      GRANT SELECT ON t%s TO alice;',
                     i, CASE WHEN i > 1 THEN format('REFERENCES t%s (id)', i - 1) ELSE '' END,
                     'n' || i, i, i, i, i, i, i);
             END LOOP;
         END $$;",
    );
    let mut times = Vec::new();
    let mut snapshot = None;
    for _ in 0..3 {
        let started = Instant::now();
        let taken = take(&mut client);
        times.push(started.elapsed());
        snapshot = Some(taken);
    }
    let snapshot = snapshot.unwrap_or_else(|| unreachable!());
    let tables = snapshot
        .iter()
        .filter(|(kind, _, _)| *kind == ObjectKind::Table)
        .count();
    assert_eq!(tables, 200);
    let best = times.iter().min().copied().unwrap_or(Duration::ZERO);
    let worst = times.iter().max().copied().unwrap_or(Duration::ZERO);
    println!(
        "Snapshot::take on 200 tables ({} objects): best {best:?}, worst {worst:?} of 3",
        snapshot.len()
    );
    assert_eq!(snapshot, take(&mut client));
}
