//! The interactive console: one loop that owns the store, selects over terminal input, source
//! messages, action results, a 1 s clock tick and shutdown signals, and redraws only on change.

pub mod input;
pub mod mouse;
pub mod startup;
pub mod terminal;

use std::time::Duration;

use crossterm::event::{Event, EventStream, KeyEventKind};
use futures::StreamExt;

use crate::actions::dispatch::{Effect, dispatch};
use crate::actions::executor::Executor;
use crate::actions::form;
use crate::actions::prompt;
use crate::config::Theme;
use crate::state::view::Overlay;
use crate::state::{Level, Message, State, update};
use crate::ui::{self, Ui};
pub use startup::{Running, Settings};

/// At most this many queued source messages are applied before a frame is drawn, so a flood
/// of updates cannot starve input.
const MAX_BATCH: usize = 4096;

pub async fn run(settings: Settings) -> anyhow::Result<()> {
    let Running { mut state, mut rx, mut results, executor, clock, _guards } = startup::start(&settings)?;
    let mut terminal = terminal::enter()?;
    let channels = Channels { sources: &mut rx, results: &mut results };
    let result = event_loop(&mut terminal, &mut state, channels, &executor, clock, &settings).await;
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
    settings: &Settings,
) -> anyhow::Result<()> {
    let mut events = EventStream::new();
    let mut keys = input::KeyReader::default();
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut shutdown = terminal::shutdown_signals()?;
    // `:theme` replaces it while running.
    let mut theme = settings.theme.clone();
    update(state, Message::Tick(clock.now()));
    state.finish_batch();
    terminal.draw(|f| ui::draw(f, state, &Ui { theme: &theme, keymap: &settings.keymap }))?;
    loop {
        let dirty = tokio::select! {
            ev = events.next() => match ev {
                Some(Ok(Event::Key(k))) if k.kind != KeyEventKind::Release => {
                    // A prompt or a form takes text, so it sees keys before the keymap does.
                    let effect = if matches!(state.view.overlay, Overlay::Prompt(_)) {
                        input::edit_of(&k).map(|e| prompt::edit(state, e))
                    } else if matches!(state.view.overlay, Overlay::Silence(_)) {
                        Some(form::handle_key(state, &k))
                    } else {
                        let dialog = matches!(state.view.overlay, Overlay::Confirm(_));
                        let section = crate::config::keymap::Section::for_view(&state.view);
                        keys.feed(&k, &settings.keymap, section, dialog).map(|cmd| dispatch(state, cmd))
                    };
                    match effect {
                        Some(Effect::Quit) => return Ok(()),
                        Some(effect) => {
                            carry_out(effect, state, executor, settings, &mut theme);
                            true
                        }
                        None => false,
                    }
                }
                Some(Ok(Event::Mouse(m))) => {
                    let size = terminal.size()?;
                    let ui = Ui { theme: &theme, keymap: &settings.keymap };
                    mouse::handle(state, &m, &ui, ratatui::layout::Rect::new(0, 0, size.width, size.height))
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
            terminal.draw(|f| ui::draw(f, state, &Ui { theme: &theme, keymap: &settings.keymap }))?;
        }
    }
}

/// Do what a key asked for beyond changing the view.
fn carry_out(effect: Effect, state: &mut State, executor: &Executor, settings: &Settings, theme: &mut Theme) {
    let now = state.now;
    match effect {
        Effect::None | Effect::Quit => {}
        Effect::Run { action, target, context } => executor.run(action, target, context),
        Effect::SetTheme(name) => match crate::config::load_theme(settings.config_dir.as_deref(), &name) {
            Ok(t) => {
                *theme = t;
                state.view.say(now, format!("theme {name}"), Level::Ok);
            }
            Err(e) => state.view.say(now, format!("{e:#}"), Level::Warn),
        },
        Effect::SwitchContext(name) => switch_context(state, settings, name),
    }
}

/// `:ctx NAME`. The sources are started for one context and cannot switch yet, so nothing is
/// pretended: the request is kept and the status line says what happened.
fn switch_context(state: &mut State, settings: &Settings, name: String) {
    let why = if settings.demo {
        format!("the demo platform has one Kubernetes context ({})", state.context)
    } else {
        "the sources cannot switch context while running".to_string()
    };
    let msg = format!("context {name} not switched: {why}; start with --context {name}");
    state.view.requested_context = Some(name);
    state.view.say(state.now, msg, Level::Warn);
}
