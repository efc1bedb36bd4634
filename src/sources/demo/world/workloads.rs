//! The simulated cluster's objects: nodes, workloads (Deployment / StatefulSet / DaemonSet) and
//! pods with their lifecycle stage, and how they are published as Kubernetes would show them.

use super::World;
use super::util::{fnv, go_duration, smooth_noise};
use crate::domain::WorkloadKind;
use crate::state::UnixMs;
use crate::state::infra::{CapacityType, Node, NodeReadiness};
use crate::state::pods::{Owner, Pod, PodPhase};

pub struct SimNode {
    pub name: String,
    pub zone: &'static str,
    /// Third octet of the node's address; pods get addresses from the same /19.
    pub subnet: u32,
    pub instance_type: &'static str,
    pub group: &'static str,
    pub capacity: CapacityType,
    pub cpu_alloc: u64,
    pub mem_alloc: u64,
    pub max_pods: u32,
    pub created_at: UnixMs,
    pub cordoned: bool,
}

pub struct Workload {
    pub ns: &'static str,
    pub name: &'static str,
    pub kind: WorkloadKind,
    /// Desired replicas (Deployments and StatefulSets; DaemonSets run one per node).
    pub replicas: u32,
    pub containers: u32,
    pub cpu_req: u64,
    pub mem_req: u64,
    /// CPU limit (milli), where one is set: usage is throttled there.
    pub cpu_lim: Option<u64>,
    /// Typical usage of a pod that is not driven by storefront traffic.
    pub cpu_use: u64,
    pub mem_use: u64,
    /// The live image, and what Git says it should be.
    pub image: String,
    pub git_image: String,
    /// The live pod-template hash, and the one Git's template has.
    pub hash: String,
    pub git_hash: String,
    /// The live template runs the bad image.
    pub bad: bool,
    /// Index of the storefront service whose traffic drives the pods.
    pub service: Option<usize>,
    pub rolled_at: UnixMs,
    /// The Deployment's ReplicaSets as revisions, oldest first (the controller keeps ten).
    pub revisions: Vec<SimRevision>,
}

/// One ReplicaSet of a Deployment: its revision number, when it was created, its template.
pub struct SimRevision {
    pub number: i64,
    pub created_at: UnixMs,
    pub image: String,
    pub hash: String,
}

impl Workload {
    /// The template changed: a new revision, or, when it is an old template again (a rollback,
    /// a sync back to Git), the old ReplicaSet under the next number, as the controller does.
    pub fn record_revision(&mut self, now: UnixMs) {
        if self.kind != WorkloadKind::Deployment {
            return;
        }
        let next = self.revisions.iter().map(|r| r.number).max().unwrap_or(0) + 1;
        if let Some(r) = self.revisions.iter_mut().find(|r| r.hash == self.hash) {
            r.number = next;
            return;
        }
        self.revisions.push(SimRevision {
            number: next,
            created_at: now,
            image: self.image.clone(),
            hash: self.hash.clone(),
        });
        if self.revisions.len() > 10 {
            self.revisions.remove(0);
        }
    }

    pub fn owner(&self) -> Owner {
        Owner { kind: self.kind.label().into(), name: self.name.into() }
    }

    /// The main container's name.
    pub fn container(&self) -> &'static str {
        match self.name {
            "ebs-csi-node" | "ebs-csi-controller" => "ebs-plugin",
            "coredns" => "coredns",
            n => n.strip_prefix("argocd-").unwrap_or(n),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// Waiting for the scheduler (or unschedulable when `unschedulable` is set).
    Pending,
    /// Scheduled; pulling the image and creating the container.
    Creating,
    /// Running, readiness probe not yet passed.
    Starting,
    Ready,
    /// The container crashed; kubelet waits before restarting it.
    BackOff,
    /// Restarted after a crash; it will crash again.
    CrashRun,
    /// The image pull just failed (ErrImagePull).
    PullFailed,
    /// Waiting to pull again (ImagePullBackOff); it will fail again.
    PullBackOff,
    Terminating,
}

pub struct SimPod {
    pub wl: usize,
    pub name: String,
    /// StatefulSet ordinal, DaemonSet node index; 0 for Deployments.
    pub slot: u32,
    pub hash: String,
    /// Runs the bad image: crashes once it takes traffic.
    pub bad: bool,
    /// The image of its template, which later templates do not change.
    pub image: String,
    /// Its image's tag is not in the registry: every pull fails.
    pub unpullable: bool,
    /// Pulls failed so far: the kubelet's back-off doubles with each.
    pub pull_failures: u32,
    pub node: Option<usize>,
    pub ip: String,
    pub uid: String,
    pub created_at: UnixMs,
    pub stage: Stage,
    /// When the current stage ends (`UnixMs::MAX` for a healthy Ready pod).
    pub until: UnixMs,
    /// When it last became ready.
    pub ready_at: UnixMs,
    pub restarts: u32,
    pub last_restart: Option<UnixMs>,
    pub crashes: u32,
    pub crashloop_since: Option<UnixMs>,
    /// Per-pod spread of resource usage.
    pub jitter: f64,
    /// The scheduler's message while no node fits.
    pub unschedulable: Option<String>,
}

impl SimPod {
    pub fn active(&self) -> bool {
        self.stage != Stage::Terminating
    }
    pub fn ready(&self) -> bool {
        self.stage == Stage::Ready
    }
    pub fn crashlooping(&self) -> bool {
        matches!(self.stage, Stage::BackOff | Stage::CrashRun)
    }
    /// Not ready and not going to be: for Argo CD health and the error rate.
    pub fn failing(&self) -> bool {
        self.crashlooping() || (self.bad && self.stage == Stage::Ready && self.crashes > 0)
    }
}

/// What the container runtime says when an image's tag is not in the registry.
pub fn pull_error(image: &str) -> String {
    format!(
        "rpc error: code = NotFound desc = failed to pull and unpack image \"{image}\": failed to resolve reference \"{image}\": {image}: not found"
    )
}

/// Kubelet's restart back-off after the `crashes`-th crash: 10 s doubling, capped at 5 min.
pub fn backoff_ms(crashes: u32) -> i64 {
    (10_000i64 << crashes.saturating_sub(1).min(5)).min(300_000)
}

impl World {
    /// Ready pods of each workload, indexed like `workloads`.
    pub(super) fn ready_counts(&self) -> Vec<u32> {
        let mut out = vec![0u32; self.workloads.len()];
        for p in &self.pods {
            if p.ready() {
                out[p.wl] += 1;
            }
        }
        out
    }

