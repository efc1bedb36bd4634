//! The store's side of the views of any object: applying the messages of the `:KIND` list, the
//! object view, a rollback's picker, port-forwards and background commands; opening those
//! views (each with a new stream id) and letting them go when the user leaves. No I/O here.

use super::logs::LogBuffer;
use super::object_view::ObjectData;
use super::pod_view::LogState;
use super::resources::{Catalog, ResourceList};
use super::view::object::{ObjectScreen, ObjectView, OutputView, ResourcesView};
use super::view::pod::{LogAnchor, LogsView};
use super::view::{Mode, Overlay};
use super::{Level, Message, PaneId, State};
use crate::domain::{ApiKind, ClusterId, ObjectRef, Target, WorkloadLogRequest};

/// The stream ids the object views want running.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ViewStreams {
    pub table: Option<u64>,
    pub object: Option<u64>,
    pub object_logs: Option<u64>,
    pub output: Option<u64>,
}

pub fn apply(state: &mut State, msg: Message) -> bool {
    match msg {
        Message::Catalog(Ok(kinds)) => {
            state.catalog = Catalog { kinds, loaded: true, error: None };
            true
        }
        Message::Catalog(Err(e)) => {
            state.catalog.loaded = true;
            state.catalog.error = Some(e);
            true
        }
        Message::Table { stream, update } => {
            if state.view.resources.as_ref().map(|r| r.stream) != Some(stream) {
                return false;
            }
            state.resources.apply(update)
        }
        Message::Object(u) => {
            let ids = state.object_streams();
            state.object_data.apply(ids, u)
        }
        Message::RolloutHistory { subject, result } => {
            let Overlay::Pick(p) = &mut state.view.overlay else { return false };
            if p.subject != subject {
                return false;
            }
            p.loading = false;
            match result {
                Ok(entries) => p.entries = entries,
                Err(e) => p.error = Some(e),
            }
            // The newest that can be picked: usually the one before what runs now.
            p.selected = p.entries.iter().position(|e| e.choice.is_some()).unwrap_or(0);
            true
        }
        Message::Ports { subject, cluster, result } => {
            match result {
                Ok(ports) => ports_prompt(state, subject, cluster, ports),
                Err(e) => state.view.say(
                    state.now,
                    format!("Port-forward {}: {e}", subject.describe()),
                    Level::Crit,
                ),
            }
            true
        }
        Message::Forward(u) => state.forwards.apply(u),
        Message::Output { stream, lines, exit } => {
            if state.view.output.as_ref().map(|o| o.stream) != Some(stream) {
                return false;
            }
            for l in &lines {
                state.output.push(l);
            }
            if exit.is_some() {
                state.output_exit = exit;
            }
            true
        }
        Message::EditRefused(req) => {
            let why = req.error.clone().unwrap_or_default();
            let msg = format!("Edit {} refused: {why} (the editor opens again)", req.object.describe());
            state.view.say(state.now, msg, Level::Warn);
            true
        }
        _ => false,
    }
}

/// The ports arrived: the prompt for LOCAL:REMOTE opens, offering them (the first prefilled).
fn ports_prompt(state: &mut State, subject: Target, cluster: ClusterId, ports: Vec<(u16, String)>) {
    let offered: Vec<String> =
        ports.iter().map(|(p, n)| if n.is_empty() { p.to_string() } else { format!("{p} ({n})") }).collect();
    let hint = match offered.is_empty() {
        true => "local:remote (no port is declared)".to_string(),
        false => format!("local:remote · ports: {}", offered.join(", ")),
    };
    let text = ports.first().map(|(p, _)| format!("{p}:{p}")).unwrap_or_default();
    state.view.overlay = Overlay::Value(super::view::ValuePrompt {
        action: crate::domain::registry::ActionId::PortForward,
        target: subject,
        context: state.context_for(&cluster),
        cluster,
        hint,
        text,
        error: None,
    });
}

