//! The command line: the console by default, plus `status`, `snapshot`, `config` and `keys`.
//! Resolves flags and the config file into settings, then hands over.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::app::{self, Settings};
use crate::config::{Config, ConfigSource, paths};
use crate::headless;
use crate::headless::snapshot::{Format, PaneArg};
use crate::sources::identity;

#[derive(Parser, Debug)]
#[command(
    name = "flightdeck",
    version,
    about = "A terminal control console for a cloud-native platform on AWS"
)]
pub struct Cli {
    #[command(flatten)]
    pub common: Common,
    #[command(subcommand)]
    pub command: Option<Cmd>,
}

#[derive(Args, Debug, Clone)]
pub struct Common {
    /// Run on the embedded demo platform (no cloud account needed).
    #[arg(long, global = true)]
    pub demo: bool,
    /// Config file (default: $XDG_CONFIG_HOME/flightdeck/config.toml; env FLIGHTDECK_CONFIG).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Seed of the demo world: the same seed gives the same world.
    #[arg(long, global = true, value_name = "N")]
    pub seed: Option<u64>,
    /// Demo speed: simulated seconds per real second.
    #[arg(long, global = true, value_name = "F")]
    pub speed: Option<f64>,
    /// Hide and refuse every action that changes the platform.
    #[arg(long, global = true)]
    pub readonly: bool,
    /// Kubernetes context to watch; repeat it to watch several clusters at once.
    #[arg(long, global = true, value_name = "NAME")]
    pub context: Vec<String>,
    /// Watch every kubeconfig context matching this pattern (`*` matches anything), at once.
    #[arg(long, global = true, value_name = "GLOB", conflicts_with = "all_contexts")]
    pub contexts: Option<String>,
    /// Watch every context of the kubeconfig at once.
    #[arg(long, global = true)]
    pub all_contexts: bool,
    /// Kubeconfig file (default: $KUBECONFIG, else ~/.kube/config).
    #[arg(long, global = true, value_name = "FILE")]
    pub kubeconfig: Option<PathBuf>,
    /// Show one namespace (default: the context's namespace, else all).
    #[arg(short = 'n', long, global = true, value_name = "NS", conflicts_with = "all_namespaces")]
    pub namespace: Option<String>,
    /// Show every namespace.
    #[arg(short = 'A', long, global = true)]
    pub all_namespaces: bool,
    /// Colour theme (default, light, high-contrast, colour-blind-safe, terminal, or a user one).
    #[arg(long, global = true, value_name = "NAME")]
    pub theme: Option<String>,
}

