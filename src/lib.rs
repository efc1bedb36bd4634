//! flightdeck: a terminal control console for a cloud-native platform on AWS.
//! Data flows one way: sources → store (`state`) → view (`ui`); keys → `input` → effects, which
//! the `app` loop carries out. `domain` is the vocabulary under all of them; see ARCHITECTURE.md.

pub mod app;
pub mod cli;
pub mod config;
pub mod domain;
pub mod headless;
pub mod input;
pub mod sources;
pub mod state;
pub mod ui;
