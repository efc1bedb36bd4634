//! Entering and leaving the terminal's raw, alternate-screen mode. ratatui's init installs a
//! panic hook that restores the terminal first; SIGTERM, SIGINT and SIGHUP end the loop so the
//! normal restore runs.

use tokio::sync::mpsc;

pub fn enter() -> anyhow::Result<ratatui::DefaultTerminal> {
    let terminal = ratatui::try_init()?;
    // ratatui's restore does not know about the mouse: turn it off first on a panic too.
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = crossterm::execute!(std::io::stdout(), crossterm::event::DisableMouseCapture);
        hook(info);
    }));
    crossterm::execute!(std::io::stdout(), crossterm::event::EnableMouseCapture)?;
    Ok(terminal)
}

pub fn leave() {
    let _ = crossterm::execute!(std::io::stdout(), crossterm::event::DisableMouseCapture);
    ratatui::restore();
}

/// A receiver that yields whenever a shutdown signal arrives: `true` for an interrupt (Ctrl-C),
/// which a program the terminal was handed to gets too, and the loop then ignores.
pub fn shutdown_signals() -> anyhow::Result<mpsc::Receiver<bool>> {
    use tokio::signal::unix::{SignalKind, signal};
    let (tx, rx) = mpsc::channel(4);
    for kind in [SignalKind::terminate(), SignalKind::interrupt(), SignalKind::hangup()] {
        let mut s = signal(kind)?;
        let tx = tx.clone();
        let interrupt = kind == SignalKind::interrupt();
        tokio::spawn(async move {
            while s.recv().await.is_some() {
                let _ = tx.send(interrupt).await;
            }
        });
    }
    Ok(rx)
}
