//! Where the user is among objects of any kind: the `:KIND` list (its selection, filter and
//! sort), one object up close (cursor, search, the way back), a background command's output,
//! and a picker of revisions. View state only; the data is in `resources` and `object_view`.

use super::Mode;
use super::pod::LogsView;
use crate::domain::registry::ActionId;
use crate::domain::{ApiKind, ClusterId, ObjectRef, Target};
use crate::state::resources::RowId;

/// The `:KIND` list shown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResourcesView {
    pub kind: ApiKind,
    /// The cluster it lists (the one opened, or the only one): what its rows' actions act on.
    pub cluster: ClusterId,
    /// The namespace it lists (`:ns`, `-n`), or every one.
    pub namespace: Option<String>,
    pub stream: u64,
    pub selected: usize,
    /// The selected row's identity, so the selection follows it as rows come and go.
    pub anchor: Option<RowId>,
    pub filter: Option<String>,
    /// The column's letter, and whether reversed.
    pub sort: Option<(char, bool)>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ObjectScreen {
    /// Its identity, owners and owned objects, events and YAML.
    Describe,
    /// A workload's pods' merged log.
    Logs,
}

/// One object looked at closely.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObjectView {
    pub object: ObjectRef,
    /// The cluster it is in: what its actions act on, where its links lead.
    pub cluster: ClusterId,
    /// The stream watching the object and its events.
    pub stream: u64,
    /// The selected line: Enter on an owner or owned object's line opens it.
    pub cursor: usize,
    pub search: Option<String>,
    pub text_match: Option<u64>,
    /// A Secret's values shown decoded (`x`); kept in memory only, written nowhere.
    pub decoded: bool,
    pub logs: Option<LogsView>,
    /// The objects this one was reached from through links, to step back to.
    pub trail: Vec<ObjectRef>,
    /// Where Esc goes when the trail is empty.
    pub origin: Mode,
}

impl ObjectView {
    pub fn new(object: ObjectRef, cluster: ClusterId, stream: u64, origin: Mode) -> ObjectView {
        ObjectView {
            object,
            cluster,
            stream,
            cursor: 0,
            search: None,
            text_match: None,
            decoded: false,
            logs: None,
            trail: Vec::new(),
            origin,
        }
    }
}

/// A user command running in the background, its output shown as it comes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutputView {
    pub stream: u64,
    pub name: String,
    pub line: String,
    /// First line shown; None follows the newest.
    pub scroll: Option<usize>,
    /// Where Esc goes.
    pub origin: Mode,
}

/// A list to pick one entry from before the confirmation (a revision to roll back to).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Picker {
    pub action: ActionId,
    /// What the list is of (the workload, the app).
    pub subject: Target,
    /// The cluster of the row it was asked on, and its context.
    pub cluster: ClusterId,
    pub context: String,
    /// Column headers, then one row of cells per entry, newest first.
    pub header: Vec<String>,
    pub entries: Vec<PickEntry>,
    pub selected: usize,
    /// Still reading the entries.
    pub loading: bool,
    pub error: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PickEntry {
    pub cells: Vec<String>,
    /// What picking it acts on; None for an entry that cannot be picked (the current one).
    pub choice: Option<Target>,
    /// Why it cannot be picked.
    pub note: Option<String>,
}
