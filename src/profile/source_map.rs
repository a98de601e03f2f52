//! YAML with positions: a span-preserving parse (saphyr) turned into a JSON value plus a map
//! from JSON pointer to source location, so schema and semantic checks can point at the line
//! a user wrote.

use std::collections::HashMap;
use std::path::PathBuf;

use saphyr::{LoadableYamlNode, MarkedYaml, YamlData};
use serde_json::{Map, Value};

use super::scalar;
use crate::diagnostic::Diagnostic;

/// A file that was read, kept for rendering snippets.
#[derive(Debug, Clone)]
pub struct Source {
    /// How the file is named in messages (the path as given).
    pub name: String,
    /// Where it was read from.
    pub path: PathBuf,
    /// Its text.
    pub text: String,
}

/// A place in a source: byte range plus 1-based line and column (in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Location {
    /// Index into the list of sources.
    pub source: usize,
    /// Byte offset of the start.
    pub offset: usize,
    /// Length in bytes.
    pub len: usize,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    value: Location,
    key: Option<Location>,
}

/// JSON pointer (`/network/outbound/0/fqdn`) → where the value (and its key) were written.
#[derive(Debug, Clone, Default)]
pub struct SourceMap {
    entries: HashMap<String, Entry>,
}

impl SourceMap {
    /// Location of the value at `pointer`, or of its nearest ancestor that exists.
    pub fn value(&self, pointer: &str) -> Option<Location> {
        self.nearest(pointer).map(|entry| entry.value)
    }

    /// Location of the key of the value at `pointer` (falls back to the value).
    pub fn key(&self, pointer: &str) -> Option<Location> {
        self.nearest(pointer)
            .map(|entry| entry.key.unwrap_or(entry.value))
    }

    /// Whether the value at `pointer` was written in a profile file (not a default).
    pub fn written(&self, pointer: &str) -> bool {
        self.entries.contains_key(pointer)
    }

    fn nearest(&self, pointer: &str) -> Option<Entry> {
        let mut pointer = pointer;
        loop {
            if let Some(entry) = self.entries.get(pointer) {
                return Some(*entry);
            }
            if pointer.is_empty() {
                return None;
            }
            pointer = pointer.rsplit_once('/').map_or("", |(parent, _)| parent);
        }
    }
}

/// A parsed YAML node with its location, before it is flattened to JSON. `extends` merges
/// these trees so every value keeps the location of the file that set it.
#[derive(Debug, Clone)]
pub(crate) struct Node {
    pub(crate) value: NodeValue,
    pub(crate) loc: Location,
    pub(crate) key_loc: Option<Location>,
}

#[derive(Debug, Clone)]
pub(crate) enum NodeValue {
    Scalar(Value),
    Seq(Vec<Node>),
    Map(Vec<(String, Node)>),
}