impl State {
    /// Open the `:KIND` list of `kind` (in `namespace`, or every one); returns its stream.
    pub fn open_resources(&mut self, kind: ApiKind, namespace: Option<String>) -> u64 {
        let stream = self.next_stream();
        let namespace = namespace.filter(|_| kind.namespaced);
        let cluster = self.console_cluster();
        self.view.resources = Some(ResourcesView {
            kind,
            cluster,
            namespace,
            stream,
            selected: 0,
            anchor: None,
            filter: None,
            sort: None,
        });
        self.resources = ResourceList::default();
        self.view.object = None;
        self.view.overlay = Overlay::None;
        self.view.mode = Mode::Resources;
        stream
    }

    /// Open `object` up close from where the user is (Esc comes back here); its stream, or
    /// None when it is open already.
    /// What an action on a row of `cluster` names as its context: its cluster, or what is
    /// shown for a row of no cluster.
    pub fn context_for(&self, cluster: &ClusterId) -> String {
        if cluster.is_empty() { self.context.clone() } else { cluster.to_string() }
    }

    /// The cluster `:KIND` lists: the one opened, or the only one there is.
    pub fn console_cluster(&self) -> ClusterId {
        self.view.cluster.clone().or_else(|| self.sole_cluster()).unwrap_or_default()
    }

    pub fn open_object(&mut self, object: ObjectRef, cluster: ClusterId) -> Option<u64> {
        if let Some(o) = &mut self.view.object
            && o.object == object
            && o.cluster == cluster
        {
            o.cursor = 0;
            self.view.mode = Mode::Object(ObjectScreen::Describe);
            return None;
        }
        let origin = match self.view.mode {
            Mode::Object(_) | Mode::Pod(_) => {
                self.view.object.as_ref().map_or(Mode::Full(PaneId::Pods), |o| o.origin)
            }
            m => m,
        };
        let stream = self.next_stream();
        self.view.object = Some(ObjectView::new(object, cluster, stream, origin));
        self.object_data = ObjectData::default();
        self.view.mode = Mode::Object(ObjectScreen::Describe);
        Some(stream)
    }

    /// Open an object the open one links to; Esc steps back to the open one.
    pub fn follow_link(&mut self, object: ObjectRef) -> Option<u64> {
        let from = self.view.object.as_ref().map(|o| (o.object.clone(), o.trail.clone(), o.origin));
        let cluster = self.view.object.as_ref().map_or_else(|| self.console_cluster(), |o| o.cluster.clone());
        let stream = self.next_stream();
        let (here, mut trail, origin) =
            from.unwrap_or((object.clone(), Vec::new(), Mode::Full(PaneId::Pods)));
        trail.push(here);
        let mut view = ObjectView::new(object, cluster, stream, origin);
        view.trail = trail;
        self.view.object = Some(view);
        self.object_data = ObjectData::default();
        self.view.mode = Mode::Object(ObjectScreen::Describe);
        Some(stream)
    }

    /// Esc from an object: the one it was reached from (a new stream), else where it came from.
    pub fn object_back(&mut self) -> Option<u64> {
        let o = self.view.object.as_mut()?;
        match o.trail.pop() {
            Some(prev) => {
                let (trail, origin, cluster) = (std::mem::take(&mut o.trail), o.origin, o.cluster.clone());
                let stream = self.next_stream();
                let mut view = ObjectView::new(prev, cluster, stream, origin);
                view.trail = trail;
                self.view.object = Some(view);
                self.object_data = ObjectData::default();
                Some(stream)
            }
            None => {
                self.view.mode = o.origin;
                None
            }
        }
    }

    /// Start (or restart) the open workload's merged log with `logs`' settings.
    pub fn open_object_logs(&mut self, mut logs: LogsView) -> Option<(u64, WorkloadLogRequest)> {
        let stream = self.next_stream();
        let o = self.view.object.as_mut()?;
        logs.stream = stream;
        logs.anchor = LogAnchor::Tail;
        logs.current_match = None;
        let request = WorkloadLogRequest {
            workload: o.object.clone(),
            cluster: o.cluster.clone(),
            follow: logs.follow,
            timestamps: logs.timestamps,
            tail_lines: crate::state::view::pod::TAIL_LINES / 10,
        };
        o.logs = Some(logs);
        self.view.mode = Mode::Object(ObjectScreen::Logs);
        self.object_data.reset_logs();
        Some((stream, request))
    }

