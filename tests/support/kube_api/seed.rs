//! Seeds the test server with the demo world as Kubernetes objects: namespaces, nodes with the
//! EKS labels, Deployments / StatefulSets / DaemonSets with their ReplicaSets, pods whose
//! container statuses explain their trouble, HPAs (autoscaling/v2), warning events, pod and node
//! metrics, Argo CD Applications, and a few log lines per container.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use flightdeck::domain::WorkloadKind;
use flightdeck::sources::demo::run_headless;
use flightdeck::state::UnixMs;
use flightdeck::state::infra::{CapacityType, Node, NodeReadiness};
use flightdeck::state::pods::{Pod, PodPhase};
use flightdeck::state::scaling::Hpa;
use flightdeck::state::workloads::{Revision, Workload};
use serde_json::{Value, json};

use super::TestServer;

pub fn time(ms: UnixMs) -> String {
    humantime::format_rfc3339_seconds(std::time::UNIX_EPOCH + std::time::Duration::from_millis(ms as u64))
        .to_string()
}

/// A memory quantity as the API writes it: Ki when whole, bytes otherwise.
pub fn mem(bytes: u64) -> String {
    if bytes.is_multiple_of(1024) { format!("{}Ki", bytes / 1024) } else { bytes.to_string() }
}

/// The ReplicaSet a Deployment's pod belongs to: its name less the random suffix.
pub fn replicaset_of(pod: &str) -> String {
    pod.rsplit_once('-').map_or(pod.to_string(), |(rs, _)| rs.to_string())
}

pub fn demo_world(server: &TestServer, seed: u64, epoch: UnixMs, at_secs: u64) {
    let (world, _) = run_headless(seed, epoch, at_secs);
    let now = world.now();
    server.shared.db.lock().unwrap().now = time(now);
    let pods = world.pods();
    let nodes = world.nodes();
    let namespaces: BTreeSet<&str> = pods.iter().map(|p| p.namespace.as_str()).collect();
    for ns in namespaces.iter().chain(["argocd", "default"].iter()) {
        server.put("Namespace", json!({"metadata": {"name": ns}, "spec": {}, "status": {"phase": "Active"}}));
    }
    for n in &nodes {
        server.put("Node", node(n));
        server.put_metrics("NodeMetrics", json!({"metadata": {"name": n.name}, "timestamp": time(now),
            "window": "30s", "usage": {"cpu": format!("{}m", n.cpu_requested_milli / 2), "memory": mem(n.mem_requested_bytes / 2)}}));
    }
    let uids = workloads(server, &pods, &world.hpas(), &world.workloads(), &world.revisions());
    let requests = split_requests(&pods, &nodes);
    for p in &pods {
        let mut obj = pod(p, requests.get(p.name.as_str()).copied().unwrap_or((100, 128 << 20)), now);
        // The owner's real uid, so what an object owns can be found from it.
        if let Some(r) = obj["metadata"]["ownerReferences"].get_mut(0) {
            let key = (p.namespace.to_string(), r["name"].as_str().unwrap_or("").to_string());
            if let Some(uid) = uids.get(&key) {
                r["uid"] = json!(uid);
            }
        }
        server.put("Pod", obj);
        if let (Some(cpu), Some(m)) = (p.cpu_milli, p.mem_bytes) {
            let containers: Vec<Value> = (0..p.containers)
                .map(|i| {
                    let (c, m) = if i == 0 { (cpu, m) } else { (0, 0) };
                    json!({"name": container_name(p, i), "usage": {"cpu": format!("{}n", c * 1_000_000), "memory": mem(m)}})
                })
                .collect();
            server.put_metrics(
                "PodMetrics",
                json!({"metadata": {"name": p.name, "namespace": p.namespace},
                "timestamp": time(now), "window": "30s", "containers": containers}),
            );
        }
        for i in 0..p.containers {
            let c = container_name(p, i);
            for l in 0..3 {
                server.append_log(&p.namespace, &p.name, &c, false, &format!("{} {c} line {l}", time(now)));
            }
            if p.restarts > 0 && i == 0 {
                server.append_log(&p.namespace, &p.name, &c, true, "panic: connection pool exhausted");
            }
        }
    }
    for h in world.hpas() {
        server.put("HorizontalPodAutoscaler", hpa(&h, now));
    }
    for (i, e) in world.events().iter().enumerate() {
        let (kind, rest) = e.object.split_once(' ').unwrap_or(("Pod", &e.object));
        let (ns, name) = rest.split_once('/').unwrap_or(("default", rest));
        server.put(
            "Event",
            json!({
            "metadata": {"name": format!("{name}.{i:016x}"), "namespace": ns},
            "involvedObject": {"kind": kind, "name": name, "namespace": if kind == "Node" { "" } else { ns }},
            "reason": e.reason, "message": e.message, "type": if e.warning { "Warning" } else { "Normal" },
            "count": e.count, "firstTimestamp": time(e.at), "lastTimestamp": time(e.at),
            "source": {"component": "kubelet"}}),
        );
    }
    for a in world.apps() {
        // As Argo CD stores it: the root's managed resources name its child Applications.
        server.put("Application", flightdeck::sources::argocd::wire::to_application(&a, "argocd"));
    }
    super::seed_kinds::seed(server, &pods, now);
}

