//! Per-section analysis (through `sqlgate_sql`), spread over the available cores.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

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

/// Analyzes every section of every migration, spreading files over the available cores.
/// Also returns how many threads worked.
pub(super) fn analyze_all(files: &[LoadedFile], jobs: &[Job]) -> (Vec<AnalyzedSection>, usize) {
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(jobs.len())
        .max(1);
    let next = AtomicUsize::new(0);
    let results = Mutex::new(Vec::with_capacity(jobs.len()));
    std::thread::scope(|scope| {
        for _ in 0..workers {
            let worker = std::thread::Builder::new().stack_size(WORKER_STACK_BYTES);
            let spawned = worker.spawn_scoped(scope, || {
                let mut local = Vec::new();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(job) = jobs.get(i) else { break };
                    let text = files.get(job.file).map_or("", |f| f.text.as_str());
                    local.push((
                        i,
                        analyze_section_to(text, job.range.clone(), job.dialect, job.depth),
                    ));
                }
                if let Ok(mut results) = results.lock() {
                    results.extend(local);
                }
            });
            // A worker that cannot start leaves its share to the others (or to the loop below).
            drop(spawned);
        }
    });
    let mut done: Vec<Option<AnalyzedSection>> = (0..jobs.len()).map(|_| None).collect();
    for (i, analysis) in results.into_inner().unwrap_or_default() {
        done[i] = Some(analysis);
    }
    // Whatever no worker analyzed (none could be started) is analyzed here: never skipped.
    let analyzed = done
        .into_iter()
        .zip(jobs)
        .map(|(analysis, job)| {
            analysis.unwrap_or_else(|| {
                let text = files.get(job.file).map_or("", |f| f.text.as_str());
                analyze_section_to(text, job.range.clone(), job.dialect, job.depth)
            })
        })
        .collect();
    (analyzed, workers)
}
