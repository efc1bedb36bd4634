//! What the user is looking at: overview or one pane, focus, selection per pane, the open
//! overlay and the status line. Changed by commands from keys and by action results.

use super::silence_form::SilenceForm;
use super::{ActionOutcome, Level, PaneId, UnixMs};
use crate::domain::registry::{self, ActionId};
use crate::domain::{ClusterId, Target};

/// What the Alerts pane lists.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum AlertsView {
    #[default]
    List,
    /// One row per alertname.
    Grouped,
    Silences,
}

/// What the Pods pane lists.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PodsView {
    #[default]
    Pods,
    /// Deployments, StatefulSets and DaemonSets with their rollout state.
    Workloads,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Mode {
    #[default]
    Overview,
    Full(PaneId),
    /// Every problem across the panes, ranked, with what links to it.
    Triage,
    /// One pod up close: describe, YAML or a container's logs (see `view.pod`).
    Pod(pod::PodScreen),
    /// A `:KIND` list of any kind the cluster serves (see `view.resources`).
    Resources,
    /// One object of any kind up close (see `view.object`).
    Object(object::ObjectScreen),
    /// The port-forwards (`:pf`).
    Forwards,
    /// A user command's output (see `view.output`).
    Output,
    /// One row per watched cluster, worst first; Enter opens one.
    Fleet,
    /// What changed and what broke, newest first; around a problem when opened from triage.
    Timeline,
}

/// An action waiting for the user's yes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pending {
    pub action: ActionId,
    pub target: Target,
    /// The cluster of the row it was asked on, as the rows carry it: what is looked up.
    pub cluster: ClusterId,
    pub context: String,
    pub destructive: bool,
}

/// A value being typed for an action (a replica count, an HPA's min and max).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValuePrompt {
    pub action: ActionId,
    /// What the value applies to, and its cluster.
    pub target: Target,
    pub cluster: ClusterId,
    pub context: String,
    /// What to type, e.g. "replicas" or "min max".
    pub hint: String,
    pub text: String,
    /// Why the last Enter was not accepted.
    pub error: Option<String>,
}

impl Pending {
    /// What the dialog calls the action.
    pub fn title(&self) -> &'static str {
        registry::spec(self.action).title
    }
}

impl ValuePrompt {
    pub fn title(&self) -> &'static str {
        registry::spec(self.action).title
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Overlay {
    #[default]
    None,
    Help,
    Confirm(Pending),
    /// A line being typed: a `:` command, a `/` filter, or a target's name to confirm.
    Prompt(Prompt),
    Silence(Box<SilenceForm>),
    /// A value an action needs (replicas, an HPA's min and max) being typed.
    Value(ValuePrompt),
    /// An entry to pick (a revision to roll back to) before the confirmation.
    Pick(object::Picker),
}

/// What a prompt's line is for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PromptKind {
    Command,
    Filter,
    /// In a production context: type the target's name to confirm this action.
    TypeName(Pending),
    /// One letter: the column to sort the pane by.
    Sort,
}

/// A line being typed, with the completion picked by Tab and the history entry shown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Prompt {
    pub kind: PromptKind,
    pub text: String,
    /// What was typed before Tab started putting completions in.
    pub typed: String,
    /// Which completion Tab last put in, to cycle on.
    pub choice: Option<usize>,
    /// Which history entry Up/Down last showed (0 = newest).
    pub history_pos: Option<usize>,
}

impl Prompt {
    pub fn new(kind: PromptKind, text: impl Into<String>) -> Prompt {
        Prompt { kind, text: text.into(), typed: String::new(), choice: None, history_pos: None }
    }
}

/// Commands typed at `:` kept for Up/Down, newest last.
pub const HISTORY_KEPT: usize = 50;

#[derive(Clone, Debug, PartialEq)]
pub struct StatusLine {
    pub at: UnixMs,
    pub text: String,
    pub level: Level,
    /// Wall time: a sped-up demo clock must not cut the time a person has to read it.
    pub shown: std::time::Instant,
}

