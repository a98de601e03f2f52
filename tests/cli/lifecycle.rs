//! What a key rotation, a change of a create-only field, a teardown and a second zone do
//! (issue 16), read from the generated output: the Terraform parsed with hcl-rs, the Bicep with
//! the Bicep test parser, `mlzone diff` run as a user runs it.

use std::collections::BTreeMap;
use std::path::Path;

use hcl::expr::Expression;
use hcl::{Block, Body};

use crate::bicep::{self, Expr, ExprKind, Item, prop};
use crate::support::{
    attribute, bicep_resources, extending, files_under, generate_into, mlzone, path, reference,
    repo, text, text_of,
};

// ------------------------------------------------------------------------------ key rotation

#[test]
fn a_key_rotation_replaces_nothing_and_each_deployment_moves_the_workspace_to_the_current_version()
{
    let zone = Zone::of("profiles/baseline.yaml", "");
    let validations = azurerm_validations();
    for role in ["primary", "secondary"] {
        let workspace = zone.block(&format!("azurerm_machine_learning_workspace.{role}"));
        let key = format!("azapi_resource.{role}_cmk.output.properties.keyUriWithVersion");
        let encryption = nested(workspace, "encryption");
        assert_eq!(reference(&attribute(encryption, "key_id")), key, "{role}");
        // azurerm replaces a workspace whose `encryption` changes (ForceNew), and the key's
        // versioned URI changes with every rotation: Terraform must not compare it.
        assert_eq!(
            validations["azurerm_machine_learning_workspace"]["encryption"]["force_new"],
            true
        );
        assert_eq!(
            zone.ignore_changes(workspace),
            ["encryption[0].key_id"],
            "{role}: the key version is not compared"
        );
        // The workspace follows the key's current version in place, on every apply.
        let update = zone.block(&format!("azapi_update_resource.{role}_workspace_key"));
        assert!(
            text_of(&attribute(update, "type"))
                .starts_with("Microsoft.MachineLearningServices/workspaces@")
        );
        assert_eq!(
            reference(&attribute(update, "resource_id")),
            format!("azurerm_machine_learning_workspace.{role}.id")
        );
        let body = attribute(update, "body");
        assert_eq!(
            reference(at(
                &body,
                &[
                    "properties",
                    "encryption",
                    "keyVaultProperties",
                    "keyIdentifier"
                ]
            )),
            key,
            "{role}: the update sends the current version"
        );
        // Storage uses the key without a version and follows a rotation by itself.
        let storage = zone.block(&format!("azurerm_storage_account.{role}"));
        assert_eq!(
            reference(&attribute(
                nested(storage, "customer_managed_key"),
                "key_vault_key_id"
            )),
            format!("azapi_resource.{role}_cmk.output.properties.keyUri")
        );
        // The key is create-only in ARM: Terraform does not compare its body after creation.
        let cmk = zone.block(&format!("azapi_resource.{role}_cmk"));
        assert_eq!(zone.ignore_changes(cmk), ["body"], "{role}");

        // The Bicep reads the key's current version as the Terraform's update does, and the
        // storage takes the key without a version.
        let file = format!("modules/{role}-workspace.bicep");
        let (_, ws) = zone.bicep_resource(&file, "Microsoft.MachineLearningServices/workspaces@");
        let identifier = path(
            ws,
            &[
                "properties",
                "encryption",
                "keyVaultProperties",
                "keyIdentifier",
            ],
        )
        .unwrap_or_else(|| panic!("{file}: a key identifier"));
        assert_eq!(
            member_path(identifier),
            "key.properties.keyUriWithVersion",
            "{file}"
        );
        let file = format!("modules/{role}-dependencies.bicep");
        let (_, st) = zone.bicep_resource(&file, "Microsoft.Storage/storageAccounts@");
        let key = path(st, &["properties", "encryption", "keyvaultproperties"])
            .unwrap_or_else(|| panic!("{file}: storage key properties"));
        assert!(
            prop(key, "keyname").is_some() && prop(key, "keyversion").is_none(),
            "{file}"
        );
    }
    // Nothing else reads the versioned URI: a rotation changes no other argument.
    let readers: Vec<String> = zone
        .terraform
        .values()
        .flat_map(|t| t.lines())
        .filter(|l| l.contains("output.properties.keyUriWithVersion"))
        .map(|l| l.split('=').next().unwrap_or_default().trim().to_owned())
        .collect();
    assert_eq!(
        readers,
        ["key_id", "keyIdentifier", "key_id", "keyIdentifier"],
        "only the ignored key_id and the in-place update read the key version"
    );
    for says in [
        "use the key without a version and take up the new",
        "moves it to the key's current version",
        "**The operator** runs the apply or the deployment after every rotation",
        "**The key is create-only in ARM**",
    ] {
        assert!(
            zone.compliance.contains(says),
            "COMPLIANCE.md says {says:?}"
        );
    }
}

// ---------------------------------------------------------------- storage queues and tables

#[test]
fn storage_queues_and_tables_are_under_the_key_whenever_the_zone_has_one() {
    for (waiver, expected) in [
        ("", "Account"),
        (
            "waivers:\n  - {id: SEC-13, reason: platform keys for this pilot, expires: 2027-06-30}\n",
            "Service",
        ),
    ] {
        let zone = Zone::of("profiles/exploratory.yaml", waiver);
        let storage = zone.block("azurerm_storage_account.primary");
        for attr in ["queue_encryption_key_type", "table_encryption_key_type"] {
            assert_eq!(text_of(&attribute(storage, attr)), expected, "{attr}");
        }
        let file = "modules/primary-dependencies.bicep";
        let (_, st) = zone.bicep_resource(file, "Microsoft.Storage/storageAccounts@");
        for service in ["queue", "table"] {
            let key_type = path(
                st,
                &["properties", "encryption", "services", service, "keyType"],
            )
            .and_then(Expr::literal);
            assert_eq!(key_type.as_deref(), Some(expected), "{file}: {service}");
        }
    }
}

