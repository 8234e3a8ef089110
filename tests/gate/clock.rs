//! The test clock: times relative to the real clock, written as RFC 3339 without a date
//! crate, and the test of that formatting.

use crate::support::DAY;

// ---------------------------------------------------------------------------------------
// Time

pub(crate) use crate::common::{now, rfc3339};

pub(crate) fn ago(seconds: i64) -> String {
    rfc3339(now() - seconds)
}

#[test]
fn the_test_clock_formats_rfc3339() {
    assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
    assert_eq!(rfc3339(1_795_165_920), "2026-11-20T09:12:00Z");
    assert_eq!(rfc3339(1_709_164_800), "2024-02-29T00:00:00Z");
    assert_eq!(rfc3339(951_782_400 + DAY - 1), "2000-02-29T23:59:59Z");
}
