//! COMPLIANCE.md states what the plan does, no more: what each waiver turns off, and operating
//! notes only where the zone's network mode makes them true.

use std::path::Path;

use crate::support::{extending, generate_into, plan_json, shipped_profiles};

/// COMPLIANCE.md of `profile`, generated into `dir`.
fn report(profile: &Path, dir: &Path) -> String {
    let out = dir.join("infra");
    generate_into(profile, &out, "terraform");
    std::fs::read_to_string(out.join("COMPLIANCE.md")).expect("COMPLIANCE.md")
}

/// Markdown table and list text back to plain text (the `md` filter's escapes undone).
fn plain(markdown: &str) -> String {
    markdown
        .replace('\\', "")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
}

/// The lines of the report's "What each waiver turns off" under waiver `id`.
fn turns_off<'r>(report: &'r str, id: &str) -> Vec<&'r str> {
    let section = report
        .split("### What each waiver turns off")
        .nth(1)
        .expect("a section on what each waiver turns off");
    let head = format!("- **{id}** (");
    section
        .lines()
        .skip_while(|l| !l.starts_with(&head))
        .skip(1)
        .take_while(|l| l.starts_with("  - "))
        .map(|l| &l[4..])
        .collect()
}

#[test]
fn the_report_lists_what_each_waiver_turns_off_as_plan_does() {
    let mut seen = 0;
    for (name, profile) in shipped_profiles() {
        let plan = plan_json(&profile);
        let waivers = plan["waivers"].as_array().expect("waivers");
        if waivers.is_empty() {
            continue;
        }
        let dir = tempfile::tempdir().unwrap();
        let report = plain(&report(&profile, dir.path()));
        for w in waivers {
            let id = w["id"].as_str().expect("an ID");
            let expected: Vec<&str> = w["turns_off"]
                .as_array()
                .expect("turns_off")
                .iter()
                .map(|l| l.as_str().expect("a line"))
                .collect();
            assert!(!expected.is_empty(), "{name}: {id} turns something off");
            assert_eq!(turns_off(&report, id), expected, "{name}: {id}");
            seen += 1;
        }
    }
    assert!(seen >= 1, "{seen} waivers seen");
}

#[test]
fn a_waiver_that_removes_policy_assignments_and_endpoints_says_so_in_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let p = extending(
        dir.path(),
        "profiles/baseline.yaml",
        "project: waived\nwaivers:\n  - {id: SEC-03, reason: studio from the office, expires: 2027-01-31}\n",
    );
    let report = plain(&report(&p, dir.path()));
    let lines = turns_off(&report, "SEC-03");
    assert!(
        lines.iter().any(|l| l.starts_with("relaxes workspace")),
        "{lines:?}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("removes private endpoint") && l.contains("amlworkspace")),
        "{lines:?}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("adds") && l.contains("exemption")),
        "{lines:?}"
    );
}

#[test]
fn isolation_that_cannot_go_back_is_stated_only_for_a_managed_network() {
    let dir = tempfile::tempdir().unwrap();
    let managed = report(
        &crate::support::repo().join("profiles/baseline.yaml"),
        &dir.path().join("managed"),
    );
    assert!(
        managed.contains("- **Managed network isolation** cannot be turned back to Disabled"),
        "{managed}"
    );
    assert!(managed.contains("isolation back from managed"));
    let customer = report(
        &crate::support::repo().join("profiles/customer-vnet.yaml"),
        &dir.path().join("customer"),
    );
    assert!(customer.contains("- Network: customer"), "{customer}");
    assert!(!customer.contains("cannot be turned back"), "{customer}");
    assert!(
        !customer.contains("isolation back from managed"),
        "{customer}"
    );
}

