//! Per-section analysis (through `sqlgate_sql`), spread over the available cores and handed
//! to the checking thread in job order as it is done.

use foldhash::{HashMap, HashMapExt};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use sqlgate_discover::{Framework, LoadedFile, TxMode};
use sqlgate_sql::analyze::{analyze_section_to, AnalyzedSection, Depth};
use sqlgate_sql::lexer::Dialect;

/// One unit of parallel work: a section of a file.
pub(super) struct Job {
    pub(super) depth: Depth,
    pub(super) file: usize,
    pub(super) range: std::ops::Range<usize>,
    pub(super) dialect: Dialect,
    pub(super) tx: TxMode,
    pub(super) framework: Framework,
}

/// sqlparser recurses per nesting level, with large frames in unoptimized builds: the workers
/// get room for its recursion limit on any input (the memory is only reserved, not touched).
/// (sqlparser also grows its stack on the heap where it runs low, its `recursive-protection`:
/// that is what lets a small run analyze on the checking thread, whose stack is the system's.)
const WORKER_STACK_BYTES: usize = 256 * 1024 * 1024;

/// How many analyzed sections may wait for the checking thread before the workers pause
/// (about: they are sent in batches).
/// The checker frees a set's models once the set is checked; without a bound, workers that
/// run ahead of it would hold every model of the run at once (most of a run's memory).
const AHEAD: usize = 128;

/// Below this much SQL in all the sections of a run, the checking thread analyzes them itself,
/// as it takes them: no worker (see `analyze_streaming`). On 2 cores, repositories of 90 to
/// 170 KB of migrations ran as fast this way as with a worker per core, with 15% less CPU.
const WORKERS_FROM_BYTES: usize = 256 * 1024;

/// The analyzed sections, handed over one by one to the thread that checks them.
pub(super) struct Sections<'a> {
    files: &'a [LoadedFile],
    jobs: &'a [Job],
    from_workers: mpsc::Receiver<Vec<(usize, AnalyzedSection)>>,
    /// Sections that arrived before they were asked for (a worker finished a later job
    /// first).
    early: HashMap<usize, AnalyzedSection>,
    /// When the last section came from a worker (for `--stats`).
    last_arrival: Option<Instant>,
    /// Time spent analyzing on this thread (for `--stats`).
    here: Duration,
}

impl Sections<'_> {
    /// Job `i`'s section (`None` for no such job), once it is analyzed; it is the caller's
    /// from then on. Each job is taken once, in about job order (the order the workers take
    /// them): one taken twice is analyzed again.
    pub(super) fn take(&mut self, i: usize) -> Option<AnalyzedSection> {
        let job = self.jobs.get(i)?;
        loop {
            if let Some(analysis) = self.early.remove(&i) {
                return Some(analysis);
            }
            match self.from_workers.recv() {
                Ok(batch) => {
                    self.last_arrival = Some(Instant::now());
                    self.early.extend(batch);
                }
                // Every worker has stopped (all jobs taken, or a panic), or none started: a
                // section no worker delivered is analyzed here, never skipped.
                Err(_) => {
                    let started = Instant::now();
                    let analyzed = analyze(self.files, job);
                    self.here += started.elapsed();
                    return Some(analyzed);
                }
            }
        }
    }
}

fn analyze(files: &[LoadedFile], job: &Job) -> AnalyzedSection {
    let text = files.get(job.file).map_or("", |f| f.text.as_str());
    analyze_section_to(text, job.range.clone(), job.dialect, job.depth)
}

/// What [`analyze_streaming`] reports besides the consumer's result.
pub(super) struct Analysis {
    /// Threads that analyzed.
    pub(super) threads: usize,
    /// When the last section was analyzed (`None`: no worker delivered any).
    pub(super) finished: Option<Instant>,
    /// Time the consumer's thread spent analyzing sections itself.
    pub(super) here: Duration,
}

