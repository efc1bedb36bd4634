//! Config sections for the alert sources: Alertmanagers, CloudWatch alarms, the AWS access
//! they share, and who silences are created by.

use std::time::Duration;

use serde::{Deserialize, Deserializer};

/// A duration written as humantime ("15s", "2m"), so a config file reads like a person wrote it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Interval(pub Duration);

impl<'de> Deserialize<'de> for Interval {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        let dur = humantime::parse_duration(&s).map_err(|e| {
            serde::de::Error::custom(format!("`{s}`: {e}; expected a duration such as \"30s\""))
        })?;
        if dur < Duration::from_secs(1) {
            return Err(serde::de::Error::custom(format!("`{s}`: expected at least 1s")));
        }
        Ok(Interval(dur))
    }
}

/// One `[[alertmanager]]`.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AlertmanagerConfig {
    /// Shown in the SOURCE column as `alertmanager/NAME`; the URL's host when unset.
    pub name: Option<String>,
    /// The cluster whose alerts it holds (a context of the fleet); else each alert's cluster
    /// label decides.
    pub cluster: Option<String>,
    /// Base URL, e.g. `http://alertmanager.monitoring:9093`; API v2 lives under it.
    pub url: String,
    #[serde(default = "default_am_interval")]
    pub interval: Interval,
    /// Bearer token from this environment variable, or from this file: never the config itself.
    pub bearer_token_env: Option<String>,
    pub bearer_token_file: Option<String>,
    /// Basic auth: the user, and the password from an environment variable or a file.
    pub basic_user: Option<String>,
    pub basic_password_env: Option<String>,
    pub basic_password_file: Option<String>,
}

fn default_am_interval() -> Interval {
    Interval(Duration::from_secs(15))
}

impl AlertmanagerConfig {
    /// `alertmanager/NAME`, the id of its source.
    pub fn source_id(&self) -> crate::domain::SourceId {
        let name = self.name.clone().unwrap_or_else(|| {
            let host = self.url.split("://").nth(1).unwrap_or(&self.url);
            host.split(['/', ':']).next().unwrap_or(host).to_string()
        });
        crate::domain::SourceId::alertmanager(name)
    }
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct AlertsConfig {
    /// `createdBy` on silences; $USER when unset.
    pub created_by: Option<String>,
    /// With no `[[alertmanager]]`, find the cluster's own (kube-prometheus-stack's, or any
    /// Service labelled as Alertmanager) and reach it through the API server's service proxy.
    pub discover: bool,
    /// The label that says which cluster an alert is from (Prometheus's external labels);
    /// an alert naming no watched cluster is shown for the whole fleet.
    pub cluster_label: String,
}

impl Default for AlertsConfig {
    fn default() -> Self {
        AlertsConfig { created_by: None, discover: true, cluster_label: "cluster".into() }
    }
}

/// `[aws]`: shared by CloudWatch, EKS and Cost Explorer.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct AwsConfig {
    /// A profile of the shared config; the default chain's when unset.
    pub profile: Option<String>,
    /// The region; the default chain's (AWS_REGION, the profile) when unset.
    pub region: Option<String>,
    /// Send AWS requests here instead (LocalStack, moto).
    pub endpoint_url: Option<String>,
}

/// `[cloudwatch]`: alarms in the Alerts pane, metric sparklines in the Infrastructure pane.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct CloudWatchConfig {
    /// Metrics drawn as sparklines over the last 3 hours.
    pub metrics: Vec<MetricQuery>,
    pub metric_interval: Interval,
    /// Poll alarms in ALARM and INSUFFICIENT_DATA. Unset: on for the account of a context
    /// that `aws eks update-kubeconfig` wrote, off otherwise.
    pub alarms: Option<bool>,
    pub alarm_interval: Interval,
    /// Severity of an alarm no rule or tag names.
    pub default_severity: String,
    /// An alarm tag holding the severity (critical, warning, info).
    pub severity_tag: Option<String>,
    /// Rules on alarm names, first match wins: `{ pattern = "*-5xx*", severity = "critical" }`.
    pub severity_rules: Vec<SeverityRule>,
}

impl Default for CloudWatchConfig {
    fn default() -> Self {
        CloudWatchConfig {
            metrics: Vec::new(),
            metric_interval: Interval(Duration::from_secs(60)),
            alarms: None,
            alarm_interval: Interval(Duration::from_secs(60)),
            default_severity: "warning".into(),
            severity_tag: Some("Severity".into()),
            severity_rules: Vec::new(),
        }
    }
}

