//! The command line. Doc comments here are the `--help` text.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// Turn one YAML profile into the Terraform and Bicep of a hardened Azure Machine Learning
/// landing zone, with every Well-Architected recommendation applied by default.
///
/// A profile names the project, environment, regions, network, compute, access and waivers;
/// everything else (private endpoints, customer-managed keys, policies, monitoring) follows
/// from it. Start with `mlzone init`, check with `mlzone validate`, look with `mlzone plan`.
///
/// Exit codes: 0 success, 1 drift (`diff`), 2 usage error, 3 invalid profile, 4 other failure.
#[derive(Debug, Parser)]
#[command(name = "mlzone", version, max_term_width = 100, after_long_help = PROFILE_HELP)]
pub struct Cli {
    /// When to colour diagnostics.
    #[arg(long, global = true, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// A profile in brief, shown by `mlzone --help`.
const PROFILE_HELP: &str = "\
A profile, in brief (`mlzone schema` has every field and its documentation):

  version: 1
  project: fraud-detection          # 2-20 lowercase letters, digits, single hyphens
  environment: prod                 # dev | test | prod
  extends: ../profiles/baseline.yaml  # optional golden profile: maps merge, lists replace
  regions: {primary: westeurope}    # prod: secondary is the pair, unless REL-07 is waived
  network:
    mode: managed                   # managed (approved outbound only) | customer
    address_space: 10.40.0.0/22
    outbound:                       # managed mode: each rule has exactly one destination
      - {name: pypi, fqdn: pypi.org}
      - {name: aad, service_tag: AzureActiveDirectory}
  compute:
    clusters:
      - {name: train, sku: Standard_NC24ads_A100_v4, purpose: training, max_nodes: 4}
    instances:
      - {name: alice-dev, sku: Standard_D4_v5, user_object_id: <guid>, idle_shutdown: PT30M}
  access:
    - {group_object_id: <guid>, role: data_scientist}   # data_scientist | compute_operator | reader
  waivers:                          # REL-07: no secondary region (a single-region pilot)
    - {id: REL-07, reason: single-region pilot, expires: 2027-03-31}

Everything else (private endpoints, customer-managed keys, policies, monitoring) is on by
default. `mlzone recommendations` lists what a waiver can turn off.";

/// Colour choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Color {
    /// Colour when stderr is a terminal.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write a starter `profile.yaml` (and its JSON Schema) from a golden profile.
    ///
    /// Never overwrites: if `profile.yaml` or `profile.schema.json` exists in DIR, nothing is
    /// written. Edit the project name, regions and access, then run `mlzone validate`.
    ///
    /// Exit 2 for a bad argument (a project name, an `--extends` path that is missing or not a
    /// YAML mapping), 3 when the `--extends` file does not read as a profile (a YAML error,
    /// keys no profile has), 4 when a file cannot be read or written.
    Init(InitArgs),
    /// Check profiles and report every problem at once, with file:line:col and a hint.
    ///
    /// Exit 0 when all profiles are valid (warnings do not fail), 3 when any is invalid, 4 when
    /// one cannot be read.
    Validate(ValidateArgs),
    /// Render the landing zone's Terraform and Bicep into DIR (default: `infra/` beside the
    /// profile). Everything is rendered before anything is written; a failure leaves DIR as it
    /// was. Files mlzone did not write, or that were edited by hand, and a directory another
    /// profile or project generated, are never overwritten without `--force`; files the profile
    /// no longer produces are removed.
    ///
    /// Several profiles are generated in one process, each as its own transaction; one that
    /// fails does not stop the others. Exit 3 if any profile is invalid, else 4 if any other
    /// failed, else 0.
    Generate(GenerateArgs),
    /// Compare DIR with what the profile renders now: exit 0 when identical, 1 on drift.
    ///
    /// Prints the security-relevant settings that changed (old → new, the recommendation, and
    /// whether it weakens or strengthens), missing and extra files, and a unified diff. Use it
    /// in CI to fail when committed infrastructure code is stale.
    ///
    /// Several profiles (`mlzone diff */profile.yaml`) are compared in one process, each under
    /// a `== PROFILE` heading, with a closing count. Exit 3 if any profile is invalid, else 4 if
    /// any other failed, else 1 if any drifted, else 0.
    Diff(DiffArgs),
    /// Show the resolved plan: names, address ranges, DNS zones, policies, and what became
    /// of every recommendation (applied where, waived why, or advisory).
    Plan(PlanArgs),
    /// List the recommendation catalog: every Well-Architected recommendation for Azure ML.
    Recommendations(RecommendationsArgs),
    /// Print the profile's JSON Schema (for editors and CI).
    Schema,
    /// Print a shell completion script, e.g. `mlzone completions bash > /etc/bash_completion.d/mlzone`.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
}

