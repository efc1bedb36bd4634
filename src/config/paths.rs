//! Where flightdeck keeps its files, per the XDG base directories on Linux.

use std::path::PathBuf;

use directories::ProjectDirs;

fn dirs() -> Option<ProjectDirs> {
    ProjectDirs::from("", "", "flightdeck")
}

pub fn config_dir() -> Option<PathBuf> {
    dirs().map(|d| d.config_dir().to_path_buf())
}

/// Logs and the audit log. Falls back to the data dir where there is no state dir (macOS).
pub fn state_dir() -> Option<PathBuf> {
    dirs().map(|d| d.state_dir().unwrap_or_else(|| d.data_local_dir()).to_path_buf())
}

pub fn cache_dir() -> Option<PathBuf> {
    dirs().map(|d| d.cache_dir().to_path_buf())
}
