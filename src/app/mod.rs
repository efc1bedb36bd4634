//! The interactive console: one loop that owns the store, selects over terminal input, source
//! messages, action results, a 1 s clock tick and shutdown signals, and redraws only on change.

pub mod audit;
pub mod aws_start;
pub mod executor;
pub mod fleet;
pub mod forwards;
pub mod handover;
pub mod history;
pub mod history_task;
pub mod mouse;
mod pace;
pub mod pod_streams;
pub mod report;
pub mod startup;
pub mod switch;
pub mod terminal;
pub mod view_streams;

use std::time::Duration;

use crossterm::event::{Event, EventStream, KeyEventKind};
use futures::StreamExt;

use crate::config::Theme;
use crate::domain::{Effect, Handover, StreamStart};
use crate::input::keys::Keys;
use crate::input::switch::Switch;
use crate::state::{Level, Message, State, update};
use crate::ui::{self, Ui};
use executor::Executor;
pub use startup::{Running, Settings};

/// At most this many queued source messages are applied before a frame is drawn, so a flood
/// of updates cannot starve input.
const MAX_BATCH: usize = 4096;
/// The longest a batch of source messages is applied for before a key is read again.
const BATCH_TIME: Duration = Duration::from_millis(8);

pub async fn run(settings: Settings) -> anyhow::Result<()> {
    let Running {
        mut state,
        mut rx,
        mut results,
        mut executor,
        clock,
        _guards,
        mut kube,
        mut streams,
        mut views,
        mut forwards,
        mut lazy,
        messages,
    } = startup::start(&settings)?;
    let (recorder, _history) = match settings.history_path() {
        Some(path) => {
            let (r, guard) = history_task::spawn(path, settings.history.clone(), messages, clock);
            (Some(r), Some(guard))
        }
        None => {
            drop(messages);
            let why = "off: [history] enabled = false, or no state directory";
            state.history = Some(Err(why.to_string()));
            (None, None)
        }
    };
    let mut terminal = terminal::enter()?;
    let channels = Channels {
        sources: &mut rx,
        results: &mut results,
        kube: &mut kube,
        streams: &mut streams,
        views: &mut views,
        forwards: &mut forwards,
        lazy: &mut lazy,
        recorder,
    };
    let result = event_loop(&mut terminal, &mut state, channels, &mut executor, clock, &settings).await;
    terminal::leave();
    result
}

/// What the loop listens to besides the terminal and the clock.
struct Channels<'a> {
    sources: &'a mut crate::sources::Receiver,
    results: &'a mut tokio::sync::mpsc::Receiver<Message>,
    kube: &'a mut Option<switch::KubeSwitcher>,
    streams: &'a mut pod_streams::PodStreams,
    views: &'a mut view_streams::ViewStreams,
    forwards: &'a mut forwards::Forwards,
    lazy: &'a mut fleet::Lazy,
    /// Where new timeline entries go to be kept (none when the history is off).
    recorder: Option<history_task::Recorder>,
}

/// What a key asked for that the loop itself must do, with what it owns.
enum Next {
    Switch(Switch),
    Handover(Handover),
    /// Start a cluster of the fleet watched only once opened.
    Watch(crate::domain::ClusterId),
}

