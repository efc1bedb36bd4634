//! A TLS front for the plain-HTTP test servers (moto, the Kubernetes-API test server, a fake
//! SSO portal): it terminates TLS on 127.0.0.1 with a certificate from `tests/fixtures/tls/`
//! and copies the bytes to the server behind it. It runs on its own thread and runtime, so a
//! test may block on a child process while it serves. The handshakes it saw fail are kept: a
//! client that refused the certificate says so in its alert ("UnknownCA", "BadCertificate").

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

/// The CA that signed [`Cert::Trusted`], PEM: give it to a client to make it trust the front.
pub const TRUSTED_CA: &str = include_str!("../fixtures/tls/trusted-ca.pem");

/// The server certificate the front shows, both for `localhost` and `127.0.0.1`.
#[derive(Clone, Copy, Debug)]
pub enum Cert {
    /// Signed by [`TRUSTED_CA`].
    Trusted,
    /// Signed by another CA, which no client here is told to trust.
    Rogue,
}

pub struct TlsFront {
    pub addr: SocketAddr,
    failed: Arc<Mutex<Vec<String>>>,
    forwarded: Arc<Mutex<usize>>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl TlsFront {
    /// Serve TLS with `cert` and forward every connection to `backend`.
    pub fn start(cert: Cert, backend: SocketAddr) -> TlsFront {
        let (chain, key) = match cert {
            Cert::Trusted => (
                include_bytes!("../fixtures/tls/server.pem").as_slice(),
                include_bytes!("../fixtures/tls/server.key").as_slice(),
            ),
            Cert::Rogue => (
                include_bytes!("../fixtures/tls/rogue.pem").as_slice(),
                include_bytes!("../fixtures/tls/rogue.key").as_slice(),
            ),
        };
        let chain: Vec<CertificateDer<'static>> =
            CertificateDer::pem_slice_iter(chain).collect::<Result<_, _>>().expect("fixture certificate");
        let key = PrivateKeyDer::from_pem_slice(key).expect("fixture key");
        // The process's one crypto provider, as the clients under test use it.
        let mut config = rustls::ServerConfig::builder()
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .expect("server certificate and key");
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));

        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        listener.set_nonblocking(true).unwrap();
        let addr = listener.local_addr().unwrap();
        let failed = Arc::new(Mutex::new(Vec::new()));
        let forwarded = Arc::new(Mutex::new(0));
        let (stop, stopped) = tokio::sync::oneshot::channel();
        let (f, n) = (failed.clone(), forwarded.clone());
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).unwrap();
                let serve = async {
                    loop {
                        let Ok((tcp, _)) = listener.accept().await else { continue };
                        let (acceptor, f, n) = (acceptor.clone(), f.clone(), n.clone());
                        tokio::spawn(async move {
                            let mut tls = match acceptor.accept(tcp).await {
                                Ok(s) => s,
                                Err(e) => {
                                    f.lock().unwrap().push(e.to_string());
                                    return;
                                }
                            };
                            let Ok(mut back) = tokio::net::TcpStream::connect(backend).await else { return };
                            *n.lock().unwrap() += 1;
                            let _ = tokio::io::copy_bidirectional(&mut tls, &mut back).await;
                        });
                    }
                };
                tokio::select! {
                    () = serve => {}
                    _ = stopped => {}
                }
            });
        });
        TlsFront { addr, failed, forwarded, stop: Some(stop), thread: Some(thread) }
    }

    pub fn url(&self) -> String {
        format!("https://{}", self.addr)
    }

    /// The errors of the handshakes that failed, as the server saw them.
    pub fn failed_handshakes(&self) -> Vec<String> {
        self.failed.lock().unwrap().clone()
    }

    /// The failed handshakes once at least one is recorded (the client sees its own error
    /// before the server's task has written down why), or what there is after 5 s.
    pub fn wait_failed_handshakes(&self) -> Vec<String> {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        loop {
            let failed = self.failed_handshakes();
            if !failed.is_empty() || std::time::Instant::now() > deadline {
                return failed;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
    }

    /// How many connections got through the handshake to the server behind.
    pub fn forwarded(&self) -> usize {
        *self.forwarded.lock().unwrap()
    }
}

impl Drop for TlsFront {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