/// How long a status message stays (ms of wall time).
pub const STATUS_TTL_MS: i64 = 8_000;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct View {
    pub mode: Mode,
    pub focus: PaneId,
    /// Each pane's selected row; set only through `selection::select` and the moves there, so
    /// it and its anchor never disagree.
    selected: [usize; 6],
    /// The identity of each pane's selected row, so the selection follows its row when the
    /// order changes (a fixed app moves down the tree; the cursor goes with it, as in k9s).
    anchor: [Option<RowKey>; 6],
    /// The triage view's selected row and its identity (a problem's key).
    triage_selected: usize,
    triage_anchor: Option<String>,
    /// The triage view's `/` filter.
    pub triage_filter: Option<String>,
    /// The problems above the triage selection when the user last chose it (None: take what
    /// is there now), so one that lands above it later is said ("1 new critical above").
    triage_seen_above: Option<std::collections::BTreeSet<String>>,
    /// The cluster selected on the fleet screen (its row follows it when the order changes).
    pub fleet_cursor: Option<crate::domain::ClusterId>,
    pub overlay: Overlay,
    /// The first help line shown; the app keeps it within the help's length on the screen.
    pub help_scroll: usize,
    /// How many help lines the screen shows at once (a page for PgDn), set by the app.
    pub help_page: usize,
    pub status: Option<StatusLine>,
    /// Commands run from the palette, oldest first.
    pub history: Vec<String>,
    /// Each pane's `/` filter.
    pub filters: [Option<String>; 6],
    /// Each pane's sort: the column's letter, and whether reversed.
    pub sorts: [Option<(char, bool)>; 6],
    /// The namespace `:ns` narrowed the panes to; None for all.
    pub namespace: Option<String>,
    /// The cluster opened from the fleet (`:ctx NAME`); None shows every cluster.
    pub cluster: Option<crate::domain::ClusterId>,
    /// A context `:ctx` asked for that the sources have not switched to yet.
    pub requested_context: Option<String>,
    pub alerts_view: AlertsView,
    pub pods_view: PodsView,
    /// The row the other Pods view was on, to go back to it.
    pods_other_anchor: Option<RowKey>,
    /// What the full Argo CD pane's detail area shows, and how far its text is scrolled.
    pub app_detail: AppDetail,
    /// The pod open in the detail or log view.
    pub pod: Option<pod::PodView>,
    /// The `:KIND` list open.
    pub resources: Option<object::ResourcesView>,
    /// The object open up close.
    pub object: Option<object::ObjectView>,
    /// A background command's output.
    pub output: Option<object::OutputView>,
    /// The selected port-forward in `:pf`.
    pub forward_selected: usize,
    /// The last stream id handed out (pod watches, log streams).
    pub next_stream: u64,
    /// The timeline view: its focus, filter and selection.
    pub timeline: timeline::TimelineView,
}

/// The tabs of an Argo CD app's detail area.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum AppTab {
    #[default]
    Resources,
    /// What a sync would do: each resource's diff of live against desired.
    Diff,
    /// The live tree (ReplicaSets, Pods …) from the Argo CD server.
    Tree,
    History,
    Yaml,
}

impl AppTab {
    pub const ALL: [AppTab; 5] =
        [AppTab::Resources, AppTab::Diff, AppTab::Tree, AppTab::History, AppTab::Yaml];

