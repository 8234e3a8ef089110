//! The test clock: times relative to the real clock, written as RFC 3339 without a date
//! crate, and the test of that formatting.

use std::time::{SystemTime, UNIX_EPOCH};

use crate::support::DAY;

// ---------------------------------------------------------------------------------------
// Time

pub(crate) fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// RFC 3339 in UTC (`2026-11-20T09:12:00Z`) of Unix seconds (Howard Hinnant's
/// civil-from-days), so the test needs no date crate.
pub(crate) fn rfc3339(secs: i64) -> String {
    let days = secs.div_euclid(DAY);
    let rem = secs.rem_euclid(DAY);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

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
