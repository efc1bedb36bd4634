//! `flightdeck config init`: look at what the kubeconfig and the current cluster offer (the
//! contexts, EKS contexts' AWS profile and region, the Alertmanager, Argo CD's Applications)
//! and write it as a commented config to the config path, never over a file already there.

use std::path::Path;
use std::time::Duration;

use serde_json::Value;

use crate::config::init::{Detected, DetectedEks, render};
use crate::sources::alertmanager::discover;
use crate::sources::kube;

/// Detect and write; the path written, or why not.
pub async fn run(path: &Path, kubeconfig: Option<&Path>, context: Option<&str>) -> anyhow::Result<()> {
    if path.exists() {
        anyhow::bail!(
            "{} exists already; it is left as it is (move it away, or pass --config OTHER)",
            path.display()
        );
    }
    let detected = detect(kubeconfig, context).await;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| anyhow::anyhow!("{}: {e}", dir.display()))?;
    }
    // create_new: a file that appeared meanwhile is not overwritten either.
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| anyhow::anyhow!("{}: cannot write: {e}", path.display()))?;
    std::io::Write::write_all(&mut f, render(&detected).as_bytes())?;
    Ok(())
}

/// What the kubeconfig says, and what the current cluster answers within a few seconds.
pub async fn detect(kubeconfig: Option<&Path>, context: Option<&str>) -> Detected {
    let mut d = Detected::default();
    let Ok((contexts, current)) = kube::contexts(kubeconfig) else {
        d.alertmanager = Err("no kubeconfig".into());
        return d;
    };
    d.current = context.map(str::to_string).or(current);
    d.eks = contexts
        .iter()
        .filter_map(|c| kube::eks_context(kubeconfig, Some(c)))
        .map(|e| DetectedEks {
            context: e.context,
            cluster: e.cluster,
            region: e.region,
            account: e.account,
            profile: e.profile,
        })
        .collect();
    d.contexts = contexts;
    let target = kube::Target {
        kubeconfig: kubeconfig.map(Path::to_path_buf),
        context: d.current.clone(),
        scope: None,
    };
    let asked = tokio::time::timeout(Duration::from_secs(15), async {
        let conn = kube::connect(&target).await.map_err(|e| format!("{e:#}"))?;
        let am = discover::find(&conn.client, &conn.scope).await.map(|f| f.to_string());
        Ok::<_, String>((am, argocd_namespace(&conn.client).await))
    })
    .await;
    match asked {
        Ok(Ok((am, ns))) => (d.alertmanager, d.argocd_namespace) = (am, ns),
        Ok(Err(e)) => d.alertmanager = Err(format!("the cluster could not be reached: {e}")),
        Err(_) => d.alertmanager = Err("the cluster did not answer within 15 s".into()),
    }
    d
}

/// The namespace most of the cluster's Argo CD Applications are in.
async fn argocd_namespace(client: &::kube::Client) -> Option<String> {
    let req =
        http::Request::get("/apis/argoproj.io/v1alpha1/applications?limit=500").body(Vec::new()).ok()?;
    let list: Value = client.request(req).await.ok()?;
    let mut counts: std::collections::BTreeMap<String, usize> = Default::default();
    for item in list["items"].as_array()? {
        if let Some(ns) = item["metadata"]["namespace"].as_str() {
            *counts.entry(ns.to_string()).or_default() += 1;
        }
    }
    counts.into_iter().max_by_key(|(_, n)| *n).map(|(ns, _)| ns)
}
