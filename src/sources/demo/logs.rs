//! Log lines for the demo's containers, made up to fit each one: nginx access lines for the
//! frontend, JSON lines for the Node.js services, gunicorn for order, klog for controllers;
//! and a crash for a container whose last run failed (the bad cart image throws on the first
//! cart it prices). Deterministic: a container's n-th line is always the same.

use super::world::{BAD_IMAGE, fnv, splitmix64};
use crate::state::UnixMs;
use crate::state::pod_detail::{ContainerDetail, ContainerState};

/// How long a crashed run lived: the world's last state starts 4 s before it finishes.
const CRASHED_RUN_MS: i64 = 4_000;

/// The run a log request reads, as the kubelet picks it: `previous` is the last terminated
/// run, and so is the current log of a container waiting to restart after a crash.
pub fn run_of<'a>(c: &'a ContainerDetail, previous: bool, pod: &str) -> Result<&'a ContainerState, String> {
    let name = &c.name;
    match (&c.state, &c.last_state) {
        (_, None) if previous => {
            Err(format!("previous terminated container \"{name}\" in pod \"{pod}\" not found"))
        }
        (_, Some(last)) if previous => Ok(last),
        (ContainerState::Waiting { .. }, Some(last)) => Ok(last),
        (ContainerState::Waiting { reason, .. }, None) => {
            Err(format!("container \"{name}\" in pod \"{pod}\" is waiting to start: {reason}"))
        }
        (ContainerState::Unknown, _) => {
            Err(format!("container \"{name}\" in pod \"{pod}\" is waiting to start: ContainerCreating"))
        }
        (state, _) => Ok(state),
    }
}

/// How a container speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Dialect {
    Nginx,
    Node,
    Gunicorn,
    Klog,
}

/// The lines of one container run.
pub struct LogGen {
    seed: u64,
    dialect: Dialect,
    name: String,
    image: String,
    /// When the run started, and the gap between lines (ms).
    started_at: UnixMs,
    every: i64,
    /// The run ended at this time with this (a crashed container): its log stops there.
    crash: Option<(UnixMs, String)>,
    timestamps: bool,
}

impl LogGen {
    /// `state` is the run's state: the current one, or the last state for `previous`.
    pub fn new(
        pod: &str,
        container: &str,
        image: &str,
        state: &ContainerState,
        timestamps: bool,
        now: UnixMs,
    ) -> LogGen {
        let base = image.rsplit('/').next().unwrap_or(image);
        let dialect = match base.split(':').next().unwrap_or("") {
            "frontend" => Dialect::Nginx,
            "product" | "cart" => Dialect::Node,
            "order" => Dialect::Gunicorn,
            _ => Dialect::Klog,
        };
        // Times come from the run, never from `now` alone: a log read twice must be the same
        // log, or lines read before and after a reconnect interleave out of order.
        let (started_at, crash) = match state {
            ContainerState::Terminated { finished_at, exit_code, reason, .. } => {
                let end = finished_at.unwrap_or(now);
                (end - CRASHED_RUN_MS, Some((end, format!("{reason} (exit code {exit_code})"))))
            }
            ContainerState::Running { started_at } => (started_at.unwrap_or(now - 600_000), None),
            _ => (now, None),
        };
        let every = if dialect == Dialect::Klog { 9_000 } else { 1_500 };
        LogGen {
            seed: fnv(format!("{pod}/{container}").as_bytes()),
            dialect,
            name: container.to_string(),
            image: image.to_string(),
            started_at,
            every,
            crash,
            timestamps,
        }
    }

    /// When the run started: a different value is a different run.
    pub fn started_at(&self) -> UnixMs {
        self.started_at
    }

