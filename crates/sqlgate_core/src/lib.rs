//! The shared vocabulary of sqlgate's layers: positions in source text, findings and their
//! severities and categories, the run's report, the SQL dialects, the migration frameworks and the gate's
//! verdict. Every other crate depends on this one, and it depends on none of them, so no
//! layer ever needs to import from a layer above it.

pub mod finding;
pub mod path;
pub mod replay;
pub mod run;
pub mod source;
pub mod verdict;

/// The cores this process may use, asked of the system once: each question reads the
/// cgroup's CPU quota (five system calls and a parse), and a run asks when it walks and
/// when it analyzes.
pub fn cores() -> usize {
    static CORES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// Threads worth starting for work that splits into at most `parts`: one per core, at most
/// one per part, at least one. The cores are counted only when there are two parts or more:
/// a small run, of one part, makes none of the system calls counting them takes.
pub fn threads_for(parts: usize) -> usize {
    if parts <= 1 {
        1
    } else {
        cores().min(parts)
    }
}

/// Which SQL dialect's lexical rules apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Dialect {
    Postgres,
    ClickHouse,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Framework {
    Supabase,
    GolangMigrate,
    Sqlx,
    Diesel,
    Sourcegraph,
    Dbmate,
    Goose,
    /// ory/popx (github.com/ory/x/popx, as Ory Kratos, Hydra and Keto use it):
    /// `<version>_<name>[.<database>][.autocommit].(up|down).sql`.
    Popx,
    Flyway,
    Prisma,
    Atlas,
    Plain,
}

impl Framework {
    /// The kebab-case name used in config files and messages.
    pub fn name(self) -> &'static str {
        match self {
            Framework::Supabase => "supabase",
            Framework::GolangMigrate => "golang-migrate",
            Framework::Sqlx => "sqlx",
            Framework::Diesel => "diesel",
            Framework::Sourcegraph => "sourcegraph",
            Framework::Dbmate => "dbmate",
            Framework::Goose => "goose",
            Framework::Popx => "popx",
            Framework::Flyway => "flyway",
            Framework::Prisma => "prisma",
            Framework::Atlas => "atlas",
            Framework::Plain => "plain",
        }
    }

    pub fn from_name(name: &str) -> Option<Framework> {
        ALL_FRAMEWORKS.iter().copied().find(|f| f.name() == name)
    }
}

pub const ALL_FRAMEWORKS: [Framework; 12] = [
    Framework::Supabase,
    Framework::GolangMigrate,
    Framework::Sqlx,
    Framework::Diesel,
    Framework::Sourcegraph,
    Framework::Dbmate,
    Framework::Goose,
    Framework::Popx,
    Framework::Flyway,
    Framework::Prisma,
    Framework::Atlas,
    Framework::Plain,
];

/// The first 7 characters of a commit SHA, as people read it.
pub fn short_sha(sha: &str) -> &str {
    sha.get(..7).unwrap_or(sha)
}

#[cfg(test)]
mod tests {
    /// One thread for one part or none; otherwise no more than the parts or the cores.
    #[test]
    fn threads_for_is_bounded_by_the_parts_and_the_cores() {
        assert_eq!(super::threads_for(0), 1);
        assert_eq!(super::threads_for(1), 1);
        for parts in [2, 3, 64, 10_000] {
            let threads = super::threads_for(parts);
            assert_eq!(threads, super::cores().min(parts), "{parts} parts");
        }
    }
}
