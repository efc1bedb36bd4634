//! Handing the terminal to something else for a while and taking it back: a shell in a
//! container (raw mode kept, the keys passed on as typed), the editor for an edit, a user
//! command. The loop stops reading keys first; sources keep being applied meanwhile; the
//! screen is redrawn whole after. Decides nothing about keys: it carries out a `Handover`.

use std::io::Write;
use std::os::fd::{AsRawFd, OwnedFd};
use std::path::{Path, PathBuf};

use crossterm::{cursor, event, execute, terminal as term};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::sources;
use crate::state::{State, update};

/// Leave the console's screen for another program: mouse off, main screen, cursor shown; the
/// terminal's own line mode back unless `raw` (a remote shell wants each key as typed).
pub fn step_aside(raw: bool) -> std::io::Result<()> {
    let mut out = std::io::stdout();
    execute!(out, event::DisableMouseCapture, term::LeaveAlternateScreen, cursor::Show)?;
    if !raw {
        term::disable_raw_mode()?;
    }
    out.flush()
}

/// Back to the console's screen; the next frame is drawn whole. A new terminal rather than
/// `Terminal::clear`, which first asks the terminal for the cursor's position and gives up
/// (leaving the screen as the program left it) when the answer is slow.
pub fn come_back(terminal: &mut ratatui::DefaultTerminal) -> std::io::Result<()> {
    term::enable_raw_mode()?;
    execute!(
        std::io::stdout(),
        term::EnterAlternateScreen,
        term::Clear(term::ClearType::All),
        event::EnableMouseCapture,
        cursor::Hide
    )?;
    *terminal = ratatui::Terminal::new(ratatui::backend::CrosstermBackend::new(std::io::stdout()))?;
    Ok(())
}

/// Await `fut` while applying what the sources send, so they never wait on a full channel and
/// the screen is current when the console comes back.
pub async fn meanwhile<T>(fut: impl Future<Output = T>, rx: &mut sources::Receiver, state: &mut State) -> T {
    let mut fut = std::pin::pin!(fut);
    loop {
        tokio::select! {
            out = &mut fut => return out,
            Some(m) = rx.recv() => { update(state, m); }
        }
    }
}

/// The terminal, opened afresh without blocking: its own file description, so reading it does
/// not change how stdin reads for anyone else.
fn open_tty() -> std::io::Result<tokio::io::unix::AsyncFd<OwnedFd>> {
    use std::os::unix::fs::OpenOptionsExt;
    let f = std::fs::OpenOptions::new().read(true).custom_flags(libc::O_NONBLOCK).open("/dev/tty")?;
    let fd: OwnedFd = f.into();
    // SAFETY: the OwnedFd keeps its descriptor open until the AsyncFd drops it.
    unsafe { tokio::io::unix::AsyncFd::register(fd) }.map_err(|e| e.into_parts().1)
}

/// Pass keys to the shell and its output to the terminal until it ends; its exit Status.
pub async fn pump_shell(
    mut s: crate::sources::kube::exec::Shell,
) -> Result<Option<k8s_openapi::apimachinery::pkg::apis::meta::v1::Status>, String> {
    use futures::SinkExt;
    let (Some(mut stdin), Some(mut stdout)) = (s.process.stdin(), s.process.stdout()) else {
        return Err("the shell came without a terminal".into());
    };
    let status = s.process.take_status();
    let tty = open_tty().map_err(|e| format!("reading the terminal: {e}"))?;
    let mut winch = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::window_change())
        .map_err(|e| e.to_string())?;
    let mut out = tokio::io::stdout();
    let (mut kbuf, mut obuf) = ([0u8; 1024], [0u8; 8192]);
    loop {
        tokio::select! {
            ready = tty.readable() => {
                let Ok(mut guard) = ready else { break };
                // SAFETY: reading into a buffer owned here from the descriptor the AsyncFd holds.
                let n = unsafe { libc::read(tty.get_ref().as_raw_fd(), kbuf.as_mut_ptr().cast(), kbuf.len()) };
                if n > 0 {
                    if stdin.write_all(&kbuf[..n as usize]).await.is_err() { break; }
                } else {
                    guard.clear_ready();
                }
            }
            n = stdout.read(&mut obuf) => match n {
                Ok(n) if n > 0 => {
                    let _ = out.write_all(&obuf[..n]).await;
                    let _ = out.flush().await;
                }
                _ => break,
            },
            _ = winch.recv() => {
                if let (Some(r), Ok((w, h))) = (s.resize.as_mut(), term::size()) {
                    let _ = r.send(kube::api::TerminalSize { width: w, height: h }).await;
                }
            }
        }
    }
    Ok(match status {
        Some(st) => st.await,
        None => None,
    })
}

/// A file in the temporary directory, named for what it holds, removed when dropped.
pub struct TempFile(pub PathBuf);

