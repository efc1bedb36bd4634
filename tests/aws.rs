//! The AWS half against moto's server with the real aws-sdk clients and the endpoint
//! overridden: EKS clusters and node groups (ListAddons is not in moto: "unavailable", not a
//! crash), CloudWatch metric data as sparklines, the bill from Cost Explorer with its totals,
//! service bars and forecast, the disk cache that makes a second run send zero Cost Explorer
//! requests (counted on the wire), and missing credentials shown in the pane.

mod support;

use std::process::{Command, Output};

use aws_sdk_cloudwatch::primitives::DateTime;
use aws_sdk_cloudwatch::types::{Dimension, MetricDatum};
use flightdeck::config::sources::{EksConfig, MetricQuery};
use flightdeck::sources::calendar::{civil_from_days, days_from_civil, days_in_month, ymd};
use flightdeck::sources::cloudwatch::metrics::Metrics;
use flightdeck::sources::cost::explorer::{Explorer, RequestCounter};
use flightdeck::sources::eks::Eks;
use flightdeck::sources::wall_now;
use flightdeck::state::infra::CapacityType;
use serde_json::{Value, json};
use support::servers::Moto;

const DAY: i64 = 86_400_000;

#[tokio::test]
async fn eks_clusters_and_node_groups_appear_and_missing_addons_say_unavailable() {
    let moto = Moto::start();
    let sdk = moto.sdk().await;
    let eks = aws_sdk_eks::Client::new(&sdk);
    let vpc = aws_sdk_eks::types::VpcConfigRequest::builder().subnet_ids("subnet-1").build();
    for name in ["shop-prod", "shop-staging"] {
        eks.create_cluster()
            .name(name)
            .version("1.31")
            .role_arn("arn:aws:iam::123456789012:role/eks")
            .resources_vpc_config(vpc.clone())
            .send()
            .await
            .unwrap();
    }
    let scaling = |min, desired, max| {
        aws_sdk_eks::types::NodegroupScalingConfig::builder()
            .min_size(min)
            .desired_size(desired)
            .max_size(max)
            .build()
    };
    eks.create_nodegroup()
        .cluster_name("shop-prod")
        .nodegroup_name("general")
        .node_role("arn:aws:iam::123456789012:role/node")
        .subnets("subnet-1")
        .scaling_config(scaling(3, 4, 10))
        .instance_types("m6i.xlarge")
        .send()
        .await
        .unwrap();
    eks.create_nodegroup()
        .cluster_name("shop-prod")
        .nodegroup_name("spot")
        .node_role("arn:aws:iam::123456789012:role/node")
        .subnets("subnet-1")
        .scaling_config(scaling(0, 3, 20))
        .instance_types("m6i.large")
        .instance_types("m5.large")
        .capacity_type(aws_sdk_eks::types::CapacityTypes::Spot)
        .send()
        .await
        .unwrap();

    let clusters = Eks::new(&sdk, &EksConfig::default()).poll().await.expect("EKS through moto");
    let names: Vec<&str> = clusters.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["shop-prod", "shop-staging"]);
    let prod = &clusters[0];
    assert_eq!(
        (prod.status.as_str(), prod.version.as_str(), prod.region.as_str()),
        ("ACTIVE", "1.31", "us-east-1")
    );
    assert!(prod.created_at > 0);
    let groups: Vec<(&str, u32, u32, u32, CapacityType)> = prod
        .node_groups
        .iter()
        .map(|g| (g.name.as_str(), g.min, g.desired, g.max, g.capacity_type))
        .collect();
    assert_eq!(
        groups,
        [("general", 3, 4, 10, CapacityType::OnDemand), ("spot", 0, 3, 20, CapacityType::Spot)]
    );
    assert_eq!(prod.node_groups[1].instance_types, ["m6i.large", "m5.large"]);
    assert_eq!(prod.addons, None);
    let why = prod.addons_error.as_deref().unwrap();
    assert_eq!(why, "ListAddons is not served by this endpoint (HTTP 404)");
    assert!(!why.contains('<'), "no HTML in the pane: {why}");

    // Only the configured clusters, when some are named.
    let cfg = EksConfig { clusters: vec!["shop-staging".into()], ..EksConfig::default() };
    let only = Eks::new(&sdk, &cfg).poll().await.unwrap();
    assert_eq!(only.len(), 1);
    assert_eq!(only[0].name, "shop-staging");
}

