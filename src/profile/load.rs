//! Reading a profile: the file, then the golden profiles it `extends`, merged into one JSON
//! value whose every field still knows the file, line and column it came from.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{LazyLock, Mutex, PoisonError};

use serde_json::Value;

use super::locks;
use super::source_map::{self, Node, NodeValue, Source, SourceMap};
use crate::diagnostic::{Diagnostic, Report};
use crate::error::Error;

/// Longest `extends` chain; deeper is almost certainly a mistake.
const MAX_EXTENDS_DEPTH: usize = 16;

/// A profile as read: the merged document, where each field came from, and the files read.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The merged document.
    pub value: Value,
    /// JSON pointer → location.
    pub map: SourceMap,
    /// The profile first, then each profile it extends.
    pub sources: Vec<Source>,
    /// Problems found while merging that leave the document whole (a locked setting
    /// loosened), located: validation reports them with the rest.
    pub problems: Vec<Diagnostic>,
}

impl Loaded {
    /// The overlay directory `templates` names, relative to the file that wrote it (a profile
    /// or one it extends).
    pub fn templates_dir(&self, templates: &str) -> std::path::PathBuf {
        let source = self
            .map
            .value("/templates")
            .and_then(|l| self.sources.get(l.source));
        let base = source
            .and_then(|s| s.path.parent())
            .unwrap_or(std::path::Path::new(""));
        base.join(templates)
    }

    /// A report over this profile's sources, its diagnostics in reading order: by file (the
    /// profile, then each it extends), line and column; those about no place in a file first.
    pub fn report(&self, mut diagnostics: Vec<Diagnostic>) -> Report {
        diagnostics.sort_by_key(|d| d.location.map(|l| (l.source, l.line, l.column)));
        Report {
            sources: self.sources.clone(),
            diagnostics,
        }
    }
}

/// Largest profile mlzone reads; real profiles are a few kilobytes.
pub(crate) const MAX_PROFILE_BYTES: u64 = 1024 * 1024;