impl Node {
    /// The string value of a top-level key, with the key's node.
    pub(crate) fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            NodeValue::Map(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The node at JSON pointer `pointer` (`/network/mode`).
    pub(crate) fn at(&self, pointer: &str) -> Option<&Node> {
        let mut node = self;
        for segment in pointer.split('/').skip(1) {
            node = match &node.value {
                NodeValue::Map(entries) => {
                    entries.iter().find(|(k, _)| k == segment).map(|(_, v)| v)?
                }
                NodeValue::Seq(items) => items.get(segment.parse::<usize>().ok()?)?,
                NodeValue::Scalar(_) => return None,
            };
        }
        Some(node)
    }

    /// The JSON value of this node (without locations).
    pub(crate) fn to_value(&self) -> Value {
        self.clone().into_json().0
    }

    /// Mutable access to the entry `key` of a map node.
    pub(crate) fn entry_mut(&mut self, key: &str) -> Option<&mut Node> {
        match &mut self.value {
            NodeValue::Map(entries) => entries.iter_mut().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// Overlay `self` on `base`: maps merge key by key, anything else replaces.
    pub(crate) fn merged_over(self, base: Node) -> Node {
        match (self.value, base.value) {
            (NodeValue::Map(overlay), NodeValue::Map(mut entries)) => {
                for (key, node) in overlay {
                    match entries.iter_mut().find(|(k, _)| *k == key) {
                        Some((_, existing)) => {
                            let base = std::mem::replace(existing, node.clone());
                            *existing = node.merged_over(base);
                        }
                        None => entries.push((key, node)),
                    }
                }
                Node {
                    value: NodeValue::Map(entries),
                    loc: self.loc,
                    key_loc: self.key_loc,
                }
            }
            (value, _) => Node {
                value,
                loc: self.loc,
                key_loc: self.key_loc,
            },
        }
    }

    /// Flatten into a JSON value and the pointer map.
    pub(crate) fn into_json(self) -> (Value, SourceMap) {
        let mut map = SourceMap::default();
        let value = self.flatten(String::new(), &mut map);
        (value, map)
    }

    fn flatten(self, pointer: String, map: &mut SourceMap) -> Value {
        map.entries.insert(
            pointer.clone(),
            Entry {
                value: self.loc,
                key: self.key_loc,
            },
        );
        match self.value {
            NodeValue::Scalar(value) => value,
            NodeValue::Seq(items) => Value::Array(
                items
                    .into_iter()
                    .enumerate()
                    .map(|(i, item)| item.flatten(format!("{pointer}/{i}"), map))
                    .collect(),
            ),
            NodeValue::Map(entries) => {
                let mut object = Map::new();
                for (key, node) in entries {
                    let child = format!("{pointer}/{}", escape_pointer(&key));
                    object.insert(key, node.flatten(child, map));
                }
                Value::Object(object)
            }
        }
    }
}

fn escape_pointer(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// Line-start table to turn saphyr's character positions into byte offsets.
struct Lines<'a> {
    text: &'a str,
    starts: Vec<usize>,
    source: usize,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str, source: usize) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Lines {
            text,
            starts,
            source,
        }
    }

    /// Byte offset of 1-based `line`, 0-based character `col`.
    fn offset(&self, line: usize, col: usize) -> usize {
        let Some(&start) = self.starts.get(line.saturating_sub(1)) else {
            return self.text.len();
        };
        // Most profiles are ASCII, where characters are bytes: no need to walk the line.
        let bytes = self.text.as_bytes();
        if bytes.get(start..start + col).is_some_and(<[u8]>::is_ascii) {
            return start + col;
        }
        self.text[start..]
            .char_indices()
            .nth(col)
            .map_or(self.text.len(), |(i, _)| start + i)
    }

    fn location(&self, span: saphyr_parser::Span) -> Location {
        let (start, end) = (span.start, span.end);
        let offset = self.offset(start.line(), start.col());
        let end = self.offset(end.line(), end.col()).max(offset);
        Location {
            source: self.source,
            offset,
            len: end - offset,
            line: start.line(),
            column: start.col() + 1,
        }
    }

    fn point(&self, line: usize, col: usize) -> Location {
        let offset = self.offset(line, col);
        Location {
            source: self.source,
            offset,
            len: 0,
            line,
            column: col + 1,
        }
    }
}

/// Deepest nesting a profile may have; real profiles need five or six levels, and a limit
/// keeps hostile input from exhausting the stack.
pub(crate) const MAX_DEPTH: usize = 32;

/// Parse one YAML document of `text` (source number `source`) into a located tree.
pub(crate) fn parse(text: &str, source: usize) -> Result<Node, Vec<Diagnostic>> {
    let lines = Lines::new(text, source);
    let docs = MarkedYaml::load_from_str(text).map_err(|error| {
        let marker = error.marker();
        let mut at = lines.point(marker.line(), marker.col());
        if error.info().contains("tab") && text[..at.offset].ends_with('\t') {
            // Point at the tab itself, not the character after it.
            at = lines.point(marker.line(), marker.col().saturating_sub(1));
        }
        vec![
            Diagnostic::error("yaml-syntax", "", format!("invalid YAML: {}", error.info()))
                .at(at)
                .help(syntax_help(error.info(), &text[..at.offset])),
        ]
    })?;
    let mut docs = docs.into_iter();
    let Some(doc) = docs.next() else {
        return Err(vec![
            Diagnostic::error("empty", "", "the profile is empty")
                .at(lines.point(1, 0))
                .help("run `mlzone init` for a starter profile"),
        ]);
    };
    if let Some(second) = docs.next() {
        return Err(vec![
            Diagnostic::error(
                "yaml-syntax",
                "",
                "a profile is one YAML document, found a second one",
            )
            .at(lines.location(second.span))
            .help("remove the `---` separator and the second document"),
        ]);
    }
    let mut errors = Vec::new();
    let node = convert(&doc, None, &lines, &mut errors, 0);
    if errors.is_empty() && matches!(node.value, NodeValue::Scalar(Value::Null)) {
        errors.push(
            Diagnostic::error("empty", "", "the profile is empty")
                .at(lines.point(1, 0))
                .help("run `mlzone init` for a starter profile"),
        );
    }
    if errors.is_empty() {
        Ok(node)
    } else {
        Err(errors)
    }
}

/// A hint for a YAML syntax error, from its message and the text before it.
fn syntax_help(info: &str, before: &str) -> String {
    if info.contains("tab") {
        return "indent with spaces: YAML does not allow tabs for indentation".to_owned();
    }
    if info.contains("duplicate") {
        return "a key may appear once per mapping; merge the two entries".to_owned();
    }
    if info.contains("anchor") {
        return "define `&name` before using `*name`, or write the value out".to_owned();
    }
    if info.contains("alias expansion") {
        return "aliases may expand to at most 100,000 values: write the repeated values out"
            .to_owned();
    }
    if let Some((line, column, bracket)) = unclosed_bracket(before) {
        return format!("the `{bracket}` at line {line}, column {column} is never closed");
    }
    "check indentation, quoting and that every `key:` is followed by a space".to_owned()
}

/// The innermost `[` or `{` of a flow collection still open at the end of `text`, as
/// (line, column, bracket), skipping quoted strings and comments.
fn unclosed_bracket(text: &str) -> Option<(usize, usize, char)> {
    let mut open = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let mut quote = None;
        for (col, c) in line.chars().enumerate() {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '"' | '\'') => quote = Some(c),
                (None, '#') => break,
                (None, '[' | '{') => open.push((n + 1, col + 1, c)),
                (None, ']' | '}') => {
                    open.pop();
                }
                _ => {}
            }
        }
    }
    open.pop()
}

