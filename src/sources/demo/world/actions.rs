//! How the demo world answers actions: Argo CD sync and refresh, rollout restart, pod delete,
//! cordon and uncordon, with the errors the real APIs give for unknown or invalid targets.

use super::World;
use super::util::template_hash;
use crate::domain::registry::ActionId;
use crate::domain::{Target, WorkloadKind};
use crate::state::argocd::short_sha;

impl World {
    pub fn apply(&mut self, action: ActionId, target: &Target) -> Result<String, String> {
        match (action, target) {
            (ActionId::Sync, Target::App(name)) => self.sync(name, false),
            (ActionId::Sync, Target::AppSync { name, dry_run, .. }) => self.sync(name, *dry_run),
            (ActionId::Terminate, Target::App(name)) => {
                let a = self.app_index(name)?;
                self.terminate_operation(a)
            }
            (ActionId::Refresh | ActionId::HardRefresh, Target::App(name)) => {
                self.app_index(name)?;
                Ok("refresh requested".into())
            }
            (ActionId::RolloutRestart, Target::Workload { namespace, kind, name }) => {
                self.rollout_restart(namespace, *kind, name)
            }
            (ActionId::DeletePod, Target::Pod { namespace, name }) => self.delete_pod(namespace, name),
            (ActionId::Scale, Target::Scale { namespace, kind, name, replicas }) => {
                self.scale(namespace, *kind, name, *replicas)
            }
            (ActionId::EditHpa, Target::HpaLimits { namespace, name, min, max }) => {
                self.edit_hpa(namespace, name, *min, *max)
            }
            (ActionId::Cordon, Target::Node(name)) => self.cordon(name, true),
            (ActionId::Uncordon, Target::Node(name)) => self.cordon(name, false),
            (ActionId::Silence, Target::NewSilence(new)) => self.create_silence(new),
            (ActionId::ExpireSilence, Target::Silence { id, .. }) => self.expire_silence(id),
            (ActionId::RefreshCost, Target::CostData) => {
                Ok("the demo bill is fetched again (no charge)".into())
            }
            (action, target) => Err(format!("{action:?} does not apply to {}", target.describe())),
        }
    }

    fn app_index(&self, name: &str) -> Result<usize, String> {
        self.apps
            .iter()
            .position(|a| a.name == name)
            .ok_or_else(|| format!("applications.argoproj.io \"{name}\" not found"))
    }

    fn sync(&mut self, name: &str, dry_run: bool) -> Result<String, String> {
        let a = self.app_index(name)?;
        if self.apps[a].op.is_some() {
            return Err("another operation is already in progress".into());
        }
        if dry_run {
            // A dry run applies nothing: the app stays as it is.
            let app = &self.apps[a];
            return Ok(format!(
                "dry run: would sync to {} ({})",
                app.target_revision,
                short_sha(&app.git_revision)
            ));
        }
        self.start_user_sync(a);
        let app = &self.apps[a];
        Ok(format!("syncing to {} ({})", app.target_revision, short_sha(&app.git_revision)))
    }

    fn rollout_restart(&mut self, namespace: &str, kind: WorkloadKind, name: &str) -> Result<String, String> {
        let resource = match kind {
            WorkloadKind::Deployment => "deployments.apps",
            WorkloadKind::StatefulSet => "statefulsets.apps",
            WorkloadKind::DaemonSet => "daemonsets.apps",
        };
        let Some(wl) =
            self.workloads.iter().position(|w| w.ns == namespace && w.name == name && w.kind == kind)
        else {
            return Err(format!("{resource} \"{name}\" not found"));
        };
        let hash = template_hash(&mut self.rng);
        let now = self.now;
        let w = &mut self.workloads[wl];
        if w.bad {
            // The demo's story: the mutable tag has since been fixed, so a re-pull brings the
            // good build back and the live spec matches Git again.
            w.image = w.git_image.clone();
            w.bad = false;
        }
        w.hash = hash.clone();
        if w.image == w.git_image {
            // The restart annotation is ignored in Argo CD's diff.
            w.git_hash = hash;
        }
        w.rolled_at = now;
        w.record_revision(now);
        Ok(format!("{}/{name} restarted", resource.trim_end_matches(".apps").trim_end_matches('s')))
    }

    /// The Deployment or StatefulSet gets the count; its HPA, if any, takes over again at its
    /// next evaluation, as with a real cluster.
    fn scale(
        &mut self,
        namespace: &str,
        kind: WorkloadKind,
        name: &str,
        replicas: u32,
    ) -> Result<String, String> {
        let (resource, singular) = match kind {
            WorkloadKind::Deployment => ("deployments.apps", "deployment.apps"),
            WorkloadKind::StatefulSet => ("statefulsets.apps", "statefulset.apps"),
            WorkloadKind::DaemonSet => return Err(format!("cannot scale DaemonSet {namespace}/{name}")),
        };
        let w = self
            .workloads
            .iter_mut()
            .find(|w| w.ns == namespace && w.name == name && w.kind == kind)
            .ok_or_else(|| format!("{resource} \"{name}\" not found"))?;
        w.replicas = replicas;
        Ok(format!("{singular}/{name} scaled"))
    }

    fn edit_hpa(&mut self, namespace: &str, name: &str, min: u32, max: u32) -> Result<String, String> {
        let workloads = &self.workloads;
        let h = self
            .hpas
            .iter_mut()
            .find(|h| workloads[h.wl].ns == namespace && workloads[h.wl].name == name)
            .ok_or_else(|| format!("horizontalpodautoscalers.autoscaling \"{name}\" not found"))?;
        if min < 1 || max < min {
            return Err(format!(
                "HorizontalPodAutoscaler.autoscaling \"{name}\" is invalid: min {min}, max {max}"
            ));
        }
        h.min = min;
        h.max = max;
        Ok(format!("horizontalpodautoscaler.autoscaling/{name} patched"))
    }

    fn delete_pod(&mut self, namespace: &str, name: &str) -> Result<String, String> {
        let Some(i) = self.pods.iter().position(|p| p.name == name && self.workloads[p.wl].ns == namespace)
        else {
            return Err(format!("pods \"{name}\" not found"));
        };
        self.terminate(i);
        Ok(format!("pod \"{name}\" deleted"))
    }

    fn cordon(&mut self, name: &str, on: bool) -> Result<String, String> {
        let Some(node) = self.nodes.iter_mut().find(|n| n.name == name) else {
            return Err(format!("nodes \"{name}\" not found"));
        };
        Ok(match (on, node.cordoned) {
            (true, true) => "already cordoned".into(),
            (false, false) => "already uncordoned".into(),
            (true, false) => {
                node.cordoned = true;
                format!("node/{name} cordoned")
            }
            (false, true) => {
                node.cordoned = false;
                format!("node/{name} uncordoned")
            }
        })
    }
}
