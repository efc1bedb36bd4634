use std::time::Duration;

use k8s_openapi::api::core::v1::Pod;
use kube::core::Status;

use super::*;

fn pod(ns: &str, name: &str) -> Pod {
    stub(ns, name.to_string())
}

fn failed(trouble: Trouble) -> Update<Pod> {
    Update::Failed(Failure { trouble, retry_in: Duration::from_secs(1) })
}

fn forbidden_in(ns: &str) -> Update<Pod> {
    let msg =
        format!("pods is forbidden: User \"u\" cannot list resource \"pods\" in the namespace \"{ns}\"");
    failed(Trouble::List(kube::Error::Api(Status::failure(&msg, "Forbidden").with_code(403).boxed())))
}

fn ev(e: Event<Pod>) -> Update<Pod> {
    Update::Event(e)
}

/// What the merge sent, as short words: `Init`, `+a/p1` (InitApply), `~a/p1` (Apply),
/// `-a/p1` (Delete), `Done`, `forbidden b`, `allowed b`, `error`, `healthy`.
fn drain(m: &mut Merge<Pod>) -> Vec<String> {
    let key = |p: &Pod| format!("{}/{}", p.namespace().unwrap_or_default(), p.name_any());
    m.out
        .drain(..)
        .map(|s| match s {
            Scoped::Update(Update::Event(Event::Init)) => "Init".to_string(),
            Scoped::Update(Update::Event(Event::InitApply(p))) => format!("+{}", key(&p)),
            Scoped::Update(Update::Event(Event::Apply(p))) => format!("~{}", key(&p)),
            Scoped::Update(Update::Event(Event::Delete(p))) => format!("-{}", key(&p)),
            Scoped::Update(Update::Event(Event::InitDone)) => "Done".to_string(),
            Scoped::Update(Update::Failed(_)) => "error".to_string(),
            Scoped::Update(Update::Healthy) => "healthy".to_string(),
            Scoped::Update(Update::Page { .. }) => "page".to_string(),
            Scoped::Forbidden { namespace, .. } => format!("forbidden {namespace}"),
            Scoped::Allowed { namespace } => format!("allowed {namespace}"),
        })
        .collect()
}

fn list(m: &mut Merge<Pod>, ns: &str, names: &[&str]) {
    m.step(ns.into(), ev(Event::Init));
    for n in names {
        m.step(ns.into(), ev(Event::InitApply(pod(ns, n))));
    }
    m.step(ns.into(), ev(Event::InitDone));
}

#[test]
fn the_merged_listing_ends_when_every_namespace_has_listed() {
    let mut m = Merge::<Pod>::new(vec!["a".into(), "b".into()]);
    list(&mut m, "a", &["p1", "p2"]);
    // A change in a listed namespace while another still lists belongs to the listing.
    m.step("a".into(), ev(Event::Apply(pod("a", "p3"))));
    m.step("a".into(), ev(Event::Delete(pod("a", "p1"))));
    assert_eq!(drain(&mut m), ["Init", "+a/p1", "+a/p2", "+a/p3"]);
    list(&mut m, "b", &["q1"]);
    // The deletion follows the end of the listing, or the listing would bring p1 back.
    assert_eq!(drain(&mut m), ["+b/q1", "Done", "-a/p1"]);
    m.step("b".into(), ev(Event::Apply(pod("b", "q2"))));
    assert_eq!(drain(&mut m), ["~b/q2"]);
}

#[test]
fn a_forbidden_namespace_is_named_once_and_does_not_hold_up_the_rest() {
    let mut m = Merge::<Pod>::new(vec!["a".into(), "kube-system".into()]);
    list(&mut m, "a", &["p1"]);
    m.step("kube-system".into(), forbidden_in("kube-system"));
    assert_eq!(drain(&mut m), ["Init", "+a/p1", "forbidden kube-system", "Done"]);
    // The watcher retries with backoff; the same refusal is not news.
    m.step("kube-system".into(), ev(Event::Init));
    m.step("kube-system".into(), forbidden_in("kube-system"));
    assert!(drain(&mut m).is_empty());
    // Access granted: the namespace lists and is no longer named.
    list(&mut m, "kube-system", &["coredns"]);
    assert_eq!(drain(&mut m), ["allowed kube-system", "~kube-system/coredns"]);
}

#[test]
fn a_relist_of_one_namespace_sends_only_its_differences() {
    let mut m = Merge::<Pod>::new(vec!["a".into(), "b".into()]);
    list(&mut m, "a", &["p1", "p2"]);
    list(&mut m, "b", &["q1"]);
    drain(&mut m);
    // A 410 in namespace a: p2 went away while the watch was expired.
    list(&mut m, "a", &["p1", "p3"]);
    assert_eq!(drain(&mut m), ["~a/p1", "~a/p3", "-a/p2"]);
}

#[test]
fn other_errors_pass_through_and_no_namespaces_is_an_empty_listing() {
    let mut m = Merge::<Pod>::new(Vec::new());
    assert_eq!(drain(&mut m), ["Init", "Done", "healthy"]);
    let mut m = Merge::<Pod>::new(vec!["a".into()]);
    m.step("a".into(), failed(Trouble::NoVersion));
    assert_eq!(drain(&mut m), ["Init", "error"]);
}

#[test]
fn healthy_once_every_readable_namespace_is() {
    let mut m = Merge::<Pod>::new(vec!["a".into(), "b".into(), "kube-system".into()]);
    list(&mut m, "a", &[]);
    list(&mut m, "b", &[]);
    m.step("kube-system".into(), forbidden_in("kube-system"));
    drain(&mut m);
    m.step("a".into(), Update::Healthy);
    assert!(drain(&mut m).is_empty(), "b has not said so yet");
    m.step("b".into(), Update::Healthy);
    assert_eq!(drain(&mut m), ["healthy"], "the refused namespace has its own source");
    // One namespace failing is the source's failure; another recovering does not clear it.
    m.step("a".into(), failed(Trouble::ClosedAtOnce));
    m.step("b".into(), failed(Trouble::ClosedAtOnce));
    m.step("b".into(), Update::Healthy);
    assert_eq!(drain(&mut m), ["error", "error"]);
    m.step("a".into(), Update::Healthy);
    assert_eq!(drain(&mut m), ["healthy"]);
}
