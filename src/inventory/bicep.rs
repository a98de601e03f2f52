//! Bicep's resources as inventory trees. A reader of the declarations only, not a Bicep
//! parser: it finds each `resource SYMBOL 'TYPE@VERSION' = {...}` at the top of a file (also
//! under `if (...)` and `[for ...: ...]`) and reads its object: properties by key, arrays in
//! order, string literals as their text, any other expression as written. `existing`
//! resources declare nothing and are skipped. A file cut short yields what was read.

use super::{Format, Node, Resource};

/// The resources `path` declares.
pub(super) fn resources(path: &str, text: &str) -> Vec<Resource> {
    let tokens = tokens(text);
    let mut reader = Reader {
        text,
        tokens: &tokens,
        at: 0,
        depth: 0,
    };
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut line_start = true;
    while let Some(token) = reader.peek() {
        match token.kind {
            Kind::Newline => line_start = true,
            Kind::Word if line_start && depth == 0 && reader.source(token) == "resource" => {
                if let Some(r) = reader.resource(path) {
                    out.push(r);
                }
                line_start = false;
                continue;
            }
            Kind::Open => {
                depth += 1;
                line_start = false;
            }
            Kind::Close => {
                depth = depth.saturating_sub(1);
                line_start = false;
            }
            _ => line_start = false,
        }
        reader.at += 1;
    }
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Newline,
    /// An identifier, a number or a keyword.
    Word,
    /// A string literal: `'...'`, or `'''...'''`.
    Str,
    /// `{`, `[` or `(`.
    Open,
    /// `}`, `]` or `)`.
    Close,
    /// Any other character: `:`, `,`, `=`, `.`, `?`, operators.
    Punct,
}

#[derive(Debug, Clone, Copy)]
struct Token {
    kind: Kind,
    start: usize,
    end: usize,
}

/// The tokens of `text`, comments left out.
fn tokens(text: &str) -> Vec<Token> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        let kind = match bytes[i] {
            b'\n' => {
                i += 1;
                Kind::Newline
            }
            b' ' | b'\t' | b'\r' => {
                i += 1;
                continue;
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i = text[i + 2..]
                    .find("*/")
                    .map_or(bytes.len(), |end| i + 2 + end + 2);
                continue;
            }
            b'\'' if text[i..].starts_with("'''") => {
                i = text[i + 3..]
                    .find("'''")
                    .map_or(bytes.len(), |end| i + 3 + end + 3);
                Kind::Str
            }
            b'\'' => {
                i = string_end(bytes, i + 1);
                Kind::Str
            }
            b'{' | b'[' | b'(' => {
                i += 1;
                Kind::Open
            }
            b'}' | b']' | b')' => {
                i += 1;
                Kind::Close
            }
            b if b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80 => {
                while i < bytes.len()
                    && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_' || bytes[i] >= 0x80)
                {
                    i += 1;
                }
                Kind::Word
            }
            _ => {
                i += 1;
                Kind::Punct
            }
        };
        out.push(Token {
            kind,
            start,
            end: i.min(bytes.len()),
        });
    }
    out
}

/// Where the string whose text starts at `i` ends (after its closing quote, or at the end of
/// its line when it has none): `\'` escapes a quote, and `${...}` may hold braces and strings
/// of its own, followed with a stack rather than recursion, so no nesting overflows it.
fn string_end(bytes: &[u8], mut i: usize) -> usize {
    /// What the text at hand is inside of: a string, or an interpolation with its open braces.
    enum Frame {
        Str,
        Interpolation(usize),
    }
    let mut stack = vec![Frame::Str];
    while i < bytes.len() {
        let outermost = stack.len() == 1;
        let Some(frame) = stack.last_mut() else {
            return i;
        };
        match (frame, bytes[i]) {
            (Frame::Str, b'\\') => i += 1,
            (Frame::Str, b'$') if bytes.get(i + 1) == Some(&b'{') => {
                stack.push(Frame::Interpolation(0));
                i += 1;
            }
            (Frame::Str, b'\'') => {
                stack.pop();
                if stack.is_empty() {
                    return i + 1;
                }
            }
            (Frame::Str, b'\n') if outermost => return i,
            (Frame::Interpolation(open), b'{') => *open += 1,
            (Frame::Interpolation(0), b'}') => {
                stack.pop();
            }
            (Frame::Interpolation(open), b'}') => *open -= 1,
            (Frame::Interpolation(_), b'\'') => stack.push(Frame::Str),
            _ => {}
        }
        i += 1;
    }
    bytes.len()
}

