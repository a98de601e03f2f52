//! The Resource Manager bodies a generated Terraform configuration or Bicep deployment deploys,
//! read out of its files, for the policy self-check of what a template overlay produces
//! ([`check_bodies`](crate::plan::check::check_bodies)): the plan's bodies
//! ([`plan::bodies`](crate::plan::bodies)) say what the embedded templates deploy, these say
//! what the files say, whoever wrote them. Every type the plan's bodies model is read, with the
//! properties they model.
//!
//! Read: the workspaces (`azurerm_machine_learning_workspace`, with the `azapi_update_resource`
//! bodies merged into them, as azapi merges them into the live resource), compute clusters
//! (`azurerm_machine_learning_compute_cluster`) and compute written as `azapi_resource` bodies,
//! storage accounts, key vaults, container registries and private endpoints. azurerm's arguments
//! become the ARM properties its expand functions send, a missing or non-literal argument its
//! schema default (azurerm @ 69697b7f, `internal/services/`):
//! - `machinelearning/machine_learning_workspace_resource.go`, `..._compute_cluster_resource.go`:
//!   `public_network_access_enabled` (default true) → `publicNetworkAccess` Enabled/Disabled,
//!   an `encryption` block → `encryption.status` Enabled, `managed_network.isolation_mode` →
//!   `managedNetwork.isolationMode`, `primary_user_assigned_identity` →
//!   `primaryUserAssignedIdentity`, `kind` → `kind`; `local_auth_enabled` (default true) →
//!   `disableLocalAuth` negated, `vm_size` → `properties.vmSize`, computeType AmlCompute;
//! - `storage/storage_account_resource.go`: `https_traffic_only_enabled` (true) →
//!   `supportsHttpsTrafficOnly`, `min_tls_version` (TLS1_2) → `minimumTlsVersion`,
//!   `shared_access_key_enabled` (true) → `allowSharedKeyAccess`,
//!   `default_to_oauth_authentication` (false) → `defaultToOAuthAuthentication`,
//!   `public_network_access_enabled` (true) → `publicNetworkAccess`,
//!   `allow_nested_items_to_be_public` (false) → `allowBlobPublicAccess`;
//!   `storage_account_helpers_network.go`: `network_rules.default_action`, Allow without the block;
//! - `keyvault/key_vault_resource.go`: `rbac_authorization_enabled` →
//!   `enableRbacAuthorization`, `soft_delete_retention_days` (90) → `softDeleteRetentionInDays`,
//!   `public_network_access_enabled` (true) → `publicNetworkAccess`, `purge_protection_enabled`
//!   → `enablePurgeProtection`, sent only when true; `network_acls.default_action` →
//!   `networkAcls.defaultAction`, nothing without the block;
//! - `containers/container_registry_resource.go`: `admin_enabled` (false) → `adminUserEnabled`,
//!   `anonymous_pull_enabled` (false) → `anonymousPullEnabled`, `public_network_access_enabled`
//!   (true) → `publicNetworkAccess`, `zone_redundancy_enabled` (false) → `zoneRedundancy`
//!   Enabled/Disabled, `data_endpoint_enabled` (false) → `dataEndpointEnabled`;
//! - `azurerm_private_endpoint`: no property a rule of the zone reads (its type, name).
//!
//! The policy assignments are read too ([`assignments`]), so that the check judges with the
//! effects the files deploy ([`governance`]): the effect parameter (`effect`, or `effects` as
//! one definition names it) and the enforcement mode, azurerm's `enforce` (default true,
//! `policy/assignment_resource_base.go`: false is ARM's `enforcementMode` DoNotEnforce).

use std::collections::BTreeMap;

use hcl::expr::Expression;
use hcl::{Block, Body};
use serde_json::{Value, json};

