//! `terraform fmt` alignment: the `=` of adjacent one-line attributes in a block line up.
//! Templates write `key = value` with one space; this pass pads keys the way `terraform fmt`
//! does, so generated Terraform is fmt-clean without terraform installed.

/// Write the `lines` of HCL to `out`, each ending in a newline, with the attributes aligned.
pub(crate) fn align(lines: &[&str], out: &mut String) {
    let attributes: Vec<Option<(usize, &str)>> =
        lines.iter().map(|line| one_line_attribute(line)).collect();
    let mut i = 0;
    while i < lines.len() {
        // A run of one-line attributes at one indentation.
        let Some((indent, _)) = attributes[i] else {
            out.push_str(lines[i]);
            out.push('\n');
            i += 1;
            continue;
        };
        let end = i + attributes[i..]
            .iter()
            .take_while(|a| a.is_some_and(|(at, _)| at == indent))
            .count();
        let width = attributes[i..end]
            .iter()
            .flatten()
            .map(|(_, key)| key.chars().count())
            .max()
            .unwrap_or(0);
        for (line, (_, key)) in lines[i..end]
            .iter()
            .zip(attributes[i..end].iter().flatten())
        {
            let value = line[indent + key.len()..]
                .trim_start()
                .trim_start_matches('=')
                .trim_start();
            out.push_str(&line[..indent]);
            out.push_str(key);
            for _ in key.chars().count()..width {
                out.push(' ');
            }
            out.push_str(" = ");
            out.push_str(value);
            out.push('\n');
        }
        i = end;
    }
}

/// `(indent, key)` of a line that is a whole attribute: `key = value` with balanced brackets.
fn one_line_attribute(line: &str) -> Option<(usize, &str)> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    let rest = &line[indent..];
    let key_len = if rest.starts_with('"') {
        let close = string_end(rest)?;
        close + 1
    } else {
        // Bytes, not characters: a key is ASCII, and no byte of another character is.
        rest.bytes()
            .position(|b| !(b.is_ascii_alphanumeric() || b == b'_' || b == b'-'))
            .filter(|n| *n > 0)?
    };
    let key = &rest[..key_len];
    let after = rest[key_len..].trim_start();
    if !after.starts_with('=') || after.starts_with("==") {
        return None;
    }
    balanced(&after[1..]).then_some((indent, key))
}

/// Byte index of the quote that closes the string literal starting at `text[0]`. Bytes, not
/// characters: every delimiter is ASCII, and no byte of a multi-byte character is.
fn string_end(text: &str) -> Option<usize> {
    let mut escaped = false;
    for (i, b) in text.bytes().enumerate().skip(1) {
        match b {
            _ if escaped => escaped = false,
            b'\\' => escaped = true,
            b'"' => return Some(i),
            _ => {}
        }
    }
    None
}

/// Whether brackets outside string literals close on this line.
fn balanced(value: &str) -> bool {
    let mut depth = 0i32;
    let mut in_string = false;
    let mut escaped = false;
    for b in value.bytes() {
        match b {
            _ if escaped => escaped = false,
            b'\\' if in_string => escaped = true,
            b'"' => in_string = !in_string,
            b'{' | b'[' | b'(' if !in_string => depth += 1,
            b'}' | b']' | b')' if !in_string => depth -= 1,
            _ => {}
        }
    }
    depth == 0 && !in_string
}

#[cfg(test)]
mod tests {
    use super::align;

    #[test]
    fn aligns_like_terraform_fmt() {
        let input = "resource \"x\" \"y\" {\n  name = \"a\"\n  location_long = \"b\"\n  tags = {\n    a = \"b\"\n    longer = \"c\"\n  }\n  other = 1\n\n  block {\n    k = 1\n    kkk = 2\n  }\n  z = 2\n  # comment\n  zz = 3\n  params = jsonencode({ \"a\" = 1 })\n  labels = {\n    \"quoted key\" = \"x = {\"\n    b = 1\n  }\n}\n";
        let expected = "resource \"x\" \"y\" {\n  name          = \"a\"\n  location_long = \"b\"\n  tags = {\n    a      = \"b\"\n    longer = \"c\"\n  }\n  other = 1\n\n  block {\n    k   = 1\n    kkk = 2\n  }\n  z = 2\n  # comment\n  zz     = 3\n  params = jsonencode({ \"a\" = 1 })\n  labels = {\n    \"quoted key\" = \"x = {\"\n    b            = 1\n  }\n}\n";
        let lines: Vec<&str> = input.lines().collect();
        let mut aligned = String::new();
        align(&lines, &mut aligned);
        assert_eq!(aligned, expected);
    }
}
