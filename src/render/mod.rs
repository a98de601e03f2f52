//! Stage 4: plan → files in memory. Templates under `templates/` are embedded, compiled with
//! tera at most once per process, and given the plan and nothing else to decide with: they only
//! print.

mod align;
pub mod filters;
mod work;

use std::collections::BTreeMap;
use std::sync::{Arc, LazyLock, OnceLock};

use include_dir::{Dir, include_dir};
use serde::Serialize;
use tera::Tera;

use crate::error::Error;
use crate::plan::{Plan, RegionPlan, RegionRole};
use crate::profile::OutputFormat;
pub use work::Helper;
use work::{Job, Templates, Work};

static TEMPLATES: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/templates");

/// Every embedded template by name (`terraform/main.tf.tera`).
static EMBEDDED: LazyLock<BTreeMap<String, &'static str>> = LazyLock::new(|| {
    let mut sources = BTreeMap::new();
    collect(&TEMPLATES, &mut sources);
    sources
});

/// The embedded templates of each [`Group`], compiled by the first thread that needs them (or
/// by a [`Helper`], ahead of the run), then shared by every thread for the rest of the process.
static COMPILED: [OnceLock<Result<Tera, tera::Error>>; 3] = [const { OnceLock::new() }; 3];

/// Templates compiled together: the top level's (the compliance report, which every run
/// renders) or one format's directory. Compiling is most of what a single run spends on
/// templates, so a run compiles only the groups it renders, each at most once per process.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Group {
    Top,
    Terraform,
    Bicep,
}

impl Group {
    fn of(format: OutputFormat) -> Group {
        match format {
            OutputFormat::Terraform => Group::Terraform,
            OutputFormat::Bicep => Group::Bicep,
        }
    }

    /// The directory of the group's templates, `None` for the top level.
    fn dir(self) -> Option<&'static str> {
        match self {
            Group::Top => None,
            Group::Terraform => Some("terraform"),
            Group::Bicep => Some("bicep"),
        }
    }

    /// Whether template `name` is the group's own.
    fn owns(self, name: &str) -> bool {
        name.split_once('/').map(|(dir, _)| dir) == self.dir()
    }

    /// Whether template `name` is compiled with the group: its own templates, and the
    /// components of the top level (`_*.tera` files there), which every group sees.
    fn compiles(self, name: &str) -> bool {
        self.owns(name) || (!name.contains('/') && file_name(name).starts_with('_'))
    }

    /// Whether template `name` renders to one of the group's files. Templates whose file name
    /// starts with `_` hold components and are never rendered as files.
    fn renders(self, name: &str) -> bool {
        self.owns(name) && name.ends_with(".tera") && !file_name(name).starts_with('_')
    }
}

/// The embedded templates of `group`, compiled. Only the group's own: no embedded template
/// of a format calls a component of the top level, and those cost more to compile than most
/// templates (tera copies a component's whole syntax tree), so leaving them out of the format
/// groups takes a tenth off a single run. An overlay's groups still see them
/// ([`Group::compiles`]).
fn embedded(group: Group) -> Result<&'static Tera, &'static tera::Error> {
    COMPILED[group as usize]
        .get_or_init(|| {
            let sources = EMBEDDED.iter().map(|(name, text)| (name.as_str(), *text));
            compile(sources.filter(|(name, _)| group.owns(name)))
        })
        .as_ref()
}

