//! The Resource Manager bodies of the zone's Machine Learning resources, as both formats
//! deploy them (the Bicep writes these properties; azurerm and azapi send the same), for the
//! policy self-check. Only the properties a policy of the zone can read are modelled; the check
//! refuses a rule that selects a resource type not modelled here.

use serde_json::{Value, json};

use super::Plan;

/// The workspace type.
pub(crate) const WORKSPACE: &str = "Microsoft.MachineLearningServices/workspaces";
/// The compute type (clusters and instances).
pub(crate) const COMPUTE: &str = "Microsoft.MachineLearningServices/workspaces/computes";

/// One resource the zone deploys.
#[derive(Debug, Clone)]
pub struct ResourceBody {
    /// Resource type, e.g. `Microsoft.MachineLearningServices/workspaces`.
    pub resource_type: &'static str,
    /// Name, `workspace/compute` for a compute.
    pub name: String,
    /// The resource group it is deployed to.
    pub resource_group: String,
    /// The body: `type`, `name`, `properties`, as the PUT request carries it.
    pub body: Value,
}

/// Every workspace and compute of `plan`, in plan order.
pub fn bodies(plan: &Plan) -> Vec<ResourceBody> {
    let mut out = Vec::new();
    for r in &plan.regions {
        let w = &r.workspace;
        let rg = &r.names.resource_group;
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
        out.push(body(WORKSPACE, w.name.clone(), rg, properties));
        for c in &r.clusters {
            let properties = json!({
                "computeType": "AmlCompute",
                "disableLocalAuth": !c.local_auth,
                "properties": {"vmSize": c.sku},
            });
            out.push(body(
                COMPUTE,
                format!("{}/{}", w.name, c.name),
                rg,
                properties,
            ));
        }
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
            out.push(body(
                COMPUTE,
                format!("{}/{}", w.name, i.name),
                rg,
                properties,
            ));
        }
    }
    out
}

fn body(
    resource_type: &'static str,
    name: String,
    resource_group: &str,
    properties: Value,
) -> ResourceBody {
    ResourceBody {
        resource_type,
        body: json!({"type": resource_type, "name": name, "properties": properties}),
        name,
        resource_group: resource_group.to_owned(),
    }
}

fn enabled(on: bool) -> &'static str {
    if on { "Enabled" } else { "Disabled" }
}
