//! Stage 4: plan → files in memory. Templates under `templates/` are embedded, compiled once
//! per process, and given the plan and nothing else to decide with: they only print.

mod align;
pub mod filters;

use std::collections::BTreeMap;
use std::sync::LazyLock;

use include_dir::{Dir, include_dir};
use serde::Serialize;

use crate::error::Error;
use crate::plan::{Plan, RegionPlan, RegionRole};
use crate::profile::OutputFormat;

static TEMPLATES: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/templates");

/// Every embedded template, compiled once.
static TERA: LazyLock<Result<tera::Tera, String>> = LazyLock::new(|| {
    let mut sources = Vec::new();
    collect(&TEMPLATES, &mut sources);
    engine(sources)
});

/// A template engine with mlzone's filters over `sources` (name, text).
fn engine<S: AsRef<str>>(sources: Vec<(String, S)>) -> Result<tera::Tera, String> {
    let mut tera = tera::Tera::default();
    tera.autoescape_on(Vec::new());
    tera.register_filter("hcl", filters::hcl);
    tera.register_filter("bicep", filters::bicep);
    tera.register_filter("enabled", filters::enabled);
    tera.register_filter("tf_id", filters::text("tf_id", filters::identifier));
    tera.register_filter("comment", filters::text("comment", filters::comment_text));
    tera.register_filter("md", filters::text("md", filters::md_text));
    tera.register_filter("camel", filters::text("camel", filters::camel));
    tera.register_filter("bicep_key", filters::text("bicep_key", filters::bicep_key));
    let sources: Vec<(String, &str)> = sources
        .iter()
        .map(|(n, t)| (n.clone(), t.as_ref()))
        .collect();
    tera.add_raw_templates(sources)
        .map_err(|e| error_chain(&e))?;
    Ok(tera)
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

fn collect(dir: &'static Dir<'static>, out: &mut Vec<(String, &'static str)>) {
    for file in dir.files() {
        if let (Some(path), Some(text)) = (file.path().to_str(), file.contents_utf8()) {
            out.push((path.to_owned(), text));
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

/// A path as headers show it: forward slashes, control characters replaced (it lands in a
/// comment, which a newline would end).
fn shown(path: &std::path::Path) -> String {
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
    let embedded = TERA.as_ref().map_err(|message| Error::Template {
        name: "templates".to_owned(),
        message: message.clone(),
    })?;
    let layered;
    let tera = match overlay {
        None => embedded,
        Some(overlay) => {
            layered = layer(overlay, embedded)?;
            &layered
        }
    };
    let mut context = tera::Context::new();
    context.insert("plan", plan);
    context.insert("meta", meta);
    let mut files = FileSet::new();
    let formats = plan.outputs.iter().map(|format| match format {
        OutputFormat::Terraform => "terraform/",
        OutputFormat::Bicep => "bicep/",
    });
    // Top-level templates (the compliance report) belong to every output.
    for dir in std::iter::once("").chain(formats) {
        let mut names: Vec<&str> = tera
            .get_template_names()
            .filter(|name| {
                if dir.is_empty() {
                    !name.contains('/')
                } else {
                    name.starts_with(dir)
                }
            })
            .filter(|name| name.ends_with(".tera") && !file_name(name).starts_with('_'))
            .collect();
        names.sort_unstable();
        for name in names {
            // `{region}` in a name: one file per region, the region given as `r`.
            let regions: Vec<Option<&RegionPlan>> = if name.contains("{region}") {
                plan.regions.iter().map(Some).collect()
            } else {
                vec![None]
            };
            for region in regions {
                let mut path = name.trim_end_matches(".tera").to_owned();
                if let Some(r) = region {
                    context.insert("r", r);
                    path = path.replace("{region}", role(r));
                }
                let text = tera
                    .render(name, &context)
                    .map_err(|e| template_error(name, &e, overlay))?;
                let text = tidy(&text);
                // A template may decide, from the plan, that it has nothing to say.
                if text.trim().is_empty() {
                    continue;
                }
                let text = if path.ends_with(".tf") {
                    align::align(&text)
                } else {
                    text
                };
                files.insert(path, text);
            }
        }
    }
    Ok(files)
}

/// The overlay's templates first, the embedded ones filling the gaps.
fn layer(overlay: &Overlay, embedded: &tera::Tera) -> Result<tera::Tera, Error> {
    let sources: Vec<(String, &str)> = overlay
        .templates
        .iter()
        .map(|(n, t)| (n.clone(), t.as_str()))
        .collect();
    let mut tera = engine(sources).map_err(|message| Error::Template {
        name: format!("{} (overlay)", overlay.name),
        message,
    })?;
    tera.extend(embedded).map_err(|e| Error::Template {
        name: overlay.name.clone(),
        message: error_chain(&e),
    })?;
    Ok(tera)
}

/// A render failure, naming the template and, for an overlay's template, the line that uses
/// the missing variable.
fn template_error(name: &str, error: &tera::Error, overlay: Option<&Overlay>) -> Error {
    let message = error_chain(error);
    let line = overlay
        .and_then(|o| o.templates.get(name))
        .zip(message.split('`').nth(1))
        .and_then(|(text, variable)| {
            text.lines()
                .position(|l| l.contains(variable) && (l.contains("{{") || l.contains("{%")))
        });
    Error::Template {
        name: match line {
            Some(n) => format!("{name}:{}", n + 1),
            None => name.to_owned(),
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
    for line in text.lines() {
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

fn error_chain(error: &tera::Error) -> String {
    let mut message = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message
}
