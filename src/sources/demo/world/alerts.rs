//! Alerts of the demo world: Alertmanager's firing alerts (a baseline, then what the incident,
//! dev's bad tag and the traffic peak raise) and CloudWatch alarms in ALARM or INSUFFICIENT_DATA.

use crate::domain::SourceId;
use crate::domain::source::DemoFeed;
use std::collections::BTreeMap;

use super::World;
use super::profile::Profile;
use super::util::{DAY, HOUR, MIN, SEC, fnv};
use crate::state::UnixMs;
use crate::state::alerts::{Alert, AlertState, Severity};

/// CloudWatch alarms carry their metric's namespace, name and dimensions as labels.
const ACCOUNT: &str = "123456789012";
/// How long a crash loop lasts before KubePodCrashLooping fires, and an HPA sits at max
/// before KubeHpaMaxedOut does (shortened from the mixin's 15 minutes for the demo).
const CRASHLOOP_FOR: i64 = 10 * SEC;
const MAXED_FOR: i64 = 15 * SEC;

fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

/// Alertmanager's fingerprint: stable per alert name and label set.
pub(super) fn fingerprint(labels: &BTreeMap<String, String>) -> String {
    let mut bytes = Vec::new();
    for (k, v) in labels {
        bytes.extend_from_slice(k.as_bytes());
        bytes.push(0xff);
        bytes.extend_from_slice(v.as_bytes());
        bytes.push(0xff);
    }
    format!("{:016x}", fnv(&bytes))
}

pub(super) fn alert(
    name: &str,
    severity: Severity,
    since: UnixMs,
    pairs: &[(&str, &str)],
    summary: &str,
    description: String,
    runbook: &str,
) -> Alert {
    let mut l = labels(pairs);
    l.insert("alertname".into(), name.into());
    l.insert("severity".into(), severity.label().into());
    let annotations =
        labels(&[("summary", summary), ("description", &description), ("runbook_url", runbook)]);
    Alert {
        cluster: Default::default(),
        fingerprint: fingerprint(&l),
        name: name.into(),
        severity,
        source: SourceId::demo(DemoFeed::Alertmanager),
        state: AlertState::Firing,
        since,
        summary: summary.into(),
        labels: l,
        annotations,
        generator_url: Some(format!(
            "http://prometheus.monitoring:9090/graph?g0.expr=ALERTS%7Balertname%3D%22{name}%22%7D"
        )),
        silenced_by: Vec::new(),
        also_from: Vec::new(),
    }
}

/// The alarm's page in the CloudWatch console.
pub fn console_url(name: &str) -> String {
    format!("https://console.aws.amazon.com/cloudwatch/home?region=us-east-1#alarmsV2:alarm/{name}")
}

const RUNBOOKS: &str = "https://runbooks.prometheus-operator.dev/runbooks/kubernetes";

impl World {
    /// What was firing before the demo began: prod's Loki has long been throttled.
    fn baseline(&self) -> Vec<Alert> {
        if self.profile != Profile::Prod {
            return Vec::new();
        }
        vec![alert(
            "CPUThrottlingHigh",
            Severity::Warning,
            self.epoch - 2 * HOUR - 13 * MIN,
            &[("namespace", "monitoring"), ("pod", "loki-0"), ("container", "loki")],
            "Processes experience elevated CPU throttling.",
            "41.7% throttling of CPU in namespace monitoring for container loki in pod loki-0.".into(),
            &format!("{RUNBOOKS}/cputhrottlinghigh"),
        )]
    }