/// Objects and arrays nested deeper than this are read as text: a hostile file cannot exhaust
/// the stack.
const MAX_DEPTH: usize = 64;

struct Reader<'t> {
    text: &'t str,
    tokens: &'t [Token],
    at: usize,
    /// Objects and arrays open around the value being read.
    depth: usize,
}

impl Reader<'_> {
    fn peek(&self) -> Option<Token> {
        self.tokens.get(self.at).copied()
    }

    fn source(&self, token: Token) -> &str {
        &self.text[token.start..token.end]
    }

    fn next(&mut self) -> Option<Token> {
        let token = self.peek()?;
        self.at += 1;
        Some(token)
    }

    fn skip_newlines(&mut self) {
        while self
            .peek()
            .is_some_and(|t| t.kind == Kind::Newline || self.source(t) == ",")
        {
            self.at += 1;
        }
    }

    /// `resource SYMBOL 'TYPE@VERSION' [existing] = ... {...}`, at `resource`.
    fn resource(&mut self, path: &str) -> Option<Resource> {
        self.at += 1;
        let symbol = self.next().filter(|t| t.kind == Kind::Word)?;
        let symbol = self.source(symbol).to_owned();
        let ty = self.next().filter(|t| t.kind == Kind::Str)?;
        let ty = literal(self.source(ty));
        let mut existing = false;
        // To the body: past `existing`, `=`, `if (...)` and `[for ... :`.
        let mut depth = 0usize;
        loop {
            let token = self.peek()?;
            match (token.kind, self.source(token)) {
                (Kind::Open, "{") if depth == 0 || self.in_for(depth) => break,
                (Kind::Open, _) => depth += 1,
                (Kind::Close, _) => depth = depth.saturating_sub(1),
                (Kind::Word, "existing") => existing = true,
                (Kind::Newline, _) if depth == 0 => return None,
                _ => {}
            }
            self.at += 1;
        }
        let body = self.object();
        Some(Resource {
            format: Format::Bicep,
            ty: ty.split('@').next().unwrap_or_default().to_owned(),
            address: format!("{path}:{symbol}"),
            body,
            existing,
        })
    }

    /// Whether the innermost of `depth` open brackets is a `[for ...:` whose body comes next.
    fn in_for(&self, depth: usize) -> bool {
        depth == 1
            && self.tokens[..self.at]
                .iter()
                .rev()
                .find(|t| t.kind != Kind::Newline)
                .is_some_and(|t| self.source(*t) == ":")
    }

    /// An object, at its `{`; up to its `}` or the end of the file.
    fn object(&mut self) -> Node {
        self.at += 1;
        let mut entries = Vec::new();
        loop {
            self.skip_newlines();
            let Some(token) = self.next() else {
                break;
            };
            let key = match token.kind {
                Kind::Close => break,
                Kind::Word => self.source(token).to_owned(),
                Kind::Str => literal(self.source(token)),
                // Not a property (`resource` nested, a decorator): skip the line.
                _ => {
                    self.expression();
                    continue;
                }
            };
            if self.peek().is_some_and(|t| self.source(t) == ":") {
                self.at += 1;
                entries.push((key, self.value()));
            } else {
                self.expression();
            }
        }
        Node::Object(entries)
    }

    /// An array, at its `[`.
    fn list(&mut self) -> Node {
        let start = self.at;
        self.at += 1;
        if self
            .peek()
            .is_some_and(|t| t.kind == Kind::Word && self.source(t) == "for")
        {
            self.at = start;
            return self.expression();
        }
        let mut items = Vec::new();
        loop {
            self.skip_newlines();
            match self.peek() {
                None => break,
                Some(t) if t.kind == Kind::Close => {
                    self.at += 1;
                    break;
                }
                Some(_) => items.push(self.value()),
            }
        }
        Node::List(items)
    }

    fn value(&mut self) -> Node {
        if self.depth >= MAX_DEPTH {
            return self.expression();
        }
        self.depth += 1;
        let value = match self.peek() {
            Some(t) if self.source(t) == "{" && self.is_alone() => self.object(),
            Some(t) if self.source(t) == "[" && self.is_alone() => self.list(),
            _ => self.expression(),
        };
        self.depth -= 1;
        value
    }

    /// Whether the bracket here closes the value (no `.x`, `[0]` or operator after it).
    fn is_alone(&self) -> bool {
        let mut depth = 0usize;
        for (i, t) in self.tokens[self.at..].iter().enumerate() {
            match t.kind {
                Kind::Open => depth += 1,
                Kind::Close => {
                    depth -= 1;
                    if depth == 0 {
                        return self.tokens.get(self.at + i + 1).is_none_or(|n| {
                            matches!(n.kind, Kind::Newline | Kind::Close) || self.source(*n) == ","
                        });
                    }
                }
                _ => {}
            }
        }
        true
    }

    /// An expression up to the end of its line (or a `,` or closing bracket outside it): a
    /// lone string literal as its text, anything else as written.
    fn expression(&mut self) -> Node {
        let start = self.at;
        let mut depth = 0usize;
        while let Some(t) = self.peek() {
            match t.kind {
                Kind::Newline if depth == 0 => break,
                Kind::Close if depth == 0 => break,
                Kind::Punct if depth == 0 && self.source(t) == "," => break,
                Kind::Open => depth += 1,
                Kind::Close => depth -= 1,
                _ => {}
            }
            self.at += 1;
        }
        let tokens = &self.tokens[start..self.at];
        match tokens {
            [one] if one.kind == Kind::Str => Node::Text(literal(self.source(*one))),
            [first, .., last] => Node::Text(self.text[first.start..last.end].to_owned()),
            [one] => Node::Text(self.source(*one).to_owned()),
            [] => Node::Text(String::new()),
        }
    }
}

