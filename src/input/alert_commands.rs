//! The Alerts pane's own commands: grouping, the silences view, jumping to what an alert
//! names, and opening the silence form prefilled from the selection.

use crate::domain::Effect;
use crate::domain::Target;
use crate::domain::command::Command;
use crate::domain::silence::Matcher;
use crate::state::alerts::Alert;
use crate::state::silence_form::SilenceForm;
use crate::state::view::{AlertsView, Mode, Overlay, select};
use crate::state::{Level, PaneId, State};

/// Labels a silence should not match on by default: they change between firings or say
/// nothing about the problem, so a silence on them would stop matching or match too much.
const NOISY_LABELS: [&str; 3] = ["prometheus", "receive_resolved", "endpoint"];

pub fn run(state: &mut State, cmd: Command) {
    let now = state.now;
    let view = &mut state.view;
    match cmd {
        Command::GroupAlerts => {
            view.alerts_view = match view.alerts_view {
                AlertsView::Grouped => AlertsView::List,
                _ => AlertsView::Grouped,
            };
            view.reset_selection(PaneId::Alerts);
        }
        Command::Silences => {
            view.alerts_view = match view.alerts_view {
                AlertsView::Silences => AlertsView::List,
                _ => AlertsView::Silences,
            };
            view.focus = PaneId::Alerts;
            view.mode = Mode::Full(PaneId::Alerts);
            view.reset_selection(PaneId::Alerts);
        }
        Command::Jump => {
            if let Err(e) = jump(state) {
                state.view.say(now, e, Level::Warn);
            }
        }
        _ => {}
    }
}

fn selected_alert(state: &State) -> Option<&Alert> {
    let i = state.view.selected(PaneId::Alerts);
    match state.view.alerts_view {
        AlertsView::List => state.alerts.items.get(i),
        AlertsView::Grouped => state.alerts.groups().get(i).map(|g| g.first()),
        AlertsView::Silences => None,
    }
}

/// Select the row the alert's labels name in the pane that shows it.
fn jump(state: &mut State) -> Result<(), String> {
    let a = selected_alert(state).ok_or("jump: select an alert first")?;
    let (ns, kind, name) =
        a.names_object().ok_or_else(|| format!("jump: {} names no namespace and pod or workload", a.name))?;
    let (ns, kind, name) = (ns.to_string(), kind.to_string(), name.to_string());
    let (pane, row) = match kind.as_str() {
        "pod" => (PaneId::Pods, state.pods.order.iter().position(|k| k.namespace == ns && k.name == name)),
        "horizontalpodautoscaler" => {
            (PaneId::Scaling, state.scaling.hpas.iter().position(|h| h.namespace == ns && h.name == name))
        }
        // A workload or a service: its first pod, problems first as the pane orders them. A
        // service is taken to select the pods of the workload of the same name, the usual
        // convention; flightdeck does not hold service selectors.
        _ => (
            PaneId::Pods,
            state.pods.order.iter().position(|k| {
                k.namespace == ns
                    && state.pods.by_key.get(k).and_then(|p| p.owner.as_ref()).is_some_and(|o| o.name == name)
            }),
        ),
    };
    let row = row.ok_or_else(|| format!("jump: no {kind} {ns}/{name} in the {} pane", pane.title()))?;
    state.view.focus = pane;
    state.view.mode = Mode::Full(pane);
    select(state, pane, row);
    let now = state.now;
    state.view.say(now, format!("{kind} {ns}/{name}"), Level::Accent);
    Ok(())
}

