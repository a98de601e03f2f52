//! The JSON Schema half of validation: the schema generated from the `Profile` types, compiled
//! once, and its errors turned into located diagnostics that say what was expected.

use std::sync::LazyLock;

use jsonschema::error::ValidationErrorKind;
use serde_json::Value;

use crate::diagnostic::{Diagnostic, did_you_mean, field_path, one_of};
use crate::profile::{Loaded, Profile, SourceMap};

static SCHEMA: LazyLock<Value> = LazyLock::new(|| {
    // Draft 7, subschemas inlined: what editors' YAML support knows best, with no `$ref`s to
    // resolve, here or in `schema_at`. Patterns avoid counted repetition (`{1,15}`), which
    // compiles to large automata; lengths are `minLength`/`maxLength` instead.
    let generator = schemars::generate::SchemaSettings::draft07()
        .with(|s| s.inline_subschemas = true)
        .into_generator();
    let mut schema =
        serde_json::to_value(generator.into_root_schema_for::<Profile>()).unwrap_or(Value::Null);
    non_nullable(&mut schema);
    required_unless_extending(&mut schema);
    schema
});

/// A profile that `extends` another may leave out what its base gives (`environment`,
/// `regions`, even `version`), so an editor shows it valid: the root's required fields apply
/// only to a profile without `extends`. [`check`] validates the merged profile, whose chain is
/// resolved, without its `extends`, so all of them are still required there.
fn required_unless_extending(schema: &mut Value) {
    let Some(root) = schema.as_object_mut() else {
        return;
    };
    let Some(required) = root.remove("required") else {
        return;
    };
    root.insert(
        "if".to_owned(),
        serde_json::json!({ "required": ["extends"] }),
    );
    root.insert(
        "else".to_owned(),
        serde_json::json!({ "required": required }),
    );
}

/// Optional fields may be left out, not written as `null`: drop the `null` alternatives
/// schemars adds for `Option<T>`, so errors inside an optional mapping point at the field at
/// fault instead of at "none of the alternatives matched".
fn non_nullable(node: &mut Value) {
    let is_null = |v: &Value| v.get("type").and_then(Value::as_str) == Some("null");
    if let Value::Object(map) = node {
        let real = match map.get("anyOf") {
            Some(Value::Array(branches)) if branches.len() == 2 && branches.iter().any(is_null) => {
                branches.iter().find(|b| !is_null(b)).cloned()
            }
            _ => None,
        };
        if let Some(Value::Object(real)) = real {
            map.remove("anyOf");
            for (key, value) in real {
                map.entry(key).or_insert(value);
            }
        }
        if let Some(Value::Array(types)) = map.get_mut("type") {
            types.retain(|t| t.as_str() != Some("null"));
            if types.len() == 1 {
                let only = types.remove(0);
                map.insert("type".to_owned(), only);
            }
        }
        for value in map.values_mut() {
            non_nullable(value);
        }
    } else if let Value::Array(items) = node {
        for item in items {
            non_nullable(item);
        }
    }
}

/// The committed `schema/profile.schema.json`, which a test keeps equal to [`profile_schema`]:
/// validating with it spares each run generating the schema from the types.
static COMMITTED: LazyLock<Value> = LazyLock::new(|| {
    serde_json::from_str(include_str!("../../schema/profile.schema.json"))
        .unwrap_or_else(|e| panic!("schema/profile.schema.json is not JSON: {e}"))
});

/// The committed schema, compiled into Rust when the crate is built: a run checks a profile
/// without building a validator first (which cost more than the check itself).
#[jsonschema::validator(path = "schema/profile.schema.json")]
struct ProfileValidator;

/// The profile's JSON Schema, generated from the `Profile` types.
pub fn profile_schema() -> &'static Value {
    &SCHEMA
}

/// A value the schema rejected, or a required one that is missing: the semantic rules run on
/// the rest of the profile, with this value left out or, where the schema allows values that
/// can stand in for it, with each of them in turn.
#[derive(Debug)]
pub(super) struct Hole {
    /// JSON pointer of the value.
    pub(super) pointer: String,
    /// Values that stand in for it: an enum's values, a boolean's two, a number's bounds, or a
    /// scalar written where text was expected as that text; empty when there are none.
    pub(super) choices: Vec<Value>,
    /// An unknown key: the types have no place for it at all.
    pub(super) unknown: bool,
}

impl Hole {
    /// The hole at `pointer`, where `written` was found (if anything); `texts` stand in for
    /// text the author left out.
    fn at(pointer: String, written: Option<&Value>, texts: &[Value]) -> Hole {
        let choices = schema_at(&pointer)
            .map(|node| stand_ins(node, written, texts))
            .unwrap_or_default();
        Hole {
            pointer,
            choices,
            unknown: false,
        }
    }
}

