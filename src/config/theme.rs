//! Themes: semantic roles (ok, warn, crit, muted, accent, …) mapped to colours. Pane code asks
//! for a role, never a raw colour. Built-in themes are the files in themes/, embedded.

use std::collections::BTreeMap;
use std::path::Path;

use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;

use super::errors::FileError;
use crate::state::Level;

pub const BUILTIN: &[(&str, &str)] = &[
    ("default", include_str!("../../themes/default.toml")),
    ("light", include_str!("../../themes/light.toml")),
    ("high-contrast", include_str!("../../themes/high-contrast.toml")),
    ("colour-blind-safe", include_str!("../../themes/colour-blind-safe.toml")),
    ("terminal", include_str!("../../themes/terminal.toml")),
];

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    Text,
    Ok,
    Warn,
    Crit,
    Muted,
    Accent,
    Title,
    Header,
    Border,
    FocusedBorder,
    Selection,
    Bar,
    /// The production banner and border: unmistakable.
    Production,
    /// The part of a row a `/` filter matched.
    Match,
    /// Colours that tell sources apart (each pod of a workload's merged log), meaning nothing
    /// of health; the source is always named beside them too.
    Series1,
    Series2,
    Series3,
    Series4,
    Series5,
    Series6,
}

impl Role {
    pub const SERIES: [Role; 6] =
        [Role::Series1, Role::Series2, Role::Series3, Role::Series4, Role::Series5, Role::Series6];

