//! Turns key presses into commands through the keymap, holding the keys of a sequence
//! ("g g") until it completes or breaks.

use crossterm::event::KeyEvent;

use crate::actions::command::Command;
use crate::config::Keymap;
use crate::config::keymap::{Chord, Lookup, Section};

#[derive(Default)]
pub struct KeyReader {
    pending: Vec<Chord>,
}

impl KeyReader {
    pub fn feed(
        &mut self,
        ev: &KeyEvent,
        keymap: &Keymap,
        section: Section,
        dialog: bool,
    ) -> Option<Command> {
        let chord = Chord::from_event(ev)?;
        self.pending.push(chord);
        match keymap.lookup(&self.pending, section, dialog) {
            Lookup::Found(c) => {
                self.pending.clear();
                Some(c)
            }
            Lookup::Prefix => None,
            Lookup::None => {
                // A broken sequence: the last key may still mean something on its own.
                let retry = self.pending.len() > 1;
                self.pending.clear();
                if retry { self.feed(ev, keymap, section, dialog) } else { None }
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

/// A key press as a prompt reads it; None for keys a prompt ignores.
pub fn edit_of(ev: &KeyEvent) -> Option<crate::actions::prompt::Edit> {
    use crate::actions::prompt::Edit;
    use crossterm::event::{KeyCode, KeyModifiers};
    let ctrl = ev.modifiers.contains(KeyModifiers::CONTROL);
    Some(match ev.code {
        KeyCode::Char('c') if ctrl => Edit::Esc,
        KeyCode::Char('w') if ctrl => Edit::DeleteWord,
        KeyCode::Char('u') if ctrl => Edit::Clear,
        KeyCode::Char('p') if ctrl => Edit::Up,
        KeyCode::Char('n') if ctrl => Edit::Down,
        KeyCode::Char(c) if !ctrl => Edit::Char(c),
        KeyCode::Backspace => Edit::Backspace,
        KeyCode::Enter => Edit::Enter,
        KeyCode::Esc => Edit::Esc,
        KeyCode::Tab => Edit::Tab,
        KeyCode::BackTab => Edit::BackTab,
        KeyCode::Up => Edit::Up,
        KeyCode::Down => Edit::Down,
        _ => return None,
    })
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
        let km = Keymap::default_keymap();
        let mut r = KeyReader::default();
        assert_eq!(r.feed(&k('g'), &km, Section::Pane(PaneId::Pods), false), None);
        assert_eq!(r.feed(&k('g'), &km, Section::Pane(PaneId::Pods), false), Some(Command::Top));
        assert_eq!(r.feed(&k('g'), &km, Section::Pane(PaneId::Pods), false), None);
        assert_eq!(r.feed(&k('j'), &km, Section::Pane(PaneId::Pods), false), Some(Command::Down));
    }
}
