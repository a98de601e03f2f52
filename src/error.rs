//! Failures that are not problems with a profile's content: I/O and refusals. Profile problems
//! are `Diagnostic`s, carried here as `Invalid` so one place maps everything to an exit code.

use std::path::PathBuf;

use crate::diagnostic::Report;

/// Exit code of a valid run (or, for `diff`, no drift).
pub const EXIT_OK: u8 = 0;
/// Exit code of `diff` when the generated files drifted.
pub const EXIT_DRIFT: u8 = 1;
/// Exit code of a usage error (clap's own).
pub const EXIT_USAGE: u8 = 2;
/// Exit code of an invalid profile.
pub const EXIT_INVALID: u8 = 3;
/// Exit code of any other failure: I/O, template errors.
pub const EXIT_FAILURE: u8 = 4;

/// Everything that can stop a command.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file could not be read.
    #[error("cannot read `{}`: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A file could not be written.
    #[error("cannot write `{}`: {source}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// `init` found a file where it would write.
    #[error("`{}` already exists; `mlzone init` never overwrites a file", path.display())]
    InitExists {
        /// The existing file.
        path: PathBuf,
    },
    /// `generate` would overwrite or remove a file it must not touch.
    #[error("refusing to touch `{}`: it {reason}", path.display())]
    Refused {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// `generate` would overwrite or remove several files it must not touch: each is named,
    /// one line each.
    #[error("{}", refusals.iter().map(|(path, reason)| format!("refusing to touch `{}`: it {reason}", path.display())).collect::<Vec<_>>().join("\nerror: "))]
    RefusedAll {
        /// Each file, with why.
        refusals: Vec<(PathBuf, String)>,
    },
    /// `generate` would write one zone's files over another's: the manifest in the output
    /// directory records another profile or project.
    #[error(
        "`{}` holds the files of another profile: its manifest records `{recorded}`{}, this run is `{profile}` (project `{project}`), both relative to `{}`\nhelp: check `-o DIR`; to replace that zone's files with this profile's, pass `--force`",
        out.display(),
        recorded_project.as_ref().map(|p| format!(" (project `{p}`)")).unwrap_or_default(),
        out.display()
    )]
    OtherProfile {
        /// The output directory.
        out: PathBuf,
        /// The profile the manifest records, relative to `out`.
        recorded: String,
        /// The project the manifest records, if it records one.
        recorded_project: Option<String>,
        /// This run's profile, relative to `out`.
        profile: String,
        /// This run's project.
        project: String,
    },
    /// A template failed to render.
    #[error("template `{name}` failed: {message}")]
    Template {
        /// The template.
        name: String,
        /// What went wrong, with its causes.
        message: String,
    },
    /// The zone's own Deny policies would deny its deployment, or could not be evaluated.
    #[error(
        "the zone would not pass its own policies:\n{}\nhelp: a waiver of the recommendation whose setting is relaxed exempts the zone from the policy until it expires",
        failures.iter().map(|f| format!("  - {f}")).collect::<Vec<_>>().join("\n")
    )]
    PolicyDenied {
        /// One line per denied resource or unknown alias.
        failures: Vec<String>,
    },
    /// `diff` was given no `--templates`, and the overlay the manifest records from
    /// `generate --templates` is not there.
    #[error(
        "the manifest `{}` records the template overlay `{recorded}` (from `generate --templates`), but `{}` is not a directory\nhelp: restore the overlay there, or name one with `--templates DIR`",
        manifest.display(),
        path.display()
    )]
    RecordedOverlayMissing {
        /// The manifest.
        manifest: PathBuf,
        /// The overlay as recorded, relative to the output directory.
        recorded: String,
        /// Where it was looked for.
        path: PathBuf,
    },
    /// A template overlay's output would be denied by a Deny policy the zone assigns.
    #[error(
        "the template overlay `{overlay}` makes the zone fail its own policies:\n{}\nhelp: the overlay's output must keep what the zone's Deny policies require; relax a setting in the profile with a waiver instead, which exempts the zone until it expires",
        failures.iter().map(|f| format!("  - {f}")).collect::<Vec<_>>().join("\n")
    )]
    OverlayDenied {
        /// The overlay directory, as the command line or profile named it.
        overlay: String,
        /// One line per denied resource: the policy, the resource, the overlay's template.
        failures: Vec<String>,
    },
    /// The output directory given is a file, or lies under one.
    #[error(
        "`{}` cannot be the output directory: `{}` is a file\nhelp: name a directory with `-o DIR`, or move the file away",
        given.display(),
        file.display()
    )]
    NotADirectory {
        /// The output directory, as given.
        given: PathBuf,
        /// The file in its place, or in place of one of its parents.
        file: PathBuf,
    },
    /// `diff` has no output directory to compare with.
    #[error(
        "the output directory `{}` does not exist\nhelp: check the path, or generate it first with `{generate}`",
        path.display()
    )]
    NoOutput {
        /// The output directory, as given.
        path: PathBuf,
        /// The command that generates it.
        generate: String,
    },
    /// `diff` found a manifest it cannot read.
    #[error(
        "the manifest `{}` cannot be read: {reason}\nhelp: restore it from version control, or regenerate the directory with `{generate} --force` (which also overwrites files edited by hand)",
        path.display()
    )]
    BadManifest {
        /// The manifest.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
        /// The command that regenerates the directory.
        generate: String,
    },
    /// The profile has errors.
    #[error("invalid profile")]
    Invalid(Report),
    /// An argument the command line parser cannot judge was wrong.
    #[error("{0}")]
    Usage(String),
}

impl Error {
    /// The process exit code for this failure.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Invalid(_) => EXIT_INVALID,
            Error::Usage(_) => EXIT_USAGE,
            Error::Read { .. }
            | Error::Write { .. }
            | Error::InitExists { .. }
            | Error::Template { .. }
            | Error::Refused { .. }
            | Error::OtherProfile { .. }
            | Error::RefusedAll { .. }
            | Error::PolicyDenied { .. }
            | Error::RecordedOverlayMissing { .. }
            | Error::NotADirectory { .. }
            | Error::NoOutput { .. }
            | Error::BadManifest { .. }
            | Error::OverlayDenied { .. } => EXIT_FAILURE,
        }
    }
}
