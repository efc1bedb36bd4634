//! `flightdeck snapshot`: render the overview or one pane, headless, from the same drawing
//! code as the console. With --demo the world is stepped to `--at` simulated seconds from a
//! fixed start, so the same seed always gives the same picture.

use std::path::PathBuf;

use std::process::ExitCode;

use clap::ValueEnum;

use crate::app::Settings;
use crate::sources::demo;
use crate::state::view::Mode;
use crate::state::{PaneId, State};
use crate::ui::{self, Ui};

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum PaneArg {
    Overview,
    Infrastructure,
    Argocd,
    Pods,
    /// The Pods pane's workloads view: Deployments, StatefulSets, DaemonSets.
    Workloads,
    Scaling,
    Alerts,
    Cost,
    /// Every problem ranked, with what links to it.
    Triage,
    /// One row per watched cluster, worst first.
    Fleet,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Txt,
    Svg,
    Html,
}

pub struct Request {
    pub pane: PaneArg,
    pub size: (u16, u16),
    pub format: Format,
    pub output: Option<PathBuf>,
    pub at: u64,
    pub timeout: f64,
}

pub async fn run(settings: &Settings, req: &Request) -> anyhow::Result<ExitCode> {
    // The demo's fleet when asked for (`--all-contexts`, `--contexts`, `--context` twice);
    // else one cluster, so a snapshot of a pane reads as it always has.
    let fleet = settings.demo && settings.contexts != crate::config::clusters::ContextChoice::Current;
    let mut state = if fleet {
        demo::fleet_state_at(settings.seed, req.at)
    } else if settings.demo {
        demo::state_at(settings.seed, req.at)
    } else {
        super::collect(settings, req.timeout).await?
    };
    if state.is_fleet() {
        let mut clusters = state.clusters().to_vec();
        for c in &mut clusters {
            (c.production, c.readonly) = settings.safety_of(c.name.as_str());
        }
        state.set_fleet(clusters);
    } else {
        settings.apply_safety(&mut state);
    }
    show(&mut state, req.pane);
    let ui = Ui { theme: &settings.theme, keymap: &settings.keymap };
    let buf = ui::render_to_buffer(&state, &ui, req.size.0, req.size.1);
    let text = match req.format {
        Format::Txt => super::export::to_text(&buf),
        Format::Svg => super::export::to_svg(&buf, &settings.theme),
        Format::Html => super::export::to_html(&buf, &settings.theme),
    };
    match &req.output {
        Some(p) => std::fs::write(p, text).map_err(|e| anyhow::anyhow!("{}: {e}", p.display()))?,
        None => print!("{text}"),
    }
    Ok(ExitCode::SUCCESS)
}

/// Put the view on the requested pane.
pub fn show(state: &mut State, pane: PaneArg) {
    let p = match pane {
        PaneArg::Overview => None,
        PaneArg::Infrastructure => Some(PaneId::Infrastructure),
        PaneArg::Argocd => Some(PaneId::ArgoCd),
        PaneArg::Pods => Some(PaneId::Pods),
        PaneArg::Workloads => {
            state.view.pods_view = crate::state::view::PodsView::Workloads;
            Some(PaneId::Pods)
        }
        PaneArg::Scaling => Some(PaneId::Scaling),
        PaneArg::Alerts => Some(PaneId::Alerts),
        PaneArg::Cost => Some(PaneId::Cost),
        PaneArg::Triage => {
            state.view.mode = Mode::Triage;
            return;
        }
        PaneArg::Fleet => {
            state.view.mode = Mode::Fleet;
            return;
        }
    };
    state.view.mode = p.map_or(Mode::Overview, Mode::Full);
    if let Some(p) = p {
        state.view.focus = p;
    }
}
