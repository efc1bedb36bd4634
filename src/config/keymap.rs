//! Keymaps: key or key sequence → command name, per section (global, dialog, and one per pane,
//! where a pane binding wins over a global one). Built-in maps are keymaps/*.toml, embedded; a
//! user file patches only the bindings it names, and `"none"` unbinds.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::errors::{FileError, closest};
use crate::domain::command::Command;
use crate::state::PaneId;

pub const BUILTIN: &[(&str, &str)] = &[
    ("default", include_str!("../../keymaps/default.toml")),
    ("vim", include_str!("../../keymaps/vim.toml")),
    ("emacs", include_str!("../../keymaps/emacs.toml")),
];

/// One key press, normalised so that `S` and shift-s compare equal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Chord {
    pub code: KeyCodeOrd,
    pub ctrl: bool,
    pub alt: bool,
}

/// KeyCode without the variants flightdeck never binds, so it can be ordered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum KeyCodeOrd {
    Char(char),
    F(u8),
    Named(&'static str),
}

const NAMED: &[(&str, KeyCode)] = &[
    ("enter", KeyCode::Enter),
    ("esc", KeyCode::Esc),
    ("tab", KeyCode::Tab),
    ("backtab", KeyCode::BackTab),
    ("backspace", KeyCode::Backspace),
    ("delete", KeyCode::Delete),
    ("insert", KeyCode::Insert),
    ("up", KeyCode::Up),
    ("down", KeyCode::Down),
    ("left", KeyCode::Left),
    ("right", KeyCode::Right),
    ("home", KeyCode::Home),
    ("end", KeyCode::End),
    ("pageup", KeyCode::PageUp),
    ("pagedown", KeyCode::PageDown),
    ("space", KeyCode::Char(' ')),
];

impl Chord {
    pub fn from_event(ev: &KeyEvent) -> Option<Chord> {
        let ctrl = ev.modifiers.contains(KeyModifiers::CONTROL);
        let alt = ev.modifiers.contains(KeyModifiers::ALT);
        let code = match ev.code {
            KeyCode::Char(c) => KeyCodeOrd::Char(c),
            KeyCode::F(n) => KeyCodeOrd::F(n),
            KeyCode::Tab if ev.modifiers.contains(KeyModifiers::SHIFT) => KeyCodeOrd::Named("backtab"),
            other => KeyCodeOrd::Named(NAMED.iter().find(|(_, k)| *k == other)?.0),
        };
        // Ctrl-letter arrives lowercase from most terminals; bind it that way.
        let code = match code {
            KeyCodeOrd::Char(c) if ctrl => KeyCodeOrd::Char(c.to_ascii_lowercase()),
            KeyCodeOrd::Char(' ') => KeyCodeOrd::Named("space"),
            c => c,
        };
        Some(Chord { code, ctrl, alt })
    }

    /// Parse "q", "S", "ctrl-c", "shift-tab", "f5", "pagedown".
    pub fn parse(s: &str) -> Option<Chord> {
        let mut ctrl = false;
        let mut alt = false;
        let mut shift = false;
        let mut rest = s;
        loop {
            let lower = rest.to_ascii_lowercase();
            if rest.len() > 1 && (lower.starts_with("ctrl-") || lower.starts_with("c-")) {
                ctrl = true;
                rest = &rest[rest.find('-')? + 1..];
            } else if rest.len() > 1 && (lower.starts_with("alt-") || lower.starts_with("m-")) {
                alt = true;
                rest = &rest[rest.find('-')? + 1..];
            } else if rest.len() > 1 && lower.starts_with("shift-") {
                shift = true;
                rest = &rest[6..];
            } else {
                break;
            }
        }
        let mut chars = rest.chars();
        let code = match (chars.next(), chars.next()) {
            (Some(c), None) => {
                let c = if shift { c.to_ascii_uppercase() } else { c };
                KeyCodeOrd::Char(if ctrl { c.to_ascii_lowercase() } else { c })
            }
            _ => {
                let lower = rest.to_ascii_lowercase();
                let lower = match lower.as_str() {
                    "pgup" => "pageup".to_string(),
                    "pgdn" => "pagedown".to_string(),
                    "return" => "enter".to_string(),
                    "escape" => "esc".to_string(),
                    "tab" if shift => "backtab".to_string(),
                    _ => lower,
                };
                if let Some(n) = lower.strip_prefix('f').and_then(|n| n.parse::<u8>().ok()) {
                    KeyCodeOrd::F(n)
                } else {
                    KeyCodeOrd::Named(NAMED.iter().find(|(n, _)| *n == lower)?.0)
                }
            }
        };
        Some(Chord { code, ctrl, alt })
    }

