//! Argo CD in the demo world: the app-of-apps tree, sync operations (user and auto-sync), new
//! commits that arrive now and then, and how each Application's sync and health are derived.

use super::World;
use super::profile::Profile;
use super::util::{HOUR, MIN, SEC, sha};
use super::workloads::Stage;
use crate::state::UnixMs;
use crate::state::argocd::{
    AppResource, ArgoApp, HealthStatus, Operation, OperationPhase, SyncHistory, SyncStatus,
};

pub const ROOT: &str = "platform-root";
const SYNCED_MSG: &str = "successfully synced (all tasks run)";

pub struct SimApp {
    pub name: &'static str,
    pub project: &'static str,
    pub parent: Option<&'static str>,
    pub namespace: &'static str,
    pub target_revision: &'static str,
    /// The revision last synced, and Git's head for the app's path.
    pub revision: String,
    pub git_revision: String,
    pub auto_sync: bool,
    /// Indices of the workloads it manages.
    pub workloads: Vec<usize>,
    /// Other resources it manages: kind, namespace, name.
    pub extras: Vec<(&'static str, &'static str, String)>,
    pub last_sync: Operation,
    pub op: Option<SimOp>,
    /// When Git's head moved past `revision` (a new commit waiting for auto-sync).
    pub pending_since: Option<UnixMs>,
    /// Deployed syncs, newest last, as `status.history`.
    pub history: Vec<SyncHistory>,
}

pub struct SimOp {
    pub started_at: UnixMs,
    pub apply_at: UnixMs,
    pub finish_at: UnixMs,
    pub applied: bool,
    pub revision: String,
    /// Started by a user's sync rather than the auto-sync policy.
    pub by_user: bool,
}

/// name, project, destination namespace, target revision, auto-sync, workloads.
type AppSpec = (&'static str, &'static str, &'static str, &'static str, bool, &'static [&'static str]);

const APPS: &[AppSpec] = &[
    (ROOT, "default", "argocd", "HEAD", true, &[]),
    (
        "platform-monitoring",
        "platform",
        "monitoring",
        "HEAD",
        true,
        &[
            "prometheus",
            "alertmanager",
            "grafana",
            "loki",
            "kube-state-metrics",
            "prometheus-operator",
            "node-exporter",
            "promtail",
        ],
    ),
    (
        "platform-ingress",
        "platform",
        "ingress",
        "HEAD",
        true,
        &["aws-load-balancer-controller", "external-dns"],
    ),
    (
        "platform-security",
        "platform",
        "security",
        "HEAD",
        true,
        &[
            "external-secrets",
            "external-secrets-webhook",
            "external-secrets-cert-controller",
            "cert-manager",
            "cert-manager-cainjector",
            "cert-manager-webhook",
        ],
    ),
    ("platform-autoscaler", "platform", "kube-system", "HEAD", true, &["cluster-autoscaler"]),
    ("services-frontend", "services", "storefront", "main", true, &["frontend"]),
    ("services-product", "services", "storefront", "main", true, &["product"]),
    ("services-cart", "services", "storefront", "main", false, &["cart"]),
    ("services-order", "services", "storefront", "main", true, &["order"]),
];

fn extras(app: &str, profile: Profile) -> Vec<(&'static str, &'static str, String)> {
    let mut out: Vec<(&'static str, &'static str, String)> = Vec::new();
    match app {
        ROOT => {
            for (name, ..) in &APPS[1..] {
                out.push(("Application", "argocd", name.to_string()));
            }
        }
        "platform-monitoring" => {
            out.push(("Service", "monitoring", "prometheus".into()));
            out.push(("Service", "monitoring", "grafana".into()));
            out.push(("ConfigMap", "monitoring", "grafana-dashboards".into()));
            out.push(("PrometheusRule", "monitoring", "platform-alerts".into()));
        }
        "platform-ingress" => {
            out.push(("ServiceAccount", "ingress", "aws-load-balancer-controller".into()));
            out.push(("IngressClass", "", "alb".into()));
        }
        "platform-security" => {
            // Dev's certificates come from the staging CA, whose rate limits are generous.
            let issuer = if profile == Profile::Dev { "letsencrypt-staging" } else { "letsencrypt-prod" };
            out.push(("ClusterIssuer", "", issuer.into()));
            out.push(("ClusterSecretStore", "", "aws-secrets-manager".into()));
        }
        "platform-autoscaler" => {
            out.push(("ServiceAccount", "kube-system", "cluster-autoscaler".into()));
            out.push(("ClusterRole", "", "cluster-autoscaler".into()));
        }
        name => {
            let svc = name.trim_start_matches("services-");
            out.push(("Service", "storefront", svc.to_string()));
            out.push(("HorizontalPodAutoscaler", "storefront", svc.to_string()));
            out.push(("ConfigMap", "storefront", format!("{svc}-config")));
            out.push(("ServiceAccount", "storefront", svc.to_string()));
            out.push(("PodDisruptionBudget", "storefront", svc.to_string()));
        }
    }
    out
}