use crate::plan::GovernancePlan;
use crate::plan::bodies::{
    COMPUTE, Declared, KEY_VAULT, MODELLED, PRIVATE_ENDPOINT, REGISTRY, ResourceBody, STORAGE,
    WORKSPACE, enabled,
};

const AZURERM_WORKSPACE: &str = "azurerm_machine_learning_workspace";

/// The `resource` blocks of the `.tf` files among `files` (path → text), in file order, each
/// with its file, type and label. A file that does not parse adds nothing.
fn resource_blocks<'a>(
    files: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Vec<(&'a str, String, String, Block)> {
    files
        .into_iter()
        .filter(|(path, _)| path.ends_with(".tf"))
        .filter_map(|(path, text)| Some((path, hcl::parse(text).ok()?)))
        .flat_map(|(path, body)| {
            body.into_blocks().filter_map(move |block| {
                let ("resource", [ty, label]) = (block.identifier(), block.labels()) else {
                    return None;
                };
                let (ty, label) = (ty.as_str().to_owned(), label.as_str().to_owned());
                Some((path, ty, label, block))
            })
        })
        .collect()
}

/// The bodies the Terraform `files` (path → text) deploy, in file order. A file that does not
/// parse adds nothing (`terraform validate` judges it).
pub fn terraform<'a>(files: impl IntoIterator<Item = (&'a str, &'a str)>) -> Vec<ResourceBody> {
    let blocks: Vec<(String, String, Block)> = resource_blocks(files)
        .into_iter()
        .map(|(path, ty, label, block)| (path.to_owned(), format!("{ty}.{label}"), block))
        .collect();
    let resource_groups: BTreeMap<String, String> = blocks
        .iter()
        .filter(|(_, address, _)| address.starts_with("azurerm_resource_group."))
        .filter_map(|(_, address, b)| Some((address.clone(), string(b.body(), "name")?)))
        .collect();
    let group = |b: &Block| {
        let reference = text(b.body(), "resource_group_name").unwrap_or_default();
        let address = reference.trim_end_matches(".name");
        resource_groups.get(address).cloned().unwrap_or(reference)
    };
    let mut out = Vec::new();
    // Workspaces first: compute and updates name theirs by reference.
    let mut workspaces: BTreeMap<String, usize> = BTreeMap::new();
    for (path, address, b) in &blocks {
        if address.starts_with(&format!("{AZURERM_WORKSPACE}.")) {
            workspaces.insert(address.clone(), out.len());
            out.push(deployed(
                WORKSPACE,
                b,
                path,
                address,
                &group(b),
                workspace(b.body()),
            ));
        }
    }
    for (path, address, b) in &blocks {
        let body = b.body();
        let parent = |attribute: &str| {
            let reference = text(body, attribute).unwrap_or_default();
            workspaces.get(reference.trim_end_matches(".id")).copied()
        };
        match address.split_once('.').map_or("", |(ty, _)| ty) {
            "azurerm_machine_learning_compute_cluster" => {
                let Some(w) = parent("machine_learning_workspace_id") else {
                    continue;
                };
                let local_auth = string(body, "local_auth_enabled").is_none_or(|v| v == "true");
                let mut properties = json!({
                    "computeType": "AmlCompute",
                    "disableLocalAuth": !local_auth,
                    "properties": {},
                });
                if let Some(size) = string(body, "vm_size") {
                    properties["properties"]["vmSize"] = json!(size);
                }
                let c = compute(&out[w], b, path, address, properties);
                out.push(c);
            }
            "azurerm_storage_account" => {
                out.push(deployed(
                    STORAGE,
                    b,
                    path,
                    address,
                    &group(b),
                    storage(body),
                ));
            }
            "azurerm_key_vault" => {
                out.push(deployed(
                    KEY_VAULT,
                    b,
                    path,
                    address,
                    &group(b),
                    key_vault(body),
                ));
            }
            "azurerm_container_registry" => {
                out.push(deployed(
                    REGISTRY,
                    b,
                    path,
                    address,
                    &group(b),
                    registry(body),
                ));
            }
            "azurerm_private_endpoint" => {
                out.push(deployed(
                    PRIVATE_ENDPOINT,
                    b,
                    path,
                    address,
                    &group(b),
                    json!({}),
                ));
            }
            "azapi_resource" | "azapi_update_resource" => {
                let ty = string(body, "type").unwrap_or_default();
                let ty = ty.split('@').next().unwrap_or_default();
                let properties = expression(body, "body")
                    .map(|e| json_of(e)["properties"].take())
                    .unwrap_or(Value::Null);
                if address.starts_with("azapi_update_resource.") && ty == WORKSPACE {
                    if let Some(w) = parent("resource_id") {
                        merge(&mut out[w].body["properties"], properties);
                    }
                } else if address.starts_with("azapi_resource.") && ty == COMPUTE {
                    let Some(w) = parent("parent_id") else {
                        continue;
                    };
                    let c = compute(&out[w], b, path, address, properties);
                    out.push(c);
                }
            }
            _ => {}
        }
    }
    out
}

