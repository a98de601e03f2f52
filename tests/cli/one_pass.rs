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

/// What `validate` says of a profile with `body`, which must be invalid.
fn invalid(body: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    validate(&written(dir.path(), body), 3)
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
    reports(
        &invalid(
            "version: 1\nproject: gen\nenvironment: dev\nregions: {primary: westeurop}\naccess:\n  - {group_object_id: 11111111-1111-4111-8111-111111111111, role: admin}\n",
        ),
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
    let stderr = invalid(
        "version: 1\nproject: gen\nregions: {primary: westeurope, secondary: none}\nwaivers:\n  - {id: SEC-99, reason: pilot, expires: 2027-03-31}\n",
    );
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
    reports(
        &invalid(
            "version: 1\nproject: gen\nenvironment: dev\nregions: {primary: westeurop}\ncompute:\n  image_build_cluster: cpu\n  clusters:\n    - {name: cpu, sku: Standard_D4_v5, purpose: training, min_nodes: 2, max_nodes: many}\n",
        ),
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

const GUID: &str = "11111111-1111-4111-8111-111111111111";

#[test]
fn a_cluster_without_a_name_leaves_the_other_clusters_checked_and_invents_nothing() {
    // The nameless cluster may be `gpu`, the image-build cluster: that is not judged. The
    // other cluster is, and so is the cluster written as a bare name.
    let stderr = invalid(
        "version: 1\nproject: gen\nenvironment: dev\nregions: {primary: westeurope}\ncompute:\n  image_build_cluster: gpu\n  clusters:\n    - {sku: Standard_D4_v5, purpose: training, max_nodes: 2}\n    - {name: cpu, sku: Standard_D4_v5, purpose: training, min_nodes: 3, max_nodes: 2}\n    - just-a-name\n",
    );
    reports(
        &stderr,
        &[
            "error[missing-key]: `compute.clusters[0]`: missing required key `name`",
            "error[wrong-type]: `compute.clusters[2]`: expected a mapping of keys to values",
            "error[nodes]: `compute.clusters[1].min_nodes`: `min_nodes` (3) is more than `max_nodes` (2)",
            "3 errors, 0 warnings",
        ],
    );
    assert!(!stderr.contains("image-build-cluster"), "{stderr}");
}

#[test]
fn an_instance_without_a_name_leaves_the_other_instances_checked() {
    reports(
        &invalid(&format!(
            "version: 1\nproject: gen\nenvironment: dev\nregions: {{primary: westeurope}}\naccess:\n  - {{group_object_id: {GUID}, role: data_scientist}}\ncompute:\n  instances:\n    - {{sku: Standard_D4_v5, user_object_id: {GUID}}}\n    - {{name: alice, sku: Standard_D4_v5, user_object_id: not-a-guid}}\n"
        )),
        &[
            "error[missing-key]: `compute.instances[0]`: missing required key `name`",
            "error[guid]: `compute.instances[1].user_object_id`: `not-a-guid` is not a GUID",
            "2 errors, 0 warnings",
        ],
    );
}

#[test]
fn an_outbound_rule_without_a_name_leaves_the_other_rules_checked_and_invents_nothing() {
    // Without its name the first rule may be `pypi`: the second is not called a duplicate.
    let stderr = invalid(
        "version: 1\nproject: gen\nenvironment: dev\nregions: {primary: westeurope}\nnetwork:\n  outbound:\n    - {fqdn: pypi.org}\n    - {name: pypi, fqdn: \"https://pypi.org/simple\"}\n",
    );
    reports(
        &stderr,
        &[
            "error[missing-key]: `network.outbound[0]`: missing required key `name`",
            "error[fqdn]: `network.outbound[1].fqdn`: `https://pypi.org/simple` is not a domain name",
            "2 errors, 0 warnings",
        ],
    );
    assert!(!stderr.contains("duplicate"), "{stderr}");
}

#[test]
fn a_waiver_without_a_reason_still_waives_and_an_access_entry_without_a_group_still_grants() {
    // Production without a secondary needs the REL-07 waiver, which is there; the instance's
    // owner may belong to the group whose ID is missing.
    let stderr = invalid(&format!(
        "version: 1\nproject: gen\nenvironment: prod\nregions: {{primary: westeurope, secondary: none}}\naccess:\n  - {{role: data_scientist}}\ncompute:\n  instances:\n    - {{name: alice, sku: Standard_D4_v5, user_object_id: {GUID}}}\nwaivers:\n  - {{id: REL-07, expires: 2027-03-31}}\n"
    ));
    reports(
        &stderr,
        &[
            "error[missing-key]: `access[0]`: missing required key `group_object_id`",
            "error[missing-key]: `waivers[0]`: missing required key `reason`",
            "2 errors, 0 warnings",
        ],
    );
}

#[test]
fn a_rejected_choice_does_not_hide_an_unrelated_finding() {
    // `policy.effect`, `network.mode` and a cluster's `priority` outside their choices; a
    // retired VM size, a waiver that expired, a subnet outside its space and a malformed
    // outbound rule elsewhere are reported in the same pass.
    let stderr = invalid(
        "version: 1\nproject: gen\nenvironment: dev\nregions: {primary: westeurope}\npolicy: {effect: block}\nnetwork:\n  mode: hybrid\n  address_space: 10.40.0.0/22\n  subnets: {endpoints: 10.50.0.0/24}\n  outbound:\n    - {name: bad, fqdn: \"http://x\"}\ncompute:\n  clusters:\n    - {name: old, sku: Standard_NC6s_v3, purpose: training, max_nodes: 2, priority: spot}\nwaivers:\n  - {id: SEC-13, reason: pilot, expires: 2026-01-31}\n",
    );
    reports(
        &stderr,
        &[
            "error[not-allowed]: `policy.effect`: `block` is not allowed",
            "error[not-allowed]: `compute.clusters[0].priority`: `spot` is not allowed",
            "error[retired-sku]: `compute.clusters[0].sku`",
            "error[waiver-expired]: `waivers[0].expires`",
            "`network.subnets.endpoints`",
            // Rules are checked in either network mode: a rejected mode hides none.
            "error[not-allowed]: `network.mode`: `hybrid` is not allowed",
            "error[fqdn]: `network.outbound[0].fqdn`: `http://x` is not a domain name",
        ],
    );
}

#[test]
fn diagnostics_come_in_reading_order_in_text_and_json() {
    // A semantic error (line 4) above a schema error (line 5) above another semantic one.
    let dir = tempfile::tempdir().unwrap();
    let p = written(
        dir.path(),
        "version: 1\nproject: gen\nenvironment: dev\nregions: {primary: westeurop}\nmonitoring: {retention_days: many}\nwaivers:\n  - {id: SEC-99, reason: pilot, expires: 2027-03-31}\n",
    );
    let stderr = validate(&p, 3);
    let at = |needle: &str| {
        stderr
            .find(needle)
            .unwrap_or_else(|| panic!("{needle} not reported:\n{stderr}"))
    };
    assert!(
        at("error[unknown-region]") < at("error[wrong-type]"),
        "{stderr}"
    );
    assert!(
        at("error[wrong-type]") < at("error[unknown-waiver]"),
        "{stderr}"
    );
    let run = mlzone()
        .args(["validate", "--json"])
        .arg(&p)
        .assert()
        .code(3);
    let json: serde_json::Value = serde_json::from_slice(&run.get_output().stdout).unwrap();
    let lines: Vec<(String, u64)> = json["profiles"][0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_owned(),
                d["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        lines,
        [
            ("unknown-region".to_owned(), 4),
            ("wrong-type".to_owned(), 5),
            ("unknown-waiver".to_owned(), 7)
        ]
    );
}
