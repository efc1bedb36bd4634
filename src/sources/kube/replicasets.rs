//! A ReplicaSet trimmed to what flightdeck keeps: the owner its pods resolve to, and for a
//! Deployment's the revision (`deployment.kubernetes.io/revision`), its creation and its pod
//! template's images and config hash, which are the timeline's rollouts. Nothing else is kept.

use k8s_openapi::api::apps::v1::ReplicaSet;
use k8s_openapi::api::core::v1::PodTemplateSpec;

use super::pods::ms;
use crate::state::UnixMs;
use crate::state::pods::Owner;
use crate::state::workloads::Revision;

pub const REVISION: &str = "deployment.kubernetes.io/revision";

#[derive(Clone, Debug, PartialEq)]
pub struct Rs {
    /// Namespace and name.
    pub key: (String, String),
    pub owner: Owner,
    pub revision: Option<i64>,
    pub created_at: UnixMs,
    pub images: Vec<(String, String)>,
    pub config: u64,
}

fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3))
}

/// The template without what says nothing of its config: the images (said apart) and the
/// label the controller adds, which differs for every template.
fn config_hash(t: &PodTemplateSpec) -> u64 {
    let mut t = t.clone();
    if let Some(labels) = t.metadata.as_mut().and_then(|m| m.labels.as_mut()) {
        labels.remove("pod-template-hash");
    }
    if let Some(spec) = t.spec.as_mut() {
        for c in spec.containers.iter_mut().chain(spec.init_containers.iter_mut().flatten()) {
            c.image = None;
        }
    }
    fnv(&serde_json::to_vec(&t).unwrap_or_default())
}

pub fn trim(rs: ReplicaSet) -> Rs {
    let m = &rs.metadata;
    let key = (m.namespace.clone().unwrap_or_default(), m.name.clone().unwrap_or_default());
    let owner =
        m.owner_references.as_deref().unwrap_or(&[]).iter().find(|o| o.controller == Some(true)).map_or_else(
            || Owner { kind: "ReplicaSet".into(), name: key.1.as_str().into() },
            |o| Owner { kind: o.kind.as_str().into(), name: o.name.as_str().into() },
        );
    let revision = m.annotations.as_ref().and_then(|a| a.get(REVISION)).and_then(|r| r.parse().ok());
    let template = rs.spec.as_ref().and_then(|s| s.template.as_ref());
    let images = template
        .and_then(|t| t.spec.as_ref())
        .map(|s| s.containers.iter().map(|c| (c.name.clone(), c.image.clone().unwrap_or_default())).collect())
        .unwrap_or_default();
    Rs {
        owner,
        revision,
        created_at: m.creation_timestamp.as_ref().map_or(0, ms),
        images,
        config: template.map_or(0, config_hash),
        key,
    }
}

/// Every revision in pieces of whole Deployments, about `piece` each: the console applies a
/// message whole, and the first delivery of 10,000 Deployments' revisions (each an entry of the
/// timeline) held it 35–45 ms in one. Each Deployment's revisions stay together, which is all
/// the timeline compares.
pub fn revision_pieces(mut all: Vec<Revision>, piece: usize) -> Vec<Vec<Revision>> {
    all.sort_by(|a, b| (&a.namespace, &a.workload, a.revision).cmp(&(&b.namespace, &b.workload, b.revision)));
    let mut out: Vec<Vec<Revision>> = Vec::new();
    for r in all {
        match out.last_mut() {
            Some(last)
                if last.len() < piece
                    || last
                        .last()
                        .is_some_and(|l| (&l.namespace, &l.workload) == (&r.namespace, &r.workload)) =>
            {
                last.push(r)
            }
            _ => out.push(vec![r]),
        }
    }
    out
}

impl Rs {
    /// The Deployment revision it records, if it is one.
    pub fn as_revision(&self) -> Option<Revision> {
        (self.owner.kind == "Deployment").then_some(())?;
        Some(Revision {
            namespace: self.key.0.clone(),
            workload: self.owner.name.to_string(),
            revision: self.revision?,
            created_at: self.created_at,
            images: self.images.clone(),
            config: self.config,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rs(image: &str, env: &str, hash: &str) -> ReplicaSet {
        serde_json::from_value(serde_json::json!({
            "metadata": {"name": format!("cart-{hash}"), "namespace": "storefront",
                "creationTimestamp": "2026-11-18T14:01:25Z",
                "annotations": {REVISION: "6"},
                "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": "cart",
                    "uid": "u", "controller": true}]},
            "spec": {"selector": {}, "template": {"metadata": {"labels": {"app": "cart", "pod-template-hash": hash}},
                "spec": {"containers": [{"name": "cart", "image": image, "env": [{"name": "MODE", "value": env}]}]}}}
        }))
        .unwrap()
    }

    #[test]
    fn a_deployments_replicaset_is_a_revision_with_its_images() {
        let r = trim(rs("registry/shop/cart:2.5.0-rc1", "a", "7d9f")).as_revision().unwrap();
        assert_eq!((r.namespace.as_str(), r.workload.as_str(), r.revision), ("storefront", "cart", 6));
        assert_eq!(r.images, [("cart".to_string(), "registry/shop/cart:2.5.0-rc1".to_string())]);
        assert_eq!(r.created_at, 1_795_010_485_000);
    }

    #[test]
    fn the_config_hash_ignores_images_and_the_template_hash_but_not_env() {
        let a = trim(rs("cart:1", "a", "h1"));
        assert_eq!(a.config, trim(rs("cart:2", "a", "h2")).config);
        assert_ne!(a.config, trim(rs("cart:1", "b", "h1")).config);
    }

    #[test]
    fn revisions_go_in_pieces_of_whole_deployments() {
        let rev = |w: usize, n: i64| Revision {
            namespace: "ns".into(),
            workload: format!("web-{w}"),
            revision: n,
            created_at: 0,
            images: Vec::new(),
            config: 0,
        };
        // Three Deployments of three revisions, pieces of about four.
        let all: Vec<Revision> = (0..3).flat_map(|w| (1..=3).map(move |n| rev(w, n))).rev().collect();
        let pieces = revision_pieces(all, 4);
        let names = |p: &Vec<Revision>| {
            p.iter().map(|r| format!("{}#{}", r.workload, r.revision)).collect::<Vec<_>>()
        };
        assert_eq!(
            pieces.iter().map(names).collect::<Vec<_>>(),
            [
                vec!["web-0#1", "web-0#2", "web-0#3", "web-1#1", "web-1#2", "web-1#3"],
                vec!["web-2#1", "web-2#2", "web-2#3"]
            ],
            "a Deployment is never split, and each piece goes on until one ends"
        );
        assert!(revision_pieces(Vec::new(), 4).is_empty());
    }
}
