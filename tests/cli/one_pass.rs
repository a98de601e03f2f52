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

/// A profile at `dir/profile.yaml` with `body`.
fn written(dir: &Path, body: &str) -> std::path::PathBuf {
    let path = dir.join("profile.yaml");
    std::fs::write(&path, body).unwrap();
    path
}

/// Assert that `stderr` holds each of `expected`.
fn reports(stderr: &str, expected: &[&str]) {
    for line in expected {
        assert!(stderr.contains(line), "not reported: {line}\n{stderr}");
    }
}

const WESTEUROP: &str =
    "error[unknown-region]: `regions.primary`: unknown Azure region `westeurop`";

#[test]
fn a_value_outside_its_choices_does_not_hide_the_semantic_errors() {
    // `role` is required in its list item: the rules run with each role in turn.
    let dir = tempfile::tempdir().unwrap();
    let p = written(
        dir.path(),
        "version: 1\nproject: gen\nenvironment: dev\nregions: {primary: westeurop}\naccess:\n  - {group_object_id: 11111111-1111-4111-8111-111111111111, role: admin}\n",
    );
    reports(
        &validate(&p, 3),
        &[
            "error[not-allowed]: `access[0].role`: `admin` is not allowed",
            WESTEUROP,
            "profile.yaml:4:20",
            "2 errors, 0 warnings",
        ],
    );
}

#[test]
fn a_loosened_lock_does_not_hide_the_semantic_errors() {
    let dir = tempfile::tempdir().unwrap();
    let p = extending(
        dir.path(),
        "profiles/regulated.yaml",
        "project: gen\npolicy: {effect: audit}\nwaivers:\n  - {id: REL-07, reason: pilot, expires: 2027-03-31}\n",
    );
    reports(
        &validate(&p, 3),
        &[
            "error[locked]: `policy.effect`",
            "error[waivers-forbidden]: `waivers[0]`",
            "profile.yaml:5:5",
        ],
    );
}

#[test]
fn a_missing_key_does_not_hide_the_semantic_errors_nor_invent_any() {
    // Without `environment`, nothing that depends on it is judged (a production profile
    // would need a secondary region, a development one would not): only what holds for every
    // environment is reported.
    let dir = tempfile::tempdir().unwrap();
    let p = written(
        dir.path(),
        "version: 1\nproject: gen\nregions: {primary: westeurope, secondary: none}\nwaivers:\n  - {id: SEC-99, reason: pilot, expires: 2027-03-31}\n",
    );
    let stderr = validate(&p, 3);
    reports(
        &stderr,
        &[
            "error[missing-key]: missing required key `environment`",
            "error[unknown-waiver]: `waivers[0].id`: no recommendation `SEC-99`",
            "2 errors, 0 warnings",
        ],
    );
    assert!(
        !stderr.contains("REL-07"),
        "a production rule was judged:\n{stderr}"
    );
}

#[test]
fn a_malformed_list_item_leaves_the_rest_of_the_profile_checked() {
    // `max_nodes` of another type: the rules run with its bounds in its place, so the region is
    // judged, and nothing that depends on the cluster is invented (the image-build cluster
    // names it).
    let dir = tempfile::tempdir().unwrap();
    let p = written(
        dir.path(),
        "version: 1\nproject: gen\nenvironment: dev\nregions: {primary: westeurop}\ncompute:\n  image_build_cluster: cpu\n  clusters:\n    - {name: cpu, sku: Standard_D4_v5, purpose: training, min_nodes: 2, max_nodes: many}\n",
    );
    reports(
        &validate(&p, 3),
        &[
            "error[wrong-type]: `compute.clusters[0].max_nodes`",
            WESTEUROP,
            "2 errors, 0 warnings",
        ],
    );
}

#[test]
fn a_warning_about_the_secondary_region_is_located_at_the_secondary() {
    let dir = tempfile::tempdir().unwrap();
    // Written: at `regions.secondary` itself (line 6).
    let p = written(
        dir.path(),
        "version: 1\nproject: gen\nenvironment: prod\nregions:\n  primary: westeurope\n  secondary: canadaeast\n",
    );
    reports(
        &validate(&p, 0),
        &[
            "warning[no-zones]: `regions.secondary`: `canadaeast` has no availability zones",
            "profile.yaml:6:14",
        ],
    );
    // Derived from the primary's pair: named as the default it is, never as the primary.
    let p = written(
        dir.path(),
        "version: 1\nproject: gen\nenvironment: prod\nregions:\n  primary: australiacentral\n",
    );
    let stderr = validate(&p, 0);
    reports(
        &stderr,
        &[
            "warning[no-zones]: `regions`: the default of `regions.secondary` (not written in the profile): `australiacentral2` has no availability zones",
            "warning[restricted-region]: `regions`: the default of `regions.secondary` (not written in the profile): `australiacentral2` (Australia Central 2), the pair of `australiacentral`, needs an access request",
        ],
    );
    assert_eq!(
        stderr.matches("`regions.primary`:").count(),
        1,
        "only the primary's own warning is at the primary:\n{stderr}"
    );
    assert_eq!(stderr.matches("profile.yaml:4:1").count(), 2, "{stderr}");
}
