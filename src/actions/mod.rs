//! What a user can do: the registry (data), commands from keys, the dispatcher that turns a
//! command into a view change or an effect, and the executor that runs effects as tasks.

pub mod alert_commands;
pub mod argo;
pub mod audit;
pub mod command;
pub mod dispatch;
pub mod executor;
pub mod form;
pub mod palette;
pub mod pod_keys;
pub mod prompt;
pub mod registry;
pub mod switch;
pub mod targets;
pub mod triage;
pub mod value;
