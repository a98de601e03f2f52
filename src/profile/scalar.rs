//! YAML scalars as JSON, shared by the profile loader and by `build.rs`, which turns the fact
//! files in `data/` into JSON the same way.

use saphyr::Scalar;
use serde_json::{Number, Value};

/// The JSON value of `scalar`; `None` for numbers JSON cannot hold (`.inf`, `.nan`).
pub(crate) fn to_json(scalar: &Scalar<'_>) -> Option<Value> {
    Some(match scalar {
        Scalar::Null => Value::Null,
        Scalar::Boolean(b) => Value::Bool(*b),
        Scalar::Integer(i) => Value::Number((*i).into()),
        Scalar::FloatingPoint(f) => Value::Number(Number::from_f64(f.into_inner())?),
        Scalar::String(s) => Value::String(s.to_string()),
    })
}

/// `scalar` as a mapping key; `None` for null.
pub(crate) fn key(scalar: &Scalar<'_>) -> Option<String> {
    match scalar {
        Scalar::String(s) => Some(s.to_string()),
        Scalar::Integer(i) => Some(i.to_string()),
        Scalar::Boolean(b) => Some(b.to_string()),
        Scalar::FloatingPoint(f) => Some(f.to_string()),
        Scalar::Null => None,
    }
}