// -------------------------------------------------------------------- high business impact

#[test]
fn high_business_impact_is_on_in_production_and_in_regulated_and_written_in_both_formats() {
    for (golden, body, expected) in [
        ("profiles/baseline.yaml", "", true),
        ("profiles/exploratory.yaml", "", false),
        (
            "profiles/exploratory.yaml",
            "encryption:\n  high_business_impact: true\n",
            true,
        ),
        ("profiles/regulated.yaml", "", true),
    ] {
        let zone = Zone::of(golden, body);
        let workspace = zone.block("azurerm_machine_learning_workspace.primary");
        assert_eq!(
            attribute(workspace, "high_business_impact"),
            Expression::Bool(expected),
            "{golden} {body:?}"
        );
        let (_, ws) = zone.bicep_resource(
            "modules/primary-workspace.bicep",
            "Microsoft.MachineLearningServices/workspaces@",
        );
        assert!(
            matches!(path(ws, &["properties", "hbiWorkspace"]).map(|e| &e.kind), Some(ExprKind::Bool(b)) if *b == expected),
            "{golden} {body:?}: hbiWorkspace"
        );
    }
    // The regulated golden profile locks it on.
    let temp = tempfile::tempdir().expect("a temporary directory");
    let profile = extending(
        temp.path(),
        "profiles/regulated.yaml",
        "encryption:\n  high_business_impact: false\n",
    );
    let refused = mlzone().arg("validate").arg(&profile).assert().code(3);
    assert!(
        text(&refused.get_output().stderr).contains("encryption.high_business_impact"),
        "the lock names the field"
    );
}

// ------------------------------------------------------------------------------- teardown

#[test]
fn the_provider_states_the_teardown_choice_and_production_refuses_destruction() {
    for (golden, production) in [
        ("profiles/exploratory.yaml", false),
        ("profiles/baseline.yaml", true),
    ] {
        let zone = Zone::of(golden, "");
        let provider = zone
            .providers
            .get("azurerm")
            .unwrap_or_else(|| panic!("{golden}: an azurerm provider block"));
        let features = nested(provider, "features");
        assert_eq!(
            attribute(
                nested(features, "machine_learning"),
                "purge_soft_deleted_workspace_on_destroy"
            ),
            Expression::Bool(!production),
            "{golden}: purge outside production only"
        );
        let key_vault = nested(features, "key_vault");
        assert_eq!(
            attribute(key_vault, "purge_soft_delete_on_destroy"),
            Expression::Bool(false)
        );
        assert_eq!(
            attribute(key_vault, "recover_soft_deleted_key_vaults"),
            Expression::Bool(true)
        );
        for address in [
            "azurerm_machine_learning_workspace.primary",
            "azurerm_key_vault.primary",
            "azurerm_storage_account.primary",
        ] {
            let lifecycle = zone
                .block(address)
                .body()
                .blocks()
                .find(|b| b.identifier() == "lifecycle");
            let protected = lifecycle
                .map(|l| attribute(l, "prevent_destroy") == Expression::Bool(true))
                .unwrap_or(false);
            assert_eq!(protected, production, "{golden}: {address} prevent_destroy");
        }
    }
    let readme = std::fs::read_to_string(repo().join("README.md")).expect("README.md");
    assert!(
        readme.contains("**Re-creating a zone after a teardown.**"),
        "the README says how to re-create a zone"
    );
}

// -------------------------------------------------------------- two zones, one subscription

#[test]
fn production_bicep_locks_each_regions_vault_and_storage_but_not_the_workspace() {
    // The deployment stack deletes what leaves the template (`--action-on-unmanage
    // deleteResources`); Terraform's `prevent_destroy` has no Bicep counterpart, so production
    // puts a `CanNotDelete` lock (Microsoft.Authorization/locks, ManagementLockProperties.level
    // in bicep-types.json) on the resources that hold data. Not on the workspace: "when you apply
    // a lock at a parent scope, all child resources inherit the same lock" (Microsoft Learn,
    // ManagementLocks interface, @azure/arm-locks), and the stack must be able to delete the
    // outbound rules and computes the profile drops.
    let levels = lock_levels();
    assert!(levels.contains(&"CanNotDelete".to_owned()), "{levels:?}");
    let prod = Zone::of("profiles/baseline.yaml", "");
    for role in ["primary", "secondary"] {
        let workspace = format!("modules/{role}-workspace.bicep");
        assert!(
            !prod
                .bicep_text(&workspace)
                .contains("Microsoft.Authorization/locks@"),
            "{workspace}: a lock would hold the workspace's outbound rules and computes"
        );
        for (file, target) in [
            ("dependencies", "Microsoft.KeyVault/vaults@"),
            ("dependencies", "Microsoft.Storage/storageAccounts@"),
        ] {
            let file = format!("modules/{role}-{file}.bicep");
            let (symbol, _) = prod.bicep_resource(&file, target);
            let parsed = bicep::parse(prod.bicep_text(&file)).expect("Bicep");
            let locks: Vec<_> = bicep_resources(&parsed, "Microsoft.Authorization/locks@")
                .into_iter()
                .filter(|(_, body)| prop(body, "scope").map(member_path).as_deref() == Some(symbol))
                .collect();
            assert_eq!(locks.len(), 1, "{file}: one lock on {symbol}");
            let level = prop(locks[0].1, "properties").and_then(|p| prop(p, "level"));
            assert_eq!(
                level.and_then(Expr::literal).as_deref(),
                Some("CanNotDelete"),
                "{file}: {symbol}"
            );
        }
    }
    let dev = Zone::of("profiles/exploratory.yaml", "");
    for (file, text) in &dev.bicep {
        assert!(
            !text.contains("Microsoft.Authorization/locks@"),
            "{file}: no lock outside production"
        );
    }
    assert!(
        dev.bicep.contains_key("modules/primary-workspace.bicep"),
        "the dev zone has Bicep to check"
    );
}

