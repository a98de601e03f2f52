//! One module per subcommand, each with a `run` function; this file only dispatches and holds
//! what they share.

/// `print!` for command output: see [`print`].
macro_rules! out {
    ($($arg:tt)*) => { $crate::commands::print(format_args!($($arg)*)) };
}

/// `println!` for command output: see [`print`].
macro_rules! outln {
    ($($arg:tt)*) => { $crate::commands::print(format_args!("{}\n", format_args!($($arg)*))) };
}

/// `eprint!` for diagnostics and errors: see [`print_err`].
macro_rules! err {
    ($($arg:tt)*) => { $crate::commands::print_err(format_args!($($arg)*)) };
}

/// `eprintln!` for diagnostics and errors: see [`print_err`].
macro_rules! errln {
    ($($arg:tt)*) => { $crate::commands::print_err(format_args!("{}\n", format_args!($($arg)*))) };
}

mod batch;
mod diff;
mod generate;
mod init;
mod plan;
mod recommendations;
mod schema;
mod validate;

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use jiff::civil::Date;

use crate::cli::{Cli, Color, Command, Format, Target};
use crate::diagnostic::{Diagnostic, Report, Severity};
use crate::error::{self, Error};
use crate::output::{self, Manifest};
use crate::plan::{CreateOnly, NamingPlan, Plan, resolve, security};
use crate::profile::{self, Loaded, OutputFormat};
use crate::render::{FileSet, Helper, Meta, Overlay, relative_to, render_with, shown};
use crate::validate::Validated;

/// Run the parsed command line; `Ok` carries the exit code.
pub(crate) fn run(cli: Cli) -> Result<u8, Error> {
    let ctx = Context {
        color: color(cli.color),
        color_allowed: cli.color != Color::Never && std::env::var_os("NO_COLOR").is_none(),
        today: judged_as_of(cli.command.today())?,
        helper: None,
    };
    match cli.command {
        Command::Init(args) => init::run(&args),
        Command::Validate(args) => validate::run(&args, &ctx),
        Command::Generate(args) => generate::run(&args, &ctx.helped()),
        Command::Diff(args) => diff::run(&args, &ctx.helped()),
        Command::Plan(args) => plan::run(&args, &ctx),
        Command::Recommendations(args) => recommendations::run(&args),
        Command::Schema => schema::run(),
        Command::Completions { shell } => {
            let mut command = <Cli as clap::CommandFactory>::command();
            // Into memory first: clap_complete panics on a write error (a closed pipe).
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut command, "mlzone", &mut script);
            out!("{}", String::from_utf8_lossy(&script));
            Ok(error::EXIT_OK)
        }
    }
}

/// What every command may need.
pub(crate) struct Context {
    /// Colour diagnostics.
    pub(crate) color: bool,
    /// Whether colour is allowed at all (for stdout output on a terminal).
    pub(crate) color_allowed: bool,
    /// The date waivers and retirements are judged against.
    pub(crate) today: Date,
    /// For commands that render: a second thread that compiles the templates while the
    /// profile is read and checked, then renders a share of a single profile's files.
    pub(crate) helper: Option<Helper>,
}

impl Context {
    fn helped(self) -> Context {
        Context {
            helper: Some(Helper::start()),
            ..self
        }
    }
}

/// Whether to colour stderr.
pub(crate) fn color(choice: Color) -> bool {
    match choice {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => std::env::var_os("NO_COLOR").is_none() && std::io::stderr().is_terminal(),
    }
}

/// The day a command judges by: its `--today`, else `MLZONE_TODAY`, else today. Only commands
/// that judge read the variable, so a stray value does not stop `schema` or `init`.
fn judged_as_of(given: Option<&crate::cli::Today>) -> Result<Date, Error> {
    let Some(given) = given else {
        return Ok(today());
    };
    if let Some(date) = given.date {
        return Ok(date);
    }
    match std::env::var("MLZONE_TODAY") {
        Ok(text) if !text.is_empty() => crate::values::date(&text).map_err(|message| {
            Error::Usage(format!(
                "the environment variable `MLZONE_TODAY`: {message}\nhelp: set it to a date such as `2026-11-30`, or unset it to judge as of today"
            ))
        }),
        _ => Ok(today()),
    }
}

fn today() -> Date {
    jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date()
}

