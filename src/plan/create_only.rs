//! The plan's create-only fields: profile fields whose Azure property is set only when its
//! resource is created. azurerm marks them ForceNew (`tests/data/azurerm-validations.json`,
//! azurerm @ 69697b7f: workspace `high_business_impact`, `encryption`, `location`, `name`;
//! private endpoint `name`;
//! storage `queue_encryption_key_type`, `table_encryption_key_type`; compute cluster `vm_size`,
//! `vm_priority`; registry `zone_redundancy_enabled`; budget `time_period.start_date`), or Azure
//! refuses the change (a managed network's isolation cannot go back to `Disabled`; a key vault's
//! purge protection cannot be turned off, and azurerm does not replace the vault but fails the
//! update: `purge_protection_enabled` is not ForceNew). `mlzone
//! diff` reports a change of one as a replacement of the resource it names, or, where Azure keeps
//! the value the resource was created with (a key's rotation policy), as a change a deployment
//! does not make, with how to make it.

use super::{CreateOnly, Plan, RegionRole};
use crate::naming::environment_name;

/// Every create-only field of `plan`, in a stable order.
pub(crate) fn create_only(plan: &Plan) -> Vec<CreateOnly> {
    let mut out = vec![field(
        "zone/names",
        "project, environment",
        "every resource of the zone (its names derive from them)",
        "name / name",
        format!("{}-{}", plan.project, environment_name(plan.environment)),
    )];
    for r in &plan.regions {
        let role = match r.role {
            RegionRole::Primary => "primary",
            RegionRole::Secondary => "secondary",
        };
        let key = |what: &str| format!("{role}/{what}");
        let w = &r.workspace;
        let workspace = format!("workspace {}", w.name);
        out.push(field(
            &key("location"),
            &format!("regions.{role}"),
            &format!(
                "every resource of the {role} region (resource group {})",
                r.names.resource_group
            ),
            "location / location",
            r.location.clone(),
        ));
        out.push(field(
            &key("workspace/high_business_impact"),
            "encryption.high_business_impact",
            &workspace,
            "high_business_impact / hbiWorkspace",
            w.high_business_impact.to_string(),
        ));
        out.push(field(
            &key("workspace/customer_managed_key"),
            "encryption.customer_managed_key",
            &workspace,
            "encryption / encryption",
            w.customer_managed_key.to_string(),
        ));
        out.push(CreateOnly {
            one_way_from: Some("managed".to_owned()),
            ..field(
                &key("workspace/isolation"),
                "network.mode",
                &workspace,
                "managed_network.isolation_mode / managedNetwork.isolationMode",
                if w.managed_network.is_some() {
                    "managed"
                } else {
                    "Disabled"
                }
                .to_owned(),
            )
        });
        out.push(CreateOnly {
            one_way_from: Some("true".to_owned()),
            refused_by_azure: Some(
                "once a vault has purge protection, Azure refuses to turn it off; keep it on \
                 (encryption.customer_managed_key, or no REL-07 waiver)"
                    .to_owned(),
            ),
            ..field(
                &key("key_vault/purge_protection"),
                "environment, encryption.customer_managed_key, waivers (SEC-13, REL-07)",
                &format!("key vault {}", r.key_vault.name),
                "purge_protection_enabled / enablePurgeProtection",
                r.key_vault.purge_protection.to_string(),
            )
        });
        if let Some(k) = &r.key_vault.key {
            // ARM creates a key only if it does not exist: "if it already exists, then the
            // existing key is returned without any write operations being performed" (REST
            // "Keys - Create If Not Exist", Microsoft.KeyVault). The rotation policy is then the
            // data plane's, behind the vault's private endpoint.
            out.push(CreateOnly {
                kept_by_azure: Some(format!(
                    "from a network that reaches the vault, run `az keyvault key rotation-policy \
                     update --vault-name {} --name {} --value POLICY.json`",
                    r.key_vault.name, k.name
                )),
                ..field(
                    &key("key/rotation_policy"),
                    "encryption.key_rotation",
                    &format!("key {} in key vault {}", k.name, r.key_vault.name),
                    "rotationPolicy / rotationPolicy",
                    format!(
                        "rotate after {}, expire after {}",
                        k.rotate_after, k.expire_after
                    ),
                )
            });
        }
        out.push(field(
            &key("storage/queue_table_key_type"),
            "encryption.customer_managed_key",
            &format!("storage {}", r.storage.name),
            "queue_encryption_key_type, table_encryption_key_type / \
             encryption.services.queue.keyType, encryption.services.table.keyType",
            r.storage.queue_table_key_type.clone(),
        ));
        for pe in &r.private_endpoints {
            out.push(field(
                &key(&format!(
                    "private_endpoint/{}/{}",
                    pe.target, pe.subresource
                )),
                &format!(
                    "the name of the {} it connects to",
                    pe.target.replace('_', " ")
                ),
                &format!("private endpoint {} ({})", pe.name, r.location),
                "name / name",
                pe.name.clone(),
            ));
        }
        for c in &r.clusters {
            let cluster = format!("cluster {} ({})", c.name, r.location);
            let at = |what: &str| format!("{role}/cluster/{}/{what}", c.name);
            out.push(field(
                &at("vm_size"),
                &format!("compute.clusters[{}].sku", c.name),
                &cluster,
                "vm_size / vmSize",
                c.sku.clone(),
            ));
            out.push(field(
                &at("vm_priority"),
                &format!("compute.clusters[{}].priority", c.name),
                &cluster,
                "vm_priority / vmPriority",
                c.vm_priority.clone(),
            ));
        }
    }
    out.extend(instances(plan));
    out.push(field(
        "registry/zone_redundancy",
        "regions.primary, waivers (REL-01)",
        &format!("registry {}", plan.registry.name),
        "zone_redundancy_enabled / zoneRedundancy",
        plan.registry.zone_redundancy.to_string(),
    ));
    if let Some(b) = &plan.budget {
        out.push(field(
            "budget/start_date",
            "budget.start_date",
            &format!("budget {}", b.name),
            "time_period.start_date / timePeriod.startDate",
            b.start_date
                .clone()
                .unwrap_or_else(|| "given at deploy time".to_owned()),
        ));
    }
    out
}