async fn event_loop(
    terminal: &mut ratatui::DefaultTerminal,
    state: &mut State,
    Channels { sources: rx, results, kube, streams, views, forwards, lazy, mut recorder }: Channels<'_>,
    executor: &mut Executor,
    clock: crate::sources::Clock,
    settings: &Settings,
) -> anyhow::Result<()> {
    let mut events = EventStream::new();
    let mut keys = Keys::new(settings.keymap.clone());
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut shutdown = terminal::shutdown_signals()?;
    // `:theme` replaces it while running.
    let mut theme = settings.theme.clone();
    // The kubeconfig's current context is known only now: its theme and safety apply.
    follow_context(state, settings, &mut theme);
    update(state, Message::Tick(clock.now()));
    let mut pace = pace::Pace::new();
    state.finish_batch();
    terminal.draw(|f| ui::draw(f, state, &Ui { theme: &theme, keymap: &settings.keymap }))?;
    loop {
        let mut next = None;
        let mut input = false;
        // When this frame's work began: a batch of data is timed from its first message.
        let mut woke = None;
        let mut dirty = tokio::select! {
            ev = events.next() => match ev {
                Some(Ok(Event::Key(k))) if k.kind != KeyEventKind::Release => {
                    input = true;
                    match keys.handle(state, &k) {
                        Effect::Quit => return Ok(()),
                        effect => {
                            let mut own = Owned { executor, streams, views, forwards, settings, theme: &mut theme };
                            next = carry_out(effect, state, &mut own);
                        }
                    }
                    true
                }
                Some(Ok(Event::Mouse(m))) => {
                    input = true;
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
                let began = std::time::Instant::now();
                woke = Some(began);
                let mut changed = update(state, msg);
                for _ in 0..MAX_BATCH {
                    // A key waits for no more than this batch (a list's pages come faster than
                    // they are applied while a big cluster loads).
                    if began.elapsed() >= BATCH_TIME {
                        break;
                    }
                    match rx.try_recv() {
                        Ok(m) => changed |= update(state, m),
                        Err(_) => break,
                    }
                }
                changed && pace.data_changed()
            },
            _ = pace.due() => true,
            Some(done) = results.recv() => {
                // The server refused an edit: the editor opens again with its answer.
                if let Message::EditRefused(req) = &done {
                    next = Some(Next::Handover(Handover::Edit((**req).clone())));
                }
                update(state, done)
            }
            _ = tick.tick() => update(state, Message::Tick(clock.now())),
            Some(interrupt) = shutdown.recv() => {
                let _ = interrupt;
                return Ok(());
            }
        };
        // Only a handover is taken here; a switch is carried out below.
        if let Some(Next::Handover(h)) = next.take_if(|n| matches!(n, Next::Handover(_))) {
            // No key is read while another program has the terminal.
            drop(std::mem::replace(&mut events, EventStream::new()));
            let cx = handover::Ctx {
                terminal: &mut *terminal,
                state: &mut *state,
                rx: &mut *rx,
                executor: &*executor,
            };
            handover::carry_out(h, cx).await;
            // Ctrl-C meant for that program reached this process too; a TERM or HUP still counts.
            while let Ok(interrupt) = shutdown.try_recv() {
                if !interrupt {
                    return Ok(());
                }
            }
            dirty = true;
        }
        if let Some(Next::Watch(cluster)) = &next {
            lazy.start(settings, cluster, executor, streams);
        }
        if let Some(Next::Switch(to)) = next {
            match kube.as_mut() {
                Some(k) => {
                    if let Some(backend) = k.switch(to, state, rx).await {
                        streams.set_backend(backend.clone());
                        views.stop_all();
                        forwards.stop_all();
                        executor.set_backend(backend);
                        if let Some(a) = &k.argocd {
                            executor.set_argocd(a.handle.clone());
                        }
                        if let Some(a) = &k.alertmanager {
                            executor.set_discovered_alertmanager(a.client.clone());
                        }
                        executor.discover(&state.context_for(&state.console_cluster()));
                        follow_context(state, settings, &mut theme);
                    }
                }
                None => state.view.say(
                    state.now,
                    "no Kubernetes context to switch: not connected to a cluster",
                    Level::Warn,
                ),
            }
            dirty = true;
        }
        let woke = woke.unwrap_or_else(std::time::Instant::now);
        if dirty {
            let updated = woke.elapsed();
            if input {
                state.finish_input()
            } else {
                state.finish_batch()
            }
            let finished = woke.elapsed();
            let fresh = state.timeline.take_fresh();
            if let Some(r) = recorder.as_mut() {
                r.offer(fresh);
            }
            // A pod view that closed (or moved to another container) stops its streams.
            streams.retain(state.wanted_streams());
            views.retain(state.wanted_view_streams());
            let ui = Ui { theme: &theme, keymap: &settings.keymap };
            if state.view.overlay == crate::state::view::Overlay::Help {
                // The help scrolls no further than its last page on this screen.
                let size = terminal.size()?;
                let (page, last) =
                    ui::help_window(state, &ui, ratatui::layout::Rect::new(0, 0, size.width, size.height));
                (state.view.help_page, state.view.help_scroll) = (page, state.view.help_scroll.min(last));
            }
            terminal.draw(|f| ui::draw(f, state, &ui))?;
            pace.drawn();
            // Where a slow frame's time went, for `FLIGHTDECK_LOG=flightdeck::frame=debug`:
            // applying the batch, deriving (order, triage), drawing; each since it began.
            let drawn = woke.elapsed();
            if drawn > Duration::from_millis(20) {
                tracing::debug!(target: "flightdeck::frame", ?updated, ?finished, ?drawn, input, pods = state.pods.len(), "slow frame");
            }
        }
    }
}

/// What `carry_out` uses of what the loop owns.
struct Owned<'a> {
    executor: &'a Executor,
    streams: &'a mut pod_streams::PodStreams,
    views: &'a mut view_streams::ViewStreams,
    forwards: &'a mut forwards::Forwards,
    settings: &'a Settings,
    theme: &'a mut Theme,
}

