//! Template filters that turn plan values into literals of the target language. Every string from
//! a profile reaches generated code through one of them, so it stays data, never code. The one
//! interpolation they write is the deploy-time suffix of a plan-made name (`hcl_name`,
//! `bicep_name`): a reference to the suffix the generated code computes, nothing from the profile.

use std::fmt::Write as _;

use serde_json::Value;
use tera::{Error, Kwargs, State, TeraResult, Value as TemplateValue};

use crate::naming::SUFFIX_SLOT;

/// `value | hcl`: a plan value as an HCL expression; strings become quoted, escaped literals.
pub(crate) fn hcl(value: &TemplateValue, _: Kwargs, _: &State) -> TeraResult<String> {
    Ok(match value.as_str() {
        Some(text) => hcl_string(text),
        None => hcl_expr(&json("hcl", value)?, hcl_string),
    })
}

/// `value | hcl_name`: as `hcl`, but a plan-made name with the deploy-time suffix slot becomes
/// a template string ending in `${local.name_suffix}` (see [`name_hcl`]).
pub(crate) fn hcl_name(value: &TemplateValue, _: Kwargs, _: &State) -> TeraResult<String> {
    Ok(match value.as_str() {
        Some(text) => name_hcl(text),
        None => hcl_expr(&json("hcl_name", value)?, name_hcl),
    })
}

/// `text` split around the suffix slot when it is a plan-made name: lowercase letters, digits,
/// `.` and `-` on both sides of one [`SUFFIX_SLOT`]. Nothing else becomes an interpolation.
fn slotted(text: &str) -> Option<(&str, &str)> {
    let (before, after) = text.split_once(SUFFIX_SLOT)?;
    let name = |s: &str| {
        s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-')
    };
    (name(before) && name(after)).then_some((before, after))
}

/// An HCL string of a name: `"st…${local.name_suffix}"` for a slotted name, else `hcl_string`.
pub fn name_hcl(text: &str) -> String {
    match slotted(text) {
        Some((before, after)) => format!("\"{before}${{local.name_suffix}}{after}\""),
        None => hcl_string(text),
    }
}

/// A Bicep string of a name: `'st…${nameSuffix}'` for a slotted name, else `bicep_string`.
pub fn name_bicep(text: &str) -> String {
    match slotted(text) {
        Some((before, after)) => format!("'{before}${{nameSuffix}}{after}'"),
        None => bicep_string(text),
    }
}

/// A filter from a text transformation: `text | name`.
pub(crate) fn text(
    name: &'static str,
    transform: fn(&str) -> String,
) -> impl Fn(&TemplateValue, Kwargs, &State) -> TeraResult<String> + Send + Sync + 'static {
    move |value, _, _| match value.as_str() {
        Some(text) => Ok(transform(text)),
        None => Err(invalid(name, "text", value)),
    }
}

/// `value | text`: a string as it is, a number or a boolean as it prints; an error for anything
/// else, an undefined value first. Tera's `~` formats its operands without checking them (an
/// undefined field of a defined map becomes `""`, tera 2.4 `Instruction::StrConcat`): this is
/// what an operand of `~` goes through.
pub(crate) fn as_text(value: &TemplateValue, _: Kwargs, _: &State) -> TeraResult<String> {
    match value.as_str() {
        Some(text) => Ok(text.to_owned()),
        None if value.is_number() || value.is_bool() => Ok(value.to_string()),
        None => Err(invalid("text", "a string, a number or a boolean", value)),
    }
}

/// `flag | enabled`: a boolean as the ARM literal `'Enabled'` or `'Disabled'`.
pub(crate) fn enabled(value: &TemplateValue, _: Kwargs, _: &State) -> TeraResult<&'static str> {
    match value.as_bool() {
        Some(true) => Ok("'Enabled'"),
        Some(false) => Ok("'Disabled'"),
        None => Err(invalid("enabled", "true or false", value)),
    }
}

