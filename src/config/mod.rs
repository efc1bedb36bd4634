//! The config file, themes and keymaps: where they live, how they load, and errors that name
//! the file, the line and the expected form. Built-in defaults are embedded in the binary.

pub mod clusters;
pub mod commands;
pub mod contrast;
pub mod errors;
pub mod history;
pub mod init;
pub mod keymap;
pub mod paths;
pub mod safety;
pub mod sources;
pub mod theme;

use std::path::{Path, PathBuf};

use serde::Deserialize;

pub use errors::FileError;
pub use history::HistoryConfig;
pub use keymap::Keymap;
pub use theme::Theme;

/// The commented default config, printed by `flightdeck config default`.
pub const DEFAULT_CONFIG: &str = include_str!("default_config.toml");

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Hide and refuse every action that changes the platform.
    pub readonly: bool,
    pub ui: UiConfig,
    pub demo: DemoConfig,
    pub kubernetes: KubernetesConfig,
    pub safety: safety::SafetyConfig,
    /// Per-context settings, by context name.
    pub contexts: std::collections::BTreeMap<String, safety::ContextConfig>,
    /// `[[cluster]]`: the fleet, each a kubeconfig context watched at once.
    pub cluster: Vec<clusters::ClusterConfig>,
    /// `[[alertmanager]]`, any number.
    pub alertmanager: Vec<sources::AlertmanagerConfig>,
    pub alerts: sources::AlertsConfig,
    pub aws: sources::AwsConfig,
    pub cloudwatch: sources::CloudWatchConfig,
    pub eks: sources::EksConfig,
    pub cost: sources::CostConfig,
    pub argocd: sources::ArgocdConfig,
    pub history: history::HistoryConfig,
    /// `[[command]]`: user commands bound to keys (k9s's plugins).
    pub command: Vec<commands::UserCommand>,
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct UiConfig {
    pub theme: String,
    pub keymap: String,
}

impl Default for UiConfig {
    fn default() -> Self {
        UiConfig { theme: "default".into(), keymap: "default".into() }
    }
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct DemoConfig {
    pub seed: u64,
    pub speed: f64,
}

impl Default for DemoConfig {
    fn default() -> Self {
        DemoConfig { seed: 7, speed: 1.0 }
    }
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct KubernetesConfig {
    /// The kubeconfig context to show; the kubeconfig's current context when unset.
    pub context: Option<String>,
}

/// Where the config came from, for `config path` and error messages.
#[derive(Clone, Debug, PartialEq)]
pub enum ConfigSource {
    Flag(PathBuf),
    Env(PathBuf),
    Default(PathBuf),
    /// No config directory could be determined (no HOME).
    None,
}

impl ConfigSource {
    pub fn path(&self) -> Option<&Path> {
        match self {
            ConfigSource::Flag(p) | ConfigSource::Env(p) | ConfigSource::Default(p) => Some(p),
            ConfigSource::None => None,
        }
    }

