//! The kinds the cluster serves, as kubectl discovers them: `/api` and `/apis`, then each
//! group's preferred version's resource list, read in parallel, with plural, singular and short
//! names and verbs. A group that fails to answer (an aggregated API that is down) is left out,
//! as kubectl leaves it out with a warning; the others still load.

use futures::StreamExt;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::APIResourceList;

use super::client_error;
use crate::domain::ApiKind;
use crate::state::resources::KindEntry;

/// Group versions read at once.
const PARALLEL: usize = 8;

/// The entries of one group version's resource list (subresources left out).
pub fn entries(list: &APIResourceList) -> Vec<KindEntry> {
    let (group, version) = list.group_version.rsplit_once('/').unwrap_or(("", &list.group_version));
    list.resources
        .iter()
        .filter(|r| !r.name.contains('/'))
        .map(|r| KindEntry {
            kind: ApiKind::new(
                r.group.as_deref().unwrap_or(group),
                r.version.as_deref().unwrap_or(version),
                &r.kind,
                &r.name,
                r.namespaced,
            ),
            singular: if r.singular_name.is_empty() {
                r.kind.to_lowercase()
            } else {
                r.singular_name.clone()
            },
            short: r.short_names.clone().unwrap_or_default(),
            verbs: r.verbs.clone(),
        })
        .collect()
}

pub async fn catalog(client: &kube::Client) -> Result<Vec<KindEntry>, String> {
    let core = client.list_core_api_versions().await.map_err(|e| client_error(&e))?;
    let groups = client.list_api_groups().await.map_err(|e| client_error(&e))?;
    let mut versions: Vec<String> = core.versions.iter().map(|v| v.to_string()).collect();
    for g in &groups.groups {
        let preferred = g.preferred_version.as_ref().or(g.versions.first());
        if let Some(v) = preferred {
            versions.push(v.group_version.clone());
        }
    }
    let lists = futures::stream::iter(versions)
        .map(|gv| async move {
            let r = if gv.contains('/') {
                client.list_api_group_resources(&gv).await
            } else {
                client.list_core_api_resources(&gv).await
            };
            (gv, r)
        })
        .buffered(PARALLEL)
        .collect::<Vec<_>>()
        .await;
    let mut out = Vec::new();
    for (gv, r) in lists {
        match r {
            Ok(list) => out.extend(entries(&list)),
            Err(e) => {
                tracing::warn!(group_version = %gv, error = %client_error(&e), "discovery: group left out")
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resource_lists_give_kinds_with_their_names() {
        let list: APIResourceList = serde_json::from_value(serde_json::json!({
            "groupVersion": "cert-manager.io/v1",
            "resources": [
                {"name": "certificates", "singularName": "certificate", "namespaced": true, "kind": "Certificate",
                 "verbs": ["get", "list", "watch"], "shortNames": ["cert", "certs"]},
                {"name": "certificates/status", "singularName": "", "namespaced": true, "kind": "Certificate",
                 "verbs": ["get"]}
            ]
        }))
        .unwrap();
        let e = entries(&list);
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].kind, ApiKind::new("cert-manager.io", "v1", "Certificate", "certificates", true));
        assert_eq!(e[0].short, ["cert", "certs"]);
        assert!(e[0].can("watch"));
    }
}