/// Most texts that stand in for a missing one: a profile has a few dozen.
const MAX_TEXTS: usize = 64;

/// Texts that stand in for one the author left out (a list item's missing `name`): a text
/// no field has, then each short text the profile holds, since a rule can only compare the
/// missing text with another field's. A finding that holds for each is not about it.
fn texts(document: &Value) -> Vec<Value> {
    fn walk(value: &Value, out: &mut Vec<Value>) {
        match value {
            _ if out.len() >= MAX_TEXTS => {}
            Value::String(s) if s.chars().count() <= 64 && !out.contains(value) => {
                out.push(value.clone());
            }
            Value::Array(items) => items.iter().for_each(|v| walk(v, out)),
            Value::Object(map) => map.values().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    let mut out = vec![Value::String("mlzone-stand-in".to_owned())];
    walk(document, &mut out);
    out
}

/// Values of `node`'s type that can stand in for a rejected or missing one: findings that
/// hold for each of them do not depend on it. A mapping's are mappings of its required keys'
/// stand-ins, so a list item written as something else keeps its place in the list.
fn stand_ins(node: &Value, written: Option<&Value>, texts: &[Value]) -> Vec<Value> {
    let options = choices(node);
    if !options.is_empty() {
        return options;
    }
    let bound = |key: &str| node.get(key).and_then(Value::as_u64);
    match types_of(node).as_slice() {
        ["boolean"] => vec![Value::Bool(false), Value::Bool(true)],
        ["integer"] => {
            let low = bound("minimum").unwrap_or(0);
            let high = bound("maximum").unwrap_or(low + 1);
            vec![low.into(), high.into()]
        }
        ["string"] => match written {
            Some(Value::Number(n)) => vec![Value::String(n.to_string())],
            Some(Value::Bool(b)) => vec![Value::String(b.to_string())],
            // Written text stays as it is.
            Some(Value::String(_)) => Vec::new(),
            _ => texts.to_vec(),
        },
        ["object"] => mappings(node, texts),
        _ => Vec::new(),
    }
}

/// Mappings of `node`'s required keys, each key taking its stand-ins in turn; none when a
/// required key has none.
fn mappings(node: &Value, texts: &[Value]) -> Vec<Value> {
    let required = node.get("required").and_then(Value::as_array);
    let mut keys = Vec::new();
    for key in required.into_iter().flatten().filter_map(Value::as_str) {
        let Some(child) = node.get("properties").and_then(|p| p.get(key)) else {
            return Vec::new();
        };
        let values = stand_ins(child, None, texts);
        if values.is_empty() {
            return Vec::new();
        }
        keys.push((key, values));
    }
    let count = keys.iter().map(|(_, v)| v.len()).max().unwrap_or(1);
    (0..count)
        .map(|n| {
            let map = keys
                .iter()
                .map(|(key, values)| ((*key).to_owned(), values[n % values.len()].clone()))
                .collect();
            Value::Object(map)
        })
        .collect()
}

/// Every schema violation of the loaded profile, located, and the holes they leave.
pub(super) fn check(loaded: &Loaded) -> (Vec<Diagnostic>, Vec<Hole>) {
    let map = &loaded.map;
    let mut out: Vec<Diagnostic> = Vec::new();
    let mut holes: Vec<Hole> = Vec::new();
    let texts = std::cell::OnceCell::new();
    let texts = || texts.get_or_init(|| self::texts(&loaded.value)).as_slice();
    // The merged profile is complete: its `extends` is spent, so every required field is due.
    let mut merged = std::borrow::Cow::Borrowed(&loaded.value);
    if loaded.value.get("extends").is_some()
        && let Some(fields) = merged.to_mut().as_object_mut()
    {
        fields.remove("extends");
    }
    for error in ProfileValidator::iter_errors(&merged) {
        let pointer = error.instance_path().to_string();
        let instance = error.instance();
        let new = match error.kind() {
            ValidationErrorKind::AdditionalProperties { unexpected } => {
                for key in unexpected {
                    let d = unknown_key(&pointer, key, map);
                    holes.push(Hole {
                        pointer: d.pointer.clone(),
                        choices: Vec::new(),
                        unknown: true,
                    });
                    out.push(d);
                }
                continue;
            }
            ValidationErrorKind::Required { property } => {
                let name = property.as_str().unwrap_or_default();
                let key = name.replace('~', "~0").replace('/', "~1");
                holes.push(Hole::at(format!("{pointer}/{key}"), None, texts()));
                let mut d = Diagnostic::error(
                    "missing-key",
                    &pointer,
                    format!("missing required key `{name}`"),
                );
                if let Some(description) =
                    schema_at(&format!("{pointer}/{name}")).and_then(description)
                {
                    d = d.help(format!("add `{name}`: {description}"));
                }
                match map.key(&pointer) {
                    Some(location) => d.at(location),
                    None => d,
                }
            }
            kind => {
                holes.push(Hole::at(pointer.clone(), Some(instance), texts()));
                value_problem(&pointer, instance, kind, loaded)
            }
        };
        if !out
            .iter()
            .any(|d| d.pointer == new.pointer && d.code == new.code)
        {
            out.push(new);
        }
    }
    (out, holes)
}

fn unknown_key(pointer: &str, key: &str, map: &SourceMap) -> Diagnostic {
    let child = format!("{pointer}/{}", key.replace('~', "~0").replace('/', "~1"));
    let known = properties(pointer);
    let parent = field_path(pointer);
    let mut d = Diagnostic::error(
        "unknown-key",
        &child,
        if pointer.is_empty() {
            format!("unknown key `{key}`")
        } else {
            format!("unknown key `{key}` in `{parent}`")
        },
    );
    d = match did_you_mean(key, known.iter().map(String::as_str)) {
        Some(suggestion) => d.help(format!("did you mean `{suggestion}`?")),
        None => d.help(format!("expected one of {}", one_of(&known))),
    };
    match map.key(&child) {
        Some(location) => d.at(location),
        None => d,
    }
}

/// A value that breaks its schema: say what was expected, from the schema itself.
fn value_problem(
    pointer: &str,
    instance: &Value,
    kind: &ValidationErrorKind,
    loaded: &Loaded,
) -> Diagnostic {
    let node = schema_at(pointer);
    let location = loaded.map.value(pointer);
    let located = |d: Diagnostic| {
        let d = if d.help.is_none() {
            d.help("`mlzone schema` documents what this field takes")
        } else {
            d
        };
        match location {
            Some(location) => d.at(location),
            None => d,
        }
    };
    // Quote a scalar as the user wrote it (`.inf`, `1e3`, a number too big for 64 bits).
    let written = location
        .filter(|_| !instance.is_array() && !instance.is_object() && !instance.is_string())
        .and_then(|l| {
            loaded
                .sources
                .get(l.source)?
                .text
                .get(l.offset..l.offset + l.len)
        })
        .filter(|w| !w.contains('\n') && w.chars().count() <= 60)
        .map(|w| format!("`{}`", w.escape_debug()));
    let shown = written.clone().unwrap_or_else(|| short(instance));
    if let Some(options) = node.and_then(enum_options) {
        let found = shown.clone();
        let mut d = Diagnostic::error(
            "not-allowed",
            pointer,
            format!(
                "{found} is not allowed, expected one of {}",
                one_of(&options)
            ),
        );
        if let Some(s) = instance
            .as_str()
            .and_then(|s| did_you_mean(s, options.iter().map(String::as_str)))
        {
            d = d.help(format!("did you mean `{s}`?"));
        } else {
            d = d.help("use one of the values listed; `mlzone schema` documents each");
        }
        return located(d);
    }
    let expected = node.map(expected_type).unwrap_or_default();
    let maximum = node.and_then(|n| n.get("maximum"));
    let integral = written.as_deref().is_some_and(|w| {
        w.trim_matches('`')
            .trim_start_matches(['-', '+'])
            .bytes()
            .all(|b| b.is_ascii_digit())
    });
    if let (Some(maximum), true, true) = (maximum, integral, instance.is_f64()) {
        // A whole number beyond 64 bits arrives as a float.
        let mut d = Diagnostic::error(
            "invalid-value",
            pointer,
            format!("{shown} is too large, at most {maximum} is allowed"),
        );
        if let Some(description) = node.and_then(description) {
            d = d.help(description);
        }
        return located(d);
    }
    if !expected.is_empty() && !type_matches(node, instance) {
        let found = match (&written, instance) {
            (Some(w), Value::Number(_)) => format!("the number {w}"),
            _ => type_name(instance),
        };
        let mut d = Diagnostic::error(
            "wrong-type",
            pointer,
            format!("expected {expected}, found {found}"),
        );
        if let Some(description) = node.and_then(description) {
            d = d.help(description);
        }
        return located(d);
    }
    let message = match kind {
        ValidationErrorKind::Pattern { .. } => {
            format!("{shown} does not have the expected form")
        }
        ValidationErrorKind::MaxLength { limit } => format!(
            "{shown} is {} characters long, at most {limit} are allowed",
            instance.as_str().map_or(0, |s| s.chars().count())
        ),
        ValidationErrorKind::MinLength { limit } => {
            let are = if *limit == 1 { "is" } else { "are" };
            format!(
                "{shown} is too short, at least {} {are} needed",
                counted(*limit, "character")
            )
        }
        ValidationErrorKind::Maximum { limit } => {
            format!("{shown} is too large, at most {limit} is allowed")
        }
        ValidationErrorKind::Minimum { limit } => {
            format!("{shown} is too small, at least {limit} is needed")
        }
        ValidationErrorKind::MinItems { limit } => {
            format!("needs at least {}", counted(*limit, "item"))
        }
        _ => format!("{shown} is not valid here"),
    };
    let mut d = Diagnostic::error("invalid-value", pointer, message);
    if let Some(description) = node.and_then(description) {
        d = d.help(description);
    }
    located(d)
}

/// Whether the schema has a field at JSON pointer `pointer`.
pub(super) fn field_exists(pointer: &str) -> bool {
    schema_at(pointer).is_some()
}

/// The schema node that governs the value at `pointer`. Subschemas are inlined, so the walk
/// follows `properties`, `items` and map values and nothing else.
fn schema_at(pointer: &str) -> Option<&'static Value> {
    let mut node: &'static Value = &COMMITTED;
    for segment in pointer.split('/').skip(1) {
        let segment = segment.replace("~1", "/").replace("~0", "~");
        node = node
            .get("properties")
            .and_then(|p| p.get(&segment))
            .or_else(|| node.get("items"))
            .or_else(|| node.get("additionalProperties").filter(|v| v.is_object()))?;
    }
    Some(node)
}

fn properties(pointer: &str) -> Vec<String> {
    schema_at(pointer)
        .and_then(|n| n.get("properties"))
        .and_then(Value::as_object)
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default()
}

/// The values an enum node allows, as JSON values; empty for any other node.
fn choices(node: &Value) -> Vec<Value> {
    if let Some(Value::Array(values)) = node.get("enum") {
        return values.clone();
    }
    let Some(Value::Array(branches)) = node.get("oneOf") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for branch in branches {
        match (branch.get("const"), branch.get("enum")) {
            (Some(c), _) => out.push(c.clone()),
            (None, Some(Value::Array(values))) => out.extend(values.iter().cloned()),
            _ => return Vec::new(),
        }
    }
    out
}

fn enum_options(node: &Value) -> Option<Vec<String>> {
    let options = choices(node);
    (!options.is_empty()).then(|| options.iter().map(plain).collect())
}

/// `1 character`, `3 characters`.
fn counted(n: u64, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

fn description(node: &Value) -> Option<String> {
    node.get("description")
        .and_then(Value::as_str)
        .map(|d| d.replace('\n', " "))
}

fn types_of(node: &Value) -> Vec<&str> {
    match node.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

fn expected_type(node: &Value) -> String {
    let names: Vec<&str> = types_of(node)
        .into_iter()
        .filter(|t| *t != "null")
        .map(|t| match t {
            "string" => "text",
            "integer" => "a whole number",
            "number" => "a number",
            "boolean" => "`true` or `false`",
            "array" => "a list",
            "object" => "a mapping of keys to values",
            other => other,
        })
        .collect();
    names.join(" or ")
}

fn type_matches(node: Option<&Value>, instance: &Value) -> bool {
    let Some(node) = node else { return true };
    let types = types_of(node);
    types.is_empty()
        || types.iter().any(|t| match *t {
            "string" => instance.is_string(),
            "integer" => instance.is_i64() || instance.is_u64(),
            "number" => instance.is_number(),
            "boolean" => instance.is_boolean(),
            "array" => instance.is_array(),
            "object" => instance.is_object(),
            "null" => instance.is_null(),
            _ => true,
        })
}

fn type_name(value: &Value) -> String {
    match value {
        Value::Null => "nothing (null)".to_owned(),
        Value::Bool(b) => format!("`{b}`"),
        Value::Number(n) => format!("the number `{n}`"),
        Value::String(s) => format!("the text {}", short(&Value::String(s.clone()))),
        Value::Array(_) => "a list".to_owned(),
        Value::Object(_) => "a mapping".to_owned(),
    }
}

fn plain(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A value quoted for a message, cut short when long.
fn short(value: &Value) -> String {
    let text = plain(value);
    let cut: String = text.chars().take(60).collect();
    let cut = cut.escape_debug().to_string();
    if text.chars().count() > 60 {
        format!("`{cut}…`")
    } else {
        format!("`{cut}`")
    }
}