/// The bodies the Bicep `files` (path → text) deploy: each resource of a modelled type has its
/// Resource Manager body as its object. A compute's workspace is its `parent`, which a module
/// names as an `existing` resource: the compute is named by its own name.
pub fn bicep<'a>(files: impl IntoIterator<Item = (&'a str, &'a str)>) -> Vec<ResourceBody> {
    crate::inventory::bicep_objects(files)
        .into_iter()
        .filter_map(|(file, symbol, ty, mut body)| {
            let resource_type = MODELLED.into_iter().find(|t| t.eq_ignore_ascii_case(&ty))?;
            let name = body["name"].as_str().unwrap_or(&symbol).to_owned();
            // The type is the declaration's, not a property of the object.
            body["type"] = json!(resource_type);
            Some(ResourceBody {
                resource_type,
                name,
                resource_group: String::new(),
                body,
                declared_in: Some(Declared {
                    file,
                    address: symbol,
                }),
            })
        })
        .collect()
}

/// A policy assignment as generated files deploy it.
#[derive(Debug, Clone)]
pub struct Assignment {
    /// The assignment's name.
    pub name: String,
    /// The effect its parameters give; `None` when they give none (the definition's default).
    pub effect: Option<String>,
    /// Whether it is enforced (ARM `enforcementMode` Default): a DoNotEnforce assignment only
    /// reports.
    pub enforced: bool,
    /// The file that declares it.
    pub file: String,
}

impl Assignment {
    /// The effect the assignment has in Azure, given the plan's `planned` one where the files
    /// name none: a DoNotEnforce assignment denies nothing, whatever its effect.
    fn effect(&self, planned: Option<&str>) -> Option<String> {
        let effect = self.effect.as_deref().or(planned)?;
        Some(if self.enforced {
            effect.to_owned()
        } else {
            format!("{effect} (DoNotEnforce)")
        })
    }
}

/// The policy assignments the `files` (path → text) declare, Terraform's
/// (`azurerm_*_policy_assignment`) and Bicep's (`Microsoft.Authorization/policyAssignments`).
pub fn assignments<'a>(
    files: impl IntoIterator<Item = (&'a str, &'a str)> + Clone,
) -> Vec<Assignment> {
    let mut out = Vec::new();
    for (path, ty, _, block) in resource_blocks(files.clone()) {
        if !(ty.starts_with("azurerm_") && ty.ends_with("_policy_assignment")) {
            continue;
        }
        let b = block.body();
        let parameters = match expression(b, "parameters") {
            Some(Expression::FuncCall(call)) if call.name.name.as_str() == "jsonencode" => {
                call.args.first().map(json_of).unwrap_or(Value::Null)
            }
            Some(other) => json_of(other),
            None => Value::Null,
        };
        out.push(Assignment {
            name: string(b, "name").unwrap_or_default(),
            effect: effect_of(&parameters),
            enforced: flag(b, "enforce", true),
            file: path.to_owned(),
        });
    }
    let policies = crate::inventory::bicep_objects(files)
        .into_iter()
        .filter(|(_, _, ty, _)| {
            ty.eq_ignore_ascii_case("Microsoft.Authorization/policyAssignments")
        });
    for (file, _, _, body) in policies {
        let properties = &body["properties"];
        let mode = properties["enforcementMode"].as_str().unwrap_or("Default");
        out.push(Assignment {
            name: body["name"].as_str().unwrap_or_default().to_owned(),
            effect: effect_of(&properties["parameters"]),
            enforced: mode.eq_ignore_ascii_case("Default"),
            file,
        });
    }
    out
}

