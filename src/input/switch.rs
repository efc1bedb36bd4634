//! What `:ctx NAME`, `:ns NAME` and `:ns all` ask for, parsed; the app loop carries it out
//! (`Effect::SwitchContext` / `Effect::SwitchNamespace` are the same requests as effects).

use crate::domain::{Effect, Scope};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Switch {
    Context(String),
    Namespace(Scope),
}

impl Switch {
    pub fn effect(self) -> Effect {
        match self {
            Switch::Context(c) => Effect::SwitchContext(c),
            Switch::Namespace(s) => Effect::SwitchNamespace(s),
        }
    }
}

/// `ctx NAME`, `context NAME`, `ns NAME`, `namespace NAME`, `ns all` (a leading `:` is fine).
pub fn parse(command: &str) -> Option<Switch> {
    let mut words = command.trim().trim_start_matches(':').split_whitespace();
    let verb = words.next()?;
    let arg = words.next()?;
    if words.next().is_some() {
        return None;
    }
    match verb {
        "ctx" | "context" => Some(Switch::Context(arg.to_string())),
        "ns" | "namespace" if arg == "all" || arg == "-A" => Some(Switch::Namespace(Scope::All)),
        "ns" | "namespace" => Some(Switch::Namespace(Scope::Namespace(arg.to_string()))),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_palette_commands() {
        assert_eq!(parse(":ctx shop-dev"), Some(Switch::Context("shop-dev".into())));
        assert_eq!(parse("context shop-dev"), Some(Switch::Context("shop-dev".into())));
        assert_eq!(parse(":ns monitoring"), Some(Switch::Namespace(Scope::Namespace("monitoring".into()))));
        assert_eq!(parse(":ns all"), Some(Switch::Namespace(Scope::All)));
        assert_eq!(parse(":ns"), None);
        assert_eq!(parse(":ns a b"), None);
        assert_eq!(parse(":sync x"), None);
        assert_eq!(parse(":ctx a").unwrap().effect(), Effect::SwitchContext("a".into()));
        assert_eq!(parse(":ns all").unwrap().effect(), Effect::SwitchNamespace(Scope::All));
    }
}
