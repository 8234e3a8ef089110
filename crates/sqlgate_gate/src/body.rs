//! What of the pull request body can be backup evidence: only the text GitHub shows, and only
//! a link that names something. The author writes the body, so the gate reads it the way a
//! reviewer sees it: a `Backup:` line inside an HTML comment or a code block is invisible on
//! the pull request page, and a template's `s3://YOUR-BUCKET/…` names no backup.

/// `body` with HTML comments and fenced code blocks blanked out: every byte of them becomes
/// a space except line ends, so offsets and lines stay where they were and the result is
/// still valid UTF-8. An unterminated comment or fence runs to the end, as GitHub renders it.
pub fn visible(body: &str) -> String {
    let mut out = body.as_bytes().to_vec();
    let mut blank = |range: std::ops::Range<usize>| {
        for b in &mut out[range] {
            if *b != b'\n' && *b != b'\r' {
                *b = b' ';
            }
        }
    };
    let mut pos = 0;
    let mut line_start = true;
    while pos < body.len() {
        let rest = &body[pos..];
        if let Some(inside) = rest.strip_prefix("<!--") {
            let end = inside.find("-->").map_or(body.len(), |e| pos + 4 + e + 3);
            blank(pos..end);
            pos = end;
            line_start = false;
            continue;
        }
        if line_start {
            if let Some(fence) = fence_at(rest) {
                // The block ends at a line that starts with the same fence (or at the end).
                let after_open = rest.find('\n').map_or(body.len(), |n| pos + n + 1);
                let mut end = body.len();
                let mut line = after_open;
                while line < body.len() {
                    let next = body[line..].find('\n').map_or(body.len(), |n| line + n + 1);
                    if body[line..next].trim_start().starts_with(fence) {
                        end = next;
                        break;
                    }
                    line = next;
                }
                blank(pos..end);
                pos = end;
                line_start = true;
                continue;
            }
        }
        let c = rest.chars().next().unwrap_or('\n');
        line_start = c == '\n';
        pos += c.len_utf8();
    }
    // Only ASCII spaces replaced whole bytes of comments and fences, which start and end
    // on ASCII delimiters, so the bytes are still UTF-8; lossy conversion is a no-op.
    String::from_utf8_lossy(&out).into_owned()
}

/// The fence that opens a fenced code block at the start of `line` (up to 3 spaces of
/// indentation), if any.
fn fence_at(line: &str) -> Option<&'static str> {
    let trimmed = line.trim_start_matches(' ');
    if line.len() - trimmed.len() > 3 {
        return None;
    }
    ["```", "~~~"].into_iter().find(|f| trimmed.starts_with(f))
}

/// Whether a link is a template's stand-in rather than the name of a backup: the example
/// sqlgate itself suggests (`s3://YOUR-BUCKET/…`), ellipses, angle or curly brackets, the
/// usual filler words, a host reserved for documentation (RFC 2606: `example.com`, `.test`,
/// …), or a scheme with nothing after it.
pub fn is_placeholder(link: &str) -> bool {
    let lower = link.to_ascii_lowercase();
    let after_scheme = lower.split_once("://").map_or(lower.as_str(), |(_, r)| r);
    let after_scheme = after_scheme
        .strip_prefix("artifact:")
        .unwrap_or(after_scheme);
    if after_scheme.trim_matches('/').is_empty() || lower.ends_with("artifact:") {
        return true;
    }
    let host = after_scheme
        .split(['/', ':', '?', '#'])
        .next()
        .unwrap_or("");
    let reserved = ["example.com", "example.net", "example.org"]
        .iter()
        .any(|d| host == *d || host.ends_with(&format!(".{d}")))
        || [".example", ".invalid", ".test", ".localhost"]
            .iter()
            .any(|tld| host.ends_with(tld))
        || host == "localhost";
    if lower.contains("://") && reserved {
        return true;
    }
    const FILLERS: &[&str] = &[
        "your-",
        "your_",
        "yourbucket",
        "…",
        "...",
        "<",
        ">",
        "{",
        "}",
        "placeholder",
        "changeme",
        "change-me",
        "todo",
        "tbd",
        "fixme",
        "xxx",
        "path/to/",
    ];
    FILLERS.iter().any(|f| lower.contains(f))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_and_code_blocks_are_blanked_keeping_offsets() {
        let body = "Intro é\n<!-- Backup: s3://hidden/a.dump -->\nBackup: s3://shown/b.dump\n\
                    ```\nBackup: s3://in-code/c.dump\n```\n~~~sql\nBackup: s3://tilde/d\n~~~\nafter";
        let seen = visible(body);
        assert_eq!(seen.len(), body.len());
        assert_eq!(seen.lines().count(), body.lines().count());
        assert!(seen.contains("Backup: s3://shown/b.dump"));
        assert!(seen.starts_with("Intro é\n"));
        assert!(seen.ends_with("\nafter"));
        for hidden in ["hidden", "in-code", "tilde"] {
            assert!(!seen.contains(hidden), "{hidden}: {seen}");
        }
    }

    #[test]
    fn unterminated_comments_and_fences_run_to_the_end() {
        assert_eq!(visible("a <!-- Backup: s3://x/y\nmore").trim(), "a");
        assert_eq!(visible("a\n```\nBackup: s3://x/y\n").trim(), "a");
        // A fence must start its line: inline backticks are not a block.
        assert!(visible("see ``` here\nBackup: s3://x/y").contains("Backup: s3://x/y"));
    }

    #[test]
    fn placeholders_are_recognised_and_real_links_are_not() {
        for link in [
            "s3://YOUR-BUCKET/pre-migration-backup.dump",
            "s3://your_bucket/x",
            "s3://bucket/…",
            "s3://bucket/...",
            "s3://<bucket>/dump",
            "https://example.com/backup",
            "https://backups.example.org/x.dump",
            "https://files.test/x",
            "s3://",
            "artifact:",
            "gs://b/TODO",
            "s3://path/to/backup",
        ] {
            assert!(is_placeholder(link), "{link}");
        }
        for link in [
            "s3://b/x.dump",
            "s3://acme-backups/pre-migration-2026-11-21.dump",
            "gs://acme/prod/2026-11-21.sql.gz",
            "https://backups.acme.io/runs/4242",
            "artifact:pre-migration-backup",
            "s3://example-corp-backups/x.dump",
        ] {
            assert!(!is_placeholder(link), "{link}");
        }
    }
}
