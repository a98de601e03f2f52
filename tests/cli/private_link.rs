//! What the zone reaches privately, read off the generated Terraform (hcl-rs) and Bicep (the
//! parser in `bicep.rs`) of every shipped profile: Log Analytics and Application Insights take no
//! public ingestion or query and sit in an Azure Monitor Private Link Scope reached through a
//! private endpoint (`azuremonitor`) registered in every zone Microsoft lists for it; a readable
//! geo-redundant secondary has its own private endpoint (`blob_secondary`); the managed
//! firewall's SKU and its fixed cost class follow the profile. Microsoft Learn: "Use Azure Private
//! Link to connect networks to Azure Monitor", "Azure Private Endpoint private DNS zone values",
//! "Use private endpoints for Azure Storage", "Managed virtual network isolation".

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use hcl::{Block, Expression, ObjectKey};
use serde_json::Value;

use crate::bicep::StmtKind;
use crate::managed_network::{
    ShippedZone, Terraform, attribute, bicep_file, each_shipped_zone, literal, string,
};
use crate::support::{
    HUB_MONITOR_SCOPE, extending, files_under, generate_into, hub_zones, mlzone, plan_json,
};

#[test]
fn monitoring_takes_no_public_traffic_and_is_reached_through_its_private_link_scope() {
    let mut scopes = 0;
    each_shipped_zone(
        |ShippedZone {
             label,
             out,
             plan,
             tf,
             ..
         }| {
            for region in plan["regions"].as_array().expect("regions") {
                let role = region["role"].as_str().expect("a role");
                let what = format!("{label} {role}");
                assert_eq!(region["monitoring"]["public_ingestion"], false, "{what}");
                assert_eq!(region["monitoring"]["public_query"], false, "{what}");
                let regions = plan["regions"].as_array().map_or(0, Vec::len);
                assert_monitoring_is_private(tf, out, role, regions, &what);
                assert_monitor_endpoint(tf, out, region, role, &what);
                scopes += 1;
            }
        },
    );
    assert!(scopes >= 9, "only {scopes} scopes");
}

#[test]
fn a_sec_05_waiver_opens_monitoring_and_drops_its_scope() {
    let temp = tempfile::tempdir().expect("a temporary directory");
    let profile = extending(
        temp.path(),
        "profiles/baseline.yaml",
        "waivers:\n  - {id: SEC-05, reason: \"public dependencies for a demo\", expires: 2027-03-31}\n",
    );
    let out = temp.path().join("out");
    generate_into(&profile, &out, "terraform,bicep");
    let tf = Terraform::read(&out);
    assert_eq!(
        attribute(
            &tf.resources["azurerm_log_analytics_workspace.primary"],
            "internet_ingestion_access_type"
        )
        .as_deref(),
        Some("\"Enabled\"")
    );
    assert_eq!(
        attribute(
            &tf.resources["azurerm_application_insights.primary"],
            "internet_query_enabled"
        )
        .as_deref(),
        Some("true")
    );
    assert!(
        !tf.resources
            .keys()
            .any(|a| a.starts_with("azurerm_monitor_private_link_scope")),
        "no scope without private access"
    );
    let monitoring = bicep_resources(&out, "modules/primary-monitoring.bicep");
    assert!(
        !monitoring
            .iter()
            .any(|(ty, _)| ty.starts_with("Microsoft.Insights/privateLinkScopes")),
        "no Bicep scope either"
    );
}

