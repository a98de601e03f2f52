//! Messages a new user reads: suggestions that can be followed, and no Rust internals.

use crate::support::{mlzone, repo, text};

#[test]
fn an_unknown_size_is_never_matched_to_a_retired_one() {
    // `Standard_NC6` (the first NC series) is nearest to `Standard_NC6s_v3`, which retired
    // with NCv3 on 2025-09-30 (data/vm-skus.yaml).
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("profile.yaml");
    std::fs::write(
        &path,
        "version: 1\nproject: gpu\nenvironment: dev\nregions: {primary: westeurope}\ncompute:\n  clusters:\n    - {name: train, sku: Standard_NC6, purpose: training, max_nodes: 2}\n",
    )
    .unwrap();
    let run = mlzone().arg("validate").arg(&path).assert().code(0);
    let stderr = text(&run.get_output().stderr);
    assert!(stderr.contains("warning[unknown-sku]"), "{stderr}");
    let suggested = stderr
        .split("did you mean `")
        .nth(1)
        .and_then(|rest| rest.split('`').next())
        .unwrap_or_else(|| panic!("a suggestion:\n{stderr}"));
    assert_ne!(suggested, "Standard_NC6s_v3", "{stderr}");
    // The suggestion itself is a size mlzone knows and that is not retired.
    let check = dir.path().join("suggested.yaml");
    std::fs::write(
        &check,
        format!(
            "version: 1\nproject: gpu\nenvironment: dev\nregions: {{primary: westeurope}}\ncompute:\n  clusters:\n    - {{name: train, sku: {suggested}, purpose: training, max_nodes: 2}}\n"
        ),
    )
    .unwrap();
    let run = mlzone().arg("validate").arg(&check).assert();
    let stderr = text(&run.get_output().stderr);
    assert!(
        !stderr.contains("unknown-sku") && !stderr.contains("retired-sku"),
        "{suggested}: {stderr}"
    );
}

#[test]
fn budget_alerts_read_as_percentages() {
    let run = mlzone()
        .args(["plan", "../profiles/baseline.yaml"])
        .assert()
        .code(0);
    let stdout = text(&run.get_output().stdout);
    let line = stdout
        .lines()
        .find(|l| l.starts_with("budget "))
        .unwrap_or_else(|| panic!("a budget line:\n{stdout}"));
    assert!(line.contains("alerts at 80%, 100% to"), "{line}");
    let compliance =
        std::fs::read_to_string(repo().join("examples/fraud-detection/infra/COMPLIANCE.md"))
            .unwrap();
    assert!(
        compliance.contains("alerts at 80%, 100%"),
        "COMPLIANCE.md's budget"
    );
    assert!(
        !compliance.contains("alerts at \\["),
        "COMPLIANCE.md's budget"
    );
}

#[test]
fn no_message_is_formatted_with_debug() {
    // Debug formatting shows Rust's spelling (`[80, 100]`, `Some(..)`, enum variant names) to
    // people: user-facing text is formatted by hand. Unit tests (after `#[cfg(test)]`, or in a
    // `tests.rs`) may use it.
    let mut found = Vec::new();
    for (path, bytes) in crate::support::files_under(&repo().join("src")) {
        if !path.ends_with(".rs") || path.ends_with("tests.rs") {
            continue;
        }
        let source = String::from_utf8(bytes).unwrap();
        let code = source.split("#[cfg(test)]").next().unwrap_or_default();
        for (n, line) in code.lines().enumerate() {
            if line.contains(":?}") || line.contains(":#?}") {
                found.push(format!("src/{path}:{}: {}", n + 1, line.trim()));
            }
        }
    }
    assert!(found.is_empty(), "Debug formatting:\n{}", found.join("\n"));
}

#[test]
fn a_size_is_retired_only_from_its_retirement_date_on() {
    // NCv3 retires on 2025-09-30 (data/vm-skus.yaml): judged as of a day before, it is a size
    // that retires, not one that was retired.
    let profile = repo().join("tests/fixtures/invalid/retired-sku.yaml");
    let before = mlzone()
        .args(["validate", "--today", "2020-01-01"])
        .arg(&profile)
        .assert()
        .code(0);
    let stderr = text(&before.get_output().stderr);
    assert!(
        stderr.contains("`Standard_NC6s_v3` (NCv3 series) retires on 2025-09-30")
            && !stderr.contains("was retired"),
        "{stderr}"
    );
    let after = mlzone()
        .args(["validate", "--today", "2025-09-30"])
        .arg(&profile)
        .assert()
        .code(3);
    let stderr = text(&after.get_output().stderr);
    assert!(stderr.contains("was retired on 2025-09-30"), "{stderr}");
}