#[tokio::test]
async fn cloudwatch_metric_data_draws_its_sparkline() {
    let moto = Moto::start();
    let sdk = moto.sdk().await;
    let cw = aws_sdk_cloudwatch::Client::new(&sdk);
    let now = wall_now();
    let dim = Dimension::builder().name("DBInstanceIdentifier").value("shop-prod-db").build();
    for (i, v) in [20.0, 35.0, 50.0, 85.0].iter().enumerate() {
        let t = now - (40 - 10 * i as i64) * 60_000;
        let datum = MetricDatum::builder()
            .metric_name("CPUUtilization")
            .dimensions(dim.clone())
            .timestamp(DateTime::from_millis(t))
            .value(*v)
            .build();
        cw.put_metric_data().namespace("AWS/RDS").metric_data(datum).send().await.unwrap();
    }
    let query: MetricQuery = toml::from_str(
        "namespace = \"AWS/RDS\"\nmetric = \"CPUUtilization\"\nlabel = \"RDS CPU\"\nunit = \"%\"\nwarn_at = 80.0\n\
         dimensions = { DBInstanceIdentifier = \"shop-prod-db\" }",
    )
    .unwrap();
    let series = Metrics::new(&sdk, vec![query]).poll(now).await.expect("GetMetricData through moto");
    assert_eq!(series.len(), 1);
    let s = &series[0];
    assert_eq!((s.label.as_str(), s.unit.as_str()), ("RDS CPU", "%"));
    let values: Vec<f64> = s.points.iter().map(|p| p.1).collect();
    assert_eq!(values.iter().sum::<f64>(), 190.0, "every point, whatever the bucketing: {values:?}");
    assert!(s.points.windows(2).all(|w| w[0].0 <= w[1].0), "oldest first");
    assert_eq!(s.latest(), Some(85.0));
    assert_eq!(s.level(), flightdeck::state::Level::Warn);
}

/// Queue Cost Explorer answers in moto: this month by service, then last month's totals.
async fn queue_bill(moto: &Moto, now: i64) -> (i64, u32) {
    let today = now.div_euclid(DAY);
    let (y, m, d) = civil_from_days(today);
    let start = days_from_civil(y, m, 1);
    let (py, pm) = if m == 1 { (y - 1, 12) } else { (y, m - 1) };
    let prev_start = days_from_civil(py, pm, 1);
    let money = |a: f64| json!({"UnblendedCost": {"Amount": format!("{a:.2}"), "Unit": "USD"}});
    let this_month: Vec<Value> = (start..=today)
        .map(|day| {
            json!({
                "TimePeriod": {"Start": ymd(day), "End": ymd(day + 1)},
                "Total": {},
                "Groups": [
                    {"Keys": ["Amazon Elastic Compute Cloud - Compute"], "Metrics": money(100.0)},
                    {"Keys": ["Amazon Relational Database Service"], "Metrics": money(40.0)},
                    {"Keys": ["Amazon Simple Storage Service"], "Metrics": money(5.0)},
                ],
                "Estimated": true,
            })
        })
        .collect();
    let last_month: Vec<Value> = (prev_start..start)
        .map(|day| {
            json!({"TimePeriod": {"Start": ymd(day), "End": ymd(day + 1)}, "Total": money(120.0), "Groups": [], "Estimated": false})
        })
        .collect();
    let body = json!({"results": [
        {"GroupDefinitions": [{"Type": "DIMENSION", "Key": "SERVICE"}], "ResultsByTime": this_month, "DimensionValueAttributes": []},
        {"ResultsByTime": last_month, "DimensionValueAttributes": []},
    ]});
    let resp = support::http()
        .post(format!("{}/moto-api/static/ce/cost-and-usage-results", moto.url()))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 201);
    (start, d)
}

