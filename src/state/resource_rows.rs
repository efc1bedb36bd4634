//! The rows a `:KIND` list shows: its rows narrowed by its `/` filter and `:ns`, reordered by
//! its sort (a server column's letter), and the selection kept on its row as rows change.
//! Screen, keys and actions read rows through here, so row `i` is the same thing everywhere.

use super::State;
use super::resources::{TableRow, sort_letters};
use super::rows::Filter;

/// The list's rows as shown.
pub fn rows(state: &State) -> Vec<&TableRow> {
    let Some(view) = &state.view.resources else { return Vec::new() };
    let list = &state.resources;
    let filter = view.filter.as_deref().and_then(Filter::parse);
    let ns = state.view.namespace.as_deref();
    let names: Vec<String> = list.columns.iter().map(|c| c.name.to_lowercase()).collect();
    let mut out: Vec<&TableRow> = list
        .rows
        .values()
        .filter(|r| ns.is_none_or(|ns| r.namespace.as_deref().is_none_or(|n| n == ns)))
        .filter(|r| {
            filter.as_ref().is_none_or(|f| {
                let mut fields: Vec<(&str, &str)> = vec![("name", &r.name)];
                if let Some(n) = &r.namespace {
                    fields.push(("namespace", n));
                }
                fields.extend(names.iter().map(String::as_str).zip(r.cells.iter().map(String::as_str)));
                f.matches(&fields)
            })
        })
        .collect();
    if let Some((letter, rev)) = view.sort
        && let Some((_, col)) = sort_letters(&list.columns).into_iter().find(|(l, _)| *l == letter)
    {
        out.sort_by(|a, b| {
            let o = list
                .sort_key(a, col)
                .partial_cmp(&list.sort_key(b, col))
                .unwrap_or(std::cmp::Ordering::Equal);
            if rev { o.reverse() } else { o }
        });
    }
    out
}

/// The selected row.
pub fn selected(state: &State) -> Option<&TableRow> {
    let i = state.view.resources.as_ref()?.selected;
    rows(state).get(i).copied()
}

/// Move the selection by `delta` rows, clamped, and anchor it to its row.
pub fn move_selection(state: &mut State, delta: isize) {
    let shown = rows(state);
    let n = shown.len();
    let Some(view) = &state.view.resources else { return };
    let next = (view.selected as isize).saturating_add(delta).clamp(0, n.saturating_sub(1) as isize) as usize;
    let anchor = shown.get(next).map(|r| r.id());
    if let Some(v) = &mut state.view.resources {
        v.selected = next;
        v.anchor = anchor;
    }
}

/// After rows changed: the selection follows its row, else stays in range.
pub fn follow_selection(state: &mut State) {
    let Some(view) = &state.view.resources else { return };
    let shown = rows(state);
    let at = view.anchor.as_ref().and_then(|a| shown.iter().position(|r| &r.id() == a));
    let selected = at.unwrap_or(view.selected).min(shown.len().saturating_sub(1));
    let anchor = shown.get(selected).map(|r| r.id());
    if let Some(v) = &mut state.view.resources {
        v.selected = selected;
        v.anchor = anchor;
    }
}

/// "restarts ↓" for the frame, when the list is sorted.
pub fn sort_label(state: &State) -> Option<String> {
    let (letter, rev) = state.view.resources.as_ref()?.sort?;
    let (_, col) = sort_letters(&state.resources.columns).into_iter().find(|(l, _)| *l == letter)?;
    let name = state.resources.columns.get(col)?.name.to_lowercase();
    Some(format!("{name} {}", if rev { "↓" } else { "↑" }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ApiKind;
    use crate::state::resources::{Column, ColumnType, TableUpdate};

    fn list() -> State {
        let mut s = State::new("c", 0);
        let stream = s.open_resources(ApiKind::new("", "v1", "Pod", "pods", true), None);
        let col = |n: &str, kind| Column { name: n.into(), kind, priority: 0 };
        let cols = vec![
            col("Name", ColumnType::Text),
            col("Restarts", ColumnType::Integer),
            col("Age", ColumnType::Text),
        ];
        let row = |ns: &str, n: &str, r: &str, t| TableRow {
            namespace: Some(ns.into()),
            name: n.into(),
            cells: vec![n.into(), r.into(), "1m".into()],
            created: Some(t),
        };
        let rows =
            vec![row("a", "web-1", "3 (2m ago)", 10), row("a", "web-2", "0", 30), row("b", "db-0", "12", 20)];
        for u in [TableUpdate::Columns(cols), TableUpdate::Page { rows, first: true }, TableUpdate::Listed] {
            crate::state::update(&mut s, crate::state::Message::Table { stream, update: u });
        }
        s
    }

    fn names(s: &State) -> Vec<&str> {
        rows(s).iter().map(|r| r.name.as_str()).collect()
    }

    #[test]
    fn filter_by_text_or_column_and_sort_by_letter() {
        let mut s = list();
        assert_eq!(names(&s), ["web-1", "web-2", "db-0"]);
        s.view.resources.as_mut().unwrap().sort = Some(('r', true));
        assert_eq!(names(&s), ["db-0", "web-1", "web-2"], "restarts as numbers, most first");
        s.view.resources.as_mut().unwrap().sort = Some(('a', false));
        assert_eq!(names(&s), ["web-2", "db-0", "web-1"], "age: newest first");
        s.view.resources.as_mut().unwrap().filter = Some("ns=a".into());
        assert_eq!(rows(&s).len(), 2);
        s.view.resources.as_mut().unwrap().filter = Some("!web".into());
        assert_eq!(names(&s), ["db-0"]);
    }

    #[test]
    fn the_selection_follows_its_row() {
        let mut s = list();
        move_selection(&mut s, 1);
        assert_eq!(selected(&s).unwrap().name, "web-2");
        s.view.resources.as_mut().unwrap().sort = Some(('r', true));
        follow_selection(&mut s);
        assert_eq!(selected(&s).unwrap().name, "web-2");
        assert_eq!(sort_label(&s).as_deref(), Some("restarts ↓"));
    }
}