    /// The last `tail` lines written up to `now` (a crashed run: up to its crash).
    pub fn history(&self, now: UnixMs, tail: usize) -> Vec<String> {
        let n = self.position(now);
        let from = n.saturating_sub(tail as u64);
        let mut out = if from == 0 { self.startup() } else { Vec::new() };
        out.extend((from..n).map(|i| self.line(i)));
        if self.crash.is_some() {
            out.extend(self.crash_lines());
        }
        let skip = out.len().saturating_sub(tail);
        out.split_off(skip)
    }

    /// How many regular lines precede `now`: where following picks up. A crashed run died
    /// starting up, before its first regular line, so following it adds nothing.
    pub fn position(&self, now: UnixMs) -> u64 {
        if self.crash.is_some() {
            return 0;
        }
        ((now - self.started_at).max(0) / self.every) as u64
    }

    /// The lines that end a crashed run (none for a live one).
    pub fn ending(&self) -> Vec<String> {
        if self.crash.is_some() { self.crash_lines() } else { Vec::new() }
    }

    fn stamp(&self, at: UnixMs, text: String) -> String {
        if !self.timestamps {
            return text;
        }
        let t = std::time::UNIX_EPOCH + std::time::Duration::from_millis(at.max(0) as u64);
        let s = humantime::format_rfc3339_nanos(t).to_string();
        format!("{s} {text}")
    }

    fn startup(&self) -> Vec<String> {
        let at = self.started_at;
        let version = self.image.rsplit(':').next().unwrap_or("latest");
        let lines: Vec<String> = match self.dialect {
            Dialect::Nginx => vec![
                "/docker-entrypoint.sh: Configuration complete; ready for start up".into(),
                format!("{} [notice] 1#1: nginx/1.27.1", clf(at)),
                format!("{} [notice] 1#1: start worker processes", clf(at)),
            ],
            Dialect::Node => vec![
                json_line(at, "info", &format!("{} {version} starting", self.name), "\"node\":\"v20.17.0\""),
                json_line(
                    at + 1,
                    "info",
                    "connected to redis",
                    "\"host\":\"shop-prod-redis.x1y2z3.use1.cache.amazonaws.com:6379\"",
                ),
                json_line(at + 2, "info", "listening", "\"port\":8080"),
            ],
            Dialect::Gunicorn => vec![
                format!("[{}] [1] [INFO] Starting gunicorn 22.0.0", py_time(at)),
                format!("[{}] [1] [INFO] Listening at: http://0.0.0.0:8080 (1)", py_time(at)),
                format!("[{}] [7] [INFO] Booting worker with pid: 7", py_time(at)),
            ],
            Dialect::Klog => vec![
                klog(at, "main.go:84", &format!("\"Starting\" version=\"{version}\"")),
                klog(at + 1, "leaderelection.go:254", "\"attempting to acquire leader lease\""),
            ],
        };
        // A millisecond apart, so that the log is strictly in time order with timestamps.
        lines.into_iter().enumerate().map(|(k, l)| self.stamp(at + k as i64, l)).collect()
    }

    /// The `i`-th line after startup.
    pub fn line(&self, i: u64) -> String {
        let at = self.started_at + (i as i64 + 1) * self.every;
        let r = splitmix64(self.seed ^ i);
        let ms = 3 + r % 140;
        let text = match self.dialect {
            Dialect::Nginx => {
                const PATHS: &[&str] = &["/", "/products", "/cart", "/static/js/main.8f3a.js", "/api/health"];
                let path = PATHS[(r >> 8) as usize % PATHS.len()];
                let code = if r.is_multiple_of(97) { 502 } else { 200 };
                format!(
                    "10.0.{}.{} - - [{}] \"GET {path} HTTP/1.1\" {code} {} \"-\" \"Mozilla/5.0\"",
                    (r >> 16) % 96,
                    (r >> 24) % 250,
                    clf(at),
                    512 + (r >> 4) % 40_000
                )
            }
            Dialect::Node => {
                const ROUTES: &[&str] =
                    &["GET /api/cart", "POST /api/cart/items", "GET /api/products", "GET /healthz"];
                let route = ROUTES[(r >> 8) as usize % ROUTES.len()];
                if r.is_multiple_of(61) {
                    json_line(
                        at,
                        "warn",
                        "slow upstream",
                        &format!("\"route\":\"{route}\",\"ms\":{}", 800 + ms * 10),
                    )
                } else {
                    json_line(
                        at,
                        "info",
                        "request",
                        &format!("\"route\":\"{route}\",\"status\":200,\"ms\":{ms}"),
                    )
                }
            }
            Dialect::Gunicorn => format!(
                "10.0.{}.{} - - [{}] \"POST /orders HTTP/1.1\" 201 {}",
                (r >> 16) % 96,
                (r >> 24) % 250,
                clf(at),
                180 + r % 90
            ),
            Dialect::Klog => klog(
                at,
                "controller.go:221",
                &format!("\"Reconciled\" object=\"{}\" duration=\"{ms}ms\"", self.name),
            ),
        };
        self.stamp(at, text)
    }

