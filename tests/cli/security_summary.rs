//! `mlzone diff`'s security summary: each kind of weakening is called one, and resources that
//! protect the zone are listed when they go, whether the profile moved them or a hand edit of the
//! Terraform or the Bicep did.

use std::path::{Path, PathBuf};

use crate::support::{extending, on_output, text};

/// A profile extending the baseline golden profile, in `dir`.
fn profile(dir: &Path, extra: &str) -> PathBuf {
    extending(
        dir,
        "profiles/baseline.yaml",
        &format!("project: gen\n{extra}"),
    )
}

/// Generate the baseline, change the profile by `extra`, and return what `diff` prints.
fn summary_after(extra: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let p = profile(dir.path(), "");
    let out = dir.path().join("infra");
    on_output("generate", &p, &out).assert().success();
    profile(dir.path(), extra);
    let run = on_output("diff", &p, &out).assert().code(1);
    text(&run.get_output().stdout)
}

/// The summary's lines (the part before the first blank line).
fn summary_lines(stdout: &str) -> Vec<&str> {
    stdout
        .split("\n\n")
        .next()
        .unwrap_or_default()
        .lines()
        .skip(1)
        .map(str::trim)
        .collect()
}

fn assert_line(stdout: &str, expected: &str) {
    assert!(
        summary_lines(stdout).contains(&expected),
        "no line {expected:?} in the summary:\n{stdout}"
    );
}

#[test]
fn deny_to_audit_weakens() {
    let stdout = summary_after("policy: {effect: audit}\n");
    assert_line(
        &stdout,
        "POL-01 policy assignment Azure Machine Learning Workspaces should disable public network access at rg-gen-prod-weu, rg-gen-prod-neu: Deny → Audit (weakens)",
    );
}

#[test]
fn shorter_log_retention_weakens_and_longer_strengthens() {
    let shorter = summary_after("monitoring: {retention_days: 30}\n");
    assert_line(
        &shorter,
        "OPS-05 Log Analytics log-gen-prod-weu retention (days): 90 → 30 (weakens)",
    );
    let longer = summary_after("monitoring: {retention_days: 365}\n");
    assert_line(
        &longer,
        "OPS-05 Log Analytics log-gen-prod-weu retention (days): 90 → 365 (strengthens)",
    );
}

#[test]
fn a_new_internet_destination_weakens() {
    let stdout = summary_after(
        "network:\n  outbound:\n    - {name: pypi, fqdn: pypi.org}\n    - {name: pypi-files, fqdn: files.pythonhosted.org}\n    - {name: entra-id, service_tag: AzureActiveDirectory}\n    - {name: hugging-face, fqdn: huggingface.co}\n",
    );
    assert_line(
        &stdout,
        "SEC-04 added: workspace mlw-gen-prod-weu outbound rule hugging-face (internet destination) (weakens)",
    );
}

#[test]
fn a_removed_internet_destination_strengthens() {
    let stdout = summary_after(
        "network:\n  outbound:\n    - {name: pypi, fqdn: pypi.org}\n    - {name: entra-id, service_tag: AzureActiveDirectory}\n",
    );
    assert_line(
        &stdout,
        "SEC-04 removed: workspace mlw-gen-prod-weu outbound rule pypi-files (internet destination) (strengthens)",
    );
}

#[test]
fn a_removed_private_endpoint_weakens_and_is_listed() {
    let stdout =
        summary_after("waivers:\n  - {id: SEC-03, reason: public demo, expires: 2027-06-30}\n");
    assert_line(
        &stdout,
        "SEC-03 removed: private endpoint pe-mlw-gen-prod-weu-amlworkspace (workspace amlworkspace) (weakens)",
    );
}

#[test]
fn a_removed_policy_assignment_weakens_and_is_listed() {
    let stdout = summary_after("waivers:\n  - {id: POL-07, reason: r, expires: 2027-06-30}\n");
    let removed: Vec<&str> = summary_lines(&stdout)
        .into_iter()
        .filter(|l| l.starts_with("POL-07 removed: policy assignment "))
        .collect();
    assert_eq!(removed.len(), 1, "{stdout}");
    assert!(removed[0].ends_with("(weakens)"), "{stdout}");
}

