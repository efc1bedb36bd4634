//! The open pod kept live: a watch on that one pod (`metadata.name=…` in its namespace) and one
//! on its events (`involvedObject.name=…`), each message tagged with the view's stream id.
//! Runs until the app drops its guard (the view closed or the context changed).

use std::collections::BTreeMap;

use futures::StreamExt;
use k8s_openapi::api::core::v1::{Event as KEvent, Pod as KPod};
use kube::Api;
use kube::runtime::WatchStreamExt;
use kube::runtime::watcher::{self, Event};

use super::{Connection, WatchBackoff, describe};
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
    Pod(watcher::Result<Event<KPod>>),
    Event(watcher::Result<Event<KEvent>>),
}

pub async fn run(conn: Connection, key: PodKey, stream: u64, tx: Sender) {
    let pods: Api<KPod> = Api::namespaced(conn.client.clone(), &key.namespace);
    let events: Api<KEvent> = Api::namespaced(conn.client.clone(), &key.namespace);
    let pod_cfg = watcher::Config::default().fields(&format!("metadata.name={}", key.name));
    let ev_cfg = watcher::Config::default().fields(&format!("involvedObject.name={}", key.name));
    let pod_items = watcher::watcher(pods, pod_cfg).backoff(WatchBackoff::new()).map(Item::Pod).boxed();
    let ev_items = watcher::watcher(events, ev_cfg).backoff(WatchBackoff::new()).map(Item::Event).boxed();
    let mut all = futures::stream::select(pod_items, ev_items);
    let mut listing: Option<Vec<KPod>> = None;
    let mut seen = false;
    let mut evs = Events::default();
    while let Some(item) = all.next().await {
        let now = crate::sources::wall_now();
        let detail =
            |p: &KPod| PodUpdate::Detail { stream, detail: Box::new(super::pod_detail::detail(p, now)) };
        let update = match item {
            Item::Pod(Ok(Event::Apply(p))) => Some(detail(&p)),
            Item::Pod(Ok(Event::Delete(_))) => Some(PodUpdate::Gone { stream }),
            Item::Pod(Ok(Event::Init)) => {
                listing = Some(Vec::new());
                None
            }
            Item::Pod(Ok(Event::InitApply(p))) => {
                listing.get_or_insert_with(Vec::new).push(p);
                None
            }
            Item::Pod(Ok(Event::InitDone)) => match listing.take().unwrap_or_default().first() {
                Some(p) => {
                    seen = true;
                    Some(detail(p))
                }
                None => Some(if seen {
                    PodUpdate::Gone { stream }
                } else {
                    let error = format!("pods \"{}\" not found in namespace {}", key.name, key.namespace);
                    PodUpdate::DetailFailed { stream, error }
                }),
            },
            Item::Pod(Err(e)) => Some(PodUpdate::DetailFailed { stream, error: describe(&e) }),
            Item::Event(Ok(e)) => evs.step(e).map(|events| PodUpdate::Events { stream, events }),
            // The detail shows without its events rather than failing as a whole.
            Item::Event(Err(e)) => {
                tracing::info!(error = %describe(&e), "pod events not watched");
                None
            }
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
