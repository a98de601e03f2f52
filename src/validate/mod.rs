//! Stage 2: every problem of a loaded profile, each located. First the JSON Schema (types,
//! required and unknown keys), then the semantic rules on the typed profile. Warnings never
//! fail validation.

mod rules;
mod schema;

pub use schema::profile_schema;

use jiff::civil::Date;

use crate::diagnostic::{Diagnostic, Report};
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
    let mut diagnostics = schema::check(loaded);
    let schema_errors = diagnostics.len();
    // Values the schema rejects for their form (a pattern, a range) still deserialize, so
    // the semantic rules can run too and the author sees every problem in one pass.
    match serde_json::from_value::<Profile>(loaded.value.clone()) {
        Ok(profile) => {
            for d in rules::check(&profile, today) {
                // A field the schema already rejected needs no second message.
                if !diagnostics[..schema_errors]
                    .iter()
                    .any(|seen| seen.pointer == d.pointer)
                {
                    diagnostics.push(locate(d, loaded));
                }
            }
            let report = loaded.report(diagnostics);
            if report.has_errors() {
                return Err(Error::Invalid(report));
            }
            Ok(Validated {
                profile,
                warnings: report,
            })
        }
        Err(error) => {
            if diagnostics.is_empty() {
                // The schema mirrors the types, so this only happens if they disagree.
                let d = Diagnostic::error("invalid", "", error.to_string())
                    .help("please report this: the schema accepted what the types reject");
                diagnostics.push(locate(d, loaded));
            }
            Err(Error::Invalid(loaded.report(diagnostics)))
        }
    }
}

fn locate(d: Diagnostic, loaded: &Loaded) -> Diagnostic {
    if d.location.is_some() {
        return d;
    }
    let location = if d.on_key {
        loaded.map.key(&d.pointer)
    } else {
        loaded.map.value(&d.pointer)
    };
    match location {
        Some(location) => d.at(location),
        None => d,
    }
}