#[test]
fn a_readable_geo_secondary_is_reached_through_its_own_private_endpoint() {
    let mut geo = 0;
    each_shipped_zone(
        |ShippedZone {
             label,
             out,
             plan,
             tf,
             ..
         }| {
            let compliance = fs::read_to_string(out.join("COMPLIANCE.md")).expect("COMPLIANCE.md");
            for region in plan["regions"].as_array().expect("regions") {
                let role = region["role"].as_str().expect("a role");
                let what = format!("{label} {role}");
                let replication = region["storage"]["replication"]
                    .as_str()
                    .expect("replication");
                let readable = replication.starts_with("RA");
                let address = format!("azurerm_private_endpoint.{role}_storage_blob_secondary");
                let bicep_secondaries = bicep_endpoints(out, role, "blob_secondary");
                if !readable {
                    assert!(
                        !tf.resources.contains_key(&address),
                        "{what}: {replication}"
                    );
                    assert!(bicep_secondaries.is_empty(), "{what}: {replication}");
                    continue;
                }
                geo += 1;
                let endpoint = tf
                    .resources
                    .get(&address)
                    .unwrap_or_else(|| panic!("{what}: {replication} without {address}"));
                let connection = block(endpoint, "private_service_connection");
                assert_eq!(
                    strings(connection, "subresource_names"),
                    ["blob_secondary"],
                    "{what}"
                );
                assert!(
                    attribute(connection, "private_connection_resource_id")
                        .is_some_and(|id| id.contains(&format!("azurerm_storage_account.{role}."))),
                    "{what}: the secondary endpoint is the zone's storage account's"
                );
                assert_eq!(bicep_secondaries.len(), 1, "{what}: one Bicep endpoint");
                let storage = region["storage"]["name"].as_str().expect("a name");
                assert!(
                    compliance.contains(&format!("`{storage}` is {replication}; its readable"))
                        && compliance.contains("own private endpoint (blob_secondary)"),
                    "{what}: the compliance report does not say how the secondary is reached"
                );
            }
        },
    );
    assert!(geo >= 4, "only {geo} geo-redundant accounts");
}

#[test]
fn batch_inference_in_the_zone_vnet_reaches_storage_queues_and_tables_privately() {
    // Batch deployments and ParallelRunStep need blob, file, queue and table endpoints (Learn,
    // "Network isolation in batch endpoints").
    let temp = tempfile::tempdir().expect("a temporary directory");
    let out = temp.path().join("out");
    generate_into(
        &crate::support::repo().join("profiles/customer-vnet.yaml"),
        &out,
        "terraform,bicep",
    );
    let tf = Terraform::read(&out);
    for role in ["primary", "secondary"] {
        for (sub, zone) in [
            ("queue", "privatelink.queue.core.windows.net"),
            ("table", "privatelink.table.core.windows.net"),
        ] {
            let what = format!("{role} {sub}");
            let endpoint = tf
                .resources
                .get(&format!("azurerm_private_endpoint.{role}_storage_{sub}"))
                .unwrap_or_else(|| panic!("{what}: no Terraform endpoint"));
            let connection = block(endpoint, "private_service_connection");
            assert_eq!(strings(connection, "subresource_names"), [sub], "{what}");
            assert!(
                attribute(connection, "private_connection_resource_id")
                    .is_some_and(|id| id.contains(&format!("azurerm_storage_account.{role}."))),
                "{what}: not the zone's storage account"
            );
            assert!(
                tf.resources
                    .values()
                    .any(|r| attribute(r, "name").as_deref() == Some(&format!("\"{zone}\""))),
                "{what}: {zone} is not created"
            );
            assert_eq!(bicep_endpoints(&out, role, sub).len(), 1, "{what}: Bicep");
        }
    }

    // Hub zones are all or none: the queue and table zones count too.
    let hub = |zone: &str| {
        format!(
            "      {zone}: /subscriptions/3f2a1b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b/resourceGroups/rg-dns/providers/Microsoft.Network/privateDnsZones/{zone}\n"
        )
    };
    let plan = plan_json(&crate::support::repo().join("profiles/customer-vnet.yaml"));
    let zones: String = plan["regions"][0]["dns_zones"]
        .as_array()
        .expect("zones")
        .iter()
        .filter_map(|z| z["name"].as_str())
        .filter(|z| !z.contains(".queue.") && !z.contains(".table."))
        .map(hub)
        .collect();
    let profile = extending(
        temp.path(),
        "profiles/customer-vnet.yaml",
        &format!("network:\n  dns:\n    servers: [10.0.0.68]\n    zone_ids:\n{zones}"),
    );
    let run = mlzone().arg("validate").arg(&profile).assert().code(3);
    let stderr = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
    assert!(
        stderr.contains("privatelink.queue.core.windows.net")
            && stderr.contains("privatelink.table.core.windows.net"),
        "{stderr}"
    );
}

