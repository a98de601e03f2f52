//! One test per recommendation: the default plan applies it, and its waiver (with the profile
//! field it allows, where there is one) removes exactly that setting and records the waiver.

use serde_json::{Value, json};

use super::{FixedCost, Plan, Status, resolve};
use crate::facts;
use crate::profile::load_str;
use crate::validate::validate;

fn base() -> Value {
    json!({
        "version": 1,
        "project": "unit",
        "environment": "prod",
        "regions": {"primary": "westeurope"},
        "network": {"outbound": [{"name": "pypi", "fqdn": "pypi.org"}]},
        "compute": {
            "clusters": [
                {"name": "train", "sku": "Standard_D8_v5", "purpose": "training", "max_nodes": 2},
                {"name": "batch", "sku": "Standard_D8_v5", "purpose": "batch_inference", "max_nodes": 2}
            ],
            "instances": [{"name": "dev-one", "sku": "Standard_D4_v5", "user_object_id": "11111111-1111-4111-8111-111111111111"}]
        },
        "access": [{"group_object_id": "22222222-2222-4222-8222-222222222222", "role": "data_scientist"}],
        // A subscription of its own: every policy and Defender plan is the zone's to set.
        "policy": {"scope": "subscription", "defender_plans": "manage"}
    })
}

fn plan_of(profile: &Value) -> Plan {
    let loaded = load_str("unit.yaml".as_ref(), profile.to_string()).expect("loads");
    let today = jiff::civil::date(2026, 11, 22);
    match validate(&loaded, today) {
        Ok(validated) => resolve(&validated.profile),
        Err(crate::Error::Invalid(report)) => {
            panic!("invalid test profile:\n{}", report.render(false))
        }
        Err(other) => panic!("{other}"),
    }
}

fn waive(profile: &mut Value, id: &str) {
    profile["waivers"] = json!([{"id": id, "reason": "unit test", "expires": "2027-01-31"}]);
}

fn assigned(plan: &Plan, key: &str) -> bool {
    plan.governance.assignments.iter().any(|a| a.key == key)
}

type Check = fn(&Plan) -> bool;
type Relax = fn(&mut Value);

/// (recommendation, profile change besides the waiver, whether the plan holds it).
const CASES: &[(&str, Relax, Check)] = &[
    (
        "REL-01",
        |_| {},
        |p| p.regions[0].storage.replication == "RAGZRS" && p.registry.zone_redundancy,
    ),
    (
        "REL-07",
        |_| {},
        |p| p.regions.len() == 2 && p.registry.geo_replications.len() == 1,
    ),
    (
        "REL-09",
        |v| v["compute"]["clusters"][1]["priority"] = json!("low_priority"),
        |p| p.regions[0].clusters[1].vm_priority == "Dedicated",
    ),
    (
        "SEC-01",
        |_| {},
        |p| !p.governance.defender_plans.is_empty() && !p.governance.initiatives.is_empty(),
    ),
    (
        "SEC-02",
        |_| {},
        |p| p.regions[0].workspace.managed_network.is_some(),
    ),
    (
        "SEC-03",
        |_| {},
        |p| {
            !p.regions[0].workspace.public_network_access
                && p.regions[0]
                    .private_endpoints
                    .iter()
                    .any(|e| e.subresource == "amlworkspace")
        },
    ),
    (
        "SEC-04",
        |v| v["network"]["internet_outbound"] = json!(true),
        |p| {
            p.regions[0]
                .workspace
                .managed_network
                .as_ref()
                .unwrap()
                .isolation_mode
                == "AllowOnlyApprovedOutbound"
        },
    ),
    (
        "SEC-05",
        |_| {},
        |p| {
            !p.regions[0].storage.public_network_access
                && !p.regions[0].key_vault.public_network_access
                && !p.registry.public_network_access
                && p.regions[0]
                    .private_endpoints
                    .iter()
                    .any(|e| e.target == "storage")
        },
    ),
    (
        "SEC-06",
        |_| {},
        |p| {
            !p.regions[0].storage.shared_key_access
                && !p.registry.admin_enabled
                && p.regions[0].workspace.datastore_auth == super::DatastoreAuth::Identity
        },
    ),
    (
        "SEC-07",
        |_| {},
        |p| !p.regions[0].clusters[0].local_auth && !p.instances[0].local_auth,
    ),
    (
        "SEC-08",
        |_| {},
        |p| !p.regions[0].clusters[0].ssh_public_access,
    ),
    (
        "SEC-09",
        |_| {},
        |p| !p.regions[0].clusters[0].node_public_ip && !p.instances[0].node_public_ip,
    ),
    (
        "SEC-10",
        |_| {},
        |p| assigned(p, "compute_instance_latest_os_image"),
    ),
    (
        "SEC-11",
        |v| v["access"][0]["principal_type"] = json!("user"),
        |p| p.access[0].principal_type == "Group",
    ),
    (
        "SEC-12",
        |_| {},
        |p| assigned(p, "model_deployment_registries"),
    ),
    (
        "SEC-13",
        |v| v["encryption"] = json!({"customer_managed_key": false}),
        |p| {
            p.regions[0].key_vault.key.is_some()
                && p.regions[0].workspace.customer_managed_key
                && p.regions[0].storage.customer_managed_key
        },
    ),
    (
        "SEC-14",
        |v| {
            v["network"] = json!({"mode": "customer", "egress": {"via": "nat_gateway"}});
        },
        |p| {
            p.regions[0].network.storage_endpoint_policy
                && p.regions[0].network.deny_internet_outbound.is_some()
        },
    ),
    (
        "SEC-15",
        |_| {},
        |p| assigned(p, "compute_allowed_registries"),
    ),
    (
        "SEC-18",
        |_| {},
        |p| {
            p.regions[0].storage.https_only
                && p.regions[0].storage.min_tls_version.as_deref() == Some("TLS1_2")
        },
    ),
    (
        "COST-02",
        |v| v["compute"]["clusters"][0]["min_nodes"] = json!(1),
        |p| p.regions[0].clusters[0].min_nodes == 0,
    ),
    (
        "COST-03",
        |_| {},
        |p| {
            p.governance
                .custom_policies
                .iter()
                .any(|c| c.allowed_skus.contains(&"Standard_D8_v5".to_owned()))
        },
    ),
    (
        "COST-09",
        |_| {},
        |p| p.instances[0].idle_shutdown.as_deref() == Some("PT30M"),
    ),
    (
        "OPS-05",
        |_| {},
        |p| {
            p.regions[0].monitoring.diagnostic_settings.len() == 5
                && !p.regions[0].monitoring.app_insights_local_auth
        },
    ),
    (
        "POL-01",
        |_| {},
        |p| assigned(p, "workspace_public_network_access"),
    ),
    (
        "POL-02",
        |_| {},
        |p| assigned(p, "compute_in_virtual_network"),
    ),
    (
        "POL-03",
        |_| {},
        |p| assigned(p, "compute_local_auth_disabled"),
    ),
    ("POL-04", |_| {}, |p| assigned(p, "workspace_private_link")),
    (
        "POL-05",
        |_| {},
        |p| assigned(p, "workspace_customer_managed_key"),
    ),
    (
        "POL-06",
        |_| {},
        |p| assigned(p, "workspace_user_assigned_identity"),
    ),
    (
        "POL-07",
        |_| {},
        |p| assigned(p, "compute_instance_idle_shutdown"),
    ),
    (
        "POL-08",
        |_| {},
        |p| assigned(p, "compute_allowed_registries"),
    ),
    (
        "POL-09",
        |_| {},
        |p| assigned(p, "model_deployment_registries"),
    ),
    ("POL-10", |_| {}, |p| assigned(p, "workspace_resource_logs")),
];

#[test]
fn each_recommendation_is_applied_by_default_and_removed_by_its_waiver() {
    for (id, relax, holds) in CASES {
        let mut profile = base();
        relax(&mut profile);
        if *id == "SEC-14" {
            // SEC-14's own base: customer mode, where it is a setting of its own.
            assert!(
                holds(&plan_of(&profile)),
                "{id}: not applied in customer mode"
            );
        } else {
            assert!(holds(&plan_of(&base())), "{id}: not applied by default");
        }
        waive(&mut profile, id);
        let plan = plan_of(&profile);
        assert!(!holds(&plan), "{id}: still applied when waived");
        let status = plan.recommendations.iter().find(|r| r.id == *id).unwrap();
        assert!(
            matches!(&status.status, Status::Waived { reason, .. } if reason == "unit test"),
            "{id}: waiver not recorded"
        );
    }
}

#[test]
fn every_waivable_recommendation_has_a_case() {
    for r in facts::catalog().iter().filter(|r| r.waivable) {
        assert!(
            CASES.iter().any(|(id, ..)| *id == r.id),
            "{} has no test case",
            r.id
        );
    }
}

#[test]
fn a_waiver_changes_only_its_own_recommendation() {
    let default = plan_of(&base());
    let mut profile = base();
    waive(&mut profile, "SEC-03");
    let waived = plan_of(&profile);
    for (before, after) in default.recommendations.iter().zip(&waived.recommendations) {
        // POL-01's Deny assignment exempts the zone for the waiver: partial, not applied.
        // REL-04's note says the workspace it offers is public.
        if !["SEC-03", "POL-04", "POL-01", "REL-04"].contains(&before.id.as_str()) {
            assert_eq!(before.status, after.status, "{} changed", before.id);
        }
    }
}

#[test]
fn defaults_follow_environment_and_purpose() {
    let plan = plan_of(&base());
    assert_eq!(
        plan.regions[1].location, "northeurope",
        "prod defaults to the pair"
    );
    assert_eq!(plan.regions[1].network.address_space, "10.40.4.0/22");
    assert_eq!(plan.regions[0].clusters[0].idle_scale_down, "PT15M");
    let mut dev = base();
    dev["environment"] = json!("dev");
    dev["compute"]["clusters"][0]["purpose"] = json!("experimentation");
    let plan = plan_of(&dev);
    assert_eq!(plan.regions.len(), 1, "dev is single-region by default");
    assert_eq!(plan.regions[0].clusters[0].vm_priority, "LowPriority");
    assert_eq!(
        plan.regions[0].clusters[1].vm_priority, "Dedicated",
        "batch stays dedicated"
    );
    assert_eq!(plan.regions[0].storage.replication, "ZRS");
}

