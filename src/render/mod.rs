//! Stage 4: plan → files in memory. Templates under `templates/` are embedded, compiled at
//! most once per process, and given the plan and nothing else to decide with: they only print.

mod align;
pub mod filters;
mod work;

use std::collections::BTreeMap;
use std::sync::{Arc, LazyLock};

use include_dir::{Dir, include_dir};
use minijinja::value::{Value, ValueKind};
use minijinja::{AutoEscape, Environment, Output, State, UndefinedBehavior};
use serde::Serialize;

use crate::error::Error;
use crate::plan::{Plan, RegionPlan, RegionRole};
use crate::profile::OutputFormat;
pub use work::Helper;
use work::{Engine, Job, Work};

static TEMPLATES: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/templates");

/// Every embedded template by name (`terraform/main.tf.tera`).
static EMBEDDED: LazyLock<BTreeMap<String, &'static str>> = LazyLock::new(|| {
    let mut sources = BTreeMap::new();
    collect(&TEMPLATES, &mut sources);
    sources
});

/// The engine over the embedded templates. A template compiles the first time it is used
/// and stays compiled for the rest of the process, so a run compiles only what it renders.
static ENGINE: LazyLock<Environment<'static>> = LazyLock::new(|| engine(|name| Ok(embedded(name))));

/// The text of embedded template `name`, for a loader.
fn embedded(name: &str) -> Option<String> {
    EMBEDDED.get(name).map(|text| (*text).to_owned())
}

/// A template engine with mlzone's filters, loading templates through `load`.
fn engine<F>(load: F) -> Environment<'static>
where
    F: Fn(&str) -> Result<Option<String>, minijinja::Error> + Send + Sync + 'static,
{
    let mut env = Environment::new();
    env.set_loader(load);
    // Generated code is not HTML: the filters below do the escaping, per target language.
    env.set_auto_escape_callback(|_| AutoEscape::None);
    // A misspelt field is an error, as a missing value is; `if` may still test for absence.
    env.set_undefined_behavior(UndefinedBehavior::SemiStrict);
    env.set_formatter(print);
    env.add_filter("hcl", filters::hcl);
    env.add_filter("bicep", filters::bicep);
    env.add_filter("enabled", filters::enabled);
    env.add_filter("tf_id", filters::text("tf_id", filters::identifier));
    env.add_filter("comment", filters::text("comment", filters::comment_text));
    env.add_filter("md", filters::text("md", filters::md_text));
    env.add_filter("camel", filters::text("camel", filters::camel));
    env.add_filter("bicep_key", filters::text("bicep_key", filters::bicep_key));
    env
}

/// How a bare `{{ value }}` prints: booleans as the `true`/`false` both languages spell, an
/// absent value as nothing, the rest as text.
fn print(out: &mut Output, state: &mut State, value: &Value) -> Result<(), minijinja::Error> {
    let literal = match value.kind() {
        ValueKind::Bool if value.is_true() => "true",
        ValueKind::Bool => "false",
        ValueKind::None => "",
        _ => return minijinja::escape_formatter(out, state, value),
    };
    out.write_str(literal).map_err(minijinja::Error::from)
}

/// A platform team's templates, laid over the embedded ones file by file: same name
/// replaces, new name adds.
#[derive(Debug, Clone, Default)]
pub struct Overlay {
    /// The directory, as named (for headers and messages).
    pub name: String,
    /// Template name (`terraform/backend.tf.tera`) → text.
    pub templates: BTreeMap<String, String>,
}

impl Overlay {
    /// Read every `*.tera` file under `dir`.
    pub fn read(dir: &std::path::Path) -> Result<Overlay, Error> {
        let mut templates = BTreeMap::new();
        let mut stack = vec![dir.to_path_buf()];
        while let Some(next) = stack.pop() {
            let entries = std::fs::read_dir(&next).map_err(|source| Error::Read {
                path: next.clone(),
                source,
            })?;
            for entry in entries.flatten() {
                let path = entry.path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|e| e == "tera") {
                    let text = std::fs::read_to_string(&path).map_err(|source| Error::Read {
                        path: path.clone(),
                        source,
                    })?;
                    let name = path
                        .strip_prefix(dir)
                        .unwrap_or(&path)
                        .to_string_lossy()
                        .replace('\\', "/");
                    templates.insert(name, text);
                }
            }
        }
        Ok(Overlay {
            name: dir.display().to_string().replace('\\', "/"),
            templates,
        })
    }
}

