//! A shell in a container, opened as k9s opens one: `sh -c` that runs bash when the image has
//! it, else sh, with a terminal, through the API's exec over WebSocket. Opens it only: the app
//! hands its terminal to the process and takes it back when the shell ends.

use k8s_openapi::api::core::v1::Pod;
use kube::Api;
use kube::api::{AttachParams, AttachedProcess, TerminalSize};

use super::{Connection, client_error};

/// k9s's shell check: bash if the image has it, else the POSIX shell every image has.
pub const SHELL: &str = "command -v bash >/dev/null && exec bash || exec sh";

/// The command sent to exec.
pub fn command() -> [&'static str; 3] {
    ["sh", "-c", SHELL]
}

/// The shell's process and the way to tell it the terminal's size.
pub struct Shell {
    /// The container it runs in (the pod's default when none was named).
    pub container: String,
    pub process: AttachedProcess,
    pub resize: Option<futures::channel::mpsc::Sender<TerminalSize>>,
}

pub async fn open(
    conn: &Connection,
    namespace: &str,
    pod: &str,
    container: &str,
    size: (u16, u16),
) -> Result<Shell, String> {
    use futures::SinkExt;
    let api: Api<Pod> = Api::namespaced(conn.client.clone(), namespace);
    // No container named: the pod's default, as kubectl exec picks it.
    let container = match container {
        "" => super::logs::default_container(&api, pod).await?,
        c => c.to_string(),
    };
    let ap = AttachParams::interactive_tty().container(&container);
    let mut process = api.exec(pod, command(), &ap).await.map_err(|e| client_error(&e))?;
    let mut resize = process.terminal_size();
    if let Some(r) = resize.as_mut() {
        let _ = r.send(TerminalSize { width: size.0, height: size.1 }).await;
    }
    Ok(Shell { container, process, resize })
}
