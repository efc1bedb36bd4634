//! Tables and selectable row lists the panes share: picking columns for the width, drawing a
//! window of rows with its selection, and widths from content. Holds no pane's columns; never reorders rows.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::widgets::{Cell, Row, Table, TableState};

use super::widgets::window_start;
use crate::config::{Theme, theme::Role};

/// A table column: id, header, width, how far it may grow into spare space, priority (0 = keep).
#[derive(Clone, Copy, Debug)]
pub struct Spec<C>(pub C, pub &'static str, pub u16, pub u16, pub u8);

/// The specs with a CLUSTER column at `at` when more than one cluster is shown (rows of every
/// cluster side by side); as they are when one is.
pub fn with_cluster<C: Copy>(
    specs: &[Spec<C>],
    state: &crate::state::State,
    col: C,
    at: usize,
) -> Vec<Spec<C>> {
    let mut out = specs.to_vec();
    if state.shows_many() {
        out.insert(at.min(out.len()), Spec(col, "CLUSTER", 10, 18, 0));
    }
    out
}

/// A column `pick` kept: id, header, width.
pub type Picked<C> = (C, &'static str, u16);

/// Keep the columns that fit by priority, in display order; spare width is shared out a cell
/// at a time so no one column swallows it.
pub fn pick<C: Copy + PartialEq>(specs: &[Spec<C>], avail: u16) -> Vec<Picked<C>> {
    let mut by_prio: Vec<&Spec<C>> = specs.iter().collect();
    by_prio.sort_by_key(|s| s.4);
    let mut keep: Vec<C> = Vec::new();
    let mut used = 0u16;
    for s in by_prio {
        let need = s.2 + u16::from(used > 0);
        if used + need <= avail {
            keep.push(s.0);
            used += need;
        }
    }
    let mut out: Vec<(C, &'static str, u16, u16)> =
        specs.iter().filter(|s| keep.contains(&s.0)).map(|s| (s.0, s.1, s.2, s.3)).collect();
    let mut spare = avail.saturating_sub(used);
    while spare > 0 {
        let before = spare;
        for c in out.iter_mut().filter(|c| c.2 < c.3) {
            if spare > 0 {
                c.2 += 1;
                spare -= 1;
            }
        }
        if spare == before {
            break;
        }
    }
    out.into_iter().map(|(c, h, w, _)| (c, h, w)).collect()
}

/// `pick` with column `col` at least `min` wide (names cut short all look alike), before the
/// optional columns; unless that would cost the `needed` column, then `col` keeps its own width.
pub fn pick_widened<C: Copy + PartialEq>(
    specs: &[Spec<C>],
    avail: u16,
    col: C,
    min: u16,
    needed: C,
) -> Vec<Picked<C>> {
    let widened: Vec<Spec<C>> = specs
        .iter()
        .map(|s| if s.0 == col { Spec(s.0, s.1, s.2.max(min), s.3.max(min), s.4) } else { *s })
        .collect();
    let cols = pick(&widened, avail);
    if cols.iter().any(|c| c.0 == needed) { cols } else { pick(specs, avail) }
}

/// The rows of a table that fit its area: which of the pane's rows are shown, and which is selected.
#[derive(Clone, Copy, Debug)]
pub struct Window {
    /// A header line above the rows.
    pub header: bool,
    /// Lines for rows below the header.
    pub rows: usize,
    /// The selection, within the rows there are.
    pub selected: usize,
    /// The first and one past the last row shown.
    pub start: usize,
    pub end: usize,
    /// Whether the selection is drawn (the user is moving through the rows).
    pub highlight: bool,
}

impl Window {
    /// The window over `len` rows in `area` that keeps `selected` visible.
    pub fn new(area: Rect, header: bool, len: usize, selected: usize, highlight: bool) -> Self {
        let rows = area.height.saturating_sub(u16::from(header)) as usize;
        let selected = selected.min(len.saturating_sub(1));
        let start = window_start(selected, len, rows);
        Window { header, rows, selected, start, end: len.min(start + rows), highlight }
    }
}

/// Draw `rows`, each with its index in the pane's selection order, as a table of `cols`. The
/// selected row takes the selection style, and its neutral text the selection colour.
pub fn draw<'a, C>(
    f: &mut Frame,
    area: Rect,
    theme: &Theme,
    cols: &[Picked<C>],
    rows: impl IntoIterator<Item = (usize, Row<'a>)>,
    win: Window,
) {
    let selection = theme.style(Role::Selection);
    let rows = rows
        .into_iter()
        .map(|(i, row)| if win.highlight && i == win.selected { row.style(selection) } else { row });
    let widths: Vec<Constraint> = cols.iter().map(|c| Constraint::Length(c.2)).collect();
    let mut table = Table::new(rows, widths).column_spacing(1);
    if win.header {
        table = table.header(Row::new(cols.iter().map(|c| Cell::from(c.1))).style(theme.style(Role::Header)));
    }
    f.render_widget(table, area);
    if win.highlight && (win.start..win.start + win.rows).contains(&win.selected) {
        let y = area.y + u16::from(win.header) + (win.selected - win.start) as u16;
        restyle_selected(f, Rect { y, height: 1, ..area }, theme);
    }
}

/// Plain, muted and accent text would vanish on the selection background: on the selected row
/// they take the selection's colour. A level colour (ok, warn, crit) keeps its colour where it
/// still reads on the selection at WCAG AA (`config::contrast`); where it would not (red on the
/// default theme's cyan) it takes the selection's colour too, in bold, and its symbol (✖ ▲ ●)
/// still says the level. A reversed selection (the terminal theme) reads its colours swapped.
pub fn restyle_selected(f: &mut Frame, row: Rect, theme: &Theme) {
    let selection = theme.style(Role::Selection);
    let fg = selection.fg.unwrap_or(Color::Reset);
    let neutral = [Role::Text, Role::Muted, Role::Accent, Role::Bar].map(|r| theme.style(r).fg);
    let row = row.intersection(f.area());
    let buf = f.buffer_mut();
    for x in row.left()..row.right() {
        let cell = &mut buf[(x, row.y)];
        if neutral.contains(&Some(cell.fg)) {
            cell.set_fg(fg);
        } else if !theme.readable(cell.fg, cell.bg, cell.modifier.contains(Modifier::REVERSED)) {
            cell.set_fg(fg);
            cell.modifier.insert(Modifier::BOLD);
        }
    }
}

/// Render a table (with a one-line header) whose first row is row `start` of the pane's list;
/// when `highlight`, the selected row is marked as in `draw`: the selection background, level
/// colours kept, neutral text in the selection colour. One selection look for every pane.
pub fn draw_stateful(
    f: &mut Frame,
    area: Rect,
    theme: &Theme,
    table: Table,
    start: usize,
    selected: usize,
    highlight: bool,
) {
    let table = table.row_highlight_style(row_selection(theme));
    let mut state = TableState::default();
    if highlight && selected >= start {
        state.select(Some(selected - start));
    }
    f.render_stateful_widget(table, area, &mut state);
    if highlight && selected >= start {
        let y = area.y + 1 + (selected - start) as u16;
        if y < area.bottom() {
            restyle_selected(f, Rect { y, height: 1, ..area }, theme);
        }
    }
}

/// The selection style without its text colour, so level colours show through it.
fn row_selection(theme: &Theme) -> Style {
    Style { fg: None, ..theme.style(Role::Selection) }
}

/// The part of `items` that fits `rows` lines with `selected` visible: its first index and the slice.
pub fn visible<T>(items: &[T], selected: usize, rows: usize) -> (usize, &[T]) {
    let start = window_start(selected, items.len(), rows);
    (start, &items[start..(start + rows).min(items.len())])
}

/// Mark the selected line of a plain list drawn in `area` from row `start` (`shown` lines),
/// the same way tables mark theirs.
pub fn mark_selected_line(
    f: &mut Frame,
    area: Rect,
    theme: &Theme,
    start: usize,
    shown: usize,
    selected: usize,
) {
    if (start..start + shown).contains(&selected) {
        let y = area.y + (selected - start) as u16;
        let row = Rect { y, height: 1, ..area };
        f.buffer_mut().set_style(row, row_selection(theme));
        restyle_selected(f, row, theme);
    }
}

/// A column's width from its widest content among `items`, within `lo..=hi`.
pub fn content_width<T>(items: &[T], width: impl Fn(&T) -> usize, lo: usize, hi: usize) -> u16 {
    items.iter().map(width).max().unwrap_or(0).clamp(lo, hi) as u16
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone, Copy, Debug, PartialEq)]
    enum C {
        A,
        B,
        D,
    }

    const SPECS: &[Spec<C>] = &[Spec(C::A, "A", 4, 8, 0), Spec(C::B, "B", 6, 6, 2), Spec(C::D, "D", 3, 5, 1)];

    #[test]
    fn pick_keeps_priorities_in_display_order_and_shares_spare_width() {
        // A (4) + D (1+3) fit 9; B (1+6) does not; the spare 1 goes to A.
        assert_eq!(pick(SPECS, 9), [(C::A, "A", 5), (C::D, "D", 3)]);
        // All fit with 4 to spare: A and D grow a cell at a time up to their maxima.
        assert_eq!(pick(SPECS, 19), [(C::A, "A", 6), (C::B, "B", 6), (C::D, "D", 5)]);
        // Priority 0 is kept first, not forced: what does not fit is left out.
        assert_eq!(pick(SPECS, 3), [(C::D, "D", 3)]);
        assert!(pick(SPECS, 2).is_empty());
    }

    #[test]
    fn widening_gives_way_to_the_needed_column() {
        assert_eq!(pick_widened(SPECS, 14, C::A, 10, C::D), [(C::A, "A", 10), (C::D, "D", 3)]);
        assert_eq!(pick_widened(SPECS, 12, C::A, 10, C::D), pick(SPECS, 12));
    }

    #[test]
    fn window_keeps_the_selection_in_view() {
        let w = Window::new(Rect::new(0, 0, 10, 5), true, 100, 50, true);
        assert_eq!((w.rows, w.start, w.end, w.selected), (4, 47, 51, 50));
        let w = Window::new(Rect::new(0, 0, 10, 5), false, 3, 99, false);
        assert_eq!((w.rows, w.start, w.end, w.selected), (5, 0, 3, 2));
        assert_eq!(visible(&[1, 2, 3, 4, 5], 4, 2), (3, &[4, 5][..]));
    }

    /// Each level's colour in a row of its own cells, selected or not, through `draw` and the
    /// stateful table, in every built-in theme: every cell of the selected row reads at WCAG
    /// AA on what it is drawn on; a row not selected keeps its level colours.
    #[test]
    fn the_selected_row_reads_in_every_theme_for_every_level() {
        use crate::state::Level;
        use ratatui::text::Span;
        const LEVELS: [Level; 5] = [Level::Ok, Level::Muted, Level::Accent, Level::Warn, Level::Crit];
        for (name, _) in crate::config::theme::BUILTIN {
            let theme = Theme::builtin(name).unwrap();
            let cols: Vec<Picked<usize>> = (0..LEVELS.len()).map(|i| (i, "L", 6)).collect();
            let row = |_: usize| {
                let cells = LEVELS.iter().map(|l| Cell::from(Span::styled("x▲✖ab", theme.level(*l))));
                Row::new(cells)
            };
            for stateful in [false, true] {
                let mut term = ratatui::Terminal::new(ratatui::backend::TestBackend::new(40, 4)).unwrap();
                term.draw(|f| {
                    let area = f.area();
                    if stateful {
                        let table = Table::new((0..3).map(row), cols.iter().map(|c| Constraint::Length(c.2)))
                            .header(Row::new(["h"]))
                            .column_spacing(1);
                        draw_stateful(f, area, &theme, table, 0, 1, true);
                    } else {
                        let win = Window::new(area, true, 3, 1, true);
                        draw(f, area, &theme, &cols, (0..3).map(|i| (i, row(i))), win);
                    }
                })
                .unwrap();
                let buf = term.backend().buffer();
                for (i, level) in LEVELS.iter().enumerate() {
                    let x = i as u16 * 7;
                    for y in [1, 3] {
                        let cell = &buf[(x, y)];
                        assert_eq!(
                            Some(cell.fg),
                            theme.level(*level).fg,
                            "{name} {level:?}: kept where not selected"
                        );
                    }
                    for dx in 0..5 {
                        let cell = &buf[(x + dx, 2)];
                        let reversed = cell.modifier.contains(Modifier::REVERSED);
                        let (ink, paper) = theme.shown(cell.fg, cell.bg, reversed);
                        let r = crate::config::contrast::ratio(ink, paper);
                        assert!(
                            r >= 4.5,
                            "{name} {level:?} (stateful {stateful}): {ink:?} on {paper:?} is {r:.2}"
                        );
                    }
                }
            }
        }
    }
}