fn container_name(p: &Pod, i: u32) -> String {
    let main = p.owner.as_ref().map_or(p.name.as_str(), |o| o.name.as_str());
    if i == 0 { main.to_string() } else { format!("sidecar-{i}") }
}

/// Give each pod requests so that the pods on a node add up to what the demo says is
/// requested there.
fn split_requests(pods: &[Pod], nodes: &[Node]) -> HashMap<String, (u64, u64)> {
    let mut out = HashMap::new();
    for n in nodes {
        let on: Vec<&Pod> = pods.iter().filter(|p| p.node.as_deref() == Some(&n.name)).collect();
        let k = on.len().max(1) as u64;
        for (i, p) in on.iter().enumerate() {
            let extra = |total: u64| if i == 0 { total % k } else { 0 };
            let cpu = n.cpu_requested_milli / k + extra(n.cpu_requested_milli);
            let m = n.mem_requested_bytes / k + extra(n.mem_requested_bytes);
            out.insert(p.name.to_string(), (cpu, m));
        }
    }
    out
}

fn node(n: &Node) -> Value {
    // A wrong condition as the node has it, with its reason and message; else the healthy one.
    let cond = |t: &str, on: bool, reason: &str| match n.conditions.iter().find(|c| c.kind == t) {
        Some(c) => json!({"type": t, "status": c.status, "reason": c.reason, "message": c.message,
               "lastTransitionTime": time(n.created_at), "lastHeartbeatTime": time(n.created_at)}),
        None => json!({"type": t, "status": if on { "True" } else { "False" }, "reason": reason,
               "lastTransitionTime": time(n.created_at), "lastHeartbeatTime": time(n.created_at)}),
    };
    let ready = match n.ready {
        _ if n.conditions.iter().any(|c| c.kind == "Ready") => cond("Ready", false, ""),
        NodeReadiness::Ready => json!({"type": "Ready", "status": "True", "reason": "KubeletReady"}),
        NodeReadiness::NotReady => json!({"type": "Ready", "status": "False", "reason": "KubeletNotReady"}),
        NodeReadiness::Unknown => {
            json!({"type": "Ready", "status": "Unknown", "reason": "NodeStatusUnknown"})
        }
    };
    let mut labels = json!({"kubernetes.io/hostname": n.name, "kubernetes.io/os": "linux",
        "topology.kubernetes.io/zone": n.zone, "node.kubernetes.io/instance-type": n.instance_type});
    if let Some(g) = &n.node_group {
        labels["eks.amazonaws.com/nodegroup"] = json!(g);
    }
    if let Some(c) = n.capacity_type {
        labels["eks.amazonaws.com/capacityType"] = json!(match c {
            CapacityType::OnDemand => "ON_DEMAND",
            CapacityType::Spot => "SPOT",
        });
    }
    let mut spec = json!({"providerID": format!("aws:///{}/i-0{}", n.zone, n.name.len())});
    if n.cordoned {
        spec["unschedulable"] = json!(true);
        spec["taints"] = json!([{"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule"}]);
    }
    let resources = json!({"cpu": format!("{}m", n.cpu_allocatable_milli), "memory": mem(n.mem_allocatable_bytes), "pods": "35"});
    json!({
        "metadata": {"name": n.name, "labels": labels, "creationTimestamp": time(n.created_at)},
        "spec": spec,
        "status": {"capacity": resources, "allocatable": resources, "conditions": [
            cond("MemoryPressure", n.pressure.iter().any(|p| p == "MemoryPressure"), "KubeletHasSufficientMemory"),
            cond("DiskPressure", n.pressure.iter().any(|p| p == "DiskPressure"), "KubeletHasNoDiskPressure"),
            cond("PIDPressure", n.pressure.iter().any(|p| p == "PIDPressure"), "KubeletHasSufficientPID"),
            ready]}})
}

