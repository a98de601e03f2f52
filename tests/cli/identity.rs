//! The zone's identities and roles in the generated code (issue 14): the workspace identity's
//! documented roles, private-endpoint approval before the managed network, the compute
//! identity, Reader on the storage endpoints, the warnings of bad input, and the role table.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::bicep::{self, Expr, StmtKind, prop};
use crate::managed_network::each_shipped_zone;
use crate::outbound_rules::identifiers;
use crate::support::{
    extending, generate_into, mlzone, path, plan_json, repo, shipped_profiles, slug, text,
};

/// A hub key vault reached through a `private_endpoint` outbound rule, and an AI Search service
/// the approver role does not cover.
const HUB_RULES: &str = "network:\n  outbound:\n    - {name: entra-id, service_tag: AzureActiveDirectory}\n    - {name: hub-vault, private_endpoint: {resource_id: /subscriptions/7d1c3f55-9a4e-4b6f-8c2d-5e0a9b8c7d6e/resourceGroups/rg-hub/providers/Microsoft.KeyVault/vaults/kv-hub-shared, subresource: vault}}\n    - {name: hub-search, private_endpoint: {resource_id: /subscriptions/7d1c3f55-9a4e-4b6f-8c2d-5e0a9b8c7d6e/resourceGroups/rg-hub/providers/Microsoft.Search/searchServices/srch-hub, subresource: searchService}}\naccess:\n  - {group_object_id: 0b6f7f3e-5d7c-4a63-9a51-3c2d8f1e4b20, role: data_scientist}\n";

const APPROVER: &str = "Azure AI Enterprise Network Connection Approver";

/// The generated Terraform resources of `dir`, by address, with their text.
fn tf_resources(dir: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(dir.join("terraform")).expect("a terraform directory") {
        let path = entry.expect("an entry").path();
        if path.extension().is_some_and(|e| e == "tf") {
            let text = std::fs::read_to_string(&path).expect("readable");
            for block in text.split("\nresource \"").skip(1) {
                let mut labels = block.split('"');
                let kind = labels.next().unwrap_or_default();
                let name = labels.nth(1).unwrap_or_default();
                let body = block.split("\n}\n").next().unwrap_or_default();
                out.insert(format!("{kind}.{name}"), body.to_owned());
            }
        }
    }
    out
}

/// The role assignments of `resources`, as (address, role, scope line, principal line).
fn assignments(resources: &BTreeMap<String, String>) -> Vec<(String, String, String, String)> {
    let line = |body: &str, key: &str| {
        body.lines()
            .find(|l| l.trim_start().starts_with(key))
            .map(|l| l.split_once('=').map_or("", |(_, v)| v).trim().to_owned())
            .unwrap_or_default()
    };
    resources
        .iter()
        .filter(|(a, _)| a.starts_with("azurerm_role_assignment."))
        .map(|(a, body)| {
            (
                a.clone(),
                line(body, "role_definition_name")
                    .trim_matches('"')
                    .to_owned(),
                line(body, "scope"),
                line(body, "principal_id"),
            )
        })
        .collect()
}

fn generated(label: &str, profile: &Path, out: &Path) -> PathBuf {
    let dir = out.join(slug(label));
    generate_into(profile, &dir, "terraform,bicep");
    dir
}