/// Do what a key asked for beyond changing the view; a context or namespace switch, and a
/// handover of the terminal, are handed back: they need what the loop owns.
fn carry_out(effect: Effect, state: &mut State, own: &mut Owned) -> Option<Next> {
    let now = state.now;
    let (executor, streams, settings) = (own.executor, &mut *own.streams, own.settings);
    match effect {
        Effect::None | Effect::Quit => {}
        Effect::Run { action, target, context } => executor.run(action, target, context),
        Effect::FetchTree { app, cluster } => executor.fetch_tree(app, cluster),
        Effect::FetchPlan { app, cluster } => executor.fetch_plan(app, cluster),
        Effect::Discover => executor.discover(&state.context_for(&state.console_cluster())),
        Effect::FetchHistory { subject, context } => executor.fetch_history(subject, &context),
        Effect::FetchPorts { subject, cluster, context } => executor.fetch_ports(subject, cluster, &context),
        Effect::Handover(h) => return Some(Next::Handover(h)),
        Effect::Background { stream, name, line, env, context } => {
            let described = crate::domain::Target::UserCommand { name, line: line.clone() }.describe();
            executor.audit(&context, "command", &described, &Ok("started in the background".into()));
            handover::background(stream, line, env, own.views.sender());
        }
        Effect::Forward { target, context } => {
            state.forwards.next_id += 1;
            let id = state.forwards.next_id;
            executor.audit(&context, "port_forward", &target.describe(), &Ok("started".into()));
            let backend = executor.backend_for(&context);
            own.forwards.start(id, target, context, now, backend);
        }
        Effect::StopForward(id) => {
            own.forwards.stop(id);
        }
        Effect::Batch(effects) => {
            let mut next = None;
            for e in effects {
                next = carry_out(e, state, own).or(next);
            }
            return next;
        }
        Effect::Stream(StreamStart::Table { stream, kind, namespace, cluster }) => {
            let backend = executor.backend_for(&state.context_for(&cluster));
            own.views.table(stream, kind, namespace, backend)
        }
        Effect::Stream(StreamStart::Object { stream, object, cluster }) => {
            let backend = executor.backend_for(&state.context_for(&cluster));
            own.views.object(stream, object, backend)
        }
        Effect::Stream(StreamStart::WorkloadLogs { stream, request }) => {
            let backend = executor.backend_for(&state.context_for(&request.cluster));
            own.views.workload_logs(stream, request, backend)
        }
        Effect::SetTheme(name) => match crate::config::load_theme(settings.config_dir.as_deref(), &name) {
            Ok(t) => {
                *own.theme = t;
                state.view.say(now, format!("theme {name}"), Level::Ok);
            }
            Err(e) => state.view.say(now, format!("{e:#}"), Level::Warn),
        },
        Effect::SwitchContext(name) if settings.demo => demo_context(state, name),
        Effect::SwitchContext(name) => return Some(Next::Switch(Switch::Context(name))),
        Effect::SwitchNamespace(_) if settings.demo => {}
        Effect::SwitchNamespace(scope) => return Some(Next::Switch(Switch::Namespace(scope))),
        Effect::WatchCluster(cluster) => return Some(Next::Watch(cluster)),
        Effect::Stream(StreamStart::Watch { stream, key }) => streams.watch_pod(stream, key),
        Effect::Stream(StreamStart::Logs { stream, request }) => streams.stream_logs(stream, request),
        Effect::WriteReport(report) => {
            let (results, clock) = executor.results();
            let dir = settings.state_dir.as_ref().map(|d| d.join("reports"));
            report::spawn(dir, report, results, clock);
        }
    }
    None
}

/// A context's own settings after it changed (or became known): production and read-only are
/// re-applied, so a switch into production is never without its cue and typed names; so is its
/// theme.
fn follow_context(state: &mut State, settings: &Settings, theme: &mut Theme) {
    settings.apply_safety(state);
    let Some(name) = settings.context_theme(&state.context) else { return };
    if name == theme.name {
        return;
    }
    match crate::config::load_theme(settings.config_dir.as_deref(), name) {
        Ok(t) => *theme = t,
        Err(e) => {
            state.view.say(state.now, format!("theme of context {}: {e:#}", state.context), Level::Warn)
        }
    }
}

/// `:ctx NAME` on the demo, which has one context: nothing is pretended, the status line says so.
fn demo_context(state: &mut State, name: String) {
    let why = format!(
        "the demo watches {}; start it with --all-contexts to watch shop-prod and shop-dev at once",
        state.context
    );
    let msg = format!("context {name} not switched: {why}");
    state.view.requested_context = Some(name);
    state.view.say(state.now, msg, Level::Warn);
}
