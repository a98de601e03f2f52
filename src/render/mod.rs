//! Stage 4: plan → files in memory. Templates under `templates/` are embedded, compiled once
//! per process, and given the plan and nothing else to decide with: they only print.

mod align;
pub mod filters;

use std::collections::BTreeMap;
use std::sync::LazyLock;

use include_dir::{Dir, include_dir};
use serde::Serialize;

use crate::error::Error;
use crate::plan::Plan;
use crate::profile::OutputFormat;

static TEMPLATES: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/templates");

/// Every embedded template, compiled once.
static TERA: LazyLock<Result<tera::Tera, String>> = LazyLock::new(|| {
    let mut tera = tera::Tera::default();
    tera.autoescape_on(Vec::new());
    tera.register_filter("hcl", filters::hcl);
    tera.register_filter("tf_id", filters::tf_id);
    tera.register_filter("comment", filters::comment);
    tera.register_filter("md", filters::md);
    let mut sources = Vec::new();
    collect(&TEMPLATES, &mut sources);
    tera.add_raw_templates(sources)
        .map_err(|e| error_chain(&e))?;
    Ok(tera)
});

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

/// Render `plan` in every format it asks for.
pub fn render(plan: &Plan, meta: &Meta) -> Result<FileSet, Error> {
    let tera = TERA.as_ref().map_err(|message| Error::Template {
        name: "templates".to_owned(),
        message: message.clone(),
    })?;
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
                name.strip_prefix(dir)
                    .is_some_and(|rest| !rest.contains('/'))
            })
            .filter(|name| name.ends_with(".tera") && !file_name(name).starts_with('_'))
            .collect();
        names.sort_unstable();
        for name in names {
            let text = tera.render(name, &context).map_err(|e| Error::Template {
                name: name.to_owned(),
                message: error_chain(&e),
            })?;
            let path = name.trim_end_matches(".tera");
            let text = tidy(&text);
            let text = if path.ends_with(".tf") {
                align::align(&text)
            } else {
                text
            };
            files.insert(path.to_owned(), text);
        }
    }
    Ok(files)
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
