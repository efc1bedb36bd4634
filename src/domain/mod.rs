//! The vocabulary every layer shares: the basics (time, level, pane), commands and the action
//! registry, what an action acts on (`Target`), what a key asks the loop to do (`Effect`), the
//! Kubernetes scope, source ids, silence matchers, and how numbers and cluster text are written.
//! Plain data and pure functions: it imports nothing from the rest of the crate.

pub mod cluster;
pub mod command;
pub mod effect;
pub mod format;
pub mod kinds;
pub mod registry;
pub mod resource;
pub mod silence;
pub mod source;
pub mod target;
pub mod text;

use serde::{Deserialize, Serialize};

pub use cluster::ClusterId;
pub use command::Command;
pub use effect::{EditRequest, Effect, Handover, LogRequest, Report, StreamStart, WorkloadLogRequest};
pub use kinds::{PodKey, PodMap, Scope, WorkloadKind};
pub use registry::ActionId;
pub use resource::{ApiKind, ObjectRef};
pub use source::SourceId;
pub use target::Target;

/// Milliseconds since the Unix epoch. Simulated time in the demo, wall time otherwise.
pub type UnixMs = i64;

/// How much attention something needs; panes map it to a theme role.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Ok,
    Muted,
    Accent,
    Warn,
    Crit,
}

impl Level {
    /// The symbol beside a row, so a level reads without colour too.
    pub fn symbol(self) -> &'static str {
        match self {
            Level::Ok => "●",
            Level::Muted => "○",
            Level::Accent => "◆",
            Level::Warn => "▲",
            Level::Crit => "✖",
        }
    }

    /// The level in a word, for badges and plain-text output.
    pub fn word(self) -> &'static str {
        match self {
            Level::Ok => "ok",
            Level::Muted => "—",
            Level::Accent => "busy",
            Level::Warn => "warn",
            Level::Crit => "crit",
        }
    }
}

/// The six panes, in the order of their number keys.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PaneId {
    #[default]
    Infrastructure,
    ArgoCd,
    Pods,
    Scaling,
    Alerts,
    Cost,
}

impl PaneId {
    pub const ALL: [PaneId; 6] =
        [PaneId::Infrastructure, PaneId::ArgoCd, PaneId::Pods, PaneId::Scaling, PaneId::Alerts, PaneId::Cost];

    pub fn index(self) -> usize {
        self as usize
    }

    pub fn from_index(i: usize) -> Option<PaneId> {
        PaneId::ALL.get(i).copied()
    }

    pub fn title(self) -> &'static str {
        match self {
            PaneId::Infrastructure => "Infrastructure",
            PaneId::ArgoCd => "Argo CD",
            PaneId::Pods => "Pods",
            PaneId::Scaling => "Scaling",
            PaneId::Alerts => "Alerts",
            PaneId::Cost => "Cost",
        }
    }

    /// The name used on the command line (`--pane argocd`).
    pub fn slug(self) -> &'static str {
        match self {
            PaneId::Infrastructure => "infrastructure",
            PaneId::ArgoCd => "argocd",
            PaneId::Pods => "pods",
            PaneId::Scaling => "scaling",
            PaneId::Alerts => "alerts",
            PaneId::Cost => "cost",
        }
    }

    pub fn from_slug(s: &str) -> Option<PaneId> {
        PaneId::ALL.into_iter().find(|p| p.slug() == s)
    }
}
