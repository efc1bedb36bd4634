//! Alertmanager API v2 as it is on the wire (`GettableAlert`, `GettableSilence`, `PostableSilence`),
//! and the mapping to the store's alerts and silences.

use crate::domain::SourceId;
use crate::domain::source::SourceKind;
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::domain::silence::{Matcher, NewSilence};
use crate::state::UnixMs;
use crate::state::alerts::{Alert, AlertState, Severity};
use crate::state::silences::{Silence, SilenceState};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GettableAlert {
    pub fingerprint: String,
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    #[serde(default)]
    pub annotations: BTreeMap<String, String>,
    pub starts_at: String,
    #[serde(rename = "generatorURL", default)]
    pub generator_url: Option<String>,
    pub status: AlertStatus,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AlertStatus {
    /// unprocessed, active, suppressed.
    pub state: String,
    #[serde(default)]
    pub silenced_by: Vec<String>,
    #[serde(default)]
    pub inhibited_by: Vec<String>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WireMatcher {
    pub name: String,
    pub value: String,
    pub is_regex: bool,
    /// Absent in Alertmanager before 0.22, where every matcher was an equality.
    #[serde(default = "yes")]
    pub is_equal: bool,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GettableSilence {
    pub id: String,
    pub matchers: Vec<WireMatcher>,
    pub starts_at: String,
    pub ends_at: String,
    #[serde(default)]
    pub created_by: String,
    #[serde(default)]
    pub comment: String,
    pub status: SilenceStatus,
}

#[derive(Debug, Deserialize)]
pub struct SilenceStatus {
    pub state: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PostableSilence {
    pub matchers: Vec<WireMatcher>,
    pub starts_at: String,
    pub ends_at: String,
    pub created_by: String,
    pub comment: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PostSilenceResponse {
    #[serde(rename = "silenceID")]
    pub silence_id: String,
}

/// RFC 3339 as Alertmanager writes it (`2026-11-22T18:04:05.123Z`), to Unix ms.
pub fn parse_time(s: &str) -> Option<UnixMs> {
    let t = humantime::parse_rfc3339_weak(s.trim_end_matches('Z')).ok()?;
    let offset = s.rfind(['+', '-']).filter(|i| *i > 18).map(|i| &s[i..]);
    let ms = t.duration_since(std::time::UNIX_EPOCH).ok()?.as_millis() as i64;
    // humantime takes the local form as UTC; apply an explicit offset ourselves.
    let off_ms = offset
        .and_then(|o| {
            let sign = if o.starts_with('-') { -1 } else { 1 };
            let (h, m) = o[1..].split_once(':')?;
            Some(sign * (h.parse::<i64>().ok()? * 60 + m.parse::<i64>().ok()?) * 60_000)
        })
        .unwrap_or(0);
    Some(ms - off_ms)
}

pub fn format_time(ms: UnixMs) -> String {
    let t = std::time::UNIX_EPOCH + std::time::Duration::from_millis(ms.max(0) as u64);
    humantime::format_rfc3339_millis(t).to_string()
}

impl GettableAlert {
    pub fn into_alert(self) -> Alert {
        let name = self.labels.get("alertname").cloned().unwrap_or_else(|| "(no alertname)".into());
        let severity = self.labels.get("severity").map_or(Severity::None, |s| Severity::parse(s));
        let state = if !self.status.silenced_by.is_empty() {
            AlertState::Silenced
        } else if !self.status.inhibited_by.is_empty() {
            AlertState::Inhibited
        } else {
            AlertState::Firing
        };
        let summary = ["summary", "description", "message"]
            .iter()
            .find_map(|k| self.annotations.get(*k))
            .cloned()
            .unwrap_or_default();
        Alert {
            cluster: Default::default(),
            fingerprint: self.fingerprint,
            name,
            severity,
            source: SourceId::of(SourceKind::Alertmanager),
            state,
            since: parse_time(&self.starts_at).unwrap_or(0),
            summary,
            labels: self.labels,
            annotations: self.annotations,
            generator_url: self.generator_url.filter(|u| !u.is_empty()),
            silenced_by: self.status.silenced_by,
            also_from: Vec::new(),
        }
    }
}

impl GettableSilence {
    pub fn into_silence(self) -> Silence {
        Silence {
            id: self.id,
            source: SourceId::of(SourceKind::Alertmanager),
            matchers: self
                .matchers
                .into_iter()
                .map(|m| Matcher { name: m.name, value: m.value, is_regex: m.is_regex, is_equal: m.is_equal })
                .collect(),
            starts_at: parse_time(&self.starts_at).unwrap_or(0),
            ends_at: parse_time(&self.ends_at).unwrap_or(0),
            created_by: self.created_by,
            comment: self.comment,
            state: SilenceState::parse(&self.status.state),
        }
    }
}

impl PostableSilence {
    pub fn new(n: &NewSilence, now: UnixMs) -> PostableSilence {
        PostableSilence {
            matchers: n
                .matchers
                .iter()
                .map(|m| WireMatcher {
                    name: m.name.clone(),
                    value: m.value.clone(),
                    is_regex: m.is_regex,
                    is_equal: m.is_equal,
                })
                .collect(),
            starts_at: format_time(now),
            ends_at: format_time(now + n.duration_ms),
            created_by: n.created_by.clone(),
            comment: n.comment.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_round_trip_and_offsets_apply() {
        let t = parse_time("2026-11-22T18:04:05.123Z").unwrap();
        assert_eq!(format_time(t), "2026-11-22T18:04:05.123Z");
        assert_eq!(parse_time("2026-11-22T19:04:05.123+01:00"), Some(t));
    }

    #[test]
    fn a_suppressed_alert_names_its_silences() {
        let json = r#"{"fingerprint":"ab","labels":{"alertname":"X","severity":"critical"},
            "annotations":{"description":"d"},"startsAt":"2026-11-22T18:00:00Z","endsAt":"2026-11-22T19:00:00Z",
            "generatorURL":"http://prom/graph","receivers":[{"name":"n"}],"updatedAt":"2026-11-22T18:00:00Z",
            "status":{"state":"suppressed","silencedBy":["s1"],"inhibitedBy":[]}}"#;
        let a = serde_json::from_str::<GettableAlert>(json).unwrap().into_alert();
        assert_eq!((a.name.as_str(), a.severity, a.state), ("X", Severity::Critical, AlertState::Silenced));
        assert_eq!(a.summary, "d");
        assert_eq!(a.generator_url.as_deref(), Some("http://prom/graph"));
        assert_eq!(a.silenced_by, ["s1"]);
    }
}
