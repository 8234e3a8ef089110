//! `check --stats`: how the checked statements were understood, per dialect; the shapes of
//! the syntax problems (by sqlparser's message); where the time went; peak memory. Printed to stderr, so the
//! report on stdout stays valid in every format.

use std::fmt::Write as _;
use std::time::Duration;

use sqlgate_lint::engine::{Counts, Stats};

/// How many fallback shapes are listed.
const SHAPES_SHOWN: usize = 15;

/// A row of the statements table: its label and how to show one dialect's cell.
type Row = (&'static str, fn(&Counts) -> String);

/// What the CLI measured around the engine.
#[derive(Debug, Clone, Default)]
pub struct RunFacts {
    pub files_read: usize,
    pub bytes_read: usize,
    pub files_checked: usize,
    /// Phases before and after the engine's own (`discovery`, `git`, `report`).
    pub before: Vec<(&'static str, Duration)>,
    pub after: Vec<(&'static str, Duration)>,
    pub total: Duration,
    /// Peak resident memory in bytes, where the platform tells.
    pub peak_memory: Option<u64>,
}

pub fn render(stats: &Stats, facts: &RunFacts) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "stats: {} read ({}), {} checked",
        crate::shared::plural(facts.files_read, "file", "files"),
        megabytes(facts.bytes_read as u64),
        crate::shared::plural(facts.files_checked, "file", "files"),
    );
    let mut columns: Vec<(&str, Counts)> = stats
        .dialects
        .iter()
        .map(|(name, counts)| (*name, counts.clone()))
        .collect();
    if columns.len() != 1 {
        columns.push(("all", stats.total()));
    }
    let _ = write!(out, "stats: {:<36}", "statements checked");
    for (name, _) in &columns {
        let _ = write!(out, "{name:>12}");
    }
    out.push('\n');
    let rows: [Row; 8] = [
        ("total", |c| c.statements.to_string()),
        ("read with the objects they name", |c| {
            (c.parsed + c.classified).to_string()
        }),
        ("known by keyword only", |c| c.keyword_only.to_string()),
        ("unknown", |c| c.unknown.to_string()),
        ("psql meta-commands and COPY data", |c| {
            c.non_sql.to_string()
        }),
        ("understood", |c| format!("{:.2}%", c.understood_percent())),
        ("read with names", |c| format!("{:.2}%", c.named_percent())),
        ("in DO, function bodies and EXECUTE", |c| {
            c.dynamic.to_string()
        }),
    ];
    for (label, cell) in rows {
        let _ = write!(out, "         {label:<36}");
        for (_, counts) in &columns {
            let _ = write!(out, "{:>12}", cell(counts));
        }
        out.push('\n');
    }
    let mut shapes: Vec<_> = stats.fallback_shapes.iter().collect();
    shapes.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
    if !shapes.is_empty() {
        let _ = writeln!(
            out,
            "stats: syntax problems sqlparser rejects too ({} shapes; the most frequent first):",
            shapes.len()
        );
        for ((dialect, kind, message), n) in shapes.iter().take(SHAPES_SHOWN) {
            let _ = writeln!(out, "         {n:>6}  {dialect} {kind}: {message}");
        }
    }
    let phases: Vec<String> = facts
        .before
        .iter()
        .chain(&stats.timings)
        .chain(&facts.after)
        .map(|(phase, time)| {
            if *phase == "analysis" {
                format!(
                    "{phase} {} ({})",
                    millis(*time),
                    crate::shared::plural(stats.threads, "thread", "threads")
                )
            } else {
                format!("{phase} {}", millis(*time))
            }
        })
        .collect();
    let _ = writeln!(
        out,
        "stats: time: {}; total {}",
        phases.join(", "),
        millis(facts.total)
    );
    let _ = writeln!(
        out,
        "stats: peak memory: {}",
        facts
            .peak_memory
            .map_or_else(|| "unknown on this platform".to_string(), megabytes)
    );
    out
}

fn millis(time: Duration) -> String {
    format!("{:.1} ms", time.as_secs_f64() * 1000.0)
}

fn megabytes(bytes: u64) -> String {
    if bytes < 1_000_000 {
        format!("{:.1} KB", bytes as f64 / 1_000.0)
    } else {
        format!("{:.1} MB", bytes as f64 / 1_000_000.0)
    }
}

/// The process's peak resident set size (Linux: `VmHWM` in /proc/self/status).
pub fn peak_memory_of(status: &str) -> Option<u64> {
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line
        .trim_start_matches("VmHWM:")
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kb * 1024)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stats() -> Stats {
        let mut stats = Stats {
            threads: 2,
            timings: vec![
                ("analysis", Duration::from_micros(12_340)),
                ("catalog and rules", Duration::from_millis(2)),
                ("findings", Duration::from_millis(1)),
            ],
            ..Stats::default()
        };
        stats.dialects.insert(
            "postgres",
            Counts {
                statements: 200,
                parsed: 190,
                classified: 6,
                keyword_only: 1,
                unknown: 2,
                non_sql: 1,
                dynamic: 7,
            },
        );
        stats.dialects.insert(
            "clickhouse",
            Counts {
                statements: 10,
                parsed: 10,
                ..Counts::default()
            },
        );
        stats.fallback_shapes.insert(
            (
                "postgres",
                "create policy".into(),
                "Expected: (, found: AS".into(),
            ),
            5,
        );
        stats.fallback_shapes.insert(
            (
                "postgres",
                "alter table".into(),
                "Expected: TO, found: x".into(),
            ),
            1,
        );
        stats
    }

    #[test]
    fn renders_counts_per_dialect_shapes_times_and_memory() {
        let facts = RunFacts {
            files_read: 12,
            bytes_read: 1_500_000,
            files_checked: 3,
            before: vec![("discovery", Duration::from_millis(4))],
            after: vec![("report", Duration::from_micros(500))],
            total: Duration::from_millis(20),
            peak_memory: Some(31_000_000),
        };
        insta::assert_snapshot!(render(&stats(), &facts));
    }

    #[test]
    fn understood_leaves_out_psql_lines_and_counts_unknown_against() {
        let counts = stats().dialects["postgres"].clone();
        // 199 SQL statements, 2 unknown.
        assert_eq!(format!("{:.2}", counts.understood_percent()), "98.99");
        assert_eq!(Counts::default().understood_percent(), 100.0);
        // 190 parsed + 6 classified of 199: the keyword-only and unknown ones count against.
        assert_eq!(format!("{:.2}", counts.named_percent()), "98.49");
        assert_eq!(Counts::default().named_percent(), 100.0);
    }

    #[test]
    fn peak_memory_from_proc_status() {
        let status = "Name:\tsqlgate\nVmPeak:\t  300000 kB\nVmHWM:\t   29000 kB\nVmRSS:\t 1 kB\n";
        assert_eq!(peak_memory_of(status), Some(29_000 * 1024));
        assert_eq!(peak_memory_of("Name: x\n"), None);
    }
}
