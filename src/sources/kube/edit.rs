//! Editing an object as `kubectl edit` does: the file the editor opens (kubectl's header, and
//! when reopened the API's answer at the top as comments), what was saved read back, and the
//! change as a JSON merge patch carrying the resourceVersion the object was read at, so a change
//! made meanwhile is refused (409) instead of overwritten. Nothing changed, nothing sent.

use kube::api::{Patch, PatchParams, ValidationDirective};
use serde_json::{Map, Value};

use super::object_watch::{dyn_api, plain};
use super::{Connection, client_error};
use crate::domain::ObjectRef;
use crate::domain::target::EditedObject;

const HEADER: &str = "# Please edit the object below. Lines beginning with a '#' will be ignored,
# and an empty file will abort the edit. If an error occurs while saving this file will be
# reopened with the relevant failures.
#
";

/// The object as the editor shows it: YAML, managedFields left out (as kubectl edit does).
pub fn yaml(object: &Value) -> String {
    let mut o = object.clone();
    if let Some(m) = o["metadata"].as_object_mut() {
        m.remove("managedFields");
    }
    serde_saphyr::to_string(&o).unwrap_or_default()
}

/// The file the editor opens: the header, the refusal when reopened, then the YAML.
pub fn file_text(body: &str, error: Option<&str>) -> String {
    let mut out = HEADER.to_string();
    if let Some(e) = error {
        out.push_str("# The API server refused the last save:\n");
        for l in e.lines() {
            out.push_str(&format!("# {l}\n"));
        }
        out.push_str("#\n");
    }
    out.push_str(body);
    out
}

/// The file without its comment lines.
pub fn strip_comments(text: &str) -> String {
    text.lines().filter(|l| !l.trim_start().starts_with('#')).map(|l| format!("{l}\n")).collect()
}

/// What the user saved.
#[derive(Debug, PartialEq)]
pub enum Saved {
    /// The same text: nothing to send (kubectl: "Edit cancelled, no changes made.").
    Unchanged,
    /// An empty file aborts the edit.
    Empty,
    /// Not YAML, or a field that may not change: the editor opens again with why.
    Invalid(String),
    /// A change: the merge patch (the resourceVersion added when sent) and how many lines changed.
    Changed { patch: Value, changed_lines: usize },
}

/// Read back a save of `body` (the YAML written) against the object it was read from.
pub fn read_saved(original: &Value, body: &str, saved: &str) -> Saved {
    let saved = strip_comments(saved);
    if saved.trim().is_empty() {
        return Saved::Empty;
    }
    if saved.trim() == body.trim() {
        return Saved::Unchanged;
    }
    let edited: Value = match serde_saphyr::from_str(&saved) {
        Ok(v) => v,
        Err(e) => return Saved::Invalid(format!("error parsing the edited file: {e}")),
    };
    for (what, path) in
        [("apiVersion", "/apiVersion"), ("kind", "/kind"), ("metadata.name", "/metadata/name")]
    {
        if original.pointer(path) != edited.pointer(path) {
            return Saved::Invalid(format!("{what} may not be changed"));
        }
    }
    let mut base = original.clone();
    if let Some(m) = base["metadata"].as_object_mut() {
        m.remove("managedFields");
    }
    let patch = merge_patch(&base, &edited);
    if patch.as_object().is_some_and(Map::is_empty) {
        return Saved::Unchanged;
    }
    Saved::Changed { patch, changed_lines: changed_lines(body, &saved) }
}

/// The RFC 7386 merge patch that turns `a` into `b`: changed fields, removed ones as null.
pub fn merge_patch(a: &Value, b: &Value) -> Value {
    match (a, b) {
        (Value::Object(a), Value::Object(b)) => {
            let mut out = Map::new();
            for (k, bv) in b {
                match a.get(k) {
                    Some(av) if av == bv => {}
                    Some(av @ Value::Object(_)) if bv.is_object() => {
                        out.insert(k.clone(), merge_patch(av, bv));
                    }
                    _ => {
                        out.insert(k.clone(), bv.clone());
                    }
                }
            }
            for k in a.keys().filter(|k| !b.contains_key(*k)) {
                out.insert(k.clone(), Value::Null);
            }
            Value::Object(out)
        }
        (_, b) => b.clone(),
    }
}

