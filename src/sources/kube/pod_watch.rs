//! The open pod kept live: a watch on that one pod (`metadata.name=…` in its namespace) and one
//! on its events (`involvedObject.name=…`), each message tagged with the view's stream id.
//! Runs until the app drops its guard (the view closed or the context changed).

use std::collections::BTreeMap;

use futures::StreamExt;
use k8s_openapi::api::core::v1::{Event as KEvent, Pod as KPod};
use kube::Api;
use kube::runtime::watcher::{self, Event};

use super::Connection;
use super::list_watch::{Update, list_watch};
use crate::domain::PodKey;
use crate::sources::Sender;
use crate::state::Message;
use crate::state::pod_view::PodUpdate;
use crate::state::pods::ClusterEvent;

/// Events of one pod kept; a crash-looping pod's BackOff is one event with a count.
const EVENTS_KEPT: usize = 100;

// One lives per watch event and is moved once; boxing would only add an allocation per event.
#[allow(clippy::large_enum_variant)]
enum Item {
    Pod(Update<KPod>),
    Event(Update<KEvent>),
}

pub async fn run(conn: Connection, key: PodKey, stream: u64, tx: Sender) {
    let pods: Api<KPod> = Api::namespaced(conn.client.clone(), &key.namespace);
    let events: Api<KEvent> = Api::namespaced(conn.client.clone(), &key.namespace);
    let pod_cfg = watcher::Config::default().fields(&format!("metadata.name={}", key.name));
    let ev_cfg = watcher::Config::default().fields(&format!("involvedObject.name={}", key.name));
    let pod_items = list_watch(pods, pod_cfg, conn.backoff).map(Item::Pod);
    let ev_items = list_watch(events, ev_cfg, conn.backoff).map(Item::Event);
    let mut all = futures::stream::select(pod_items, ev_items);
    let mut listing: Option<Vec<KPod>> = None;
    // The pod as last seen: shown again when the watch recovers, which clears its error.
    let mut last: Option<KPod> = None;
    let mut evs = Events::default();
    while let Some(item) = all.next().await {
        let now = crate::sources::wall_now();
        let detail =
            |p: &KPod| PodUpdate::Detail { stream, detail: Box::new(super::pod_detail::detail(p, now)) };
        let update = match item {
            Item::Pod(Update::Event(Event::Apply(p))) => {
                let d = detail(&p);
                last = Some(p);
                Some(d)
            }
            Item::Pod(Update::Event(Event::Delete(_))) => Some(PodUpdate::Gone { stream }),
            Item::Pod(Update::Event(Event::Init)) => {
                listing = Some(Vec::new());
                None
            }
            Item::Pod(Update::Event(Event::InitApply(p))) => {
                listing.get_or_insert_with(Vec::new).push(p);
                None
            }
            Item::Pod(Update::Event(Event::InitDone)) => match listing.take().unwrap_or_default().pop() {
                Some(p) => {
                    let d = detail(&p);
                    last = Some(p);
                    Some(d)
                }
                None => Some(if last.is_some() {
                    PodUpdate::Gone { stream }
                } else {
                    let error = format!("pods \"{}\" not found in namespace {}", key.name, key.namespace);
                    PodUpdate::DetailFailed { stream, error }
                }),
            },
            Item::Pod(Update::Failed(f)) => Some(PodUpdate::DetailFailed { stream, error: f.describe() }),
            Item::Pod(Update::Healthy) => last.as_ref().map(detail),
            Item::Event(Update::Event(e)) => evs.step(e).map(|events| PodUpdate::Events { stream, events }),
            // The detail shows without its events rather than failing as a whole.
            Item::Event(Update::Failed(f)) => {
                tracing::info!(error = %f.describe(), "pod events not watched");
                None
            }
            Item::Event(Update::Healthy | Update::Page { .. }) | Item::Pod(Update::Page { .. }) => None,
        };
        if let Some(u) = update
            && tx.send(Message::Pod(u)).await.is_err()
        {
            return;
        }
    }
}

/// The pod's events by name, newest last; a relist replaces them.
#[derive(Default)]
struct Events {
    live: BTreeMap<String, ClusterEvent>,
    listing: Option<BTreeMap<String, ClusterEvent>>,
}

impl Events {
    fn step(&mut self, ev: Event<KEvent>) -> Option<Vec<ClusterEvent>> {
        // The name filter alone would also match a Node or a Service of the same name.
        let ours = |e: &KEvent| e.involved_object.kind.as_deref().is_none_or(|k| k == "Pod");
        let name = |e: &KEvent| e.metadata.name.clone().unwrap_or_default();
        match ev {
            Event::Init => self.listing = Some(BTreeMap::new()),
            Event::InitApply(e) if ours(&e) => {
                self.listing.get_or_insert_with(BTreeMap::new).insert(name(&e), super::objects::event(&e));
            }
            Event::InitApply(_) => {}
            Event::InitDone => self.live = self.listing.take().unwrap_or_default(),
            Event::Apply(e) if ours(&e) => {
                self.live.insert(name(&e), super::objects::event(&e));
            }
            Event::Apply(_) => return None,
            Event::Delete(e) => {
                self.live.remove(&name(&e))?;
            }
        }
        if self.listing.is_some() {
            return None;
        }
        let mut out: Vec<ClusterEvent> = self.live.values().cloned().collect();
        out.sort_by_key(|e| e.at);
        let skip = out.len().saturating_sub(EVENTS_KEPT);
        Some(out.split_off(skip))
    }
}
