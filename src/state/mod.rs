//! The store: plain data per domain plus per-source health, changed only by [`update`].
//! The app loop owns it; sources send messages, panes read `&State`. No locks, no I/O here.

pub mod alerts;
mod apply;
pub mod argocd;
pub mod cost;
pub mod fleet;
pub mod fleet_summary;
pub mod forwards;
pub mod handoff;
pub mod health;
pub mod infra;
pub mod logs;
pub mod object_messages;
pub mod object_text;
pub mod object_view;
pub mod pod_detail;
pub mod pod_text;
pub mod pod_view;
pub mod pods;
pub mod resource_rows;
pub mod resources;
pub mod rows;
pub mod scaling;
pub mod silence_form;
pub mod silences;
pub mod sync_plan;
pub mod timeline;
pub mod triage;
pub mod view;
pub mod workloads;

use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;

use serde::Serialize;

use crate::domain::{ClusterId, SourceId};
pub use crate::domain::{Level, PaneId, UnixMs};
pub use health::{SourceHealth, SourceState};
use view::Mode;
pub use view::View;

/// What a source delivers. Owned data: the source keeps nothing the store can see.
#[derive(Clone, Debug)]
pub enum Data {
    Clusters(Vec<infra::Cluster>),
    Nodes(Vec<infra::Node>),
    Metrics(Vec<infra::MetricSeries>),
    Apps(Vec<argocd::ArgoApp>),
    PodsReplace {
        pods: Vec<Arc<pods::Pod>>,
        metrics_available: bool,
    },
    /// A page of a cluster's first pod list: its rows, how many are listed so far, and about how
    /// many remain (the server's estimate). The first page starts the cluster's rows afresh; the
    /// end of the list follows as `PodsListed`.
    PodsLoading {
        pods: Vec<Arc<pods::Pod>>,
        listed: usize,
        remaining: Option<u64>,
    },
    /// A list is whole: the rows that are new or changed since what the store holds, the rows
    /// gone, and whether metrics.k8s.io is served. What the store holds then is the list, with
    /// no replacement of rows that did not change (at 100,000 pods that was a stall).
    PodsListed {
        pods: Vec<Arc<pods::Pod>>,
        gone: Vec<crate::domain::PodKey>,
        metrics_available: bool,
    },
    /// Rows of a list's end sent ahead of its `PodsListed`, which has the last of them: a list
    /// whose end changes tens of thousands of rows is sent in pieces, so the console's loop,
    /// which applies a message whole, lets a key in between. Not yet the source's data (the
    /// list is whole only with its `PodsListed`).
    PodsListedPart(Vec<Arc<pods::Pod>>),
    /// Shared with the source, which keeps the same row to compare the next change with.
    PodUpsert(Arc<pods::Pod>),
    /// Rows that changed together (owners after a ReplicaSet change).
    PodRows(Vec<Arc<pods::Pod>>),
    /// Rows whose CPU and memory changed, and nothing else (a metrics poll): at 100,000 pods
    /// most rows every 30 s, so triage, which does not read usage, is not rebuilt for them.
    PodUsage(Vec<Arc<pods::Pod>>),
    PodDelete(crate::domain::PodKey),
    /// The metrics readings fail (the rows keep the last good one's usage), or, `None`, they
    /// succeed again. Not the pods' data: their source stays as it was.
    PodUsageStale(Option<pods::StaleUsage>),
    Hpas(Vec<scaling::Hpa>),
    /// Every Deployment, StatefulSet and DaemonSet in scope.
    Workloads(Vec<workloads::Workload>),
    /// Every Deployment revision the cluster keeps (its ReplicaSets): the rollouts.
    Revisions(Vec<workloads::Revision>),
    /// CloudWatch alarms' state changes since the last delivery, from their own history.
    AlarmHistory(Vec<alerts::AlarmChange>),
    /// The full set of alerts from this source; other sources' alerts are kept.
    Alerts(Vec<alerts::Alert>),
    /// One Alertmanager poll: its alerts and silences together, so the alerts never name
    /// silences the store has not seen yet.
    Alertmanager {
        alerts: Vec<alerts::Alert>,
        silences: Vec<silences::Silence>,
    },
    /// Recent cluster events, newest last; replaces the previous list from this source.
    Events(Vec<pods::ClusterEvent>),
    Cost(cost::CostReport),
}

/// The result of an action, reported back by the executor.
#[derive(Clone, Debug, PartialEq)]
pub struct ActionOutcome {
    /// The cluster acted on (empty: none, or the one there is).
    pub cluster: ClusterId,
    pub action: String,
    pub target: String,
    pub result: Result<String, String>,
}