/// Load, validate and resolve `path`; its warnings are in the [`Validated`].
pub(crate) fn validated(path: &Path, ctx: &Context) -> Result<(Validated, Plan), Error> {
    let (loaded, mut validated, plan) = loaded_and_validated(path, ctx)?;
    let files = kept_rendering(path, &validated, &plan)?;
    kept_generated(&loaded, &mut validated, &files)?;
    Ok((validated, plan))
}

/// Load, validate and resolve `path`; a waiver that turns nothing off is a warning.
fn loaded_and_validated(path: &Path, ctx: &Context) -> Result<(Loaded, Validated, Plan), Error> {
    let loaded = profile::load(path)?;
    let mut validated = crate::validate::validate(&loaded, ctx.today)?;
    let plan = resolve(&validated.profile);
    for (i, waiver) in validated.profile.waivers.iter().enumerate() {
        let pointer = format!("/waivers/{i}/id");
        let idle = plan
            .waivers
            .iter()
            .any(|n| n.id == waiver.id && n.turns_off.is_empty());
        let warned = validated
            .warnings
            .diagnostics
            .iter()
            .any(|d| d.pointer == pointer);
        if idle && !warned {
            let mut d = Diagnostic::warning(
                "idle-waiver",
                &pointer,
                format!(
                    "the waiver of {} turns nothing off: the zone is the same without it",
                    waiver.id
                ),
            )
            .help("remove the waiver");
            if let Some(location) = loaded.map.value(&pointer) {
                d = d.at(location);
            }
            validated.warnings.diagnostics.push(d);
        }
    }
    Ok((loaded, validated, plan))
}

/// The files [`kept_generated`] judges, for a command that renders nothing else (`validate`,
/// `plan`): none when the profile keeps nothing. Headers aside, the files do not depend on the
/// output directory.
fn kept_rendering(path: &Path, validated: &Validated, plan: &Plan) -> Result<FileSet, Error> {
    if validated.profile.keep.is_empty() {
        return Ok(FileSet::new());
    }
    render_with(plan, &Meta::new(path, Path::new("infra")), None, None)
}

/// Judge each `keep:` pattern by the generated `files` it covers (`generate` and `diff` pass
/// the files they rendered, so nothing renders twice): a kept file is neither written nor
/// compared, so one that carries a security setting the [`inventory`](crate::inventory) reads
/// would take that setting out of `generate`, `diff` and COMPLIANCE.md unseen (an error); any
/// other covered file is named in a warning.
fn kept_generated(
    loaded: &Loaded,
    validated: &mut Validated,
    files: &FileSet,
) -> Result<(), Error> {
    if validated.profile.keep.is_empty() {
        return Ok(());
    }
    for (i, pattern) in validated.profile.keep.iter().enumerate() {
        let kept = output::Kept::new(std::slice::from_ref(pattern));
        let covered: Vec<(&str, &str)> = files
            .iter()
            .filter(|(relative, _)| kept.keeps(relative))
            .map(|(relative, text)| (relative.as_str(), text.as_str()))
            .collect();
        if covered.is_empty() {
            continue;
        }
        let mut guarded = Vec::new();
        let mut recommendations = Vec::new();
        for file in &covered {
            let settings = crate::inventory::read([*file]);
            if !settings.is_empty() {
                guarded.push(file.0);
            }
            recommendations.extend(settings.into_iter().map(|s| s.recommendation));
        }
        recommendations.retain(|r| !r.is_empty());
        recommendations.sort_unstable();
        recommendations.dedup();
        let pointer = format!("/keep/{i}");
        let d = if guarded.is_empty() {
            let names: Vec<&str> = covered.iter().map(|(relative, _)| *relative).collect();
            Diagnostic::warning(
                "kept-generated",
                &pointer,
                format!(
                    "`{pattern}` covers files mlzone generates, which generate leaves to you and diff does not compare: {}",
                    names.join(", ")
                ),
            )
            .help("keep only files you write yourself where you can, e.g. `terraform/backend.tf`")
        } else {
            Diagnostic::error(
                "kept-generated",
                &pointer,
                format!(
                    "`{pattern}` covers generated files that carry security settings ({}): kept, they are neither written nor compared, so a hand edit there would weaken {} unseen by generate, diff and COMPLIANCE.md",
                    guarded.join(", "),
                    recommendations.join(", ")
                ),
            )
            .help("keep only files mlzone does not generate (e.g. `terraform/backend.tf`); change generated files through the profile or a template overlay")
        };
        let d = match loaded.map.value(&pointer) {
            Some(location) => d.at(location),
            None => d,
        };
        validated.warnings.diagnostics.push(d);
    }
    if validated.warnings.has_errors() {
        return Err(Error::Invalid(std::mem::take(&mut validated.warnings)));
    }
    Ok(())
}