fn convert(
    yaml: &MarkedYaml<'_>,
    key_loc: Option<Location>,
    lines: &Lines<'_>,
    errors: &mut Vec<Diagnostic>,
    depth: usize,
) -> Node {
    let loc = lines.location(yaml.span);
    if depth > MAX_DEPTH {
        if !errors.iter().any(|e| e.code == "too-deep") {
            errors.push(
                Diagnostic::error(
                    "too-deep",
                    "",
                    format!("the profile nests deeper than {MAX_DEPTH} levels"),
                )
                .at(loc)
                .help("a profile needs a handful of levels; flatten the structure"),
            );
        }
        return Node {
            value: NodeValue::Scalar(Value::Null),
            loc,
            key_loc,
        };
    }
    let value = match &yaml.data {
        YamlData::Value(scalar) => {
            NodeValue::Scalar(scalar::to_json(scalar).unwrap_or_else(|| {
                // No JSON form (`.inf`, `.nan`): keep the text as written so the schema rejects
                // it and messages quote it.
                let text = lines
                    .text
                    .get(loc.offset..loc.offset + loc.len)
                    .unwrap_or_default();
                Value::String(text.to_owned())
            }))
        }
        YamlData::Sequence(items) => NodeValue::Seq(
            items
                .iter()
                .map(|item| convert(item, None, lines, errors, depth + 1))
                .collect(),
        ),
        YamlData::Mapping(entries) => {
            let mut out = Vec::with_capacity(entries.len());
            for (key, value) in entries {
                let key_loc = lines.location(key.span);
                match key_string(key) {
                    Some(name) => out.push((
                        name,
                        convert(value, Some(key_loc), lines, errors, depth + 1),
                    )),
                    None => errors.push(
                        Diagnostic::error("yaml-syntax", "", "mapping keys must be plain strings")
                            .at(key_loc)
                            .help("write the key as text, e.g. `name:`"),
                    ),
                }
            }
            NodeValue::Map(out)
        }
        YamlData::Tagged(tag, _) => {
            errors.push(
                Diagnostic::error(
                    "yaml-syntax",
                    "",
                    format!("YAML tags are not supported (found `!{}`)", tag.suffix),
                )
                .at(loc)
                .help("remove the `!tag`; quote the value if it must be text"),
            );
            NodeValue::Scalar(Value::Null)
        }
        YamlData::Representation(text, ..) => NodeValue::Scalar(Value::String(text.to_string())),
        YamlData::Alias(_) | YamlData::BadValue => {
            let written = lines.text.get(loc.offset..).unwrap_or_default();
            let d = if written.starts_with('!') {
                Diagnostic::error("yaml-syntax", "", "YAML tags are not supported")
                    .help("remove the `!tag`; quote the value if it must be text")
            } else {
                Diagnostic::error("yaml-syntax", "", "this value cannot be read")
                    .help("quote the value")
            };
            errors.push(d.at(loc));
            NodeValue::Scalar(Value::Null)
        }
    };
    Node {
        value,
        loc,
        key_loc,
    }
}

