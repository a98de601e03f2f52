//! `mlzone diff PROFILE... [-o DIR]`: render in memory and compare with the committed files.
//! Exit 0 when identical, 1 on drift; a security summary of the settings that moved comes first.

use std::io::IsTerminal;
use std::path::Path;

use super::batch::{Batch, Outcome};
use super::{Context, Recorded, Rendered, rendered};
use crate::cli::DiffArgs;
use crate::error::{EXIT_DRIFT, EXIT_OK, Error};
use crate::output::{self, Change, Drift, SecurityChange, Source};

pub(crate) fn run(args: &DiffArgs, ctx: &Context) -> Result<u8, Error> {
    let color = std::io::stdout().is_terminal() && ctx.color_allowed;
    let batch = Batch {
        profiles: &args.target.profiles,
        jobs: args.target.jobs,
        json: args.json,
        command: "diff",
        counted: &[(EXIT_OK, "up to date"), (EXIT_DRIFT, "drifted")],
    };
    Ok(batch.run(|profile| match one(profile, args, ctx, color) {
        Ok(outcome) => outcome,
        Err(error) => Outcome::failed(&error, ctx.color),
    }))
}

fn one(profile: &Path, args: &DiffArgs, ctx: &Context, color: bool) -> Result<Outcome, Error> {
    let rendered = rendered(profile, &args.target, Recorded::Used, ctx)?;
    let Rendered {
        files,
        report,
        overlay_changes,
        create_only,
        naming,
        out,
        kept,
        scope,
        index,
        ..
    } = &rendered;
    let security = || rendered.security();
    let mut drift = output::diff(files, out, index.as_ref(), security, naming, kept, scope);
    if drift.is_drift()
        && let Some(previous) = output::Manifest::read(out)
    {
        drift.replacements = output::replacements(&previous.create_only, create_only);
    }
    let mut json = serde_json::to_value(&drift).unwrap_or_default();
    json["drift"] = serde_json::Value::Bool(drift.is_drift());
    json["diagnostics"] = report.to_json()["diagnostics"].take();
    json["overlay"] = serde_json::to_value(overlay_changes).unwrap_or_default();
    Ok(Outcome {
        code: if drift.is_drift() {
            EXIT_DRIFT
        } else {
            EXIT_OK
        },
        stdout: describe(&drift, color),
        stderr: rendered.warnings,
        json,
    })
}

/// The drift for people: security summary, then missing and extra files, then diffs.
fn describe(drift: &Drift, color: bool) -> String {
    let mut out = String::new();
    if !drift.renamed.is_empty() {
        out.push_str(
            "WARNING: globally unique names change; applying this replaces the resources:\n",
        );
        for r in &drift.renamed {
            out.push_str(&format!(
                "  {}: {} → {}: {}\n",
                r.key, r.old, r.new, r.replaces
            ));
        }
        out.push_str(
            "  to keep the names of a deployed zone, set `names: {suffix: legacy}` in the profile (README, upgrading)\n\n",
        );
    }
    let (by_hand, by_profile): (Vec<&SecurityChange>, Vec<&SecurityChange>) = drift
        .security
        .iter()
        .partition(|c| c.source == Source::HandEdit);
    if !by_profile.is_empty() {
        out.push_str("security-relevant changes (the files' value → the profile's):\n");
        for c in by_profile {
            out.push_str(&change_line(c));
        }
        out.push('\n');
    }
    out.push_str(&replaced(&drift.replacements));
    if !by_hand.is_empty() {
        out.push_str("edited by hand (the profile's value → the committed file's):\n");
        for c in by_hand {
            out.push_str(&format!(
                "  edited by hand in {}: {}",
                c.file.as_deref().unwrap_or_default(),
                change_line(c).trim_start()
            ));
        }
        out.push('\n');
    }
    for path in &drift.edited {
        out.push_str(&format!("edited by hand: {path}\n"));
    }
    for path in &drift.missing {
        out.push_str(&format!("missing: {path}\n"));
        if path == output::MANIFEST {
            out.push_str("  hint: without its manifest, generate cannot tell the files it wrote from yours and refuses to overwrite them: restore it from version control, or regenerate with `generate --force`\n");
        }
    }
    out.push_str(&super::not_generated(&drift.extra));
    for path in &drift.removed {
        out.push_str(&format!(
            "no longer produced; generate removes it: {path}\n"
        ));
    }
    for diff in drift.changed.values() {
        for line in diff.lines() {
            let paint = match line.as_bytes().first() {
                _ if !color => None,
                Some(b'+') => Some("32"),
                Some(b'-') => Some("31"),
                Some(b'@') => Some("36"),
                _ => None,
            };
            match paint {
                Some(code) => out.push_str(&format!("\x1b[{code}m{line}\x1b[0m\n")),
                None => {
                    out.push_str(line);
                    out.push('\n');
                }
            }
        }
    }
    out.push_str(&summary(drift));
    out
}

