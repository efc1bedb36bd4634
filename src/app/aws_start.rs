//! The AWS sources at start: EKS, CloudWatch and Cost Explorer, once per AWS account the
//! clusters use. A context written by `aws eks update-kubeconfig` turns on EKS (its cluster,
//! through its cluster's sender) and CloudWatch alarms for its account unless the config says
//! otherwise; Cost Explorer, billed per request, waits until asked for. Whatever stays off says
//! why in its pane, with the key or the config line that turns it on.

use crate::config::keymap::Section;
use crate::config::sources::{AwsConfig, EksConfig};
use crate::domain::command::Command;
use crate::domain::registry::ActionId;
use crate::domain::source::SourceKind;
use crate::domain::{ClusterId, SourceId};
use crate::sources::kube::eks_context::EksContext;
use crate::sources::{self, Clock, TaskGuard, cloudwatch, cost, eks};
use crate::state::{Message, PaneId};

use super::fleet::{Account, Plan};
use super::startup::Settings;

/// `[aws]` filled in from an EKS context where it is silent. The profile only where the SDK
/// would have none either (no `AWS_PROFILE`): the user's own choice wins. The region from the
/// cluster's ARN whenever the config sets none: the cluster lives there, and `aws eks
/// get-token --region` pins it for Kubernetes the same way, whatever AWS_REGION says.
pub fn fill(aws: &AwsConfig, eks: Option<&EksContext>) -> AwsConfig {
    fill_as(aws, eks, std::env::var("AWS_PROFILE").is_ok_and(|p| !p.is_empty()))
}

fn fill_as(aws: &AwsConfig, eks: Option<&EksContext>, env_profile: bool) -> AwsConfig {
    let Some(eks) = eks else { return aws.clone() };
    AwsConfig {
        profile: aws.profile.clone().or_else(|| eks.profile.clone().filter(|_| !env_profile)),
        region: aws.region.clone().or_else(|| Some(eks.region.clone())),
        endpoint_url: aws.endpoint_url.clone(),
    }
}

/// What the sources started: their guards, and each account's bill for the executor.
pub struct AwsStarted {
    pub guards: Vec<TaskGuard>,
    pub cost: Vec<cost::Handle>,
}

/// Start the AWS sources of every account the clusters use.
pub fn start(settings: &Settings, plans: &[Plan], tx: &sources::Sender, clock: Clock) -> AwsStarted {
    let accounts = super::fleet::accounts(settings, plans);
    let several = accounts.len() > 1;
    let mut out = AwsStarted { guards: Vec::new(), cost: Vec::new() };
    for (i, account) in accounts.into_iter().enumerate() {
        let mut atx = match &account.cluster {
            Some(c) => tx.for_cluster(c.clone()),
            None => tx.clone(),
        };
        if several {
            // Two accounts' sources must not share an id.
            atx =
                atx.for_account(account.aws.profile.clone().unwrap_or_else(|| format!("account-{}", i + 1)));
        }
        let txs = Senders { fleet: (!plans.is_empty()).then_some(tx), account: &atx };
        start_account(settings, &account, &txs, clock, &mut out);
    }
    out
}

/// Where an account's sources send: the account's own sender, and in a fleet the one a
/// cluster's sender is made from.
struct Senders<'a> {
    fleet: Option<&'a sources::Sender>,
    account: &'a sources::Sender,
}

fn start_account(settings: &Settings, account: &Account, txs: &Senders, clock: Clock, out: &mut AwsStarted) {
    let (aws, atx) = (&account.aws, txs.account);
    let found = !account.eks.is_empty();
    if settings.cloudwatch.alarms.unwrap_or(found) {
        out.guards.push(cloudwatch::alarms::spawn(
            aws.clone(),
            settings.cloudwatch.clone(),
            atx.clone(),
            clock,
        ));
    } else {
        let why = match settings.cloudwatch.alarms {
            Some(_) => "off in the config ([cloudwatch] alarms = false)".to_string(),
            None => "not configured: no context was written by `aws eks update-kubeconfig` · set [cloudwatch] alarms = true (with [aws] region)".to_string(),
        };
        off(atx, SourceKind::CloudWatchAlarms, PaneId::Alerts, why);
    }
    if !settings.cloudwatch.metrics.is_empty() {
        out.guards.push(cloudwatch::metrics::spawn(
            aws.clone(),
            settings.cloudwatch.clone(),
            atx.clone(),
            clock,
        ));
    }
    start_eks(settings, account, txs, clock, out);
    let dir = settings.cache_dir.as_ref().map(|d| d.join("cost"));
    let (handle, guard) = if settings.cost.enabled {
        cost::spawn(aws.clone(), settings.cost.clone(), dir, atx.clone(), clock)
    } else {
        let why = cost_off(settings);
        cost::spawn_off(aws.clone(), settings.cost.clone(), dir, atx.clone(), clock, why)
    };
    out.guards.push(guard);
    out.cost.push(handle);
}