    pub fn label(&self) -> String {
        let mut s = String::new();
        if self.ctrl {
            s.push_str("ctrl-");
        }
        if self.alt {
            s.push_str("alt-");
        }
        match self.code {
            KeyCodeOrd::Char(c) => s.push(c),
            KeyCodeOrd::F(n) => s.push_str(&format!("f{n}")),
            KeyCodeOrd::Named(n) => s.push_str(n),
        }
        s
    }
}

pub type Sequence = Vec<Chord>;

pub fn sequence_label(seq: &[Chord]) -> String {
    seq.iter().map(Chord::label).collect::<Vec<_>>().join(" ")
}

/// Where a binding applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Section {
    Global,
    /// While a confirmation is open.
    Dialog,
    /// The triage view.
    Triage,
    /// The timeline view.
    Timeline,
    /// A pod's describe and YAML screens.
    Detail,
    /// A container's logs.
    Logs,
    /// The Pods pane's workloads view, before the Pods pane's own keys.
    Workloads,
    /// A `:KIND` list of any kind.
    Resources,
    /// One object up close (after it, the pod detail's keys).
    Object,
    /// The port-forwards (`:pf`).
    Forwards,
    Pane(PaneId),
}

impl Section {
    pub fn parse(s: &str) -> Option<Section> {
        match s {
            "global" => Some(Section::Global),
            "dialog" => Some(Section::Dialog),
            "triage" => Some(Section::Triage),
            "timeline" => Some(Section::Timeline),
            "detail" => Some(Section::Detail),
            "logs" => Some(Section::Logs),
            "workloads" => Some(Section::Workloads),
            "resources" => Some(Section::Resources),
            "object" => Some(Section::Object),
            "forwards" => Some(Section::Forwards),
            other => PaneId::from_slug(other).map(Section::Pane),
        }
    }

