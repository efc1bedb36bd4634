//! The open `:KIND` list kept live: its rows listed in the Table form, page by page, then
//! watched from the list's version; each change sent to the store tagged with the list's
//! stream id. A failure is named in the list, its rows kept, and the list retried after a wait.

use std::time::Duration;

use futures::StreamExt;
use kube::api::{ListParams, WatchParams};

use super::table::{Change, PAGE, TableApi};
use super::{Connection, client_error};
use crate::domain::ApiKind;
use crate::sources::Sender;
use crate::sources::backoff::Backoff;
use crate::state::Message;
use crate::state::resources::TableUpdate;

/// Rows of a watch's first events sent together, so a burst is a few messages.
const BATCH: usize = 256;

pub async fn run(conn: Connection, kind: ApiKind, namespace: Option<String>, stream: u64, tx: Sender) {
    let api = TableApi::new(conn.client, kind, namespace);
    let send = |update: TableUpdate| {
        let tx = tx.clone();
        async move { tx.send(Message::Table { stream, update }).await.is_ok() }
    };
    let mut backoff = Backoff::new(Duration::from_secs(1), Duration::from_secs(60));
    loop {
        let version = match list(&api, &send).await {
            Ok(Some(v)) => v,
            Ok(None) => return,
            Err(e) => {
                if !send(TableUpdate::Failed(e)).await {
                    return;
                }
                tokio::time::sleep(backoff.next_delay()).await;
                continue;
            }
        };
        if !send(TableUpdate::Healthy).await {
            return;
        }
        match watch(&api, version, &send).await {
            Ok(true) => backoff.reset(),
            Ok(false) => return,
            Err(e) => {
                if !send(TableUpdate::Failed(e)).await {
                    return;
                }
                tokio::time::sleep(backoff.next_delay()).await;
            }
        }
    }
}

/// List every page; the version to watch from, None when the store is gone.
async fn list<F, Fut>(api: &TableApi, send: &F) -> Result<Option<String>, String>
where
    F: Fn(TableUpdate) -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let mut token: Option<String> = None;
    let mut first = true;
    loop {
        let lp = ListParams { limit: Some(PAGE), continue_token: token.take(), ..ListParams::default() };
        let page = api.list(&lp).await.map_err(|e| client_error(&e))?;
        if let Some(c) = page.columns
            && !send(TableUpdate::Columns(c)).await
        {
            return Ok(None);
        }
        if !send(TableUpdate::Page { rows: page.rows, first }).await {
            return Ok(None);
        }
        first = false;
        match page.continue_token {
            Some(t) => token = Some(t),
            None => {
                if !send(TableUpdate::Listed).await {
                    return Ok(None);
                }
                return page
                    .resource_version
                    .map(Some)
                    .ok_or_else(|| "the list came without a resourceVersion to watch from".to_string());
            }
        }
    }
}

/// Watch from `version` until the watch ends; Ok(true) to relist, Ok(false) when the store is
/// gone.
async fn watch<F, Fut>(api: &TableApi, mut version: String, send: &F) -> Result<bool, String>
where
    F: Fn(TableUpdate) -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    loop {
        let wp = WatchParams::default().timeout(290);
        let mut events = match api.watch(&wp, &version).await {
            Ok(s) => s.ready_chunks(BATCH),
            Err(kube::Error::Api(s)) if s.code == 410 => return Ok(true),
            Err(e) => return Err(client_error(&e)),
        };
        while let Some(batch) = events.next().await {
            for change in batch {
                match change.map_err(|e| client_error(&e))? {
                    Change::Upsert { rows, columns, version: v } => {
                        if let Some(c) = columns
                            && !send(TableUpdate::Columns(c)).await
                        {
                            return Ok(false);
                        }
                        for r in rows {
                            if !send(TableUpdate::Upsert(r)).await {
                                return Ok(false);
                            }
                        }
                        version = v.unwrap_or(version);
                    }
                    Change::Delete { rows, version: v } => {
                        for id in rows {
                            if !send(TableUpdate::Delete(id)).await {
                                return Ok(false);
                            }
                        }
                        version = v.unwrap_or(version);
                    }
                    Change::Bookmark { version: v } => version = v,
                    Change::Error(s) if s.code == 410 => return Ok(true),
                    Change::Error(s) => return Err(s.message),
                }
            }
        }
    }
}
