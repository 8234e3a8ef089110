//! Per-section analysis (through `sqlgate_sql`), spread over the available cores.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, OnceLock};

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
const WORKER_STACK_BYTES: usize = 256 * 1024 * 1024;

/// The sections as the workers analyze them, for the thread that waits on them.
pub(super) struct Analyzed<'a> {
    files: &'a [LoadedFile],
    jobs: &'a [Job],
    slots: Vec<OnceLock<AnalyzedSection>>,
    /// Workers that have stopped (all jobs taken, or a panic): once all have, a section
    /// still missing is analyzed by the waiting thread itself.
    stopped: Mutex<usize>,
    workers: usize,
    filled: Condvar,
}

impl Analyzed<'_> {
    /// Job `i`'s section, once it is analyzed (`None` for no such job).
    pub(super) fn wait(&self, i: usize) -> Option<&AnalyzedSection> {
        let slot = self.slots.get(i)?;
        loop {
            if let Some(analysis) = slot.get() {
                return Some(analysis);
            }
            let stopped = self.stopped.lock().unwrap_or_else(|e| e.into_inner());
            if slot.get().is_some() {
                continue;
            }
            if *stopped >= self.workers {
                drop(stopped);
                return Some(slot.get_or_init(|| analyze(self.files, &self.jobs[i])));
            }
            drop(self.filled.wait(stopped).unwrap_or_else(|e| e.into_inner()));
        }
    }

    fn fill(&self, i: usize, analysis: AnalyzedSection) {
        if let Some(slot) = self.slots.get(i) {
            // The waiting thread may have analyzed it itself: either result is the same.
            let _ = slot.set(analysis);
        }
        let _guard = self.stopped.lock().unwrap_or_else(|e| e.into_inner());
        self.filled.notify_all();
    }
}

/// Counts its worker as stopped when dropped, on a panic too: the waiting thread must not
/// wait for a section no worker will analyze.
struct Stopping<'a, 'b>(&'a Analyzed<'b>);

impl Drop for Stopping<'_, '_> {
    fn drop(&mut self) {
        let mut stopped = self.0.stopped.lock().unwrap_or_else(|e| e.into_inner());
        *stopped += 1;
        self.0.filled.notify_all();
    }
}

fn analyze(files: &[LoadedFile], job: &Job) -> AnalyzedSection {
    let text = files.get(job.file).map_or("", |f| f.text.as_str());
    analyze_section_to(text, job.range.clone(), job.dialect, job.depth)
}

/// Analyzes every section of every migration, spreading them over the available cores, while
/// `during` runs on this thread: it can use each section as soon as it is analyzed
/// (`Analyzed::wait`). Returns the sections in job order, how many threads worked, and what
/// `during` returned.
pub(super) fn analyze_all_while<R>(
    files: &[LoadedFile],
    jobs: &[Job],
    during: impl FnOnce(&Analyzed) -> R,
) -> (Vec<AnalyzedSection>, usize, R) {
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(jobs.len())
        .max(1);
    let analyzed = Analyzed {
        files,
        jobs,
        slots: (0..jobs.len()).map(|_| OnceLock::new()).collect(),
        stopped: Mutex::new(0),
        workers,
        filled: Condvar::new(),
    };
    let next = AtomicUsize::new(0);
    let result = std::thread::scope(|scope| {
        for _ in 0..workers {
            let worker = std::thread::Builder::new().stack_size(WORKER_STACK_BYTES);
            let (analyzed, next) = (&analyzed, &next);
            let spawned = worker.spawn_scoped(scope, move || {
                let _stopping = Stopping(analyzed);
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(job) = jobs.get(i) else { break };
                    analyzed.fill(i, analyze(files, job));
                }
            });
            // A worker that cannot start leaves its share to the others (or to the waiting
            // thread, below).
            if spawned.is_err() {
                drop(Stopping(analyzed));
            }
        }
        during(&analyzed)
    });
    // Whatever no worker analyzed (none could be started, or one panicked) is analyzed here:
    // never skipped.
    let sections = analyzed
        .slots
        .into_iter()
        .zip(jobs)
        .map(|(slot, job)| slot.into_inner().unwrap_or_else(|| analyze(files, job)))
        .collect();
    (sections, workers, result)
}