#[derive(Clone, Debug)]
pub enum Message {
    /// A source announces itself: its interval (for staleness) and the panes it feeds.
    Register {
        source: SourceId,
        interval_ms: i64,
        feeds: Vec<PaneId>,
    },
    Disabled {
        source: SourceId,
        feeds: Vec<PaneId>,
        reason: String,
    },
    /// A source that no longer exists, e.g. a namespace the user may read again, whose
    /// refusal had a source of its own.
    Unregister {
        source: SourceId,
    },
    Data {
        source: SourceId,
        at: UnixMs,
        data: Data,
    },
    Failed {
        source: SourceId,
        at: UnixMs,
        error: String,
    },
    /// The source is healthy again (a poll succeeded, a watch reopened and held, an event or a
    /// bookmark arrived): its error clears, whether or not data follows.
    Healthy {
        source: SourceId,
    },
    ActionDone {
        at: UnixMs,
        outcome: ActionOutcome,
    },
    /// From a stream the open pod view started (its watch, its logs).
    Pod(pod_view::PodUpdate),
    /// The kinds the cluster serves, or why discovery failed.
    Catalog(Result<Vec<resources::KindEntry>, String>),
    /// From the open `:KIND` list's stream.
    Table {
        stream: u64,
        update: resources::TableUpdate,
    },
    /// From the open object's streams (its watch, a workload's merged log).
    Object(object_view::ObjectUpdate),
    /// What a rollback can go back to, for the picker asked for `subject`.
    RolloutHistory {
        subject: crate::domain::Target,
        result: Result<Vec<crate::state::view::object::PickEntry>, String>,
    },
    /// The ports a pod or Service offers, for the port-forward prompt asked for `subject`.
    Ports {
        subject: crate::domain::Target,
        cluster: crate::domain::ClusterId,
        result: Result<Vec<(u16, String)>, String>,
    },
    /// A port-forward's news.
    Forward(forwards::ForwardUpdate),
    /// A background command's output and end.
    Output {
        stream: u64,
        lines: Vec<String>,
        exit: Option<Result<i32, String>>,
    },
    /// The server refused an edit: the editor reopens with its answer (the app loop does it).
    EditRefused(Box<crate::domain::EditRequest>),
    /// One app's resource tree, read from the Argo CD server when its Tree tab opened.
    AppTree {
        cluster: ClusterId,
        app: String,
        nodes: Vec<argocd::TreeNode>,
    },
    /// What a sync of one app would do, read when its sync dialog or Diff tab opened.
    SyncPlan {
        app: String,
        cluster: ClusterId,
        plan: Result<sync_plan::SyncPlan, String>,
    },
    /// From the local history's task: what it read back, or why it is off.
    History(HistoryEvent),
    /// A line for the status line from the app loop's own work (a report written).
    Note {
        at: UnixMs,
        text: String,
        level: Level,
    },
    Tick(UnixMs),
}

/// What the local history reports to the store.
#[derive(Clone, Debug)]
pub enum HistoryEvent {
    /// Entries kept from earlier runs, for the timeline.
    Loaded(Vec<timeline::Entry>),
    /// Recording into this file.
    Open(String),
    /// The history is off, and why (a corrupt or locked file); the console runs without it.
    Failed(String),
}

