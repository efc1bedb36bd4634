//! One simulated pod as the whole Kubernetes object the API server would return (spec,
//! container statuses with last state, conditions) and its events, so the detail view reads
//! the demo through the same mapping as a real cluster.

use k8s_openapi::api::core::v1::Pod as KPod;
use serde_json::{Value, json};

use super::World;
use super::workloads::{SimPod, Stage};
use crate::domain::PodKey;
use crate::domain::WorkloadKind;
use crate::state::UnixMs;
use crate::state::pods::ClusterEvent;

const MI: u64 = 1024 * 1024;

/// What the demo hands the pod view: the object, its events, and the world's time.
pub struct PodSnapshot {
    pub pod: KPod,
    pub events: Vec<ClusterEvent>,
    pub now: UnixMs,
}

fn time(ms: UnixMs) -> String {
    let t = std::time::UNIX_EPOCH + std::time::Duration::from_millis(ms.max(0) as u64);
    humantime::format_rfc3339_seconds(t).to_string()
}

/// The sidecars of the workloads that run more than one container.
fn container_names(main: &str, n: u32) -> Vec<String> {
    const SIDECARS: &[&str] =
        &["metrics-exporter", "config-reloader", "liveness-probe", "node-driver-registrar"];
    let mut out = vec![main.to_string()];
    out.extend(
        (1..n as usize).map(|i| SIDECARS.get(i - 1).map_or(format!("sidecar-{i}"), |s| s.to_string())),
    );
    out
}

impl World {
    /// The pod `key` as the API server would return it, with its events; None once it is gone.
    pub fn pod_manifest(&self, key: &PodKey) -> Option<PodSnapshot> {
        let p = self.pods.iter().find(|p| p.name == key.name && self.workloads[p.wl].ns == key.namespace)?;
        let object = format!("Pod {}/{}", key.namespace, key.name);
        let events = self.events().into_iter().filter(|e| e.object == object).collect();
        let pod = serde_json::from_value(self.manifest(p)).ok()?;
        Some(PodSnapshot { pod, events, now: self.now })
    }

    fn manifest(&self, p: &SimPod) -> Value {
        let w = &self.workloads[p.wl];
        let names = container_names(w.container(), w.containers);
        // The pod's own template's image: an older ReplicaSet's pod keeps the image it had.
        let image = |i: usize| if i == 0 { p.image.clone() } else { format!("{}-{}", p.image, names[i]) };
        let (owner_kind, owner_name) = match w.kind {
            WorkloadKind::Deployment => ("ReplicaSet", format!("{}-{}", w.name, p.hash)),
            k => (k.label(), w.name.to_string()),
        };
        let containers: Vec<Value> = names
            .iter()
            .enumerate()
            .map(|(i, n)| {
                let (cpu, mem) = if i == 0 { (w.cpu_req, w.mem_req / MI) } else { (10, 32) };
                let mut limits = json!({"memory": format!("{}Mi", (mem * 2).max(64))});
                if let (0, Some(l)) = (i, w.cpu_lim) {
                    limits["cpu"] = json!(format!("{l}m"));
                }
                json!({"name": n, "image": image(i), "ports": [{"containerPort": 8080, "protocol": "TCP"}],
                    "resources": {"requests": {"cpu": format!("{cpu}m"), "memory": format!("{mem}Mi")}, "limits": limits},
                    "readinessProbe": {"httpGet": {"path": "/healthz", "port": 8080}, "periodSeconds": 10},
                    "livenessProbe": {"httpGet": {"path": "/livez", "port": 8080}, "periodSeconds": 10}})
            })
            .collect();
        let scheduled = p.node.is_some();
        let statuses: Vec<Value> =
            names.iter().enumerate().map(|(i, n)| self.container_status(p, i, n, &image(i))).collect();
        let ready = p.stage == Stage::Ready;
        let t = |b: bool| if b { "True" } else { "False" };
        let since = time(p.ready_at.max(p.created_at));
        let mut conditions = vec![json!({"type": "PodScheduled", "status": t(scheduled),
            "lastTransitionTime": time(p.created_at)})];
        if let Some(m) = &p.unschedulable {
            conditions[0]["reason"] = json!("Unschedulable");
            conditions[0]["message"] = json!(m);
        }
        if scheduled {
            conditions.push(
                json!({"type": "Initialized", "status": "True", "lastTransitionTime": time(p.created_at)}),
            );
            let why = (!ready).then(|| format!("containers with unready status: [{}]", names[0]));
            for kind in ["ContainersReady", "Ready"] {
                let mut c = json!({"type": kind, "status": t(ready), "lastTransitionTime": since});
                if let Some(m) = &why {
                    c["reason"] = json!("ContainersNotReady");
                    c["message"] = json!(m);
                }
                conditions.push(c);
            }
        }
        let waiting = matches!(p.stage, Stage::Creating | Stage::PullFailed | Stage::PullBackOff);
        let mut status = json!({"phase": if scheduled && !waiting { "Running" } else { "Pending" },
            "conditions": conditions, "qosClass": "Burstable", "startTime": time(p.created_at)});
        if scheduled {
            status["podIP"] = json!(p.ip);
            let host = self.nodes[p.node.unwrap_or(0)].subnet;
            status["hostIP"] = json!(format!("10.{}.{host}.10", self.profile.vpc_octet()));
            status["containerStatuses"] = json!(statuses);
        }
        let mut meta = json!({"name": p.name, "namespace": w.ns, "uid": p.uid,
            "creationTimestamp": time(p.created_at),
            "labels": {"app.kubernetes.io/name": w.name, "app.kubernetes.io/part-of": w.ns},
            "annotations": {"kubectl.kubernetes.io/default-container": names[0]},
            "ownerReferences": [{"apiVersion": "apps/v1", "kind": owner_kind, "name": owner_name,
                "uid": format!("{:x}", super::util::fnv(owner_name.as_bytes())), "controller": true, "blockOwnerDeletion": true}],
            // As a real object carries it; the YAML view leaves it out.
            "managedFields": [{"manager": "kubelet", "operation": "Update", "apiVersion": "v1", "subresource": "status"}]});
        if w.kind == WorkloadKind::Deployment {
            meta["labels"]["pod-template-hash"] = json!(p.hash);
        }
        if p.stage == Stage::Terminating {
            meta["deletionTimestamp"] = json!(time(self.now));
        }
        json!({"apiVersion": "v1", "kind": "Pod", "metadata": meta,
            "spec": {"containers": containers, "nodeName": p.node.map(|n| self.nodes[n].name.clone()),
                "serviceAccountName": w.name, "restartPolicy": "Always", "terminationGracePeriodSeconds": 30},
            "status": status})
    }

