//! User commands (what k9s calls plugins): `[[command]]` entries in the config binding a key,
//! in a keymap section, to a command line run by `sh -c` with the selected row's fields in its
//! environment (`$CONTEXT`, `$NAMESPACE`, `$NAME`, `$CONTAINER`, `$KIND`). Checked when the
//! config loads, errors naming the file and line; running them is the app's.

use std::path::Path;

use serde::Deserialize;

use super::errors::{FileError, closest};
use super::keymap::{Chord, Keymap, Section, sequence_label};
use crate::domain::command::Command;

/// One `[[command]]`.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct UserCommand {
    /// What the help and the status line call it.
    pub name: String,
    /// The key, as in keymaps (`"ctrl-l"`, `"shift-k"`, `"g l"`).
    pub key: toml::Spanned<String>,
    /// Where the key works: a keymap section (`pods`, `workloads`, `resources`, `object` …).
    #[serde(default = "default_section")]
    pub section: toml::Spanned<String>,
    /// The command line, run by `sh -c` with the row's fields in the environment.
    pub line: String,
    /// Run without the terminal, its output shown as it comes; else the terminal is handed over.
    #[serde(default)]
    pub background: bool,
    /// Changes the platform: hidden and refused in read-only mode, as the mutating actions.
    #[serde(default)]
    pub dangerous: bool,
}

fn default_section() -> toml::Spanned<String> {
    toml::Spanned::new(0..0, "pods".to_string())
}

/// The most commands a config may bind (they are numbered in one byte).
pub const MAX: usize = 64;

/// Check each command's key and section, pointing at the line when one is wrong.
pub fn check(path: &Path, text: &str, commands: &[UserCommand]) -> Result<(), FileError> {
    if commands.len() > MAX {
        return Err(FileError::at(path, text, 0, format!("at most {MAX} [[command]] entries")));
    }
    for c in commands {
        section(c).ok_or_else(|| {
            let names =
                ["global", "pods", "workloads", "resources", "object", "detail", "logs", "argocd", "scaling"];
            let hint = closest(c.section.get_ref(), names)
                .map(|h| format!(" (did you mean `{h}`?)"))
                .unwrap_or_default();
            FileError::at(
                path,
                text,
                c.section.span().start,
                format!("unknown section `{}`{hint}", c.section.get_ref()),
            )
        })?;
        sequence(c).ok_or_else(|| {
            FileError::at(
                path,
                text,
                c.key.span().start,
                format!("`{}` is not a key; expected a key like \"ctrl-l\", \"K\", \"f5\" or keys separated by spaces", c.key.get_ref()),
            )
        })?;
        if c.line.trim().is_empty() {
            return Err(FileError::at(
                path,
                text,
                c.key.span().start,
                format!("command `{}` has an empty `line`", c.name),
            ));
        }
    }
    Ok(())
}

fn section(c: &UserCommand) -> Option<Section> {
    Section::parse(c.section.get_ref())
}

fn sequence(c: &UserCommand) -> Option<Vec<Chord>> {
    let seq: Option<Vec<Chord>> = c.key.get_ref().split_whitespace().map(Chord::parse).collect();
    seq.filter(|s| !s.is_empty())
}

/// Bind each command's key in its section (checked already; a bad one is skipped).
pub fn bind(keymap: &mut Keymap, commands: &[UserCommand]) {
    keymap.commands = commands.iter().take(MAX).cloned().collect();
    for (i, c) in commands.iter().enumerate().take(MAX) {
        if let (Some(section), Some(seq)) = (section(c), sequence(c)) {
            keymap.bind(section, seq, Command::User(i as u8));
        }
    }
}

/// How a command's key reads in the help.
pub fn key_label(c: &UserCommand) -> String {
    sequence(c).map(|s| sequence_label(&s)).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_load_and_bad_keys_or_sections_name_their_line() {
        let ok = "[[command]]\nname = \"stern\"\nkey = \"ctrl-l\"\nsection = \"workloads\"\nline = \"stern $NAME -n $NAMESPACE\"\n";
        let cfg = crate::config::Config::parse(Path::new("c.toml"), ok).unwrap();
        assert_eq!(cfg.command[0].section.get_ref(), "workloads");
        let mut k = Keymap::default_keymap();
        bind(&mut k, &cfg.command);
        assert_eq!(k.keys_for(Section::Workloads, Command::User(0)), ["ctrl-l"]);
        let bad = "[[command]]\nname = \"x\"\nkey = \"ctrl-\"\nline = \"true\"\n";
        let err = crate::config::Config::parse(Path::new("c.toml"), bad).unwrap_err();
        assert_eq!(err.line, 3);
        let bad = "[[command]]\nname = \"x\"\nkey = \"K\"\nsection = \"podz\"\nline = \"true\"\n";
        let err = crate::config::Config::parse(Path::new("c.toml"), bad).unwrap_err();
        assert_eq!(err.line, 4);
        assert!(err.message.contains("did you mean `pods`"), "{err}");
    }
}