/// The warnings of a valid profile, as they read on stderr (nothing when there are none).
pub(crate) fn warnings(validated: &Validated, ctx: &Context) -> String {
    if validated.warnings.diagnostics.is_empty() {
        String::new()
    } else {
        validated.warnings.render(ctx.color)
    }
}

/// The overlay directory: `--templates`; else, for `diff`, the one the manifest in `out` (`index`)
/// records from `generate --templates` (relative to `out`); else the profile's `templates:`,
/// relative to the file that wrote it. `true` beside it when the profile names it, so the
/// command that regenerates the files need not.
fn overlay_dir(
    target: &Target,
    out: &Path,
    index: Option<&output::ManifestIndex>,
    loaded: &Loaded,
    profile: &crate::profile::Profile,
) -> Result<Option<(PathBuf, bool)>, Error> {
    if let Some(dir) = &target.templates {
        return Ok(Some((dir.clone(), false)));
    }
    if let Some(templates) = index.and_then(|m| m.templates.clone()) {
        let dir = out.join(&templates);
        if !dir.is_dir() {
            return Err(Error::RecordedOverlayMissing {
                manifest: out.join(output::MANIFEST),
                recorded: templates,
                path: dir,
            });
        }
        return Ok(Some((dir, false)));
    }
    Ok(profile
        .templates
        .as_deref()
        .map(|written| (loaded.templates_dir(written), true)))
}

/// The output directory `out` is one, or can be created (`generate`); for `diff`, one given
/// with `-o` exists, and the manifest in it, if any, could be read (`index`, as
/// [`output::ManifestIndex::load`] gave it). Errors name `out` as the user gave it.
fn output_dir(
    out: &Path,
    profile: &Path,
    target: &Target,
    recorded: Recorded,
    index: Result<Option<output::ManifestIndex>, String>,
) -> Result<Option<output::ManifestIndex>, Error> {
    let file = out
        .ancestors()
        .filter(|a| !a.as_os_str().is_empty())
        .find(|a| a.exists())
        .filter(|a| !a.is_dir());
    if let Some(file) = file {
        return Err(Error::NotADirectory {
            given: out.to_owned(),
            file: file.to_owned(),
        });
    }
    if recorded == Recorded::Ignored {
        return Ok(None);
    }
    let generate = match &target.out {
        Some(dir) => format!("mlzone generate {} -o {}", shown(profile), shown(dir)),
        None => format!("mlzone generate {}", shown(profile)),
    };
    // A directory named with `-o` that is not there is likely mistyped; the default `infra/`
    // of a profile never generated is drift: every file missing.
    if target.out.is_some() && !out.is_dir() {
        return Err(Error::NoOutput {
            path: out.to_owned(),
            generate,
        });
    }
    index.map_err(|reason| Error::BadManifest {
        path: out.join(output::MANIFEST),
        reason,
        generate,
    })
}

/// Whether a command without `--templates` takes the overlay the manifest records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Recorded {
    /// `diff`: compare with what `generate --templates DIR` wrote.
    Used,
    /// `generate`: render what the command line and the profile say.
    Ignored,
}

/// Files rendered for a target, with what their manifest records and their directory.
pub(crate) struct Rendered {
    pub(crate) files: FileSet,
    /// The profile's warnings and the overlay's changes, for stderr.
    pub(crate) warnings: String,
    /// The plan the files were rendered from.
    plan: Plan,
    /// What the manifest in `out` lists, read for `diff` ([`Recorded::Used`]).
    pub(crate) index: Option<output::ManifestIndex>,
    /// The profile's warnings, for `--json`.
    pub(crate) report: Report,
    /// The security settings the overlay changes, for `--json`.
    pub(crate) overlay_changes: Vec<output::SecurityChange>,
    /// The plan's create-only fields (the manifest's, and what `diff` compares).
    pub(crate) create_only: Vec<CreateOnly>,
    /// How the globally unique names are derived, and the names (the manifest's, and what
    /// `diff` compares).
    pub(crate) naming: NamingPlan,
    /// The profile as named on the command line.
    pub(crate) profile: String,
    /// Every source file of the profile, each followed by a NUL, for the profile hash.
    sources: Vec<u8>,
    pub(crate) out: PathBuf,
    /// The files the profile keeps for the user (`keep:`), left out of `files`.
    pub(crate) kept: output::Kept,
    /// The files mlzone generates that `keep:` leaves to the user, in path order.
    pub(crate) skipped: Vec<String>,
    /// The formats rendered, when `--format` narrows the profile's outputs.
    pub(crate) scope: output::Scope,
    /// The overlay given with `--templates`, relative to `out` (the manifest records it).
    templates: Option<String>,
}

