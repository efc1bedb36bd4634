//! The help read page by page on small screens: every key and every word of its description is
//! on some page, nothing cut; the cue says where the rest is; the keys scroll it.

use ratatui::layout::Rect;

use super::help::entries;
use crate::config::{Keymap, Theme};
use crate::domain::Command;
use crate::input::dispatch::dispatch;
use crate::state::State;
use crate::state::view::Overlay;
use crate::ui::panes::test_support::{lines, render_screen};
use crate::ui::{Ui, help_window};

fn with_help() -> State {
    let mut s = crate::sources::demo::state_at(7, 150);
    dispatch(&mut s, Command::Help);
    assert_eq!(s.view.overlay, Overlay::Help);
    s
}

/// What the app does before each draw: the page size and the scroll kept within the help.
fn settle(s: &mut State, w: u16, h: u16) {
    let (theme, keymap) = (Theme::default_theme(), Keymap::default_keymap());
    let ui = Ui { theme: &theme, keymap: &keymap };
    let (page, last) = help_window(s, &ui, Rect::new(0, 0, w, h));
    (s.view.help_page, s.view.help_scroll) = (page, s.view.help_scroll.min(last));
}

/// The help box's rows (between its borders) on the screen drawn.
fn help_rows(s: &State, w: u16, h: u16) -> Vec<String> {
    let rows = lines(&render_screen(s, w, h));
    let top = rows.iter().position(|r| r.contains("Help — ?")).expect("the help box");
    let bottom = rows.iter().rposition(|r| r.contains('╰')).expect("its bottom");
    rows[top + 1..bottom].iter().map(|r| r.trim_matches(|c| c == '│' || c == ' ').to_string()).collect()
}

/// Words separated by single spaces, so a description wrapped over lines reads as one.
fn words(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn every_key_and_description_is_read_whole_paging_through_80x24() {
    let (w, h) = (80, 24);
    let mut s = with_help();
    settle(&mut s, w, h);
    let page = s.view.help_page;
    assert!(page >= 15, "a page is most of the screen: {page}");
    let mut seen: Vec<String> = Vec::new();
    let mut pages = 0;
    loop {
        let rows = help_rows(&s, w, h);
        let (body, cue) = rows.split_at(rows.len() - 1);
        assert!(cue[0].contains("lines") && cue[0].contains("j/k"), "{cue:?}");
        assert!(body.iter().all(|r| !r.ends_with('…')), "nothing cut:\n{}", body.join("\n"));
        let top = s.view.help_scroll;
        for (i, r) in body.iter().enumerate() {
            if seen.len() <= top + i {
                seen.resize(top + i + 1, String::new());
            }
            seen[top + i] = r.clone();
        }
        pages += 1;
        if cue[0].contains("more below") {
            dispatch(&mut s, Command::PageDown);
            settle(&mut s, w, h);
            assert!(s.view.help_scroll > top, "PgDn moved on");
        } else {
            assert!(cue[0].contains("more above"), "the last page: {cue:?}");
            break;
        }
        assert!(pages < 20, "the last page comes");
    }
    assert!(pages >= 3, "the help is longer than a screen: {pages}");
    let all = words(&seen.join(" "));
    let (theme, keymap) = (Theme::default_theme(), Keymap::default_keymap());
    for (title, rows) in entries(&s, &Ui { theme: &theme, keymap: &keymap }) {
        assert!(all.contains(&title), "section {title}");
        for e in rows {
            let want = words(&format!("{} {}", e.keys, e.long));
            assert!(all.contains(&want), "{title}: `{want}` not read whole in\n{}", seen.join("\n"));
        }
    }
}

#[test]
fn keys_scroll_the_help_and_stop_at_its_ends() {
    let (w, h) = (80, 24);
    let mut s = with_help();
    settle(&mut s, w, h);
    let first = help_rows(&s, w, h);
    dispatch(&mut s, Command::Down);
    settle(&mut s, w, h);
    let next = help_rows(&s, w, h);
    assert_eq!(first[1], next[0], "j moves the lines up by one");
    dispatch(&mut s, Command::Bottom);
    settle(&mut s, w, h);
    let end = s.view.help_scroll;
    dispatch(&mut s, Command::Up);
    settle(&mut s, w, h);
    assert_eq!(s.view.help_scroll, end - 1, "k right after G moves back a line");
    dispatch(&mut s, Command::Top);
    settle(&mut s, w, h);
    assert_eq!(s.view.help_scroll, 0);
    // Closed and opened again, it starts at the top; the view under it never moved.
    let focus = s.view.focus;
    dispatch(&mut s, Command::PageDown);
    dispatch(&mut s, Command::Help);
    dispatch(&mut s, Command::Help);
    assert_eq!((s.view.help_scroll, s.view.focus), (0, focus));
}

#[test]
fn a_tall_wide_screen_shows_the_help_in_columns() {
    let mut s = with_help();
    settle(&mut s, 240, 80);
    let rows = help_rows(&s, 240, 80);
    assert!(rows.iter().all(|r| !r.contains("more below")), "all of it at once");
    let text = rows.join("\n");
    assert!(text.contains("Everywhere") && text.contains(":pf"), "the first and the last section:\n{text}");
}
