//! Headless modes for scripts, demos and tests: `status --json` prints the store, `snapshot`
//! renders a pane to text, SVG or HTML with the same drawing code as the console.

pub mod export;
pub mod history;
pub mod init;
pub mod keys;
pub mod report;
pub mod snapshot;
pub mod status;

use std::time::Duration;

use crate::app::Settings;
use crate::app::startup::{self, Running};
use crate::state::{Message, SourceState, State, update};

/// Print to stdout; a reader that went away (`flightdeck history | head`) is not an error.
pub fn print_out(text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        r => r,
    }
}

/// Run the configured sources until each has delivered once or failed, or the timeout passes.
pub async fn collect(settings: &Settings, timeout_s: f64) -> anyhow::Result<State> {
    let Running { mut state, mut rx, clock, _guards, kube, .. } = startup::start(settings)?;
    let deadline = tokio::time::Instant::now() + Duration::from_secs_f64(timeout_s.max(0.0));
    // Nothing started means nothing to wait for.
    let started = !_guards.is_empty() || kube.is_some();
    // Sources register before their tasks start: take every registration (and the sources
    // disabled at startup) first, so the wait below covers each configured source.
    while let Ok(msg) = rx.try_recv() {
        update(&mut state, msg);
    }
    loop {
        // Every cluster of a fleet (but those watched only once opened) has said something:
        // their sources register from their own tasks, not all before the first answers.
        let every_cluster = state.clusters().iter().filter(|c| !c.lazy).all(|c| {
            !state.is_fleet() || state.sources.keys().any(|id| id.cluster.as_ref() == Some(&c.name))
        });
        let answered = !state.sources.is_empty()
            && every_cluster
            && state.sources.values().all(|e| {
                !e.health.enabled || e.health.last_success.is_some() || e.health.last_error.is_some()
            });
        if answered || !started {
            break;
        }
        match tokio::time::timeout_at(deadline, rx.recv()).await {
            Ok(Some(msg)) => {
                update(&mut state, msg);
            }
            Ok(None) | Err(_) => break,
        }
    }
    // What was already said (a source disabled at startup) still counts.
    while let Ok(msg) = rx.try_recv() {
        update(&mut state, msg);
    }
    update(&mut state, Message::Tick(clock.now()));
    state.finish_batch();
    Ok(state)
}

/// Whether some source is enabled, and every enabled one has delivered and none is failing.
pub fn all_ok(state: &State) -> bool {
    state.sources.values().any(|e| e.health.enabled)
        && state
            .sources
            .values()
            .all(|e| matches!(e.health.state(state.now), SourceState::Ok | SourceState::Disabled))
}
