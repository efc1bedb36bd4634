//! `[history]`: the local history of what flightdeck saw, kept in the state dir, bounded by
//! age and by size. Parsing only; the app keeps the history.

use std::time::Duration;

use serde::{Deserialize, Deserializer};

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct HistoryConfig {
    /// Record the timeline to `history.redb` in the state dir (`history-demo.redb` for the demo).
    pub enabled: bool,
    /// Entries older than this are dropped.
    pub max_age: Age,
    /// The file is kept under this size: the oldest entries go first.
    pub max_size: Size,
}

impl Default for HistoryConfig {
    fn default() -> Self {
        HistoryConfig {
            enabled: true,
            max_age: Age(Duration::from_secs(14 * 86_400)),
            max_size: Size(64 * 1024 * 1024),
        }
    }
}

/// A duration of at least a minute, written as humantime ("7d", "36h").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Age(pub Duration);

impl<'de> Deserialize<'de> for Age {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        let dur = humantime::parse_duration(&s).map_err(|e| {
            serde::de::Error::custom(format!("`{s}`: {e}; expected a duration such as \"14d\""))
        })?;
        if dur < Duration::from_secs(60) {
            return Err(serde::de::Error::custom(format!("`{s}`: expected at least 1m")));
        }
        Ok(Age(dur))
    }
}

/// A size in bytes, written "64MiB", "1GiB", "500MB" or a plain number of bytes; at least 1 MiB.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Size(pub u64);

pub fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let split = t.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: f64 = num.parse().map_err(|_| format!("`{s}`: expected a size such as \"64MiB\""))?;
    let mult: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "kb" => 1_000,
        "kib" | "k" => 1 << 10,
        "mb" => 1_000_000,
        "mib" | "m" => 1 << 20,
        "gb" => 1_000_000_000,
        "gib" | "g" => 1 << 30,
        other => return Err(format!("`{s}`: unknown unit `{other}`; expected KiB, MiB, GiB, KB, MB or GB")),
    };
    let bytes = (n * mult as f64) as u64;
    if bytes < 1 << 20 {
        return Err(format!("`{s}`: expected at least 1MiB"));
    }
    Ok(bytes)
}

impl<'de> Deserialize<'de> for Size {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        parse_size(&s).map(Size).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_in_the_units_people_write() {
        assert_eq!(parse_size("64MiB"), Ok(64 << 20));
        assert_eq!(parse_size("1.5 GiB"), Ok(3 << 29));
        assert_eq!(parse_size("2MB"), Ok(2_000_000));
        assert!(parse_size("12").unwrap_err().contains("at least 1MiB"));
        assert!(parse_size("3 parsecs").unwrap_err().contains("unknown unit"));
    }
}
