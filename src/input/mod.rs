//! Input: keys and palette lines turned into view changes and an `Effect` for the app loop.
//! Pure functions of `&mut State`: no I/O, no rendering, nothing from `ui` or `sources`.

pub mod alert_commands;
pub mod argo;
pub mod dispatch;
pub mod fleet;
pub mod form;
pub mod keys;
pub mod object_actions;
pub mod objects;
pub mod palette;
pub mod pod_keys;
pub mod prompt;
pub mod switch;
pub mod targets;
pub mod timeline;
pub mod triage;
pub mod user_commands;
pub mod value;