#[tokio::test]
async fn the_bill_has_its_totals_service_bars_and_forecast() {
    let moto = Moto::start();
    let now = wall_now();
    let (_, d) = queue_bill(&moto, now).await;
    let counter = RequestCounter::default();
    let ce = Explorer::new(&moto.sdk().await, counter.clone());
    assert_eq!(ce.account().await.unwrap(), "123456789012");
    let r = ce.fetch("UnblendedCost", Some(4000.0), now).await.expect("Cost Explorer through moto");
    assert_eq!(r.daily.len(), d as usize);
    assert!((r.month_to_date() - 145.0 * f64::from(d)).abs() < 1e-6, "{}", r.month_to_date());
    let bars: Vec<(&str, f64)> = r.by_service.iter().map(|(n, v)| (n.as_str(), *v)).collect();
    assert_eq!(
        bars,
        [
            ("Amazon Elastic Compute Cloud - Compute", 100.0 * f64::from(d)),
            ("Amazon Relational Database Service", 40.0 * f64::from(d)),
            ("Amazon Simple Storage Service", 5.0 * f64::from(d)),
        ]
    );
    let (y, m, _) = civil_from_days(now.div_euclid(DAY));
    assert_eq!(r.days_in_month, days_in_month(y, m));
    // A flat 145 a day: the forecast is 145 × the days of the month.
    assert!((r.forecast() - 145.0 * f64::from(r.days_in_month)).abs() < 1e-6, "{}", r.forecast());
    assert_eq!(r.level(), flightdeck::state::Level::Warn, "forecast over the 4000 budget");
    let (py, pm) = if m == 1 { (y - 1, 12) } else { (y, m - 1) };
    assert_eq!(r.last_month_total, Some(120.0 * f64::from(days_in_month(py, pm))));
    assert!(r.last_month_same_days.unwrap() >= 120.0 * f64::from(d - 1));
    assert_eq!((r.requests, counter.get()), (2, 2), "one request per query, no pages");
    assert_eq!(r.currency, "USD");
}

fn run_status(moto: &Moto, home: &std::path::Path, creds: bool) -> (Output, Value) {
    let config = home.join("config.toml");
    let text = format!(
        "[aws]\nregion = \"us-east-1\"\nendpoint_url = \"{}\"\n\n[cost]\nenabled = true\n",
        moto.url()
    );
    std::fs::write(&config, text).unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_flightdeck"));
    cmd.args(["--config", config.to_str().unwrap(), "status", "--json", "--timeout", "20"])
        .env("XDG_STATE_HOME", home.join("state"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env("HOME", home)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env_remove("AWS_SESSION_TOKEN");
    if creds {
        cmd.env("AWS_ACCESS_KEY_ID", "testing").env("AWS_SECRET_ACCESS_KEY", "testing");
    }
    let out = cmd.output().unwrap();
    let json = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}\n{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
    });
    (out, json)
}

#[test]
fn a_second_run_uses_the_disk_cache_and_sends_no_request() {
    let moto = Moto::start();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(queue_bill(&moto, wall_now()));
    let home = tempfile::tempdir().unwrap();

    let (out, first) = run_status(&moto, home.path(), true);
    assert!(out.status.success(), "{first}");
    let report = &first["cost"]["report"];
    assert_eq!(
        (report["from_cache"].as_bool(), report["requests"].as_u64()),
        (Some(false), Some(2)),
        "{report}"
    );
    let cached = std::fs::read_dir(home.path().join("cache/flightdeck/cost")).unwrap().count();
    assert_eq!(cached, 1, "one cache file for the account, metric and month");

    let (out, second) = run_status(&moto, home.path(), true);
    assert!(out.status.success(), "{second}");
    let report = &second["cost"]["report"];
    assert_eq!(
        (report["from_cache"].as_bool(), report["requests"].as_u64()),
        (Some(true), Some(0)),
        "{report}"
    );
    assert_eq!(report["daily"], first["cost"]["report"]["daily"]);
}

#[test]
fn missing_credentials_show_in_the_pane() {
    let moto = Moto::start();
    let home = tempfile::tempdir().unwrap();
    let (out, json) = run_status(&moto, home.path(), false);
    assert_eq!(out.status.code(), Some(1), "a failing source fails the status: {json}");
    let source = &json["sources"]["cost-explorer"];
    assert_eq!(source["state"], "error", "{json}");
    let err = source["error"].as_str().unwrap_or_default().to_lowercase();
    assert!(err.contains("credential"), "{json}");
}

