//! Alertmanager silences: their matchers, window and state, and which alerts they cover.

use std::collections::BTreeMap;

use serde::Serialize;

use super::UnixMs;
use crate::domain::SourceId;
use crate::domain::silence::Matcher;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SilenceState {
    Active,
    Pending,
    Expired,
}

impl SilenceState {
    pub fn parse(s: &str) -> SilenceState {
        match s {
            "active" => SilenceState::Active,
            "pending" => SilenceState::Pending,
            _ => SilenceState::Expired,
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            SilenceState::Active => "active",
            SilenceState::Pending => "pending",
            SilenceState::Expired => "expired",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Silence {
    pub id: String,
    /// The source that holds it, e.g. `alertmanager/prod`.
    pub source: SourceId,
    pub matchers: Vec<Matcher>,
    pub starts_at: UnixMs,
    pub ends_at: UnixMs,
    pub created_by: String,
    pub comment: String,
    pub state: SilenceState,
}

impl Silence {
    pub fn covers(&self, labels: &BTreeMap<String, String>) -> bool {
        self.matchers.iter().all(|m| m.matches(labels))
    }
}
