//! The timeline's costs, printed as figures (no pass/fail): deriving entries from deliveries
//! with 10,000 pods and 1,000 HPAs in the store, drawing the timeline with 20,000 entries
//! (whole and around a problem), the local history's write cost per entry, and its file after
//! an hour of the demo. Run: `cargo bench --bench timeline`.

use std::time::{Duration, Instant};

use flightdeck::app::history::History;
use flightdeck::config::{HistoryConfig, Keymap, Theme};
use flightdeck::domain::SourceId;
use flightdeck::domain::source::KubeFeed;
use flightdeck::sources::demo::{self, FIXED_EPOCH};
use flightdeck::state::pods::{Owner, Pod, PodPhase};
use flightdeck::state::scaling::{Hpa, HpaMetric};
use flightdeck::state::timeline::{Entry, Kind, Subject};
use flightdeck::state::{Data, Level, Message, State, update};
use flightdeck::ui::{self, Ui};

fn pod(i: usize, now: i64) -> Pod {
    Pod {
        cluster: Default::default(),
        namespace: format!("ns{}", i % 20).into(),
        name: format!("app{}-{i:06}", i % 1000).into(),
        phase: PodPhase::Running,
        ready: 1,
        containers: 1,
        reason: None,
        message: None,
        restarts: 0,
        last_restart: None,
        created_at: now - 3_600_000,
        node: Some(format!("node-{}", i % 100).into()),
        owner: Some(Owner { kind: "Deployment".into(), name: format!("app{}", i % 1000).into() }),
        cpu_milli: None,
        mem_bytes: None,
    }
}

fn hpa(i: usize, desired: u32) -> Hpa {
    Hpa {
        cluster: Default::default(),
        namespace: format!("ns{}", i % 20),
        name: format!("app{i}"),
        target: Owner { kind: "Deployment".into(), name: format!("app{i}").into() },
        min: 2,
        max: 20,
        current: desired,
        desired,
        metrics: vec![HpaMetric { name: "cpu".into(), current: Some(80), target: 70 }],
        conditions: Vec::new(),
        last_scale: None,
    }
}

fn entry(i: i64, now: i64) -> Entry {
    Entry {
        at: now - 20_000_000 + i * 1000,
        cluster: "shop-prod".into(),
        kind: [Kind::Rollout, Kind::Autoscale, Kind::Warning, Kind::Alert][i as usize % 4],
        subject: Subject::Workload {
            namespace: format!("ns{}", i % 20),
            kind: flightdeck::domain::WorkloadKind::Deployment,
            name: format!("app{}", i % 1000),
        },
        what: format!("revision {i}: image app:1.{i} → app:1.{}", i + 1),
        level: Level::Accent,
    }
}

fn median(mut v: Vec<Duration>) -> f64 {
    v.sort();
    v[v.len() / 2].as_secs_f64() * 1e3
}

fn main() {
    let now = FIXED_EPOCH;
    let src = SourceId::kube(KubeFeed::Pods);
    let mut s = State::new("shop-prod", now);
    let pods: Vec<Pod> = (0..10_000).map(|i| pod(i, now)).collect();
    update(
        &mut s,
        Message::Data {
            source: src.clone(),
            at: now,
            data: Data::PodsReplace {
                pods: pods.into_iter().map(std::sync::Arc::new).collect(),
                metrics_available: true,
            },
        },
    );
    update(
        &mut s,
        Message::Data {
            source: src.clone(),
            at: now,
            data: Data::Hpas((0..1000).map(|i| hpa(i, 3)).collect()),
        },
    );
    s.finish_batch();
    // Every HPA decides at once: 1,000 entries from one delivery.
    let t = Instant::now();
    update(
        &mut s,
        Message::Data {
            source: src.clone(),
            at: now + 15_000,
            data: Data::Hpas((0..1000).map(|i| hpa(i, 4)).collect()),
        },
    );
    let changed = t.elapsed();
    let t = Instant::now();
    update(
        &mut s,
        Message::Data {
            source: src.clone(),
            at: now + 30_000,
            data: Data::Hpas((0..1000).map(|i| hpa(i, 4)).collect()),
        },
    );
    let same = t.elapsed();
    println!(
        "10,000 pods, 1,000 HPAs: an HPA delivery with every HPA changed {:.2} ms ({} entries), unchanged {:.2} ms",
        changed.as_secs_f64() * 1e3,
        s.timeline.len(),
        same.as_secs_f64() * 1e3
    );

    // Drawing with 20,000 entries: the whole timeline, and around the demo incident.
    let mut s = demo::state_at(7, 150);
    s.timeline.restore((0..20_000).map(|i| entry(i, s.now)).collect());
    let (theme, keymap) = (Theme::default_theme(), Keymap::default_keymap());
    for (label, focused) in [("whole", false), ("around the top problem", true)] {
        s.view.mode = flightdeck::state::view::Mode::Triage;
        let focus = focused.then(|| {
            let p = flightdeck::state::view::selected_problem(&s).unwrap();
            flightdeck::state::timeline::focus::Focus::around(&s, p)
        });
        flightdeck::state::view::timeline::open(&mut s, focus);
        let times: Vec<Duration> = (0..50)
            .map(|_| {
                let t = Instant::now();
                let _ = ui::render_to_buffer(&s, &Ui { theme: &theme, keymap: &keymap }, 160, 48);
                t.elapsed()
            })
            .collect();
        println!("timeline frame, {} entries, {label}: median {:.3} ms", s.timeline.len(), median(times));
    }

    // The local history: appends in the writer's batches.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.redb");
    let mut h = History::open(&path, &HistoryConfig::default()).unwrap();
    let all: Vec<Entry> = (0..20_000).map(|i| entry(i, now)).collect();
    let t = Instant::now();
    for batch in all.chunks(2_000) {
        h.append(batch, now).unwrap();
    }
    let per = t.elapsed().as_secs_f64() * 1e6 / all.len() as f64;
    let size = std::fs::metadata(&path).unwrap().len();
    println!(
        "history: 20,000 entries in batches of 2,000: {per:.1} µs an entry, file {:.1} MiB",
        size as f64 / 1048576.0
    );

    // An hour of the demo, recorded as the console does (a batch per simulated 2 s).
    let path = dir.path().join("history-demo.redb");
    let mut h = History::open(&path, &HistoryConfig::default()).unwrap();
    let mut world = demo::World::new(7, FIXED_EPOCH);
    let mut feed = demo::Feed::default();
    let mut s = State::new(demo::CONTEXT, FIXED_EPOCH);
    let mut written = 0;
    let t = Instant::now();
    for m in demo::Feed::register().into_iter().chain(feed.due(&world, true)) {
        update(&mut s, m);
    }
    for sec in 0..3600 {
        world.step(1_000);
        for m in feed.due(&world, false) {
            update(&mut s, m);
        }
        if sec % 2 == 1 {
            let fresh = s.timeline.take_fresh();
            written += fresh.len();
            h.append(&fresh, world.now()).unwrap();
        }
    }
    let size = std::fs::metadata(&path).unwrap().len();
    println!(
        "an hour of the demo: {written} entries recorded, file {:.2} MiB ({:.1} s to simulate and record)",
        size as f64 / 1048576.0,
        t.elapsed().as_secs_f64()
    );
}
