//! Zero configuration on an EKS cluster: a kubeconfig as `aws eks update-kubeconfig` writes it
//! (the cluster named by ARN, an exec plugin standing in for `aws eks get-token`, the AWS
//! profile in its env) against the Kubernetes-API test server, moto as AWS through
//! AWS_ENDPOINT_URL, and no config file. EKS and CloudWatch alarms come on for that account
//! with that profile and region; Cost Explorer stays off and says how to turn it on. The
//! cluster's Alertmanager is found and reached through the API server's service proxy (alerts
//! in, a silence out), a refusal of services/proxy is named in the Alerts pane, and `config
//! init` writes what it found in a file that loads back.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

use aws_sdk_cloudwatch::types::{ComparisonOperator, StateValue, Statistic};
use flightdeck::app::audit::AuditLog;
use flightdeck::app::executor::{Backend, Executor};
use flightdeck::domain::Target;
use flightdeck::domain::registry::ActionId;
use flightdeck::domain::silence::{NewSilence, parse_matchers};
use flightdeck::sources::{self, Clock, alertmanager, kube};
use flightdeck::state::{Message, State, update};
use serde_json::{Value, json};
use support::kube_api::{FaultKind, TOKEN, TestServer};
use support::servers::{Alertmanager, Moto};

const ARN: &str = "arn:aws:eks:us-east-1:123456789012:cluster/shop-prod";

/// A kubeconfig as `aws eks update-kubeconfig --name shop-prod --profile shop-prod` writes it,
/// pointing at the test server, and an `aws` script that prints the ExecCredential.
fn eks_kubeconfig(server: &TestServer, dir: &Path) -> PathBuf {
    eks_kubeconfig_of(server, dir, &["shop-prod"])
}

/// The same with one context per EKS cluster named (`arn:…:cluster/NAME`), the first current.
fn eks_kubeconfig_of(server: &TestServer, dir: &Path, clusters: &[&str]) -> PathBuf {
    let aws = dir.join("aws");
    let cred = json!({"apiVersion": "client.authentication.k8s.io/v1beta1", "kind": "ExecCredential",
                      "status": {"token": TOKEN}});
    std::fs::write(&aws, format!("#!/bin/sh\ncat <<'EOF'\n{cred}\nEOF\n")).unwrap();
    std::fs::set_permissions(&aws, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let (mut named, mut users, mut contexts) = (String::new(), String::new(), String::new());
    for c in clusters {
        let arn = format!("arn:aws:eks:us-east-1:123456789012:cluster/{c}");
        named.push_str(&format!("- name: {arn}\n  cluster:\n    server: {}\n", server.url()));
        users.push_str(&format!(
            "- name: {arn}\n  user:\n    exec:\n      apiVersion: client.authentication.k8s.io/v1beta1\n\
             \x20     command: {aws}\n      args: [--region, us-east-1, eks, get-token, --cluster-name, {c}, --output, json]\n\
             \x20     env:\n      - name: AWS_PROFILE\n        value: shop-prod\n",
            aws = aws.display()
        ));
        contexts.push_str(&format!("- name: {arn}\n  context:\n    cluster: {arn}\n    user: {arn}\n"));
    }
    let current = format!("arn:aws:eks:us-east-1:123456789012:cluster/{}", clusters[0]);
    let text = format!(
        "apiVersion: v1\nkind: Config\nclusters:\n{named}users:\n{users}contexts:\n{contexts}current-context: {current}\n"
    );
    let path = dir.join("kubeconfig");
    std::fs::write(&path, text).unwrap();
    // The profile the kubeconfig names is the only place the credentials are.
    std::fs::create_dir_all(dir.join(".aws")).unwrap();
    std::fs::write(dir.join(".aws/config"), "[profile shop-prod]\nregion = us-east-1\n").unwrap();
    std::fs::write(
        dir.join(".aws/credentials"),
        "[shop-prod]\naws_access_key_id = testing\naws_secret_access_key = testing\n",
    )
    .unwrap();
    path
}

/// flightdeck with no config file, HOME in `dir`, AWS at moto (`aws`).
fn flightdeck(dir: &Path, aws: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_flightdeck"))
        .args(["--kubeconfig", dir.join("kubeconfig").to_str().unwrap()])
        .args(args)
        .env_remove("FLIGHTDECK_CONFIG")
        .env("HOME", dir)
        .env("XDG_CONFIG_HOME", dir.join("config"))
        .env("XDG_STATE_HOME", dir.join("state"))
        .env("XDG_CACHE_HOME", dir.join("cache"))
        .env("AWS_ENDPOINT_URL", aws)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_REGION")
        .env_remove("AWS_DEFAULT_REGION")
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env_remove("AWS_SESSION_TOKEN")
        // Nothing but AWS names the user: the kubeconfig's user is the cluster's ARN.
        .env_remove("USER")
        .env_remove("LOGNAME")
        .output()
        .expect("run flightdeck")
}

/// The binary run off the runtime's threads, which serve the test server meanwhile.
async fn run(dir: &Path, aws: &str, args: &[&str]) -> Output {
    let (dir, aws) = (dir.to_path_buf(), aws.to_string());
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        flightdeck(&dir, &aws, &args)
    })
    .await
    .unwrap()
}

