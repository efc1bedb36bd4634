//! Running a user command (`[[command]]` in the config): the selected row's fields put in its
//! environment, read-only respected for the dangerous ones, the terminal handed over or the
//! command started in the background with its output shown. Pure: the app runs it.

use crate::config::commands::UserCommand;
use crate::domain::{Effect, Handover, Target};
use crate::state::{Level, State};

/// The fields of what is selected, as a command's environment sees them.
pub fn fields(state: &State, target: Option<&Target>, context: &str) -> Vec<(String, String)> {
    let (kind, ns, name, container) = match target {
        Some(Target::Pod { namespace, name }) => {
            let open = state.view.pod.as_ref().filter(|p| &p.key.name == name);
            let logs = open.and_then(|p| p.logs.as_ref()).map(|l| l.container.clone());
            let detail = open.and(state.pod_data.detail.as_ref()).and_then(|d| d.logs_container());
            ("Pod".to_string(), namespace.clone(), name.clone(), logs.or(detail).unwrap_or_default())
        }
        Some(Target::Workload { namespace, kind, name }) => {
            (kind.label().to_string(), namespace.clone(), name.clone(), String::new())
        }
        Some(Target::Object(o)) => {
            (o.kind.kind.clone(), o.namespace.clone().unwrap_or_default(), o.name.clone(), String::new())
        }
        Some(Target::Node(n)) => ("Node".into(), String::new(), n.clone(), String::new()),
        Some(Target::Hpa { namespace, name }) => {
            ("HorizontalPodAutoscaler".into(), namespace.clone(), name.clone(), String::new())
        }
        Some(Target::App(a)) => ("Application".into(), String::new(), a.clone(), String::new()),
        Some(t) => (
            String::new(),
            t.namespace().unwrap_or_default().to_string(),
            t.name().to_string(),
            String::new(),
        ),
        None => Default::default(),
    };
    [
        ("CONTEXT", context.to_string()),
        ("NAMESPACE", ns),
        ("NAME", name),
        ("CONTAINER", container),
        ("KIND", kind),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

pub fn run(state: &mut State, c: &UserCommand) -> Effect {
    let now = state.now;
    let cluster = super::objects::current_cluster(state);
    let context = state.context_for(&cluster);
    if state.readonly_of(&cluster) && c.dangerous {
        state.view.say(now, super::dispatch::refused(state, &c.name, &cluster), Level::Warn);
        return Effect::None;
    }
    let target = super::objects::current_target(state);
    let env = fields(state, target.as_ref(), &context);
    if c.background {
        let stream = state.open_output(c.name.clone(), c.line.clone());
        return Effect::Background { stream, name: c.name.clone(), line: c.line.clone(), env, context };
    }
    Effect::Handover(Handover::Command { name: c.name.clone(), line: c.line.clone(), env, context })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pods_fields_reach_the_environment() {
        let s = State::new("shop-prod", 0);
        let t = Target::Pod { namespace: "storefront".into(), name: "cart-1".into() };
        let env = fields(&s, Some(&t), "shop-prod");
        let get = |k: &str| env.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        assert_eq!(get("CONTEXT"), Some("shop-prod"));
        assert_eq!(
            (get("NAMESPACE"), get("NAME"), get("KIND")),
            (Some("storefront"), Some("cart-1"), Some("Pod"))
        );
    }
}
