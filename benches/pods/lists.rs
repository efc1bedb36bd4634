//! `-- --lists N`: how a big first list is best fetched, measured from the client's side. The
//! test server runs in a process of its own (this binary with `--serve N --static`), and each
//! way of fetching runs three times, each in a fresh process (`--list-client`), so its CPU and
//! peak memory are its own: pages of 500 (kubectl's), 500 then 2,000 (flightdeck's), of 2,000,
//! 5,000 and 10,000, the whole list in one answer, and the watch-list form (a watch with
//! `sendInitialEvents=true`, kube-runtime's `streaming_lists`). Every pod is parsed as the
//! console's trimmed pod (`SlimPod`). Then again with 40 ms added to each request: loopback
//! hides the round trips that a cluster in another region charges for every page.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Instant;

use flightdeck::sources::kube::pod_object::SlimPod;
use futures::{StreamExt, TryStreamExt};
use kube::api::{Api, ListParams};
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::runtime::watcher;

use super::support::proc::figures;

/// Page sizes (the first, then the rest), `all`, or `watch-list`.
const FORMS: &[&str] = &["500", "500,2000", "2000", "5000", "10000", "all", "watch-list"];
const RUNS: usize = 3;

/// In a child process: every pod fetched in `form`; prints "pods wall_ms cpu_ms peak_kib".
pub async fn client(kubeconfig: &str, form: &str) {
    let kc = Kubeconfig::read_from(kubeconfig).expect("the server's kubeconfig");
    let cfg =
        kube::Config::from_custom_kubeconfig(kc, &KubeConfigOptions::default()).await.expect("a config");
    let api: Api<SlimPod> = Api::all(kube::Client::try_from(cfg).expect("a client"));
    let me = std::process::id().to_string();
    let (started, ticks) = (Instant::now(), figures(&me).0);
    let pods = match form {
        "watch-list" => watch_list(api).await,
        pages => paged(api, pages).await,
    };
    let (wall, (ticks_after, _, peak)) = (started.elapsed(), figures(&me));
    println!("{pods} {} {} {peak}", wall.as_millis(), (ticks_after - ticks) * 10);
}

async fn paged(api: Api<SlimPod>, pages: &str) -> usize {
    let sizes: Vec<u32> = pages.split(',').filter_map(|s| s.parse().ok()).collect();
    let (mut pods, mut page, mut token) = (0, 0, None::<String>);
    loop {
        let mut lp = ListParams::default();
        if let Some(&size) = sizes.get(page).or(sizes.last()) {
            lp = lp.limit(size);
        }
        if let Some(t) = token.take() {
            lp = lp.continue_token(&t);
        }
        let list = api.list(&lp).await.expect("a page");
        pods += list.items.len();
        page += 1;
        match list.metadata.continue_.filter(|t| !t.is_empty()) {
            Some(t) => token = Some(t),
            None => return pods,
        }
    }
}

async fn watch_list(api: Api<SlimPod>) -> usize {
    let mut events = watcher(api, watcher::Config::default().streaming_lists()).boxed();
    let mut pods = 0;
    while let Some(ev) = events.try_next().await.expect("the watch") {
        match ev {
            watcher::Event::InitApply(_) => pods += 1,
            watcher::Event::InitDone => break,
            _ => {}
        }
    }
    pods
}

fn requests(form: &str, pods: usize) -> usize {
    let sizes: Vec<usize> = form.split(',').filter_map(|s| s.parse().ok()).collect();
    match sizes.as_slice() {
        [] => 1,
        [only] => pods.div_ceil(*only),
        [first, rest, ..] => 1 + pods.saturating_sub(*first).div_ceil(*rest),
    }
}

/// The tables: each form's median of three runs, on loopback and then with a round trip of
/// 40 ms (a cluster in another region) on each request.
pub fn run(pods: usize) {
    for rtt in [0, 40] {
        table(pods, rtt);
    }
}

fn table(pods: usize, rtt: u64) {
    let exe = std::env::current_exe().expect("this binary");
    let mut server = Command::new(&exe)
        .args(["--serve", &pods.to_string(), "--static", "--rtt", &rtt.to_string()])
        .stdout(Stdio::piped())
        .spawn()
        .expect("the server process");
    let mut line = String::new();
    BufReader::new(server.stdout.take().unwrap()).read_line(&mut line).expect("the server's kubeconfig");
    let kubeconfig = line.rsplit("kubeconfig: ").next().unwrap_or_default().trim().to_string();
    println!(
        "\nfirst list of {pods} pods, {rtt} ms added to each request, client side (server in its own process; median of {RUNS} runs):\n"
    );
    println!("| form | requests | every pod parsed | client CPU | client peak memory |");
    println!("|---|---:|---:|---:|---:|");
    for form in FORMS {
        let mut runs: Vec<[u64; 4]> = (0..RUNS).map(|_| one(&exe, &kubeconfig, form)).collect();
        runs.sort_by_key(|r| r[1]);
        let [n, wall, cpu, peak] = runs[RUNS / 2];
        assert_eq!(n as usize, pods, "{form}: every pod");
        let label =
            if *form == "watch-list" { "1 (a watch)".to_string() } else { requests(form, pods).to_string() };
        println!(
            "| {form} | {label} | {:.2} s | {:.2} s | {:.0} MB |",
            wall as f64 / 1000.0,
            cpu as f64 / 1000.0,
            peak as f64 / 1024.0
        );
    }
    let _ = server.kill();
    let _ = server.wait();
}

fn one(exe: &std::path::Path, kubeconfig: &str, form: &str) -> [u64; 4] {
    let out = Command::new(exe).args(["--list-client", kubeconfig, form]).output().expect("a client run");
    let text = String::from_utf8_lossy(&out.stdout);
    let mut f = text.split_whitespace().map(|v| v.parse::<u64>().unwrap_or(0));
    [(); 4].map(|_| f.next().unwrap_or(0))
}
