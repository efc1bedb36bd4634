//! The binary's headless commands as a script would use them: status --json, snapshot, config
//! and keys, and a bad config file's error.

use std::process::{Command, Output};

fn flightdeck(args: &[&str], env: &[(&str, &str)]) -> Output {
    let home = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_flightdeck"));
    cmd.args(args)
        .env_remove("FLIGHTDECK_CONFIG")
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("XDG_STATE_HOME", home.path().join("state"))
        .env("XDG_CACHE_HOME", home.path().join("cache"));
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("run flightdeck")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn status_json_on_the_demo_reports_every_source_ok() {
    let out = flightdeck(&["status", "--json", "--demo", "--context", "shop-prod", "--timeout", "10"], &[]);
    assert!(out.status.success(), "exit {:?}: {}", out.status, stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("valid JSON");
    for key in ["clusters", "sources", "infrastructure", "argocd", "pods", "scaling", "alerts", "cost"] {
        assert!(v.get(key).is_some(), "missing top-level key {key}");
    }
    let sources = v["sources"].as_object().unwrap();
    assert_eq!(sources.len(), 6, "{sources:?}");
    for (id, s) in sources {
        assert_eq!(s["state"], "ok", "{id}: {s}");
        assert!(s["updated_at"].as_str().is_some_and(|t| t.ends_with('Z')), "{id}: {s}");
    }
    assert!(v["pods"]["items"].as_array().unwrap().len() >= 100);
    assert_eq!(v["infrastructure"]["clusters"].as_array().unwrap().len(), 2);
    assert!(v["cost"]["report"]["by_service"].as_array().unwrap().len() >= 8);
}

#[test]
fn status_without_json_prints_a_table_of_sources_and_one_line_per_problem() {
    let out = flightdeck(&["status", "--demo", "--context", "shop-prod", "--timeout", "10"], &[]);
    assert!(out.status.success(), "exit {:?}: {}", out.status, stderr(&out));
    let text = stdout(&out);
    assert!(serde_json::from_str::<serde_json::Value>(&text).is_err(), "a table, not JSON: {text}");
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("context shop-prod · "), "{text}");
    assert!(lines[2].starts_with("SOURCE") && lines[2].ends_with("STATE        AGE  ERROR"), "{text}");
    let sources: Vec<&str> = lines[3..].iter().take_while(|l| !l.is_empty()).copied().collect();
    assert_eq!(sources.len(), 6, "{text}");
    assert!(sources.iter().all(|l| l.split_whitespace().nth(1) == Some("ok")), "{text}");
    // The demo is quiet at the start: the table ends with how many problems there are.
    let count = lines.iter().find(|l| l.ends_with("problems") || l.ends_with("problem")).expect("a count");
    let n: usize = count.split_whitespace().next().unwrap().parse().unwrap();
    assert_eq!(lines.len(), 3 + sources.len() + 2 + n, "{text}");
}

#[test]
fn status_on_the_demo_fleet_reports_each_cluster() {
    let out = flightdeck(&["status", "--json", "--demo", "--timeout", "10"], &[]);
    assert!(out.status.success(), "exit {:?}: {}", out.status, stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("valid JSON");
    assert_eq!(v["context"], "all clusters");
    let names: Vec<&str> =
        v["clusters"].as_array().unwrap().iter().map(|c| c["cluster"].as_str().unwrap()).collect();
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(names.contains(&"shop-prod") && names.contains(&"shop-dev"), "{names:?}");
    // shop-dev publishes Kubernetes, Argo CD and Alertmanager; AWS is shop-prod's account.
    let sources = v["sources"].as_object().unwrap();
    assert_eq!(sources.len(), 9, "{sources:?}");
    let dev_pods =
        v["pods"]["items"].as_array().unwrap().iter().filter(|p| p["cluster"] == "shop-dev").count();
    assert!(dev_pods > 10, "{dev_pods}");
    let out = flightdeck(&["status", "--demo", "--timeout", "10"], &[]);
    let text = stdout(&out);
    assert!(text.lines().any(|l| l.starts_with("CLUSTER") && l.contains("CRIT")), "{text}");
    assert!(text.lines().any(|l| l.starts_with("shop-dev")), "{text}");
}

#[test]
fn status_without_any_source_fails_and_says_why() {
    let out = flightdeck(&["status", "--json", "--timeout", "1"], &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("no source is configured"), "{}", stderr(&out));
}

#[test]
fn snapshot_renders_text_svg_and_html() {
    let out =
        flightdeck(&["snapshot", "--demo", "--pane", "overview", "--size", "120x40", "--at", "150"], &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert_eq!(text.lines().count(), 40);
    assert!(text.contains("Argo CD") && text.contains("Cost"), "{text}");

    let dir = tempfile::tempdir().unwrap();
    let svg = dir.path().join("o.svg");
    let out = flightdeck(
        &[
            "snapshot",
            "--demo",
            "--pane",
            "argocd",
            "--format",
            "svg",
            "-o",
            svg.to_str().unwrap(),
            "--at",
            "150",
        ],
        &[],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let svg = std::fs::read_to_string(svg).unwrap();
    assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
    // The theme's crit colour (light-red) is kept for the Degraded app.
    assert!(svg.contains("#f14c4c"), "no crit colour in the SVG");

    let out = flightdeck(&["snapshot", "--demo", "--pane", "cost", "--format", "html"], &[]);
    let html = stdout(&out);
    assert!(html.contains("<pre>") && html.contains("</html>"));
}

#[test]
fn snapshots_are_deterministic_for_a_seed() {
    let a = flightdeck(&["snapshot", "--demo", "--seed", "3", "--at", "200"], &[]);
    let b = flightdeck(&["snapshot", "--demo", "--seed", "3", "--at", "200"], &[]);
    assert_eq!(stdout(&a), stdout(&b));
}

#[test]
fn config_path_default_and_env_override() {
    let out = flightdeck(&["config", "path"], &[]);
    assert!(stdout(&out).trim_end().ends_with("config/flightdeck/config.toml"), "{}", stdout(&out));
    let out = flightdeck(&["config", "path"], &[("FLIGHTDECK_CONFIG", "/tmp/x.toml")]);
    assert_eq!(stdout(&out).trim(), "/tmp/x.toml");
    let out =
        flightdeck(&["--config", "/tmp/y.toml", "config", "path"], &[("FLIGHTDECK_CONFIG", "/tmp/x.toml")]);
    assert_eq!(stdout(&out).trim(), "/tmp/y.toml");
    let out = flightdeck(&["config", "default"], &[]);
    assert!(stdout(&out).contains("[ui]") && stdout(&out).contains("# "), "{}", stdout(&out));
}

#[test]
fn a_bad_config_names_file_line_and_expectation() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    std::fs::write(&path, "readonly = true\n[ui]\ntheme = \"default\"\nkeymapp = \"vim\"\n").unwrap();
    let out = flightdeck(&["status", "--json", "--demo", "--config", path.to_str().unwrap()], &[]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains(&format!("{}:4:", path.display())), "{err}");
    assert!(err.contains("unknown field `keymapp`") && err.contains("`keymap`"), "{err}");
}

#[test]
fn a_bad_user_keymap_is_reported_with_a_suggestion() {
    let home = tempfile::tempdir().unwrap();
    let cfg = home.path().join("config/flightdeck");
    std::fs::create_dir_all(cfg.join("keymaps")).unwrap();
    std::fs::write(cfg.join("config.toml"), "[ui]\nkeymap = \"mine\"\n").unwrap();
    std::fs::write(cfg.join("keymaps/mine.toml"), "[pods]\nx = \"delete-pod\"\n").unwrap();
    let config_home = home.path().join("config");
    let out =
        flightdeck(&["status", "--json", "--demo"], &[("XDG_CONFIG_HOME", config_home.to_str().unwrap())]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("keymaps/mine.toml:2:"), "{err}");
    assert!(err.contains("did you mean `delete_pod`"), "{err}");
}

#[test]
fn keys_lists_every_action() {
    let out = flightdeck(&["keys"], &[]);
    let text = stdout(&out);
    for name in
        ["sync", "refresh", "hard_refresh", "restart", "delete_pod", "cordon", "uncordon", "quit", "help"]
    {
        assert!(text.contains(name), "{name} missing:\n{text}");
    }
}

#[test]
fn triage_snapshot_themes_and_production_from_the_config() {
    let out = flightdeck(&["snapshot", "--demo", "--pane", "triage", "--size", "120x30", "--at", "150"], &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("Triage") && text.contains("HighErrorRate"), "{text}");
    // The default config calls *prod* contexts production: the demo's shop-prod gets the banner.
    assert!(text.lines().next().unwrap().contains("PRODUCTION"), "{text}");

    let out = flightdeck(
        &["snapshot", "--demo", "--theme", "light", "--format", "svg", "--size", "80x24", "--at", "150"],
        &[],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("theme light") && stdout(&out).contains("#ffffff"));
    let out = flightdeck(&["snapshot", "--demo", "--theme", "lihgt"], &[]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("unknown theme `lihgt`") && stderr(&out).contains("light"),
        "{}",
        stderr(&out)
    );

    // A config that names no production pattern and makes shop-prod read-only.
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("c.toml");
    std::fs::write(&cfg, "[safety]\nproduction = []\n[contexts.\"shop-prod\"]\nreadonly = true\n").unwrap();
    let out = flightdeck(
        &["snapshot", "--demo", "--config", cfg.to_str().unwrap(), "--size", "120x30", "--at", "150"],
        &[],
    );
    let first = stdout(&out).lines().next().unwrap_or_default().to_string();
    assert!(!first.contains("PRODUCTION") && first.contains("READ-ONLY"), "{first}");
}
