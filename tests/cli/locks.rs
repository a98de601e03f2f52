//! Locks in golden profiles: tightening is allowed (loosening is in the invalid corpus).

use crate::support::{extending, mlzone, text};

#[test]
fn a_profile_may_tighten_a_locked_setting() {
    let dir = tempfile::tempdir().unwrap();
    let path = extending(
        dir.path(),
        "tests/fixtures/invalid/extends/locked-base.yaml",
        "project: tight\nmonitoring: {retention_days: 365}\npolicy: {effect: deny}\n",
    );
    let run = mlzone().arg("validate").arg(&path).assert().code(0);
    assert!(text(&run.get_output().stdout).contains("is valid"));
}

#[test]
fn the_regulated_golden_profile_locks_its_guarantees() {
    let dir = tempfile::tempdir().unwrap();
    let path = extending(
        dir.path(),
        "profiles/regulated.yaml",
        "project: loose\npolicy: {allow_waivers: true}\n",
    );
    let run = mlzone().arg("validate").arg(&path).assert().code(3);
    assert!(text(&run.get_output().stderr).contains("`policy.allow_waivers`: locked by"));
}
