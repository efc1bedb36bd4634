//! Who is at the keyboard, for the audit log and silences' `createdBy`: `$USER` (or
//! `$LOGNAME`), else the user the kubeconfig's context names, else the AWS identity (STS
//! GetCallerIdentity). "unknown" only when none of them says.

use std::path::Path;
use std::time::Duration;

use crate::config::sources::AwsConfig;

/// Said when nothing names the user.
pub const UNKNOWN: &str = "unknown";

/// `$USER`, `$LOGNAME`, else the context's user (the current context when None), when it names
/// a person. None when only AWS can say.
pub fn local(kubeconfig: Option<&Path>, context: Option<&str>) -> Option<String> {
    ["USER", "LOGNAME"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|s| !s.is_empty()))
        .or_else(|| super::kube::kubeconfig_user(kubeconfig, context))
}

/// The caller's ARN from STS (`arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`), given a few
/// seconds: a start must not wait on an unreachable endpoint.
pub async fn aws(cfg: &AwsConfig) -> Option<String> {
    let sdk = super::aws::load(cfg).await;
    let sts = aws_sdk_sts::Client::new(&sdk);
    let asked = tokio::time::timeout(Duration::from_secs(5), sts.get_caller_identity().send()).await;
    match asked {
        Ok(Ok(out)) => out.arn,
        Ok(Err(e)) => {
            tracing::info!(error = %super::aws::describe(&e), "no AWS identity for the user's name");
            None
        }
        Err(_) => None,
    }
}