/// The silence action opens the form instead of a yes/no question: the form names the target
/// and the context, and Enter in it is the confirmation.
pub fn open_silence_form(state: &mut State, target: Target) -> Effect {
    let now = state.now;
    let Target::Alert { fingerprint, .. } = target else { return Effect::None };
    let grouped = state.view.alerts_view == AlertsView::Grouped;
    let found = if grouped {
        state.alerts.groups().into_iter().find(|g| g.first().fingerprint == fingerprint).map(|g| {
            let what = format!("{} × {}", g.members.len(), g.name);
            (g.first().source.clone(), what, g.common_labels())
        })
    } else {
        state
            .alerts
            .items
            .iter()
            .find(|a| a.fingerprint == fingerprint)
            .map(|a| (a.source.clone(), format!("alert {}", a.name), a.labels.clone()))
    };
    let Some((source, what, labels)) = found else { return Effect::None };
    if !source.kind.silences() {
        state.view.say(
            now,
            "Silence: CloudWatch alarms are not silenced here; change the alarm's actions in AWS",
            Level::Warn,
        );
        return Effect::None;
    }
    let matchers: Vec<Matcher> = labels
        .iter()
        .filter(|(k, v)| !NOISY_LABELS.contains(&k.as_str()) && !v.is_empty())
        .map(|(k, v)| Matcher::equal(k, v))
        .collect();
    let form = SilenceForm::new(&source, what, state.context.clone(), &matchers, &state.user);
    state.view.overlay = Overlay::Silence(Box::new(form));
    Effect::None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::registry::ActionId;
    use crate::input::dispatch::dispatch;
    use crate::sources::demo::state_at;
    use crate::state::view::{row_counts, selected_target};

    fn at_alert(state: &mut State, name: &str) {
        dispatch(state, Command::Pane(5));
        let i = state.alerts.items.iter().position(|a| a.name == name).expect("alert is firing");
        crate::state::view::select(state, PaneId::Alerts, i);
    }

    #[test]
    fn grouping_folds_alerts_of_one_name_into_a_row() {
        let mut s = state_at(7, 240);
        let all = s.alerts.items.len();
        dispatch(&mut s, Command::GroupAlerts);
        let groups = row_counts(&s)[PaneId::Alerts.index()];
        let names: std::collections::BTreeSet<_> = s.alerts.items.iter().map(|a| &a.name).collect();
        assert_eq!(groups, names.len());
        assert!(groups < all, "the crash-looping cart pods share one row");
        dispatch(&mut s, Command::GroupAlerts);
        assert_eq!(row_counts(&s)[PaneId::Alerts.index()], all);
    }

    #[test]
    fn jump_selects_the_pod_the_alert_names() {
        let mut s = state_at(7, 150);
        at_alert(&mut s, "KubePodCrashLooping");
        let pod = s.alerts.items[s.view.selected(PaneId::Alerts)].labels["pod"].clone();
        dispatch(&mut s, Command::Jump);
        assert_eq!(s.view.mode, Mode::Full(PaneId::Pods));
        let Some(Target::Pod { name, .. }) = selected_target(&s, PaneId::Pods) else { panic!("a pod") };
        assert_eq!(name, pod);
    }

    #[test]
    fn jump_from_an_hpa_alert_lands_on_the_hpa() {
        let mut s = state_at(7, 240);
        at_alert(&mut s, "KubeHpaMaxedOut");
        dispatch(&mut s, Command::Jump);
        assert_eq!(s.view.mode, Mode::Full(PaneId::Scaling));
        assert!(
            matches!(selected_target(&s, PaneId::Scaling), Some(Target::Hpa { name, .. }) if name == "frontend")
        );
    }

    #[test]
    fn silence_prefills_labels_and_refuses_cloudwatch_alarms() {
        let mut s = state_at(7, 150);
        s.user = "oncall".into();
        at_alert(&mut s, "HighErrorRate");
        dispatch(&mut s, Command::Action(ActionId::Silence));
        let Overlay::Silence(f) = &s.view.overlay else { panic!("form open") };
        assert!(
            f.matchers.contains(r#"alertname="HighErrorRate""#) && f.matchers.contains(r#"service="cart""#)
        );
        assert_eq!((f.source.to_string().as_str(), f.created_by.as_str()), ("demo/alertmanager", "oncall"));
        s.view.overlay = Overlay::None;

        let Some(i) = s.alerts.items.iter().position(|a| !a.source.kind.silences()) else {
            panic!("the demo has a CloudWatch alarm")
        };
        crate::state::view::select(&mut s, PaneId::Alerts, i);
        dispatch(&mut s, Command::Action(ActionId::Silence));
        assert_eq!(s.view.overlay, Overlay::None);
        assert!(s.view.status.unwrap().text.contains("CloudWatch alarms are not silenced"));
    }

    #[test]
    fn a_grouped_silence_matches_what_the_group_shares() {
        let mut s = state_at(7, 240);
        dispatch(&mut s, Command::Pane(5));
        dispatch(&mut s, Command::GroupAlerts);
        let i = s.alerts.groups().iter().position(|g| g.name == "KubePodCrashLooping").unwrap();
        crate::state::view::select(&mut s, PaneId::Alerts, i);
        dispatch(&mut s, Command::Action(ActionId::Silence));
        let Overlay::Silence(f) = &s.view.overlay else { panic!("form open") };
        assert!(f.matchers.contains(r#"deployment="cart""#), "{}", f.matchers);
        assert!(!f.matchers.contains("pod="), "pods differ across the group: {}", f.matchers);
    }

    #[test]
    fn expire_applies_only_in_the_silences_view() {
        let mut s = state_at(7, 150);
        dispatch(&mut s, Command::Pane(5));
        dispatch(&mut s, Command::Action(ActionId::ExpireSilence));
        assert_eq!(s.view.overlay, Overlay::None);
        dispatch(&mut s, Command::Silences);
        assert_eq!(s.view.alerts_view, AlertsView::Silences);
        dispatch(&mut s, Command::Back);
        assert_eq!((s.view.alerts_view, s.view.mode), (AlertsView::List, Mode::Full(PaneId::Alerts)));
    }
}
