//! The loop every polling source shares (Alertmanager, CloudWatch, EKS): register, poll on an
//! interval, send the data or the failure, back off while failing, and wake early on request.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;

use super::backoff::Backoff;
use super::{Clock, Sender};
use crate::domain::SourceId;
use crate::state::{Data, Message, PaneId, UnixMs};

/// Announce a source to the store before its task starts, so every configured source is known
/// from the first message on (`status` waits for each one it knows of). The channel is empty
/// at startup, so this cannot find it full.
pub fn register(tx: &Sender, source: &SourceId, interval: Duration, feeds: Vec<PaneId>) {
    let interval_ms = interval.as_millis() as i64;
    let _ = tx.try_send(Message::Register { source: source.clone(), interval_ms, feeds });
}

pub struct Poller {
    pub source: SourceId,
    pub interval: Duration,
    pub backoff: Backoff,
    pub tx: Sender,
    pub clock: Clock,
    /// Cuts a wait short, e.g. after an action, so its effect shows at once.
    pub wake: Option<Arc<Notify>>,
}

impl Poller {
    /// Send one poll's outcome, then wait: the interval after data, the backoff after a
    /// failure, less if woken. False when the app has gone and the source should stop.
    ///
    /// Sources keep their own `loop` around this (not a closure passed in) so their futures
    /// stay `Send` while they borrow their clients.
    pub async fn deliver(&mut self, result: Result<Data, String>) -> bool {
        let (source, at) = (self.source.clone(), self.clock.now());
        let (msg, wait) = match result {
            Ok(data) => {
                // A poll that answers is healthy: its error clears even if the data is the same.
                if self.backoff.failures() > 0
                    && self.tx.send(Message::Healthy { source: source.clone() }).await.is_err()
                {
                    return false;
                }
                self.backoff.reset();
                (Message::Data { source, at, data }, self.interval)
            }
            Err(error) => {
                tracing::warn!(source = %self.source, %error, "poll failed");
                (Message::Failed { source, at, error }, self.backoff.next_delay())
            }
        };
        if self.tx.send(msg).await.is_err() {
            return false;
        }
        match &self.wake {
            Some(wake) => tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = wake.notified() => {}
            },
            None => tokio::time::sleep(wait).await,
        }
        true
    }

    pub fn now(&self) -> UnixMs {
        self.clock.now()
    }
}
