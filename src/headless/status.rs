//! `flightdeck status --json`: the store as JSON, for scripts and monitoring checks.

use std::process::ExitCode;

use serde_json::{Value, json};

use crate::app::Settings;
use crate::state::{State, UnixMs};

pub async fn run(settings: &Settings, timeout: f64) -> anyhow::Result<ExitCode> {
    let state = super::collect(settings, timeout).await?;
    println!("{}", serde_json::to_string_pretty(&to_json(&state))?);
    if !state.sources.values().any(|e| e.health.enabled) {
        eprintln!("flightdeck: no source is configured; run with --demo, or see `flightdeck config default`");
        for (id, e) in &state.sources {
            eprintln!("  {id}: {}", e.health.last_error.as_deref().unwrap_or("disabled"));
        }
    }
    Ok(if super::all_ok(&state) { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

pub fn rfc3339(ms: UnixMs) -> String {
    let t = std::time::UNIX_EPOCH + std::time::Duration::from_millis(ms.max(0) as u64);
    humantime::format_rfc3339_seconds(t).to_string()
}

pub fn to_json(state: &State) -> Value {
    let sources: serde_json::Map<String, Value> = state
        .sources
        .iter()
        .map(|(id, e)| {
            let st = e.health.state(state.now);
            let v = json!({
                "state": st,
                "error": e.health.last_error,
                "updated_at": e.health.last_success.map(rfc3339),
                "feeds": e.feeds,
            });
            (id.to_string(), v)
        })
        .collect();
    json!({
        "context": state.context,
        "generated_at": rfc3339(state.now),
        "sources": sources,
        "infrastructure": state.infra,
        "argocd": state.argocd,
        "pods": state.pods,
        "scaling": state.scaling,
        "alerts": state.alerts,
        "cost": state.cost,
    })
}
