//! The reference platform's inventory: EKS clusters, node groups, add-ons, the nodes and the
//! workloads of every namespace of shop-prod and of shop-dev, plus the initial pods at the epoch.

use super::World;
use super::profile::Profile;
use super::util::{DAY, HOUR, MI, MIN, SEC, kube_suffix, template_hash, uid};
use super::workloads::{SimNode, SimPod, Stage, Workload};
use crate::domain::WorkloadKind;
use crate::domain::source::DemoFeed;
use crate::state::UnixMs;
use crate::state::infra::{Addon, CapacityType, Cluster, NodeGroup};

pub const ECR: &str = "123456789012.dkr.ecr.us-east-1.amazonaws.com/shop";
pub const AMI_PROD: &str = "1.30.4-20240917";
pub const AMI_DEV: &str = "1.31.0-20240917";

/// Managed node groups of shop-prod: name, instance type, count, max, capacity, zones.
type GroupSpec = (&'static str, &'static str, u32, u32, CapacityType, &'static [&'static str]);

const PROD_GROUPS: &[GroupSpec] = &[
    ("general", "t3.large", 3, 6, CapacityType::OnDemand, &["us-east-1a", "us-east-1b", "us-east-1c"]),
    ("compute", "c6i.2xlarge", 2, 8, CapacityType::Spot, &["us-east-1a", "us-east-1b"]),
    ("memory", "r6i.xlarge", 2, 4, CapacityType::OnDemand, &["us-east-1b", "us-east-1c"]),
];

/// Allocatable CPU (milli), memory (MiB) and max pods (VPC CNI) per instance type.
fn allocatable(instance_type: &str) -> (u64, u64, u32) {
    match instance_type {
        "t3.large" => (1930, 7_270, 35),
        "c6i.2xlarge" => (7910, 15_060, 58),
        "r6i.xlarge" => (3920, 30_100, 58),
        "m6i.large" => (1930, 7_100, 29),
        _ => (1930, 3_300, 17),
    }
}

/// One workload: namespace, name, kind, replicas, containers, cpu request (m), memory request
/// (MiB), typical cpu use (m), typical memory use (MiB), image (ECR path for the shop's own),
/// and the storefront service index whose traffic drives it.
struct Spec(
    &'static str,
    &'static str,
    WorkloadKind,
    u32,
    u32,
    u64,
    u64,
    u64,
    u64,
    &'static str,
    Option<usize>,
);

use WorkloadKind::{DaemonSet as Ds, Deployment as Dep, StatefulSet as Sts};