/// Arguments of `init`.
#[derive(Debug, clap::Args)]
pub struct InitArgs {
    /// Golden profile to start from: its text is copied into the new profile.
    #[arg(long, value_name = "NAME", default_value = "baseline", value_parser = crate::golden::names())]
    pub from: String,
    /// Instead of copying a golden profile, extend the one at PATH (your platform team's):
    /// the new profile holds only `extends`, `project` and `access`. PATH is written as given,
    /// relative to the new profile.
    #[arg(long, value_name = "PATH", conflicts_with = "from")]
    pub extends: Option<String>,
    /// Project name (lowercase letters, digits and single `-`, 2 to 20 characters). Default: derived
    /// from the directory's name.
    #[arg(long, value_name = "NAME")]
    pub project: Option<String>,
    /// Directory to write into.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
}

/// Arguments of `validate`.
#[derive(Debug, clap::Args)]
pub struct ValidateArgs {
    /// Profiles to check.
    #[arg(required = true, value_name = "PROFILE")]
    pub profiles: Vec<PathBuf>,
    /// Print the diagnostics as JSON on stdout.
    #[arg(long)]
    pub json: bool,
    /// The day to judge by.
    #[command(flatten)]
    pub today: Today,
}

/// The day waivers and VM retirements are judged as of: for the commands that judge them.
#[derive(Debug, clap::Args)]
pub struct Today {
    /// Judge waiver expiry and VM retirement as of this date instead of today (YYYY-MM-DD).
    /// Default: `MLZONE_TODAY` when set, else today (UTC).
    #[arg(long = "today", value_name = "DATE", value_parser = parse_date)]
    pub date: Option<jiff::civil::Date>,
}

/// What to render and where: shared by `generate` and `diff`.
#[derive(Debug, clap::Args)]
pub struct Target {
    /// The profiles. Several (a fleet) run in one process on `--jobs` threads, each with its
    /// output in `infra/` beside it, reported in the order given.
    #[arg(required = true, value_name = "PROFILE")]
    pub profiles: Vec<PathBuf>,
    /// Output directory; `terraform/`, `bicep/` and `COMPLIANCE.md` go inside it.
    /// Default: `infra/` beside the profile. Only with a single profile.
    #[arg(short, long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Formats to render, overriding the profile's `outputs`.
    #[arg(long, value_enum, value_delimiter = ',', value_name = "FORMAT")]
    pub format: Vec<Format>,
    /// A directory of templates laid over the embedded ones, file by file
    /// (`terraform/backend.tf.tera` adds a file, `terraform/main.tf.tera` replaces one).
    /// Overrides the profile's `templates:`.
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
    /// Profiles to work on at once, 1 or more (default: one per core).
    #[arg(short, long, value_name = "N", value_parser = parse_jobs)]
    pub jobs: Option<std::num::NonZeroUsize>,
}

/// Arguments of `generate`.
#[derive(Debug, clap::Args)]
pub struct GenerateArgs {
    /// What to render and where.
    #[command(flatten)]
    pub target: Target,
    /// Overwrite files mlzone did not write or that were edited by hand, and the output of
    /// another profile or project (whose manifest records another profile path or project).
    #[arg(long)]
    pub force: bool,
    /// The day to judge by.
    #[command(flatten)]
    pub today: Today,
}

/// Arguments of `diff`.
#[derive(Debug, clap::Args)]
pub struct DiffArgs {
    /// What to render and where to compare.
    #[command(flatten)]
    pub target: Target,
    /// Print the drift as JSON.
    #[arg(long)]
    pub json: bool,
    /// The day to judge by.
    #[command(flatten)]
    pub today: Today,
}

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Terraform (azurerm 5.x).
    Terraform,
    /// Bicep.
    Bicep,
}