#[test]
fn the_json_summary_says_what_came_or_went() {
    let dir = tempfile::tempdir().unwrap();
    let p = profile(dir.path(), "");
    let out = dir.path().join("infra");
    on_output("generate", &p, &out).assert().success();
    profile(
        dir.path(),
        "waivers:\n  - {id: POL-07, reason: r, expires: 2027-06-30}\n",
    );
    let run = on_output("diff", &p, &out).arg("--json").assert().code(1);
    let value: serde_json::Value = serde_json::from_slice(&run.get_output().stdout).unwrap();
    let changes = value["profiles"][0]["security"].as_array().unwrap();
    assert!(
        changes.iter().any(|c| c["recommendation"] == "POL-07"
            && c["change"] == "removed"
            && c["effect"] == "weakens"
            && c["new"].is_null()),
        "{value:#}"
    );
}

/// Generate the baseline, apply `edits` (file, from, to) to the committed files, and return
/// what `diff` prints.
fn summary_after_hand_edits(edits: &[(&str, &str, &str)]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let p = profile(dir.path(), "");
    let out = dir.path().join("infra");
    on_output("generate", &p, &out).assert().success();
    for (file, from, to) in edits {
        let path = out.join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{file} has no {from:?}");
        std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    }
    let run = on_output("diff", &p, &out).assert().code(1);
    text(&run.get_output().stdout)
}