/// A tera instance with mlzone's filters over `templates` (name, text). Components are global
/// in tera: every template of a group sees those of the others.
fn compile<'a>(templates: impl Iterator<Item = (&'a str, &'a str)>) -> Result<Tera, tera::Error> {
    let mut tera = Tera::default();
    // Generated code is not HTML: the filters below do the escaping, per target language.
    tera.autoescape_on(Vec::<&str>::new());
    // Filters first: tera checks, as it compiles, that every filter a template uses exists.
    tera.register_filter("hcl", filters::hcl);
    tera.register_filter("bicep", filters::bicep);
    tera.register_filter("hcl_name", filters::hcl_name);
    tera.register_filter("bicep_name", filters::bicep_name);
    tera.register_filter("enabled", filters::enabled);
    tera.register_filter("text", filters::as_text);
    tera.register_filter("tf_id", filters::text("tf_id", filters::identifier));
    tera.register_filter("comment", filters::text("comment", filters::comment_text));
    tera.register_filter("md", filters::text("md", filters::md_text));
    tera.register_filter("mermaid", filters::text("mermaid", filters::mermaid_label));
    tera.register_filter(
        "mermaid_id",
        filters::text("mermaid_id", filters::mermaid_id),
    );
    tera.register_filter("camel", filters::text("camel", filters::camel));
    tera.register_filter("bicep_key", filters::text("bicep_key", filters::bicep_key));
    tera.register_filter(
        "bicep_host",
        filters::text("bicep_host", filters::bicep_host),
    );
    tera.add_raw_templates(templates)?;
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
    /// Files no template name matches, which nothing reads (`terraform/notes.tf` without
    /// `.tera`, `other/x.tera` outside the template directories), relative to the overlay and
    /// sorted; hidden files (`.gitkeep`) aside.
    pub unread: Vec<String>,
}

impl Overlay {
    /// Read every `*.tera` file at the top of `dir` and under its `terraform/` and `bicep/`;
    /// the other files are listed in [`Overlay::unread`].
    pub fn read(dir: &std::path::Path) -> Result<Overlay, Error> {
        let mut templates = BTreeMap::new();
        let mut unread = Vec::new();
        let mut stack = vec![dir.to_path_buf()];
        while let Some(next) = stack.pop() {
            let entries = std::fs::read_dir(&next).map_err(|source| Error::Read {
                path: next.clone(),
                source,
            })?;
            for entry in entries.flatten() {
                let path = entry.path();
                if entry.file_name().to_string_lossy().starts_with('.') {
                    continue;
                }
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                let name = path
                    .strip_prefix(dir)
                    .unwrap_or(&path)
                    .to_string_lossy()
                    .replace('\\', "/");
                let read = name.ends_with(".tera")
                    && [Group::Top, Group::Terraform, Group::Bicep]
                        .iter()
                        .any(|g| g.owns(&name));
                if !read {
                    unread.push(name);
                    continue;
                }
                let text = std::fs::read_to_string(&path).map_err(|source| Error::Read {
                    path: path.clone(),
                    source,
                })?;
                templates.insert(name, text);
            }
        }
        unread.sort();
        Ok(Overlay {
            name: dir.display().to_string().replace('\\', "/"),
            templates,
            unread,
        })
    }

    /// Which of the overlay's templates wrote generated file `file` (`terraform/workspace.tf`):
    /// its own template of that name (`` the overlay's `tpl/terraform/workspace.tf.tera` ``), else
    /// the components it lays over the embedded template's.
    pub fn template_of(&self, file: &str) -> String {
        let name = format!("{file}.tera");
        // A `{region}` template renders one file per region, named for its role.
        let own = self.templates.keys().find(|t| {
            *t == &name
                || ["primary", "secondary"]
                    .iter()
                    .any(|role| t.replace("{region}", role) == name)
        });
        if let Some(own) = own {
            return format!("the overlay's `{}/{own}`", self.name);
        }
        let dir = name.rsplit_once('/').map_or("", |(dir, _)| dir);
        let components: Vec<String> = self
            .templates
            .keys()
            .filter(|t| {
                let (at, file) = t.rsplit_once('/').unwrap_or(("", t));
                file.starts_with('_') && (at == dir || at.is_empty())
            })
            .map(|t| format!("`{}/{t}`", self.name))
            .collect();
        if components.is_empty() {
            format!("the overlay `{}`", self.name)
        } else {
            format!(
                "the embedded `{name}` through the overlay's components {}",
                components.join(", ")
            )
        }
    }

    /// `groups` compiled from the overlay's templates and the embedded ones it does not
    /// replace, for one render.
    fn compiled(&self, groups: &[Group]) -> Result<Vec<(Group, Tera)>, Error> {
        let mut compiled = Vec::new();
        for group in groups {
            let sources = self
                .over_embedded()
                .filter(|(name, _)| group.compiles(name));
            let tera = compile(sources).map_err(|e| template_error(&e, Some(self), None))?;
            compiled.push((*group, tera));
        }
        Ok(compiled)
    }

