//! Patch semantics of the API server: JSON merge patch (RFC 7386), strategic merge patch for
//! built-in kinds (lists of named things merge by their key; `$patch: delete` / `replace`),
//! and JSON patch (RFC 6902: add, remove, replace, test).

use serde_json::{Map, Value};

/// RFC 7386: objects merge recursively, null deletes, anything else replaces.
pub fn merge(target: &mut Value, patch: &Value) {
    let Value::Object(p) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    let t = target.as_object_mut().unwrap();
    for (k, v) in p {
        if v.is_null() {
            t.remove(k);
        } else {
            merge(t.entry(k.clone()).or_insert(Value::Null), v);
        }
    }
}

/// The merge key of list fields that merge rather than replace, as in the Kubernetes API's
/// `patchMergeKey` tags (the ones flightdeck's kinds have).
fn merge_key(field: &str) -> Option<&'static str> {
    Some(match field {
        "containers" | "initContainers" | "ephemeralContainers" | "env" | "volumes" | "imagePullSecrets" => {
            "name"
        }
        "volumeMounts" => "mountPath",
        "ports" => "containerPort",
        "conditions" => "type",
        "ownerReferences" => "uid",
        "taints" => "key",
        _ => return None,
    })
}

/// Strategic merge patch.
pub fn strategic(target: &mut Value, patch: &Value) {
    let Value::Object(p) = patch else {
        *target = patch.clone();
        return;
    };
    if p.get("$patch").and_then(Value::as_str) == Some("replace") {
        let mut p = p.clone();
        p.remove("$patch");
        *target = Value::Object(p);
        return;
    }
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    let t = target.as_object_mut().unwrap();
    for (k, v) in p {
        if k.starts_with('$') {
            continue;
        }
        match (v, merge_key(k)) {
            (Value::Null, _) => {
                t.remove(k);
            }
            (Value::Array(items), Some(key)) => {
                let list = t.entry(k.clone()).or_insert(Value::Array(Vec::new()));
                if !list.is_array() {
                    *list = Value::Array(Vec::new());
                }
                let list = list.as_array_mut().unwrap();
                for item in items {
                    let id = &item[key];
                    let pos = list.iter().position(|e| &e[key] == id);
                    let delete = item.get("$patch").and_then(Value::as_str) == Some("delete");
                    match (pos, delete) {
                        (Some(i), true) => {
                            list.remove(i);
                        }
                        (None, true) => {}
                        (Some(i), false) => strategic(&mut list[i], item),
                        (None, false) => list.push(item.clone()),
                    }
                }
            }
            _ => strategic(t.entry(k.clone()).or_insert(Value::Null), v),
        }
    }
}

/// RFC 6902, the operations kubectl and clients send. Errors carry the API server's wording.
pub fn json_patch(target: &mut Value, ops: &Value) -> Result<(), String> {
    let ops = ops.as_array().ok_or("json patch must be an array of operations")?;
    for op in ops {
        let path = op["path"].as_str().ok_or("missing path")?;
        let name = op["op"].as_str().ok_or("missing op")?;
        let (parent_path, last) = path.rsplit_once('/').ok_or_else(|| format!("invalid path {path}"))?;
        let last = last.replace("~1", "/").replace("~0", "~");
        let parent =
            target.pointer_mut(parent_path).ok_or_else(|| format!("doc is missing path: \"{path}\""))?;
        match name {
            "add" | "replace" => {
                let value = op["value"].clone();
                match parent {
                    Value::Object(m) => {
                        if name == "replace" && !m.contains_key(&last) {
                            return Err(format!(
                                "replace operation does not apply: doc is missing key: {path}"
                            ));
                        }
                        m.insert(last, value);
                    }
                    Value::Array(a) if last == "-" => a.push(value),
                    Value::Array(a) => {
                        let i: usize = last.parse().map_err(|_| format!("invalid index in {path}"))?;
                        if name == "replace" {
                            *a.get_mut(i).ok_or("index out of range")? = value;
                        } else if i <= a.len() {
                            a.insert(i, value);
                        } else {
                            return Err("index out of range".into());
                        }
                    }
                    _ => return Err(format!("doc is missing path: \"{path}\"")),
                }
            }
            "remove" => {
                let gone = match parent {
                    Value::Object(m) => m.remove(&last).is_some(),
                    Value::Array(a) => {
                        last.parse::<usize>().ok().filter(|i| *i < a.len()).map(|i| a.remove(i)).is_some()
                    }
                    _ => false,
                };
                if !gone {
                    return Err(format!("remove operation does not apply: doc is missing path: \"{path}\""));
                }
            }
            "test" => {
                if target.pointer(path) != Some(&op["value"]) {
                    return Err(format!("testing value {path} failed"));
                }
            }
            other => return Err(format!("unsupported json patch operation \"{other}\"")),
        }
    }
    Ok(())
}
