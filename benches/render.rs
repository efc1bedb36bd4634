//! Frame and update costs with large stores, printed as figures (no pass/fail): the overview
//! and the Pods pane with 10,000 and 50,000 pods and 1,000 HPAs, 10,000 pod updates applied
//! through `update`, resident memory of the store, and the demo's first frame.
//! Run: `cargo bench --bench render` (add `-- --quick` for fewer frames).

use std::time::{Duration, Instant};

use flightdeck::config::{Keymap, Theme};
use flightdeck::domain::SourceId;
use flightdeck::sources::demo::state_at;
use flightdeck::state::pods::{Owner, Pod, PodPhase};
use flightdeck::state::scaling::{Hpa, HpaCondition, HpaMetric};
use flightdeck::state::view::Mode;
use flightdeck::state::{Data, Message, PaneId, State, update};
use flightdeck::ui::{self, Ui};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn pod(i: usize, now: i64) -> Pod {
    let ns = ["storefront", "data", "monitoring", "kube-system", "argocd", "security", "ingress"][i % 7];
    let bad = i.is_multiple_of(97);
    Pod {
        cluster: Default::default(),
        namespace: ns.into(),
        name: format!("worker-{:06}-7d9f8b6c4-{:05x}", i / 10, i).into(),
        phase: PodPhase::Running,
        ready: if bad { 0 } else { 1 },
        containers: 1,
        reason: bad.then(|| "CrashLoopBackOff".to_string()),
        message: None,
        restarts: (i % 13) as u32,
        last_restart: Some(now - 60_000),
        created_at: now - (i as i64 % 86_400) * 1000,
        node: Some(format!("ip-10-0-{}-{}.ec2.internal", i % 3, i % 250).into()),
        owner: Some(Owner { kind: "Deployment".into(), name: format!("worker-{:06}", i / 10).into() }),
        cpu_milli: Some((i % 900) as u64),
        mem_bytes: Some(((i % 512) as u64) << 20),
    }
}

fn hpa(i: usize) -> Hpa {
    Hpa {
        cluster: Default::default(),
        namespace: "storefront".into(),
        name: format!("svc-{i:04}"),
        target: Owner { kind: "Deployment".into(), name: format!("svc-{i:04}").into() },
        min: 2,
        max: 20,
        current: (i % 20) as u32 + 1,
        desired: (i % 20) as u32 + 1,
        metrics: vec![HpaMetric { name: "cpu".into(), current: Some((i % 120) as u32), target: 70 }],
        conditions: vec![HpaCondition {
            kind: "ScalingActive".into(),
            status: true,
            reason: "ValidMetricFound".into(),
            message: "the HPA was able to successfully calculate a replica count".into(),
        }],
        last_scale: None,
    }
}