/// Arguments of `plan`.
#[derive(Debug, clap::Args)]
pub struct PlanArgs {
    /// The profile.
    #[arg(value_name = "PROFILE")]
    pub profile: PathBuf,
    /// Print the whole plan as JSON.
    #[arg(long)]
    pub json: bool,
    /// Show the names a deployment into this subscription (ID) gets, with the suffix the
    /// Terraform and the Bicep compute from it.
    #[arg(long, value_name = "ID")]
    pub subscription: Option<String>,
    /// The day to judge by.
    #[command(flatten)]
    pub today: Today,
}

/// Arguments of `recommendations`.
#[derive(Debug, clap::Args)]
pub struct RecommendationsArgs {
    /// Print the catalog as JSON.
    #[arg(long)]
    pub json: bool,
}

impl Cli {
    /// A usage error clap cannot see: `--out` with several profiles, whose outputs would land
    /// in one directory, or two profiles that `generate` would write to the same `infra/`.
    pub fn conflict(&self) -> Option<clap::Error> {
        let (target, writes, name) = match &self.command {
            Command::Generate(args) => (&args.target, true, "generate"),
            Command::Diff(args) => (&args.target, false, "diff"),
            _ => return None,
        };
        let message = if target.out.is_some() && target.profiles.len() > 1 {
            "`--out` takes a single profile; with several, each writes to `infra/` beside itself"
                .to_owned()
        } else if writes {
            shared_output(&target.profiles)?
        } else {
            return None;
        };
        Some(usage_error(
            name,
            clap::error::ErrorKind::ArgumentConflict,
            message,
        ))
    }
}

/// A usage error of subcommand `name`, shown with that subcommand's usage (`mlzone diff ...`),
/// as clap shows its own.
pub(crate) fn usage_error(
    name: &str,
    kind: clap::error::ErrorKind,
    message: impl std::fmt::Display,
) -> clap::Error {
    let mut command = <Cli as clap::CommandFactory>::command();
    // Building names each subcommand `mlzone NAME` in its usage line.
    command.build();
    match command.find_subcommand_mut(name) {
        Some(sub) => sub.error(kind, message),
        None => command.error(kind, message),
    }
}

/// Two profiles in one directory would both be generated into its `infra/`.
fn shared_output(profiles: &[PathBuf]) -> Option<String> {
    let mut seen = std::collections::BTreeMap::new();
    for profile in profiles {
        // The same file may be named two ways (`a/./p.yaml`); a missing one fails later.
        let file = std::fs::canonicalize(profile).unwrap_or_else(|_| profile.clone());
        let dir = file
            .parent()
            .map(std::path::Path::to_path_buf)
            .unwrap_or_default();
        if let Some(first) = seen.insert(dir, profile) {
            return Some(format!(
                "`{}` and `{}` would both be generated into `{}`; give each profile its own \
                 directory",
                first.display(),
                profile.display(),
                profile
                    .parent()
                    .unwrap_or(std::path::Path::new(""))
                    .join("infra")
                    .display()
            ));
        }
    }
    None
}

fn parse_date(text: &str) -> Result<jiff::civil::Date, String> {
    crate::values::date(text)
}

fn parse_jobs(text: &str) -> Result<std::num::NonZeroUsize, String> {
    match text.parse::<usize>() {
        Ok(n) => std::num::NonZeroUsize::new(n).ok_or_else(|| {
            "give 1 or more profiles at once, or leave `--jobs` out for one per core".to_owned()
        }),
        Err(_) => Err(format!("`{text}` is not a whole number")),
    }
}

impl Command {
    /// The subcommand's name, as typed.
    pub fn name(&self) -> &'static str {
        match self {
            Command::Init(_) => "init",
            Command::Validate(_) => "validate",
            Command::Generate(_) => "generate",
            Command::Diff(_) => "diff",
            Command::Plan(_) => "plan",
            Command::Recommendations(_) => "recommendations",
            Command::Schema => "schema",
            Command::Completions { .. } => "completions",
        }
    }

    /// The `--today` of a command that judges waivers and VM retirements; `None` for the others.
    pub fn today(&self) -> Option<&Today> {
        match self {
            Command::Validate(args) => Some(&args.today),
            Command::Generate(args) => Some(&args.today),
            Command::Diff(args) => Some(&args.today),
            Command::Plan(args) => Some(&args.today),
            _ => None,
        }
    }
}
