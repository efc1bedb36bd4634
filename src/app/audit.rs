//! The audit log: one JSON line per action (time, context, user, action, target, result) in
//! the state dir, appended by the executor after the action has an answer. The demo's actions
//! land in the same file, marked `"demo": true`, so they are never taken for a cluster's.

use std::io::Write;
use std::path::PathBuf;

use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct Entry<'a> {
    pub time: String,
    pub context: &'a str,
    pub user: &'a str,
    pub action: &'a str,
    pub target: &'a str,
    pub result: &'a str,
    pub ok: bool,
    /// Only on the demo's lines: a real action's line keeps its old shape.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub demo: bool,
}

#[derive(Clone, Debug)]
pub struct AuditLog {
    path: Option<PathBuf>,
    user: String,
    demo: bool,
}

impl AuditLog {
    /// A log whose lines name the user as `$USER` or `$LOGNAME` say; see [`AuditLog::by`].
    pub fn new(path: Option<PathBuf>) -> Self {
        let user = ["USER", "LOGNAME"]
            .iter()
            .find_map(|v| std::env::var(v).ok().filter(|s| !s.is_empty()))
            .unwrap_or_else(|| crate::sources::identity::UNKNOWN.into());
        AuditLog { path, user, demo: false }
    }

    /// The same log, its lines naming `user` (as found at start: the environment, the
    /// kubeconfig, the AWS identity).
    pub fn by(self, user: &str) -> Self {
        if user.is_empty() { self } else { AuditLog { user: user.to_string(), ..self } }
    }

    /// The same log, its entries marked as the demo's when `demo` is set.
    pub fn for_demo(self, demo: bool) -> Self {
        AuditLog { demo, ..self }
    }

    pub fn path(&self) -> Option<&PathBuf> {
        self.path.as_ref()
    }

    /// Append one entry. An audit failure is logged, never fatal: the action already happened.
    pub fn record(&self, context: &str, action: &str, target: &str, result: &Result<String, String>) {
        let Some(path) = &self.path else { return };
        let (text, ok) = match result {
            Ok(m) => (m.as_str(), true),
            Err(e) => (e.as_str(), false),
        };
        let entry = Entry {
            time: humantime::format_rfc3339_millis(std::time::SystemTime::now()).to_string(),
            context,
            user: &self.user,
            action,
            target,
            result: text,
            ok,
            demo: self.demo,
        };
        let write = || -> std::io::Result<()> {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)?;
            }
            let mut f = std::fs::OpenOptions::new().create(true).append(true).open(path)?;
            let line = serde_json::to_string(&entry).map_err(std::io::Error::other)?;
            writeln!(f, "{line}")
        };
        if let Err(e) = write() {
            tracing::warn!(path = %path.display(), error = %e, "cannot write the audit log");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appends_json_lines() {
        let dir = tempfile::tempdir().unwrap();
        let log = AuditLog::new(Some(dir.path().join("audit.jsonl")));
        log.record("shop-prod", "sync", "application services-cart", &Ok("sync started".into()));
        log.record("shop-prod", "delete_pod", "pod storefront/x", &Err("forbidden".into()));
        let text = std::fs::read_to_string(dir.path().join("audit.jsonl")).unwrap();
        let lines: Vec<serde_json::Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0]["action"], "sync");
        assert_eq!(lines[0]["context"], "shop-prod");
        assert_eq!(lines[1]["ok"], false);
        assert_eq!(lines[1]["result"], "forbidden");
        assert!(lines.iter().all(|l| l.get("demo").is_none()), "{text}");
    }

    #[test]
    fn lines_name_the_user_found_at_start() {
        let dir = tempfile::tempdir().unwrap();
        let log =
            AuditLog::new(Some(dir.path().join("audit.jsonl"))).by("arn:aws:sts::1:assumed-role/a/alice");
        log.record("shop-prod", "sync", "application x", &Ok("ok".into()));
        let text = std::fs::read_to_string(dir.path().join("audit.jsonl")).unwrap();
        assert!(text.contains(r#""user":"arn:aws:sts::1:assumed-role/a/alice""#), "{text}");
    }

    #[test]
    fn the_demos_lines_are_marked() {
        let dir = tempfile::tempdir().unwrap();
        let log = AuditLog::new(Some(dir.path().join("audit.jsonl"))).for_demo(true);
        log.record("shop-prod", "sync", "application services-cart", &Ok("sync started".into()));
        let text = std::fs::read_to_string(dir.path().join("audit.jsonl")).unwrap();
        let line: serde_json::Value = serde_json::from_str(text.trim_end()).unwrap();
        assert_eq!(line["demo"], true);
        assert_eq!((line["context"].as_str(), line["action"].as_str()), (Some("shop-prod"), Some("sync")));
        assert!(text.trim_end().ends_with(r#","ok":true,"demo":true}"#), "{text}");
    }
}