#[test]
fn the_managed_firewall_sku_and_its_fixed_cost_follow_the_profile() {
    let mut firewalls = BTreeSet::new();
    each_shipped_zone(
        |ShippedZone {
             label,
             profile,
             out,
             plan,
             tf,
         }| {
            let compliance = fs::read_to_string(out.join("COMPLIANCE.md")).expect("COMPLIANCE.md");
            let stdout = mlzone().arg("plan").arg(profile).assert().success();
            let stdout = String::from_utf8_lossy(&stdout.get_output().stdout).into_owned();
            for region in plan["regions"].as_array().expect("regions") {
                let role = region["role"].as_str().expect("a role");
                let what = format!("{label} {role}");
                let network = &region["workspace"]["managed_network"];
                let Some(sku) = network["firewall_sku"].as_str() else {
                    continue;
                };
                let expected = match (plan["environment"].as_str(), profile_sku(profile)) {
                    (_, Some(chosen)) => chosen,
                    (Some("prod"), None) => "Standard".to_owned(),
                    _ => "Basic".to_owned(),
                };
                assert_eq!(sku, expected, "{what}");
                firewalls.insert(sku.to_owned());
                let update =
                    &tf.resources[&format!("azapi_update_resource.{role}_managed_network")];
                let body = update
                    .body()
                    .attributes()
                    .find(|a| a.key() == "body")
                    .map(|a| a.expr().clone())
                    .expect("a body");
                assert_eq!(
                    path(&body, &["properties", "managedNetwork", "firewallSku"]),
                    Some(Expression::String(sku.to_owned())),
                    "{what}: Terraform"
                );
                let workspace = bicep_resources(out, &format!("modules/{role}-workspace.bicep"))
                    .into_iter()
                    .find(|(ty, _)| ty == "Microsoft.MachineLearningServices/workspaces")
                    .map(|(_, body)| body)
                    .expect("a Bicep workspace");
                assert_eq!(
                    workspace["properties"]["managedNetwork"]["firewallSku"], sku,
                    "{what}: Bicep"
                );
                let cost = network["fixed_cost_text"].as_str().expect("a cost class");
                assert!(
                    cost.contains(&format!("Azure Firewall {sku}")),
                    "{what}: {cost}"
                );
                assert!(
                    stdout.contains(&format!("fixed cost      {cost}")),
                    "{what}: {stdout}"
                );
                assert!(
                    compliance.contains(&format!("Fixed monthly\n  cost class: {cost}")),
                    "{what}: the compliance report does not give the cost class"
                );
            }
        },
    );
    assert_eq!(
        firewalls,
        BTreeSet::from(["Basic".to_owned(), "Standard".to_owned()]),
        "the shipped profiles show both SKUs"
    );
}

// ---------------------------------------------------------------------------------- support

