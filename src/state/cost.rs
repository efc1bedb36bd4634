//! The month's AWS bill: month-to-date, by-service spend, daily trend, budget and forecast.
//! The forecast is computed here from the daily series so it costs no Cost Explorer request.

use serde::Serialize;

use super::{Level, UnixMs};

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Cost {
    /// The bill shown: one account's, or every account's summed.
    pub report: Option<CostReport>,
    /// Each account's, by the source that fetched it.
    #[serde(skip)]
    pub by_source: std::collections::BTreeMap<crate::domain::SourceId, CostReport>,
}

impl Cost {
    pub fn replace(&mut self, source: &crate::domain::SourceId, report: CostReport) {
        self.by_source.insert(source.clone(), report);
        self.report = CostReport::sum(self.by_source.values());
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, serde::Deserialize)]
pub struct CostReport {
    pub currency: String,
    /// UnblendedCost, AmortizedCost or NetUnblendedCost.
    pub metric: String,
    /// "2026-11".
    pub month: String,
    pub days_in_month: u32,
    /// Daily spend this month so far, day 1 first. The last day may be partial.
    pub daily: Vec<f64>,
    /// Spend by service as Cost Explorer names them, largest first.
    pub by_service: Vec<(String, f64)>,
    /// Spend over the same days of last month, for the change figure.
    pub last_month_same_days: Option<f64>,
    pub last_month_total: Option<f64>,
    pub budget: Option<f64>,
    pub fetched_at: UnixMs,
    /// Whether this came from the on-disk cache rather than a request.
    pub from_cache: bool,
    /// Cost Explorer requests this report took in this run (each billed $0.01): 0 from cache.
    #[serde(default)]
    pub requests: u32,
}

impl CostReport {
    /// Several accounts' bills as one: the days, the services and the budgets added up. The
    /// newest month wins where they differ (an account whose bill is not fetched yet).
    pub fn sum<'a>(reports: impl IntoIterator<Item = &'a CostReport>) -> Option<CostReport> {
        let mut reports: Vec<&CostReport> = reports.into_iter().collect();
        reports.sort_by(|a, b| b.month.cmp(&a.month));
        let first = (*reports.first()?).clone();
        let same: Vec<&CostReport> = reports.into_iter().filter(|r| r.month == first.month).collect();
        if same.len() == 1 {
            return Some(first);
        }
        let mut out = CostReport { by_service: Vec::new(), ..first };
        out.daily = vec![0.0; same.iter().map(|r| r.daily.len()).max().unwrap_or(0)];
        let mut services: std::collections::BTreeMap<&str, f64> = Default::default();
        let add = |a: Option<f64>, b: Option<f64>| match (a, b) {
            (Some(a), Some(b)) => Some(a + b),
            _ => None,
        };
        for (i, r) in same.iter().enumerate() {
            for (d, v) in r.daily.iter().enumerate() {
                out.daily[d] += v;
            }
            for (name, v) in &r.by_service {
                *services.entry(name).or_default() += v;
            }
            if i > 0 {
                out.last_month_same_days = add(out.last_month_same_days, r.last_month_same_days);
                out.last_month_total = add(out.last_month_total, r.last_month_total);
                out.budget = add(out.budget, r.budget);
                out.fetched_at = out.fetched_at.min(r.fetched_at);
                out.from_cache &= r.from_cache;
                out.requests += r.requests;
            }
        }
        out.by_service = services.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
        out.by_service.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        Some(out)
    }

    pub fn month_to_date(&self) -> f64 {
        self.daily.iter().sum()
    }

    pub fn forecast(&self) -> f64 {
        forecast_month_end(&self.daily, self.days_in_month)
    }

    /// Change against the same days of last month, as a fraction (0.12 = +12 %).
    pub fn change_vs_last_month(&self) -> Option<f64> {
        let prev = self.last_month_same_days?;
        (prev > 0.0).then(|| self.month_to_date() / prev - 1.0)
    }

    pub fn level(&self) -> Level {
        match self.budget {
            Some(b) if self.month_to_date() > b => Level::Crit,
            Some(b) if self.forecast() > b => Level::Warn,
            _ => Level::Ok,
        }
    }

    /// The top `n` services and the rest summed as "Other".
    pub fn top_services(&self, n: usize) -> Vec<(String, f64)> {
        let mut out: Vec<(String, f64)> = self.by_service.iter().take(n).cloned().collect();
        let rest: f64 = self.by_service.iter().skip(n).map(|s| s.1).sum();
        if rest > 0.0 {
            out.push(("Other".to_string(), rest));
        }
        out
    }
}

/// Month-end forecast: spend so far plus the remaining days at the mean of the last seven full
/// days (fewer early in the month). The last day is taken as partial and left out of the rate,
/// because Cost Explorer's figure for today is incomplete.
pub fn forecast_month_end(daily: &[f64], days_in_month: u32) -> f64 {
    let so_far: f64 = daily.iter().sum();
    let full = if daily.len() > 1 { &daily[..daily.len() - 1] } else { daily };
    let window = &full[full.len().saturating_sub(7)..];
    if window.is_empty() {
        return so_far;
    }
    let rate = window.iter().sum::<f64>() / window.len() as f64;
    // Today is partial: it still has roughly its share of a full day to come.
    let today_left = match daily.last() {
        Some(&t) if daily.len() > 1 => (rate - t).max(0.0),
        _ => 0.0,
    };
    let days_left = days_in_month.saturating_sub(daily.len() as u32) as f64;
    so_far + today_left + rate * days_left
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forecast_uses_recent_full_days() {
        // 10 days at $40, today partial at $10, 30-day month.
        let mut daily = vec![40.0; 10];
        daily.push(10.0);
        let f = forecast_month_end(&daily, 30);
        // 410 so far + 30 left of today + 19 days × 40.
        assert!((f - (410.0 + 30.0 + 760.0)).abs() < 1e-9, "{f}");
    }

    #[test]
    fn forecast_on_day_one_is_spend_so_far_extrapolated_from_nothing() {
        assert_eq!(forecast_month_end(&[12.0], 30), 12.0 + 12.0 * 29.0);
        assert_eq!(forecast_month_end(&[], 30), 0.0);
    }

    #[test]
    fn forecast_follows_a_recent_rise() {
        let mut daily = vec![20.0; 14];
        daily.extend([60.0; 7]);
        daily.push(60.0);
        let f = forecast_month_end(&daily, 31);
        assert!((f - (20.0 * 14.0 + 60.0 * 8.0 + 60.0 * 9.0)).abs() < 1e-9, "{f}");
    }
}
