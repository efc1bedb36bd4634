use k8s_openapi::api::core::v1::Pod;
use kube::core::Status;

use super::*;

fn pod(ns: &str, name: &str) -> Pod {
    stub(ns, name.to_string())
}

fn forbidden_in(ns: &str) -> watcher::Error {
    let msg =
        format!("pods is forbidden: User \"u\" cannot list resource \"pods\" in the namespace \"{ns}\"");
    watcher::Error::InitialListFailed(kube::Error::Api(
        Status::failure(&msg, "Forbidden").with_code(403).boxed(),
    ))
}

/// What the merge sent, as short words: `Init`, `+a/p1` (InitApply), `~a/p1` (Apply),
/// `-a/p1` (Delete), `Done`, `forbidden b`, `allowed b`, `error`.
fn drain(m: &mut Merge<Pod>) -> Vec<String> {
    let key = |p: &Pod| format!("{}/{}", p.namespace().unwrap_or_default(), p.name_any());
    m.out
        .drain(..)
        .map(|s| match s {
            Scoped::Event(Ok(Event::Init)) => "Init".to_string(),
            Scoped::Event(Ok(Event::InitApply(p))) => format!("+{}", key(&p)),
            Scoped::Event(Ok(Event::Apply(p))) => format!("~{}", key(&p)),
            Scoped::Event(Ok(Event::Delete(p))) => format!("-{}", key(&p)),
            Scoped::Event(Ok(Event::InitDone)) => "Done".to_string(),
            Scoped::Event(Err(_)) => "error".to_string(),
            Scoped::Forbidden { namespace, .. } => format!("forbidden {namespace}"),
            Scoped::Allowed { namespace } => format!("allowed {namespace}"),
        })
        .collect()
}

fn list(m: &mut Merge<Pod>, ns: &str, names: &[&str]) {
    m.step(ns.into(), Ok(Event::Init));
    for n in names {
        m.step(ns.into(), Ok(Event::InitApply(pod(ns, n))));
    }
    m.step(ns.into(), Ok(Event::InitDone));
}

#[test]
fn the_merged_listing_ends_when_every_namespace_has_listed() {
    let mut m = Merge::<Pod>::new(vec!["a".into(), "b".into()]);
    list(&mut m, "a", &["p1", "p2"]);
    // A change in a listed namespace while another still lists belongs to the listing.
    m.step("a".into(), Ok(Event::Apply(pod("a", "p3"))));
    m.step("a".into(), Ok(Event::Delete(pod("a", "p1"))));
    assert_eq!(drain(&mut m), ["Init", "+a/p1", "+a/p2", "+a/p3"]);
    list(&mut m, "b", &["q1"]);
    // The deletion follows the end of the listing, or the listing would bring p1 back.
    assert_eq!(drain(&mut m), ["+b/q1", "Done", "-a/p1"]);
    m.step("b".into(), Ok(Event::Apply(pod("b", "q2"))));
    assert_eq!(drain(&mut m), ["~b/q2"]);
}

#[test]
fn a_forbidden_namespace_is_named_once_and_does_not_hold_up_the_rest() {
    let mut m = Merge::<Pod>::new(vec!["a".into(), "kube-system".into()]);
    list(&mut m, "a", &["p1"]);
    m.step("kube-system".into(), Err(forbidden_in("kube-system")));
    assert_eq!(drain(&mut m), ["Init", "+a/p1", "forbidden kube-system", "Done"]);
    // The watcher retries with backoff; the same refusal is not news.
    m.step("kube-system".into(), Ok(Event::Init));
    m.step("kube-system".into(), Err(forbidden_in("kube-system")));
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
    assert_eq!(drain(&mut m), ["Init", "Done"]);
    let mut m = Merge::<Pod>::new(vec!["a".into()]);
    m.step("a".into(), Err(watcher::Error::NoResourceVersion));
    assert_eq!(drain(&mut m), ["Init", "error"]);
}
