//! Commands: the named things a key can do. Navigation commands change the view; action
//! commands go through the registry to the executor.

use super::registry::{self, ActionId};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Command {
    Quit,
    Help,
    FocusNext,
    FocusPrev,
    /// Open pane 1–6 full-screen.
    Pane(u8),
    /// Open the focused pane full-screen.
    Open,
    /// Close the overlay or go back to the overview.
    Back,
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    Confirm,
    Cancel,
    /// In a sync's confirmation: prune resources no longer in Git, or not.
    TogglePrune,
    /// In a sync's confirmation: a dry run, or a real sync.
    ToggleDryRun,
    /// Open the triage view.
    Triage,
    /// The fleet screen: one row per cluster, worst first.
    Fleet,
    /// Run the fix the selected triage row offers first.
    Fix,
    /// The timeline: what changed and what broke; from triage, around the selected problem.
    Timeline,
    /// Write the hand-off: the problem, its timeline, links, actions and silences as
    /// Markdown and HTML.
    HandOff,
    /// Open the `:` command palette.
    Palette,
    /// Type a `/` filter for the pane's rows.
    Filter,
    /// Sort the pane's rows by the column whose letter comes next.
    Sort,
    /// Alerts: one row per alertname, or every alert.
    GroupAlerts,
    /// Alerts: the silences view, or back to the alerts.
    Silences,
    /// Go to the pod, workload or HPA the selected alert names.
    Jump,
    /// The selected pod up close: containers, conditions, events.
    Describe,
    /// The selected pod's YAML.
    Yaml,
    /// The logs of the open pod's container.
    Logs,
    /// The logs of the container's previous run (after a crash), or back to the current one.
    PreviousLogs,
    /// Logs: keep the stream open for new lines, or stop it.
    Follow,
    /// Logs: keep the newest line in view.
    Autoscroll,
    /// Logs: wrap long lines, or cut them.
    Wrap,
    /// Logs: the kubelet's timestamp before each line.
    Timestamps,
    /// Logs: the next container of the pod.
    NextContainer,
    /// The next / previous line matching the `/` search.
    NextMatch,
    PrevMatch,
    /// Pods: the workloads view (Deployments, StatefulSets, DaemonSets), or back to the pods.
    Workloads,
    /// Argo CD: the detail area's next tab (resources, sync history, YAML).
    AppView,
    /// Argo CD: scroll the detail area.
    AppScrollDown,
    AppScrollUp,
    /// A Secret up close: its values decoded, or hidden again.
    Decode,
    Action(ActionId),
    /// The config's `[[command]]` number n.
    User(u8),
}

/// Navigation command names with their help text, in help order.
pub const NAVIGATION: &[(&str, Command, &str)] = &[
    ("quit", Command::Quit, "quit flightdeck"),
    ("help", Command::Help, "show or hide this help"),
    ("focus_next", Command::FocusNext, "focus the next pane"),
    ("focus_prev", Command::FocusPrev, "focus the previous pane"),
    ("pane_1", Command::Pane(1), "Infrastructure full-screen"),
    ("pane_2", Command::Pane(2), "Argo CD full-screen"),
    ("pane_3", Command::Pane(3), "Pods full-screen"),
    ("pane_4", Command::Pane(4), "Scaling full-screen"),
    ("pane_5", Command::Pane(5), "Alerts full-screen"),
    ("pane_6", Command::Pane(6), "Cost full-screen"),
    ("open", Command::Open, "open the focused pane"),
    ("triage", Command::Triage, "triage: problems ranked"),
    ("fleet", Command::Fleet, "the fleet: every cluster, worst first"),
    ("fix", Command::Fix, "fix the selected problem"),
    ("timeline", Command::Timeline, "timeline: what changed and broke (from triage: around the problem)"),
    ("handoff", Command::HandOff, "hand-off: the problem, its timeline, actions, silences to a file"),
    ("palette", Command::Palette, "commands (:pods, :ns …)"),
    ("filter", Command::Filter, "filter (!not, key=val)"),
    ("sort", Command::Sort, "sort: then column letter"),
    ("back", Command::Back, "back to the overview"),
    ("up", Command::Up, "select the row above"),
    ("down", Command::Down, "select the row below"),
    ("page_up", Command::PageUp, "a page up"),
    ("page_down", Command::PageDown, "a page down"),
    ("top", Command::Top, "first row"),
    ("bottom", Command::Bottom, "last row"),
    ("confirm", Command::Confirm, "answer yes in a confirmation"),
    ("cancel", Command::Cancel, "answer no in a confirmation"),
    ("toggle_prune", Command::TogglePrune, "sync confirmation: prune on / off"),
    ("toggle_dry_run", Command::ToggleDryRun, "sync confirmation: dry run on / off"),
    ("group", Command::GroupAlerts, "group alerts by name, or list every alert"),
    ("silences", Command::Silences, "silences: active, pending, expired; or back to the alerts"),
    ("jump", Command::Jump, "go to the pod, workload or HPA the alert names"),
    ("describe", Command::Describe, "the pod: containers, conditions, events"),
    ("yaml", Command::Yaml, "the pod's YAML"),
    ("logs", Command::Logs, "a container's logs"),
    ("previous_logs", Command::PreviousLogs, "the previous (crashed) container's logs"),
    ("follow", Command::Follow, "follow new log lines, or stop"),
    ("autoscroll", Command::Autoscroll, "keep the newest line in view"),
    ("wrap", Command::Wrap, "wrap long lines"),
    ("timestamps", Command::Timestamps, "show each line's timestamp"),
    ("next_container", Command::NextContainer, "the next container's logs"),
    ("next_match", Command::NextMatch, "next search match"),
    ("prev_match", Command::PrevMatch, "previous search match"),
    (
        "workloads",
        Command::Workloads,
        "workloads: Deployments, StatefulSets, DaemonSets; or back to the pods",
    ),
    ("app_view", Command::AppView, "detail tab: resources, diff, tree, history, YAML"),
    ("app_scroll_down", Command::AppScrollDown, "scroll down the detail"),
    ("app_scroll_up", Command::AppScrollUp, "scroll up the detail"),
    ("decode", Command::Decode, "a Secret's values: decoded, or hidden again"),
];

impl Command {
    pub fn parse(name: &str) -> Option<Command> {
        NAVIGATION
            .iter()
            .find(|(n, _, _)| *n == name)
            .map(|(_, c, _)| *c)
            .or_else(|| registry::by_name(name).map(|a| Command::Action(a.id)))
    }

    pub fn name(self) -> &'static str {
        match self {
            Command::Action(id) => registry::spec(id).name,
            Command::User(_) => "command",
            other => NAVIGATION.iter().find(|(_, c, _)| *c == other).map_or("?", |(n, _, _)| n),
        }
    }

    /// Every valid command name, for error suggestions.
    pub fn all_names() -> impl Iterator<Item = &'static str> {
        NAVIGATION.iter().map(|(n, _, _)| *n).chain(registry::ACTIONS.iter().map(|a| a.name))
    }
}
