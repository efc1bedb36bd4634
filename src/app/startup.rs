//! Everything resolved before the loop starts: settings from flags and config, the sources
//! started, the executor wired to their backend. Shared by the console and headless modes.

use std::path::PathBuf;

use crate::actions::audit::AuditLog;
use crate::actions::executor::{Backend, Executor};
use crate::config::{Keymap, Theme};
use crate::sources::{self, Clock, TaskGuard, demo, kube};
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
    pub scope: Option<kube::Scope>,
    /// A kubeconfig other than KUBECONFIG / ~/.kube/config.
    pub kubeconfig: Option<PathBuf>,
    pub theme: Theme,
    pub keymap: Keymap,
    pub audit_path: Option<PathBuf>,
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
}

/// Start the configured sources. Without `--demo` and with no real source configured, the
/// panes say so rather than pretending.
pub fn start(settings: &Settings) -> anyhow::Result<Running> {
    let (tx, rx) = sources::channel();
    let audit = AuditLog::new(settings.audit_path.clone());
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
                switcher = Some(super::switch::KubeSwitcher { tx: tx.clone(), target, guard: Some(guard) });
                (Clock::Wall, Backend::Kube(handle), context)
            }
            Err(e) => {
                // No kubeconfig is a setup without Kubernetes, not an error to stop on.
                tracing::info!(error = %e, "Kubernetes not configured");
                let reason = format!("{e:#}");
                for (id, feeds) in kube::FEEDS {
                    let m = Message::Disabled {
                        source: kube::source(id),
                        feeds: feeds.to_vec(),
                        reason: reason.clone(),
                    };
                    let _ = tx.try_send(m);
                }
                (Clock::Wall, Backend::None, settings.context.clone().unwrap_or_else(|| "(none)".to_string()))
            }
        }
    };
    let mut state = State::new(context, clock.now());
    state.readonly = settings.readonly;
    update(&mut state, Message::Tick(clock.now()));
    drop(tx);
    let (results_tx, results) = tokio::sync::mpsc::channel(64);
    let executor = Executor::new(backend, audit, results_tx, clock);
    Ok(Running { state, rx, results, executor, clock, _guards: guards, kube: switcher })
}