#[rustfmt::skip]
const SPECS: &[Spec] = &[
    Spec("storefront", "frontend", Dep, 3, 1, 100, 128, 0, 0, "frontend:2.4.1", Some(0)),
    Spec("storefront", "product", Dep, 3, 1, 250, 384, 0, 0, "product:3.1.0", Some(1)),
    Spec("storefront", "cart", Dep, 2, 1, 250, 384, 0, 0, "cart:2.4.3", Some(2)),
    Spec("storefront", "order", Dep, 2, 1, 250, 384, 0, 0, "order:1.9.2", Some(3)),
    Spec("data", "pgbouncer", Dep, 3, 2, 100, 128, 35, 42, "bitnami/pgbouncer:1.23.1", None),
    Spec("data", "postgres-exporter", Dep, 1, 1, 50, 64, 8, 28, "quay.io/prometheuscommunity/postgres-exporter:v0.15.0", None),
    Spec("data", "redis-exporter", Dep, 1, 1, 50, 64, 5, 18, "oliver006/redis_exporter:v1.62.0", None),
    Spec("monitoring", "prometheus", Sts, 2, 2, 500, 2048, 310, 1650, "quay.io/prometheus/prometheus:v2.54.1", None),
    Spec("monitoring", "alertmanager", Sts, 2, 2, 50, 128, 4, 38, "quay.io/prometheus/alertmanager:v0.27.0", None),
    Spec("monitoring", "grafana", Dep, 1, 3, 100, 256, 22, 180, "grafana/grafana:11.2.0", None),
    Spec("monitoring", "loki", Sts, 3, 1, 250, 512, 238, 610, "grafana/loki:3.1.1", None),
    Spec("monitoring", "prometheus-adapter", Dep, 2, 1, 50, 128, 8, 64, "registry.k8s.io/prometheus-adapter/prometheus-adapter:v0.12.0", None),
    Spec("monitoring", "blackbox-exporter", Dep, 1, 1, 20, 32, 3, 20, "quay.io/prometheus/blackbox-exporter:v0.25.0", None),
    Spec("monitoring", "kube-state-metrics", Dep, 1, 1, 50, 128, 6, 48, "registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.13.0", None),
    Spec("monitoring", "prometheus-operator", Dep, 1, 1, 100, 128, 9, 52, "quay.io/prometheus-operator/prometheus-operator:v0.76.1", None),
    Spec("monitoring", "node-exporter", Ds, 0, 1, 50, 32, 12, 18, "quay.io/prometheus/node-exporter:v1.8.2", None),
    Spec("monitoring", "promtail", Ds, 0, 1, 50, 64, 18, 72, "grafana/promtail:3.1.1", None),
    Spec("argocd", "argocd-server", Dep, 2, 1, 100, 128, 12, 70, "quay.io/argoproj/argocd:v2.12.4", None),
    Spec("argocd", "argocd-repo-server", Dep, 2, 1, 250, 256, 30, 140, "quay.io/argoproj/argocd:v2.12.4", None),
    Spec("argocd", "argocd-application-controller", Sts, 1, 1, 500, 512, 120, 420, "quay.io/argoproj/argocd:v2.12.4", None),
    Spec("argocd", "argocd-redis", Dep, 1, 1, 100, 64, 4, 12, "public.ecr.aws/docker/library/redis:7.2.4-alpine", None),
    Spec("argocd", "argocd-dex-server", Dep, 1, 1, 10, 32, 2, 22, "ghcr.io/dexidp/dex:v2.41.1", None),
    Spec("argocd", "argocd-applicationset-controller", Dep, 1, 1, 100, 128, 5, 40, "quay.io/argoproj/argocd:v2.12.4", None),
    Spec("argocd", "argocd-notifications-controller", Dep, 1, 1, 100, 128, 3, 30, "quay.io/argoproj/argocd:v2.12.4", None),
    Spec("kube-system", "coredns", Dep, 2, 1, 100, 70, 4, 18, "eks/coredns:v1.11.1-eksbuild.9", None),
    Spec("kube-system", "aws-node", Ds, 0, 2, 25, 0, 3, 42, "amazon-k8s-cni:v1.18.3-eksbuild.1", None),
    Spec("kube-system", "kube-proxy", Ds, 0, 1, 100, 0, 2, 20, "eks/kube-proxy:v1.30.0-minimal-eksbuild.3", None),
    Spec("kube-system", "ebs-csi-node", Ds, 0, 3, 30, 120, 2, 24, "ebs-csi-driver/aws-ebs-csi-driver:v1.34.0", None),
    Spec("kube-system", "ebs-csi-controller", Dep, 2, 6, 60, 240, 5, 60, "ebs-csi-driver/aws-ebs-csi-driver:v1.34.0", None),
    Spec("kube-system", "eks-pod-identity-agent", Ds, 0, 1, 25, 32, 1, 14, "eks/eks-pod-identity-agent:0.1.10", None),
    Spec("kube-system", "aws-node-termination-handler", Ds, 0, 1, 50, 64, 1, 20, "public.ecr.aws/aws-ec2/aws-node-termination-handler:v1.22.0", None),
    Spec("kube-system", "metrics-server", Dep, 1, 1, 100, 200, 6, 28, "registry.k8s.io/metrics-server/metrics-server:v0.7.2", None),
    Spec("kube-system", "cluster-autoscaler", Dep, 1, 1, 100, 600, 4, 60, "registry.k8s.io/autoscaling/cluster-autoscaler:v1.30.2", None),
    Spec("security", "external-secrets", Dep, 1, 1, 10, 32, 3, 40, "ghcr.io/external-secrets/external-secrets:v0.10.3", None),
    Spec("security", "external-secrets-webhook", Dep, 1, 1, 10, 32, 2, 24, "ghcr.io/external-secrets/external-secrets:v0.10.3", None),
    Spec("security", "external-secrets-cert-controller", Dep, 1, 1, 10, 32, 2, 26, "ghcr.io/external-secrets/external-secrets:v0.10.3", None),
    Spec("security", "kyverno", Dep, 3, 1, 100, 256, 14, 150, "ghcr.io/kyverno/kyverno:v1.12.5", None),
    Spec("security", "cert-manager", Dep, 1, 1, 10, 32, 2, 30, "quay.io/jetstack/cert-manager-controller:v1.15.3", None),
    Spec("security", "cert-manager-cainjector", Dep, 1, 1, 10, 32, 2, 34, "quay.io/jetstack/cert-manager-cainjector:v1.15.3", None),
    Spec("security", "cert-manager-webhook", Dep, 1, 1, 10, 32, 1, 14, "quay.io/jetstack/cert-manager-webhook:v1.15.3", None),
    Spec("ingress", "aws-load-balancer-controller", Dep, 2, 1, 100, 128, 3, 36, "eks/aws-load-balancer-controller:v2.8.3", None),
    Spec("ingress", "external-dns", Dep, 1, 1, 50, 64, 1, 22, "registry.k8s.io/external-dns/external-dns:v0.15.0", None),
];

