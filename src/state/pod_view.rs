//! One pod looked at closely: the data its streams deliver (in the store), how a stream's
//! message is applied, and opening a pod or its logs. Where the user is in it lives in the
//! view (`view::pod`). Streams are tagged with an id so a closed view's late messages drop.

use super::logs::{LogBuffer, Search};
use super::pod_detail::{PodDetail, PodEvents};
use super::view::Mode;
use super::view::pod::{LogAnchor, LogsView, PodScreen, PodView};
use super::{PaneId, State};
use crate::domain::LogRequest;
use crate::domain::PodKey;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum LogState {
    #[default]
    Connecting,
    Streaming,
    /// The server closed the stream (no follow, or the container ended).
    Ended,
    /// The API's own message (a 403 names who cannot read which pod's logs).
    Failed(String),
}

/// What the open pod's streams delivered.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PodData {
    pub detail: Option<PodDetail>,
    pub events: PodEvents,
    /// Why the pod could not be read or watched (kept while older data stays shown).
    pub detail_error: Option<String>,
    /// The pod was deleted while open.
    pub gone: bool,
    pub logs: LogBuffer,
    pub log_state: LogState,
}

/// A message from one of the open pod's streams.
#[derive(Clone, Debug)]
pub enum PodUpdate {
    Detail { stream: u64, detail: Box<PodDetail> },
    Events { stream: u64, events: PodEvents },
    Gone { stream: u64 },
    DetailFailed { stream: u64, error: String },
    LogLines { stream: u64, lines: Vec<String> },
    LogEnded { stream: u64, error: Option<String> },
}

/// Apply a stream's message if it is for what is open now. Returns whether anything changed.
pub fn apply(state: &mut State, update: PodUpdate) -> bool {
    let Some(view) = &state.view.pod else { return false };
    let detail_stream = view.detail_stream;
    let log_stream = view.logs.as_ref().map(|l| l.stream);
    let data = &mut state.pod_data;
    match update {
        PodUpdate::Detail { stream, detail } if stream == detail_stream => {
            // A log opened before the containers were known shows the one it defaulted to.
            if let Some(l) = state.view.pod.as_mut().and_then(|p| p.logs.as_mut())
                && l.container.is_empty()
            {
                l.container = detail.logs_container().unwrap_or_default();
            }
            data.detail = Some(*detail);
            data.detail_error = None;
            data.gone = false;
        }
        PodUpdate::Events { stream, events } if stream == detail_stream => data.events = events,
        PodUpdate::Gone { stream } if stream == detail_stream => data.gone = true,
        PodUpdate::DetailFailed { stream, error } if stream == detail_stream => {
            data.detail_error = Some(error)
        }
        PodUpdate::LogLines { stream, lines } if Some(stream) == log_stream => {
            for l in &lines {
                data.logs.push(l);
            }
            data.log_state = LogState::Streaming;
        }
        PodUpdate::LogEnded { stream, error } if Some(stream) == log_stream => {
            data.log_state = error.map_or(LogState::Ended, LogState::Failed);
        }
        _ => return false,
    }
    true
}

impl State {
    /// A new stream id: results of older streams are recognised and dropped.
    pub fn next_stream(&mut self) -> u64 {
        self.view.next_stream += 1;
        self.view.next_stream
    }

    /// Open `key` on `screen`. Returns the stream to start, or None when that pod is already
    /// open (switching between describe and YAML keeps its stream).
    pub fn open_pod(&mut self, key: PodKey, screen: PodScreen) -> Option<u64> {
        // Opened from a `:KIND` list or an object, Esc goes back there.
        let origin = match self.view.mode {
            m @ (Mode::Resources | Mode::Object(_)) => m,
            Mode::Pod(_) => self.view.pod.as_ref().map_or(Mode::Full(PaneId::Pods), |p| p.origin),
            _ => Mode::Full(PaneId::Pods),
        };
        self.view.mode = Mode::Pod(screen);
        self.view.focus = PaneId::Pods;
        if self.view.pod.as_ref().is_some_and(|p| p.key == key) {
            if let Some(p) = &mut self.view.pod {
                p.scroll = 0;
            }
            return None;
        }
        let stream = self.next_stream();
        self.view.pod = Some(PodView {
            key,
            detail_stream: stream,
            scroll: 0,
            logs: None,
            search: None,
            text_match: None,
            origin,
        });
        self.pod_data = PodData::default();
        Some(stream)
    }