    pub const ALL: [Role; 20] = [
        Role::Text,
        Role::Ok,
        Role::Warn,
        Role::Crit,
        Role::Muted,
        Role::Accent,
        Role::Title,
        Role::Header,
        Role::Border,
        Role::FocusedBorder,
        Role::Selection,
        Role::Bar,
        Role::Production,
        Role::Match,
        Role::Series1,
        Role::Series2,
        Role::Series3,
        Role::Series4,
        Role::Series5,
        Role::Series6,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Role::Text => "text",
            Role::Ok => "ok",
            Role::Warn => "warn",
            Role::Crit => "crit",
            Role::Muted => "muted",
            Role::Accent => "accent",
            Role::Title => "title",
            Role::Header => "header",
            Role::Border => "border",
            Role::FocusedBorder => "focused_border",
            Role::Selection => "selection",
            Role::Bar => "bar",
            Role::Production => "production",
            Role::Match => "match",
            Role::Series1 => "series_1",
            Role::Series2 => "series_2",
            Role::Series3 => "series_3",
            Role::Series4 => "series_4",
            Role::Series5 => "series_5",
            Role::Series6 => "series_6",
        }
    }

    /// The colour of source `i` among several (wrapping after six).
    pub fn series(i: usize) -> Role {
        Role::SERIES[i % Role::SERIES.len()]
    }

    pub fn for_level(level: Level) -> Role {
        match level {
            Level::Ok => Role::Ok,
            Level::Muted => Role::Muted,
            Level::Accent => Role::Accent,
            Level::Warn => Role::Warn,
            Level::Crit => Role::Crit,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Theme {
    pub name: String,
    styles: BTreeMap<Role, Style>,
    /// The terminal background and text colour the theme is made for; exports draw on them
    /// (the console uses the terminal's own).
    pub background: Option<Color>,
    pub foreground: Option<Color>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemeFile {
    name: Option<String>,
    background: Option<toml::Spanned<String>>,
    foreground: Option<toml::Spanned<String>>,
    #[serde(default)]
    roles: BTreeMap<toml::Spanned<String>, toml::Spanned<RoleSpec>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RoleSpec {
    fg: Option<toml::Spanned<String>>,
    bg: Option<toml::Spanned<String>>,
    #[serde(default)]
    bold: bool,
    #[serde(default)]
    italic: bool,
    #[serde(default)]
    underline: bool,
    #[serde(default)]
    reversed: bool,
}

impl Theme {
    pub fn style(&self, role: Role) -> Style {
        self.styles.get(&role).copied().unwrap_or_default()
    }

    pub fn level(&self, level: Level) -> Style {
        self.style(Role::for_level(level))
    }

    pub fn builtin(name: &str) -> Option<Theme> {
        let (_, text) = BUILTIN.iter().find(|(n, _)| *n == name)?;
        Some(
            Theme::parse(Path::new(&format!("themes/{name}.toml")), text, None)
                .expect("built-in theme is valid"),
        )
    }

    pub fn default_theme() -> Theme {
        Theme::builtin("default").expect("default theme is built in")
    }

    /// Parse a theme file. Roles it does not set come from `base` (the default theme). Every
    /// mistake in it is reported, the first by line leading.
    pub fn parse(path: &Path, text: &str, base: Option<&Theme>) -> Result<Theme, FileError> {
        let file: ThemeFile = toml::from_str(text).map_err(|e| FileError::from_toml(path, text, &e))?;
        let mut errors = Vec::new();
        let mut colour = |c: &toml::Spanned<String>| {
            let found = parse_color(c.get_ref());
            if found.is_none() {
                let msg = format!(
                    "`{}` is not a colour; expected a name (red, light-blue, reset …), \"#rrggbb\" or an index 0-255",
                    c.get_ref()
                );
                errors.push(FileError::at(path, text, c.span().start, msg));
            }
            found
        };
        let mut styles = base.map(|b| b.styles.clone()).unwrap_or_default();
        let mut unknown = Vec::new();
        for (name, spec) in file.roles {
            let spec = spec.into_inner();
            let mut style = Style::default();
            if let Some(c) = spec.fg.as_ref().and_then(&mut colour) {
                style = style.fg(c);
            }
            if let Some(c) = spec.bg.as_ref().and_then(&mut colour) {
                style = style.bg(c);
            }
            for (on, m) in [
                (spec.bold, Modifier::BOLD),
                (spec.italic, Modifier::ITALIC),
                (spec.underline, Modifier::UNDERLINED),
                (spec.reversed, Modifier::REVERSED),
            ] {
                if on {
                    style = style.add_modifier(m);
                }
            }
            match Role::ALL.iter().copied().find(|r| r.name() == name.get_ref()) {
                Some(role) => {
                    styles.insert(role, style);
                }
                None => unknown.push(unknown_role(path, text, &name)),
            }
        }
        let background = file.background.as_ref().and_then(&mut colour).or(base.and_then(|b| b.background));
        let foreground = file.foreground.as_ref().and_then(&mut colour).or(base.and_then(|b| b.foreground));
        errors.extend(unknown);
        FileError::all(errors)?;
        let name = file.name.unwrap_or_else(|| {
            path.file_stem().map_or("custom".into(), |s| s.to_string_lossy().into_owned())
        });
        Ok(Theme { name, styles, background, foreground })
    }
}

fn unknown_role(path: &Path, text: &str, name: &toml::Spanned<String>) -> FileError {
    let hint = super::errors::closest(name.get_ref(), Role::ALL.iter().map(|r| r.name()));
    FileError::at(
        path,
        text,
        name.span().start,
        format!(
            "unknown role `{}`{}; expected one of: {}",
            name.get_ref(),
            hint.map(|h| format!(" (did you mean `{h}`?)")).unwrap_or_default(),
            Role::ALL.map(|r| r.name()).join(", ")
        ),
    )
}

/// Colour names as ratatui spells them (with - or _), "#rrggbb", or an ANSI index.
pub fn parse_color(s: &str) -> Option<Color> {
    let s = s.trim();
    if let Ok(i) = s.parse::<u8>() {
        return Some(Color::Indexed(i));
    }
    s.replace('_', "-").parse::<Color>().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_theme_loads_and_sets_every_role() {
        for (name, _) in BUILTIN {
            let t = Theme::builtin(name).unwrap();
            assert_eq!(t.name, *name);
            for r in Role::ALL {
                assert_ne!(t.style(r), Style::default(), "{name}: role {} unset", r.name());
            }
        }
    }

    #[test]
    fn terminal_theme_uses_only_the_16_ansi_colours() {
        let t = Theme::builtin("terminal").unwrap();
        for r in Role::ALL {
            for c in [t.style(r).fg, t.style(r).bg].into_iter().flatten() {
                assert!(!matches!(c, Color::Rgb(..) | Color::Indexed(16..)), "{}: {c:?}", r.name());
            }
        }
    }

    #[test]
    fn colour_blind_safe_theme_never_uses_red_and_green_together() {
        let t = Theme::builtin("colour-blind-safe").unwrap();
        let reds = [Color::Red, Color::LightRed];
        let greens = [Color::Green, Color::LightGreen];
        let fg = |r: Role| t.style(r).fg.unwrap();
        assert!(!(reds.contains(&fg(Role::Crit)) && greens.contains(&fg(Role::Ok))));
    }

    #[test]
    fn bad_colour_names_line_and_expectation() {
        let text = "name = \"x\"\n[roles]\nok = { fg = \"grean\" }\n";
        let err = Theme::parse(Path::new("x.toml"), text, None).unwrap_err();
        assert_eq!(err.line, 3);
        assert!(err.message.contains("not a colour"), "{err}");
    }

    #[test]
    fn unknown_role_suggests_the_closest() {
        let text = "[roles]\ncrt = { fg = \"red\" }\n";
        let err = Theme::parse(Path::new("x.toml"), text, None).unwrap_err();
        assert_eq!((err.line, err.column), (2, 1));
        assert!(err.message.contains("did you mean `crit`"), "{err}");
    }

    #[test]
    fn user_theme_overrides_only_what_it_sets() {
        let base = Theme::default_theme();
        let t = Theme::parse(Path::new("u.toml"), "[roles]\nok = { fg = \"blue\" }\n", Some(&base)).unwrap();
        assert_eq!(t.style(Role::Ok).fg, Some(Color::Blue));
        assert_eq!(t.style(Role::Crit), base.style(Role::Crit));
    }
}