impl Rendered {
    /// The security settings of the plan (the manifest's, and what `diff` compares when files
    /// drifted): worked out on demand, since a `diff` without drift never reads them.
    pub(crate) fn security(&self) -> Vec<security::Setting> {
        security::settings(&self.plan)
    }

    /// The project the files are of.
    pub(crate) fn project(&self) -> &str {
        &self.plan.project
    }

    /// The manifest `generate` writes. Hashing every file costs as much as a diff, so only
    /// writing pays for it.
    pub(crate) fn manifest(&self) -> Manifest {
        let mut manifest = Manifest::new(
            self.profile.clone(),
            output::text_hash(&self.sources),
            &self.files,
            self.security(),
            self.create_only.clone(),
            self.naming.global.clone(),
        );
        manifest.templates = self.templates.clone();
        manifest.project = Some(self.plan.project.clone());
        manifest
    }
}

/// Load, validate, resolve and render `profile` for `target` in memory.
pub(crate) fn rendered(
    profile: &Path,
    target: &Target,
    recorded: Recorded,
    ctx: &Context,
) -> Result<Rendered, Error> {
    let (loaded, mut validated, mut plan) = loaded_and_validated(profile, ctx)?;
    let check = crate::plan::check::check(&plan);
    if !check.passes() {
        return Err(Error::PolicyDenied {
            failures: check.failures(),
        });
    }
    // `--format` narrows what is written and compared to its formats, never what the zone is:
    // COMPLIANCE.md still names the files of every format the directory holds.
    let mut scope = output::Scope::default();
    if !target.format.is_empty() {
        let formats: Vec<OutputFormat> = target
            .format
            .iter()
            .map(|f| match f {
                Format::Terraform => OutputFormat::Terraform,
                Format::Bicep => OutputFormat::Bicep,
            })
            .collect();
        plan.outputs.extend(&formats);
        plan.outputs.sort();
        plan.outputs.dedup();
        scope = output::Scope::formats(&formats);
    }
    let out = target
        .out
        .clone()
        .unwrap_or_else(|| profile.parent().unwrap_or(Path::new("")).join("infra"));
    let index = match recorded {
        Recorded::Used => output::ManifestIndex::load(&out),
        Recorded::Ignored => Ok(None),
    };
    let recorded_index = index.as_ref().ok().and_then(Option::as_ref);
    let chosen = overlay_dir(target, &out, recorded_index, &loaded, &validated.profile)?;
    let overlay_dir = chosen.as_ref().map(|(dir, _)| dir.clone());
    let overlay = overlay_dir.as_deref().map(Overlay::read).transpose()?;
    let mut meta = Meta::new(profile, &out);
    if let Some((dir, named_by_profile)) = &chosen {
        meta = meta.overlaid(relative_to(dir, &out), !named_by_profile);
    }
    // A fleet keeps every core busy with profiles; a single profile shares its files out.
    let helper = ctx.helper.as_ref().filter(|_| target.profiles.len() == 1);
    let mut files = render_with(&plan, &meta, overlay.as_ref(), helper)?;
    let mut overlay_warning = String::new();
    let mut changed_by_overlay = Vec::new();
    if let Some(overlay) = &overlay {
        overlay_warning.push_str(&unread_report(overlay, ctx.color));
        overlay_passes(&plan, overlay, &files)?;
        let changes = overlay_changes(&plan, &meta, &files, helper)?;
        if !changes.is_empty() {
            overlay_warning +=
                &overlay_report(&changes, &plan.outputs, meta.overlay.as_deref(), ctx.color);
            mark_changed_by_overlay(&mut plan, &changes);
            files = render_with(&plan, &meta, Some(overlay), helper)?;
            changed_by_overlay = changes;
        }
    }
    let index = output_dir(&out, profile, target, recorded, index)?;
    files.retain(|relative, _| scope.covers(relative));
    kept_generated(&loaded, &mut validated, &files)?;
    let kept = output::Kept::new(&validated.profile.keep);
    let skipped = files.keys().filter(|r| kept.keeps(r)).cloned().collect();
    files.retain(|relative, _| !kept.keeps(relative));
    let templates = target
        .templates
        .as_deref()
        .map(|dir| relative_to(dir, &out));
    let sources: Vec<u8> = validated
        .warnings
        .sources
        .iter()
        .flat_map(|s| s.text.bytes().chain(std::iter::once(0)))
        .collect();
    Ok(Rendered {
        files,
        warnings: warnings(&validated, ctx) + &overlay_warning,
        report: validated.warnings.clone(),
        overlay_changes: changed_by_overlay,
        create_only: plan.create_only.clone(),
        naming: plan.naming.clone(),
        plan,
        index,
        profile: meta.profile,
        sources,
        out,
        kept,
        skipped,
        scope,
        templates,
    })
}