    /// Start (or restart) the log view with `logs`' settings; returns what to stream.
    pub fn open_logs(&mut self, mut logs: LogsView) -> Option<(u64, LogRequest)> {
        let stream = self.next_stream();
        let pod = self.view.pod.as_mut()?;
        logs.stream = stream;
        logs.anchor = LogAnchor::Tail;
        logs.current_match = None;
        let req = logs.request(&pod.key);
        pod.logs = Some(logs);
        self.view.mode = Mode::Pod(PodScreen::Logs);
        self.pod_data.logs = LogBuffer::default();
        self.pod_data.log_state = LogState::Connecting;
        Some((stream, req))
    }

    /// Forget the pod view when the user went elsewhere (another pane, triage, the
    /// overview): the app drops the streams whose ids are no longer in the view.
    pub fn settle_pod_view(&mut self) {
        match self.view.mode {
            Mode::Pod(PodScreen::Logs) => {}
            Mode::Pod(_) => {
                if let Some(p) = &mut self.view.pod
                    && p.logs.take().is_some()
                {
                    self.pod_data.logs = LogBuffer::default();
                    self.pod_data.log_state = LogState::Connecting;
                }
            }
            _ if self.view.pod.is_some() => {
                self.view.pod = None;
                self.pod_data = PodData::default();
            }
            _ => {}
        }
        if matches!(self.view.mode, Mode::Pod(_)) && self.view.pod.is_none() {
            self.view.mode = Mode::Full(PaneId::Pods);
        }
    }

    /// The stream ids the view still wants: the pod's watch and its log stream.
    pub fn wanted_streams(&self) -> (Option<u64>, Option<u64>) {
        let pod = self.view.pod.as_ref();
        (pod.map(|p| p.detail_stream), pod.and_then(|p| p.logs.as_ref()).map(|l| l.stream))
    }

    /// The open pod's search, parsed.
    pub fn pod_search(&self) -> Option<Search> {
        self.view.pod.as_ref()?.search.as_deref().and_then(Search::new)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::SourceId;
    use crate::state::{Data, Message, update};

    #[test]
    fn a_pod_views_message_leaves_a_pending_triage_rebuild_pending() {
        let mut s = State::new("shop-prod", 0);
        s.finish_batch();
        let stream = s.open_pod(PodKey::new("storefront", "cart-1"), PodScreen::Describe).unwrap();
        update(
            &mut s,
            Message::Data {
                source: "kube/events".parse::<SourceId>().unwrap(),
                at: 1,
                data: Data::Events(vec![]),
            },
        );
        assert!(update(&mut s, Message::Pod(PodUpdate::Events { stream, events: vec![] })));
        assert!(s.triage_stale, "the events message still needs triage rebuilt");
        // A message for a stream that is not open changes nothing.
        assert!(!update(&mut s, Message::Pod(PodUpdate::Gone { stream: stream + 1 })));
        assert!(!s.pod_data.gone);
    }

    #[test]
    fn a_context_switch_closes_the_pod_and_its_streams() {
        let mut s = State::new("shop-prod", 0);
        s.open_pod(PodKey::new("storefront", "cart-1"), PodScreen::Describe).unwrap();
        s.open_logs(LogsView::new("cart".into(), false)).unwrap();
        assert_eq!(s.view.mode, Mode::Pod(PodScreen::Logs));
        s.switch_kubernetes("shop-dev");
        s.finish_batch();
        assert_eq!((s.view.mode, s.wanted_streams()), (Mode::Full(PaneId::Pods), (None, None)));
    }
}
