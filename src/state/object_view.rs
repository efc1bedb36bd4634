//! One object of any kind up close, as its streams deliver it: the object (managedFields left
//! out), its events, what it owns, and for a workload the merged log of its pods with each
//! line's pod. Plain data changed by `apply`; stream ids drop a closed view's late messages.

use std::collections::BTreeMap;

use serde_json::Value;

use super::logs::LogBuffer;
use super::pod_view::LogState;
use super::pods::ClusterEvent;

/// An object the open one links to: an owner, or one it owns (or, for a Service, selects).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    pub api_version: String,
    pub kind: String,
    pub namespace: Option<String>,
    pub name: String,
    /// A word on its state (`Running`, `3/3 ready`, `revision 4`).
    pub summary: String,
}

/// What the open object's streams delivered.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ObjectData {
    pub object: Option<Value>,
    pub events: Vec<ClusterEvent>,
    pub owned: Vec<Link>,
    /// Why the object could not be read (kept while older data stays shown).
    pub error: Option<String>,
    pub gone: bool,
    /// A workload's pods' lines, each tagged with its source (an index into `sources`).
    pub logs: LogBuffer,
    pub log_state: LogState,
    /// "pod" or "pod/container", by tag.
    pub sources: Vec<String>,
    /// Sources streaming now, by label.
    pub streaming: BTreeMap<String, bool>,
}

/// A message from one of the open object's streams.
#[derive(Clone, Debug)]
pub enum ObjectUpdate {
    Object {
        stream: u64,
        object: Box<Value>,
    },
    Events {
        stream: u64,
        events: Vec<ClusterEvent>,
    },
    Owned {
        stream: u64,
        owned: Vec<Link>,
    },
    Gone {
        stream: u64,
    },
    Failed {
        stream: u64,
        error: String,
    },
    /// Lines from one pod (or one container of it) of a workload.
    LogLines {
        stream: u64,
        source: String,
        lines: Vec<String>,
    },
    /// A source started or stopped streaming (a pod joined, or ended).
    LogSource {
        stream: u64,
        source: String,
        streaming: bool,
    },
    LogEnded {
        stream: u64,
        error: Option<String>,
    },
}

impl ObjectData {
    /// Apply a message for the streams `(object, logs)`. Returns whether anything changed.
    pub fn apply(&mut self, (object, logs): (Option<u64>, Option<u64>), u: ObjectUpdate) -> bool {
        let here = |s: u64| Some(s) == object;
        let log = |s: u64| Some(s) == logs;
        match u {
            ObjectUpdate::Object { stream, object } if here(stream) => {
                self.object = Some(*object);
                self.error = None;
                self.gone = false;
            }
            ObjectUpdate::Events { stream, events } if here(stream) => self.events = events,
            ObjectUpdate::Owned { stream, owned } if here(stream) => self.owned = owned,
            ObjectUpdate::Gone { stream } if here(stream) => self.gone = true,
            ObjectUpdate::Failed { stream, error } if here(stream) => self.error = Some(error),
            ObjectUpdate::LogLines { stream, source, lines } if log(stream) => {
                let tag = self.tag(&source);
                let label = &self.sources[tag as usize];
                for l in &lines {
                    self.logs.push_tagged(tag, &format!("{label} {l}"));
                }
                self.log_state = LogState::Streaming;
            }
            ObjectUpdate::LogSource { stream, source, streaming } if log(stream) => {
                self.tag(&source);
                self.streaming.insert(source, streaming);
                if self.log_state == LogState::Connecting {
                    self.log_state = LogState::Streaming;
                }
            }
            ObjectUpdate::LogEnded { stream, error } if log(stream) => {
                self.log_state = error.map_or(LogState::Ended, LogState::Failed);
            }
            _ => return false,
        }
        true
    }

    /// The tag of a source, given a new one the first time it is seen.
    fn tag(&mut self, source: &str) -> u16 {
        match self.sources.iter().position(|s| s == source) {
            Some(i) => i as u16,
            None => {
                self.sources.push(source.to_string());
                (self.sources.len() - 1) as u16
            }
        }
    }

    /// Forget the merged log (a new stream starts).
    pub fn reset_logs(&mut self) {
        self.logs = LogBuffer::default();
        self.log_state = LogState::Connecting;
        self.sources.clear();
        self.streaming.clear();
    }

    /// What owns the object, from its ownerReferences (the controller first).
    pub fn owners(&self) -> Vec<Link> {
        let Some(o) = &self.object else { return Vec::new() };
        let ns = o["metadata"]["namespace"].as_str().map(str::to_string);
        let mut refs: Vec<&Value> =
            o["metadata"]["ownerReferences"].as_array().into_iter().flatten().collect();
        refs.sort_by_key(|r| r["controller"].as_bool() != Some(true));
        refs.into_iter()
            .map(|r| Link {
                api_version: r["apiVersion"].as_str().unwrap_or("").to_string(),
                kind: r["kind"].as_str().unwrap_or("").to_string(),
                namespace: ns.clone(),
                name: r["name"].as_str().unwrap_or("").to_string(),
                summary: if r["controller"].as_bool() == Some(true) {
                    "controller".into()
                } else {
                    String::new()
                },
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn messages_for_other_streams_are_dropped_and_sources_get_tags() {
        let mut d = ObjectData::default();
        let o = Box::new(json!({"metadata": {"name": "x", "namespace": "ns",
            "ownerReferences": [{"apiVersion": "v1", "kind": "A", "name": "a"},
                                {"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "rs", "controller": true}]}}));
        assert!(!d.apply((Some(1), None), ObjectUpdate::Object { stream: 2, object: o.clone() }));
        assert!(d.apply((Some(1), None), ObjectUpdate::Object { stream: 1, object: o }));
        assert_eq!(d.owners()[0].name, "rs", "the controller first");
        let lines =
            |s: &str| ObjectUpdate::LogLines { stream: 3, source: s.into(), lines: vec!["hi".into()] };
        d.apply((Some(1), Some(3)), lines("cart-a"));
        d.apply((Some(1), Some(3)), lines("cart-b"));
        d.apply((Some(1), Some(3)), lines("cart-a"));
        assert_eq!((d.logs.tag(0), d.logs.tag(1), d.logs.tag(2)), (0, 1, 0));
        assert_eq!(d.logs.get(1), Some("cart-b hi"));
    }
}
