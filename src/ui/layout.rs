//! Where the six panes go: two columns on narrow terminals (80×24), three on wide ones.

use ratatui::layout::{Constraint, Layout, Rect};

use crate::state::PaneId;

/// Terminals at least this wide get three columns.
pub const WIDE: u16 = 120;

pub fn overview(area: Rect) -> Vec<(PaneId, Rect)> {
    let cols = if area.width >= WIDE { 3 } else { 2 };
    let rows = 6 / cols;
    let row_areas = Layout::vertical(vec![Constraint::Ratio(1, rows as u32); rows]).split(area);
    let mut out = Vec::with_capacity(6);
    for (r, row) in row_areas.iter().enumerate() {
        let cells = Layout::horizontal(vec![Constraint::Ratio(1, cols as u32); cols]).split(*row);
        for (c, cell) in cells.iter().enumerate() {
            if let Some(p) = PaneId::from_index(r * cols + c) {
                out.push((p, *cell));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pane_gets_a_cell_at_both_sizes() {
        for (w, h) in [(80, 22), (160, 46), (200, 58)] {
            let cells = overview(Rect::new(0, 0, w, h));
            assert_eq!(cells.len(), 6);
            let area: u32 = cells.iter().map(|(_, r)| r.area()).sum();
            assert_eq!(area, w as u32 * h as u32);
        }
    }
}
