//! `flightdeck status`: every source polled once, then a table a person reads (each source's
//! state, age and error; one line per problem) or, with `--json`, the store for scripts and
//! monitoring checks. Exits 1 when a source is failing or none is configured.

use std::process::ExitCode;

use serde_json::{Value, json};

use crate::app::Settings;
use crate::domain::format;
use crate::domain::text::{clean, pad};
use crate::state::{SourceState, State, UnixMs};

pub async fn run(settings: &Settings, timeout: f64, json: bool) -> anyhow::Result<ExitCode> {
    let mut state = super::collect(settings, timeout).await?;
    super::history::record(settings, &mut state);
    if json {
        super::print_out(&format!("{}\n", serde_json::to_string_pretty(&to_json(&state))?))?;
    } else {
        super::print_out(&to_table(&state))?;
    }
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
            (state.source_label(id), v)
        })
        .collect();
    json!({
        "context": state.context,
        // Who the audit log and silences name: $USER, the kubeconfig's user, the AWS identity.
        "user": state.user,
        "generated_at": rfc3339(state.now),
        // Each watched cluster, worst first, as the fleet screen shows it.
        "clusters": crate::state::fleet_summary::fleet_rows(state),
        "sources": sources,
        "infrastructure": state.infra,
        "argocd": state.argocd,
        "pods": state.pods,
        "scaling": state.scaling,
        "alerts": state.alerts,
        "cost": state.cost,
    })
}

/// The sources as a table (source, state, age, error), then one line per problem, worst first.
pub fn to_table(state: &State) -> String {
    let mut out = format!("context {} · {}\n\n", clean(&state.context), rfc3339(state.now));
    let width =
        state.sources.keys().map(|id| state.source_label(id).chars().count()).max().unwrap_or(6).max(6);
    out.push_str(&format!("{}  {:<8}  {:>6}  ERROR\n", pad("SOURCE", width), "STATE", "AGE"));
    for (id, e) in &state.sources {
        let st = e.health.state(state.now);
        // A watch that is healthy is live, whenever it last had news.
        let age = match (st, e.health.interval_ms, e.health.last_success) {
            (SourceState::Ok, 0, _) => "live".to_string(),
            (_, _, Some(t)) => format::age(state.now, t),
            (_, _, None) => "—".to_string(),
        };
        let error = match st {
            SourceState::Ok | SourceState::Pending => String::new(),
            _ => one_line(e.health.last_error.as_deref().unwrap_or("")),
        };
        let line =
            format!("{}  {:<8}  {age:>6}  {error}", pad(&state.source_label(id), width), state_word(st));
        out.push_str(line.trim_end());
        out.push('\n');
    }
    if state.is_fleet() {
        out.push_str(&clusters_table(state));
    }
    let problems = &state.triage.problems;
    out.push_str(&format!("\n{} problem{}\n", problems.len(), if problems.len() == 1 { "" } else { "s" }));
    for p in problems {
        let cluster = if state.is_fleet() && !p.cluster.is_empty() {
            format!("[{}] ", clean(p.cluster.as_str()))
        } else {
            String::new()
        };
        let line = format!(
            "{} {:<4}  {:<9}  {cluster}{}  {}",
            p.level.symbol(),
            p.level.word(),
            p.category.label(),
            one_line(&p.subject),
            one_line(&p.detail)
        );
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// One line per cluster, worst first: its problems and what is failing in it.
fn clusters_table(state: &State) -> String {
    use crate::state::fleet_summary::{Freshness, fleet_rows};
    let rows = fleet_rows(state);
    let width = rows.iter().map(|r| r.cluster.as_str().chars().count()).max().unwrap_or(7).max(7);
    let mut out =
        format!("\n{}  CRIT  WARN  PODS FAILING  APPS OUT OF SYNC  ALERTS  STATE\n", pad("CLUSTER", width));
    for r in rows {
        let fresh = match &r.freshness {
            Freshness::Live { .. } => "live".to_string(),
            Freshness::Loading => "loading".to_string(),
            Freshness::Lazy => "watched once opened".to_string(),
            Freshness::Stale { since } => {
                format!("stale {}", since.map(|t| format::age(state.now, t)).unwrap_or_default())
            }
            Freshness::Error { source, error, .. } => format!("{source}: {}", one_line(error)),
        };
        let line = format!(
            "{}  {:>4}  {:>4}  {:>12}  {:>16}  {:>6}  {fresh}",
            pad(&clean(r.cluster.as_str()), width),
            r.critical,
            r.warning,
            r.pods_failing,
            r.apps_out_of_sync,
            r.alerts_firing
        );
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn state_word(s: SourceState) -> &'static str {
    match s {
        SourceState::Pending => "pending",
        SourceState::Ok => "ok",
        SourceState::Error => "error",
        SourceState::Stale => "stale",
        SourceState::Disabled => "disabled",
    }
}

/// Cluster text on one line of a terminal: control characters shown, not obeyed.
fn one_line(s: &str) -> String {
    clean(&s.replace('\n', " ")).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::SourceId;
    use crate::state::{Message, PaneId, update};

    #[test]
    fn the_table_names_each_source_its_state_age_and_error_and_each_problem() {
        let mut s = State::new("shop-dev", 1_800_000_000_000);
        let reg = |id: &str, interval_ms| Message::Register {
            source: id.parse::<SourceId>().unwrap(),
            interval_ms,
            feeds: vec![PaneId::Pods],
        };
        update(&mut s, reg("kube/pods", 0));
        update(&mut s, reg("alertmanager/prod", 15_000));
        let at = s.now - 5_000;
        update(
            &mut s,
            Message::Data {
                source: "kube/pods".parse::<SourceId>().unwrap(),
                at,
                data: crate::state::Data::Events(vec![]),
            },
        );
        let error = "unauthorized (401)\n\x1b[31mretrying".to_string();
        update(
            &mut s,
            Message::Failed { source: "alertmanager/prod".parse::<SourceId>().unwrap(), at, error },
        );
        s.finish_batch();
        let table = to_table(&s);
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines[2], "SOURCE             STATE        AGE  ERROR", "{table}");
        assert_eq!(
            lines[3], "alertmanager/prod  error          —  unauthorized (401) ␛[31mretrying",
            "{table}"
        );
        assert_eq!(lines[4], "kube/pods          ok          live", "{table}");
        // The failing source is a problem of its own.
        assert_eq!(lines[6], "1 problem", "{table}");
        assert!(lines[7].starts_with("✖ crit  source") && lines[7].contains("alertmanager/prod"), "{table}");
        assert!(!table.contains('\x1b'), "{table}");
    }
}
