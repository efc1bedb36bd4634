//! The object view's screen as plain lines (as `pod_text` does for pods): identity, what owns
//! the object and what it owns (lines Enter follows), a Secret's keys, its events, then its
//! YAML without managedFields. A Secret's values are shown only when decoded, and never logged.

use base64::Engine;
use serde_json::Value;

use super::object_view::Link;
use super::pod_text::{LABEL, TextLine, Tone};
use super::{Level, State};
use crate::domain::format;
use crate::domain::resource::Known;
use crate::domain::text::clean;

const LABEL_WIDTH: usize = 15;

fn field(name: &str, value: &str, tone: Tone) -> TextLine {
    TextLine(vec![(LABEL, format!("{name:<LABEL_WIDTH$}")), (tone, clean(value).into_owned())])
}

/// The lines, and which of them open another object.
pub struct ObjectText {
    pub lines: Vec<TextLine>,
    pub links: Vec<(usize, Link)>,
}

impl ObjectText {
    pub fn link_at(&self, line: usize) -> Option<&Link> {
        self.links.iter().find(|(i, _)| *i == line).map(|(_, l)| l)
    }

    pub fn plain(&self) -> Vec<String> {
        self.lines.iter().map(TextLine::plain).collect()
    }
}

fn secret(state: &State) -> bool {
    state.view.object.as_ref().is_some_and(|o| o.object.kind.known() == Some(Known::Secret))
}

fn decoded(state: &State) -> bool {
    state.view.object.as_ref().is_some_and(|o| o.decoded)
}

pub fn text(state: &State) -> ObjectText {
    let mut out = ObjectText { lines: Vec::new(), links: Vec::new() };
    let data = &state.object_data;
    let l = &mut out.lines;
    if let Some(e) = &data.error {
        l.push(field("Error", e, Tone::Level(Level::Crit)));
    }
    if data.gone {
        l.push(field("Deleted", "the object is gone; this is what it was last", Tone::Level(Level::Warn)));
    }
    let Some(obj) = &data.object else {
        if data.error.is_none() {
            l.push(TextLine::one(LABEL, "reading the object…"));
        }
        return out;
    };
    identity(l, obj, state.now);
    let owners = data.owners();
    links(&mut out, "Controlled By / Owners", &owners, "  none");
    // A Service owns nothing; what it selects is what it sends to.
    let owns = if obj["kind"] == "Service" { "Selects" } else { "Owns" };
    links(&mut out, owns, &data.owned, "  nothing found");
    let l = &mut out.lines;
    if secret(state) {
        secret_keys(l, obj, decoded(state));
    }
    events(l, state);
    l.push(TextLine::default());
    l.push(TextLine::one(Tone::Heading, "YAML"));
    l.extend(yaml_lines(&yaml(obj, secret(state), decoded(state))));
    out
}

fn identity(l: &mut Vec<TextLine>, obj: &Value, now: i64) {
    let meta = &obj["metadata"];
    let s = |v: &Value| v.as_str().unwrap_or("").to_string();
    l.push(field("Name", &s(&meta["name"]), Tone::Title));
    if let Some(ns) = meta["namespace"].as_str() {
        l.push(field("Namespace", ns, Tone::Text));
    }
    l.push(field("Kind", &format!("{} ({})", s(&obj["kind"]), s(&obj["apiVersion"])), Tone::Text));
    if let Some(t) = meta["creationTimestamp"].as_str().and_then(crate::domain::format::parse_rfc3339) {
        l.push(field("Created", &format!("{} ago", format::age(now, t)), Tone::Text));
    }
    if let Some(t) = meta["deletionTimestamp"].as_str().and_then(crate::domain::format::parse_rfc3339) {
        l.push(field("Deleting", &format!("since {} ago", format::age(now, t)), Tone::Level(Level::Warn)));
    }
    for (name, key) in [("Labels", "labels"), ("Annotations", "annotations")] {
        let Some(m) = meta[key].as_object().filter(|m| !m.is_empty()) else { continue };
        let pairs: Vec<String> = m
            .iter()
            // last-applied-configuration repeats the whole object (a Secret's data with it).
            .filter(|(k, _)| k.as_str() != "kubectl.kubernetes.io/last-applied-configuration")
            .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or("")))
            .collect();
        if !pairs.is_empty() {
            l.push(field(name, &pairs.join(" "), Tone::Text));
        }
    }
    if let Some(st) = status_summary(obj) {
        l.push(field("Status", &st.0, Tone::Level(st.1)));
    }
}

/// A word on the object's status where its kind has a common shape: replicas, a phase, a
/// Ready condition.
fn status_summary(obj: &Value) -> Option<(String, Level)> {
    let st = &obj["status"];
    if let (Some(want), Some(have)) = (obj["spec"]["replicas"].as_i64(), st.get("replicas")) {
        let ready = st["readyReplicas"].as_i64().unwrap_or(0);
        let level = if ready < want { Level::Warn } else { Level::Ok };
        let _ = have;
        return Some((format!("{ready}/{want} ready"), level));
    }
    if let Some(p) = st["phase"].as_str() {
        let level = match p {
            "Running" | "Active" | "Bound" | "Succeeded" => Level::Ok,
            "Pending" => Level::Warn,
            "Failed" | "Lost" => Level::Crit,
            _ => Level::Muted,
        };
        return Some((p.to_string(), level));
    }
    let ready = st["conditions"].as_array()?.iter().find(|c| c["type"] == "Ready")?;
    let ok = ready["status"] == "True";
    let why = ready["reason"].as_str().unwrap_or("");
    Some((
        format!("Ready {} {why}", ready["status"].as_str().unwrap_or("")),
        if ok { Level::Ok } else { Level::Warn },
    ))
}

