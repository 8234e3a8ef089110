//! Committed backup metadata (the `backup_*_metadata.json` a backup script writes, as in
//! the operations handbooks): when it was taken, of which database, from which commit, how
//! big and with which checksum. Key names vary between scripts, so each fact is looked up
//! under its usual names at any depth (`git.commit`, `files[].sha256`, `sizes.full`).

use serde_json::Value;

/// What a manifest proves about a backup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Manifest {
    /// When the backup was taken, in seconds since the epoch.
    pub taken_at: i64,
    pub database: String,
    pub git_commit: Option<String>,
    /// The sizes it records, summed (each one is above zero).
    pub bytes: u64,
    /// The first checksum it records.
    pub checksum: String,
}

const TIMESTAMP_KEYS: &[&str] = &[
    "timestamp",
    "created_at",
    "created",
    "date",
    "datetime",
    "time",
    "backup_time",
    "backup_timestamp",
    "backup_date",
    "taken_at",
    "started_at",
    "finished_at",
    "completed_at",
];
const DATABASE_KEYS: &[&str] = &["database", "db", "database_name", "db_name", "dbname"];
const DATABASE_NAME_KEYS: &[&str] = &["name", "database", "dbname", "db", "database_name"];
const COMMIT_KEYS: &[&str] = &["git_commit", "commit", "commit_sha", "git_sha", "sha"];
const SIZE_KEYS: &[&str] = &[
    "size",
    "size_bytes",
    "bytes",
    "total_size",
    "total_bytes",
    "file_size",
    "size_in_bytes",
];
const SIZE_MAP_KEYS: &[&str] = &["sizes", "file_sizes"];
const CHECKSUM_KEYS: &[&str] = &[
    "checksum",
    "sha256",
    "sha256sum",
    "sha512",
    "sha1",
    "md5",
    "md5sum",
    "hash",
    "digest",
];
const CHECKSUM_MAP_KEYS: &[&str] = &["checksums", "hashes", "digests"];

/// Nesting followed at most; deeper values are not looked at.
const MAX_DEPTH: usize = 32;

/// Reads a manifest, or says in a few words why it is not evidence of a backup.
pub fn parse(bytes: &[u8]) -> Result<Manifest, String> {
    let value: Value =
        serde_json::from_slice(bytes).map_err(|e| format!("is not valid JSON ({e})"))?;
    if !value.is_object() {
        return Err("is not a JSON object".to_string());
    }
    let mut facts = Facts::default();
    // Breadth first, so a top-level `timestamp` wins over a nested one.
    let mut level: Vec<&Value> = vec![&value];
    for _ in 0..MAX_DEPTH {
        let mut next = Vec::new();
        for value in level {
            match value {
                Value::Object(map) => {
                    for (key, value) in map {
                        facts.note(&normalize(key), value);
                        next.push(value);
                    }
                }
                Value::Array(items) => next.extend(items),
                _ => {}
            }
        }
        if next.is_empty() {
            break;
        }
        level = next;
    }
    facts.finish()
}

#[derive(Default)]
struct Facts {
    timestamp: Option<Result<i64, String>>,
    database: Option<String>,
    git_commit: Option<String>,
    sizes: Vec<Result<u64, String>>,
    checksums: Vec<String>,
}

impl Facts {
    fn note(&mut self, key: &str, value: &Value) {
        if TIMESTAMP_KEYS.contains(&key) && self.timestamp.is_none() {
            self.timestamp = match value {
                Value::String(s) => Some(super::time::parse(s).ok_or_else(|| s.clone())),
                Value::Number(n) => n.as_f64().and_then(super::time::from_number).map(Ok),
                _ => None,
            };
        }
        if DATABASE_KEYS.contains(&key) && self.database.is_none() {
            self.database = match value {
                Value::String(s) => Some(s.trim().to_string()),
                Value::Object(map) => map.iter().find_map(|(k, v)| {
                    DATABASE_NAME_KEYS
                        .contains(&normalize(k).as_str())
                        .then(|| v.as_str().map(|s| s.trim().to_string()))
                        .flatten()
                }),
                _ => None,
            }
            .filter(|s| !s.is_empty());
        }
        if COMMIT_KEYS.contains(&key) && self.git_commit.is_none() {
            self.git_commit = value
                .as_str()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string);
        }
        if SIZE_KEYS.contains(&key) {
            if let Some(size) = size_of(value) {
                self.sizes.push(size);
            }
        }
        if SIZE_MAP_KEYS.contains(&key) {
            if let Value::Object(map) = value {
                self.sizes.extend(map.values().filter_map(size_of));
            }
        }
        if CHECKSUM_KEYS.contains(&key) {
            self.checksums.extend(checksum_of(value));
        }
        if CHECKSUM_MAP_KEYS.contains(&key) {
            if let Value::Object(map) = value {
                self.checksums.extend(map.values().filter_map(checksum_of));
            }
        }
    }

    fn finish(self) -> Result<Manifest, String> {
        let taken_at = match self.timestamp {
            None => return Err("records no timestamp (`timestamp`)".to_string()),
            Some(Err(text)) => return Err(format!("has a timestamp `{text}` that is not a date")),
            Some(Ok(t)) => t,
        };
        let database = self
            .database
            .ok_or_else(|| "names no database (`database`)".to_string())?;
        if self.sizes.is_empty() {
            return Err("records no size (`size` in bytes)".to_string());
        }
        let mut bytes: u64 = 0;
        for size in self.sizes {
            match size {
                Ok(0) => return Err("records a size of 0 bytes: the backup is empty".to_string()),
                Ok(n) => bytes = bytes.saturating_add(n),
                Err(text) => return Err(format!("has a size `{text}` that is not a size")),
            }
        }
        let checksum = self
            .checksums
            .into_iter()
            .next()
            .ok_or_else(|| "records no checksum (`checksum` or `sha256`)".to_string())?;
        Ok(Manifest {
            taken_at,
            database,
            git_commit: self.git_commit,
            bytes,
            checksum,
        })
    }
}