/// The policy self-check of what an overlay's Terraform and Bicep deploy, each format's resources
/// against the assignments that format deploys (an overlay that turns a Deny to Audit, or drops
/// the assignment, no longer denies): a resource a Deny policy would deny is an error naming the
/// policy, the resource and the overlay's template that wrote it. An exemption the plan's
/// waivers give still applies.
fn overlay_passes(plan: &Plan, overlay: &Overlay, overlaid: &FileSet) -> Result<(), Error> {
    let files = || overlaid.iter().map(|(p, t)| (p.as_str(), t.as_str()));
    let assignments = crate::deployed::assignments(files());
    let mut denied = Vec::new();
    for (bodies, extension) in [
        (crate::deployed::terraform(files()), ".tf"),
        (crate::deployed::bicep(files()), ".bicep"),
    ] {
        let own: Vec<_> = assignments
            .iter()
            .filter(|a| a.file.ends_with(extension))
            .cloned()
            .collect();
        let governance = crate::deployed::governance(&plan.governance, &own);
        denied.extend(crate::plan::check::check_bodies(&governance, &bodies).denied);
    }
    if denied.is_empty() {
        return Ok(());
    }
    let failures = denied
        .iter()
        .map(|f| {
            let template = f.file.as_deref().map(|file| overlay.template_of(file));
            format!(
                "policy `{}` ({}, assignment `{}`) denies {}{}",
                f.policy,
                f.recommendation,
                f.assignment,
                f.resource,
                template
                    .map(|t| format!(", written by {t}"))
                    .unwrap_or_default()
            )
        })
        .collect();
    Err(Error::OverlayDenied {
        overlay: overlay.name.clone(),
        failures,
    })
}

/// The security settings an overlay's Terraform and Bicep declare otherwise than the embedded
/// templates' for the same plan (old: embedded, new: the overlay's), each format's files
/// against the same format's (`format` says which), read by the same
/// [`inventory`](crate::inventory) `diff` uses.
fn overlay_changes(
    plan: &crate::plan::Plan,
    meta: &Meta,
    overlaid: &FileSet,
    helper: Option<&Helper>,
) -> Result<Vec<output::SecurityChange>, Error> {
    let embedded = render_with(plan, meta, None, helper)?;
    let mut changes = Vec::new();
    for (format, extension) in [
        (OutputFormat::Terraform, ".tf"),
        (OutputFormat::Bicep, ".bicep"),
    ] {
        let read = |files: &FileSet| {
            crate::inventory::read(
                files
                    .iter()
                    .filter(|(p, _)| p.ends_with(extension))
                    .map(|(p, t)| (p.as_str(), t.as_str())),
            )
        };
        changes.extend(
            output::security_changes(&read(&embedded), &read(overlaid))
                .into_iter()
                .map(|c| output::SecurityChange {
                    format: Some(format),
                    source: output::Source::Overlay,
                    ..c
                }),
        );
    }
    Ok(changes)
}