#[test]
fn a_bicep_re_creation_within_the_retention_recovers_the_soft_deleted_key_vaults() {
    // Terraform recovers them (`recover_soft_deleted_key_vaults`); the Bicep vault takes
    // `createMode` (`recover` or `default`, Microsoft.KeyVault/vaults in bicep-types.json) from
    // a deploy-time input, `default` unless the deployer sets MLZONE_KEY_VAULT_CREATE_MODE.
    let zone = Zone::of("profiles/baseline.yaml", "");
    assert!(
        zone.bicep["main.bicepparam"].contains(
            "param keyVaultCreateMode = readEnvironmentVariable('MLZONE_KEY_VAULT_CREATE_MODE', 'default')"
        ),
        "main.bicepparam reads the create mode"
    );
    for role in ["primary", "secondary"] {
        let module = &zone.bicep[&format!("modules/{role}-dependencies.bicep")];
        assert!(
            module.contains("param keyVaultCreateMode string = 'default'"),
            "{role}"
        );
        assert!(
            module.contains("    createMode: keyVaultCreateMode\n"),
            "{role}"
        );
    }
    let readme = std::fs::read_to_string(repo().join("README.md")).expect("README.md");
    assert!(readme.contains("MLZONE_KEY_VAULT_CREATE_MODE=recover"));
}

