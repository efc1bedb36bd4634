//! CloudWatch metrics as a source: the configured list, as sparklines of the last 3 hours, in
//! one GetMetricData call (every page) per poll.

use std::time::Duration;

use aws_sdk_cloudwatch::primitives::DateTime;
use aws_sdk_cloudwatch::types::{Dimension, Metric, MetricDataQuery, MetricStat};

use crate::config::sources::{AwsConfig, CloudWatchConfig, MetricQuery};
use crate::domain::SourceId;
use crate::domain::source::SourceKind;
use crate::sources::backoff::Backoff;
use crate::sources::poll::{self, Poller};
use crate::sources::{Clock, Sender, TaskGuard, aws};
use crate::state::infra::MetricSeries;
use crate::state::{Data, PaneId, UnixMs};

/// The window the sparklines cover, and the width of one point.
pub const WINDOW_MS: i64 = 3 * 3_600_000;
pub const PERIOD_S: i32 = 300;

pub struct Metrics {
    client: aws_sdk_cloudwatch::Client,
    queries: Vec<MetricQuery>,
}

impl Metrics {
    pub fn new(sdk: &aws_config::SdkConfig, queries: Vec<MetricQuery>) -> Metrics {
        Metrics { client: aws_sdk_cloudwatch::Client::new(sdk), queries }
    }

    pub async fn poll(&self, now: UnixMs) -> Result<Vec<MetricSeries>, String> {
        let mut req = self
            .client
            .get_metric_data()
            .start_time(DateTime::from_millis(now - WINDOW_MS))
            .end_time(DateTime::from_millis(now));
        for (i, q) in self.queries.iter().enumerate() {
            let mut metric = Metric::builder().namespace(&q.namespace).metric_name(&q.metric);
            for (k, v) in &q.dimensions {
                metric = metric.dimensions(Dimension::builder().name(k).value(v).build());
            }
            let stat = MetricStat::builder().metric(metric.build()).period(PERIOD_S).stat(&q.stat).build();
            req = req.metric_data_queries(
                MetricDataQuery::builder().id(format!("m{i}")).metric_stat(stat).build(),
            );
        }
        let mut points: Vec<Vec<(UnixMs, f64)>> = vec![Vec::new(); self.queries.len()];
        let mut pages = req.into_paginator().send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| aws::describe(&e))?;
            for r in page.metric_data_results.unwrap_or_default() {
                let Some(i) = r.id.as_deref().and_then(|id| id.strip_prefix('m')?.parse::<usize>().ok())
                else {
                    continue;
                };
                let Some(series) = points.get_mut(i) else { continue };
                let times = r.timestamps.unwrap_or_default();
                let values = r.values.unwrap_or_default();
                series.extend(times.iter().zip(values).map(|(t, v)| (t.to_millis().unwrap_or(0), v)));
            }
        }
        Ok(self
            .queries
            .iter()
            .zip(points)
            .map(|(q, mut pts)| {
                // CloudWatch answers newest first by default.
                pts.sort_by_key(|p| p.0);
                MetricSeries {
                    cluster: Default::default(),
                    label: q.label.clone().unwrap_or_else(|| q.metric.clone()),
                    unit: q.unit.clone(),
                    points: pts.into_iter().map(|(t, v)| (t, v * q.scale)).collect(),
                    warn_at: q.warn_at,
                }
            })
            .collect())
    }
}

pub fn spawn(aws_cfg: AwsConfig, cfg: CloudWatchConfig, tx: Sender, clock: Clock) -> TaskGuard {
    let (source, interval) = (SourceId::of(SourceKind::CloudWatchMetrics), cfg.metric_interval.0);
    poll::register(&tx, &source, interval, vec![PaneId::Infrastructure]);
    TaskGuard(tokio::spawn(async move {
        let metrics = Metrics::new(&aws::load(&aws_cfg).await, cfg.metrics);
        let backoff = Backoff::new(Duration::from_secs(2), Duration::from_secs(120));
        let mut poller = Poller { source, interval, backoff, tx, clock, wake: None };
        while poller.deliver(metrics.poll(poller.now()).await.map(Data::Metrics)).await {}
    }))
}
