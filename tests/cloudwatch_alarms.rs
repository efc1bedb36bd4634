//! CloudWatch alarms in the Alerts pane against moto's server, through the real
//! aws-sdk-cloudwatch client with the endpoint overridden: alarms put into ALARM appear ranked
//! with their severity from a config rule, a tag or the default; INSUFFICIENT_DATA shows muted;
//! OK alarms stay out. And the binary, configured by file, reports them. (moto has no
//! PutCompositeAlarm, so composite alarms are covered by a unit test of their mapping.)

mod support;

use aws_sdk_cloudwatch::types::{ComparisonOperator, Dimension, StateValue, Statistic, Tag};
use flightdeck::config::sources::{CloudWatchConfig, SeverityRule};
use flightdeck::sources::cloudwatch::alarms::Alarms;
use flightdeck::state::alerts::{AlertState, Severity};
use support::servers::Moto;

async fn alarm(cw: &aws_sdk_cloudwatch::Client, name: &str, state: StateValue, tags: &[(&str, &str)]) {
    let mut req = cw
        .put_metric_alarm()
        .alarm_name(name)
        .alarm_description(format!("{name} description"))
        .namespace("AWS/ApplicationELB")
        .metric_name("HTTPCode_Target_5XX_Count")
        .dimensions(Dimension::builder().name("LoadBalancer").value("app/shop-prod-alb/5f1c").build())
        .statistic(Statistic::Sum)
        .period(60)
        .evaluation_periods(1)
        .threshold(10.0)
        .comparison_operator(ComparisonOperator::GreaterThanThreshold);
    for (k, v) in tags {
        req = req.tags(Tag::builder().key(*k).value(*v).build());
    }
    req.send().await.unwrap();
    cw.set_alarm_state()
        .alarm_name(name)
        .state_value(state)
        .state_reason(format!("{name} went there"))
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn alarms_in_alarm_and_insufficient_data_appear_with_their_severity() {
    let moto = Moto::start();
    let sdk = moto.sdk().await;
    let cw = aws_sdk_cloudwatch::Client::new(&sdk);
    alarm(&cw, "shop-prod-alb-5xx", StateValue::Alarm, &[]).await;
    alarm(&cw, "shop-prod-rds-cpu", StateValue::Alarm, &[("Severity", "info")]).await;
    alarm(&cw, "shop-prod-nat-errors", StateValue::InsufficientData, &[]).await;
    alarm(&cw, "shop-prod-healthy", StateValue::Ok, &[]).await;
    let cfg = CloudWatchConfig {
        alarms: Some(true),
        severity_rules: vec![SeverityRule { pattern: "*-5xx*".into(), severity: "critical".into() }],
        ..CloudWatchConfig::default()
    };
    let mut alarms = Alarms::new(&sdk, cfg);
    let list = alarms.poll().await.expect("describe alarms through moto");
    let mut by_name: Vec<(&str, Severity, AlertState)> =
        list.iter().map(|a| (a.name.as_str(), a.severity, a.state)).collect();
    by_name.sort_by_key(|a| a.0);
    assert_eq!(
        by_name,
        [
            ("shop-prod-alb-5xx", Severity::Critical, AlertState::Alarm),
            ("shop-prod-nat-errors", Severity::Warning, AlertState::InsufficientData),
            ("shop-prod-rds-cpu", Severity::Info, AlertState::Alarm),
        ]
    );
    let alb = list.iter().find(|a| a.name == "shop-prod-alb-5xx").unwrap();
    assert_eq!(alb.summary, "shop-prod-alb-5xx went there");
    assert!(alb.fingerprint.starts_with("arn:aws:cloudwatch:us-east-1:"), "{}", alb.fingerprint);
    assert_eq!(alb.labels["MetricName"], "HTTPCode_Target_5XX_Count");
    assert_eq!(alb.labels["LoadBalancer"], "app/shop-prod-alb/5f1c");
    assert_eq!(alb.annotations["description"], "shop-prod-alb-5xx description");
    assert!(alb.since > 0);
}

#[test]
fn the_binary_reports_alarms_from_its_config() {
    let moto = Moto::start();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let cw = aws_sdk_cloudwatch::Client::new(&moto.sdk().await);
        alarm(&cw, "shop-prod-alb-5xx", StateValue::Alarm, &[("Severity", "critical")]).await;
    });
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("config.toml");
    let text = format!(
        "[aws]\nregion = \"us-east-1\"\nendpoint_url = \"{}\"\n\n[cloudwatch]\nalarms = true\n",
        moto.url()
    );
    std::fs::write(&config, text).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_flightdeck"))
        .args(["--config", config.to_str().unwrap(), "status", "--json", "--timeout", "20"])
        .env("XDG_STATE_HOME", home.path().join("state"))
        .env("XDG_CACHE_HOME", home.path().join("cache"))
        .env("HOME", home.path())
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env_remove("AWS_PROFILE")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "exit {:?}\nstdout {stdout}\nstderr {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let items = json["alerts"]["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{stdout}");
    assert_eq!(items[0]["name"], "shop-prod-alb-5xx");
    assert_eq!(items[0]["severity"], "critical");
    assert_eq!(items[0]["state"], "alarm");
    assert_eq!(items[0]["source"], "cloudwatch");
    assert_eq!(json["sources"]["cloudwatch"]["state"], "ok", "{stdout}");
}

