//! The kinds the panes do not show, seeded so `:KIND` has something to list: Services in front
//! of the workloads, ConfigMaps, Secrets, an Ingress, volume claims, a CronJob and its Job, the
//! rollout history of StatefulSets and DaemonSets (ControllerRevisions), and three CRDs with
//! objects of theirs (Argo CD's Application and ApplicationSet, cert-manager's Certificate).

use std::collections::BTreeSet;

use base64::Engine;
use flightdeck::state::UnixMs;
use flightdeck::state::pods::Pod;
use serde_json::{Value, json};

use super::TestServer;
use super::seed::time;

/// An older tag of `image` for the revision before it: `2.1` → `2.0`, `1.0` → `0.9`.
pub fn older_image(image: &str) -> String {
    let Some((repo, tag)) = image.rsplit_once(':') else { return format!("{image}:previous") };
    let older = match tag.split_once('.').map(|(a, b)| (a.parse::<u32>(), b.parse::<u32>())) {
        Some((Ok(major), Ok(0))) if major > 0 => format!("{}.9", major - 1),
        Some((Ok(major), Ok(minor))) => format!("{major}.{}", minor.saturating_sub(1)),
        _ => format!("{tag}-previous"),
    };
    format!("{repo}:{older}")
}

/// A StatefulSet's or DaemonSet's two revisions, as its controller keeps them: the data is the
/// template as a strategic-merge patch that replaces it, which `rollout undo` sends back.
pub fn controller_revisions(
    server: &TestServer,
    ns: &str,
    name: &str,
    owner: &Value,
    template: &Value,
    older: &str,
) {
    for (rev, hash) in [(1, "6d5f8b9c4"), (2, "7b9c6d5f8")] {
        let mut t = template.clone();
        if rev == 1 {
            t["spec"]["containers"][0]["image"] = json!(older);
        }
        t["$patch"] = json!("replace");
        server.put(
            "ControllerRevision",
            json!({"metadata": {"name": format!("{name}-{hash}"), "namespace": ns, "ownerReferences": owner,
                    "labels": {"app": name, "controller-revision-hash": hash}},
                "revision": rev, "data": {"spec": {"template": t}}}),
        );
    }
}

fn b64(s: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(s)
}

pub fn seed(server: &TestServer, pods: &[Pod], now: UnixMs) {
    let at = time(now - 86_400_000);
    let namespaces: BTreeSet<&str> = pods.iter().map(|p| p.namespace.as_str()).collect();
    for ns in &namespaces {
        server.put(
            "ConfigMap",
            json!({"metadata": {"name": "kube-root-ca.crt", "namespace": ns, "creationTimestamp": at},
                   "data": {"ca.crt": "-----BEGIN CERTIFICATE-----\nMIIC…\n-----END CERTIFICATE-----\n"}}),
        );
    }
    services(server, pods, &at);
    server.put(
        "ConfigMap",
        json!({"metadata": {"name": "cart-config", "namespace": "storefront", "creationTimestamp": at},
               "data": {"LOG_LEVEL": "info", "CART_TTL": "3600"}}),
    );
    server.put(
        "Secret",
        json!({"metadata": {"name": "cart-db", "namespace": "storefront", "creationTimestamp": at},
               "type": "Opaque", "data": {"username": b64("cart"), "password": b64("s3cr3t-cart-pw")}}),
    );
    server.put(
        "Secret",
        json!({"metadata": {"name": "storefront-tls", "namespace": "storefront", "creationTimestamp": at},
               "type": "kubernetes.io/tls",
               "data": {"tls.crt": b64("-----BEGIN CERTIFICATE-----\n…"), "tls.key": b64("-----BEGIN PRIVATE KEY-----\n…")}}),
    );
    server.put(
        "Ingress",
        json!({"metadata": {"name": "storefront", "namespace": "storefront", "creationTimestamp": at},
               "spec": {"ingressClassName": "alb", "tls": [{"hosts": ["shop.example.com"], "secretName": "storefront-tls"}],
                        "rules": [{"host": "shop.example.com", "http": {"paths": [{"path": "/", "pathType": "Prefix",
                            "backend": {"service": {"name": "frontend", "port": {"number": 80}}}}]}}]}}),
    );
    for i in 0..2 {
        server.put(
            "PersistentVolumeClaim",
            json!({"metadata": {"name": format!("data-postgres-{i}"), "namespace": "data", "creationTimestamp": at},
                   "spec": {"accessModes": ["ReadWriteOnce"], "storageClassName": "gp3", "volumeName": format!("pvc-0a1b2c3d-{i}"),
                            "resources": {"requests": {"storage": "100Gi"}}},
                   "status": {"phase": "Bound", "capacity": {"storage": "100Gi"}, "accessModes": ["ReadWriteOnce"]}}),
        );
    }
    jobs(server, &at);
    crds(server, &at);
}

