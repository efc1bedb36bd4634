//! The Alerts pane's other views as text snapshots at 80×24 and 160×48: alerts grouped by
//! name, the silences view (active, expired, and one that matches no alert, flagged), and the
//! silence form. From the demo world at a fixed seed and time.

use flightdeck::config::{Keymap, Theme};
use flightdeck::domain::SourceId;
use flightdeck::domain::command::Command;
use flightdeck::domain::registry::ActionId;
use flightdeck::domain::silence::Matcher;
use flightdeck::headless::export::to_text;
use flightdeck::input::dispatch::dispatch;
use flightdeck::sources::demo::state_at;
use flightdeck::state::silences::{Silence, SilenceState};
use flightdeck::state::{Data, Message, PaneId, State, update};
use flightdeck::ui::{Ui, render_to_buffer};

fn render(state: &State, w: u16, h: u16) -> String {
    let theme = Theme::default_theme();
    let keymap = Keymap::default_keymap();
    to_text(&render_to_buffer(state, &Ui { theme: &theme, keymap: &keymap }, w, h))
}

fn both(name: &str, state: &State) {
    insta::assert_snapshot!(format!("{name}_80x24"), render(state, 80, 24));
    insta::assert_snapshot!(format!("{name}_160x48"), render(state, 160, 48));
}

#[test]
fn grouped() {
    let mut s = state_at(7, 240);
    dispatch(&mut s, Command::Pane(5));
    dispatch(&mut s, Command::GroupAlerts);
    both("alerts_grouped", &s);
}

fn silence(
    id: &str,
    matchers: Vec<Matcher>,
    ends_in_min: i64,
    state: SilenceState,
    comment: &str,
    now: i64,
) -> Silence {
    Silence {
        id: id.into(),
        source: "demo/alertmanager".parse::<SourceId>().unwrap(),
        matchers,
        starts_at: now - 30 * 60_000,
        ends_at: now + ends_in_min * 60_000,
        created_by: "oncall".into(),
        comment: comment.into(),
        state,
    }
}

#[test]
fn silences() {
    let mut s = state_at(7, 150);
    let now = s.now;
    let list = vec![
        silence(
            "0f1e2d3c-aaaa-4bbb-8ccc-123456789abc",
            vec![Matcher::equal("alertname", "HighErrorRate"), Matcher::equal("service", "cart")],
            240,
            SilenceState::Active,
            "rolling back cart",
            now,
        ),
        silence(
            "7a6b5c4d-aaaa-4bbb-8ccc-123456789abc",
            vec![Matcher { is_regex: true, ..Matcher::equal("alertname", "KubeJob.*") }],
            45,
            SilenceState::Active,
            "batch window",
            now,
        ),
        silence(
            "99887766-aaaa-4bbb-8ccc-123456789abc",
            vec![Matcher::equal("alertname", "TargetDown")],
            -90,
            SilenceState::Expired,
            "node maintenance",
            now,
        ),
    ];
    let source = "demo/alertmanager".parse::<SourceId>().unwrap();
    let alerts = s.alerts.items.iter().filter(|a| a.source == source).cloned().collect();
    update(&mut s, Message::Data { source, at: now, data: Data::Alertmanager { alerts, silences: list } });
    s.finish_batch();
    dispatch(&mut s, Command::Silences);
    assert_eq!(s.view.active_pane(), PaneId::Alerts);
    both("alerts_silences", &s);
}

#[test]
fn silence_form() {
    let mut s = state_at(7, 150);
    s.user = "oncall".into();
    dispatch(&mut s, Command::Pane(5));
    let i = s.alerts.items.iter().position(|a| a.name == "HighErrorRate").unwrap();
    flightdeck::state::view::select(&mut s, PaneId::Alerts, i);
    dispatch(&mut s, Command::Action(ActionId::Silence));
    both("silence_form", &s);
}
