//! Cost Explorer as a source. The bill is fetched at most once per refresh interval (8 h by
//! default) across runs: a fresh enough cache file is used with no request at all. A manual
//! refresh (the Cost pane's key, after a confirmation naming the charge) fetches at once.

pub mod cache;
pub mod explorer;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;

use super::backoff::Backoff;
use super::{Clock, Sender, TaskGuard, aws};
use crate::config::sources::{AwsConfig, CostConfig};
use crate::domain::SourceId;
use crate::domain::source::SourceKind;
use crate::state::{Data, Message, PaneId};

/// What the executor holds to ask for a refresh.
#[derive(Clone, Default)]
pub struct Handle {
    refresh: Arc<Notify>,
    /// Cost Explorer requests this run has made (each is billed).
    pub requests: explorer::RequestCounter,
}

impl Handle {
    pub fn refresh(&self) -> Result<String, String> {
        self.refresh.notify_one();
        Ok("fetching the bill from Cost Explorer".into())
    }

    /// Start a source that waits to be turned on ([`spawn_off`]); the user accepted the charge.
    pub fn enable(&self) -> Result<String, String> {
        self.refresh.notify_one();
        Ok("Cost Explorer turned on for this run: fetching the bill ($0.01 per request)".into())
    }
}

pub fn spawn(
    aws_cfg: AwsConfig,
    cfg: CostConfig,
    cache_dir: Option<PathBuf>,
    tx: Sender,
    clock: Clock,
) -> (Handle, TaskGuard) {
    spawn_as(aws_cfg, cfg, cache_dir, tx, clock, None)
}

/// Cost Explorer off until [`Handle::enable`]: it sends no request before then, and its pane
/// says `why` (how to turn it on).
pub fn spawn_off(
    aws_cfg: AwsConfig,
    cfg: CostConfig,
    cache_dir: Option<PathBuf>,
    tx: Sender,
    clock: Clock,
    why: String,
) -> (Handle, TaskGuard) {
    spawn_as(aws_cfg, cfg, cache_dir, tx, clock, Some(why))
}

fn spawn_as(
    aws_cfg: AwsConfig,
    cfg: CostConfig,
    cache_dir: Option<PathBuf>,
    tx: Sender,
    clock: Clock,
    off: Option<String>,
) -> (Handle, TaskGuard) {
    let handle = Handle::default();
    let refresh = handle.refresh.clone();
    let requests = handle.requests.clone();
    let source = SourceId::of(SourceKind::CostExplorer);
    let every = cfg.refresh.0;
    let waits = off.is_some();
    match off {
        Some(reason) => {
            let _ =
                tx.try_send(Message::Disabled { source: source.clone(), feeds: vec![PaneId::Cost], reason });
        }
        None => super::poll::register(&tx, &source, every, vec![PaneId::Cost]),
    }
    let task = tokio::spawn(async move {
        if waits {
            refresh.notified().await;
            let interval_ms = every.as_millis() as i64;
            let m = Message::Register { source: source.clone(), interval_ms, feeds: vec![PaneId::Cost] };
            if tx.send(m).await.is_err() {
                return;
            }
        }
        let ce = explorer::Explorer::new(&aws::load(&aws_cfg).await, requests);
        // Failures retry slowly: throttling and bad credentials do not get better by the second,
        // and every attempt that reaches Cost Explorer is billed.
        let mut backoff = Backoff::new(Duration::from_secs(30), Duration::from_secs(1800));
        let mut forced = false;
        loop {
            let now = clock.now();
            let result = async {
                let account = ce.account().await?;
                let month = {
                    let (y, m, _) = super::calendar::civil_from_days(now.div_euclid(86_400_000));
                    format!("{y:04}-{m:02}")
                };
                let path = cache_dir.as_ref().map(|d| cache::path(d, &account, &cfg.metric, &month));
                let cached = path
                    .as_deref()
                    .and_then(cache::load)
                    .filter(|r| !forced && now - r.fetched_at < every.as_millis() as i64);
                if let Some(mut r) = cached {
                    // The budget is config, not data: the current one applies to a cached bill.
                    r.budget = cfg.budget;
                    return Ok::<_, String>(r);
                }
                let r = ce.fetch(&cfg.metric, cfg.budget, now).await?;
                if let Some(p) = &path
                    && let Err(e) = cache::store(p, &account, &r)
                {
                    tracing::warn!(error = %e, "cost cache not written");
                }
                Ok(r)
            }
            .await;
            tracing::info!(requests = ce.requests.get(), "cost explorer requests so far");
            forced = false;
            let (msg, wait) = match result {
                Ok(report) => {
                    if backoff.failures() > 0
                        && tx.send(Message::Healthy { source: source.clone() }).await.is_err()
                    {
                        return;
                    }
                    backoff.reset();
                    let age = Duration::from_millis((clock.now() - report.fetched_at).max(0) as u64);
                    let wait = clock.real_duration(every.saturating_sub(age));
                    (
                        Message::Data { source: source.clone(), at: clock.now(), data: Data::Cost(report) },
                        wait,
                    )
                }
                Err(error) => {
                    tracing::warn!(%error, "cost explorer fetch failed");
                    (Message::Failed { source: source.clone(), at: clock.now(), error }, backoff.next_delay())
                }
            };
            if tx.send(msg).await.is_err() {
                return;
            }
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = refresh.notified() => forced = true,
            }
        }
    });
    (handle, TaskGuard(task))
}
