//! Key paths through `dispatch`: the overview and panes, confirmations, actions, and triage.

mod keys {
    use super::super::*;
    use crate::domain::SourceId;
    use crate::state::argocd::{ArgoApp, HealthStatus, SyncStatus};
    use crate::state::{Data, Message, update};

    fn app(name: &str) -> ArgoApp {
        ArgoApp::drifted(name)
    }

    fn state_with_app() -> State {
        let mut s = State::new("shop-prod", 0);
        let data = Data::Apps(vec![app("services-cart")]);
        update(&mut s, Message::Data { source: "argocd".parse::<SourceId>().unwrap(), at: 0, data });
        s.finish_batch();
        s
    }

    #[test]
    fn navigation_opens_and_closes_panes() {
        let mut s = state_with_app();
        assert_eq!(dispatch(&mut s, Command::Pane(2)), Effect::None);
        assert_eq!(s.view.mode, Mode::Full(PaneId::ArgoCd));
        dispatch(&mut s, Command::Back);
        assert_eq!(s.view.mode, Mode::Overview);
        // Focus stays on the pane that was open.
        dispatch(&mut s, Command::FocusPrev);
        assert_eq!(s.view.focus, PaneId::Infrastructure);
        dispatch(&mut s, Command::FocusPrev);
        assert_eq!(s.view.focus, PaneId::Cost);
        dispatch(&mut s, Command::FocusNext);
        dispatch(&mut s, Command::FocusNext);
        assert_eq!(s.view.focus, PaneId::ArgoCd);
        dispatch(&mut s, Command::Open);
        assert_eq!(s.view.mode, Mode::Full(PaneId::ArgoCd));
        dispatch(&mut s, Command::Help);
        assert_eq!(s.view.overlay, Overlay::Help);
        dispatch(&mut s, Command::Back);
        assert_eq!(s.view.overlay, Overlay::None);
        assert_eq!(s.view.mode, Mode::Full(PaneId::ArgoCd));
        assert_eq!(dispatch(&mut s, Command::Quit), Effect::Quit);
    }

    #[test]
    fn sync_asks_naming_target_and_context_then_runs() {
        let mut s = state_with_app();
        dispatch(&mut s, Command::Pane(2));
        // The dialog asks for the sync's plan as it opens.
        assert_eq!(
            dispatch(&mut s, Command::Action(ActionId::Sync)),
            Effect::FetchPlan { app: "services-cart".into(), cluster: Default::default() }
        );
        let Overlay::Confirm(p) = &s.view.overlay else { panic!("no confirmation") };
        assert_eq!(p.target, Target::AppSync { name: "services-cart".into(), prune: false, dry_run: false });
        assert_eq!(p.context, "shop-prod");
        // Other keys do nothing while the dialog is open.
        assert_eq!(dispatch(&mut s, Command::Quit), Effect::None);
        assert_eq!(s.view.overlay, Overlay::None);
        dispatch(&mut s, Command::Action(ActionId::Sync));
        let eff = dispatch(&mut s, Command::Confirm);
        assert_eq!(
            eff,
            Effect::Run {
                action: ActionId::Sync,
                target: Target::AppSync { name: "services-cart".into(), prune: false, dry_run: false },
                context: "shop-prod".into()
            }
        );
    }

    #[test]
    fn readonly_refuses_mutating_actions() {
        let mut s = state_with_app();
        s.readonly = true;
        dispatch(&mut s, Command::Pane(2));
        assert_eq!(dispatch(&mut s, Command::Action(ActionId::Sync)), Effect::None);
        assert_eq!(s.view.overlay, Overlay::None);
        assert!(s.view.status.as_ref().unwrap().text.contains("read-only"));
    }

    #[test]
    fn actions_only_apply_in_their_pane_and_with_a_row() {
        let mut s = state_with_app();
        dispatch(&mut s, Command::Pane(3));
        assert_eq!(dispatch(&mut s, Command::Action(ActionId::Sync)), Effect::None);
        assert_eq!(s.view.overlay, Overlay::None);
        assert_eq!(dispatch(&mut s, Command::Action(ActionId::DeletePod)), Effect::None);
        assert!(s.view.status.as_ref().unwrap().text.contains("nothing selected"));
    }

