//! Kubelet, scheduler and controllers of the simulated cluster: pod lifecycle stages, binding
//! pods to nodes, and the Deployment / StatefulSet / DaemonSet controllers that create and remove pods.

use super::World;
use super::util::SEC;
use super::workloads::{SimPod, Stage, backoff_ms};
use crate::domain::WorkloadKind;
use crate::state::UnixMs;

impl World {
    pub(super) fn pod_object(&self, i: usize) -> String {
        let p = &self.pods[i];
        format!("Pod {}/{}", self.workloads[p.wl].ns, p.name)
    }

    /// Moves every pod whose stage has run out to its next stage.
    pub(super) fn pods_tick(&mut self) {
        let now = self.now;
        let mut gone = false;
        for i in 0..self.pods.len() {
            if self.pods[i].until > now {
                continue;
            }
            match self.pods[i].stage {
                Stage::Pending => self.try_bind(i),
                // A missing tag stays missing: every pull fails the same way.
                Stage::Creating | Stage::PullBackOff if self.pods[i].unpullable => self.pull_failed(i),
                Stage::PullFailed => self.pull_back_off(i),
                Stage::Creating | Stage::PullBackOff => {
                    let p = &mut self.pods[i];
                    p.stage = Stage::Starting;
                    p.until = now + self.rng.i64(2 * SEC..4 * SEC);
                    self.container_started(i, true);
                }
                Stage::Starting => {
                    let bad = self.pods[i].bad;
                    let p = &mut self.pods[i];
                    p.stage = Stage::Ready;
                    p.ready_at = now;
                    // The bad build passes its readiness probe, then crashes once it takes traffic.
                    // Long enough for the rollout to finish before the first crash, as such bugs go.
                    p.until = if bad { now + self.rng.i64(30 * SEC..45 * SEC) } else { UnixMs::MAX };
                }
                Stage::Ready | Stage::CrashRun => self.crash(i),
                Stage::BackOff => {
                    let p = &mut self.pods[i];
                    p.restarts += 1;
                    p.last_restart = Some(now);
                    p.stage = Stage::CrashRun;
                    p.until = now + self.rng.i64(3 * SEC..5 * SEC);
                    self.container_started(i, false);
                    let p = &self.pods[i];
                    let msg = format!(
                        "Readiness probe failed: Get \"http://{}:8080/healthz\": dial tcp {}:8080: connect: connection refused",
                        p.ip, p.ip
                    );
                    let obj = self.pod_object(i);
                    self.event(true, "Unhealthy", obj, msg);
                }
                Stage::Terminating => gone = true,
            }
        }
        if gone {
            self.pods.retain(|p| !(p.stage == Stage::Terminating && p.until <= now));
        }
    }

    fn container_started(&mut self, i: usize, first: bool) {
        let p = &self.pods[i];
        let w = &self.workloads[p.wl];
        let pulled = if first && w.service.is_some() {
            format!("Successfully pulled image \"{}\" in 1.84s (1.84s including waiting)", w.image)
        } else {
            format!("Container image \"{}\" already present on machine", w.image)
        };
        let started = format!("Started container {}", w.container());
        let obj = self.pod_object(i);
        self.event(false, "Pulled", obj.clone(), pulled);
        self.event(false, "Started", obj, started);
    }

    fn crash(&mut self, i: usize) {
        let now = self.now;
        let p = &mut self.pods[i];
        p.crashes += 1;
        p.crashloop_since.get_or_insert(now);
        p.stage = Stage::BackOff;
        p.until = now + backoff_ms(p.crashes);
        let p = &self.pods[i];
        let w = &self.workloads[p.wl];
        let msg = format!(
            "Back-off restarting failed container {} in pod {}_{}({})",
            w.container(),
            p.name,
            w.ns,
            p.uid
        );
        let obj = self.pod_object(i);
        self.event(true, "BackOff", obj, msg);
    }

    /// Binds a pending pod to a node (or records why none fits and retries later).
    fn try_bind(&mut self, i: usize) {
        let now = self.now;
        if self.pods[i].node.is_none() {
            match self.schedule(self.pods[i].wl, Some(i)) {
                Ok(n) => {
                    let ip = self.pod_ip(n);
                    let p = &mut self.pods[i];
                    p.node = Some(n);
                    p.ip = ip;
                    p.unschedulable = None;
                }
                Err(msg) => {
                    let p = &mut self.pods[i];
                    p.until = now + 5 * SEC;
                    p.unschedulable = Some(msg.clone());
                    let obj = self.pod_object(i);
                    self.event(true, "FailedScheduling", obj, msg);
                    return;
                }
            }
        }
        let p = &mut self.pods[i];
        p.stage = Stage::Creating;
        p.until = now + self.rng.i64(1_500..3_000);
    }

