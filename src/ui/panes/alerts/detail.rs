//! The selected alert in the full Alerts view: its state and source, summary, links (runbook,
//! generator), every label and annotation. Everything shown is untrusted text and goes through `text::clean`.

use std::collections::BTreeMap;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::{PaneCtx, symbol};
use crate::config::theme::Role;
use crate::domain::format;
use crate::state::alerts::Alert;
use crate::ui::text;

/// Wide enough to give the labels their own column.
const TWO_COLUMNS: u16 = 110;
/// Lines of one multi-line annotation (a long description) before it is cut.
const VALUE_LINES: usize = 6;

pub(super) fn draw(f: &mut Frame, area: Rect, a: &Alert, ctx: &PaneCtx) {
    let mut main = vec![title(a, area.width >= TWO_COLUMNS, ctx)];
    main.extend(value_lines("", &a.summary, ctx.theme.style(Role::Text)));
    main.extend(link_lines(a, ctx));
    main.extend(silence_lines(a, ctx));
    let annotations = map_lines("annotations", &a.annotations, ctx);
    let wrap = Wrap { trim: false };
    if area.width >= TWO_COLUMNS {
        let [left, _, right] =
            Layout::horizontal([Constraint::Percentage(62), Constraint::Length(2), Constraint::Fill(1)])
                .areas(area);
        main.extend(annotations);
        f.render_widget(Paragraph::new(main).wrap(wrap), left);
        f.render_widget(Paragraph::new(map_lines("labels", &a.labels, ctx)).wrap(wrap), right);
        return;
    }
    main.push(inline_labels(&a.labels, ctx));
    main.extend(annotations);
    f.render_widget(Paragraph::new(main).wrap(wrap), area);
}

fn title(a: &Alert, wide: bool, ctx: &PaneCtx) -> Line<'static> {
    let t = ctx.theme;
    let level = t.level(a.level());
    let mut spans = vec![
        Span::styled(format!("{} {} ", symbol(a), a.severity.label()), level),
        Span::styled(text::clean(&a.name).into_owned(), t.style(Role::Title)),
        Span::styled(format!("  {}", a.state.label()), level),
        Span::styled(
            format!(
                " since {} · {}",
                format::age(ctx.state.now, a.since),
                text::clean(&a.source.to_string())
            ),
            t.style(Role::Muted),
        ),
    ];
    // The fingerprint identifies the alert for silences; useful, but not worth a wrapped line.
    if wide && !a.fingerprint.is_empty() {
        spans.push(Span::styled(format!(" · {}", text::fit(&a.fingerprint, 24)), t.style(Role::Muted)));
    }
    Line::from(spans)
}

/// A value that may span lines: one screen line per line of it, control characters made visible.
fn value_lines(key: &str, value: &str, style: ratatui::style::Style) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    let all: Vec<&str> = value.lines().collect();
    for (i, l) in all.iter().take(VALUE_LINES).enumerate() {
        let lead = if i == 0 { key.to_string() } else { " ".repeat(key.chars().count()) };
        out.push(Line::from(vec![Span::raw(lead), Span::styled(text::clean(l).into_owned(), style)]));
    }
    if all.len() > VALUE_LINES {
        out.push(Line::raw(format!(
            "{}… {} more lines",
            " ".repeat(key.chars().count()),
            all.len() - VALUE_LINES
        )));
    }
    out
}

fn is_link(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    k.ends_with("url") || k == "runbook" || k == "dashboard"
}

/// Runbook and generator links first: they are what the on-call engineer opens next.
fn link_lines(a: &Alert, ctx: &PaneCtx) -> Vec<Line<'static>> {
    let t = ctx.theme;
    let generator = a.generator_url.as_ref().map(|u| ("generator", u));
    a.annotations
        .iter()
        .chain(a.labels.iter())
        .filter(|(k, _)| is_link(k))
        .map(|(k, v)| (k.as_str(), v))
        .chain(generator)
        .map(|(k, v)| {
            Line::from(vec![
                Span::styled(format!("{} ", text::clean(k)), t.style(Role::Muted)),
                Span::styled(text::clean(v).into_owned(), t.style(Role::Accent)),
            ])
        })
        .collect()
}

/// The silences that cover the alert, and the other Alertmanagers that report it.
fn silence_lines(a: &Alert, ctx: &PaneCtx) -> Vec<Line<'static>> {
    let t = ctx.theme;
    let mut out = Vec::new();
    for s in ctx.state.alerts.silences_for(a) {
        out.push(Line::from(vec![
            Span::styled("silenced by ", t.style(Role::Muted)),
            Span::styled(text::fit(&s.id, 13), t.style(Role::Accent)),
            Span::styled(
                format!(
                    " until {} ({} left) by {}: {}",
                    format::clock(s.ends_at),
                    format::age(s.ends_at, ctx.state.now),
                    text::clean(&s.created_by),
                    text::clean(&s.comment)
                ),
                t.style(Role::Muted),
            ),
        ]));
    }
    if !a.also_from.is_empty() {
        let also: Vec<String> =
            a.also_from.iter().map(|s| text::clean(&s.to_string()).into_owned()).collect();
        out.push(Line::from(Span::styled(
            format!("also reported by {}", also.join(", ")),
            t.style(Role::Muted),
        )));
    }
    out
}

fn map_lines(what: &str, map: &BTreeMap<String, String>, ctx: &PaneCtx) -> Vec<Line<'static>> {
    let t = ctx.theme;
    let mut out = vec![Line::from(Span::styled(what.to_string(), t.style(Role::Header)))];
    if map.is_empty() {
        out.push(Line::from(Span::styled("  none", t.style(Role::Muted))));
    }
    for (k, v) in map {
        let key = format!("  {}=", text::clean(k));
        let mut lines = value_lines(&key, v, t.style(Role::Text));
        if lines.is_empty() {
            lines.push(Line::raw(key));
        }
        for l in &mut lines {
            if let Some(first) = l.spans.first_mut() {
                first.style = t.style(Role::Muted);
            }
        }
        out.extend(lines);
    }
    out
}

/// Labels as one wrapped run of key=value pairs, for when there is no room for a column.
fn inline_labels(map: &BTreeMap<String, String>, ctx: &PaneCtx) -> Line<'static> {
    let t = ctx.theme;
    let mut spans = vec![Span::styled("labels ", t.style(Role::Header))];
    for (k, v) in map {
        spans.push(Span::styled(format!(" {}=", text::clean(k)), t.style(Role::Muted)));
        spans.push(Span::styled(text::clean(v).into_owned(), t.style(Role::Text)));
    }
    if map.is_empty() {
        spans.push(Span::styled("none", t.style(Role::Muted)));
    }
    Line::from(spans)
}