    fn container_status(&self, p: &SimPod, i: usize, name: &str, image: &str) -> Value {
        let main = i == 0;
        let started = time(p.last_restart.unwrap_or(p.created_at));
        let state = match p.stage {
            Stage::Pending | Stage::Creating => json!({"waiting": {"reason": "ContainerCreating"}}),
            Stage::PullFailed if main => {
                json!({"waiting": {"reason": "ErrImagePull", "message": super::workloads::pull_error(&p.image)}})
            }
            Stage::PullBackOff if main => {
                let msg = format!("Back-off pulling image \"{}\"", p.image);
                json!({"waiting": {"reason": "ImagePullBackOff", "message": msg}})
            }
            Stage::PullFailed | Stage::PullBackOff => json!({"waiting": {"reason": "PodInitializing"}}),
            Stage::BackOff if main => {
                let msg = format!(
                    "back-off {} restarting failed container={name} pod={}_{}({})",
                    super::util::go_duration(super::workloads::backoff_ms(p.crashes)),
                    p.name,
                    self.workloads[p.wl].ns,
                    p.uid
                );
                json!({"waiting": {"reason": "CrashLoopBackOff", "message": msg}})
            }
            _ => json!({"running": {"startedAt": started}}),
        };
        let ready = match p.stage {
            Stage::Ready => true,
            Stage::BackOff | Stage::CrashRun => !main,
            _ => false,
        };
        let waiting =
            matches!(p.stage, Stage::Pending | Stage::Creating | Stage::PullFailed | Stage::PullBackOff);
        let mut s = json!({"name": name, "image": image, "imageID": "", "ready": ready, "started": !waiting,
            "restartCount": if main { p.restarts } else { 0 }, "state": state});
        let backoff = super::workloads::backoff_ms(p.crashes);
        // A restart the world did not simulate (before the demo began) ended in an error too.
        let crashed_at = match p.stage {
            Stage::BackOff => Some(p.until - backoff),
            _ if p.crashes > 0 => p.last_restart.map(|r| r - backoff),
            _ => p.last_restart.filter(|_| p.restarts > 0),
        };
        if main && let Some(at) = crashed_at {
            // The crash before the current run: the process exited with an error.
            s["lastState"] = json!({"terminated": {"exitCode": 1, "reason": "Error",
                "startedAt": time(at - 4_000), "finishedAt": time(at)}});
        }
        s
    }
}
