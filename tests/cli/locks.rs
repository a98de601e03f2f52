//! Locks in golden profiles: tightening is allowed (loosening is in the invalid corpus).

use crate::support::{mlzone, text};

#[test]
fn a_profile_may_tighten_a_locked_setting() {
    let dir = tempfile::tempdir().unwrap();
    let base = crate::support::repo().join("tests/fixtures/invalid/extends/locked-base.yaml");
    let path = dir.path().join("profile.yaml");
    std::fs::write(
        &path,
        format!("extends: {}\nproject: tight\nmonitoring: {{retention_days: 365}}\npolicy: {{effect: deny}}\n", base.display()),
    )
    .unwrap();
    let run = mlzone().arg("validate").arg(&path).assert().code(0);
    assert!(text(&run.get_output().stdout).contains("is valid"));
}

#[test]
fn the_regulated_golden_profile_locks_its_guarantees() {
    let dir = tempfile::tempdir().unwrap();
    let base = crate::support::repo().join("profiles/regulated.yaml");
    let path = dir.path().join("profile.yaml");
    std::fs::write(
        &path,
        format!(
            "extends: {}\nproject: loose\npolicy: {{allow_waivers: true}}\n",
            base.display()
        ),
    )
    .unwrap();
    let run = mlzone().arg("validate").arg(&path).assert().code(3);
    assert!(text(&run.get_output().stderr).contains("`policy.allow_waivers`: locked by"));
}
