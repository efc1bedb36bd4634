//! Actions that need a value: it opens with the current one, takes typed text, and on Enter
//! turns it into the target the confirmation names ("deployment storefront/cart to 6
//! replicas"). Pure, like dispatch: the app loop routes keys here while a value is being typed.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::domain::Effect;
use crate::domain::registry::{self, ActionId};
use crate::domain::{ClusterId, Target};
use crate::state::view::{Overlay, Pending, ValuePrompt};
use crate::state::{Level, State};

/// Most replicas a prompt accepts: a typo of 1000 should not reach the cluster.
pub const MAX_REPLICAS: u32 = 500;

/// A key as the value prompt reads it: digits and spaces, Backspace, Enter, Esc.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Key {
    Char(char),
    Backspace,
    Enter,
    Esc,
}

fn decode(ev: &KeyEvent) -> Option<Key> {
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

/// Open the prompt for `id` on `target`, starting from the current value.
pub fn open(state: &mut State, id: ActionId, target: Target, cluster: ClusterId) {
    let (hint, text) = match (&target, id) {
        (Target::Workload { namespace, kind, name }, ActionId::Scale) => {
            let current = super::targets::current_replicas(state, &cluster, namespace, *kind, name);
            ("replicas", current.map_or(String::new(), |n| n.to_string()))
        }
        (Target::Hpa { namespace, name }, ActionId::EditHpa) => {
            let h = state
                .scaling
                .hpas
                .iter()
                .find(|h| h.cluster == cluster && &h.namespace == namespace && &h.name == name);
            ("min max", h.map_or(String::new(), |h| format!("{} {}", h.min, h.max)))
        }
        _ => ("value", String::new()),
    };
    state.view.overlay = Overlay::Value(ValuePrompt {
        action: id,
        target,
        context: super::dispatch::context_of(state, &cluster),
        cluster,
        hint: hint.to_string(),
        text,
        error: None,
    });
}

/// A key while the value is being typed.
pub fn key(state: &mut State, ev: &KeyEvent) -> Effect {
    let Some(k) = decode(ev) else { return Effect::None };
    let Overlay::Value(p) = &mut state.view.overlay else { return Effect::None };
    match k {
        Key::Char(c) if (c.is_ascii_digit() || c == ' ' || c == ':') && p.text.len() < 16 => {
            p.text.push(c);
            p.error = None;
        }
        Key::Char(_) => {}
        Key::Backspace => {
            p.text.pop();
            p.error = None;
        }
        Key::Esc => {
            state.view.overlay = Overlay::None;
            state.view.say(state.now, "cancelled", Level::Muted);
        }
        Key::Enter => {
            let spec = registry::spec(p.action);
            match parse(spec.id, &p.target, &p.text) {
                Err(e) => p.error = Some(e),
                Ok(target) => {
                    let (context, cluster) = (p.context.clone(), p.cluster.clone());
                    if let Target::Forward { local, .. } = &target
                        && let Some(f) = state.forwards.holds(*local)
                    {
                        let why = format!(
                            "127.0.0.1:{local} is forwarded already (to pod {}/{})",
                            f.namespace, f.pod
                        );
                        if let Overlay::Value(p) = &mut state.view.overlay {
                            p.error = Some(why);
                        }
                        return Effect::None;
                    }
                    if spec.id == ActionId::PortForward {
                        state.view.overlay = Overlay::None;
                        state.view.say(
                            state.now,
                            format!("Port-forward {} …", target.describe()),
                            Level::Accent,
                        );
                        return Effect::Forward { target, context };
                    }
                    if spec.confirm {
                        let pending = Pending {
                            action: spec.id,
                            destructive: spec.destructive
                                || super::targets::risky(state, spec.id, &target, &cluster),
                            cluster,
                            target,
                            context,
                        };
                        state.view.overlay = super::dispatch::confirmation(state, pending);
                    } else {
                        state.view.overlay = Overlay::None;
                        return Effect::Run { action: spec.id, target, context };
                    }
                }
            }
        }
    }
    Effect::None
}

/// The typed text as the action's final target, or why it is not acceptable.
pub fn parse(id: ActionId, target: &Target, text: &str) -> Result<Target, String> {
    if id == ActionId::PortForward {
        return parse_forward(target, text);
    }
    let nums: Result<Vec<u32>, _> = text.split_whitespace().map(str::parse::<u32>).collect();
    let nums = nums.map_err(|_| "type whole numbers".to_string())?;
    match (id, target, nums.as_slice()) {
        (ActionId::Scale, Target::Workload { namespace, kind, name }, [n]) => {
            if *n > MAX_REPLICAS {
                return Err(format!("at most {MAX_REPLICAS} replicas"));
            }
            Ok(Target::Scale { namespace: namespace.clone(), kind: *kind, name: name.clone(), replicas: *n })
        }
        (ActionId::Scale, _, _) => Err("type one number: the replicas".into()),
        (ActionId::EditHpa, Target::Hpa { namespace, name }, [min, max]) => {
            if *min < 1 {
                return Err("min must be at least 1".into());
            }
            if max < min {
                return Err("max must be at least min".into());
            }
            if *max > MAX_REPLICAS {
                return Err(format!("max must be at most {MAX_REPLICAS}"));
            }
            Ok(Target::HpaLimits { namespace: namespace.clone(), name: name.clone(), min: *min, max: *max })
        }
        (ActionId::EditHpa, _, _) => Err("type two numbers: min and max".into()),
        _ => Err("this action takes no value".into()),
    }
}

fn parse_forward(target: &Target, text: &str) -> Result<Target, String> {
    let Target::Forward { namespace, pod, via, .. } = target else { return Err("not a port-forward".into()) };
    let (local, remote) = ports(text)?;
    Ok(Target::Forward { namespace: namespace.clone(), pod: pod.clone(), local, remote, via: via.clone() })
}

/// `8080:80` (local:remote) or `8080` (the same on both sides), as kubectl port-forward takes.
fn ports(text: &str) -> Result<(u16, u16), String> {
    let port = |s: &str| s.trim().parse::<u16>().ok().filter(|p| *p > 0);
    let err = || "type local:remote ports, e.g. 8080:80 (or one port for both)".to_string();
    match text.trim().split_once(':') {
        Some((l, r)) => Ok((port(l).ok_or_else(err)?, port(r).ok_or_else(err)?)),
        None => port(text).map(|p| (p, p)).ok_or_else(err),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wl() -> Target {
        Target::Workload {
            namespace: "storefront".into(),
            kind: crate::domain::WorkloadKind::Deployment,
            name: "cart".into(),
        }
    }

    #[test]
    fn parses_counts_and_limits() {
        let t = parse(ActionId::Scale, &wl(), " 6 ").unwrap();
        assert_eq!(t.describe(), "deployment storefront/cart to 6 replicas");
        assert!(parse(ActionId::Scale, &wl(), "6 7").is_err());
        assert!(parse(ActionId::Scale, &wl(), "9999").is_err());
        let hpa = Target::Hpa { namespace: "storefront".into(), name: "cart".into() };
        assert_eq!(
            parse(ActionId::EditHpa, &hpa, "3 12").unwrap().describe(),
            "hpa storefront/cart to min 3 max 12"
        );
        assert_eq!(parse(ActionId::EditHpa, &hpa, "0 3").unwrap_err(), "min must be at least 1");
        assert_eq!(parse(ActionId::EditHpa, &hpa, "5 3").unwrap_err(), "max must be at least min");
        assert!(parse(ActionId::EditHpa, &hpa, "x").is_err());
    }

    fn press(s: &mut State, code: KeyCode) -> Effect {
        key(s, &KeyEvent::new(code, KeyModifiers::NONE))
    }

    #[test]
    fn typing_then_enter_asks_for_confirmation_naming_the_value_and_context() {
        let mut s = State::new("shop-prod", 0);
        open(&mut s, ActionId::Scale, wl(), ClusterId::default());
        for c in "12".chars() {
            press(&mut s, KeyCode::Char(c));
        }
        press(&mut s, KeyCode::Backspace);
        press(&mut s, KeyCode::Char('x'));
        assert_eq!(press(&mut s, KeyCode::Enter), Effect::None);
        let Overlay::Confirm(p) = &s.view.overlay else { panic!("{:?}", s.view.overlay) };
        assert_eq!(p.target.describe(), "deployment storefront/cart to 1 replicas");
        assert_eq!(p.context, "shop-prod");
        // A bad value keeps the prompt open with the reason.
        open(&mut s, ActionId::Scale, wl(), ClusterId::default());
        press(&mut s, KeyCode::Enter);
        let Overlay::Value(p) = &s.view.overlay else { panic!() };
        assert!(p.error.is_some());
        press(&mut s, KeyCode::Esc);
        assert_eq!(s.view.overlay, Overlay::None);
    }
}