/// Analyzes every section of every migration on the available cores while `consume` runs on
/// this thread, taking each section as soon as it is analyzed ([`Sections::take`]). The
/// workers take jobs in order, in batches, and stay about [`AHEAD`] sections ahead of the
/// consumer.
pub(super) fn analyze_streaming<R>(
    files: &[LoadedFile],
    jobs: &[Job],
    consume: impl FnOnce(&mut Sections) -> R,
) -> (Analysis, R) {
    // A small run is analyzed on this thread, as `consume` takes each section: starting a
    // worker (its stack, its allocator heap) and waking this thread for each batch it hands
    // over cost 0.4 ms of a 20-file run's 2.7 (13%), on a machine of 2 cores.
    let bytes: usize = jobs.iter().map(|job| job.range.len()).sum();
    let workers = if bytes < WORKERS_FROM_BYTES {
        0
    } else {
        sqlgate_core::threads_for(jobs.len())
    };
    // Consecutive jobs go to a worker together: a batch is one hand-over (a wake-up of the
    // consumer), where one per section cost more than a small section's analysis (5,000
    // sections under --changed-since). Several workers keep small batches, for balance; a
    // lone worker (a run of one core) hands its jobs over in four parts.
    let batch = match workers {
        0 | 1 => jobs.len().div_ceil(4),
        _ => jobs.len() / (workers * 16),
    }
    .clamp(1, 32);
    let next = AtomicUsize::new(0);
    let (result, last_arrival, here) = std::thread::scope(|scope| {
        let (to_consumer, from_workers) = mpsc::sync_channel((AHEAD / batch).max(1));
        for _ in 0..workers {
            let worker = std::thread::Builder::new().stack_size(WORKER_STACK_BYTES);
            let (next, to_consumer) = (&next, to_consumer.clone());
            // A worker that cannot start leaves its share to the others (or to the consumer,
            // in `take`).
            let _ = worker.spawn_scoped(scope, move || loop {
                let first = next.fetch_add(batch, Ordering::Relaxed);
                let done: Vec<(usize, AnalyzedSection)> = (first..first.saturating_add(batch))
                    .map_while(|i| Some((i, analyze(files, jobs.get(i)?))))
                    .collect();
                // All jobs are taken, or the consumer has stopped taking sections.
                if done.is_empty() || to_consumer.send(done).is_err() {
                    break;
                }
            });
        }
        // Only the workers hold a sender now: once they all stop, `take` knows.
        drop(to_consumer);
        let mut sections = Sections {
            files,
            jobs,
            from_workers,
            early: HashMap::new(),
            last_arrival: None,
            here: Duration::ZERO,
        };
        let result = consume(&mut sections);
        (result, sections.last_arrival, sections.here)
    });
    let analysis = Analysis {
        threads: workers.max(1),
        finished: last_arrival,
        here,
    };
    (analysis, result)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn job(file: usize, text: &str) -> Job {
        Job {
            depth: Depth::Full,
            file,
            range: 0..text.len(),
            dialect: Dialect::Postgres,
            tx: TxMode::None,
            framework: Framework::Plain,
        }
    }

    fn files(texts: &[String]) -> Vec<LoadedFile> {
        texts
            .iter()
            .enumerate()
            .map(|(i, text)| LoadedFile {
                path: PathBuf::from(format!("{i}.sql")),
                display: format!("{i}.sql"),
                text: text.clone(),
                is_symlink: None,
            })
            .collect()
    }

    /// Every section reaches the consumer once, whatever order it takes them in, in batches
    /// and beyond the bound on how far the workers run ahead.
    #[test]
    fn sections_are_handed_over_in_any_order() {
        // Padded past `WORKERS_FROM_BYTES`, so that workers analyze them.
        let texts: Vec<String> = (0..AHEAD * 3)
            .map(|i| format!("CREATE TABLE t{i} (id int); DROP TABLE u{i}; {}", pad()))
            .collect();
        let files = files(&texts);
        let jobs: Vec<Job> = texts.iter().enumerate().map(|(i, t)| job(i, t)).collect();
        // Backwards: every section but the last arrives early.
        let (analysis, taken) = analyze_streaming(&files, &jobs, |sections| {
            (0..jobs.len() + 1)
                .rev()
                .map(|i| sections.take(i).map(|a| a.statements.len()))
                .collect::<Vec<_>>()
        });
        assert!(analysis.threads >= 1);
        assert!(analysis.finished.is_some(), "no worker delivered");
        assert_eq!(taken[0], None, "no such job");
        assert!(taken[1..].iter().all(|n| *n == Some(2)), "{taken:?}");
    }

    /// A consumer that stops early does not leave the workers waiting for it.
    #[test]
    fn a_consumer_that_stops_early_ends_the_workers() {
        let texts: Vec<String> = (0..AHEAD * 4)
            .map(|i| format!("SELECT {i}; {}", pad()))
            .collect();
        let files = files(&texts);
        let jobs: Vec<Job> = texts.iter().enumerate().map(|(i, t)| job(i, t)).collect();
        let (_, first) = analyze_streaming(&files, &jobs, |sections| sections.take(0));
        assert_eq!(first.map(|a| a.statements.len()), Some(1));
    }

    /// A comment long enough that `AHEAD` sections of it are past `WORKERS_FROM_BYTES`.
    fn pad() -> String {
        format!("/* {} */", "x".repeat(WORKERS_FROM_BYTES / AHEAD))
    }

    /// A small run is analyzed on the consumer's thread, which starts no worker, even where
    /// that thread's stack is small and sqlparser recurses to its limit: it grows its stack
    /// where it runs low (the unbalanced parentheses make the tokens doubt the statement,
    /// which sends it to sqlparser).
    #[test]
    fn a_small_run_is_analyzed_on_the_consumers_thread_whatever_its_stack() {
        let deep = format!("SELECT {}1{};", "(".repeat(63), ")".repeat(62));
        let texts = vec![deep, "DROP TABLE t;".to_string()];
        let files = files(&texts);
        let jobs: Vec<Job> = texts.iter().enumerate().map(|(i, t)| job(i, t)).collect();
        let small_stack = std::thread::Builder::new().stack_size(256 * 1024);
        let run = small_stack.spawn(move || {
            let (analysis, taken) = analyze_streaming(&files, &jobs, |sections| {
                (0..jobs.len())
                    .map(|i| sections.take(i).map(|a| a.statements.len()))
                    .collect::<Vec<_>>()
            });
            (analysis.threads, analysis.finished.is_some(), taken)
        });
        let (threads, from_a_worker, taken) = run.unwrap().join().unwrap();
        assert_eq!(threads, 1);
        assert!(!from_a_worker, "a worker analyzed a small run");
        assert_eq!(taken, [Some(1), Some(1)]);
    }
}