fn key_string(key: &MarkedYaml<'_>) -> Option<String> {
    match &key.data {
        YamlData::Value(scalar) => scalar::key(scalar),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> (Value, SourceMap) {
        parse(text, 0).expect("valid YAML").into_json()
    }

    #[test]
    fn pointers_map_to_lines_and_columns() {
        let (value, map) = parsed("a:\n  b: [1, 2]\n  c: héllo\nd: x\n");
        assert_eq!(value["a"]["c"], "héllo");
        let b1 = map.value("/a/b/1").unwrap();
        assert_eq!((b1.line, b1.column), (2, 10));
        let key = map.key("/a/c").unwrap();
        assert_eq!((key.line, key.column, key.len), (3, 3, 1));
        let d = map.value("/d").unwrap();
        assert_eq!(
            &"a:\n  b: [1, 2]\n  c: héllo\nd: x\n"[d.offset..d.offset + d.len],
            "x"
        );
    }

    #[test]
    fn missing_pointer_falls_back_to_nearest_ancestor() {
        let (_, map) = parsed("a:\n  b: 1\n");
        assert_eq!(map.value("/a/zzz/0"), map.value("/a"));
    }

    #[test]
    fn scalars_follow_yaml_1_2() {
        let (value, _) = parsed("a: yes\nb: 010\nc: 2027-01-01\nd: ~\ne: 1.5\n");
        assert_eq!(value["a"], "yes");
        assert_eq!(value["b"], 10);
        assert_eq!(value["c"], "2027-01-01");
        assert!(value["d"].is_null());
        assert_eq!(value["e"], 1.5);
    }

    #[test]
    fn merge_replaces_lists_and_merges_maps() {
        let base = parse("a: {x: 1, y: 2}\nl: [1, 2, 3]\n", 0).unwrap();
        let child = parse("a: {y: 3}\nl: [9]\n", 1).unwrap();
        let (value, map) = child.merged_over(base).into_json();
        assert_eq!(value, serde_json::json!({"a": {"x": 1, "y": 3}, "l": [9]}));
        assert_eq!(map.value("/a/x").unwrap().source, 0);
        assert_eq!(map.value("/a/y").unwrap().source, 1);
    }

    #[test]
    fn syntax_errors_and_empty_documents_are_located() {
        for text in [
            "a: [1, 2\n",
            "",
            "# only a comment\n",
            "---\na: 1\n---\nb: 2\n",
        ] {
            let errors = parse(text, 0).unwrap_err();
            assert_eq!(errors.len(), 1, "{text:?}");
            assert!(errors[0].location.is_some());
        }
    }

    #[test]
    fn duplicate_keys_are_rejected() {
        assert!(parse("a: 1\na: 2\n", 0).is_err());
    }
}