    /// Show a background command's output as it comes.
    pub fn open_output(&mut self, name: String, line: String) -> u64 {
        let stream = self.next_stream();
        let origin = self.view.mode;
        self.view.output = Some(OutputView { stream, name, line, scroll: None, origin });
        self.output = LogBuffer::default();
        self.output_exit = None;
        self.view.mode = Mode::Output;
        stream
    }

    /// Let the object views go when the user has left them: the list stays while the user is
    /// in it or in an object or pod opened from it; the object while open or under a pod
    /// opened from it; a workload's log only on its screen.
    pub fn settle_object_views(&mut self) {
        let mode = self.view.mode;
        let pod_origin = self.view.pod.as_ref().map(|p| p.origin);
        let keep_object = matches!(mode, Mode::Object(_))
            || (matches!(mode, Mode::Pod(_)) && matches!(pod_origin, Some(Mode::Object(_))));
        if !keep_object && self.view.object.take().is_some() {
            self.object_data = ObjectData::default();
        }
        if mode == Mode::Object(ObjectScreen::Describe)
            && let Some(o) = &mut self.view.object
            && o.logs.take().is_some()
        {
            self.object_data.reset_logs();
            self.object_data.log_state = LogState::Connecting;
        }
        let from_list = self.view.object.as_ref().is_some_and(|o| o.origin == Mode::Resources)
            || pod_origin == Some(Mode::Resources);
        let keep_list =
            mode == Mode::Resources || (matches!(mode, Mode::Object(_) | Mode::Pod(_)) && from_list);
        if !keep_list && self.view.resources.take().is_some() {
            self.resources = ResourceList::default();
        }
        if mode != Mode::Output && self.view.output.take().is_some() {
            self.output = LogBuffer::default();
        }
        if matches!(mode, Mode::Object(_)) && self.view.object.is_none() {
            self.view.mode = Mode::Full(PaneId::Pods);
        }
        if mode == Mode::Resources && self.view.resources.is_none() {
            self.view.mode = Mode::Full(PaneId::Pods);
        }
        super::resource_rows::follow_selection(self);
    }

    /// The open object's stream and its merged log's.
    pub fn object_streams(&self) -> (Option<u64>, Option<u64>) {
        let o = self.view.object.as_ref();
        (o.map(|o| o.stream), o.and_then(|o| o.logs.as_ref()).map(|l| l.stream))
    }

    pub fn wanted_view_streams(&self) -> ViewStreams {
        let (object, object_logs) = self.object_streams();
        ViewStreams {
            table: self.view.resources.as_ref().map(|r| r.stream),
            object,
            object_logs,
            output: self.view.output.as_ref().map(|o| o.stream),
        }
    }

    /// Whether the logs on screen are a workload's merged ones (else a pod's container's).
    fn merged_logs(&self) -> bool {
        matches!(self.view.mode, Mode::Object(_))
    }

    /// The log view on screen: a pod container's, or a workload's merged one.
    pub fn logs_view(&self) -> Option<&LogsView> {
        if self.merged_logs() {
            self.view.object.as_ref()?.logs.as_ref()
        } else {
            self.view.pod.as_ref()?.logs.as_ref()
        }
    }

    pub fn logs_view_mut(&mut self) -> Option<&mut LogsView> {
        if self.merged_logs() {
            self.view.object.as_mut()?.logs.as_mut()
        } else {
            self.view.pod.as_mut()?.logs.as_mut()
        }
    }

    /// The lines of the log on screen.
    pub fn log_buffer(&self) -> &LogBuffer {
        if self.merged_logs() { &self.object_data.logs } else { &self.pod_data.logs }
    }