/// How an overlay's change `c` reads (`label: embedded → overlay (effect)`), and, where the
/// zone's `formats` then deploy different values (the overlay replaces one format's template
/// and not the other's, or both differently), what each deploys: `— Terraform: Audit
/// (overlay); Bicep: Deny`. A format the overlay leaves alone deploys the embedded value.
fn overlay_line(
    c: &output::SecurityChange,
    changes: &[output::SecurityChange],
    formats: &[OutputFormat],
) -> String {
    let text = diff::change_text(c);
    let deployed: Vec<(OutputFormat, String)> = formats
        .iter()
        .map(|&format| {
            let own = changes
                .iter()
                .find(|o| o.format == Some(format) && o.label == c.label && o.old == c.old);
            let value = match own {
                Some(o) => format!("{} (overlay)", o.new.as_deref().unwrap_or("absent")),
                None => c.old.clone().unwrap_or_else(|| "absent".to_owned()),
            };
            (format, value)
        })
        .collect();
    if deployed.windows(2).all(|w| w[0].1 == w[1].1) {
        return text;
    }
    let each: Vec<String> = deployed
        .iter()
        .map(|(format, value)| {
            let name = match format {
                OutputFormat::Terraform => "Terraform",
                OutputFormat::Bicep => "Bicep",
            };
            format!("{name}: {value}")
        })
        .collect();
    format!("{text} — {}", each.join("; "))
}

/// The warning `generate` and `diff` print when an overlay changes security settings: each
/// change once, though it is made in each region or format.
fn overlay_report(
    changes: &[output::SecurityChange],
    formats: &[OutputFormat],
    overlay: Option<&str>,
    color: bool,
) -> String {
    let warning = warning_label(color);
    let mut out = format!(
        "{warning}: the template overlay `{}` changes security settings the plan records (the embedded templates' value → the overlay's); COMPLIANCE.md marks their recommendations \"changed by overlay\"\n",
        overlay.unwrap_or_default()
    );
    let mut lines: Vec<String> = Vec::new();
    for c in changes {
        let line = format!(
            "  {} {}\n",
            c.recommendation,
            overlay_line(c, changes, formats)
        );
        if !lines.contains(&line) {
            lines.push(line);
        }
    }
    out.push_str(&lines.concat());
    out
}

/// The warning for the overlay's files that no template name matches (nothing reads them):
/// nothing when there are none.
fn unread_report(overlay: &Overlay, color: bool) -> String {
    if overlay.unread.is_empty() {
        return String::new();
    }
    format!(
        "{}: the template overlay `{}` has files no template name matches, which are never read: {}\nhelp: a template's name ends in `.tera`, at the overlay's top level or under `terraform/` or `bicep/`, e.g. `terraform/backend.tf.tera`\n",
        warning_label(color),
        overlay.name,
        overlay.unread.join(", ")
    )
}

/// The lines naming files beside the generated ones that mlzone did not write, with the hint
/// `diff` and `generate` both give: nothing when there are none.
pub(crate) fn not_generated(extra: &[String]) -> String {
    if extra.is_empty() {
        return String::new();
    }
    let mut out: String = extra
        .iter()
        .map(|path| format!("not generated by mlzone: {path}\n"))
        .collect();
    out.push_str("  hint: a file you keep beside the output (a backend, say) goes under `keep:` in the profile\n");
    out
}

/// `warning`, in bold yellow when `color`, as diagnostics start it.
pub(crate) fn warning_label(color: bool) -> &'static str {
    if color {
        "\x1b[1;33mwarning\x1b[0m"
    } else {
        "warning"
    }
}

/// Record each change on its recommendation and on every other recommendation that rests on
/// the setting (`also`: [`Basis`](crate::plan::security::Basis)), for the compliance report. A
/// recommendation the overlay weakens is at most partial: what the overlay changed is missing
/// from it.
fn mark_changed_by_overlay(plan: &mut crate::plan::Plan, changes: &[output::SecurityChange]) {
    use crate::plan::Status;
    for c in changes {
        let line = overlay_line(c, changes, &plan.outputs);
        let ids: Vec<&String> = std::iter::once(&c.recommendation).chain(&c.also).collect();
        // A change made in each region or format reads the same: recorded once.
        for r in plan
            .recommendations
            .iter_mut()
            .filter(|r| ids.contains(&&r.id) && !r.changed_by_overlay.contains(&line))
        {
            if c.effect == crate::plan::security::Effect::Weakens {
                let gap = format!("the template overlay weakens it: {line}");
                match &mut r.status {
                    Status::Partial { missing, .. } => missing.push(gap),
                    Status::Applied { applied_in } => {
                        let applied_in = std::mem::take(applied_in);
                        r.status = Status::Partial {
                            applied_in,
                            missing: vec![gap],
                        };
                    }
                    _ => {}
                }
            }
            r.changed_by_overlay.push(line.clone());
        }
    }
}

