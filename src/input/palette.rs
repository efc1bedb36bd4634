//! The `:` command palette: the commands with their k9s-style aliases, completion of command
//! names and of their argument (namespaces, contexts, themes), and parsing a typed line.
//! Pure: what a command does is decided in `prompt`; this only knows names.

use crate::config::theme;
use crate::domain::registry::{self, ActionId};
use crate::state::view::Mode;
use crate::state::{PaneId, State};

/// What a palette command does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Run {
    Pane(PaneId),
    /// The timeline (around the triage problem when asked from triage).
    Timeline,
    /// Workloads: there is no Deployments table; the Pods pane shows each pod's owner.
    Deployments,
    Triage,
    Fleet,
    Overview,
    Help,
    Quit,
    Context,
    Namespace,
    Theme,
    Silences,
    /// `:pf`: the port-forwards.
    Forwards,
    /// `:KIND`: a live list of a kind the cluster serves (the word is the argument).
    Kind,
    Action(ActionId),
}

/// The kind of argument a command takes, for completion.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arg {
    None,
    Context,
    Namespace,
    Theme,
}

pub struct Entry {
    pub name: &'static str,
    pub aliases: &'static [&'static str],
    pub arg: Arg,
    pub help: &'static str,
    pub run: Run,
}

const fn entry(
    name: &'static str,
    aliases: &'static [&'static str],
    arg: Arg,
    help: &'static str,
    run: Run,
) -> Entry {
    Entry { name, aliases, arg, help, run }
}

/// Navigation commands; k9s users' resource names work as aliases (`:po`, `:deploy`, `:no`).
pub const COMMANDS: &[Entry] = &[
    entry("triage", &["tri", "problems"], Arg::None, "every problem, ranked and linked", Run::Triage),
    entry(
        "timeline",
        &["changes", "tl"],
        Arg::None,
        "what changed and broke, newest first (from triage: around the problem)",
        Run::Timeline,
    ),
    entry("pods", &["po", "pod"], Arg::None, "the Pods pane", Run::Pane(PaneId::Pods)),
    entry(
        "deploy",
        &["deployments", "deployment", "dp", "workloads", "sts", "statefulsets", "ds", "daemonsets"],
        Arg::None,
        "workloads: Deployments, StatefulSets, DaemonSets",
        Run::Deployments,
    ),
    entry(
        "hpa",
        &["hpas", "horizontalpodautoscalers", "scaling"],
        Arg::None,
        "the Scaling pane",
        Run::Pane(PaneId::Scaling),
    ),
    entry(
        "apps",
        &["app", "applications", "argocd", "argo"],
        Arg::None,
        "the Argo CD pane",
        Run::Pane(PaneId::ArgoCd),
    ),
    entry("alerts", &["alert", "alarms"], Arg::None, "the Alerts pane", Run::Pane(PaneId::Alerts)),
    entry(
        "silences",
        &["silence", "sil"],
        Arg::None,
        "the silences (active, pending, expired)",
        Run::Silences,
    ),
    entry("cost", &["costs", "bill"], Arg::None, "the Cost pane", Run::Pane(PaneId::Cost)),
    entry(
        "infra",
        &["infrastructure", "nodes", "node", "no", "eks", "clusters"],
        Arg::None,
        "the Infrastructure pane",
        Run::Pane(PaneId::Infrastructure),
    ),
    entry("overview", &["home", "all"], Arg::None, "all six panes", Run::Overview),
    entry("pf", &["portforward", "port-forward", "forwards"], Arg::None, "the port-forwards", Run::Forwards),
    entry("fleet", &["clusters-all", "fl"], Arg::None, "every cluster, worst first", Run::Fleet),
    entry(
        "ctx",
        &["context", "contexts"],
        Arg::Context,
        "open a cluster (all: every one), or switch",
        Run::Context,
    ),
    entry(
        "ns",
        &["namespace", "namespaces"],
        Arg::Namespace,
        "only this namespace (all: every one)",
        Run::Namespace,
    ),
    entry("theme", &["skin"], Arg::Theme, "switch the colour theme", Run::Theme),
    entry("help", &["?", "keys"], Arg::None, "the keys", Run::Help),
    entry("quit", &["q", "q!", "exit"], Arg::None, "quit flightdeck", Run::Quit),
];

/// A command the line names: its entry, or a registry action that applies to what is shown.
pub struct Parsed<'a> {
    pub name: &'static str,
    pub run: Run,
    pub arg: Option<&'a str>,
}

