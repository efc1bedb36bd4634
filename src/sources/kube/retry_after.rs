//! A layer on the kube client that carries a 429's or 503's `Retry-After` header into the
//! Status the client parses. It changes no other answer and never waits or retries itself.
//!
//! kube keeps an error's body but drops its headers, and API priority and fairness answers 429
//! with a plain-text body and the wait in the header only; without this layer the wait the
//! server asked for would be lost before the watch could honour it.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, Request, Response, header};
use http_body_util::{BodyExt, Either, Full};
use serde_json::{Value, json};
use tower::{BoxError, Layer, Service};

#[derive(Clone, Copy, Debug, Default)]
pub struct RetryAfterLayer;

impl<S> Layer<S> for RetryAfterLayer {
    type Service = RetryAfter<S>;
    fn layer(&self, inner: S) -> RetryAfter<S> {
        RetryAfter(inner)
    }
}

#[derive(Clone, Debug)]
pub struct RetryAfter<S>(S);

type Answer<B> = Response<Either<B, Full<Bytes>>>;

impl<S, B, ReqBody> Service<Request<ReqBody>> for RetryAfter<S>
where
    S: Service<Request<ReqBody>, Response = Response<B>>,
    S::Future: Send + 'static,
    S::Error: Into<BoxError>,
    B: http_body::Body<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    type Response = Answer<B>;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<Answer<B>, BoxError>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.0.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, req: Request<ReqBody>) -> Self::Future {
        let answer = self.0.call(req);
        Box::pin(async move {
            let res = answer.await.map_err(Into::into)?;
            let code = res.status().as_u16();
            let Some(wait) = retry_after(res.headers()).filter(|_| code == 429 || code == 503) else {
                return Ok(res.map(Either::Left));
            };
            let (mut parts, body) = res.into_parts();
            let text = body.collect().await.map_err(Into::into)?.to_bytes();
            let status = with_retry_after(&text, code, wait);
            parts.headers.insert(header::CONTENT_TYPE, "application/json".parse().expect("a header value"));
            parts.headers.remove(header::CONTENT_LENGTH);
            Ok(Response::from_parts(parts, Either::Right(Full::new(Bytes::from(status.to_string())))))
        })
    }
}

/// `Retry-After` in seconds. The HTTP-date form is not used by API servers and is ignored.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let v = headers.get(header::RETRY_AFTER)?.to_str().ok()?;
    v.trim().parse::<u64>().ok().map(Duration::from_secs)
}

/// The answer as a Status whose details name the wait: the server's own Status when it sent
/// one (a wait it already named is kept), else one around its text.
fn with_retry_after(body: &[u8], code: u16, wait: Duration) -> Value {
    let secs = wait.as_secs().min(u64::from(u32::MAX));
    let mut status = match serde_json::from_slice::<Value>(body) {
        Ok(v) if v["kind"] == "Status" => v,
        _ => {
            let reason = if code == 429 { "TooManyRequests" } else { "ServiceUnavailable" };
            let text = String::from_utf8_lossy(body).trim().to_string();
            json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                   "message": text, "reason": reason, "code": code})
        }
    };
    if !status["details"].is_object() {
        status["details"] = json!({});
    }
    if status["details"]["retryAfterSeconds"].as_u64().unwrap_or(0) == 0 {
        status["details"]["retryAfterSeconds"] = json!(secs);
    }
    status
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_text_429_becomes_a_status_with_its_wait() {
        let s =
            with_retry_after(b"Too many requests, please try again later.\n", 429, Duration::from_secs(5));
        let s: kube::core::Status = serde_json::from_value(s).unwrap();
        assert_eq!((s.code, s.reason.as_str()), (429, "TooManyRequests"));
        assert_eq!(s.message, "Too many requests, please try again later.");
        assert_eq!(s.details.unwrap().retry_after_seconds, 5);
    }

    #[test]
    fn a_status_keeps_its_own_wait_and_message() {
        let body = json!({"kind": "Status", "code": 503, "message": "etcd is down", "reason": "ServiceUnavailable",
                          "details": {"retryAfterSeconds": 3}});
        let s = with_retry_after(body.to_string().as_bytes(), 503, Duration::from_secs(10));
        assert_eq!(s["details"]["retryAfterSeconds"], 3);
        assert_eq!(s["message"], "etcd is down");
        let body = json!({"kind": "Status", "code": 503, "message": "etcd is down"});
        let s = with_retry_after(body.to_string().as_bytes(), 503, Duration::from_secs(10));
        assert_eq!(s["details"]["retryAfterSeconds"], 10);
    }

    #[test]
    fn only_seconds_are_read() {
        let mut h = HeaderMap::new();
        h.insert(header::RETRY_AFTER, "7".parse().unwrap());
        assert_eq!(retry_after(&h), Some(Duration::from_secs(7)));
        h.insert(header::RETRY_AFTER, "Wed, 21 Oct 2026 07:28:00 GMT".parse().unwrap());
        assert_eq!(retry_after(&h), None);
    }
}