/// shop-dev's managed node groups, as the EKS list (published by prod's world) has them.
const DEV_GROUPS: &[GroupSpec] = &[
    ("general", "t3.large", 2, 4, CapacityType::OnDemand, &["us-east-1a", "us-east-1b"]),
    ("spot", "m6i.large", 1, 3, CapacityType::Spot, &["us-east-1b"]),
];

/// shop-dev: the same platform on Kubernetes 1.31 (its EKS add-on versions), one replica of
/// nearly everything, storefront builds from `develop`, a smaller monitoring stack (no Loki,
/// no log shipping, no blackbox probes) and Argo CD without SSO or notifications.
#[rustfmt::skip]
const DEV_SPECS: &[Spec] = &[
    Spec("storefront", "frontend", Dep, 1, 1, 100, 128, 0, 0, "frontend:2.5.0-dev.41", Some(0)),
    Spec("storefront", "product", Dep, 1, 1, 250, 384, 0, 0, "product:3.2.0-dev.17", Some(1)),
    Spec("storefront", "cart", Dep, 1, 1, 250, 384, 0, 0, "cart:2.5.0-dev.23", Some(2)),
    Spec("storefront", "order", Dep, 1, 1, 250, 384, 0, 0, "order:1.10.0-dev.8", Some(3)),
    Spec("data", "pgbouncer", Dep, 1, 2, 100, 128, 12, 36, "bitnami/pgbouncer:1.23.1", None),
    Spec("data", "postgres-exporter", Dep, 1, 1, 50, 64, 6, 24, "quay.io/prometheuscommunity/postgres-exporter:v0.15.0", None),
    Spec("data", "redis-exporter", Dep, 1, 1, 50, 64, 4, 16, "oliver006/redis_exporter:v1.62.0", None),
    Spec("monitoring", "prometheus", Sts, 1, 2, 250, 1024, 120, 640, "quay.io/prometheus/prometheus:v2.54.1", None),
    Spec("monitoring", "alertmanager", Sts, 1, 2, 50, 128, 3, 30, "quay.io/prometheus/alertmanager:v0.27.0", None),
    Spec("monitoring", "grafana", Dep, 1, 3, 100, 256, 10, 150, "grafana/grafana:11.2.0", None),
    Spec("monitoring", "kube-state-metrics", Dep, 1, 1, 50, 128, 4, 36, "registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.13.0", None),
    Spec("monitoring", "prometheus-operator", Dep, 1, 1, 100, 128, 6, 44, "quay.io/prometheus-operator/prometheus-operator:v0.76.1", None),
    Spec("monitoring", "node-exporter", Ds, 0, 1, 50, 32, 10, 16, "quay.io/prometheus/node-exporter:v1.8.2", None),
    Spec("argocd", "argocd-server", Dep, 1, 1, 100, 128, 8, 60, "quay.io/argoproj/argocd:v2.12.4", None),
    Spec("argocd", "argocd-repo-server", Dep, 1, 1, 250, 256, 22, 120, "quay.io/argoproj/argocd:v2.12.4", None),
    Spec("argocd", "argocd-application-controller", Sts, 1, 1, 250, 512, 60, 300, "quay.io/argoproj/argocd:v2.12.4", None),
    Spec("argocd", "argocd-redis", Dep, 1, 1, 100, 64, 3, 10, "public.ecr.aws/docker/library/redis:7.2.4-alpine", None),
    Spec("argocd", "argocd-applicationset-controller", Dep, 1, 1, 100, 128, 4, 36, "quay.io/argoproj/argocd:v2.12.4", None),
    Spec("kube-system", "coredns", Dep, 2, 1, 100, 70, 3, 16, "eks/coredns:v1.11.3-eksbuild.1", None),
    Spec("kube-system", "aws-node", Ds, 0, 2, 25, 0, 3, 40, "amazon-k8s-cni:v1.18.5-eksbuild.1", None),
    Spec("kube-system", "kube-proxy", Ds, 0, 1, 100, 0, 2, 18, "eks/kube-proxy:v1.31.0-minimal-eksbuild.5", None),
    Spec("kube-system", "ebs-csi-node", Ds, 0, 3, 30, 120, 2, 22, "ebs-csi-driver/aws-ebs-csi-driver:v1.35.0", None),
    Spec("kube-system", "ebs-csi-controller", Dep, 2, 6, 60, 240, 4, 56, "ebs-csi-driver/aws-ebs-csi-driver:v1.35.0", None),
    Spec("kube-system", "eks-pod-identity-agent", Ds, 0, 1, 25, 32, 1, 14, "eks/eks-pod-identity-agent:0.1.10", None),
    Spec("kube-system", "metrics-server", Dep, 1, 1, 100, 200, 5, 26, "registry.k8s.io/metrics-server/metrics-server:v0.7.2", None),
    Spec("kube-system", "cluster-autoscaler", Dep, 1, 1, 100, 600, 3, 52, "registry.k8s.io/autoscaling/cluster-autoscaler:v1.31.0", None),
    Spec("security", "external-secrets", Dep, 1, 1, 10, 32, 2, 36, "ghcr.io/external-secrets/external-secrets:v0.10.3", None),
    Spec("security", "external-secrets-webhook", Dep, 1, 1, 10, 32, 1, 22, "ghcr.io/external-secrets/external-secrets:v0.10.3", None),
    Spec("security", "external-secrets-cert-controller", Dep, 1, 1, 10, 32, 1, 24, "ghcr.io/external-secrets/external-secrets:v0.10.3", None),
    Spec("security", "kyverno", Dep, 1, 1, 100, 256, 10, 130, "ghcr.io/kyverno/kyverno:v1.12.5", None),
    Spec("security", "cert-manager", Dep, 1, 1, 10, 32, 2, 28, "quay.io/jetstack/cert-manager-controller:v1.15.3", None),
    Spec("security", "cert-manager-cainjector", Dep, 1, 1, 10, 32, 2, 30, "quay.io/jetstack/cert-manager-cainjector:v1.15.3", None),
    Spec("security", "cert-manager-webhook", Dep, 1, 1, 10, 32, 1, 12, "quay.io/jetstack/cert-manager-webhook:v1.15.3", None),
    Spec("ingress", "aws-load-balancer-controller", Dep, 1, 1, 100, 128, 2, 32, "eks/aws-load-balancer-controller:v2.8.3", None),
    Spec("ingress", "external-dns", Dep, 1, 1, 50, 64, 1, 20, "registry.k8s.io/external-dns/external-dns:v0.15.0", None),
];