/// The effect among an assignment's parameters (`effect`, `effects`), as text.
fn effect_of(parameters: &Value) -> Option<String> {
    let (_, parameter) = parameters
        .as_object()?
        .iter()
        .find(|(k, _)| k.starts_with("effect"))?;
    parameter["value"].as_str().map(str::to_owned)
}

/// `planned` as `deployed` assigns it: an assignment the files do not declare is gone, one
/// they declare takes their effect and enforcement. Where several declare one (a copy per
/// region), a copy that still denies decides: it denies in its scope.
pub fn governance(planned: &GovernancePlan, deployed: &[Assignment]) -> GovernancePlan {
    let denies = |effect: &Option<String>| {
        effect.as_deref().is_some_and(|e| {
            e.eq_ignore_ascii_case("deny") || e.eq_ignore_ascii_case("enforceSetting")
        })
    };
    let chosen = |name: &str, planned: Option<&str>| {
        let effects: Vec<Option<String>> = deployed
            .iter()
            .filter(|d| d.name == name)
            .map(|d| d.effect(planned))
            .collect();
        let first = effects.first()?.clone();
        Some(effects.into_iter().find(denies).unwrap_or(first))
    };
    let mut g = planned.clone();
    g.assignments
        .retain_mut(|a| match chosen(&a.name, a.effect.as_deref()) {
            Some(effect) => {
                a.effect = effect;
                true
            }
            None => false,
        });
    g.custom_policies
        .retain_mut(|p| match chosen(&p.name, Some(&p.effect)) {
            Some(effect) => {
                p.effect = effect.unwrap_or_default();
                true
            }
            None => false,
        });
    g
}

/// A workspace's properties, as azurerm sends them.
fn workspace(body: &Body) -> Value {
    let public = string(body, "public_network_access_enabled").is_none_or(|v| v == "true");
    let mut properties = json!({
        "publicNetworkAccess": if public { "Enabled" } else { "Disabled" },
    });
    if let Some(identity) = text(body, "primary_user_assigned_identity") {
        properties["primaryUserAssignedIdentity"] = json!(identity);
    }
    if body.blocks().any(|b| b.identifier() == "encryption") {
        properties["encryption"] = json!({"status": "Enabled"});
    }
    let isolation = body
        .blocks()
        .find(|b| b.identifier() == "managed_network")
        .and_then(|b| string(b.body(), "isolation_mode"));
    if let Some(mode) = isolation {
        properties["managedNetwork"] = json!({"isolationMode": mode});
    }
    properties
}

/// A storage account's properties, as azurerm sends them.
fn storage(body: &Body) -> Value {
    let default_action = body
        .blocks()
        .find(|b| b.identifier() == "network_rules")
        .map_or_else(
            || "Allow".to_owned(),
            |b| string(b.body(), "default_action").unwrap_or_default(),
        );
    json!({
        "supportsHttpsTrafficOnly": flag(body, "https_traffic_only_enabled", true),
        "minimumTlsVersion": string(body, "min_tls_version").unwrap_or_else(|| "TLS1_2".to_owned()),
        "allowSharedKeyAccess": flag(body, "shared_access_key_enabled", true),
        "defaultToOAuthAuthentication": flag(body, "default_to_oauth_authentication", false),
        "publicNetworkAccess": enabled(flag(body, "public_network_access_enabled", true)),
        "allowBlobPublicAccess": flag(body, "allow_nested_items_to_be_public", false),
        "networkAcls": {"defaultAction": default_action},
    })
}

