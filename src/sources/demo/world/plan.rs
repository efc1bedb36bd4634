//! What a sync of a demo app would do, as Argo CD's managed resources would say it: each
//! workload's live template against Git's, each ConfigMap against Git's head. The same
//! plan code as a real Argo CD's answer turns it into the dialog's lines.

use serde_json::{Value, json};

use super::World;
use crate::sources::argocd::plan::from_managed;
use crate::state::sync_plan::SyncPlan;

fn workload(kind: &str, ns: &str, name: &str, container: &str, image: &str, hash: &str) -> Value {
    json!({"apiVersion": "apps/v1", "kind": kind,
        "metadata": {"name": name, "namespace": ns, "labels": {"app.kubernetes.io/name": name}},
        "spec": {"selector": {"matchLabels": {"app.kubernetes.io/name": name}},
            "template": {
                "metadata": {"labels": {"app.kubernetes.io/name": name, "pod-template-hash": hash}},
                "spec": {"containers": [{"name": container, "image": image,
                    "ports": [{"containerPort": 8080}],
                    "readinessProbe": {"httpGet": {"path": "/healthz", "port": 8080}}}]}}}})
}

fn item(kind: &str, ns: &str, name: &str, live: &Value, target: &Value) -> Value {
    json!({"kind": kind, "namespace": ns, "name": name,
        "liveState": live.to_string(), "targetState": target.to_string()})
}

impl World {
    /// The plan of a sync of `app`, or Argo CD's words when there is no such app.
    pub fn plan(&self, app: &str) -> Result<SyncPlan, String> {
        let Some(a) = self.apps.iter().find(|a| a.name == app) else {
            return Err(format!("applications.argoproj.io \"{app}\" not found"));
        };
        let mut items = Vec::new();
        for &wl in &a.workloads {
            let w = &self.workloads[wl];
            let kind = w.kind.label();
            let live = workload(kind, w.ns, w.name, w.container(), &w.image, &w.hash);
            // The restart annotation is ignored in the comparison, as the demo's Argo CD does.
            let git_hash = if w.image == w.git_image { &w.hash } else { &w.git_hash };
            let target = workload(kind, w.ns, w.name, w.container(), &w.git_image, git_hash);
            items.push(item(kind, w.ns, w.name, &live, &target));
        }
        for (kind, ns, name) in &a.extras {
            let obj = |rev: &str| {
                json!({"apiVersion": "v1", "kind": kind, "metadata": {"name": name, "namespace": ns},
                    "data": {"revision": &rev[..rev.len().min(7)]}})
            };
            items.push(item(kind, ns, name, &obj(&a.revision), &obj(&a.git_revision)));
        }
        Ok(SyncPlan::Diff(from_managed(&items)))
    }
}
