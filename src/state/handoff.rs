//! The hand-off report for the incident ticket: the problem, what links to it, the suspects,
//! its timeline window, the actions taken and the silences made, as Markdown and as HTML from
//! one document. Pure text from the store; writing the files is the app's.

use super::timeline::focus::Focus;
use super::timeline::{Entry, Kind};
use super::triage::Problem;
use super::{State, UnixMs};
use crate::domain::Report;
use crate::domain::text::clean;

/// What the report covers: one problem and its focus, or every problem since a time.
pub struct Scope<'a> {
    pub problem: Option<&'a Problem>,
    pub focus: Option<&'a Focus>,
    /// The window's start when there is no focus (`report --since`).
    pub since: UnixMs,
}

enum Block {
    Heading(u8, String),
    Para(String),
    List(Vec<String>),
    Table(Vec<&'static str>, Vec<Vec<String>>),
}

/// "2026-11-18 14:01:25 UTC".
pub fn utc(ms: UnixMs) -> String {
    let t = std::time::UNIX_EPOCH + std::time::Duration::from_millis(ms.max(0) as u64);
    let s = humantime::format_rfc3339_seconds(t).to_string();
    format!("{} UTC", s.trim_end_matches('Z').replace('T', " "))
}

/// The report for `scope`, named for its problem and the time.
pub fn report(state: &State, scope: &Scope) -> Report {
    let blocks = document(state, scope);
    let subject = scope.problem.map_or("platform".to_string(), |p| p.subject.clone());
    let slug: String = subject
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '-' { c.to_ascii_lowercase() } else { '-' })
        .collect::<String>()
        .split('-')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    let stamp: String = utc(state.now).chars().filter(|c| c.is_ascii_digit()).take(14).collect();
    let stamp = format!("{}-{}", &stamp[..8.min(stamp.len())], &stamp[8.min(stamp.len())..]);
    let title = format!("Incident hand-off: {}", clean(&subject));
    Report {
        name: format!("incident-{stamp}-{}", &slug[..slug.len().min(48)]),
        markdown: markdown(&blocks),
        html: html(&title, &blocks),
    }
}

fn document(state: &State, scope: &Scope) -> Vec<Block> {
    let from = scope.focus.map_or(scope.since, |f| f.from);
    let subject = scope.problem.map_or("the platform".to_string(), |p| p.subject.clone());
    let mut out = vec![
        Block::Heading(1, format!("Incident hand-off: {subject}")),
        Block::Para(format!(
            "Written by flightdeck for {} at {}, context {}. Times are UTC; the window runs from {}.",
            if state.user.is_empty() { "the on-call engineer" } else { &state.user },
            utc(state.now),
            state.context,
            utc(from)
        )),
    ];
    match scope.problem {
        Some(p) => problem_blocks(p, scope.focus, &mut out),
        None => every_problem(state, &mut out),
    }
    let entries: Vec<&Entry> = state
        .timeline
        .newest_first()
        .filter(|e| e.at >= from && scope.focus.is_none_or(|f| f.shows(e)))
        .collect();
    if let Some(f) = scope.focus {
        let suspects = f.suspects(entries.iter().copied());
        out.push(Block::Heading(2, "Suspects".into()));
        out.push(Block::Para(format!(
            "Changes before the first symptom ({}), the same app or workload first, then the closest.",
            utc(f.first_symptom)
        )));
        if suspects.is_empty() {
            out.push(Block::Para("No change was seen before it.".into()));
        } else {
            out.push(Block::List(suspects.iter().take(10).map(|e| line(e)).collect()));
        }
    }
    out.push(Block::Heading(2, "Timeline".into()));
    let rows: Vec<Vec<String>> = entries.iter().map(|e| row(e)).collect();
    if rows.is_empty() {
        out.push(Block::Para("Nothing was recorded in the window.".into()));
    } else {
        out.push(Block::Table(vec!["time", "cluster", "kind", "subject", "what"], rows));
    }
    out.push(Block::Heading(2, "Actions taken".into()));
    let actions: Vec<String> =
        entries.iter().rev().filter(|e| e.kind == Kind::Action).map(|e| line(e)).collect();
    out.push(if actions.is_empty() {
        Block::Para("None from flightdeck.".into())
    } else {
        Block::List(actions)
    });
    silence_blocks(state, from, &mut out);
    out
}

/// The silences created in the window.
fn silence_blocks(state: &State, from: UnixMs, out: &mut Vec<Block>) {
    out.push(Block::Heading(2, "Silences made".into()));
    let silences: Vec<String> = state
        .alerts
        .silences
        .iter()
        .filter(|s| s.starts_at >= from)
        .map(|s| {
            let matchers = crate::domain::silence::format_matchers(&s.matchers);
            format!(
                "{} · {{{matchers}}} until {} by {} ({}): {}",
                s.id,
                utc(s.ends_at),
                s.created_by,
                s.state.label(),
                s.comment
            )
        })
        .collect();
    out.push(if silences.is_empty() { Block::Para("None.".into()) } else { Block::List(silences) });
}