#[test]
fn operating_notes_claim_no_purge_protection_or_private_access_that_waivers_remove() {
    let dir = tempfile::tempdir().unwrap();
    let p = extending(
        dir.path(),
        "profiles/customer-vnet.yaml",
        "project: relaxed\nenvironment: dev\nregions: {primary: westeurope, secondary: none}\nencryption: {customer_managed_key: false}\nwaivers:\n  - {id: REL-07, reason: pilot, expires: 2027-01-31}\n  - {id: SEC-13, reason: pilot, expires: 2027-01-31}\n  - {id: SEC-05, reason: pilot, expires: 2027-01-31}\n",
    );
    let plan = plan_json(&p);
    assert_eq!(plan["regions"][0]["key_vault"]["purge_protection"], false);
    let report = plain(&report(&p, dir.path()));
    assert!(!report.contains("purge-protected and keep"), "{report}");
    assert!(report.contains("The key vaults are not purge-protected"));
    assert!(
        !report.contains("storage, key vault and registry take no public traffic"),
        "{report}"
    );
    assert!(report.contains(
        "the storage, the key vault, the registry take public traffic; the workspace takes none."
    ));
}

/// The rows of the report's "Policy effects" table: (ID, assignment, effect, why).
fn policy_effects(report: &str) -> Vec<[String; 4]> {
    let section = report
        .split("## Policy effects")
        .nth(1)
        .expect("a section on policy effects");
    section
        .lines()
        .take_while(|l| !l.starts_with("## "))
        .filter(|l| l.starts_with("| ") && !l.starts_with("| ID "))
        .map(|l| {
            let cells: Vec<String> = l
                .trim_matches('|')
                .split(" | ")
                .map(|c| c.trim().trim_matches('`').to_owned())
                .collect();
            [
                cells[0].clone(),
                cells[2].clone(),
                cells[3].clone(),
                cells[4].clone(),
            ]
        })
        .collect()
}

#[test]
fn the_report_gives_each_assignment_s_effect_and_why_as_plan_does() {
    let dir = tempfile::tempdir().unwrap();
    let audit = extending(
        dir.path(),
        "profiles/exploratory.yaml",
        "project: pilot\npolicy: {effect: audit}\n",
    );
    let mut profiles = shipped_profiles();
    profiles.push(("audit".to_owned(), audit));
    for (name, profile) in profiles {
        let plan = plan_json(&profile);
        let g = &plan["governance"];
        let text = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_owned();
        let mut expected: Vec<[String; 4]> = Vec::new();
        for a in g["assignments"].as_array().expect("assignments") {
            expected.push([
                text(&a["recommendation"]),
                text(&a["name"]),
                a["effect"]
                    .as_str()
                    .unwrap_or("the definition's")
                    .to_owned(),
                text(&a["effect_reason"]),
            ]);
        }
        for p in g["custom_policies"].as_array().expect("custom policies") {
            expected.push([
                text(&p["recommendation"]),
                text(&p["name"]),
                text(&p["effect"]),
                text(&p["effect_reason"]),
            ]);
        }
        for i in g["initiatives"].as_array().expect("initiatives") {
            expected.push([
                text(&i["recommendation"]),
                text(&i["name"]),
                "each policy's default".to_owned(),
                text(&i["effect_reason"]),
            ]);
        }
        let unassigned: Vec<&serde_json::Value> = g["without_audit"]
            .as_array()
            .expect("without_audit")
            .iter()
            .filter(|w| w["assigned"] == false)
            .collect();
        let sub = tempfile::tempdir().unwrap();
        let rows = policy_effects(&plain(&report(&profile, sub.path())));
        assert_eq!(
            rows.len(),
            expected.len() + unassigned.len(),
            "{name}: {rows:?}"
        );
        assert_eq!(rows[..expected.len()], expected[..], "{name}");
        for w in unassigned {
            assert!(
                rows.contains(&[
                    text(&w["recommendation"]),
                    "none".to_owned(),
                    "not assigned".to_owned(),
                    text(&w["outcome"]),
                ]),
                "{name}: {w} is not in {rows:?}"
            );
        }
        // Nothing is on Deny under `policy.effect: audit`.
        if g["effect"] == "audit" {
            assert!(rows.iter().all(|r| r[2] != "Deny"), "{name}: {rows:?}");
        }
    }
}

