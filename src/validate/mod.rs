//! Stage 2: every problem of a loaded profile, each located. First the JSON Schema (types,
//! required and unknown keys), then the semantic rules on the typed profile. Warnings never
//! fail validation.

mod rules;
mod schema;

pub use schema::profile_schema;

use jiff::civil::Date;

use crate::diagnostic::{Diagnostic, Report, Severity};
use crate::error::Error;
use crate::profile::{Loaded, Profile};

/// A profile that passed validation, with the warnings found on the way.
#[derive(Debug, Clone)]
pub struct Validated {
    /// The typed profile.
    pub profile: Profile,
    /// Warnings (no errors), located.
    pub warnings: Report,
}

/// Validate `loaded` as of `today` (waiver expiry, SKU retirement).
pub fn validate(loaded: &Loaded, today: Date) -> Result<Validated, Error> {
    let errors = schema::check(&loaded.value, &loaded.map);
    if !errors.is_empty() {
        return Err(Error::Invalid(loaded.report(errors)));
    }
    let profile: Profile = match serde_json::from_value(loaded.value.clone()) {
        Ok(profile) => profile,
        Err(error) => {
            // The schema mirrors the types, so this only happens if they disagree.
            let d = Diagnostic::error("invalid", "", error.to_string())
                .help("please report this: the schema accepted what the types reject");
            return Err(Error::Invalid(loaded.report(vec![locate(d, loaded)])));
        }
    };
    let diagnostics: Vec<Diagnostic> = rules::check(&profile, today)
        .into_iter()
        .map(|d| locate(d, loaded))
        .collect();
    let report = loaded.report(diagnostics);
    if report.has_errors() {
        return Err(Error::Invalid(report));
    }
    debug_assert!(
        report
            .diagnostics
            .iter()
            .all(|d| d.severity == Severity::Warning)
    );
    Ok(Validated {
        profile,
        warnings: report,
    })
}

fn locate(d: Diagnostic, loaded: &Loaded) -> Diagnostic {
    if d.location.is_some() {
        return d;
    }
    match loaded.map.value(&d.pointer) {
        Some(location) => d.at(location),
        None => d,
    }
}