impl Message {
    /// The source a message is from or about, if it has one.
    pub fn source_mut(&mut self) -> Option<&mut SourceId> {
        match self {
            Message::Register { source, .. }
            | Message::Disabled { source, .. }
            | Message::Unregister { source }
            | Message::Data { source, .. }
            | Message::Failed { source, .. }
            | Message::Healthy { source } => Some(source),
            Message::ActionDone { .. }
            | Message::Pod(_)
            | Message::AppTree { .. }
            | Message::SyncPlan { .. }
            | Message::History(_)
            | Message::Note { .. }
            | Message::Catalog(_)
            | Message::Table { .. }
            | Message::Object(_)
            | Message::RolloutHistory { .. }
            | Message::Ports { .. }
            | Message::Forward(_)
            | Message::Output { .. }
            | Message::EditRefused(_)
            | Message::Tick(_) => None,
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct SourceEntry {
    #[serde(flatten)]
    pub health: SourceHealth,
    pub feeds: Vec<PaneId>,
}

/// Maximum events kept; older ones fall off.
pub const EVENTS_KEPT: usize = 200;

#[derive(Clone, Debug, Default)]
pub struct State {
    pub now: UnixMs,
    /// The Kubernetes context the panes show ("all clusters" when a fleet shows every one).
    pub context: String,
    /// No cluster shown may be changed: actions are hidden.
    pub readonly: bool,
    /// A cluster shown is production: banner and red borders. An action asks its own
    /// cluster's (`production_of`).
    pub production: bool,
    /// The clusters watched, with each one's safety; empty before the app sets it.
    pub fleet: Vec<fleet::ClusterInfo>,
    /// Every context of the kubeconfig (KUBECONFIG's files merged, as kubectl does), for `:ctx`
    /// completion; read by the app at start and after each switch.
    pub kube_contexts: Vec<String>,
    /// The alert label that names an alert's cluster (`[alerts] cluster_label`).
    pub cluster_label: String,
    /// Who acts: named in silences as `createdBy` (config `[alerts] created_by`, else $USER).
    pub user: String,
    pub sources: BTreeMap<SourceId, SourceEntry>,
    pub infra: infra::Infrastructure,
    pub argocd: argocd::ArgoCd,
    pub pods: pods::Pods,
    pub scaling: scaling::Scaling,
    /// Worst first.
    pub workloads: Vec<workloads::Workload>,
    pub alerts: alerts::Alerts,
    pub cost: cost::Cost,
    pub events: VecDeque<pods::ClusterEvent>,
    /// What the open pod view's streams delivered (empty when none is open).
    pub pod_data: pod_view::PodData,
    /// The kinds discovery found, for `:KIND`.
    pub catalog: resources::Catalog,
    /// The open `:KIND` list's columns and rows.
    pub resources: resources::ResourceList,
    /// What the open object's streams delivered.
    pub object_data: object_view::ObjectData,
    /// The port-forwards running, stopped or failed.
    pub forwards: forwards::Forwards,
    /// The output of the background command shown.
    pub output: logs::LogBuffer,
    /// How the background command ended: its exit code, or why it could not run.
    pub output_exit: Option<Result<i32, String>>,
    /// Every problem ranked and linked; derived after a batch that changed the data.
    pub triage: triage::Triage,
    /// A message arrived since triage was last derived (keys alone do not change it).
    pub triage_stale: bool,
    /// When triage was last derived and what that cost: over a big store it waits its turn.
    pub triage_clock: triage::Clock,
    /// What changed and what broke, from every source, newest last.
    pub timeline: timeline::Timeline,
    /// Where the local history is recorded, or why it is not.
    pub history: Option<Result<String, String>>,
    pub view: View,
}

/// Apply one message. Returns whether anything visible changed, so the loop can skip a redraw.
pub fn update(state: &mut State, msg: Message) -> bool {
    let msg = match msg {
        // Not a pane's data: the pod view's messages leave triage as it is.
        Message::Pod(u) => return pod_view::apply(state, u),
        Message::Catalog(_)
        | Message::Table { .. }
        | Message::Object(_)
        | Message::RolloutHistory { .. }
        | Message::Ports { .. }
        | Message::Forward(_)
        | Message::Output { .. }
        | Message::EditRefused(_) => return object_messages::apply(state, msg),
        m => m,
    };
    // The clock changes triage only where a source turns stale (below): rebuilding it every
    // second cost 38 ms of each second's CPU at 50k pods. A source already healthy saying so
    // changes nothing either.
    // Nor do rows that change only in usage, or HPAs sent again unchanged for their history
    // (apply_data marks triage if they changed): at 100,000 pods a rebuild is some 45 ms.
    if !matches!(
        msg,
        Message::Tick(_)
            | Message::Healthy { .. }
            | Message::Data { data: Data::PodUsage(_) | Data::PodUsageStale(_) | Data::Hpas(_), .. }
    ) {
        state.triage_stale = true;
    }
    match msg {
        Message::Register { source, interval_ms, feeds } => {
            state.sources.insert(source, SourceEntry { health: SourceHealth::new(interval_ms), feeds });
            true
        }
        Message::Disabled { source, feeds, reason } => {
            state.sources.insert(source, SourceEntry { health: SourceHealth::disabled(reason), feeds });
            true
        }
        Message::Unregister { source } => state.sources.remove(&source).is_some(),
        Message::Failed { source, at, error } => {
            source_entry(state, &source).health.failed(at, error);
            true
        }
        Message::Healthy { source } => {
            let cleared = source_entry(state, &source).health.healthy();
            state.triage_stale |= cleared;
            cleared
        }
        Message::Data { source, at, data } => {
            // A page of a first list, a piece of a list's end, the ReplicaSets' revisions or the
            // metrics' trouble (which the pods source sends too), is not yet the source's data:
            // `status` waits for the whole list.
            if !matches!(
                data,
                Data::PodsLoading { .. }
                    | Data::PodsListedPart(_)
                    | Data::Revisions(_)
                    | Data::PodUsageStale(_)
            ) {
                let health = &mut source_entry(state, &source).health;
                let stale = health.stale_since();
                health.delivered(at);
                // A polled source's delivery dates its rows anew: triage lists stale ones.
                state.triage_stale |= health.stale_since() != stale;
            }
            // Every row is stamped with the cluster of the source that delivered it, and a
            // source replaces only its own cluster's rows: one way for every kind. A source of
            // no cluster (an Alertmanager, an AWS account) belongs to the one cluster there is.
            let cluster = source.cluster.clone().or_else(|| state.sole_cluster()).unwrap_or_default();
            let alerts = matches!(data, Data::Alerts(_) | Data::Alertmanager { .. });
            timeline::observe_delivery(state, &cluster, at, &data);
            apply::apply_data(state, &source, (&cluster, at), data);
            if alerts {
                timeline::observe_alerts(state, &cluster, at);
            }
            true
        }
        Message::ActionDone { at, outcome } => {
            state.view.report_outcome(at, &outcome);
            if let Some(d) = timeline::action(&outcome, at) {
                let cluster = timeline::cluster_of(state, &outcome.cluster);
                state.timeline.add(&cluster, vec![d]);
            }
            true
        }
        Message::Pod(u) => pod_view::apply(state, u),
        m @ (Message::Catalog(_)
        | Message::Table { .. }
        | Message::Object(_)
        | Message::RolloutHistory { .. }
        | Message::Ports { .. }
        | Message::Forward(_)
        | Message::Output { .. }
        | Message::EditRefused(_)) => object_messages::apply(state, m),
        Message::AppTree { cluster, app, nodes } => {
            state.argocd.trees.insert((cluster, app), nodes);
            true
        }
        Message::SyncPlan { app, cluster, plan } => {
            state.argocd.plans.insert((cluster, app), plan);
            true
        }
        Message::History(h) => {
            apply_history(state, h);
            true
        }
        Message::Note { at, text, level } => {
            state.view.say(at, text, level);
            true
        }
        Message::Tick(now) => {
            let before = state.sources.values().map(|e| e.health.state(state.now));
            let turned = before.ne(state.sources.values().map(|e| e.health.state(now)));
            state.triage_stale |= turned;
            state.now = now;
            true
        }
    }
}

fn apply_history(state: &mut State, h: HistoryEvent) {
    match h {
        HistoryEvent::Loaded(entries) => state.timeline.restore(entries),
        HistoryEvent::Open(path) => state.history = Some(Ok(path)),
        HistoryEvent::Failed(why) => {
            state.view.say(state.now, format!("history off: {why}"), Level::Warn);
            state.history = Some(Err(why));
        }
    }
}

fn source_entry<'a>(state: &'a mut State, source: &SourceId) -> &'a mut SourceEntry {
    // A source that never registered still gets health tracking rather than being ignored.
    state
        .sources
        .entry(source.clone())
        .or_insert_with(|| SourceEntry { health: SourceHealth::new(0), feeds: Vec::new() })
}

impl State {
    pub fn new(context: impl Into<String>, now: UnixMs) -> Self {
        State { context: context.into(), now, cluster_label: "cluster".into(), ..State::default() }
    }

