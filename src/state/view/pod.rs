//! Where the user is in the open pod: which pod and screen (describe, YAML, logs), the scroll,
//! the search and the log view's options. View state only; the data is in `pod_view::PodData`.

use crate::domain::{LogRequest, PodKey};

/// Lines asked for when a log view opens (`tailLines`), as k9s's default tail.
pub const TAIL_LINES: i64 = 1_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PodScreen {
    Describe,
    Yaml,
    Logs,
}

/// What the user looks at of one pod. Lives in the view; the data is in [`PodData`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PodView {
    pub key: PodKey,
    /// The id of the stream watching this pod and its events.
    pub detail_stream: u64,
    /// First line shown in the describe or YAML screen.
    pub scroll: usize,
    pub logs: Option<LogsView>,
    /// The `/` search over the screen's text (describe, YAML or logs).
    pub search: Option<String>,
    /// The describe or YAML line `n` / `N` last went to.
    pub text_match: Option<u64>,
    /// Where Esc goes from the describe screen: the Pods pane, or the list or object it was
    /// opened from.
    pub origin: super::Mode,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogsView {
    pub stream: u64,
    pub container: String,
    pub previous: bool,
    pub follow: bool,
    pub timestamps: bool,
    pub wrap: bool,
    pub anchor: LogAnchor,
    /// The match `n` / `N` last went to, counted like the anchor's lines.
    pub current_match: Option<u64>,
}

/// Which part of the log is in view. Lines are counted from the stream's first line, so lines
/// dropped from the ring do not move what the user is reading.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogAnchor {
    /// The newest lines, following new ones as they arrive (autoscroll).
    Tail,
    /// This line at the top of the view.
    Top(u64),
    /// This line at the bottom (scrolling up from the tail, where the view's height is not
    /// known to the keys).
    Bottom(u64),
}

impl LogsView {
    pub fn new(container: String, previous: bool) -> LogsView {
        LogsView {
            stream: 0,
            container,
            previous,
            follow: true,
            timestamps: false,
            wrap: false,
            anchor: LogAnchor::Tail,
            current_match: None,
        }
    }
}

impl LogsView {
    pub fn request(&self, key: &PodKey) -> LogRequest {
        LogRequest {
            key: key.clone(),
            container: self.container.clone(),
            // A previous container has ended: there is nothing to follow.
            follow: self.follow && !self.previous,
            previous: self.previous,
            timestamps: self.timestamps,
            tail_lines: TAIL_LINES,
        }
    }
}
