//! The cluster's recent events, newest last and capped, with repeats folded into a count the
//! way the Kubernetes event recorder folds them.

use std::collections::VecDeque;

use super::World;
use crate::state::pods::ClusterEvent;

pub const CAP: usize = 100;

#[derive(Default)]
pub struct EventLog {
    items: VecDeque<ClusterEvent>,
}

impl EventLog {
    pub fn push(&mut self, at: i64, warning: bool, reason: &str, object: String, message: String) {
        if let Some(i) =
            self.items.iter().rposition(|e| e.reason == reason && e.object == object && e.message == message)
        {
            let mut e = self.items.remove(i).expect("index from rposition");
            e.count += 1;
            e.at = at;
            self.items.push_back(e);
            return;
        }
        if self.items.len() == CAP {
            self.items.pop_front();
        }
        self.items.push_back(ClusterEvent {
            cluster: Default::default(),
            at,
            warning,
            reason: reason.into(),
            object,
            message,
            count: 1,
        });
    }
}

impl World {
    pub(super) fn event(&mut self, warning: bool, reason: &str, object: String, message: String) {
        self.events.push(self.now, warning, reason, object, message);
    }

    pub fn events(&self) -> Vec<ClusterEvent> {
        self.events.items.iter().cloned().collect()
    }
}