/// moto serves no `DescribeAlarmHistory`; a local server that follows the API answers it from
/// the state changes it passes on to moto, and moto answers the rest.
#[tokio::test]
async fn alarm_state_changes_come_from_the_alarm_history_onto_the_timeline() {
    use flightdeck::domain::SourceId;
    use flightdeck::domain::source::SourceKind;
    use flightdeck::state::timeline::Kind;
    use flightdeck::state::{Data, Message, State, update};
    let moto = Moto::start();
    let front = support::alarm_history::AlarmHistoryServer::start(moto.url()).await;
    let sdk = moto.sdk().await.into_builder().endpoint_url(front.url()).build();
    let cw = aws_sdk_cloudwatch::Client::new(&sdk);
    let mut alarms =
        Alarms::new(&sdk, CloudWatchConfig { alarms: Some(true), ..CloudWatchConfig::default() });
    let mut state = State::new("shop-prod", 0);
    let deliver = |state: &mut State, changes| {
        let at = flightdeck::sources::wall_now();
        update(
            state,
            Message::Data {
                source: SourceId::of(SourceKind::CloudWatchAlarms),
                at,
                data: Data::AlarmHistory(changes),
            },
        );
    };

    alarm(&cw, "shop-prod-alb-5xx", StateValue::Alarm, &[]).await;
    let now = flightdeck::sources::wall_now() + 1_000;
    let first = alarms.history(now).await.expect("the alarm history through the SDK");
    let got: Vec<(&str, &str, &str)> =
        first.iter().map(|c| (c.name.as_str(), c.from.as_str(), c.to.as_str())).collect();
    assert_eq!(got, [("shop-prod-alb-5xx", "INSUFFICIENT_DATA", "ALARM")]);
    assert_eq!(first[0].reason, "shop-prod-alb-5xx went there");
    let asked = front.history_requests();
    assert_eq!(asked[0].get("HistoryItemType").map(String::as_str), Some("StateUpdate"));
    assert!(asked[0].contains_key("StartDate") && asked[0].contains_key("EndDate"), "{asked:?}");
    deliver(&mut state, first);

    // Back to OK: the next read brings only what changed since.
    cw.set_alarm_state()
        .alarm_name("shop-prod-alb-5xx")
        .state_value(StateValue::Ok)
        .state_reason("recovered")
        .send()
        .await
        .unwrap();
    let second = alarms.history(flightdeck::sources::wall_now() + 1_000).await.unwrap();
    let got: Vec<(&str, &str)> = second.iter().map(|c| (c.from.as_str(), c.to.as_str())).collect();
    assert_eq!(got, [("ALARM", "OK")]);
    deliver(&mut state, second);

    let entries: Vec<(Kind, String)> =
        state.timeline.newest_first().map(|e| (e.kind, e.what.clone())).collect();
    assert_eq!(
        entries,
        [
            (Kind::Alarm, "shop-prod-alb-5xx ALARM → OK: recovered".to_string()),
            (
                Kind::Alarm,
                "shop-prod-alb-5xx INSUFFICIENT_DATA → ALARM: shop-prod-alb-5xx went there".to_string()
            ),
        ]
    );
}
