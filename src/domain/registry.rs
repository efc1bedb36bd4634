//! Everything a user can do to the platform, as data: name, the pane and target it applies
//! to, whether it mutates and needs confirmation. The keymap, the help overlay, the status
//! hints and the executor all read this one list, so they cannot disagree.

use super::PaneId;

/// Argo CD's own words when an operation is already running: the source sends them as the
/// refusal, and input refuses a sync with them before asking.
pub const ANOTHER_OPERATION: &str = "another operation is already in progress";

/// Argo CD's own refusal of a rollback while automated sync is on (the server's words).
pub const ROLLBACK_AUTOSYNC: &str = "rollback cannot be initiated when auto-sync is enabled";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ActionId {
    Sync,
    Refresh,
    HardRefresh,
    Terminate,
    RolloutRestart,
    DeletePod,
    Cordon,
    Uncordon,
    Scale,
    EditHpa,
    Silence,
    ExpireSilence,
    RefreshCost,
    EnableCost,
    DeleteObject,
    Edit,
    Shell,
    PortForward,
    StopForward,
    Rollback,
}

#[derive(Clone, Copy, Debug)]
pub struct ActionSpec {
    pub id: ActionId,
    /// The keymap name, e.g. `sync`.
    pub name: &'static str,
    /// What the confirmation and help call it.
    pub title: &'static str,
    pub pane: PaneId,
    /// What it does, for the help overlay.
    pub help: &'static str,
    /// Changes the platform; hidden and refused under --readonly.
    pub mutating: bool,
    /// Cannot be undone by the user (a deleted pod, a restart).
    pub destructive: bool,
    pub confirm: bool,
}