/// `value | bicep(indent=N)`: a plan value as a Bicep expression; strings become escaped
/// `'...'` literals, objects and arrays span lines indented from column `indent`.
pub(crate) fn bicep(value: &TemplateValue, args: Kwargs, _: &State) -> TeraResult<String> {
    if let Some((key, _)) = args.iter().find(|(key, _)| key.as_str() != Some("indent")) {
        return Err(Error::message(format!(
            "`bicep` takes only `indent`, not `{}`",
            key.as_str().unwrap_or("?")
        )));
    }
    let indent: Option<usize> = args.get("indent")?;
    Ok(match value.as_str() {
        Some(text) => bicep_string(text),
        None => bicep_expr(&json("bicep", value)?, indent.unwrap_or(0), bicep_string),
    })
}

/// `value | bicep_name(indent=N)`: as `bicep`, but a plan-made name with the deploy-time
/// suffix slot becomes a string interpolating `nameSuffix` (see [`name_bicep`]).
pub(crate) fn bicep_name(value: &TemplateValue, args: Kwargs, _: &State) -> TeraResult<String> {
    let indent: Option<usize> = args.get("indent")?;
    Ok(match value.as_str() {
        Some(text) => name_bicep(text),
        None => bicep_expr(&json("bicep_name", value)?, indent.unwrap_or(0), name_bicep),
    })
}

/// A template value as JSON, for the printers below.
fn json(name: &str, value: &TemplateValue) -> TeraResult<Value> {
    if value.is_undefined() {
        return Err(invalid(name, "a value", value));
    }
    serde_json::to_value(value).map_err(|e| Error::message(e.to_string()))
}

/// The error of filter `name`, which takes `expected`, given `value`.
fn invalid(name: &str, expected: &str, value: &TemplateValue) -> Error {
    if value.is_undefined() {
        Error::message(format!("`{name}` was given a value that is not defined"))
    } else {
        Error::message(format!("`{name}` takes {expected}, not {}", value.name()))
    }
}

/// A Bicep string literal with `'`, `\`, `${` and control characters escaped.
pub fn bicep_string(text: &str) -> String {
    if let Some(plain) = plain(text, b"'\\$") {
        return quoted('\'', plain);
    }
    let mut out = String::with_capacity(text.len() + 2);
    out.push('\'');
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' => out.push_str("\\'"),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            // `${` opens an interpolation; escaping the `$` makes it literal.
            '$' if chars.peek() == Some(&'{') => out.push_str("\\$"),
            c if c.is_control() || is_invisible_separator(c) => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// A JSON value as Bicep, objects and arrays one item per line, strings printed by `string`.
pub fn bicep_expr(value: &Value, indent: usize, string: fn(&str) -> String) -> String {
    let pad = " ".repeat(indent + 2);
    let close = " ".repeat(indent);
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => string(s),
        Value::Array(items) if items.is_empty() => "[]".to_owned(),
        Value::Array(items) => {
            let lines: Vec<String> = items
                .iter()
                .map(|v| format!("{pad}{}", bicep_expr(v, indent + 2, string)))
                .collect();
            format!("[\n{}\n{close}]", lines.join("\n"))
        }
        Value::Object(map) if map.is_empty() => "{}".to_owned(),
        Value::Object(map) => {
            let lines: Vec<String> = map
                .iter()
                .map(|(k, v)| {
                    format!(
                        "{pad}{}: {}",
                        bicep_key(k),
                        bicep_expr(v, indent + 2, string)
                    )
                })
                .collect();
            format!("{{\n{}\n{close}}}", lines.join("\n"))
        }
    }
}

/// Cloud host suffixes Bicep's linter forbids in literals (`no-hardcoded-env-urls`, its
/// default host list, Azure/bicep `src/Bicep.Core/Configuration/bicepconfig.json` @ 9beb0fee),
/// with the `environment().suffixes` member that holds each in the deploying cloud and that
/// member's AzureCloud value (Microsoft Learn, Bicep deployment functions, `environment`).
const CLOUD_SUFFIXES: [(&str, &str); 2] = [
    ("core.windows.net", "storage"),
    (".vault.azure.net", "keyvaultDns"),
];