/// Log Analytics and Application Insights refuse public traffic, and both are in the zone's one
/// scope, the primary's, with every other region's (one scope per DNS), in both formats.
fn assert_monitoring_is_private(
    tf: &Terraform,
    out: &Path,
    role: &str,
    regions: usize,
    what: &str,
) {
    let logs = &tf.resources[&format!("azurerm_log_analytics_workspace.{role}")];
    let insights = &tf.resources[&format!("azurerm_application_insights.{role}")];
    for key in [
        "internet_ingestion_access_type",
        "internet_query_access_type",
    ] {
        assert_eq!(
            attribute(logs, key).as_deref(),
            Some("\"Disabled\""),
            "{what}: {key}"
        );
    }
    for key in ["internet_ingestion_enabled", "internet_query_enabled"] {
        assert_eq!(
            attribute(insights, key).as_deref(),
            Some("false"),
            "{what}: {key}"
        );
    }
    let scope = "azurerm_monitor_private_link_scope.primary";
    assert!(tf.resources.contains_key(scope), "{what}: no {scope}");
    assert_eq!(
        tf.resources
            .keys()
            .filter(|a| a.starts_with("azurerm_monitor_private_link_scope."))
            .count(),
        1,
        "{what}: one scope for the zone"
    );
    let linked: BTreeSet<String> = tf
        .resources
        .iter()
        .filter(|(address, block)| {
            address.starts_with("azurerm_monitor_private_link_scoped_service.")
                && attribute(block, "scope_name").is_some_and(|s| s.contains(scope))
        })
        .filter_map(|(_, block)| attribute(block, "linked_resource_id"))
        .collect();
    for resource in [
        format!("azurerm_application_insights.{role}.id"),
        format!("azurerm_log_analytics_workspace.{role}.id"),
    ] {
        assert!(
            linked.contains(&resource),
            "{what}: {resource} is not scoped"
        );
    }
    assert_eq!(
        linked.len(),
        2 * regions,
        "{what}: Terraform scoped resources"
    );

    let monitoring = bicep_resources(out, &format!("modules/{role}-monitoring.bicep"));
    for ty in [
        "Microsoft.OperationalInsights/workspaces",
        "Microsoft.Insights/components",
    ] {
        let (_, body) = monitoring
            .iter()
            .find(|(t, _)| t == ty)
            .unwrap_or_else(|| panic!("{what}: no {ty}"));
        for key in [
            "publicNetworkAccessForIngestion",
            "publicNetworkAccessForQuery",
        ] {
            assert_eq!(body["properties"][key], "Disabled", "{what}: {ty} {key}");
        }
    }
    let primary = bicep_resources(out, "modules/primary-monitoring.bicep");
    let scopes: Vec<&Value> = primary
        .iter()
        .filter(|(ty, _)| ty == "Microsoft.Insights/privateLinkScopes")
        .map(|(_, body)| body)
        .collect();
    let [scope] = scopes[..] else {
        panic!("{what}: {} Bicep scopes", scopes.len());
    };
    assert_eq!(scope["location"], "global", "{what}");
    let modes = &scope["properties"]["accessModeSettings"];
    assert!(
        modes["ingestionAccessMode"].is_string() && modes["queryAccessMode"].is_string(),
        "{what}: {modes}"
    );
    let scoped = primary
        .iter()
        .filter(|(ty, _)| ty == "Microsoft.Insights/privateLinkScopes/scopedResources")
        .count();
    assert_eq!(scoped, 2 * regions, "{what}: Bicep scoped resources");
    if role != "primary" {
        assert!(
            !monitoring
                .iter()
                .any(|(ty, _)| ty.starts_with("Microsoft.Insights/privateLinkScopes")),
            "{what}: a second scope would override the first's DNS records"
        );
    }
}

/// The scope's private endpoint: sub-resource `azuremonitor`, in the endpoint subnet, registered
/// in every zone the plan lists for it (created here or the hub's).
fn assert_monitor_endpoint(tf: &Terraform, out: &Path, region: &Value, role: &str, what: &str) {
    let planned = region["private_endpoints"]
        .as_array()
        .expect("endpoints")
        .iter()
        .find(|pe| pe["target"] == "monitor")
        .unwrap_or_else(|| panic!("{what}: no planned monitor endpoint"));
    let zones: BTreeSet<String> = planned["zones"]
        .as_array()
        .expect("zones")
        .iter()
        .map(|z| z.as_str().expect("a zone").to_owned())
        .collect();
    for zone in [
        "privatelink.monitor.azure.com",
        "privatelink.oms.opinsights.azure.com",
        "privatelink.ods.opinsights.azure.com",
        "privatelink.agentsvc.azure-automation.net",
        "privatelink.blob.core.windows.net",
    ] {
        assert!(zones.contains(zone), "{what}: {zone} is not planned");
    }
    let endpoint = &tf.resources[&format!("azurerm_private_endpoint.{role}_monitor_azuremonitor")];
    assert_eq!(
        attribute(endpoint, "subnet_id"),
        Some(format!("azurerm_subnet.{role}_endpoints.id")),
        "{what}"
    );
    let connection = block(endpoint, "private_service_connection");
    assert_eq!(
        strings(connection, "subresource_names"),
        ["azuremonitor"],
        "{what}"
    );
    assert_eq!(
        attribute(connection, "private_connection_resource_id"),
        Some("azurerm_monitor_private_link_scope.primary.id".to_owned()),
        "{what}"
    );
    // Each zone of the group, by name: a created zone through its resource, a hub zone by ID.
    let existing: Vec<(String, String)> = region["dns_zones"]
        .as_array()
        .expect("zones")
        .iter()
        .filter_map(|z| {
            Some((
                z["existing_id"].as_str()?.to_owned(),
                z["name"].as_str()?.to_owned(),
            ))
        })
        .collect();
    let group = block(endpoint, "private_dns_zone_group");
    let Some(Expression::Array(ids)) = group
        .body()
        .attributes()
        .find(|a| a.key() == "private_dns_zone_ids")
        .map(|a| a.expr().clone())
    else {
        panic!("{what}: no zone list");
    };
    let registered: BTreeSet<String> = ids
        .iter()
        .map(|id| match id {
            Expression::String(id) => existing
                .iter()
                .find(|(existing, _)| existing == id)
                .map(|(_, name)| name.clone())
                .unwrap_or_else(|| panic!("{what}: {id} is no hub zone")),
            other => {
                let text = other.to_string();
                let address = text.trim_end_matches(".id");
                string(&tf.resources[address], "name")
            }
        })
        .collect();
    assert_eq!(registered, zones, "{what}: Terraform zones");

    let endpoints = bicep_endpoints(out, role, "azuremonitor");
    assert_eq!(endpoints.len(), 1, "{what}: one Bicep monitor endpoint");
}