    /// The section whose keys apply after this one's, before the global ones: the workloads
    /// view is in the Pods pane, an object's view reads like a pod's detail.
    pub fn parent(self) -> Option<Section> {
        match self {
            Section::Workloads => Some(Section::Pane(PaneId::Pods)),
            Section::Object => Some(Section::Detail),
            _ => None,
        }
    }
    /// The section whose keys apply to what the view shows (before the global ones).
    pub fn for_view(view: &crate::state::View) -> Section {
        use crate::state::view::Mode;
        use crate::state::view::object::ObjectScreen;
        match view.mode {
            Mode::Triage => Section::Triage,
            // The fleet screen acts on no pane's rows: only the global keys.
            Mode::Fleet => Section::Global,
            Mode::Timeline => Section::Timeline,
            Mode::Pod(crate::state::view::pod::PodScreen::Logs) | Mode::Object(ObjectScreen::Logs) => {
                Section::Logs
            }
            Mode::Pod(_) => Section::Detail,
            Mode::Object(_) => Section::Object,
            Mode::Resources => Section::Resources,
            Mode::Forwards => Section::Forwards,
            Mode::Output => Section::Global,
            // In the overview the pane's keys only: `l` still moves the focus there.
            Mode::Full(PaneId::Pods) if view.pods_view == crate::state::view::PodsView::Workloads => {
                Section::Workloads
            }
            _ => Section::Pane(view.active_pane()),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Section::Global => "global",
            Section::Dialog => "dialog",
            Section::Triage => "triage",
            Section::Timeline => "timeline",
            Section::Detail => "detail",
            Section::Logs => "logs",
            Section::Workloads => "workloads",
            Section::Resources => "resources",
            Section::Object => "object",
            Section::Forwards => "forwards",
            Section::Pane(p) => p.slug(),
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Keymap {
    /// Each binding keeps its position in the file, so help and hints show keys in the order
    /// the keymap lists them (`tab` before `l`, `q` before `ctrl-c`).
    pub bindings: HashMap<Section, BTreeMap<Sequence, (Command, usize)>>,
    /// Bindings patched in by later files rank after the base file's.
    next_rank: usize,
    /// The config's user commands, bound as `Command::User(n)` for the n-th.
    pub commands: Vec<super::commands::UserCommand>,
}

pub enum Lookup {
    Found(Command),
    /// The keys so far start a longer sequence: wait for the next one.
    Prefix,
    None,
}

impl Keymap {
    /// A built-in keymap: `default`, or another that patches it as a user file would.
    pub fn builtin(name: &str) -> Option<Keymap> {
        let (_, text) = BUILTIN.iter().find(|(n, _)| *n == name)?;
        let base = (name != "default").then(Keymap::default_keymap);
        Some(
            Keymap::parse(Path::new(&format!("keymaps/{name}.toml")), text, base.as_ref())
                .expect("built-in keymap is valid"),
        )
    }

    pub fn default_keymap() -> Keymap {
        Keymap::builtin("default").expect("default keymap is built in")
    }

    /// Parse a keymap file over `base`. Every mistake in it is reported, the first by line
    /// leading; the bindings that are right are not applied unless all are.
    pub fn parse(path: &Path, text: &str, base: Option<&Keymap>) -> Result<Keymap, FileError> {
        type Table = BTreeMap<toml::Spanned<String>, BTreeMap<toml::Spanned<String>, toml::Spanned<String>>>;
        let file: Table = toml::from_str(text).map_err(|e| FileError::from_toml(path, text, &e))?;
        let mut map = base.cloned().unwrap_or_default();
        let rank_base = map.next_rank;
        map.next_rank += text.len() + 1;
        let mut errors = Vec::new();
        for (section_name, entries) in file {
            let Some(section) = Section::parse(section_name.get_ref()) else {
                errors.push(unknown_section(path, text, &section_name));
                continue;
            };
            let table = map.bindings.entry(section).or_default();
            for (keys, command) in entries {
                let seq: Option<Sequence> = keys.get_ref().split_whitespace().map(Chord::parse).collect();
                let seq = seq.filter(|s| !s.is_empty());
                let cmd = Command::parse(command.get_ref());
                if seq.is_none() {
                    errors.push(FileError::at(
                        path,
                        text,
                        keys.span().start,
                        format!(
                            "`{}` is not a key; expected a key like \"q\", \"S\", \"ctrl-d\", \"shift-tab\", \"pagedown\", \"f5\", or keys separated by spaces (\"g g\")",
                            keys.get_ref()
                        ),
                    ));
                }
                if cmd.is_none() && command.get_ref() != "none" {
                    errors.push(unknown_action(path, text, &command));
                }
                match (seq, cmd) {
                    (Some(seq), _) if command.get_ref() == "none" => {
                        table.remove(&seq);
                    }
                    (Some(seq), Some(cmd)) => {
                        table.insert(seq, (cmd, rank_base + keys.span().start));
                    }
                    _ => {}
                }
            }
        }
        FileError::all(errors)?;
        Ok(map)
    }

    /// Bind a command to keys in a section (a user command from the config), after the rest.
    pub fn bind(&mut self, section: Section, seq: Sequence, cmd: Command) {
        let rank = self.next_rank;
        self.next_rank += 1;
        self.bindings.entry(section).or_default().insert(seq, (cmd, rank));
    }

    /// Look a key sequence up: dialog keys while a dialog is open, else the pane's own keys,
    /// then the global ones.
    pub fn lookup(&self, seq: &[Chord], section: Section, dialog: bool) -> Lookup {
        let chain: Vec<Section> = if dialog {
            vec![Section::Dialog]
        } else {
            let mut c = vec![section];
            while let Some(p) = c.last().and_then(|s| s.parent()) {
                c.push(p);
            }
            c.push(Section::Global);
            c
        };
        for s in &chain {
            let Some(table) = self.bindings.get(s) else { continue };
            if let Some((c, _)) = table.get(seq) {
                return Lookup::Found(*c);
            }
            // A longer sequence of a nearer section waits for its next key, before a farther
            // section's shorter one is taken (`d d` in an object view over the detail's `d`).
            if table.keys().any(|k| k.len() > seq.len() && k.starts_with(seq)) {
                return Lookup::Prefix;
            }
        }
        Lookup::None
    }

    /// The keys bound to a command where `section`'s keys apply (its own, then its parents'),
    /// for hints: the first section that binds it.
    pub fn keys_in(&self, section: Section, cmd: Command) -> Vec<String> {
        let mut s = Some(section);
        while let Some(cur) = s {
            let keys = self.keys_for(cur, cmd);
            if !keys.is_empty() {
                return keys;
            }
            s = cur.parent();
        }
        Vec::new()
    }

    /// The keys bound to a command in a section, for help and hints.
    pub fn keys_for(&self, section: Section, cmd: Command) -> Vec<String> {
        let Some(table) = self.bindings.get(&section) else { return Vec::new() };
        let mut keys: Vec<(usize, String)> = table
            .iter()
            .filter(|(_, (c, _))| *c == cmd)
            .map(|(k, (_, rank))| (*rank, sequence_label(k)))
            .collect();
        keys.sort();
        keys.into_iter().map(|(_, k)| k).collect()
    }
}

fn unknown_section(path: &Path, text: &str, name: &toml::Spanned<String>) -> FileError {
    let names = [
        "global",
        "dialog",
        "triage",
        "timeline",
        "detail",
        "logs",
        "workloads",
        "resources",
        "object",
        "forwards",
    ]
    .into_iter()
    .chain(PaneId::ALL.iter().map(|p| p.slug()));
    let hint = closest(name.get_ref(), names.clone());
    FileError::at(
        path,
        text,
        name.span().start,
        format!(
            "unknown section `[{}]`{}; expected one of: {}",
            name.get_ref(),
            hint.map(|h| format!(" (did you mean `[{h}]`?)")).unwrap_or_default(),
            names.collect::<Vec<_>>().join(", ")
        ),
    )
}

fn unknown_action(path: &Path, text: &str, command: &toml::Spanned<String>) -> FileError {
    let hint = closest(command.get_ref(), Command::all_names());
    FileError::at(
        path,
        text,
        command.span().start,
        format!(
            "unknown action `{}`{}; `flightdeck keys` lists the actions",
            command.get_ref(),
            hint.map(|h| format!(" (did you mean `{h}`?)")).unwrap_or_default()
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::registry::ActionId;

    fn key(c: char) -> Chord {
        Chord::parse(&c.to_string()).unwrap()
    }

    #[test]
    fn default_keymap_binds_the_basics() {
        let k = Keymap::default_keymap();
        assert!(matches!(
            k.lookup(&[key('q')], Section::Pane(PaneId::Pods), false),
            Lookup::Found(Command::Quit)
        ));
        assert!(matches!(
            k.lookup(&[key('2')], Section::Pane(PaneId::Pods), false),
            Lookup::Found(Command::Pane(2))
        ));
        assert!(matches!(
            k.lookup(&[key('s')], Section::Pane(PaneId::ArgoCd), false),
            Lookup::Found(Command::Action(ActionId::Sync))
        ));
        assert!(matches!(k.lookup(&[key('g')], Section::Pane(PaneId::Pods), false), Lookup::Prefix));
    }

    #[test]
    fn every_shipped_keymap_loads_and_keeps_the_basics() {
        for (name, _) in BUILTIN {
            let k = Keymap::builtin(name).unwrap();
            let help = k.keys_for(Section::Global, Command::Help);
            assert!(!help.is_empty(), "{name}: no help key");
            assert!(!k.keys_for(Section::Global, Command::Palette).is_empty(), "{name}: no palette key");
            assert!(!k.keys_for(Section::Triage, Command::Fix).is_empty(), "{name}: no fix key");
        }
    }

    #[test]
    fn no_destructive_action_sits_on_a_bare_key_without_confirmation() {
        use crate::domain::registry;
        for (name, _) in BUILTIN {
            let k = Keymap::builtin(name).unwrap();
            for table in k.bindings.values() {
                for (seq, (cmd, _)) in table {
                    let Command::Action(id) = cmd else { continue };
                    let spec = registry::spec(*id);
                    let bare = seq.len() == 1 && !seq[0].ctrl && !seq[0].alt;
                    assert!(
                        !(spec.destructive && bare && !spec.confirm),
                        "{name}: {} on a bare key",
                        spec.name
                    );
                }
            }
        }
    }

    #[test]
    fn vim_and_emacs_bind_their_habits() {
        let vim = Keymap::builtin("vim").unwrap();
        let seq = |s: &str| s.split(' ').map(|k| Chord::parse(k).unwrap()).collect::<Vec<_>>();
        assert!(matches!(
            vim.lookup(&seq("ctrl-d"), Section::Pane(PaneId::Pods), false),
            Lookup::Found(Command::PageDown)
        ));
        assert!(matches!(
            vim.lookup(&seq("Z Z"), Section::Pane(PaneId::Pods), false),
            Lookup::Found(Command::Quit)
        ));
        let emacs = Keymap::builtin("emacs").unwrap();
        assert!(matches!(
            emacs.lookup(&seq("ctrl-n"), Section::Pane(PaneId::Pods), false),
            Lookup::Found(Command::Down)
        ));
        assert!(matches!(
            emacs.lookup(&seq("ctrl-x ctrl-c"), Section::Global, false),
            Lookup::Found(Command::Quit)
        ));
        assert!(matches!(
            emacs.lookup(&seq("alt-x"), Section::Global, false),
            Lookup::Found(Command::Palette)
        ));
    }

    #[test]
    fn keys_are_listed_in_file_order() {
        let k = Keymap::default_keymap();
        assert_eq!(k.keys_for(Section::Global, Command::Quit), ["q", "ctrl-c"]);
        assert_eq!(k.keys_for(Section::Global, Command::FocusNext), ["tab", "l"]);
    }

    #[test]
    fn shift_and_capital_are_the_same_key() {
        assert_eq!(Chord::parse("shift-s"), Chord::parse("S"));
        let ev = KeyEvent::new(KeyCode::Char('S'), KeyModifiers::SHIFT);
        assert_eq!(Chord::from_event(&ev), Chord::parse("S"));
        let bt = KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT);
        assert_eq!(Chord::from_event(&bt), Chord::parse("shift-tab"));
    }

    #[test]
    fn user_file_patches_and_unbinds() {
        let base = Keymap::default_keymap();
        let k = Keymap::parse(Path::new("u.toml"), "[global]\nx = \"quit\"\nq = \"none\"\n", Some(&base))
            .unwrap();
        assert!(matches!(
            k.lookup(&[key('x')], Section::Pane(PaneId::Pods), false),
            Lookup::Found(Command::Quit)
        ));
        assert!(matches!(k.lookup(&[key('q')], Section::Pane(PaneId::Pods), false), Lookup::None));
        assert!(matches!(
            k.lookup(&[key('?')], Section::Pane(PaneId::Pods), false),
            Lookup::Found(Command::Help)
        ));
    }

    #[test]
    fn wrong_action_names_file_line_and_closest() {
        let err = Keymap::parse(Path::new("k.toml"), "[global]\nq = \"quti\"\n", None).unwrap_err();
        assert_eq!(err.path, Path::new("k.toml"));
        assert_eq!(err.line, 2);
        assert!(err.message.contains("did you mean `quit`"), "{err}");
    }

    #[test]
    fn wrong_key_and_section_are_reported() {
        let err = Keymap::parse(Path::new("k.toml"), "[global]\n\"ctrl-\" = \"quit\"\n", None).unwrap_err();
        assert_eq!(err.line, 2);
        assert!(err.message.contains("is not a key"), "{err}");
        let err = Keymap::parse(Path::new("k.toml"), "[podz]\nq = \"quit\"\n", None).unwrap_err();
        assert!(err.message.contains("did you mean `[pods]`"), "{err}");
    }
}