fn links(out: &mut ObjectText, title: &str, list: &[Link], none: &str) {
    out.lines.push(TextLine::default());
    out.lines.push(TextLine::one(Tone::Heading, title));
    if list.is_empty() {
        out.lines.push(TextLine::one(LABEL, none));
    }
    for link in list {
        let ns = link.namespace.as_ref().map(|n| format!("{n}/")).unwrap_or_default();
        out.links.push((out.lines.len(), link.clone()));
        out.lines.push(TextLine(vec![
            (Tone::Level(Level::Accent), "  ▸ ".to_string()),
            (Tone::Text, format!("{:<22}", clean(&link.kind))),
            (Tone::Title, clean(&format!("{ns}{}", link.name)).into_owned()),
            (LABEL, format!("  {}", clean(&link.summary))),
        ]));
    }
}

fn secret_keys(l: &mut Vec<TextLine>, obj: &Value, decoded: bool) {
    l.push(TextLine::default());
    let hint = if decoded { "Data (decoded; x hides the values)" } else { "Data (x decodes the values)" };
    l.push(TextLine::one(Tone::Heading, hint));
    let Some(data) = obj["data"].as_object().filter(|d| !d.is_empty()) else {
        l.push(TextLine::one(LABEL, "  no keys"));
        return;
    };
    for (k, v) in data {
        let bytes = decode(v);
        let shown = match (&bytes, decoded) {
            (Some(b), true) => shown_value(b),
            (Some(b), false) => format!("{} bytes", b.len()),
            (None, _) => "not base64".to_string(),
        };
        l.push(TextLine(vec![
            (Tone::Level(Level::Accent), format!("  {}: ", clean(k))),
            (Tone::Text, clean(&shown).into_owned()),
        ]));
    }
}

fn decode(v: &Value) -> Option<Vec<u8>> {
    base64::engine::general_purpose::STANDARD.decode(v.as_str()?).ok()
}

/// A decoded value as text, or a word on it when it is not text.
fn shown_value(b: &[u8]) -> String {
    match std::str::from_utf8(b) {
        Ok(t) if !t.contains('\0') => t.to_string(),
        _ => format!("<binary, {} bytes>", b.len()),
    }
}

fn events(l: &mut Vec<TextLine>, state: &State) {
    l.push(TextLine::default());
    l.push(TextLine::one(Tone::Heading, "Events"));
    let evs = &state.object_data.events;
    if evs.is_empty() {
        l.push(TextLine::one(LABEL, "  none (the API server keeps events for an hour)"));
    }
    for e in evs {
        let level = if e.warning { Level::Warn } else { Level::Ok };
        let count = if e.count > 1 { format!(" ×{}", e.count) } else { String::new() };
        l.push(TextLine(vec![
            (LABEL, format!("  {:>8}  ", format::age(state.now, e.at))),
            (Tone::Level(level), format!("{}{count}  ", clean(&e.reason))),
            (Tone::Text, clean(&e.message).into_owned()),
        ]));
    }
}

/// The object as YAML, managedFields left out; a Secret's values masked unless decoded (then
/// shown as `stringData`, readable), and its last-applied annotation, which repeats them, hidden.
pub fn yaml(obj: &Value, secret: bool, decoded: bool) -> String {
    let mut o = obj.clone();
    if let Some(m) = o.get_mut("metadata").and_then(Value::as_object_mut) {
        m.remove("managedFields");
    }
    if secret {
        // `pointer_mut`, not indexing: indexing a missing key would add it as null.
        if let Some(a) = o.pointer_mut("/metadata/annotations").and_then(Value::as_object_mut)
            && a.contains_key("kubectl.kubernetes.io/last-applied-configuration")
        {
            a.insert(
                "kubectl.kubernetes.io/last-applied-configuration".into(),
                "<hidden: it holds the data>".into(),
            );
        }
        if let Some(data) = o.get_mut("data").and_then(Value::as_object_mut) {
            for v in data.values_mut() {
                let bytes = decode(v).unwrap_or_default();
                *v = if decoded {
                    shown_value(&bytes).into()
                } else {
                    format!("<{} bytes>", bytes.len()).into()
                };
            }
        }
    }
    serde_saphyr::to_string(&o).unwrap_or_else(|e| format!("# the object could not be shown as YAML: {e}\n"))
}

fn yaml_lines(text: &str) -> Vec<TextLine> {
    text.lines()
        .map(|line| {
            let c = clean(line).into_owned();
            match c.find(": ").or_else(|| c.strip_suffix(':').map(str::len)) {
                Some(i) => {
                    let (k, v) = c.split_at(i);
                    TextLine(vec![
                        (Tone::Level(Level::Accent), format!("  {k}")),
                        (Tone::Text, v.to_string()),
                    ])
                }
                None => TextLine::one(Tone::Text, format!("  {c}")),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_secrets_values_show_only_decoded_and_last_applied_is_hidden() {
        let s = json!({"apiVersion": "v1", "kind": "Secret",
            "metadata": {"name": "db", "managedFields": [{"manager": "kubectl"}],
                "annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{\"data\":{\"password\":\"czNjcjN0\"}}"}},
            "data": {"password": "czNjcjN0"}});
        let masked = yaml(&s, true, false);
        assert!(masked.contains("password: <6 bytes>") && !masked.contains("czNjcjN0"), "{masked}");
        assert!(!masked.contains("managedFields"));
        let shown = yaml(&s, true, true);
        assert!(shown.contains("password: s3cr3t"), "{shown}");
        assert!(!shown.contains("czNjcjN0"), "last-applied would give the value away: {shown}");
        let cm = yaml(&s, false, false);
        assert!(cm.contains("czNjcjN0"), "only Secrets are masked");
    }
}