#[test]
fn a_zone_keeps_its_parameters_in_its_resource_groups_and_sizes_apply_to_vm_computes_only() {
    let zone = Zone::of("profiles/baseline.yaml", "");
    // By default nothing is assigned or enabled at subscription scope.
    for ty in [
        "azurerm_subscription_policy_assignment",
        "azurerm_security_center_subscription_pricing",
    ] {
        assert_eq!(zone.of_type(ty).count(), 0, "{ty}");
    }
    let groups = [
        "azurerm_resource_group.primary.id",
        "azurerm_resource_group.secondary.id",
    ];
    let assignments: Vec<_> = zone
        .of_type("azurerm_resource_group_policy_assignment")
        .collect();
    assert!(!assignments.is_empty());
    for (address, block) in assignments {
        assert!(
            groups.contains(&reference(&attribute(block, "resource_group_id")).as_str()),
            "{address} is at a zone resource group"
        );
    }
    // The custom size rule tests only computes with a VM size: an attached compute has none,
    // which `notIn` would deny.
    let policy = zone.text("policy.tf");
    assert!(
        policy.contains(r#"{ field = "Microsoft.MachineLearningServices/workspaces/computes/computeType", in = ["AmlCompute", "ComputeInstance"] },"#),
        "the Terraform rule tests the compute type"
    );
    let (_, definition) = zone.bicep_resource(
        "modules/governance.bicep",
        "Microsoft.Authorization/policyDefinitions@",
    );
    let conditions =
        path(definition, &["properties", "policyRule", "if", "allOf"]).expect("an allOf rule");
    let ExprKind::Array(items) = &conditions.kind else {
        panic!("allOf is an array")
    };
    let compute_type = items
        .iter()
        .find_map(|item| match item {
            Item::Value(c)
                if prop(c, "field").and_then(Expr::literal).as_deref()
                    == Some(
                        "Microsoft.MachineLearningServices/workspaces/computes/computeType",
                    ) =>
            {
                prop(c, "in")
            }
            _ => None,
        })
        .expect("the Bicep rule tests the compute type");
    assert_eq!(literals(compute_type), ["AmlCompute", "ComputeInstance"]);
}

#[test]
fn two_zones_of_one_project_do_not_share_the_subscription_level_size_definition() {
    // The custom definition lives at subscription scope whatever the assignments' scope:
    // another environment or region of the same project must not collide with it, nor delete
    // it when torn down.
    let mut names = Vec::new();
    for body in [
        "",
        "environment: test\n",
        "regions: {primary: northeurope}\n",
    ] {
        let zone = Zone::of("profiles/exploratory.yaml", body);
        let (address, definition) = zone
            .of_type("azurerm_policy_definition")
            .next()
            .expect("the custom size definition");
        let name = text_of(&attribute(definition, "name"));
        let (_, bicep) = zone.bicep_resource(
            "modules/governance.bicep",
            "Microsoft.Authorization/policyDefinitions@",
        );
        assert_eq!(
            prop(bicep, "name").and_then(Expr::literal).as_deref(),
            Some(name.as_str()),
            "{address}: both formats name it alike"
        );
        names.push(name);
    }
    names.sort();
    names.dedup();
    assert_eq!(names.len(), 3, "one definition name per zone: {names:?}");
}

// ------------------------------------------------------------------------------------ budget

#[test]
fn the_budget_counts_every_resource_group_of_the_zone_in_both_regions() {
    let zone = Zone::of("profiles/baseline.yaml", "");
    assert_eq!(
        zone.of_type("azurerm_consumption_budget_resource_group")
            .count(),
        0,
        "no budget of one resource group"
    );
    let budget = zone.block("azurerm_consumption_budget_subscription.zone");
    let dimension = nested(nested(budget, "filter"), "dimension");
    assert_eq!(text_of(&attribute(dimension, "name")), "ResourceGroupName");
    let Expression::Array(values) = attribute(dimension, "values") else {
        panic!("the dimension's values are a list")
    };
    assert_eq!(
        values.iter().map(reference).collect::<Vec<_>>(),
        [
            "azurerm_resource_group.primary.name",
            "azurerm_resource_group.secondary.name"
        ]
    );
    let file = "modules/budget.bicep";
    assert!(
        zone.bicep_text(file)
            .contains("targetScope = 'subscription'")
    );
    let (_, b) = zone.bicep_resource(file, "Microsoft.Consumption/budgets@");
    let dimension = path(b, &["properties", "filter", "dimensions"]).expect("a dimension filter");
    assert_eq!(
        prop(dimension, "name").and_then(Expr::literal).as_deref(),
        Some("ResourceGroupName")
    );
    assert_eq!(
        literals(prop(dimension, "values").expect("values")),
        ["rg-baseline-prod-weu", "rg-baseline-prod-neu"]
    );
}

// ------------------------------------------------------------------- create-only fields

/// Each create-only field: the profile before and after, the resource and the field `diff`
/// names, old and new value.
const CREATE_ONLY: &[(&str, &str, &str, &str, &str, &str)] = &[
    (
        "",
        "encryption:\n  high_business_impact: true\n",
        "workspace mlw-explore-dev-weu",
        "encryption.high_business_impact",
        "false",
        "true",
    ),
    (
        "",
        "encryption:\n  customer_managed_key: false\nwaivers:\n  - {id: SEC-13, reason: platform keys, expires: 2027-06-30}\n",
        "workspace mlw-explore-dev-weu",
        "encryption.customer_managed_key",
        "true",
        "false",
    ),
    (
        "",
        "encryption:\n  customer_managed_key: false\nwaivers:\n  - {id: SEC-13, reason: platform keys, expires: 2027-06-30}\n",
        "storage stexploredweu",
        "encryption.customer_managed_key",
        "Account",
        "Service",
    ),
    (
        "",
        "network: {mode: customer, outbound: [], egress: {via: nat_gateway}}\n",
        "workspace mlw-explore-dev-weu",
        "network.mode",
        "managed",
        "Disabled",
    ),
    (
        "",
        "regions: {primary: northeurope}\n",
        "every resource of the primary region",
        "regions.primary",
        "westeurope",
        "northeurope",
    ),
    (
        "",
        "compute:\n  clusters:\n    - {name: experiment, sku: Standard_D8_v5, purpose: experimentation, max_nodes: 4}\n",
        "cluster experiment (westeurope)",
        "compute.clusters[experiment].sku",
        "Standard_D4_v5",
        "Standard_D8_v5",
    ),
    (
        "",
        "compute:\n  clusters:\n    - {name: experiment, sku: Standard_D4_v5, purpose: experimentation, max_nodes: 4, priority: dedicated}\n",
        "cluster experiment (westeurope)",
        "compute.clusters[experiment].priority",
        "LowPriority",
        "Dedicated",
    ),
    (
        "",
        INSTANCE_E8,
        "compute instance alice-dev (westeurope)",
        "compute.instances[alice-dev].sku",
        "Standard_E4_v5",
        "Standard_E8_v5",
    ),
    (
        "",
        "tags: {owner: someone-else}\n",
        "compute instance alice-dev (westeurope)",
        "tags",
        "cost-center=0000, environment=dev, managed-by=mlzone, owner=ml-platform, project=explore",
        "cost-center=0000, environment=dev, managed-by=mlzone, owner=someone-else, project=explore",
    ),
    (
        "budget:\n  monthly: 500\n  start_date: 2027-01-01\n",
        "budget:\n  monthly: 500\n  start_date: 2027-02-01\n",
        "budget budget-explore-dev-weu",
        "budget.start_date",
        "2027-01-01",
        "2027-02-01",
    ),
];

#[test]
fn diff_reports_each_changed_create_only_field_as_a_replacement_of_its_resource() {
    for (before, after, resource, field, old, new) in CREATE_ONLY {
        let stdout = diff_after_change(before, after);
        let line = stdout
            .lines()
            .find(|l| l.starts_with(&format!("  {resource}")) && l.contains(&format!(" {field} ")))
            .unwrap_or_else(|| panic!("{field}: no replacement of {resource} in\n{stdout}"));
        assert!(
            line.contains(&format!("{field} {old} → {new} ("))
                && line.ends_with("replaces the resource"),
            "{field}: {line}"
        );
        assert!(
            stdout.starts_with("set only at creation: deploying this replaces resources\n")
                || stdout.contains("\nset only at creation: deploying this replaces resources\n"),
            "{field}: the section has its heading"
        );
    }
}

#[test]
fn diff_reports_no_replacement_for_a_change_azure_makes_in_place() {
    // Turning the managed network on is an update; only leaving it needs a new workspace.
    let stdout = diff_after_change(
        "network: {mode: customer, outbound: [], egress: {via: nat_gateway}}\n",
        "network: {mode: managed}\n",
    );
    assert!(stdout.contains("drift:"), "{stdout}");
    assert!(!stdout.contains("set only at creation"), "{stdout}");
    // A tag is create-only on compute instances alone.
    let stdout = diff_after_change("", "tags: {owner: someone-else}\n");
    assert!(stdout.contains("drift:"), "{stdout}");
    let replaced: Vec<&str> = stdout
        .lines()
        .filter(|l| l.ends_with("replaces the resource"))
        .collect();
    assert!(
        replaced
            .iter()
            .all(|l| l.starts_with("  compute instance alice-dev ")),
        "{replaced:?}"
    );
}

/// The exploratory profile's instance, on a larger size.
const INSTANCE_E8: &str = "compute:
  instances:
    - name: alice-dev
      sku: Standard_E8_v5
      user_object_id: 22222222-2222-4222-8222-222222222222
      idle_shutdown: PT30M
      schedule: {start: \"0 8 * * 1-5\", stop: \"0 19 * * 1-5\", time_zone: W. Europe Standard Time}
";

#[test]
fn a_changed_compute_instance_is_replaced_by_terraform_and_deleted_before_a_bicep_deployment() {
    // azurerm's compute instance has no update (every argument ForceNew, tags too; azurerm @
    // 69697b7f machine_learning_compute_instance_resource.go): the azapi instance is replaced
    // when its body's properties or the tags change (azapi 2.x `replace_triggers_refs`, paths in
    // the body; `replace_triggers_external_values`, any value).
    let zone = Zone::of("profiles/exploratory.yaml", "");
    let instance = zone.block("azapi_resource.primary_alice-dev");
    let Expression::Array(refs) = attribute(instance, "replace_triggers_refs") else {
        panic!("no replace_triggers_refs on the instance");
    };
    assert_eq!(refs.iter().map(text_of).collect::<Vec<_>>(), ["properties"]);
    let Expression::Object(external) = attribute(instance, "replace_triggers_external_values")
    else {
        panic!("no replace_triggers_external_values on the instance");
    };
    let tags: Vec<String> = external
        .iter()
        .filter(|(k, _)| k.to_string() == "tags")
        .map(|(_, v)| reference(v))
        .collect();
    assert_eq!(tags, ["local.tags"]);
    assert!(
        zone.compliance
            .contains("**Compute instances are replaced, never updated**"),
        "COMPLIANCE.md says so"
    );

    // A Bicep deployment PUTs the instance again: diff names the command that deletes it first.
    let stdout = diff_after_change("", INSTANCE_E8);
    let at = stdout
        .find("  compute instance alice-dev (westeurope): compute.instances[alice-dev].sku ")
        .unwrap_or_else(|| panic!("no replacement of the instance:\n{stdout}"));
    let next = stdout[at..].lines().nth(1).unwrap_or_default();
    assert_eq!(
        next,
        "    a Bicep deployment cannot replace it: first run `az ml compute delete --name alice-dev \
         --workspace-name mlw-explore-dev-weu --resource-group rg-explore-dev-weu --yes`"
    );
}

#[test]
fn diff_says_a_changed_key_rotation_is_kept_by_azure_and_how_to_apply_it() {
    // ARM never updates an existing key ("Keys - Create If Not Exist"): no deployment applies
    // the new rotation policy, and none replaces the key.
    let stdout = diff_of_change(
        "profiles/baseline.yaml",
        "encryption: {key_rotation: P90D}\n",
        "encryption: {key_rotation: P60D}\n",
    );
    let line = first_of_section(
        &stdout,
        "set only at creation: Azure keeps what it was created with",
    );
    assert!(
        line.contains("encryption.key_rotation rotate after P90D, expire after P180D → rotate after P60D, expire after P120D")
            && line.contains("not changed by deploying; from a network that reaches the vault, run `az keyvault key rotation-policy update --vault-name "),
        "{line}"
    );
    assert!(
        !stdout.contains("replaces the resource"),
        "a rotation replaces nothing:\n{stdout}"
    );
}

// ------------------------------------------------------------------ Defender for Cloud plans

/// Each Defender plan as the zone states it: name, sub-plan, extensions with their properties
/// (`data/policies.yaml`: Learn "Enable and configure with Infrastructure as Code templates" for
/// Defender for Storage, and the "Configure Microsoft Defender for ... plan" built-in policies,
/// Azure/azure-policy @ f4a50bac).
type DefenderFacts = (
    &'static str,
    Option<&'static str>,
    &'static [(&'static str, &'static [(&'static str, &'static str)])],
);
const DEFENDER: &[DefenderFacts] = &[
    (
        "StorageAccounts",
        Some("DefenderForStorageV2"),
        &[
            (
                "OnUploadMalwareScanning",
                &[("CapGBPerMonthPerStorageAccount", "5000")],
            ),
            ("SensitiveDataDiscovery", &[]),
        ],
    ),
    ("KeyVaults", Some("PerKeyVault"), &[]),
    (
        "Containers",
        None,
        &[
            ("ContainerRegistriesVulnerabilityAssessments", &[]),
            ("AgentlessDiscoveryForKubernetes", &[]),
            ("AgentlessVmScanning", &[]),
            ("ContainerSensor", &[("SecurityGatingEnabled", "True")]),
            ("ContainerIntegrityContribution", &[]),
        ],
    ),
    (
        "AI",
        None,
        &[
            ("AIPromptEvidence", &[]),
            ("AIPromptSharingWithPurview", &[]),
        ],
    ),
];

#[test]
fn defender_plans_are_stated_whole_in_both_formats_and_terraform_keeps_a_live_sub_plan() {
    // azurerm turns off every extension its configuration leaves out, and its `subplan` is
    // ForceNew, not Computed (azurerm @ 69697b7f, security_center_subscription_pricing_resource.go).
    let zone = Zone::of(
        "profiles/baseline.yaml",
        "policy: {scope: subscription, defender_plans: manage}\n",
    );
    let defender = bicep::parse(&zone.bicep["defender.bicep"]).expect("Bicep");
    let bicep_plans = bicep_resources(&defender, "Microsoft.Security/pricings@");
    assert_eq!(bicep_plans.len(), DEFENDER.len());
    for ((name, sub_plan, extensions), (_, body)) in DEFENDER.iter().zip(bicep_plans) {
        let expected: Vec<(String, BTreeMap<String, String>)> = extensions
            .iter()
            .map(|(e, props)| {
                let props = props
                    .iter()
                    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()));
                ((*e).to_owned(), props.collect())
            })
            .collect();

        let block = zone.block(&format!(
            "azurerm_security_center_subscription_pricing.{}",
            name.to_lowercase()
        ));
        assert_eq!(text_of(&attribute(block, "resource_type")), *name);
        assert_eq!(text_of(&attribute(block, "tier")), "Standard", "{name}");
        assert_eq!(
            Some(text_of(&attribute(block, "subplan"))).filter(|s| !s.is_empty()),
            sub_plan.map(str::to_owned),
            "{name}"
        );
        let terraform: Vec<(String, BTreeMap<String, String>)> = block
            .body()
            .blocks()
            .filter(|b| b.identifier() == "extension")
            .map(|e| {
                let props = match attribute(e, "additional_extension_properties") {
                    Expression::Object(map) => map
                        .iter()
                        .map(|(k, v)| (k.to_string().trim_matches('"').to_owned(), text_of(v)))
                        .collect(),
                    _ => BTreeMap::new(),
                };
                (text_of(&attribute(e, "name")), props)
            })
            .collect();
        assert_eq!(terraform, expected, "{name}: Terraform extensions");
        let lifecycle = nested(block, "lifecycle");
        assert_eq!(
            attribute(lifecycle, "prevent_destroy"),
            Expression::Bool(true)
        );
        let Expression::Array(ignored) = attribute(lifecycle, "ignore_changes") else {
            panic!("{name}: no ignore_changes");
        };
        assert_eq!(
            ignored.iter().map(reference).collect::<Vec<_>>(),
            ["subplan"]
        );

        let properties = prop(body, "properties").expect("properties");
        assert_eq!(
            prop(body, "name").and_then(Expr::literal).as_deref(),
            Some(*name)
        );
        assert_eq!(
            prop(properties, "pricingTier")
                .and_then(Expr::literal)
                .as_deref(),
            Some("Standard")
        );
        assert_eq!(
            prop(properties, "subPlan")
                .and_then(Expr::literal)
                .as_deref(),
            *sub_plan,
            "{name}"
        );
        let bicep: Vec<(String, BTreeMap<String, String>)> = match prop(properties, "extensions") {
            Some(Expr {
                kind: ExprKind::Array(items),
                ..
            }) => items
                .iter()
                .map(|item| {
                    let Item::Value(e) = item else {
                        panic!("a spread")
                    };
                    assert_eq!(
                        prop(e, "isEnabled").and_then(Expr::literal).as_deref(),
                        Some("True"),
                        "{name}"
                    );
                    let name = prop(e, "name").and_then(Expr::literal).unwrap_or_default();
                    (name, props_of(e))
                })
                .collect(),
            _ => Vec::new(),
        };
        assert_eq!(bicep, expected, "{name}: Bicep extensions");
    }
    assert!(
        zone.compliance.contains("**Defender for Cloud plans** (SEC-01)")
            && zone.compliance.contains("StorageAccounts on DefenderForStorageV2 with OnUploadMalwareScanning (CapGBPerMonthPerStorageAccount 5000), SensitiveDataDiscovery"),
        "COMPLIANCE.md states the plans"
    );
}