fn collect(dir: &'static Dir<'static>, out: &mut BTreeMap<String, &'static str>) {
    for file in dir.files() {
        if let (Some(path), Some(text)) = (file.path().to_str(), file.contents_utf8()) {
            out.insert(path.to_owned(), text);
        }
    }
    for sub in dir.dirs() {
        collect(sub, out);
    }
}

/// Generated files: path relative to the output directory → content. Sorted, so output and
/// diffs are deterministic.
pub type FileSet = BTreeMap<String, String>;

/// What the generated headers say about how the files were made.
#[derive(Debug, Clone, Serialize)]
pub struct Meta {
    /// The template overlay used, if any.
    pub overlay: Option<String>,
    /// mlzone's version.
    pub version: String,
    /// The profile, as named on the command line.
    pub profile: String,
    /// The command that regenerates the files.
    pub command: String,
}

impl Meta {
    /// The headers of files generated from `profile` into `out`, as named on the command line.
    pub fn new(profile: &std::path::Path, out: &std::path::Path) -> Meta {
        let profile = shown(profile);
        let out = shown(out);
        Meta {
            overlay: None,
            version: env!("CARGO_PKG_VERSION").to_owned(),
            command: format!("mlzone generate {profile} -o {out}"),
            profile,
        }
    }
}

/// A path as headers and fleet reports show it: forward slashes, control characters replaced
/// (in a header it lands in a comment, which a newline would end).
pub(crate) fn shown(path: &std::path::Path) -> String {
    path.display()
        .to_string()
        .replace('\\', "/")
        .chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

/// Render `plan` in every format it asks for, with the embedded templates or, when given,
/// an overlay over them.
pub fn render(plan: &Plan, meta: &Meta, overlay: Option<&Overlay>) -> Result<FileSet, Error> {
    render_with(plan, meta, overlay, None)
}

/// [`render`], sharing the files out with `helper` when there is one: both threads take the
/// next file not yet taken, so the result is the same whoever renders what.
pub fn render_with(
    plan: &Plan,
    meta: &Meta,
    overlay: Option<&Overlay>,
    helper: Option<&Helper>,
) -> Result<FileSet, Error> {
    let engine = match overlay {
        None => Engine::Embedded,
        Some(overlay) => Engine::Layered(Box::new(layer(overlay))),
    };
    let mut names: Vec<&str> = EMBEDDED.keys().map(String::as_str).collect();
    if let Some(overlay) = overlay {
        names.extend(overlay.templates.keys().map(String::as_str));
        names.sort_unstable();
        names.dedup();
    }
    let mut jobs = Vec::new();
    for name in in_render_order(&names, &plan.outputs) {
        // `{region}` in a name: one file per region, the region given as `r`.
        if name.contains("{region}") {
            for (i, region) in plan.regions.iter().enumerate() {
                let path = name.replace("{region}", role(region));
                jobs.push(Job::new(name, &path, Some(i)));
            }
        } else {
            jobs.push(Job::new(name, name, None));
        }
    }
    let work = Arc::new(Work::new(engine, jobs, plan, meta));
    if let Some(helper) = helper {
        helper.offer(&work);
    }
    work.take();
    let mut files = FileSet::new();
    for (job, result) in work.jobs.iter().zip(work.finished()) {
        let text = result.map_err(|e| template_error(&job.template, &e, overlay))?;
        // A template may decide, from the plan, that it has nothing to say.
        if !text.trim().is_empty() {
            files.insert(job.path.clone(), text);
        }
    }
    Ok(files)
}

/// The templates `outputs` render, in the order a run renders them: top-level ones (the
/// compliance report belongs to every output), then each format's. Names starting with `_`
/// are only imported.
fn in_render_order<'a>(names: &[&'a str], outputs: &[OutputFormat]) -> Vec<&'a str> {
    let dirs = outputs.iter().map(|format| match format {
        OutputFormat::Terraform => "terraform/",
        OutputFormat::Bicep => "bicep/",
    });
    let mut ordered = Vec::new();
    for dir in std::iter::once("").chain(dirs) {
        ordered.extend(names.iter().copied().filter(|name| {
            let here = if dir.is_empty() {
                !name.contains('/')
            } else {
                name.starts_with(dir)
            };
            here && name.ends_with(".tera") && !file_name(name).starts_with('_')
        }));
    }
    ordered
}

