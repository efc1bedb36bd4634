//! One pod in full, as the detail view shows it: containers with state and last state,
//! conditions, its events and its YAML. Built by a source from the whole object; no I/O here.

use super::pods::ClusterEvent;
use super::{Level, UnixMs};
use crate::domain::PodKey;

#[derive(Clone, Debug, PartialEq)]
pub struct PodDetail {
    pub key: PodKey,
    pub phase: String,
    /// Why the pod is in trouble, by the same rules as the Pods pane's status column.
    pub reason: Option<String>,
    pub node: Option<String>,
    pub pod_ip: Option<String>,
    pub created_at: Option<UnixMs>,
    /// "Deployment cart" (the controller, as the owner reference names it).
    pub controlled_by: Option<String>,
    pub qos: Option<String>,
    pub service_account: Option<String>,
    /// Set while the pod is being deleted.
    pub deleting_since: Option<UnixMs>,
    pub labels: Vec<(String, String)>,
    pub init_containers: Vec<ContainerDetail>,
    pub containers: Vec<ContainerDetail>,
    pub conditions: Vec<PodCondition>,
    /// The container `kubectl logs` picks without `-c` (the default-container annotation).
    pub default_container: Option<String>,
    /// The object as YAML, without managedFields (as `kubectl get -o yaml` since 1.21).
    pub yaml: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ContainerDetail {
    pub name: String,
    pub image: String,
    pub ready: bool,
    pub restarts: u32,
    pub state: ContainerState,
    /// The previous run's end, when the container has restarted.
    pub last_state: Option<ContainerState>,
    /// "cpu 500m, memory 512Mi" requests and limits, as the spec has them.
    pub requests: Option<String>,
    pub limits: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ContainerState {
    Waiting {
        reason: String,
        message: Option<String>,
    },
    Running {
        started_at: Option<UnixMs>,
    },
    Terminated {
        reason: String,
        exit_code: i32,
        message: Option<String>,
        finished_at: Option<UnixMs>,
    },
    /// No status reported yet (the pod is not scheduled).
    Unknown,
}

impl ContainerState {
    pub fn label(&self) -> String {
        match self {
            ContainerState::Waiting { reason, .. } => format!("Waiting: {reason}"),
            ContainerState::Running { .. } => "Running".to_string(),
            ContainerState::Terminated { reason, exit_code, .. } => {
                format!("Terminated: {reason} (exit code {exit_code})")
            }
            ContainerState::Unknown => "—".to_string(),
        }
    }

    /// A crash, an OOM kill or a container that cannot start is critical; a clean exit is not.
    pub fn level(&self) -> Level {
        match self {
            ContainerState::Running { .. } => Level::Ok,
            ContainerState::Waiting { reason, .. }
                if reason == "ContainerCreating" || reason == "PodInitializing" =>
            {
                Level::Warn
            }
            ContainerState::Waiting { .. } => Level::Crit,
            ContainerState::Terminated { exit_code: 0, reason, .. } if reason == "Completed" => Level::Ok,
            ContainerState::Terminated { .. } => Level::Crit,
            ContainerState::Unknown => Level::Muted,
        }
    }

    pub fn message(&self) -> Option<&str> {
        match self {
            ContainerState::Waiting { message, .. } | ContainerState::Terminated { message, .. } => {
                message.as_deref()
            }
            _ => None,
        }
    }

    /// When it started running or last finished.
    pub fn at(&self) -> Option<UnixMs> {
        match self {
            ContainerState::Running { started_at } => *started_at,
            ContainerState::Terminated { finished_at, .. } => *finished_at,
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct PodCondition {
    /// PodScheduled, Initialized, ContainersReady, Ready, PodReadyToStartContainers …
    pub kind: String,
    /// "True", "False" or "Unknown".
    pub status: String,
    pub reason: Option<String>,
    pub message: Option<String>,
    pub last_transition: Option<UnixMs>,
}

impl PodCondition {
    pub fn level(&self) -> Level {
        match self.status.as_str() {
            "True" => Level::Ok,
            "False" => Level::Warn,
            _ => Level::Muted,
        }
    }
}

impl PodDetail {
    /// Every container, init containers first, as the log view cycles through them.
    pub fn container_names(&self) -> Vec<String> {
        self.init_containers.iter().chain(&self.containers).map(|c| c.name.clone()).collect()
    }

    pub fn container(&self, name: &str) -> Option<&ContainerDetail> {
        self.init_containers.iter().chain(&self.containers).find(|c| c.name == name)
    }

    /// The container whose logs to show first: the default-container annotation, else the
    /// first one in trouble (it is why the user is here), else the first.
    pub fn logs_container(&self) -> Option<String> {
        if let Some(d) = &self.default_container
            && self.container(d).is_some()
        {
            return Some(d.clone());
        }
        let troubled = self.containers.iter().find(|c| c.state.level() == Level::Crit || c.restarts > 0);
        troubled.or(self.containers.first()).map(|c| c.name.clone())
    }
}

/// The pod's events, newest last, as the detail view keeps them.
pub type PodEvents = Vec<ClusterEvent>;