impl TempFile {
    pub fn new(stem: &str, text: &str) -> std::io::Result<TempFile> {
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let safe: String =
            stem.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '-' }).collect();
        let path = std::env::temp_dir().join(format!("flightdeck-{}-{n}-{safe}.yaml", std::process::id()));
        let mut f = std::fs::OpenOptions::new().write(true).create_new(true).open(&path)?;
        f.write_all(text.as_bytes())?;
        Ok(TempFile(path))
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// The editor as kubectl picks it: `KUBE_EDITOR`, then `EDITOR`, else vi.
pub fn editor() -> String {
    ["KUBE_EDITOR", "EDITOR"]
        .iter()
        .find_map(|k| std::env::var(k).ok().filter(|v| !v.trim().is_empty()))
        .unwrap_or_else(|| "vi".to_string())
}

/// Run the editor on `file` with the terminal (the value may carry arguments, as in kubectl).
pub async fn run_editor(file: &Path) -> Result<(), String> {
    let ed = editor();
    let status = tokio::process::Command::new("sh")
        .arg("-c")
        .arg(format!("{ed} \"$1\""))
        .arg("sh")
        .arg(file)
        .status()
        .await
        .map_err(|e| format!("running {ed}: {e}"))?;
    if status.success() { Ok(()) } else { Err(format!("{ed} exited with {status}")) }
}

/// Run a user command line with the terminal, its fields in the environment.
pub async fn run_foreground(line: &str, env: &[(String, String)]) -> Result<i32, String> {
    let status = tokio::process::Command::new("sh")
        .arg("-c")
        .arg(line)
        .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .status()
        .await
        .map_err(|e| e.to_string())?;
    Ok(status.code().unwrap_or(-1))
}

/// What a handover needs of the loop: the terminal, the store, the sources, the executor.
pub struct Ctx<'a> {
    pub terminal: &'a mut ratatui::DefaultTerminal,
    pub state: &'a mut State,
    pub rx: &'a mut sources::Receiver,
    pub executor: &'a super::executor::Executor,
}

pub async fn carry_out(h: crate::domain::Handover, cx: Ctx<'_>) {
    use crate::domain::Handover;
    match h {
        Handover::Shell { namespace, pod, container, context } => {
            shell_flow(cx, namespace, pod, container, context).await
        }
        Handover::Edit(req) => edit_flow(cx, req).await,
        Handover::Command { name, line, env, context } => command_flow(cx, name, line, env, context).await,
    }
}

fn say(state: &mut State, text: impl Into<String>, level: crate::state::Level) {
    state.view.say(state.now, text, level);
}

async fn shell_flow(cx: Ctx<'_>, namespace: String, pod: String, container: String, context: String) {
    use crate::state::Level;
    let Some(h) = cx.executor.kube_for(&context) else {
        return say(
            cx.state,
            "Shell: not connected to a cluster (the demo has no containers to enter)",
            Level::Warn,
        );
    };
    let size = term::size().unwrap_or((80, 24));
    let opened = match h.connection().await {
        Ok(conn) => crate::sources::kube::exec::open(&conn, &namespace, &pod, &container, size).await,
        Err(e) => Err(e),
    };
    let described = |container: &str| {
        let t = crate::domain::Target::Shell {
            namespace: namespace.clone(),
            pod: pod.clone(),
            container: container.to_string(),
        };
        t.describe()
    };
    let shell = match opened {
        Ok(s) => s,
        Err(e) => {
            cx.executor.audit(&context, "shell", &described(&container), &Err(e.clone()));
            return say(cx.state, format!("Shell {} failed: {e}", described(&container)), Level::Crit);
        }
    };
    let described = described(&shell.container);
    cx.executor.audit(&context, "shell", &described, &Ok("opened".into()));
    if let Err(e) = step_aside(true) {
        return say(cx.state, format!("Shell: the terminal could not be handed over: {e}"), Level::Crit);
    }
    let banner = format!("flightdeck: shell in {described} (context {context}); exit to come back\r\n");
    let _ = std::io::stdout().write_all(banner.as_bytes());
    let _ = std::io::stdout().flush();
    let ended = meanwhile(pump_shell(shell), cx.rx, cx.state).await;
    let _ = come_back(cx.terminal);
    match ended {
        Ok(Some(st)) if st.status.as_deref() == Some("Failure") => {
            let why = st.message.unwrap_or_default();
            say(cx.state, format!("Shell {described} ended: {why}"), Level::Warn)
        }
        Ok(_) => say(cx.state, format!("Shell {described} ended"), Level::Ok),
        Err(e) => say(cx.state, format!("Shell {described}: {e}"), Level::Crit),
    }
}

async fn command_flow(cx: Ctx<'_>, name: String, line: String, env: Vec<(String, String)>, context: String) {
    use crate::state::Level;
    let described = crate::domain::Target::UserCommand { name: name.clone(), line: line.clone() }.describe();
    if let Err(e) = step_aside(false) {
        return say(cx.state, format!("{name}: the terminal could not be handed over: {e}"), Level::Crit);
    }
    let ran = meanwhile(run_foreground(&line, &env), cx.rx, cx.state).await;
    let _ = come_back(cx.terminal);
    let result = match &ran {
        Ok(0) => Ok("exited 0".to_string()),
        Ok(c) => Err(format!("exited {c}")),
        Err(e) => Err(e.clone()),
    };
    cx.executor.audit(&context, "command", &described, &result);
    match result {
        Ok(_) => say(cx.state, format!("{name}: done"), Level::Ok),
        Err(e) => say(cx.state, format!("{name}: {e}"), Level::Warn),
    }
}

