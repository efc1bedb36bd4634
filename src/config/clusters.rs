//! The fleet in the config: `[[cluster]]`, one per kubeconfig context watched at once, each
//! with its own safety, AWS account, Argo CD and Alertmanagers; and which contexts the command
//! line asked for. Resolving names against the kubeconfig happens at start, not here.

use serde::Deserialize;

use super::sources::{AlertmanagerConfig, ArgocdConfig, AwsConfig};

/// One `[[cluster]]`.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ClusterConfig {
    /// The kubeconfig context.
    pub context: String,
    /// Production or not, whatever `[safety] production` says of its name.
    pub production: Option<bool>,
    /// Hide and refuse every action that changes this cluster.
    #[serde(default)]
    pub readonly: bool,
    /// Its theme, when it is the one shown.
    pub theme: Option<String>,
    /// Its AWS account (EKS, CloudWatch, Cost Explorer); `[aws]` when unset.
    pub aws: Option<AwsConfig>,
    /// Its Argo CD; `[argocd]` when unset.
    pub argocd: Option<ArgocdConfig>,
    /// Alertmanagers whose alerts are this cluster's.
    #[serde(default)]
    pub alertmanager: Vec<AlertmanagerConfig>,
    /// `live` (default): watched from the start. `open`: watched only once opened from the
    /// fleet screen; until then its row comes from what aggregates the fleet (Argo CD's
    /// server, the Alertmanagers, Cost Explorer).
    #[serde(default)]
    pub watch: WatchMode,
}

#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum WatchMode {
    #[default]
    Live,
    Open,
}

/// Which contexts to watch, as the command line or the config said.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum ContextChoice {
    /// `--context` (or `[kubernetes] context`), else the kubeconfig's current one: one cluster,
    /// as ever.
    #[default]
    Current,
    /// `--context A --context B`, or the `[[cluster]]` list.
    Named(Vec<String>),
    /// `--contexts 'GLOB'` over the kubeconfig's contexts.
    Glob(String),
    /// `--all-contexts`.
    All,
}

impl ContextChoice {
    /// The contexts chosen among the kubeconfig's `available`, in its order (named ones in the
    /// order given). An empty list means the current context.
    pub fn pick(&self, available: &[String]) -> Result<Vec<String>, String> {
        match self {
            ContextChoice::Current => Ok(Vec::new()),
            ContextChoice::Named(names) => {
                for n in names {
                    if !available.contains(n) {
                        return Err(format!(
                            "no context \"{n}\" in the kubeconfig (it has: {})",
                            available.join(", ")
                        ));
                    }
                }
                let mut out: Vec<String> = Vec::new();
                for n in names {
                    if !out.contains(n) {
                        out.push(n.clone());
                    }
                }
                Ok(out)
            }
            ContextChoice::Glob(g) => {
                let out: Vec<String> =
                    available.iter().filter(|c| super::safety::glob(g, c)).cloned().collect();
                if out.is_empty() {
                    return Err(format!(
                        "no context of the kubeconfig matches `{g}` (it has: {})",
                        available.join(", ")
                    ));
                }
                Ok(out)
            }
            ContextChoice::All => Ok(available.to_vec()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctxs() -> Vec<String> {
        ["shop-prod", "shop-dev", "batch-prod"].iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn picks_named_globbed_or_all_contexts() {
        assert_eq!(ContextChoice::Current.pick(&ctxs()).unwrap(), Vec::<String>::new());
        let named = ContextChoice::Named(vec!["shop-dev".into(), "shop-prod".into(), "shop-dev".into()]);
        assert_eq!(named.pick(&ctxs()).unwrap(), ["shop-dev", "shop-prod"]);
        assert_eq!(ContextChoice::Glob("*-prod".into()).pick(&ctxs()).unwrap(), ["shop-prod", "batch-prod"]);
        assert_eq!(ContextChoice::All.pick(&ctxs()).unwrap().len(), 3);
        let e = ContextChoice::Named(vec!["nope".into()]).pick(&ctxs()).unwrap_err();
        assert!(e.contains("no context \"nope\"") && e.contains("shop-dev"), "{e}");
        assert!(ContextChoice::Glob("x*".into()).pick(&ctxs()).unwrap_err().contains("matches `x*`"));
    }

    #[test]
    fn a_cluster_entry_reads_with_its_own_settings() {
        let c: ClusterConfig = toml::from_str(
            "context = \"shop-prod\"\nproduction = true\nwatch = \"open\"\naws = { profile = \"prod\", region = \"eu-west-1\" }\n[[alertmanager]]\nurl = \"http://am:9093\"\n",
        )
        .unwrap();
        assert_eq!(c.production, Some(true));
        assert_eq!(c.watch, WatchMode::Open);
        assert_eq!(c.aws.unwrap().region.as_deref(), Some("eu-west-1"));
        assert_eq!(c.alertmanager.len(), 1);
        assert!(toml::from_str::<ClusterConfig>("context = \"x\"\nwatch = \"sometimes\"").is_err());
    }
}
