//! The demo platform as a source: a simulated `World` (the reference platform of DESIGN.md)
//! stepped in simulated time and published as six logical sources with their own intervals,
//! just as the real sources would. It answers actions as the real platform would.

pub mod logs;
pub mod pod_view;
pub mod world;

use std::time::Duration;

use std::collections::{HashMap, HashSet};

use tokio::sync::{mpsc, oneshot};

use crate::domain::PodKey;
use crate::domain::SourceId;
use crate::domain::Target;
use crate::domain::registry::ActionId;
use crate::domain::source::DemoFeed;
use crate::state::pods::Pod;
use crate::state::{Data, Message, PaneId, State, UnixMs, update};

pub use world::{Profile, World};

/// The Kubernetes context the demo platform presents.
pub const CONTEXT: &str = "shop-prod";

/// The demo's contexts, as a kubeconfig would list them (the first is the current one):
/// shop-prod and shop-dev, one world each.
pub const CONTEXTS: &[(&str, Profile)] = &[("shop-prod", Profile::Prod), ("shop-dev", Profile::Dev)];

/// The simulated start of the headless world, so snapshots do not depend on today's date:
/// 2026-11-18 14:00:00 UTC.
pub const FIXED_EPOCH: UnixMs = 1_795_010_400_000;

/// The demo's logical sources: id, interval and the panes each feeds.
pub const FEEDS: &[(DemoFeed, i64, &[PaneId])] = &[
    (DemoFeed::Eks, 60_000, &[PaneId::Infrastructure]),
    (DemoFeed::Kubernetes, 2_000, &[PaneId::Infrastructure, PaneId::Pods, PaneId::Scaling]),
    (DemoFeed::CloudWatch, 60_000, &[PaneId::Infrastructure, PaneId::Alerts]),
    (DemoFeed::ArgoCd, 3_000, &[PaneId::ArgoCd]),
    (DemoFeed::Alertmanager, 5_000, &[PaneId::Alerts]),
    (DemoFeed::CostExplorer, 8 * 3_600_000, &[PaneId::Cost]),
];

/// Publishes the world as the logical sources, each when its interval is due.
pub struct Feed {
    last: Vec<Option<UnixMs>>,
    /// Pods as last published: after the first full list, only changes are sent, as a
    /// Kubernetes watch delivers them, so the store takes the same path as with a real cluster.
    pods: Option<HashMap<PodKey, Pod>>,
}

impl Default for Feed {
    fn default() -> Self {
        Feed { last: vec![None; FEEDS.len()], pods: None }
    }
}

impl Feed {
    pub fn register() -> Vec<Message> {
        Feed::register_for(Profile::Prod)
    }

    /// The sources a profile's world publishes (shop-dev leaves AWS to shop-prod's account).
    pub fn register_for(profile: Profile) -> Vec<Message> {
        FEEDS
            .iter()
            .filter(|(id, _, _)| profile.publishes(*id))
            .map(|(id, interval, feeds)| Message::Register {
                source: SourceId::demo(*id),
                interval_ms: *interval,
                feeds: feeds.to_vec(),
            })
            // The demo has no API server: `:KIND` says so rather than waiting for discovery.
            .chain([Message::Catalog(Err(NO_API_SERVER.into()))])
            .collect()
    }

    /// Messages for every logical source whose interval has passed (all of them when `force`).
    pub fn due(&mut self, world: &World, force: bool) -> Vec<Message> {
        let now = world.now();
        let mut out = Vec::new();
        for (i, (id, interval, _)) in FEEDS.iter().enumerate() {
            let due = force || self.last[i].is_none_or(|t| now - t >= *interval);
            if !due || !world.publishes(*id) {
                continue;
            }
            self.last[i] = Some(now);
            let source = SourceId::demo(*id);
            for data in self.publish(world, *id) {
                out.push(Message::Data { source: source.clone(), at: now, data });
            }
        }
        out
    }