    /// Current CPU (milli) and memory (bytes) of a pod, from traffic or its typical use.
    fn usage(&self, p: &SimPod, ready_of_wl: u32) -> (u64, u64) {
        let w = &self.workloads[p.wl];
        let wobble = 1.0 + 0.08 * smooth_noise(self.seed ^ fnv(p.uid.as_bytes()), self.now, 30_000);
        let (cpu, mem) = match w.service {
            Some(s) => {
                let load = self.traffic.load(self.seed, self.epoch, self.now);
                let cpu = self.traffic.demand(s, load) / ready_of_wl.max(1) as f64;
                let cpu = w.cpu_lim.map_or(cpu, |l| cpu.min(l as f64 / p.jitter / 1.08));
                let mem = w.mem_req as f64 * (0.42 + 0.16 * load);
                (cpu, mem)
            }
            None => (w.cpu_use as f64, w.mem_use as f64),
        };
        let scale = match p.stage {
            Stage::Ready => 1.0,
            Stage::Terminating => 0.3,
            _ => 0.25,
        };
        (
            (cpu * p.jitter * wobble * scale).max(1.0) as u64,
            (mem * (0.9 + 0.1 * p.jitter) * scale.max(0.6)) as u64,
        )
    }

    pub(super) fn publish_pod(&self, p: &SimPod, ready_of_wl: u32) -> Pod {
        let w = &self.workloads[p.wl];
        let (phase, ready, reason, message) = match p.stage {
            Stage::Pending => match &p.unschedulable {
                Some(m) => (PodPhase::Pending, 0, Some("Unschedulable".to_string()), Some(m.clone())),
                None => (PodPhase::Pending, 0, None, None),
            },
            Stage::Creating => (PodPhase::Pending, 0, None, Some("ContainerCreating".to_string())),
            Stage::Starting => (PodPhase::Running, 0, None, None),
            Stage::Ready => (PodPhase::Running, w.containers, None, None),
            Stage::BackOff | Stage::CrashRun => {
                let msg = format!(
                    "back-off {} restarting failed container={} pod={}_{}({})",
                    go_duration(backoff_ms(p.crashes)),
                    w.container(),
                    p.name,
                    w.ns,
                    p.uid
                );
                (PodPhase::Running, w.containers - 1, Some("CrashLoopBackOff".to_string()), Some(msg))
            }
            Stage::Terminating => (PodPhase::Running, 0, Some("Terminating".to_string()), None),
            Stage::PullFailed => {
                (PodPhase::Pending, 0, Some("ErrImagePull".to_string()), Some(pull_error(&p.image)))
            }
            Stage::PullBackOff => {
                let msg = format!("Back-off pulling image \"{}\"", p.image);
                (PodPhase::Pending, 0, Some("ImagePullBackOff".to_string()), Some(msg))
            }
        };
        let metrics =
            matches!(p.stage, Stage::Ready | Stage::Starting | Stage::CrashRun | Stage::Terminating);
        let (cpu, mem) = if metrics { self.usage(p, ready_of_wl) } else { (0, 0) };
        Pod {
            cluster: Default::default(),
            namespace: w.ns.into(),
            name: p.name.as_str().into(),
            phase,
            ready,
            containers: w.containers,
            reason,
            message,
            restarts: p.restarts,
            last_restart: p.last_restart,
            created_at: p.created_at,
            node: p.node.map(|n| self.nodes[n].name.as_str().into()),
            owner: Some(w.owner()),
            cpu_milli: metrics.then_some(cpu),
            mem_bytes: metrics.then_some(mem),
        }
    }

