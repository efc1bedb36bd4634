//! Which registry action fixes a triage row: for each thing the row may act on (most likely fix
//! first), the action for that kind of thing, offered when it applies to the row now.

use crate::domain::Target;
use crate::domain::registry::{self, ActionId, ActionSpec};
use crate::state::State;
use crate::state::triage::Problem;

/// The action that usually fixes each kind of target.
fn fix_for(t: &Target) -> ActionId {
    match t {
        Target::App(_) | Target::AppSync { .. } => ActionId::Sync,
        Target::Workload { .. } => ActionId::RolloutRestart,
        Target::Pod { .. } => ActionId::DeletePod,
        Target::Node(_) => ActionId::Cordon,
        Target::Hpa { .. } | Target::Scale { .. } => ActionId::Scale,
        Target::HpaLimits { .. } => ActionId::EditHpa,
        Target::Alert { .. } | Target::NewSilence(_) => ActionId::Silence,
        Target::Silence { .. } => ActionId::ExpireSilence,
        Target::CostData => ActionId::RefreshCost,
        Target::CostExplorer => ActionId::EnableCost,
        Target::Object(_) => ActionId::DeleteObject,
        Target::Edit(_) => ActionId::Edit,
        Target::Rollback { .. } | Target::AppRollback { .. } => ActionId::Rollback,
        Target::Shell { .. } | Target::UserCommand { .. } => ActionId::Shell,
        Target::Forward { .. } => ActionId::PortForward,
    }
}

/// Whether `spec` can act on `t` (its pane's kind of target; a restart takes a workload or a
/// pod's owner, a pod delete only a pod).
pub fn accepts(spec: &ActionSpec, t: &Target) -> bool {
    match (spec.id, t) {
        (ActionId::DeletePod, t) => matches!(t, Target::Pod { .. }),
        (ActionId::RolloutRestart, t) => matches!(t, Target::Pod { .. } | Target::Workload { .. }),
        // The actions on any object work in the `:KIND` lists and the pod screens, not triage.
        (id, _) if registry::spec(id).on_objects() && id != ActionId::Scale => false,
        (_, Target::Workload { .. }) => false,
        (_, t) => spec.pane == t.pane(),
    }
}

/// The fixes a row offers, the most likely first; mutating ones left out when read-only, and
/// those that cannot act on the target (a CloudWatch alarm is not silenced from here).
pub fn fixes(state: &State, p: &Problem) -> Vec<(&'static ActionSpec, Target)> {
    let mut out: Vec<(&'static ActionSpec, Target)> = Vec::new();
    for t in &p.targets {
        let spec = registry::spec(fix_for(t));
        if state.readonly_of(&p.cluster) && spec.mutating || out.iter().any(|(s, _)| s.id == spec.id) {
            continue;
        }
        if !super::dispatch::applies(state, spec.id, t, &p.cluster) {
            continue;
        }
        out.push((spec, t.clone()));
    }
    out
}

/// The target on this row that action `id` would act on.
pub fn target_for(p: &Problem, id: ActionId) -> Option<Target> {
    let spec = registry::spec(id);
    p.targets.iter().find(|t| accepts(spec, t)).cloned()
}
