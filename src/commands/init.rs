//! `mlzone init`: a starter profile from a golden profile (copied, or extended by path), with
//! the project's name and an `access` section, plus its JSON Schema for editors.

use std::path::Path;

use crate::cli::InitArgs;
use crate::error::{EXIT_OK, Error};
use crate::golden;

/// The editor modeline `init` puts on the first line.
const MODELINE: &str = "# yaml-language-server: $schema=profile.schema.json";

/// What a new profile says about access when it starts: no one yet, and how to add a group.
const ACCESS: &str = "\
# Entra groups and their workspace roles (SEC-11): data_scientist, compute_operator or reader.
access: []
#  - {group_object_id: <object ID of an Entra group>, role: data_scientist}
";

pub(crate) fn run(args: &InitArgs) -> Result<u8, Error> {
    let project = match &args.project {
        Some(name) if is_project_name(name) => name.clone(),
        Some(name) => {
            return Err(Error::Usage(format!(
                "`{name}` is not a project name: use 2 to 20 lowercase letters, digits and single hyphens, starting with a letter and ending with a letter or digit"
            )));
        }
        None => derived_name(&args.dir),
    };
    if let Some(base) = &args.extends {
        check_base(&args.dir, base)?;
    }
    let profile = args.dir.join("profile.yaml");
    let schema = args.dir.join("profile.schema.json");
    for path in [&profile, &schema] {
        if path.exists() {
            return Err(Error::InitExists { path: path.clone() });
        }
    }
    let compose = |project: &str| match &args.extends {
        Some(path) => (extending(path, project), format!("extending `{path}`")),
        None => (
            starter(&args.from, project),
            format!("from the `{}` golden profile", args.from),
        ),
    };
    // A project name that makes a derived resource name too long (a key vault's 24
    // characters) would give a profile that fails validation: shorten a derived name until
    // every name fits, and refuse a given one with the longest that fits.
    let mut project = project;
    while let Some(problem) = name_problem(&profile, &compose(&project).0) {
        let shorter = shortened(&project);
        match (&args.project, shorter) {
            (None, Some(shorter)) => project = shorter,
            (given, shorter) => {
                let fits = shorter
                    .and_then(|s| fitting(&profile, &s, &compose))
                    .map_or(String::new(), |f| format!("; `{f}` fits"));
                let what = if given.is_some() {
                    "`--project`"
                } else {
                    "the directory's name"
                };
                return Err(Error::Usage(format!(
                    "{what} `{project}` is too long for this profile: {problem}{fits}"
                )));
            }
        }
    }
    if args.project.is_none() {
        let from = dir_name(&args.dir);
        if project != transliterated(&from) {
            errln!(
                "note: the project name `{project}` is derived from the directory's name `{from}`, {}\nhelp: pass `--project NAME` to choose the name",
                if project == DEFAULT_PROJECT {
                    "which gives no usable name"
                } else {
                    "shortened so that every resource name fits"
                }
            );
        }
    }
    let (text, origin) = compose(&project);
    std::fs::create_dir_all(&args.dir).map_err(|source| Error::Write {
        path: args.dir.clone(),
        source,
    })?;
    write_new(&schema, &(super::schema::schema_text() + "\n"))?;
    if let Err(error) = write_new(&profile, &text) {
        // Leave nothing half-written.
        let _ = std::fs::remove_file(&schema);
        return Err(error);
    }
    outln!(
        "wrote {} for project `{project}` ({origin}) and {}",
        profile.display(),
        schema.display()
    );
    outln!(
        "next: add your Entra groups under `access`, check `regions`, then `mlzone validate {}`",
        profile.display()
    );
    Ok(EXIT_OK)
}

/// The golden profile's text with the modeline pointing at the schema beside it, the project's
/// name in place of the golden's, and an `access` section if the golden has none.
pub(crate) fn starter(name: &str, project: &str) -> String {
    let text = golden::text(name).unwrap_or_default();
    let mut body: Vec<String> = text
        .lines()
        .filter(|line| !line.starts_with("# yaml-language-server:"))
        .map(|line| match line.strip_prefix("project:") {
            Some(rest) => {
                // Keep the golden's comment on the line.
                let comment = rest.find('#').map(|at| &rest[at..]).unwrap_or_default();
                let value = format!("project: {project}");
                if comment.is_empty() {
                    value
                } else {
                    format!("{value:<33} {comment}")
                }
            }
            None => line.to_owned(),
        })
        .collect();
    if !text.lines().any(|line| line.starts_with("access:")) {
        while body.last().is_some_and(|line| line.trim().is_empty()) {
            body.pop();
        }
        body.push(String::new());
        body.extend(ACCESS.lines().map(str::to_owned));
    }
    format!("{MODELINE}\n{}\n", body.join("\n"))
}

/// A project profile that extends the golden profile at `path`.
fn extending(path: &str, project: &str) -> String {
    format!(
        "{MODELINE}\n# Project `{project}` on the golden profile `{path}`: set here only what differs.\n\
         # Lists replace the golden's lists; maps merge key by key.\n\
         version: 1\nextends: {}\nproject: {project}\n\n{ACCESS}",
        yaml_string(path)
    )
}

