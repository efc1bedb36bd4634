//! Errors for user files (config, theme, keymap) that name the file, the line and what was
//! expected, so a typo is fixed in one look.

use std::path::{Path, PathBuf};

/// The first error in a file by position, and any others after it: a file with several
/// mistakes is fixed in one round, not one run per mistake.
#[derive(Debug)]
pub struct FileError {
    pub path: PathBuf,
    pub line: usize,
    pub column: usize,
    pub message: String,
    /// The file's further errors, in line order.
    pub more: Vec<FileError>,
}

impl std::fmt::Display for FileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}: {}", self.path.display(), self.line, self.column, self.message)?;
        for e in &self.more {
            write!(f, "\n{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for FileError {}

impl FileError {
    pub fn at(path: &Path, text: &str, offset: usize, message: impl Into<String>) -> Self {
        let (line, column) = line_col(text, offset);
        FileError { path: path.to_path_buf(), line, column, message: message.into(), more: Vec::new() }
    }

    /// Every error found in one file, as one: the first by line, the others after it.
    /// `Ok(())` when there are none.
    pub fn all(mut errors: Vec<FileError>) -> Result<(), FileError> {
        errors.sort_by_key(|e| (e.line, e.column));
        let mut rest = errors.into_iter();
        match rest.next() {
            None => Ok(()),
            Some(mut first) => {
                first.more = rest.collect();
                Err(first)
            }
        }
    }

    /// From a toml/serde error, which carries a byte span when it knows one.
    pub fn from_toml(path: &Path, text: &str, err: &toml::de::Error) -> Self {
        let offset = err.span().map_or(0, |s| s.start);
        FileError::at(path, text, offset, err.message().trim().to_string())
    }
}

/// 1-based line and column of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// The closest candidate by edit distance, for "did you mean" hints.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (levenshtein(word, c), c))
        .filter(|(d, c)| *d <= (c.len().max(word.len()) / 2).max(2))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_are_one_based() {
        assert_eq!(line_col("ab\ncd\nef", 4), (2, 2));
        assert_eq!(line_col("x", 0), (1, 1));
    }

    #[test]
    fn several_errors_read_first_by_line_then_the_rest() {
        let text = "a\nb\nc\n";
        let p = Path::new("t.toml");
        let e = FileError::all(vec![FileError::at(p, text, 4, "third"), FileError::at(p, text, 2, "second")])
            .unwrap_err();
        assert_eq!((e.line, e.message.as_str()), (2, "second"));
        assert_eq!(e.to_string(), "t.toml:2:1: second\nt.toml:3:1: third");
        assert!(FileError::all(Vec::new()).is_ok());
    }

    #[test]
    fn closest_suggests_near_names_only() {
        assert_eq!(closest("qiut", ["quit", "help"]), Some("quit"));
        assert_eq!(closest("zzzzzz", ["quit", "help"]), None);
    }
}
