//! `flightdeck report`: the hand-off without a terminal: every source polled once, the local
//! history of the window read back, and the report written as Markdown and HTML.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::app::Settings;
use crate::state::handoff::{self, Scope};

pub async fn run(
    settings: &Settings,
    since_ms: i64,
    output: Option<PathBuf>,
    timeout: f64,
) -> anyhow::Result<ExitCode> {
    let mut state = super::collect(settings, timeout).await?;
    super::history::record(settings, &mut state);
    let since = state.now - since_ms;
    if let Err(e) = super::history::restore(settings, &mut state, since) {
        eprintln!("flightdeck: the report has no earlier history: {e}");
    }
    let report = handoff::report(&state, &Scope { problem: None, focus: None, since });
    let md = match output {
        Some(path) => {
            std::fs::write(&path, &report.markdown)
                .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
            let html = path.with_extension("html");
            std::fs::write(&html, &report.html).map_err(|e| anyhow::anyhow!("{}: {e}", html.display()))?;
            path
        }
        None => {
            let dir = settings
                .state_dir
                .as_ref()
                .ok_or_else(|| anyhow::anyhow!("no state directory; use -o FILE"))?;
            crate::app::report::write(&dir.join("reports"), &report)
                .map_err(|e| anyhow::anyhow!("{}: {e}", dir.display()))?
        }
    };
    println!("{}", md.display());
    println!("{}", md.with_extension("html").display());
    Ok(ExitCode::SUCCESS)
}