fn json_of(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}\n{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
    })
}

/// shop-prod with two node groups, and an alarm in ALARM, in moto.
async fn seed_aws(moto: &Moto) {
    let sdk = moto.sdk().await;
    let eks = aws_sdk_eks::Client::new(&sdk);
    create_cluster(&eks, "shop-prod").await;
    for (name, max) in [("general", 10), ("spot", 20)] {
        let scaling = aws_sdk_eks::types::NodegroupScalingConfig::builder()
            .min_size(1)
            .desired_size(3)
            .max_size(max)
            .build();
        eks.create_nodegroup()
            .cluster_name("shop-prod")
            .nodegroup_name(name)
            .node_role("arn:aws:iam::123456789012:role/node")
            .subnets("subnet-1")
            .scaling_config(scaling)
            .send()
            .await
            .unwrap();
    }
    let cw = aws_sdk_cloudwatch::Client::new(&sdk);
    cw.put_metric_alarm()
        .alarm_name("shop-prod-alb-5xx")
        .namespace("AWS/ApplicationELB")
        .metric_name("HTTPCode_Target_5XX_Count")
        .statistic(Statistic::Sum)
        .period(60)
        .evaluation_periods(1)
        .threshold(10.0)
        .comparison_operator(ComparisonOperator::GreaterThanThreshold)
        .send()
        .await
        .unwrap();
    cw.set_alarm_state()
        .alarm_name("shop-prod-alb-5xx")
        .state_value(StateValue::Alarm)
        .state_reason("5xx above 10")
        .send()
        .await
        .unwrap();
}