pub fn build_nodes(rng: &mut fastrand::Rng, epoch: UnixMs, profile: Profile) -> Vec<SimNode> {
    let groups = match profile {
        Profile::Prod => PROD_GROUPS,
        Profile::Dev => DEV_GROUPS,
    };
    let octet = profile.vpc_octet();
    let mut nodes = Vec::new();
    for (group, itype, count, _, capacity, zones) in groups {
        let (cpu, mem, max_pods) = allocatable(itype);
        for i in 0..*count as usize {
            let zone = zones[i % zones.len()];
            let zi = (zone.as_bytes()[zone.len() - 1] - b'a') as u32;
            let subnet = zi * 32 + rng.u32(0..32);
            let age = profile.node_age(rng, *capacity == CapacityType::Spot);
            nodes.push(SimNode {
                name: format!("ip-10-{octet}-{subnet}-{}.ec2.internal", rng.u32(4..250)),
                zone,
                subnet,
                instance_type: itype,
                group,
                capacity: *capacity,
                cpu_alloc: cpu,
                mem_alloc: mem * MI,
                max_pods,
                created_at: epoch - age,
                cordoned: false,
            });
        }
    }
    nodes
}

pub fn build_workloads(rng: &mut fastrand::Rng, epoch: UnixMs, profile: Profile) -> Vec<Workload> {
    let specs = match profile {
        Profile::Prod => SPECS,
        Profile::Dev => DEV_SPECS,
    };
    specs
        .iter()
        .map(|s| {
            let image = if s.10.is_some() {
                format!("{ECR}/{}", s.9)
            } else if s.9.starts_with("eks/") || s.9.starts_with("amazon-k8s-cni") {
                format!("602401143452.dkr.ecr.us-east-1.amazonaws.com/{}", s.9)
            } else if s.9.starts_with("ebs-csi-driver/") {
                format!("public.ecr.aws/{}", s.9)
            } else {
                s.9.to_string()
            };
            let hash = template_hash(rng);
            // The last rollout: storefront services ship often (in dev, every merge to
            // develop), platform pieces rarely.
            let rolled_at = match (s.10.is_some(), s.0) {
                (true, _) if profile == Profile::Dev => epoch - rng.i64(20 * MIN..5 * HOUR),
                (true, _) => epoch - rng.i64(3 * HOUR..30 * HOUR),
                (false, "monitoring" | "argocd") => epoch - rng.i64(2 * DAY..9 * DAY),
                _ => epoch - rng.i64(9 * DAY..15 * DAY),
            };
            Workload {
                ns: s.0,
                name: s.1,
                kind: s.2,
                replicas: s.3,
                containers: s.4,
                cpu_req: s.5,
                // DESIGN.md: 200m for frontend, 500m for the backends.
                cpu_lim: s.10.map(|svc| if svc == 0 { 200 } else { 500 }),
                mem_req: s.6 * MI,
                cpu_use: s.7,
                mem_use: s.8 * MI,
                git_image: image.clone(),
                image,
                git_hash: hash.clone(),
                hash,
                bad: false,
                service: s.10,
                rolled_at,
            }
        })
        .collect()
}