impl World {
    pub(super) fn build_apps(&mut self) {
        for (name, project, ns, target, auto, wls) in APPS {
            // Dev tracks `develop` everywhere and syncs itself: nobody gates a dev deploy.
            let (target, auto) = match self.profile {
                Profile::Prod => (*target, *auto),
                Profile::Dev => ("develop", true),
            };
            let workloads = wls
                .iter()
                .filter_map(|n| self.workloads.iter().position(|w| w.name == *n))
                .collect::<Vec<_>>();
            let rev = sha(&mut self.rng);
            let started = self.epoch - self.rng.i64(8 * MIN..30 * HOUR);
            let finished = started + self.rng.i64(3 * SEC..12 * SEC);
            let who = if auto { "automated sync policy" } else { "alice" };
            let history = vec![SyncHistory {
                id: 0,
                revision: rev.clone(),
                deployed_at: finished,
                initiated_by: who.into(),
            }];
            self.apps.push(SimApp {
                name,
                project,
                parent: (*name != ROOT).then_some(ROOT),
                namespace: ns,
                target_revision: target,
                git_revision: rev.clone(),
                revision: rev,
                auto_sync: auto,
                workloads,
                extras: extras(name, self.profile),
                last_sync: Operation {
                    phase: OperationPhase::Succeeded,
                    message: SYNCED_MSG.into(),
                    started_at: started,
                    finished_at: Some(finished),
                },
                op: None,
                pending_since: None,
                history,
            });
        }
    }

    /// Terminates app `a`'s running operation, as Argo CD does: what was applied stays, the
    /// operation ends as Failed.
    pub(super) fn terminate_operation(&mut self, a: usize) -> Result<String, String> {
        let now = self.now;
        let app = &mut self.apps[a];
        let Some(op) = app.op.take() else {
            return Err(crate::sources::argocd::NO_OPERATION.into());
        };
        app.last_sync = Operation {
            phase: OperationPhase::Failed,
            message: "Operation terminated".into(),
            started_at: op.started_at,
            finished_at: Some(now),
        };
        Ok("operation terminated".into())
    }

    /// Starts a sync operation on app `a` (the caller checked none is running).
    pub(super) fn start_sync(&mut self, a: usize) {
        self.start_op(a, false);
    }

    pub(super) fn start_user_sync(&mut self, a: usize) {
        self.start_op(a, true);
    }

    fn start_op(&mut self, a: usize, by_user: bool) {
        let now = self.now;
        let app = &mut self.apps[a];
        app.op = Some(SimOp {
            started_at: now,
            apply_at: now + SEC,
            finish_at: now + self.rng.i64(3 * SEC..=5 * SEC),
            applied: false,
            revision: app.git_revision.clone(),
            by_user,
        });
    }

    pub(super) fn argo_tick(&mut self) {
        let now = self.now;
        for a in 0..self.apps.len() {
            if let Some(op) = self.apps[a].op.as_mut().filter(|o| !o.applied && now >= o.apply_at) {
                op.applied = true;
                self.apply_git(a);
            }
            let app = &mut self.apps[a];
            if let Some(op) = app.op.take_if(|o| now >= o.finish_at) {
                let id = app.history.last().map_or(0, |h| h.id + 1);
                let who = if op.by_user { "flightdeck" } else { "automated sync policy" };
                app.history.push(SyncHistory {
                    id,
                    revision: op.revision.clone(),
                    deployed_at: now,
                    initiated_by: who.into(),
                });
                // Argo CD keeps the last ten by default.
                if app.history.len() > 10 {
                    app.history.remove(0);
                }
                app.revision = op.revision;
                app.pending_since = None;
                app.last_sync = Operation {
                    phase: OperationPhase::Succeeded,
                    message: SYNCED_MSG.into(),
                    started_at: op.started_at,
                    finished_at: Some(now),
                };
            }
            let app = &self.apps[a];
            if app.auto_sync && app.op.is_none() && app.pending_since.is_some_and(|t| now - t >= 3 * SEC) {
                self.start_sync(a);
            }
        }
        // Now and then someone merges to the GitOps repo.
        if now >= self.next_commit_at {
            self.next_commit_at = now + self.rng.i64(150 * SEC..330 * SEC);
            let candidates =
                self.apps.iter().filter(|a| a.auto_sync && a.op.is_none() && a.name != ROOT).count();
            if candidates > 0 {
                let pick = self.rng.usize(..candidates);
                let commit = sha(&mut self.rng);
                if let Some(app) =
                    self.apps.iter_mut().filter(|a| a.auto_sync && a.op.is_none() && a.name != ROOT).nth(pick)
                {
                    app.git_revision = commit;
                    app.pending_since = Some(now);
                }
            }
        }
    }

