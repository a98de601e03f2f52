//! The exit-code contract of README.md: 0 ok, 2 usage, 3 invalid profile, 4 other failures.
//! (1, drift, belongs to `mlzone diff`.)

use crate::support::{mlzone, text};

#[test]
fn a_valid_profile_exits_0() {
    mlzone()
        .args(["validate", "../profiles/baseline.yaml"])
        .assert()
        .code(0);
}

#[test]
fn usage_errors_exit_2() {
    mlzone().arg("validate").assert().code(2);
    mlzone().arg("frobnicate").assert().code(2);
    mlzone().args(["plan", "a.yaml", "b.yaml"]).assert().code(2);
    mlzone()
        .args(["init", "--from", "nonexistent"])
        .assert()
        .code(2);
}

#[test]
fn a_usage_error_shows_the_subcommands_usage() {
    let usage = |args: &[&str]| {
        let run = mlzone().args(args).assert().code(2);
        text(&run.get_output().stderr)
    };
    for (args, line) in [
        (
            &["diff", "--bogus", "p.yaml"][..],
            "Usage: mlzone diff [OPTIONS] <PROFILE>...",
        ),
        (&["validate", "--bogus", "p.yaml"], "Usage: mlzone validate"),
        (&["init", "--bogus"], "Usage: mlzone init"),
        // Values and conflicts mlzone judges itself, after clap.
        (
            &["plan", "--subscription", "not-a-guid", "p.yaml"],
            "Usage: mlzone plan [OPTIONS] <PROFILE>",
        ),
        (&["init", "--project", "Not_A_Name"], "Usage: mlzone init"),
        (
            &["diff", "-o", "out", "a/p.yaml", "b/p.yaml"],
            "Usage: mlzone diff [OPTIONS] <PROFILE>...",
        ),
        (
            &["generate", "a/p.yaml", "a/q.yaml"],
            "Usage: mlzone generate [OPTIONS] <PROFILE>...",
        ),
    ] {
        let stderr = usage(args);
        assert!(stderr.contains(line), "{args:?}:\n{stderr}");
        assert!(!stderr.contains("<COMMAND>"), "{args:?}:\n{stderr}");
    }
}

#[test]
fn a_malformed_today_is_a_usage_error() {
    let out = mlzone()
        .args([
            "validate",
            "--today",
            "2026-13-01",
            "../profiles/baseline.yaml",
        ])
        .assert()
        .code(2);
    assert!(text(&out.get_output().stderr).contains("`2026-13-01` is not a date in the calendar"));
    let out = mlzone()
        .args([
            "validate",
            "--today",
            "30.11.2026",
            "../profiles/baseline.yaml",
        ])
        .assert()
        .code(2);
    assert!(text(&out.get_output().stderr).contains("YYYY-MM-DD"));
}

#[test]
fn a_malformed_mlzone_today_is_named_as_the_variable() {
    let out = mlzone()
        .env("MLZONE_TODAY", "someday")
        .args(["validate", "../profiles/baseline.yaml"])
        .assert()
        .code(2);
    let stderr = text(&out.get_output().stderr);
    assert!(
        stderr.contains("the environment variable `MLZONE_TODAY`: `someday` is not a date"),
        "{stderr}"
    );
    assert!(!stderr.contains("--today"), "{stderr}");
    // A command that judges no date does not read it.
    mlzone()
        .env("MLZONE_TODAY", "someday")
        .arg("schema")
        .assert()
        .code(0);
}

#[test]
fn only_commands_that_judge_a_date_take_today() {
    for judged in [
        vec![
            "validate",
            "--today",
            "2026-11-30",
            "../profiles/baseline.yaml",
        ],
        vec!["plan", "--today", "2026-11-30", "../profiles/baseline.yaml"],
    ] {
        mlzone().args(&judged).assert().code(0);
    }
    for args in [
        vec!["schema", "--today", "2026-11-30"],
        vec!["recommendations", "--today", "2026-11-30"],
        vec!["--today", "2026-11-30", "schema"],
    ] {
        mlzone().args(&args).assert().code(2);
    }
}

