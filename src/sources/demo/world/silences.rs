//! Silences in the demo's Alertmanager: created and expired by the same actions as a real
//! one, and applied to its alerts the way Alertmanager marks them suppressed.

use super::World;
use crate::domain::SourceId;
use crate::domain::silence::NewSilence;
use crate::domain::source::DemoFeed;
use crate::state::alerts::{Alert, AlertState};
use crate::state::silences::{Silence, SilenceState};

impl World {
    pub fn silences(&self) -> Vec<Silence> {
        let now = self.now;
        self.silences
            .iter()
            .map(|s| {
                let state = if s.ends_at <= now {
                    SilenceState::Expired
                } else if s.starts_at > now {
                    SilenceState::Pending
                } else {
                    SilenceState::Active
                };
                Silence { state, ..s.clone() }
            })
            .collect()
    }

    /// Mark alerts covered by an active silence as silenced, naming the silences.
    pub(super) fn apply_silences(&self, alerts: &mut [Alert]) {
        let active: Vec<Silence> =
            self.silences().into_iter().filter(|s| s.state == SilenceState::Active).collect();
        for a in alerts {
            a.silenced_by = active.iter().filter(|s| s.covers(&a.labels)).map(|s| s.id.clone()).collect();
            if !a.silenced_by.is_empty() {
                a.state = AlertState::Silenced;
            }
        }
    }

    pub(super) fn create_silence(&mut self, new: &NewSilence) -> Result<String, String> {
        if new.comment.trim().is_empty() {
            return Err("silence comment is required".into());
        }
        if new.duration_ms <= 0 {
            return Err("silence end time must be after its start time".into());
        }
        let id = format!(
            "{:08x}-{:04x}-4{:03x}-a{:03x}-{:012x}",
            self.rng.u32(..),
            self.rng.u16(..),
            self.rng.u16(..0xfff),
            self.rng.u16(..0xfff),
            self.rng.u64(..1 << 48)
        );
        self.silences.push(Silence {
            id: id.clone(),
            source: SourceId::demo(DemoFeed::Alertmanager),
            matchers: new.matchers.clone(),
            starts_at: self.now,
            ends_at: self.now + new.duration_ms,
            created_by: new.created_by.clone(),
            comment: new.comment.clone(),
            state: SilenceState::Active,
        });
        Ok(format!("silence {id} created"))
    }

    pub(super) fn expire_silence(&mut self, id: &str) -> Result<String, String> {
        let now = self.now;
        let s =
            self.silences.iter_mut().find(|s| s.id == id).ok_or_else(|| format!("silence {id} not found"))?;
        if s.ends_at <= now {
            return Err(format!("silence {id} already expired"));
        }
        s.ends_at = now;
        Ok(format!("silence {id} expired"))
    }
}
