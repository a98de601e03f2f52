//! User-facing problems with a profile: each names the field, what was expected, a hint and,
//! through the source map, `file:line:col` with a snippet. One reporter renders them all,
//! as text (miette) or as JSON.

use std::fmt::Write as _;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic, NamedSource};
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

    /// Render for a terminal (`color`) or a log.
    pub fn render(&self, color: bool) -> String {
        let theme = if color {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        let handler = GraphicalReportHandler::new_themed(theme)
            .with_width(100)
            .with_links(false);
        let mut out = String::new();
        for (i, diagnostic) in self.diagnostics.iter().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            let rendered = self.to_miette(diagnostic);
            let report = match diagnostic.location.and_then(|l| self.sources.get(l.source)) {
                Some(source) => miette::Report::new(rendered).with_source_code(
                    NamedSource::new(&source.name, source.text.clone()).with_language("yaml"),
                ),
                None => miette::Report::new(rendered),
            };
            if handler.render_report(&mut out, report.as_ref()).is_err() {
                let _ = writeln!(out, "{}: {}", diagnostic.field(), diagnostic.message);
            }
        }
        out
    }

    fn to_miette(&self, diagnostic: &Diagnostic) -> MietteDiagnostic {
        let severity = match diagnostic.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        };
        let mut out =
            MietteDiagnostic::new(format!("`{}`: {}", diagnostic.field(), diagnostic.message))
                .with_severity(severity);
        if let Some(location) = diagnostic.location {
            out = out.with_label(LabeledSpan::new_primary_with_span(
                None,
                (location.offset, location.len),
            ));
        }
        if let Some(help) = &diagnostic.help {
            out = out.with_help(help);
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