    /// `--config` beats `FLIGHTDECK_CONFIG` beats `$XDG_CONFIG_HOME/flightdeck/config.toml`.
    pub fn resolve(flag: Option<&Path>) -> ConfigSource {
        if let Some(p) = flag {
            return ConfigSource::Flag(p.to_path_buf());
        }
        if let Some(p) = std::env::var_os("FLIGHTDECK_CONFIG").filter(|v| !v.is_empty()) {
            return ConfigSource::Env(PathBuf::from(p));
        }
        paths::config_dir().map_or(ConfigSource::None, |d| ConfigSource::Default(d.join("config.toml")))
    }
}

impl Config {
    pub fn parse(path: &Path, text: &str) -> Result<Config, FileError> {
        let cfg: Config = toml::from_str(text).map_err(|e| FileError::from_toml(path, text, &e))?;
        if !(cfg.demo.speed > 0.0 && cfg.demo.speed <= 1000.0) {
            let offset = text.find("speed").unwrap_or(0);
            return Err(FileError::at(
                path,
                text,
                offset,
                "`demo.speed` must be a number above 0 and at most 1000",
            ));
        }
        if cfg.argocd.mode == sources::ArgocdMode::Api {
            let offset = text.find("[argocd]").unwrap_or(0);
            if cfg.argocd.server.is_none() {
                return Err(FileError::at(path, text, offset, "`argocd.mode = \"api\"` needs `server`"));
            }
            if cfg.argocd.token_env.is_none() && cfg.argocd.token_file.is_none() {
                let msg =
                    "`argocd.mode = \"api\"` needs `token_env` or `token_file` (never the token itself)";
                return Err(FileError::at(path, text, offset, msg));
            }
        }
        commands::check(path, text, &cfg.command)?;
        if !matches!(cfg.cost.metric.as_str(), "UnblendedCost" | "AmortizedCost" | "NetUnblendedCost") {
            let offset = text.find("metric").unwrap_or(0);
            return Err(FileError::at(
                path,
                text,
                offset,
                format!(
                    "`cost.metric` `{}`: expected UnblendedCost, AmortizedCost or NetUnblendedCost",
                    cfg.cost.metric
                ),
            ));
        }
        if let Some(bad) = cfg
            .cloudwatch
            .severity_rules
            .iter()
            .map(|r| r.severity.as_str())
            .chain([cfg.cloudwatch.default_severity.as_str()])
            .find(|s| !matches!(*s, "critical" | "warning" | "info" | "none"))
        {
            let offset = text.find(&format!("\"{bad}\"")).unwrap_or(0);
            return Err(FileError::at(
                path,
                text,
                offset,
                format!("severity `{bad}`: expected one of critical, warning, info, none"),
            ));
        }
        Ok(cfg)
    }

    /// Load the config. A missing default file is fine (built-in defaults); a missing file named
    /// by flag or env var is an error, because the user asked for it.
    pub fn load(source: &ConfigSource) -> anyhow::Result<Config> {
        let Some(path) = source.path() else { return Ok(Config::default()) };
        match std::fs::read_to_string(path) {
            Ok(text) => Ok(Config::parse(path, &text)?),
            Err(e)
                if e.kind() == std::io::ErrorKind::NotFound && matches!(source, ConfigSource::Default(_)) =>
            {
                Ok(Config::default())
            }
            Err(e) => Err(anyhow::anyhow!("{}: cannot read config: {e}", path.display())),
        }
    }

    /// The theme named in config: a file in the config dir's themes/ wins over a built-in one.
    /// The theme for `context`: its own when the config sets one, else `[ui] theme`.
    pub fn theme(&self, config_dir: Option<&Path>, context: &str) -> anyhow::Result<Theme> {
        let name = self.contexts.get(context).and_then(|c| c.theme.as_deref()).unwrap_or(&self.ui.theme);
        load_theme(config_dir, name)
    }

    pub fn safety(&self) -> safety::Safety {
        safety::Safety { production: self.safety.production.clone(), contexts: self.contexts.clone() }
    }

