use crate::support::{mlzone, text};

#[test]
fn plan_prints_names_policies_and_every_recommendation() {
    let out = mlzone()
        .args(["plan", "../profiles/baseline.yaml"])
        .assert()
        .success();
    let stdout = text(&out.get_output().stdout);
    for expected in [
        "primary region westeurope",
        "secondary region northeurope",
        "mlw-baseline-prod-weu",
        "AllowOnlyApprovedOutbound",
        "policy assignments (resource_group scope)",
        "SEC-03   applied",
        "REL-04   advisory",
    ] {
        assert!(
            stdout.contains(expected),
            "missing {expected:?} in\n{stdout}"
        );
    }
}

#[test]
fn plan_json_is_the_whole_plan() {
    let out = mlzone()
        .args(["plan", "--json", "../profiles/baseline.yaml"])
        .assert()
        .success();
    let plan: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(plan["project"], "baseline");
    assert_eq!(plan["regions"][0]["location"], "westeurope");
    assert_eq!(
        plan["regions"][0]["workspace"]["public_network_access"],
        false
    );
    assert_eq!(plan["recommendations"].as_array().unwrap().len(), 58);
    let statuses: Vec<&str> = plan["recommendations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_str().unwrap())
        .collect();
    assert!(
        statuses
            .iter()
            .all(|s| ["applied", "partial", "not_applied", "waived", "advisory"].contains(s))
    );
}

#[test]
fn waivers_show_with_reason_and_expiry() {
    let dir = tempfile::tempdir().unwrap();
    let path = crate::support::extending(
        dir.path(),
        "profiles/baseline.yaml",
        "project: pilot\nregions: {primary: westeurope, secondary: none}\nwaivers:\n  - {id: REL-07, reason: single-region pilot, expires: 2027-03-31}\n",
    );
    let out = mlzone().arg("plan").arg(&path).assert().success();
    let stdout = text(&out.get_output().stdout);
    assert!(
        stdout.contains("REL-07   WAIVED    until 2027-03-31: single-region pilot"),
        "{stdout}"
    );
    assert!(!stdout.contains("secondary region"));
    assert!(
        !stdout.contains("policy exemptions"),
        "REL-07 meets no policy"
    );
}

#[test]
fn plan_lists_the_policy_exemptions_of_waivers() {
    let dir = tempfile::tempdir().unwrap();
    let path = crate::support::extending(
        dir.path(),
        "profiles/baseline.yaml",
        "project: pilot\nencryption: {customer_managed_key: false}\nwaivers:\n  - {id: SEC-13, reason: no key vault yet, expires: 2027-03-31}\n  - {id: OPS-05, reason: logs go elsewhere, expires: 2027-03-31}\n",
    );
    let out = mlzone().arg("plan").arg(&path).assert().success();
    let stdout = text(&out.get_output().stdout);
    for expected in [
        "policy exemptions (waivers, at each region's resource group)",
        "SEC-13   mlz-pilot-sec-13-workspace-customer-managed-key from mlz-pilot-workspace-customer-managed-key (Deny), Waiver until 2027-03-31T23:59:59Z",
        "OPS-05   no exemption from Resource logs in Azure Machine Learning Workspaces should be enabled: its effect, AuditIfNotExists,",
    ] {
        assert!(
            stdout.contains(expected),
            "missing {expected:?} in\n{stdout}"
        );
    }
}

#[test]
fn audit_reports_the_definitions_that_cannot_audit() {
    let dir = tempfile::tempdir().unwrap();
    let path = crate::support::extending(
        dir.path(),
        "profiles/exploratory.yaml",
        "project: pilot\npolicy: {effect: audit}\n",
    );
    let out = mlzone().arg("plan").arg(&path).assert().success();
    let stdout = text(&out.get_output().stdout);
    assert!(
        stdout.contains("no audit effect (Deny, Disabled): not assigned"),
        "{stdout}"
    );
    assert!(!stdout.contains("\"Deny\""), "{stdout}");
    let out_dir = dir.path().join("out");
    crate::support::generate_into(&path, &out_dir, "terraform");
    let report = std::fs::read_to_string(out_dir.join("COMPLIANCE.md")).unwrap();
    assert!(
        report.contains("## Policy effects") && report.contains("| not assigned |"),
        "{report}"
    );
}

#[test]
fn validate_and_plan_say_what_each_waiver_turns_off() {
    let dir = tempfile::tempdir().unwrap();
    let path = crate::support::extending(
        dir.path(),
        "profiles/baseline.yaml",
        "project: pilot\nwaivers:\n  - {id: SEC-03, reason: public studio, expires: 2027-03-31}\n  - {id: COST-09, reason: nothing to waive, expires: 2027-03-31}\n",
    );
    let out = mlzone().arg("validate").arg(&path).assert().success();
    let stdout = text(&out.get_output().stdout);
    let stderr = text(&out.get_output().stderr);
    assert!(
        stdout
            .contains("waiver SEC-03: removes private endpoint pe-mlw-pilot-prod-weu-amlworkspace"),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "waiver SEC-03: relaxes workspace mlw-pilot-prod-weu public network access: from Disabled to Enabled"
        ),
        "{stdout}"
    );
    assert!(
        stderr.contains("warning[idle-waiver]")
            && stderr.contains("the waiver of COST-09 turns nothing off"),
        "{stderr}"
    );
    let out = mlzone().arg("plan").arg(&path).assert().success();
    let stdout = text(&out.get_output().stdout);
    assert!(
        stdout.contains("COST-09  nothing: the zone is the same without it"),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "SEC-03   adds policy exemption mlz-pilot-sec-03-workspace-public-network-access"
        ),
        "{stdout}"
    );
}
