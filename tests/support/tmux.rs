//! Drives a real terminal: a private tmux server running a shell, keys sent with send-keys,
//! the screen read with capture-pane. The server is killed when the session is dropped.

use std::process::{Command, Output};
use std::time::{Duration, Instant};

pub struct Tmux {
    socket: String,
    pub session: String,
}

impl Tmux {
    /// A shell in a fresh tmux server of `width`×`height`.
    pub fn start(width: u16, height: u16) -> Tmux {
        let ok = Command::new("tmux").arg("-V").output().map(|o| o.status.success()).unwrap_or(false);
        assert!(ok, "tmux is required for the end-to-end tests: run scripts/test, which installs it");
        // One server per test: tests run in parallel threads of one process.
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let id = format!("fd-e2e-{}-{n}", std::process::id());
        let t = Tmux { socket: id.clone(), session: "e2e".into() };
        let out = t.tmux(&[
            "new-session",
            "-d",
            "-s",
            &t.session,
            "-x",
            &width.to_string(),
            "-y",
            &height.to_string(),
            "env PS1='e2e$ ' TERM=xterm-256color bash --norc --noprofile",
        ]);
        assert!(out.status.success(), "tmux new-session failed: {}", String::from_utf8_lossy(&out.stderr));
        t.wait_for("the shell prompt", Duration::from_secs(10), |s| s.contains("e2e$"));
        t
    }

    fn tmux(&self, args: &[&str]) -> Output {
        Command::new("tmux").arg("-L").arg(&self.socket).args(args).output().expect("run tmux")
    }

    /// Type a line into the shell.
    pub fn type_line(&self, line: &str) {
        self.tmux(&["send-keys", "-t", &self.session, "-l", line]);
        self.keys(&["Enter"]);
    }

    /// Send keys by tmux name: "q", "Escape", "Tab", "BTab", "Enter".
    pub fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", self.session.as_str()];
        args.extend_from_slice(keys);
        let out = self.tmux(&args);
        assert!(out.status.success(), "send-keys failed: {}", String::from_utf8_lossy(&out.stderr));
    }

    /// Resize the window, as a user dragging the terminal would.
    pub fn resize(&self, width: u16, height: u16) {
        let out = self.tmux(&[
            "resize-window",
            "-t",
            &self.session,
            "-x",
            &width.to_string(),
            "-y",
            &height.to_string(),
        ]);
        assert!(out.status.success(), "resize-window failed: {}", String::from_utf8_lossy(&out.stderr));
    }

    pub fn screen(&self) -> String {
        String::from_utf8_lossy(&self.tmux(&["capture-pane", "-p", "-t", &self.session]).stdout).into_owned()
    }

    /// The screen with colours as escape sequences.
    pub fn screen_with_colours(&self) -> String {
        String::from_utf8_lossy(&self.tmux(&["capture-pane", "-p", "-e", "-t", &self.session]).stdout)
            .into_owned()
    }

    /// Wait until `pred` holds for the screen, on two captures in a row: a capture taken while
    /// the terminal is half redrawn (a loaded machine) must not pass for the new screen. On
    /// timeout fail showing the screen.
    pub fn wait_for(&self, what: &str, timeout: Duration, pred: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        let mut held = false;
        loop {
            let s = self.screen();
            if pred(&s) {
                if held {
                    return s;
                }
                held = true;
                std::thread::sleep(Duration::from_millis(50));
                continue;
            }
            held = false;
            if start.elapsed() > timeout {
                panic!("timed out after {timeout:?} waiting for {what}; the screen was:\n{s}");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// The command running in the pane (bash when the app has exited).
    pub fn current_command(&self) -> String {
        let out = self.tmux(&["display-message", "-p", "-t", &self.session, "#{pane_current_command}"]);
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.tmux(&["kill-server"]);
    }
}

/// A shell line running the built binary with its config, state and cache dirs under `dir`, so
/// a test touches nothing of the user's; it prints EXITED:<code> when the binary ends.
pub fn flightdeck_line(dir: &std::path::Path, args: &str) -> String {
    format!(
        "env XDG_CONFIG_HOME={d}/config XDG_STATE_HOME={d}/state XDG_CACHE_HOME={d}/cache {bin} {args}; echo EXITED:$?",
        d = dir.display(),
        bin = env!("CARGO_BIN_EXE_flightdeck"),
    )
}