#[test]
fn a_hand_edit_that_weakens_a_setting_is_named_with_every_edited_file() {
    let stdout = summary_after_hand_edits(&[
        (
            "terraform/workspace.tf",
            "public_network_access_enabled  = false",
            "public_network_access_enabled  = true",
        ),
        (
            "terraform/dependencies.tf",
            "shared_access_key_enabled         = false",
            "shared_access_key_enabled         = true",
        ),
    ]);
    assert!(
        stdout.contains(
            "  edited by hand in terraform/workspace.tf: SEC-03 workspace mlw-gen-prod-weu public network access: Disabled → Enabled (weakens)\n"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("edited by hand in terraform/dependencies.tf: SEC-06 storage "),
        "{stdout}"
    );
    assert!(
        stdout.contains("shared keys: Disabled → Enabled (weakens)"),
        "{stdout}"
    );
    for file in ["terraform/workspace.tf", "terraform/dependencies.tf"] {
        assert!(
            stdout.contains(&format!("edited by hand: {file}\n")),
            "{file} is named:\n{stdout}"
        );
    }
    // The profile did not change: nothing is reported as coming from it.
    assert!(!stdout.contains("security-relevant changes"), "{stdout}");
}

#[test]
fn a_hand_edit_from_deny_to_audit_weakens() {
    let stdout = summary_after_hand_edits(&[(
        "terraform/policy.tf",
        "\"effect\" = { value = \"Deny\" }",
        "\"effect\" = { value = \"Audit\" }",
    )]);
    assert!(
        stdout.contains("edited by hand in terraform/policy.tf: POL-01 policy assignment Azure Machine Learning Workspaces should disable public network access: Deny → Audit (weakens)"),
        "{stdout}"
    );
}

#[test]
fn a_hand_edit_that_shortens_retention_weakens() {
    let stdout = summary_after_hand_edits(&[(
        "terraform/monitoring.tf",
        "retention_in_days              = 90",
        "retention_in_days              = 30",
    )]);
    assert!(
        stdout.contains("edited by hand in terraform/monitoring.tf: OPS-05 Log Analytics log-gen-prod-weu retention (days): 90 → 30 (weakens)"),
        "{stdout}"
    );
}

#[test]
fn a_private_endpoint_removed_by_hand_weakens() {
    let dir_text = summary_after_hand_edits(&[(
        "terraform/network.tf",
        "resource \"azurerm_private_endpoint\" \"primary_storage_blob\"",
        "resource \"azurerm_private_endpoint\" \"primary_storage_blob_gone\"",
    )]);
    // Renaming the resource's address removes the one the profile declares.
    assert!(
        dir_text.contains(
            "edited by hand in terraform/network.tf: SEC-05 removed: private endpoint pe-"
        ),
        "{dir_text}"
    );
    assert!(dir_text.contains("-blob (weakens)\n"), "{dir_text}");
}

#[test]
fn generate_names_every_file_edited_by_hand() {
    let dir = tempfile::tempdir().unwrap();
    let p = profile(dir.path(), "");
    let out = dir.path().join("infra");
    let generate = || on_output("generate", &p, &out).assert();
    generate().success();
    for file in ["terraform/network.tf", "terraform/workspace.tf"] {
        std::fs::write(out.join(file), "# mine\n").unwrap();
    }
    profile(dir.path(), "tags: {owner: someone-else}\n");
    let run = generate().code(4);
    let stderr = text(&run.get_output().stderr);
    for file in ["network.tf", "workspace.tf"] {
        assert!(
            stderr
                .lines()
                .any(|l| l.starts_with("error: refusing to touch `")
                    && l.contains(&format!("{file}`: it was edited by hand"))),
            "{file} is named:\n{stderr}"
        );
    }
}

#[test]
fn a_hand_changed_internet_destination_weakens() {
    let stdout = summary_after_hand_edits(&[(
        "terraform/workspace.tf",
        "destination = \"pypi.org\"",
        "destination = \"evil.example.net\"",
    )]);
    let line = stdout
        .lines()
        .find(|l| l.contains("pypi.org → evil.example.net"))
        .unwrap_or_else(|| panic!("{stdout}"));
    assert!(line.ends_with("(weakens)"), "{line}");
}

/// The line `diff` prints for a setting edited by hand in `file`.
fn assert_hand_edit(stdout: &str, file: &str, line: &str) {
    assert!(
        stdout.contains(&format!("  edited by hand in {file}: {line}\n")),
        "no hand edit {line:?} in {file}:\n{stdout}"
    );
}

#[test]
fn a_hand_edit_that_opens_a_bicep_workspace_weakens() {
    let file = "bicep/modules/primary-workspace.bicep";
    let stdout = summary_after_hand_edits(&[(
        file,
        "publicNetworkAccess: 'Disabled'",
        "publicNetworkAccess: 'Enabled'",
    )]);
    assert_hand_edit(
        &stdout,
        file,
        "SEC-03 workspace mlw-gen-prod-weu public network access: Disabled → Enabled (weakens)",
    );
    assert!(
        stdout.contains(&format!("edited by hand: {file}\n")),
        "{stdout}"
    );
}

#[test]
fn a_bicep_hand_edit_from_deny_to_audit_weakens() {
    let file = "bicep/modules/primary-policies.bicep";
    let stdout = summary_after_hand_edits(&[(file, "value: 'Deny'", "value: 'Audit'")]);
    assert_hand_edit(
        &stdout,
        file,
        "POL-01 policy assignment Azure Machine Learning Workspaces should disable public network access: Deny → Audit (weakens)",
    );
}

#[test]
fn a_bicep_hand_edit_that_shortens_retention_weakens() {
    let file = "bicep/modules/primary-monitoring.bicep";
    let stdout = summary_after_hand_edits(&[(file, "retentionInDays: 90", "retentionInDays: 30")]);
    assert_hand_edit(
        &stdout,
        file,
        "OPS-05 Log Analytics log-gen-prod-weu retention (days): 90 → 30 (weakens)",
    );
}

#[test]
fn a_bicep_private_endpoint_removed_by_hand_weakens() {
    let file = "bicep/modules/primary-network.bicep";
    let stdout = summary_after_hand_edits(&[(
        file,
        "resource endpoint2 'Microsoft.Network/privateEndpoints@",
        "resource endpoint2 'Microsoft.Network/networkInterfaces@",
    )]);
    assert_hand_edit(
        &stdout,
        file,
        "SEC-05 removed: private endpoint pe-stgenpweu-blob (weakens)",
    );
}

#[test]
fn a_bicep_policy_assignment_removed_by_hand_weakens() {
    let file = "bicep/modules/primary-policies.bicep";
    let stdout = summary_after_hand_edits(&[(
        file,
        "resource workspacePublicNetworkAccess 'Microsoft.Authorization/policyAssignments@2026-07-01' = {",
        "var workspacePublicNetworkAccess = {",
    )]);
    assert_hand_edit(
        &stdout,
        file,
        "POL-01 removed: policy assignment Azure Machine Learning Workspaces should disable public network access (weakens)",
    );
}

#[test]
fn a_bicep_internet_destination_added_by_hand_weakens() {
    let file = "bicep/modules/primary-workspace.bicep";
    let rule =
        "resource outboundRule1 'Microsoft.MachineLearningServices/workspaces/outboundRules@";
    let stdout = summary_after_hand_edits(&[(
        file,
        rule,
        &format!(
            "resource huggingFace 'Microsoft.MachineLearningServices/workspaces/outboundRules@2026-05-01' = {{\n  parent: workspace\n  name: 'hugging-face'\n  properties: {{\n    type: 'FQDN'\n    category: 'UserDefined'\n    destination: 'huggingface.co'\n  }}\n}}\n\n{rule}"
        ),
    )]);
    assert_hand_edit(
        &stdout,
        file,
        "SEC-04 added: outbound rule hugging-face (internet destination) (weakens)",
    );
}

#[test]
fn a_longer_key_rotation_in_the_profile_weakens() {
    let stdout = summary_after("encryption: {key_rotation: P365D}\n");
    let key = "key vault kvgenpweu{suffix} key cmk-gen-prod";
    assert_line(
        &stdout,
        &format!("SEC-13 {key} rotation interval: P90D → P365D (weakens)"),
    );
    assert_line(
        &stdout,
        &format!("SEC-13 {key} expiry: P180D → P730D (weakens)"),
    );
    let shorter = summary_after("encryption: {key_rotation: P30D}\n");
    assert_line(
        &shorter,
        &format!("SEC-13 {key} rotation interval: P90D → P30D (strengthens)"),
    );
}

#[test]
fn a_key_rotation_lengthened_or_removed_by_hand_weakens_in_both_formats() {
    let terraform = "terraform/dependencies.tf";
    let bicep = "bicep/modules/primary-dependencies.bicep";
    let stdout = summary_after_hand_edits(&[
        (
            terraform,
            "timeAfterCreate = \"P90D\"",
            "timeAfterCreate = \"P365D\"",
        ),
        (bicep, "timeAfterCreate: 'P90D'", "timeAfterCreate: 'P365D'"),
    ]);
    // One label in both formats: the deploy-time name suffix reads as the plan writes it.
    for file in [terraform, bicep] {
        assert_hand_edit(
            &stdout,
            file,
            "SEC-13 key vault kvgenpweu{suffix} key cmk-gen-prod rotation interval: P90D → P365D (weakens)",
        );
    }
    let stdout = summary_after_hand_edits(&[
        (terraform, "rotationPolicy = {", "notRotated = {"),
        (bicep, "rotationPolicy: {", "notRotated: {"),
    ]);
    for file in [terraform, bicep] {
        for what in ["rotation interval: P90D → none", "expiry: P180D → none"] {
            let line = stdout
                .lines()
                .find(|l| {
                    l.starts_with(&format!("  edited by hand in {file}: SEC-13 "))
                        && l.contains(what)
                })
                .unwrap_or_else(|| panic!("{file}: no {what:?}:\n{stdout}"));
            assert!(line.ends_with("(weakens)"), "{line}");
        }
    }
}

#[test]
fn public_ssh_opened_by_hand_on_an_instance_weakens_in_both_formats() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("profile.yaml");
    std::fs::copy(
        crate::support::repo().join("examples/churn-sandbox/profile.yaml"),
        &p,
    )
    .unwrap();
    let profile = std::fs::read_to_string(&p).unwrap().replace(
        "extends: ../../profiles/",
        &format!(
            "extends: {}/",
            crate::support::repo().join("profiles").display()
        ),
    );
    std::fs::write(&p, profile).unwrap();
    let out = dir.path().join("infra");
    on_output("generate", &p, &out).assert().success();
    let terraform = "terraform/compute.tf";
    let bicep = "bicep/modules/primary-compute.bicep";
    for (file, from, to) in [
        (
            terraform,
            "sshPublicAccess = \"Disabled\"",
            "sshPublicAccess = \"Enabled\"",
        ),
        (
            bicep,
            "sshPublicAccess: 'Disabled'",
            "sshPublicAccess: 'Enabled'",
        ),
    ] {
        let path = out.join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{file}: {from}");
        std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    }
    let run = on_output("diff", &p, &out).assert().code(1);
    let stdout = text(&run.get_output().stdout);
    for file in [terraform, bicep] {
        assert_hand_edit(
            &stdout,
            file,
            "SEC-08 instance dana-dev public SSH: Disabled → Enabled (weakens)",
        );
    }
}