/// One `[[cloudwatch.metrics]]`: a metric and its statistic, as GetMetricData asks for it.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct MetricQuery {
    pub namespace: String,
    pub metric: String,
    #[serde(default)]
    pub dimensions: std::collections::BTreeMap<String, String>,
    /// Average, Sum, Maximum, Minimum, SampleCount, p99 …
    #[serde(default = "default_stat")]
    pub stat: String,
    /// The sparkline's name; `metric` when unset.
    pub label: Option<String>,
    /// Shown after the value ("ms", "%", "GiB").
    #[serde(default)]
    pub unit: String,
    /// Multiply values by this first (seconds → ms: 1000).
    #[serde(default = "one")]
    pub scale: f64,
    /// The line turns warning at or above this.
    pub warn_at: Option<f64>,
}

fn default_stat() -> String {
    "Average".into()
}

fn one() -> f64 {
    1.0
}

/// `[eks]`: clusters, node groups and add-ons in the Infrastructure pane.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct EksConfig {
    /// Unset: on for a context that `aws eks update-kubeconfig` wrote (that cluster), off
    /// otherwise.
    pub enabled: Option<bool>,
    /// Cluster names; every cluster in the region when empty.
    pub clusters: Vec<String>,
    pub interval: Interval,
}

impl Default for EksConfig {
    fn default() -> Self {
        EksConfig { enabled: None, clusters: Vec::new(), interval: Interval(Duration::from_secs(60)) }
    }
}

/// `[cost]`: the month's bill from Cost Explorer, which charges $0.01 a request.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct CostConfig {
    pub enabled: bool,
    /// UnblendedCost, AmortizedCost or NetUnblendedCost.
    pub metric: String,
    /// The month's budget, in the bill's currency.
    pub budget: Option<f64>,
    /// How old the cached bill may be before it is fetched again.
    pub refresh: Interval,
}

impl Default for CostConfig {
    fn default() -> Self {
        CostConfig {
            enabled: false,
            metric: "UnblendedCost".into(),
            budget: None,
            refresh: Interval(Duration::from_secs(8 * 3600)),
        }
    }
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SeverityRule {
    /// A glob on the alarm name: `*` any run of characters, `?` one.
    pub pattern: String,
    pub severity: String,
}

/// Whether `name` matches a `*`/`?` glob.
pub fn glob_match(pattern: &str, name: &str) -> bool {
    let (p, n): (Vec<char>, Vec<char>) = (pattern.chars().collect(), name.chars().collect());
    let (mut pi, mut ni, mut star, mut mark) = (0, 0, None, 0);
    while ni < n.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == n[ni]) {
            pi += 1;
            ni += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ni;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ni = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob_match("*-5xx*", "shop-prod-alb-5xx"));
        assert!(glob_match("shop-?rod-*", "shop-prod-rds-cpu"));
        assert!(!glob_match("*-5xx", "shop-5xx-rate"));
        assert!(glob_match("*", ""));
    }

    #[test]
    fn source_id_defaults_to_the_host() {
        let c: AlertmanagerConfig = toml::from_str("url = \"http://am.monitoring:9093/\"").unwrap();
        assert_eq!(c.source_id().to_string(), "alertmanager/am.monitoring");
        assert_eq!(c.interval, Interval(Duration::from_secs(15)));
    }

    #[test]
    fn bad_interval_says_what_is_expected() {
        let e = toml::from_str::<AlertmanagerConfig>("url = \"x\"\ninterval = \"soon\"").unwrap_err();
        assert!(e.to_string().contains("expected a duration"), "{e}");
    }
}

/// How flightdeck reaches Argo CD.
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum ArgocdMode {
    /// Application resources through the Kubernetes API: needs only Kubernetes RBAC.
    #[default]
    Kubernetes,
    /// The Argo CD server's REST API with a token.
    Api,
}

/// `[argocd]`.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct ArgocdConfig {
    pub enabled: bool,
    pub mode: ArgocdMode,
    /// The namespace Argo CD runs in; its apps are named without a namespace.
    pub namespace: String,
    /// More namespaces whose Applications to show (apps in any namespace); `["*"]` for all.
    pub namespaces: Vec<String>,
    /// API mode: the server's base URL, e.g. `https://argocd.example.com`.
    pub server: Option<String>,
    /// API mode: the token from this environment variable, or from this file.
    pub token_env: Option<String>,
    pub token_file: Option<String>,
    /// API mode: accept any TLS certificate (a self-signed server). Off unless set.
    pub insecure: bool,
}

impl Default for ArgocdConfig {
    fn default() -> Self {
        ArgocdConfig {
            enabled: true,
            mode: ArgocdMode::Kubernetes,
            namespace: "argocd".into(),
            namespaces: Vec::new(),
            server: None,
            token_env: None,
            token_file: None,
            insecure: false,
        }
    }
}