/// `text` as a double-quoted YAML scalar, which reads back as the same text whatever it holds
/// (a plain `1.0`, `true` or `#x` would not): JSON's string escapes are YAML's.
fn yaml_string(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_default()
}

/// `--extends PATH` names a profile: a file, relative to the new profile's directory `dir`,
/// that reads as YAML and whose keys are a profile's. Errors say where the file was looked
/// for, or point into it.
fn check_base(dir: &Path, written: &str) -> Result<(), Error> {
    // Lexically: the new profile's directory may not exist yet.
    let path = crate::profile::tidy(&dir.join(written));
    let shown = crate::render::shown;
    if !path.is_file() {
        let what = if path.exists() {
            "is not a file"
        } else {
            "does not exist"
        };
        return Err(Error::Usage(format!(
            "`--extends {written}`: `{}` {what}\nhelp: PATH is relative to the new profile's directory `{}`: name the golden profile from there",
            shown(&path),
            shown(dir)
        )));
    }
    let loaded = crate::profile::load(&path)?;
    if !loaded.value.is_object() {
        return Err(Error::Usage(format!(
            "`--extends {written}`: `{}` is not a profile\nhelp: a profile is a YAML mapping of keys such as `version`, `project` and `regions`",
            shown(&path)
        )));
    }
    // Keys that are no profile's, or values of the wrong kind: another kind of YAML file. Other
    // problems (an expired waiver) are the base's own, reported when the new profile is checked.
    match crate::validate::validate(&loaded, super::today()) {
        Err(Error::Invalid(mut report)) => {
            report
                .diagnostics
                .retain(|d| matches!(d.code, "unknown-key" | "wrong-type"));
            if report.diagnostics.is_empty() {
                Ok(())
            } else {
                Err(Error::Invalid(report))
            }
        }
        _ => Ok(()),
    }
}

/// The first resource-name problem the profile `text` (to be written at `path`) has, as
/// `validate` words it; `None` when every derived name fits.
fn name_problem(path: &Path, text: &str) -> Option<String> {
    let loaded = crate::profile::load_str(path, text.to_owned()).ok()?;
    match crate::validate::validate(&loaded, super::today()) {
        Err(Error::Invalid(report)) => report
            .diagnostics
            .into_iter()
            .find(|d| d.code == "name" && d.pointer == "/project")
            .map(|d| d.message),
        _ => None,
    }
}

/// `project` one character shorter (no trailing `-`), while it is still a project name.
fn shortened(project: &str) -> Option<String> {
    let shorter = project[..project.len() - 1].trim_end_matches('-');
    is_project_name(shorter).then(|| shorter.to_owned())
}

/// The longest prefix of `project` whose profile has no name problem.
fn fitting(
    path: &Path,
    project: &str,
    compose: &dyn Fn(&str) -> (String, String),
) -> Option<String> {
    let mut candidate = project.to_owned();
    while name_problem(path, &compose(&candidate).0).is_some() {
        candidate = shortened(&candidate)?;
    }
    Some(candidate)
}

/// Whether `name` satisfies the profile's rule for `project`.
fn is_project_name(name: &str) -> bool {
    (2..=20).contains(&name.len())
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && !name.ends_with('-')
        && !name.contains("--")
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// The project name when the directory's name gives none.
const DEFAULT_PROJECT: &str = "my-project";

/// The last component of `dir`, made absolute (`.` is the current directory's name).
fn dir_name(dir: &Path) -> String {
    let absolute = std::path::absolute(dir).unwrap_or_else(|_| dir.to_owned());
    absolute
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// `name` lowercased, with each run of other characters than ASCII letters and digits one `-`,
/// none at either end: `Data_Science.Team` → `data-science-team`.
fn transliterated(name: &str) -> String {
    let mut out = String::new();
    for c in name.to_lowercase().chars() {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_owned()
}

/// A project name from the directory's last component (`ML Fraud_Detection` →
/// `ml-fraud-detection`), or `my-project` where nothing usable remains.
fn derived_name(dir: &Path) -> String {
    let name = transliterated(&dir_name(dir));
    let name = name.trim_start_matches(|c: char| c.is_ascii_digit() || c == '-');
    let name: String = name.chars().take(20).collect();
    let name = name.trim_end_matches('-');
    if is_project_name(name) {
        name.to_owned()
    } else {
        DEFAULT_PROJECT.to_owned()
    }
}

/// Create `path`, failing if it appeared meanwhile.
fn write_new(path: &Path, text: &str) -> Result<(), Error> {
    use std::io::Write as _;
    let write = || -> std::io::Result<()> {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)?;
        file.write_all(text.as_bytes())
    };
    write().map_err(|source| Error::Write {
        path: path.to_owned(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn project_names_are_derived_from_the_directory() {
        assert_eq!(
            derived_name(Path::new("/x/ML Fraud_Detection")),
            "ml-fraud-detection"
        );
        assert_eq!(derived_name(Path::new("/x/2024-churn")), "churn");
        assert_eq!(
            derived_name(Path::new("/x/a-very-long-project-name-indeed")),
            "a-very-long-project"
        );
        assert_eq!(derived_name(Path::new("/x/__")), "my-project");
        assert!(is_project_name("fraud-2"));
        assert!(!is_project_name("Fraud"));
        assert!(!is_project_name("f"));
        assert!(!is_project_name("a--b"));
    }
}
