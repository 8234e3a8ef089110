//! Bytes → source → split → parse → rules → every output format, with the invariants
//! `sqlgate::pipeline::exercise` checks. Run: `cargo fuzz run pipeline` (see fuzz/README.md).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(broken) = sqlgate::pipeline::exercise(data) {
        panic!("invariant broken: {broken}");
    }
});
