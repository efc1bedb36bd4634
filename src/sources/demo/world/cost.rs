//! The AWS bill of the prod account as Cost Explorer would report it for the month containing
//! `now`: seeded daily spend (weekends a little lower), by-service split, last month and budget.

use super::World;
use super::util::{DAY, civil_from_days, days_from_civil, days_in_month, unit, weekday};
use crate::state::cost::CostReport;

pub const BUDGET: f64 = 1400.0;

/// Cost Explorer's service names and their share of the bill.
const SERVICES: &[(&str, f64)] = &[
    ("Amazon Elastic Compute Cloud - Compute", 0.355),
    ("Amazon Relational Database Service", 0.205),
    ("EC2 - Other", 0.125),
    ("Amazon Elastic Container Service for Kubernetes", 0.10),
    ("Elastic Load Balancing", 0.06),
    ("Amazon ElastiCache", 0.05),
    ("Amazon Simple Storage Service", 0.033),
    ("AmazonCloudWatch", 0.028),
    ("AWS Secrets Manager", 0.014),
    ("Amazon Route 53", 0.01),
    ("AWS Key Management Service", 0.006),
    ("Amazon Virtual Private Cloud", 0.005),
];

/// Daily spend of a whole month: seeded noise, weekends lower, scaled to `total`.
fn month_days(seed: u64, y: i64, m: u32, total: f64) -> Vec<f64> {
    let first = days_from_civil(y, m, 1);
    let n = days_in_month(y, m);
    let raw: Vec<f64> = (0..n as i64)
        .map(|i| {
            let d = first + i;
            let weekend = matches!(weekday(d), 0 | 6);
            (if weekend { 0.91 } else { 1.0 }) * (0.96 + 0.08 * unit(seed ^ 0xc057, d))
        })
        .collect();
    let sum: f64 = raw.iter().sum();
    raw.iter().map(|r| r * total / sum).collect()
}

fn cents(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

impl World {
    /// The account's bill. Only prod's world publishes it (see [`World::publishes`]): the
    /// store sums the bills of all sources, and dev shares prod's account.
    pub fn cost(&self) -> CostReport {
        let now = self.now;
        let days = now.div_euclid(DAY);
        let (y, m, d) = civil_from_days(days);
        let n = days_in_month(y, m);
        let frac = now.rem_euclid(DAY) as f64 / DAY as f64;
        // The month's run rate sits a few percent over budget: the forecast warns.
        let total = BUDGET * (1.025 + 0.03 * unit(self.seed, y * 12 + m as i64));
        let all = month_days(self.seed, y, m, total);
        let mut daily: Vec<f64> = all[..d as usize].iter().map(|v| cents(*v)).collect();
        if let Some(last) = daily.last_mut() {
            *last = cents(*last * frac.max(0.02));
        }
        let mtd: f64 = daily.iter().sum();

        let (py, pm) = if m == 1 { (y - 1, 12) } else { (y, m - 1) };
        // Last month ran at a daily rate 5–10 % lower.
        let growth = 1.05 + 0.05 * unit(self.seed ^ 0x9a57, y * 12 + m as i64);
        let prev_total = total / n as f64 * days_in_month(py, pm) as f64 / growth;
        let prev = month_days(self.seed, py, pm, prev_total);
        let same = (d as usize - 1).min(prev.len());
        let last_month_same_days =
            prev[..same].iter().sum::<f64>() + prev.get(same).map_or(0.0, |v| v * frac.max(0.02));

        let mut weights: Vec<(String, f64)> = SERVICES
            .iter()
            .enumerate()
            .map(|(i, (name, share))| {
                (name.to_string(), share * (0.95 + 0.1 * unit(self.seed ^ 0x5e, i as i64)))
            })
            .collect();
        let wsum: f64 = weights.iter().map(|w| w.1).sum();
        for w in &mut weights {
            w.1 = cents(w.1 / wsum * mtd);
        }
        weights.sort_by(|a, b| b.1.total_cmp(&a.1));

        CostReport {
            currency: "USD".into(),
            metric: "UnblendedCost".into(),
            month: format!("{y:04}-{m:02}"),
            days_in_month: n,
            daily,
            by_service: weights,
            last_month_same_days: Some(cents(last_month_same_days)),
            last_month_total: Some(cents(prev_total)),
            budget: Some(BUDGET),
            fetched_at: now,
            from_cache: false,
            requests: 0,
        }
    }
}
