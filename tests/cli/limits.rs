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

/// `mlzone validate PATH` with a timeout, so a read that blocks fails the test instead of
/// hanging it: the exit code and stderr.
fn validate_quickly(path: &std::path::Path) -> (Option<i32>, String) {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_mlzone"))
        .args(["validate", "--color", "never"])
        .arg(path)
        .env("MLZONE_TODAY", crate::support::TODAY)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("mlzone starts");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while child.try_wait().expect("waits").is_none() {
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("`mlzone validate {}` hangs", path.display());
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let output = child.wait_with_output().expect("mlzone ends");
    (output.status.code(), text(&output.stderr))
}

#[cfg(unix)]
#[test]
fn special_files_are_refused_as_profiles_and_as_bases_without_blocking() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("fifo");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    for (special, kind) in [
        (std::path::PathBuf::from("/dev/zero"), "a device"),
        (fifo, "a pipe (FIFO)"),
        (dir.path().to_owned(), "a directory"),
    ] {
        let (code, stderr) = validate_quickly(&special);
        assert_eq!(code, Some(3), "{stderr}");
        let message = format!("`{}` is not a regular file but {kind}", special.display());
        assert!(stderr.contains(&message), "{stderr}");
        let profile = dir.path().join("profile.yaml");
        std::fs::write(&profile, format!("extends: {}\n", special.display())).unwrap();
        let (code, stderr) = validate_quickly(&profile);
        assert_eq!(code, Some(3), "{stderr}");
        assert!(
            stderr.contains(&format!("base profile: {message}"))
                && stderr.contains("profile.yaml:1:10")
                && stderr.contains("help: name the profile's YAML file"),
            "{stderr}"
        );
    }
}
