//! A container's log lines as the log view keeps them: a ring of at most `LINES_KEPT` lines and
//! `BYTES_KEPT` bytes, counting what fell off, and the search over it; in a workload's merged
//! log each line carries the tag of the pod it came from. No I/O here.

use std::collections::VecDeque;

/// Lines kept; older ones fall off and are counted, so a chatty container cannot grow memory.
pub const LINES_KEPT: usize = 10_000;
/// Bytes kept over all lines (a few long lines must not defeat the line cap).
pub const BYTES_KEPT: usize = 8 * 1024 * 1024;
/// A longer line is cut here (a JSON blob on one line), with a mark saying so.
pub const LINE_MAX: usize = 4096;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogBuffer {
    lines: VecDeque<String>,
    /// Each line's source (0 for a single container's log), beside the lines.
    tags: VecDeque<u16>,
    bytes: usize,
    /// Lines dropped from the front since the stream started.
    pub dropped: u64,
    cap_lines: usize,
    cap_bytes: usize,
}

impl Default for LogBuffer {
    fn default() -> Self {
        LogBuffer::with_caps(LINES_KEPT, BYTES_KEPT)
    }
}

impl LogBuffer {
    pub fn with_caps(cap_lines: usize, cap_bytes: usize) -> Self {
        LogBuffer {
            lines: VecDeque::new(),
            tags: VecDeque::new(),
            bytes: 0,
            dropped: 0,
            cap_lines: cap_lines.max(1),
            cap_bytes,
        }
    }

    /// Add a line as received: colour escapes stripped, cut at `LINE_MAX`. Other control
    /// characters stay and are drawn as visible pictures, never sent to the terminal.
    pub fn push(&mut self, raw: &str) {
        self.push_tagged(0, raw);
    }

    /// Add a line from source `tag` (a pod of a workload's merged log).
    pub fn push_tagged(&mut self, tag: u16, raw: &str) {
        let mut line = strip_sgr(raw.trim_end_matches(['\n', '\r']));
        if line.len() > LINE_MAX {
            let mut cut = LINE_MAX;
            while !line.is_char_boundary(cut) {
                cut -= 1;
            }
            line.truncate(cut);
            line.push_str(" … (line cut)");
        }
        self.bytes += line.len();
        self.lines.push_back(line);
        self.tags.push_back(tag);
        while self.lines.len() > self.cap_lines || (self.bytes > self.cap_bytes && self.lines.len() > 1) {
            if let Some(old) = self.lines.pop_front() {
                self.tags.pop_front();
                self.bytes -= old.len();
                self.dropped += 1;
            }
        }
    }

    pub fn len(&self) -> usize {
        self.lines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    pub fn bytes(&self) -> usize {
        self.bytes
    }

    pub fn get(&self, i: usize) -> Option<&str> {
        self.lines.get(i).map(String::as_str)
    }

    /// The source tag of line `i`.
    pub fn tag(&self, i: usize) -> u16 {
        self.tags.get(i).copied().unwrap_or(0)
    }

    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &str> + ExactSizeIterator {
        self.lines.iter().map(String::as_str)
    }

    /// Indexes of the lines that match `query`, in order.
    pub fn matches(&self, query: &Search) -> Vec<usize> {
        self.lines.iter().enumerate().filter(|(_, l)| query.is_match(l)).map(|(i, _)| i).collect()
    }
}

/// A search as typed: smart case (any capital makes it case-sensitive), as in less and k9s.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Search {
    needle: String,
    case_sensitive: bool,
}

impl Search {
    pub fn new(text: &str) -> Option<Search> {
        if text.is_empty() {
            return None;
        }
        let case_sensitive = text.chars().any(char::is_uppercase);
        let needle = if case_sensitive { text.to_string() } else { text.to_lowercase() };
        Some(Search { needle, case_sensitive })
    }

    pub fn is_match(&self, line: &str) -> bool {
        !self.ranges(line).is_empty()
    }

    /// Byte ranges of every match in `line`, for highlighting.
    pub fn ranges(&self, line: &str) -> Vec<(usize, usize)> {
        let hay = if self.case_sensitive { line.to_string() } else { lower_same_len(line) };
        let mut out = Vec::new();
        let mut from = 0;
        while let Some(i) = hay[from..].find(&self.needle) {
            let start = from + i;
            let end = start + self.needle.len();
            out.push((start, end));
            from = end.max(start + 1);
            while from < hay.len() && !hay.is_char_boundary(from) {
                from += 1;
            }
            if from >= hay.len() {
                break;
            }
        }
        out
    }
}

/// Lowercase without changing byte offsets (characters whose lowercase has another length are
/// kept as they are), so match ranges index the original line.
fn lower_same_len(s: &str) -> String {
    s.chars()
        .map(|c| {
            let mut l = c.to_lowercase();
            match (l.next(), l.next()) {
                (Some(x), None) if x.len_utf8() == c.len_utf8() => x,
                _ => c,
            }
        })
        .collect()
}

/// Remove SGR colour sequences (`ESC [ … m`): they are the common escape in logs and carry no
/// meaning the view can keep. Any other escape is left for the view to show as ␛.
pub fn strip_sgr(s: &str) -> String {
    if !s.contains('\x1b') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('\x1b') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let sgr_len = after.strip_prefix('[').and_then(|p| {
            let n = p.find(|c: char| !(c.is_ascii_digit() || c == ';'))?;
            (p.as_bytes()[n] == b'm').then_some(n + 2)
        });
        match sgr_len {
            Some(n) => rest = &after[n..],
            None => {
                out.push('\x1b');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_buffer_keeps_the_newest_lines_and_counts_the_rest() {
        let mut b = LogBuffer::with_caps(3, usize::MAX);
        for i in 0..5 {
            b.push(&format!("line {i}\n"));
        }
        assert_eq!(b.iter().collect::<Vec<_>>(), ["line 2", "line 3", "line 4"]);
        assert_eq!(b.dropped, 2);
        let mut b = LogBuffer::with_caps(100, 10);
        b.push("aaaaaa");
        b.push("bbbbbb");
        assert_eq!((b.len(), b.dropped, b.bytes()), (1, 1, 6));
    }

    #[test]
    fn long_lines_are_cut_on_a_character_boundary() {
        let mut b = LogBuffer::default();
        b.push(&"é".repeat(LINE_MAX));
        let l = b.get(0).unwrap();
        assert!(l.ends_with("(line cut)") && l.len() < LINE_MAX + 20, "{}", l.len());
    }

    #[test]
    fn colour_is_stripped_and_other_escapes_are_kept_for_the_view() {
        assert_eq!(strip_sgr("\x1b[31mERROR\x1b[0m boom"), "ERROR boom");
        assert_eq!(strip_sgr("\x1b[1;32mok\x1b[m"), "ok");
        assert_eq!(strip_sgr("a\x1b]0;title\x07b"), "a\x1b]0;title\x07b");
        assert_eq!(strip_sgr("\x1b[2J"), "\x1b[2J");
    }

    #[test]
    fn search_is_smart_case_and_finds_every_match() {
        let s = Search::new("err").unwrap();
        assert_eq!(s.ranges("ERR and err"), [(0, 3), (8, 11)]);
        let s = Search::new("Err").unwrap();
        assert_eq!(s.ranges("ERR and Err"), [(8, 11)]);
        assert!(Search::new("").is_none());
        let s = Search::new("ü").unwrap();
        assert_eq!(s.ranges("Ü ü"), [(0, 2), (3, 5)]);
    }
}