/// The `additionalExtensionProperties` of a Bicep extension object, as text.
fn props_of(extension: &Expr) -> BTreeMap<String, String> {
    let Some(Expr {
        kind: ExprKind::Object(entries),
        ..
    }) = prop(extension, "additionalExtensionProperties")
    else {
        return BTreeMap::new();
    };
    entries
        .iter()
        .filter_map(|entry| match entry {
            bicep::Entry::Prop {
                key: bicep::Key::Name(key),
                value,
                ..
            } => Some((key.clone(), value.literal()?)),
            _ => None,
        })
        .collect()
}

const NO_KEY: &str = "encryption:\n  customer_managed_key: false\nwaivers:\n  - {id: SEC-13, reason: platform keys, expires: 2027-06-30}\n  - {id: REL-07, reason: single region, expires: 2027-06-30}\n";

#[test]
fn waivers_never_turn_a_production_vaults_purge_protection_off() {
    let stdout = diff_of_change("profiles/baseline.yaml", "", NO_KEY);
    assert!(
        stdout.contains("customer-managed key: Enabled → Disabled"),
        "{stdout}"
    );
    assert!(
        !stdout.contains("purge protection: Enabled → Disabled"),
        "{stdout}"
    );
    // The removed secondary vault's lines go; no vault's protection is turned off.
    assert!(
        !stdout
            .lines()
            .any(|l| l.starts_with('+') && l.contains("purge_protection_enabled")),
        "{stdout}"
    );
}