#[test]
fn under_audit_a_definition_without_an_audit_effect_is_named_as_such() {
    let dir = tempfile::tempdir().unwrap();
    let profile = extending(
        dir.path(),
        "profiles/exploratory.yaml",
        "project: pilot\npolicy: {effect: audit}\n",
    );
    let rows = policy_effects(&plain(&report(&profile, dir.path())));
    let row = |id: &str| {
        rows.iter()
            .find(|r| r[0] == id)
            .unwrap_or_else(|| panic!("no {id} in {rows:?}"))
    };
    // Deny-only: not assigned, its effects named.
    let registries = row("POL-09");
    assert_eq!(registries[2], "not assigned");
    assert!(
        registries[3].contains("Deny, Disabled, none of them audits"),
        "{registries:?}"
    );
    // enforceSetting-only: assigned with it, and said why.
    let acrs = row("POL-08");
    assert_eq!(acrs[2], "enforceSetting");
    assert!(
        acrs[3].contains("no audit or Deny effect, only enforceSetting, disabled"),
        "{acrs:?}"
    );
    assert_eq!(row("POL-01")[2], "Audit");
    assert_eq!(
        row("POL-01")[3],
        "as the profile asks (policy.effect: audit)"
    );
    assert_eq!(row("POL-10")[2], "AuditIfNotExists");
}

/// The row of recommendation `id` in the report's "Recommendations" table: status, where (or
/// what is missing), files.
fn recommendation(report: &str, id: &str) -> [String; 3] {
    let section = report
        .split("## Recommendations")
        .nth(1)
        .expect("a section on recommendations");
    let line = section
        .lines()
        .find(|l| l.starts_with(&format!("| {id} |")))
        .unwrap_or_else(|| panic!("no row for {id}"));
    let cells: Vec<String> = line
        .trim_matches('|')
        .split(" | ")
        .map(|c| c.trim().to_owned())
        .collect();
    [cells[2].clone(), cells[3].clone(), cells[4].clone()]
}

/// Both formats and the report of the baseline profile with `body` added, under `dir`.
fn both_formats(dir: &Path, body: &str) -> (String, String) {
    std::fs::create_dir_all(dir).expect("a directory");
    let p = extending(dir, "profiles/baseline.yaml", body);
    let out = dir.join("infra");
    generate_into(&p, &out, "terraform,bicep");
    let files = crate::support::files_under(&out);
    let iac: String = files
        .iter()
        .filter(|(name, _)| name.ends_with(".tf") || name.ends_with(".bicep"))
        .map(|(_, text)| String::from_utf8_lossy(text).into_owned())
        .collect();
    let report = String::from_utf8_lossy(&files["COMPLIANCE.md"]).into_owned();
    (iac, plain(&report))
}

/// Issue 17: an exemption only where the waiver turns off something the assignment denies.
#[test]
fn a_waiver_that_turns_nothing_off_gets_no_exemption_and_leaves_the_status_as_output_shows() {
    const EXEMPTIONS: [&str; 2] = [
        "azurerm_resource_group_policy_exemption",
        "Microsoft.Authorization/policyExemptions",
    ];
    let dir = tempfile::tempdir().unwrap();
    // The same waiver with the setting it allows: exempt in both formats.
    let (iac, _) = both_formats(
        &dir.path().join("open"),
        "project: open\nnetwork: {internet_outbound: true}\nwaivers:\n  - {id: SEC-04, reason: pilot, expires: 2027-01-31}\n",
    );
    for kind in EXEMPTIONS {
        assert!(iac.contains(kind), "{kind} missing with internet outbound");
    }
    for (waived, body) in [
        (
            "SEC-04",
            "project: idle\nwaivers:\n  - {id: SEC-04, reason: pilot, expires: 2027-01-31}\n",
        ),
        (
            "COST-09",
            "project: idle\nwaivers:\n  - {id: COST-09, reason: pilot, expires: 2027-01-31}\n",
        ),
    ] {
        let (iac, report) = both_formats(&dir.path().join(waived), body);
        for kind in EXEMPTIONS {
            assert!(!iac.contains(kind), "{waived}: {kind} generated");
        }
        assert_eq!(recommendation(&report, waived)[0], "applied", "{waived}");
        assert_eq!(recommendation(&report, "SEC-02")[0], "applied", "{waived}");
        assert_eq!(turns_off(&report, waived), Vec::<&str>::new(), "{waived}");
        assert!(
            report.contains("nothing: the zone is the same without it"),
            "{waived}"
        );
    }
}

