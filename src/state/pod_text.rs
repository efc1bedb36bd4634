//! The open pod's describe and YAML screens as plain lines: each span a piece of text and the
//! tone it reads in. Built from the store by pure functions, so the keys can scroll and search
//! exactly what is drawn without rendering, and `ui` only maps tones to the theme's styles.

use super::pod_detail::{ContainerDetail, ContainerState, PodDetail};
use super::view::pod::PodScreen;
use super::{Level, State};
use crate::domain::format;
use crate::domain::text::clean;

/// How a span reads; `ui` turns it into the theme's style.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tone {
    Text,
    Title,
    Heading,
    /// A level's colour; `Level::Muted` is the dim of labels, `Level::Accent` of YAML keys.
    Level(Level),
}

/// A label's dim tone.
pub const LABEL: Tone = Tone::Level(Level::Muted);

/// One line of a text screen: spans of cleaned text with their tones.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TextLine(pub Vec<(Tone, String)>);

impl TextLine {
    pub fn one(tone: Tone, text: impl Into<String>) -> TextLine {
        TextLine(vec![(tone, text.into())])
    }

    /// The line as the user reads it, for search and scrolling.
    pub fn plain(&self) -> String {
        self.0.iter().map(|(_, t)| t.as_str()).collect()
    }
}

/// Columns of the label before each value.
const LABEL_WIDTH: usize = 15;

/// The lines of a describe or YAML screen (the logs are their own buffer).
pub fn lines(state: &State, screen: PodScreen) -> Vec<TextLine> {
    match (screen, &state.pod_data.detail) {
        (PodScreen::Yaml, Some(d)) => yaml(&d.yaml),
        _ => describe(state),
    }
}

/// A screen's text, line by line, as the keys search and scroll it.
pub fn plain(state: &State, screen: PodScreen) -> Vec<String> {
    match screen {
        PodScreen::Logs => state.pod_data.logs.iter().map(str::to_string).collect(),
        _ => lines(state, screen).iter().map(TextLine::plain).collect(),
    }
}

/// YAML with its keys in the accent tone, so the structure reads at a glance.
fn yaml(text: &str) -> Vec<TextLine> {
    text.lines()
        .map(|l| {
            let clean = clean(l).into_owned();
            match clean.find(": ").or_else(|| clean.strip_suffix(':').map(str::len)) {
                Some(i) => {
                    let (k, v) = clean.split_at(i);
                    TextLine(vec![(Tone::Level(Level::Accent), k.to_string()), (Tone::Text, v.to_string())])
                }
                None => TextLine::one(Tone::Text, clean),
            }
        })
        .collect()
}

fn field(name: &str, value: &str, level: Level) -> TextLine {
    let tone = if level == Level::Muted { Tone::Text } else { Tone::Level(level) };
    TextLine(vec![(LABEL, format!("{name:<LABEL_WIDTH$}")), (tone, clean(value).into_owned())])
}

fn heading(name: &str) -> TextLine {
    TextLine::one(Tone::Heading, name)
}

/// The describe screen: the pod's identity and status, each container with its state and last
/// state, the conditions and the pod's events, in the order `kubectl describe` users read them.
pub fn describe(state: &State) -> Vec<TextLine> {
    let data = &state.pod_data;
    let mut out = Vec::new();
    if let Some(e) = &data.detail_error {
        out.push(field("Error", e, Level::Crit));
    }
    if data.gone {
        out.push(field("Deleted", "the pod is gone; this is what it was last", Level::Warn));
    }
    let Some(d) = &data.detail else {
        if data.detail_error.is_none() {
            out.push(TextLine::one(LABEL, "reading the pod…"));
        }
        return out;
    };
    identity(&mut out, d, state.now);
    for (title, list) in [("Init Containers", &d.init_containers), ("Containers", &d.containers)] {
        if list.is_empty() {
            continue;
        }
        out.push(TextLine::default());
        out.push(heading(title));
        for c in list {
            container(&mut out, c, state.now);
        }
    }
    conditions(&mut out, d);
    events(&mut out, state);
    out
}

