//! Everything resolved before the loop starts: settings from flags and config, the sources
//! started, the executor wired to their backend. Shared by the console and headless modes.

use std::path::PathBuf;

use crate::app::audit::AuditLog;
use crate::app::executor::{Backend, Executor};
use crate::config::sources::{
    AlertmanagerConfig, ArgocdConfig, ArgocdMode, AwsConfig, CloudWatchConfig, CostConfig, EksConfig,
};
use crate::config::{Keymap, Theme};
use crate::domain::ClusterId;
use crate::sources::{self, Clock, TaskGuard, alertmanager, argocd, cost, demo, kube};
use crate::state::{Message, PaneId, State, update};

#[derive(Clone, Debug)]
pub struct Settings {
    pub demo: bool,
    pub seed: u64,
    pub speed: f64,
    pub readonly: bool,
    /// Overrides the kubeconfig context.
    pub context: Option<String>,
    /// `-n NS` / `-A`; else the context's namespace, else all.
    pub scope: Option<crate::domain::Scope>,
    /// A kubeconfig other than KUBECONFIG / ~/.kube/config.
    pub kubeconfig: Option<PathBuf>,
    pub theme: Theme,
    /// The theme a context without its own gets (`[ui] theme`); None when `--theme` fixed one
    /// for every context.
    pub default_theme: Option<String>,
    pub keymap: Keymap,
    pub audit_path: Option<PathBuf>,
    /// Where the local history, the reports and the logs are kept.
    pub state_dir: Option<PathBuf>,
    /// How much local history to keep.
    pub history: crate::config::HistoryConfig,
    /// Who silences are created by.
    pub user: String,
    pub alertmanagers: Vec<AlertmanagerConfig>,
    /// With no `[[alertmanager]]`, find the cluster's own (`[alerts] discover`).
    pub discover_alertmanager: bool,
    pub aws: AwsConfig,
    pub cloudwatch: CloudWatchConfig,
    pub eks: EksConfig,
    pub cost: CostConfig,
    pub argocd: ArgocdConfig,
    /// Where the bill is cached between runs.
    pub cache_dir: Option<PathBuf>,
    /// Production patterns and per-context read-only.
    pub safety: crate::config::safety::Safety,
    /// Which contexts to watch: the current one, or a fleet.
    pub contexts: crate::config::clusters::ContextChoice,
    /// `[[cluster]]`: each context's own settings.
    pub clusters: Vec<crate::config::clusters::ClusterConfig>,
    /// The alert label naming an alert's cluster.
    pub cluster_label: String,
    /// Where user themes and keymaps are looked up (`:theme NAME`).
    pub config_dir: Option<PathBuf>,
}

impl Settings {
    /// The local history's file, when it is kept.
    pub fn history_path(&self) -> Option<PathBuf> {
        let dir = self.state_dir.as_ref().filter(|_| self.history.enabled)?;
        Some(super::history::path(dir, self.demo))
    }

    /// The context's safety flags onto the store: production, and read-only by flag, config
    /// or the context's own setting.
    pub fn apply_safety(&self, state: &mut State) {
        let (production, readonly) = self.safety_of(&state.context);
        (state.production, state.readonly) = (production, readonly);
        if !state.is_fleet() {
            let name = ClusterId::new(&state.context);
            let one = crate::state::fleet::ClusterInfo { name, production, readonly, ..Default::default() };
            state.set_fleet(vec![one]);
        }
    }

    /// A context's production and read-only flags: its `[[cluster]]` entry, else the
    /// `[safety] production` patterns and `[contexts."NAME"]`; read-only also by flag.
    pub fn safety_of(&self, context: &str) -> (bool, bool) {
        let own = self.clusters.iter().find(|c| c.context == context);
        let production = own.and_then(|c| c.production).unwrap_or_else(|| self.safety.is_production(context));
        let readonly = self.readonly || own.is_some_and(|c| c.readonly) || self.safety.readonly(context);
        (production, readonly)
    }

    /// The theme `context` is drawn in: its own (`[contexts."NAME"] theme`), else the default;
    /// None when `--theme` chose one for every context.
    pub fn context_theme(&self, context: &str) -> Option<&str> {
        let default = self.default_theme.as_deref()?;
        let own = self.clusters.iter().find(|c| c.context == context).and_then(|c| c.theme.as_deref());
        Some(own.or_else(|| self.safety.theme(context)).unwrap_or(default))
    }
}