#[test]
fn zero_jobs_is_a_usage_error_with_a_hint() {
    let out = mlzone()
        .args(["generate", "-j", "0", "../profiles/baseline.yaml"])
        .assert()
        .code(2);
    let stderr = text(&out.get_output().stderr);
    assert!(
        stderr.contains("give 1 or more profiles at once, or leave `--jobs` out for one per core"),
        "{stderr}"
    );
    assert!(!stderr.contains("non-zero type"), "{stderr}");
    let help = mlzone().args(["diff", "--help"]).assert().code(0);
    assert!(text(&help.get_output().stdout).contains("1 or more (default: one per core)"));
}

#[test]
fn an_invalid_profile_exits_3_with_errors_on_stderr_only() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.yaml");
    std::fs::write(&path, "version: 1\nproject: x\n").unwrap();
    let out = mlzone().arg("validate").arg(&path).assert().code(3);
    assert!(out.get_output().stdout.is_empty());
    assert!(text(&out.get_output().stderr).contains("is invalid"));
    mlzone().arg("plan").arg(&path).assert().code(3);
}

#[test]
fn an_unreadable_profile_exits_4() {
    let out = mlzone()
        .args(["validate", "no/such/profile.yaml"])
        .assert()
        .code(4);
    assert!(text(&out.get_output().stderr).contains("cannot read `no/such/profile.yaml`"));
    mlzone()
        .args(["plan", "no/such/profile.yaml"])
        .assert()
        .code(4);
}

#[test]
fn one_invalid_profile_among_several_fails_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.yaml");
    std::fs::write(&bad, "version: 2\n").unwrap();
    let out = mlzone()
        .args(["validate", "../profiles/baseline.yaml"])
        .arg(&bad)
        .assert()
        .code(3);
    assert!(text(&out.get_output().stdout).contains("baseline.yaml` is valid"));
}

#[test]
fn help_and_version_exit_0() {
    let out = mlzone().arg("--help").assert().code(0);
    assert!(text(&out.get_output().stdout).contains("Exit codes"));
    mlzone().arg("--version").assert().code(0);
    for command in [
        "init",
        "validate",
        "plan",
        "generate",
        "diff",
        "recommendations",
        "schema",
        "completions",
    ] {
        mlzone().args([command, "--help"]).assert().code(0);
    }
}

#[test]
fn completions_are_printed_for_each_shell() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = mlzone().args(["completions", shell]).assert().code(0);
        assert!(
            text(&out.get_output().stdout).contains("generate"),
            "{shell}"
        );
    }
    mlzone().args(["completions", "tcsh"]).assert().code(2);
}

#[test]
fn a_reader_that_goes_away_ends_the_output_quietly() {
    // `mlzone recommendations | head`: once the reader has gone, writing fails with a broken
    // pipe; mlzone stops quietly with exit 0 instead of panicking.
    for args in [
        vec!["recommendations"],
        vec!["schema"],
        vec!["recommendations", "--json"],
        vec!["completions", "bash"],
        vec!["completions", "elvish"],
    ] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_mlzone"))
            .args(&args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("mlzone starts");
        // Close the read end before mlzone writes anything.
        drop(child.stdout.take());
        let out = child.wait_with_output().expect("mlzone ends");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
        assert!(stderr.is_empty(), "{args:?}: {stderr}");
    }
}

