//! The open `:KIND` list kept live: its rows in the Table form through the one list-and-watch
//! loop (one list, page by page, then one watch from its version; its waits and retries), each
//! change sent to the store tagged with the list's stream id. A failure is named in the list
//! and the rows are kept.

use futures::StreamExt;
use kube::runtime::watcher::{self, Event};

use super::Connection;
use super::list_watch::{Update, list_watch};
use super::table::{PAGE, RowObject, TableApi};
use crate::domain::ApiKind;
use crate::sources::Sender;
use crate::state::Message;
use crate::state::resources::TableUpdate;

/// Rows of a (re)list sent together, so a big list is a few messages.
const BATCH: usize = 500;

pub async fn run(conn: Connection, kind: ApiKind, namespace: Option<String>, stream: u64, tx: Sender) {
    let api = TableApi::new(conn.client.clone(), kind, namespace);
    let cfg = watcher::Config { page_size: Some(PAGE), ..watcher::Config::default() };
    let mut updates = list_watch(api, cfg, conn.backoff);
    let send = |update: TableUpdate| {
        let tx = tx.clone();
        async move { tx.send(Message::Table { stream, update }).await.is_ok() }
    };
    let mut page: Vec<RowObject> = Vec::new();
    let mut first = true;
    while let Some(u) = updates.next().await {
        let sent = match u {
            Update::Event(Event::Init) => {
                first = true;
                true
            }
            Update::Event(Event::InitApply(r)) => {
                page.push(r);
                page.len() < BATCH || flush(&mut page, &mut first, &send).await
            }
            Update::Event(Event::InitDone) => {
                flush(&mut page, &mut first, &send).await && send(TableUpdate::Listed).await
            }
            Update::Event(Event::Apply(r)) => {
                let columns_sent = match r.columns {
                    Some(c) => send(TableUpdate::Columns(c)).await,
                    None => true,
                };
                columns_sent && send(TableUpdate::Upsert(r.row)).await
            }
            Update::Event(Event::Delete(r)) => send(TableUpdate::Delete(r.row.id())).await,
            Update::Healthy => send(TableUpdate::Healthy).await,
            // A page boundary of a big list: show what came.
            Update::Page { .. } => page.is_empty() || flush(&mut page, &mut first, &send).await,
            Update::Failed(f) => send(TableUpdate::Failed(f.describe())).await,
        };
        if !sent {
            return;
        }
    }
}

/// Send the rows gathered so far (the columns first when they came with them).
async fn flush<F, Fut>(page: &mut Vec<RowObject>, first: &mut bool, send: &F) -> bool
where
    F: Fn(TableUpdate) -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let rows = std::mem::take(page);
    if let Some(c) = rows.iter().find_map(|r| r.columns.clone())
        && !send(TableUpdate::Columns(c)).await
    {
        return false;
    }
    let was_first = std::mem::replace(first, false);
    send(TableUpdate::Page { rows: rows.into_iter().map(|r| r.row).collect(), first: was_first }).await
}
