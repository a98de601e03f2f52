//! `mlzone generate PROFILE... [-o DIR]`: load → validate → resolve → render, then write each
//! profile's files as one transaction with a manifest.

use std::path::Path;

use super::batch::{Batch, Outcome};
use super::{Context, Recorded, rendered};
use crate::cli::GenerateArgs;
use crate::error::{EXIT_OK, Error};
use crate::output;

pub(crate) fn run(args: &GenerateArgs, ctx: &Context) -> Result<u8, Error> {
    let batch = Batch {
        profiles: &args.target.profiles,
        jobs: args.target.jobs,
        json: false,
        command: "generate",
        counted: &[(EXIT_OK, "generated")],
    };
    Ok(batch.run(|profile| match one(profile, args, ctx) {
        Ok(outcome) => outcome,
        Err(error) => Outcome::failed(&error, ctx.color),
    }))
}

fn one(profile: &Path, args: &GenerateArgs, ctx: &Context) -> Result<Outcome, Error> {
    let rendered = rendered(profile, &args.target, Recorded::Ignored, ctx)?;
    let written = output::write(
        &rendered.files,
        &rendered.manifest(),
        &rendered.out,
        args.force,
        &rendered.kept,
        &rendered.scope,
    )?;
    let removed = if written.removed.is_empty() {
        String::new()
    } else {
        format!(", removed {}", written.removed.join(", "))
    };
    let skipped = if rendered.skipped.is_empty() {
        String::new()
    } else {
        format!(
            "left {} to the user (keep): {}\n",
            plural(rendered.skipped.len(), "generated file"),
            rendered.skipped.join(", ")
        )
    };
    Ok(Outcome {
        code: EXIT_OK,
        stdout: format!(
            "wrote {} to {} ({} unchanged{removed})\n{skipped}",
            plural(written.changed.len(), "file"),
            rendered.out.display(),
            written.unchanged,
        ),
        stderr: rendered.warnings,
        json: serde_json::Value::Null,
    })
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}
