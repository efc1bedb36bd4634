//! Sources: async tasks that each own a client, an interval and a backoff, and send owned
//! messages tagged with their source id over one bounded channel. They never see UI state.

pub mod alertmanager;
pub mod argocd;
pub mod aws;
pub mod backoff;
pub mod calendar;
pub mod cloudwatch;
pub mod cost;
pub mod demo;
pub mod eks;
pub mod identity;
pub mod kube;
pub mod poll;
pub mod tls;

use std::time::Duration;

use tokio::sync::mpsc;

use crate::domain::ClusterId;
use crate::state::{Message, UnixMs};

/// Capacity of the source → app channel. Bounded so a flood of updates slows the sources
/// instead of growing memory without limit.
pub const CHANNEL_CAPACITY: usize = 1024;

pub type Receiver = mpsc::Receiver<Message>;

pub fn channel() -> (Sender, Receiver) {
    let (tx, rx) = mpsc::channel(CHANNEL_CAPACITY);
    (Sender { tx, cluster: None, account: None }, rx)
}

/// The app no longer listens (or, from `try_send`, is not keeping up).
#[derive(Debug)]
pub struct Closed;

/// The sending end every source gets. One handed to a cluster's sources stamps each of their
/// messages with that cluster, so no source needs to know which cluster it watches and a
/// source id always says whose it is.
#[derive(Clone, Debug)]
pub struct Sender {
    tx: mpsc::Sender<Message>,
    cluster: Option<ClusterId>,
    /// Which AWS account, when several are polled: their sources' ids would clash otherwise.
    account: Option<String>,
}

impl Sender {
    /// The same channel, for the sources of `cluster`.
    pub fn for_cluster(&self, cluster: ClusterId) -> Sender {
        Sender { cluster: Some(cluster), ..self.clone() }
    }

    /// The same channel, for the sources of one of several AWS accounts (`eks@prod`).
    pub fn for_account(&self, account: String) -> Sender {
        Sender { account: Some(account), ..self.clone() }
    }

    pub fn cluster(&self) -> Option<&ClusterId> {
        self.cluster.as_ref()
    }

    /// Err when the app has stopped listening: the source should stop too.
    pub async fn send(&self, msg: Message) -> Result<(), Closed> {
        self.tx.send(self.stamp(msg)).await.map_err(|_| Closed)
    }

    /// Err when the channel is full or closed; for messages a source may drop.
    pub fn try_send(&self, msg: Message) -> Result<(), Closed> {
        self.tx.try_send(self.stamp(msg)).map_err(|_| Closed)
    }

    pub fn is_closed(&self) -> bool {
        self.tx.is_closed()
    }

    fn stamp(&self, mut msg: Message) -> Message {
        if let Some(id) = msg.source_mut() {
            if let Some(c) = &self.cluster {
                id.cluster = Some(c.clone());
            }
            if id.instance.is_none() {
                id.instance = self.account.clone();
            }
        }
        msg
    }
}

/// What time it is for the store: wall time, or the demo world's simulated time (which starts
/// at the real time and runs `speed` times faster).
#[derive(Clone, Copy, Debug)]
pub enum Clock {
    Wall,
    Simulated { epoch: UnixMs, started: std::time::Instant, speed: f64 },
}

impl Clock {
    pub fn simulated(epoch: UnixMs, speed: f64) -> Clock {
        Clock::Simulated { epoch, started: std::time::Instant::now(), speed }
    }

    pub fn now(&self) -> UnixMs {
        match *self {
            Clock::Wall => wall_now(),
            Clock::Simulated { epoch, started, speed } => {
                epoch + (started.elapsed().as_secs_f64() * speed * 1000.0) as i64
            }
        }
    }

    /// Real time to wait for `sim` simulated time to pass.
    pub fn real_duration(&self, sim: Duration) -> Duration {
        match *self {
            Clock::Wall => sim,
            Clock::Simulated { speed, .. } => sim.div_f64(speed),
        }
    }
}

pub fn wall_now() -> UnixMs {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64)
}

/// Aborts a source task when dropped, so a source never outlives the app that started it.
pub struct TaskGuard(pub tokio::task::JoinHandle<()>);

impl Drop for TaskGuard {
    fn drop(&mut self) {
        self.0.abort();
    }
}