/// The compute instances' fields: Azure does not update an instance in place (azurerm @
/// 69697b7f, `machine_learning_compute_instance_resource.go`: no update, every argument ForceNew,
/// `tags` too; redeploying one with schedules fails, Azure/azure-quickstart-templates#11830). The
/// Terraform replaces it; a Bicep deployment cannot, so the instance is deleted first.
fn instances(plan: &Plan) -> Vec<CreateOnly> {
    let Some(primary) = plan.regions.first() else {
        return Vec::new();
    };
    let tags: Vec<String> = plan.tags.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let mut out = Vec::new();
    for i in &plan.instances {
        let instance = format!("compute instance {} ({})", i.name, primary.location);
        // Azure ML CLI v2 (Learn, "Create a compute cluster": `az ml compute delete --name`).
        let delete = format!(
            "az ml compute delete --name {} --workspace-name {} --resource-group {} --yes",
            i.name, primary.workspace.name, primary.names.resource_group
        );
        let schedule = i.schedule.as_ref().map_or_else(
            || "none".to_owned(),
            |s| {
                format!(
                    "start {}, stop {} ({})",
                    s.start.as_deref().unwrap_or("none"),
                    s.stop.as_deref().unwrap_or("none"),
                    s.time_zone
                )
            },
        );
        let fields = [
            ("vm_size", "sku", "vmSize", i.sku.clone()),
            (
                "idle_shutdown",
                "idle_shutdown",
                "idleTimeBeforeShutdown",
                i.idle_shutdown.clone().unwrap_or_else(|| "none".to_owned()),
            ),
            ("schedule", "schedule", "schedules", schedule),
            (
                "user",
                "user_object_id",
                "personalComputeInstanceSettings.assignedUser",
                i.user_object_id.clone(),
            ),
        ];
        for (what, profile_field, property, value) in fields {
            out.push(CreateOnly {
                delete_before_bicep: Some(delete.clone()),
                ..field(
                    &format!("primary/instance/{}/{what}", i.name),
                    &format!("compute.instances[{}].{profile_field}", i.name),
                    &instance,
                    property,
                    value,
                )
            });
        }
        out.push(CreateOnly {
            delete_before_bicep: Some(delete),
            ..field(
                &format!("primary/instance/{}/tags", i.name),
                "tags",
                &instance,
                "tags",
                tags.join(", "),
            )
        });
    }
    out
}

fn field(key: &str, field: &str, resource: &str, property: &str, value: String) -> CreateOnly {
    CreateOnly {
        key: key.to_owned(),
        field: field.to_owned(),
        resource: resource.to_owned(),
        property: property.to_owned(),
        value,
        one_way_from: None,
        kept_by_azure: None,
        delete_before_bicep: None,
        refused_by_azure: None,
    }
}
