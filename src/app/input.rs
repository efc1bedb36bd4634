//! Turns key presses into commands through the keymap, holding the keys of a sequence
//! ("g g") until it completes or breaks.

use crossterm::event::KeyEvent;

use crate::actions::command::Command;
use crate::config::Keymap;
use crate::config::keymap::{Chord, Lookup};
use crate::state::PaneId;

#[derive(Default)]
pub struct KeyReader {
    pending: Vec<Chord>,
}

impl KeyReader {
    pub fn feed(&mut self, ev: &KeyEvent, keymap: &Keymap, pane: PaneId, dialog: bool) -> Option<Command> {
        let chord = Chord::from_event(ev)?;
        self.pending.push(chord);
        match keymap.lookup(&self.pending, pane, dialog) {
            Lookup::Found(c) => {
                self.pending.clear();
                Some(c)
            }
            Lookup::Prefix => None,
            Lookup::None => {
                // A broken sequence: the last key may still mean something on its own.
                let retry = self.pending.len() > 1;
                self.pending.clear();
                if retry { self.feed(ev, keymap, pane, dialog) } else { None }
            }
        }
    }
}

/// A key while a value is being typed: text editing, Enter and Esc.
pub fn value_key(ev: &KeyEvent) -> Option<crate::actions::value::Key> {
    use crate::actions::value::Key;
    use crossterm::event::{KeyCode, KeyModifiers};
    if ev.modifiers.contains(KeyModifiers::CONTROL) {
        // Ctrl-C still means "get me out".
        return (ev.code == KeyCode::Char('c')).then_some(Key::Esc);
    }
    match ev.code {
        KeyCode::Char(c) => Some(Key::Char(c)),
        KeyCode::Backspace => Some(Key::Backspace),
        KeyCode::Enter => Some(Key::Enter),
        KeyCode::Esc => Some(Key::Esc),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::{KeyCode, KeyModifiers};

    fn k(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
    }

    #[test]
    fn sequences_wait_and_broken_ones_fall_back() {
        let km = Keymap::default_keymap();
        let mut r = KeyReader::default();
        assert_eq!(r.feed(&k('g'), &km, PaneId::Pods, false), None);
        assert_eq!(r.feed(&k('g'), &km, PaneId::Pods, false), Some(Command::Top));
        assert_eq!(r.feed(&k('g'), &km, PaneId::Pods, false), None);
        assert_eq!(r.feed(&k('j'), &km, PaneId::Pods, false), Some(Command::Down));
    }
}
