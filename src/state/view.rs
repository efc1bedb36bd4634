//! What the user is looking at: overview or one pane, focus, selection per pane, the open
//! overlay and the status line. Changed by commands from keys and by action results.

use super::silence_form::SilenceForm;
use super::silences::{NewSilence, format_matchers};
use super::{ActionOutcome, Level, PaneId, State, UnixMs};

/// What the Alerts pane lists.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum AlertsView {
    #[default]
    List,
    /// One row per alertname.
    Grouped,
    Silences,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Mode {
    #[default]
    Overview,
    Full(PaneId),
}

/// What an action acts on, captured when the user asks so a reorder cannot change it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    Node(String),
    App(String),
    Pod {
        namespace: String,
        name: String,
    },
    /// A workload, e.g. the owner of the selected pod.
    Workload {
        namespace: String,
        kind: String,
        name: String,
    },
    Hpa {
        namespace: String,
        name: String,
    },
    /// A workload and the replica count the user asked for.
    Scale {
        namespace: String,
        kind: String,
        name: String,
        replicas: u32,
    },
    /// An HPA and the min / max the user asked for.
    HpaLimits {
        namespace: String,
        name: String,
        min: u32,
        max: u32,
    },
    Alert {
        fingerprint: String,
        name: String,
    },
    Silence {
        source: String,
        id: String,
    },
    NewSilence(NewSilence),
    /// The month's bill in Cost Explorer.
    CostData,
}

impl Target {
    /// How the target is named in confirmations, the status line and the audit log.
    pub fn describe(&self) -> String {
        match self {
            Target::Node(n) => format!("node {n}"),
            Target::App(a) => format!("application {a}"),
            Target::Pod { namespace, name } => format!("pod {namespace}/{name}"),
            Target::Workload { namespace, kind, name } => {
                format!("{} {namespace}/{name}", kind.to_lowercase())
            }
            Target::Hpa { namespace, name } => format!("hpa {namespace}/{name}"),
            Target::Scale { namespace, kind, name, replicas } => {
                format!("{} {namespace}/{name} to {replicas} replicas", kind.to_lowercase())
            }
            Target::HpaLimits { namespace, name, min, max } => {
                format!("hpa {namespace}/{name} to min {min} max {max}")
            }
            Target::Alert { name, .. } => format!("alert {name}"),
            Target::Silence { id, .. } => format!("silence {id}"),
            Target::CostData => {
                "the bill from Cost Explorer (2 or more requests at $0.01 each, about $0.02)".to_string()
            }
            Target::NewSilence(n) => {
                let d =
                    humantime::format_duration(std::time::Duration::from_secs(n.duration_ms as u64 / 1000));
                format!("silence of {{{}}} for {d}", format_matchers(&n.matchers))
            }
        }
    }
}

/// An action waiting for the user's yes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pending {
    pub action: String,
    pub title: String,
    pub target: Target,
    pub context: String,
    pub destructive: bool,
}

/// A value being typed for an action (a replica count, an HPA's min and max).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValuePrompt {
    pub action: String,
    pub title: String,
    /// What the value applies to.
    pub target: Target,
    pub context: String,
    /// What to type, e.g. "replicas" or "min max".
    pub hint: String,
    pub text: String,
    /// Why the last Enter was not accepted.
    pub error: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Overlay {
    #[default]
    None,
    Help,
    Confirm(Pending),
    Silence(Box<SilenceForm>),
    /// A value an action needs (replicas, an HPA's min and max) being typed.
    Value(ValuePrompt),
}

#[derive(Clone, Debug, PartialEq)]
pub struct StatusLine {
    pub at: UnixMs,
    pub text: String,
    pub level: Level,
}

/// How long a status message stays (ms).
pub const STATUS_TTL_MS: i64 = 8_000;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct View {
    pub mode: Mode,
    pub focus: PaneId,
    pub selected: [usize; 6],
    /// The identity of each pane's selected row, so the selection follows its row when the
    /// order changes (a fixed app moves down the tree; the cursor goes with it, as in k9s).
    pub anchor: [Option<String>; 6],
    pub overlay: Overlay,
    pub status: Option<StatusLine>,
    pub alerts_view: AlertsView,
}

impl View {
    /// The pane keys act on: the full-screen one, else the focused one.
    pub fn active_pane(&self) -> PaneId {
        match self.mode {
            Mode::Full(p) => p,
            Mode::Overview => self.focus,
        }
    }

    pub fn selected(&self, pane: PaneId) -> usize {
        self.selected[pane.index()]
    }

    pub fn move_selection(&mut self, pane: PaneId, delta: isize, rows: usize) {
        let cur = self.selected[pane.index()] as isize;
        let max = rows.saturating_sub(1) as isize;
        self.selected[pane.index()] = (cur + delta).clamp(0, max.max(0)) as usize;
    }

    pub fn clamp_selection(&mut self, rows: &[usize; 6]) {
        for (sel, n) in self.selected.iter_mut().zip(rows) {
            *sel = (*sel).min(n.saturating_sub(1));
        }
    }

    pub fn say(&mut self, at: UnixMs, text: impl Into<String>, level: Level) {
        self.status = Some(StatusLine { at, text: text.into(), level });
    }