#[test]
fn policy_effects_follow_the_profile() {
    let mut audit = base();
    audit["policy"] = json!({"effect": "audit"});
    let plan = plan_of(&audit);
    let effect = |key: &str| {
        plan.governance
            .assignments
            .iter()
            .find(|a| a.key == key)
            .unwrap()
            .parameters["effect"]
            .clone()
    };
    assert_eq!(effect("workspace_public_network_access"), "Audit");
    // No audit effect exists: audit_never_leaves_a_definition_on_deny says what happens.
    assert_eq!(effect("compute_allowed_registries"), "enforceSetting");
    let isolation = plan_of(&base())
        .governance
        .assignments
        .into_iter()
        .find(|a| a.key == "workspace_managed_network_isolation")
        .unwrap();
    assert_eq!(
        isolation.parameters["isolationMode"],
        "AllowOnlyApprovedOutbound"
    );
}

#[test]
fn the_zone_registers_exactly_the_resource_providers_it_deploys_into() {
    let plan = plan_of(&base());
    for namespace in [
        "Microsoft.MachineLearningServices",
        "Microsoft.KeyVault",
        "microsoft.insights",
        "Microsoft.DocumentDB",
        "Microsoft.Search",
        "Microsoft.Security",
    ] {
        assert!(
            plan.resource_providers.iter().any(|ns| ns == namespace),
            "{namespace} missing from {:?}",
            plan.resource_providers
        );
    }
    // No budget in the base profile: nothing is registered for one.
    assert!(
        !plan
            .resource_providers
            .iter()
            .any(|ns| ns == "Microsoft.Consumption")
    );

    // Without customer-managed keys, the workspace needs neither Cosmos DB nor Search.
    let mut profile = base();
    waive(&mut profile, "SEC-13");
    profile["encryption"] = json!({"customer_managed_key": false});
    let plan = plan_of(&profile);
    assert!(
        !plan
            .resource_providers
            .iter()
            .any(|ns| ns == "Microsoft.DocumentDB" || ns == "Microsoft.Search"),
        "{:?}",
        plan.resource_providers
    );
}

#[test]
fn a_bicep_deployment_is_told_to_register_what_arm_does_not() {
    // ARM registers the namespaces of the template's resource types, not the ones a CMK
    // workspace uses behind the scenes nor the one deployment scripts run in.
    let plan = plan_of(&base());
    assert_eq!(
        plan.bicep_deployment.register_first,
        [
            "Microsoft.ContainerInstance",
            "Microsoft.DocumentDB",
            "Microsoft.Search"
        ]
    );
    let mut profile = base();
    waive(&mut profile, "SEC-13");
    profile["encryption"] = json!({"customer_managed_key": false});
    assert_eq!(
        plan_of(&profile).bicep_deployment.register_first,
        ["Microsoft.ContainerInstance"]
    );
}

#[test]
fn outbound_rules_wait_for_each_other_and_fqdn_rules_get_a_firewall() {
    let mut profile = base();
    profile["network"]["outbound"] = json!([
        {"name": "entra-id", "service_tag": "AzureActiveDirectory"},
        {"name": "pypi", "fqdn": "pypi.org"},
        {"name": "pypi-files", "fqdn": "files.pythonhosted.org"}
    ]);
    let plan = plan_of(&profile);
    let network = plan.regions[0].workspace.managed_network.as_ref().unwrap();
    let after: Vec<(&str, Option<&str>)> = network
        .outbound_rules
        .iter()
        .map(|r| (r.name.as_str(), r.after.as_deref()))
        .collect();
    assert_eq!(
        after,
        [
            ("entra-id", None),
            ("pypi", Some("entra-id")),
            ("pypi-files", Some("pypi"))
        ],
        "one at a time, in the profile's order"
    );
    assert_eq!(network.firewall_sku.as_deref(), Some("Standard"));
    assert_eq!(plan.bicep_deployment.action_on_unmanage, "deleteResources");
    assert_eq!(plan.bicep_deployment.stack, "stack-unit-prod-weu");

    profile["network"]["outbound"] =
        json!([{"name": "entra-id", "service_tag": "AzureActiveDirectory"}]);
    let plan = plan_of(&profile);
    let network = plan.regions[0].workspace.managed_network.as_ref().unwrap();
    assert_eq!(network.firewall_sku, None, "no FQDN rule, no firewall");
}

#[test]
fn the_managed_firewall_is_basic_outside_production_unless_the_profile_says_otherwise() {
    let sku_and_cost = |profile: &Value| {
        let plan = plan_of(profile);
        let network = plan.regions[0].workspace.managed_network.clone().unwrap();
        (network.firewall_sku, network.fixed_cost)
    };
    let prod = base();
    assert_eq!(
        sku_and_cost(&prod),
        (Some("Standard".to_owned()), FixedCost::FirewallStandard)
    );
    let mut dev = base();
    dev["environment"] = json!("dev");
    assert_eq!(
        sku_and_cost(&dev),
        (Some("Basic".to_owned()), FixedCost::FirewallBasic)
    );
    let mut chosen = base();
    chosen["network"]["firewall_sku"] = json!("basic");
    assert_eq!(
        sku_and_cost(&chosen),
        (Some("Basic".to_owned()), FixedCost::FirewallBasic)
    );
    dev["network"]["firewall_sku"] = json!("standard");
    assert_eq!(
        sku_and_cost(&dev),
        (Some("Standard".to_owned()), FixedCost::FirewallStandard)
    );
    let mut no_fqdn = base();
    no_fqdn["network"]["outbound"] = json!([]);
    assert_eq!(sku_and_cost(&no_fqdn), (None, FixedCost::None));
}

#[test]
fn monitoring_is_private_behind_a_private_link_scope_unless_sec_05_is_waived() {
    let plan = plan_of(&base());
    let region = &plan.regions[0];
    let monitoring = &region.monitoring;
    assert!(!monitoring.public_ingestion && !monitoring.public_query);
    let scope = monitoring.private_link_scope.as_ref().expect("a scope");
    assert_eq!(scope.ingestion_access_mode, "PrivateOnly");
    let targets: Vec<(&str, super::RegionRole)> = scope
        .scoped
        .iter()
        .map(|s| (s.target.as_str(), s.region))
        .collect();
    // One scope per DNS (Learn, private-link-design): the primary's holds every region's.
    use super::RegionRole::{Primary, Secondary};
    assert_eq!(
        targets,
        [
            ("log_analytics", Primary),
            ("app_insights", Primary),
            ("log_analytics", Secondary),
            ("app_insights", Secondary)
        ]
    );
    let secondary = &plan.regions[1];
    assert!(secondary.monitoring.private_link_scope.is_none());
    assert_eq!(
        secondary.monitoring.reached_through.as_deref(),
        Some(scope.name.as_str())
    );
    // Zones of its own: the secondary's network keeps an endpoint, to the one scope.
    assert!(secondary.monitoring.scope_endpoint);
    assert!(
        secondary
            .private_endpoints
            .iter()
            .any(|pe| pe.target == "monitor" && pe.name.contains(&scope.name))
    );
    let endpoint = region
        .private_endpoints
        .iter()
        .find(|pe| pe.target == "monitor")
        .expect("an Azure Monitor endpoint");
    assert_eq!(endpoint.subresource, "azuremonitor");
    let zones: Vec<&str> = region.dns_zones.iter().map(|z| z.name.as_str()).collect();
    for zone in &endpoint.zones {
        assert!(zones.contains(&zone.as_str()), "{zone} is not in {zones:?}");
    }
    assert!(zones.contains(&"privatelink.oms.opinsights.azure.com"));
    let unique: std::collections::BTreeSet<&&str> = zones.iter().collect();
    assert_eq!(unique.len(), zones.len(), "each zone once: {zones:?}");

    let mut open = base();
    waive(&mut open, "SEC-05");
    let plan = plan_of(&open);
    let region = &plan.regions[0];
    assert!(region.monitoring.public_ingestion && region.monitoring.public_query);
    assert!(region.monitoring.private_link_scope.is_none());
    assert!(
        region
            .private_endpoints
            .iter()
            .all(|pe| pe.target != "monitor")
    );
}

#[test]
fn with_the_hubs_zones_every_region_joins_the_hubs_monitor_scope() {
    let mut hub = base();
    let zones: serde_json::Map<String, Value> = facts::endpoint_zones()
        .iter()
        .filter(|e| e.when.as_deref() != Some("batch_inference"))
        .flat_map(|e| e.zones.iter())
        .map(|z| {
            (
                z.clone(),
                json!(format!(
                    "/subscriptions/3f2a1b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b/resourceGroups/rg-dns/providers/Microsoft.Network/privateDnsZones/{z}"
                )),
            )
        })
        .collect();
    let hub_scope = "/subscriptions/3f2a1b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b/resourceGroups/rg-monitor/providers/Microsoft.Insights/privateLinkScopes/ampls-hub";
    hub["network"]["dns"] = json!({
        "servers": ["10.0.0.68"],
        "zone_ids": zones,
        "monitor_private_link_scope_id": hub_scope,
    });
    let plan = plan_of(&hub);
    // No endpoint of the zone's own writes into the hub's zones.
    for region in &plan.regions {
        assert!(
            region
                .private_endpoints
                .iter()
                .all(|pe| pe.target != "monitor")
        );
        assert!(!region.monitoring.scope_endpoint);
        assert_eq!(
            region.monitoring.reached_through.as_deref(),
            Some("ampls-hub")
        );
    }
    let scope = plan.regions[0]
        .monitoring
        .private_link_scope
        .as_ref()
        .expect("the hub's scope");
    let hub = scope.hub.as_ref().expect("the hub's scope");
    assert_eq!(hub.id, hub_scope);
    assert_eq!(
        (hub.subscription.as_str(), hub.resource_group.as_str()),
        ("3f2a1b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b", "rg-monitor")
    );
    // Both regions' Log Analytics and Application Insights join it.
    assert_eq!(scope.scoped.len(), 4);
}

#[test]
fn a_readable_geo_secondary_gets_its_own_private_endpoint() {
    let plan = plan_of(&base());
    let storage = &plan.regions[0].storage;
    assert_eq!(storage.replication, "RAGZRS");
    assert!(
        storage
            .secondary_access
            .as_deref()
            .is_some_and(|s| s.contains("blob_secondary"))
    );
    let secondary: Vec<_> = plan.regions[0]
        .private_endpoints
        .iter()
        .filter(|pe| pe.subresource == "blob_secondary")
        .collect();
    assert_eq!(secondary.len(), 1);
    assert_eq!(secondary[0].target, "storage");
    assert_eq!(secondary[0].zones, ["privatelink.blob.core.windows.net"]);

    let mut dev = base();
    dev["environment"] = json!("dev");
    let plan = plan_of(&dev);
    assert_eq!(plan.regions[0].storage.replication, "ZRS");
    assert_eq!(plan.regions[0].storage.secondary_access, None);
    assert!(
        plan.regions[0]
            .private_endpoints
            .iter()
            .all(|pe| pe.subresource != "blob_secondary")
    );
}

