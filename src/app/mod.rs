//! The interactive console: one loop that owns the store, selects over terminal input, source
//! messages, action results, a 1 s clock tick and shutdown signals, and redraws only on change.

pub mod input;
pub mod startup;
pub mod terminal;

use std::time::Duration;

use crossterm::event::{Event, EventStream, KeyEventKind};
use futures::StreamExt;

use crate::actions::dispatch::{Effect, dispatch};
use crate::actions::executor::Executor;
use crate::state::view::Overlay;
use crate::state::{Message, State, update};
use crate::ui::{self, Ui};
pub use startup::{Running, Settings};

/// At most this many queued source messages are applied before a frame is drawn, so a flood
/// of updates cannot starve input.
const MAX_BATCH: usize = 4096;

pub async fn run(settings: Settings) -> anyhow::Result<()> {
    let Running { mut state, mut rx, mut results, executor, clock, _guards } = startup::start(&settings)?;
    let ui = Ui { theme: &settings.theme, keymap: &settings.keymap };
    let mut terminal = terminal::enter()?;
    let channels = Channels { sources: &mut rx, results: &mut results };
    let result = event_loop(&mut terminal, &mut state, channels, &executor, clock, &ui).await;
    terminal::leave();
    result
}

/// What the loop listens to besides the terminal and the clock.
struct Channels<'a> {
    sources: &'a mut crate::sources::Receiver,
    results: &'a mut tokio::sync::mpsc::Receiver<Message>,
}

async fn event_loop(
    terminal: &mut ratatui::DefaultTerminal,
    state: &mut State,
    Channels { sources: rx, results }: Channels<'_>,
    executor: &Executor,
    clock: crate::sources::Clock,
    ui: &Ui<'_>,
) -> anyhow::Result<()> {
    let mut events = EventStream::new();
    let mut keys = input::KeyReader::default();
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut shutdown = terminal::shutdown_signals()?;
    update(state, Message::Tick(clock.now()));
    state.finish_batch();
    terminal.draw(|f| ui::draw(f, state, ui))?;
    loop {
        let dirty = tokio::select! {
            ev = events.next() => match ev {
                Some(Ok(Event::Key(k))) if k.kind != KeyEventKind::Release => {
                    let dialog = matches!(state.view.overlay, Overlay::Confirm(_));
                    let section = crate::config::keymap::Section::for_view(&state.view);
                    match keys.feed(&k, ui.keymap, section, dialog) {
                        Some(cmd) => match dispatch(state, cmd) {
                            Effect::Quit => return Ok(()),
                            Effect::Run { action, target, context } => {
                                executor.run(action, target, context);
                                true
                            }
                            Effect::None => true,
                        },
                        None => false,
                    }
                }
                Some(Ok(Event::Resize(_, _))) => true,
                Some(Ok(_)) => false,
                Some(Err(e)) => return Err(anyhow::anyhow!("reading the terminal: {e}")),
                None => return Ok(()),
            },
            Some(msg) = rx.recv() => {
                let mut changed = update(state, msg);
                for _ in 0..MAX_BATCH {
                    match rx.try_recv() {
                        Ok(m) => changed |= update(state, m),
                        Err(_) => break,
                    }
                }
                changed
            },
            Some(done) = results.recv() => update(state, done),
            _ = tick.tick() => update(state, Message::Tick(clock.now())),
            _ = shutdown.recv() => return Ok(()),
        };
        if dirty {
            state.finish_batch();
            terminal.draw(|f| ui::draw(f, state, ui))?;
        }
    }
}