/// Issue 17: a customer VNet is the guide's fallback, not managed isolation; its outbound rows
/// cite the NSG and the files that hold it.
#[test]
fn customer_vnet_rows_claim_only_what_the_customer_vnet_provides() {
    let dir = tempfile::tempdir().unwrap();
    let p = extending(
        dir.path(),
        "profiles/customer-vnet.yaml",
        "project: natz\nnetwork: {egress: {via: nat_gateway}}\n",
    );
    let out = dir.path().join("infra");
    generate_into(&p, &out, "terraform,bicep");
    let report = plain(&std::fs::read_to_string(out.join("COMPLIANCE.md")).unwrap());
    let [status, text, _] = recommendation(&report, "SEC-02");
    assert_eq!(status, "partial", "{text}");
    assert!(
        text.contains("customer VNet instead of the managed network")
            && text.contains("compute in a subnet of its own"),
        "{text}"
    );
    // No managed network, so no approved-outbound-only mode: the NSG's tags stand in for it.
    let [status, text, files] = recommendation(&report, "SEC-04");
    assert_eq!(status, "partial", "{text}");
    assert!(
        text.contains("no approved-outbound-only mode")
            && text.contains("of which AzureFrontDoor.Frontend"),
        "{text}"
    );
    assert!(
        files.contains("`terraform/network.tf`")
            && files.contains("`bicep/modules/*-network.bicep`"),
        "{files}"
    );
    let [status, text, _] = recommendation(&report, "SEC-16");
    assert!(!text.contains("FQDN"), "{text}");
    // A package feed behind a tag that reaches any tenant is reachable without a package policy.
    assert_eq!(status, "partial", "{text}");
    assert!(
        text.contains("rule deny-out-internet denies internet outbound")
            && text.contains("AzureFrontDoor.Frontend Tcp 443")
            && text.contains("where anyone's package feed can sit"),
        "{text}"
    );
}

/// Issue 17: the way in names what takes public traffic in whole sentences, and the provider
/// block claims purge protection only where the key vaults have it.
#[test]
fn the_way_in_and_the_purge_protection_comment_follow_the_plan() {
    let dir = tempfile::tempdir().unwrap();
    let public = extending(
        dir.path(),
        "profiles/baseline.yaml",
        "project: open\nwaivers:\n  - {id: SEC-03, reason: pilot, expires: 2027-01-31}\n  - {id: SEC-05, reason: pilot, expires: 2027-01-31}\n",
    );
    let text = plain(&report(&public, dir.path()));
    assert!(
        text.contains("- **A way in**: the workspace, the storage, the key vault, the registry take public traffic.\n"),
        "{text}"
    );
    assert!(!text.contains("nothing connects them yet"), "{text}");
    let providers = |dir: &Path| {
        std::fs::read_to_string(dir.join("infra/terraform/providers.tf")).expect("providers.tf")
    };
    assert!(providers(dir.path()).contains("# The key vaults are purge-protected"));
    let relaxed = tempfile::tempdir().unwrap();
    let p = extending(
        relaxed.path(),
        "profiles/customer-vnet.yaml",
        "project: relaxed\nenvironment: dev\nregions: {primary: westeurope, secondary: none}\nencryption: {customer_managed_key: false}\nwaivers:\n  - {id: REL-07, reason: pilot, expires: 2027-01-31}\n  - {id: SEC-13, reason: pilot, expires: 2027-01-31}\n",
    );
    assert_eq!(
        plan_json(&p)["regions"][0]["key_vault"]["purge_protection"],
        false
    );
    report(&p, relaxed.path());
    let text = providers(relaxed.path());
    assert!(!text.contains("are purge-protected"), "{text}");
    assert!(
        text.contains("# The key vaults are not purge-protected"),
        "{text}"
    );
    // The Bicep's `recover` descriptions do not speak of purge protection either.
    generate_into(&p, &relaxed.path().join("infra"), "bicep");
    for file in ["main.bicep", "modules/primary-dependencies.bicep"] {
        let bicep = std::fs::read_to_string(relaxed.path().join("infra/bicep").join(file))
            .expect("the Bicep");
        assert!(!bicep.contains("purge protection keeps"), "{file}: {bicep}");
        assert!(
            !bicep.contains("purge-protection retention"),
            "{file}: {bicep}"
        );
    }
}