/// A key vault's properties, as azurerm sends them.
fn key_vault(body: &Body) -> Value {
    let soft_delete = string(body, "soft_delete_retention_days")
        .and_then(|d| d.parse::<u32>().ok())
        .unwrap_or(90);
    let mut properties = json!({
        "enableRbacAuthorization": flag(body, "rbac_authorization_enabled", false),
        "softDeleteRetentionInDays": soft_delete,
        "publicNetworkAccess": enabled(flag(body, "public_network_access_enabled", true)),
    });
    if flag(body, "purge_protection_enabled", false) {
        properties["enablePurgeProtection"] = json!(true);
    }
    let acls = body.blocks().find(|b| b.identifier() == "network_acls");
    if let Some(action) = acls.and_then(|b| string(b.body(), "default_action")) {
        properties["networkAcls"] = json!({"defaultAction": action});
    }
    properties
}

/// A container registry's properties, as azurerm sends them.
fn registry(body: &Body) -> Value {
    json!({
        "adminUserEnabled": flag(body, "admin_enabled", false),
        "anonymousPullEnabled": flag(body, "anonymous_pull_enabled", false),
        "publicNetworkAccess": enabled(flag(body, "public_network_access_enabled", true)),
        "zoneRedundancy": enabled(flag(body, "zone_redundancy_enabled", false)),
        "dataEndpointEnabled": flag(body, "data_endpoint_enabled", false),
    })
}

/// A boolean argument: its literal value, else azurerm's `default` (for an expression too,
/// whose value the files do not give).
fn flag(body: &Body, key: &str, default: bool) -> bool {
    match string(body, key).as_deref() {
        Some("true") => true,
        Some("false") => false,
        _ => default,
    }
}

/// A compute of `workspace`, named `<workspace>/<compute>` as ARM names a child resource.
fn compute(
    workspace: &ResourceBody,
    block: &Block,
    path: &str,
    address: &str,
    properties: Value,
) -> ResourceBody {
    let name = format!(
        "{}/{}",
        workspace.name,
        string(block.body(), "name").unwrap_or_default()
    );
    let mut c = deployed(
        COMPUTE,
        block,
        path,
        address,
        &workspace.resource_group,
        properties,
    );
    c.name.clone_from(&name);
    c.body["name"] = json!(name);
    c
}

fn deployed(
    resource_type: &'static str,
    block: &Block,
    path: &str,
    address: &str,
    resource_group: &str,
    properties: Value,
) -> ResourceBody {
    let name = name(block.body()).unwrap_or_else(|| address.to_owned());
    let mut body = json!({"type": resource_type, "name": name, "properties": properties});
    if let Some(kind) = string(block.body(), "kind") {
        body["kind"] = json!(kind);
    }
    ResourceBody {
        resource_type,
        name,
        resource_group: resource_group.to_owned(),
        body,
        declared_in: Some(Declared {
            file: path.to_owned(),
            address: address.to_owned(),
        }),
    }
}

/// `update` merged into `target`, objects key by key, as azapi merges an update's body.
fn merge(target: &mut Value, update: Value) {
    match (target, update) {
        (Value::Object(target), Value::Object(update)) => {
            for (key, value) in update {
                merge(target.entry(key).or_insert(Value::Null), value);
            }
        }
        (target, update) => *target = update,
    }
}

fn expression<'b>(body: &'b Body, key: &str) -> Option<&'b Expression> {
    body.attributes()
        .find(|a| a.key.as_str() == key)
        .map(|a| &a.expr)
}

