//! The settings `sqlgate.toml` gives the rules (`[security]`, `[reversibility]`), as values
//! the config can name and validate. The rules read them through `sqlgate_lint`'s
//! `Settings`, whose defaults are the ones here.

use sqlgate_core::Framework;

/// `security.exposed-schemas` by default: the schema Supabase's API exposes.
pub const DEFAULT_EXPOSED_SCHEMAS: &[&str] = &["public"];
/// `security.public-roles` by default: Supabase's roles for everyone.
pub const DEFAULT_PUBLIC_ROLES: &[&str] = &["anon", "authenticated"];

/// What a framework must ship so that a migration can be reversed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DownExpectation {
    /// A down file or section (RV001, RV002, RV003).
    DownFile,
    /// A `-- rollback:` comment in the up migration (RV004).
    RollbackNote,
    Off,
}

impl DownExpectation {
    pub fn name(self) -> &'static str {
        match self {
            DownExpectation::DownFile => "down-file",
            DownExpectation::RollbackNote => "rollback-note",
            DownExpectation::Off => "off",
        }
    }

    pub fn from_name(name: &str) -> Option<DownExpectation> {
        [
            DownExpectation::DownFile,
            DownExpectation::RollbackNote,
            DownExpectation::Off,
        ]
        .into_iter()
        .find(|e| e.name() == name)
    }

    /// The default: downs where the framework has them, a rollback note for Supabase and
    /// plain SQL, nothing for generated SQL (Prisma, Atlas).
    pub fn default_for(framework: Framework) -> DownExpectation {
        match framework {
            Framework::Supabase | Framework::Plain => DownExpectation::RollbackNote,
            Framework::Prisma | Framework::Atlas => DownExpectation::Off,
            Framework::GolangMigrate
            | Framework::Sqlx
            | Framework::Diesel
            | Framework::Sourcegraph
            | Framework::Dbmate
            | Framework::Goose
            | Framework::Popx
            | Framework::Flyway => DownExpectation::DownFile,
        }
    }
}

/// `security.rls`: where the RLS rules (SC001–SC004) apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RlsMode {
    /// Supabase layouts and SQL that uses `auth.uid()` or the roles `anon`/`authenticated`.
    #[default]
    Auto,
    Required,
    Off,
}

impl RlsMode {
    pub fn name(self) -> &'static str {
        match self {
            RlsMode::Auto => "auto",
            RlsMode::Required => "required",
            RlsMode::Off => "off",
        }
    }

    pub fn from_name(name: &str) -> Option<RlsMode> {
        [RlsMode::Auto, RlsMode::Required, RlsMode::Off]
            .into_iter()
            .find(|m| m.name() == name)
    }
}