/// Run the editor on the object until a save reads back as a change (or nothing): a save that
/// is not valid YAML, or renames the object, opens the editor again with why at the top.
async fn edit_flow(cx: Ctx<'_>, req: crate::domain::EditRequest) {
    use crate::sources::kube::edit::{self, Saved};
    use crate::state::Level;
    let described = req.object.describe();
    let Some(h) = cx.executor.kube_for(&req.context) else {
        return say(
            cx.state,
            "Edit: not connected to a cluster (the demo's objects are not editable)",
            Level::Warn,
        );
    };
    let read = match h.connection().await {
        Ok(conn) => edit::read(&conn, &req.object).await,
        Err(e) => Err(e),
    };
    let now = match read {
        Ok(v) => v,
        Err(e) => return say(cx.state, format!("Edit {described}: {e}"), Level::Crit),
    };
    let rv = now["metadata"]["resourceVersion"].as_str().unwrap_or("").to_string();
    // Reopened: the user's text, their changes still measured from what they first read.
    let (original, mut body) = match &req.again {
        Some(a) => (serde_json::from_str(&a.original).unwrap_or(now.clone()), a.text.clone()),
        None => (now.clone(), edit::yaml(&now)),
    };
    let mut error = req.error.clone();
    loop {
        let file = match TempFile::new(&req.object.name, &edit::file_text(&body, error.as_deref())) {
            Ok(f) => f,
            Err(e) => return say(cx.state, format!("Edit {described}: {e}"), Level::Crit),
        };
        if let Err(e) = step_aside(false) {
            return say(cx.state, format!("Edit: the terminal could not be handed over: {e}"), Level::Crit);
        }
        let ran = meanwhile(run_editor(&file.0), cx.rx, cx.state).await;
        let _ = come_back(cx.terminal);
        if let Err(e) = ran {
            return say(cx.state, format!("Edit {described} cancelled: {e}"), Level::Warn);
        }
        let saved = std::fs::read_to_string(&file.0).unwrap_or_default();
        // Unchanged means: the same as the object read (a reopened edit saved again is a retry).
        match edit::read_saved(&original, &edit::yaml(&original), &saved) {
            Saved::Unchanged => {
                return say(
                    cx.state,
                    format!("Edit {described} cancelled, no changes made: nothing sent"),
                    Level::Muted,
                );
            }
            Saved::Empty => {
                return say(
                    cx.state,
                    format!("Edit {described} cancelled, saved file was empty"),
                    Level::Muted,
                );
            }
            Saved::Invalid(why) => {
                body = edit::strip_comments(&saved);
                error = Some(why);
            }
            Saved::Changed { patch, changed_lines } => {
                let edited = crate::domain::target::EditedObject {
                    object: req.object.clone(),
                    resource_version: rv,
                    patch: patch.to_string(),
                    original: original.to_string(),
                    text: edit::strip_comments(&saved),
                    changed_lines,
                };
                let (cluster, context) = (req.cluster.clone(), req.context.clone());
                crate::input::objects::ask_edited(cx.state, edited, cluster, context);
                return;
            }
        }
    }
}

/// A user command in the background: its output lines to the store as they come, then its end.
pub fn background(stream: u64, line: String, env: Vec<(String, String)>, tx: sources::Sender) {
    use crate::state::Message;
    use tokio::io::AsyncBufReadExt;
    tokio::spawn(async move {
        let child = tokio::process::Command::new("sh")
            .arg("-c")
            .arg(&line)
            .envs(env)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .kill_on_drop(true)
            .spawn();
        let mut child = match child {
            Ok(c) => c,
            Err(e) => {
                let _ = tx
                    .send(Message::Output { stream, lines: Vec::new(), exit: Some(Err(e.to_string())) })
                    .await;
                return;
            }
        };
        let out = tokio::io::BufReader::new(child.stdout.take().expect("piped")).lines();
        let err = tokio::io::BufReader::new(child.stderr.take().expect("piped")).lines();
        let lines = futures::stream::select(tokio_stream_lines(out), tokio_stream_lines(err));
        let mut batches = std::pin::pin!(futures::StreamExt::ready_chunks(lines, 128));
        while let Some(lines) = futures::StreamExt::next(&mut batches).await {
            if tx.send(Message::Output { stream, lines, exit: None }).await.is_err() {
                return;
            }
        }
        let exit = child.wait().await.map(|s| s.code().unwrap_or(-1)).map_err(|e| e.to_string());
        let _ = tx.send(Message::Output { stream, lines: Vec::new(), exit: Some(exit) }).await;
    });
}

fn tokio_stream_lines<R: tokio::io::AsyncBufRead + Unpin + Send + 'static>(
    lines: tokio::io::Lines<R>,
) -> futures::stream::BoxStream<'static, String> {
    futures::StreamExt::boxed(futures::stream::unfold(lines, |mut l| async move {
        l.next_line().await.ok().flatten().map(|line| (line, l))
    }))
}