/// Deployments, StatefulSets and DaemonSets, plus a ReplicaSet per Deployment pod template and
/// the rollout history before it: the demo's own revisions (revision, creation, image) where it
/// records them, else an older ReplicaSet; ControllerRevisions for the others. Returns the uids
/// of the pods' owners by (namespace, name).
fn workloads(
    server: &TestServer,
    pods: &[Pod],
    hpas: &[Hpa],
    rows: &[Workload],
    revisions: &[Revision],
) -> HashMap<(String, String), String> {
    let mut uids = HashMap::new();
    let mut owners: BTreeMap<(String, String, String), (u32, BTreeSet<String>)> = BTreeMap::new();
    for p in pods {
        let Some(o) = &p.owner else { continue };
        let e = owners.entry((p.namespace.to_string(), o.kind.to_string(), o.name.to_string())).or_default();
        e.0 += 1;
        if o.kind == "Deployment" {
            e.1.insert(replicaset_of(&p.name));
        }
    }
    for ((ns, kind, name), (count, rsets)) in owners {
        let replicas =
            hpas.iter().find(|h| h.namespace == ns && h.target.name == name).map_or(count, |h| h.desired);
        let row = rows.iter().find(|w| w.namespace == ns && w.name == name && w.kind.label() == kind);
        let image = row.map_or_else(|| format!("registry.example.com/{name}:1.0"), |w| w.image.clone());
        let template = json!({"metadata": {"labels": {"app": name}},
            "spec": {"containers": [{"name": name, "image": image}]}});
        let mut spec = json!({"selector": {"matchLabels": {"app": name}}, "template": template});
        if kind != "DaemonSet" {
            spec["replicas"] = json!(replicas);
        }
        let status = row.map_or_else(|| json!({"replicas": count, "readyReplicas": count}), workload_status);
        if let Some(w) = row.filter(|w| w.kind.scalable()) {
            spec["replicas"] = json!(w.desired);
        }
        let created = time(row.map_or(0, |w| w.created_at));
        let own: Vec<&Revision> =
            revisions.iter().filter(|r| r.namespace == ns && r.workload == name).collect();
        let history = rs_history(&name, &rsets, &own, &image, replicas, &created);
        let revision = history.iter().map(|h| h.3).max().unwrap_or(1);
        let mut meta = json!({"name": name, "namespace": ns, "labels": {"app": name}, "generation": 1,
                               "creationTimestamp": created});
        if kind == "Deployment" {
            meta["annotations"] = json!({"deployment.kubernetes.io/revision": revision.to_string()});
        }
        let wl = server.put(&kind, json!({"metadata": meta, "spec": spec, "status": status}));
        let owner = json!([{"apiVersion": "apps/v1", "kind": kind, "name": name,
            "uid": wl["metadata"]["uid"], "controller": true, "blockOwnerDeletion": true}]);
        uids.insert((ns.clone(), name.clone()), wl["metadata"]["uid"].as_str().unwrap_or("").to_string());
        if kind != "Deployment" {
            let older = super::seed_kinds::older_image(&image);
            super::seed_kinds::controller_revisions(server, &ns, &name, &owner, &template, &older);
            continue;
        }
        for (rs, replicas, image, rev, cause, created) in history {
            let hash = rs.rsplit('-').next().unwrap_or("0").to_string();
            let mut t = template.clone();
            t["metadata"]["labels"]["pod-template-hash"] = json!(hash);
            t["spec"]["containers"][0]["image"] = json!(image);
            let mut annotations = json!({"deployment.kubernetes.io/revision": rev.to_string(),
                "deployment.kubernetes.io/desired-replicas": replicas.to_string(),
                "deployment.kubernetes.io/max-replicas": (replicas + 1).to_string()});
            if !cause.is_empty() {
                annotations["kubernetes.io/change-cause"] = json!(cause);
            }
            let stored = server.put("ReplicaSet", json!({
                "metadata": {"name": rs, "namespace": ns, "labels": {"app": name, "pod-template-hash": hash},
                    "annotations": annotations, "ownerReferences": owner, "creationTimestamp": created},
                "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": name, "pod-template-hash": hash}},
                         "template": t},
                "status": {"replicas": if replicas == 0 { 0 } else { count }}}));
            uids.insert((ns.clone(), rs), stored["metadata"]["uid"].as_str().unwrap_or("").to_string());
        }
    }
    uids
}