#[test]
fn batch_inference_in_the_zone_vnet_reaches_storage_queues_and_tables_privately() {
    let subresources = |plan: &Plan| -> Vec<String> {
        plan.regions[0]
            .private_endpoints
            .iter()
            .filter(|pe| pe.target == "storage")
            .map(|pe| pe.subresource.clone())
            .collect()
    };
    let zones = |plan: &Plan| -> Vec<String> {
        plan.regions[0]
            .dns_zones
            .iter()
            .map(|z| z.name.clone())
            .collect()
    };
    let mut customer = base();
    customer["network"] = json!({"mode": "customer", "egress": {"via": "nat_gateway"}});
    let plan = plan_of(&customer);
    for (sub, zone) in [
        ("queue", "privatelink.queue.core.windows.net"),
        ("table", "privatelink.table.core.windows.net"),
    ] {
        assert!(subresources(&plan).contains(&sub.to_owned()), "{sub}");
        assert!(zones(&plan).contains(&zone.to_owned()), "{zone}");
    }

    // Without batch inference, or on a managed network, the zone's VNet needs neither.
    customer["compute"]["clusters"]
        .as_array_mut()
        .expect("clusters")
        .retain(|c| c["purpose"] != "batch_inference");
    for plan in [plan_of(&customer), plan_of(&base())] {
        assert!(
            subresources(&plan)
                .iter()
                .all(|s| s != "queue" && s != "table")
        );
        assert!(
            zones(&plan)
                .iter()
                .all(|z| !z.contains("queue") && !z.contains("table"))
        );
    }
}

#[test]
fn the_managed_network_is_provisioned_with_twice_the_documented_time() {
    // Microsoft: about 30 minutes for the first provisioning, about 10 more with the first
    // FQDN rule (how-to-managed-network, "Manually provision a managed VNet").
    let with_fqdn = plan_of(&base());
    let network = with_fqdn.regions[0]
        .workspace
        .managed_network
        .as_ref()
        .unwrap();
    assert!(network.firewall);
    assert_eq!(network.provisioning.expected_minutes, 40);
    assert_eq!(network.provisioning.timeout, "80m");
    assert!(!network.provisioning.include_spark);

    let mut profile = base();
    profile["network"]["outbound"] =
        json!([{"name": "aad", "service_tag": "AzureActiveDirectory"}]);
    let plan = plan_of(&profile);
    let network = plan.regions[0].workspace.managed_network.as_ref().unwrap();
    assert_eq!(network.provisioning.expected_minutes, 30);
    assert_eq!(network.provisioning.timeout, "60m");
}

#[test]
fn images_build_on_the_first_cpu_cluster_by_default() {
    use super::ImageBuildChoice;
    let mut profile = base();
    profile["compute"]["clusters"] = json!([
        {"name": "gpu", "sku": "Standard_NC24ads_A100_v4", "purpose": "training", "max_nodes": 2},
        {"name": "cpu", "sku": "Standard_D8_v5", "purpose": "training", "max_nodes": 2},
        {"name": "batch", "sku": "Standard_D16_v5", "purpose": "batch_inference", "max_nodes": 2}
    ]);
    let plan = plan_of(&profile);
    for region in &plan.regions {
        let build = region.workspace.image_build.as_ref().unwrap();
        assert_eq!(build.cluster, "cpu");
        assert_eq!(build.chosen, ImageBuildChoice::FirstCpuCluster);
        assert_eq!(region.clusters.len(), 3, "nothing is added");
    }
}

#[test]
fn a_profile_without_a_cpu_cluster_gets_a_small_image_build_cluster() {
    use super::ImageBuildChoice;
    let mut profile = base();
    profile["compute"]["clusters"] = json!([
        {"name": "gpu", "sku": "Standard_NC24ads_A100_v4", "purpose": "training", "max_nodes": 2, "priority": "low_priority"}
    ]);
    // An instance already has the name: the added cluster takes the next one.
    profile["compute"]["instances"][0]["name"] = json!("image-build");
    let plan = plan_of(&profile);
    for region in &plan.regions {
        let build = region.workspace.image_build.as_ref().unwrap();
        assert_eq!(build.chosen, ImageBuildChoice::Added);
        assert_eq!(build.cluster, "image-build-2");
        let added = region
            .clusters
            .iter()
            .find(|c| c.name == build.cluster)
            .unwrap();
        assert_eq!(added.added_for.as_deref(), Some("image builds"));
        assert_eq!(added.sku_kind, Some(facts::SkuKind::Cpu));
        assert_eq!((added.min_nodes, added.max_nodes), (0, 1));
        assert_eq!(added.vm_priority, "Dedicated");
        assert!(!added.local_auth && !added.node_public_ip && !added.ssh_public_access);
    }
    let sku = facts::sku(super::resolve::IMAGE_BUILD_SKU).unwrap();
    assert_eq!(sku.status, facts::SkuStatus::Available);
    // The allowed-sizes policy (COST-03) lets it be created.
    assert!(
        plan.governance.custom_policies[0]
            .allowed_skus
            .contains(&sku.name)
    );
    assert!(plan.recommendations.iter().any(|r| r.id == "COST-08"
        && matches!(&r.status, Status::Applied { applied_in }
            if applied_in.iter().any(|a| a == "cluster image-build-2: Dedicated for image builds"))));
}

#[test]
fn the_profile_names_the_image_build_cluster() {
    use super::ImageBuildChoice;
    let mut profile = base();
    profile["compute"]["image_build_cluster"] = json!("batch");
    let plan = plan_of(&profile);
    let build = plan.regions[0].workspace.image_build.as_ref().unwrap();
    assert_eq!(
        (build.cluster.as_str(), build.chosen),
        ("batch", ImageBuildChoice::Profile)
    );

    // A public registry builds images itself, unless the profile names a cluster.
    let mut public = base();
    waive(&mut public, "SEC-05");
    assert!(plan_of(&public).regions[0].workspace.image_build.is_none());
    public["compute"]["image_build_cluster"] = json!("train");
    let plan = plan_of(&public);
    assert_eq!(
        plan.regions[0]
            .workspace
            .image_build
            .as_ref()
            .unwrap()
            .cluster,
        "train"
    );
}

/// The profile change a waiver of `id` allows, from the table above.
fn relax(id: &str) -> Relax {
    CASES
        .iter()
        .find(|(case, ..)| *case == id)
        .map_or(|_| {}, |(_, relax, _)| *relax)
}

#[test]
fn each_relaxing_waiver_exempts_the_zone_from_the_deny_assignments_that_forbid_it() {
    let default = plan_of(&base());
    assert!(
        default.governance.exemptions.is_empty(),
        "no waiver, no exemption"
    );
    assert!(default.governance.unexempted.is_empty());
    let relaxing: Vec<&str> = facts::catalog()
        .iter()
        .filter(|r| {
            facts::policies()
                .iter()
                .any(|p| p.relaxed_by.contains(&r.id))
        })
        .map(|r| r.id.as_str())
        .collect();
    assert!(relaxing.len() >= 6, "{relaxing:?}");
    for id in relaxing {
        let mut profile = base();
        relax(id)(&mut profile);
        waive(&mut profile, id);
        let plan = plan_of(&profile);
        let g = &plan.governance;
        for policy in facts::policies()
            .iter()
            .filter(|p| p.relaxed_by.iter().any(|r| r == id))
        {
            let assignment = g.assignments.iter().find(|a| a.key == policy.key);
            let exemption = g.exemptions.iter().find(|e| e.assignment == policy.key);
            let note = g.unexempted.iter().find(|u| u.assignment == policy.key);
            match assignment {
                Some(a) if a.effect.as_deref() == Some("Deny") => {
                    let e =
                        exemption.unwrap_or_else(|| panic!("{id}: no exemption from {}", a.key));
                    assert_eq!(e.recommendation, id);
                    assert_eq!(e.assignment_name, a.name, "{id}");
                    assert_eq!(e.category, "Waiver");
                    assert_eq!(e.expires_on, "2027-01-31T23:59:59Z");
                    assert_eq!(e.description, "unit test");
                    assert!(e.display_name.starts_with(&format!("{id} waiver: ")));
                    assert!(
                        e.name.len() <= 64 && e.name.starts_with("mlz-unit-"),
                        "{}",
                        e.name
                    );
                    assert!(note.is_none(), "{id}: {}", a.key);
                }
                _ => {
                    assert!(exemption.is_none(), "{id}: exempt from {}", policy.key);
                    let note = note.unwrap_or_else(|| panic!("{id}: {} unexplained", policy.key));
                    assert_eq!(note.recommendation, id);
                }
            }
        }
        assert!(
            g.exemptions.iter().all(|e| e.recommendation == id),
            "{id}: only its own exemptions"
        );
    }
}

#[test]
fn the_mapped_waivers_meet_deny_audit_and_dropped_assignments() {
    let exempt_from = |id: &str| -> (Vec<String>, Vec<String>) {
        let mut profile = base();
        relax(id)(&mut profile);
        waive(&mut profile, id);
        let g = plan_of(&profile).governance;
        (
            g.exemptions.into_iter().map(|e| e.assignment).collect(),
            g.unexempted
                .into_iter()
                .map(|u| format!("{}: {}", u.assignment, u.why))
                .collect(),
        )
    };
    let (exempt, notes) = exempt_from("SEC-13");
    assert_eq!(exempt, ["workspace_customer_managed_key"]);
    assert!(notes.is_empty());
    let (exempt, notes) = exempt_from("SEC-03");
    assert_eq!(exempt, ["workspace_public_network_access"]);
    assert_eq!(notes.len(), 1);
    assert!(
        notes[0].starts_with("workspace_private_link: its effect, Audit,"),
        "{notes:?}"
    );
    assert_eq!(exempt_from("SEC-07").0, ["compute_local_auth_disabled"]);
    assert_eq!(exempt_from("COST-09").0, ["compute_instance_idle_shutdown"]);
    assert_eq!(
        exempt_from("SEC-04").0,
        ["workspace_managed_network_isolation"]
    );
    let (exempt, notes) = exempt_from("OPS-05");
    assert!(exempt.is_empty());
    assert!(
        notes[0].contains("its effect, AuditIfNotExists,"),
        "{notes:?}"
    );
    let (exempt, notes) = exempt_from("SEC-02");
    assert!(exempt.is_empty());
    assert_eq!(
        notes,
        ["workspace_managed_network_isolation: the waiver of SEC-02 drops the assignment"]
    );
}