    /// Recompute derived orderings after a batch of messages, before drawing.
    pub fn finish_batch(&mut self) {
        self.finish(true);
    }

    /// The same for a frame a key or a click asked for: over a big store triage is left to the
    /// next frame of data or of the clock (within a second), so a key never waits for it (at
    /// 100,000 pods some 45 ms). Triage shows what it showed; a small store rebuilds it at once.
    pub fn finish_input(&mut self) {
        self.finish(!triage::Clock::big(self.pods.len()));
    }

    fn finish(&mut self, triage: bool) {
        self.settle_pod_view();
        self.settle_object_views();
        self.pods.refresh_order();
        if triage && self.triage_stale && self.triage_clock.due(self.pods.len()) {
            let started = std::time::Instant::now();
            self.triage = triage::build(self);
            self.triage_clock.built(started);
            self.triage_stale = false;
        }
        view::follow_selection(self);
        view::timeline::follow(self);
    }

    /// Forget everything from one Kubernetes context before showing another: its sources, pods,
    /// nodes, HPAs with their history and events, and the selections in those panes.
    pub fn switch_kubernetes(&mut self, context: impl Into<String>) {
        self.context = context.into();
        self.sources.retain(|id, _| !id.kind.is_kube());
        self.pods = pods::Pods::default();
        self.infra.nodes.clear();
        self.scaling = scaling::Scaling::default();
        self.workloads.clear();
        self.events.clear();
        self.timeline.forget_kubernetes();
        // The open pod belongs to the old context; its streams stop with the view.
        if self.view.pod.take().is_some() {
            self.view.mode = Mode::Full(PaneId::Pods);
        }
        self.pod_data = pod_view::PodData::default();
        // Lists and objects of the old context, and what its discovery found.
        self.catalog = resources::Catalog::default();
        if matches!(self.view.mode, Mode::Resources | Mode::Object(_)) {
            self.view.mode = Mode::Full(PaneId::Pods);
        }
        self.view.resources = None;
        self.view.object = None;
        self.resources = resources::ResourceList::default();
        self.object_data = object_view::ObjectData::default();
        for pane in [PaneId::Infrastructure, PaneId::Pods, PaneId::Scaling] {
            self.view.reset_selection(pane);
        }
    }

