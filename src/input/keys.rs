//! The one way a key press enters: routed to the open overlay that takes text (a value, a
//! prompt, the silence form), else through the keymap to a command, holding the keys of a
//! sequence ("g g") until it completes or breaks. Returns the effect for the app loop.

use crossterm::event::KeyEvent;

use super::dispatch::dispatch;
use crate::config::Keymap;
use crate::config::keymap::{Chord, Lookup, Section};
use crate::domain::{Command, Effect};
use crate::state::State;
use crate::state::view::Overlay;

/// The keymap (with the user commands it binds) and the keys of a sequence typed so far.
pub struct Keys {
    keymap: Keymap,
    pending: Vec<Chord>,
}

impl Keys {
    pub fn new(keymap: Keymap) -> Keys {
        Keys { keymap, pending: Vec::new() }
    }

    /// One key press. Overlays that take text see it before the keymap does.
    pub fn handle(&mut self, state: &mut State, key: &KeyEvent) -> Effect {
        if let Some(effect) = typed(state, key) {
            return effect;
        }
        let dialog = matches!(state.view.overlay, Overlay::Confirm(_));
        let section = Section::for_view(&state.view);
        match self.command(key, section, dialog) {
            Some(Command::User(n)) => match self.keymap.commands.get(n as usize) {
                Some(c) => super::user_commands::run(state, c),
                None => Effect::None,
            },
            Some(cmd) => dispatch(state, cmd),
            None => Effect::None,
        }
    }

    /// The command a key completes, if any.
    fn command(&mut self, ev: &KeyEvent, section: Section, dialog: bool) -> Option<Command> {
        let chord = Chord::from_event(ev)?;
        self.pending.push(chord);
        match self.keymap.lookup(&self.pending, section, dialog) {
            Lookup::Found(c) => {
                self.pending.clear();
                Some(c)
            }
            Lookup::Prefix => None,
            Lookup::None => {
                // A broken sequence: the last key may still mean something on its own.
                let retry = self.pending.len() > 1;
                self.pending.clear();
                if retry { self.command(ev, section, dialog) } else { None }
            }
        }
    }
}

/// A key for the open overlay that takes text (a value, a prompt, the silence form); None when
/// no such overlay is open and the key goes to the keymap.
pub fn typed(state: &mut State, key: &KeyEvent) -> Option<Effect> {
    Some(match &state.view.overlay {
        Overlay::Value(_) => super::value::key(state, key),
        Overlay::Prompt(_) => super::prompt::key(state, key),
        Overlay::Silence(_) => super::form::key(state, key),
        Overlay::Pick(_) => super::object_actions::pick_key(state, key),
        _ => return None,
    })
}

/// Type `text` and, after it, press `then` (tests drive prompts and forms this way).
pub fn type_text(state: &mut State, text: &str, then: Option<crossterm::event::KeyCode>) -> Effect {
    use crossterm::event::{KeyCode, KeyModifiers};
    let mut last = Effect::None;
    let codes = text.chars().map(KeyCode::Char).chain(then);
    for code in codes {
        last = typed(state, &KeyEvent::new(code, KeyModifiers::NONE)).unwrap_or(Effect::None);
    }
    last
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::PaneId;
    use crossterm::event::{KeyCode, KeyModifiers};

    fn k(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
    }

    #[test]
    fn sequences_wait_and_broken_ones_fall_back() {
        let mut r = Keys::new(Keymap::default_keymap());
        let pods = Section::Pane(PaneId::Pods);
        assert_eq!(r.command(&k('g'), pods, false), None);
        assert_eq!(r.command(&k('g'), pods, false), Some(Command::Top));
        assert_eq!(r.command(&k('g'), pods, false), None);
        assert_eq!(r.command(&k('j'), pods, false), Some(Command::Down));
    }

    #[test]
    fn a_prompt_takes_the_keys_the_keymap_would_take() {
        let mut s = State::new("c", 0);
        let mut keys = Keys::new(Keymap::default_keymap());
        keys.handle(&mut s, &k(':'));
        assert!(matches!(s.view.overlay, Overlay::Prompt(_)));
        // `q` quits from the keymap, but in the palette it is a letter.
        assert_eq!(keys.handle(&mut s, &k('q')), Effect::None);
        let Overlay::Prompt(p) = &s.view.overlay else { panic!("{:?}", s.view.overlay) };
        assert_eq!(p.text, "q");
        assert_eq!(keys.handle(&mut s, &KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)), Effect::Quit);
    }
}