/// Without one problem in focus: every problem triage ranks now.
fn every_problem(state: &State, out: &mut Vec<Block>) {
    out.push(Block::Heading(2, "Problems now".into()));
    let rows = state
        .triage
        .problems
        .iter()
        .map(|p| {
            let since = p.since.map_or("—".to_string(), utc);
            vec![p.level.word().into(), p.category.label().into(), p.subject.clone(), p.detail.clone(), since]
        })
        .collect::<Vec<_>>();
    if rows.is_empty() {
        out.push(Block::Para("Nothing needs attention.".into()));
    } else {
        out.push(Block::Table(vec!["level", "kind", "problem", "what", "since"], rows));
    }
}

fn problem_blocks(p: &Problem, focus: Option<&Focus>, out: &mut Vec<Block>) {
    out.push(Block::Heading(2, "The problem".into()));
    let mut facts = vec![
        format!("{} {} · {}: {}", p.level.word(), p.category.label(), p.subject, p.detail),
        format!("Since {}", p.since.map_or("—".to_string(), utc)),
    ];
    if let Some(f) = focus {
        facts.push(format!("First symptom {}", utc(f.first_symptom)));
    }
    out.push(Block::List(facts));
    if !p.links.is_empty() {
        out.push(Block::Heading(2, "Linked".into()));
        let rows = p.links.iter().map(|l| vec![l.kind.clone(), l.name.clone(), l.state.clone()]).collect();
        out.push(Block::Table(vec!["kind", "name", "state"], rows));
    }
}

fn line(e: &Entry) -> String {
    format!("{} · {} · {} · {}", utc(e.at), e.kind.label(), e.subject.label(), e.what)
}

fn row(e: &Entry) -> Vec<String> {
    vec![utc(e.at), e.cluster.to_string(), e.kind.label().into(), e.subject.label(), e.what.clone()]
}

/// Cluster text in a Markdown table cell or line: shown, never obeyed or taken as markup.
fn md_text(s: &str) -> String {
    clean(&s.replace('\n', " ")).replace('|', "\\|").replace('<', "&lt;")
}

fn markdown(blocks: &[Block]) -> String {
    let mut out = String::new();
    for b in blocks {
        match b {
            Block::Heading(n, t) => out.push_str(&format!("{} {}\n\n", "#".repeat(*n as usize), md_text(t))),
            Block::Para(t) => out.push_str(&format!("{}\n\n", md_text(t))),
            Block::List(items) => {
                for i in items {
                    out.push_str(&format!("- {}\n", md_text(i)));
                }
                out.push('\n');
            }
            Block::Table(head, rows) => {
                out.push_str(&format!("| {} |\n", head.join(" | ")));
                out.push_str(&format!("|{}\n", "---|".repeat(head.len())));
                for r in rows {
                    let cells: Vec<String> = r.iter().map(|c| md_text(c)).collect();
                    out.push_str(&format!("| {} |\n", cells.join(" | ")));
                }
                out.push('\n');
            }
        }
    }
    out
}

fn esc(s: &str) -> String {
    clean(s).replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn html(title: &str, blocks: &[Block]) -> String {
    let mut out = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n\
         <style>body{{font-family:sans-serif;max-width:70em;margin:2em auto}}\
         table{{border-collapse:collapse}}td,th{{border:1px solid #ccc;padding:.2em .5em;text-align:left}}</style>\n\
         </head>\n<body>\n",
        esc(title)
    );
    for b in blocks {
        match b {
            Block::Heading(n, t) => out.push_str(&format!("<h{n}>{}</h{n}>\n", esc(t))),
            Block::Para(t) => out.push_str(&format!("<p>{}</p>\n", esc(t))),
            Block::List(items) => {
                out.push_str("<ul>\n");
                for i in items {
                    out.push_str(&format!("<li>{}</li>\n", esc(i)));
                }
                out.push_str("</ul>\n");
            }
            Block::Table(head, rows) => {
                out.push_str("<table>\n<tr>");
                for h in head {
                    out.push_str(&format!("<th>{}</th>", esc(h)));
                }
                out.push_str("</tr>\n");
                for r in rows {
                    out.push_str("<tr>");
                    for c in r {
                        out.push_str(&format!("<td>{}</td>", esc(c)));
                    }
                    out.push_str("</tr>\n");
                }
                out.push_str("</table>\n");
            }
        }
    }
    out.push_str("</body>\n</html>\n");
    out
}