    /// How the run ended: the bad cart image throws on the first cart it prices; anything
    /// else dies of an error its dialect would print.
    fn crash_lines(&self) -> Vec<String> {
        let at = self.crash.as_ref().map_or(self.started_at, |(end, _)| *end);
        let bad_cart = self.image.contains(BAD_IMAGE);
        let lines: Vec<String> = match self.dialect {
            Dialect::Node if bad_cart => vec![
                json_line(
                    at,
                    "error",
                    "unhandled rejection",
                    "\"err\":\"TypeError: Cannot read properties of undefined (reading 'priceCents')\"",
                ),
                "    at CartService.total (/app/dist/cart/service.js:87:41)".into(),
                "    at async CartController.get (/app/dist/routes/cart.js:42:19)".into(),
                "    at async /app/node_modules/express/lib/router/layer.js:95:5".into(),
                json_line(at + 4, "fatal", "shutting down after unhandled rejection", "\"exitCode\":1"),
            ],
            Dialect::Node => vec![json_line(at, "fatal", "redis connection lost", "\"exitCode\":1")],
            Dialect::Gunicorn => {
                vec![format!("[{}] [1] [ERROR] Worker (pid:7) exited with code 1", py_time(at))]
            }
            Dialect::Nginx => {
                vec![format!("{} [emerg] 1#1: host not found in upstream \"product\"", clf(at))]
            }
            Dialect::Klog => {
                vec![klog(at, "main.go:120", "\"Fatal error\" err=\"context deadline exceeded\"")]
            }
        };
        lines.into_iter().enumerate().map(|(k, l)| self.stamp(at + k as i64, l)).collect()
    }
}

/// The time as RFC 3339 to the second ("2026-11-18T14:02:31Z"), which the other forms cut up.
fn rfc(at: UnixMs) -> String {
    let t = std::time::UNIX_EPOCH + std::time::Duration::from_millis(at.max(0) as u64);
    humantime::format_rfc3339_seconds(t).to_string()
}

/// nginx's time: 18/Nov/2026:14:02:31 +0000.
fn clf(at: UnixMs) -> String {
    const MONTHS: [&str; 12] =
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let r = rfc(at);
    let month = r[5..7].parse::<usize>().unwrap_or(1).clamp(1, 12);
    format!("{}/{}/{}:{} +0000", &r[8..10], MONTHS[month - 1], &r[0..4], &r[11..19])
}

fn py_time(at: UnixMs) -> String {
    let r = rfc(at);
    format!("{} {} +0000", &r[0..10], &r[11..19])
}

/// klog's header: I1118 14:02:31.123000.
fn klog(at: UnixMs, file: &str, msg: &str) -> String {
    let r = rfc(at);
    let ms = at.rem_euclid(1000);
    format!("I{}{} {}.{ms:03}000       1 {file}] {msg}", &r[5..7], &r[8..10], &r[11..19])
}

