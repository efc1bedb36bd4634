//! What a kubeconfig context says of the AWS account behind it. A context written by `aws eks
//! update-kubeconfig` names its cluster by ARN (`arn:aws:eks:REGION:ACCOUNT:cluster/NAME`) and
//! gets its token from `aws eks get-token --cluster-name NAME --region REGION`, often with
//! `AWS_PROFILE` in the exec plugin's env. Read from the file only: nothing is run here.

use kube::config::{ExecConfig, Kubeconfig};

/// An EKS cluster a context points at, and how its own token is got.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EksContext {
    /// The kubeconfig context.
    pub context: String,
    /// The EKS cluster's name.
    pub cluster: String,
    pub region: String,
    /// From the ARN; unknown when only the exec plugin names the cluster.
    pub account: Option<String>,
    /// `AWS_PROFILE` in the exec plugin's env.
    pub profile: Option<String>,
    /// `--role-arn` of `aws eks get-token`.
    pub role_arn: Option<String>,
}

/// `arn:aws:eks:REGION:ACCOUNT:cluster/NAME` (any partition) as (region, account, name).
pub fn parse_arn(arn: &str) -> Option<(String, String, String)> {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    match parts.as_slice() {
        ["arn", _partition, "eks", region, account, resource] if !region.is_empty() => {
            let name = resource.strip_prefix("cluster/")?;
            (!name.is_empty()).then(|| (region.to_string(), account.to_string(), name.to_string()))
        }
        _ => None,
    }
}

/// The value after `flag` in `args` (`--region us-east-1` or `--region=us-east-1`).
fn flag(args: &[String], flag: &str) -> Option<String> {
    let prefixed = format!("{flag}=");
    args.iter().enumerate().find_map(|(i, a)| {
        if a == flag { args.get(i + 1).cloned() } else { a.strip_prefix(&prefixed).map(str::to_string) }
    })
}

/// What `aws eks get-token` is asked for: (cluster, region, role, profile).
type GetToken = (Option<String>, Option<String>, Option<String>, Option<String>);

fn get_token(exec: &ExecConfig) -> Option<GetToken> {
    let command = exec.command.as_deref()?;
    let args = exec.args.clone().unwrap_or_default();
    let is_aws = std::path::Path::new(command).file_name().is_some_and(|n| n == "aws");
    let asks_token = args.windows(2).any(|w| w[0] == "eks" && w[1] == "get-token");
    if !(is_aws && asks_token) {
        return None;
    }
    let env = exec.env.clone().unwrap_or_default();
    let profile = env
        .iter()
        .find(|e| e.get("name").map(String::as_str) == Some("AWS_PROFILE"))
        .and_then(|e| e.get("value").cloned())
        .filter(|p| !p.is_empty())
        .or_else(|| flag(&args, "--profile"));
    let role = flag(&args, "--role-arn").or_else(|| flag(&args, "--role"));
    Some((flag(&args, "--cluster-name"), flag(&args, "--region"), role, profile))
}

/// The EKS cluster `context` points at: by its cluster's ARN, or by the `aws eks get-token`
/// its user runs. None for any other kind of context.
pub fn eks_of(kc: &Kubeconfig, context: &str) -> Option<EksContext> {
    let named = kc.contexts.iter().find(|c| c.name == context)?;
    let ctx = named.context.as_ref()?;
    let exec = ctx
        .user
        .as_ref()
        .and_then(|u| kc.auth_infos.iter().find(|a| &a.name == u))
        .and_then(|a| a.auth_info.as_ref())
        .and_then(|a| a.exec.as_ref());
    let token = exec.and_then(get_token);
    let arn = parse_arn(&ctx.cluster).or_else(|| parse_arn(context));
    let (cluster, region, account) = match (arn, &token) {
        (Some((region, account, name)), _) => (name, region, Some(account)),
        (None, Some((Some(name), Some(region), _, _))) => (name.clone(), region.clone(), None),
        _ => return None,
    };
    let (_, _, role_arn, profile) = token.unwrap_or_default();
    Some(EksContext { context: context.to_string(), cluster, region, account, profile, role_arn })
}

