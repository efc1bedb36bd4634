//! The infrastructure pane (placeholder until written).

use ratatui::Frame;
use ratatui::layout::Rect;

use super::PaneCtx;
use crate::state::State;

pub fn summary(_state: &State) -> String {
    String::new()
}

pub fn draw(_f: &mut Frame, _area: Rect, _ctx: &PaneCtx) {}