    pub fn pods(&self) -> Vec<Pod> {
        let ready = self.ready_counts();
        self.pods.iter().map(|p| self.publish_pod(p, ready[p.wl])).collect()
    }

    pub fn nodes(&self) -> Vec<Node> {
        self.nodes
            .iter()
            .enumerate()
            .map(|(i, n)| {
                let (mut pods, mut cpu, mut mem) = (0u32, 0u64, 0u64);
                for p in self.pods.iter().filter(|p| p.node == Some(i)) {
                    let w = &self.workloads[p.wl];
                    pods += 1;
                    cpu += w.cpu_req;
                    mem += w.mem_req;
                }
                Node {
                    cluster: Default::default(),
                    name: n.name.clone(),
                    ready: NodeReadiness::Ready,
                    cordoned: n.cordoned,
                    zone: n.zone.to_string(),
                    instance_type: n.instance_type.to_string(),
                    node_group: Some(n.group.to_string()),
                    capacity_type: Some(n.capacity),
                    pods,
                    cpu_requested_milli: cpu,
                    cpu_allocatable_milli: n.cpu_alloc,
                    mem_requested_bytes: mem,
                    mem_allocatable_bytes: n.mem_alloc,
                    pressure: Vec::new(),
                    conditions: Vec::new(),
                    created_at: n.created_at,
                }
            })
            .collect()
    }
}

/// How long a Deployment may go without progress before its rollout fails (the API default).
const PROGRESS_DEADLINE_MS: i64 = 600_000;

impl World {
    /// Whether Deployment `wl`'s rollout has run out of its progress deadline. The deadline
    /// runs from the rollout's last progress, so only a rollout whose new pods never become
    /// ready fails: in the demo, a bad image or one that cannot be pulled. A scale-up of a good
    /// template is not a rollout and never fails.
    pub(super) fn rollout_stuck(&self, wl: usize) -> bool {
        let w = &self.workloads[wl];
        if w.kind != WorkloadKind::Deployment
            || !(w.bad || self.image_missing(&w.image))
            || self.now - w.rolled_at <= PROGRESS_DEADLINE_MS
        {
            return false;
        }
        let new_ready = self
            .pods
            .iter()
            .filter(|p| p.wl == wl && p.active() && p.hash == w.hash && p.ready() && !p.failing())
            .count();
        (new_ready as u32) < w.replicas
    }

    /// When Deployment `wl`'s rollout ran out of its deadline, if it has.
    pub(super) fn rollout_stuck_since(&self, wl: usize) -> Option<UnixMs> {
        self.rollout_stuck(wl).then(|| self.workloads[wl].rolled_at + PROGRESS_DEADLINE_MS)
    }

    /// The Deployments, StatefulSets and DaemonSets as their status would report them.
    /// Every Deployment's revisions, as its ReplicaSets tell them.
    pub fn revisions(&self) -> Vec<crate::state::workloads::Revision> {
        let mut out = Vec::new();
        for w in &self.workloads {
            for r in &w.revisions {
                out.push(crate::state::workloads::Revision {
                    namespace: w.ns.to_string(),
                    workload: w.name.to_string(),
                    revision: r.number,
                    created_at: r.created_at,
                    images: vec![(w.container().to_string(), r.image.clone())],
                    config: fnv(r.hash.as_bytes()),
                });
            }
        }
        out
    }

    pub fn workloads(&self) -> Vec<crate::state::workloads::Workload> {
        use crate::state::workloads::Workload as Row;
        let created = self.nodes.iter().map(|n| n.created_at).min().unwrap_or(0);
        self.workloads
            .iter()
            .enumerate()
            .map(|(i, w)| {
                let pods = || self.pods.iter().filter(move |p| p.wl == i && p.active());
                let kind = w.kind;
                let desired =
                    if w.kind == WorkloadKind::DaemonSet { self.nodes.len() as u32 } else { w.replicas };
                let ready = pods().filter(|p| p.ready()).count() as u32;
                let updated = pods().filter(|p| p.hash == w.hash).count() as u32;
                let failure = self.rollout_stuck(i).then(|| {
                    let msg = format!("ReplicaSet \"{}-{}\" has timed out progressing.", w.name, w.hash);
                    ("ProgressDeadlineExceeded".to_string(), msg)
                });
                Row {
                    cluster: Default::default(),
                    namespace: w.ns.to_string(),
                    kind,
                    name: w.name.to_string(),
                    desired,
                    ready,
                    updated: updated.min(desired),
                    available: ready,
                    paused: false,
                    spec_pending: false,
                    failure,
                    image: w.image.clone(),
                    template: crate::sources::demo::world::fnv(w.hash.as_bytes()),
                    created_at: created,
                }
            })
            .collect()
    }
}