    pub fn log_state(&self) -> &LogState {
        if self.merged_logs() { &self.object_data.log_state } else { &self.pod_data.log_state }
    }

    /// A merged log line's source label (its pod), by the line's tag; None for a pod's own log.
    pub fn log_source(&self, tag: u16) -> Option<&str> {
        self.merged_logs().then(|| self.object_data.sources.get(tag as usize).map(String::as_str)).flatten()
    }

    pub fn set_log_state(&mut self, st: LogState) {
        if self.merged_logs() {
            self.object_data.log_state = st;
        } else {
            self.pod_data.log_state = st;
        }
    }

    /// The search of what is on screen (a pod's text, an object's), parsed.
    pub fn screen_search(&self) -> Option<super::logs::Search> {
        if self.merged_logs() { self.object_search() } else { self.pod_search() }
    }

    /// (Re)start the log on screen with `view`'s settings: the stream to start.
    pub fn restart_logs(&mut self, view: LogsView) -> Option<crate::domain::StreamStart> {
        use crate::domain::StreamStart;
        if self.merged_logs() {
            let (stream, request) = self.open_object_logs(view)?;
            Some(StreamStart::WorkloadLogs { stream, request })
        } else {
            let (stream, request) = self.open_logs(view)?;
            Some(StreamStart::Logs { stream, request })
        }
    }

    /// The open object's search, parsed.
    pub fn object_search(&self) -> Option<super::logs::Search> {
        self.view.object.as_ref()?.search.as_deref().and_then(super::logs::Search::new)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::resources::{TableRow, TableUpdate};

    fn svc() -> ApiKind {
        ApiKind::new("", "v1", "Service", "services", true)
    }

    #[test]
    fn a_list_keeps_only_its_own_streams_rows_and_goes_when_left() {
        let mut s = State::new("c", 0);
        let stream = s.open_resources(svc(), None);
        let row =
            TableRow { namespace: Some("ns".into()), name: "cart".into(), cells: vec![], created: None };
        let page = |first| TableUpdate::Page { rows: vec![row.clone()], first };
        assert!(!update(&mut s, Message::Table { stream: stream + 1, update: page(true) }));
        assert!(update(&mut s, Message::Table { stream, update: page(true) }));
        assert_eq!(s.resources.rows.len(), 1);
        // An object opened from the list keeps the list; leaving for a pane drops both.
        let o = ObjectRef::new(svc(), Some("ns".into()), "cart");
        s.open_object(o, Default::default()).unwrap();
        s.finish_batch();
        assert!(s.view.resources.is_some());
        assert_eq!(s.object_back(), None);
        assert_eq!(s.view.mode, Mode::Resources);
        s.view.mode = Mode::Full(PaneId::Pods);
        s.finish_batch();
        assert_eq!(s.wanted_view_streams(), ViewStreams::default());
    }

    fn update(s: &mut State, m: Message) -> bool {
        crate::state::update(s, m)
    }

    #[test]
    fn links_are_a_trail_esc_walks_back() {
        let mut s = State::new("c", 0);
        s.view.mode = Mode::Full(PaneId::Pods);
        let d = ObjectRef::new(
            ApiKind::of_workload(crate::domain::WorkloadKind::Deployment),
            Some("ns".into()),
            "cart",
        );
        let rs = ObjectRef::new(
            ApiKind::new("apps", "v1", "ReplicaSet", "replicasets", true),
            Some("ns".into()),
            "cart-1",
        );
        s.open_object(d.clone(), Default::default()).unwrap();
        s.follow_link(rs).unwrap();
        assert_eq!(s.view.object.as_ref().unwrap().trail, std::slice::from_ref(&d));
        assert!(s.object_back().is_some());
        assert_eq!(s.view.object.as_ref().unwrap().object, d);
        assert_eq!(s.object_back(), None);
        assert_eq!(s.view.mode, Mode::Full(PaneId::Pods));
    }
}
