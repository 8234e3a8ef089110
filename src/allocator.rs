//! The allocator: mimalloc for small blocks, the C library's malloc for large ones.
//! `main.rs` makes it the global allocator of the binary only, so that the library's
//! embedders (the fuzzer) keep theirs.
//!
//! A run allocates and frees a statement model per statement on several threads; with
//! glibc's malloc that was a sixth of a run's instructions (`_int_malloc`, `_int_free`,
//! `malloc_consolidate`), and the release binaries for Linux link musl, whose malloc is
//! slower still. mimalloc took 6-12% off CPU and wall time on the corpus (README, Speed).
//!
//! Large blocks (a big file's text, its tokens) stay with the C library: glibc and musl map
//! them on their own and grow them with `mremap`, without a copy, where mimalloc copies
//! into a new block and so holds both at the peak (a 50 MB file peaked at 5.6 times its
//! size instead of 4.3; `tests/hostile_inputs/size.rs`).
//!
//! Two settings keep mimalloc's peak memory near glibc's: no transparent huge pages (the
//! `no_thp` feature, at build time) and memory given back soon after it is freed
//! (`configure`).

use std::alloc::{GlobalAlloc, Layout, System};

use mimalloc::MiMalloc;

/// Blocks of this size or more go to the C library, which maps each on its own (glibc from
/// 128 KiB). Lower, blocks a run frees and allocates again moved glibc's mapping threshold
/// up and stayed in its heap: 256 KiB cost a megabyte of peak RSS on the corpus.
pub const LARGE: usize = 4 << 20;

/// mimalloc below `LARGE` bytes, the system allocator from there.
pub struct Allocator;

// SAFETY: every block is freed and resized by the allocator that made it. `GlobalAlloc`
// requires `dealloc` and `realloc` to be given the layout the block was allocated (or last
// resized) with, so its size says which allocator holds it; a resize that crosses `LARGE`
// moves the block to the other allocator by allocate, copy, free.
unsafe impl GlobalAlloc for Allocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if layout.size() >= LARGE {
            System.alloc(layout)
        } else {
            MiMalloc.alloc(layout)
        }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if layout.size() >= LARGE {
            System.alloc_zeroed(layout)
        } else {
            MiMalloc.alloc_zeroed(layout)
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if layout.size() >= LARGE {
            System.dealloc(ptr, layout)
        } else {
            MiMalloc.dealloc(ptr, layout)
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        match (layout.size() >= LARGE, new_size >= LARGE) {
            (true, true) => System.realloc(ptr, layout, new_size),
            (false, false) => MiMalloc.realloc(ptr, layout, new_size),
            _ => {
                // SAFETY: the caller guarantees that `new_size`, rounded up to the alignment,
                // does not overflow `isize` (`GlobalAlloc::realloc`'s contract).
                let new_layout = Layout::from_size_align_unchecked(new_size, layout.align());
                let new = self.alloc(new_layout);
                if !new.is_null() {
                    std::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size));
                    self.dealloc(ptr, layout);
                }
                new
            }
        }
    }
}

/// `mi_option_purge_delay` and `mi_option_arena_reserve` in the option enum of the mimalloc
/// that libmimalloc-sys 0.1.49 vendors (`c_src/mimalloc/v3/include/mimalloc.h`); the crate
/// exports no constants for them, so both crates are pinned exactly and a test checks the
/// options' defaults.
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
const ARENA_RESERVE: libmimalloc_sys::mi_option_t = 23;

/// How long freed memory stays with mimalloc before it goes back to the system, in ms.
/// mimalloc's default (a second) outlives most runs: the 2,911 files peaked at 26.5 MB
/// instead of 23. Giving it back at once (0) cost 10-12% more CPU on them and on small
/// repositories: a page freed between two statements was given back and faulted in again.
/// A few milliseconds keep nearly all of that CPU and most of the memory (24.4 MB).
const PURGE_DELAY_MS: std::ffi::c_long = 3;

/// How much address space mimalloc reserves at a time, in KiB. Its default (1 GiB) comes
/// with bitmaps for all of it, set up at the first allocation: about 50 of a small run's 670
/// page faults and 5% of its wall time (a repository of 20 migrations). A run that needs
/// more reserves another.
const ARENA_RESERVE_KIB: std::ffi::c_long = 64 * 1024;