    /// The keymap: the built-in default, patched by keymaps/NAME.toml from the config dir.
    pub fn keymap(&self, config_dir: Option<&Path>) -> anyhow::Result<Keymap> {
        let base = Keymap::default_keymap();
        let parse = |path: &Path, text: &str| Keymap::parse(path, text, Some(&base));
        let mut k =
            user_or_builtin(config_dir, "keymap", &self.ui.keymap, keymap::BUILTIN, parse, Keymap::builtin)?;
        commands::bind(&mut k, &self.command);
        Ok(k)
    }
}

/// A theme by name: `<config dir>/themes/NAME.toml` over the default, else a built-in one.
pub fn load_theme(config_dir: Option<&Path>, name: &str) -> anyhow::Result<Theme> {
    let base = Theme::default_theme();
    let parse = |path: &Path, text: &str| Theme::parse(path, text, Some(&base));
    user_or_builtin(config_dir, "theme", name, theme::BUILTIN, parse, Theme::builtin)
}

/// `<config dir>/<kind>s/<name>.toml` when it exists, parsed over the defaults; otherwise the
/// built-in `name`, or an error listing the built-in ones.
fn user_or_builtin<T>(
    config_dir: Option<&Path>,
    kind: &str,
    name: &str,
    builtin_names: &[(&str, &str)],
    parse: impl Fn(&Path, &str) -> Result<T, FileError>,
    builtin: impl Fn(&str) -> Option<T>,
) -> anyhow::Result<T> {
    if let Some(path) = config_dir.map(|d| d.join(format!("{kind}s")).join(format!("{name}.toml")))
        && path.exists()
    {
        let text = std::fs::read_to_string(&path)?;
        return Ok(parse(&path, &text)?);
    }
    builtin(name).ok_or_else(|| {
        let names: Vec<&str> = builtin_names.iter().map(|(n, _)| *n).collect();
        let hint = errors::closest(name, names.iter().copied()).map(|h| format!(" (did you mean `{h}`?)"));
        anyhow::anyhow!(
            "unknown {kind} `{name}`{}; built-in {kind}s: {}",
            hint.unwrap_or_default(),
            names.join(", ")
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_printed_default_config_parses_to_the_defaults() {
        let cfg = Config::parse(Path::new("default.toml"), DEFAULT_CONFIG).unwrap();
        assert_eq!(cfg, Config::default());
    }

    #[test]
    fn unknown_key_names_file_line_and_the_expected_keys() {
        let text = "[ui]\ntheme = \"default\"\nthme = \"x\"\n";
        let err = Config::parse(Path::new("/etc/fd.toml"), text).unwrap_err();
        assert_eq!(err.line, 3);
        assert!(err.message.contains("unknown field `thme`"), "{err}");
        assert!(err.message.contains("theme"), "{err}");
        assert!(err.to_string().starts_with("/etc/fd.toml:3:"), "{err}");
    }

    #[test]
    fn argocd_api_mode_needs_a_server_and_a_token_source() {
        let text = "readonly = false\n[argocd]\nmode = \"api\"\ntoken_env = \"T\"\n";
        let err = Config::parse(Path::new("c.toml"), text).unwrap_err();
        assert_eq!(err.line, 2);
        assert!(err.message.contains("needs `server`"), "{err}");
        let text = "[argocd]\nmode = \"api\"\nserver = \"https://argocd.example.com\"\n";
        let err = Config::parse(Path::new("c.toml"), text).unwrap_err();
        assert!(err.message.contains("`token_env` or `token_file`"), "{err}");
        let err = Config::parse(Path::new("c.toml"), "[argocd]\nmode = \"rest\"\n").unwrap_err();
        assert_eq!(err.line, 2);
        assert!(err.message.contains("kubernetes") && err.message.contains("api"), "{err}");
        let ok = "[argocd]\nmode = \"api\"\nserver = \"https://a\"\ntoken_file = \"/run/t\"\nnamespaces = [\"*\"]\n";
        let cfg = Config::parse(Path::new("c.toml"), ok).unwrap();
        assert_eq!(cfg.argocd.namespaces, ["*"]);
        assert!(!cfg.argocd.insecure);
    }

    #[test]
    fn wrong_type_names_the_expected_form() {
        let err = Config::parse(Path::new("c.toml"), "[demo]\nseed = \"seven\"\n").unwrap_err();
        assert_eq!(err.line, 2);
        assert!(err.message.contains("expected u64"), "{err}");
    }

    #[test]
    fn production_patterns_and_per_context_settings() {
        let text = "[safety]\nproduction = [\"prod-*\"]\n[contexts.\"shop-dev\"]\nreadonly = true\ntheme = \"light\"\n";
        let cfg = Config::parse(Path::new("c.toml"), text).unwrap();
        let s = cfg.safety();
        assert!(s.is_production("prod-eu") && !s.is_production("shop-prod"));
        assert!(s.readonly("shop-dev"));
        assert_eq!(cfg.theme(None, "shop-dev").unwrap().name, "light");
        assert_eq!(cfg.theme(None, "shop-prod").unwrap().name, "default");
        let err = Config::parse(Path::new("c.toml"), "[contexts.x]\nreadonyl = true\n").unwrap_err();
        assert_eq!(err.line, 2);
        assert!(err.message.contains("readonly"), "{err}");
    }

    #[test]
    fn speed_must_be_positive() {
        let err = Config::parse(Path::new("c.toml"), "[demo]\nspeed = 0.0\n").unwrap_err();
        assert_eq!(err.line, 2);
    }
}
