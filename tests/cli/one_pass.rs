//! Every problem at once, and only about what the author wrote.

use std::path::Path;

use crate::support::{extending, mlzone, text};

fn validate(profile: &Path, code: i32) -> String {
    let run = mlzone().arg("validate").arg(profile).assert().code(code);
    text(&run.get_output().stderr)
}

#[test]
fn a_type_error_does_not_hide_the_semantic_errors() {
    let dir = tempfile::tempdir().unwrap();
    let p = extending(
        dir.path(),
        "profiles/baseline.yaml",
        "project: gen\nregions: {primary: westeurop}\nmonitoring: {retention_days: many}\n",
    );
    let stderr = validate(&p, 3);
    assert!(
        stderr.contains("error[wrong-type]: `monitoring.retention_days`"),
        "{stderr}"
    );
    assert!(
        stderr
            .contains("error[unknown-region]: `regions.primary`: unknown Azure region `westeurop`"),
        "{stderr}"
    );
    assert!(stderr.contains("2 errors"), "{stderr}");
}

#[test]
fn a_problem_with_a_default_is_not_reported_at_a_key_nobody_wrote() {
    // The secondary region's address space defaults to the block after the primary's; here
    // that block is public. The author wrote only `network.address_space`.
    let dir = tempfile::tempdir().unwrap();
    let p = extending(
        dir.path(),
        "profiles/baseline.yaml",
        "project: gen\nnetwork:\n  address_space: 10.255.252.0/22\n",
    );
    let stderr = validate(&p, 0);
    assert!(
        !stderr.contains("`network.secondary_address_space`:"),
        "no diagnostic names the unwritten key as its field:\n{stderr}"
    );
    assert!(
        stderr.contains(
            "`network`: the default of `network.secondary_address_space` (not written in the profile): `11.0.0.0/22` is not a private (RFC 1918) range"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("profile.yaml:3:1"), "{stderr}");
}