    /// The sync applies Git's manifests: live drift on the app's workloads is undone.
    fn apply_git(&mut self, a: usize) {
        for i in 0..self.apps[a].workloads.len() {
            let wl = self.apps[a].workloads[i];
            let w = &mut self.workloads[wl];
            if w.image != w.git_image || w.hash != w.git_hash {
                w.image = w.git_image.clone();
                w.hash = w.git_hash.clone();
                w.bad = false;
                w.rolled_at = self.now;
            }
        }
    }

    fn workload_health(&self, wl: usize) -> HealthStatus {
        let w = &self.workloads[wl];
        let (mut active, mut ready, mut failing, mut outdated) = (0u32, 0u32, false, false);
        for p in self.pods.iter().filter(|p| p.wl == wl) {
            failing |= p.failing() && p.active();
            if p.active() {
                active += 1;
                ready += (p.stage == Stage::Ready && !p.failing()) as u32;
                outdated |= p.hash != w.hash;
            }
        }
        let want = if w.kind == crate::domain::WorkloadKind::DaemonSet {
            self.nodes.len() as u32
        } else {
            w.replicas
        };
        // Argo CD calls a Deployment past its progress deadline Degraded, whatever its pods.
        if failing || self.rollout_stuck(wl) {
            HealthStatus::Degraded
        } else if outdated || active != want || ready < want {
            HealthStatus::Progressing
        } else {
            HealthStatus::Healthy
        }
    }

    fn drifted(&self, wl: usize) -> bool {
        let w = &self.workloads[wl];
        w.image != w.git_image
    }

    fn app_state(&self, a: usize) -> (SyncStatus, HealthStatus, Vec<AppResource>) {
        let app = &self.apps[a];
        let pending = app.git_revision != app.revision;
        let mut resources = Vec::new();
        let mut sync = SyncStatus::Synced;
        let mut health = HealthStatus::Healthy;
        let rank = |h: HealthStatus| match h {
            HealthStatus::Healthy => 0,
            HealthStatus::Suspended => 1,
            HealthStatus::Progressing => 2,
            HealthStatus::Missing => 3,
            HealthStatus::Degraded => 4,
            HealthStatus::Unknown => 5,
        };
        for &wl in &app.workloads {
            let w = &self.workloads[wl];
            let h = self.workload_health(wl);
            let s = if self.drifted(wl) { SyncStatus::OutOfSync } else { SyncStatus::Synced };
            if s == SyncStatus::OutOfSync {
                sync = s;
            }
            if rank(h) > rank(health) {
                health = h;
            }
            resources.push(AppResource {
                kind: w.kind.label().into(),
                namespace: w.ns.into(),
                name: w.name.into(),
                sync: s,
                health: Some(h),
            });
        }
        for (kind, ns, name) in &app.extras {
            // A new commit changes the app's configuration until it is synced.
            let s = if pending && *kind == "ConfigMap" { SyncStatus::OutOfSync } else { SyncStatus::Synced };
            if s == SyncStatus::OutOfSync {
                sync = s;
            }
            let h = match *kind {
                "Service"
                | "HorizontalPodAutoscaler"
                | "PodDisruptionBudget"
                | "ClusterIssuer"
                | "ClusterSecretStore" => Some(HealthStatus::Healthy),
                _ => None,
            };
            resources.push(AppResource {
                kind: kind.to_string(),
                namespace: ns.to_string(),
                name: name.clone(),
                sync: s,
                health: h,
            });
        }
        if pending && sync == SyncStatus::Synced {
            sync = SyncStatus::OutOfSync;
        }
        (sync, health, resources)
    }

    pub fn apps(&self) -> Vec<ArgoApp> {
        (0..self.apps.len())
            .map(|a| {
                let (sync, health, resources) = self.app_state(a);
                let app = &self.apps[a];
                ArgoApp {
                    cluster: Default::default(),
                    name: app.name.into(),
                    project: app.project.into(),
                    parent: app.parent.map(str::to_string),
                    sync,
                    health,
                    target_revision: app.target_revision.into(),
                    synced_revision: app.revision.clone(),
                    auto_sync: app.auto_sync,
                    destination_namespace: app.namespace.into(),
                    last_sync: Some(app.last_sync.clone()),
                    operation: app.op.as_ref().map(|o| Operation {
                        phase: OperationPhase::Running,
                        message: match app.workloads.first() {
                            Some(&wl) if o.applied => {
                                let w = &self.workloads[wl];
                                format!("waiting for healthy state of apps/{}/{}", w.kind.label(), w.name)
                            }
                            _ => "one or more tasks are running".into(),
                        },
                        started_at: o.started_at,
                        finished_at: None,
                    }),
                    conditions: Vec::new(),
                    resources,
                    history: app.history.clone(),
                    manifest: String::new(),
                }
            })
            .collect()
    }
}