#[test]
fn diff_says_azure_refuses_to_turn_purge_protection_off() {
    // Outside production the waivers leave a new vault unprotected, but Azure refuses to turn
    // an existing vault's protection off (azurerm errors on the update).
    let stdout = diff_after_change("", NO_KEY);
    let line = first_of_section(
        &stdout,
        "set only at creation: Azure refuses the change, deploying it fails",
    );
    assert!(
        line.starts_with("  key vault kvexploredweu")
            && line.contains(" true → false (purge_protection_enabled / enablePurgeProtection)"),
        "{line}"
    );
    assert!(!line.contains("replaces the resource"), "{line}");
}

#[test]
fn diff_reports_a_renamed_private_endpoint_as_its_replacement() {
    // Files made when the secondary region's registry endpoint was named after a registry of
    // that region, which does not exist: the endpoint now carries the one registry's name.
    let temp = tempfile::tempdir().expect("a temporary directory");
    let out = temp.path().join("infra");
    let profile = extending(temp.path(), "profiles/baseline.yaml", "project: ren\n");
    generate_into(&profile, &out, "terraform,bicep");
    let manifest = out.join(".mlzone/manifest.json");
    let mut recorded: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&manifest).expect("the manifest")).expect("JSON");
    let (now, was) = ("pe-crrenpweu-registry", "pe-crrenpneu-registry");
    for s in recorded["security"].as_array_mut().expect("settings") {
        if s["key"] == format!("secondary/private_endpoint/{now}") {
            s["key"] = format!("secondary/private_endpoint/{was}").into();
            s["label"] = s["label"].as_str().unwrap().replace(now, was).into();
        }
    }
    for c in recorded["create_only"].as_array_mut().expect("fields") {
        if c["key"] == "secondary/private_endpoint/registry/registry" {
            assert_eq!(c["value"], now);
            c["value"] = was.into();
        }
    }
    std::fs::write(&manifest, recorded.to_string()).expect("written");
    extending(
        temp.path(),
        "profiles/baseline.yaml",
        "project: ren\ntags: {owner: other}\n",
    );
    let run = mlzone()
        .args(["diff", "--color", "never"])
        .arg(&profile)
        .arg("-o")
        .arg(&out)
        .assert()
        .code(1);
    let stdout = text(&run.get_output().stdout);
    for expected in [
        "  SEC-05 secondary private endpoint (registry registry) name: pe-crrenpneu-registry → pe-crrenpweu-registry (changes), replaces the resource\n",
        "  private endpoint pe-crrenpweu-registry (northeurope): the name of the registry it connects to pe-crrenpneu-registry → pe-crrenpweu-registry (name / name), replaces the resource\n",
    ] {
        assert!(stdout.contains(expected), "{expected}\n{stdout}");
    }
    assert!(!stdout.contains("removed: private endpoint"), "{stdout}");
}