/// `created-at`, `Created At` and `createdAt` all read as `created_at`.
fn normalize(key: &str) -> String {
    let mut out = String::with_capacity(key.len() + 4);
    let mut previous_lower = false;
    for c in key.trim().chars() {
        if c == '-' || c == ' ' || c == '.' {
            out.push('_');
            previous_lower = false;
        } else if c.is_ascii_uppercase() {
            if previous_lower {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
            previous_lower = false;
        } else {
            out.push(c);
            previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        }
    }
    out
}

/// A size in bytes: a JSON number, or text such as `2411724`, `2.3 MB`, `512KiB`.
fn size_of(value: &Value) -> Option<Result<u64, String>> {
    match value {
        Value::Number(n) => Some(match n.as_f64() {
            Some(f) if f.is_finite() && f >= 0.0 => Ok(f as u64),
            _ => Err(n.to_string()),
        }),
        Value::String(s) => Some(parse_size(s).ok_or_else(|| s.clone())),
        _ => None,
    }
}

fn parse_size(text: &str) -> Option<u64> {
    let text = text.trim();
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let number: f64 = text[..split].parse().ok()?;
    let unit = text[split..].trim().to_ascii_lowercase();
    let factor: f64 = match unit.as_str() {
        "" | "b" | "bytes" | "byte" => 1.0,
        "k" | "kb" => 1e3,
        "kib" => 1024.0,
        "m" | "mb" => 1e6,
        "mib" => 1024.0 * 1024.0,
        "g" | "gb" => 1e9,
        "gib" => 1024.0 * 1024.0 * 1024.0,
        "t" | "tb" => 1e12,
        "tib" => 1024.0 * 1024.0 * 1024.0 * 1024.0,
        _ => return None,
    };
    let bytes = number * factor;
    (bytes.is_finite() && bytes >= 0.0).then_some(bytes as u64)
}

fn checksum_of(value: &Value) -> Option<String> {
    value
        .as_str()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_backup_script_manifest() {
        let m = parse(
            br#"{"timestamp": "2026-11-20T09:12:00Z", "database": {"host": "127.0.0.1", "name": "app"},
                "git": {"commit": "9f2c1e4", "branch": "main"}, "created_by": "alice",
                "files": [{"name": "backup_full.sql", "size": 2411724, "sha256": "ab12"},
                          {"name": "backup_schema.sql", "size": "12 KB", "sha256": "cd34"}]}"#,
        )
        .unwrap();
        assert_eq!(m.taken_at, 1_795_165_920);
        assert_eq!(m.database, "app");
        assert_eq!(m.git_commit.as_deref(), Some("9f2c1e4"));
        assert_eq!(m.bytes, 2_411_724 + 12_000);
        assert_eq!(m.checksum, "ab12");
    }

    #[test]
    fn camel_case_and_maps() {
        let m = parse(
            br#"{"createdAt": "20261120_091200", "databaseName": "app",
                "sizes": {"full": "2.3 MB"}, "checksums": {"full": "sha256:ff"}}"#,
        )
        .unwrap();
        assert_eq!(m.database, "app");
        assert_eq!(m.bytes, 2_300_000);
        assert_eq!(m.checksum, "sha256:ff");
    }

    #[test]
    fn says_why_a_manifest_is_not_evidence() {
        let cases: &[(&[u8], &str)] = &[
            (b"{not json", "is not valid JSON (key must be a string at line 1 column 2)"),
            (b"[1]", "is not a JSON object"),
            (br#"{"database": "app", "size": 1, "checksum": "x"}"#, "records no timestamp (`timestamp`)"),
            (br#"{"timestamp": "soon", "database": "app", "size": 1, "checksum": "x"}"#, "has a timestamp `soon` that is not a date"),
            (br#"{"timestamp": "2026-11-20", "size": 1, "checksum": "x"}"#, "names no database (`database`)"),
            (br#"{"timestamp": "2026-11-20", "database": "", "size": 1, "checksum": "x"}"#, "names no database (`database`)"),
            (br#"{"timestamp": "2026-11-20", "database": "app", "checksum": "x"}"#, "records no size (`size` in bytes)"),
            (br#"{"timestamp": "2026-11-20", "database": "app", "files": [{"size": 10}, {"size": 0}], "checksum": "x"}"#, "records a size of 0 bytes: the backup is empty"),
            (br#"{"timestamp": "2026-11-20", "database": "app", "size": "big", "checksum": "x"}"#, "has a size `big` that is not a size"),
            (br#"{"timestamp": "2026-11-20", "database": "app", "size": 5, "checksum": " "}"#, "records no checksum (`checksum` or `sha256`)"),
        ];
        for (text, reason) in cases {
            assert_eq!(
                parse(text).unwrap_err(),
                *reason,
                "{}",
                String::from_utf8_lossy(text)
            );
        }
    }

    #[test]
    fn deep_nesting_is_not_a_crash() {
        let deep = format!("{}{}", "[".repeat(100), "]".repeat(100));
        assert!(parse(deep.as_bytes()).is_err());
    }
}