/// Registry actions the palette offers where the user is: the focused pane's (every pane's in
/// triage), none that mutate when read-only.
fn actions(state: &State) -> impl Iterator<Item = &'static registry::ActionSpec> + '_ {
    let pane = state.view.active_pane();
    registry::ACTIONS
        .iter()
        .filter(move |a| state.view.mode == Mode::Triage || a.offered_in(pane))
        .filter(|a| !(state.readonly && a.mutating))
}

pub fn parse<'a>(state: &State, line: &'a str) -> Result<Parsed<'a>, String> {
    let line = line.trim().trim_start_matches(':');
    let (word, arg) = match line.split_once(char::is_whitespace) {
        Some((w, a)) => (w, Some(a.trim()).filter(|a| !a.is_empty())),
        None => (line, None),
    };
    let lower = word.to_ascii_lowercase();
    if let Some(e) = COMMANDS.iter().find(|e| e.name == lower || e.aliases.contains(&lower.as_str())) {
        return Ok(Parsed { name: e.name, run: e.run, arg });
    }
    if let Some(a) = actions(state).find(|a| a.name == lower) {
        return Ok(Parsed { name: a.name, run: Run::Action(a.id), arg });
    }
    // Any kind the cluster serves; before discovery has answered, the word is tried as one.
    if state.catalog.resolve(&lower).is_some() || (!state.catalog.loaded && arg.is_none()) {
        return Ok(Parsed { name: "kind", run: Run::Kind, arg: Some(word) });
    }
    let names = COMMANDS.iter().flat_map(|e| std::iter::once(e.name).chain(e.aliases.iter().copied()));
    let kinds = state.catalog.names();
    let names: Vec<&str> =
        names.chain(actions(state).map(|a| a.name)).chain(kinds.iter().map(|(n, _)| n.as_str())).collect();
    let hint = crate::config::errors::closest(&lower, names.iter().copied());
    Err(match (hint, &state.catalog.error) {
        (Some(h), _) => format!("unknown command `{word}` (did you mean `{h}`?)"),
        (None, Some(e)) => format!("unknown command `{word}`, and no kind by that name: {e}"),
        (None, None) => format!("unknown command or kind `{word}`; Tab lists them"),
    })
}

/// One completion: the line it would make, and what it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Completion {
    pub line: String,
    pub help: String,
}

/// Completions for the line typed so far: command names (then aliases) by prefix, or the
/// command's argument once a space is typed.
pub fn complete(state: &State, line: &str) -> Vec<Completion> {
    if let Some((word, partial)) = line.split_once(' ') {
        let Ok(p) = parse(state, word) else { return Vec::new() };
        let arg = COMMANDS.iter().find(|e| e.name == p.name).map_or(Arg::None, |e| e.arg);
        let partial = partial.trim_start();
        return arg_values(state, arg)
            .into_iter()
            .filter(|(v, _)| v.starts_with(partial))
            .map(|(v, help)| Completion { line: format!("{word} {v}"), help })
            .collect();
    }
    let typed = line.to_ascii_lowercase();
    let mut out: Vec<Completion> = Vec::new();
    for e in COMMANDS {
        let alias = e.aliases.iter().find(|a| a.starts_with(&typed));
        if e.name.starts_with(&typed) || alias.is_some() {
            let name = if e.name.starts_with(&typed) { e.name } else { alias.copied().unwrap_or(e.name) };
            let line = if e.arg == Arg::None { name.to_string() } else { format!("{name} ") };
            out.push(Completion { line, help: e.help.to_string() });
        }
    }
    for a in actions(state).filter(|a| a.name.starts_with(&typed)) {
        out.push(Completion { line: a.name.to_string(), help: a.help.to_string() });
    }
    // The kinds the cluster serves, after the console's own names.
    for (name, what) in state.catalog.names().into_iter().filter(|(n, _)| n.starts_with(&typed)) {
        if !out.iter().any(|c| c.line == name) {
            out.push(Completion { line: name, help: format!("{what}: a live list") });
        }
    }
    out
}

/// The values an argument can take, with a word on each.
fn arg_values(state: &State, arg: Arg) -> Vec<(String, String)> {
    match arg {
        Arg::None => Vec::new(),
        Arg::Theme => theme::BUILTIN.iter().map(|(n, _)| (n.to_string(), "built-in theme".into())).collect(),
        Arg::Namespace => {
            let mut ns: Vec<&str> = state.pods.by_key.keys().map(|k| k.namespace.as_str()).collect();
            ns.extend(state.scaling.hpas.iter().map(|h| h.namespace.as_str()));
            ns.sort_unstable();
            ns.dedup();
            let mut out = vec![("all".to_string(), "every namespace".to_string())];
            out.extend(ns.into_iter().map(|n| (n.to_string(), "namespace".to_string())));
            out
        }
        Arg::Context => context_values(state),
    }
}