/// Turn a template's raw output into the file: tidy blank runs, align Terraform's `=`.
fn finish(path: &str, text: &str) -> String {
    let text = tidy(text);
    if path.ends_with(".tf") {
        align::align(&text)
    } else {
        text
    }
}

/// The overlay's templates first, the embedded ones filling the gaps.
fn layer(overlay: &Overlay) -> Environment<'static> {
    let templates = Arc::new(overlay.templates.clone());
    engine(move |name| Ok(templates.get(name).cloned().or_else(|| embedded(name))))
}

/// A template failure, naming the template and line where the engine knows them and quoting
/// that line, and saying when the template is the overlay's.
fn template_error(name: &str, error: &minijinja::Error, overlay: Option<&Overlay>) -> Error {
    let failed = error.name().unwrap_or(name);
    let from_overlay = overlay.filter(|o| o.templates.contains_key(failed));
    let source = match from_overlay {
        Some(o) => o.templates.get(failed).map(String::as_str),
        None => EMBEDDED.get(failed).copied(),
    };
    let mut message = error_chain(error);
    let quoted = error
        .line()
        .zip(source)
        .and_then(|(line, text)| text.lines().nth(line.checked_sub(1)?));
    if let Some(quoted) = quoted {
        message.push_str(&format!(", in `{}`", quoted.trim()));
    }
    if let Some(o) = from_overlay {
        message.push_str(&format!(" (a template of the overlay {})", o.name));
    }
    Error::Template {
        name: match error.line() {
            Some(line) => format!("{failed}:{line}"),
            None => failed.to_owned(),
        },
        message,
    }
}

fn role(region: &RegionPlan) -> &'static str {
    match region.role {
        RegionRole::Primary => "primary",
        RegionRole::Secondary => "secondary",
    }
}

fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// Templates leave blank runs where a block is skipped: keep at most one blank line, end with
/// one newline.
fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = 0;
    for line in lines(text) {
        let line = line.trim_end();
        if line.is_empty() {
            blank += 1;
            if blank > 1 || out.is_empty() {
                continue;
            }
        } else {
            blank = 0;
        }
        out.push_str(line);
        out.push('\n');
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

/// The lines of `text`, as `str::lines` gives them, found with `memchr`: a profile's files run
/// to thousands of lines, and `str::lines` spends several times more on each.
fn lines(text: &str) -> impl Iterator<Item = &str> {
    let mut ends = memchr::memchr_iter(b'\n', text.as_bytes());
    let mut start = 0;
    std::iter::from_fn(move || {
        if start >= text.len() {
            return None;
        }
        let end = ends.next().unwrap_or(text.len());
        let line = &text[start..end];
        start = end + 1;
        Some(line.strip_suffix('\r').unwrap_or(line))
    })
}

fn error_chain(error: &minijinja::Error) -> String {
    let mut message = match error.detail() {
        Some(detail) => format!("{}: {detail}", error.kind()),
        None => error.kind().to_string(),
    };
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message
}

#[cfg(test)]
mod tests {
    #[test]
    fn lines_are_the_lines_str_gives() {
        let cases = [
            "",
            "\n",
            "\n\n",
            "a",
            "a\n",
            "a\nb",
            "a\r\nb\r\n",
            "\r\n",
            "a\rb\n",
            "\n\na\n\n",
            "é\nü",
        ];
        for text in cases {
            let ours: Vec<&str> = super::lines(text).collect();
            let std: Vec<&str> = text.lines().collect();
            assert_eq!(ours, std, "{text:?}");
        }
    }
}