fn read(path: PathBuf) -> String {
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn the_workspace_identity_gets_each_documented_role_on_each_resource_in_both_formats() {
    // Learn, user-assigned workspace identity: Contributor on the workspace, storage, key vault,
    // registry and Application Insights; Storage Blob Data Contributor; Key Vault Administrator.
    let documented = [
        (
            "Contributor",
            "azurerm_machine_learning_workspace.primary.id",
        ),
        ("Contributor", "azurerm_storage_account.primary.id"),
        (
            "Storage Blob Data Contributor",
            "azurerm_storage_account.primary.id",
        ),
        ("Contributor", "azurerm_key_vault.primary.id"),
        ("Key Vault Administrator", "azurerm_key_vault.primary.id"),
        ("Contributor", "azurerm_container_registry.main.id"),
        ("Contributor", "azurerm_application_insights.primary.id"),
    ];
    let temp = tempfile::tempdir().expect("a temporary directory");
    for (label, profile) in shipped_profiles() {
        let dir = generated(&label, &profile, temp.path());
        let tf = assignments(&tf_resources(&dir));
        for (role, scope) in documented {
            assert!(
                tf.iter().any(|(_, r, s, p)| r == role
                    && s == scope
                    && p == "azurerm_user_assigned_identity.primary.principal_id"),
                "{label}: no {role} on {scope}"
            );
        }
        let dependencies = read(dir.join("bicep/modules/primary-dependencies.bicep"));
        for symbol in [
            "identityStorageContributor",
            "identityKeyVaultContributor",
            "identityKeyVaultKeyVaultAdministrator",
            "identityAppInsightsContributor",
            "primaryIdentityRegistryContributor",
        ] {
            assert!(
                dependencies.contains(&format!("resource {symbol} ")),
                "{label}: {symbol}"
            );
        }
        // The role on the workspace can only follow it.
        let workspace = read(dir.join("bicep/modules/primary-workspace.bicep"));
        assert!(
            workspace.contains("resource identityWorkspaceContributor ")
                && workspace.contains("scope: workspace"),
            "{label}"
        );
    }
}

#[test]
fn private_endpoint_targets_are_approved_before_the_managed_network_is_provisioned() {
    let temp = tempfile::tempdir().expect("a temporary directory");
    let profile = extending(temp.path(), "profiles/baseline.yaml", HUB_RULES);
    let dir = generated("hub", &profile, temp.path());
    let resources = tf_resources(&dir);
    let tf = assignments(&resources);
    let hub_vault = "\"/subscriptions/7d1c3f55-9a4e-4b6f-8c2d-5e0a9b8c7d6e/resourceGroups/rg-hub/providers/Microsoft.KeyVault/vaults/kv-hub-shared\"";
    for region in ["primary", "secondary"] {
        let approvals: Vec<&String> = tf
            .iter()
            .filter(|(a, r, _, _)| r == APPROVER && a.contains(&format!(".{region}_")))
            .map(|(_, _, scope, _)| scope)
            .collect();
        for scope in [
            format!("azurerm_storage_account.{region}.id"),
            format!("azurerm_key_vault.{region}.id"),
            "azurerm_container_registry.main.id".to_owned(),
            hub_vault.to_owned(),
        ] {
            assert!(approvals.contains(&&scope), "{region}: {approvals:?}");
        }
        // The search service is not the approver role's to approve: no assignment, a warning.
        assert!(!approvals.iter().any(|s| s.contains("srch-hub")));
        let sleep = &resources[&format!("time_sleep.{region}_network_roles")];
        assert!(
            sleep.contains(&format!(
                "azurerm_role_assignment.{region}_identity_rule_hub_vault_azure_ai_enterprise_network_connection_approver.id"
            )),
            "{sleep}"
        );
        let provision =
            &resources[&format!("azapi_resource_action.{region}_provision_managed_network")];
        assert!(
            provision.contains(&format!("time_sleep.{region}_network_roles")),
            "{provision}"
        );
        // On a network already provisioned (a rule added later), the rule makes the endpoint at
        // once: it waits for the approval itself.
        let rule = &resources[&format!("azapi_resource.{region}_outbound_hub-vault")];
        assert!(
            rule.contains(&format!("time_sleep.{region}_network_roles")),
            "{rule}"
        );
        // The zone's own targets are approved before the workspace, and so before the network.
        let before_workspace = &resources[&format!("time_sleep.{region}_identity_roles")];
        assert!(
            before_workspace.contains(&format!(
                "{region}_identity_storage_azure_ai_enterprise_network_connection_approver.id"
            )),
            "{before_workspace}"
        );
    }
    // Bicep: the approval deploys in the target's resource group before the workspace module
    // (whose creation provisions the network and whose rules create the endpoints).
    let main = read(dir.join("bicep/main.bicep"));
    assert!(
        main.contains("module primaryApproval1 'modules/primary-approvals.bicep'")
            && main
                .contains("scope: resourceGroup('7d1c3f55-9a4e-4b6f-8c2d-5e0a9b8c7d6e', 'rg-hub')"),
        "{main}"
    );
    let workspace_module = main
        .split("module primaryWorkspace ")
        .nth(1)
        .and_then(|m| m.split("\n}\n").next())
        .unwrap_or_default();
    assert!(
        workspace_module.contains("primaryApproval1")
            && workspace_module.contains("primaryDependencies"),
        "{workspace_module}"
    );
    let approvals = read(dir.join("bicep/modules/primary-approvals.bicep"));
    assert!(
        approvals.contains("'Microsoft.KeyVault/vaults@")
            && approvals.contains("name: 'kv-hub-shared'")
            && approvals.contains("b556d68e-0be0-4f35-a333-ad7ee1ce17ea"),
        "{approvals}"
    );
    assert!(!approvals.contains("srch-hub"));
    let dependencies = read(dir.join("bicep/modules/primary-dependencies.bicep"));
    for symbol in [
        "identityStorageAzureAiEnterpriseNetworkConnectionApprover",
        "identityKeyVaultAzureAiEnterpriseNetworkConnectionApprover",
        "primaryIdentityRegistryAzureAiEnterpriseNetworkConnectionApprover",
        "secondaryIdentityRegistryAzureAiEnterpriseNetworkConnectionApprover",
    ] {
        assert!(
            dependencies.contains(&format!("resource {symbol} ")),
            "{symbol}"
        );
    }
}

#[test]
fn clusters_run_as_their_own_identity_with_only_what_jobs_need() {
    let temp = tempfile::tempdir().expect("a temporary directory");
    for (label, profile) in shipped_profiles() {
        let dir = generated(&label, &profile, temp.path());
        let resources = tf_resources(&dir);
        let clusters: Vec<&String> = resources
            .iter()
            .filter(|(a, _)| a.starts_with("azurerm_machine_learning_compute_cluster."))
            .map(|(_, body)| body)
            .collect();
        assert!(!clusters.is_empty(), "{label}");
        for body in clusters {
            assert!(
                body.contains("identity_ids = [azurerm_user_assigned_identity.primary_compute.id]")
                    || body.contains(
                        "identity_ids = [azurerm_user_assigned_identity.secondary_compute.id]"
                    ),
                "{label}: {body}"
            );
        }
        let compute_roles: Vec<(String, String)> = assignments(&resources)
            .into_iter()
            .filter(|(_, _, _, p)| p.ends_with("_compute.principal_id"))
            .map(|(_, r, s, _)| (r, s))
            .collect();
        assert!(
            compute_roles.contains(&(
                "AcrPull".to_owned(),
                "azurerm_container_registry.main.id".to_owned()
            )),
            "{label}: {compute_roles:?}"
        );
        for (role, scope) in &compute_roles {
            assert!(
                role == "AcrPull" || role.starts_with("Storage "),
                "{label}: {role}"
            );
            assert!(!scope.contains("key_vault"), "{label}: {role} on {scope}");
        }
        let compute = read(dir.join("bicep/modules/primary-compute.bicep"));
        assert!(
            compute.contains("'${computeIdentity.id}': {}")
                && !compute.contains("'${identity.id}'"),
            "{label}"
        );
    }
}

#[test]
fn only_the_workspace_identity_can_push_to_the_registry_in_both_formats() {
    // Learn documents Contributor on the registry for the workspace identity and AcrPull for
    // compute, the image-build cluster included; no push role for any cluster (data/roles.yaml).
    const ACR_PULL: &str = "7f951dda-4ed3-4680-a7ca-43fe172d538d";
    const CONTRIBUTOR: &str = "b24988ac-6180-42a0-ab88-20f7382dd24c";
    const APPROVER_ID: &str = "b556d68e-0be0-4f35-a333-ad7ee1ce17ea";
    const ACR_PUSH: &str = "8311e382-0749-4cb8-b61a-304f252e45ec";
    let temp = tempfile::tempdir().expect("a temporary directory");
    for (label, profile) in shipped_profiles() {
        let dir = generated(&label, &profile, temp.path());
        let resources = tf_resources(&dir);
        let builds: Vec<&String> = resources
            .iter()
            .filter(|(a, _)| a.starts_with("azurerm_machine_learning_workspace."))
            .map(|(_, body)| body)
            .collect();
        assert!(
            builds
                .iter()
                .all(|b| b.contains("image_build_compute_name")),
            "{label}: every workspace names its image-build cluster"
        );
        let on_registry: Vec<(String, String)> = assignments(&resources)
            .into_iter()
            .filter(|(_, _, s, _)| s == "azurerm_container_registry.main.id")
            .map(|(_, r, _, p)| (r, p))
            .collect();
        assert!(
            on_registry.iter().any(|(r, _)| r == "Contributor"),
            "{label}"
        );
        for (role, principal) in &on_registry {
            let compute = principal.ends_with("_compute.principal_id");
            assert!(
                if compute {
                    role == "AcrPull"
                } else {
                    role == "Contributor" || role == APPROVER
                },
                "{label}: {role} for {principal}"
            );
        }
        let mut bicep = String::new();
        for entry in std::fs::read_dir(dir.join("bicep/modules")).expect("bicep modules") {
            bicep.push_str(&read(entry.expect("an entry").path()));
        }
        let blocks: Vec<&str> = bicep
            .split("\nresource ")
            .filter(|b| b.contains("'Microsoft.Authorization/roleAssignments@"))
            .map(|b| b.split("\n}\n").next().unwrap_or_default())
            .filter(|b| b.contains("\n  scope: registry\n"))
            .collect();
        assert!(blocks.iter().any(|b| b.contains(ACR_PULL)), "{label}");
        for block in blocks {
            let allowed: &[&str] = if block.contains("omputeIdentity.properties.principalId") {
                &[ACR_PULL]
            } else {
                &[CONTRIBUTOR, APPROVER_ID]
            };
            assert!(
                allowed.iter().any(|id| block.contains(id)),
                "{label}: {block}"
            );
        }
        assert!(
            !bicep.contains(ACR_PUSH) && !resources.values().any(|b| b.contains("AcrPush")),
            "{label}: nothing is granted AcrPush"
        );
    }
}

#[test]
fn the_workspace_identity_reads_the_storage_endpoints_of_the_zone_vnet_in_both_modes() {
    // Learn: with the storage private, the workspace identity needs Reader on the blob and file
    // private endpoints of the clients' VNet, in managed mode too (not on the managed network's).
    let temp = tempfile::tempdir().expect("a temporary directory");
    for golden in ["profiles/baseline.yaml", "profiles/customer-vnet.yaml"] {
        let dir = generated(golden, &repo().join(golden), temp.path());
        let tf = assignments(&tf_resources(&dir));
        for sub in ["blob", "file"] {
            assert!(
                tf.iter().any(|(_, r, s, p)| r == "Reader"
                    && s == &format!("azurerm_private_endpoint.primary_storage_{sub}.id")
                    && p == "azurerm_user_assigned_identity.primary.principal_id"),
                "{golden}: {sub}"
            );
        }
        let network = read(dir.join("bicep/modules/primary-network.bicep"));
        for symbol in [
            "identityStorageBlobEndpointReader",
            "identityStorageFileEndpointReader",
        ] {
            assert!(network.contains(&format!("resource {symbol} ")), "{golden}");
        }
    }
}

#[test]
fn owners_without_a_workspace_role_and_unapprovable_targets_are_located_warnings() {
    let temp = tempfile::tempdir().expect("a temporary directory");
    let profile = extending(
        temp.path(),
        "profiles/baseline.yaml",
        &format!(
            "{}compute:\n  instances:\n    - {{name: ana-dev, sku: Standard_D4_v5, user_object_id: 11111111-1111-4111-8111-111111111111}}\n",
            HUB_RULES.replace("role: data_scientist", "role: reader")
        ),
    );
    let out = mlzone().arg("validate").arg(&profile).assert().success();
    let stderr = text(&out.get_output().stderr);
    assert!(
        stderr.contains("warning[owner-without-role]: `compute.instances[0].user_object_id`")
            && stderr.contains("the owner of `ana-dev`")
            && stderr.contains("profile.yaml:"),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "warning[unapproved-endpoint]: `network.outbound[2].private_endpoint.resource_id`"
        ) && stderr.contains(APPROVER)
            && stderr.contains("Microsoft.Search/searchServices/srch-hub"),
        "{stderr}"
    );
    // The hub vault's approval is generated: no warning for it.
    assert!(!stderr.contains("network.outbound[1]"), "{stderr}");
    // A data scientist group covers the owner.
    std::fs::write(
        &profile,
        read(profile.clone()).replace("role: reader", "role: data_scientist"),
    )
    .unwrap();
    let out = mlzone().arg("validate").arg(&profile).assert().success();
    assert!(!text(&out.get_output().stderr).contains("owner-without-role"));
}

