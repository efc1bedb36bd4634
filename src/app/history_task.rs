//! Recording the timeline into the local history without touching the frame path: the loop
//! hands new entries to a bounded queue (never waiting), and a task writes them in batches on
//! a blocking thread. It reads back the last day at start and reports a bad file as a message.

use std::path::PathBuf;
use std::time::Duration;

use tokio::sync::mpsc;

use super::history::History;
use crate::config::HistoryConfig;
use crate::sources::{Clock, Sender, TaskGuard};
use crate::state::timeline::Entry;
use crate::state::{HistoryEvent, Message};

/// A batch is written at least this often while entries come in…
const FLUSH: Duration = Duration::from_secs(2);
/// …or as soon as this many wait.
const BATCH: usize = 2_000;
/// Batches queued between the loop and the task.
const QUEUE: usize = 64;
/// Entries the loop holds while the queue is full; past this the oldest are dropped (counted).
const HELD: usize = 50_000;
/// What the console reads back into its timeline at start.
pub const LOAD_MS: i64 = 24 * 3_600_000;

/// The loop's end of the queue.
pub struct Recorder {
    tx: mpsc::Sender<Vec<Entry>>,
    held: Vec<Entry>,
    pub dropped: usize,
}

impl Recorder {
    /// Hand over new entries; when the queue is full they wait here for the next call.
    pub fn offer(&mut self, mut fresh: Vec<Entry>) {
        if self.held.is_empty() && fresh.is_empty() {
            return;
        }
        self.held.append(&mut fresh);
        match self.tx.try_send(std::mem::take(&mut self.held)) {
            Ok(()) => {}
            Err(mpsc::error::TrySendError::Full(back)) => {
                self.held = back;
                if self.held.len() > HELD {
                    let over = self.held.len() - HELD;
                    self.held.drain(..over);
                    self.dropped += over;
                }
            }
            // The history is off (a bad file was reported): nothing to keep them for.
            Err(mpsc::error::TrySendError::Closed(_)) => {}
        }
    }
}

/// Start recording into `path`; what is read back and any failure arrive on `messages`.
pub fn spawn(path: PathBuf, cfg: HistoryConfig, messages: Sender, clock: Clock) -> (Recorder, TaskGuard) {
    let (tx, rx) = mpsc::channel(QUEUE);
    let task = tokio::spawn(run(path, cfg, rx, messages, clock));
    (Recorder { tx, held: Vec::new(), dropped: 0 }, TaskGuard(task))
}

async fn run(
    path: PathBuf,
    cfg: HistoryConfig,
    mut rx: mpsc::Receiver<Vec<Entry>>,
    messages: Sender,
    clock: Clock,
) {
    let since = clock.now() - LOAD_MS;
    let opened = tokio::task::spawn_blocking(move || {
        let h = History::open(&path, &cfg)?;
        let loaded = h.read(since)?;
        Ok::<_, String>((h, loaded))
    })
    .await
    .unwrap_or_else(|e| Err(format!("the history task failed: {e}")));
    let mut history = match opened {
        Ok((h, loaded)) => {
            let open = Message::History(HistoryEvent::Open(h.path().display().to_string()));
            if messages.send(open).await.is_err()
                || messages.send(Message::History(HistoryEvent::Loaded(loaded))).await.is_err()
            {
                return;
            }
            h
        }
        Err(why) => {
            tracing::warn!(error = %why, "local history off");
            let _ = messages.send(Message::History(HistoryEvent::Failed(why))).await;
            return;
        }
    };
    let mut buf: Vec<Entry> = Vec::new();
    let mut tick = tokio::time::interval(FLUSH);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut failing = false;
    let mut last_flush = tokio::time::Instant::now();
    loop {
        let closed = tokio::select! {
            batch = rx.recv() => match batch {
                Some(mut b) => {
                    buf.append(&mut b);
                    false
                }
                None => true,
            },
            _ = tick.tick() => false,
        };
        if !buf.is_empty() && (closed || buf.len() >= BATCH || last_flush.elapsed() >= FLUSH) {
            last_flush = tokio::time::Instant::now();
            let batch = std::mem::take(&mut buf);
            let now = clock.now();
            let (h, result) = tokio::task::spawn_blocking(move || {
                let r = history.append(&batch, now);
                (history, r)
            })
            .await
            .expect("the history writer does not panic: redb's are caught");
            history = h;
            match result {
                Ok(_) if failing => {
                    failing = false;
                    let open = Message::History(HistoryEvent::Open(history.path().display().to_string()));
                    let _ = messages.send(open).await;
                }
                Ok(_) => {}
                // Said once; the next batch tries again (a full disk may be freed).
                Err(why) if !failing => {
                    failing = true;
                    tracing::warn!(error = %why, "cannot write the local history");
                    let _ = messages.send(Message::History(HistoryEvent::Failed(why))).await;
                }
                Err(_) => {}
            }
        }
        if closed {
            return;
        }
    }
}
