//! Timestamps as backup manifests and the GitHub API write them, turned into Unix seconds
//! without a date crate: the gate only needs "how old is this".

/// Seconds since the Unix epoch for the timestamp shapes backup scripts write:
/// RFC 3339 (`2026-11-20T09:12:00Z`, fractions, `+02:00` offsets), `2026-11-20 09:12:00`
/// (UTC), `20261120_091200` / `20261120-091200` (as in `backup_20261120_091200_full.sql`),
/// a bare date, and Unix seconds or milliseconds as a number.
pub fn parse(text: &str) -> Option<i64> {
    let text = text.trim();
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) && text.len() >= 9 {
        let n: i64 = text.parse().ok()?;
        // 13 digits and more are milliseconds (any date after 1973).
        return Some(if text.len() >= 13 { n / 1000 } else { n });
    }
    compact(text).or_else(|| rfc3339(text))
}

/// Seconds since the epoch for a JSON number (seconds, or milliseconds when that large).
pub fn from_number(n: f64) -> Option<i64> {
    if !n.is_finite() || n < 0.0 {
        return None;
    }
    let n = n as i64;
    Some(if n >= 1_000_000_000_000 { n / 1000 } else { n })
}

/// `YYYYMMDD_HHMMSS` or `YYYYMMDD-HHMMSS`.
fn compact(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    if b.len() != 15 || !matches!(b[8], b'_' | b'-') {
        return None;
    }
    let num = |range: std::ops::Range<usize>| -> Option<i64> {
        let part = text.get(range)?;
        part.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    civil(
        num(0..4)?,
        num(4..6)?,
        num(6..8)?,
        num(9..11)?,
        num(11..13)?,
        num(13..15)?,
    )
}

/// `YYYY-MM-DD`, optionally followed by `T` or a space, `HH:MM[:SS[.fff]]` and `Z` or an
/// offset `±HH:MM` / `±HHMM`; no offset means UTC.
fn rfc3339(text: &str) -> Option<i64> {
    let digits = |s: &str| -> Option<i64> {
        (!s.is_empty() && s.bytes().all(|c| c.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    let (date, rest) = match text.find(['T', 't', ' ']) {
        Some(i) => (&text[..i], text.get(i + 1..)?),
        None => (text, ""),
    };
    let mut parts = date.split('-');
    let (year, month, day) = (
        digits(parts.next()?)?,
        digits(parts.next()?)?,
        digits(parts.next()?)?,
    );
    if parts.next().is_some() {
        return None;
    }
    if rest.is_empty() {
        return civil(year, month, day, 0, 0, 0);
    }
    // Split the offset off the time of day.
    let (clock, offset) = if let Some(clock) = rest.strip_suffix(['Z', 'z']) {
        (clock, 0)
    } else if let Some(i) = rest.rfind(['+', '-']) {
        let sign = if rest.as_bytes()[i] == b'-' { -1 } else { 1 };
        let zone = rest[i + 1..].replace(':', "");
        if zone.len() != 4 {
            return None;
        }
        let (h, m) = (digits(&zone[..2])?, digits(&zone[2..])?);
        (&rest[..i], sign * (h * 3600 + m * 60))
    } else {
        (rest.trim_end_matches(" UTC"), 0)
    };
    let clock = clock.split('.').next()?;
    let mut fields = clock.split(':');
    let hour = digits(fields.next()?)?;
    let minute = digits(fields.next()?)?;
    let second = fields.next().map_or(Some(0), digits)?;
    if fields.next().is_some() {
        return None;
    }
    Some(civil(year, month, day, hour, minute, second)? - offset)
}

/// Seconds since the epoch of a UTC date and time, validated.
fn civil(year: i64, month: i64, day: i64, hour: i64, minute: i64, second: i64) -> Option<i64> {
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let month_days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    let valid = (1970..=9999).contains(&year)
        && (1..=12).contains(&month)
        && day >= 1
        && day <= month_days[(month - 1) as usize]
        && (0..24).contains(&hour)
        && (0..60).contains(&minute)
        && (0..=60).contains(&second);
    valid.then(|| days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second)
}

/// Days since 1970-01-01 (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `3 days`, `5 hours`, `12 minutes`: how long ago, for messages.
pub fn age(seconds: i64) -> String {
    let plural = |n: i64, unit: &str| format!("{n} {unit}{}", if n == 1 { "" } else { "s" });
    let seconds = seconds.max(0);
    if seconds >= 2 * 86_400 {
        plural(seconds / 86_400, "day")
    } else if seconds >= 3600 {
        plural(seconds / 3600, "hour")
    } else {
        plural(seconds / 60, "minute")
    }
}

/// Now, in seconds since the epoch (0 if the clock is before 1970).
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_backup_scripts_write() {
        let t = 1_795_165_920; // 2026-11-20T09:12:00Z
        for text in [
            "2026-11-20T09:12:00Z",
            "2026-11-20T09:12:00.123456Z",
            "2026-11-20T11:12:00+02:00",
            "2026-11-20T04:12:00-0500",
            "2026-11-20 09:12:00",
            "2026-11-20 09:12:00 UTC",
            "20261120_091200",
            "20261120-091200",
            "1795165920",
            "1795165920000",
        ] {
            assert_eq!(parse(text), Some(t), "{text}");
        }
        assert_eq!(parse("2026-11-20"), Some(t - 9 * 3600 - 12 * 60));
        assert_eq!(from_number(1_795_165_920_000.0), Some(t));
    }

    #[test]
    fn rejects_what_is_not_a_time() {
        for text in [
            "",
            "yesterday",
            "2026-13-01",
            "2026-02-30",
            "2026-11-20T25:00:00Z",
            "20261120",
            "2026-11-20T09:12:00+2",
            "2026-11-20-01",
        ] {
            assert_eq!(parse(text), None, "{text}");
        }
    }

    #[test]
    fn leap_days_and_epoch() {
        assert_eq!(parse("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse("2024-02-29T00:00:00Z"), Some(1_709_164_800));
        assert_eq!(parse("2023-02-29"), None);
    }

    #[test]
    fn ages_read_naturally() {
        assert_eq!(age(60), "1 minute");
        assert_eq!(age(7200), "2 hours");
        assert_eq!(age(86_400 * 9), "9 days");
    }
}
