//! Cost Explorer requests for one month's bill: this month by day and service, last month by
//! day for the comparison. Every HTTP attempt is counted, because each one is billed ($0.01).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use aws_sdk_costexplorer::types::{DateInterval, Granularity, GroupDefinition, GroupDefinitionType};
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextRef;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;

use crate::sources::aws;
use crate::sources::calendar::{civil_from_days, days_from_civil, days_in_month, parse_ymd, ymd};
use crate::state::UnixMs;
use crate::state::cost::CostReport;

const DAY_MS: i64 = 86_400_000;

/// Counts requests as they go on the wire, retries included: that is what AWS bills.
#[derive(Clone, Debug, Default)]
pub struct RequestCounter(pub Arc<AtomicU64>);

impl RequestCounter {
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

impl Intercept for RequestCounter {
    fn name(&self) -> &'static str {
        "flightdeck-cost-explorer-request-counter"
    }

    fn read_before_transmit(
        &self,
        _ctx: &BeforeTransmitInterceptorContextRef<'_>,
        _rc: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        self.0.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }
}

pub struct Explorer {
    client: aws_sdk_costexplorer::Client,
    sts: aws_sdk_sts::Client,
    pub requests: RequestCounter,
}

impl Explorer {
    pub fn new(sdk: &aws_config::SdkConfig, requests: RequestCounter) -> Explorer {
        let conf = aws_sdk_costexplorer::config::Builder::from(sdk).interceptor(requests.clone()).build();
        Explorer {
            client: aws_sdk_costexplorer::Client::from_conf(conf),
            sts: aws_sdk_sts::Client::new(sdk),
            requests,
        }
    }

    /// The account the credentials belong to (GetCallerIdentity is free): the cache key.
    pub async fn account(&self) -> Result<String, String> {
        let who = self.sts.get_caller_identity().send().await.map_err(|e| aws::describe(&e))?;
        who.account.ok_or_else(|| "GetCallerIdentity returned no account".to_string())
    }

    /// The bill of the month `now` falls in, so far.
    pub async fn fetch(&self, metric: &str, budget: Option<f64>, now: UnixMs) -> Result<CostReport, String> {
        let before = self.requests.get();
        let today = now.div_euclid(DAY_MS);
        let (y, m, d) = civil_from_days(today);
        let start = days_from_civil(y, m, 1);
        let (py, pm) = if m == 1 { (y - 1, 12) } else { (y, m - 1) };
        let prev_start = days_from_civil(py, pm, 1);

        let mut daily = vec![0.0; (today - start + 1) as usize];
        let mut by_service: BTreeMap<String, f64> = BTreeMap::new();
        let mut currency = None;
        for (day, service, amount, unit) in self.query(metric, start, today + 1, true).await? {
            if let Some(slot) = usize::try_from(day - start).ok().and_then(|i| daily.get_mut(i)) {
                *slot += amount;
            }
            *by_service.entry(service).or_default() += amount;
            currency.get_or_insert(unit);
        }
        let prev: Vec<(i64, f64)> = self
            .query(metric, prev_start, start, false)
            .await?
            .into_iter()
            .map(|(d, _, a, _)| (d, a))
            .collect();
        let last_month_total = prev.iter().map(|p| p.1).sum::<f64>();
        // The same days last month: the full days before today's date, and the part of that
        // day that has passed today, so a partial today compares with a partial day.
        let frac = now.rem_euclid(DAY_MS) as f64 / DAY_MS as f64;
        let same = prev.iter().filter(|(day, _)| day - prev_start < d as i64 - 1).map(|p| p.1).sum::<f64>()
            + prev
                .iter()
                .filter(|(day, _)| day - prev_start == d as i64 - 1)
                .map(|p| p.1 * frac)
                .sum::<f64>();
        let mut services: Vec<(String, f64)> = by_service.into_iter().collect();
        services.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        Ok(CostReport {
            currency: currency.unwrap_or_else(|| "USD".into()),
            metric: metric.to_string(),
            month: format!("{y:04}-{m:02}"),
            days_in_month: days_in_month(y, m),
            daily,
            by_service: services,
            last_month_same_days: (!prev.is_empty()).then_some(same),
            last_month_total: (!prev.is_empty()).then_some(last_month_total),
            budget,
            fetched_at: now,
            from_cache: false,
            requests: (self.requests.get() - before) as u32,
        })
    }

    /// Daily amounts in [start, end) as (day, service, amount, unit); every page.
    async fn query(
        &self,
        metric: &str,
        start: i64,
        end: i64,
        by_service: bool,
    ) -> Result<Vec<(i64, String, f64, String)>, String> {
        let period =
            DateInterval::builder().start(ymd(start)).end(ymd(end)).build().map_err(|e| e.to_string())?;
        let mut out = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let mut req = self
                .client
                .get_cost_and_usage()
                .time_period(period.clone())
                .granularity(Granularity::Daily)
                .metrics(metric)
                .set_next_page_token(token.clone());
            if by_service {
                req = req.group_by(
                    GroupDefinition::builder().r#type(GroupDefinitionType::Dimension).key("SERVICE").build(),
                );
            }
            let page = req.send().await.map_err(|e| aws::describe(&e))?;
            for r in page.results_by_time.unwrap_or_default() {
                let Some(day) = r.time_period.as_ref().and_then(|p| parse_ymd(p.start())) else { continue };
                let amount = |m: Option<
                    &std::collections::HashMap<String, aws_sdk_costexplorer::types::MetricValue>,
                >| {
                    let v = m.and_then(|m| m.get(metric));
                    let a = v
                        .and_then(|v| v.amount.as_deref())
                        .and_then(|a| a.parse::<f64>().ok())
                        .unwrap_or(0.0);
                    (a, v.and_then(|v| v.unit.clone()).unwrap_or_else(|| "USD".into()))
                };
                if by_service {
                    for g in r.groups.unwrap_or_default() {
                        let service =
                            g.keys.unwrap_or_default().into_iter().next().unwrap_or_else(|| "(none)".into());
                        let (a, unit) = amount(g.metrics.as_ref());
                        out.push((day, service, a, unit));
                    }
                } else {
                    let (a, unit) = amount(r.total.as_ref());
                    out.push((day, String::new(), a, unit));
                }
            }
            token = page.next_page_token.filter(|t| !t.is_empty());
            if token.is_none() {
                return Ok(out);
            }
        }
    }
}
