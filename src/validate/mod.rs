//! Stage 2: every problem of a loaded profile, each located. First the JSON Schema (types,
//! required and unknown keys), then the semantic rules on the typed profile. Warnings never
//! fail validation.

mod rules;
mod schema;

pub use schema::profile_schema;

use jiff::civil::Date;
use serde_json::Value;

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
    let (schema, holes) = schema::check(loaded);
    let mut diagnostics = loaded.problems.clone();
    diagnostics.extend(schema);
    match typed(&loaded.value, &holes, today) {
        Ok((profile, semantic)) => {
            diagnostics.extend(semantic.into_iter().map(|d| locate(d, loaded)));
            diagnostics.extend(missing_overlay(loaded, &profile).map(|d| locate(d, loaded)));
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

/// An error when the profile's `templates:` names no directory: `generate` would stop there.
fn missing_overlay(loaded: &Loaded, profile: &Profile) -> Option<Diagnostic> {
    let written = profile.templates.as_deref()?;
    (!loaded.templates_dir(written).is_dir()).then(|| {
        Diagnostic::error(
            "templates",
            "/templates",
            format!(
                "`{}` is not a directory of templates",
                written.escape_debug()
            ),
        )
        .help("the overlay directory is relative to the file that names it: create it or correct the path")
    })
}

/// Deepest a rejected value's removal climbs (a field, its list item, the list, ...).
const MAX_CLIMB: usize = 4;

/// The typed profile and the semantic rules' findings on it. Where the schema rejected values
/// (`holes`), the rules run on the rest of the profile, so the author sees every problem in one
/// pass, but never judge what the author did not write: a value the schema lists the choices
/// of is tried with each choice in turn, and only findings that hold for every choice are
/// kept; any other rejected value stays while it still types, else goes (with its enclosing
/// field or list, as far as needed); no finding at or under a rejected value is kept.
fn typed(
    value: &Value,
    holes: &[schema::Hole],
    today: Date,
) -> Result<(Profile, Vec<Diagnostic>), serde_json::Error> {
    let variants = holes
        .iter()
        .map(|h| h.choices.len())
        .max()
        .unwrap_or(1)
        .max(1);
    let mut first_error = None;
    // `None`: rejected values stay where they type; `Some(n)`: they go, `n` levels up.
    for climb in std::iter::once(None).chain((0..=MAX_CLIMB).map(Some)) {
        let mut left_out: Vec<String> = holes.iter().map(|h| h.pointer.clone()).collect();
        let mut profiles = Vec::with_capacity(variants);
        for variant in 0..variants {
            let mut filled = value.clone();
            for hole in holes {
                if let Some(choice) = hole.choices.get(variant % hole.choices.len().max(1)) {
                    set(&mut filled, &hole.pointer, choice.clone());
                } else if hole.unknown || climb.is_some() {
                    let up = climb.unwrap_or(0);
                    left_out.extend(leave_out(&mut filled, &hole.pointer, up));
                }
            }
            match serde_json::from_value::<Profile>(filled) {
                Ok(profile) => profiles.push(profile),
                Err(error) => {
                    first_error.get_or_insert(error);
                    break;
                }
            }
        }
        if profiles.len() < variants {
            continue;
        }
        let mut found: Option<Vec<Diagnostic>> = None;
        for profile in &profiles {
            let these = rules::check(profile, today);
            found = Some(match found {
                None => these,
                Some(kept) => kept.into_iter().filter(|d| these.contains(d)).collect(),
            });
        }
        let found = found
            .unwrap_or_default()
            .into_iter()
            .filter(|d| !left_out.iter().any(|p| at_or_under(&d.pointer, p)))
            .collect();
        let profile = profiles.swap_remove(0);
        return Ok((profile, found));
    }
    Err(first_error.unwrap_or_else(|| serde::de::Error::custom("the profile does not type")))
}

/// Whether `pointer` is `parent` or inside it.
fn at_or_under(pointer: &str, parent: &str) -> bool {
    pointer
        .strip_prefix(parent)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// Put `choice` at `pointer`, whose parent mapping or list exists.
fn set(value: &mut Value, pointer: &str, choice: Value) {
    let Some((parent, key)) = pointer.rsplit_once('/') else {
        return;
    };
    match value.pointer_mut(parent) {
        Some(Value::Object(map)) => {
            map.insert(unescape(key), choice);
        }
        Some(Value::Array(items)) => {
            if let Some(item) = key.parse().ok().and_then(|i: usize| items.get_mut(i)) {
                *item = choice;
            }
        }
        _ => {}
    }
}

/// Remove the value at `pointer`, `up` levels higher; a list item goes with its whole list, so
/// the other items keep their indexes. The pointer removed, if any.
fn leave_out(value: &mut Value, pointer: &str, up: usize) -> Option<String> {
    let mut pointer = pointer;
    for _ in 0..up {
        pointer = pointer.rsplit_once('/')?.0;
    }
    while let Some((parent, key)) = pointer.rsplit_once('/') {
        match value.pointer_mut(parent) {
            Some(Value::Object(map)) => {
                map.remove(&unescape(key));
                return Some(pointer.to_owned());
            }
            Some(Value::Array(_)) => pointer = parent,
            _ => return None,
        }
    }
    None
}

fn unescape(segment: &str) -> String {
    segment.replace("~1", "/").replace("~0", "~")
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