/// Whether `stdout` has a hand edit in `file` of `resource`'s `setting`.
fn has_hand_edit(stdout: &str, file: &str, resource: &str, setting: &str) -> bool {
    stdout.lines().any(|l| {
        l.starts_with(&format!("  edited by hand in {file}: SEC-05 {resource} "))
            && l.ends_with(setting)
    })
}

#[test]
fn a_key_vault_firewall_opened_by_hand_weakens_in_either_format() {
    let weakens = "network default action: Deny → Allow (weakens)";
    let file = "bicep/modules/primary-dependencies.bicep";
    // The key vault's `networkAcls` come before the storage account's.
    let stdout =
        summary_after_hand_edits(&[(file, "defaultAction: 'Deny'", "defaultAction: 'Allow'")]);
    assert!(
        has_hand_edit(&stdout, file, "key vault", weakens),
        "{stdout}"
    );
    assert!(
        !has_hand_edit(&stdout, file, "storage", weakens),
        "{stdout}"
    );
    let file = "terraform/dependencies.tf";
    let stdout = summary_after_hand_edits(&[(
        file,
        "default_action = \"Deny\"",
        "default_action = \"Allow\"",
    )]);
    assert!(
        has_hand_edit(&stdout, file, "key vault", weakens),
        "{stdout}"
    );
}

