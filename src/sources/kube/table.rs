//! Any kind in the Table form, the columns and rows `kubectl get` prints: the list (paged, as
//! kubectl pages it) and the watch, both asked with kubectl's own Accept header, and their
//! answers turned into the store's rows. A server that answers a plain list instead gets
//! kubectl's fallback columns (Name, Age). No retry policy here: the watch loop owns that.

use futures::StreamExt;
use futures::stream::BoxStream;
use http::HeaderValue;
use kube::api::{ListParams, WatchEvent, WatchParams};
use serde_json::Value;

use crate::domain::ApiKind;
use crate::domain::format::parse_rfc3339;
use crate::state::resources::{Column, ColumnType, RowId, TableRow};

/// What `kubectl get` asks for: the Table form, then the older Table version, then plain JSON.
pub const ACCEPT: &str = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";

/// The page size kubectl lists with (`--chunk-size`).
pub const PAGE: u32 = 500;

/// One page of a list in the Table form.
#[derive(Clone, Debug, Default)]
pub struct Page {
    /// None when the answer was not a Table (kubectl's fallback columns are used).
    pub columns: Option<Vec<Column>>,
    pub rows: Vec<TableRow>,
    pub resource_version: Option<String>,
    pub continue_token: Option<String>,
}

/// A watch event's rows: the row changed (or gone), with the columns when the event carries
/// them (the API server sends them on the first event only).
#[derive(Clone, Debug)]
pub enum Change {
    Upsert {
        rows: Vec<TableRow>,
        columns: Option<Vec<Column>>,
        version: Option<String>,
    },
    Delete {
        rows: Vec<RowId>,
        version: Option<String>,
    },
    Bookmark {
        version: String,
    },
    /// An ERROR event: the server's Status.
    Error(kube::core::Status),
}

/// The collection a `:KIND` list shows: a kind, in a namespace or every one.
#[derive(Clone)]
pub struct TableApi {
    client: kube::Client,
    kind: ApiKind,
    namespace: Option<String>,
}

fn with_accept(mut req: http::Request<Vec<u8>>) -> http::Request<Vec<u8>> {
    req.headers_mut().insert(http::header::ACCEPT, HeaderValue::from_static(ACCEPT));
    req
}

impl TableApi {
    pub fn new(client: kube::Client, kind: ApiKind, namespace: Option<String>) -> TableApi {
        TableApi { client, kind, namespace }
    }

    fn request(&self) -> kube::core::Request {
        kube::core::Request::new(self.kind.path(self.namespace.as_deref()))
    }

    pub async fn list(&self, lp: &ListParams) -> kube::Result<Page> {
        let req = self.request().list(lp).map_err(kube::Error::BuildRequest)?;
        let body: Value = self.client.request(with_accept(req)).await?;
        Ok(page(&body))
    }

    pub async fn watch(
        &self,
        wp: &WatchParams,
        version: &str,
    ) -> kube::Result<BoxStream<'static, kube::Result<Change>>> {
        let req = self.request().watch(wp, version).map_err(kube::Error::BuildRequest)?;
        let events = self.client.request_events::<Value>(with_accept(req)).await?;
        Ok(events.map(|r| r.map(change)).boxed())
    }
}

fn column_type(t: &str) -> ColumnType {
    match t {
        "integer" => ColumnType::Integer,
        "number" => ColumnType::Number,
        "date" => ColumnType::Date,
        "boolean" => ColumnType::Boolean,
        _ => ColumnType::Text,
    }
}

/// The columns of a Table; None when it carries none (a watch event after the first).
pub fn columns(table: &Value) -> Option<Vec<Column>> {
    let defs = table["columnDefinitions"].as_array().filter(|d| !d.is_empty())?;
    Some(
        defs.iter()
            .map(|c| Column {
                name: c["name"].as_str().unwrap_or("").to_string(),
                kind: column_type(c["type"].as_str().unwrap_or("string")),
                priority: c["priority"].as_i64().unwrap_or(0),
            })
            .collect(),
    )
}

/// kubectl's columns for a kind without a Table form.
pub fn fallback_columns() -> Vec<Column> {
    vec![
        Column { name: "Name".into(), kind: ColumnType::Text, priority: 0 },
        Column { name: "Age".into(), kind: ColumnType::Text, priority: 0 },
    ]
}

/// A cell as text: strings as they are, numbers and booleans written out, nothing as `<none>`.
pub fn cell(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "<none>".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        other => other.to_string(),
    }
}

