//! Screens as text snapshots (insta): the overview and each pane full-screen, at 80×24 and
//! 160×48, from the demo world at a fixed seed and simulated time (the incident is underway).
//! Plus colour checks where colour carries meaning.

use flightdeck::config::theme::Role;
use flightdeck::config::{Keymap, Theme};
use flightdeck::headless::export::to_text;
use flightdeck::headless::snapshot::PaneArg;
use flightdeck::headless::snapshot::show;
use flightdeck::sources::demo::state_at;
use flightdeck::state::State;
use flightdeck::ui::{Ui, render_to_buffer};

const SEED: u64 = 7;
/// Simulated seconds: the cart incident has started and the traffic wave is up.
const AT: u64 = 150;

fn render(state: &State, w: u16, h: u16) -> ratatui::buffer::Buffer {
    let theme = Theme::default_theme();
    let keymap = Keymap::default_keymap();
    render_to_buffer(state, &Ui { theme: &theme, keymap: &keymap }, w, h)
}

fn screen(pane: PaneArg, w: u16, h: u16) -> String {
    let mut state = state_at(SEED, AT);
    show(&mut state, pane);
    to_text(&render(&state, w, h))
}

macro_rules! pane_snapshots {
    ($($name:ident => $pane:expr),* $(,)?) => {$(
        #[test]
        fn $name() {
            insta::assert_snapshot!(concat!(stringify!($name), "_80x24"), screen($pane, 80, 24));
            insta::assert_snapshot!(concat!(stringify!($name), "_160x48"), screen($pane, 160, 48));
        }
    )*};
}

pane_snapshots! {
    overview => PaneArg::Overview,
    infrastructure => PaneArg::Infrastructure,
    argocd => PaneArg::Argocd,
    pods => PaneArg::Pods,
    workloads => PaneArg::Workloads,
    scaling => PaneArg::Scaling,
    alerts => PaneArg::Alerts,
    cost => PaneArg::Cost,
    triage => PaneArg::Triage,
    timeline => PaneArg::Timeline,
    suspects => PaneArg::Suspects,
}

fn row_text(buf: &ratatui::buffer::Buffer, y: u16) -> String {
    (0..buf.area.width).map(|x| buf[(x, y)].symbol().to_string()).collect::<Vec<_>>().concat()
}

/// Where `needle` first appears, as (column, row).
fn find(buf: &ratatui::buffer::Buffer, needle: &str) -> Option<(u16, u16)> {
    find_in_row(buf, needle, "")
}

/// Where `needle` first appears on a row that also contains `row_marker`.
fn find_in_row(buf: &ratatui::buffer::Buffer, needle: &str, row_marker: &str) -> Option<(u16, u16)> {
    for y in 0..buf.area.height {
        let row = row_text(buf, y);
        if !row.contains(row_marker) {
            continue;
        }
        if let Some(byte) = row.find(needle) {
            let col = row[..byte].chars().count() as u16;
            return Some((col, y));
        }
    }
    None
}

/// Where `needle` first appears on a row with `row_marker` that is not the selected one (whose
/// level colours give way to the selection's where they would not read on it).
fn find_unselected(buf: &ratatui::buffer::Buffer, needle: &str, row_marker: &str) -> Option<(u16, u16)> {
    let bar = Theme::default_theme().style(Role::Selection).bg;
    (0..buf.area.height).find_map(|y| {
        let row = row_text(buf, y);
        let byte = row.find(needle).filter(|_| row.contains(row_marker))?;
        let x = row[..byte].chars().count() as u16;
        (Some(buf[(x, y)].bg) != bar).then_some((x, y))
    })
}

#[test]
fn a_degraded_app_is_drawn_in_the_crit_role() {
    let mut state = state_at(SEED, AT);
    show(&mut state, PaneArg::Argocd);
    let buf = render(&state, 160, 48);
    let (x, y) = find_in_row(&buf, "Degraded", "services-cart").expect("services-cart Degraded at t=150");
    let crit = Theme::default_theme().style(Role::Crit).fg;
    assert_eq!(buf[(x, y)].fg, crit.unwrap(), "Degraded is not in the crit colour");
}

#[test]
fn crash_looping_pods_are_drawn_in_the_crit_role() {
    let mut state = state_at(SEED, AT);
    show(&mut state, PaneArg::Pods);
    let buf = render(&state, 160, 48);
    let (x, y) =
        find_unselected(&buf, "CrashLoopBackOff", "cart-").expect("crash-looping cart pods at t=150");
    assert_eq!(Some(buf[(x, y)].fg), Theme::default_theme().style(Role::Crit).fg);
}