    pub fn label(self) -> &'static str {
        match self {
            AppTab::Resources => "Resources",
            AppTab::Diff => "Diff",
            AppTab::Tree => "Tree",
            AppTab::History => "History",
            AppTab::Yaml => "YAML",
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AppDetail {
    pub tab: AppTab,
    /// Lines scrolled past; the pane clamps it to what there is.
    pub scroll: usize,
}

impl View {
    /// The pane keys act on: the full-screen one, else the focused one.
    pub fn active_pane(&self) -> PaneId {
        match self.mode {
            Mode::Full(p) => p,
            Mode::Pod(_) | Mode::Resources | Mode::Object(_) | Mode::Forwards | Mode::Output => PaneId::Pods,
            Mode::Overview | Mode::Triage | Mode::Fleet | Mode::Timeline => self.focus,
        }
    }

    /// Whether the screen shows objects of any kind (a `:KIND` list or one object), where
    /// actions act on what is selected there rather than on a pane's row.
    pub fn on_objects(&self) -> bool {
        matches!(self.mode, Mode::Resources | Mode::Object(_))
    }

    pub fn filter_text(&self, pane: PaneId) -> Option<&str> {
        self.filters[pane.index()].as_deref()
    }

    /// The filter of what is shown: the triage view's, or the active pane's.
    pub fn current_filter(&self) -> Option<&str> {
        match self.mode {
            Mode::Triage => self.triage_filter.as_deref(),
            Mode::Timeline => self.timeline.filter.as_deref(),
            Mode::Pod(_) => self.pod.as_ref().and_then(|p| p.search.as_deref()),
            Mode::Resources => self.resources.as_ref().and_then(|r| r.filter.as_deref()),
            Mode::Object(_) => self.object.as_ref().and_then(|o| o.search.as_deref()),
            _ => self.filter_text(self.active_pane()),
        }
    }

    pub fn set_current_filter(&mut self, filter: Option<String>) {
        match self.mode {
            Mode::Triage => {
                if self.triage_filter != filter {
                    self.triage_filter = filter;
                    self.reset_triage();
                }
            }
            Mode::Timeline => self.timeline.set_filter(filter),
            // In a pod's screens `/` searches the text; nothing is filtered out.
            Mode::Pod(_) => {
                if let Some(p) = &mut self.pod {
                    p.search = filter;
                    p.text_match = None;
                    if let Some(l) = &mut p.logs {
                        l.current_match = None;
                    }
                }
            }
            Mode::Resources => {
                if let Some(r) = &mut self.resources
                    && r.filter != filter
                {
                    r.filter = filter;
                    r.selected = 0;
                    r.anchor = None;
                }
            }
            Mode::Object(_) => {
                if let Some(o) = &mut self.object {
                    o.search = filter;
                    o.text_match = None;
                    if let Some(l) = &mut o.logs {
                        l.current_match = None;
                    }
                }
            }
            _ => self.set_filter(self.active_pane(), filter),
        }
    }

    /// Set or clear a pane's filter; the selection goes back to the first row.
    pub fn set_filter(&mut self, pane: PaneId, filter: Option<String>) {
        if self.filters[pane.index()] != filter {
            self.filters[pane.index()] = filter;
            self.reset_selection(pane);
        }
    }

    pub fn selected(&self, pane: PaneId) -> usize {
        self.selected[pane.index()]
    }

    /// The triage view's selected row.
    pub fn triage_selected(&self) -> usize {
        self.triage_selected
    }

    /// Back to a pane's first row, following nothing (a new filter, sort, list or context).
    pub fn reset_selection(&mut self, pane: PaneId) {
        self.selected[pane.index()] = 0;
        self.anchor[pane.index()] = None;
    }

    /// Back to triage's first (worst) row.
    pub fn reset_triage(&mut self) {
        self.triage_selected = 0;
        self.triage_anchor = None;
        self.triage_seen_above = None;
    }

    pub fn clamp_selection(&mut self, rows: &[usize; 6]) {
        for (sel, n) in self.selected.iter_mut().zip(rows) {
            *sel = (*sel).min(n.saturating_sub(1));
        }
    }

    pub fn say(&mut self, at: UnixMs, text: impl Into<String>, level: Level) {
        self.status = Some(StatusLine { at, text: text.into(), level, shown: std::time::Instant::now() });
    }

    pub fn report_outcome(&mut self, at: UnixMs, o: &ActionOutcome) {
        match &o.result {
            Ok(msg) => self.say(at, format!("{} {}: {msg}", o.action, o.target), Level::Ok),
            Err(e) => self.say(at, format!("{} {} failed: {e}", o.action, o.target), Level::Crit),
        }
    }

    /// The status message while fresh, aged in wall time: the demo's clock may run faster.
    pub fn status(&self) -> Option<&StatusLine> {
        let ttl = std::time::Duration::from_millis(STATUS_TTL_MS as u64);
        self.status.as_ref().filter(|s| s.shown.elapsed() < ttl)
    }
}

pub mod object;
pub mod pod;
mod selection;
pub mod timeline;
pub use selection::*;