/// A literal attribute as text (`"x"` → `x`, `false` → `false`).
fn string(body: &Body, key: &str) -> Option<String> {
    match expression(body, key)? {
        Expression::String(s) => Some(s.clone()),
        Expression::Bool(b) => Some(b.to_string()),
        Expression::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A resource's `name` as the plan writes it: a literal, or a template string whose
/// deploy-time name suffix becomes the plan's `{suffix}` slot.
fn name(body: &Body) -> Option<String> {
    match expression(body, "name")? {
        Expression::TemplateExpr(template) => match template.as_ref() {
            hcl::expr::TemplateExpr::QuotedString(s) => Some(crate::inventory::plan_name(s)),
            hcl::expr::TemplateExpr::Heredoc(_) => None,
        },
        _ => string(body, "name"),
    }
}

/// Any attribute as text: a literal's value, else the expression as HCL
/// (`azurerm_machine_learning_workspace.primary.id`).
fn text(body: &Body, key: &str) -> Option<String> {
    string(body, key).or_else(|| expression(body, key).map(ToString::to_string))
}

/// An HCL expression as JSON: literals as themselves, anything else as its HCL text.
fn json_of(expr: &Expression) -> Value {
    match expr {
        Expression::Null => Value::Null,
        Expression::Bool(b) => json!(b),
        Expression::Number(n) => serde_json::to_value(n).unwrap_or(Value::Null),
        Expression::String(s) => json!(s),
        Expression::Array(items) => items.iter().map(json_of).collect(),
        Expression::Object(object) => Value::Object(
            object
                .iter()
                .map(|(k, v)| (key_text(k), json_of(v)))
                .collect(),
        ),
        other => json!(other.to_string()),
    }
}

fn key_text(key: &hcl::expr::ObjectKey) -> String {
    match key {
        hcl::expr::ObjectKey::Identifier(id) => id.as_str().to_owned(),
        hcl::expr::ObjectKey::Expression(Expression::String(s)) => s.clone(),
        hcl::expr::ObjectKey::Expression(e) => e.to_string(),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = r#"
resource "azurerm_resource_group" "primary" {
  name     = "rg-x"
  location = "westeurope"
}

resource "azurerm_machine_learning_workspace" "primary" {
  name                = "mlw-x"
  resource_group_name = azurerm_resource_group.primary.name
}

resource "azapi_update_resource" "primary_managed_network" {
  type        = "Microsoft.MachineLearningServices/workspaces@2026-05-01"
  resource_id = azurerm_machine_learning_workspace.primary.id
  body = {
    properties = {
      managedNetwork = { isolationMode = "AllowOnlyApprovedOutbound", firewallSku = "Basic" }
    }
  }
}

resource "azurerm_machine_learning_compute_cluster" "primary_train" {
  name                          = "train"
  machine_learning_workspace_id = azurerm_machine_learning_workspace.primary.id
  vm_size                       = "Standard_D4_v5"
}

resource "azapi_resource" "primary_dev" {
  type      = "Microsoft.MachineLearningServices/workspaces/computes@2026-05-01"
  name      = "dev"
  parent_id = azurerm_machine_learning_workspace.primary.id
  body = {
    properties = {
      computeType      = "ComputeInstance"
      disableLocalAuth = true
      properties       = { vmSize = "Standard_D4_v5", idleTimeBeforeShutdown = "PT30M" }
    }
  }
}
"#;

    const DEPENDENCIES: &str = r#"
resource "azurerm_storage_account" "primary" {
  name                          = "stx"
  resource_group_name           = "rg-x"
  shared_access_key_enabled     = false
  public_network_access_enabled = var.open

  network_rules {
    default_action = "Deny"
  }
}

resource "azurerm_key_vault" "primary" {
  name                          = "kvx"
  resource_group_name           = "rg-x"
  rbac_authorization_enabled    = true
  public_network_access_enabled = false
}

resource "azurerm_container_registry" "main" {
  name                    = "crx"
  resource_group_name     = "rg-x"
  zone_redundancy_enabled = true
}

resource "azurerm_private_endpoint" "primary_vault" {
  name                = "pe-kvx-vault"
  resource_group_name = "rg-x"
}
"#;

    const BICEP: &str = r"
resource storage 'Microsoft.Storage/storageAccounts@2025-06-01' = {
  name: 'stx'
  properties: {
    publicNetworkAccess: 'Enabled'
    allowSharedKeyAccess: false
  }
}

resource vault 'Microsoft.KeyVault/vaults@2025-05-01' = {
  name: 'kvx'
  properties: {
    publicNetworkAccess: 'Disabled'
  }
}
";

    #[test]
    fn dependencies_are_read_with_azurerm_s_defaults() {
        let bodies = terraform([("terraform/dependencies.tf", DEPENDENCIES)]);
        let types: Vec<&str> = bodies.iter().map(|b| b.resource_type).collect();
        assert_eq!(types, [STORAGE, KEY_VAULT, REGISTRY, PRIVATE_ENDPOINT]);
        let storage = &bodies[0].body["properties"];
        assert_eq!(storage["allowSharedKeyAccess"], false);
        // An expression's value is not in the files: azurerm's default (open) stands.
        assert_eq!(storage["publicNetworkAccess"], "Enabled");
        assert_eq!(storage["supportsHttpsTrafficOnly"], true);
        assert_eq!(storage["minimumTlsVersion"], "TLS1_2");
        assert_eq!(storage["networkAcls"]["defaultAction"], "Deny");
        // Purge protection is off unless set, and then not sent at all.
        let vault = &bodies[1].body["properties"];
        assert!(vault.get("enablePurgeProtection").is_none(), "{vault}");
        assert_eq!(vault["softDeleteRetentionInDays"], 90);
        assert_eq!(vault["publicNetworkAccess"], "Disabled");
        assert!(vault.get("networkAcls").is_none(), "{vault}");
        let registry = &bodies[2].body["properties"];
        assert_eq!(registry["publicNetworkAccess"], "Enabled");
        assert_eq!(registry["zoneRedundancy"], "Enabled");
        assert_eq!(registry["adminUserEnabled"], false);
        assert_eq!(bodies[3].name, "pe-kvx-vault");
        assert!(bodies.iter().all(|b| b.resource_group == "rg-x"));
        let protected = DEPENDENCIES.replace(
            "rbac_authorization_enabled    = true",
            "purge_protection_enabled = true",
        );
        let bodies = terraform([("d.tf", protected.as_str())]);
        assert_eq!(bodies[1].body["properties"]["enablePurgeProtection"], true);
        assert_eq!(
            bodies[1].body["properties"]["enableRbacAuthorization"],
            false
        );
    }

    #[test]
    fn assignments_are_read_and_judged_with_the_effects_they_deploy() {
        let terraform = r#"
resource "azurerm_resource_group_policy_assignment" "a" {
  name    = "mlz-x-a"
  enforce = false
  parameters = jsonencode({
    "effect" = { value = "Deny" }
  })
}

resource "azurerm_resource_group_policy_assignment" "b" {
  name       = "mlz-x-b"
  parameters = jsonencode({ "effects" = { value = "Audit" } })
}
"#;
        let bicep = "resource c 'Microsoft.Authorization/policyAssignments@2026-07-01' = {\n  name: 'mlz-x-c'\n  properties: {\n    parameters: {\n      effect: {\n        value: 'Deny'\n      }\n    }\n  }\n}\n";
        let read = assignments([("policy.tf", terraform), ("p.bicep", bicep)]);
        let seen: Vec<(&str, Option<&str>, bool)> = read
            .iter()
            .map(|a| (a.name.as_str(), a.effect.as_deref(), a.enforced))
            .collect();
        assert_eq!(
            seen,
            [
                ("mlz-x-a", Some("Deny"), false),
                ("mlz-x-b", Some("Audit"), true),
                ("mlz-x-c", Some("Deny"), true)
            ]
        );
        let assignment = |name: &str| crate::plan::PolicyAssignment {
            key: name.to_owned(),
            name: name.to_owned(),
            recommendation: "POL-01".to_owned(),
            display_name: name.to_owned(),
            definition_id: String::new(),
            parameters: BTreeMap::new(),
            effect: Some("Deny".to_owned()),
            effect_reason: String::new(),
            preview: false,
            note: None,
        };
        let planned = GovernancePlan {
            scope: "resource_group".to_owned(),
            effect: "deny".to_owned(),
            assignments: ["mlz-x-a", "mlz-x-b", "mlz-x-c", "mlz-x-gone"]
                .map(assignment)
                .to_vec(),
            initiatives: Vec::new(),
            custom_policies: Vec::new(),
            defender_plans: Vec::new(),
            exemptions: Vec::new(),
            unexempted: Vec::new(),
            without_audit: Vec::new(),
        };
        let g = governance(&planned, &read);
        let effects: Vec<(&str, Option<&str>)> = g
            .assignments
            .iter()
            .map(|a| (a.name.as_str(), a.effect.as_deref()))
            .collect();
        // Not enforced denies nothing; a dropped assignment is gone.
        assert_eq!(
            effects,
            [
                ("mlz-x-a", Some("Deny (DoNotEnforce)")),
                ("mlz-x-b", Some("Audit")),
                ("mlz-x-c", Some("Deny"))
            ]
        );
    }

    #[test]
    fn bicep_dependencies_are_their_objects() {
        let bodies = bicep([("bicep/modules/primary-dependencies.bicep", BICEP)]);
        let types: Vec<&str> = bodies.iter().map(|b| b.resource_type).collect();
        assert_eq!(types, [STORAGE, KEY_VAULT]);
        assert_eq!(
            bodies[0].body["properties"]["publicNetworkAccess"],
            "Enabled"
        );
        assert!(
            bodies[1].body["properties"]
                .get("enablePurgeProtection")
                .is_none()
        );
        assert_eq!(bodies[1].body["type"], KEY_VAULT);
    }

    #[test]
    fn provider_defaults_apply_and_updates_merge_into_their_workspace() {
        let bodies = terraform([("terraform/main.tf", FILE), ("README.md", "not HCL {")]);
        let names: Vec<&str> = bodies.iter().map(|b| b.name.as_str()).collect();
        assert_eq!(names, ["mlw-x", "mlw-x/train", "mlw-x/dev"]);
        let w = &bodies[0];
        assert_eq!(w.resource_group, "rg-x");
        // azurerm's default for public network access is true: the body says Enabled.
        assert_eq!(w.body["properties"]["publicNetworkAccess"], "Enabled");
        assert!(w.body["properties"].get("encryption").is_none());
        let network = &w.body["properties"]["managedNetwork"];
        assert_eq!(network["isolationMode"], "AllowOnlyApprovedOutbound");
        assert_eq!(network["firewallSku"], "Basic");
        let declared = w.declared_in.as_ref().expect("declared");
        assert_eq!(declared.file, "terraform/main.tf");
        assert_eq!(
            declared.address,
            "azurerm_machine_learning_workspace.primary"
        );
        // azurerm's default for local authentication is on.
        let cluster = &bodies[1].body["properties"];
        assert_eq!(cluster["disableLocalAuth"], false);
        assert_eq!(cluster["properties"]["vmSize"], "Standard_D4_v5");
        let instance = &bodies[2].body["properties"];
        assert_eq!(instance["computeType"], "ComputeInstance");
        assert_eq!(instance["properties"]["idleTimeBeforeShutdown"], "PT30M");
    }
}