/// The text of a string literal: quotes off, `\'` and `\\` unescaped; `${...}` as written.
fn literal(source: &str) -> String {
    if let Some(inner) = source
        .strip_prefix("'''")
        .and_then(|s| s.strip_suffix("'''"))
    {
        return inner.to_owned();
    }
    let inner = source.strip_prefix('\'').unwrap_or(source);
    let inner = inner.strip_suffix('\'').unwrap_or(inner);
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match (c, chars.clone().next()) {
            ('\\', Some(next @ ('\'' | '\\'))) => {
                out.push(next);
                chars.next();
            }
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{Node, resources};

    #[test]
    fn hostile_text_is_read_without_overflow_or_end() {
        let deep = format!(
            "resource a 'T@1' = {{\n  p: {}{}\n}}\n",
            "{ a: ".repeat(100_000),
            "}".repeat(100_000)
        );
        let strings = format!(
            "resource b 'T@1' = {{\n  p: '{}'\n}}\n",
            "${'".repeat(100_000)
        );
        for text in [
            deep.as_str(),
            strings.as_str(),
            "resource",
            "resource c 'T@1' = [for",
            "resource d 'T@1' = {\n  a: [\n  ) ] } ]\n",
            "resource e '\\",
            "/* never closed",
            "resource f 'é' = { 'ü': 'ß' }",
        ] {
            let found = resources("x.bicep", text);
            assert!(found.len() <= 1, "{text:.40}: {found:?}");
        }
        assert_eq!(resources("x.bicep", &deep).len(), 1);
    }

    #[test]
    fn declarations_are_read_with_their_objects() {
        let text = "@batchSize(1)
resource a 'Microsoft.X/ys@2025-01-01' = [for (n, i) in names: {
  name: 'a-${n}'
  properties: {
    list: [
      'one'
      {
        k: 'it\\'s'
      }
    ]
    call: union({ a: 1 }, { b: '}' })
    flag: !empty(x) ? true : false
  }
}]

resource b 'Microsoft.X/ys@2025-01-01' = if (deploy) {
  name: 'b'
}

var notAResource = {
  resource: 'x'
}
";
        let found = resources("m.bicep", text);
        let names: Vec<(String, Option<String>)> = found
            .iter()
            .map(|r| (r.address.clone(), r.body.text("name")))
            .collect();
        assert_eq!(
            names,
            [
                ("m.bicep:a".to_owned(), Some("a-${n}".to_owned())),
                ("m.bicep:b".to_owned(), Some("b".to_owned()))
            ]
        );
        let a = &found[0].body;
        assert_eq!(found[0].ty, "Microsoft.X/ys");
        let Some(Node::List(items)) = a.at("properties/list") else {
            panic!("{a:#?}");
        };
        assert_eq!(items[0], Node::Text("one".to_owned()));
        assert_eq!(items[1].text("k").as_deref(), Some("it's"));
        assert_eq!(
            a.text("properties/call").as_deref(),
            Some("union({ a: 1 }, { b: '}' })")
        );
        assert_eq!(
            a.text("properties/flag").as_deref(),
            Some("!empty(x) ? true : false")
        );
    }
}
