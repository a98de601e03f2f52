//! User-facing problems with a profile: each names the field, what was expected, a hint and,
//! through the source map, `file:line:col` with a snippet. One reporter renders them all,
//! as text (miette) or as JSON.

use std::fmt::Write as _;

use annotate_snippets::renderer::DecorStyle;
use annotate_snippets::{AnnotationKind, Element, Group, Level, Renderer, Snippet};
use serde::Serialize;
use serde_json::{Value, json};

use crate::profile::{Location, Source};

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The profile cannot be used.
    Error,
    /// Worth a look; does not fail validation.
    Warning,
}

/// One problem with a profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// Short stable identifier of the rule, e.g. `unknown-key`.
    pub code: &'static str,
    /// JSON pointer of the field (`/network/outbound/0/fqdn`), empty for the whole profile.
    pub pointer: String,
    /// What is wrong, and what was expected.
    pub message: String,
    /// How to fix it.
    pub help: Option<String>,
    /// Where it was written.
    pub location: Option<Location>,
    /// Point at the field's key rather than its value (the key is what is wrong).
    pub on_key: bool,
}

impl Diagnostic {
    /// A new error about the field at `pointer`.
    pub fn error(code: &'static str, pointer: &str, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code,
            pointer: pointer.to_owned(),
            message: message.into(),
            help: None,
            location: None,
            on_key: false,
        }
    }

    /// A new warning about the field at `pointer`.
    pub fn warning(code: &'static str, pointer: &str, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, pointer, message)
        }
    }

    /// Set where it was written.
    pub fn at(mut self, location: Location) -> Self {
        self.location = Some(location);
        self
    }

    /// Point at the key of the field instead of its value.
    pub fn on_key(mut self) -> Self {
        self.on_key = true;
        self
    }

    /// Set the hint.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// The field as a user writes it: `network.outbound[0].fqdn`.
    pub fn field(&self) -> String {
        field_path(&self.pointer)
    }
}

/// `/network/outbound/0/fqdn` → `network.outbound[0].fqdn`.
pub fn field_path(pointer: &str) -> String {
    let mut out = String::new();
    for segment in pointer.split('/').skip(1) {
        let segment = segment.replace("~1", "/").replace("~0", "~");
        // A key with a line break or other control character must not break the message.
        let segment = if segment.chars().any(char::is_control) {
            segment.escape_debug().to_string()
        } else {
            segment
        };
        if !segment.is_empty() && segment.bytes().all(|b| b.is_ascii_digit()) {
            let _ = write!(out, "[{segment}]");
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(&segment);
        }
    }
    if out.is_empty() {
        "(profile)".to_owned()
    } else {
        out
    }
}

/// Diagnostics together with the sources they point into.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// The files read (the profile and the profiles it extends).
    pub sources: Vec<Source>,
    /// The problems, errors and warnings, in the order found.
    pub diagnostics: Vec<Diagnostic>,
}

impl Report {
    /// Number of diagnostics of `severity`.
    pub fn count(&self, severity: Severity) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    }

    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.count(Severity::Error) > 0
    }

    /// Render for a terminal (`color`) or a log: rustc style, `--> file:line:col`, the line
    /// with the field underlined, and the hint.
    pub fn render(&self, color: bool) -> String {
        let renderer = if color {
            Renderer::styled()
        } else {
            Renderer::plain()
        }
        .decor_style(DecorStyle::Unicode)
        .term_width(120);
        let mut out = String::new();
        for diagnostic in &self.diagnostics {
            let level = match diagnostic.severity {
                Severity::Error => Level::ERROR,
                Severity::Warning => Level::WARNING,
            };
            let message = if diagnostic.pointer.is_empty() {
                diagnostic.message.clone()
            } else {
                format!("`{}`: {}", diagnostic.field(), diagnostic.message)
            };
            let mut elements = Vec::new();
            if let Some((location, source)) = diagnostic
                .location
                .and_then(|l| self.sources.get(l.source).map(|s| (l, s)))
            {
                // Underline the first line of the field, and at most 200 bytes of it: a huge
                // value needs no huge underline.
                let line_end = source.text[location.offset.min(source.text.len())..]
                    .find('\n')
                    .map_or(source.text.len(), |n| location.offset + n);
                let mut end = (location.offset + location.len.min(200))
                    .min(line_end)
                    .max(location.offset)
                    .min(source.text.len());
                while !source.text.is_char_boundary(end) {
                    end -= 1;
                }
                elements.push(Element::from(
                    Snippet::source(source.text.as_str())
                        .path(source.name.as_str())
                        .line_start(1)
                        .fold(true)
                        .annotation(AnnotationKind::Primary.span(location.offset..end)),
                ));
            }
            if let Some(help) = &diagnostic.help {
                elements.push(Element::from(Level::HELP.message(help.as_str())));
            }
            let group =
                Group::with_title(level.primary_title(message.as_str()).id(diagnostic.code))
                    .elements(elements);
            out.push_str(&renderer.render(&[group]));
            out.push_str("\n\n");
        }
        out
    }

    /// The diagnostics as data: one object each with file, line, column and field.
    pub fn to_json(&self) -> Value {
        let items: Vec<Value> = self
            .diagnostics
            .iter()
            .map(|d| {
                let (file, line, column) = match d.location {
                    Some(l) => (
                        self.sources.get(l.source).map(|s| s.name.clone()),
                        Some(l.line),
                        Some(l.column),
                    ),
                    None => (None, None, None),
                };
                json!({
                    "severity": d.severity,
                    "code": d.code,
                    "field": d.field(),
                    "pointer": d.pointer,
                    "message": d.message,
                    "help": d.help,
                    "file": file,
                    "line": line,
                    "column": column,
                })
            })
            .collect();
        json!({
            "valid": !self.has_errors(),
            "errors": self.count(Severity::Error),
            "warnings": self.count(Severity::Warning),
            "diagnostics": items,
        })
    }
}

/// The closest of `candidates` to `word`, if close enough to be a likely typo.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| {
            (
                strsim::jaro_winkler(&word.to_lowercase(), &c.to_lowercase()),
                c,
            )
        })
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// `a`, `b`, `c` as a message list.
pub fn one_of<S: AsRef<str>>(items: impl IntoIterator<Item = S>) -> String {
    items
        .into_iter()
        .map(|s| format!("`{}`", s.as_ref()))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_paths_read_like_yaml() {
        assert_eq!(field_path(""), "(profile)");
        assert_eq!(
            field_path("/network/outbound/0/fqdn"),
            "network.outbound[0].fqdn"
        );
        assert_eq!(field_path("/tags/a~1b"), "tags.a/b");
    }

    #[test]
    fn suggestions_need_a_close_match() {
        let keys = ["retention_days", "regions", "registries"];
        assert_eq!(did_you_mean("retenton_days", keys), Some("retention_days"));
        assert_eq!(did_you_mean("zzz", keys), None);
    }
}
