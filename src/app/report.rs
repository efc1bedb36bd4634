//! Writes a hand-off report (Markdown and HTML) into the state dir's `reports/`, off the
//! loop, and says where in the status line. Renders nothing: `state::handoff` did.

use std::path::{Path, PathBuf};

use tokio::sync::mpsc;

use crate::domain::Report;
use crate::sources::Clock;
use crate::state::{Level, Message};

/// Write `report` as `NAME.md` and `NAME.html` in `dir`; returns the Markdown file's path.
pub fn write(dir: &Path, report: &Report) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let md = dir.join(format!("{}.md", report.name));
    std::fs::write(&md, &report.markdown)?;
    std::fs::write(dir.join(format!("{}.html", report.name)), &report.html)?;
    Ok(md)
}

/// Write it on a blocking thread; the outcome comes back as a status line.
pub fn spawn(dir: Option<PathBuf>, report: Report, results: mpsc::Sender<Message>, clock: Clock) {
    tokio::task::spawn_blocking(move || {
        let (text, level) = match &dir {
            None => ("hand-off not written: no state directory (HOME is not set)".to_string(), Level::Warn),
            Some(d) => match write(d, &report) {
                Ok(md) => (format!("hand-off written: {} (and .html)", md.display()), Level::Ok),
                Err(e) => (format!("hand-off not written to {}: {e}", d.display()), Level::Crit),
            },
        };
        let _ = results.blocking_send(Message::Note { at: clock.now(), text, level });
    });
}
