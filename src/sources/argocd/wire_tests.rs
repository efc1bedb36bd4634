use super::*;
use crate::state::argocd::{HealthStatus, OperationPhase, SyncStatus};

const NOW: UnixMs = 1_763_474_400_000;

fn cart() -> Value {
    json!({
        "apiVersion": "argoproj.io/v1alpha1", "kind": "Application",
        "metadata": {"name": "services-cart", "namespace": "argocd", "resourceVersion": "42",
                     "managedFields": [{"manager": "argocd-controller"}]},
        "spec": {"project": "services",
                 "sources": [{"repoURL": "https://git.example.com/a.git", "targetRevision": "v1.4.2"}],
                 "destination": {"namespace": "storefront"},
                 "syncPolicy": {"automated": {"enabled": false}}},
        "status": {
            "sync": {"status": "OutOfSync", "revisions": ["0123456789abcdef0123"]},
            "health": {"status": "Degraded"},
            "operationState": {"phase": "Failed", "message": "one or more objects failed to apply",
                               "startedAt": "2026-11-18T13:59:00Z", "finishedAt": "2026-11-18T13:59:30Z"},
            "conditions": [{"type": "SyncError", "message": "failed"}],
            "resources": [{"kind": "Deployment", "namespace": "storefront", "name": "cart",
                           "status": "OutOfSync", "health": {"status": "Degraded"}},
                          {"kind": "ConfigMap", "namespace": "storefront", "name": "cart-config", "status": "Synced"}],
            "history": [{"id": 3, "revisions": ["aaaaaaa"], "deployedAt": "2026-11-18T12:00:00Z",
                         "initiatedBy": {"username": "bob"}}]
        }
    })
}

#[test]
fn an_application_maps_field_by_field() {
    let a = from_application(&cart(), "argocd", NOW).unwrap();
    assert_eq!(a.name, "services-cart");
    assert_eq!(a.project, "services");
    assert_eq!((a.sync, a.health), (SyncStatus::OutOfSync, HealthStatus::Degraded));
    // A multi-source app: the first source's target, the first synced revision.
    assert_eq!(a.target_revision, "v1.4.2");
    assert_eq!(a.short_revision(), "0123456");
    // automated with enabled: false is auto-sync off (Argo CD 3).
    assert!(!a.auto_sync);
    assert_eq!(a.destination_namespace, "storefront");
    let last = a.last_sync.as_ref().unwrap();
    assert_eq!(last.phase, OperationPhase::Failed);
    assert_eq!(last.finished_at.unwrap() - last.started_at, 30_000);
    assert!(a.operation.is_none());
    assert_eq!(a.conditions[0].kind, "SyncError");
    assert_eq!(a.resources[0].health, Some(HealthStatus::Degraded));
    assert_eq!(a.resources[1].health, None);
    assert_eq!(a.history[0].id, 3);
    assert_eq!(a.history[0].revision, "aaaaaaa");
    assert_eq!(a.history[0].initiated_by, "bob");
    // The YAML leaves out managed fields, as kubectl does.
    assert!(a.manifest.contains("name: services-cart"), "{}", a.manifest);
    assert!(!a.manifest.contains("managedFields"), "{}", a.manifest);
}

#[test]
fn a_requested_operation_counts_as_running_before_the_controller_starts_it() {
    let mut obj = cart();
    obj["operation"] = json!({"sync": {"revision": "main"}});
    let a = from_application(&obj, "argocd", NOW).unwrap();
    assert!(a.operation_running());
    assert_eq!(a.operation.unwrap().started_at, NOW);
    obj["status"]["operationState"] = json!({"phase": "Terminating", "startedAt": "2026-11-18T14:00:00Z"});
    let a = from_application(&obj, "argocd", NOW).unwrap();
    assert_eq!(a.operation.unwrap().phase, OperationPhase::Terminating);
    // While it runs, the last finished sync is the newest history entry.
    assert_eq!(a.last_sync.unwrap().phase, OperationPhase::Succeeded);
}

#[test]
fn parents_come_from_the_apps_a_parent_manages_before_the_label() {
    let root = json!({"metadata": {"name": "root", "namespace": "argocd"}, "spec": {},
        "status": {"resources": [{"kind": "Application", "group": "argoproj.io", "namespace": "argocd", "name": "child"},
                                 {"kind": "Application", "namespace": "team-a", "name": "reports"}]}});
    let child = json!({"metadata": {"name": "child", "namespace": "argocd",
        "labels": {INSTANCE_LABEL: "someone-else"}}, "spec": {}, "status": {}});
    let reports = json!({"metadata": {"name": "reports", "namespace": "team-a"}, "spec": {}, "status": {}});
    let labelled = json!({"metadata": {"name": "labelled", "namespace": "argocd",
        "labels": {INSTANCE_LABEL: "root"}}, "spec": {}, "status": {}});
    let apps = apps_from(&[&root, &child, &reports, &labelled], "argocd", NOW);
    let parent = |n: &str| apps.iter().find(|a| a.name == n).unwrap().parent.clone();
    assert_eq!(parent("child").as_deref(), Some("root"));
    assert_eq!(parent("team-a/reports").as_deref(), Some("root"));
    assert_eq!(parent("labelled").as_deref(), Some("root"));
    assert_eq!(parent("root"), None);
    // Defaults for what an app leaves out.
    let child = apps.iter().find(|a| a.name == "child").unwrap();
    assert_eq!((child.sync, child.health), (SyncStatus::Unknown, HealthStatus::Unknown));
    assert_eq!((child.project.as_str(), child.target_revision.as_str()), ("default", "HEAD"));
}

#[test]
fn to_application_round_trips() {
    let mut a = from_application(&cart(), "argocd", NOW).unwrap();
    a.auto_sync = true;
    a.parent = Some("platform-root".into());
    let mut back = from_application(&to_application(&a, "argocd"), "argocd", NOW).unwrap();
    back.manifest = a.manifest.clone();
    assert_eq!(back, a);
}

#[test]
fn qualified_names_split_back() {
    assert_eq!(qualified("argocd", "a", "argocd"), "a");
    assert_eq!(qualified("team-a", "a", "argocd"), "team-a/a");
    assert_eq!(split_qualified("team-a/a", "argocd"), ("team-a", "a"));
    assert_eq!(split_qualified("a", "argocd"), ("argocd", "a"));
}

#[test]
fn a_malformed_application_is_skipped_not_a_panic() {
    assert!(from_application(&json!({"metadata": {}}), "argocd", NOW).is_none());
    assert!(from_application(&json!("text"), "argocd", NOW).is_none());
    let odd = json!({"metadata": {"name": "x"}, "spec": {"syncPolicy": {"automated": "yes"}},
                     "status": {"history": "none", "resources": [1, 2], "operationState": {"phase": "Weird"}}});
    let a = from_application(&odd, "argocd", NOW).unwrap();
    assert!(a.history.is_empty());
    assert_eq!(a.resources.len(), 2);
    assert!(a.last_sync.is_none() && a.operation.is_none());
}