/// Sets `PURGE_DELAY_MS` and `ARENA_RESERVE_KIB`. Call it before the first allocation (on
/// Linux `main.rs` runs it before the Rust runtime starts); later, it applies to the arenas
/// reserved from then on.
pub fn configure() {
    // SAFETY: `mi_option_set` only stores a value in mimalloc's option table; the options
    // are read when memory is reserved or freed, so setting them at any time is sound.
    unsafe {
        libmimalloc_sys::mi_option_set(PURGE_DELAY, PURGE_DELAY_MS);
        libmimalloc_sys::mi_option_set(ARENA_RESERVE, ARENA_RESERVE_KIB);
    }
}

/// Ends the process with `code` once stdout is flushed, without the C library's exit
/// handlers: mimalloc's frees and purges every page it holds there (the system takes the
/// memory back at once), a tenth of a small repository's run. Where stdout cannot be
/// flushed, or off Unix, the code is returned for `main` to end the usual way.
pub fn end(code: u8) -> std::process::ExitCode {
    #[cfg(unix)]
    {
        use std::io::Write;
        // stderr is unbuffered; stdout is the only buffer left at this point.
        if std::io::stdout().flush().is_ok() {
            // SAFETY: `_exit` ends the process; every thread that could still write is
            // joined (scoped) or holds nothing that must outlive the process.
            unsafe { libc::_exit(i32::from(code)) }
        }
    }
    std::process::ExitCode::from(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_options_set_are_the_ones_meant() {
        // Its default (1000 ms) tells it from its neighbours in the enum (use_numa_nodes: 0,
        // deprecated_eager_commit_delay: 1): a libmimalloc-sys that moved the enum fails here.
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
            assert_eq!(unsafe { libmimalloc_sys::mi_option_get(PURGE_DELAY) }, 1000);
            assert_eq!(
                unsafe { libmimalloc_sys::mi_option_get(PURGE_DELAY + 1) },
                0
            );
        }
        if std::env::var_os("MIMALLOC_ARENA_RESERVE").is_none() {
            // 1 GiB in KiB; its neighbours: destroy_on_exit 0, arena_purge_mult 1.
            assert_eq!(
                unsafe { libmimalloc_sys::mi_option_get(ARENA_RESERVE) },
                1024 * 1024
            );
            assert_eq!(
                unsafe { libmimalloc_sys::mi_option_get(ARENA_RESERVE + 1) },
                1
            );
        }
        configure();
        assert_eq!(
            unsafe { libmimalloc_sys::mi_option_get(PURGE_DELAY) },
            PURGE_DELAY_MS
        );
        assert_eq!(
            unsafe { libmimalloc_sys::mi_option_get(ARENA_RESERVE) },
            ARENA_RESERVE_KIB
        );
    }

    /// Blocks grown and shrunk across `LARGE` keep their bytes, whichever allocator holds
    /// them, and zeroed blocks are zero on both sides.
    #[test]
    fn blocks_keep_their_bytes_across_the_two_allocators() {
        for align in [1, 8, 64, 4096] {
            let small = Layout::from_size_align(1000, align).unwrap();
            unsafe {
                let block = Allocator.alloc(small);
                assert!(!block.is_null());
                for i in 0..1000 {
                    *block.add(i) = (i % 251) as u8;
                }
                let grown = Allocator.realloc(block, small, LARGE + 5);
                assert!(!grown.is_null());
                assert_eq!(grown as usize % align, 0);
                *grown.add(LARGE + 4) = 7;
                let large = Layout::from_size_align(LARGE + 5, align).unwrap();
                let larger = Allocator.realloc(grown, large, 4 * LARGE);
                assert!(!larger.is_null());
                let largest = Layout::from_size_align(4 * LARGE, align).unwrap();
                let shrunk = Allocator.realloc(larger, largest, 10);
                assert!(!shrunk.is_null());
                assert_eq!(shrunk as usize % align, 0);
                for i in 0..10 {
                    assert_eq!(*shrunk.add(i), (i % 251) as u8);
                }
                Allocator.dealloc(shrunk, Layout::from_size_align(10, align).unwrap());

                for size in [16, LARGE, 2 * LARGE] {
                    let layout = Layout::from_size_align(size, align).unwrap();
                    let zeroed = Allocator.alloc_zeroed(layout);
                    assert!(!zeroed.is_null());
                    assert!((0..size).all(|i| *zeroed.add(i) == 0));
                    Allocator.dealloc(zeroed, layout);
                }
            }
        }
    }
}
