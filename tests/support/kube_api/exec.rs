//! `pods/exec` over the channel protocol: the command runs as a real process on this machine
//! standing in for the container (in a scratch directory, with a clean environment), on a
//! pseudo-terminal when `tty=true` so an interactive shell behaves as in a container; stdin
//! (0), stdout (1), stderr (2), the exit Status (3), terminal resizes (4), v5's close (255).

// Checks answer a refusal as the HTTP response itself, as http.rs's handlers do.
#![allow(clippy::result_large_err)]

use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::process::Stdio;

use axum::response::Response;
use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::io::unix::AsyncFd;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_tungstenite::tungstenite::Message;

use super::http::bad_request;
use super::upgrade::{Ws, container, running};

/// What a valid exec request asked for.
pub struct Exec {
    pub pod: String,
    pub command: Vec<String>,
    pub stdin: bool,
    pub tty: bool,
}

pub fn check(pod: &Value, q: &[(String, String)]) -> Result<Exec, Response> {
    let c = container(pod, q)?;
    if !running(pod, &c) {
        return Err(bad_request(&format!("unable to upgrade connection: container not found (\"{c}\")")));
    }
    let command: Vec<String> = q.iter().filter(|(k, _)| k == "command").map(|(_, v)| v.clone()).collect();
    if command.is_empty() {
        return Err(bad_request("you must specify at least 1 command"));
    }
    let on = |k: &str| q.iter().any(|(n, v)| n == k && (v == "true" || v == "1"));
    Ok(Exec {
        pod: pod["metadata"]["name"].as_str().unwrap_or("").to_string(),
        command,
        stdin: on("stdin"),
        tty: on("tty"),
    })
}

fn frame(channel: u8, data: &[u8]) -> Message {
    let mut v = Vec::with_capacity(data.len() + 1);
    v.push(channel);
    v.extend_from_slice(data);
    Message::binary(v)
}

/// The Status the exec ends with on channel 3, as the kubelet words it.
fn exit_status(command: &[String], code: Option<i32>) -> Value {
    match code {
        Some(0) => json!({"metadata": {}, "status": "Success"}),
        Some(c) => json!({"metadata": {}, "status": "Failure",
            "message": format!("command terminated with non-zero exit code: error executing command [{}], exit code {c}", command.join(" ")),
            "reason": "NonZeroExitCode", "details": {"causes": [{"reason": "ExitCode", "message": c.to_string()}]}}),
        None => json!({"metadata": {}, "status": "Failure", "message": "command terminated by a signal",
            "reason": "InternalError"}),
    }
}

fn command(e: &Exec, dir: &std::path::Path) -> std::process::Command {
    let mut c = std::process::Command::new(&e.command[0]);
    c.args(&e.command[1..])
        .env_clear()
        .env("PATH", "/usr/local/bin:/usr/bin:/bin")
        .env("HOME", dir)
        .env("HOSTNAME", &e.pod)
        .env("TERM", "xterm")
        .current_dir(dir);
    c
}

pub async fn run(e: Exec, ws: Ws, v5: bool) {
    let Ok(dir) = tempfile::tempdir() else { return };
    if e.tty {
        run_tty(e, ws, v5, dir.path()).await;
    } else {
        run_pipes(e, ws, dir.path()).await;
    }
}