#[test]
fn audit_assignments_need_no_exemption() {
    let mut profile = base();
    profile["policy"] = json!({"effect": "audit"});
    profile["encryption"] = json!({"customer_managed_key": false});
    waive(&mut profile, "SEC-13");
    let g = plan_of(&profile).governance;
    assert!(g.exemptions.is_empty());
    assert_eq!(g.unexempted.len(), 1);
    assert!(g.unexempted[0].why.starts_with("its effect, Audit, "));
}

#[test]
fn exemptions_follow_the_waiver_s_reason_and_expiry_and_a_long_reason_fits_the_provider() {
    let mut profile = base();
    profile["encryption"] = json!({"customer_managed_key": false});
    let reason = "ü".repeat(400);
    profile["waivers"] =
        json!([{"id": "SEC-13", "reason": format!("  {reason}  "), "expires": "2027-08-15"}]);
    let g = plan_of(&profile).governance;
    let [e] = &g.exemptions[..] else {
        panic!("{:?}", g.exemptions);
    };
    assert_eq!(e.expires_on, "2027-08-15T23:59:59Z");
    assert!(e.description.len() <= 512);
    assert!(reason.starts_with(e.description.trim_end_matches('…')));
    assert_eq!(e.key, "sec_13_workspace_customer_managed_key");
    assert_eq!(e.name, "mlz-unit-sec-13-workspace-customer-managed-key");
}

#[test]
fn internet_outbound_is_exempted_not_written_into_the_isolation_assignment() {
    let mut profile = base();
    profile["network"]["internet_outbound"] = json!(true);
    waive(&mut profile, "SEC-04");
    let plan = plan_of(&profile);
    let isolation = plan
        .governance
        .assignments
        .iter()
        .find(|a| a.key == "workspace_managed_network_isolation")
        .unwrap();
    // At subscription scope a looser parameter would deny every other workspace's hardened
    // mode; the zone's own resource groups are exempted instead.
    assert_eq!(
        isolation.parameters["isolationMode"],
        "AllowOnlyApprovedOutbound"
    );
    assert_eq!(
        plan.regions[0]
            .workspace
            .managed_network
            .as_ref()
            .unwrap()
            .isolation_mode,
        "AllowInternetOutbound"
    );
    assert!(
        plan.governance
            .exemptions
            .iter()
            .any(|e| e.assignment == isolation.key && e.recommendation == "SEC-04")
    );
}

#[test]
fn defender_plans_stay_the_subscription_owner_s_unless_the_profile_says_manage() {
    // azurerm refuses to create a plan already on Standard and sets it to Free on destroy,
    // for the whole subscription: even a subscription of its own leaves them alone by default.
    let mut profile = base();
    profile["policy"] = json!({"scope": "subscription"});
    let plan = plan_of(&profile);
    assert!(plan.governance.defender_plans.is_empty());
    assert!(!plan.governance.initiatives.is_empty());
    let sec01 = plan
        .recommendations
        .iter()
        .find(|s| s.id == "SEC-01")
        .unwrap();
    match &sec01.status {
        Status::Partial { missing, .. } => {
            assert!(
                missing
                    .iter()
                    .any(|m| m.contains("subscription owner enables them"))
            );
        }
        other => panic!("SEC-01 should be partial, is {other:?}"),
    }
    profile["policy"]["defender_plans"] = json!("manage");
    assert_eq!(
        plan_of(&profile).governance.defender_plans,
        facts::defender_plans()
    );
}

#[test]
fn by_default_policies_stay_in_the_zone_and_defender_is_the_subscription_s() {
    // Two zones in one subscription: Deny assignments at subscription scope would stack, and
    // Defender plans belong to the subscription; both are an explicit choice.
    let mut profile = base();
    profile.as_object_mut().unwrap().remove("policy");
    let plan = plan_of(&profile);
    assert_eq!(plan.governance.scope, "resource_group");
    assert!(plan.governance.defender_plans.is_empty());
    assert!(
        !plan
            .resource_providers
            .iter()
            .any(|ns| ns == "Microsoft.Security")
    );
}

#[test]
fn exfiltration_prevention_is_not_claimed_once_internet_outbound_is_waived() {
    let mut profile = base();
    waive(&mut profile, "SEC-04");
    profile["network"]["internet_outbound"] = json!(true);
    let plan = plan_of(&profile);
    let sec14 = plan
        .recommendations
        .iter()
        .find(|r| r.id == "SEC-14")
        .expect("SEC-14 in the catalog");
    assert!(!matches!(sec14.status, Status::Applied { .. }), "{sec14:?}");
    assert!(
        plan.regions[0]
            .workspace
            .managed_network
            .as_ref()
            .is_some_and(|m| m.isolation_mode == "AllowInternetOutbound")
    );
}

#[test]
fn people_get_the_storage_data_roles_their_work_needs() {
    // Shared keys are off: studio, notebooks and jobs reach the workspace storage with the
    // caller's own identity.
    let mut profile = base();
    profile["access"] = json!([
        {"group_object_id": "22222222-2222-4222-8222-222222222222", "role": "data_scientist"},
        {"group_object_id": "33333333-3333-4333-8333-333333333333", "role": "reader"},
        {"group_object_id": "44444444-4444-4444-8444-444444444444", "role": "compute_operator"}
    ]);
    let plan = plan_of(&profile);
    let on_storage = |principal: &str| -> Vec<&str> {
        plan.access
            .iter()
            .filter(|a| a.principal_id == principal && a.scope == "storage")
            .map(|a| a.role.as_str())
            .collect()
    };
    let contributor = [
        "Storage Blob Data Contributor",
        "Storage File Data Privileged Contributor",
    ];
    assert_eq!(
        on_storage("22222222-2222-4222-8222-222222222222"),
        contributor
    );
    assert_eq!(
        on_storage("33333333-3333-4333-8333-333333333333"),
        [
            "Storage Blob Data Reader",
            "Storage File Data Privileged Reader"
        ]
    );
    assert!(on_storage("44444444-4444-4444-8444-444444444444").is_empty());
    // The instance owner: the instance acts as its user.
    assert_eq!(
        on_storage("11111111-1111-4111-8111-111111111111"),
        contributor
    );
    assert!(plan.access.iter().all(|a| !a.role_definition_id.is_empty()));
}

fn status<'a>(plan: &'a Plan, id: &str) -> &'a Status {
    &plan
        .recommendations
        .iter()
        .find(|r| r.id == id)
        .unwrap_or_else(|| panic!("{id} in the catalog"))
        .status
}

/// The `missing` of a partial recommendation; panics on any other status.
fn missing<'a>(plan: &'a Plan, id: &str) -> &'a [String] {
    match status(plan, id) {
        Status::Partial { missing, .. } => missing,
        other => panic!("{id} is not partial: {other:?}"),
    }
}

#[test]
fn package_regulation_is_partial_while_an_index_is_open_without_a_package_policy() {
    // base() opens pypi.org and sets no allowed packages.
    let plan = plan_of(&base());
    assert!(!assigned(&plan, "compute_allowed_python_packages"));
    assert!(
        missing(&plan, "SEC-16")
            .iter()
            .any(|m| m.contains("pypi.org") && m.contains("python_package_channels"))
    );
    let mut channels = base();
    channels["integrity"] = json!({"python_package_channels": ["https://pkgs.dev.azure.com/contoso/_packaging/ml/pypi/simple"]});
    let plan = plan_of(&channels);
    assert!(matches!(status(&plan, "SEC-16"), Status::Applied { .. }));
    let mut closed = base();
    closed["network"]["outbound"] = json!([]);
    assert!(matches!(
        status(&plan_of(&closed), "SEC-16"),
        Status::Applied { applied_in } if applied_in[0].contains("no public package index")
    ));
}

#[test]
fn an_allowed_packages_policy_whose_channel_is_all_of_pypi_regulates_nothing() {
    let mut pypi = base();
    pypi["integrity"] = json!({"python_package_channels": ["https://pypi.org/simple"]});
    let plan = plan_of(&pypi);
    assert!(assigned(&plan, "compute_allowed_python_packages"));
    let missing = missing(&plan, "SEC-16");
    assert!(
        missing.iter().any(|m| m.contains("https://pypi.org/simple")
            && m.contains("all of PyPI")
            && m.contains("a private feed or a mirror")),
        "{missing:?}"
    );
}

#[test]
fn exfiltration_prevention_is_partial_while_approved_hosts_take_uploads_from_anyone() {
    // base() approves pypi.org alone: downloads, no uploads.
    assert!(matches!(
        status(&plan_of(&base()), "SEC-14"),
        Status::Applied { .. }
    ));
    let mut hosts = base();
    hosts["network"]["outbound"] = json!([
        {"name": "pypi", "fqdn": "pypi.org"},
        {"name": "github", "fqdn": "github.com"},
        {"name": "hf-cdn", "fqdn": "*.hf.co"},
        {"name": "blobs", "service_tag": "Storage"}
    ]);
    let plan = plan_of(&hosts);
    let missing = missing(&plan, "SEC-14");
    assert_eq!(missing.len(), 3, "{missing:?}");
    assert!(missing[0].starts_with("outbound FQDN rule github (github.com) reaches GitHub"));
    assert!(missing[1].starts_with("outbound FQDN rule hf-cdn (*.hf.co) reaches Hugging Face Hub"));
    // A managed network has no service endpoint policy to narrow the tag.
    assert!(missing[2].contains("(Storage) reaches any tenant's storage accounts"));
    // Approved outbound only still holds: only the exfiltration claim changes.
    assert!(matches!(status(&plan, "SEC-04"), Status::Applied { .. }));
}

#[test]
fn exfiltration_prevention_names_the_nsg_tags_of_any_tenants_resources() {
    let mut profile = base();
    profile["network"] = json!({"mode": "customer", "egress": {"via": "nat_gateway"}});
    let plan = plan_of(&profile);
    let missing = missing(&plan, "SEC-14");
    let nsg = &plan.regions[0].names.nsg_compute;
    assert!(
        missing.iter().any(|m| m.starts_with(&format!(
            "nsg {nsg} allows AzureFrontDoor.Frontend Tcp 443, which reaches any customer's Front Door endpoints"
        ))),
        "{missing:?}"
    );
    // The service endpoint policy keeps Storage to the zone's own accounts; Entra ID takes
    // no one's data.
    for kept in [
        "Storage.",
        "AzureActiveDirectory",
        "MicrosoftContainerRegistry",
    ] {
        assert!(
            !missing.iter().any(|m| m.contains(kept)),
            "{kept}: {missing:?}"
        );
    }
}