    /// The sources that feed a pane.
    pub fn sources_for(&self, pane: PaneId) -> impl Iterator<Item = (&SourceId, &SourceEntry)> {
        // The clusters shown only: an opened cluster's panes answer for it alone.
        self.sources.iter().filter(move |(id, e)| {
            e.feeds.contains(&pane) && id.cluster.as_ref().is_none_or(|c| self.shows(c))
        })
    }

    /// The worst state among a pane's sources, and when it last had data.
    pub fn pane_freshness(&self, pane: PaneId) -> Freshness {
        let mut out = Freshness { state: None, updated_at: None, error: None };
        for (id, e) in self.sources_for(pane) {
            let st = e.health.state(self.now);
            // A source that is off is no health problem: a pane with one live source is live.
            let rank = |s: SourceState| match s {
                SourceState::Disabled => 0,
                SourceState::Ok => 1,
                SourceState::Pending => 2,
                SourceState::Stale => 3,
                SourceState::Error => 4,
            };
            if out.state.is_none_or(|cur| rank(st) > rank(cur)) {
                out.state = Some(st);
                out.error =
                    e.health.last_error.as_ref().map(|err| format!("{}: {err}", self.source_label(id)));
            }
            // A healthy watch is quiet when nothing changes: its last event says nothing of
            // freshness. A failing one's rows date from its first failure.
            if let Some(t) = e.health.stale_since() {
                out.updated_at = Some(out.updated_at.map_or(t, |u: UnixMs| u.min(t)));
            }
        }
        out
    }

    /// The pane's colour: its data's worst level, raised by a failing source.
    pub fn pane_level(&self, pane: PaneId) -> Level {
        let data = match pane {
            PaneId::Infrastructure => {
                let clusters = self.infra.clusters.iter().map(infra::Cluster::level);
                let nodes = self.infra.nodes.iter().map(infra::Node::level);
                let metrics = self.infra.metrics.iter().map(infra::MetricSeries::level);
                clusters.chain(nodes).chain(metrics).max()
            }
            PaneId::ArgoCd => self.argocd.apps.iter().map(argocd::ArgoApp::level).max(),
            PaneId::Pods => self.pods.worst(),
            PaneId::Scaling => self.scaling.hpas.iter().map(scaling::Hpa::level).max(),
            PaneId::Alerts => {
                self.alerts.items.iter().map(alerts::Alert::level).filter(|l| *l != Level::Muted).max()
            }
            PaneId::Cost => self.cost.report.as_ref().map(cost::CostReport::level),
        };
        let source = match self.pane_freshness(pane).state {
            Some(SourceState::Error) => Level::Crit,
            Some(SourceState::Stale) => Level::Warn,
            Some(SourceState::Pending) | Some(SourceState::Disabled) | None => Level::Muted,
            Some(SourceState::Ok) => Level::Ok,
        };
        // Accent (something moving) is not a health problem for the border.
        let data = data.map(|l| if l == Level::Accent { Level::Ok } else { l });
        data.unwrap_or(Level::Muted).max(source)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Freshness {
    /// None when no source feeds the pane.
    pub state: Option<SourceState>,
    /// How old the oldest data is: a polled source's last success, a failing watch's first
    /// failure (healthy watches are live, not dated).
    pub updated_at: Option<UnixMs>,
    pub error: Option<String>,
}

#[cfg(test)]
mod tests;
