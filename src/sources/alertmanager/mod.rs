//! The Alertmanager source: polls API v2 for alerts and silences on an interval (Alertmanager
//! has no watch), reports failures to the pane and backs off until the server is back.

pub mod client;
pub mod wire;

use std::time::Duration;

pub use client::Client;

use super::backoff::Backoff;
use super::{Clock, Sender, TaskGuard};
use crate::state::{Data, Message, PaneId, SourceId};

pub fn spawn(client: Client, interval: Duration, tx: Sender, clock: Clock) -> TaskGuard {
    TaskGuard(tokio::spawn(run(client, interval, tx, clock)))
}

async fn run(client: Client, interval: Duration, tx: Sender, clock: Clock) {
    let source = SourceId::new(&client.source);
    let register = Message::Register {
        source: source.clone(),
        interval_ms: interval.as_millis() as i64,
        feeds: vec![PaneId::Alerts],
    };
    if tx.send(register).await.is_err() {
        return;
    }
    let mut backoff = Backoff::new(Duration::from_secs(1), Duration::from_secs(30));
    loop {
        let polled = tokio::try_join!(client.alerts(), client.silences());
        let at = clock.now();
        let (msg, wait) = match polled {
            Ok((alerts, silences)) => {
                backoff.reset();
                let data = Data::Alertmanager { alerts, silences };
                (Message::Data { source: source.clone(), at, data }, interval)
            }
            Err(error) => {
                tracing::warn!(source = %source, %error, "alertmanager poll failed");
                (Message::Failed { source: source.clone(), at, error }, backoff.next_delay())
            }
        };
        if tx.send(msg).await.is_err() {
            return;
        }
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = client.poke.notified() => {}
        }
    }
}
