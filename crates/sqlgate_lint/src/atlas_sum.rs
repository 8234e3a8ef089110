//! Atlas's `atlas.sum`: how Atlas hashes a migration directory, and how to read the file.
//!
//! Atlas (`sql/migrate/dir.go`, `NewHashFile`) takes the directory's `*.sql` files sorted by
//! name and feeds one SHA-256 hasher, for each file, its name and then (unless its first
//! line is an `atlas:sum ignore` directive) its bytes; a file's hash is the standard padded
//! base64 of the digest so far, so each hash covers every file before it. The file holds
//! `h1:<total>` and then `<name> h1:<hash>` per file, where the total is the base64 SHA-256
//! of every entry's name and hash concatenated.

use std::ops::Range;

use sha2::{Digest, Sha256};

/// One `<name> h1:<hash>` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub name: String,
    pub hash: String,
}

/// Entries of a directory, from its `*.sql` files (name, bytes) sorted by name.
pub fn entries<'a>(files: impl IntoIterator<Item = (&'a str, &'a [u8])>) -> Vec<Entry> {
    let mut hasher = Sha256::new();
    let mut out = Vec::new();
    for (name, bytes) in files {
        hasher.update(name.as_bytes());
        if is_sum_ignored(bytes) {
            continue;
        }
        hasher.update(bytes);
        out.push(Entry {
            name: name.to_string(),
            hash: base64(&hasher.clone().finalize()),
        });
    }
    out
}

/// The total over the entries (the first line's `h1:` value).
pub fn total(entries: &[Entry]) -> String {
    let mut hasher = Sha256::new();
    for entry in entries {
        hasher.update(entry.name.as_bytes());
        hasher.update(entry.hash.as_bytes());
    }
    base64(&hasher.finalize())
}

/// The `atlas.sum` text Atlas writes for these entries.
pub fn render(entries: &[Entry]) -> String {
    let mut text = format!("h1:{}\n", total(entries));
    for entry in entries {
        text.push_str(&format!("{} h1:{}\n", entry.name, entry.hash));
    }
    text
}

/// A read `atlas.sum`: byte ranges are into its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SumFile {
    /// The first line's value (without `h1:`).
    pub total: String,
    /// Entries with the range of their line (without the line break).
    pub entries: Vec<(Entry, Range<usize>)>,
    /// Lines after the first that are not `<name> h1:<hash>`.
    pub malformed: Vec<Range<usize>>,
}

/// Reads `atlas.sum` as Atlas does: the first line is the total, each later line is split at
/// its first `h1:` into a (trimmed) name and a hash.
pub fn parse(text: &str) -> SumFile {
    let mut lines = lines(text);
    let total = lines
        .next()
        .map(|r| text[r].trim_start_matches("h1:").to_string())
        .unwrap_or_default();
    let mut entries = Vec::new();
    let mut malformed = Vec::new();
    for range in lines {
        let line = &text[range.clone()];
        match line.split_once("h1:") {
            Some((name, hash)) => entries.push((
                Entry {
                    name: name.trim().to_string(),
                    hash: hash.to_string(),
                },
                range,
            )),
            None => malformed.push(range),
        }
    }
    SumFile {
        total,
        entries,
        malformed,
    }
}

/// Byte ranges of the lines (as Go's `bufio.Scanner` splits them: `\n`, a trailing `\r`
/// dropped, no empty last line).
fn lines(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let mut start = 0;
    std::iter::from_fn(move || {
        if start >= text.len() {
            return None;
        }
        let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        let line_end = if text[start..end].ends_with('\r') {
            end - 1
        } else {
            end
        };
        let range = start..line_end;
        start = end + 1;
        Some(range)
    })
}

