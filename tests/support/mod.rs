//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub mod kube_api;
pub mod servers;
pub mod tmux;
