//! The Alertmanager source: polls API v2 for alerts and silences on an interval (Alertmanager
//! has no watch), reports failures to the pane and backs off until the server is back.

pub mod client;
pub mod discover;
pub mod wire;

use std::time::Duration;

pub use client::Client;

use super::backoff::Backoff;
use super::poll::{self, Poller};
use super::{Clock, Sender, TaskGuard};
use crate::state::{Data, PaneId};

pub fn spawn(client: Client, interval: Duration, tx: Sender, clock: Clock) -> TaskGuard {
    poll::register(&tx, &client.source, interval, vec![PaneId::Alerts]);
    TaskGuard(tokio::spawn(poll_loop(client, interval, tx, clock)))
}

/// Poll until the app stops listening.
async fn poll_loop(client: Client, interval: Duration, tx: Sender, clock: Clock) {
    let backoff = Backoff::new(Duration::from_secs(1), Duration::from_secs(30));
    let wake = Some(client.poke.clone());
    let source = client.source.clone();
    let mut poller = Poller { source, interval, backoff, tx, clock, wake };
    loop {
        // Alerts and silences in one message: the alerts name silences in `silencedBy`.
        let polled = tokio::try_join!(client.alerts(), client.silences());
        let data = polled.map(|(alerts, silences)| Data::Alertmanager { alerts, silences });
        if !poller.deliver(data).await {
            return;
        }
    }
}