fn identity(out: &mut Vec<TextLine>, d: &PodDetail, now: i64) {
    let when = |t: Option<i64>| t.map(|t| format!("{} ago", format::age(now, t))).unwrap_or_default();
    out.push(field("Name", &d.key.name, Level::Muted));
    out.push(field("Namespace", &d.key.namespace, Level::Muted));
    let (status, level) = match &d.reason {
        Some(r) => (format!("{} · {r}", d.phase), if r == "Completed" { Level::Ok } else { Level::Crit }),
        None => (d.phase.clone(), Level::Muted),
    };
    out.push(field("Status", &status, level));
    if let Some(t) = d.deleting_since {
        out.push(field("Terminating", &format!("since {}", when(Some(t))), Level::Warn));
    }
    out.push(field("Node", d.node.as_deref().unwrap_or("(not scheduled)"), Level::Muted));
    if let Some(ip) = &d.pod_ip {
        out.push(field("IP", ip, Level::Muted));
    }
    if let Some(c) = &d.controlled_by {
        out.push(field("Controlled By", c, Level::Muted));
    }
    let age = d.created_at.map(|t| format::age(now, t)).unwrap_or_default();
    let qos = d.qos.as_deref().unwrap_or("—");
    out.push(field("Age", &format!("{age}   QoS {qos}"), Level::Muted));
    if !d.labels.is_empty() {
        let labels: Vec<String> = d.labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
        out.push(field("Labels", &labels.join(" "), Level::Muted));
    }
}

fn conditions(out: &mut Vec<TextLine>, d: &PodDetail) {
    out.push(TextLine::default());
    out.push(heading("Conditions"));
    if d.conditions.is_empty() {
        out.push(TextLine::one(LABEL, "  none reported"));
    }
    for c in &d.conditions {
        let level = c.level();
        let why =
            [c.reason.as_deref(), c.message.as_deref()].into_iter().flatten().collect::<Vec<_>>().join(": ");
        out.push(TextLine(vec![
            (Tone::Level(level), format!("  {} ", level.symbol())),
            (Tone::Text, format!("{:<18}", clean(&c.kind))),
            (Tone::Level(level), format!("{:<8}", clean(&c.status))),
            (LABEL, clean(&why).into_owned()),
        ]));
    }
}

fn container(out: &mut Vec<TextLine>, c: &ContainerDetail, now: i64) {
    let ready = if c.ready { Level::Ok } else { Level::Warn };
    let restarts = if c.restarts > 0 { Level::Warn } else { Level::Muted };
    out.push(TextLine(vec![
        (Tone::Level(c.state.level()), format!("  {} ", c.state.level().symbol())),
        (Tone::Title, clean(&c.name).into_owned()),
        (LABEL, format!("  {}", clean(&c.image))),
        (Tone::Level(ready), format!("  ready {}", if c.ready { "yes" } else { "no" })),
        (Tone::Level(restarts), format!("  restarts {}", c.restarts)),
    ]));
    state_line(out, "State", &c.state, now);
    if let Some(last) = &c.last_state {
        state_line(out, "Last State", last, now);
    }
    if let Some(r) = &c.requests {
        out.push(field("    Requests", r, Level::Muted));
    }
    if let Some(l) = &c.limits {
        out.push(field("    Limits", l, Level::Muted));
    }
}

fn state_line(out: &mut Vec<TextLine>, name: &str, s: &ContainerState, now: i64) {
    let mut text = s.label();
    if let Some(t) = s.at() {
        let verb = if matches!(s, ContainerState::Running { .. }) { "started" } else { "finished" };
        text.push_str(&format!(" · {verb} {} ago", format::age(now, t)));
    }
    out.push(field(&format!("    {name}"), &text, s.level()));
    if let Some(m) = s.message() {
        out.push(field("", &format!("    {m}"), Level::Muted));
    }
}

fn events(out: &mut Vec<TextLine>, state: &State) {
    out.push(TextLine::default());
    out.push(heading("Events"));
    let evs = &state.pod_data.events;
    if evs.is_empty() {
        out.push(TextLine::one(LABEL, "  none (the API server keeps events for an hour)"));
    }
    for e in evs {
        let level = if e.warning { Level::Warn } else { Level::Muted };
        let count = if e.count > 1 { format!(" ×{}", e.count) } else { String::new() };
        out.push(TextLine(vec![
            (LABEL, format!("  {:>8}  ", format::age(state.now, e.at))),
            (Tone::Level(level), format!("{} ", if e.warning { "⚠" } else { " " })),
            (
                Tone::Level(if e.warning { Level::Warn } else { Level::Ok }),
                format!("{}{count}  ", clean(&e.reason)),
            ),
            (Tone::Text, clean(&e.message).into_owned()),
        ]));
    }
}
