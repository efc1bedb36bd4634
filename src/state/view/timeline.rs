//! The timeline view's state: whether it is narrowed around a problem (and which), its `/`
//! filter, the selected entry (kept on its entry as new ones arrive on top), and where Esc
//! goes back to. Moves and opening live here; drawing does not.

use super::{Mode, Overlay};
use crate::state::State;
use crate::state::timeline::Entry;
use crate::state::timeline::focus::Focus;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct TimelineView {
    /// Narrowed around a problem, captured when it was opened from triage.
    pub focus: Option<Focus>,
    pub filter: Option<String>,
    selected: usize,
    /// The selected entry's id, so the selection stays on it as newer entries arrive.
    anchor: Option<u64>,
    /// Where Esc goes.
    pub back: Mode,
}

impl TimelineView {
    pub fn selected(&self) -> usize {
        self.selected
    }

    /// A new filter: back to the newest entry.
    pub fn set_filter(&mut self, filter: Option<String>) {
        if self.filter != filter {
            self.filter = filter;
            self.selected = 0;
            self.anchor = None;
        }
    }
}

/// The timeline as shown: newest first, of the clusters shown, narrowed by the focus and the
/// `/` filter.
pub fn rows(state: &State) -> Vec<&Entry> {
    let tv = &state.view.timeline;
    let filter = tv.filter.as_deref().and_then(crate::state::rows::Filter::parse);
    state
        .timeline
        .newest_first()
        .filter(|e| state.shows(&e.cluster))
        .filter(|e| tv.focus.as_ref().is_none_or(|f| f.shows(e)))
        .filter(|e| {
            filter.as_ref().is_none_or(|f| {
                let subject = e.subject.label();
                let ns = e.subject.namespace().unwrap_or("");
                f.matches(&[
                    ("kind", e.kind.label()),
                    ("cluster", e.cluster.as_str()),
                    ("name", &subject),
                    ("namespace", ns),
                    ("what", &e.what),
                ])
            })
        })
        .collect()
}

/// Open the timeline: the whole of it, or around the problem selected in triage.
pub fn open(state: &mut State, focus: Option<Focus>) {
    let back = match state.view.mode {
        Mode::Timeline => state.view.timeline.back,
        m => m,
    };
    state.view.timeline = TimelineView { focus, filter: None, selected: 0, anchor: None, back };
    state.view.mode = Mode::Timeline;
    state.view.overlay = Overlay::None;
    follow(state);
}

/// Move the selection by `step` rows and anchor it to its entry.
pub fn move_by(state: &mut State, step: isize) {
    let rows = rows(state);
    let cur = state.view.timeline.selected as isize;
    let sel = cur.saturating_add(step).clamp(0, rows.len().saturating_sub(1) as isize) as usize;
    let anchor = rows.get(sel).map(|e| e.id());
    state.view.timeline.selected = sel;
    state.view.timeline.anchor = anchor;
}

/// Keep the selection on its entry after the rows changed (only while the view shows).
pub fn follow(state: &mut State) {
    if state.view.mode != Mode::Timeline {
        return;
    }
    let (sel, anchor) = {
        let rows = rows(state);
        let tv = &state.view.timeline;
        let mut sel = tv.selected;
        if let Some(id) = tv.anchor
            && rows.get(sel).is_none_or(|e| e.id() != id)
            && let Some(j) = rows.iter().position(|e| e.id() == id)
        {
            sel = j;
        }
        let sel = sel.min(rows.len().saturating_sub(1));
        (sel, rows.get(sel).map(|e| e.id()))
    };
    state.view.timeline.selected = sel;
    state.view.timeline.anchor = anchor;
}

/// The entry the selection is on.
pub fn selected_entry(state: &State) -> Option<&Entry> {
    rows(state).get(state.view.timeline.selected).copied()
}
