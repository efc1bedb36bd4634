//! The describe screen: the pod's identity and status, each container with its state and last
//! state, the conditions and the pod's events, in the order `kubectl describe` users read them.

use ratatui::text::{Line, Span};

use super::label;
use crate::config::Theme;
use crate::config::theme::Role;
use crate::state::pod_detail::{ContainerDetail, ContainerState, PodDetail};
use crate::state::{Level, State};
use crate::ui::format;
use crate::ui::text::clean;
use crate::ui::widgets::level_symbol;

/// Columns of the label before each value.
const LABEL: usize = 15;

fn field(theme: &Theme, name: &str, value: &str, level: Level) -> Line<'static> {
    let role = if level == Level::Muted { Role::Text } else { Role::for_level(level) };
    Line::from(vec![
        Span::styled(format!("{name:<LABEL$}"), label(theme)),
        Span::styled(clean(value).into_owned(), theme.style(role)),
    ])
}

fn heading(theme: &Theme, name: &str) -> Line<'static> {
    Line::from(Span::styled(name.to_string(), theme.style(Role::Header)))
}

pub fn lines(state: &State, theme: &Theme) -> Vec<Line<'static>> {
    let data = &state.pod_data;
    let mut out = Vec::new();
    if let Some(e) = &data.detail_error {
        out.push(field(theme, "Error", e, Level::Crit));
    }
    if data.gone {
        out.push(field(theme, "Deleted", "the pod is gone; this is what it was last", Level::Warn));
    }
    let Some(d) = &data.detail else {
        if data.detail_error.is_none() {
            out.push(Line::from(Span::styled("reading the pod…", label(theme))));
        }
        return out;
    };
    let now = state.now;
    let when = |t: Option<i64>| t.map(|t| format!("{} ago", format::age(now, t))).unwrap_or_default();
    out.push(field(theme, "Name", &d.key.name, Level::Muted));
    out.push(field(theme, "Namespace", &d.key.namespace, Level::Muted));
    let (status, level) = match &d.reason {
        Some(r) => (format!("{} · {r}", d.phase), if r == "Completed" { Level::Ok } else { Level::Crit }),
        None => (d.phase.clone(), Level::Muted),
    };
    out.push(field(theme, "Status", &status, level));
    if let Some(t) = d.deleting_since {
        out.push(field(theme, "Terminating", &format!("since {}", when(Some(t))), Level::Warn));
    }
    out.push(field(theme, "Node", d.node.as_deref().unwrap_or("(not scheduled)"), Level::Muted));
    if let Some(ip) = &d.pod_ip {
        out.push(field(theme, "IP", ip, Level::Muted));
    }
    if let Some(c) = &d.controlled_by {
        out.push(field(theme, "Controlled By", c, Level::Muted));
    }
    let age = d.created_at.map(|t| format::age(now, t)).unwrap_or_default();
    let qos = d.qos.as_deref().unwrap_or("—");
    out.push(field(theme, "Age", &format!("{age}   QoS {qos}"), Level::Muted));
    if !d.labels.is_empty() {
        let labels: Vec<String> = d.labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
        out.push(field(theme, "Labels", &labels.join(" "), Level::Muted));
    }
    for (title, list) in [("Init Containers", &d.init_containers), ("Containers", &d.containers)] {
        if list.is_empty() {
            continue;
        }
        out.push(Line::default());
        out.push(heading(theme, title));
        for c in list {
            container(&mut out, c, theme, now);
        }
    }
    out.push(Line::default());
    out.push(heading(theme, "Conditions"));
    if d.conditions.is_empty() {
        out.push(Line::from(Span::styled("  none reported", label(theme))));
    }
    for c in &d.conditions {
        let level = c.level();
        let why =
            [c.reason.as_deref(), c.message.as_deref()].into_iter().flatten().collect::<Vec<_>>().join(": ");
        out.push(Line::from(vec![
            Span::styled(format!("  {} ", level_symbol(level)), theme.level(level)),
            Span::styled(format!("{:<18}", clean(&c.kind)), theme.style(Role::Text)),
            Span::styled(format!("{:<8}", clean(&c.status)), theme.level(level)),
            Span::styled(clean(&why).into_owned(), label(theme)),
        ]));
    }
    events(&mut out, state, theme);
    out
}

fn container(out: &mut Vec<Line<'static>>, c: &ContainerDetail, theme: &Theme, now: i64) {
    let ready = if c.ready { Level::Ok } else { Level::Warn };
    out.push(Line::from(vec![
        Span::styled(format!("  {} ", level_symbol(c.state.level())), theme.level(c.state.level())),
        Span::styled(clean(&c.name).into_owned(), theme.style(Role::Title)),
        Span::styled(format!("  {}", clean(&c.image)), label(theme)),
        Span::styled(format!("  ready {}", if c.ready { "yes" } else { "no" }), theme.level(ready)),
        Span::styled(
            format!("  restarts {}", c.restarts),
            theme.level(if c.restarts > 0 { Level::Warn } else { Level::Muted }),
        ),
    ]));
    state_line(out, theme, "State", &c.state, now);
    if let Some(last) = &c.last_state {
        state_line(out, theme, "Last State", last, now);
    }
    if let Some(r) = &c.requests {
        out.push(field(theme, "    Requests", r, Level::Muted));
    }
    if let Some(l) = &c.limits {
        out.push(field(theme, "    Limits", l, Level::Muted));
    }
}

fn state_line(out: &mut Vec<Line<'static>>, theme: &Theme, name: &str, s: &ContainerState, now: i64) {
    let mut text = s.label();
    if let Some(t) = s.at() {
        let verb = if matches!(s, ContainerState::Running { .. }) { "started" } else { "finished" };
        text.push_str(&format!(" · {verb} {} ago", format::age(now, t)));
    }
    out.push(field(theme, &format!("    {name}"), &text, s.level()));
    if let Some(m) = s.message() {
        out.push(field(theme, "", &format!("    {m}"), Level::Muted));
    }
}

fn events(out: &mut Vec<Line<'static>>, state: &State, theme: &Theme) {
    out.push(Line::default());
    out.push(heading(theme, "Events"));
    let evs = &state.pod_data.events;
    if evs.is_empty() {
        out.push(Line::from(Span::styled("  none (the API server keeps events for an hour)", label(theme))));
    }
    for e in evs {
        let level = if e.warning { Level::Warn } else { Level::Muted };
        let count = if e.count > 1 { format!(" ×{}", e.count) } else { String::new() };
        out.push(Line::from(vec![
            Span::styled(format!("  {:>8}  ", format::age(state.now, e.at)), label(theme)),
            Span::styled(format!("{} ", if e.warning { "⚠" } else { " " }), theme.level(level)),
            Span::styled(
                format!("{}{count}  ", clean(&e.reason)),
                theme.level(if e.warning { Level::Warn } else { Level::Ok }),
            ),
            Span::styled(clean(&e.message).into_owned(), theme.style(Role::Text)),
        ]));
    }
}

/// For `PodDetail` users outside this screen (the logs' header).
pub fn container_summary(d: &PodDetail, name: &str) -> Option<(String, Level)> {
    let c = d.container(name)?;
    Some((c.state.label(), c.state.level()))
}