#[derive(Subcommand, Debug)]
pub enum Cmd {
    /// Poll every configured source once and print each source's state and the problems.
    Status {
        /// Print the store as JSON instead of a table.
        #[arg(long)]
        json: bool,
        /// Give up on sources that have not answered after this many seconds.
        #[arg(long, default_value_t = 20.0, value_name = "S")]
        timeout: f64,
    },
    /// Render a pane without a terminal, to text, SVG or HTML.
    Snapshot {
        #[arg(long, value_enum, default_value_t = PaneArg::Overview)]
        pane: PaneArg,
        /// Width x height in cells.
        #[arg(long, default_value = "160x48", value_parser = parse_size)]
        size: (u16, u16),
        #[arg(long, value_enum, default_value_t = Format::Txt)]
        format: Format,
        /// Write here instead of standard output.
        #[arg(short = 'o', long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Demo only: simulated seconds after the start.
        #[arg(long, default_value_t = 0, value_name = "SECONDS")]
        at: u64,
        /// Give up on sources that have not answered after this many seconds.
        #[arg(long, default_value_t = 20.0, value_name = "S")]
        timeout: f64,
    },
    /// Print the local history: what flightdeck saw (syncs, rollouts, scaling, nodes, events,
    /// alerts, alarms, actions), oldest first.
    History {
        /// How far back: 30m, 2h, 7d.
        #[arg(long, default_value = "2h", value_parser = parse_since)]
        since: i64,
        /// Only this cluster (Kubernetes context).
        #[arg(long, value_name = "NAME")]
        cluster: Option<String>,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Write the hand-off report (Markdown and HTML): the problems, the timeline since
    /// `--since`, the actions taken and the silences made; prints the paths.
    Report {
        #[arg(long, default_value = "1h", value_parser = parse_since)]
        since: i64,
        /// Write the Markdown here (and the HTML beside it) instead of the state dir's reports/.
        #[arg(short = 'o', long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Give up on sources that have not answered after this many seconds.
        #[arg(long, default_value_t = 20.0, value_name = "S")]
        timeout: f64,
    },
    /// Where the config is, or the commented default config.
    Config {
        #[command(subcommand)]
        what: ConfigCmd,
    },
    /// List every action and navigation command a keymap can bind.
    Keys,
}

#[derive(Subcommand, Debug)]
pub enum ConfigCmd {
    /// Print the path of the config file in use.
    Path,
    /// Print the commented default config.
    Default,
    /// Write a commented config from what is detected (the kubeconfig's contexts, an EKS
    /// context's AWS profile and region, the Alertmanager and Argo CD found in the cluster) to
    /// the config path; never over a file already there.
    Init,
}

/// A window back from now, in milliseconds: "30m", "2h", "7d".
fn parse_since(s: &str) -> Result<i64, String> {
    let d = humantime::parse_duration(s).map_err(|e| format!("`{s}`: {e}; expected e.g. 2h or 30m"))?;
    Ok(d.as_millis() as i64)
}

fn parse_size(s: &str) -> Result<(u16, u16), String> {
    let (w, h) = s.split_once(['x', 'X']).ok_or("expected WIDTHxHEIGHT, e.g. 160x48")?;
    let w: u16 = w.parse().map_err(|_| format!("`{w}` is not a width"))?;
    let h: u16 = h.parse().map_err(|_| format!("`{h}` is not a height"))?;
    if !(20..=1000).contains(&w) || !(8..=500).contains(&h) {
        return Err("size must be between 20x8 and 1000x500".into());
    }
    Ok((w, h))
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("flightdeck: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let source = ConfigSource::resolve(cli.common.config.as_deref());
    match &cli.command {
        Some(Cmd::Config { what: ConfigCmd::Path }) => {
            match source.path() {
                Some(p) => println!("{}", p.display()),
                None => anyhow::bail!("no config directory (HOME is not set); use --config FILE"),
            }
            return Ok(ExitCode::SUCCESS);
        }
        Some(Cmd::Config { what: ConfigCmd::Default }) => {
            print!("{}", crate::config::DEFAULT_CONFIG);
            return Ok(ExitCode::SUCCESS);
        }
        Some(Cmd::Config { what: ConfigCmd::Init }) => {
            let Some(path) = source.path() else {
                anyhow::bail!("no config directory (HOME is not set); use --config FILE");
            };
            let context = cli.common.context.first().map(String::as_str);
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
            rt.block_on(headless::init::run(path, cli.common.kubeconfig.as_deref(), context))?;
            println!("{}", path.display());
            return Ok(ExitCode::SUCCESS);
        }
        Some(Cmd::Keys) => {
            print!("{}", headless::keys::listing());
            return Ok(ExitCode::SUCCESS);
        }
        _ => {}
    }
    let config = Config::load(&source)?;
    let mut settings = settings(&cli.common, &config)?;
    let _log = init_logging();
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    user_from_aws(&mut settings, &rt);
    match cli.command {
        None => {
            rt.block_on(app::run(settings))?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Cmd::Status { json, timeout }) => rt.block_on(headless::status::run(&settings, timeout, json)),
        Some(Cmd::Snapshot { pane, size, format, output, at, timeout }) => {
            let req = headless::snapshot::Request { pane, size, format, output, at, timeout };
            rt.block_on(headless::snapshot::run(&settings, &req))
        }
        Some(Cmd::History { since, cluster, json }) => {
            headless::history::run(&settings, since, cluster.as_deref(), json)
        }
        Some(Cmd::Report { since, output, timeout }) => {
            rt.block_on(headless::report::run(&settings, since, output, timeout))
        }
        Some(Cmd::Config { .. }) | Some(Cmd::Keys) => unreachable!("handled above"),
    }
}

fn settings(common: &Common, config: &Config) -> anyhow::Result<Settings> {
    let config_dir = paths::config_dir();
    let speed = common.speed.unwrap_or(config.demo.speed);
    if !(speed > 0.0 && speed <= 1000.0) {
        anyhow::bail!("--speed must be above 0 and at most 1000, not {speed}");
    }
    let context = match common.context.as_slice() {
        [one] => Some(one.clone()),
        _ => config.kubernetes.context.clone(),
    };
    let contexts = context_choice(common, config);
    let user = identity::local(common.kubeconfig.as_deref(), context.as_deref());
    // The demo's context is known before it starts; a real one once the kubeconfig is read.
    let shown = context.clone().or_else(|| common.demo.then(|| crate::sources::demo::CONTEXT.to_string()));
    Ok(Settings {
        demo: common.demo,
        seed: common.seed.unwrap_or(config.demo.seed),
        speed,
        readonly: common.readonly || config.readonly,
        kubeconfig: common.kubeconfig.clone(),
        scope: match (&common.namespace, common.all_namespaces) {
            (Some(ns), _) => Some(crate::domain::Scope::Namespace(ns.clone())),
            (None, true) => Some(crate::domain::Scope::All),
            (None, false) => None,
        },
        context,
        theme: match &common.theme {
            Some(name) => crate::config::load_theme(config_dir.as_deref(), name)?,
            None => config.theme(config_dir.as_deref(), shown.as_deref().unwrap_or_default())?,
        },
        default_theme: common.theme.is_none().then(|| config.ui.theme.clone()),
        keymap: config.keymap(config_dir.as_deref())?,
        audit_path: paths::state_dir().map(|d| d.join("audit.jsonl")),
        state_dir: paths::state_dir(),
        history: config.history.clone(),
        safety: config.safety(),
        contexts,
        clusters: config.cluster.clone(),
        cluster_label: config.alerts.cluster_label.clone(),
        config_dir: config_dir.clone(),
        // Empty until the AWS identity is asked (`run`), when nothing nearer names the user.
        user: config.alerts.created_by.clone().or(user).unwrap_or_default(),
        alertmanagers: config.alertmanager.clone(),
        discover_alertmanager: config.alerts.discover,
        aws: config.aws.clone(),
        cloudwatch: config.cloudwatch.clone(),
        eks: config.eks.clone(),
        cost: config.cost.clone(),
        argocd: config.argocd.clone(),
        cache_dir: paths::cache_dir(),
    })
}

/// Which contexts to watch: several `--context`, `--contexts GLOB`, `--all-contexts`, else
/// the config's `[[cluster]]` list, else one (`--context NAME` or the current one).
fn context_choice(common: &Common, config: &Config) -> crate::config::clusters::ContextChoice {
    use crate::config::clusters::ContextChoice;
    if common.all_contexts {
        ContextChoice::All
    } else if let Some(g) = &common.contexts {
        ContextChoice::Glob(g.clone())
    } else if common.context.len() > 1 {
        ContextChoice::Named(common.context.clone())
    } else if common.context.is_empty() && !config.cluster.is_empty() {
        ContextChoice::Named(config.cluster.iter().map(|c| c.context.clone()).collect())
    } else {
        ContextChoice::Current
    }
}

/// The user's name from AWS (STS) when neither the environment nor the kubeconfig gives one.
fn user_from_aws(settings: &mut Settings, rt: &tokio::runtime::Runtime) {
    if !settings.user.is_empty() {
        return;
    }
    let aws = match settings.demo {
        true => None,
        false => {
            let eks = crate::sources::kube::eks_context(
                settings.kubeconfig.as_deref(),
                settings.context.as_deref(),
            );
            Some(app::aws_start::fill(&settings.aws, eks.as_ref()))
        }
    };
    let found = aws.and_then(|aws| rt.block_on(identity::aws(&aws)));
    settings.user = found.unwrap_or_else(|| identity::UNKNOWN.to_string());
}

/// Logs go to a file in the state dir, never to the screen. Returns the guard that flushes it.
/// Log lines queued for the writer thread before new ones are dropped.
const LOG_LINES: usize = 4_096;

fn init_logging() -> Option<tracing_appender::non_blocking::WorkerGuard> {
    let dir = paths::state_dir()?;
    std::fs::create_dir_all(&dir).ok()?;
    let appender = tracing_appender::rolling::never(&dir, "flightdeck.log");
    // The default queue is 128,000 lines allocated up front (4 MB); the log is quiet.
    let (writer, guard) = tracing_appender::non_blocking::NonBlockingBuilder::default()
        .buffered_lines_limit(LOG_LINES)
        .finish(appender);
    let filter = tracing_subscriber::EnvFilter::try_from_env("FLIGHTDECK_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt().with_env_filter(filter).with_writer(writer).with_ansi(false).try_init().ok()?;
    Some(guard)
}