/// `text` with the first `attribute` line from the first line containing `after` on set from
/// `from` to `to`.
fn flipped(text: &str, after: &str, attribute: &str, from: &str, to: &str) -> Option<String> {
    let mut offset = text.find(after)?;
    for line in text[offset..].split_inclusive('\n') {
        let setting = line.trim_start();
        if setting.starts_with(attribute)
            && setting[attribute.len()..]
                .trim_start()
                .starts_with(['=', ':'])
        {
            let end = offset + line.len();
            return line
                .contains(from)
                .then(|| [&text[..offset], &line.replacen(from, to, 1), &text[end..]].concat());
        }
        offset += line.len();
    }
    None
}

#[test]
fn firewalls_key_scopes_and_monitoring_access_flipped_by_hand_weaken_in_both_formats() {
    let (vault, storage) = (
        "resource \"azurerm_key_vault\"",
        "resource \"azurerm_storage_account\"",
    );
    let logs = "resource \"azurerm_log_analytics_workspace\"";
    let insights = "resource \"azurerm_application_insights\"";
    let scope = "resource \"azurerm_monitor_private_link_scope\"";
    // Recommendation, resource kind and setting as the summary names them, the values from and
    // to; where the Terraform and the Bicep write it: the resource's first line, the attribute.
    let flips = [
        (
            "SEC-05",
            "key vault",
            "network default action",
            ("Deny", "Allow"),
            (vault, "default_action"),
            ("resource vault ", "defaultAction"),
        ),
        (
            "SEC-05",
            "storage",
            "network default action",
            ("Deny", "Allow"),
            (storage, "default_action"),
            ("resource storage ", "defaultAction"),
        ),
        (
            "SEC-13",
            "storage",
            "queue encryption key scope",
            ("Account", "Service"),
            (storage, "queue_encryption_key_type"),
            ("queue: {", "keyType"),
        ),
        (
            "SEC-13",
            "storage",
            "table encryption key scope",
            ("Account", "Service"),
            (storage, "table_encryption_key_type"),
            ("table: {", "keyType"),
        ),
        (
            "SEC-05",
            "Log Analytics",
            "public ingestion",
            ("Disabled", "Enabled"),
            (logs, "internet_ingestion_access_type"),
            ("resource logs ", "publicNetworkAccessForIngestion"),
        ),
        (
            "SEC-05",
            "Log Analytics",
            "public query",
            ("Disabled", "Enabled"),
            (logs, "internet_query_access_type"),
            ("resource logs ", "publicNetworkAccessForQuery"),
        ),
        (
            "SEC-05",
            "Application Insights",
            "public ingestion",
            ("Disabled", "Enabled"),
            (insights, "internet_ingestion_enabled"),
            ("resource insights ", "publicNetworkAccessForIngestion"),
        ),
        (
            "SEC-05",
            "Application Insights",
            "public query",
            ("Disabled", "Enabled"),
            (insights, "internet_query_enabled"),
            ("resource insights ", "publicNetworkAccessForQuery"),
        ),
        (
            "SEC-14",
            "Azure Monitor Private Link Scope",
            "ingestion access mode",
            ("PrivateOnly", "Open"),
            (scope, "ingestion_access_mode"),
            ("resource scope ", "ingestionAccessMode"),
        ),
        (
            "SEC-14",
            "Azure Monitor Private Link Scope",
            "query access mode",
            ("PrivateOnly", "Open"),
            (scope, "query_access_mode"),
            ("resource scope ", "queryAccessMode"),
        ),
    ];
    let files = |kind: &str| match kind {
        "key vault" | "storage" => [
            "terraform/dependencies.tf",
            "bicep/modules/primary-dependencies.bicep",
        ],
        _ => [
            "terraform/monitoring.tf",
            "bicep/modules/primary-monitoring.bicep",
        ],
    };
    let dir = tempfile::tempdir().unwrap();
    let p = profile(dir.path(), "");
    let out = dir.path().join("infra");
    on_output("generate", &p, &out).assert().success();
    for (_, kind, _, (old, new), terraform, bicep) in flips {
        let [tf, bicep_file] = files(kind);
        // azurerm's `*_enabled` attributes are booleans; the rest are strings in both formats.
        let written = |value: &str, attribute: &str, quote: char| {
            if attribute.ends_with("_enabled") {
                (value == "Enabled").to_string()
            } else {
                format!("{quote}{value}{quote}")
            }
        };
        for (file, (after, attribute), quote) in [(tf, terraform, '"'), (bicep_file, bicep, '\'')] {
            let path = out.join(file);
            let text = std::fs::read_to_string(&path).unwrap();
            let (from, to) = (
                written(old, attribute, quote),
                written(new, attribute, quote),
            );
            let edited = flipped(&text, after, attribute, &from, &to)
                .unwrap_or_else(|| panic!("{file}: no {attribute} {from} from {after:?} on"));
            std::fs::write(&path, edited).unwrap();
        }
    }
    let run = on_output("diff", &p, &out).assert().code(1);
    let stdout = text(&run.get_output().stdout);
    for (recommendation, kind, what, (old, new), _, _) in flips {
        for file in files(kind) {
            let prefix = format!("  edited by hand in {file}: {recommendation} {kind} ");
            let suffix = format!(" {what}: {old} → {new} (weakens)");
            assert!(
                stdout
                    .lines()
                    .any(|l| l.starts_with(&prefix) && l.ends_with(&suffix)),
                "no {prefix:?}…{suffix:?}:\n{stdout}"
            );
        }
    }
}