/// 2026-11-18 14:00 UTC: a fixed moment, so the snapshots do not move with the calendar.
const AT: i64 = flightdeck::sources::demo::FIXED_EPOCH;

#[tokio::test]
async fn the_infrastructure_and_cost_panes_from_moto() {
    use flightdeck::config::{Keymap, Theme};
    use flightdeck::domain::SourceId;
    use flightdeck::domain::command::Command;
    use flightdeck::input::dispatch::dispatch;
    use flightdeck::state::{Data, Message, PaneId, State, update};
    use flightdeck::ui::{Ui, render_to_buffer};

    let moto = Moto::start();
    let sdk = moto.sdk().await;
    let eks = aws_sdk_eks::Client::new(&sdk);
    let vpc = aws_sdk_eks::types::VpcConfigRequest::builder().subnet_ids("subnet-1").build();
    eks.create_cluster()
        .name("shop-prod")
        .version("1.31")
        .role_arn("arn:aws:iam::123456789012:role/eks")
        .resources_vpc_config(vpc)
        .send()
        .await
        .unwrap();
    let scaling = aws_sdk_eks::types::NodegroupScalingConfig::builder()
        .min_size(3)
        .desired_size(4)
        .max_size(10)
        .build();
    eks.create_nodegroup()
        .cluster_name("shop-prod")
        .nodegroup_name("general")
        .node_role("arn:aws:iam::123456789012:role/node")
        .subnets("subnet-1")
        .scaling_config(scaling)
        .instance_types("m6i.xlarge")
        .send()
        .await
        .unwrap();
    let mut clusters = Eks::new(&sdk, &EksConfig::default()).poll().await.unwrap();
    // moto stamps creation with its own clock; pin it so the age is fixed.
    clusters[0].created_at = AT - 40 * DAY;

    let cw = aws_sdk_cloudwatch::Client::new(&sdk);
    for i in 0..12 {
        let datum = MetricDatum::builder()
            .metric_name("HTTPCode_Target_5XX_Count")
            .dimensions(Dimension::builder().name("LoadBalancer").value("app/shop-prod-alb/5f1c").build())
            .timestamp(DateTime::from_millis(AT - (120 - 10 * i) * 60_000))
            .value(f64::from((i * 7 % 11) as i32))
            .build();
        cw.put_metric_data().namespace("AWS/ApplicationELB").metric_data(datum).send().await.unwrap();
    }
    let query: MetricQuery = toml::from_str(
        "namespace = \"AWS/ApplicationELB\"\nmetric = \"HTTPCode_Target_5XX_Count\"\nlabel = \"ALB 5xx\"\nstat = \"Sum\"\n\
         dimensions = { LoadBalancer = \"app/shop-prod-alb/5f1c\" }",
    )
    .unwrap();
    let metrics = Metrics::new(&sdk, vec![query]).poll(AT).await.unwrap();
    assert!(!metrics[0].points.is_empty());

    queue_bill(&moto, AT).await;
    let report = Explorer::new(&sdk, RequestCounter::default())
        .fetch("UnblendedCost", Some(4000.0), AT)
        .await
        .unwrap();

    let mut state = State::new("shop-prod", AT);
    for (source, pane, data) in [
        ("eks", PaneId::Infrastructure, Data::Clusters(clusters)),
        ("cloudwatch-metrics", PaneId::Infrastructure, Data::Metrics(metrics)),
        ("cost-explorer", PaneId::Cost, Data::Cost(report)),
    ] {
        let source = source.parse::<SourceId>().unwrap();
        update(
            &mut state,
            Message::Register { source: source.clone(), interval_ms: 60_000, feeds: vec![pane] },
        );
        update(&mut state, Message::Data { source, at: AT, data });
    }
    state.finish_batch();
    let theme = Theme::default_theme();
    let keymap = Keymap::default_keymap();
    let ui = Ui { theme: &theme, keymap: &keymap };
    for (pane, name) in [(1, "aws_infrastructure"), (6, "aws_cost")] {
        dispatch(&mut state, Command::Pane(pane));
        for (w, h) in [(80, 24), (160, 48)] {
            let screen = flightdeck::headless::export::to_text(&render_to_buffer(&state, &ui, w, h));
            insta::assert_snapshot!(format!("{name}_{w}x{h}"), screen);
        }
    }
}
