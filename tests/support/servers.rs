//! The real servers the tests talk to, started on 127.0.0.1 and killed when dropped:
//! Alertmanager (Debian `prometheus-alertmanager`) and moto (PyPI `moto`). Each binds port 0
//! and the port it got is read from its log, so parallel tests never race for a port. A
//! missing server is a failure that says how to get it, never a skipped test.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Block until `ready` gives a value, or fail naming the server and showing its log.
fn wait_until<T>(what: &str, child: &mut Child, log: &std::path::Path, ready: impl Fn() -> Option<T>) -> T {
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        if let Ok(Some(status)) = child.try_wait() {
            panic!(
                "{what} exited at start ({status}); its log:\n{}",
                std::fs::read_to_string(log).unwrap_or_default()
            );
        }
        if let Some(v) = ready() {
            return v;
        }
        // Polling a child process and its log: there is no event to wait on.
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!(
        "{what} was not ready within 20 s; its log:\n{}",
        std::fs::read_to_string(log).unwrap_or_default()
    );
}

/// The port a server says in its log it listens on, after `marker` (`address=127.0.0.1:`).
fn port_in_log(log: &std::path::Path, marker: &str) -> Option<u16> {
    let text = std::fs::read_to_string(log).ok()?;
    let (_, rest) = text.split_once(marker)?;
    rest.chars().take_while(char::is_ascii_digit).collect::<String>().parse().ok()
}

/// A tiny blocking GET, usable before or outside the tests' async runtime.
mod probe {
    use std::io::{Read, Write};
    use std::net::TcpStream;
    use std::time::Duration;

    pub fn get_ok(url: &str) -> bool {
        let rest = url.trim_start_matches("http://");
        let (host, path) =
            rest.split_once('/').map_or((rest, "/".to_string()), |(h, p)| (h, format!("/{p}")));
        let Ok(mut s) = TcpStream::connect(host) else { return false };
        let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
        if write!(s, "GET {path} HTTP/1.0\r\nHost: {host}\r\n\r\n").is_err() {
            return false;
        }
        let mut buf = [0u8; 16];
        s.read(&mut buf).is_ok_and(|n| n >= 12 && buf[9] == b'2')
    }
}

fn require(binary: &str, how: &str) -> PathBuf {
    let found = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .map(|d| d.join(binary))
        .find(|p| p.is_file());
    found.unwrap_or_else(|| panic!("{binary} is not installed; {how} (scripts/test installs it)"))
}

pub struct Alertmanager {
    pub port: u16,
    dir: tempfile::TempDir,
    child: Option<Child>,
}

impl Alertmanager {
    pub fn start() -> Alertmanager {
        Self::start_with_web_config(None)
    }

    /// With a `--web.config.file` (basic auth users, TLS), as a protected Alertmanager runs.
    pub fn start_with_web_config(web_config: Option<&str>) -> Alertmanager {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("am.yml"), "route: {receiver: n}\nreceivers: [{name: n}]\n").unwrap();
        if let Some(web) = web_config {
            std::fs::write(dir.path().join("web.yml"), web).unwrap();
        }
        // Port 0 the first time; a resume after an outage takes the port it had.
        let mut am = Alertmanager { port: 0, dir, child: None };
        am.resume();
        am
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Post alerts through its API v2.
    pub async fn post_alerts(&self, alerts: &serde_json::Value) {
        let resp =
            super::http().post(format!("{}/api/v2/alerts", self.url())).json(alerts).send().await.unwrap();
        assert!(resp.status().is_success(), "posting alerts: {}", resp.status());
    }

    /// `GET /api/v2{path}` as JSON.
    pub async fn get(&self, path: &str) -> serde_json::Value {
        super::http().get(format!("{}/api/v2{path}", self.url())).send().await.unwrap().json().await.unwrap()
    }

    /// Start (again) on the same port and storage, as after an outage.
    pub fn resume(&mut self) {
        let bin = require(
            "prometheus-alertmanager",
            "apt-get install --no-install-recommends prometheus-alertmanager",
        );
        let log = self.dir.path().join("am.log");
        let web = self.dir.path().join("web.yml");
        let mut cmd = Command::new(bin);
        if web.exists() {
            cmd.arg(format!("--web.config.file={}", web.display()));
        }
        let child = cmd
            .arg(format!("--config.file={}", self.dir.path().join("am.yml").display()))
            .arg(format!("--storage.path={}", self.dir.path().join("data").display()))
            .arg(format!("--web.listen-address=127.0.0.1:{}", self.port))
            // No gossip: the default listens on 0.0.0.0:9094.
            .arg("--cluster.listen-address=")
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .expect("start prometheus-alertmanager");
        self.child = Some(child);
        let wanted = self.port;
        // /-/ready sits behind basic auth too, so a protected one is waited for by its port.
        let protected = web.exists();
        self.port = wait_until("Alertmanager", self.child.as_mut().unwrap(), &log, || {
            let port = port_in_log(&log, "msg=\"Listening on\" address=127.0.0.1:")?;
            let up = if protected {
                std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
            } else {
                probe::get_ok(&format!("http://127.0.0.1:{port}/-/ready"))
            };
            (up && (wanted == 0 || port == wanted)).then_some(port)
        });
    }

    pub fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

impl Drop for Alertmanager {
    fn drop(&mut self) {
        self.stop();
    }
}

pub struct Moto {
    pub port: u16,
    child: Child,
    _dir: tempfile::TempDir,
}

impl Moto {
    pub fn start() -> Moto {
        let bin = require("moto_server", "pip install moto flask flask-cors");
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("moto.log");
        let mut child = Command::new(bin)
            .args(["-H", "127.0.0.1", "-p", "0"])
            .stdout(std::fs::File::create(dir.path().join("moto.out")).unwrap())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .expect("start moto_server");
        // werkzeug says where it listens on stderr: " * Running on http://127.0.0.1:PORT".
        let port = wait_until("moto", &mut child, &log, || {
            let port = port_in_log(&log, "Running on http://127.0.0.1:")?;
            probe::get_ok(&format!("http://127.0.0.1:{port}/moto-api/")).then_some(port)
        });
        Moto { port, child, _dir: dir }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The AWS SDK's config for this server: static credentials, us-east-1, endpoint here.
    pub async fn sdk(&self) -> aws_config::SdkConfig {
        use aws_sdk_cloudwatch::config::{BehaviorVersion, Credentials, Region};
        aws_config::defaults(BehaviorVersion::latest())
            .http_client(flightdeck::sources::tls::aws_https_client())
            .region(Region::new("us-east-1"))
            .endpoint_url(self.url())
            .credentials_provider(Credentials::new("testing", "testing", None, None, "tests"))
            .load()
            .await
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