/// Lines of `b` not in `a` plus lines of `a` not in `b`, counted once each.
fn changed_lines(a: &str, b: &str) -> usize {
    let mut left: Vec<&str> = a.lines().collect();
    let mut added = 0;
    for l in b.lines() {
        match left.iter().position(|x| *x == l) {
            Some(i) => {
                left.remove(i);
            }
            None => added += 1,
        }
    }
    added.max(left.len())
}

/// The object as it is now.
pub async fn read(conn: &Connection, object: &ObjectRef) -> Result<Value, String> {
    let api = dyn_api(conn.client.clone(), &object.kind, object.namespace.as_deref());
    api.get(&object.name).await.map(|o| plain(&o, &object.kind)).map_err(|e| client_error(&e))
}

/// Why the server refused an edit.
#[derive(Debug)]
pub struct Refused {
    pub message: String,
    /// A conflict (409) or an invalid object (400, 422): the editor opens again.
    pub reopen: bool,
}

/// Send the edit: the merge patch with the resourceVersion it was read at, strict field
/// validation (an unknown field is refused, not dropped), flightdeck as the field manager.
pub async fn send(conn: &Connection, e: &EditedObject) -> Result<String, Refused> {
    let mut patch: Value =
        serde_json::from_str(&e.patch).map_err(|x| Refused { message: x.to_string(), reopen: false })?;
    patch["metadata"]["resourceVersion"] = Value::String(e.resource_version.clone());
    let o = &e.object;
    let api = dyn_api(conn.client.clone(), &o.kind, o.namespace.as_deref());
    let pp = PatchParams {
        field_manager: Some(super::actions::FIELD_MANAGER.into()),
        field_validation: Some(ValidationDirective::Strict),
        ..PatchParams::default()
    };
    match api.patch(&o.name, &pp, &Patch::Merge(&patch)).await {
        Ok(_) => Ok(format!("{} edited", o.kubectl_name())),
        Err(err) => {
            let code = match &err {
                kube::Error::Api(s) => s.code,
                _ => 0,
            };
            Err(Refused { message: client_error(&err), reopen: matches!(code, 400 | 409 | 422) })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn cm() -> Value {
        json!({"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "cfg", "namespace": "ns", "resourceVersion": "7",
                         "managedFields": [{"manager": "kubectl"}]},
            "data": {"LOG_LEVEL": "info", "OLD": "x"}})
    }

    #[test]
    fn a_save_reads_back_as_a_merge_patch_or_nothing() {
        let body = yaml(&cm());
        assert!(!body.contains("managedFields"));
        let file = file_text(&body, Some("Invalid value: 3"));
        assert!(file.contains("# Invalid value: 3"));
        assert_eq!(read_saved(&cm(), &body, &file), Saved::Unchanged);
        assert_eq!(read_saved(&cm(), &body, "# only comments\n"), Saved::Empty);
        let saved = body.replace("LOG_LEVEL: info", "LOG_LEVEL: debug").replace("  OLD: x\n", "");
        let Saved::Changed { patch, changed_lines } = read_saved(&cm(), &body, &saved) else { panic!() };
        assert_eq!(patch, json!({"data": {"LOG_LEVEL": "debug", "OLD": null}}));
        assert_eq!(changed_lines, 2);
        let renamed = body.replace("name: cfg", "name: other");
        assert_eq!(
            read_saved(&cm(), &body, &renamed),
            Saved::Invalid("metadata.name may not be changed".into())
        );
        assert!(matches!(read_saved(&cm(), &body, "data: [unclosed"), Saved::Invalid(_)));
    }
}