    fn publish(&mut self, world: &World, feed: DemoFeed) -> Vec<Data> {
        match feed {
            DemoFeed::Eks => vec![Data::Clusters(world.clusters())],
            DemoFeed::Kubernetes => {
                let mut out = vec![Data::Nodes(world.nodes())];
                out.extend(self.pod_changes(world.pods()));
                out.extend([
                    Data::Workloads(world.workloads()),
                    Data::Revisions(world.revisions()),
                    Data::Hpas(world.hpas()),
                    Data::Events(world.events()),
                ]);
                out
            }
            DemoFeed::CloudWatch => {
                vec![Data::Metrics(world.metrics()), Data::Alerts(world.cloudwatch_alarms())]
            }
            DemoFeed::ArgoCd => {
                let mut apps = world.apps();
                // The YAML Argo CD would store, so the detail view has something true to show.
                for a in &mut apps {
                    a.manifest = crate::sources::argocd::wire::yaml(
                        &crate::sources::argocd::wire::to_application(a, "argocd"),
                    );
                }
                vec![Data::Apps(apps)]
            }
            DemoFeed::Alertmanager => {
                vec![Data::Alertmanager { alerts: world.alertmanager_alerts(), silences: world.silences() }]
            }
            DemoFeed::CostExplorer => vec![Data::Cost(world.cost())],
        }
    }

    /// The first time, every pod; then the added or changed ones and the deletions.
    fn pod_changes(&mut self, pods: Vec<Pod>) -> Vec<Data> {
        let Some(last) = &mut self.pods else {
            self.pods = Some(pods.iter().map(|p| (p.key(), p.clone())).collect());
            return vec![Data::PodsReplace { pods, metrics_available: true }];
        };
        let mut out = Vec::new();
        let mut current = HashSet::with_capacity(pods.len());
        for pod in pods {
            let key = pod.key();
            current.insert(key.clone());
            if last.get(&key) != Some(&pod) {
                last.insert(key, pod.clone());
                out.push(Data::PodUpsert(Box::new(pod)));
            }
        }
        let mut gone: Vec<PodKey> = last.keys().filter(|k| !current.contains(*k)).cloned().collect();
        gone.sort();
        for key in gone {
            last.remove(&key);
            out.push(Data::PodDelete(key));
        }
        out
    }
}

/// Run the world to `at_secs` simulated seconds and return every message a live run would
/// have sent, for headless snapshots and tests.
pub fn run_headless(seed: u64, epoch: UnixMs, at_secs: u64) -> (World, Vec<Message>) {
    run_headless_as(seed, epoch, at_secs, Profile::Prod)
}

/// `run_headless` for one of the demo's clusters.
pub fn run_headless_as(seed: u64, epoch: UnixMs, at_secs: u64, profile: Profile) -> (World, Vec<Message>) {
    let mut world = World::with_profile(seed, epoch, profile);
    let mut feed = Feed::default();
    let mut msgs = Feed::register_for(profile);
    msgs.extend(feed.due(&world, true));
    for _ in 0..at_secs {
        world.step(1_000);
        msgs.extend(feed.due(&world, false));
    }
    (world, msgs)
}

/// An action for the demo world, answered on `reply`.
pub struct Request {
    pub action: ActionId,
    pub target: Target,
    pub reply: oneshot::Sender<Result<String, String>>,
}

/// The sync dialog asking what a sync of an app would do.
pub struct PlanRequest {
    pub app: String,
    pub reply: oneshot::Sender<Result<crate::state::sync_plan::SyncPlan, String>>,
}

/// The pod view asking for one pod as the API server would return it.
pub struct PodRequest {
    pub key: PodKey,
    pub reply: oneshot::Sender<Option<world::pod_manifest::PodSnapshot>>,
}

#[derive(Clone)]
pub struct Handle {
    tx: mpsc::Sender<Request>,
    pods: mpsc::Sender<PodRequest>,
    plans: mpsc::Sender<PlanRequest>,
}

impl Handle {
    pub async fn run(&self, action: ActionId, target: Target) -> Result<String, String> {
        let (reply, rx) = oneshot::channel();
        self.tx
            .send(Request { action, target, reply })
            .await
            .map_err(|_| "the demo platform has stopped".to_string())?;
        rx.await.map_err(|_| "the demo platform did not answer".to_string())?
    }

    /// What a sync of `app` would do.
    pub async fn plan(&self, app: &str) -> Result<crate::state::sync_plan::SyncPlan, String> {
        let (reply, rx) = oneshot::channel();
        self.plans
            .send(PlanRequest { app: app.to_string(), reply })
            .await
            .map_err(|_| "the demo platform has stopped".to_string())?;
        rx.await.map_err(|_| "the demo platform did not answer".to_string())?
    }

    /// One pod in full with its events; None when the world has no such pod (any more).
    pub async fn pod(&self, key: PodKey) -> Result<Option<world::pod_manifest::PodSnapshot>, String> {
        let (reply, rx) = oneshot::channel();
        self.pods
            .send(PodRequest { key, reply })
            .await
            .map_err(|_| "the demo platform has stopped".to_string())?;
        rx.await.map_err(|_| "the demo platform did not answer".to_string())
    }
}

