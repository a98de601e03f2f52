//! The corpus of invalid profiles in `tests/fixtures/invalid/`: one mistake per file, each
//! otherwise a valid profile. Every file starts with two header lines:
//!
//! ```yaml
//! # expect: <text the error message must contain>
//! # at: <LINE>:<COL>
//! ```
//!
//! `# at:` is where the diagnostic must point (1-based, columns in characters), as shown in
//! the `[file:LINE:COL]` header of the report. When the mistake is in a profile the fixture
//! extends, it reads `# at: <FILE>:<LINE>:<COL>` with FILE relative to the fixture's
//! directory. Base profiles used by `extends` fixtures live in `extends/`, out of the glob.

use std::path::Path;

use serde_json::Value;

use crate::support::{mlzone, relative, repo, text};

/// The corpus must cover at least this many mistakes.
const MIN_FIXTURES: usize = 48;

/// What a fixture's header promises.
struct Expectation {
    /// A piece of the error message.
    message: String,
    /// `path:LINE:COL`, the path relative to `tests/` as the report prints it.
    location: String,
    /// The same place, split: (path, line, column).
    place: (String, u64, u64),
}

fn expectation(path: &Path) -> Result<Expectation, String> {
    let name = relative(path);
    let content =
        std::fs::read_to_string(path).map_err(|e| format!("{name}: cannot read it: {e}"))?;
    let mut lines = content.lines();
    let message = lines
        .next()
        .and_then(|l| l.strip_prefix("# expect: "))
        .filter(|m| !m.trim().is_empty())
        .ok_or_else(|| format!("{name}: line 1 must be `# expect: <message text>`"))?;
    let at = lines
        .next()
        .and_then(|l| l.strip_prefix("# at: "))
        .ok_or_else(|| format!("{name}: line 2 must be `# at: LINE:COL` or `# at: FILE:LINE:COL`"))?
        .trim();
    let bad_at = || format!("{name}: `# at: {at}` is not `LINE:COL` or `FILE:LINE:COL`");
    let mut parts = at.rsplitn(3, ':');
    let column: u64 = parts
        .next()
        .and_then(|c| c.parse().ok())
        .ok_or_else(bad_at)?;
    let line: u64 = parts
        .next()
        .and_then(|l| l.parse().ok())
        .ok_or_else(bad_at)?;
    let file = match parts.next() {
        None => name.clone(),
        Some(other) => {
            let dir = relative(path.parent().ok_or_else(bad_at)?);
            format!("{dir}/{other}")
        }
    };
    if line == 0 || column == 0 {
        return Err(bad_at());
    }
    Ok(Expectation {
        message: message.to_owned(),
        location: format!("{file}:{line}:{column}"),
        place: (file, line, column),
    })
}

/// Check one fixture's run; every problem is returned, none panics, so that one wrong
/// diagnostic does not hide the others.
fn check(exp: &Expectation, name: &str, code: Option<i32>, stderr: &str) -> Vec<String> {
    let mut problems = Vec::new();
    if code != Some(3) {
        problems.push(format!(
            "{name}: exit code {code:?}, expected 3 (invalid profile)"
        ));
    }
    if !stderr.contains(&exp.message) {
        problems.push(format!(
            "{name}: the message does not contain `{}`",
            exp.message
        ));
    }
    if !stderr.contains(&format!("▸ {}\n", exp.location)) {
        problems.push(format!(
            "{name}: no diagnostic points at `{}`",
            exp.location
        ));
    }
    if code == Some(3) && !stderr.contains("help:") {
        problems.push(format!("{name}: no diagnostic has a help line"));
    }
    problems
}