async fn run_pipes(e: Exec, ws: Ws, dir: &std::path::Path) {
    let (mut tx, mut rx) = ws.split();
    let mut cmd = tokio::process::Command::from(command(&e, dir));
    cmd.stdin(if e.stdin { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(err) => {
            let st = json!({"metadata": {}, "status": "Failure", "reason": "InternalError",
                "message": format!("exec: \"{}\": {err}", e.command[0])});
            let _ = tx.send(frame(3, st.to_string().as_bytes())).await;
            return;
        }
    };
    let mut stdin = child.stdin.take();
    let (mut out, mut err) = (child.stdout.take().unwrap(), child.stderr.take().unwrap());
    let (mut obuf, mut ebuf) = ([0u8; 4096], [0u8; 4096]);
    let (mut out_open, mut err_open) = (true, true);
    while out_open || err_open {
        tokio::select! {
            n = out.read(&mut obuf), if out_open => match n {
                Ok(n) if n > 0 => { let _ = tx.send(frame(1, &obuf[..n])).await; }
                _ => out_open = false,
            },
            n = err.read(&mut ebuf), if err_open => match n {
                Ok(n) if n > 0 => { let _ = tx.send(frame(2, &ebuf[..n])).await; }
                _ => err_open = false,
            },
            m = rx.next() => match m {
                Some(Ok(Message::Binary(b))) if b.first() == Some(&0) => {
                    if let Some(s) = stdin.as_mut() { let _ = s.write_all(&b[1..]).await; }
                }
                // v5: the client's stdin ended.
                Some(Ok(Message::Binary(b))) if b.first() == Some(&255) => stdin = None,
                Some(Ok(_)) => {}
                _ => { let _ = child.kill().await; return; }
            },
        }
    }
    let code = child.wait().await.ok().and_then(|s| s.code());
    let _ = tx.send(frame(3, exit_status(&e.command, code).to_string().as_bytes())).await;
    let _ = tx.send(super::upgrade::normal_close()).await;
}

/// A new pseudo-terminal: (master, slave).
fn openpty() -> std::io::Result<(OwnedFd, OwnedFd)> {
    // SAFETY: plain libc calls on descriptors this function owns; every result is checked.
    unsafe {
        let master = libc::posix_openpt(libc::O_RDWR | libc::O_NOCTTY);
        if master < 0 {
            return Err(std::io::Error::last_os_error());
        }
        let master = OwnedFd::from_raw_fd(master);
        if libc::grantpt(master.as_raw_fd()) != 0 || libc::unlockpt(master.as_raw_fd()) != 0 {
            return Err(std::io::Error::last_os_error());
        }
        let mut name = [0 as libc::c_char; 128];
        if libc::ptsname_r(master.as_raw_fd(), name.as_mut_ptr(), name.len()) != 0 {
            return Err(std::io::Error::last_os_error());
        }
        let slave = libc::open(name.as_ptr(), libc::O_RDWR | libc::O_NOCTTY);
        if slave < 0 {
            return Err(std::io::Error::last_os_error());
        }
        let flags = libc::fcntl(master.as_raw_fd(), libc::F_GETFL);
        libc::fcntl(master.as_raw_fd(), libc::F_SETFL, flags | libc::O_NONBLOCK);
        Ok((master, OwnedFd::from_raw_fd(slave)))
    }
}

fn resize(fd: RawFd, size: &Value) {
    let ws = libc::winsize {
        ws_row: size["Height"].as_u64().unwrap_or(24) as u16,
        ws_col: size["Width"].as_u64().unwrap_or(80) as u16,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    // SAFETY: TIOCSWINSZ reads the struct passed; the descriptor is the live pty master.
    unsafe {
        libc::ioctl(fd, libc::TIOCSWINSZ, &ws);
    }
}

async fn run_tty(e: Exec, ws: Ws, v5: bool, dir: &std::path::Path) {
    let (mut tx, mut rx) = ws.split();
    let Ok((master, slave)) = openpty() else { return };
    let mut cmd = command(&e, dir);
    let (Ok(i), Ok(o), Ok(r)) = (slave.try_clone(), slave.try_clone(), slave.try_clone()) else { return };
    cmd.stdin(Stdio::from(i)).stdout(Stdio::from(o)).stderr(Stdio::from(r));
    // SAFETY: only async-signal-safe calls between fork and exec: a new session whose
    // controlling terminal is the pty, as a container runtime gives a tty process.
    unsafe {
        use std::os::unix::process::CommandExt;
        cmd.pre_exec(|| {
            libc::setsid();
            libc::ioctl(0, libc::TIOCSCTTY, 0);
            Ok(())
        });
    }
    let child = cmd.spawn();
    // The slave stays open only in the child, so its exit ends the master's reads.
    drop(cmd);
    drop(slave);
    let mut child = match child {
        Ok(c) => c,
        Err(err) => {
            let st = json!({"metadata": {}, "status": "Failure", "reason": "InternalError",
                "message": format!("exec: \"{}\": {err}", e.command[0])});
            let _ = tx.send(frame(3, st.to_string().as_bytes())).await;
            return;
        }
    };
    // SAFETY: an OwnedFd keeps its one descriptor open until the AsyncFd drops it.
    let Ok(pty) = (unsafe { AsyncFd::register(master) }) else { return };
    let mut buf = [0u8; 4096];
    loop {
        tokio::select! {
            ready = pty.readable() => {
                let Ok(mut guard) = ready else { break };
                // SAFETY: reading into a buffer this function owns from the pty master.
                let n = unsafe { libc::read(pty.get_ref().as_raw_fd(), buf.as_mut_ptr().cast(), buf.len()) };
                if n > 0 {
                    if tx.send(frame(1, &buf[..n as usize])).await.is_err() { break; }
                } else if n < 0 && std::io::Error::last_os_error().kind() == std::io::ErrorKind::WouldBlock {
                    guard.clear_ready();
                } else {
                    // EIO: the last process on the terminal exited.
                    break;
                }
            }
            m = rx.next() => match m {
                Some(Ok(Message::Binary(b))) => match b.first() {
                    Some(0) => write_all(&pty, &b[1..]).await,
                    Some(4) => resize(pty.get_ref().as_raw_fd(), &serde_json::from_slice(&b[1..]).unwrap_or(Value::Null)),
                    // The client's stdin ended: end of input for the terminal.
                    Some(255) if v5 => write_all(&pty, b"\x04").await,
                    _ => {}
                },
                Some(Ok(_)) => {}
                _ => { let _ = child.kill(); let _ = child.wait(); return; }
            },
        }
    }
    let code =
        tokio::task::spawn_blocking(move || child.wait().ok().and_then(|s| s.code())).await.ok().flatten();
    let _ = tx.send(frame(3, exit_status(&e.command, code).to_string().as_bytes())).await;
    let _ = tx.send(super::upgrade::normal_close()).await;
}

async fn write_all(pty: &AsyncFd<OwnedFd>, mut data: &[u8]) {
    while !data.is_empty() {
        let Ok(mut guard) = pty.writable().await else { return };
        // SAFETY: writing from a slice this function borrows to the pty master.
        let n = unsafe { libc::write(pty.get_ref().as_raw_fd(), data.as_ptr().cast(), data.len()) };
        if n > 0 {
            data = &data[n as usize..];
        } else if std::io::Error::last_os_error().kind() == std::io::ErrorKind::WouldBlock {
            guard.clear_ready();
        } else {
            return;
        }
    }
}