#[test]
fn waivers_that_open_firewalls_monitoring_and_the_scope_s_access_modes_weaken() {
    let public =
        summary_after("waivers:\n  - {id: SEC-05, reason: public demo, expires: 2027-06-30}\n");
    for line in [
        "SEC-05 Log Analytics log-gen-prod-weu and Application Insights appi-gen-prod-weu public ingestion: Disabled → Enabled (weakens)",
        "SEC-05 Log Analytics log-gen-prod-weu and Application Insights appi-gen-prod-weu public query: Disabled → Enabled (weakens)",
    ] {
        assert_line(&public, line);
    }
    for resource in ["key vault", "storage"] {
        assert!(
            summary_lines(&public)
                .iter()
                .any(|l| l.starts_with(&format!("SEC-05 {resource} "))
                    && l.ends_with(" network default action: Deny → Allow (weakens)")),
            "{resource}:\n{public}"
        );
    }
    let open = summary_after("waivers:\n  - {id: SEC-14, reason: r, expires: 2027-06-30}\n");
    for mode in ["ingestion", "query"] {
        assert_line(
            &open,
            &format!(
                "SEC-14 Azure Monitor Private Link Scope ampls-gen-prod-weu {mode} access mode: PrivateOnly → Open (weakens)"
            ),
        );
    }
    let platform_keys = summary_after(
        "encryption: {customer_managed_key: false}\nwaivers:\n  - {id: SEC-13, reason: r, expires: 2027-06-30}\n",
    );
    assert!(
        summary_lines(&platform_keys).iter().any(|l| l.starts_with("SEC-13 storage ")
            && l.ends_with(
                " queue and table encryption key scope: Account → Service (weakens), replaces the resource"
            )),
        "{platform_keys}"
    );
}