/// The first line of `stdout`'s section under `heading`.
fn first_of_section<'s>(stdout: &'s str, heading: &str) -> &'s str {
    stdout
        .split(&format!("{heading}\n"))
        .nth(1)
        .and_then(|section| section.lines().next())
        .unwrap_or_else(|| panic!("no section {heading}:\n{stdout}"))
}

/// `mlzone diff`'s output once the exploratory profile plus `before`, generated, became the
/// exploratory profile plus `after`: drift, exit 1.
fn diff_after_change(before: &str, after: &str) -> String {
    diff_of_change("profiles/exploratory.yaml", before, after)
}

/// `mlzone diff`'s output once `golden` plus `before`, generated, became `golden` plus `after`:
/// drift, exit 1.
fn diff_of_change(golden: &str, before: &str, after: &str) -> String {
    let temp = tempfile::tempdir().expect("a temporary directory");
    let out = temp.path().join("infra");
    let profile = extending(temp.path(), golden, before);
    generate_into(&profile, &out, "terraform,bicep");
    extending(temp.path(), golden, after);
    let drifted = mlzone()
        .args(["diff", "--color", "never"])
        .arg(&profile)
        .arg("-o")
        .arg(&out)
        .assert()
        .code(1);
    text(&drifted.get_output().stdout)
}

// ---------------------------------------------------------------------------- test support

/// One generated output, parsed.
struct Zone {
    /// Terraform resource blocks by address.
    resources: BTreeMap<String, Block>,
    /// Terraform provider blocks by name.
    providers: BTreeMap<String, Block>,
    /// Terraform files' text by name.
    terraform: BTreeMap<String, String>,
    /// Bicep and parameter files' text by path under `bicep/`.
    bicep: BTreeMap<String, String>,
    /// COMPLIANCE.md.
    compliance: String,
}

impl Zone {
    /// The zone of a profile extending golden profile `golden` with `body`, generated in both
    /// formats into a temporary directory.
    fn of(golden: &str, body: &str) -> Self {
        let temp = tempfile::tempdir().expect("a temporary directory");
        let out = temp.path().join("infra");
        let profile = extending(temp.path(), golden, body);
        generate_into(&profile, &out, "terraform,bicep");
        Zone::read(&out)
    }

