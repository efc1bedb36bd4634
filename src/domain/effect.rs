//! What a key asks the app loop to do beyond changing the view: run an action, switch theme,
//! context or namespaces, fetch an Argo CD tree, start a pod's stream, quit. Data only; the
//! loop in `app` carries it out.

use super::kinds::{PodKey, Scope};
use super::registry::ActionId;
use super::target::Target;

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
    /// Start a stream for the open pod view (its watch, a container's log).
    Stream(StreamStart),
    /// Write a hand-off report (Markdown and HTML) to the state dir; the path is said.
    WriteReport(Report),
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
