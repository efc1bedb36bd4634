//! The direction of imports between the top-level modules, as ARCHITECTURE.md states it: each
//! layer imports only the layers below it, and input reaches neither the sources nor the
//! screen. Read from the source text (every `crate::X` a module names outside its tests), so a
//! new upward import fails here with the file and the line that made it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Bottom first. A module may import any module listed before it, unless `FORBIDDEN` says no.
const LAYERS: &[&str] = &["domain", "state", "config", "sources", "input", "ui", "app", "headless", "cli"];

/// Imports the order would allow but the design does not: keys never do I/O or draw, and panes
/// never know where their data came from.
const FORBIDDEN: &[(&str, &str)] = &[("input", "sources"), ("ui", "sources")];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The module files declared `#[cfg(test)] mod NAME;` (test-only code may reach anywhere).
fn test_only_files(files: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(f).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        for w in lines.windows(2) {
            let decl = w[1].trim().trim_start_matches("pub(crate) ").trim_start_matches("pub ");
            if w[0].trim() == "#[cfg(test)]"
                && let Some(name) = decl.strip_prefix("mod ").and_then(|d| d.strip_suffix(';'))
            {
                // `mod x;` in a/b.rs or a/b/mod.rs lives in a/b/x.rs or a/b/x/mod.rs.
                let stem = f.file_stem().unwrap();
                let dir = if stem == "mod" || stem == "lib" {
                    f.parent().unwrap().to_path_buf()
                } else {
                    f.with_extension("")
                };
                out.push(dir.join(format!("{name}.rs")));
                out.push(dir.join(name).join("mod.rs"));
            }
        }
    }
    out
}

/// The top-level module a file belongs to (`src/ui/panes/pods.rs` → `ui`).
fn layer_of(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).unwrap();
    let first = rel.components().next().unwrap().as_os_str().to_string_lossy().to_string();
    first.trim_end_matches(".rs").to_string()
}

#[test]
fn imports_point_down() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let tests_only = test_only_files(&files);
    let rank: BTreeMap<&str, usize> = LAYERS.iter().enumerate().map(|(i, l)| (*l, i)).collect();
    let mut wrong = Vec::new();
    for file in &files {
        let layer = layer_of(&src, file);
        if matches!(layer.as_str(), "lib" | "main") || tests_only.iter().any(|t| t == file) {
            continue;
        }
        let Some(&from) = rank.get(layer.as_str()) else {
            wrong.push(format!("{}: module `{layer}` is in no layer of LAYERS", file.display()));
            continue;
        };
        let text = std::fs::read_to_string(file).unwrap();
        // An inline `#[cfg(test)] mod tests { … }` ends the file's non-test code here.
        let code = ["\n#[cfg(test)]\nmod tests", "\n#[cfg(test)]\npub(crate) mod tests"]
            .iter()
            .filter_map(|m| text.find(m))
            .min()
            .map_or(text.as_str(), |end| &text[..end]);
        for (n, line) in code.lines().enumerate() {
            // Comments may name any layer; only code imports.
            let mut rest = line.split("//").next().unwrap_or("");
            while let Some(i) = rest.find("crate::") {
                rest = &rest[i + 7..];
                let to: String = rest.chars().take_while(|c| c.is_ascii_lowercase() || *c == '_').collect();
                let Some(&to_rank) = rank.get(to.as_str()) else { continue };
                let forbidden = FORBIDDEN.contains(&(layer.as_str(), to.as_str()));
                if to != layer && (to_rank > from || forbidden) {
                    wrong.push(format!(
                        "{}:{}: {layer} imports {to}: {}",
                        file.display(),
                        n + 1,
                        line.trim()
                    ));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "imports that point up (see ARCHITECTURE.md):\n{}", wrong.join("\n"));
}