/// A DNS name (or a resource ID that ends in one) as a Bicep string whose cloud suffix comes
/// from `environment()`: `privatelink.blob.core.windows.net` →
/// `'privatelink.blob.${environment().suffixes.storage}'`, right in every cloud and clean for
/// the linter. Names without such a suffix are plain literals.
pub fn bicep_host(text: &str) -> String {
    for (suffix, member) in CLOUD_SUFFIXES {
        // The suffix must start at a label: after a `.` or `/`, or be the whole text.
        let Some(prefix) = text.strip_suffix(suffix) else {
            continue;
        };
        let at_label = suffix.starts_with('.')
            || prefix.is_empty()
            || prefix.ends_with('.')
            || prefix.ends_with('/');
        if at_label {
            let literal = bicep_string(prefix);
            let open = &literal[..literal.len() - 1];
            return format!("{open}${{environment().suffixes.{member}}}'");
        }
    }
    bicep_string(text)
}

/// An object key: bare when it is an identifier, else a string literal.
pub fn bicep_key(key: &str) -> String {
    let identifier = key.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if identifier {
        key.to_owned()
    } else {
        bicep_string(key)
    }
}

/// A Bicep symbol from words: `Key Vault Reader` → `keyVaultReader`.
pub fn camel(text: &str) -> String {
    let mut out = String::new();
    for (i, word) in text
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .enumerate()
    {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            if i == 0 {
                out.push(first.to_ascii_lowercase());
            } else {
                out.push(first.to_ascii_uppercase());
            }
            out.extend(chars);
        }
    }
    if !out.starts_with(|c: char| c.is_ascii_alphabetic()) {
        out.insert(0, 'x');
    }
    out
}