    pub fn alertmanager_alerts(&self) -> Vec<Alert> {
        let now = self.now;
        let mut out = self.baseline();
        for p in self.pods.iter().filter(|p| p.crashlooping()) {
            let Some(since) = p.crashloop_since.map(|t| t + CRASHLOOP_FOR).filter(|t| *t <= now) else {
                continue;
            };
            let w = &self.workloads[p.wl];
            out.push(alert(
                "KubePodCrashLooping",
                Severity::Warning,
                since,
                &[
                    ("namespace", w.ns),
                    ("pod", &p.name),
                    ("container", w.container()),
                    ("deployment", w.name),
                ],
                "Pod is crash looping.",
                format!(
                    "Pod {}/{} ({}) is in waiting state (reason: \"CrashLoopBackOff\").",
                    w.ns,
                    p.name,
                    w.container()
                ),
                &format!("{RUNBOOKS}/kubepodcrashlooping"),
            ));
        }
        if let Some(since) = self.incident.error_firing_since {
            let w = &self.workloads[self.incident.cart];
            out.push(alert(
                "HighErrorRate",
                Severity::Critical,
                since,
                &[("namespace", w.ns), ("service", w.name)],
                &format!("{:.1}% of requests to cart are failing", self.incident.err * 100.0),
                format!(
                    "The 5xx ratio of service storefront/cart has been above 5% for more than a few minutes (now {:.1}%).",
                    self.incident.err * 100.0
                ),
                "https://runbooks.shop.example/storefront/high-error-rate",
            ));
        }
        for h in &self.hpas {
            let Some(since) = h.maxed_since.map(|t| t + MAXED_FOR).filter(|t| *t <= now) else { continue };
            let w = &self.workloads[h.wl];
            out.push(alert(
                "KubeHpaMaxedOut",
                Severity::Warning,
                since,
                &[("namespace", w.ns), ("horizontalpodautoscaler", w.name)],
                "HPA is running at max replicas",
                format!(
                    "HPA {}/{} has been running at max replicas for longer than 15 seconds.",
                    w.ns, w.name
                ),
                &format!("{RUNBOOKS}/kubehpamaxedout"),
            ));
        }
        if self.profile == Profile::Dev {
            self.dev_alerts(&mut out);
            // Prod's alerts keep the labels their snapshots were taken with.
            super::dev::label_cluster(&mut out, self.profile.cluster());
        }
        self.apply_silences(&mut out);
        out
    }

    /// The account's alarms; dev's world has none, prod's publishes the account.
    pub fn cloudwatch_alarms(&self) -> Vec<Alert> {
        let mut out = Vec::new();
        if !self.publishes(DemoFeed::CloudWatch) {
            return out;
        }
        let arn = |name: &str| format!("arn:aws:cloudwatch:us-east-1:{ACCOUNT}:alarm:{name}");
        if let Some(since) = self.incident.alarm_since {
            let name = "shop-prod-alb-5xx";
            out.push(Alert {
                cluster: Default::default(),
                fingerprint: arn(name),
                name: name.into(),
                severity: Severity::Critical,
                source: SourceId::demo(DemoFeed::CloudWatch),
                state: AlertState::Alarm,
                since,
                summary: self.incident.alarm_reason.clone(),
                labels: labels(&[
                    ("Namespace", "AWS/ApplicationELB"),
                    ("MetricName", "HTTPCode_Target_5XX_Count"),
                    ("LoadBalancer", "app/shop-prod-alb/5f1c2a9b3e7d4c61"),
                ]),
                annotations: labels(&[(
                    "description",
                    "More than 10 target 5xx responses a minute on the shop-prod ALB.",
                )]),
                generator_url: Some(console_url(name)),
                silenced_by: Vec::new(),
                also_from: Vec::new(),
            });
        }
        let name = "shop-prod-nat-gateway-errors";
        out.push(Alert {
            cluster: Default::default(),
            fingerprint: arn(name),
            name: name.into(),
            severity: Severity::Warning,
            source: SourceId::demo(DemoFeed::CloudWatch),
            state: AlertState::InsufficientData,
            since: self.epoch - 3 * DAY - 7 * HOUR,
            summary: "Insufficient Data: 5 datapoints were unknown.".into(),
            labels: labels(&[
                ("Namespace", "AWS/NATGateway"),
                ("MetricName", "ErrorPortAllocation"),
                ("NatGatewayId", "nat-0a1b2c3d4e5f67890"),
            ]),
            annotations: labels(&[("description", "NAT gateway port allocation errors in us-east-1a.")]),
            generator_url: Some(console_url(name)),
            silenced_by: Vec::new(),
            also_from: Vec::new(),
        });
        out
    }
}