/// The user a context names, when it names a person: `aws eks update-kubeconfig` names the
/// user after the cluster's ARN, which says nothing of who is at the keyboard.
pub fn user_of(kc: &Kubeconfig, context: &str) -> Option<String> {
    let named = kc.contexts.iter().find(|c| c.name == context)?;
    let user = named.context.as_ref()?.user.clone()?;
    (!user.is_empty() && !user.starts_with("arn:")).then_some(user)
}

#[cfg(test)]
mod tests {
    use super::*;

    const EKS: &str = r#"
apiVersion: v1
kind: Config
clusters:
- name: arn:aws:eks:eu-west-1:123456789012:cluster/shop-prod
  cluster: {server: "https://ABC.gr7.eu-west-1.eks.amazonaws.com"}
- name: kind-dev
  cluster: {server: "https://127.0.0.1:6443"}
users:
- name: arn:aws:eks:eu-west-1:123456789012:cluster/shop-prod
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: aws
      args: [--region, eu-west-1, eks, get-token, --cluster-name, shop-prod, --output, json, --role-arn, "arn:aws:iam::123456789012:role/admin"]
      env:
      - {name: AWS_PROFILE, value: shop}
- name: kind-dev
  user: {token: abc}
- name: eksctl
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: /usr/local/bin/aws
      args: [eks, get-token, --cluster-name, batch, --region=us-west-2]
contexts:
- name: arn:aws:eks:eu-west-1:123456789012:cluster/shop-prod
  context: {cluster: "arn:aws:eks:eu-west-1:123456789012:cluster/shop-prod", user: "arn:aws:eks:eu-west-1:123456789012:cluster/shop-prod"}
- name: kind-dev
  context: {cluster: kind-dev, user: kind-dev}
- name: batch
  context: {cluster: kind-dev, user: eksctl}
current-context: kind-dev
"#;

    fn kc() -> Kubeconfig {
        Kubeconfig::from_yaml(EKS).unwrap()
    }

    #[test]
    fn a_context_of_aws_eks_update_kubeconfig_names_cluster_region_account_and_profile() {
        let ctx = "arn:aws:eks:eu-west-1:123456789012:cluster/shop-prod";
        let e = eks_of(&kc(), ctx).expect("an EKS context");
        assert_eq!((e.cluster.as_str(), e.region.as_str()), ("shop-prod", "eu-west-1"));
        assert_eq!(e.account.as_deref(), Some("123456789012"));
        assert_eq!(e.profile.as_deref(), Some("shop"));
        assert_eq!(e.role_arn.as_deref(), Some("arn:aws:iam::123456789012:role/admin"));
        assert_eq!(user_of(&kc(), ctx), None, "an ARN names no person");
    }

    #[test]
    fn the_exec_plugin_alone_names_an_eks_cluster_and_other_contexts_are_not_eks() {
        let e = eks_of(&kc(), "batch").expect("get-token names the cluster");
        assert_eq!((e.cluster.as_str(), e.region.as_str(), e.account), ("batch", "us-west-2", None));
        assert_eq!(eks_of(&kc(), "kind-dev"), None);
        assert_eq!(eks_of(&kc(), "nope"), None);
        assert_eq!(user_of(&kc(), "kind-dev").as_deref(), Some("kind-dev"));
    }

    #[test]
    fn arns() {
        assert_eq!(
            parse_arn("arn:aws-cn:eks:cn-north-1:1:cluster/a"),
            Some(("cn-north-1".into(), "1".into(), "a".into()))
        );
        assert_eq!(parse_arn("arn:aws:iam::1:role/x"), None);
        assert_eq!(parse_arn("shop-prod"), None);
    }
}
