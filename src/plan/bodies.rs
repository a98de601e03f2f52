//! The Resource Manager bodies of the resources the zone deploys that a policy can judge by
//! their properties, as both formats deploy them (the Bicep writes these properties; azurerm and
//! azapi send the same), for the policy self-check: workspaces, compute, storage accounts, key
//! vaults, the container registry and private endpoints. Only properties the plan decides are
//! modelled; property names are the Bicep's, which the Bicep type snapshot checks
//! (`tests/data/bicep-types.json`). The check refuses a rule that selects a resource type not
//! modelled here.

use serde_json::{Value, json};

use super::Plan;

/// The workspace type.
pub(crate) const WORKSPACE: &str = "Microsoft.MachineLearningServices/workspaces";
/// The compute type (clusters and instances).
pub(crate) const COMPUTE: &str = "Microsoft.MachineLearningServices/workspaces/computes";
/// The storage account type.
pub(crate) const STORAGE: &str = "Microsoft.Storage/storageAccounts";
/// The key vault type.
pub(crate) const KEY_VAULT: &str = "Microsoft.KeyVault/vaults";
/// The container registry type.
pub(crate) const REGISTRY: &str = "Microsoft.ContainerRegistry/registries";
/// The private endpoint type.
pub(crate) const PRIVATE_ENDPOINT: &str = "Microsoft.Network/privateEndpoints";

/// Every resource type [`bodies`] models.
pub const MODELLED: [&str; 6] = [
    WORKSPACE,
    COMPUTE,
    STORAGE,
    KEY_VAULT,
    REGISTRY,
    PRIVATE_ENDPOINT,
];

/// One resource the zone deploys.
#[derive(Debug, Clone)]
pub struct ResourceBody {
    /// Resource type, e.g. `Microsoft.MachineLearningServices/workspaces`.
    pub resource_type: &'static str,
    /// Name, `workspace/compute` for a compute.
    pub name: String,
    /// The resource group it is deployed to.
    pub resource_group: String,
    /// The body: `type`, `name`, `location`, `properties` (and `sku` where the plan decides
    /// it), as the PUT request carries it.
    pub body: Value,
    /// Where generated files declare it, for a body read out of them; `None` for the plan's.
    pub declared_in: Option<Declared>,
}

/// Where a generated file declares a resource.
#[derive(Debug, Clone)]
pub struct Declared {
    /// The file, relative to the output directory (`terraform/workspace.tf`).
    pub file: String,
    /// The resource's address in it (`azurerm_machine_learning_workspace.primary`).
    pub address: String,
}

/// Every modelled resource of `plan`, region by region in plan order.
pub fn bodies(plan: &Plan) -> Vec<ResourceBody> {
    let mut out = Vec::new();
    for r in &plan.regions {
        let w = &r.workspace;
        let rg = &r.names.resource_group;
        let at = |resource_type, name: &str, properties| {
            body(resource_type, name.to_owned(), rg, &r.location, properties)
        };
        let mut properties = json!({
            "publicNetworkAccess": enabled(w.public_network_access),
            // The identity's ID is known at deploy time; what matters is that it is set.
            "primaryUserAssignedIdentity": format!(
                "/subscriptions/{{subscription}}/resourceGroups/{rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{}",
                r.names.identity
            ),
        });
        if w.customer_managed_key {
            properties["encryption"] = json!({"status": "Enabled"});
        }
        if let Some(m) = &w.managed_network {
            properties["managedNetwork"] = json!({"isolationMode": m.isolation_mode});
        }
        out.push(at(WORKSPACE, &w.name, properties));
        for c in &r.clusters {
            let properties = json!({
                "computeType": "AmlCompute",
                "disableLocalAuth": !c.local_auth,
                "properties": {"vmSize": c.sku},
            });
            out.push(at(COMPUTE, &format!("{}/{}", w.name, c.name), properties));
        }
        out.extend(dependencies(plan, r, &at));
        if r.role != super::RegionRole::Primary {
            continue;
        }
        for i in &plan.instances {
            let mut inner = json!({"vmSize": i.sku});
            if let Some(idle) = &i.idle_shutdown {
                inner["idleTimeBeforeShutdown"] = json!(idle);
            }
            let properties = json!({
                "computeType": "ComputeInstance",
                "disableLocalAuth": !i.local_auth,
                "properties": inner,
            });
            out.push(at(COMPUTE, &format!("{}/{}", w.name, i.name), properties));
        }
    }
    out
}

/// The region's storage account, key vault and private endpoints, and in the primary region
/// the container registry.
fn dependencies(
    plan: &Plan,
    r: &super::RegionPlan,
    at: &impl Fn(&'static str, &str, Value) -> ResourceBody,
) -> Vec<ResourceBody> {
    let s = &r.storage;
    let mut storage = json!({
        "supportsHttpsTrafficOnly": s.https_only,
        "allowSharedKeyAccess": s.shared_key_access,
        "defaultToOAuthAuthentication": s.oauth_by_default,
        "publicNetworkAccess": enabled(s.public_network_access),
        "allowBlobPublicAccess": s.blob_public_access,
        "networkAcls": {"defaultAction": s.default_action},
    });
    if let Some(tls) = &s.min_tls_version {
        storage["minimumTlsVersion"] = json!(tls);
    }
    let v = &r.key_vault;
    let mut vault = json!({
        "enableRbacAuthorization": v.rbac_authorization,
        "softDeleteRetentionInDays": v.soft_delete_days,
        "publicNetworkAccess": enabled(v.public_network_access),
        "networkAcls": {"defaultAction": v.default_action},
    });
    // Sent only when on, as both formats write it.
    if v.purge_protection {
        vault["enablePurgeProtection"] = json!(true);
    }
    let mut out = vec![at(STORAGE, &s.name, storage), at(KEY_VAULT, &v.name, vault)];
    if r.role == super::RegionRole::Primary {
        let g = &plan.registry;
        out.push(at(
            REGISTRY,
            &g.name,
            json!({
                "adminUserEnabled": g.admin_enabled,
                "anonymousPullEnabled": g.anonymous_pull,
                "publicNetworkAccess": enabled(g.public_network_access),
                "zoneRedundancy": enabled(g.zone_redundancy),
                "dataEndpointEnabled": g.data_endpoint,
            }),
        ));
    }
    // A private endpoint's properties are references the deployment resolves; rules on its
    // type, name and location still apply.
    out.extend(
        r.private_endpoints
            .iter()
            .map(|e| at(PRIVATE_ENDPOINT, &e.name, json!({}))),
    );
    out
}

fn body(
    resource_type: &'static str,
    name: String,
    resource_group: &str,
    location: &str,
    properties: Value,
) -> ResourceBody {
    ResourceBody {
        resource_type,
        body: json!({
            "type": resource_type,
            "name": name,
            "location": location,
            "properties": properties,
        }),
        name,
        resource_group: resource_group.to_owned(),
        declared_in: None,
    }
}

/// A flag as ARM's `Enabled`/`Disabled` enums spell it.
pub(crate) fn enabled(on: bool) -> &'static str {
    if on { "Enabled" } else { "Disabled" }
}
