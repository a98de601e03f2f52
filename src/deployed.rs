//! The Resource Manager bodies a generated Terraform configuration or Bicep deployment deploys,
//! read out of its files, for the policy self-check of what a template overlay produces
//! ([`check_bodies`](crate::plan::check::check_bodies)): the plan's bodies
//! ([`plan::bodies`](crate::plan::bodies)) say what the embedded templates deploy, these say
//! what the files say, whoever wrote them.
//!
//! Read: the workspaces (`azurerm_machine_learning_workspace`, with the `azapi_update_resource`
//! bodies merged into them, as azapi merges them into the live resource), compute clusters
//! (`azurerm_machine_learning_compute_cluster`) and compute written as `azapi_resource` bodies.
//! azurerm's arguments become the ARM properties its expand functions send (azurerm @ 69697b7f,
//! `internal/services/machinelearning/machine_learning_workspace_resource.go` and
//! `machine_learning_compute_cluster_resource.go`): `public_network_access_enabled` (default
//! true) → `publicNetworkAccess` Enabled/Disabled, an `encryption` block → `encryption.status`
//! Enabled, `managed_network.isolation_mode` → `managedNetwork.isolationMode`,
//! `primary_user_assigned_identity` → `primaryUserAssignedIdentity`, `kind` → `kind`;
//! `local_auth_enabled` (default true) → `disableLocalAuth` negated, `vm_size` →
//! `properties.vmSize`, computeType AmlCompute.

use std::collections::BTreeMap;

use hcl::expr::Expression;
use hcl::{Block, Body};
use serde_json::{Value, json};

use crate::plan::bodies::{COMPUTE, Declared, ResourceBody, WORKSPACE};

const AZURERM_WORKSPACE: &str = "azurerm_machine_learning_workspace";

/// The bodies the Terraform `files` (path → text) deploy, in file order. A file that does not
/// parse adds nothing (`terraform validate` judges it).
pub fn terraform<'a>(files: impl IntoIterator<Item = (&'a str, &'a str)>) -> Vec<ResourceBody> {
    let mut blocks = Vec::new();
    for (path, text) in files {
        if !path.ends_with(".tf") {
            continue;
        }
        let Ok(body) = hcl::parse(text) else {
            continue;
        };
        for block in body.into_blocks() {
            if let ("resource", [ty, label]) = (block.identifier(), block.labels()) {
                let address = format!("{}.{}", ty.as_str(), label.as_str());
                blocks.push((path.to_owned(), address, block.clone()));
            }
        }
    }
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

/// The bodies the Bicep `files` (path → text) deploy: each workspace and compute resource's
/// object is its Resource Manager body. A compute's workspace is its `parent`, which a module
/// names as an `existing` resource: the compute is named by its own name.
pub fn bicep<'a>(files: impl IntoIterator<Item = (&'a str, &'a str)>) -> Vec<ResourceBody> {
    crate::inventory::bicep_objects(files)
        .into_iter()
        .filter_map(|(file, symbol, ty, mut body)| {
            let resource_type = [WORKSPACE, COMPUTE]
                .into_iter()
                .find(|t| t.eq_ignore_ascii_case(&ty))?;
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
    let name = string(block.body(), "name").unwrap_or_else(|| address.to_owned());
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