#[test]
fn idle_shutdown_is_cost_evidence_not_os_image_currency() {
    let mut profile = base();
    profile["compute"]["instances"][0]["idle_shutdown"] = json!("PT30M");
    let plan = plan_of(&profile);
    let applied = |id: &str| match status(&plan, id) {
        Status::Applied { applied_in } => applied_in.clone(),
        other => panic!("{id} is not applied: {other:?}"),
    };
    assert!(
        !applied("SEC-10")
            .iter()
            .any(|e| e.contains("idle shutdown"))
    );
    assert!(applied("COST-09").contains(&"instance dev-one: idle shutdown PT30M".to_owned()));
}

#[test]
fn the_model_registry_nothing_creates_is_not_claimed() {
    let plan = plan_of(&base());
    assert!(missing(&plan, "OPS-01")[0].contains("no Azure ML registry"));
}

#[test]
fn customer_managed_keys_are_partial_while_the_registry_is_on_platform_managed_keys() {
    let plan = plan_of(&base());
    assert!(plan.registry.customer_managed_key_gap.is_some());
    let missing = missing(&plan, "SEC-13");
    assert!(
        missing[0].contains(&plan.registry.name) && missing[0].contains("platform-managed"),
        "{missing:?}"
    );
}

#[test]
fn compute_settings_are_not_claimed_for_a_zone_without_compute() {
    // The plan adds an image-build cluster to every zone today; without any compute, nothing
    // in the output would carry the settings.
    let loaded = load_str("unit.yaml".as_ref(), base().to_string()).expect("loads");
    let validated = validate(&loaded, jiff::civil::date(2026, 11, 22)).expect("valid");
    let mut plan = resolve(&validated.profile);
    for region in &mut plan.regions {
        region.clusters.clear();
    }
    plan.instances.clear();
    let statuses = super::status::statuses(&validated.profile, &plan);
    for id in ["SEC-07", "SEC-08", "SEC-09"] {
        let status = &statuses.iter().find(|r| r.id == id).expect(id).status;
        assert!(
            matches!(status, Status::NotApplied { missing } if missing[0].starts_with("no compute declared")),
            "{id}: {status:?}"
        );
    }
}

#[test]
fn storage_redundancy_does_not_answer_zone_redundant_model_hosting() {
    let plan = plan_of(&base());
    assert!(missing(&plan, "REL-01")[0].contains("model hosting"));
}

#[test]
fn exfiltration_prevention_is_not_claimed_without_a_managed_network() {
    let mut profile = base();
    waive(&mut profile, "SEC-02");
    let plan = plan_of(&profile);
    assert!(plan.regions[0].workspace.managed_network.is_none());
    assert!(matches!(status(&plan, "SEC-14"), Status::NotApplied { .. }));
}

#[test]
fn a_policy_the_zone_is_exempt_from_is_partial() {
    let mut profile = base();
    waive(&mut profile, "SEC-13");
    let plan = plan_of(&profile);
    assert!(assigned(&plan, "workspace_customer_managed_key"));
    assert!(
        missing(&plan, "POL-05")[0].contains("exempt until 2027-01-31T23:59:59Z (SEC-13 waived)")
    );
}

#[test]
fn rel_08_is_not_shown_as_waived_when_only_rel_07_is() {
    let mut profile = base();
    waive(&mut profile, "REL-07");
    profile["regions"]["secondary"] = json!("none");
    let plan = plan_of(&profile);
    assert!(matches!(status(&plan, "REL-07"), Status::Waived { .. }));
    assert!(matches!(
        status(&plan, "REL-08"),
        Status::NotApplied { missing } if missing[0].contains("REL-07")
    ));
}

#[test]
fn audit_never_leaves_a_definition_on_deny() {
    let mut profile = base();
    profile["policy"]["effect"] = json!("audit");
    let plan = plan_of(&profile);
    assert!(
        plan.governance
            .assignments
            .iter()
            .all(|a| a.effect.as_deref() != Some("Deny")),
        "{:?}",
        plan.governance.assignments
    );
    // Deny-only: not assigned, and said so.
    assert!(!assigned(&plan, "model_deployment_registries"));
    let gap = plan
        .governance
        .without_audit
        .iter()
        .find(|g| g.key == "model_deployment_registries")
        .expect("reported");
    assert!(!gap.assigned && gap.outcome.contains("no Deny"));
    assert!(matches!(
        status(&plan, "POL-09"),
        Status::NotApplied { missing } if missing[0].contains("no Deny")
    ));
    // Enforce-setting definitions stay, reported as limiting jobs under audit too.
    assert!(assigned(&plan, "compute_allowed_registries"));
    let kept = plan
        .governance
        .without_audit
        .iter()
        .find(|g| g.key == "compute_allowed_registries")
        .expect("reported");
    assert!(kept.assigned);
    assert!(
        kept.outcome.contains("jobs may use")
            && kept
                .outcome
                .contains("`policy.effect: audit` does not relax"),
        "{}",
        kept.outcome
    );
    // Under deny, nothing to report.
    assert!(plan_of(&base()).governance.without_audit.is_empty());
}

#[test]
fn advisory_recommendations_link_their_section_of_the_guide() {
    let plan = plan_of(&base());
    for r in plan
        .recommendations
        .iter()
        .filter(|r| matches!(r.status, Status::Advisory { .. }))
    {
        assert!(
            r.source_url.starts_with("https://learn.microsoft.com/azure/well-architected/service-guides/azure-machine-learning#"),
            "{}: {}",
            r.id,
            r.source_url
        );
    }
}

mod self_check {
    use super::*;
    use crate::plan::check::check;

    #[test]
    fn the_default_zone_passes_every_deny_policy_it_assigns() {
        let plan = plan_of(&base());
        let result = check(&plan);
        assert!(result.passes(), "{:?}", result.failures());
        // Every modelled resource is judged: two workspaces, two clusters each, one instance,
        // and each region's storage, key vault and private endpoints, and the registry.
        let bodies = crate::plan::bodies::bodies(&plan);
        assert_eq!(result.resources, bodies.len());
        let of = |ty: &str| bodies.iter().filter(|b| b.resource_type == ty).count();
        assert_eq!(
            of(crate::plan::bodies::WORKSPACE) + of(crate::plan::bodies::COMPUTE),
            7
        );
        assert_eq!(of(crate::plan::bodies::STORAGE), 2);
        assert_eq!(of(crate::plan::bodies::KEY_VAULT), 2);
        assert_eq!(of(crate::plan::bodies::REGISTRY), 1);
        assert!(of(crate::plan::bodies::PRIVATE_ENDPOINT) >= 8);
        for evaluated in [
            "Azure Machine Learning Workspaces should disable public network access",
            "Azure Machine Learning Computes should have local authentication methods disabled",
            "Azure Machine Learning workspaces should be encrypted with a customer-managed key",
            "Azure Machine Learning workspaces should use user-assigned managed identity",
            "Azure Machine Learning Compute Instance should have idle shutdown.",
            "Azure Machine Learning and Ai Studio should use Allow Only Approved Outbound Managed Vnet mode",
            "Allowed Azure ML compute sizes for unit",
        ] {
            assert!(
                result.evaluated.iter().any(|e| e == evaluated),
                "{evaluated} not evaluated: {:?}",
                result.evaluated
            );
        }
        // Data-plane definitions are said to be out of the deployment's reach, not passed.
        assert!(
            result
                .not_evaluated
                .iter()
                .any(|(name, why)| name.contains("Model Registry Deployments")
                    && why.contains("data-plane"))
        );
    }

    /// The first denial's text, from a plan `change` spoils.
    fn denial(change: impl Fn(&mut Plan)) -> String {
        let mut plan = plan_of(&base());
        change(&mut plan);
        let result = check(&plan);
        assert!(!result.passes(), "the conflict was not caught");
        result.failures().join("\n")
    }

    #[test]
    fn a_public_workspace_under_the_public_access_deny_is_caught() {
        let failures = denial(|p| p.regions[0].workspace.public_network_access = true);
        assert!(
            failures.contains("Workspaces should disable public network access")
                && failures.contains("POL-01")
                && failures
                    .contains("Microsoft.MachineLearningServices/workspaces `mlw-unit-prod-weu`"),
            "{failures}"
        );
    }

    #[test]
    fn compute_with_local_auth_under_its_deny_is_caught() {
        let failures = denial(|p| p.regions[1].clusters[0].local_auth = true);
        assert!(
            failures.contains("local authentication methods disabled")
                && failures.contains("/train`"),
            "{failures}"
        );
    }

    #[test]
    fn an_instance_without_idle_shutdown_is_caught() {
        let failures = denial(|p| p.instances[0].idle_shutdown = None);
        assert!(failures.contains("idle shutdown"), "{failures}");
    }

    #[test]
    fn a_workspace_without_its_key_or_isolation_is_caught() {
        let failures = denial(|p| {
            p.regions[0].workspace.customer_managed_key = false;
            p.regions[0].workspace.managed_network = None;
        });
        assert!(failures.contains("customer-managed key"), "{failures}");
        assert!(failures.contains("Approved Outbound"), "{failures}");
    }

    #[test]
    fn a_size_outside_the_zone_s_own_list_is_caught() {
        let failures = denial(|p| p.regions[0].clusters[0].sku = "Standard_NC6s_v3".to_owned());
        assert!(
            failures.contains("Allowed Azure ML compute sizes"),
            "{failures}"
        );
    }

    #[test]
    fn a_waived_setting_is_exempted_not_denied() {
        let mut profile = base();
        waive(&mut profile, "SEC-03");
        let result = check(&plan_of(&profile));
        assert!(result.passes(), "{:?}", result.failures());
        assert!(
            result
                .exempted
                .iter()
                .any(|f| f.policy.contains("public network access"))
        );
    }

    #[test]
    fn audit_evaluates_no_deny() {
        let mut profile = base();
        profile["policy"]["effect"] = json!("audit");
        let result = check(&plan_of(&profile));
        assert!(result.passes());
        assert!(result.evaluated.is_empty(), "{:?}", result.evaluated);
    }
}

#[test]
fn zones_that_share_a_subscription_share_no_subscription_scope_name() {
    let zone = |environment: &str, primary: &str| {
        let mut profile = base();
        profile["environment"] = json!(environment);
        profile["regions"] = json!({"primary": primary, "secondary": "none"});
        profile["waivers"] =
            json!([{"id": "REL-07", "reason": "unit test", "expires": "2027-01-31"}]);
        let plan = plan_of(&profile);
        let d = plan.bicep_deployment;
        [
            d.stack,
            d.prefix,
            plan.governance.custom_policies[0].name.clone(),
        ]
    };
    let prod = zone("prod", "westeurope");
    assert_eq!(
        prod,
        [
            "stack-unit-prod-weu",
            "mlzone-unit-prod-weu",
            "mlz-unit-prod-weu-allowed-compute-sizes"
        ]
    );
    for other in [zone("prod", "northeurope"), zone("dev", "westeurope")] {
        for (a, b) in other.iter().zip(&prod) {
            assert_ne!(a, b);
        }
    }
}