#[test]
fn pane_borders_carry_the_pane_health() {
    // With the incident on, the Argo CD, Pods and Alerts badges say crit in the crit colour.
    let state = state_at(SEED, AT);
    let buf = render(&state, 160, 48);
    let text = to_text(&buf);
    assert!(text.matches("✖ crit").count() >= 3, "{text}");
    let (x, y) = find(&buf, "✖ crit").unwrap();
    assert_eq!(Some(buf[(x, y)].fg), Theme::default_theme().style(Role::Crit).fg);
}

#[test]
fn before_the_incident_the_platform_is_calm() {
    let state = state_at(SEED, 10);
    let text = to_text(&render(&state, 160, 48));
    assert!(!text.contains("CrashLoopBackOff"), "{text}");
}

#[test]
fn help_overlay_lists_keys_from_the_keymap() {
    let mut state = state_at(SEED, AT);
    flightdeck::input::dispatch::dispatch(&mut state, flightdeck::domain::command::Command::Help);
    insta::assert_snapshot!("help_80x24", to_text(&render(&state, 80, 24)));
    insta::assert_snapshot!("help_160x48", to_text(&render(&state, 160, 48)));
}

#[test]
fn confirmation_names_action_target_and_context() {
    use flightdeck::domain::command::Command;
    use flightdeck::domain::registry::ActionId;
    use flightdeck::input::dispatch::dispatch;
    let mut state = state_at(SEED, AT);
    dispatch(&mut state, Command::Pane(2));
    dispatch(&mut state, Command::Action(ActionId::Sync));
    let text = to_text(&render(&state, 80, 24));
    assert!(text.contains("Sync application"), "{text}");
    assert!(text.contains("shop-prod"), "{text}");
    insta::assert_snapshot!("confirm_sync_80x24", text);
}

#[test]
fn readonly_hides_actions_from_hints_and_help() {
    let mut state = state_at(SEED, AT);
    state.readonly = true;
    show(&mut state, PaneArg::Argocd);
    let buf = render(&state, 160, 48);
    assert!(row_text(&buf, 0).contains("READ-ONLY"), "{}", row_text(&buf, 0));
    let hints = row_text(&buf, 47);
    assert!(!hints.contains("sync") && !hints.contains("refresh"), "action hints in read-only: {hints}");
    assert!(hints.contains("help"), "{hints}");
    // Help lists no Argo CD actions either.
    flightdeck::input::dispatch::dispatch(&mut state, flightdeck::domain::command::Command::Help);
    let text = to_text(&render(&state, 160, 48));
    assert!(!text.contains("manifest cache") && text.contains("READ-ONLY"), "{text}");
}

#[test]
fn a_failing_source_shows_its_error_and_keeps_its_last_data() {
    use flightdeck::domain::SourceId;
    use flightdeck::state::{Message, update};
    let mut state = state_at(SEED, AT);
    let at = state.now + 5_000;
    let error = "applications.argoproj.io is forbidden: User \"oncall\" cannot list \x1b[31mresource\x1b[0m"
        .to_string();
    update(&mut state, Message::Failed { source: "demo/argocd".parse::<SourceId>().unwrap(), at, error });
    update(&mut state, Message::Tick(at));
    state.finish_batch();
    // The overview cell says it failed, in the crit role.
    let buf = render(&state, 160, 48);
    let (x, y) = find(&buf, "error: demo/argocd").unwrap_or_else(|| panic!("{}", to_text(&buf)));
    assert_eq!(Some(buf[(x, y)].fg), Theme::default_theme().style(Role::Crit).fg);
    // Full-screen, the whole message, with control characters made visible …
    show(&mut state, PaneArg::Argocd);
    let buf = render(&state, 160, 48);
    let text = to_text(&buf);
    assert!(text.contains("cannot list ␛[31mresource␛[0m · retrying · last data 5 s ago"), "{text}");
    assert!(!text.contains('\x1b'), "raw escape on screen");
    // … and the apps it had are still there.
    assert!(text.contains("services-cart"), "{text}");
}

#[test]
fn a_stale_source_is_marked_stale() {
    use flightdeck::state::{Message, update};
    let mut state = state_at(SEED, AT);
    // demo/argocd delivers every 3 s: 10 s without news is three missed intervals.
    let now = state.now + 10_000;
    update(&mut state, Message::Tick(now));
    let text = to_text(&render(&state, 160, 48));
    assert!(text.contains("stale · updated"), "{text}");
}

