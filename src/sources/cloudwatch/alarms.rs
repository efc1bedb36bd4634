//! CloudWatch alarms in ALARM and INSUFFICIENT_DATA (metric and composite, every page), polled
//! on an interval and ranked with Alertmanager's alerts. Severity comes from the config's name
//! rules, then the alarm's severity tag, then the configured default.

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use aws_sdk_cloudwatch::types::{AlarmType, CompositeAlarm, MetricAlarm, StateValue};

use crate::config::sources::{AwsConfig, CloudWatchConfig, glob_match};
use crate::domain::SourceId;
use crate::domain::source::SourceKind;
use crate::sources::backoff::Backoff;
use crate::sources::poll::{self, Poller};
use crate::sources::{Clock, Sender, TaskGuard, aws};
use crate::state::alerts::{Alert, AlertState, Severity};
use crate::state::{Data, PaneId, UnixMs};

/// Tags change rarely and cost a request per alarm: look again after this long.
const TAG_TTL: Duration = Duration::from_secs(600);

pub struct Alarms {
    client: aws_sdk_cloudwatch::Client,
    cfg: CloudWatchConfig,
    region: String,
    tags: HashMap<String, (Option<Severity>, std::time::Instant)>,
}

impl Alarms {
    pub fn new(sdk: &aws_config::SdkConfig, cfg: CloudWatchConfig) -> Alarms {
        let region = sdk.region().map_or_else(|| "us-east-1".to_string(), |r| r.to_string());
        Alarms { client: aws_sdk_cloudwatch::Client::new(sdk), cfg, region, tags: HashMap::new() }
    }

    /// One poll: every alarm that is not OK, as alerts.
    pub async fn poll(&mut self) -> Result<Vec<Alert>, String> {
        let mut metric = Vec::new();
        let mut composite = Vec::new();
        for state in [StateValue::Alarm, StateValue::InsufficientData] {
            let mut pages = self
                .client
                .describe_alarms()
                .state_value(state)
                .alarm_types(AlarmType::MetricAlarm)
                .alarm_types(AlarmType::CompositeAlarm)
                .into_paginator()
                .send();
            while let Some(page) = pages.next().await {
                let page = page.map_err(|e| aws::describe(&e))?;
                metric.extend(page.metric_alarms.unwrap_or_default());
                composite.extend(page.composite_alarms.unwrap_or_default());
            }
        }
        let mut out = Vec::with_capacity(metric.len() + composite.len());
        for m in metric {
            let mut a = self.metric_alert(m);
            a.severity = self.severity(&a.name, &a.fingerprint).await;
            out.push(a);
        }
        for c in composite {
            let mut a = self.composite_alert(c);
            a.severity = self.severity(&a.name, &a.fingerprint).await;
            out.push(a);
        }
        Ok(out)
    }

    async fn severity(&mut self, name: &str, arn: &str) -> Severity {
        if let Some(rule) = self.cfg.severity_rules.iter().find(|r| glob_match(&r.pattern, name)) {
            return Severity::parse(&rule.severity);
        }
        let default = Severity::parse(&self.cfg.default_severity);
        let Some(tag) = self.cfg.severity_tag.clone() else { return default };
        if let Some((sev, at)) = self.tags.get(arn)
            && at.elapsed() < TAG_TTL
        {
            return sev.unwrap_or(default);
        }
        let sev = match self.client.list_tags_for_resource().resource_arn(arn).send().await {
            Ok(out) => out
                .tags
                .unwrap_or_default()
                .into_iter()
                .find(|t| t.key.as_deref().is_some_and(|k| k.eq_ignore_ascii_case(&tag)))
                .and_then(|t| t.value)
                .map(|v| Severity::parse(&v)),
            Err(e) => {
                // Tags only refine the severity; without them the alarm still shows.
                tracing::debug!(arn, error = %aws::describe(&e), "alarm tags unavailable");
                None
            }
        };
        self.tags.insert(arn.to_string(), (sev, std::time::Instant::now()));
        sev.unwrap_or(default)
    }

    fn console_url(&self, name: &str) -> String {
        let r = &self.region;
        format!("https://{r}.console.aws.amazon.com/cloudwatch/home?region={r}#alarmsV2:alarm/{name}")
    }

