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

#[test]
fn the_help_s_profile_plans_as_its_comments_say() {
    // The brief profile of `mlzone --help` waives REL-07: a production zone in one region, as
    // its `regions` comment says.
    let help = mlzone().arg("--help").assert().success();
    let help = text(&help.get_output().stdout);
    let start = help.find("  version: 1").expect("a profile in the help");
    let end = help
        .find("Everything else")
        .expect("the end of the profile");
    let body: String = help[start..end]
        .lines()
        .map(|line| line.strip_prefix("  ").unwrap_or(line))
        .collect::<Vec<_>>()
        .join("\n")
        .replace("<guid>", "0b6f7f3e-5d7c-4a63-9a51-3c2d8f1e4b20")
        .replace(
            "../profiles/baseline.yaml",
            &repo().join("profiles/baseline.yaml").display().to_string(),
        );
    let regions = body
        .lines()
        .find(|line| line.starts_with("regions:"))
        .unwrap();
    assert!(regions.contains("unless REL-07 is waived"), "{regions}");
    let dir = tempfile::tempdir().unwrap();
    let profile = dir.path().join("profile.yaml");
    std::fs::write(&profile, &body).unwrap();
    let plan = crate::support::plan_json(&profile);
    let roles: Vec<&str> = plan["regions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["role"].as_str().unwrap())
        .collect();
    assert_eq!(roles, ["primary"]);
}

#[test]
fn the_catalog_starts_with_its_first_pillar_and_pillars_are_apart() {
    let run = mlzone().arg("recommendations").assert().success();
    let stdout = text(&run.get_output().stdout);
    let first = stdout.lines().next().unwrap_or_default();
    assert!(!first.is_empty() && !first.starts_with(' '), "{stdout}");
    // Each later pillar's heading follows a blank line.
    let headings: Vec<usize> = stdout
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.is_empty() && !l.starts_with(' ') && !l.contains("recommendations."))
        .map(|(i, _)| i)
        .collect();
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(headings.len() > 1, "{stdout}");
    for i in &headings[1..] {
        assert_eq!(lines[i - 1], "", "{stdout}");
    }
}