/// A workload's status as its controller writes it, from the demo's row.
fn workload_status(w: &Workload) -> Value {
    if w.kind == WorkloadKind::DaemonSet {
        return json!({"desiredNumberScheduled": w.desired, "currentNumberScheduled": w.desired,
            "numberMisscheduled": 0, "numberReady": w.ready, "updatedNumberScheduled": w.updated,
            "numberAvailable": w.available, "observedGeneration": 1});
    }
    let mut s = json!({"replicas": w.desired, "readyReplicas": w.ready, "updatedReplicas": w.updated,
        "availableReplicas": w.available, "observedGeneration": 1});
    if let Some((reason, message)) = &w.failure {
        s["conditions"] =
            json!([{"type": "Progressing", "status": "False", "reason": reason, "message": message}]);
    }
    s
}

fn pod(p: &Pod, (cpu, m): (u64, u64), now: UnixMs) -> Value {
    let owner_ref = p.owner.as_ref().map(|o| {
        let (kind, name) =
            if o.kind == "Deployment" { ("ReplicaSet".to_string(), replicaset_of(&p.name)) } else { (o.kind.to_string(), o.name.to_string()) };
        json!([{"apiVersion": "apps/v1", "kind": kind, "name": name, "uid": format!("owner-{name}"), "controller": true}])
    });
    let containers: Vec<Value> = (0..p.containers)
        .map(|i| {
            let (c, mm) = if i == 0 { (cpu, m) } else { (0, 0) };
            let mut c = json!({"name": container_name(p, i), "image": "registry.example.com/app:1.0",
                   "resources": {"requests": {"cpu": format!("{c}m"), "memory": mem(mm)}}});
            if i == 0 {
                c["ports"] = json!([{"name": "http", "containerPort": 8080, "protocol": "TCP"}]);
            }
            c
        })
        .collect();
    let mut statuses = Vec::new();
    for i in 0..p.containers {
        let ready = i < p.ready || (p.reason.as_deref() == Some("CrashLoopBackOff") && i > 0);
        let mut s = json!({"name": container_name(p, i), "image": "registry.example.com/app:1.0",
            "imageID": "", "ready": ready, "restartCount": if i == 0 { p.restarts } else { 0 },
            "started": ready, "state": {"running": {"startedAt": time(p.created_at)}}});
        if i == 0 {
            match (p.reason.as_deref(), p.phase) {
                (Some("CrashLoopBackOff"), _) => {
                    s["state"] = json!({"waiting": {"reason": "CrashLoopBackOff", "message": p.message}});
                }
                (_, PodPhase::Pending) => {
                    s["state"] = json!({"waiting": {"reason": "ContainerCreating"}});
                }
                _ => {}
            }
            if let Some(t) = p.last_restart {
                s["lastState"] = json!({"terminated": {"exitCode": 1, "reason": "Error",
                    "startedAt": time(t - 5_000), "finishedAt": time(t)}});
            }
        }
        statuses.push(s);
    }
    let all_ready = p.ready == p.containers;
    let mut conditions = vec![
        json!({"type": "Ready", "status": if all_ready { "True" } else { "False" }, "lastTransitionTime": time(now)}),
    ];
    let mut status = json!({"phase": p.phase.label(), "startTime": time(p.created_at)});
    match (p.reason.as_deref(), &p.node) {
        (Some("Unschedulable"), _) => {
            conditions.push(json!({"type": "PodScheduled", "status": "False", "reason": "Unschedulable",
                "message": p.message, "lastTransitionTime": time(p.created_at)}));
        }
        (_, Some(_)) => {
            conditions.push(
                json!({"type": "PodScheduled", "status": "True", "lastTransitionTime": time(p.created_at)}),
            );
            status["containerStatuses"] = json!(statuses);
        }
        _ => {}
    }
    status["conditions"] = json!(conditions);
    let main = p.owner.as_ref().map_or(p.name.clone(), |o| o.name.clone());
    let mut meta = json!({"name": p.name, "namespace": p.namespace, "labels": {"app": main},
        "creationTimestamp": time(p.created_at)});
    if let Some(r) = owner_ref {
        meta["ownerReferences"] = r;
    }
    if p.reason.as_deref() == Some("Terminating") {
        meta["deletionTimestamp"] = json!(time(now));
        meta["deletionGracePeriodSeconds"] = json!(30);
    }
    let mut spec = json!({"containers": containers});
    if let Some(n) = &p.node {
        spec["nodeName"] = json!(n);
    }
    json!({"metadata": meta, "spec": spec, "status": status})
}

