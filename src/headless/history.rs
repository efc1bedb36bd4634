//! `flightdeck history`: the local history printed without a terminal (a table, or JSON), and
//! the recording of what a headless run saw. Reads and writes the file; derives nothing.

use std::process::ExitCode;

use crate::app::Settings;
use crate::app::history::{self, History};
use crate::domain::text::clean;
use crate::state::handoff::utc;
use crate::state::timeline::Entry;
use crate::state::{State, UnixMs};

/// Keep what a headless run saw, as the console would. A history that cannot be written is
/// said on stderr; the run's own output stands.
pub fn record(settings: &Settings, state: &mut State) {
    let fresh = state.timeline.take_fresh();
    let Some(path) = settings.history_path() else { return };
    let result = History::open(&path, &settings.history).and_then(|mut h| h.append(&fresh, state.now));
    if let Err(e) = result {
        eprintln!("flightdeck: history not recorded: {e}");
    }
}

/// Read back what the history holds from `since`, into the store's timeline.
pub fn restore(settings: &Settings, state: &mut State, since: UnixMs) -> Result<(), String> {
    let path =
        settings.history_path().ok_or("the history is off ([history] enabled = false, or no state dir)")?;
    state.timeline.restore(history::read(&path, since)?);
    Ok(())
}

pub fn run(
    settings: &Settings,
    since_ms: i64,
    cluster: Option<&str>,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let path = settings
        .history_path()
        .ok_or_else(|| anyhow::anyhow!("the history is off ([history] enabled = false, or no state dir)"))?;
    let now = crate::sources::wall_now();
    let entries: Vec<Entry> = history::read(&path, now - since_ms)
        .map_err(|e| anyhow::anyhow!(e))?
        .into_iter()
        .filter(|e| cluster.is_none_or(|c| e.cluster == *c))
        .collect();
    if json {
        super::print_out(&format!("{}\n", serde_json::to_string_pretty(&entries)?))?;
    } else {
        super::print_out(&table(&entries))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Oldest first, as a log reads: time, cluster, kind, subject, what.
pub fn table(entries: &[Entry]) -> String {
    let w = |f: &dyn Fn(&Entry) -> usize, min: usize| entries.iter().map(f).max().unwrap_or(0).max(min);
    let cw = w(&|e| e.cluster.as_str().chars().count(), 7);
    let sw = w(&|e| e.subject.label().chars().count(), 7).min(40);
    let mut out = format!("{:<23}  {:<cw$}  {:<7}  {:<sw$}  WHAT\n", "TIME", "CLUSTER", "KIND", "SUBJECT");
    for e in entries {
        let line = format!(
            "{:<23}  {:<cw$}  {:<7}  {:<sw$}  {}",
            utc(e.at),
            clean(e.cluster.as_str()),
            e.kind.label(),
            crate::domain::text::fit(&e.subject.label(), sw),
            clean(&e.what.replace('\n', " "))
        );
        out.push_str(line.trim_end());
        out.push('\n');
    }
    if entries.is_empty() {
        out.push_str("(nothing recorded in this window)\n");
    }
    out
}
