//! Everything resolved before the loop starts: settings from flags and config, the sources
//! started, the executor wired to their backend. Shared by the console and headless modes.

use std::path::PathBuf;

use crate::app::audit::AuditLog;
use crate::app::executor::{Backend, Executor};
use crate::config::sources::{
    AlertmanagerConfig, ArgocdConfig, ArgocdMode, AwsConfig, CloudWatchConfig, CostConfig, EksConfig,
};
use crate::config::{Keymap, Theme};
use crate::sources::{self, Clock, TaskGuard, alertmanager, argocd, cloudwatch, cost, demo, eks, kube};
use crate::state::{Message, State, update};

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
    /// Who silences are created by.
    pub user: String,
    pub alertmanagers: Vec<AlertmanagerConfig>,
    pub aws: AwsConfig,
    pub cloudwatch: CloudWatchConfig,
    pub eks: EksConfig,
    pub cost: CostConfig,
    pub argocd: ArgocdConfig,
    /// Where the bill is cached between runs.
    pub cache_dir: Option<PathBuf>,
    /// Production patterns and per-context read-only.
    pub safety: crate::config::safety::Safety,
    /// Where user themes and keymaps are looked up (`:theme NAME`).
    pub config_dir: Option<PathBuf>,
}

impl Settings {
    /// The context's safety flags onto the store: production, and read-only by flag, config
    /// or the context's own setting.
    pub fn apply_safety(&self, state: &mut State) {
        state.production = self.safety.is_production(&state.context);
        state.readonly = self.readonly || self.safety.readonly(&state.context);
    }

    /// The theme `context` is drawn in: its own (`[contexts."NAME"] theme`), else the default;
    /// None when `--theme` chose one for every context.
    pub fn context_theme(&self, context: &str) -> Option<&str> {
        let default = self.default_theme.as_deref()?;
        Some(self.safety.contexts.get(context).and_then(|c| c.theme.as_deref()).unwrap_or(default))
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
}

/// Start the configured sources. Without `--demo` and with no real source configured, the
/// panes say so rather than pretending.
pub fn start(settings: &Settings) -> anyhow::Result<Running> {
    let (tx, rx) = sources::channel();
    let audit = AuditLog::new(settings.audit_path.clone()).for_demo(settings.demo);
    let mut guards = Vec::new();
    let mut switcher = None;
    let (clock, backend, context) = if settings.demo {
        let epoch = sources::wall_now();
        let clock = Clock::simulated(epoch, settings.speed);
        let (handle, guard) = demo::spawn(settings.seed, epoch, settings.speed, tx.clone());
        guards.push(guard);
        (clock, Backend::Demo(handle), settings.context.clone().unwrap_or_else(|| demo::CONTEXT.to_string()))
    } else {
        let target = kube::Target {
            kubeconfig: settings.kubeconfig.clone(),
            context: settings.context.clone(),
            scope: settings.scope.clone(),
        };
        match kube::resolve(&target) {
            Ok(resolved) => {
                let context = resolved.context.clone();
                let (handle, guard) = kube::start(resolved, tx.clone());
                switcher = Some(super::switch::KubeSwitcher {
                    tx: tx.clone(),
                    target,
                    guard: Some(guard),
                    argocd: None,
                });
                (Clock::Wall, Backend::Kube(handle), context)
            }
            Err(e) => {
                // No kubeconfig is a setup without Kubernetes, not an error to stop on.
                tracing::info!(error = %e, "Kubernetes not configured");
                let reason = format!("{e:#}");
                for (id, feeds) in kube::FEEDS {
                    let m = Message::Disabled {
                        source: kube::source(*id),
                        feeds: feeds.to_vec(),
                        reason: reason.clone(),
                    };
                    let _ = tx.try_send(m);
                }
                (Clock::Wall, Backend::None, settings.context.clone().unwrap_or_else(|| "(none)".to_string()))
            }
        }
    };
    let mut alertmanagers = Vec::new();
    let mut cost_handle = None;
    let mut argocd_handle = None;
    if !settings.demo && settings.argocd.enabled {
        let kube_handle = match &backend {
            Backend::Kube(h) => Some(h.clone()),
            _ => None,
        };
        match argocd::start(&settings.argocd, kube_handle, &settings.user, tx.clone(), clock) {
            Ok((handle, guard)) => {
                argocd_handle = Some(handle.clone());
                // In Kubernetes mode it follows `:ctx` with the other Kubernetes sources.
                match switcher.as_mut().filter(|_| settings.argocd.mode == ArgocdMode::Kubernetes) {
                    Some(s) => {
                        s.argocd = Some(super::switch::ArgocdFollower {
                            cfg: settings.argocd.clone(),
                            user: settings.user.clone(),
                            clock,
                            guard: Some(guard),
                            handle: Some(handle),
                        })
                    }
                    None => guards.push(guard),
                }
            }
            Err(reason) => {
                let m = Message::Disabled {
                    source: argocd::source(),
                    feeds: vec![crate::state::PaneId::ArgoCd],
                    reason,
                };
                let _ = tx.try_send(m);
            }
        }
    }
    if !settings.demo {
        for cfg in &settings.alertmanagers {
            let client = alertmanager::Client::new(cfg)
                .map_err(|e| anyhow::anyhow!("[[alertmanager]] {}: {e}", cfg.url))?;
            guards.push(alertmanager::spawn(client.clone(), cfg.interval.0, tx.clone(), clock));
            alertmanagers.push(client);
        }
        if settings.cloudwatch.alarms {
            guards.push(cloudwatch::alarms::spawn(
                settings.aws.clone(),
                settings.cloudwatch.clone(),
                tx.clone(),
                clock,
            ));
        }
        if !settings.cloudwatch.metrics.is_empty() {
            let (aws, cw) = (settings.aws.clone(), settings.cloudwatch.clone());
            guards.push(cloudwatch::metrics::spawn(aws, cw, tx.clone(), clock));
        }
        if settings.eks.enabled {
            guards.push(eks::spawn(settings.aws.clone(), settings.eks.clone(), tx.clone(), clock));
        }
        if settings.cost.enabled {
            let dir = settings.cache_dir.as_ref().map(|d| d.join("cost"));
            let (handle, guard) =
                cost::spawn(settings.aws.clone(), settings.cost.clone(), dir, tx.clone(), clock);
            guards.push(guard);
            cost_handle = Some(handle);
        }
    }
    let mut state = State::new(context, clock.now());
    settings.apply_safety(&mut state);
    state.user = settings.user.clone();
    update(&mut state, Message::Tick(clock.now()));
    let streams = super::pod_streams::PodStreams::new(backend.clone(), tx.clone());
    let views = super::view_streams::ViewStreams::new(backend.clone(), tx.clone());
    let forwards = super::forwards::Forwards::new(backend.clone(), tx.clone());
    drop(tx);
    let (results_tx, results) = tokio::sync::mpsc::channel(64);
    let executor = Executor::new(backend, audit, results_tx, clock)
        .with_alertmanagers(alertmanagers)
        .with_cost(cost_handle)
        .with_argocd(argocd_handle);
    // The kinds the cluster serves, for `:KIND` (read once; again on a switch or an unknown kind).
    // The demo says itself that it has none.
    if !settings.demo {
        executor.discover();
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
        views,
        forwards,
    })
}