    pub fn report_outcome(&mut self, at: UnixMs, o: &ActionOutcome) {
        match &o.result {
            Ok(msg) => self.say(at, format!("{} {}: {msg}", o.action, o.target), Level::Ok),
            Err(e) => self.say(at, format!("{} {} failed: {e}", o.action, o.target), Level::Crit),
        }
    }

    /// The status message if it is still fresh.
    pub fn status_at(&self, now: UnixMs) -> Option<&StatusLine> {
        self.status.as_ref().filter(|s| now - s.at < STATUS_TTL_MS)
    }
}

/// Selectable rows per pane, in pane order.
pub fn row_counts(state: &State) -> [usize; 6] {
    [
        state.infra.nodes.len(),
        // The tree, not the app list: apps in a parent cycle are not rows.
        state.argocd.tree().len(),
        state.pods.order.len(),
        state.scaling.hpas.len(),
        alert_rows(state),
        state.cost.report.as_ref().map_or(0, |r| r.top_services(8).len()),
    ]
}

fn alert_rows(state: &State) -> usize {
    match state.view.alerts_view {
        AlertsView::List => state.alerts.items.len(),
        AlertsView::Grouped => state.alerts.groups().len(),
        AlertsView::Silences => state.alerts.silences.len(),
    }
}

/// A stable identity for row `i` of a pane.
pub fn row_key(state: &State, pane: PaneId, i: usize) -> Option<String> {
    match pane {
        PaneId::Infrastructure => state.infra.nodes.get(i).map(|n| n.name.clone()),
        PaneId::ArgoCd => state.argocd.tree().get(i).map(|(_, a)| a.name.clone()),
        PaneId::Pods => state.pods.order.get(i).map(|k| k.to_string()),
        PaneId::Scaling => state.scaling.hpas.get(i).map(|h| h.key()),
        PaneId::Alerts => match state.view.alerts_view {
            AlertsView::List => state.alerts.items.get(i).map(|a| a.fingerprint.clone()),
            AlertsView::Grouped => state.alerts.groups().get(i).map(|g| format!("group:{}", g.name)),
            AlertsView::Silences => state.alerts.silences.get(i).map(|s| format!("silence:{}", s.id)),
        },
        PaneId::Cost => {
            state.cost.report.as_ref().and_then(|r| r.top_services(8).into_iter().nth(i).map(|s| s.0))
        }
    }
}

/// Where the row with this identity is now.
fn find_row(state: &State, pane: PaneId, key: &str) -> Option<usize> {
    match pane {
        PaneId::Infrastructure => state.infra.nodes.iter().position(|n| n.name == key),
        PaneId::ArgoCd => state.argocd.tree().iter().position(|(_, a)| a.name == key),
        PaneId::Pods => {
            let (ns, name) = key.split_once('/')?;
            state.pods.order.iter().position(|k| k.namespace == ns && k.name == name)
        }
        PaneId::Scaling => state.scaling.hpas.iter().position(|h| h.key() == key),
        PaneId::Alerts => match state.view.alerts_view {
            AlertsView::List => state.alerts.items.iter().position(|a| a.fingerprint == key),
            AlertsView::Grouped => {
                state.alerts.groups().iter().position(|g| Some(g.name) == key.strip_prefix("group:"))
            }
            AlertsView::Silences => {
                state.alerts.silences.iter().position(|s| Some(s.id.as_str()) == key.strip_prefix("silence:"))
            }
        },
        PaneId::Cost => state.cost.report.as_ref()?.top_services(8).iter().position(|s| s.0 == key),
    }
}

/// After data changed: move each selection to where its row went, clamp, and re-anchor.
pub fn follow_selection(state: &mut State) {
    for pane in PaneId::ALL {
        let i = pane.index();
        if let Some(key) = state.view.anchor[i].clone()
            && row_key(state, pane, state.view.selected[i]).as_deref() != Some(key.as_str())
            && let Some(j) = find_row(state, pane, &key)
        {
            state.view.selected[i] = j;
        }
    }
    state.view.clamp_selection(&row_counts(state));
    for pane in PaneId::ALL {
        state.view.anchor[pane.index()] = row_key(state, pane, state.view.selected(pane));
    }
}

/// What the selected row of a pane is, for actions.
pub fn selected_target(state: &State, pane: PaneId) -> Option<Target> {
    let i = state.view.selected(pane);
    match pane {
        PaneId::Infrastructure => state.infra.nodes.get(i).map(|n| Target::Node(n.name.clone())),
        PaneId::ArgoCd => state.argocd.tree().get(i).map(|(_, a)| Target::App(a.name.clone())),
        PaneId::Pods => {
            let key = state.pods.order.get(i)?;
            Some(Target::Pod { namespace: key.namespace.clone(), name: key.name.clone() })
        }
        PaneId::Scaling => state
            .scaling
            .hpas
            .get(i)
            .map(|h| Target::Hpa { namespace: h.namespace.clone(), name: h.name.clone() }),
        PaneId::Alerts => {
            let a = match state.view.alerts_view {
                AlertsView::List => state.alerts.items.get(i)?,
                AlertsView::Grouped => state.alerts.groups().get(i)?.first(),
                AlertsView::Silences => {
                    let s = state.alerts.silences.get(i)?;
                    return Some(Target::Silence { source: s.source.clone(), id: s.id.clone() });
                }
            };
            Some(Target::Alert { fingerprint: a.fingerprint.clone(), name: a.name.clone() })
        }
        PaneId::Cost => state.cost.report.is_some().then_some(Target::CostData),
    }
}