impl World {
    /// The pods as they stand at the epoch: every controller satisfied, everything Ready.
    pub(super) fn initial_pods(&mut self) {
        let epoch = self.epoch;
        for wl in 0..self.workloads.len() {
            let (kind, replicas, rolled_at) = {
                let w = &self.workloads[wl];
                (w.kind, w.replicas, w.rolled_at)
            };
            let slots: Vec<(u32, Option<usize>)> = match kind {
                WorkloadKind::DaemonSet => (0..self.nodes.len()).map(|n| (n as u32, Some(n))).collect(),
                _ => (0..replicas).map(|i| (i, None)).collect(),
            };
            for (slot, node) in slots {
                let node = node.or_else(|| self.schedule(wl, None).ok());
                let node_created = node.map_or(epoch - DAY, |n| self.nodes[n].created_at);
                let mut created = match kind {
                    WorkloadKind::DaemonSet => node_created + self.rng.i64(30 * SEC..90 * SEC),
                    WorkloadKind::StatefulSet => rolled_at + slot as i64 * 40 * SEC,
                    // Replicas beyond the HPA's minimum came from recent scale-ups.
                    WorkloadKind::Deployment if slot >= self.hpa_min(wl) => {
                        epoch - self.rng.i64(4 * MIN..50 * MIN)
                    }
                    WorkloadKind::Deployment => rolled_at + self.rng.i64(0..20 * SEC),
                };
                created = created.max(node_created + self.rng.i64(40 * SEC..120 * SEC)).min(epoch - 30 * SEC);
                let mut pod = self.new_pod(wl, slot, node, created);
                pod.stage = Stage::Ready;
                pod.ready_at = created + self.rng.i64(5 * SEC..20 * SEC);
                pod.until = UnixMs::MAX;
                // A few long-lived pods have restarted once or twice along the way.
                let age = epoch - created;
                let restarts = if self.workloads[wl].name == "loki" {
                    3
                } else if age > 2 * DAY && self.rng.u8(..10) == 0 {
                    1
                } else {
                    0
                };
                if restarts > 0 {
                    pod.restarts = restarts;
                    pod.last_restart = Some(epoch - self.rng.i64(age / 4..age / 2).max(HOUR));
                }
                self.pods.push(pod);
            }
        }
    }

    /// A fresh pod of `wl` (Pending, not yet scheduled unless `node` is given).
    pub(super) fn new_pod(
        &mut self,
        wl: usize,
        slot: u32,
        node: Option<usize>,
        created_at: UnixMs,
    ) -> SimPod {
        let w = &self.workloads[wl];
        let name = match w.kind {
            WorkloadKind::Deployment => format!("{}-{}-{}", w.name, w.hash, kube_suffix(&mut self.rng, 5)),
            WorkloadKind::StatefulSet => format!("{}-{slot}", w.name),
            WorkloadKind::DaemonSet => format!("{}-{}", w.name, kube_suffix(&mut self.rng, 5)),
        };
        let ip = node.map_or_else(String::new, |n| self.pod_ip(n));
        let w = &self.workloads[wl];
        SimPod {
            wl,
            name,
            slot,
            hash: w.hash.clone(),
            bad: w.bad,
            image: w.image.clone(),
            unpullable: self.image_missing(&w.image),
            pull_failures: 0,
            node,
            ip,
            uid: uid(&mut self.rng),
            created_at,
            stage: Stage::Pending,
            until: created_at + self.rng.i64(300..1200),
            ready_at: created_at,
            restarts: 0,
            last_restart: None,
            crashes: 0,
            crashloop_since: None,
            jitter: 0.88 + self.rng.f64() * 0.24,
            unschedulable: None,
        }
    }