pub struct Running {
    pub state: State,
    pub rx: sources::Receiver,
    /// Action results, apart from source messages.
    pub results: tokio::sync::mpsc::Receiver<Message>,
    pub executor: Executor,
    pub clock: Clock,
    /// Dropping these stops the sources.
    pub _guards: Vec<TaskGuard>,
    /// The Kubernetes source, replaceable by a context or namespace switch.
    pub kube: Option<super::switch::KubeSwitcher>,
    /// The pod view's watch and log streams.
    pub streams: super::pod_streams::PodStreams,
    /// The `:KIND` list's, the object view's and a workload log's streams.
    pub views: super::view_streams::ViewStreams,
    /// The port-forwards.
    pub forwards: super::forwards::Forwards,
    /// The fleet's clusters watched only once opened.
    pub lazy: super::fleet::Lazy,
    /// The source channel's sender, for the app's own tasks (the local history).
    pub messages: sources::Sender,
}

/// Start the configured sources. Without `--demo` and with no real source configured, the
/// panes say so rather than pretending.
pub fn start(settings: &Settings) -> anyhow::Result<Running> {
    let (tx, rx) = sources::channel();
    let audit = AuditLog::new(settings.audit_path.clone()).by(&settings.user).for_demo(settings.demo);
    let (results_tx, results) = tokio::sync::mpsc::channel(64);
    let plans = if settings.demo { demo_plans(settings)? } else { super::fleet::plans(settings)? };
    let mut started = if settings.demo {
        start_demo(settings, &plans, &tx)
    } else if plans.len() > 1 {
        start_fleet(settings, &plans, &tx)
    } else {
        start_one(settings, plans.first(), &tx)?
    };
    if !settings.demo {
        let aws = super::aws_start::start(settings, &plans, &tx, started.clock);
        started.guards.extend(aws.guards);
        started.cost.extend(aws.cost);
    }
    let mut state = State::new(started.context.clone(), started.clock.now());
    state.user = settings.user.clone();
    state.cluster_label = settings.cluster_label.clone();
    state.kube_contexts = kube_contexts(settings.demo, settings.kubeconfig.as_deref());
    match plans.len() {
        0 | 1 => settings.apply_safety(&mut state),
        _ => {
            state.set_fleet(plans.iter().map(super::fleet::Plan::info).collect());
            state.open_cluster(None);
            // More than one cluster: the first question is which one is burning.
            state.view.mode = crate::state::view::Mode::Fleet;
        }
    }
    update(&mut state, Message::Tick(started.clock.now()));
    let streams = super::pod_streams::PodStreams::new(
        started.clusters.iter().map(|c| (c.0.clone(), c.1.clone())).collect(),
        tx.clone(),
    );
    let lazy_plans = if plans.len() > 1 && !settings.demo {
        plans.iter().filter(|p| p.lazy).cloned().collect()
    } else {
        Vec::new()
    };
    let lazy = super::fleet::Lazy::new(lazy_plans, &tx, started.clock);
    let views = super::view_streams::ViewStreams::new(tx.clone());
    let forwards = super::forwards::Forwards::new(tx.clone());
    let Started { clusters, alertmanagers, cost, guards, switcher, clock, .. } = started;
    let executor = Executor::for_fleet(clusters, audit, results_tx, clock)
        .with_alertmanagers(alertmanagers)
        .with_cost(cost);
    // The kinds the cluster serves, for `:KIND` (read once; again on a switch, on opening a
    // cluster or an unknown kind). The demo says itself that it has none.
    if !settings.demo {
        executor.discover(&state.context_for(&state.console_cluster()));
    }
    Ok(Running {
        state,
        rx,
        results,
        executor,
        clock,
        _guards: guards,
        kube: switcher,
        streams,
        lazy,
        messages: tx,
        views,
        forwards,
    })
}

/// The kubeconfig's contexts for `:ctx` completion (the demo's own); none when it cannot be
/// read, which the Kubernetes source already says in its pane.
pub fn kube_contexts(demo: bool, kubeconfig: Option<&std::path::Path>) -> Vec<String> {
    if demo {
        return demo::CONTEXTS.iter().map(|(n, _)| n.to_string()).collect();
    }
    kube::contexts(kubeconfig).map(|(all, _)| all).unwrap_or_default()
}

/// What the sources' start gives the loop.
struct Started {
    /// What the panes show first: the context, or every cluster.
    context: String,
    clock: Clock,
    /// Each context's backend and Argo CD, for the executor and the pod view.
    clusters: Vec<(String, Backend, Option<argocd::Handle>)>,
    alertmanagers: Vec<alertmanager::Client>,
    cost: Vec<cost::Handle>,
    guards: Vec<TaskGuard>,
    switcher: Option<super::switch::KubeSwitcher>,
}

impl Started {
    fn new(context: String, clock: Clock) -> Started {
        Started {
            context,
            clock,
            clusters: Vec::new(),
            alertmanagers: Vec::new(),
            cost: Vec::new(),
            guards: Vec::new(),
            switcher: None,
        }
    }
}

