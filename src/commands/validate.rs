//! `mlzone validate PROFILE...`: every problem of every profile, then one verdict.

use serde_json::Value;

use super::{Context, loaded_and_validated, summary};
use crate::cli::ValidateArgs;
use crate::diagnostic::Report;
use crate::error::{EXIT_FAILURE, EXIT_INVALID, EXIT_OK, Error};

pub(crate) fn run(args: &ValidateArgs, ctx: &Context) -> Result<u8, Error> {
    let mut invalid = false;
    let mut failed = false;
    let mut json = Vec::new();
    for path in &args.profiles {
        let report = match check(path, ctx) {
            Ok(report) => report,
            Err(Error::Invalid(report)) => report,
            // A file that cannot be read stops only its own check: the others still get theirs.
            Err(other) => {
                failed = true;
                eprintln!("error: {other}");
                if args.json {
                    json.push(serde_json::json!({
                        "profile": path.display().to_string(),
                        "error": other.to_string(),
                    }));
                }
                continue;
            }
        };
        invalid |= report.has_errors();
        if args.json {
            let mut value = report.to_json();
            value["profile"] = Value::String(path.display().to_string());
            json.push(value);
        } else {
            eprint!("{}", report.render(ctx.color));
            if report.has_errors() {
                eprintln!("{}", summary(&report));
            } else {
                outln!("{}", summary(&report));
            }
        }
    }
    if args.json {
        super::print_json(&json);
    }
    // The most serious outcome decides: an invalid profile, then one that could not be read.
    Ok(if invalid {
        EXIT_INVALID
    } else if failed {
        EXIT_FAILURE
    } else {
        EXIT_OK
    })
}

fn check(path: &std::path::Path, ctx: &Context) -> Result<Report, Error> {
    loaded_and_validated(path, ctx).map(|(_, validated)| validated.warnings)
}