/// Why a profile file could not be taken as text.
enum Unreadable {
    Io(std::io::Error),
    TooLarge(u64),
    /// A directory, device, FIFO or socket (what it is): it has no end to read to, or reading
    /// it would wait for a writer.
    NotAFile(&'static str),
    NotText {
        line: usize,
        column: usize,
    },
}

impl Unreadable {
    fn describe(&self, written: &str) -> (String, &'static str) {
        match self {
            Unreadable::Io(error) => (
                format!("cannot read `{written}`: {error}"),
                "the path is relative to the file that names it",
            ),
            Unreadable::TooLarge(bytes) => (
                format!(
                    "`{written}` is {bytes} bytes; mlzone reads profiles of up to {MAX_PROFILE_BYTES} bytes"
                ),
                "a profile is a few kilobytes of YAML; check that the path names the profile",
            ),
            Unreadable::NotAFile(kind) => (
                format!("`{written}` is not a regular file but {kind}"),
                "name the profile's YAML file; mlzone reads profiles only from regular files",
            ),
            Unreadable::NotText { line, column } => (
                format!("`{written}` is not UTF-8 text (line {line}, column {column})"),
                "save the profile as UTF-8",
            ),
        }
    }
}

/// The text of a profile file, within the size limit and valid UTF-8. Only a regular file is
/// read: it is looked at before it is opened, since opening a FIFO waits for a writer, and again
/// once open, in case it was swapped in between.
fn read_text(path: &Path) -> Result<String, Unreadable> {
    use std::io::Read as _;
    regular(&std::fs::metadata(path).map_err(Unreadable::Io)?)?;
    let file = std::fs::File::open(path).map_err(Unreadable::Io)?;
    regular(&file.metadata().map_err(Unreadable::Io)?)?;
    let mut bytes = Vec::new();
    file.take(MAX_PROFILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(Unreadable::Io)?;
    if bytes.len() as u64 > MAX_PROFILE_BYTES {
        let size = std::fs::metadata(path).map_or(bytes.len() as u64, |m| m.len());
        return Err(Unreadable::TooLarge(size));
    }
    String::from_utf8(bytes).map_err(|error| {
        let valid = &error.as_bytes()[..error.utf8_error().valid_up_to()];
        let text = String::from_utf8_lossy(valid);
        let line = text.matches('\n').count() + 1;
        let column = text.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        Unreadable::NotText { line, column }
    })
}

/// A regular file's `metadata`, or what the file is instead.
fn regular(metadata: &std::fs::Metadata) -> Result<(), Unreadable> {
    let kind = metadata.file_type();
    if kind.is_file() {
        return Ok(());
    }
    if kind.is_dir() {
        return Err(Unreadable::NotAFile("a directory"));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt as _;
        if kind.is_fifo() {
            return Err(Unreadable::NotAFile("a pipe (FIFO)"));
        }
        if kind.is_char_device() || kind.is_block_device() {
            return Err(Unreadable::NotAFile("a device"));
        }
        if kind.is_socket() {
            return Err(Unreadable::NotAFile("a socket"));
        }
    }
    Err(Unreadable::NotAFile("a special file"))
}

/// Read the profile at `path` and everything it extends.
pub fn load(path: &Path) -> Result<Loaded, Error> {
    match read_text(path) {
        Ok(text) => load_str(path, text),
        Err(Unreadable::Io(source)) => Err(Error::Read {
            path: path.to_owned(),
            source,
        }),
        Err(problem) => {
            let (message, help) = problem.describe(&path.display().to_string());
            let source = Source {
                name: path.display().to_string(),
                path: path.to_owned(),
                text: String::new(),
            };
            Err(Error::Invalid(Report {
                sources: vec![source],
                diagnostics: vec![Diagnostic::error("unreadable", "", message).help(help)],
            }))
        }
    }
}

/// Like [`load`], with the top file's text already in hand.
pub fn load_str(path: &Path, text: String) -> Result<Loaded, Error> {
    let mut loader = Loader::default();
    let root = loader.source(path.display().to_string(), path.to_owned(), text);
    match loader.resolve(root, &mut Vec::new()) {
        Some(node) if loader.errors.is_empty() => {
            let (value, map) = node.into_json();
            Ok(Loaded {
                value,
                map,
                sources: loader.sources,
                problems: loader.problems,
            })
        }
        _ => {
            let mut diagnostics = loader.errors;
            diagnostics.extend(loader.problems);
            Err(Error::Invalid(Report {
                sources: loader.sources,
                diagnostics,
            }))
        }
    }
}

#[derive(Default)]
struct Loader {
    sources: Vec<Source>,
    /// Problems that leave no document to check.
    errors: Vec<Diagnostic>,
    /// Problems that leave the document whole: [`Loaded::problems`].
    problems: Vec<Diagnostic>,
}

impl Loader {
    fn source(&mut self, name: String, path: PathBuf, text: String) -> usize {
        self.sources.push(Source { name, path, text });
        self.sources.len() - 1
    }

    /// Parse source `id`, then overlay it on the profile it extends, if any. `chain` holds the
    /// canonical paths of the files being resolved, to catch cycles.
    fn resolve(&mut self, id: usize, chain: &mut Vec<PathBuf>) -> Option<Node> {
        let node = match parse(&self.sources[id].text, id) {
            Ok(node) => node,
            Err(errors) => {
                self.errors.extend(errors);
                return None;
            }
        };
        let Some(extends) = node.get("extends") else {
            return Some(node);
        };
        let NodeValue::Scalar(Value::String(target)) = &extends.value else {
            // The schema reports a wrong type; nothing to follow.
            return Some(node);
        };
        let location = extends.loc;
        let here = &self.sources[id].path;
        let target_path = here.parent().unwrap_or(Path::new("")).join(target);
        let canonical = std::fs::canonicalize(here).unwrap_or_else(|_| here.clone());
        chain.push(canonical);
        let base = self.base(&target_path, target, location, chain);
        chain.pop();
        let base = base?;
        let mut merged = node.merged_over(base.clone());
        let violations = locks::enforce(&base, &mut merged, &self.sources);
        self.problems.extend(violations);
        Some(merged)
    }

    fn base(
        &mut self,
        path: &Path,
        written: &str,
        location: super::Location,
        chain: &mut Vec<PathBuf>,
    ) -> Option<Node> {
        let fail = |message: String, help: &str| {
            Diagnostic::error("extends", "/extends", message)
                .at(location)
                .help(help)
        };
        let read = std::fs::canonicalize(path)
            .map_err(Unreadable::Io)
            .and_then(|canonical| Ok((read_text(path)?, canonical)));
        let problem = match &read {
            Err(problem) => {
                let (message, help) = problem.describe(written);
                Some(fail(format!("base profile: {message}"), help))
            }
            Ok(_) if chain.len() >= MAX_EXTENDS_DEPTH => Some(fail(
                format!("`extends` chain is deeper than {MAX_EXTENDS_DEPTH} profiles"),
                "extend a golden profile directly instead of through many levels",
            )),
            Ok((_, canonical)) if chain.contains(canonical) => Some(fail(
                format!("cycle: `{written}` is already being extended"),
                "a profile cannot extend itself, directly or through another profile",
            )),
            Ok(_) => None,
        };
        let (text, _) = match (problem, read) {
            (None, Ok(read)) => read,
            (problem, _) => {
                self.errors.extend(problem);
                return None;
            }
        };
        let id = self.source(tidy(path).display().to_string(), path.to_owned(), text);
        self.resolve(id, chain)
    }
}

/// Base profiles parsed so far, by source number and text. The profiles of a fleet extend a
/// few golden profiles: each is parsed once per process, not once per profile that extends it.
static BASES: LazyLock<Mutex<HashMap<(usize, String), Node>>> = LazyLock::new(Mutex::default);

/// Most base profiles kept parsed; a fleet has a handful.
const MAX_BASES: usize = 64;

/// Source `id`'s `text` parsed: a base profile (any source but the first) from [`BASES`] when
/// it was parsed before.
fn parse(text: &str, id: usize) -> Result<Node, Vec<Diagnostic>> {
    if id == 0 {
        return source_map::parse(text, id);
    }
    let key = (id, text.to_owned());
    let bases = || BASES.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(node) = bases().get(&key) {
        return Ok(node.clone());
    }
    let node = source_map::parse(text, id)?;
    let mut bases = bases();
    if bases.len() < MAX_BASES {
        bases.insert(key, node.clone());
    }
    Ok(node)
}

/// `a/b/../c` → `a/c`, lexically, so messages name base profiles the way people would.
pub(crate) fn tidy(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir
                if matches!(out.components().next_back(), Some(Component::Normal(_))) =>
            {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_base_profile_parsed_before_reads_back_the_same() {
        let text = "project: a-base-read-twice\nregions:\n  primary: westeurope\n";
        let (first, first_map) = parse(text, 1).expect("parses").into_json();
        assert!(
            BASES
                .lock()
                .expect("not poisoned")
                .contains_key(&(1, text.to_owned()))
        );
        let (second, second_map) = parse(text, 1).expect("parses").into_json();
        assert_eq!(first, second);
        let at = first_map.value("/regions/primary").expect("located");
        assert_eq!(second_map.value("/regions/primary"), Some(at));
        assert_eq!((at.source, at.line), (1, 3));
    }

    #[test]
    fn base_paths_are_tidied_for_messages() {
        assert_eq!(
            tidy(Path::new("examples/x/../../profiles/a.yaml")),
            PathBuf::from("profiles/a.yaml")
        );
        assert_eq!(
            tidy(Path::new("../a/./b.yaml")),
            PathBuf::from("../a/b.yaml")
        );
        assert_eq!(
            tidy(Path::new("/abs/x/../y.yaml")),
            PathBuf::from("/abs/y.yaml")
        );
    }
}