#[test]
fn triage_puts_the_critical_alert_first_in_the_crit_role_with_its_fix() {
    let mut state = state_at(SEED, AT);
    show(&mut state, PaneArg::Triage);
    let buf = render(&state, 160, 48);
    let (_, y) = find_in_row(&buf, "HighErrorRate", "alert").unwrap_or_else(|| panic!("{}", to_text(&buf)));
    assert_eq!(y, 3, "not the first row:\n{}", to_text(&buf));
    // The selected row is drawn in the selection style; red would not read on its cyan, so its
    // symbol takes the selection's colour in bold (issue 18), and ✖ still says critical.
    let (sx, sy) = find_in_row(&buf, "✖ alert", "HighErrorRate").unwrap();
    let theme = Theme::default_theme();
    assert_eq!((sy, Some(buf[(sx, sy)].fg)), (y, theme.style(Role::Selection).fg));
    assert!(buf[(sx, sy)].modifier.contains(ratatui::style::Modifier::BOLD));
    // A critical row not selected keeps the crit colour.
    let (cx, cy) = find_unselected(&buf, "✖ app", "services-cart").unwrap();
    assert_eq!(Some(buf[(cx, cy)].fg), theme.style(Role::Crit).fg, "row {cy}");
    let text = to_text(&buf);
    assert!(text.contains("fix   f  Sync application services-cart"), "{text}");
}

fn render_with(state: &State, theme: &Theme, w: u16, h: u16) -> ratatui::buffer::Buffer {
    let keymap = Keymap::default_keymap();
    render_to_buffer(state, &Ui { theme, keymap: &keymap }, w, h)
}

#[test]
fn palette_completes_commands_and_aliases() {
    use flightdeck::domain::command::Command;
    use flightdeck::input::dispatch::dispatch;
    use flightdeck::input::keys::type_text;
    let mut state = state_at(SEED, AT);
    dispatch(&mut state, Command::Palette);
    insta::assert_snapshot!("palette_empty_80x24", to_text(&render(&state, 80, 24)));
    type_text(&mut state, "ns st", None);
    let text = to_text(&render(&state, 80, 24));
    assert!(text.contains("ns storefront"), "{text}");
    insta::assert_snapshot!("palette_ns_80x24", text);
}

#[test]
fn production_context_has_a_banner_red_borders_and_wants_names_typed() {
    use crossterm::event::KeyCode::Enter;
    use flightdeck::domain::Effect;
    use flightdeck::domain::command::Command;
    use flightdeck::domain::registry::ActionId;
    use flightdeck::input::dispatch::dispatch;
    use flightdeck::input::keys::type_text;
    let mut state = state_at(SEED, AT);
    state.production = true;
    let theme = Theme::default_theme();
    let buf = render_with(&state, &theme, 80, 24);
    let text = to_text(&buf);
    assert!(row_text(&buf, 0).contains("PRODUCTION"), "{text}");
    let prod = theme.style(Role::Production);
    assert!((0..80).all(|x| buf[(x, 0)].bg == prod.bg.unwrap()), "the banner is not the whole line");
    // Every pane border is drawn in the production colour.
    assert_eq!(buf[(0, 1)].fg, prod.bg.unwrap());
    insta::assert_snapshot!("production_overview_80x24", text);

    // A destructive action asks for the target's name; `y` is not enough.
    dispatch(&mut state, Command::Pane(3));
    dispatch(&mut state, Command::Action(ActionId::DeletePod));
    let text = to_text(&render(&state, 80, 24));
    assert!(text.contains("PRODUCTION") && text.contains("type cart-"), "{text}");
    insta::assert_snapshot!("production_type_name_80x24", text);
    assert_eq!(type_text(&mut state, "y", Some(Enter)), Effect::None);
    assert!(state.view.status.as_ref().unwrap().text.contains("not run"));
    dispatch(&mut state, Command::Action(ActionId::DeletePod));
    let name = flightdeck::state::view::selected_target(&state, flightdeck::state::PaneId::Pods).unwrap();
    let run = type_text(&mut state, name.name(), Some(Enter));
    assert!(matches!(run, Effect::Run { action: ActionId::DeletePod, .. }));
    // A sync (not destructive) is a plain yes, but the dialog says production too.
    dispatch(&mut state, Command::Pane(2));
    dispatch(&mut state, Command::Action(ActionId::Sync));
    let text = to_text(&render(&state, 80, 24));
    assert!(text.contains("Sync? — PRODUCTION") && text.contains("shop-prod (production)"), "{text}");
}

#[test]
fn readonly_header_and_hints() {
    let mut state = state_at(SEED, AT);
    state.readonly = true;
    show(&mut state, PaneArg::Triage);
    let text = to_text(&render(&state, 80, 24));
    assert!(text.contains("READ-ONLY") && !text.contains("fix   f"), "{text}");
    insta::assert_snapshot!("readonly_triage_80x24", text);
}