#[test]
fn globally_unique_names_carry_the_subscription_suffix_unless_pinned_to_the_legacy_one() {
    let plan = plan_of(&base());
    assert_eq!(plan.regions[0].storage.name, "stunitpweu{suffix}");
    assert_eq!(plan.naming.guid_arguments, ["unit", "prod", "westeurope"]);
    assert_eq!(plan.naming.global["registry"], "crunitpweu{suffix}");
    let legacy = plan.naming.legacy["primary/storage"].clone();
    assert!(
        legacy.starts_with("stunitpweu") && legacy.len() == 14,
        "{legacy}"
    );
    // Private endpoints are unique in their group: their names need no suffix.
    assert!(
        plan.regions[0]
            .private_endpoints
            .iter()
            .any(|pe| pe.name == "pe-stunitpweu-blob")
    );
    let mut pinned = base();
    pinned["names"] = json!({"suffix": "legacy"});
    let pinned = plan_of(&pinned);
    assert_eq!(pinned.regions[0].storage.name, legacy);
    assert_eq!(pinned.naming.global, plan.naming.legacy);
}

fn turns_off(plan: &Plan, id: &str) -> Vec<String> {
    plan.waivers
        .iter()
        .find(|w| w.id == id)
        .unwrap_or_else(|| panic!("waiver {id} recorded"))
        .turns_off
        .clone()
}

#[test]
fn a_waiver_says_what_it_relaxes_removes_and_exempts() {
    let mut profile = base();
    waive(&mut profile, "SEC-03");
    let lines = turns_off(&plan_of(&profile), "SEC-03");
    for expected in [
        "relaxes workspace mlw-unit-prod-weu public network access: from Disabled to Enabled",
        "removes private endpoint pe-mlw-unit-prod-weu-amlworkspace",
        "adds policy exemption mlz-unit-sec-03-workspace-public-network-access",
    ] {
        assert!(
            lines.iter().any(|l| l.starts_with(expected)),
            "{expected:?} not in {lines:#?}"
        );
    }
}

#[test]
fn a_waiver_that_drops_a_policy_assignment_says_so() {
    let mut profile = base();
    waive(&mut profile, "POL-03");
    let removes = "removes policy assignment mlz-unit-compute-local-auth-disabled (Azure Machine Learning Computes should have local authentication methods disabled) at";
    let lines = turns_off(&plan_of(&profile), "POL-03");
    assert_eq!(lines, [format!("{removes} the subscription")]);
    // At resource-group scope both resource groups lose it: the line names each.
    profile["policy"] = json!({"scope": "resource_group"});
    let lines = turns_off(&plan_of(&profile), "POL-03");
    assert_eq!(
        lines,
        [format!("{removes} rg-unit-prod-neu, rg-unit-prod-weu")]
    );
}

#[test]
fn a_waiver_of_private_links_names_the_dns_zones_it_removes_with_their_links() {
    let mut profile = base();
    waive(&mut profile, "SEC-03");
    let lines = turns_off(&plan_of(&profile), "SEC-03");
    let zones = "removes private DNS zones privatelink.api.azureml.ms, privatelink.notebooks.azure.net and their VNet links in vnet-unit-prod-neu, vnet-unit-prod-weu";
    assert!(lines.iter().any(|l| l == zones), "{lines:#?}");

    waive(&mut profile, "SEC-05");
    let lines = turns_off(&plan_of(&profile), "SEC-05");
    let zones = lines
        .iter()
        .find(|l| l.starts_with("removes private DNS zones "))
        .unwrap_or_else(|| panic!("no DNS zones in {lines:#?}"));
    for zone in [
        "privatelink.blob.core.windows.net",
        "privatelink.file.core.windows.net",
        "privatelink.vaultcore.azure.net",
        "privatelink.azurecr.io",
        "privatelink.monitor.azure.com",
    ] {
        assert!(zones.contains(zone), "{zone} not in {zones}");
    }
    assert!(zones.ends_with("and their VNet links in vnet-unit-prod-neu, vnet-unit-prod-weu"));
    assert!(!zones.contains("privatelink.api.azureml.ms"), "{zones}");
    let scope = plan_of(&base()).regions[0]
        .monitoring
        .private_link_scope
        .clone()
        .expect("a scope");
    let scoped = lines
        .iter()
        .find(|l| l.starts_with("removes scoped resources "))
        .unwrap_or_else(|| panic!("no scoped resources in {lines:#?}"));
    assert!(scoped.ends_with(&format!(
        "of Azure Monitor Private Link Scope {}",
        scope.name
    )));
    assert_eq!(
        scoped.matches("scoped-").count(),
        scope.scoped.len(),
        "{scoped}"
    );
    for blob in ["pe-stunitpweu-blob", "pe-stunitpneu-blob"] {
        assert!(
            lines.iter().any(
                |l| l.starts_with("removes role Reader of workspace identity") && l.ends_with(blob)
            ),
            "{blob}: {lines:#?}"
        );
    }
}

#[test]
fn a_waiver_of_the_recovery_stack_names_the_region_it_removes() {
    let mut profile = base();
    waive(&mut profile, "REL-07");
    profile["regions"]["secondary"] = json!("none");
    profile["policy"] = json!({"scope": "resource_group"});
    let lines = turns_off(&plan_of(&profile), "REL-07");
    // The secondary resource group's policy assignments go with it.
    let g = plan_of(&profile).governance;
    let policies = g.assignments.len() + g.custom_policies.len();
    assert!(policies > 1);
    assert!(
        lines.contains(&format!(
            "removes the northeurope stack (workspace, dependencies, network, monitoring) and its {policies} policy assignments in resource group rg-unit-prod-neu"
        )),
        "{lines:#?}"
    );
    assert!(
        !lines.iter().any(|l| l.contains("mlw-unit-prod-neu")),
        "the stack's own resources are not listed one by one: {lines:#?}"
    );
}

#[test]
fn a_waiver_that_changes_nothing_turns_nothing_off() {
    // In managed mode exfiltration's one setting is the monitor scope's access modes, and
    // with SEC-05 waived there is no scope.
    let mut profile = base();
    waive(&mut profile, "SEC-14");
    let scope = plan_of(&base()).regions[0]
        .monitoring
        .private_link_scope
        .clone()
        .expect("a scope");
    assert_eq!(
        turns_off(&plan_of(&profile), "SEC-14"),
        ["ingestion", "query"].map(|mode| format!(
            "relaxes Azure Monitor Private Link Scope {} {mode} access mode: from PrivateOnly to Open",
            scope.name
        ))
    );
    profile["waivers"]
        .as_array_mut()
        .expect("waivers")
        .push(json!({"id": "SEC-05", "reason": "unit test", "expires": "2027-01-31"}));
    assert!(turns_off(&plan_of(&profile), "SEC-14").is_empty());
}

/// The lines a status shows: where it is applied and what is missing.
fn evidence(plan: &Plan, id: &str) -> String {
    match status(plan, id) {
        Status::Applied { applied_in } => applied_in.join("; "),
        Status::Partial {
            applied_in,
            missing,
        } => format!("{}; missing: {}", applied_in.join("; "), missing.join("; ")),
        Status::NotApplied { missing } => missing.join("; "),
        Status::Waived { reason, .. } => reason.clone(),
        Status::Advisory { note } => note.clone(),
    }
}

/// The customer-mode variant of `base()`, compute leaving through the hub firewall as in the
/// `customer-vnet` golden profile.
#[test]
fn a_waiver_names_each_removed_private_endpoint_with_its_vnet() {
    let mut profile = base();
    waive(&mut profile, "SEC-05");
    let plan = plan_of(&profile);
    assert_eq!(plan.regions.len(), 2);
    let lines = turns_off(&plan, "SEC-05");
    let unique: std::collections::BTreeSet<&String> = lines.iter().collect();
    assert_eq!(unique.len(), lines.len(), "{lines:?}");
    // The zone's one monitor scope has an endpoint of the same name in each region's VNet.
    for r in &plan.regions {
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with("removes private endpoint pe-ampls-")
                    && l.ends_with(&format!(" in {}", r.names.vnet))),
            "{}: {lines:?}",
            r.names.vnet
        );
    }
}

fn customer_via_firewall() -> Value {
    let mut profile = base();
    profile["network"] = json!({"mode": "customer", "egress": {"via": "firewall"}});
    profile
}

#[test]
fn approved_outbound_is_not_applied_without_a_managed_network() {
    let mut profile = base();
    waive(&mut profile, "SEC-02");
    let plan = plan_of(&profile);
    assert!(plan.regions[0].workspace.managed_network.is_none());
    assert!(
        matches!(status(&plan, "SEC-04"), Status::NotApplied { missing } if missing[0].contains("no managed network")),
        "{:?}",
        status(&plan, "SEC-04")
    );
}

#[test]
fn customer_mode_outbound_through_the_hub_firewall_is_partial_and_says_what_is_open() {
    let plan = plan_of(&customer_via_firewall());
    assert!(
        plan.regions[0]
            .network
            .compute_outbound
            .iter()
            .any(|r| r.destination == "Internet")
    );
    for id in ["SEC-04", "SEC-14"] {
        assert!(
            missing(&plan, id)[0].contains("allows Internet Tcp 443 on to the hub firewall"),
            "{id}: {:?}",
            missing(&plan, id)
        );
    }
    assert!(
        !evidence(&plan, "SEC-04").contains("limited to service tags"),
        "{}",
        evidence(&plan, "SEC-04")
    );
}

#[test]
fn customer_mode_outbound_without_the_deny_internet_rules_is_partial_and_the_waiver_names_them() {
    let mut profile = customer_via_firewall();
    waive(&mut profile, "SEC-14");
    let plan = plan_of(&profile);
    assert!(plan.regions[0].network.deny_internet_outbound.is_none());
    assert!(
        missing(&plan, "SEC-04")[0].contains("denies no internet outbound (SEC-14 is waived)"),
        "{:?}",
        missing(&plan, "SEC-04")
    );
    let lines = turns_off(&plan, "SEC-14");
    for nsg in [
        &plan.regions[0].names.nsg_compute,
        &plan.regions[1].names.nsg_compute,
    ] {
        assert!(
            lines.contains(&format!(
                "removes NSG rule deny-out-internet of {nsg} (internet outbound denied)"
            )),
            "{lines:#?}"
        );
    }
}

