//! flightdeck: a terminal control console for a cloud-native platform on AWS.
//! Data flows one way: sources → store (`state`) → view (`ui`); keys → `actions` → effects.

pub mod actions;
pub mod app;
pub mod cli;
pub mod config;
pub mod headless;
pub mod sources;
pub mod state;
pub mod ui;
