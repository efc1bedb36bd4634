//! Any kind in the Table form, the columns and rows `kubectl get` prints: the list (paged, as
//! kubectl pages it) and the watch, both asked with kubectl's own Accept header, and their
//! answers turned into the store's rows. A server that answers a plain list instead gets
//! kubectl's fallback columns (Name, Age). A `Collection` for `list_watch`, which owns every
//! wait and retry.

use std::borrow::Cow;

use futures::StreamExt;
use futures::future::BoxFuture;
use http::HeaderValue;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ListMeta, ObjectMeta};
use kube::api::{ListParams, ObjectList, TypeMeta, WatchEvent, WatchParams};
use serde_json::Value;

use super::list_watch::{Collection, Events};
use crate::domain::ApiKind;
use crate::domain::format::parse_rfc3339;
use crate::state::resources::{Column, ColumnType, TableRow};

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

/// One row as `list_watch` carries it: the row, its object's metadata (the resourceVersion the
/// loop resumes from), and the columns when the answer it came in carried them (a list's
/// first row; a watch's first event, the only one the API server sends them with).
#[derive(Clone, Debug)]
pub struct RowObject {
    pub meta: ObjectMeta,
    pub row: TableRow,
    pub columns: Option<Vec<Column>>,
}

impl kube::Resource for RowObject {
    type DynamicType = ();
    type Scope = kube::core::DynamicResourceScope;

    fn kind(_: &()) -> Cow<'_, str> {
        "TableRow".into()
    }
    fn group(_: &()) -> Cow<'_, str> {
        "meta.k8s.io".into()
    }
    fn version(_: &()) -> Cow<'_, str> {
        "v1".into()
    }
    fn plural(_: &()) -> Cow<'_, str> {
        "tablerows".into()
    }
    fn meta(&self) -> &ObjectMeta {
        &self.meta
    }
    fn meta_mut(&mut self) -> &mut ObjectMeta {
        &mut self.meta
    }
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
}

/// The rows of an answer, each with its object's metadata; the columns on the first.
fn row_objects(body: &Value, columns: Option<Vec<Column>>) -> Vec<RowObject> {
    let meta = |v: &Value| serde_json::from_value::<ObjectMeta>(v.clone()).unwrap_or_default();
    let metas: Vec<ObjectMeta> = match (body["rows"].as_array(), body["items"].as_array()) {
        (Some(rows), _) => rows.iter().map(|r| meta(&r["object"]["metadata"])).collect(),
        (None, Some(items)) => items.iter().map(|o| meta(&o["metadata"])).collect(),
        (None, None) => vec![meta(&body["metadata"])],
    };
    let mut columns = columns;
    rows(body)
        .into_iter()
        .zip(metas)
        .map(|(row, meta)| RowObject { meta, row, columns: columns.take() })
        .collect()
}

impl Collection for TableApi {
    type Item = RowObject;

    fn list<'a>(&'a self, lp: &'a ListParams) -> BoxFuture<'a, kube::Result<ObjectList<RowObject>>> {
        Box::pin(async move {
            let req = self.request().list(lp).map_err(kube::Error::BuildRequest)?;
            let body: Value = self.client.request(with_accept(req)).await?;
            let p = page(&body);
            let metadata = ListMeta {
                resource_version: p.resource_version,
                continue_: p.continue_token,
                ..ListMeta::default()
            };
            Ok(ObjectList {
                types: TypeMeta { api_version: "meta.k8s.io/v1".into(), kind: "Table".into() },
                metadata,
                items: row_objects(&body, p.columns),
            })
        })
    }

    fn watch<'a>(
        &'a self,
        wp: &'a WatchParams,
        version: &'a str,
    ) -> BoxFuture<'a, kube::Result<Events<RowObject>>> {
        Box::pin(async move {
            let req = self.request().watch(wp, version).map_err(kube::Error::BuildRequest)?;
            let events = self.client.request_events::<Value>(with_accept(req)).await?;
            // One row an event, as the API server sends them; an event without one is skipped.
            let rows = events.filter_map(|r| async move {
                match r {
                    Ok(e) => change(e).map(Ok),
                    Err(e) => Some(Err(e)),
                }
            });
            Ok(rows.boxed())
        })
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

/// A watch event in the Table form as an event of its (one) row.
fn change(e: WatchEvent<Value>) -> Option<WatchEvent<RowObject>> {
    let one = |o: &Value| {
        let cols = if o["kind"] == "Table" { columns(o) } else { None };
        row_objects(o, cols).into_iter().next()
    };
    Some(match e {
        WatchEvent::Added(o) => WatchEvent::Added(one(&o)?),
        WatchEvent::Modified(o) => WatchEvent::Modified(one(&o)?),
        WatchEvent::Deleted(o) => WatchEvent::Deleted(one(&o)?),
        WatchEvent::Bookmark(b) => WatchEvent::Bookmark(b),
        WatchEvent::Error(s) => WatchEvent::Error(s),
    })
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
                "columnDefinitions": cols, "rows": [{"cells": ["a"], "object": {"metadata": {"name": "a", "resourceVersion": "9"}}}]}))
        };
        let Some(WatchEvent::Modified(r)) = change(ev(json!([{"name": "Name", "type": "string"}]))) else {
            panic!()
        };
        use kube::Resource;
        assert!(
            r.columns.is_some() && r.row.name == "a" && r.meta().resource_version.as_deref() == Some("9")
        );
        let Some(WatchEvent::Modified(r)) = change(ev(Value::Null)) else { panic!() };
        assert!(r.columns.is_none());
    }
}
