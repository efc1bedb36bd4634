//! Pod CPU and memory from metrics.k8s.io. That API cannot be watched, so it is read every
//! [`POLL`]; a failure waits longer each time (up to [`RETRY_ABSENT`], at least what a 429
//! asks); when the cluster does not serve it, the pods pane says so once and it is asked
//! again only every few minutes.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use kube::Api;
use kube::api::{ApiResource, DynamicObject, ListParams};

use super::Connection;
use super::pods::Tracked;
use super::quantity;
use crate::domain::{PodKey, Scope};
use crate::sources::backoff::Backoff;

pub const POLL: Duration = Duration::from_secs(30);
const RETRY_ABSENT: Duration = Duration::from_secs(300);

pub enum Polled {
    /// Not due yet, or a transient failure (logged).
    Nothing,
    /// The API is not served.
    Absent,
    Usage,
}

pub struct Metrics {
    api: Option<Api<DynamicObject>>,
    next: Option<Instant>,
    backoff: Backoff,
    /// None until the first answer.
    available: Option<bool>,
    usage: HashMap<PodKey, (u64, u64)>,
}

impl Metrics {
    pub fn new(conn: &Connection) -> Metrics {
        let ar = ApiResource {
            group: "metrics.k8s.io".into(),
            version: "v1beta1".into(),
            api_version: "metrics.k8s.io/v1beta1".into(),
            kind: "PodMetrics".into(),
            plural: "pods".into(),
        };
        let api = match &conn.scope {
            Scope::All => Api::all_with(conn.client.clone(), &ar),
            Scope::Namespace(ns) => Api::namespaced_with(conn.client.clone(), ns, &ar),
        };
        Metrics { api: Some(api), ..Metrics::default() }
    }

    pub fn available(&self) -> bool {
        self.available == Some(true)
    }

    /// Read the metrics if due.
    pub async fn poll(&mut self) -> Polled {
        let Some(api) = &self.api else { return Polled::Nothing };
        if self.next.is_some_and(|t| Instant::now() < t) {
            return Polled::Nothing;
        }
        match api.list(&ListParams::default()).await {
            Ok(list) => {
                self.next = Some(Instant::now() + POLL);
                self.backoff.reset();
                self.available = Some(true);
                self.usage = list.items.iter().map(usage).collect();
                Polled::Usage
            }
            Err(kube::Error::Api(s)) if s.code == 404 => {
                self.next = Some(Instant::now() + RETRY_ABSENT);
                self.available = Some(false);
                self.usage.clear();
                Polled::Absent
            }
            Err(e) => {
                let asked = match &e {
                    kube::Error::Api(s) => {
                        s.details.as_ref().map(|d| Duration::from_secs(d.retry_after_seconds.into()))
                    }
                    _ => None,
                };
                let wait = self.backoff.next_delay_after(asked);
                tracing::warn!(error = %e, retry_in = ?wait, "reading metrics.k8s.io failed");
                self.next = Some(Instant::now() + wait);
                Polled::Nothing
            }
        }
    }

    /// Put the last known usage on a pod row.
    pub fn apply(&self, t: &mut Tracked) {
        let u = self.usage.get(&t.pod.key());
        t.pod.cpu_milli = u.map(|u| u.0);
        t.pod.mem_bytes = u.map(|u| u.1);
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics {
            api: None,
            next: None,
            backoff: Backoff::new(POLL, RETRY_ABSENT),
            available: None,
            usage: HashMap::new(),
        }
    }
}

fn usage(o: &DynamicObject) -> (PodKey, (u64, u64)) {
    let key = PodKey::new(
        o.metadata.namespace.clone().unwrap_or_default(),
        o.metadata.name.clone().unwrap_or_default(),
    );
    let (mut cpu, mut mem) = (0, 0);
    for c in o.data["containers"].as_array().map(Vec::as_slice).unwrap_or(&[]) {
        cpu += c["usage"]["cpu"].as_str().and_then(quantity::cpu_milli).unwrap_or(0);
        mem += c["usage"]["memory"].as_str().and_then(quantity::bytes).unwrap_or(0);
    }
    (key, (cpu, mem))
}
