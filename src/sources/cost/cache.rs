//! The bill cached on disk, one file per account, metric and month, shared by every run: Cost
//! Explorer charges per request, so a restart must not pay again for numbers it already has.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::state::cost::CostReport;

const VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
struct Cached {
    version: u32,
    account: String,
    report: CostReport,
}

pub fn path(dir: &Path, account: &str, metric: &str, month: &str) -> PathBuf {
    let safe = |s: &str| s.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').collect::<String>();
    dir.join(format!("{}-{}-{}.json", safe(account), safe(metric), safe(month)))
}

/// The cached report, marked as from the cache; None when absent, unreadable or of another
/// format version (a bad cache file costs one fetch, never a crash).
pub fn load(path: &Path) -> Option<CostReport> {
    let text = std::fs::read_to_string(path).ok()?;
    let cached: Cached = serde_json::from_str(&text)
        .map_err(|e| tracing::warn!(path = %path.display(), error = %e, "ignoring unreadable cost cache"))
        .ok()?;
    (cached.version == VERSION).then_some(CostReport { from_cache: true, requests: 0, ..cached.report })
}

/// Write through a temp file and rename, so a reader never sees half a file.
pub fn store(path: &Path, account: &str, report: &CostReport) -> Result<(), String> {
    let dir = path.parent().ok_or("cache path has no directory")?;
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let cached = Cached { version: VERSION, account: account.to_string(), report: report.clone() };
    let text = serde_json::to_string_pretty(&cached).map_err(|e| e.to_string())?;
    let tmp = path.with_extension("json.tmp");
    std::fs::write(&tmp, text).map_err(|e| format!("{}: {e}", tmp.display()))?;
    std::fs::rename(&tmp, path).map_err(|e| format!("{}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report() -> CostReport {
        CostReport {
            currency: "USD".into(),
            metric: "UnblendedCost".into(),
            month: "2026-11".into(),
            days_in_month: 30,
            daily: vec![10.0, 12.5],
            by_service: vec![("Amazon Elastic Compute Cloud - Compute".into(), 22.5)],
            last_month_same_days: Some(20.0),
            last_month_total: Some(300.0),
            budget: Some(400.0),
            fetched_at: 1_763_474_400_000,
            from_cache: false,
            requests: 2,
        }
    }

    #[test]
    fn round_trips_marked_as_cached_and_ignores_garbage() {
        let dir = tempfile::tempdir().unwrap();
        let p = path(dir.path(), "123456789012", "UnblendedCost", "2026-11");
        assert_eq!(p.file_name().unwrap(), "123456789012-UnblendedCost-2026-11.json");
        store(&p, "123456789012", &report()).unwrap();
        assert_eq!(load(&p), Some(CostReport { from_cache: true, requests: 0, ..report() }));
        std::fs::write(&p, "{ not json").unwrap();
        assert_eq!(load(&p), None);
    }
}