#[test]
fn plan_and_compliance_report_list_every_role_assignment() {
    let temp = tempfile::tempdir().expect("a temporary directory");
    for (label, profile) in shipped_profiles() {
        let dir = generated(&label, &profile, temp.path());
        let plan = plan_json(&profile);
        let rows = plan["role_assignments"].as_array().expect("rows");
        let tf = assignments(&tf_resources(&dir));
        assert_eq!(rows.len(), tf.len(), "{label}");
        let report = read(dir.join("COMPLIANCE.md"));
        let table = report
            .split("## Role assignments")
            .nth(1)
            .unwrap_or_default();
        for row in rows {
            let field = |k: &str| row[k].as_str().unwrap_or_default().to_owned();
            assert!(
                ["principal", "role", "scope", "why", "region"]
                    .iter()
                    .all(|k| !field(k).is_empty()),
                "{label}: {row}"
            );
            assert!(
                table.contains(&format!(
                    "| {} | {} | {} |",
                    field("principal"),
                    field("role"),
                    field("scope")
                )),
                "{label}: {row}"
            );
        }
        let text_plan = mlzone().arg("plan").arg(&profile).assert().success();
        let stdout = text(&text_plan.get_output().stdout);
        assert_eq!(
            stdout
                .lines()
                .filter(|l| l.starts_with("  ") && l.contains(" → "))
                .count(),
            rows.len(),
            "{label}"
        );
        let compute = rows
            .iter()
            .filter(|r| {
                r["principal"]
                    .as_str()
                    .is_some_and(|p| p.starts_with("compute identity"))
            })
            .count();
        assert!(compute > 0, "{label}");
    }
}

