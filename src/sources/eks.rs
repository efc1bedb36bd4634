//! EKS as a source: every configured cluster (or every cluster in the region) with its node
//! groups and add-ons, polled on an interval. ListAddons failing (moto does not implement it;
//! an IAM policy may deny it) leaves the add-ons "unavailable" with the reason, not the pane.

use std::time::Duration;

use aws_sdk_eks::types::{Cluster as EksCluster, Nodegroup};

use super::backoff::Backoff;
use super::poll::{self, Poller};
use super::{Clock, Sender, TaskGuard, aws};
use crate::config::sources::{AwsConfig, EksConfig};
use crate::domain::SourceId;
use crate::domain::source::SourceKind;
use crate::state::infra::{Addon, CapacityType, Cluster, NodeGroup};
use crate::state::{Data, PaneId, UnixMs};

pub struct Eks {
    client: aws_sdk_eks::Client,
    region: String,
    wanted: Vec<String>,
}

fn millis(t: Option<&aws_sdk_eks::primitives::DateTime>) -> UnixMs {
    t.and_then(|t| t.to_millis().ok()).unwrap_or(0)
}

impl Eks {
    pub fn new(sdk: &aws_config::SdkConfig, cfg: &EksConfig) -> Eks {
        let region = sdk.region().map_or_else(|| "us-east-1".to_string(), |r| r.to_string());
        Eks { client: aws_sdk_eks::Client::new(sdk), region, wanted: cfg.clusters.clone() }
    }

    pub async fn poll(&self) -> Result<Vec<Cluster>, String> {
        let names = if self.wanted.is_empty() {
            let mut names = Vec::new();
            let mut pages = self.client.list_clusters().into_paginator().send();
            while let Some(page) = pages.next().await {
                names.extend(page.map_err(|e| aws::describe(&e))?.clusters.unwrap_or_default());
            }
            names.sort();
            names
        } else {
            self.wanted.clone()
        };
        let mut out = Vec::with_capacity(names.len());
        for name in names {
            out.push(self.cluster(&name).await?);
        }
        Ok(out)
    }

    async fn cluster(&self, name: &str) -> Result<Cluster, String> {
        let described = self.client.describe_cluster().name(name).send().await;
        let c = described
            .map_err(|e| format!("{name}: {}", aws::describe(&e)))?
            .cluster
            .unwrap_or_else(|| EksCluster::builder().name(name).build());
        let mut groups = Vec::new();
        let mut pages = self.client.list_nodegroups().cluster_name(name).into_paginator().send();
        let mut group_names = Vec::new();
        while let Some(page) = pages.next().await {
            group_names.extend(
                page.map_err(|e| format!("{name}: {}", aws::describe(&e)))?.nodegroups.unwrap_or_default(),
            );
        }
        group_names.sort();
        for g in group_names {
            let out = self.client.describe_nodegroup().cluster_name(name).nodegroup_name(&g).send().await;
            let ng = out
                .map_err(|e| format!("{name}/{g}: {}", aws::describe(&e)))?
                .nodegroup
                .unwrap_or_else(|| Nodegroup::builder().nodegroup_name(&g).build());
            groups.push(node_group(ng));
        }
        let (addons, addons_error) = match self.addons(name).await {
            Ok(a) => (Some(a), None),
            Err(e) => (None, Some(e)),
        };
        Ok(cluster(c, &self.region, groups, addons, addons_error))
    }

    async fn addons(&self, cluster: &str) -> Result<Vec<Addon>, String> {
        let mut names = Vec::new();
        let mut pages = self.client.list_addons().cluster_name(cluster).into_paginator().send();
        while let Some(page) = pages.next().await {
            names.extend(page.map_err(|e| addon_error("ListAddons", &e))?.addons.unwrap_or_default());
        }
        names.sort();
        let mut out = Vec::new();
        for n in names {
            let a = self.client.describe_addon().cluster_name(cluster).addon_name(&n).send().await;
            let a = a
                .map_err(|e| addon_error("DescribeAddon", &e))?
                .addon
                .unwrap_or_else(|| aws_sdk_eks::types::Addon::builder().addon_name(&n).build());
            out.push(Addon {
                name: n,
                version: a.addon_version.unwrap_or_default(),
                status: a.status.map(|s| s.as_str().to_string()).unwrap_or_default(),
                health_issues: a
                    .health
                    .and_then(|h| h.issues)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|i| {
                        i.message
                            .unwrap_or_else(|| i.code.map(|c| c.as_str().to_string()).unwrap_or_default())
                    })
                    .collect(),
            });
        }
        Ok(out)
    }
}