fn hpa(h: &Hpa, now: UnixMs) -> Value {
    let metrics: Vec<Value> = h
        .metrics
        .iter()
        .map(|m| json!({"type": "Resource", "resource": {"name": m.name, "target": {"type": "Utilization", "averageUtilization": m.target}}}))
        .collect();
    let current: Vec<Value> = h
        .metrics
        .iter()
        .filter_map(|m| m.current.map(|c| json!({"type": "Resource", "resource": {"name": m.name, "current": {"averageUtilization": c}}})))
        .collect();
    let conditions: Vec<Value> = h
        .conditions
        .iter()
        .map(|c| {
            json!({"type": c.kind, "status": if c.status { "True" } else { "False" }, "reason": c.reason,
                        "message": c.message, "lastTransitionTime": time(now)})
        })
        .collect();
    let mut status = json!({"currentReplicas": h.current, "desiredReplicas": h.desired,
        "currentMetrics": current, "conditions": conditions});
    if let Some(t) = h.last_scale {
        status["lastScaleTime"] = json!(time(t));
    }
    json!({"metadata": {"name": h.name, "namespace": h.namespace},
        "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": h.target.kind, "name": h.target.name},
                 "minReplicas": h.min, "maxReplicas": h.max, "metrics": metrics},
        "status": status})
}

/// A Deployment's ReplicaSets, oldest first: (name, replicas, image, revision, change cause,
/// creation). The demo's recorded revisions where it has them (those no running pod uses
/// scaled to zero), and a first release on an older image as revision 1 unless recorded.
fn rs_history(
    name: &str,
    rsets: &BTreeSet<String>,
    own: &[&Revision],
    image: &str,
    replicas: u32,
    created: &str,
) -> Vec<(String, u32, String, i64, &'static str, String)> {
    let fnv = flightdeck::sources::demo::world::fnv;
    let config_of = |rs: &str| fnv(rs.rsplit('-').next().unwrap_or("").as_bytes());
    if own.is_empty() {
        let older = super::seed_kinds::older_image(image);
        let first =
            (format!("{name}-5c4f9d7b6"), 0, older, 1, "kubectl apply: first release", created.to_string());
        let current = rsets
            .iter()
            .enumerate()
            .map(|(i, rs)| (rs.clone(), replicas, image.to_string(), i as i64 + 2, "", created.to_string()));
        return std::iter::once(first).chain(current).collect();
    }
    let mut out: Vec<_> = own
        .iter()
        .filter(|r| !rsets.iter().any(|rs| config_of(rs) == r.config))
        .map(|r| {
            (format!("{name}-r{}", r.revision), 0, r.images[0].1.clone(), r.revision, "", time(r.created_at))
        })
        .collect();
    // Revision 1 is the first release on an older image when the demo did not record it, so
    // a rollback to revision 1 (kubectl's `--to-revision=1`) always has somewhere to go.
    if !own.iter().any(|r| r.revision == 1) {
        let older = super::seed_kinds::older_image(image);
        out.push((
            format!("{name}-5c4f9d7b6"),
            0,
            older,
            1,
            "kubectl apply: first release",
            created.to_string(),
        ));
    }
    let newest = own.iter().map(|r| r.revision).max().unwrap_or(0);
    for rs in rsets {
        let out_row = match own.iter().find(|r| r.config == config_of(rs)) {
            Some(r) => (rs.clone(), replicas, r.images[0].1.clone(), r.revision, "", time(r.created_at)),
            None => (rs.clone(), replicas, image.to_string(), newest + 1, "", created.to_string()),
        };
        out.push(out_row);
    }
    out.sort_by_key(|h| h.3);
    out
}
