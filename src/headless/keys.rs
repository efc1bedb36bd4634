//! `flightdeck keys`: every command and action a keymap can bind, with the default keys.

use crate::config::Keymap;
use crate::config::keymap::Section;
use crate::domain::command::{Command, NAVIGATION};
use crate::domain::registry::ACTIONS;

pub fn listing() -> String {
    let km = Keymap::default_keymap();
    let mut out = String::from("Navigation ([global], [dialog] and [triage] sections)\n");
    for (name, cmd, help) in NAVIGATION {
        let section = match cmd {
            Command::Confirm | Command::Cancel | Command::TogglePrune | Command::ToggleDryRun => {
                Section::Dialog
            }
            Command::Fix => Section::Triage,
            _ => Section::Global,
        };
        let keys = km.keys_for(section, *cmd).join(" ");
        out.push_str(&format!("  {name:<14} {keys:<22} {help}\n"));
    }
    out.push_str("\nTriage ([triage] section: actions act on what the selected problem links to)\n");
    for a in ACTIONS {
        let keys = km.keys_for(Section::Triage, Command::Action(a.id)).join(" ");
        if !keys.is_empty() {
            out.push_str(&format!("  {:<14} {keys:<22} {}\n", a.name, a.title));
        }
    }
    out.push_str("\nActions (in their pane's section)\n");
    for a in ACTIONS {
        let keys = km.keys_for(Section::Pane(a.pane), Command::Action(a.id)).join(" ");
        let flags = match (a.destructive, a.confirm) {
            (true, _) => "destructive, asks first",
            (false, true) => "asks first",
            _ => "",
        };
        out.push_str(&format!("  {:<14} {keys:<22} [{}] {} {flags}\n", a.name, a.pane.slug(), a.help));
    }
    out
}