/// The demo store with its pods replaced by `n` synthetic ones and 1,000 HPAs.
fn big_state(n: usize) -> State {
    let mut s = state_at(7, 150);
    let now = s.now;
    let src = "demo/kubernetes".parse::<SourceId>().unwrap();
    let pods = (0..n).map(|i| std::sync::Arc::new(pod(i, now))).collect();
    update(
        &mut s,
        Message::Data {
            source: src.clone(),
            at: now,
            data: Data::PodsReplace { pods, metrics_available: true },
        },
    );
    let hpas = (0..1000).map(hpa).collect();
    update(&mut s, Message::Data { source: src, at: now, data: Data::Hpas(hpas) });
    s.finish_batch();
    s
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn frames(state: &mut State, mode: Mode, w: u16, h: u16, n: usize) -> (Duration, Duration) {
    let theme = Theme::default_theme();
    let keymap = Keymap::default_keymap();
    let ui = Ui { theme: &theme, keymap: &keymap };
    state.view.mode = mode;
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    let mut times = Vec::with_capacity(n);
    for i in 0..n {
        // Move the selection so each frame differs, as scrolling would.
        let row = (i * 37) % state.pods.len().max(1);
        flightdeck::state::view::select(state, PaneId::Pods, row);
        let t = Instant::now();
        term.draw(|f| ui::draw(f, state, &ui)).unwrap();
        times.push(t.elapsed());
    }
    let max = *times.iter().max().unwrap();
    (median(times), max)
}

fn rss_kib() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let n_frames = if quick { 20 } else { 200 };
    println!("flightdeck render benchmark ({n_frames} frames each, 160x48 unless noted)");

    let t = Instant::now();
    let mut first = state_at(7, 0);
    let theme = Theme::default_theme();
    let keymap = Keymap::default_keymap();
    let mut term = Terminal::new(TestBackend::new(160, 48)).unwrap();
    term.draw(|f| ui::draw(f, &first, &Ui { theme: &theme, keymap: &keymap })).unwrap();
    println!("first frame, demo world built and drawn headless: {:.2} ms", t.elapsed().as_secs_f64() * 1e3);
    let (m, _) = frames(&mut first, Mode::Overview, 160, 48, n_frames);
    println!("overview, demo world (~120 pods):       median {:>8.3} ms", m.as_secs_f64() * 1e3);
    // The demo world's cost: an hour of simulated time, stepped and published as the feed does.
    let t = Instant::now();
    let (_, msgs) =
        flightdeck::sources::demo::run_headless(11, flightdeck::sources::demo::FIXED_EPOCH, 3_600);
    println!(
        "demo world, one simulated hour stepped:  {:>8.1} ms ({} messages)",
        t.elapsed().as_secs_f64() * 1e3,
        msgs.len()
    );

    for n in [10_000usize, 50_000] {
        let before = rss_kib();
        let t = Instant::now();
        let mut s = big_state(n);
        let build = t.elapsed();
        let after = rss_kib();
        if let (Some(a), Some(b)) = (after, before) {
            println!(
                "{n:>6} pods + 1000 HPAs: store built in {:.1} ms, resident memory +{:.1} MiB (process {:.1} MiB)",
                build.as_secs_f64() * 1e3,
                a.saturating_sub(b) as f64 / 1024.0,
                a as f64 / 1024.0
            );
        }
        for (label, mode) in [("overview", Mode::Overview), ("pods pane", Mode::Full(PaneId::Pods))] {
            let (m, max) = frames(&mut s, mode, 160, 48, n_frames);
            println!(
                "{n:>6} pods, {label:<10} 160x48:        median {:>8.3} ms  max {:>8.3} ms",
                m.as_secs_f64() * 1e3,
                max.as_secs_f64() * 1e3
            );
        }
        let (m, _) = frames(&mut s, Mode::Full(PaneId::Pods), 200, 60, n_frames);
        println!("{n:>6} pods, pods pane  200x60:        median {:>8.3} ms", m.as_secs_f64() * 1e3);

        // 10,000 updates to existing pods (restarts and status flips), then one reorder.
        let src = "demo/kubernetes".parse::<SourceId>().unwrap();
        let now = s.now;
        let updates: Vec<Pod> = (0..10_000)
            .map(|i| {
                let mut p = pod((i * 7919) % n, now);
                p.restarts += 1;
                if i.is_multiple_of(50) {
                    p.reason = Some("OOMKilled".into());
                }
                p
            })
            .collect();
        let t = Instant::now();
        for p in updates {
            update(
                &mut s,
                Message::Data { source: src.clone(), at: now, data: Data::PodUpsert(std::sync::Arc::new(p)) },
            );
        }
        let applied = t.elapsed();
        let t = Instant::now();
        s.finish_batch();
        let reorder = t.elapsed();
        // Triage is derived in the same step; shown apart to see its share.
        let t = Instant::now();
        let triage = flightdeck::state::triage::build(&s);
        let triage_ms = t.elapsed().as_secs_f64() * 1e3;
        println!(
            "{n:>6} pods: 10,000 pod updates applied in {:.2} ms ({:.2} µs each), reorder after the batch {:.2} ms \
             (triage alone {triage_ms:.2} ms, {} problems)",
            applied.as_secs_f64() * 1e3,
            applied.as_secs_f64() * 1e6 / 10_000.0,
            reorder.as_secs_f64() * 1e3,
            triage.problems.len()
        );
    }
}
