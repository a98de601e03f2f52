//! Resource limits: hostile or broken input gets a clear error (exit 3), quickly, with
//! bounded memory, and never a crash.

use crate::support::{mlzone, text};

/// Validate `bytes` as a profile; the error message.
fn rejected(name: &str, bytes: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    let run = mlzone().arg("validate").arg(&path).assert().code(3);
    text(&run.get_output().stderr)
}

#[test]
fn deep_flow_nesting_is_refused() {
    let deep = format!("a: {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
    assert!(rejected("deep.yaml", deep.as_bytes()).contains("recursion limit exceeded"));
}

#[test]
fn deep_block_nesting_is_refused() {
    let mut deep = String::from("a:\n");
    for level in 1..600 {
        deep.push_str(&format!("{}b:\n", " ".repeat(level)));
    }
    deep.push_str(&format!("{}c: 1\n", " ".repeat(600)));
    assert!(rejected("deep.yaml", deep.as_bytes()).contains("nests deeper than 32 levels"));
}

#[test]
fn alias_bombs_are_refused() {
    let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for (name, previous) in [
        ("b", "a"),
        ("c", "b"),
        ("d", "c"),
        ("e", "d"),
        ("f", "e"),
        ("g", "f"),
    ] {
        let refs = vec![format!("*{previous}"); 10].join(", ");
        bomb.push_str(&format!("{name}: &{name} [{refs}]\n"));
    }
    let stderr = rejected("bomb.yaml", bomb.as_bytes());
    assert!(stderr.contains("alias expansion exceeded"), "{stderr}");
    // The hint is about the aliases, not about a bracket.
    assert!(
        stderr.contains("help: aliases may expand to at most 100,000 values")
            && !stderr.contains("is never closed"),
        "{stderr}"
    );
}

#[test]
fn huge_files_are_refused_before_parsing() {
    let huge = format!("project: {}\n", "x".repeat(12 * 1024 * 1024));
    let message = rejected("huge.yaml", huge.as_bytes());
    assert!(
        message.contains("mlzone reads profiles of up to 1048576 bytes"),
        "{message}"
    );
}

#[test]
fn binary_garbage_is_refused() {
    let mut garbage = b"version: 1\nproject: ".to_vec();
    garbage.extend([0xff, 0xfe, 0x00, 0x9f]);
    let message = rejected("garbage.yaml", &garbage);
    assert!(
        message.contains("is not UTF-8 text (line 2, column 10)"),
        "{message}"
    );
}

#[test]
fn very_long_strings_get_a_short_message() {
    let long = format!("version: 1\nproject: {}\n", "x".repeat(500_000));
    let message = rejected("long.yaml", long.as_bytes());
    assert!(message.contains("is 500000 characters long, at most 20 are allowed"));
    assert!(
        message.len() < 20_000,
        "the message quotes only a prefix: {} bytes",
        message.len()
    );
}
