//! Source text and the byte-offset → line/column mapping used only when reporting.

use std::ops::Range;

/// A 1-based position: line and column, the column counted in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// Line starts of a text, computed once per file, used to turn byte offsets into positions.
#[derive(Debug, Clone)]
pub struct LineIndex {
    line_starts: Vec<usize>,
}

const BOM: char = '\u{feff}';

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut line_starts = vec![0];
        // memchr's vectorized search: a byte-by-byte scan was 2% of a large run.
        line_starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        LineIndex { line_starts }
    }

    /// Position of a byte offset. Offsets inside a multi-byte character or past the end are
    /// clamped, so input-derived offsets can never panic here. A leading BOM is not a column.
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.line_starts[line];
        let mut prefix = &text[start..offset];
        if start == 0 {
            prefix = prefix.strip_prefix(BOM).unwrap_or(prefix);
        }
        Position {
            line: line + 1,
            column: prefix.chars().count() + 1,
        }
    }

    /// Start and (exclusive) end position of a byte range.
    pub fn span(&self, text: &str, range: &Range<usize>) -> (Position, Position) {
        (
            self.position(text, range.start),
            self.position(text, range.end),
        )
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }
}

/// Decodes file bytes as UTF-8 text, or says where the first byte that is not text is: an
/// invalid UTF-8 sequence, or a NUL byte (PostgreSQL cannot receive one: psql and libpq cut
/// the SQL there, so what would run is not what was checked).
pub fn decode(bytes: Vec<u8>) -> Result<String, InvalidUtf8> {
    let text = String::from_utf8(bytes).map_err(|err| {
        let valid_up_to = err.utf8_error().valid_up_to();
        let bytes = err.into_bytes();
        let kind = if bytes.starts_with(b"\xff\xfe") || bytes.starts_with(b"\xfe\xff") {
            NotText::Utf16
        } else if bytes.iter().take(8192).any(|&b| b == 0) {
            NotText::Binary
        } else {
            NotText::InvalidUtf8
        };
        // The valid prefix is UTF-8 by definition, so the position can be computed on it.
        let prefix = String::from_utf8_lossy(&bytes[..valid_up_to]).into_owned();
        not_text(&prefix, valid_up_to, kind)
    })?;
    match memchr::memchr(0, text.as_bytes()) {
        Some(offset) => Err(not_text(&text, offset, NotText::Nul)),
        None => Ok(text),
    }
}

fn not_text(text: &str, offset: usize, kind: NotText) -> InvalidUtf8 {
    InvalidUtf8 {
        offset,
        position: LineIndex::new(text).position(text, offset),
        kind,
    }
}

/// Why a file's bytes are not text sqlgate can read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidUtf8 {
    /// Byte offset of the first byte that is not text.
    pub offset: usize,
    pub position: Position,
    pub kind: NotText,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotText {
    /// An invalid UTF-8 sequence in text.
    InvalidUtf8,
    /// Invalid UTF-8 with NUL bytes near the start: a binary file.
    Binary,
    /// UTF-16 text (it starts with a UTF-16 byte order mark).
    Utf16,
    /// Valid UTF-8 holding a NUL byte.
    Nul,
}

impl std::fmt::Display for InvalidUtf8 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let Position { line, column } = self.position;
        match self.kind {
            NotText::Binary => write!(
                f,
                "binary content (NUL bytes); invalid UTF-8 at line {line}, column {column}: migrations must be UTF-8 text"
            ),
            NotText::Utf16 => write!(
                f,
                "UTF-16 text (it starts with a UTF-16 byte order mark): re-save the file as UTF-8"
            ),
            NotText::Nul => write!(
                f,
                "NUL byte at line {line}, column {column} (byte {}): SQL cannot contain NUL bytes; remove it",
                self.offset
            ),
            NotText::InvalidUtf8 => write!(
                f,
                "invalid UTF-8 at line {line}, column {column} (byte {}): re-save the file as UTF-8",
                self.offset
            ),
        }
    }
}

/// Text from input (a quoted name, a file name, a link's target, a git revision) made safe
/// for a one-line message: control characters become `\n`, `\r`, `\t` or `\u{..}`, so a
/// crafted name cannot start a new line (a forged workflow command) or drive the terminal.
pub fn escape_controls(text: &str) -> String {
    if !text.chars().any(char::is_control) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.extend(c.escape_unicode()),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(text: &str, offset: usize) -> (usize, usize) {
        let p = LineIndex::new(text).position(text, offset);
        (p.line, p.column)
    }

    #[test]
    fn control_characters_become_escapes() {
        assert_eq!(
            escape_controls("a\n::add-mask::x\r\u{1b}[31m\u{7f}\u{85}\té"),
            "a\\n::add-mask::x\\r\\u{1b}[31m\\u{7f}\\u{85}\\té"
        );
        assert_eq!(escape_controls("plain é"), "plain é");
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        let text = "-- é ü\n\tDROP TABLE x;";
        let drop = text.find("DROP").unwrap();
        assert_eq!(pos(text, drop), (2, 2));
        let text = "/* héllo */ DROP TABLE x;";
        assert_eq!(pos(text, text.find("DROP").unwrap()), (1, 13));
    }

    #[test]
    fn crlf_and_bom() {
        let text = "\u{feff}SELECT 1;\r\nDROP TABLE x;\r\n";
        assert_eq!(pos(text, 3), (1, 1));
        assert_eq!(pos(text, text.find("DROP").unwrap()), (2, 1));
        assert_eq!(pos(text, text.find("x;").unwrap()), (2, 12));
    }

    #[test]
    fn offsets_out_of_range_or_mid_char_are_clamped() {
        let text = "é";
        assert_eq!(pos(text, 1), (1, 1));
        assert_eq!(pos(text, 99), (1, 2));
    }

    #[test]
    fn invalid_utf8_names_the_position() {
        let err = decode(b"SELECT 1;\nSELECT '\xff';".to_vec()).unwrap_err();
        assert_eq!(err.position, Position { line: 2, column: 9 });
        assert_eq!(err.kind, NotText::InvalidUtf8);
        assert_eq!(
            decode(b"\0\x9f\x92".to_vec()).unwrap_err().kind,
            NotText::Binary
        );
    }

    #[test]
    fn nul_bytes_in_valid_utf8_are_not_text() {
        let err = decode(b"SELECT 1;\n  \0\0DROP TABLE t;\n".to_vec()).unwrap_err();
        assert_eq!(err.kind, NotText::Nul);
        assert_eq!(
            (err.offset, err.position),
            (12, Position { line: 2, column: 3 })
        );
        assert_eq!(
            err.to_string(),
            "NUL byte at line 2, column 3 (byte 12): SQL cannot contain NUL bytes; remove it"
        );
    }

    #[test]
    fn utf16_is_named() {
        let units = || "DROP TABLE t;".encode_utf16();
        let little: Vec<u8> = units().flat_map(u16::to_le_bytes).collect();
        let big: Vec<u8> = units().flat_map(u16::to_be_bytes).collect();
        for (bom, body) in [(&b"\xff\xfe"[..], little), (b"\xfe\xff", big)] {
            let mut bytes = bom.to_vec();
            bytes.extend(body);
            let err = decode(bytes).unwrap_err();
            assert_eq!(err.kind, NotText::Utf16);
            assert!(
                err.to_string().contains("re-save the file as UTF-8"),
                "{err}"
            );
        }
    }
}