/// The demo's clusters to watch: both, unless `--context NAME` names one; `--contexts GLOB` or
/// `--context` repeated pick from shop-prod and shop-dev as from a kubeconfig.
pub fn demo_plans(settings: &Settings) -> anyhow::Result<Vec<super::fleet::Plan>> {
    use crate::config::clusters::ContextChoice;
    let names: Vec<String> = demo::CONTEXTS.iter().map(|(n, _)| n.to_string()).collect();
    // With no context named, the demo watches both of its clusters, as a platform team would.
    let choice = match (&settings.contexts, &settings.context) {
        (ContextChoice::Current, None) => &ContextChoice::All,
        (c, _) => c,
    };
    let picked = choice.pick(&names).map_err(|e| anyhow::anyhow!("the demo platform: {e}"))?;
    Ok(picked.into_iter().map(|c| super::fleet::plan(settings, c)).collect())
}

/// The demo platform: one world, or one per cluster of a demo fleet, each stamped with its
/// cluster's name and acting only on its own world.
fn start_demo(settings: &Settings, plans: &[super::fleet::Plan], tx: &sources::Sender) -> Started {
    let epoch = sources::wall_now();
    let clock = Clock::simulated(epoch, settings.speed);
    if plans.len() < 2 {
        let named = plans.first().map(|p| p.context.clone()).or_else(|| settings.context.clone());
        let context = named.unwrap_or_else(|| demo::CONTEXT.to_string());
        let profile = demo::CONTEXTS.iter().find(|(n, _)| *n == context).map_or(demo::Profile::Prod, |c| c.1);
        let mut out = Started::new(context.clone(), clock);
        let (handle, guard) = demo::spawn_as(settings.seed, epoch, settings.speed, profile, tx.clone());
        out.guards.push(guard);
        out.clusters.push((context, Backend::Demo(handle), None));
        return out;
    }
    let mut out = Started::new(crate::state::fleet::FLEET.to_string(), clock);
    for plan in plans {
        let profile =
            demo::CONTEXTS.iter().find(|(n, _)| *n == plan.context).map_or(demo::Profile::Prod, |c| c.1);
        let own = tx.for_cluster(ClusterId::new(&plan.context));
        let (handle, guard) = demo::spawn_as(settings.seed, epoch, settings.speed, profile, own);
        out.guards.push(guard);
        out.clusters.push((plan.context.clone(), Backend::Demo(handle), None));
    }
    out
}

/// One cluster, as ever: the context chosen (or the current one), switchable with `:ctx`.
fn start_one(
    settings: &Settings,
    plan: Option<&super::fleet::Plan>,
    tx: &sources::Sender,
) -> anyhow::Result<Started> {
    let target = kube::Target {
        kubeconfig: settings.kubeconfig.clone(),
        context: plan.map(|p| p.context.clone()).or_else(|| settings.context.clone()),
        scope: settings.scope.clone(),
    };
    let mut out = Started::new(String::new(), Clock::Wall);
    let resolved = match kube::resolve(&target) {
        Ok(r) => r,
        Err(e) => {
            // No kubeconfig is a setup without Kubernetes, not an error to stop on.
            tracing::info!(error = %e, "Kubernetes not configured");
            super::fleet::disable_kube(tx, &format!("{e:#}"));
            out.context = settings.context.clone().unwrap_or_else(|| "(none)".to_string());
            out.clusters.push((out.context.clone(), Backend::None, None));
            if settings.argocd.enabled && settings.argocd.mode == ArgocdMode::Kubernetes {
                let reason = format!("no cluster to read Applications from: {e:#}");
                let m = Message::Disabled { source: argocd::source(), feeds: vec![PaneId::ArgoCd], reason };
                let _ = tx.try_send(m);
            }
            start_alertmanagers(settings, tx, &mut out)?;
            if settings.alertmanagers.is_empty() {
                let why = "not configured: no [[alertmanager]], and no cluster to find one in";
                let reason = format!("{why} · {}", alertmanager::discover::HOW);
                let _ = tx.try_send(Message::Disabled {
                    source: in_cluster(),
                    feeds: vec![PaneId::Alerts],
                    reason,
                });
            }
            return Ok(out);
        }
    };
    out.context = resolved.context.clone();
    let ctx_tx = tx.for_cluster(ClusterId::new(&out.context));
    let (handle, guard) = kube::start(resolved, ctx_tx.clone());
    let mut switcher = super::switch::KubeSwitcher {
        tx: tx.clone(),
        target,
        guard: Some(guard),
        argocd: None,
        alertmanager: None,
    };
    let mut argocd_handle = None;
    if settings.argocd.enabled {
        match argocd::start(&settings.argocd, Some(handle.clone()), &settings.user, ctx_tx.clone(), out.clock)
        {
            Ok((h, guard)) => {
                argocd_handle = Some(h.clone());
                // In Kubernetes mode it follows `:ctx` with the other Kubernetes sources.
                if settings.argocd.mode == ArgocdMode::Kubernetes {
                    switcher.argocd = Some(super::switch::ArgocdFollower {
                        cfg: settings.argocd.clone(),
                        user: settings.user.clone(),
                        clock: out.clock,
                        guard: Some(guard),
                        handle: Some(h),
                    });
                } else {
                    out.guards.push(guard);
                }
            }
            Err(reason) => {
                let m = Message::Disabled { source: argocd::source(), feeds: vec![PaneId::ArgoCd], reason };
                let _ = ctx_tx.try_send(m);
            }
        }
    }
    if settings.alertmanagers.is_empty() {
        switcher.alertmanager = follow_discovered(settings, &handle, &ctx_tx, &mut out);
    }
    out.clusters.push((out.context.clone(), Backend::Kube(handle), argocd_handle));
    out.switcher = Some(switcher);
    start_alertmanagers(settings, tx, &mut out)?;
    Ok(out)
}