#[test]
fn rejects_each_invalid_profile() {
    let mut problems: Vec<String> = Vec::new();
    insta::glob!("../fixtures/invalid", "*.yaml", |path| {
        let name = relative(path);
        let exp = match expectation(path) {
            Ok(exp) => exp,
            Err(problem) => {
                problems.push(problem);
                return;
            }
        };
        let out = mlzone()
            .arg("validate")
            .arg(&name)
            .output()
            .expect("mlzone runs");
        let stderr = text(&out.stderr);
        let found = check(&exp, &name, out.status.code(), &stderr);
        if !found.is_empty() {
            // Printed now too: a snapshot mismatch makes `glob!` panic before the summary.
            eprintln!("{}", found.join("\n"));
            problems.extend(found);
            problems.push(format!("  stderr of {name}:\n{stderr}"));
        }
        insta::with_settings!({
            description => format!("mlzone validate {name}   # expect: {}", exp.message),
            omit_expression => true,
        }, {
            insta::assert_snapshot!(stderr);
        });
    });
    assert!(
        problems.is_empty(),
        "{} problem(s) with the invalid-profile corpus:\n{}",
        problems.iter().filter(|p| !p.starts_with("  ")).count(),
        problems.join("\n")
    );
}

/// A zero-byte file cannot carry the fixture header, so it is checked here.
#[test]
fn a_zero_byte_profile_is_empty() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("empty.yaml");
    std::fs::write(&path, "").expect("the file is written");
    let out = mlzone()
        .arg("validate")
        .arg(&path)
        .output()
        .expect("mlzone runs");
    let stderr = text(&out.stderr);
    let exp = Expectation {
        message: "the profile is empty".to_owned(),
        location: format!("{}:1:1", path.display()),
        place: (path.display().to_string(), 1, 1),
    };
    let problems = check(&exp, "a zero-byte profile", out.status.code(), &stderr);
    assert!(problems.is_empty(), "{}\n{stderr}", problems.join("\n"));
}

#[test]
fn the_corpus_has_enough_mistakes() {
    let dir = repo().join("tests/fixtures/invalid");
    let count = std::fs::read_dir(&dir)
        .expect("tests/fixtures/invalid exists")
        .filter_map(Result::ok)
        .filter(|entry| {
            entry.path().extension().is_some_and(|e| e == "yaml")
                && entry.file_type().is_ok_and(|t| t.is_file())
        })
        .count();
    assert!(
        count >= MIN_FIXTURES,
        "{count} invalid profiles in {}, expected at least {MIN_FIXTURES}",
        dir.display()
    );
}

#[test]
fn json_diagnostics_are_located_and_have_help() {
    let fixtures = [
        "unknown-key-nested.yaml",
        "missing-regions-primary.yaml",
        "waiver-expired.yaml",
        "extends-cycle.yaml",
    ];
    let paths: Vec<_> = fixtures
        .iter()
        .map(|f| repo().join("tests/fixtures/invalid").join(f))
        .collect();
    let names: Vec<String> = paths.iter().map(|p| relative(p)).collect();
    let out = mlzone()
        .args(["validate", "--json"])
        .args(&names)
        .assert()
        .code(3);
    let stdout = text(&out.get_output().stdout);
    let json: Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("`validate --json` prints JSON ({e}):\n{stdout}"));
    let reports = json["profiles"].as_array().expect("one report per profile");
    assert_eq!(reports.len(), fixtures.len(), "{json:#}");
    for (report, (path, name)) in reports.iter().zip(paths.iter().zip(&names)) {
        let exp = expectation(path).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(report["profile"], name.as_str(), "{report:#}");
        assert_eq!(report["valid"], false, "{report:#}");
        let diagnostics = report["diagnostics"]
            .as_array()
            .expect("a list of diagnostics");
        assert!(!diagnostics.is_empty(), "{report:#}");
        for d in diagnostics {
            for key in ["file", "field", "message", "help"] {
                assert!(
                    d[key].as_str().is_some_and(|s| !s.trim().is_empty()),
                    "{name}: diagnostic without `{key}`: {d:#}"
                );
            }
            for key in ["line", "column"] {
                assert!(
                    d[key].as_u64().is_some_and(|n| n > 0),
                    "{name}: diagnostic without `{key}`: {d:#}"
                );
            }
        }
        let (file, line, column) = &exp.place;
        let message: String = exp.message.split_whitespace().collect();
        let at_place = diagnostics.iter().any(|d| {
            d["file"] == file.as_str()
                && d["line"] == *line
                && d["column"] == *column
                && d["message"]
                    .as_str()
                    .is_some_and(|m| m.split_whitespace().collect::<String>().contains(&message))
        });
        assert!(
            at_place,
            "{name}: no diagnostic at {} with `{}`: {report:#}",
            exp.location, exp.message
        );
    }
}