/// A ClusterIP Service in front of each Deployment and StatefulSet, port 80 to the pods' `http`.
fn services(server: &TestServer, pods: &[Pod], at: &str) {
    let mut apps: BTreeSet<(String, String)> = BTreeSet::new();
    for p in pods {
        if let Some(o) = p.owner.as_ref().filter(|o| o.kind != "DaemonSet") {
            apps.insert((p.namespace.to_string(), o.name.to_string()));
        }
    }
    for (i, (ns, name)) in apps.iter().enumerate() {
        server.put(
            "Service",
            json!({"metadata": {"name": name, "namespace": ns, "labels": {"app": name}, "creationTimestamp": at},
                   "spec": {"type": "ClusterIP", "clusterIP": format!("10.100.{}.{}", i / 200, 10 + i % 200),
                            "selector": {"app": name},
                            "ports": [{"name": "http", "port": 80, "targetPort": "http", "protocol": "TCP"}]},
                   "status": {"loadBalancer": {}}}),
        );
    }
    server.put(
        "Service",
        json!({"metadata": {"name": "kubernetes", "namespace": "default", "creationTimestamp": at},
               "spec": {"type": "ClusterIP", "clusterIP": "10.100.0.1",
                        "ports": [{"name": "https", "port": 443, "targetPort": 443, "protocol": "TCP"}]}}),
    );
}

fn jobs(server: &TestServer, at: &str) {
    let template = json!({"spec": {"restartPolicy": "OnFailure",
        "containers": [{"name": "report", "image": "registry.example.com/order-report:1.4"}]}});
    let cj = server.put(
        "CronJob",
        json!({"metadata": {"name": "order-report", "namespace": "storefront", "creationTimestamp": at},
               "spec": {"schedule": "0 * * * *", "jobTemplate": {"spec": {"template": template}}},
               "status": {}}),
    );
    server.put(
        "Job",
        json!({"metadata": {"name": "order-report-29188800", "namespace": "storefront", "creationTimestamp": at,
                "labels": {"job-name": "order-report-29188800"},
                "ownerReferences": [{"apiVersion": "batch/v1", "kind": "CronJob", "name": "order-report",
                    "uid": cj["metadata"]["uid"], "controller": true}]},
               "spec": {"completions": 1, "template": template},
               "status": {"succeeded": 1, "startTime": at, "completionTime": at}}),
    );
}

fn crd(group: &str, kind: &str, plural: &str, short: &[&str], columns: Value, at: &str) -> Value {
    json!({"metadata": {"name": format!("{plural}.{group}"), "creationTimestamp": at},
        "spec": {"group": group, "scope": "Namespaced",
            "names": {"kind": kind, "plural": plural, "singular": kind.to_lowercase(), "shortNames": short,
                      "listKind": format!("{kind}List")},
            "versions": [{"name": if group == "argoproj.io" { "v1alpha1" } else { "v1" }, "served": true, "storage": true,
                "subresources": {"status": {}}, "additionalPrinterColumns": columns,
                "schema": {"openAPIV3Schema": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}}}]},
        "status": {"acceptedNames": {"kind": kind, "plural": plural}}})
}

fn crds(server: &TestServer, at: &str) {
    let date = |name: &str| json!({"name": name, "type": "date", "jsonPath": ".metadata.creationTimestamp"});
    server.put(
        "CustomResourceDefinition",
        crd(
            "argoproj.io",
            "Application",
            "applications",
            &["app", "apps"],
            json!([{"name": "Sync Status", "type": "string", "jsonPath": ".status.sync.status"},
                   {"name": "Health Status", "type": "string", "jsonPath": ".status.health.status"},
                   {"name": "Revision", "type": "string", "jsonPath": ".status.sync.revision", "priority": 10},
                   date("Age")]),
            at,
        ),
    );
    server.put(
        "CustomResourceDefinition",
        crd("argoproj.io", "ApplicationSet", "applicationsets", &["appset", "appsets"], json!([]), at),
    );
    server.put(
        "CustomResourceDefinition",
        crd(
            "cert-manager.io",
            "Certificate",
            "certificates",
            &["cert", "certs"],
            json!([{"name": "Ready", "type": "string", "jsonPath": ".status.conditions[0].status"},
                   {"name": "Secret", "type": "string", "jsonPath": ".spec.secretName"}, date("Age")]),
            at,
        ),
    );
    let cert = |ns: &str, name: &str, ready: &str, reason: &str| {
        json!({"metadata": {"name": name, "namespace": ns, "creationTimestamp": at},
               "spec": {"secretName": name, "dnsNames": [format!("{name}.example.com")],
                        "issuerRef": {"name": "letsencrypt", "kind": "ClusterIssuer"}},
               "status": {"conditions": [{"type": "Ready", "status": ready, "reason": reason}]}})
    };
    server.put("Certificate", cert("storefront", "storefront-tls", "True", "Ready"));
    server.put("Certificate", cert("monitoring", "grafana-tls", "False", "DoesNotExist"));
    server.put(
        "ApplicationSet",
        json!({"metadata": {"name": "services", "namespace": "argocd", "creationTimestamp": at},
               "spec": {"generators": [{"list": {"elements": [{"name": "cart"}, {"name": "order"}]}}],
                        "template": {"metadata": {"name": "services-{{name}}"}}}}),
    );
}