/// The resources (not `existing`) a generated Bicep file declares: type without API version,
/// and the literal parts of the body.
fn bicep_resources(out: &Path, name: &str) -> Vec<(String, Value)> {
    bicep_file(out, name)
        .statements
        .iter()
        .filter_map(|s| match &s.kind {
            StmtKind::Resource(r) if !r.existing => {
                let ty = r.ty.literal()?;
                let ty = ty.split('@').next().unwrap_or_default().to_owned();
                Some((ty, literal(&r.value)))
            }
            _ => None,
        })
        .collect()
}

/// The private endpoints of `modules/ROLE-network.bicep` to sub-resource `group_id`.
fn bicep_endpoints(out: &Path, role: &str, group_id: &str) -> Vec<Value> {
    bicep_resources(out, &format!("modules/{role}-network.bicep"))
        .into_iter()
        .filter(|(ty, body)| {
            ty == "Microsoft.Network/privateEndpoints"
                && body["properties"]["privateLinkServiceConnections"][0]["properties"]["groupIds"]
                    == serde_json::json!([group_id])
        })
        .map(|(_, body)| body)
        .collect()
}

/// A list-of-strings attribute.
fn strings(block: &Block, name: &str) -> Vec<String> {
    match block
        .body()
        .attributes()
        .find(|a| a.key() == name)
        .map(|a| a.expr())
    {
        Some(Expression::Array(items)) => items
            .iter()
            .map(|i| match i {
                Expression::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// The one nested block `name` of `parent`.
fn block<'b>(parent: &'b Block, name: &str) -> &'b Block {
    parent
        .body()
        .blocks()
        .find(|b| b.identifier() == name)
        .unwrap_or_else(|| panic!("no {name} block"))
}

/// The value at `keys` in nested HCL objects.
fn path(expr: &Expression, keys: &[&str]) -> Option<Expression> {
    let Some((first, rest)) = keys.split_first() else {
        return Some(expr.clone());
    };
    let Expression::Object(object) = expr else {
        return None;
    };
    object
        .iter()
        .find(|(key, _)| match key {
            ObjectKey::Identifier(id) => id.as_str() == *first,
            ObjectKey::Expression(Expression::String(s)) => s == first,
            _ => false,
        })
        .and_then(|(_, value)| path(value, rest))
}

/// `network.firewall_sku` as the profile file writes it, in ARM's spelling (no shipped profile
/// extends one that sets it).
fn profile_sku(profile: &Path) -> Option<String> {
    let text = fs::read_to_string(profile).expect("a profile");
    text.lines()
        .find_map(|l| l.trim().strip_prefix("firewall_sku:"))
        .map(|v| match v.trim() {
            "basic" => "Basic".to_owned(),
            _ => "Standard".to_owned(),
        })
}

#[test]
fn with_the_hubs_zones_monitoring_joins_the_hubs_scope_and_writes_no_record_there() {
    let temp = tempfile::tempdir().expect("a temporary directory");
    let profile = extending(
        temp.path(),
        "profiles/customer-vnet.yaml",
        &format!(
            "network:\n  hub_peering: {{}}\n  dns:\n    servers: [10.0.0.68]\n    monitor_private_link_scope_id: {HUB_MONITOR_SCOPE}\n    zone_ids:\n{}",
            hub_zones()
        ),
    );
    let out = temp.path().join("out");
    generate_into(&profile, &out, "terraform,bicep");
    // No private endpoint of the zone registers in the hub's Azure Monitor zones (the blob zone
    // is the storage's too): their IDs appear in no generated file.
    for (path, bytes) in files_under(&out) {
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains("'azuremonitor'") && !text.contains("\"azuremonitor\""),
            "{path}"
        );
        for zone in [
            "privatelink.monitor.azure.com",
            "privatelink.oms.opinsights.azure.com",
            "privatelink.ods.opinsights.azure.com",
            "privatelink.agentsvc.azure-automation.net",
        ] {
            assert!(
                path.ends_with(".md") || !text.contains(&format!("privateDnsZones/{zone}")),
                "{path} writes into the hub's {zone}"
            );
        }
    }

    // Terraform: no scope of the zone's own; four scoped services in the hub's scope, through
    // the provider of the hub's subscription.
    let tf = Terraform::read(&out);
    assert!(
        !tf.resources
            .keys()
            .any(|a| a.starts_with("azurerm_monitor_private_link_scope.")),
        "a scope of the zone's own"
    );
    let scoped: Vec<&Block> = tf
        .resources
        .iter()
        .filter(|(a, _)| a.starts_with("azurerm_monitor_private_link_scoped_service."))
        .map(|(_, b)| b)
        .collect();
    assert_eq!(
        scoped.len(),
        4,
        "both regions' Log Analytics and Application Insights"
    );
    for block in &scoped {
        assert_eq!(attribute(block, "provider").as_deref(), Some("azurerm.hub"));
        assert_eq!(string(block, "resource_group_name"), "rg-monitor");
        assert_eq!(string(block, "scope_name"), "ampls-hub");
    }
    let providers = fs::read_to_string(out.join("terraform/providers.tf")).expect("providers.tf");
    let hub = hcl::parse(&providers)
        .expect("providers.tf parses")
        .into_blocks()
        .find(|b| {
            b.identifier() == "provider" && attribute(b, "alias").as_deref() == Some("\"hub\"")
        })
        .expect("a provider for the hub's subscription");
    assert_eq!(
        string(&hub, "subscription_id"),
        "3f2a1b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b"
    );

    // Bicep: likewise, from a module deployed in the hub scope's resource group.
    for role in ["primary", "secondary"] {
        assert!(
            !bicep_resources(&out, &format!("modules/{role}-monitoring.bicep"))
                .iter()
                .any(|(ty, _)| ty.starts_with("Microsoft.Insights/privateLinkScopes")),
            "{role}: a scope of the zone's own"
        );
    }
    let module = bicep_file(&out, "modules/hub-monitoring.bicep");
    let existing: Vec<Value> = module
        .statements
        .iter()
        .filter_map(|s| match &s.kind {
            StmtKind::Resource(r) if r.existing => Some(literal(&r.value)),
            _ => None,
        })
        .collect();
    assert_eq!(existing.len(), 1);
    assert_eq!(existing[0]["name"], "ampls-hub");
    let linked: Vec<(String, Value)> = bicep_resources(&out, "modules/hub-monitoring.bicep");
    assert_eq!(linked.len(), 4);
    assert!(
        linked
            .iter()
            .all(|(ty, _)| ty == "Microsoft.Insights/privateLinkScopes/scopedResources")
    );
    let main = fs::read_to_string(out.join("bicep/main.bicep")).expect("main.bicep");
    assert!(
        main.contains("scope: resourceGroup('3f2a1b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b', 'rg-monitor')")
    );
}

#[test]
fn the_hubs_monitor_scope_without_the_hubs_zones_is_an_unused_warning() {
    let temp = tempfile::tempdir().expect("a temporary directory");
    let profile = extending(
        temp.path(),
        "profiles/customer-vnet.yaml",
        &format!("network:\n  dns:\n    monitor_private_link_scope_id: {HUB_MONITOR_SCOPE}\n"),
    );
    let run = mlzone().arg("validate").arg(&profile).assert().success();
    let stderr = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
    assert!(
        stderr.contains("warning[unused]")
            && stderr.contains("profile.yaml:4:36")
            && stderr.contains("does not join the hub's"),
        "{stderr}"
    );
}
