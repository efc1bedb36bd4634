//! The port-forwards `:pf` lists: where each goes, how it is doing (listening, the pod gone,
//! refused) and the bytes it moved. Plain data changed by `apply`; the app runs the forwards.

use super::{Level, UnixMs};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ForwardState {
    Starting,
    Listening,
    /// The pod behind it went away (deleted, or no longer running).
    PodGone(String),
    /// It could not listen, or the cluster refused it.
    Failed(String),
    Stopped,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Forward {
    pub id: u64,
    /// The context it goes through (in a fleet, the cluster it forwards into).
    pub cluster: String,
    pub namespace: String,
    pub pod: String,
    /// The Service it was asked on, if any.
    pub via: Option<String>,
    pub local: u16,
    pub remote: u16,
    pub state: ForwardState,
    pub started: UnixMs,
    pub connections: u64,
    pub open: u64,
    /// Bytes from the local client to the pod, and back.
    pub bytes_out: u64,
    pub bytes_in: u64,
    /// The last connection's error (a refused port in the pod), if any.
    pub last_error: Option<String>,
}

impl Forward {
    pub fn level(&self) -> Level {
        match self.state {
            ForwardState::Listening if self.last_error.is_some() => Level::Warn,
            ForwardState::Listening => Level::Ok,
            ForwardState::Starting => Level::Accent,
            ForwardState::PodGone(_) | ForwardState::Failed(_) => Level::Crit,
            ForwardState::Stopped => Level::Muted,
        }
    }

    /// The state in a word or two, for the list; `state_text` says why.
    pub fn state_word(&self) -> &'static str {
        match &self.state {
            ForwardState::Starting => "starting",
            ForwardState::Listening if self.last_error.is_some() => "conn failed",
            ForwardState::Listening => "listening",
            ForwardState::PodGone(_) => "pod gone",
            ForwardState::Failed(_) => "failed",
            ForwardState::Stopped => "stopped",
        }
    }

    pub fn state_text(&self) -> String {
        match &self.state {
            ForwardState::Starting => "starting".into(),
            ForwardState::Listening => match &self.last_error {
                Some(e) => format!("listening · last connection failed: {e}"),
                None => "listening".into(),
            },
            ForwardState::PodGone(why) => format!("pod gone: {why}"),
            ForwardState::Failed(why) => format!("failed: {why}"),
            ForwardState::Stopped => "stopped".into(),
        }
    }

    /// Whether it still holds its local port.
    pub fn active(&self) -> bool {
        matches!(self.state, ForwardState::Starting | ForwardState::Listening)
    }
}

/// A forward's news, from the task that runs it.
#[derive(Clone, Debug)]
pub enum ForwardUpdate {
    Started(Box<Forward>),
    Listening { id: u64 },
    Traffic { id: u64, connections: u64, open: u64, bytes_out: u64, bytes_in: u64, error: Option<String> },
    PodGone { id: u64, why: String },
    Failed { id: u64, why: String },
    Stopped { id: u64 },
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Forwards {
    /// Oldest first.
    pub list: Vec<Forward>,
    /// The last id handed out.
    pub next_id: u64,
}

impl Forwards {
    pub fn apply(&mut self, u: ForwardUpdate) -> bool {
        if let ForwardUpdate::Started(f) = u {
            self.list.retain(|x| x.id != f.id);
            self.list.push(*f);
            return true;
        }
        let id = match &u {
            ForwardUpdate::Listening { id }
            | ForwardUpdate::Traffic { id, .. }
            | ForwardUpdate::PodGone { id, .. }
            | ForwardUpdate::Failed { id, .. }
            | ForwardUpdate::Stopped { id } => *id,
            ForwardUpdate::Started(_) => unreachable!("handled above"),
        };
        let Some(f) = self.list.iter_mut().find(|f| f.id == id) else { return false };
        match u {
            ForwardUpdate::Listening { .. } => f.state = ForwardState::Listening,
            ForwardUpdate::Traffic { connections, open, bytes_out, bytes_in, error, .. } => {
                (f.connections, f.open, f.bytes_out, f.bytes_in) = (connections, open, bytes_out, bytes_in);
                if error.is_some() {
                    f.last_error = error;
                }
            }
            ForwardUpdate::PodGone { why, .. } => f.state = ForwardState::PodGone(why),
            ForwardUpdate::Failed { why, .. } => f.state = ForwardState::Failed(why),
            ForwardUpdate::Stopped { .. } => f.state = ForwardState::Stopped,
            ForwardUpdate::Started(_) => {}
        }
        true
    }

    /// A local port another forward holds now.
    pub fn holds(&self, local: u16) -> Option<&Forward> {
        self.list.iter().find(|f| f.active() && f.local == local)
    }
}
