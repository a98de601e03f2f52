//! mlzone turns one YAML profile into the Terraform and Bicep of a hardened Azure Machine
//! Learning landing zone.
//!
//! ```text
//! profile.yaml ─load─▶ Loaded ─validate─▶ Profile ─resolve─▶ Plan ─render─▶ files
//!               YAML + positions   schema + rules    defaults, names,
//!                                                    security decisions
//! ```
//!
//! ```no_run
//! # fn main() -> Result<(), mlzone::Error> {
//! let loaded = mlzone::profile::load("profile.yaml".as_ref())?;
//! let validated = mlzone::validate::validate(&loaded, jiff::civil::date(2026, 11, 22))?;
//! let plan = mlzone::plan::resolve(&validated.profile);
//! # let _ = plan; Ok(()) }
//! ```

pub mod cli;
mod commands;
pub mod deployed;
pub mod diagnostic;
pub mod error;
pub mod facts;
pub mod golden;
pub mod inventory;
pub mod naming;
pub mod output;
pub mod plan;
pub mod profile;
pub mod render;
pub mod validate;
pub mod values;

use std::ffi::OsString;
use std::process::ExitCode;

use clap::Parser;

pub use error::Error;

/// Run mlzone with command-line `args`; the one place that prints errors and picks the exit
/// code.
pub fn run<I: IntoIterator<Item = OsString>>(args: I) -> ExitCode {
    let cli = match cli::Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return ExitCode::from(u8::try_from(error.exit_code()).unwrap_or(error::EXIT_USAGE));
        }
    };
    if let Some(error) = cli.conflict() {
        let _ = error.print();
        return ExitCode::from(error::EXIT_USAGE);
    }
    let color = commands::color(cli.color);
    let name = cli.command.name();
    match commands::run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(Error::Usage(message)) => {
            // Shown as clap shows its own, with the subcommand's usage.
            let kind = clap::error::ErrorKind::ValueValidation;
            let _ = cli::usage_error(name, kind, message).print();
            ExitCode::from(error::EXIT_USAGE)
        }
        Err(error) => {
            commands::print_err(format_args!("{}", commands::failure(&error, color)));
            ExitCode::from(error.exit_code())
        }
    }
}