/// The symbols a resource or module body lists under `dependsOn`.
fn depends_on(body: &bicep::Expr) -> Vec<String> {
    prop(body, "dependsOn").map(identifiers).unwrap_or_default()
}

/// One Bicep file's resources (not `existing`): symbol → (type, body).
fn bicep_resources_of(source: &str) -> BTreeMap<String, (String, bicep::Expr)> {
    let file = bicep::parse(source).expect("generated Bicep parses");
    file.statements
        .into_iter()
        .filter_map(|statement| match statement.kind {
            StmtKind::Resource(r) if !r.existing => {
                let ty = r.ty.literal().unwrap_or_default();
                let ty = ty.split('@').next().unwrap_or_default().to_owned();
                Some((r.symbol, (ty, r.value)))
            }
            _ => None,
        })
        .collect()
}

const ROLE: &str = "Microsoft.Authorization/roleAssignments";

/// A role-propagation wait: a deployment script named `wait-…` (the others do work, such as
/// provisioning the managed network, and use roles like any resource).
fn is_wait(ty: &str, body: &Expr) -> bool {
    ty == "Microsoft.Resources/deploymentScripts"
        && path(body, &["name"])
            .and_then(|name| name.literal())
            .is_some_and(|name| name.starts_with("wait-"))
}