    /// Picks the least-requested schedulable node with room for a pod of `wl`, or returns the
    /// scheduler's message. `skip` is a pod not to count (the one being scheduled).
    pub(super) fn schedule(&mut self, wl: usize, skip: Option<usize>) -> Result<usize, String> {
        let (cpu_req, mem_req) = (self.workloads[wl].cpu_req, self.workloads[wl].mem_req);
        let mut used = vec![(0u64, 0u64, 0u32); self.nodes.len()];
        for (j, p) in self.pods.iter().enumerate() {
            if let (Some(n), true) = (p.node, Some(j) != skip) {
                let w = &self.workloads[p.wl];
                used[n].0 += w.cpu_req;
                used[n].1 += w.mem_req;
                used[n].2 += 1;
            }
        }
        let (mut cordoned, mut no_cpu, mut no_mem, mut full) = (0, 0, 0, 0);
        let mut best: Option<(f64, usize)> = None;
        for (n, node) in self.nodes.iter().enumerate() {
            let (c, m, k) = used[n];
            if node.cordoned {
                cordoned += 1;
            } else if c + cpu_req > node.cpu_alloc {
                no_cpu += 1;
            } else if m + mem_req > node.mem_alloc {
                no_mem += 1;
            } else if k >= node.max_pods {
                full += 1;
            } else {
                let score = (c + cpu_req) as f64 / node.cpu_alloc as f64
                    + 0.5 * (m + mem_req) as f64 / node.mem_alloc as f64
                    + 0.25 * self.rng.f64();
                if best.is_none_or(|(s, _)| score < s) {
                    best = Some((score, n));
                }
            }
        }
        if let Some((_, n)) = best {
            return Ok(n);
        }
        let total = self.nodes.len();
        let mut parts = Vec::new();
        if cordoned > 0 {
            parts.push(format!("{cordoned} node(s) were unschedulable"));
        }
        if no_cpu > 0 {
            parts.push(format!("{no_cpu} Insufficient cpu"));
        }
        if no_mem > 0 {
            parts.push(format!("{no_mem} Insufficient memory"));
        }
        if full > 0 {
            parts.push(format!("{full} Too many pods"));
        }
        Err(format!(
            "0/{total} nodes are available: {}. preemption: 0/{total} nodes are available: {total} Preemption is not helpful for scheduling.",
            parts.join(", ")
        ))
    }

    /// Starts the graceful termination of pod `i`.
    pub(super) fn terminate(&mut self, i: usize) {
        if !self.pods[i].active() {
            return;
        }
        let now = self.now;
        let grace = if self.pods[i].node.is_some() { self.rng.i64(2 * SEC..3 * SEC) } else { 0 };
        let p = &mut self.pods[i];
        p.stage = Stage::Terminating;
        p.until = now + grace.max(1);
        if self.pods[i].node.is_some() {
            let c = self.workloads[self.pods[i].wl].container();
            let obj = self.pod_object(i);
            self.event(false, "Killing", obj, format!("Stopping container {c}"));
        }
    }

    fn spawn(&mut self, wl: usize, slot: u32) {
        let node = (self.workloads[wl].kind == WorkloadKind::DaemonSet).then_some(slot as usize);
        let pod: SimPod = self.new_pod(wl, slot, node, self.now);
        if let Some(n) = node {
            let ip = self.pod_ip(n);
            self.pods.push(SimPod { ip, ..pod });
        } else {
            self.pods.push(pod);
        }
    }

    /// Every controller brings its pods towards its spec.
    pub(super) fn reconcile(&mut self) {
        for wl in 0..self.workloads.len() {
            match self.workloads[wl].kind {
                WorkloadKind::Deployment => self.reconcile_deployment(wl),
                WorkloadKind::StatefulSet | WorkloadKind::DaemonSet => self.reconcile_slots(wl),
            }
        }
    }