#[test]
fn a_reader_that_goes_away_keeps_diff_s_exit_code() {
    // `mlzone diff | head` in a CI step: the output stops quietly, but drift still fails the
    // step (exit 1), and a clean tree still passes it.
    let dir = tempfile::tempdir().expect("a temporary directory");
    let profile = crate::support::extending(dir.path(), "profiles/baseline.yaml", "");
    let out = dir.path().join("infra");
    crate::support::generate_into(&profile, &out, "terraform,bicep");
    let diff = || {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_mlzone"))
            .arg("diff")
            .arg(&profile)
            .arg("-o")
            .arg(&out)
            .env("MLZONE_TODAY", crate::support::TODAY)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("mlzone starts");
        drop(child.stdout.take());
        child.wait_with_output().expect("mlzone ends")
    };
    let clean = diff();
    assert_eq!(clean.status.code(), Some(0), "{clean:?}");
    let workspace = out.join("terraform/workspace.tf");
    let text = std::fs::read_to_string(&workspace).expect("workspace.tf");
    std::fs::write(
        &workspace,
        text.replacen(
            "public_network_access_enabled  = false",
            "public_network_access_enabled  = true",
            1,
        ),
    )
    .expect("edited");
    let drifted = diff();
    let stderr = String::from_utf8_lossy(&drifted.stderr);
    assert_eq!(drifted.status.code(), Some(1), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn a_waiver_near_its_expiry_and_a_misspelt_size_are_warnings() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let profile = dir.path().join("profile.yaml");
    std::fs::write(
        &profile,
        "version: 1\nproject: fraud\nenvironment: dev\nregions: {primary: westeurope}\n\
         compute:\n  clusters:\n    - {name: cpu-train, sku: standard_d8_V5x, purpose: training, max_nodes: 4}\n\
         waivers:\n  - {id: REL-07, reason: single-region pilot, expires: 2026-12-10}\n",
    )
    .unwrap();
    let out = crate::support::mlzone()
        .args(["validate", "--today", "2026-11-30"])
        .arg(&profile)
        .assert()
        .success();
    let stderr = crate::support::text(&out.get_output().stderr);
    assert!(
        stderr.contains("warning[waiver-expiring]") && stderr.contains("within 30 days"),
        "{stderr}"
    );
    assert!(
        stderr.contains("warning[unknown-sku]")
            && stderr.contains("did you mean `Standard_D8_v5`?"),
        "{stderr}"
    );
    // Sizes match whatever their case, as in Azure: no warning for a known size.
    std::fs::write(
        &profile,
        "version: 1\nproject: fraud\nenvironment: dev\nregions: {primary: westeurope}\n\
         compute:\n  clusters:\n    - {name: cpu-train, sku: STANDARD_D8_V5, purpose: training, max_nodes: 4}\n",
    )
    .unwrap();
    let out = crate::support::mlzone()
        .arg("validate")
        .arg(&profile)
        .assert()
        .success();
    assert!(!crate::support::text(&out.get_output().stderr).contains("warning"));
}

#[test]
fn validate_goes_on_past_a_file_it_cannot_read() {
    // Every profile gets its check; an invalid one decides the exit code (3) over an unreadable
    // one (4).
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.yaml");
    std::fs::write(
        &bad,
        "version: 1\nproject: fraud\nenvironment: dev\nregions: {primary: westeurop}\n\
         compute: {clusters: [{name: cpu-train, sku: Standard_D8_v5, purpose: training, max_nodes: 2}]}\n",
    )
    .unwrap();
    let missing = dir.path().join("missing.yaml");
    let out = crate::support::mlzone()
        .arg("validate")
        .arg(&missing)
        .arg(&bad)
        .assert()
        .code(3);
    let stderr = crate::support::text(&out.get_output().stderr);
    assert!(stderr.contains("cannot read"), "{stderr}");
    assert!(
        stderr.contains("unknown Azure region `westeurop`"),
        "{stderr}"
    );
    let good = crate::support::repo().join("examples/churn-sandbox/profile.yaml");
    let out = crate::support::mlzone()
        .args(["validate", "--json"])
        .arg(&missing)
        .arg(&good)
        .assert()
        .code(4);
    let json: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(json["profiles"].as_array().map(Vec::len), Some(2), "{json}");
    assert_eq!(json["profiles"][0]["exit_code"], 4, "{json}");
    assert!(
        json["profiles"][0]["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "{json}"
    );
}

#[test]
fn a_reader_of_stderr_that_goes_away_keeps_the_exit_code() {
    // `mlzone validate bad.yaml 2>&1 | head -1`: the diagnostics stop quietly, the verdict
    // (exit 3) stands, and nothing panics, whichever command reports them.
    let dir = tempfile::tempdir().expect("a temporary directory");
    let unknown: String = (0..400).map(|i| format!("unknown_key_{i}: 1\n")).collect();
    let profile = crate::support::extending(dir.path(), "profiles/baseline.yaml", &unknown);
    for command in ["validate", "generate", "diff", "plan"] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_mlzone"))
            .args([command, "--color", "never"])
            .arg(&profile)
            .env("MLZONE_TODAY", crate::support::TODAY)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("mlzone starts");
        drop(child.stderr.take());
        let status = child.wait().expect("mlzone ends");
        assert_eq!(status.code(), Some(3), "{command}: {status:?}");
    }
}
