//! The allocator: mimalloc instead of the C library's malloc. `main.rs` makes it the global
//! allocator of the binary only, so that the library's embedders (the fuzzer) keep theirs.
//!
//! A run allocates and frees a statement model per statement on several threads; with
//! glibc's malloc that was a sixth of a run's instructions (`_int_malloc`, `_int_free`,
//! `malloc_consolidate`), and the release binaries for Linux link musl, whose malloc is
//! slower still. mimalloc took 10-17% off CPU and wall time on the corpus (README, Speed).
//!
//! Two settings keep its peak memory at glibc's: no transparent huge pages (the `no_thp`
//! feature, at build time) and memory given back as soon as it is freed (`configure`).

pub use mimalloc::MiMalloc;

/// `mi_option_purge_delay` in the option enum of the mimalloc that libmimalloc-sys 0.1.49
/// vendors (`c_src/mimalloc/v3/include/mimalloc.h`); the crate exports no constant for it,
/// so both crates are pinned exactly and a test checks the option's default.
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Freed memory goes back to the system at once rather than after a second (mimalloc's
/// default): a run is short and its peak RSS is what users compare. Call it first thing.
pub fn configure() {
    // SAFETY: `mi_option_set` only stores a value in mimalloc's option table; the option
    // is read when memory is freed, so setting it after the first allocations is sound.
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, 0) };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_purge_delay_option_is_the_one_set() {
        // Its default (1000 ms) tells it from its neighbours in the enum (use_numa_nodes: 0,
        // deprecated_eager_commit_delay: 1): a libmimalloc-sys that moved the enum fails here.
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
            assert_eq!(unsafe { libmimalloc_sys::mi_option_get(PURGE_DELAY) }, 1000);
            assert_eq!(
                unsafe { libmimalloc_sys::mi_option_get(PURGE_DELAY + 1) },
                0
            );
        }
        configure();
        assert_eq!(unsafe { libmimalloc_sys::mi_option_get(PURGE_DELAY) }, 0);
    }
}
