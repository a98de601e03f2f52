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
    // A value of the wrong type does not deserialize: without it (its default in its place)
    // the rest of the profile still can, so its semantic problems come in the same pass.
    let typed = serde_json::from_value::<Profile>(loaded.value.clone()).or_else(|error| {
        let rejected: Vec<&str> = diagnostics.iter().map(|d| d.pointer.as_str()).collect();
        serde_json::from_value::<Profile>(without(&loaded.value, &rejected)).map_err(|_| error)
    });
    match typed {
        Ok(profile) => {
            for d in rules::check(&profile, today) {
                // A field the schema already rejected needs no second message.
                if !diagnostics[..schema_errors].iter().any(|seen| {
                    d.pointer == seen.pointer
                        || d.pointer
                            .strip_prefix(seen.pointer.as_str())
                            .is_some_and(|rest| rest.starts_with('/'))
                }) {
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

/// `value` without the values at `pointers`; a list item goes with its whole list, so the
/// other items keep their indexes.
fn without(value: &serde_json::Value, pointers: &[&str]) -> serde_json::Value {
    let mut value = value.clone();
    for pointer in pointers {
        let mut pointer = *pointer;
        while let Some((parent, key)) = pointer.rsplit_once('/') {
            match value.pointer_mut(parent) {
                Some(serde_json::Value::Object(map)) => {
                    map.remove(&key.replace("~1", "/").replace("~0", "~"));
                    break;
                }
                Some(serde_json::Value::Array(_)) => pointer = parent,
                _ => break,
            }
        }
    }
    value
}

fn locate(mut d: Diagnostic, loaded: &Loaded) -> Diagnostic {
    if d.location.is_some() {
        return d;
    }
    // A rule that judged a default (a derived secondary address space) must not name a key the
    // author did not write as if they had: the diagnostic goes to the nearest field they wrote,
    // and says whose default it judged.
    if !d.pointer.is_empty() && !loaded.map.written(&d.pointer) {
        let mut ancestor = d.pointer.as_str();
        while let Some((parent, _)) = ancestor.rsplit_once('/') {
            ancestor = parent;
            if ancestor.is_empty() || loaded.map.written(ancestor) {
                break;
            }
        }
        d.message = format!(
            "the default of `{}` (not written in the profile): {}",
            crate::diagnostic::field_path(&d.pointer),
            d.message
        );
        d.pointer = ancestor.to_owned();
        d.on_key = true;
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