fn json_line(at: UnixMs, level: &str, msg: &str, extra: &str) -> String {
    let t = std::time::UNIX_EPOCH + std::time::Duration::from_millis(at.max(0) as u64);
    let t = humantime::format_rfc3339_millis(t);
    format!("{{\"time\":\"{t}\",\"level\":\"{level}\",\"msg\":\"{msg}\",{extra}}}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::PodKey;
    use crate::sources::demo::{FIXED_EPOCH, run_headless};
    use crate::sources::kube::pod_detail;

    /// The crash-looping cart pod of seed 7 at 240 s, while it waits to restart.
    fn waiting_cart() -> (ContainerDetail, String, UnixMs) {
        let (world, _) = run_headless(7, FIXED_EPOCH, 240);
        let pod = world
            .pods()
            .into_iter()
            .find(|p| p.name.starts_with("cart-") && p.reason.is_some() && p.ready == 0)
            .expect("a crash-looping cart pod");
        let key =
            PodKey { cluster: Default::default(), namespace: pod.namespace.clone(), name: pod.name.clone() };
        let snap = world.pod_manifest(&key).expect("the world has the pod");
        let d = pod_detail::detail(&snap.pod, snap.now);
        (d.containers[0].clone(), pod.name.to_string(), snap.now)
    }

    /// The times of `--timestamps` lines, as written.
    fn times(lines: &[String]) -> Vec<String> {
        lines.iter().map(|l| l.split_once(' ').expect("a timestamp").0.to_string()).collect()
    }

    #[test]
    fn a_waiting_container_logs_its_crashed_run_and_following_adds_nothing() {
        let (mut c, pod, now) = waiting_cart();
        if !matches!(c.state, ContainerState::Waiting { .. }) {
            c.state = ContainerState::Waiting { reason: "CrashLoopBackOff".into(), message: None };
        }
        let run = run_of(&c, false, &pod).unwrap();
        assert!(matches!(run, ContainerState::Terminated { .. }), "{run:?}");
        assert_eq!(run, run_of(&c, true, &pod).unwrap());
        let logs = LogGen::new(&pod, &c.name, &c.image, run, false, now);
        let lines = logs.history(now, 1000);
        assert!(lines.len() < 12, "{lines:#?}");
        assert!(lines[0].contains("starting"), "{lines:#?}");
        assert!(lines.last().unwrap().contains("shutting down after unhandled rejection"), "{lines:#?}");
        assert!(!lines.iter().any(|l| l.contains("\"msg\":\"request\"")), "{lines:#?}");
        assert_eq!(logs.position(now), logs.position(now + 3_600_000));
        assert_eq!(logs.history(now + 3_600_000, 1000), lines);

        c.last_state = None;
        let err = run_of(&c, false, &pod).unwrap_err();
        assert!(err.ends_with("is waiting to start: CrashLoopBackOff"), "{err}");
        assert!(run_of(&c, true, &pod).unwrap_err().starts_with("previous terminated container"));
    }

    #[test]
    fn backlogs_are_strictly_in_time_order_and_the_same_when_read_again() {
        let (c, pod, now) = waiting_cart();
        let crashed = c.last_state.clone().unwrap();
        let running = ContainerState::Running { started_at: Some(now - 900_000) };
        for image in ["frontend:1.4.2", "cart:2.3.1", "order:1.9.0", "coredns:v1.11.3", &c.image] {
            for run in [&crashed, &running] {
                let logs = LogGen::new(&pod, &c.name, image, run, true, now);
                let lines = logs.history(now, 1000);
                let t = times(&lines);
                assert!(t.windows(2).all(|w| w[0] < w[1]), "{image} {run:?}: {lines:#?}");
                // Read again later, as a reconnect does: the same lines, not a shifted copy.
                let again = LogGen::new(&pod, &c.name, image, run, true, now + 45_000);
                assert_eq!(again.history(now, 1000), lines, "{image}");
            }
        }
    }
}