    /// A Deployment with the RollingUpdate defaults (25 % surge, 25 % unavailable): pods of the
    /// current template are added, pods of older templates removed as availability allows.
    fn reconcile_deployment(&mut self, wl: usize) {
        let r = self.workloads[wl].replicas;
        let (mut cur, mut old, mut ready_cur, mut ready_old) = (0u32, 0u32, 0u32, 0u32);
        let mut old_hash: Option<&str> = None;
        for p in self.pods.iter().filter(|p| p.wl == wl && p.active()) {
            if p.hash == self.workloads[wl].hash {
                cur += 1;
                ready_cur += p.ready() as u32;
            } else {
                old += 1;
                ready_old += p.ready() as u32;
                old_hash = Some(&p.hash);
            }
        }
        let old_hash = old_hash.map(str::to_string);
        let (cur_before, old_before) = (cur, old);
        if old > 0 {
            // Old pods that are not ready serve nobody: they go at once.
            while let Some(i) = self.pick(wl, |p, w| (p.hash != w.hash && !p.ready(), 0)) {
                self.terminate(i);
                old -= 1;
            }
            // Ready old pods go, oldest first, as long as enough pods stay available.
            let min_available = r - r / 4;
            while ready_old > 0 && ready_cur + ready_old > min_available {
                let Some(i) = self.pick(wl, |p, w| (p.hash != w.hash && p.ready(), -p.created_at)) else {
                    break;
                };
                self.terminate(i);
                ready_old -= 1;
                old -= 1;
            }
            if old < old_before {
                self.scaled_event(wl, old_hash.as_deref(), old_before, old);
            }
        } else if cur > r {
            // Scale down: unready pods go first, then the newest.
            for _ in r..cur {
                if let Some(i) = self.pick(wl, |p, _| (true, (!p.ready(), p.created_at))) {
                    self.terminate(i);
                }
            }
            self.scaled_event(wl, None, cur, r);
            return;
        }
        let ceiling = if old > 0 { r + r.div_ceil(4).max(1) } else { r };
        while cur < r && cur + old < ceiling {
            self.spawn(wl, 0);
            cur += 1;
        }
        if cur > cur_before {
            self.scaled_event(wl, None, cur_before, cur);
        }
    }

    /// The active pod of `wl` with the highest key.
    fn pick<K: Ord>(
        &self,
        wl: usize,
        key: impl Fn(&SimPod, &super::workloads::Workload) -> (bool, K),
    ) -> Option<usize> {
        let w = &self.workloads[wl];
        self.pods
            .iter()
            .enumerate()
            .filter(|(_, p)| p.wl == wl && p.active())
            .map(|(i, p)| (key(p, w), i))
            .filter(|((ok, _), _)| *ok)
            .max_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)))
            .map(|(_, i)| i)
    }

    fn scaled_event(&mut self, wl: usize, hash: Option<&str>, from: u32, to: u32) {
        let w = &self.workloads[wl];
        let rs = format!("{}-{}", w.name, hash.unwrap_or(&w.hash));
        let verb = if to > from { "up" } else { "down" };
        let obj = format!("Deployment {}/{}", w.ns, w.name);
        self.event(
            false,
            "ScalingReplicaSet",
            obj,
            format!("Scaled {verb} replica set {rs} to {to} from {from}"),
        );
    }

    /// StatefulSets (by ordinal) and DaemonSets (by node): one pod per slot, replaced one at a
    /// time on a template change once every pod is ready.
    fn reconcile_slots(&mut self, wl: usize) {
        let w = &self.workloads[wl];
        let slots = if w.kind == WorkloadKind::DaemonSet { self.nodes.len() as u32 } else { w.replicas };
        let (mut present, mut ready, mut outdated) = (0u64, 0u64, 0u64);
        let mut settling = false;
        let mut extra = None;
        for (i, p) in self.pods.iter().enumerate().filter(|(_, p)| p.wl == wl) {
            if p.slot >= slots {
                if p.active() {
                    extra = Some(i);
                }
                continue;
            }
            present |= 1 << p.slot;
            settling |= !p.active();
            if p.ready() {
                ready |= 1 << p.slot;
            }
            if p.active() && p.hash != w.hash {
                outdated |= 1 << p.slot;
            }
        }
        if let Some(i) = extra {
            self.terminate(i);
        }
        let all = if slots >= 64 { u64::MAX } else { (1u64 << slots) - 1 };
        for s in 0..slots {
            if present & (1 << s) == 0 {
                self.spawn(wl, s);
            }
        }
        if !settling && present == all && ready == all && outdated != 0 {
            let slot = 63 - outdated.leading_zeros();
            if let Some(i) = self.pods.iter().position(|p| p.wl == wl && p.slot == slot && p.active()) {
                self.terminate(i);
            }
        }
    }
}