#[test]
fn every_theme_draws_the_overview() {
    use flightdeck::headless::export::to_svg;
    for (name, _) in flightdeck::config::theme::BUILTIN {
        let theme = Theme::builtin(name).unwrap();
        let state = state_at(SEED, AT);
        let buf = render_with(&state, &theme, 80, 24);
        // The crit badge is in the theme's crit colour, whatever the theme.
        let (x, y) = find(&buf, "✖ crit").unwrap();
        assert_eq!(Some(buf[(x, y)].fg), theme.style(Role::Crit).fg.or(Some(ratatui::style::Color::Reset)));
        insta::assert_snapshot!(format!("theme_{name}_overview_80x24_svg"), to_svg(&buf, &theme));
    }
}

#[test]
fn a_filter_narrows_marks_its_matches_and_the_sort_is_shown() {
    use crossterm::event::KeyCode::Enter;
    use flightdeck::domain::command::Command;
    use flightdeck::input::dispatch::dispatch;
    use flightdeck::input::keys::type_text;
    let mut state = state_at(SEED, AT);
    dispatch(&mut state, Command::Pane(3));
    dispatch(&mut state, Command::Filter);
    type_text(&mut state, "cart", Some(Enter));
    dispatch(&mut state, Command::Sort);
    type_text(&mut state, "r", None);
    dispatch(&mut state, Command::Sort);
    type_text(&mut state, "r", None);
    let buf = render(&state, 80, 24);
    let text = to_text(&buf);
    assert!(text.contains("/cart · sorted by restarts ↓"), "{text}");
    // Every pod row names cart; the match is in the match colour.
    let (x, y) = find_unselected(&buf, "cart", "CrashLoopBackOff").unwrap();
    assert_eq!(Some(buf[(x, y)].fg), Theme::default_theme().style(Role::Match).fg);
    insta::assert_snapshot!("pods_filtered_sorted_80x24", text);
    // Esc clears the kept filter before it leaves the pane.
    dispatch(&mut state, Command::Back);
    assert_eq!(state.view.filter_text(flightdeck::state::PaneId::Pods), None);
    assert_eq!(state.view.mode, flightdeck::state::view::Mode::Full(flightdeck::state::PaneId::Pods));
}

/// A NotReady node under memory pressure, selected full-screen: below the table its conditions
/// in the kubelet's words (a control character in one shown as its symbol), the readiness in
/// the crit role and the pressure in the warn role; and the same words in triage.
#[test]
fn a_node_shows_its_wrong_conditions_in_its_detail_and_in_triage() {
    use flightdeck::state::infra::{NodeCondition, NodeReadiness, sort_nodes};
    let mut state = state_at(SEED, AT);
    let condition = |kind: &str, status: &str, reason: &str, message: &str| NodeCondition {
        kind: kind.into(),
        status: status.into(),
        reason: reason.into(),
        message: message.into(),
    };
    let node = &mut state.infra.nodes[3];
    let name = node.name.clone();
    node.ready = NodeReadiness::NotReady;
    node.pressure = vec!["MemoryPressure".into()];
    // As the source keeps them: readiness first.
    node.conditions = vec![
        condition(
            "Ready",
            "False",
            "KubeletNotReady",
            "container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady\x1b[2J",
        ),
        condition(
            "MemoryPressure",
            "True",
            "KubeletHasInsufficientMemory",
            "kubelet has insufficient memory available",
        ),
    ];
    sort_nodes(&mut state.infra.nodes);
    assert_eq!(state.infra.nodes[0].name, name, "worst first");
    state.view.reset_selection(flightdeck::state::PaneId::Infrastructure);
    state.triage_stale = true;
    state.finish_batch();
    show(&mut state, PaneArg::Infrastructure);
    for (w, h) in [(80, 24), (160, 48)] {
        let buf = render(&state, w, h);
        let text = to_text(&buf);
        assert!(text.contains("container runtime network not ready: NetworkReady=false"), "{text}");
        assert!(!text.contains('\x1b'), "raw escape on screen");
        let (x, y) = find_in_row(&buf, "NotReady", "container runtime").expect("the Ready condition");
        assert_eq!(Some(buf[(x, y)].fg), Theme::default_theme().style(Role::Crit).fg);
        let (x, y) = find_in_row(&buf, "MemoryPressure", "insufficient memory").expect("the pressure");
        assert_eq!(Some(buf[(x, y)].fg), Theme::default_theme().style(Role::Warn).fg);
        insta::assert_snapshot!(format!("infrastructure_node_conditions_{w}x{h}"), text);
    }
    let problem = state.triage.problems.iter().find(|p| p.subject == name).expect("the node in triage");
    assert_eq!(
        problem.detail,
        "NotReady: container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady\x1b[2J \
         · MemoryPressure: kubelet has insufficient memory available"
    );
    show(&mut state, PaneArg::Triage);
    let text = to_text(&render(&state, 160, 48));
    assert!(text.contains("NotReady: container runtime network"), "{text}");
    assert!(!text.contains('\x1b'), "raw escape on screen");
}