/// One line of the security summary: a setting's move, or a resource that came or went.
pub(super) fn change_line(c: &SecurityChange) -> String {
    format!("  {} {}\n", c.recommendation, change_text(c))
}

/// A setting's move (`label: old → new (effect)`), or a resource that came or went.
pub(super) fn change_text(c: &SecurityChange) -> String {
    let replaces = if c.replaces {
        ", replaces the resource"
    } else {
        ""
    };
    let what = match c.change {
        Change::Added => format!("added: {}", c.label),
        Change::Removed => format!("removed: {}", c.label),
        Change::Changed => format!(
            "{}: {} → {}",
            c.label,
            c.old.as_deref().unwrap_or("absent"),
            c.new.as_deref().unwrap_or("absent"),
        ),
    };
    format!("{what} ({}){replaces}", c.effect)
}

/// The sections of changed create-only fields, by what a deployment does with them.
const CREATE_ONLY_SECTIONS: [&str; 3] = [
    "set only at creation: Azure refuses the change, deploying it fails",
    "set only at creation: deploying this replaces resources",
    "set only at creation: Azure keeps what it was created with",
];

/// The changed create-only fields, each with the field that changed: those Azure refuses, the
/// resources a deployment replaces, then the changes it does not make.
fn replaced(replacements: &[output::Replacement]) -> String {
    let mut out = String::new();
    for (section, heading) in CREATE_ONLY_SECTIONS.iter().enumerate() {
        let lines: Vec<String> = replacements
            .iter()
            .filter_map(|r| {
                let (of, outcome) = deployed(r);
                (of == section).then(|| {
                    format!(
                        "  {}: {} {} → {} ({}){outcome}\n",
                        r.resource, r.field, r.old, r.new, r.property
                    )
                })
            })
            .collect();
        if !lines.is_empty() {
            out.push_str(&format!("{heading}\n{}\n", lines.concat()));
        }
    }
    out
}

/// What deploying a changed create-only field does: its section in [`CREATE_ONLY_SECTIONS`]
/// and the end of its line.
fn deployed(r: &output::Replacement) -> (usize, String) {
    match (&r.refused_by_azure, &r.kept_by_azure) {
        (Some(why), _) => (0, format!("; {why}")),
        (None, None) => {
            let delete = r.delete_before_bicep.as_ref().map(|delete| {
                format!("\n    a Bicep deployment cannot replace it: first run `{delete}`")
            });
            (
                1,
                format!(", replaces the resource{}", delete.unwrap_or_default()),
            )
        }
        (None, Some(how)) => (2, format!(", not changed by deploying; {how}")),
    }
}

/// The last line: what drifted, in numbers, so a CI log ends with the verdict.
fn summary(drift: &Drift) -> String {
    if !drift.is_drift() {
        return "no drift: the files match the profile\n".to_owned();
    }
    let counts = [
        (drift.changed.len(), "changed"),
        (drift.missing.len(), "missing"),
        (drift.extra.len(), "not generated by mlzone"),
        (drift.removed.len(), "to be removed"),
    ];
    let files: Vec<String> = counts
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| format!("{n} {} {what}", if *n == 1 { "file" } else { "files" }))
        .collect();
    let settings = match drift.security.len() {
        0 => String::new(),
        1 => ", 1 security-relevant setting moved".to_owned(),
        n => format!(", {n} security-relevant settings moved"),
    };
    let renamed = match drift.renamed.len() {
        0 => String::new(),
        1 => ", 1 resource replaced by a new name".to_owned(),
        n => format!(", {n} resources replaced by new names"),
    };
    format!("drift: {}{settings}{renamed}\n", files.join(", "))
}
