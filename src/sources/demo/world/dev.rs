//! shop-dev's own problem: early in the run CI bumps `order` on `develop` to a tag whose image
//! was never pushed; Argo CD auto-syncs it, the new pod cannot pull, the old one keeps serving.

use super::World;
use super::argo::SimApp;
use super::platform::ECR;
use super::util::{SEC, sha, template_hash};
use super::workloads::Stage;
use crate::state::UnixMs;
use crate::state::alerts::{Alert, Severity};

/// The tag CI wrote to the GitOps repo after its image push had failed.
pub const MISSING_IMAGE: &str = "order:1.10.0-dev.9";
/// How long a pod stays Pending before KubePodNotReady fires, and a rollout past its deadline
/// before KubeDeploymentRolloutStuck does (shortened from the mixin's 15 minutes for the demo).
const NOT_READY_FOR: i64 = 30 * SEC;
const STUCK_FOR: i64 = 60 * SEC;
const RUNBOOKS: &str = "https://runbooks.prometheus-operator.dev/runbooks/kubernetes";

pub struct BadTag {
    /// The full image reference, as the Deployment names it.
    pub image: String,
    /// When the commit lands on `develop`.
    pub push_at: UnixMs,
    pub pushed: Option<UnixMs>,
}

impl BadTag {
    pub fn new(rng: &mut fastrand::Rng, epoch: UnixMs) -> BadTag {
        // Before prod's incident (75–90 s), so the fleet shows dev's warning first.
        BadTag {
            image: format!("{ECR}/{MISSING_IMAGE}"),
            push_at: epoch + rng.i64(30 * SEC..=45 * SEC),
            pushed: None,
        }
    }
}

impl World {
    /// The commit lands: Git's template for order names the missing tag. Argo CD's auto-sync
    /// takes it from there, and nothing in the world ever brings the old tag back to Git.
    pub(super) fn bad_tag_tick(&mut self) {
        let now = self.now;
        let Some(bad) = self.bad_tag.as_mut().filter(|b| b.pushed.is_none() && now >= b.push_at) else {
            return;
        };
        bad.pushed = Some(now);
        let image = bad.image.clone();
        let hash = template_hash(&mut self.rng);
        let commit = sha(&mut self.rng);
        let order = self.workloads.iter().position(|w| w.name == "order").expect("order is in the inventory");
        let w = &mut self.workloads[order];
        w.git_image = image;
        w.git_hash = hash;
        let app: &mut SimApp =
            self.apps.iter_mut().find(|a| a.workloads.contains(&order)).expect("an app manages order");
        app.git_revision = commit;
        app.pending_since = Some(now);
    }

    /// When the bad tag was pushed to `develop`; `None` in prod, and before it lands.
    pub fn bad_tag_pushed_at(&self) -> Option<UnixMs> {
        self.bad_tag.as_ref().and_then(|b| b.pushed)
    }

    /// Two rules of the kubernetes-mixin that only dev's Prometheus evaluates: prod's alerts
    /// are pinned by its snapshots, and there nothing stays Pending unless a user makes it.
    pub(super) fn dev_alerts(&self, out: &mut Vec<Alert>) {
        let now = self.now;
        for p in self.pods.iter().filter(|p| p.active()) {
            let pending =
                matches!(p.stage, Stage::Pending | Stage::Creating | Stage::PullFailed | Stage::PullBackOff);
            let since = p.created_at + NOT_READY_FOR;
            if !pending || since > now {
                continue;
            }
            let ns = self.workloads[p.wl].ns;
            out.push(super::alerts::alert(
                "KubePodNotReady",
                Severity::Warning,
                since,
                &[("namespace", ns), ("pod", &p.name)],
                "Pod has been in a non-ready state for more than 30 seconds.",
                format!("Pod {ns}/{} has been in a non-ready state for longer than 30 seconds.", p.name),
                &format!("{RUNBOOKS}/kubepodnotready"),
            ));
        }
        for wl in 0..self.workloads.len() {
            let Some(since) = self.rollout_stuck_since(wl).map(|t| t + STUCK_FOR).filter(|t| *t <= now)
            else {
                continue;
            };
            let w = &self.workloads[wl];
            out.push(super::alerts::alert(
                "KubeDeploymentRolloutStuck",
                Severity::Warning,
                since,
                &[("namespace", w.ns), ("deployment", w.name)],
                "Deployment rollout is not progressing.",
                format!(
                    "Rollout of deployment {}/{} is not progressing for longer than a minute.",
                    w.ns, w.name
                ),
                &format!("{RUNBOOKS}/kubedeploymentrolloutstuck"),
            ));
        }
    }
}

/// Prometheus' external label names the cluster on every alert it sends; Alertmanager's
/// fingerprint covers it, so dev's alerts never share one with prod's.
pub fn label_cluster(alerts: &mut [Alert], cluster: &str) {
    for a in alerts {
        a.labels.insert("cluster".into(), cluster.into());
        a.fingerprint = super::alerts::fingerprint(&a.labels);
    }
}