/// Why the add-ons cannot be shown, on one line. An endpoint without the API (moto, an old
/// LocalStack) answers 404 with an HTML page whose parse error says nothing; say what happened.
fn addon_error<E: std::error::Error + Send + Sync + 'static>(
    op: &str,
    e: &aws_sdk_eks::error::SdkError<E, aws_smithy_runtime_api::client::orchestrator::HttpResponse>,
) -> String {
    let status = e.raw_response().map(|r| r.status().as_u16());
    match status {
        Some(404) => format!("{op} is not served by this endpoint (HTTP 404)"),
        Some(403) => format!("{op} denied (HTTP 403): {}", aws::describe(e)),
        _ => format!("{op}: {}", aws::describe(e).chars().take(160).collect::<String>()),
    }
}

fn cluster(
    c: EksCluster,
    region: &str,
    node_groups: Vec<NodeGroup>,
    addons: Option<Vec<Addon>>,
    addons_error: Option<String>,
) -> Cluster {
    let access = c.resources_vpc_config.as_ref().map_or_else(String::new, |v| {
        match (v.endpoint_public_access, v.endpoint_private_access) {
            (true, true) => "public+private",
            (true, false) => "public",
            (false, true) => "private",
            (false, false) => "none",
        }
        .to_string()
    });
    Cluster {
        cluster: Default::default(),
        name: c.name.unwrap_or_default(),
        region: region.to_string(),
        status: c.status.map(|s| s.as_str().to_string()).unwrap_or_default(),
        version: c.version.unwrap_or_default(),
        platform_version: c.platform_version.unwrap_or_default(),
        endpoint_access: access,
        created_at: millis(c.created_at.as_ref()),
        node_groups,
        addons,
        addons_error,
    }
}

fn node_group(g: Nodegroup) -> NodeGroup {
    let n = |v: Option<i32>| v.unwrap_or(0).max(0) as u32;
    let scaling = g.scaling_config.as_ref();
    let (desired, min, max) =
        scaling.map_or((0, 0, 0), |s| (n(s.desired_size), n(s.min_size), n(s.max_size)));
    NodeGroup {
        name: g.nodegroup_name.unwrap_or_default(),
        status: g.status.map(|s| s.as_str().to_string()).unwrap_or_default(),
        desired,
        min,
        max,
        instance_types: g.instance_types.unwrap_or_default(),
        capacity_type: match g.capacity_type.as_ref().map(|c| c.as_str()) {
            Some("SPOT") => CapacityType::Spot,
            _ => CapacityType::OnDemand,
        },
        ami_release: g.release_version.unwrap_or_default(),
        health_issues: g
            .health
            .and_then(|h| h.issues)
            .unwrap_or_default()
            .into_iter()
            .map(|i| {
                let code = i.code.map(|c| c.as_str().to_string()).unwrap_or_default();
                match i.message {
                    Some(m) if !m.is_empty() => format!("{code}: {m}"),
                    _ => code,
                }
            })
            .collect(),
    }
}

pub fn spawn(aws_cfg: AwsConfig, cfg: EksConfig, tx: Sender, clock: Clock) -> TaskGuard {
    let (source, interval) = (SourceId::of(SourceKind::Eks), cfg.interval.0);
    poll::register(&tx, &source, interval, vec![PaneId::Infrastructure]);
    TaskGuard(tokio::spawn(async move {
        let eks = Eks::new(&aws::load(&aws_cfg).await, &cfg);
        let backoff = Backoff::new(Duration::from_secs(2), Duration::from_secs(120));
        let mut poller = Poller { source, interval, backoff, tx, clock, wake: None };
        while poller.deliver(eks.poll().await.map(Data::Clusters)).await {}
    }))
}
