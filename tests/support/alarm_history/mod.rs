//! A server for tests, on 127.0.0.1, in front of moto: it answers CloudWatch's
//! `DescribeAlarmHistory` (awsQuery protocol, as aws-sdk-cloudwatch 1.99 sends it), which moto
//! does not implement, from the alarm state changes it saw pass through (`PutMetricAlarm`
//! starts an alarm in INSUFFICIENT_DATA, `SetAlarmState` changes it), and passes every other
//! request to moto unchanged. History items are filtered by `StartDate` / `EndDate` and
//! `HistoryItemType` as the API documents, newest first.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Method, Uri, header};
use axum::response::Response;

#[derive(Clone, Debug)]
struct Item {
    at: i64,
    name: String,
    from: String,
    to: String,
    reason: String,
}

#[derive(Default)]
struct Shared {
    states: Mutex<BTreeMap<String, String>>,
    history: Mutex<Vec<Item>>,
    /// `DescribeAlarmHistory` requests answered, with their form fields.
    asked: Mutex<Vec<BTreeMap<String, String>>>,
}

pub struct AlarmHistoryServer {
    shared: Arc<Shared>,
    pub addr: SocketAddr,
    _task: tokio::task::JoinHandle<()>,
}

impl AlarmHistoryServer {
    /// Start in front of moto at `moto_url`.
    pub async fn start(moto_url: String) -> AlarmHistoryServer {
        let shared = Arc::new(Shared::default());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1");
        let addr = listener.local_addr().unwrap();
        let (s, http) = (shared.clone(), super::http());
        let app =
            axum::Router::new().fallback(move |method: Method, uri: Uri, headers: HeaderMap, body: Bytes| {
                let (s, http, moto) = (s.clone(), http.clone(), moto_url.clone());
                async move { handle(&s, &http, &moto, method, uri, headers, body).await }
            });
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        AlarmHistoryServer { shared, addr, _task: task }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The form fields of each `DescribeAlarmHistory` request answered.
    pub fn history_requests(&self) -> Vec<BTreeMap<String, String>> {
        self.shared.asked.lock().unwrap().clone()
    }
}

fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as i64
}

fn iso(ms: i64) -> String {
    let t = std::time::UNIX_EPOCH + std::time::Duration::from_millis(ms as u64);
    humantime::format_rfc3339_millis(t).to_string()
}

fn parse_iso(s: &str) -> Option<i64> {
    let t = humantime::parse_rfc3339_weak(s).ok()?;
    Some(t.duration_since(std::time::UNIX_EPOCH).ok()?.as_millis() as i64)
}

fn xml(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

async fn handle(
    shared: &Shared,
    http: &reqwest::Client,
    moto: &str,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let form: BTreeMap<String, String> = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let action = form.get("Action").cloned().unwrap_or_default();
    if action == "DescribeAlarmHistory" {
        shared.asked.lock().unwrap().push(form.clone());
        return describe(shared, &form);
    }
    // Everything else is moto's; the state changes that pass are remembered on the way.
    let mut req = http.request(method, format!("{moto}{}", uri.path_and_query().map_or("/", |p| p.as_str())));
    for (k, v) in &headers {
        if k != header::HOST && k != header::CONTENT_LENGTH {
            req = req.header(k, v);
        }
    }
    let resp = req.body(body.to_vec()).send().await.expect("moto answers");
    let status = resp.status();
    let content_type = resp.headers().get(header::CONTENT_TYPE).cloned();
    let bytes = resp.bytes().await.unwrap_or_default();
    if status.is_success() {
        record(shared, &action, &form);
    }
    let mut out = Response::builder().status(status.as_u16());
    if let Some(ct) = content_type {
        out = out.header(header::CONTENT_TYPE, ct);
    }
    out.body(Body::from(bytes)).unwrap()
}

fn record(shared: &Shared, action: &str, form: &BTreeMap<String, String>) {
    let Some(name) = form.get("AlarmName").cloned() else { return };
    let mut states = shared.states.lock().unwrap();
    let (to, reason) = match action {
        "PutMetricAlarm" if !states.contains_key(&name) => {
            ("INSUFFICIENT_DATA".to_string(), "Unchecked: Initial alarm creation".to_string())
        }
        "SetAlarmState" => (
            form.get("StateValue").cloned().unwrap_or_default(),
            form.get("StateReason").cloned().unwrap_or_default(),
        ),
        _ => return,
    };
    let from = states.insert(name.clone(), to.clone());
    if let Some(from) = from.filter(|f| *f != to) {
        shared.history.lock().unwrap().push(Item { at: now_ms(), name, from, to, reason });
    }
}

fn describe(shared: &Shared, form: &BTreeMap<String, String>) -> Response {
    let start = form.get("StartDate").and_then(|s| parse_iso(s)).unwrap_or(i64::MIN);
    let end = form.get("EndDate").and_then(|s| parse_iso(s)).unwrap_or(i64::MAX);
    let only = form.get("HistoryItemType");
    let mut items: Vec<Item> = shared
        .history
        .lock()
        .unwrap()
        .iter()
        .filter(|i| i.at >= start && i.at <= end && only.is_none_or(|t| t == "StateUpdate"))
        .filter(|i| form.get("AlarmName").is_none_or(|n| *n == i.name))
        .cloned()
        .collect();
    items.sort_by_key(|i| std::cmp::Reverse(i.at));
    let members: String = items
        .iter()
        .map(|i| {
            let data = serde_json::json!({"version": "1.0",
                "oldState": {"stateValue": i.from, "stateReason": ""},
                "newState": {"stateValue": i.to, "stateReason": i.reason}});
            format!(
                "<member><AlarmName>{}</AlarmName><AlarmType>MetricAlarm</AlarmType><Timestamp>{}</Timestamp>\
                 <HistoryItemType>StateUpdate</HistoryItemType><HistorySummary>Alarm updated from {} to {}</HistorySummary>\
                 <HistoryData>{}</HistoryData></member>",
                xml(&i.name),
                iso(i.at),
                xml(&i.from),
                xml(&i.to),
                xml(&data.to_string())
            )
        })
        .collect();
    let body = format!(
        "<DescribeAlarmHistoryResponse xmlns=\"http://monitoring.amazonaws.com/doc/2010-08-01/\">\
         <DescribeAlarmHistoryResult><AlarmHistoryItems>{members}</AlarmHistoryItems></DescribeAlarmHistoryResult>\
         <ResponseMetadata><RequestId>flightdeck-test</RequestId></ResponseMetadata></DescribeAlarmHistoryResponse>"
    );
    Response::builder().status(200).header(header::CONTENT_TYPE, "text/xml").body(Body::from(body)).unwrap()
}
