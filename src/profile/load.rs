//! Reading a profile: the file, then the golden profiles it `extends`, merged into one JSON
//! value whose every field still knows the file, line and column it came from.

use std::path::{Path, PathBuf};

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
}

impl Loaded {
    /// A report over this profile's sources.
    pub fn report(&self, diagnostics: Vec<Diagnostic>) -> Report {
        Report {
            sources: self.sources.clone(),
            diagnostics,
        }
    }
}

/// Read the profile at `path` and everything it extends.
pub fn load(path: &Path) -> Result<Loaded, Error> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
        path: path.to_owned(),
        source,
    })?;
    load_str(path, text)
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
            })
        }
        _ => Err(Error::Invalid(Report {
            sources: loader.sources,
            diagnostics: loader.errors,
        })),
    }
}

#[derive(Default)]
struct Loader {
    sources: Vec<Source>,
    errors: Vec<Diagnostic>,
}

impl Loader {
    fn source(&mut self, name: String, path: PathBuf, text: String) -> usize {
        self.sources.push(Source { name, path, text });
        self.sources.len() - 1
    }

    /// Parse source `id`, then overlay it on the profile it extends, if any. `chain` holds the
    /// canonical paths of the files being resolved, to catch cycles.
    fn resolve(&mut self, id: usize, chain: &mut Vec<PathBuf>) -> Option<Node> {
        let node = match source_map::parse(&self.sources[id].text, id) {
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
        let errors = locks::enforce(&base, &mut merged, &self.sources);
        self.errors.extend(errors);
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
            .and_then(|canonical| Ok((std::fs::read_to_string(path)?, canonical)));
        let problem = match &read {
            Err(error) => Some(fail(
                format!("cannot read base profile `{written}`: {error}"),
                "the path is relative to the file that names it",
            )),
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

/// `a/b/../c` → `a/c`, lexically, so messages name base profiles the way people would.
fn tidy(path: &Path) -> PathBuf {
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