    #[test]
    fn selection_follows_its_row_when_the_order_changes() {
        let mut s = state_with_app();
        let mut healthy = app("services-a");
        healthy.sync = SyncStatus::Synced;
        healthy.health = HealthStatus::Healthy;
        let apps = vec![app("services-cart"), healthy.clone()];
        update(
            &mut s,
            Message::Data { source: "argocd".parse::<SourceId>().unwrap(), at: 0, data: Data::Apps(apps) },
        );
        s.finish_batch();
        dispatch(&mut s, Command::Pane(2));
        // services-cart (a problem) sorts first; select it.
        assert_eq!(selected_target(&s, PaneId::ArgoCd), Some(Target::App("services-cart".into())));
        // It is fixed and sorts after services-a: the selection goes with it.
        let mut fixed = app("services-cart");
        fixed.sync = SyncStatus::Synced;
        fixed.health = HealthStatus::Healthy;
        update(
            &mut s,
            Message::Data {
                source: "argocd".parse::<SourceId>().unwrap(),
                at: 1,
                data: Data::Apps(vec![fixed, healthy]),
            },
        );
        s.finish_batch();
        assert_eq!(s.view.selected(PaneId::ArgoCd), 1);
        assert_eq!(selected_target(&s, PaneId::ArgoCd), Some(Target::App("services-cart".into())));
        // Moving the cursor re-anchors it.
        dispatch(&mut s, Command::Up);
        s.finish_batch();
        assert_eq!(selected_target(&s, PaneId::ArgoCd), Some(Target::App("services-a".into())));
    }

    #[test]
    fn selection_is_clamped_to_the_rows() {
        let mut s = state_with_app();
        dispatch(&mut s, Command::Pane(2));
        dispatch(&mut s, Command::PageDown);
        assert_eq!(s.view.selected(PaneId::ArgoCd), 0);
        dispatch(&mut s, Command::Up);
        assert_eq!(s.view.selected(PaneId::ArgoCd), 0);
    }

    #[test]
    fn refreshing_the_bill_asks_first_and_names_the_charge_even_read_only() {
        let mut s = crate::sources::demo::state_at(7, 150);
        s.readonly = true;
        dispatch(&mut s, Command::Pane(6));
        assert_eq!(dispatch(&mut s, Command::Action(ActionId::RefreshCost)), Effect::None);
        let Overlay::Confirm(p) = &s.view.overlay else { panic!("asks first") };
        assert!(p.target.describe().contains("$0.01 each"), "{}", p.target.describe());
        let Effect::Run { target, .. } = dispatch(&mut s, Command::Confirm) else { panic!("runs") };
        assert_eq!(target, Target::CostData);
    }

    #[test]
    fn cost_explorer_off_is_turned_on_after_a_confirmation_naming_the_charge() {
        let mut s = State::new("shop-prod", 0);
        let source = "cost-explorer".parse::<SourceId>().unwrap();
        update(&mut s, Message::Disabled { source, feeds: vec![PaneId::Cost], reason: "off".into() });
        s.readonly = true;
        dispatch(&mut s, Command::Pane(6));
        // Nothing to refresh while it is off; the key that turns it on asks first, read-only too.
        assert_eq!(dispatch(&mut s, Command::Action(ActionId::RefreshCost)), Effect::None);
        assert_eq!(s.view.overlay, Overlay::None);
        assert!(s.view.status.as_ref().unwrap().text.contains("Cost Explorer is off"));
        assert_eq!(dispatch(&mut s, Command::Action(ActionId::EnableCost)), Effect::None);
        let Overlay::Confirm(p) = &s.view.overlay else { panic!("asks first") };
        assert!(p.target.describe().contains("$0.01 per request"), "{}", p.target.describe());
        let Effect::Run { action, target, .. } = dispatch(&mut s, Command::Confirm) else { panic!("runs") };
        assert_eq!((action, target), (ActionId::EnableCost, Target::CostExplorer));
        // Once on, there is nothing to turn on.
        let demo = &mut crate::sources::demo::state_at(7, 150);
        dispatch(demo, Command::Pane(6));
        assert_eq!(dispatch(demo, Command::Action(ActionId::EnableCost)), Effect::None);
        assert_eq!(demo.view.overlay, Overlay::None);
    }

    #[test]
    fn scale_from_the_scaling_pane_asks_for_the_count_of_the_hpas_workload() {
        use crate::state::pods::Owner;
        use crate::state::scaling::Hpa;
        let mut s = State::new("shop-prod", 0);
        let hpa = Hpa {
            cluster: Default::default(),
            namespace: "storefront".into(),
            name: "cart-hpa".into(),
            target: Owner { kind: "Deployment".into(), name: "cart".into() },
            min: 2,
            max: 20,
            current: 4,
            desired: 5,
            metrics: vec![],
            conditions: vec![],
            last_scale: None,
        };
        update(
            &mut s,
            Message::Data {
                source: "kube/hpas".parse::<SourceId>().unwrap(),
                at: 0,
                data: Data::Hpas(vec![hpa]),
            },
        );
        s.finish_batch();
        dispatch(&mut s, Command::Pane(4));
        assert_eq!(dispatch(&mut s, Command::Action(ActionId::Scale)), Effect::None);
        let Overlay::Value(p) = &s.view.overlay else { panic!("{:?}", s.view.overlay) };
        assert_eq!(
            p.target,
            Target::Workload {
                namespace: "storefront".into(),
                kind: crate::domain::WorkloadKind::Deployment,
                name: "cart".into()
            }
        );
        assert_eq!(p.text, "5", "starts from the desired count");
        assert_eq!(p.context, "shop-prod");
        // Keys from the keymap only close it; typed text comes through `value::key`.
        dispatch(&mut s, Command::Cancel);
        assert_eq!(s.view.overlay, Overlay::None);
        dispatch(&mut s, Command::Action(ActionId::EditHpa));
        let Overlay::Value(p) = &s.view.overlay else { panic!() };
        assert_eq!((p.text.as_str(), p.hint.as_str()), ("2 20", "min max"));
        s.view.overlay = Overlay::None;
        s.readonly = true;
        dispatch(&mut s, Command::Action(ActionId::Scale));
        assert_eq!(s.view.overlay, Overlay::None, "refused under --readonly");
    }
}