#[test]
fn a_removed_recovery_region_is_one_line_with_its_policy_assignments() {
    let stdout = summary_after(
        "regions: {primary: westeurope, secondary: none}\nwaivers:\n  - {id: REL-07, reason: pilot, expires: 2027-06-30}\n",
    );
    assert_line(
        &stdout,
        "REL-07 removed: the northeurope stack (workspace, dependencies, network, monitoring) and its 13 policy assignments in resource group rg-gen-prod-neu (weakens)",
    );
    // None of the stack's own settings on a line of its own.
    let lines = summary_lines(&stdout);
    let neu: Vec<&&str> = lines.iter().filter(|l| l.contains("-neu")).collect();
    assert_eq!(neu.len(), 1, "{stdout}");
    assert!(!stdout.contains("→ absent"), "{stdout}");
}

#[test]
fn a_removed_monitor_scope_weakens_rather_than_its_access_modes_changing() {
    let stdout =
        summary_after("waivers:\n  - {id: SEC-05, reason: public demo, expires: 2027-06-30}\n");
    assert_line(
        &stdout,
        "SEC-05 removed: Azure Monitor Private Link Scope ampls-gen-prod-weu (weakens)",
    );
    assert!(
        !stdout.contains("access mode: PrivateOnly → absent"),
        "{stdout}"
    );
}

#[test]
fn a_policy_assignment_removed_from_each_resource_group_names_them() {
    let stdout = summary_after("policy: {effect: audit}\n");
    let removed: Vec<&str> = summary_lines(&stdout)
        .into_iter()
        .filter(|l| l.starts_with("POL-09 removed: policy assignment "))
        .collect();
    assert_eq!(removed.len(), 1, "{stdout}");
    assert!(
        removed[0].ends_with(" at rg-gen-prod-weu, rg-gen-prod-neu (weakens)"),
        "{stdout}"
    );
}
