//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub mod alarm_history;
pub mod argocd_api;
pub mod kube_api;
pub mod servers;
pub mod store;
pub mod tmux;
