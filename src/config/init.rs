//! The config `flightdeck config init` writes: what was detected (the kubeconfig's contexts,
//! the AWS profile and region of an EKS context, the Alertmanager found, Argo CD's namespace),
//! as a commented file that loads back to the same. Plain text from plain data; the detecting
//! is done elsewhere.

use std::fmt::Write;

/// An EKS context as the kubeconfig names it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DetectedEks {
    pub context: String,
    pub cluster: String,
    pub region: String,
    pub account: Option<String>,
    pub profile: Option<String>,
}

/// What was found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Detected {
    /// The kubeconfig's contexts in its order, and the current one.
    pub contexts: Vec<String>,
    pub current: Option<String>,
    pub eks: Vec<DetectedEks>,
    /// The Alertmanager found in the current context's cluster (`NS/NAME:PORT`), or why none.
    pub alertmanager: Result<String, String>,
    /// Where the current cluster's Argo CD Applications live, when any were found.
    pub argocd_namespace: Option<String>,
}

impl Default for Detected {
    fn default() -> Self {
        Detected {
            contexts: Vec::new(),
            current: None,
            eks: Vec::new(),
            alertmanager: Err("not looked for".into()),
            argocd_namespace: None,
        }
    }
}

/// A TOML string, quoted and escaped.
fn quoted(s: &str) -> String {
    toml::Value::from(s).to_string()
}

fn one_line(s: &str) -> String {
    s.replace(['\n', '\r'], " ")
}

/// The commented config for what was detected.
pub fn render(d: &Detected) -> String {
    let mut out = String::from(
        "# flightdeck configuration, written by `flightdeck config init` from what it found.\n\
         # Every setting is optional: `flightdeck config default` prints them all with their defaults.\n\n",
    );
    let current_eks = d.current.as_ref().and_then(|c| d.eks.iter().find(|e| &e.context == c));
    out.push_str("[kubernetes]\n");
    let _ = writeln!(out, "# The kubeconfig's contexts: {}.", one_line(&d.contexts.join(", ")));
    match &d.current {
        Some(c) => {
            let _ = writeln!(out, "context = {}", quoted(c));
        }
        None => out.push_str("# context = \"NAME\"   # the kubeconfig has no current context\n"),
    }
    if let Some(e) = current_eks {
        let account = e.account.as_deref().map(|a| format!(" in account {a}")).unwrap_or_default();
        let _ = writeln!(
            out,
            "\n[aws]\n# From the context, written by `aws eks update-kubeconfig`: EKS cluster {}{account}.",
            one_line(&e.cluster)
        );
        match &e.profile {
            Some(p) => {
                let _ = writeln!(out, "profile = {}", quoted(p));
            }
            None => out.push_str("# profile = \"NAME\"   # the default credential chain's\n"),
        }
        let _ = writeln!(out, "region = {}", quoted(&e.region));
        let _ = writeln!(
            out,
            "\n[eks]\n# The cluster, its node groups and add-ons in the Infrastructure pane.\nenabled = true\nclusters = [{}]",
            quoted(&e.cluster)
        );
        out.push_str("\n[cloudwatch]\n# The account's alarms in the Alerts pane.\nalarms = true\n");
    }
    out.push_str("\n[alerts]\n");
    match &d.alertmanager {
        Ok(found) => {
            let _ = writeln!(
                out,
                "# Alertmanager found in the cluster: {}, reached through the API server's service proxy.",
                one_line(found)
            );
        }
        Err(why) => {
            let _ = writeln!(out, "# No Alertmanager found in the cluster: {}.", one_line(why));
            out.push_str("# [[alertmanager]]\n# url = \"http://alertmanager.monitoring:9093\"\n");
        }
    }
    out.push_str("discover = true\n");
    out.push_str("\n[argocd]\n");
    match &d.argocd_namespace {
        Some(ns) => {
            let _ = writeln!(out, "# Applications found in this namespace.\nnamespace = {}", quoted(ns));
        }
        None => out.push_str(
            "# No Argo CD Applications found; the pane looks in \"argocd\".\n# namespace = \"argocd\"\n",
        ),
    }
    out.push_str(
        "\n[cost]\n# Cost Explorer charges $0.01 per request: off until turned on here (or with E in the Cost pane).\nenabled = false\n",
    );
    let others: Vec<&String> = d.contexts.iter().filter(|c| Some(*c) != d.current.as_ref()).collect();
    if !others.is_empty() {
        out.push_str("\n# To watch several clusters at once (a fleet), one [[cluster]] per context:\n");
        for c in others {
            let _ = writeln!(out, "# [[cluster]]\n# context = {}", quoted(c));
            if let Some(e) = d.eks.iter().find(|e| &e.context == c) {
                let profile =
                    e.profile.as_deref().map(|p| format!("profile = {}, ", quoted(p))).unwrap_or_default();
                let _ = writeln!(out, "# aws = {{ {profile}region = {} }}", quoted(&e.region));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use std::path::Path;

    #[test]
    fn what_was_detected_loads_back() {
        let d = Detected {
            contexts: vec!["arn:aws:eks:eu-west-1:1:cluster/shop".into(), "kind-dev".into()],
            current: Some("arn:aws:eks:eu-west-1:1:cluster/shop".into()),
            eks: vec![DetectedEks {
                context: "arn:aws:eks:eu-west-1:1:cluster/shop".into(),
                cluster: "shop".into(),
                region: "eu-west-1".into(),
                account: Some("1".into()),
                profile: Some("shop \"prod\"".into()),
            }],
            alertmanager: Ok("monitoring/alertmanager-operated:http-web".into()),
            argocd_namespace: Some("gitops".into()),
        };
        let text = render(&d);
        let cfg = Config::parse(Path::new("init.toml"), &text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        assert_eq!(cfg.kubernetes.context, d.current);
        assert_eq!(cfg.aws.profile.as_deref(), Some("shop \"prod\""));
        assert_eq!(cfg.aws.region.as_deref(), Some("eu-west-1"));
        assert_eq!((cfg.eks.enabled, cfg.eks.clusters.as_slice()), (Some(true), &["shop".to_string()][..]));
        assert_eq!(cfg.cloudwatch.alarms, Some(true));
        assert_eq!(cfg.argocd.namespace, "gitops");
        assert!(!cfg.cost.enabled && cfg.alerts.discover && cfg.cluster.is_empty());
        assert!(text.contains("# [[cluster]]\n# context = \"kind-dev\""), "{text}");
        assert!(text.contains("monitoring/alertmanager-operated:http-web"), "{text}");

        let bare = render(&Detected::default());
        assert_eq!(Config::parse(Path::new("init.toml"), &bare).unwrap().argocd.namespace, "argocd");
    }
}