mod triage {
    use super::super::*;
    use crate::sources::demo::state_at;

    #[test]
    fn the_demo_incident_is_fixed_from_triage_in_three_keys() {
        let mut s = state_at(7, 150);
        dispatch(&mut s, Command::Triage);
        assert_eq!(s.view.mode, Mode::Triage);
        assert_eq!(
            dispatch(&mut s, Command::Fix),
            Effect::FetchPlan { app: "services-cart".into(), cluster: Default::default() }
        );
        let Overlay::Confirm(p) = &s.view.overlay else { panic!("no confirmation") };
        assert_eq!(p.target, Target::AppSync { name: "services-cart".into(), prune: false, dry_run: false });
        let eff = dispatch(&mut s, Command::Confirm);
        assert!(matches!(eff, Effect::Run { action: ActionId::Sync, .. }), "{eff:?}");
    }

    #[test]
    fn an_action_key_acts_on_the_rows_link_of_its_kind() {
        let mut s = state_at(7, 150);
        dispatch(&mut s, Command::Triage);
        dispatch(&mut s, Command::Action(ActionId::RolloutRestart));
        let Overlay::Confirm(p) = &s.view.overlay else { panic!("no confirmation") };
        assert!(matches!(&p.target, Target::Workload { name, .. } if name == "cart"), "{:?}", p.target);
        dispatch(&mut s, Command::Cancel);
        // Cordon has no node on this row: refused, with a reason.
        dispatch(&mut s, Command::Action(ActionId::Cordon));
        assert_eq!(s.view.overlay, Overlay::None);
        assert!(s.view.status.as_ref().unwrap().text.contains("nothing on this row"));
    }

    #[test]
    fn triage_moves_opens_and_goes_back() {
        let mut s = state_at(7, 150);
        dispatch(&mut s, Command::Triage);
        dispatch(&mut s, Command::Down);
        dispatch(&mut s, Command::Down);
        let p = selected_problem(&s).unwrap().clone();
        assert_eq!(p.subject, "services-cart");
        dispatch(&mut s, Command::Open);
        assert_eq!(s.view.mode, Mode::Full(PaneId::ArgoCd));
        assert_eq!(selected_target(&s, PaneId::ArgoCd), Some(Target::App("services-cart".into())));
        dispatch(&mut s, Command::Triage);
        dispatch(&mut s, Command::Back);
        assert_eq!(s.view.mode, Mode::Overview);
    }

    #[test]
    fn triage_filters_keep_what_links_to_the_text_and_esc_clears() {
        let mut s = state_at(7, 150);
        dispatch(&mut s, Command::Triage);
        let all = crate::state::rows::problems(&s).len();
        dispatch(&mut s, Command::Filter);
        crate::input::keys::type_text(&mut s, "storefront/cart", Some(crossterm::event::KeyCode::Enter));
        let kept: Vec<String> = crate::state::rows::problems(&s).iter().map(|p| p.subject.clone()).collect();
        assert!(kept.len() < all && kept.contains(&"HighErrorRate".to_string()), "{kept:?}");
        assert!(!kept.contains(&"CPUThrottlingHigh".to_string()), "{kept:?}");
        assert_eq!(selected_problem(&s).unwrap().subject, kept[0]);
        dispatch(&mut s, Command::Back);
        assert_eq!((s.view.mode, crate::state::rows::problems(&s).len()), (Mode::Triage, all));
        dispatch(&mut s, Command::Back);
        assert_eq!(s.view.mode, Mode::Overview);
    }

    #[test]
    fn readonly_triage_offers_no_fix() {
        let mut s = state_at(7, 150);
        s.readonly = true;
        dispatch(&mut s, Command::Triage);
        dispatch(&mut s, Command::Fix);
        assert_eq!(s.view.overlay, Overlay::None);
        assert!(s.view.status.as_ref().unwrap().text.contains("read-only"));
    }
}