/// Why Cost Explorer is off, and the key that turns it on.
fn cost_off(settings: &Settings) -> String {
    let keys = settings.keymap.keys_for(Section::Pane(PaneId::Cost), Command::Action(ActionId::EnableCost));
    let key = match keys.first() {
        Some(k) => format!("{k} turns it on for this account (asks first), or set"),
        None => "set".to_string(),
    };
    format!("off: Cost Explorer charges $0.01 per request · {key} [cost] enabled = true")
}

/// EKS: the clusters the config names, or every one in the region when it turns EKS on with
/// none found; else each EKS context's own cluster, through its cluster's sender in a fleet.
fn start_eks(settings: &Settings, account: &Account, txs: &Senders, clock: Clock, out: &mut AwsStarted) {
    let atx = txs.account;
    let found = !account.eks.is_empty();
    match settings.eks.enabled {
        Some(false) => off(
            atx,
            SourceKind::Eks,
            PaneId::Infrastructure,
            "off in the config ([eks] enabled = false)".into(),
        ),
        // Clusters the config names win over the kubeconfig's.
        _ if !settings.eks.clusters.is_empty() => {
            out.guards.push(eks::spawn(account.aws.clone(), settings.eks.clone(), atx.clone(), clock));
        }
        Some(true) if !found => {
            out.guards.push(eks::spawn(account.aws.clone(), settings.eks.clone(), atx.clone(), clock));
        }
        None if !found => {
            let why = "not configured: the context was not written by `aws eks update-kubeconfig` · set [eks] enabled = true (with [aws] region)";
            off(atx, SourceKind::Eks, PaneId::Infrastructure, why.into());
        }
        _ => {
            for e in &account.eks {
                let cfg = EksConfig {
                    enabled: Some(true),
                    clusters: vec![e.cluster.clone()],
                    ..settings.eks.clone()
                };
                // In a fleet each EKS context's rows are its own cluster's.
                let etx = match txs.fleet {
                    Some(tx) => tx.for_cluster(ClusterId::new(&e.context)),
                    None => atx.clone(),
                };
                out.guards.push(eks::spawn(account.aws.clone(), cfg, etx, clock));
            }
        }
    }
}

/// A source that is off, saying why in the pane it would feed.
fn off(tx: &sources::Sender, kind: SourceKind, pane: PaneId, reason: String) {
    let _ = tx.try_send(Message::Disabled { source: SourceId::of(kind), feeds: vec![pane], reason });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kubeconfig_fills_in_only_what_is_unset() {
        let eks = EksContext {
            cluster: "shop-prod".into(),
            region: "eu-west-1".into(),
            profile: Some("shop".into()),
            ..EksContext::default()
        };
        let none = AwsConfig::default();
        let filled = fill_as(&none, Some(&eks), false);
        assert_eq!((filled.profile.as_deref(), filled.region.as_deref()), (Some("shop"), Some("eu-west-1")));
        // AWS_PROFILE is the user's choice: the SDK reads it, the kubeconfig's gives way.
        assert_eq!(fill_as(&none, Some(&eks), true).profile, None);
        let own = AwsConfig {
            profile: Some("admin".into()),
            region: Some("us-east-1".into()),
            endpoint_url: Some("http://127.0.0.1:5000".into()),
        };
        assert_eq!(fill_as(&own, Some(&eks), false), own);
        assert_eq!(fill_as(&own, None, false), own);
    }
}