    /// The overlay's templates and the embedded ones it does not replace, by name.
    fn over_embedded(&self) -> impl Iterator<Item = (&str, &str)> {
        let own = self.templates.iter().map(|(n, t)| (n.as_str(), t.as_str()));
        let embedded = EMBEDDED
            .iter()
            .filter(|(name, _)| !self.templates.contains_key(*name))
            .map(|(name, text)| (name.as_str(), *text));
        own.chain(embedded)
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
    /// The headers of files generated from `profile` into `out`. Paths are relative to the
    /// output directory, so the bytes depend neither on where mlzone runs nor on how the paths
    /// were spelled (`./`, absolute, a trailing `/`).
    pub fn new(profile: &std::path::Path, out: &std::path::Path) -> Meta {
        let profile = relative_to(profile, out);
        Meta {
            overlay: None,
            version: env!("CARGO_PKG_VERSION").to_owned(),
            command: format!("mlzone generate {profile} -o . (in the output directory)"),
            profile,
        }
    }

    /// Rendered with the overlay `dir` (relative to the output directory). One the command line
    /// gave is in the command that regenerates the files too: without it, they would lose what
    /// the overlay writes.
    pub fn overlaid(mut self, dir: String, on_command_line: bool) -> Meta {
        if on_command_line {
            self.command = format!(
                "mlzone generate {} -o . --templates {dir} (in the output directory)",
                self.profile
            );
        }
        self.overlay = Some(dir);
        self
    }
}

/// The components of `path` with `.` dropped and `x/..` folded away.
fn normal(path: &std::path::Path) -> Vec<std::path::Component<'_>> {
    use std::path::Component;
    let mut parts: Vec<Component<'_>> = Vec::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir if matches!(parts.last(), Some(Component::Normal(_))) => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    parts
}