#[test]
fn what_uses_a_role_made_in_the_same_bicep_deployment_waits_for_it() {
    each_shipped_zone(|zone| {
        let label = &zone.label;
        let propagation = &zone.plan["role_propagation"];
        let main = read(zone.out.join("bicep/main.bicep"));
        let main = bicep::parse(&main).expect("main.bicep parses");
        // Module symbol → (file, dependsOn).
        let modules: BTreeMap<String, (String, Vec<String>)> = main
            .statements
            .iter()
            .filter_map(|statement| match &statement.kind {
                StmtKind::Module(m) => Some((
                    m.symbol.clone(),
                    (m.path.literal().unwrap_or_default(), depends_on(&m.value)),
                )),
                _ => None,
            })
            .collect();
        for (symbol, (file, _)) in &modules {
            let resources = bicep_resources_of(&read(zone.out.join("bicep").join(file)));
            let roles: Vec<&String> = resources
                .iter()
                .filter(|(_, (ty, _))| ty == ROLE)
                .map(|(s, _)| s)
                .collect();
            let waits: BTreeMap<&String, Vec<String>> = resources
                .iter()
                .filter(|(_, (ty, body))| is_wait(ty, body))
                .map(|(s, (_, body))| (s, depends_on(body)))
                .collect();
            // Each wait sleeps the plan's propagation time.
            for wait in waits.keys() {
                let body = &resources[*wait].1;
                let script = path(body, &["properties", "scriptContent"]).expect("scriptContent");
                assert_eq!(
                    script.literal(),
                    Some(format!("sleep {}", propagation["seconds"])),
                    "{label}: {file} {wait}"
                );
            }
            // Nothing but a wait uses a role assignment of its own module directly.
            for (user, (ty, body)) in &resources {
                if is_wait(ty, body) {
                    continue;
                }
                for dependency in depends_on(body) {
                    assert!(
                        !roles.contains(&&dependency),
                        "{label}: {file}: {user} uses role {dependency} without waiting"
                    );
                }
            }
            // What is encrypted with the key waits for the identity's key roles.
            for (user, (ty, body)) in &resources {
                let encrypted = match ty.as_str() {
                    "Microsoft.Storage/storageAccounts" => {
                        path(body, &["properties", "encryption", "keyvaultproperties"]).is_some()
                    }
                    "Microsoft.ContainerRegistry/registries" => {
                        path(body, &["properties", "encryption", "keyVaultProperties"]).is_some()
                    }
                    _ => false,
                };
                if encrypted {
                    let waited = depends_on(body).into_iter().any(|d| {
                        waits.get(&d).is_some_and(|roles| {
                            roles.contains(
                                &"identityKeyVaultKeyVaultCryptoServiceEncryptionUser".to_owned(),
                            )
                        })
                    });
                    assert!(
                        waited,
                        "{label}: {file}: {user} does not wait for the key roles"
                    );
                }
            }
            // The workspace starts with a wait of its own, after every module it follows; its
            // outbound rules wait for the roles on the workspace.
            if let Some((_, body)) = resources.get("workspace") {
                let first = depends_on(body)
                    .into_iter()
                    .find(|d| waits.get(d).is_some_and(Vec::is_empty));
                assert!(
                    first.is_some(),
                    "{label}: {file}: the workspace does not wait"
                );
                let on_workspace: Vec<String> = roles.iter().map(|s| s.to_string()).collect();
                for (rule, (ty, body)) in &resources {
                    if ty.ends_with("/outboundRules")
                        && !depends_on(body)
                            .iter()
                            .any(|d| d.starts_with("outboundRule"))
                    {
                        let covered = depends_on(body).iter().any(|d| {
                            waits
                                .get(d)
                                .is_some_and(|w| on_workspace.iter().all(|r| w.contains(r)))
                        });
                        assert!(
                            covered,
                            "{label}: {file}: {rule} does not wait for the workspace roles"
                        );
                    }
                }
                continue;
            }
            // A module of identity roles that nothing in it waits for precedes the workspace
            // module of its region (and, for the registry's, of every region).
            let unwaited: Vec<&&String> = roles
                .iter()
                .filter(|r| !waits.values().any(|w| w.contains(r)))
                .collect();
            if unwaited.is_empty() || symbol.ends_with("Access") {
                continue;
            }
            for (workspace, (_, after)) in modules.iter().filter(|(s, _)| s.ends_with("Workspace"))
            {
                let region = workspace.trim_end_matches("Workspace");
                let needed = symbol.starts_with(region) || file.contains("primary-dependencies");
                assert!(
                    !needed || after.contains(symbol),
                    "{label}: {workspace} does not follow {symbol}, whose roles {unwaited:?} it uses"
                );
            }
        }
        // Compute follows the workspace module and so its wait for the roles on the workspace.
        for (symbol, (_, after)) in modules.iter().filter(|(s, _)| s.ends_with("Compute")) {
            let workspace = symbol.replace("Compute", "Workspace");
            assert!(
                after.contains(&workspace),
                "{label}: {symbol} does not follow {workspace}"
            );
        }
        assert_eq!(
            propagation["duration"],
            format!("{}s", propagation["seconds"]),
            "{label}"
        );
    });
}
