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
    let index = output::ManifestIndex::read(&rendered.out);
    if !args.force {
        same_zone(&rendered, index.as_ref())?;
    }
    let mut warnings = rendered.warnings.clone();
    // Left as they are; named, as `diff` names them, so a backend is declared before it matters.
    let (_, extra) = output::beside(
        &rendered.files,
        &rendered.out,
        index.as_ref(),
        &rendered.kept,
    );
    warnings.push_str(&super::not_generated(&extra));
    if args.target.templates.is_none()
        && let Some(recorded) = index.as_ref().and_then(|i| i.templates.as_deref())
    {
        warnings.push_str(&dropped_overlay(&rendered.out, recorded, ctx.color));
    }
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
        stderr: warnings,
        json: serde_json::Value::Null,
    })
}

/// The output directory holds this profile's files, or none: a manifest that records another
/// profile (or the same file's project renamed) means `-o` names another zone's directory.
fn same_zone(
    rendered: &super::Rendered,
    index: Option<&output::ManifestIndex>,
) -> Result<(), Error> {
    let Some(index) = index else {
        return Ok(());
    };
    let project = rendered.project();
    let same_project = index.project.as_deref().is_none_or(|p| p == project);
    if index.profile == rendered.profile && same_project {
        return Ok(());
    }
    Err(Error::OtherProfile {
        out: rendered.out.clone(),
        recorded: index.profile.clone(),
        recorded_project: index.project.clone(),
        profile: rendered.profile.clone(),
        project: project.to_owned(),
    })
}

/// The warning for a run without `--templates` over files an overlay rendered (`recorded`,
/// relative to `out`, as the manifest has it): `generate` renders what it is told, so what only
/// the overlay wrote (a backend, say) goes, and the manifest records no overlay any more.
fn dropped_overlay(out: &Path, recorded: &str, color: bool) -> String {
    let warning = super::warning_label(color);
    format!(
        "{warning}: the manifest records the template overlay `{recorded}` (from `generate --templates`), and this run renders without it: what only the overlay writes is removed\nhelp: to keep it, pass `--templates {}`\n",
        out.join(recorded).display()
    )
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}
