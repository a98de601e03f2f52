//! `mlzone schema`: the profile's JSON Schema, as committed in `schema/profile.schema.json`.

use crate::error::{EXIT_OK, Error};

pub(crate) fn run() -> Result<u8, Error> {
    outln!("{}", schema_text());
    Ok(EXIT_OK)
}

/// The schema as pretty JSON, exactly as committed.
pub(crate) fn schema_text() -> String {
    serde_json::to_string_pretty(crate::validate::profile_schema()).unwrap_or_default()
}
