//! What a key asks the app loop to do beyond changing the view: run an action, switch theme,
//! context or namespaces, fetch an Argo CD tree, start a pod's stream, quit. Data only; the
//! loop in `app` carries it out.

use super::kinds::{PodKey, Scope};
use super::registry::ActionId;
use super::resource::{ApiKind, ObjectRef};
use super::target::{EditedObject, Target};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    None,
    Quit,
    Run {
        action: ActionId,
        target: Target,
        context: String,
    },
    /// `:theme NAME`: the app loop loads it and draws with it from now on.
    SetTheme(String),
    /// `:ctx NAME`: watch another Kubernetes context (the demo has one and says so).
    SwitchContext(String),
    /// `:ns NAME` / `:ns all`: watch other namespaces.
    SwitchNamespace(Scope),
    /// Ask the Argo CD server of the app's cluster for its resource tree (the Tree tab).
    FetchTree {
        app: String,
        cluster: super::ClusterId,
    },
    /// Ask what a sync of this app (in its cluster) would do (the sync dialog, the Diff tab).
    FetchPlan {
        app: String,
        cluster: super::ClusterId,
    },
    /// Start watching a cluster of the fleet configured `watch = "open"`, now that it is opened.
    WatchCluster(super::ClusterId),
    /// Start a stream for what is open (a pod's watch, a log, a `:KIND` list, an object).
    Stream(StreamStart),
    /// Read the kinds the cluster serves (discovery), for `:KIND`.
    Discover,
    /// Read what a rollback can go back to: a workload's revisions, an app's sync history.
    FetchHistory {
        subject: Target,
        context: String,
    },
    /// Read the ports a pod or Service offers, for the port-forward prompt (a `Target::Forward`).
    FetchPorts {
        subject: Target,
        cluster: super::ClusterId,
        context: String,
    },
    /// Hand the terminal over: a shell, the editor, a user command in the foreground.
    Handover(Handover),
    /// A user command in the background; its output comes back tagged with `stream`.
    Background {
        stream: u64,
        name: String,
        line: String,
        env: Vec<(String, String)>,
        context: String,
    },
    /// Forward a local port (a `Target::Forward`), or stop the forward with this id.
    Forward {
        target: Target,
        context: String,
    },
    StopForward(u64),
    /// Several at once (an object's view and its workload's log).
    Batch(Vec<Effect>),
    /// Write a hand-off report (Markdown and HTML) to the state dir; the path is said.
    WriteReport(Report),
}

/// What takes the terminal for a while; the console steps aside and comes back after.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Handover {
    Shell { namespace: String, pod: String, container: String, context: String },
    Edit(EditRequest),
    Command { name: String, line: String, env: Vec<(String, String)>, context: String },
}

/// An object to edit: read afresh, or reopened with the user's text after the server refused it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EditRequest {
    pub object: ObjectRef,
    /// The cluster of the row it was asked on (its safety decides), and its context.
    pub cluster: super::ClusterId,
    pub context: String,
    pub again: Option<Box<EditedObject>>,
    /// The API's answer, shown at the top of the reopened file.
    pub error: Option<String>,
}

/// A hand-off report, written as it is rendered: the app loop only puts it in files.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    /// A file name without extension: `incident-20261118-140125-services-cart`.
    pub name: String,
    pub markdown: String,
    pub html: String,
}

/// A stream the pod view asks the app to start, tagged with the id its messages carry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StreamStart {
    /// The pod and its events.
    Watch { stream: u64, key: PodKey },
    /// A container's log.
    Logs { stream: u64, request: LogRequest },
    /// The `:KIND` list: one list and one watch of the kind, in the Table form.
    Table { stream: u64, kind: ApiKind, namespace: Option<String>, cluster: super::ClusterId },
    /// One object up close: the object, its events, what owns it and what it owns.
    Object { stream: u64, object: ObjectRef, cluster: super::ClusterId },
    /// The merged logs of every pod of a workload, those that start later joining.
    WorkloadLogs { stream: u64, request: WorkloadLogRequest },
}

/// What a workload's merged log stream asks the cluster for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkloadLogRequest {
    pub workload: ObjectRef,
    /// The cluster it runs in (the object view's).
    pub cluster: super::ClusterId,
    pub follow: bool,
    pub timestamps: bool,
    /// Lines from each pod's each container when it joins.
    pub tail_lines: i64,
}

/// What a log stream asks the cluster for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogRequest {
    pub key: PodKey,
    pub container: String,
    pub previous: bool,
    pub follow: bool,
    pub timestamps: bool,
    pub tail_lines: i64,
}
