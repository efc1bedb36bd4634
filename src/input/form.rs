//! Keys while the silence form is open: it takes text, so keys go to it before the keymap.
//! Tab and Shift-Tab move between fields, ←/→ pick a duration, Enter creates, Esc cancels.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::domain::Effect;
use crate::domain::Target;
use crate::domain::registry::ActionId;
use crate::state::silence_form::Field;
use crate::state::view::Overlay;
use crate::state::{Level, State};

/// A key while the silence form is open.
pub fn key(state: &mut State, key: &KeyEvent) -> Effect {
    let now = state.now;
    let Overlay::Silence(form) = &mut state.view.overlay else { return Effect::None };
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    match key.code {
        KeyCode::Esc => {
            state.view.overlay = Overlay::None;
            state.view.say(now, "silence cancelled", Level::Muted);
            return Effect::None;
        }
        KeyCode::Char('c') if ctrl => {
            state.view.overlay = Overlay::None;
            state.view.say(now, "silence cancelled", Level::Muted);
            return Effect::None;
        }
        KeyCode::Enter => {
            let Some(new) = form.submit() else { return Effect::None };
            let context = form.context.clone();
            let target = Target::NewSilence(new);
            state.view.say(now, format!("Silence {} …", target.describe()), Level::Accent);
            state.view.overlay = Overlay::None;
            return Effect::Run { action: ActionId::Silence, target, context };
        }
        KeyCode::Tab | KeyCode::Down => form.next_field(true),
        KeyCode::BackTab | KeyCode::Up => form.next_field(false),
        KeyCode::Left | KeyCode::Right if form.field == Field::Duration => {
            form.cycle_preset(key.code == KeyCode::Right)
        }
        KeyCode::Backspace => {
            if let Some(t) = form.text_mut() {
                t.pop();
            }
        }
        KeyCode::Char('u') if ctrl => {
            if let Some(t) = form.text_mut() {
                t.clear();
            }
        }
        KeyCode::Char(c) if !ctrl && !c.is_control() => {
            if let Some(t) = form.text_mut() {
                t.push(c);
            }
        }
        _ => return Effect::None,
    }
    form.error = None;
    Effect::None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::silence::Matcher;
    use crate::state::silence_form::SilenceForm;

    fn press(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    fn open() -> State {
        let mut s = State::new("shop-prod", 0);
        let form = SilenceForm::new(
            &crate::domain::SourceId::alertmanager("prod"),
            "alert X".into(),
            "shop-prod".into(),
            &[Matcher::equal("alertname", "X")],
            "bob",
        );
        s.view.overlay = Overlay::Silence(Box::new(form));
        s
    }

    #[test]
    fn typing_a_comment_and_enter_runs_the_silence() {
        let mut s = open();
        assert_eq!(super::key(&mut s, &press(KeyCode::Enter)), Effect::None, "no comment yet");
        for c in "fix in progress".chars() {
            super::key(&mut s, &press(KeyCode::Char(c)));
        }
        super::key(&mut s, &press(KeyCode::Backspace));
        super::key(&mut s, &press(KeyCode::Char('s')));
        super::key(&mut s, &press(KeyCode::BackTab)); // duration
        super::key(&mut s, &press(KeyCode::Right)); // 4h
        let Effect::Run { action, target: Target::NewSilence(n), context } =
            super::key(&mut s, &press(KeyCode::Enter))
        else {
            panic!("expected the silence to run")
        };
        assert_eq!((action, context.as_str()), (ActionId::Silence, "shop-prod"));
        assert_eq!(n.comment, "fix in progress");
        assert_eq!(n.duration_ms, 4 * 3_600_000);
        assert_eq!(s.view.overlay, Overlay::None);
    }

    #[test]
    fn esc_cancels_without_running() {
        let mut s = open();
        assert_eq!(super::key(&mut s, &press(KeyCode::Esc)), Effect::None);
        assert_eq!(s.view.overlay, Overlay::None);
    }
}