/// Start the demo source. The world ticks once per simulated second.
pub fn spawn(seed: u64, epoch: UnixMs, speed: f64, tx: super::Sender) -> (Handle, super::TaskGuard) {
    spawn_as(seed, epoch, speed, Profile::Prod, tx)
}

/// Start one of the demo's clusters; its rows are stamped by the sender it is given.
pub fn spawn_as(
    seed: u64,
    epoch: UnixMs,
    speed: f64,
    profile: Profile,
    tx: super::Sender,
) -> (Handle, super::TaskGuard) {
    let (req_tx, mut req_rx) = mpsc::channel::<Request>(16);
    let (pod_tx, mut pod_rx) = mpsc::channel::<PodRequest>(4);
    let (plan_tx, mut plan_rx) = mpsc::channel::<PlanRequest>(4);
    // Registered before the task starts, as every source is: a headless run waits for each
    // source registered, and one cluster's world must not answer before another's registered.
    for m in Feed::register_for(profile) {
        let _ = tx.try_send(m);
    }
    let task = tokio::spawn(async move {
        let mut world = World::with_profile(seed, epoch, profile);
        let mut feed = Feed::default();
        for m in feed.due(&world, true) {
            if tx.send(m).await.is_err() {
                return;
            }
        }
        let mut tick = tokio::time::interval(Duration::from_secs(1).div_f64(speed));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        tick.tick().await;
        loop {
            let msgs = tokio::select! {
                _ = tick.tick() => {
                    world.step(1_000);
                    feed.due(&world, false)
                }
                Some(req) = req_rx.recv() => {
                    let result = world.apply(req.action, &req.target);
                    let _ = req.reply.send(result);
                    // The platform's answer shows at once, as a watch would deliver it.
                    feed.due(&world, true)
                }
                Some(req) = pod_rx.recv() => {
                    let _ = req.reply.send(world.pod_manifest(&req.key));
                    Vec::new()
                }
                Some(req) = plan_rx.recv() => {
                    let _ = req.reply.send(world.plan(&req.app));
                    Vec::new()
                }
            };
            for m in msgs {
                if tx.send(m).await.is_err() {
                    return;
                }
            }
        }
    });
    (Handle { tx: req_tx, pods: pod_tx, plans: plan_tx }, super::TaskGuard(task))
}

/// The store after `at_secs` simulated seconds of the demo world from the fixed start.
/// Why the demo has no `:KIND` lists, shells, forwards or edits.
pub const NO_API_SERVER: &str = "the demo platform has no API server: connect to a cluster (or run the test server: cargo run --example kube_api_server)";

pub fn state_at(seed: u64, at_secs: u64) -> State {
    let (world, msgs) = run_headless(seed, FIXED_EPOCH, at_secs);
    let mut state = State::new(CONTEXT, world.now());
    state.kube_contexts = CONTEXTS.iter().map(|(n, _)| n.to_string()).collect();
    for m in msgs {
        update(&mut state, m);
    }
    update(&mut state, Message::Tick(world.now()));
    state.finish_batch();
    state
}

/// The store after `at_secs` simulated seconds of both demo clusters, watched as a fleet
/// (shop-prod in production, shop-dev not), every cluster shown.
pub fn fleet_state_at(seed: u64, at_secs: u64) -> State {
    use crate::state::fleet::ClusterInfo;
    let mut state = State::new(crate::state::fleet::FLEET, FIXED_EPOCH);
    let fleet = CONTEXTS
        .iter()
        .map(|(name, p)| ClusterInfo {
            name: (*name).into(),
            production: *p == Profile::Prod,
            account: Some("shop".into()),
            region: Some("eu-west-1".into()),
            ..Default::default()
        })
        .collect();
    state.set_fleet(fleet);
    state.kube_contexts = CONTEXTS.iter().map(|(n, _)| n.to_string()).collect();
    let mut now = FIXED_EPOCH;
    for (name, profile) in CONTEXTS {
        let (world, msgs) = run_headless_as(seed, FIXED_EPOCH, at_secs, *profile);
        now = world.now();
        for mut m in msgs {
            if let Some(id) = m.source_mut() {
                id.cluster = Some((*name).into());
            }
            update(&mut state, m);
        }
    }
    state.open_cluster(None);
    update(&mut state, Message::Tick(now));
    state.finish_batch();
    state
}
