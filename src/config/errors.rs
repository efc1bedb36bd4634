//! Errors for user files (config, theme, keymap) that name the file, the line and what was
//! expected, so a typo is fixed in one look.

use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
#[error("{}:{line}:{column}: {message}", path.display())]
pub struct FileError {
    pub path: PathBuf,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl FileError {
    pub fn at(path: &Path, text: &str, offset: usize, message: impl Into<String>) -> Self {
        let (line, column) = line_col(text, offset);
        FileError { path: path.to_path_buf(), line, column, message: message.into() }
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
    fn closest_suggests_near_names_only() {
        assert_eq!(closest("qiut", ["quit", "help"]), Some("quit"));
        assert_eq!(closest("zzzzzz", ["quit", "help"]), None);
    }
}