async fn create_cluster(eks: &aws_sdk_eks::Client, name: &str) {
    let vpc = aws_sdk_eks::types::VpcConfigRequest::builder().subnet_ids("subnet-1").build();
    eks.create_cluster()
        .name(name)
        .version("1.31")
        .role_arn("arn:aws:iam::123456789012:role/eks")
        .resources_vpc_config(vpc)
        .send()
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn an_eks_kubeconfig_alone_turns_on_eks_and_alarms_and_cost_says_how() {
    let moto = Moto::start();
    seed_aws(&moto).await;
    let (server, _) = TestServer::demo(7, 120).await;
    let dir = tempfile::tempdir().unwrap();
    eks_kubeconfig(&server, dir.path());
    let out = run(dir.path(), &moto.url(), &["status", "--json", "--timeout", "20"]).await;
    let v = json_of(&out);
    let sources = &v["sources"];
    assert_eq!(sources["eks"]["state"], "ok", "{sources}");
    assert_eq!(sources["cloudwatch"]["state"], "ok", "{sources}");
    let clusters = v["infrastructure"]["clusters"].as_array().unwrap();
    let names: Vec<&str> = clusters.iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["shop-prod"], "only the kubeconfig's cluster");
    assert_eq!(clusters[0]["region"], "us-east-1");
    let groups: Vec<&str> =
        clusters[0]["node_groups"].as_array().unwrap().iter().map(|g| g["name"].as_str().unwrap()).collect();
    assert_eq!(groups, ["general", "spot"]);
    let alarms: Vec<&str> = v["alerts"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["source"] == "cloudwatch")
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert_eq!(alarms, ["shop-prod-alb-5xx"], "{}", v["alerts"]);
    let cost = &sources["cost-explorer"];
    assert_eq!(cost["state"], "disabled", "{sources}");
    let why = cost["error"].as_str().unwrap();
    assert!(why.contains("$0.01 per request") && why.contains("E turns it on"), "{why}");
    assert!(v["cost"]["report"].is_null(), "no request to Cost Explorer: {}", v["cost"]);
    // The demo world's `alertmanager` Service is labelled but serves no web port: said so.
    let am = &sources["alertmanager/in-cluster"];
    assert_eq!(am["state"], "disabled", "{sources}");
    assert!(am["error"].as_str().unwrap().contains("no web port"), "{am}");
    // moto's caller identity, asked with the kubeconfig's profile.
    assert_eq!(v["user"], "arn:aws:sts::123456789012:user/moto", "{}", v["user"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

/// Feed `state` from `rx` until `done` holds of it.
async fn until(state: &mut State, rx: &mut sources::Receiver, what: &str, done: impl Fn(&State) -> bool) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        state.now = sources::wall_now();
        state.finish_batch();
        if done(state) {
            return;
        }
        match tokio::time::timeout_at(deadline, rx.recv()).await {
            Ok(Some(m)) => {
                update(state, m);
            }
            _ => panic!("timed out waiting for {what}; sources: {:#?}", state.sources),
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_clusters_alertmanager_is_reached_through_the_api_server_and_silenced() {
    let am = Alertmanager::start();
    let starts = humantime::format_rfc3339_millis(std::time::SystemTime::now()).to_string();
    am.post_alerts(
        &json!([{"labels": {"alertname": "HighErrorRate", "severity": "critical"}, "startsAt": starts}]),
    )
    .await;
    let server = TestServer::start().await;
    server.alertmanager_service("monitoring", "kps-alertmanager", ([127, 0, 0, 1], am.port).into());
    let dir = tempfile::tempdir().unwrap();
    let kc = eks_kubeconfig(&server, dir.path());

    let (tx, mut rx) = sources::channel();
    let target = kube::Target { kubeconfig: Some(kc), ..Default::default() };
    let (handle, _kube) = kube::start(kube::resolve(&target).unwrap(), tx.clone());
    let (client, _am) = alertmanager::discover::spawn(handle, Duration::from_secs(1), tx, Clock::Wall);
    let mut state = State::new(ARN, sources::wall_now());
    until(&mut state, &mut rx, "the alert", |s| s.alerts.items.iter().any(|a| a.name == "HighErrorRate"))
        .await;
    let alert = state.alerts.items.iter().find(|a| a.name == "HighErrorRate").unwrap().clone();
    assert_eq!(alert.source.to_string(), "alertmanager/in-cluster");
    let proxied = server.requests_to("GET", "/services/kps-alertmanager:http-web/proxy/api/v2/alerts");
    assert!(!proxied.is_empty(), "through the service proxy");
    assert_eq!(proxied[0].header("authorization"), format!("Bearer {TOKEN}"), "with the exec plugin's token");

    let (results_tx, mut results) = tokio::sync::mpsc::channel(8);
    let executor = Executor::new(Backend::None, AuditLog::new(None), results_tx, Clock::Wall)
        .with_alertmanagers(vec![client]);
    let new = NewSilence {
        source: alert.source.clone(),
        matchers: parse_matchers(r#"alertname="HighErrorRate""#).unwrap(),
        duration_ms: 3_600_000,
        comment: "through the API server".into(),
        created_by: "tester".into(),
    };
    executor.run(ActionId::Silence, Target::NewSilence(new), ARN.into());
    let Some(Message::ActionDone { outcome, .. }) = results.recv().await else { panic!("an outcome") };
    assert!(outcome.result.is_ok(), "{:?}", outcome.result);
    let silences = am.get("/silences").await;
    assert_eq!(silences[0]["comment"], "through the API server", "{silences}");
    assert_eq!(silences[0]["status"]["state"], "active");
    assert_eq!(server.requests_to("POST", "/proxy/api/v2/silences").len(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refused_service_proxy_is_named_in_the_alerts_pane() {
    let am = Alertmanager::start();
    let server = TestServer::start().await;
    server.alertmanager_service("monitoring", "kps-alertmanager", ([127, 0, 0, 1], am.port).into());
    server.fault("services/proxy", None, FaultKind::Status(403));
    let dir = tempfile::tempdir().unwrap();
    let kc = server.kubeconfig(&["shop-prod"]);
    std::fs::copy(kc, dir.path().join("kubeconfig")).unwrap();
    let out =
        run(dir.path(), "http://127.0.0.1:9", &["snapshot", "--pane", "alerts", "--size", "80x24"]).await;
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let flat = text
        .lines()
        .map(|l| l.trim_matches(|c: char| c == '│' || c.is_whitespace()))
        .collect::<Vec<_>>()
        .join(" ");
    assert!(flat.contains("forbidden (403) on services/proxy"), "{text}");
    assert!(flat.contains("cannot get resource \"services/proxy\""), "{text}");
    let status = run(dir.path(), "http://127.0.0.1:9", &["status", "--json", "--timeout", "10"]).await;
    let v = json_of(&status);
    assert_eq!(v["user"], "tester", "with no $USER, the kubeconfig's user");
    assert_eq!(v["sources"]["alertmanager/in-cluster"]["state"], "error", "{}", v["sources"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn config_init_writes_what_it_found_and_it_loads_back() {
    let (server, _) = TestServer::demo(7, 120).await;
    server.alertmanager_service("monitoring", "kps-alertmanager", "127.0.0.1:9".parse().unwrap());
    let dir = tempfile::tempdir().unwrap();
    eks_kubeconfig(&server, dir.path());
    let out = run(dir.path(), "http://127.0.0.1:9", &["config", "init"]).await;
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let path = dir.path().join("config/flightdeck/config.toml");
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), path.display().to_string());
    let text = std::fs::read_to_string(&path).unwrap();
    let cfg = flightdeck::config::Config::parse(&path, &text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    assert_eq!(cfg.kubernetes.context.as_deref(), Some(ARN));
    assert_eq!(
        (cfg.aws.profile.as_deref(), cfg.aws.region.as_deref()),
        (Some("shop-prod"), Some("us-east-1"))
    );
    assert_eq!((cfg.eks.enabled, cfg.eks.clusters), (Some(true), vec!["shop-prod".to_string()]));
    assert_eq!(cfg.argocd.namespace, "argocd", "the demo world's Applications live there");
    assert!(
        text.contains("Alertmanager found in the cluster: monitoring/kps-alertmanager:http-web"),
        "{text}"
    );
    assert!(!cfg.cost.enabled);

    let again = run(dir.path(), "http://127.0.0.1:9", &["config", "init"]).await;
    assert_eq!(again.status.code(), Some(2));
    let err = String::from_utf8_lossy(&again.stderr);
    assert!(err.contains(&path.display().to_string()) && err.contains("exists already"), "{err}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text, "left as it was");

    // And flightdeck runs on it: the EKS cluster it names, through the profile it names.
    let moto = Moto::start();
    seed_aws(&moto).await;
    let out = run(dir.path(), &moto.url(), &["status", "--json", "--timeout", "20"]).await;
    let v = json_of(&out);
    assert_eq!(v["sources"]["eks"]["state"], "ok", "{}", v["sources"]);
    assert_eq!(v["infrastructure"]["clusters"][0]["name"], "shop-prod");
}

#[tokio::test(flavor = "multi_thread")]
async fn every_empty_pane_says_what_it_needs() {
    // No kubeconfig at all, no config file: each pane names its sources, why they are off and
    // what turns them on.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("kubeconfig"), "").unwrap();
    for (w, h) in [(80, 24), (160, 48)] {
        let size = format!("{w}x{h}");
        let out =
            run(dir.path(), "http://127.0.0.1:9", &["snapshot", "--pane", "overview", "--size", &size]).await;
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let mut text =
            String::from_utf8_lossy(&out.stdout).replace(&dir.path().display().to_string(), "HOME");
        // The header's clock.
        if let Some(i) = text.find(" UTC\n") {
            text.replace_range(i - 8..i, "HH:MM:SS");
        }
        insta::assert_snapshot!(format!("empty_panes_{size}"), text);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_cost_panes_key_turns_cost_explorer_on_after_naming_the_charge() {
    use support::tmux::{Tmux, flightdeck_line};
    let moto = Moto::start();
    seed_aws(&moto).await;
    let (server, _) = TestServer::demo(7, 120).await;
    let dir = tempfile::tempdir().unwrap();
    let kc = eks_kubeconfig(&server, dir.path());
    let (d, url) = (dir.path().to_path_buf(), moto.url());
    let screen = tokio::task::spawn_blocking(move || {
        let t = Tmux::start(160, 48);
        let env = format!("env -u AWS_PROFILE -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY HOME={} AWS_ENDPOINT_URL={url} AWS_EC2_METADATA_DISABLED=true", d.display());
        t.type_line(&format!("{env} {}", flightdeck_line(&d, &format!("--kubeconfig {}", kc.display()))));
        t.wait_for("the console", Duration::from_secs(20), |s| s.contains("Infrastructure"));
        t.keys(&["6"]);
        t.wait_for("the hint", Duration::from_secs(20), |s| s.contains("E turns it on"));
        t.keys(&["E"]);
        let dialog = t.wait_for("the confirmation", Duration::from_secs(10), |s| s.contains("Turn on Cost Explorer"));
        t.keys(&["y"]);
        let bill = t.wait_for("the bill", Duration::from_secs(30), |s| s.contains("MTD"));
        t.keys(&["q"]);
        (dialog, bill)
    })
    .await
    .unwrap();
    let (dialog, bill) = screen;
    assert!(dialog.contains("$0.01 per request"), "{dialog}");
    assert!(!bill.contains("E turns it on"), "{bill}");
}

#[tokio::test(flavor = "multi_thread")]
async fn in_a_fleet_each_eks_context_has_its_own_cluster() {
    let moto = Moto::start();
    seed_aws(&moto).await;
    let eks = aws_sdk_eks::Client::new(&moto.sdk().await);
    // A third cluster in the account that no context names: not shown.
    for name in ["shop-dev", "batch"] {
        create_cluster(&eks, name).await;
    }
    let (server, _) = TestServer::demo(7, 120).await;
    let dir = tempfile::tempdir().unwrap();
    eks_kubeconfig_of(&server, dir.path(), &["shop-prod", "shop-dev"]);
    let out = run(dir.path(), &moto.url(), &["status", "--json", "--all-contexts", "--timeout", "20"]).await;
    let v = json_of(&out);
    let mut clusters: Vec<(String, String)> = v["infrastructure"]["clusters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (c["cluster"].as_str().unwrap_or_default().to_string(), c["name"].as_str().unwrap().to_string())
        })
        .collect();
    clusters.sort();
    let arn = |c: &str| format!("arn:aws:eks:us-east-1:123456789012:cluster/{c}");
    assert_eq!(
        clusters,
        [(arn("shop-dev"), "shop-dev".to_string()), (arn("shop-prod"), "shop-prod".to_string())],
        "{}",
        v["sources"]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_alertmanager_found_follows_a_context_switch() {
    use flightdeck::app::switch::{AlertmanagerFollower, KubeSwitcher};
    use flightdeck::input::switch::Switch;
    let (am_prod, am_dev) = (Alertmanager::start(), Alertmanager::start());
    let starts = humantime::format_rfc3339_millis(std::time::SystemTime::now()).to_string();
    for (am, name) in [(&am_prod, "ProdAlert"), (&am_dev, "DevAlert")] {
        am.post_alerts(&json!([{"labels": {"alertname": name, "severity": "warning"}, "startsAt": starts}]))
            .await;
    }
    let (prod, dev) = (TestServer::start().await, TestServer::start().await);
    prod.alertmanager_service("monitoring", "kps-alertmanager", ([127, 0, 0, 1], am_prod.port).into());
    dev.alertmanager_service("observability", "alertmanager", ([127, 0, 0, 1], am_dev.port).into());
    let kubeconfig = prod.kubeconfig_for(&[("shop-prod", &prod, None), ("shop-dev", &dev, None)]);
    let target = kube::Target { kubeconfig: Some(kubeconfig), ..Default::default() };
    let (tx, mut rx) = sources::channel();
    let ctx_tx = tx.for_cluster(flightdeck::domain::ClusterId::new("shop-prod"));
    let (handle, guard) = kube::start(kube::resolve(&target).unwrap(), ctx_tx.clone());
    let every = Duration::from_secs(1);
    let (client, am_guard) = alertmanager::discover::spawn(handle, every, ctx_tx, Clock::Wall);
    let follower = AlertmanagerFollower { every, clock: Clock::Wall, guard: Some(am_guard), client };
    let mut switcher =
        KubeSwitcher { tx, target, guard: Some(guard), argocd: None, alertmanager: Some(follower) };
    let mut state = State::new("shop-prod", sources::wall_now());
    let names = |s: &State| s.alerts.items.iter().map(|a| a.name.clone()).collect::<Vec<_>>();
    until(&mut state, &mut rx, "prod's alert", |s| names(s) == ["ProdAlert"]).await;

    switcher.switch(Switch::Context("shop-dev".into()), &mut state, &mut rx).await.unwrap();
    until(&mut state, &mut rx, "only dev's alert", |s| names(s) == ["DevAlert"]).await;
    let alert = state.alerts.items[0].clone();
    let (results_tx, mut results) = tokio::sync::mpsc::channel(8);
    let old =
        alertmanager::Client::new(&toml::from_str(&format!("url = \"{}\"", am_prod.url())).unwrap()).unwrap();
    let mut executor = Executor::new(Backend::None, AuditLog::new(None), results_tx, Clock::Wall)
        .with_alertmanagers(vec![old]);
    executor.set_discovered_alertmanager(switcher.alertmanager.as_ref().unwrap().client.clone());
    let new = NewSilence {
        source: alert.source.clone(),
        matchers: parse_matchers(r#"alertname="DevAlert""#).unwrap(),
        duration_ms: 3_600_000,
        comment: "dev only".into(),
        created_by: "tester".into(),
    };
    executor.run(ActionId::Silence, Target::NewSilence(new), "shop-dev".into());
    let Some(Message::ActionDone { outcome, .. }) = results.recv().await else { panic!("an outcome") };
    assert!(outcome.result.is_ok(), "{:?}", outcome.result);
    assert_eq!(
        am_dev.get("/silences").await.as_array().unwrap().len(),
        1,
        "in the dev cluster's Alertmanager"
    );
    assert_eq!(am_prod.get("/silences").await.as_array().unwrap().len(), 0, "not in prod's");
}