    fn read(out: &Path) -> Self {
        let mut zone = Zone {
            resources: BTreeMap::new(),
            providers: BTreeMap::new(),
            terraform: BTreeMap::new(),
            bicep: BTreeMap::new(),
            compliance: std::fs::read_to_string(out.join("COMPLIANCE.md")).expect("COMPLIANCE.md"),
        };
        for (name, bytes) in files_under(&out.join("terraform")) {
            if !name.ends_with(".tf") {
                continue;
            }
            let source = String::from_utf8(bytes).expect("UTF-8 Terraform");
            let body: Body = hcl::parse(&source).unwrap_or_else(|e| panic!("{name}: {e}"));
            for block in body.into_blocks() {
                let labels: Vec<&str> = block.labels().iter().map(|l| l.as_str()).collect();
                match block.identifier() {
                    "resource" => {
                        zone.resources.insert(labels.join("."), block.clone());
                    }
                    "provider" => {
                        zone.providers.insert(labels.join("."), block.clone());
                    }
                    _ => {}
                }
            }
            zone.terraform.insert(name, source);
        }
        zone.bicep = files_under(&out.join("bicep"))
            .into_iter()
            .filter(|(name, _)| name.ends_with(".bicep") || name.ends_with(".bicepparam"))
            .map(|(name, bytes)| (name, String::from_utf8(bytes).expect("UTF-8 Bicep")))
            .collect();
        zone
    }

    fn block(&self, address: &str) -> &Block {
        self.resources
            .get(address)
            .unwrap_or_else(|| panic!("no resource {address}"))
    }

    fn of_type<'a>(&'a self, ty: &'a str) -> impl Iterator<Item = (&'a String, &'a Block)> {
        self.resources
            .iter()
            .filter(move |(address, _)| address.split('.').next() == Some(ty))
    }

    fn text(&self, file: &str) -> &str {
        self.terraform
            .iter()
            .find(|(name, _)| name.ends_with(file))
            .map(|(_, t)| t.as_str())
            .unwrap_or_else(|| panic!("no {file}"))
    }

    /// What the block's `lifecycle` lists in `ignore_changes`, as references.
    fn ignore_changes(&self, block: &Block) -> Vec<String> {
        let lifecycle = nested(block, "lifecycle");
        match attribute(lifecycle, "ignore_changes") {
            Expression::Array(items) => items.iter().map(reference).collect(),
            other => panic!("ignore_changes is {other:?}"),
        }
    }

    fn bicep_text(&self, file: &str) -> &str {
        self.bicep
            .get(file)
            .unwrap_or_else(|| panic!("no {file}"))
            .as_str()
    }

    /// The first resource of `file` whose type starts with `ty`: its symbol and its body. The
    /// parsed file is leaked: a test process is short.
    fn bicep_resource(&self, file: &str, ty: &str) -> (&'static str, &'static Expr) {
        let parsed: &'static bicep::BicepFile = Box::leak(Box::new(
            bicep::parse(self.bicep_text(file)).unwrap_or_else(|e| panic!("{file}: {e}")),
        ));
        bicep_resources(parsed, ty)
            .into_iter()
            .next()
            .unwrap_or_else(|| panic!("{file}: no resource of {ty}"))
    }
}

/// azurerm's validations snapshot (`tests/data/azurerm-validations.json`), by resource type.
fn azurerm_validations() -> serde_json::Value {
    let text = std::fs::read_to_string(repo().join("tests/data/azurerm-validations.json"))
        .expect("the validations snapshot");
    let all: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    all["resources"].clone()
}

/// The values of a lock's `level` (ManagementLockProperties.level,
/// `tests/data/bicep-types.json`, Microsoft.Authorization/locks at its version in the Plan).
fn lock_levels() -> Vec<String> {
    let text = std::fs::read_to_string(repo().join("tests/data/bicep-types.json")).expect("types");
    let all: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    let version = &mlzone::facts::api_versions()["Microsoft.Authorization/locks"];
    let resource = &all["resources"]["Microsoft.Authorization/locks"][version.as_str()];
    let types = &all["schemas"][resource["schema"].as_str().expect("schema")]["types"];
    let body = &types[resource["body"].to_string()];
    let properties = &types[body["properties"]["properties"]["type"].to_string()];
    let level = &types[properties["properties"]["level"]["type"].to_string()];
    level["enum"]
        .as_array()
        .expect("an enum")
        .iter()
        .filter_map(|v| v.as_str().map(String::from))
        .collect()
}

/// The one nested block `name` of `block`.
fn nested<'b>(block: &'b Block, name: &str) -> &'b Block {
    block
        .body()
        .blocks()
        .find(|b| b.identifier() == name)
        .unwrap_or_else(|| panic!("no block {name} in {}", block.identifier()))
}

/// The value at `keys` in an HCL object expression; `null` when absent.
fn at<'e>(expr: &'e Expression, keys: &[&str]) -> &'e Expression {
    keys.iter().fold(expr, |current, key| match current {
        Expression::Object(object) => object
            .iter()
            .find(|(k, _)| k.to_string().trim_matches('"') == *key)
            .map_or(&Expression::Null, |(_, v)| v),
        _ => &Expression::Null,
    })
}

/// A Bicep member access such as `key.properties.keyUri` as text.
fn member_path(expr: &Expr) -> String {
    match &expr.kind {
        ExprKind::Ident(name) => name.clone(),
        ExprKind::Member { base, name, .. } => format!("{}.{name}", member_path(base)),
        other => format!("{other:?}"),
    }
}

/// The string literals of a Bicep array.
fn literals(expr: &Expr) -> Vec<String> {
    let ExprKind::Array(items) = &expr.kind else {
        panic!("not an array: {expr:?}")
    };
    items
        .iter()
        .filter_map(|item| match item {
            Item::Value(v) => v.literal(),
            Item::Spread(_) => None,
        })
        .collect()
}
