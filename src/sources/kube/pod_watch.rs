//! The open pod kept live: a watch on that one pod (`metadata.name=…` in its namespace) and one
//! on its events (`involvedObject.name=…`), each message tagged with the view's stream id.
//! Runs until the app drops its guard (the view closed or the context changed).

use futures::StreamExt;
use k8s_openapi::api::core::v1::{Event as KEvent, Pod as KPod};
use kube::Api;
use kube::runtime::watcher::{self, Event};

use super::Connection;
use super::list_watch::{Update, list_watch};
use super::objects::ObjectEvents;
use crate::domain::PodKey;
use crate::sources::Sender;
use crate::state::Message;
use crate::state::pod_view::PodUpdate;

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
    let mut evs = ObjectEvents::default();
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
            Item::Event(Update::Event(e)) => {
                evs.step(e, "Pod").map(|events| PodUpdate::Events { stream, events })
            }
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