#[test]
fn encryption_in_transit_does_not_claim_private_endpoints_that_sec_05_removes() {
    let mut profile = base();
    waive(&mut profile, "SEC-05");
    let plan = plan_of(&profile);
    assert!(plan.registry.public_network_access && plan.regions[0].key_vault.public_network_access);
    assert!(!evidence(&plan, "SEC-18").contains("through private endpoints"));
    let missing = missing(&plan, "SEC-18");
    assert!(
        missing.iter().any(|m| m.contains(&plan.registry.name))
            && missing
                .iter()
                .any(|m| m.contains(&plan.regions[0].key_vault.name)),
        "{missing:?}"
    );
    assert!(matches!(
        status(&plan_of(&base()), "SEC-18"),
        Status::Applied { applied_in } if applied_in.iter().any(|a| a.contains("private endpoint"))
    ));
}

#[test]
fn customer_mode_compute_with_public_ips_is_not_called_isolated() {
    let mut profile = customer_via_firewall();
    waive(&mut profile, "SEC-09");
    let plan = plan_of(&profile);
    assert!(
        plan.regions[0]
            .workspace
            .serverless_compute
            .as_ref()
            .is_some_and(|s| s.public_ip)
    );
    assert!(!evidence(&plan, "SEC-02").contains("no public IP"));
    assert!(
        missing(&plan, "SEC-02")
            .iter()
            .any(|m| m.starts_with("serverless compute of workspace") && m.contains("SEC-09")),
        "{:?}",
        missing(&plan, "SEC-02")
    );
    let lines = turns_off(&plan, "SEC-09");
    assert!(
        lines
            .iter()
            .any(|l| l.contains("serverless compute public IP: from Disabled to Enabled")),
        "{lines:#?}"
    );
}

#[test]
fn compute_usage_monitoring_is_partial_without_diagnostic_settings() {
    let mut profile = base();
    waive(&mut profile, "OPS-05");
    let plan = plan_of(&profile);
    assert!(plan.regions[0].monitoring.diagnostic_settings.is_empty());
    assert!(!evidence(&plan, "COST-06").contains("diagnostic settings on ;"));
    assert!(missing(&plan, "COST-06")[0].contains("no diagnostic settings"));
    let lines = turns_off(&plan, "OPS-05");
    assert!(
        lines.iter().any(|l| l.starts_with("relaxes Log Analytics")
            && l.ends_with("local authentication: from Disabled to Enabled")),
        "{lines:#?}"
    );
}

#[test]
fn direct_user_role_assignments_make_group_only_access_partial() {
    // base() gives its instance owner storage data roles of their own.
    let plan = plan_of(&base());
    let users: Vec<_> = plan
        .access
        .iter()
        .filter(|a| a.principal_type == "User")
        .collect();
    assert!(!users.is_empty());
    let missing = missing(&plan, "SEC-11");
    assert_eq!(missing.len(), users.len(), "{missing:?}");
    // An instance owner's roles: direct by design, and said why, with what could replace them.
    assert!(
        missing.iter().all(|m| m.starts_with(
            "compute instance owner 11111111-1111-4111-8111-111111111111 holds Storage "
        ) && m.contains("the instance reaches the storage as its owner")
            && m.ends_with("a group the owner belongs to could hold it instead")),
        "{missing:?}"
    );
    // A user given a workspace role in `access` (waived) is no instance owner.
    let mut user = base();
    user["access"] = json!([{
        "group_object_id": "22222222-2222-4222-8222-222222222222",
        "role": "reader",
        "principal_type": "user"
    }]);
    user["waivers"] = json!([{"id": "SEC-11", "reason": "pilot", "expires": "2027-03-31"}]);
    let plan = plan_of(&user);
    let direct: Vec<String> = plan
        .access
        .iter()
        .filter(|a| a.principal_id.starts_with("2222"))
        .map(|a| super::status::direct_grant(&plan, a))
        .collect();
    assert!(!direct.is_empty());
    assert!(
        direct.iter().all(
            |m| m.starts_with("user 22222222-2222-4222-8222-222222222222 holds ")
                && m.ends_with("directly, not through an Entra group")
        ),
        "{direct:?}"
    );
    let mut groups_only = base();
    groups_only["compute"]["instances"] = json!([]);
    assert!(matches!(
        status(&plan_of(&groups_only), "SEC-11"),
        Status::Applied { .. }
    ));
}

#[test]
fn an_enforced_recommendation_the_output_lacks_is_not_applied_never_advisory() {
    let not_applied = |profile: &Value, id: &str| {
        let plan = plan_of(profile);
        assert!(
            matches!(status(&plan, id), Status::NotApplied { .. }),
            "{id}: {:?}",
            status(&plan, id)
        );
    };
    let mut rg_scope = base();
    rg_scope["policy"] = json!({"scope": "resource_group"});
    not_applied(&rg_scope, "SEC-01");
    let mut internet = base();
    waive(&mut internet, "SEC-04");
    internet["network"]["internet_outbound"] = json!(true);
    not_applied(&internet, "SEC-14");
    // Outbound FQDN rules regulate nothing once all internet outbound is allowed.
    not_applied(&internet, "SEC-16");
    not_applied(&customer_via_firewall(), "SEC-16");
    let mut audit = base();
    audit["policy"]["effect"] = json!("audit");
    for id in ["SEC-12", "OPS-01", "POL-09"] {
        not_applied(&audit, id);
    }
}

#[test]
fn cost_rows_claim_only_what_the_output_holds() {
    // Production clusters are dedicated: no low-priority pool to claim.
    let plan = plan_of(&base());
    assert!(
        plan.regions[0]
            .clusters
            .iter()
            .all(|c| c.vm_priority == "Dedicated")
    );
    assert!(matches!(
        status(&plan, "COST-08"),
        Status::NotApplied { .. }
    ));
    // Without instances, the idle-shutdown policy is the evidence.
    let mut no_instances = base();
    no_instances["compute"]["instances"] = json!([]);
    let plan = plan_of(&no_instances);
    assert!(matches!(
        status(&plan, "COST-09"),
        Status::Applied { applied_in } if applied_in[0].starts_with("policy assignment")
    ));
}

#[test]
fn a_waiver_that_tightens_a_setting_does_not_call_it_relaxed() {
    let mut profile = base();
    waive(&mut profile, "SEC-05");
    let lines = turns_off(&plan_of(&profile), "SEC-05");
    let registry_key: Vec<&String> = lines
        .iter()
        .filter(|l| l.contains("customer-managed key: from Disabled to Enabled"))
        .collect();
    assert!(!registry_key.is_empty(), "{lines:#?}");
    assert!(
        registry_key
            .iter()
            .all(|l| l.starts_with("changes registry")),
        "{lines:#?}"
    );
}

#[test]
fn the_catalog_claims_no_registry_or_defender_plan_the_output_lacks() {
    let summary = |id: &str| {
        crate::facts::catalog()
            .iter()
            .find(|r| r.id == id)
            .map(|r| r.summary.clone())
            .expect("in the catalog")
    };
    // OPS-01: nothing creates an Azure ML registry, and the catalog says so.
    let plan = plan_of(&base());
    assert!(summary("OPS-01").contains("creates no registry"));
    assert!(
        missing(&plan, "OPS-01")
            .iter()
            .any(|m| m.contains("creates no Azure ML registry")),
        "{:?}",
        status(&plan, "OPS-01")
    );
    // SEC-01: the plans only with `policy.defender_plans: manage` at subscription scope, as
    // the catalog says; otherwise they are what is missing.
    assert!(summary("SEC-01").contains("`policy.defender_plans: manage`"));
    let mut subscription = base();
    subscription["policy"] = json!({"scope": "subscription"});
    let plan = plan_of(&subscription);
    assert!(plan.governance.defender_plans.is_empty());
    assert!(
        missing(&plan, "SEC-01")[0].starts_with("Defender for Cloud plans "),
        "{:?}",
        status(&plan, "SEC-01")
    );
    subscription["policy"]["defender_plans"] = json!("manage");
    assert!(matches!(
        status(&plan_of(&subscription), "SEC-01"),
        Status::Applied { .. }
    ));
}

fn status_of<'p>(plan: &'p Plan, id: &str) -> &'p Status {
    &plan
        .recommendations
        .iter()
        .find(|r| r.id == id)
        .unwrap_or_else(|| panic!("no {id}"))
        .status
}

/// Issue 17: "advisory" is for guidance only; a configurable recommendation the output lacks
/// is not applied, with what is missing.
#[test]
fn an_unmet_configurable_recommendation_is_not_applied_not_advisory() {
    let mut profile = base();
    profile["regions"]["secondary"] = json!("none");
    waive(&mut profile, "REL-07");
    let plan = plan_of(&profile);
    for id in ["REL-08", "SEC-17"] {
        assert_eq!(
            facts::catalog().iter().find(|r| r.id == id).unwrap().kind,
            facts::Kind::Configurable
        );
        match status_of(&plan, id) {
            Status::NotApplied { missing } => assert!(!missing.is_empty(), "{id}"),
            other => panic!("{id}: {other:?}"),
        }
    }
    let Status::NotApplied { missing } = status_of(&plan, "REL-08") else {
        unreachable!()
    };
    assert!(missing[0].contains("REL-07"), "{missing:?}");
    assert!(
        plan.recommendations
            .iter()
            .filter(|r| matches!(r.status, Status::Advisory { .. }))
            .all(|r| r.kind == facts::Kind::Advisory)
    );
}

/// Issue 17: an Audit assignment that reports the zone's own resources is not "applied", as
/// the exempted Deny of POL-01 is not.
#[test]
fn audit_assignments_that_report_the_zone_s_own_resources_are_partial() {
    let plan = plan_of(&base());
    assert!(
        missing(&plan, "POL-02")[0].contains("clusters and instances non-compliant"),
        "{:?}",
        missing(&plan, "POL-02")
    );
    // In a customer VNet compute sits in a subnet: nothing to report.
    let customer = plan_of(&customer_via_firewall());
    assert!(matches!(
        status(&customer, "POL-02"),
        Status::Applied { .. }
    ));
    let mut public = base();
    waive(&mut public, "SEC-03");
    let plan = plan_of(&public);
    assert!(missing(&plan, "POL-01")[0].contains("exempt until"));
    assert!(
        missing(&plan, "POL-04")[0]
            .contains("(Audit) reports the zone's own resources non-compliant (SEC-03 waived)"),
        "{:?}",
        missing(&plan, "POL-04")
    );
    assert!(matches!(
        status(&plan_of(&base()), "POL-04"),
        Status::Applied { .. }
    ));
}