/// The cluster's own Alertmanager for the one cluster there is: found in it, it follows `:ctx`
/// with the other Kubernetes sources.
fn follow_discovered(
    settings: &Settings,
    kube: &kube::Handle,
    tx: &sources::Sender,
    out: &mut Started,
) -> Option<super::switch::AlertmanagerFollower> {
    let (mut guards, mut clients) = (Vec::new(), Vec::new());
    discover_alertmanager(settings, kube, tx, out.clock, &mut guards, &mut clients);
    let follower = match (guards.pop(), clients.first()) {
        (Some(guard), Some(client)) => Some(super::switch::AlertmanagerFollower {
            every: DISCOVERED_EVERY,
            clock: out.clock,
            guard: Some(guard),
            client: client.clone(),
        }),
        _ => None,
    };
    out.alertmanagers.extend(clients);
    follower
}

/// How often the Alertmanager found in the cluster is polled: `[[alertmanager]]`'s default.
const DISCOVERED_EVERY: std::time::Duration = std::time::Duration::from_secs(15);

fn in_cluster() -> crate::domain::SourceId {
    crate::domain::SourceId::alertmanager(alertmanager::discover::IN_CLUSTER)
}

/// The cluster's own Alertmanager, when none is configured for it: found and reached through
/// its API server, or (discovery off in the config) the pane says how to name one.
pub fn discover_alertmanager(
    settings: &Settings,
    kube: &kube::Handle,
    tx: &sources::Sender,
    clock: Clock,
    guards: &mut Vec<TaskGuard>,
    clients: &mut Vec<alertmanager::Client>,
) {
    if !settings.discover_alertmanager {
        let why = "not configured: no [[alertmanager]], and discovery is off ([alerts] discover = false)";
        let reason = format!("{why} · {}", alertmanager::discover::HOW);
        let _ = tx.try_send(Message::Disabled { source: in_cluster(), feeds: vec![PaneId::Alerts], reason });
        return;
    }
    let (client, guard) = alertmanager::discover::spawn(kube.clone(), DISCOVERED_EVERY, tx.clone(), clock);
    guards.push(guard);
    clients.push(client);
}

/// The `[[alertmanager]]`s of the whole config (a fleet's bound ones start with their cluster).
fn start_alertmanagers(settings: &Settings, tx: &sources::Sender, out: &mut Started) -> anyhow::Result<()> {
    for cfg in &settings.alertmanagers {
        let client = alertmanager::Client::new(cfg)
            .map_err(|e| anyhow::anyhow!("[[alertmanager]] {}: {e}", cfg.url))?;
        out.guards.push(alertmanager::spawn(client.clone(), cfg.interval.0, tx.clone(), out.clock));
        out.alertmanagers.push(client);
    }
    Ok(())
}

/// Every cluster of the fleet at once; none waits for another to connect.
fn start_fleet(settings: &Settings, plans: &[super::fleet::Plan], tx: &sources::Sender) -> Started {
    let mut out = Started::new(crate::state::fleet::FLEET.to_string(), Clock::Wall);
    // A `watch = "open"` cluster starts when first opened (`fleet::Lazy`).
    for plan in plans.iter().filter(|p| !p.lazy) {
        let s = super::fleet::start(settings, plan, tx, out.clock);
        out.clusters.push((s.context, s.backend, s.argocd));
        out.alertmanagers.extend(s.alertmanagers);
        out.guards.extend(s.guards);
    }
    // Alertmanagers bound to no cluster: their alerts' cluster label decides.
    for cfg in settings.alertmanagers.iter().filter(|a| a.cluster.is_none()) {
        match alertmanager::Client::new(cfg) {
            Ok(client) => {
                out.guards.push(alertmanager::spawn(client.clone(), cfg.interval.0, tx.clone(), out.clock));
                out.alertmanagers.push(client);
            }
            Err(e) => tracing::warn!(url = %cfg.url, error = %e, "Alertmanager not started"),
        }
    }
    out
}