/// `path` relative to the directory `base`, both taken from the working directory and
/// normalised lexically (`a/./b/../c` is `a/c`), with forward slashes: `../profile.yaml` for a
/// profile beside its `infra/`. A path with nothing in common with `base` (another drive)
/// stays absolute.
pub fn relative_to(path: &std::path::Path, base: &std::path::Path) -> String {
    let path = std::path::absolute(path).unwrap_or_else(|_| path.to_owned());
    let base = std::path::absolute(base).unwrap_or_else(|_| base.to_owned());
    let (path, base) = (normal(&path), normal(&base));
    let common = path.iter().zip(&base).take_while(|(a, b)| a == b).count();
    if common == 0 {
        let whole: std::path::PathBuf = path.iter().collect();
        return shown(&whole);
    }
    let mut parts: Vec<String> = vec!["..".to_owned(); base.len() - common];
    parts.extend(
        path[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    let joined = if parts.is_empty() {
        ".".to_owned()
    } else {
        parts.join("/")
    };
    shown(std::path::Path::new(&joined))
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
    let mut groups = vec![Group::Top];
    groups.extend(plan.outputs.iter().map(|format| Group::of(*format)));
    let names: Vec<&str> = match overlay {
        None => EMBEDDED.keys().map(String::as_str).collect(),
        Some(overlay) => {
            let mut names: Vec<&str> = overlay.over_embedded().map(|(name, _)| name).collect();
            names.sort_unstable();
            names
        }
    };
    let mut jobs = Vec::new();
    for group in &groups {
        for name in names.iter().filter(|name| group.renders(name)) {
            // `{region}` in a name: one file per region, the region given as `r`.
            if name.contains("{region}") {
                for (i, region) in plan.regions.iter().enumerate() {
                    let path = name.replace("{region}", role(region));
                    jobs.push(Job::new(*group, name, &path, Some(i)));
                }
            } else {
                jobs.push(Job::new(*group, name, name, None));
            }
        }
    }
    let templates = match overlay {
        None => Templates::Embedded,
        Some(overlay) => Templates::Layered(overlay.compiled(&groups)?),
    };
    let work = Arc::new(Work::new(templates, jobs, plan, meta));
    if let Some(helper) = helper {
        helper.offer(&work);
    }
    work.take();
    let mut files = FileSet::new();
    for (job, outcome) in work.jobs.iter().zip(work.finished()) {
        let text = outcome.map_err(|e| template_error(&e, overlay, Some(&job.template)))?;
        // A template may decide, from the plan, that it has nothing to say.
        if !text.trim().is_empty() {
            files.insert(job.path.clone(), text);
        }
    }
    Ok(files)
}

/// Turn a template's raw output into the file: tidy blank runs, align Terraform's `=`. One
/// copy of the text: the lines are slices of the raw output until they are written out.
fn finish(path: &str, text: &str) -> String {
    let lines = tidy(text);
    let mut file = String::with_capacity(text.len() + text.len() / 8);
    if path.ends_with(".tf") {
        align::align(&lines, &mut file);
    } else {
        for line in lines {
            file.push_str(line);
            file.push('\n');
        }
    }
    file
}

/// A template failure as mlzone reports it: the template's file and line where tera knows
/// them, the line's text, and a hint. A template of the overlay is named by its file.
/// `rendering` is the template being rendered, `None` when compiling failed.
fn template_error(
    error: &tera::Error,
    overlay: Option<&Overlay>,
    rendering: Option<&str>,
) -> Error {
    let text;
    let (failed, line, what) = match error.kind() {
        tera::ErrorKind::SyntaxError(report) | tera::ErrorKind::RenderingError(report) => (
            report.filename(),
            Some(report.span().start_line),
            report.message(),
        ),
        _ => {
            text = error.to_string();
            match located(&text) {
                Some((name, line, message)) => (name, Some(line), message),
                None => {
                    let whole = overlay.map(|o| o.name.as_str()).or(rendering);
                    (whole.unwrap_or("templates"), None, text.as_str())
                }
            }
        }
    };
    // Tera's first sentence says what failed; the rest (the fields there are) helps.
    let (what, help) = what.split_once(". ").unwrap_or((what, ""));
    let from_overlay = overlay.filter(|o| o.templates.contains_key(failed));
    let source = match from_overlay {
        Some(o) => o.templates.get(failed).map(String::as_str),
        None => EMBEDDED.get(failed).copied(),
    };
    let mut message = sentence(what);
    let quoted = line
        .zip(source)
        .and_then(|(line, text)| text.lines().nth(line.checked_sub(1)?));
    if let Some(quoted) = quoted {
        message.push_str(&format!(", in `{}`", quoted.trim()));
    }
    if let Some(rendering) = rendering.filter(|r| *r != failed) {
        message.push_str(&format!(" (rendering `{rendering}`)"));
    }
    if let Some(o) = from_overlay {
        message.push_str(&format!(" (a template of the overlay `{}`)", o.name));
    }
    message.push_str("\n  help: ");
    if !help.is_empty() {
        message.push_str(&sentence(help));
        message.push_str("; ");
    }
    message.push_str(if rendering.is_none() {
        "templates are tera 2 templates: docs/templates.md shows the syntax, the filters and \
         the components"
    } else {
        "a template sees `plan` and `meta` (and `r`, the region, in a `{region}` template); \
         `mlzone plan --json PROFILE` prints the plan"
    });
    let file = match from_overlay {
        Some(o) => format!("{}/{failed}", o.name.trim_end_matches('/')),
        None => failed.to_owned(),
    };
    Error::Template {
        name: match line {
            Some(line) => format!("{file}:{line}"),
            None => file,
        },
        message,
    }
}

/// `(template, line, message)` of the first report in a message of tera's that holds
/// reports (a template using a filter or component that does not exist):
/// `error: MESSAGE` then ` --> TEMPLATE:LINE:COLUMN`.
fn located(text: &str) -> Option<(&str, usize, &str)> {
    let mut lines = text.lines();
    let message = lines.next()?.strip_prefix("error: ")?;
    let at = lines.next()?.trim_start().strip_prefix("--> ")?;
    let (at, _column) = at.rsplit_once(':')?;
    let (name, line) = at.rsplit_once(':')?;
    Some((name, line.parse().ok()?, message))
}

/// Tera's message in the house style: lowercase first, no full stop at the end.
fn sentence(message: &str) -> String {
    let message = message.trim().trim_end_matches('.');
    let mut chars = message.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
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

/// Templates leave blank runs where a block is skipped: the lines to keep, each without its
/// trailing whitespace, with at most one blank line in a row and none first or last.
fn tidy(text: &str) -> Vec<&str> {
    let mut kept = Vec::with_capacity(text.len() / 32);
    let mut blank = 0;
    for line in lines(text) {
        let line = line.trim_end();
        if line.is_empty() {
            blank += 1;
            if blank > 1 || kept.is_empty() {
                continue;
            }
        } else {
            blank = 0;
        }
        kept.push(line);
    }
    while kept.last() == Some(&"") {
        kept.pop();
    }
    kept
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

#[cfg(test)]
mod tests {
    #[test]
    fn reports_in_tera_messages_are_located() {
        let text = "error: Unknown filter `nosuch`\n --> terraform/x.tf.tera:12:25\n   |\n12 | ...";
        assert_eq!(
            super::located(text),
            Some(("terraform/x.tf.tera", 12, "Unknown filter `nosuch`"))
        );
        assert_eq!(super::located("Component `x` is defined twice"), None);
    }

    /// Templates print flags bare (`enabled = {{ flag }}`) and test absent values with `if`:
    /// both languages spell booleans `true`/`false`, and `none` must print nothing.
    #[test]
    fn booleans_print_as_both_languages_spell_them_and_none_as_nothing() {
        let tera = super::compile([("t", "{{ a }} {{ b }} [{{ c }}]")].into_iter()).unwrap();
        let mut context = tera::Context::new();
        context.insert("a", &true);
        context.insert("b", &false);
        context.insert_value("c", tera::Value::none());
        assert_eq!(tera.render("t", &context).unwrap(), "true false []");
    }

    /// Tera's `~` formats an undefined field of a defined map as nothing; `text` is the operand
    /// filter that refuses it, and any other value that is not plain text.
    #[test]
    fn concatenation_is_safe_only_through_text() {
        let tera = super::compile(
            [
                ("bare", "{{ plan.b ~ \"x\" }}"),
                ("safe", "{{ plan.b | text ~ \"x\" }}"),
                (
                    "plain",
                    "{{ plan.a | text ~ \"-\" ~ plan.n | text ~ plan.t | text }}",
                ),
                ("none", "{{ plan.z | text ~ \"x\" }}"),
                ("list", "{{ plan.l | text }}"),
                ("map", "{{ plan | text }}"),
            ]
            .into_iter(),
        )
        .unwrap();
        let context = tera::Context::from_serialize(&serde_json::json!({
            "plan": {"a": "a\"b ${x}", "n": 90, "t": true, "z": null, "l": [1]}
        }))
        .unwrap();
        let render = |name| tera.render(name, &context).map_err(|e| format!("{e:?}"));
        // The engine's limitation this filter exists for.
        assert_eq!(render("bare").unwrap(), "x");
        assert_eq!(render("plain").unwrap(), "a\"b ${x}-90true");
        for (name, message) in [
            ("safe", "`text` was given a value that is not defined"),
            (
                "none",
                "`text` takes a string, a number or a boolean, not none",
            ),
            (
                "list",
                "`text` takes a string, a number or a boolean, not array",
            ),
            (
                "map",
                "`text` takes a string, a number or a boolean, not map",
            ),
        ] {
            let error = render(name).expect_err(name);
            assert!(error.contains(message), "{name}: {error}");
        }
    }

    #[test]
    fn tera_messages_read_in_the_house_style() {
        assert_eq!(
            super::sentence("Field `x` is not defined."),
            "field `x` is not defined"
        );
    }

    #[test]
    fn tidy_keeps_one_blank_line_in_a_row_and_none_at_the_ends() {
        assert_eq!(super::tidy("\n \na  \n\n\t\n b\r\n\n\n"), ["a", "", " b"]);
        assert!(super::tidy(" \n\n").is_empty());
        assert_eq!(super::finish("x.md", "\n\na\n\n\nb"), "a\n\nb\n");
    }

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