    /// An address for a pod on node `n`, from the node's /19 of the cluster's VPC.
    pub(super) fn pod_ip(&mut self, n: usize) -> String {
        let s = self.nodes[n].subnet / 32 * 32 + self.rng.u32(0..32);
        format!("10.{}.{s}.{}", self.profile.vpc_octet(), self.rng.u32(2..254))
    }

    /// The replicas a workload's HPA keeps at least; none for a workload without one.
    fn hpa_min(&self, wl: usize) -> u32 {
        self.hpas.iter().find(|h| h.wl == wl).map_or(u32::MAX, |h| h.min)
    }

    /// The EKS clusters of the demo's AWS account, both of them: prod's world publishes the
    /// account, so dev's has none of its own.
    pub fn clusters(&self) -> Vec<Cluster> {
        if !self.profile.publishes(DemoFeed::Eks) {
            return Vec::new();
        }
        let addons = |v: [&str; 4]| {
            ["vpc-cni", "coredns", "kube-proxy", "aws-ebs-csi-driver"]
                .iter()
                .zip(v)
                .map(|(n, v)| Addon {
                    name: n.to_string(),
                    version: v.to_string(),
                    status: "ACTIVE".into(),
                    health_issues: Vec::new(),
                })
                .collect::<Vec<_>>()
        };
        let prod_groups = PROD_GROUPS
            .iter()
            .map(|(name, itype, count, max, capacity, _)| NodeGroup {
                name: name.to_string(),
                status: "ACTIVE".into(),
                desired: *count,
                min: *count,
                max: *max,
                instance_types: vec![itype.to_string()],
                capacity_type: *capacity,
                ami_release: AMI_PROD.into(),
                health_issues: Vec::new(),
            })
            .collect();
        vec![
            Cluster {
                cluster: Default::default(),
                name: "shop-prod".into(),
                region: "us-east-1".into(),
                status: "ACTIVE".into(),
                version: "1.30".into(),
                platform_version: "eks.8".into(),
                endpoint_access: "public+private".into(),
                created_at: self.epoch - 214 * DAY - 5 * HOUR,
                node_groups: prod_groups,
                addons: Some(addons([
                    "v1.18.3-eksbuild.1",
                    "v1.11.1-eksbuild.9",
                    "v1.30.0-eksbuild.3",
                    "v1.34.0-eksbuild.1",
                ])),
                addons_error: None,
            },
            Cluster {
                cluster: Default::default(),
                name: "shop-dev".into(),
                region: "us-east-1".into(),
                status: "ACTIVE".into(),
                version: "1.31".into(),
                platform_version: "eks.4".into(),
                endpoint_access: "public".into(),
                created_at: self.epoch - 97 * DAY - 3 * HOUR,
                node_groups: vec![
                    NodeGroup {
                        name: "general".into(),
                        status: "ACTIVE".into(),
                        desired: 2,
                        min: 1,
                        max: 4,
                        instance_types: vec!["t3.large".into()],
                        capacity_type: CapacityType::OnDemand,
                        ami_release: AMI_DEV.into(),
                        health_issues: Vec::new(),
                    },
                    NodeGroup {
                        name: "spot".into(),
                        status: "ACTIVE".into(),
                        desired: 1,
                        min: 0,
                        max: 3,
                        instance_types: vec!["m6i.large".into(), "m5.large".into()],
                        capacity_type: CapacityType::Spot,
                        ami_release: AMI_DEV.into(),
                        health_issues: Vec::new(),
                    },
                ],
                addons: Some(addons([
                    "v1.18.5-eksbuild.1",
                    "v1.11.3-eksbuild.1",
                    "v1.31.0-eksbuild.5",
                    "v1.35.0-eksbuild.1",
                ])),
                addons_error: None,
            },
        ]
    }
}