pub const ACTIONS: &[ActionSpec] = &[
    ActionSpec {
        id: ActionId::Sync,
        name: "sync",
        title: "Sync",
        pane: PaneId::ArgoCd,
        help: "sync the selected Argo CD application to its target revision (p prune, d dry run in the dialog)",
        mutating: true,
        destructive: false,
        confirm: true,
    },
    ActionSpec {
        id: ActionId::Refresh,
        name: "refresh",
        title: "Refresh",
        pane: PaneId::ArgoCd,
        help: "ask Argo CD to compare the application with Git again",
        mutating: true,
        destructive: false,
        confirm: false,
    },
    ActionSpec {
        id: ActionId::HardRefresh,
        name: "hard_refresh",
        title: "Hard refresh",
        pane: PaneId::ArgoCd,
        help: "refresh, discarding Argo CD's manifest cache",
        mutating: true,
        destructive: false,
        confirm: true,
    },
    ActionSpec {
        id: ActionId::Terminate,
        name: "terminate",
        title: "Terminate operation",
        pane: PaneId::ArgoCd,
        help: "stop the selected application's running sync (offered only while one runs)",
        mutating: true,
        // A half-applied sync is left as it stands.
        destructive: true,
        confirm: true,
    },
    ActionSpec {
        id: ActionId::RolloutRestart,
        name: "restart",
        title: "Rollout restart",
        pane: PaneId::Pods,
        help: "rollout restart the workload that owns the selected pod",
        mutating: true,
        destructive: true,
        confirm: true,
    },
    ActionSpec {
        id: ActionId::DeletePod,
        name: "delete_pod",
        title: "Delete pod",
        pane: PaneId::Pods,
        help: "delete the selected pod (its controller recreates it)",
        mutating: true,
        destructive: true,
        confirm: true,
    },
    ActionSpec {
        id: ActionId::Cordon,
        name: "cordon",
        title: "Cordon",
        pane: PaneId::Infrastructure,
        help: "mark the selected node unschedulable",
        mutating: true,
        destructive: false,
        confirm: true,
    },
    ActionSpec {
        id: ActionId::Uncordon,
        name: "uncordon",
        title: "Uncordon",
        pane: PaneId::Infrastructure,
        help: "mark the selected node schedulable again",
        mutating: true,
        destructive: false,
        confirm: true,
    },
    ActionSpec {
        id: ActionId::Scale,
        name: "scale",
        title: "Scale",
        pane: PaneId::Scaling,
        help: "scale the workload (the HPA's target, the workload or pod's owner) to a count you type",
        mutating: true,
        destructive: false,
        confirm: true,
    },
    ActionSpec {
        id: ActionId::EditHpa,
        name: "edit_hpa",
        title: "Edit HPA",
        pane: PaneId::Scaling,
        help: "change the selected HPA's min and max replicas",
        mutating: true,
        destructive: false,
        confirm: true,
    },
    ActionSpec {
        id: ActionId::Silence,
        name: "silence",
        title: "Silence",
        pane: PaneId::Alerts,
        help: "silence the selected alert: edit matchers, pick a duration, write a comment",
        mutating: true,
        destructive: false,
        // The silence form, which names the target and context, is the confirmation.
        confirm: true,
    },
    ActionSpec {
        id: ActionId::ExpireSilence,
        name: "expire_silence",
        title: "Expire silence",
        pane: PaneId::Alerts,
        help: "expire the selected silence (in the silences view); its alerts fire again",
        mutating: true,
        destructive: false,
        confirm: true,
    },
    ActionSpec {
        id: ActionId::RefreshCost,
        name: "refresh_cost",
        title: "Refresh the bill",
        pane: PaneId::Cost,
        help: "fetch the bill now ($0.01 a request); forecast = spent + mean of last 7 full days × days left",
        // It changes nothing on the platform, so read-only mode allows it.
        mutating: false,
        destructive: false,
        confirm: true,
    },
    ActionSpec {
        id: ActionId::EnableCost,
        name: "enable_cost",
        title: "Turn on Cost Explorer",
        pane: PaneId::Cost,
        help: "turn Cost Explorer on for this account: it charges $0.01 per request (2 a fetch, every 8 h, cached)",
        // It changes nothing on the platform; the charge is what the confirmation names.
        mutating: false,
        destructive: false,
        confirm: true,
    },
    ActionSpec {
        id: ActionId::DeleteObject,
        name: "delete",
        title: "Delete",
        pane: PaneId::Pods,
        help: "delete the selected object, of any kind, as kubectl delete does",
        mutating: true,
        destructive: true,
        confirm: true,
    },
    ActionSpec {
        id: ActionId::Edit,
        name: "edit",
        title: "Edit",
        pane: PaneId::Pods,
        help: "edit the object's YAML in $EDITOR; sent with the resourceVersion it was read at, asks first",
        mutating: true,
        destructive: false,
        confirm: true,
    },
    ActionSpec {
        id: ActionId::Shell,
        name: "shell",
        title: "Shell",
        pane: PaneId::Pods,
        help: "a shell in the pod's container (bash, else sh); the console comes back when it exits",
        mutating: true,
        destructive: false,
        // k9s does not ask either: nothing changes by opening a shell, and it is audited.
        confirm: false,
    },
    ActionSpec {
        id: ActionId::PortForward,
        name: "port_forward",
        title: "Port-forward",
        pane: PaneId::Pods,
        help: "forward 127.0.0.1:PORT to a port of the pod, or of a ready pod behind the Service (:pf lists them)",
        // It reads, changing nothing on the platform.
        mutating: false,
        destructive: false,
        // The ports prompt, naming the pod and the context, is the confirmation.
        confirm: false,
    },
    ActionSpec {
        id: ActionId::StopForward,
        name: "stop_forward",
        title: "Stop port-forward",
        pane: PaneId::Pods,
        help: "stop the selected port-forward (in :pf)",
        mutating: false,
        destructive: false,
        confirm: false,
    },
    ActionSpec {
        id: ActionId::Rollback,
        name: "rollback",
        title: "Rollback",
        pane: PaneId::Pods,
        help: "the workload's (or Argo CD app's) revision history; roll back to the one picked, as kubectl rollout undo",
        mutating: true,
        // The running version is replaced: production wants the name typed.
        destructive: true,
        confirm: true,
    },
];

impl ActionSpec {
    /// Whether the action is offered in `pane`: its own, or one whose rows it can also act on
    /// (a scale from the Pods pane acts on the selected workload or the pod's owner).
    pub fn offered_in(&self, pane: PaneId) -> bool {
        self.pane == pane
            || matches!(
                (self.id, pane),
                (ActionId::Scale, PaneId::Pods) | (ActionId::Rollback, PaneId::ArgoCd)
            )
    }

    /// Whether the action acts on objects of any kind (the `:KIND` lists and the object view).
    pub fn on_objects(&self) -> bool {
        matches!(
            self.id,
            ActionId::DeleteObject
                | ActionId::Edit
                | ActionId::Shell
                | ActionId::PortForward
                | ActionId::Rollback
                | ActionId::RolloutRestart
                | ActionId::Scale
        )
    }
}

/// Actions that ask for a value before the confirmation.
pub fn asks_input(id: ActionId) -> bool {
    matches!(id, ActionId::Scale | ActionId::EditHpa | ActionId::PortForward)
}

pub fn spec(id: ActionId) -> &'static ActionSpec {
    ACTIONS.iter().find(|a| a.id == id).expect("every ActionId has a spec")
}

pub fn by_name(name: &str) -> Option<&'static ActionSpec> {
    ACTIONS.iter().find(|a| a.name == name)
}

/// The actions that apply to a pane, less the mutating ones when read-only.
pub fn for_pane(pane: PaneId, readonly: bool) -> impl Iterator<Item = &'static ActionSpec> {
    ACTIONS.iter().filter(move |a| a.offered_in(pane) && !(readonly && a.mutating))
}