fn meta_row(meta: &Value, cells: Vec<String>) -> TableRow {
    TableRow {
        namespace: meta["namespace"].as_str().map(str::to_string),
        name: meta["name"].as_str().unwrap_or("").to_string(),
        cells,
        created: meta["creationTimestamp"].as_str().and_then(parse_rfc3339),
    }
}

/// The rows of a Table (each with its object's metadata), or of a plain object or list.
pub fn rows(body: &Value) -> Vec<TableRow> {
    if body["kind"] == "Table" {
        return body["rows"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|r| {
                let cells = r["cells"].as_array().map(|c| c.iter().map(cell).collect()).unwrap_or_default();
                meta_row(&r["object"]["metadata"], cells)
            })
            .collect();
    }
    let objects: Vec<&Value> = match body["items"].as_array() {
        Some(items) => items.iter().collect(),
        None => vec![body],
    };
    objects
        .into_iter()
        .map(|o| {
            let m = &o["metadata"];
            meta_row(m, vec![cell(&m["name"]), String::new()])
        })
        .collect()
}

pub fn page(body: &Value) -> Page {
    let columns = if body["kind"] == "Table" { columns(body) } else { Some(fallback_columns()) };
    let meta = &body["metadata"];
    Page {
        columns,
        rows: rows(body),
        resource_version: meta["resourceVersion"].as_str().filter(|v| !v.is_empty()).map(str::to_string),
        continue_token: meta["continue"].as_str().filter(|c| !c.is_empty()).map(str::to_string),
    }
}

fn change(e: WatchEvent<Value>) -> Change {
    let version = |o: &Value| o["metadata"]["resourceVersion"].as_str().map(str::to_string);
    match e {
        WatchEvent::Added(o) | WatchEvent::Modified(o) => {
            let columns = if o["kind"] == "Table" { columns(&o) } else { None };
            Change::Upsert { rows: rows(&o), columns, version: version(&o) }
        }
        WatchEvent::Deleted(o) => {
            Change::Delete { rows: rows(&o).iter().map(TableRow::id).collect(), version: version(&o) }
        }
        WatchEvent::Bookmark(b) => Change::Bookmark { version: b.metadata.resource_version },
        WatchEvent::Error(s) => Change::Error(*s),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_table_page_gives_columns_and_rows_a_plain_list_the_fallback() {
        let t = json!({"kind": "Table", "apiVersion": "meta.k8s.io/v1",
            "metadata": {"resourceVersion": "42", "continue": "abc"},
            "columnDefinitions": [{"name": "Name", "type": "string", "format": "name", "priority": 0},
                                  {"name": "Data", "type": "integer", "priority": 0},
                                  {"name": "Selector", "type": "string", "priority": 1}],
            "rows": [{"cells": ["cfg", 2, null], "object": {"kind": "PartialObjectMetadata",
                "metadata": {"name": "cfg", "namespace": "ns", "creationTimestamp": "2026-11-18T14:00:00Z"}}}]});
        let p = page(&t);
        let cols = p.columns.unwrap();
        assert_eq!((cols[1].kind, cols[2].priority), (ColumnType::Integer, 1));
        assert_eq!(p.rows[0].cells, ["cfg", "2", "<none>"]);
        assert_eq!(p.rows[0].id(), ("ns".to_string(), "cfg".to_string()));
        assert!(p.rows[0].created.is_some());
        assert_eq!((p.resource_version.as_deref(), p.continue_token.as_deref()), (Some("42"), Some("abc")));
        let plain = json!({"kind": "WidgetList", "metadata": {"resourceVersion": "7"},
            "items": [{"metadata": {"name": "w1"}}]});
        let p = page(&plain);
        assert_eq!(p.columns.unwrap(), fallback_columns());
        assert_eq!(p.rows[0].cells[0], "w1");
    }

    #[test]
    fn watch_events_carry_columns_only_when_the_server_sends_them() {
        let ev = |cols: Value| {
            WatchEvent::Modified(json!({"kind": "Table", "metadata": {"resourceVersion": "9"},
                "columnDefinitions": cols, "rows": [{"cells": ["a"], "object": {"metadata": {"name": "a"}}}]}))
        };
        let Change::Upsert { columns, rows, version } =
            change(ev(json!([{"name": "Name", "type": "string"}])))
        else {
            panic!()
        };
        assert!(columns.is_some() && rows.len() == 1 && version.as_deref() == Some("9"));
        let Change::Upsert { columns, .. } = change(ev(Value::Null)) else { panic!() };
        assert!(columns.is_none());
    }
}