/// Whether the file opts out of the sum: Atlas matches
/// `^([ -~]*)atlas:(\w+)(?: +([ -~]*))*` at the start of the file and wants `sum` and
/// `ignore` as the last two groups.
fn is_sum_ignored(bytes: &[u8]) -> bool {
    // The match cannot leave the printable-ASCII prefix of the first line.
    let printable = bytes
        .iter()
        .position(|b| !(b' '..=b'~').contains(b))
        .unwrap_or(bytes.len());
    let Ok(prefix) = std::str::from_utf8(&bytes[..printable]) else {
        return false;
    };
    // `[ -~]*` is greedy: the last `atlas:<word>` on the line is the one matched.
    let mut search = prefix;
    let mut last = None;
    while let Some(at) = search.rfind("atlas:") {
        let after = &search[at + "atlas:".len()..];
        let word_len = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(after.len());
        if word_len > 0 {
            last = Some((&after[..word_len], &after[word_len..]));
            break;
        }
        search = &search[..at];
    }
    let Some((name, rest)) = last else {
        return false;
    };
    // `(?: +([ -~]*))*`: spaces, then the rest of the printable line as the argument.
    let argument = if rest.starts_with(' ') {
        rest.trim_start_matches(' ')
    } else {
        ""
    };
    name == "sum" && argument == "ignore"
}

/// Standard base64 with padding (RFC 4648 §4), as Go's `base64.StdEncoding`.
pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc_4648_vectors() {
        let cases = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (input, expected) in cases {
            assert_eq!(base64(input.as_bytes()), expected, "{input:?}");
        }
    }

    /// Worked by hand: the hash of a one-file directory is base64(sha256(name ++ bytes)),
    /// and sha256("abc") is the FIPS 180-2 test vector ba7816bf...15ad.
    #[test]
    fn one_file_directory_by_hand() {
        let got = entries([("a", &b"bc"[..])]);
        let digest: [u8; 32] = [
            0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40, 0xde, 0x5d, 0xae,
            0x22, 0x23, 0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61,
            0xf2, 0x00, 0x15, 0xad,
        ];
        assert_eq!(got[0].hash, base64(&digest));
        assert_eq!(got[0].hash, "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=");
        // The total hashes name ++ hash: sha256("a" ++ "ungW...Fa0=").
        let mut h = Sha256::new();
        h.update(b"aungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=");
        assert_eq!(total(&got), base64(&h.finalize()));
    }

    #[test]
    fn hashes_are_cumulative() {
        let two = entries([("1.sql", &b"x"[..]), ("2.sql", &b"y"[..])]);
        let mut h = Sha256::new();
        h.update(b"1.sqlx2.sqly");
        assert_eq!(two[1].hash, base64(&h.finalize()));
        let edited = entries([("1.sql", &b"z"[..]), ("2.sql", &b"y"[..])]);
        assert_ne!(two[1].hash, edited[1].hash);
    }

    #[test]
    fn ignore_directive_hashes_the_name_only() {
        let got = entries([
            ("1.sql", &b"-- atlas:sum ignore\nselect 1;"[..]),
            ("2.sql", &b"y"[..]),
        ]);
        assert_eq!(got.len(), 1);
        let mut h = Sha256::new();
        h.update(b"1.sql2.sqly");
        assert_eq!(got[0].hash, base64(&h.finalize()));
        assert!(is_sum_ignored(b"-- atlas:sum ignore\r\n"));
        assert!(!is_sum_ignored(b"-- atlas:sum ignored\n"));
        assert!(!is_sum_ignored(b"\n-- atlas:sum ignore\n"));
        assert!(!is_sum_ignored(b"-- atlas:delimiter ignore\n"));
    }

    #[test]
    fn render_and_parse_round_trip() {
        let e = entries([("1_a.sql", &b"x"[..]), ("2_b.sql", &b"y"[..])]);
        let text = render(&e);
        let parsed = parse(&text);
        assert_eq!(parsed.total, total(&e));
        let names: Vec<&str> = parsed
            .entries
            .iter()
            .map(|(e, _)| e.name.as_str())
            .collect();
        assert_eq!(names, ["1_a.sql", "2_b.sql"]);
        assert_eq!(
            &text[parsed.entries[1].1.clone()],
            format!("2_b.sql h1:{}", e[1].hash)
        );
        assert!(parsed.malformed.is_empty());
        let bad = parse("h1:x\r\n<<<<<<< HEAD\r\n1.sql h1:y\r\n");
        assert_eq!(bad.malformed, vec![6..18]);
        assert_eq!(bad.entries[0].0.hash, "y");
    }
}