/// Issue 17: exfiltration prevention and package regulation are claimed only where no approved
/// destination takes anyone's data and the package channel is not a whole public index.
#[test]
fn exfiltration_and_package_rows_name_what_lets_data_out_and_the_open_channel() {
    let row = |golden: &str, id: &str| {
        let dir = tempfile::tempdir().unwrap();
        let p = extending(dir.path(), golden, "project: rows\n");
        recommendation(&plain(&report(&p, dir.path())), id)
    };
    let [status, text, _] = row("profiles/regulated.yaml", "SEC-16");
    assert_eq!(status, "partial", "{text}");
    assert!(
        text.contains("allows the channel https://pypi.org/simple, which is all of PyPI"),
        "{text}"
    );
    // PyPI's download hosts take no one's uploads: the regulated zone still prevents exfiltration.
    assert_eq!(row("profiles/regulated.yaml", "SEC-14")[0], "applied");
    let [status, text, _] = row("profiles/gpu-training.yaml", "SEC-14");
    assert_eq!(status, "partial", "{text}");
    assert!(
        text.contains("outbound FQDN rule huggingface (huggingface.co) reaches Hugging Face Hub, where any account uploads")
            && text.contains("data can leave to it"),
        "{text}"
    );
    assert_eq!(row("profiles/gpu-training.yaml", "SEC-04")[0], "applied");
    let [status, text, _] = row("profiles/customer-vnet.yaml", "SEC-14");
    assert_eq!(status, "partial", "{text}");
    assert!(
        text.contains("allows AzureFrontDoor.Frontend Tcp 443, which reaches any customer's Front Door endpoints"),
        "{text}"
    );
}

/// Issue 17: the provider block says the recovered vault brings its key back only where the
/// zone has a customer-managed key.
#[test]
fn the_recovered_vault_brings_a_key_back_only_where_the_zone_has_one() {
    let providers = |body: &str| {
        let dir = tempfile::tempdir().unwrap();
        let p = extending(dir.path(), "profiles/baseline.yaml", body);
        report(&p, dir.path());
        std::fs::read_to_string(dir.path().join("infra/terraform/providers.tf")).unwrap()
    };
    let with_key = providers("project: keyed\n");
    assert!(
        with_key.contains("recovers the soft-deleted vault, key included."),
        "{with_key}"
    );
    let keyless = providers(
        "project: keyless\nencryption: {customer_managed_key: false}\nwaivers:\n  - {id: SEC-13, reason: pilot, expires: 2027-01-31}\n",
    );
    assert!(
        keyless.contains("# The key vaults are purge-protected")
            && keyless.contains("recovers the soft-deleted vault.\n")
            && !keyless.contains("key included"),
        "{keyless}"
    );
}