/// Text safe inside a line comment: anything that could end the line is escaped.
pub fn comment_text(text: &str) -> String {
    if let Some(plain) = plain(text, b"") {
        return plain.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() || is_invisible_separator(c) {
            let _ = write!(out, "\\u{:04x}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    out
}

/// Text safe inside a Markdown table cell.
pub fn md_text(text: &str) -> String {
    if let Some(plain) = plain(text, b"|`*_[]\\<>") {
        return plain.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '|' | '`' | '*' | '_' | '[' | ']' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c if c.is_control() || is_invisible_separator(c) => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A Mermaid label as GitHub renders it: a `"..."` string in which every character but ASCII
/// letters, digits, space and `.-_/:,()+@=` is an entity code (`#35;` for `#`, `#34;` for `"`;
/// Mermaid's flowchart syntax, "Entity codes to escape characters"). Quotes, brackets, pipes,
/// backticks (which could close the Markdown code fence), `<`, `%%` and `;` never reach Mermaid
/// as syntax; line breaks and invisible separators become spaces.
pub fn mermaid_label(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            c if c.is_ascii_alphanumeric() || " .-_/:,()+@=".contains(c) => out.push(c),
            c if c.is_control() || is_invisible_separator(c) => out.push(' '),
            c => {
                let _ = write!(out, "#{};", u32::from(c));
            }
        }
    }
    out.push('"');
    out
}

/// A Mermaid node ID from any text: `n_` and the text's ASCII letters and digits, every other
/// character as `_` and its hexadecimal code, so distinct texts give distinct IDs and none is a
/// Mermaid keyword (`end`, `graph`, ...).
pub fn mermaid_id(text: &str) -> String {
    let mut out = String::from("n_");
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else {
            let _ = write!(out, "_{:x}", u32::from(c));
        }
    }
    out
}

/// An HCL string literal with `"`, `\`, control characters and template sequences escaped.
pub fn hcl_string(text: &str) -> String {
    if let Some(plain) = plain(text, b"\"\\$%") {
        return quoted('"', plain);
    }
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            // `${` and `%{` open interpolations and directives; doubling the sigil makes
            // them literal.
            '$' | '%' if chars.peek() == Some(&'{') => {
                out.push(c);
                out.push(c);
            }
            c if c.is_control() || is_invisible_separator(c) => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `text` between `quote`s, as is (cheaper than `format!`, which these filters run thousands
/// of times per profile).
fn quoted(quote: char, text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push(quote);
    out.push_str(text);
    out.push(quote);
    out
}

/// `text` when nothing in it needs escaping: printable ASCII without any of `special`. Most
/// plan values are, and skip the character-by-character escapers.
fn plain<'a>(text: &'a str, special: &[u8]) -> Option<&'a str> {
    text.bytes()
        .all(|b| (b' '..=b'~').contains(&b) && !special.contains(&b))
        .then_some(text)
}

/// Line and paragraph separators and bidi controls: printed as escapes so a reviewer sees them.
fn is_invisible_separator(c: char) -> bool {
    matches!(c, '\u{2028}' | '\u{2029}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// A JSON value as HCL: objects with quoted keys, lists, literals; strings printed by `string`.
pub fn hcl_expr(value: &Value, string: fn(&str) -> String) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => string(s),
        Value::Array(items) => {
            let items: Vec<String> = items.iter().map(|v| hcl_expr(v, string)).collect();
            format!("[{}]", items.join(", "))
        }
        Value::Object(map) => {
            let entries: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{} = {}", hcl_string(k), hcl_expr(v, string)))
                .collect();
            format!("{{ {} }}", entries.join(", "))
        }
    }
}

/// Letters, digits, `_` and `-`, starting with a letter or `_`.
pub fn identifier(text: &str) -> String {
    let mut out: String = text
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    if !out.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        out.insert(0, '_');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mermaid_labels_keep_hostile_text_inert() {
        let cases = [
            ("vnet-fraud 10.40.0.0/22", "\"vnet-fraud 10.40.0.0/22\""),
            ("a\"b", "\"a#34;b\""),
            ("x\"] --> evil[\"y", "\"x#34;#93; --#62; evil#91;#34;y\""),
            ("```\n# heading", "\"#96;#96;#96; #35; heading\""),
            (
                "<img src=x onerror=alert(1)>",
                "\"#60;img src=x onerror=alert(1)#62;\"",
            ),
            ("a|b;c%%d{e}", "\"a#124;b#59;c#37;#37;d#123;e#125;\""),
            ("#quot;", "\"#35;quot#59;\""),
            ("\u{202e}rtl", "\" rtl\""),
            ("café", "\"caf#233;\""),
        ];
        for (text, label) in cases {
            assert_eq!(mermaid_label(text), label, "{text:?}");
        }
        // Whatever the text, nothing but the enclosing quotes is a quote, no bracket, pipe,
        // backtick, angle bracket or line break is left, and every `#` starts an entity code.
        for (text, _) in cases {
            let label = mermaid_label(text);
            let inner = &label[1..label.len() - 1];
            let syntax = ['"', '[', ']', '|', '`', '<', '>', '\n', '{', '}'];
            assert!(!inner.contains(syntax.as_slice()), "{label}");
            for entity in inner.split('#').skip(1) {
                let code = entity.split(';').next().unwrap_or_default();
                assert!(
                    entity.contains(';') && code.chars().all(|c| c.is_ascii_digit()),
                    "{label}"
                );
            }
        }
    }

    #[test]
    fn mermaid_ids_are_distinct_identifiers_never_keywords() {
        assert_eq!(mermaid_id("primary_workspace"), "n_primary_5fworkspace");
        assert_eq!(mermaid_id("end"), "n_end");
        assert_eq!(mermaid_id("a-b"), "n_a_2db");
        assert_ne!(mermaid_id("a-b"), mermaid_id("a_b"));
        assert_eq!(mermaid_id("x\"];y"), "n_x_22_5d_3by");
        for id in [mermaid_id("é ü"), mermaid_id("")] {
            assert!(
                id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
                "{id}"
            );
        }
    }

    #[test]
    fn bicep_hosts_take_their_cloud_suffix_from_the_environment() {
        assert_eq!(
            bicep_host("privatelink.blob.core.windows.net"),
            "'privatelink.blob.${environment().suffixes.storage}'"
        );
        assert_eq!(
            bicep_host(
                "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/privateDnsZones/privatelink.file.core.windows.net"
            ),
            "'/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/privateDnsZones/privatelink.file.${environment().suffixes.storage}'"
        );
        assert_eq!(
            bicep_host("kv1.vault.azure.net"),
            "'kv1${environment().suffixes.keyvaultDns}'"
        );
        // Not a suffix at a label, or none at all: plain literals, escaped as ever.
        assert_eq!(bicep_host("evilcore.windows.net"), "'evilcore.windows.net'");
        assert_eq!(
            bicep_host("privatelink.vaultcore.azure.net"),
            "'privatelink.vaultcore.azure.net'"
        );
        assert_eq!(
            bicep_host("a'${x}.core.windows.net"),
            "'a\\'\\${x}.${environment().suffixes.storage}'"
        );
    }

    #[test]
    fn hcl_strings_escape_everything_that_could_become_code() {
        let cases = [
            ("plain", r#""plain""#),
            (r#"a"b"#, r#""a\"b""#),
            (r"back\slash", r#""back\\slash""#),
            ("${var.x}", r#""$${var.x}""#),
            ("%{ if true }", r#""%%{ if true }""#),
            ("cost $ 100 %", r#""cost $ 100 %""#),
            ("two\nlines", r#""two\nlines""#),
            ("nul\0", r#""nul\u0000""#),
            ("sep\u{2028}", r#""sep\u2028""#),
            ("bidi\u{202e}", r#""bidi\u202e""#),
            ("ünïcode", r#""ünïcode""#),
        ];
        for (input, expected) in cases {
            assert_eq!(hcl_string(input), expected, "{input:?}");
        }
    }

    #[test]
    fn bicep_strings_escape_everything_that_could_become_code() {
        let cases = [
            ("plain", "'plain'"),
            ("it's", r"'it\'s'"),
            (r"back\slash", r"'back\\slash'"),
            ("${x}", r"'\${x}'"),
            ("cost $ {x}", "'cost $ {x}'"),
            ("two\nlines", r"'two\nlines'"),
            ("sep\u{2028}", r"'sep\u{2028}'"),
            ("nul\0", r"'nul\u{0}'"),
        ];
        for (input, expected) in cases {
            assert_eq!(bicep_string(input), expected, "{input:?}");
        }
    }

    #[test]
    fn values_become_bicep_expressions() {
        let value = serde_json::json!({"effect": {"value": "Deny"}, "a-b": [1, "x"]});
        assert_eq!(
            bicep_expr(&value, 0, bicep_string),
            "{\n  effect: {\n    value: 'Deny'\n  }\n  'a-b': [\n    1\n    'x'\n  ]\n}"
        );
    }

    #[test]
    fn only_a_plan_made_name_interpolates_the_suffix() {
        assert_eq!(
            name_hcl("stzonepweu{suffix}"),
            r#""stzonepweu${local.name_suffix}""#
        );
        assert_eq!(
            name_bicep("crzonepweu{suffix}.azurecr.io"),
            "'crzonepweu${nameSuffix}.azurecr.io'"
        );
        assert_eq!(name_hcl("stzonepweua6zw"), r#""stzonepweua6zw""#);
        // Anything beyond a name's characters stays a literal, escaped as always.
        for text in [
            "a\"{suffix}",
            "${x}{suffix}",
            "A{suffix}",
            "a {suffix}",
            "{suffix}{suffix}",
        ] {
            assert_eq!(name_hcl(text), hcl_string(text), "{text:?}");
            assert_eq!(name_bicep(text), bicep_string(text), "{text:?}");
        }
        let list = serde_json::json!(["crzonepweu{suffix}.azurecr.io", "other.azurecr.io"]);
        assert_eq!(
            hcl_expr(&list, name_hcl),
            r#"["crzonepweu${local.name_suffix}.azurecr.io", "other.azurecr.io"]"#
        );
    }

    #[test]
    fn comments_cannot_be_ended_early() {
        assert_eq!(comment_text("a\nb\r\u{2028}c"), "a\\u000ab\\u000d\\u2028c");
        assert_eq!(comment_text("plain text, ${x}"), "plain text, ${x}");
    }

    #[test]
    fn markdown_cells_stay_cells() {
        assert_eq!(md_text("a|b\n<script>`x`"), "a\\|b &lt;script&gt;\\`x\\`");
    }

    #[test]
    fn values_become_hcl_expressions() {
        let value = serde_json::json!({"effect": {"value": "Deny"}, "list": ["a", 1, true]});
        assert_eq!(
            hcl_expr(&value, hcl_string),
            r#"{ "effect" = { "value" = "Deny" }, "list" = ["a", 1, true] }"#
        );
    }

    #[test]
    fn identifiers_are_safe_labels() {
        assert_eq!(identifier("gpu-train"), "gpu-train");
        assert_eq!(identifier("9lives"), "_9lives");
        assert_eq!(identifier("a b\"c"), "a_b_c");
    }
}