/// `:ctx`'s values: over a fleet `all` and its clusters, else the current context; then every
/// other context of the kubeconfig (a fleet refuses those with a word on how to add one). An
/// EKS cluster no context names is not offered: `:ctx` could not switch to it.
fn context_values(state: &State) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = if state.is_fleet() {
        let mut out = vec![("all".to_string(), "every cluster".to_string())];
        out.extend(state.fleet.iter().map(|c| {
            let what = if c.production { "watched · production" } else { "watched" };
            (c.name.to_string(), what.to_string())
        }));
        out
    } else {
        vec![(state.context.clone(), "current context".to_string())]
    };
    let other = if state.is_fleet() { "kubeconfig context, not watched" } else { "kubeconfig context" };
    for c in &state.kube_contexts {
        if !out.iter().any(|(v, _)| v == c) {
            out.push((c.clone(), other.to_string()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state() -> State {
        crate::sources::demo::state_at(7, 150)
    }

    #[test]
    fn k9s_aliases_name_the_same_commands() {
        let s = state();
        for (typed, name) in
            [("po", "pods"), (":deploy", "deploy"), ("ns storefront", "ns"), ("hpa", "hpa"), ("no", "infra")]
        {
            assert_eq!(parse(&s, typed).unwrap().name, name, "{typed}");
        }
        assert_eq!(parse(&s, "ns  storefront ").unwrap().arg, Some("storefront"));
        let err = parse(&s, "trage").err().unwrap();
        assert!(err.contains("did you mean `triage`"), "{err}");
    }

    #[test]
    fn completes_names_then_arguments() {
        let s = state();
        let lines: Vec<String> = complete(&s, "t").into_iter().map(|c| c.line).collect();
        assert_eq!(lines, ["triage", "timeline", "theme "]);
        let ns: Vec<String> = complete(&s, "ns st").into_iter().map(|c| c.line).collect();
        assert_eq!(ns, ["ns storefront"]);
        let ctx: Vec<String> = complete(&s, "ctx ").into_iter().map(|c| c.line).collect();
        assert!(ctx.contains(&"ctx shop-dev".to_string()), "{ctx:?}");
    }

    #[test]
    fn ctx_completes_every_kubeconfig_context_by_prefix() {
        let mut s = state();
        s.kube_contexts = ["shop-prod", "shop-dev", "arn:aws:eks:eu-west-1:1:cluster/ops", "kind-local"]
            .map(String::from)
            .to_vec();
        let lines = |s: &State, typed: &str| -> Vec<String> {
            complete(s, typed).into_iter().map(|c| c.line).collect()
        };
        assert_eq!(
            lines(&s, "ctx "),
            ["ctx shop-prod", "ctx shop-dev", "ctx arn:aws:eks:eu-west-1:1:cluster/ops", "ctx kind-local"]
        );
        assert_eq!(lines(&s, "ctx k"), ["ctx kind-local"]);
        assert_eq!(lines(&s, "context arn"), ["context arn:aws:eks:eu-west-1:1:cluster/ops"]);
        let help = complete(&s, "ctx shop-p").remove(0).help;
        assert_eq!(help, "current context");

        // Over a fleet: `all`, the clusters watched, then the contexts that are not.
        let mut f = crate::sources::demo::fleet_state_at(7, 30);
        f.kube_contexts = s.kube_contexts.clone();
        let all = complete(&f, "ctx ");
        let pairs: Vec<(&str, &str)> = all.iter().map(|c| (c.line.as_str(), c.help.as_str())).collect();
        assert_eq!(
            pairs,
            [
                ("ctx all", "every cluster"),
                ("ctx shop-prod", "watched · production"),
                ("ctx shop-dev", "watched"),
                ("ctx arn:aws:eks:eu-west-1:1:cluster/ops", "kubeconfig context, not watched"),
                ("ctx kind-local", "kubeconfig context, not watched"),
            ]
        );
        assert_eq!(lines(&f, "ctx a"), ["ctx all", "ctx arn:aws:eks:eu-west-1:1:cluster/ops"]);
    }

    #[test]
    fn mutating_actions_are_not_offered_when_read_only() {
        let mut s = state();
        s.view.mode = Mode::Full(PaneId::ArgoCd);
        assert!(complete(&s, "sy").iter().any(|c| c.line == "sync"));
        s.readonly = true;
        assert!(complete(&s, "sy").is_empty());
        assert!(parse(&s, "sync").is_err());
    }
}
