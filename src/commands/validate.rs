//! `mlzone validate PROFILE...`: every problem of every profile, then one verdict.

use serde_json::Value;

use super::{Context, kept_generated, kept_rendering, loaded_and_validated, summary};
use crate::cli::ValidateArgs;
use crate::diagnostic::Report;
use crate::error::{EXIT_FAILURE, EXIT_INVALID, EXIT_OK, Error};
use crate::plan::WaiverNote;

pub(crate) fn run(args: &ValidateArgs, ctx: &Context) -> Result<u8, Error> {
    let mut invalid = false;
    let mut failed = false;
    let mut json = Vec::new();
    for path in &args.profiles {
        let (report, waivers) = match check(path, ctx) {
            Ok(checked) => checked,
            Err(Error::Invalid(report)) => (report, Vec::new()),
            // A file that cannot be read stops only its own check: the others still get theirs.
            Err(other) => {
                failed = true;
                if !args.json {
                    errln!("error: {other}");
                }
                if args.json {
                    json.push(serde_json::json!({
                        "profile": path.display().to_string(),
                        "exit_code": EXIT_FAILURE,
                        "error": super::error_json(&other),
                    }));
                }
                continue;
            }
        };
        invalid |= report.has_errors();
        if args.json {
            let mut entry = serde_json::Map::new();
            entry.insert("profile".to_owned(), path.display().to_string().into());
            let code = if report.has_errors() {
                EXIT_INVALID
            } else {
                EXIT_OK
            };
            entry.insert("exit_code".to_owned(), code.into());
            if let Value::Object(fields) = report.to_json() {
                entry.extend(fields);
            }
            let waivers = waivers
                .iter()
                .map(|w| serde_json::json!({"id": w.id, "turns_off": w.turns_off}))
                .collect();
            entry.insert("waivers".to_owned(), Value::Array(waivers));
            json.push(Value::Object(entry));
        } else {
            err!("{}", report.render(ctx.color));
            if report.has_errors() {
                errln!("{}", summary(&report));
            } else {
                outln!("{}", summary(&report));
                for w in &waivers {
                    if w.turns_off.is_empty() {
                        outln!("  waiver {}: turns nothing off", w.id);
                    }
                    for line in &w.turns_off {
                        outln!("  waiver {}: {line}", w.id);
                    }
                }
            }
        }
    }
    // The most serious outcome decides: an invalid profile, then one that could not be read.
    let code = if invalid {
        EXIT_INVALID
    } else if failed {
        EXIT_FAILURE
    } else {
        EXIT_OK
    };
    if args.json {
        super::print_json(&super::versioned(serde_json::json!({
            "command": "validate",
            "exit_code": code,
            "profiles": json,
        })));
    }
    Ok(code)
}

/// The profile's warnings, and its waivers with what each turns off.
fn check(path: &std::path::Path, ctx: &Context) -> Result<(Report, Vec<WaiverNote>), Error> {
    let (loaded, mut validated, plan) = loaded_and_validated(path, ctx)?;
    let files = kept_rendering(path, &validated, &plan)?;
    kept_generated(&loaded, &mut validated, &files)?;
    Ok((validated.warnings, plan.waivers))
}