/// The version of every `--json` shape (`docs/json.md`): raised when a field is removed or
/// changes meaning, not when one is added.
pub(crate) const JSON_SCHEMA_VERSION: u32 = 1;

/// `fields` after a leading `schema_version`, as every `--json` object starts.
pub(crate) fn versioned(fields: serde_json::Value) -> serde_json::Value {
    let mut out = serde_json::Map::new();
    out.insert("schema_version".to_owned(), JSON_SCHEMA_VERSION.into());
    if let serde_json::Value::Object(fields) = fields {
        out.extend(fields);
    }
    serde_json::Value::Object(out)
}

/// The `--json` form of a failure: its message, its hint apart (`help`, `null` when it has
/// none), and where the profile is invalid every diagnostic (file, line, column, message, help,
/// ...), as `validate --json` gives them.
pub(crate) fn error_json(error: &Error) -> serde_json::Value {
    let diagnostics = match error {
        Error::Invalid(report) => report.to_json()["diagnostics"].take(),
        _ => serde_json::Value::Array(Vec::new()),
    };
    let text = error.to_string();
    let (message, help) = match text.split_once("\nhelp: ") {
        Some((message, help)) => (message, Some(help)),
        None => (text.as_str(), None),
    };
    serde_json::json!({ "message": message, "help": help, "diagnostics": diagnostics })
}

/// `value` as pretty JSON on stdout, the `--json` form of every command.
pub(crate) fn print_json<T: serde::Serialize + ?Sized>(value: &T) {
    outln!(
        "{}",
        serde_json::to_string_pretty(value).unwrap_or_default()
    );
}

/// Whether stdout's reader has gone away: nothing more is written there.
static STDOUT_CLOSED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Command output on stdout. A reader that has gone away (`mlzone recommendations | head`)
/// stops the output quietly, and the run still ends with its own exit code, so `mlzone diff |
/// head` exits 1 on drift as a CI step expects; any other failure to write ends it with exit 4
/// and says why.
pub(crate) fn print(args: std::fmt::Arguments<'_>) {
    use std::io::Write as _;
    use std::sync::atomic::Ordering;
    if STDOUT_CLOSED.load(Ordering::Relaxed) {
        return;
    }
    if let Err(error) = std::io::stdout().lock().write_fmt(args) {
        if error.kind() == std::io::ErrorKind::BrokenPipe {
            STDOUT_CLOSED.store(true, Ordering::Relaxed);
            return;
        }
        errln!("error: cannot write to standard output: {error}");
        std::process::exit(i32::from(error::EXIT_FAILURE));
    }
}

/// Diagnostics and errors on stderr. Unlike `eprint!`, which panics when it cannot write
/// (`mlzone validate bad.yaml 2>&1 | head -1` would exit 101), a failed write is dropped: the
/// run still ends with its own exit code, the one thing left to tell the caller.
pub(crate) fn print_err(args: std::fmt::Arguments<'_>) {
    use std::io::Write as _;
    let _ = std::io::stderr().lock().write_fmt(args);
}

/// How a failure reads on stderr: the located report of an invalid profile with its verdict,
/// or one `error:` line.
pub(crate) fn failure(error: &Error, color: bool) -> String {
    match error {
        Error::Invalid(report) => format!("{}{}\n", report.render(color), summary(report)),
        other => format!("error: {other}\n"),
    }
}

/// The closing line under a report: `profile.yaml: 2 errors, 1 warning`.
pub(crate) fn summary(report: &Report) -> String {
    let name = report
        .sources
        .first()
        .map_or("profile", |s| s.name.as_str());
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let errors = report.count(Severity::Error);
    let warnings = report.count(Severity::Warning);
    if errors > 0 {
        format!(
            "error: `{name}` is invalid: {}, {}",
            plural(errors, "error"),
            plural(warnings, "warning")
        )
    } else {
        format!("`{name}` is valid ({})", plural(warnings, "warning"))
    }
}