    fn base(&self, name: String, arn: String, state: Option<&StateValue>) -> Alert {
        Alert {
            cluster: Default::default(),
            fingerprint: arn,
            generator_url: Some(self.console_url(&name)),
            name,
            severity: Severity::Warning,
            source: SourceId::of(SourceKind::CloudWatchAlarms),
            state: if state == Some(&StateValue::Alarm) {
                AlertState::Alarm
            } else {
                AlertState::InsufficientData
            },
            since: 0,
            summary: String::new(),
            labels: BTreeMap::new(),
            annotations: BTreeMap::new(),
            silenced_by: Vec::new(),
            also_from: Vec::new(),
        }
    }

    fn metric_alert(&self, m: MetricAlarm) -> Alert {
        let name = m.alarm_name.unwrap_or_default();
        let arn = m.alarm_arn.unwrap_or_else(|| name.clone());
        let mut a = self.base(name, arn, m.state_value.as_ref());
        a.since = m.state_updated_timestamp.map_or(0, |t| t.to_millis().unwrap_or(0) as UnixMs);
        a.summary = m.state_reason.unwrap_or_default();
        if let Some(ns) = m.namespace {
            a.labels.insert("Namespace".into(), ns);
        }
        if let Some(metric) = m.metric_name {
            a.labels.insert("MetricName".into(), metric);
        }
        for d in m.dimensions.unwrap_or_default() {
            if let (Some(k), Some(v)) = (d.name, d.value) {
                a.labels.insert(k, v);
            }
        }
        if let Some(d) = m.alarm_description.filter(|d| !d.is_empty()) {
            a.annotations.insert("description".into(), d);
        }
        a
    }

    fn composite_alert(&self, c: CompositeAlarm) -> Alert {
        let name = c.alarm_name.unwrap_or_default();
        let arn = c.alarm_arn.unwrap_or_else(|| name.clone());
        let mut a = self.base(name, arn, c.state_value.as_ref());
        a.since = c.state_updated_timestamp.map_or(0, |t| t.to_millis().unwrap_or(0) as UnixMs);
        a.summary = c.state_reason.unwrap_or_default();
        if let Some(rule) = c.alarm_rule {
            a.labels.insert("AlarmRule".into(), rule);
        }
        if let Some(d) = c.alarm_description.filter(|d| !d.is_empty()) {
            a.annotations.insert("description".into(), d);
        }
        a
    }
}

/// Load AWS config in the task (it may talk to IMDS or SSO), then poll with backoff on errors.
pub fn spawn(aws_cfg: AwsConfig, cfg: CloudWatchConfig, tx: Sender, clock: Clock) -> TaskGuard {
    let (source, interval) = (SourceId::of(SourceKind::CloudWatchAlarms), cfg.alarm_interval.0);
    poll::register(&tx, &source, interval, vec![PaneId::Alerts]);
    TaskGuard(tokio::spawn(async move {
        let mut alarms = Alarms::new(&aws::load(&aws_cfg).await, cfg);
        let backoff = Backoff::new(Duration::from_secs(2), Duration::from_secs(120));
        let mut poller = Poller { source, interval, backoff, tx, clock, wake: None };
        while poller.deliver(alarms.poll().await.map(Data::Alerts)).await {}
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_cloudwatch::primitives::DateTime;

    #[tokio::test]
    async fn a_composite_alarm_keeps_its_rule_reason_and_time() {
        let sdk = aws_config::SdkConfig::builder()
            .region(aws_config::Region::new("eu-west-1"))
            .behavior_version(aws_config::BehaviorVersion::latest())
            .build();
        let alarms = Alarms::new(&sdk, CloudWatchConfig::default());
        let c = CompositeAlarm::builder()
            .alarm_name("checkout-down")
            .alarm_arn("arn:aws:cloudwatch:eu-west-1:1:alarm:checkout-down")
            .alarm_rule("ALARM(a) AND ALARM(b)")
            .state_value(StateValue::Alarm)
            .state_reason("both children in ALARM")
            .state_updated_timestamp(DateTime::from_millis(1_763_474_400_000))
            .build();
        let a = alarms.composite_alert(c);
        assert_eq!((a.state, a.since), (AlertState::Alarm, 1_763_474_400_000));
        assert_eq!(a.labels["AlarmRule"], "ALARM(a) AND ALARM(b)");
        assert_eq!(a.summary, "both children in ALARM");
        assert!(a.generator_url.unwrap().contains("eu-west-1.console.aws.amazon.com"));
    }
}
