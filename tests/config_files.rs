//! The shipped keymap and theme files all load, and broken ones (tests/fixtures) are reported
//! with their file, line and the closest valid name, every mistake in a file at once, the first
//! by line leading. Each fixture's first line says what its first error must contain
//! (`# expect: line N, TEXT`), and `# also: line N, TEXT` lines name the others.

use std::path::{Path, PathBuf};

use flightdeck::config::{Keymap, Theme};

fn files(dir: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut out: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    out.sort();
    assert!(!out.is_empty(), "no files in {}", dir.display());
    out
}

#[test]
fn every_shipped_keymap_and_theme_loads() {
    let base_keys = Keymap::default_keymap();
    for p in files("keymaps") {
        let text = std::fs::read_to_string(&p).unwrap();
        Keymap::parse(&p, &text, Some(&base_keys)).unwrap_or_else(|e| panic!("{e}"));
        let name = p.file_stem().unwrap().to_str().unwrap();
        assert!(Keymap::builtin(name).is_some(), "{name} is not built in");
    }
    let base = Theme::default_theme();
    for p in files("themes") {
        let text = std::fs::read_to_string(&p).unwrap();
        Theme::parse(&p, &text, Some(&base)).unwrap_or_else(|e| panic!("{e}"));
        let name = p.file_stem().unwrap().to_str().unwrap();
        assert!(Theme::builtin(name).is_some(), "{name} is not built in");
    }
}

/// (line, text) from a fixture's `# expect: line N, TEXT`.
fn expectation(text: &str) -> (usize, String) {
    let first = text.lines().next().unwrap();
    let rest = first.strip_prefix("# expect: line ").expect("a fixture starts with # expect:");
    let (line, what) = rest.split_once(", ").unwrap();
    (line.parse().unwrap(), what.to_string())
}

/// The further errors a fixture names with `# also: line N, TEXT`, anywhere in it.
fn also(text: &str) -> Vec<(usize, String)> {
    let more = text.lines().filter_map(|l| l.strip_prefix("# also: line "));
    let mut out: Vec<(usize, String)> =
        more.map(|r| r.split_once(", ").map(|(n, w)| (n.parse().unwrap(), w.to_string())).unwrap()).collect();
    out.sort();
    out
}

#[test]
fn broken_fixtures_name_file_line_and_the_closest_name() {
    let base_keys = Keymap::default_keymap();
    let base = Theme::default_theme();
    for (dir, keymap) in [("tests/fixtures/keymaps", true), ("tests/fixtures/themes", false)] {
        for p in files(dir) {
            let text = std::fs::read_to_string(&p).unwrap();
            let (line, what) = expectation(&text);
            let err = if keymap {
                Keymap::parse(&p, &text, Some(&base_keys)).err()
            } else {
                Theme::parse(&p, &text, Some(&base)).err()
            };
            let err = err.unwrap_or_else(|| panic!("{} loaded", p.display()));
            assert_eq!(err.path, p);
            assert_eq!(err.line, line, "{err}");
            assert!(err.message.contains(&what), "{} lacks `{what}`", err);
            assert!(err.to_string().starts_with(&format!("{}:{line}:", p.display())), "{err}");
            // Every other mistake too, in line order.
            let more: Vec<(usize, &str)> = err.more.iter().map(|e| (e.line, e.message.as_str())).collect();
            let want = also(&text);
            assert_eq!(more.len(), want.len(), "{err}");
            for ((got_line, got), (line, what)) in more.iter().zip(&want) {
                assert_eq!(got_line, line, "{err}");
                assert!(got.contains(what.as_str()), "{got} lacks `{what}`");
            }
        }
    }
}