/// Issue 17: what a waiver turns off, read off the plan with and without it, is complete.
#[test]
fn a_waiver_lists_every_setting_and_resource_it_turns_off() {
    let turns_off = |profile: &Value, id: &str| -> Vec<String> {
        plan_of(profile)
            .waivers
            .into_iter()
            .find(|w| w.id == id)
            .unwrap_or_else(|| panic!("no note for {id}"))
            .turns_off
    };
    let has = |lines: &[String], what: &str| {
        assert!(
            lines.iter().any(|l| l.contains(what)),
            "{what} not in {lines:#?}"
        );
    };
    let mut public = base();
    waive(&mut public, "SEC-05");
    let lines = turns_off(&public, "SEC-05");
    let plan = plan_of(&base());
    let r = &plan.regions[0];
    let m = &r.monitoring;
    let monitoring = format!(
        "Log Analytics {} and Application Insights {}",
        m.log_analytics, m.app_insights
    );
    has(
        &lines,
        &format!("relaxes {monitoring} public ingestion: from Disabled to Enabled"),
    );
    has(
        &lines,
        &format!("relaxes {monitoring} public query: from Disabled to Enabled"),
    );
    let scope = m.private_link_scope.as_ref().expect("a scope");
    has(
        &lines,
        &format!("removes Azure Monitor Private Link Scope {}", scope.name),
    );
    has(
        &lines,
        &format!(
            "relaxes key vault {} network default action: from Deny to Allow",
            r.key_vault.name
        ),
    );
    has(
        &lines,
        &format!(
            "relaxes storage {} network default action: from Deny to Allow",
            r.storage.name
        ),
    );
    let mut platform_keys = base();
    platform_keys["encryption"] = json!({"customer_managed_key": false});
    waive(&mut platform_keys, "SEC-13");
    has(
        &turns_off(&platform_keys, "SEC-13"),
        &format!(
            "relaxes storage {} queue and table encryption key scope: from Account to Service",
            r.storage.name
        ),
    );
}

#[test]
fn a_second_region_is_not_a_model_deployed_there() {
    // REL-08 asks for models deployed in more than one region; the zone makes the second
    // region's workspace and registry replica, and deploys no model anywhere.
    let plan = plan_of(&base());
    assert!(plan.regions.len() > 1);
    match status_of(&plan, "REL-08") {
        Status::Partial {
            applied_in,
            missing,
        } => {
            assert!(
                applied_in[0].starts_with("secondary stack in"),
                "{applied_in:?}"
            );
            assert!(
                missing[0].contains("deploys no online endpoints or models"),
                "{missing:?}"
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn production_key_vaults_keep_purge_protection_whatever_is_waived() {
    // Azure refuses to turn purge protection off once it is on: no waiver may do it to a
    // production vault, and outside production turning it off is a one-way change.
    let waive_both = |profile: &mut Value| {
        profile["encryption"] = json!({"customer_managed_key": false});
        profile["waivers"] = json!([
            {"id": "SEC-13", "reason": "unit test", "expires": "2027-01-31"},
            {"id": "REL-07", "reason": "unit test", "expires": "2027-01-31"}
        ]);
    };
    let mut profile = base();
    waive_both(&mut profile);
    let plan = plan_of(&profile);
    assert!(plan.regions.iter().all(|r| r.key_vault.purge_protection));

    profile["environment"] = json!("dev");
    let plan = plan_of(&profile);
    assert!(!plan.regions[0].key_vault.purge_protection);
    let mut profile = base();
    profile["environment"] = json!("dev");
    assert!(plan_of(&profile).regions[0].key_vault.purge_protection);

    let entry = plan
        .create_only
        .iter()
        .find(|c| c.key == "primary/key_vault/purge_protection")
        .expect("purge protection is create-only");
    assert_eq!(
        (entry.value.as_str(), entry.one_way_from.as_deref()),
        ("false", Some("true"))
    );
    assert!(entry.refused_by_azure.is_some(), "{entry:?}");
}

#[test]
fn every_private_endpoint_is_named_after_the_resource_it_connects_to() {
    // The secondary region reaches the one, geo-replicated registry and the primary's monitor
    // scope: its endpoints to them carry those resources' names, not its own region's.
    let plan = plan_of(&base());
    assert_eq!(plan.regions.len(), 2);
    let registry = plan.registry.name.replace(crate::naming::SUFFIX_SLOT, "");
    let scope = plan.regions[0]
        .monitoring
        .reached_through
        .clone()
        .expect("a scope");
    for r in &plan.regions {
        let named = |target: &str| -> Vec<&str> {
            r.private_endpoints
                .iter()
                .filter(|pe| pe.target == target)
                .map(|pe| pe.name.as_str())
                .collect()
        };
        assert_eq!(named("registry"), [format!("pe-{registry}-registry")]);
        assert_eq!(named("monitor"), [format!("pe-{scope}-azuremonitor")]);
        let vault = r.key_vault.name.replace(crate::naming::SUFFIX_SLOT, "");
        assert_eq!(named("key_vault"), [format!("pe-{vault}-vault")]);
    }
    // A name is set only at creation: `diff` reports a change of one as a replacement.
    let entry = plan
        .create_only
        .iter()
        .find(|c| c.key == "secondary/private_endpoint/registry/registry")
        .expect("endpoint names are create-only");
    assert_eq!(entry.value, format!("pe-{registry}-registry"));
}

fn customer_via_nat_gateway() -> Value {
    let mut profile = base();
    profile["network"] = json!({"mode": "customer", "egress": {"via": "nat_gateway"}});
    profile
}

#[test]
fn approved_outbound_is_partial_in_a_customer_vnet_whatever_the_egress() {
    for profile in [customer_via_nat_gateway(), customer_via_firewall()] {
        let plan = plan_of(&profile);
        let missing = missing(&plan, "SEC-04");
        for r in &plan.regions {
            assert!(
                missing.iter().any(|m| m.starts_with(&format!(
                    "workspace {}: no managed network, so no approved-outbound-only mode; what limits compute's outbound instead is the service tags nsg {} allows, of which AzureFrontDoor.Frontend",
                    r.workspace.name, r.names.nsg_compute
                ))),
                "{missing:#?}"
            );
        }
        // The service endpoint policy keeps Storage to the zone's own accounts.
        assert!(
            !missing.iter().any(|m| m.contains("Storage")),
            "{missing:#?}"
        );
    }
}

#[test]
fn package_regulation_in_a_customer_vnet_names_the_tags_a_feed_can_sit_behind() {
    let plan = plan_of(&customer_via_nat_gateway());
    assert!(
        !evidence(&plan, "SEC-16").contains("no public package index is reachable"),
        "{}",
        evidence(&plan, "SEC-16")
    );
    let missing = missing(&plan, "SEC-16");
    for r in &plan.regions {
        assert!(
            missing.iter().any(|m| m.starts_with(&format!(
                "nsg {} allows AzureFrontDoor.Frontend Tcp 443, which reaches any customer's Front Door endpoints, where anyone's package feed can sit",
                r.names.nsg_compute
            ))),
            "{missing:#?}"
        );
    }
    // Key vaults and Azure Monitor's ingestion take data but serve no feed.
    assert!(
        !missing
            .iter()
            .any(|m| m.contains("AzureKeyVault") || m.contains("AzureMonitor")),
        "{missing:#?}"
    );
    // Jobs held to a private feed by the allowed-packages policy close it.
    let mut channels = customer_via_nat_gateway();
    channels["integrity"] = json!({"python_package_channels": ["https://pkgs.dev.azure.com/contoso/_packaging/ml/pypi/simple"]});
    assert!(matches!(
        status(&plan_of(&channels), "SEC-16"),
        Status::Applied { .. }
    ));
}

/// The note of an advisory recommendation; panics on any other status.
fn note(plan: &Plan, id: &str) -> String {
    match status(plan, id) {
        Status::Advisory { note } => note.clone(),
        other => panic!("{id} is not advisory: {other:?}"),
    }
}

#[test]
fn advisory_notes_follow_the_waivers() {
    let plan = plan_of(&base());
    assert!(note(&plan, "REL-04").contains("The zone's private workspaces mlw-"));
    assert!(note(&plan, "PERF-03").contains("diagnostic settings send from workspace, key vault"));
    assert!(note(&plan, "OPS-06").contains("The zone's private container registry"));
    for id in ["REL-04", "PERF-03", "OPS-06"] {
        assert!(!note(&plan, id).contains("optional ML registry"), "{id}");
    }
    let waived = |id: &str| {
        let mut profile = base();
        waive(&mut profile, id);
        plan_of(&profile)
    };
    let rel_04 = note(&waived("SEC-03"), "REL-04");
    assert!(
        rel_04.contains("The zone's public (SEC-03 is waived) workspaces"),
        "{rel_04}"
    );
    let perf_03 = note(&waived("OPS-05"), "PERF-03");
    assert!(
        perf_03.contains("no diagnostic settings") && !perf_03.contains("metrics from every"),
        "{perf_03}"
    );
    let perf_02 = note(&plan, "PERF-02");
    assert!(
        perf_02.contains("deploys no online endpoints")
            && !perf_02.contains("metrics the zone collects"),
        "{perf_02}"
    );
    let rel_06 = note(&plan, "REL-06");
    assert!(
        rel_06.contains("identity-based datastores")
            && !rel_06.contains("zone-redundant workspace"),
        "{rel_06}"
    );
    for (waiver, id, says) in [
        (
            "OPS-05",
            "OPS-04",
            "no diagnostic settings send the workspace's logs",
        ),
        ("SEC-06", "REL-06", "account keys (SEC-06 is waived)"),
    ] {
        let text = note(&waived(waiver), id);
        assert!(text.contains(says), "{id} with {waiver} waived: {text}");
    }
    let ops_06 = note(&waived("SEC-05"), "OPS-06");
    assert!(
        ops_06.contains("The zone's public (SEC-05 is waived) container registry")
            && ops_06.contains("creates no Azure ML registry"),
        "{ops_06}"
    );
}

#[test]
fn package_regulation_names_every_region_that_reaches_an_index() {
    let mut internet = base();
    waive(&mut internet, "SEC-04");
    internet["network"]["internet_outbound"] = json!(true);
    let plan = plan_of(&internet);
    let text = evidence(&plan, "SEC-16");
    assert!(
        text.contains(&format!(
            "workspaces {} and {} allow internet outbound",
            plan.regions[0].workspace.name, plan.regions[1].workspace.name
        )),
        "{text}"
    );
    let plan = plan_of(&customer_via_firewall());
    let text = evidence(&plan, "SEC-16");
    assert!(
        text.contains("compute in westeurope and northeurope reaches the internet"),
        "{text}"
    );
}
