//! `resolve(Profile) -> Plan`: every default and every security decision of the landing zone.
//! Validation has already proved the profile consistent, so nothing here can fail; a value
//! validation would have rejected falls back to the hardened default.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::create_only::create_only;
use super::derive::{self, Ranges};
use super::exemptions;
use super::roles;
use super::status::{statuses, waiver_notes};
use super::waiver_effects;
use super::{
    BicepDeploymentPlan, BudgetPlan, ClusterPlan, CustomPolicy, DatastoreAuth, DeployInputs,
    DnsZonePlan, EgressPlan, FirstPartyGrant, GeoReplication, GovernancePlan, HubPeeringPlan,
    ImageBuildChoice, ImageBuildPlan, InitiativeAssignment, InstancePlan, KeyPlan, KeyVaultPlan,
    ManagedNetworkPlan, MonitoringPlan, NamingPlan, NetworkPlan, NsgDenyRulePlan, NsgRulePlan,
    OutboundRulePlan, Plan, PolicyAssignment, PrivateEndpointPlan, ProvisioningPlan, RegionPlan,
    RegionRole, RegistryPlan, RolePropagation, SchedulePlan, ServerlessComputePlan, StoragePlan,
    TeardownPlan, WorkspacePlan,
};
use crate::facts::{self, Needed, SkuKind};
use crate::naming::{self, Names, SUFFIX_SLOT, environment_name};
use crate::profile::{
    DefenderPlans, EgressVia, Environment, FirewallSku, NetworkMode, PolicyEffect, Priority,
    Profile, Purpose, Scope,
};
use crate::values::{self, Duration};

/// Idle time before a cluster scales down (COST-02).
pub(crate) const DEFAULT_SCALE_DOWN: Duration = Duration::from_mins(15);
/// Idle time before an instance shuts down (COST-09).
pub(crate) const DEFAULT_IDLE_SHUTDOWN: Duration = Duration::from_mins(30);
/// Key rotation period (SEC-13).
pub(crate) const DEFAULT_KEY_ROTATION: Duration = Duration::from_days(90);
/// Log retention (OPS-05).
pub(crate) const DEFAULT_RETENTION_DAYS: u32 = 90;
/// Days a deleted workspace stays soft-deleted, its name taken ("Recover workspace data while
/// soft deleted", Microsoft Learn: the default retention period).
const WORKSPACE_SOFT_DELETE_DAYS: u32 = 14;
/// Key vault soft-delete retention, the maximum Azure allows.
const SOFT_DELETE_DAYS: u32 = 90;
/// How long deleted blobs and containers stay recoverable.
const SOFT_DELETE_DAYS_STORAGE: u32 = 14;
/// How long the registry keeps untagged manifests.
const UNTAGGED_RETENTION_DAYS: u32 = 7;
/// Azure ML registry used for model deployments when the profile names none (SEC-12).
const DEFAULT_MODEL_REGISTRY: &str = "azureml";
/// The name of the cluster the plan adds for image builds when the profile has no CPU cluster
/// (with `-2`, `-3`, ... when a compute of the profile has it).
pub(crate) const IMAGE_BUILD_CLUSTER: &str = "image-build";
/// Its size: a small general-purpose CPU size of the family table (Dv5, 4 vCPUs), the family
/// the golden profiles use for CPU clusters.
pub(crate) const IMAGE_BUILD_SKU: &str = "Standard_D4_v5";
/// Where deployment scripts run (Azure Container Instances; Microsoft Learn, "Use deployment
/// scripts in Bicep").
const CONTAINER_INSTANCE: &str = "Microsoft.ContainerInstance";
/// Priority of the compute NSG's rule that denies other internet outbound: after the allow rules
/// (100 and up in steps of 10), before Azure's default rules (65000 and up).
const DENY_INTERNET_PRIORITY: u32 = 4000;

/// How long a new role assignment is given to take effect before it is used, in seconds.
const ROLE_PROPAGATION_SECONDS: u32 = 120;

/// First provisioning of a managed network: "around 30 minutes"; the first FQDN rule adds
/// "around 10 minutes" (Microsoft Learn, how-to-managed-network, "Manually provision a managed
/// VNet").
const PROVISIONING_MINUTES: u32 = 30;
const FQDN_PROVISIONING_MINUTES: u32 = 10;

/// Resolve a validated profile into the plan of its landing zone.
pub fn resolve(profile: &Profile) -> Plan {
    let mut plan = resolve_bare(profile);
    let mut effects = waiver_effects::effects(profile, &plan, resolve_bare);
    // A waiver that turns nothing off leaves its recommendation as the output shows it.
    let idle: Vec<String> = effects
        .iter()
        .filter(|(_, lines)| lines.is_empty())
        .map(|(id, _)| id.clone())
        .collect();
    if !idle.is_empty() {
        let mut effective = profile.clone();
        effective.waivers.retain(|w| !idle.contains(&w.id));
        plan.recommendations = statuses(&effective, &plan);
    }
    for note in &mut plan.waivers {
        note.turns_off = effects.remove(&note.id).unwrap_or_default();
        if note.turns_off.is_empty() {
            note.concerns.clear();
        }
    }
    plan
}

/// The plan, its waivers' effects left out (working them out resolves the profile again).
fn resolve_bare(profile: &Profile) -> Plan {
    let waived = |id: &str| profile.waivers.iter().any(|w| w.id == id);
    let secondary = derive::secondary_region(profile);
    let primary_space = derive::primary_space(profile).unwrap_or_else(|_| default_space());
    let mut locations = vec![(
        RegionRole::Primary,
        profile.regions.primary.clone(),
        primary_space,
    )];
    if let Some(region) = &secondary {
        let space = derive::secondary_space(profile)
            .ok()
            .or_else(|| values::next_block(primary_space))
            .unwrap_or(primary_space);
        locations.push((RegionRole::Secondary, region.clone(), space));
    }
    let mut regions: Vec<RegionPlan> = locations
        .into_iter()
        .map(|(role, location, space)| region_plan(profile, role, &location, space, &waived))
        .collect();
    one_monitor_scope(&mut regions, profile);
    let registry = registry_plan(&regions, &waived);
    one_registry(&mut regions, &registry);
    let governance = governance_plan(profile, &regions, &registry, &waived);
    let bicep_deployment = bicep_deployment(profile, &regions[0]);
    let naming = naming_plan(profile, &regions);
    let mut plan = Plan {
        project: profile.project.clone(),
        environment: profile.environment,
        network_mode: profile.network.mode,
        tags: tags(profile),
        instances: instances(profile, &waived),
        access: roles::access(profile),
        role_assignments: Vec::new(),
        budget: budget(profile, &regions),
        outputs: {
            let mut outputs = profile.outputs.clone();
            outputs.sort();
            outputs.dedup();
            outputs
        },
        regions,
        registry,
        naming,
        governance,
        api_versions: facts::api_versions().clone(),
        bicep_deployment,
        teardown: teardown(profile),
        create_only: Vec::new(),
        deploy_inputs: DeployInputs::default(),
        resource_providers: Vec::new(),
        role_propagation: RolePropagation {
            duration: format!("{ROLE_PROPAGATION_SECONDS}s"),
            seconds: ROLE_PROPAGATION_SECONDS,
            azure_cli_version: "2.52.0".to_owned(),
            retention: "PT1H".to_owned(),
            timeout: "PT30M".to_owned(),
        },
        cosmos_db_key_access: None,
        recommendations: Vec::new(),
        waivers: Vec::new(),
    };
    plan.resource_providers = resource_providers(&plan);
    plan.bicep_deployment.register_first = bicep_registrations(&plan);
    plan.deploy_inputs = DeployInputs {
        hub_firewall_ip: plan.regions.iter().any(|r| {
            r.network
                .egress
                .as_ref()
                .is_some_and(|e| e.via == EgressVia::Firewall && e.firewall_ip.is_none())
        }),
        hub_virtual_network_id: plan.regions.iter().any(|r| {
            r.network
                .hub_peering
                .as_ref()
                .is_some_and(|h| h.virtual_network_id.is_none())
        }),
    };
    plan.cosmos_db_key_access = plan
        .regions
        .iter()
        .any(|r| r.workspace.customer_managed_key)
        .then(|| {
            let role = "Key Vault Crypto Service Encryption User";
            FirstPartyGrant {
                application: "Azure Cosmos DB".to_owned(),
                application_id: facts::first_party_application("Azure Cosmos DB").to_owned(),
                role: role.to_owned(),
                role_definition_id: facts::role_id(role).to_owned(),
            }
        });
    exemptions::keep_needed(&mut plan);
    plan.create_only = create_only(&plan);
    plan.role_assignments = roles::rows(&plan);
    plan.recommendations = statuses(profile, &plan);
    plan.waivers = waiver_notes(profile, &plan);
    plan
}

/// Whether a region's key vault is purge-protected. CMK needs it and REL-07 wants it for
/// recovery; in production it is on whatever is waived, as Azure refuses to turn it off once a
/// vault has it ("the property does not accept false as its value", Microsoft Learn
/// `KeyVaultProperties.EnablePurgeProtection`; azurerm @ 69697b7f
/// `internal/services/keyvault/key_vault_resource.go` errors on the update): a waiver added to a
/// deployed production zone must not produce files that cannot be applied. Outside production a
/// new zone may go without, so that its vault names are free again after a teardown; a change
/// that would turn it off is create-only (`create_only.rs`).
fn purge_protection(profile: &Profile, cmk: bool, waived: &dyn Fn(&str) -> bool) -> bool {
    profile.environment == Environment::Prod || cmk || !waived("REL-07")
}

/// Outside production a destroyed workspace is purged, so that the zone can be re-created under
/// the same names at once; in production Terraform refuses to destroy the workspace, its
/// vault or its storage, Azure refuses to delete them for the Bicep (a delete lock), and a
/// workspace deleted anyway stays recoverable.
fn teardown(profile: &Profile) -> TeardownPlan {
    let production = profile.environment == Environment::Prod;
    TeardownPlan {
        purge_workspace_on_destroy: !production,
        workspace_soft_delete_days: WORKSPACE_SOFT_DELETE_DAYS,
        prevent_destroy: production,
        delete_lock: production.then(|| "CanNotDelete".to_owned()),
        purge_key_vault_on_destroy: false,
        recover_key_vault: true,
    }
}

/// The suffix's derivation, and the globally unique names with it and with the legacy suffix.
fn naming_plan(profile: &Profile, regions: &[RegionPlan]) -> NamingPlan {
    let global = |role: RegionRole, names: &Names, out: &mut BTreeMap<String, String>| {
        let role = match role {
            RegionRole::Primary => "primary",
            RegionRole::Secondary => "secondary",
        };
        out.insert(format!("{role}/key_vault"), names.key_vault.clone());
        out.insert(format!("{role}/storage"), names.storage.clone());
        if role == "primary" {
            out.insert("registry".to_owned(), names.registry.clone());
        }
    };
    let mut current = BTreeMap::new();
    let mut legacy = BTreeMap::new();
    for region in regions {
        global(region.role, &region.names, &mut current);
        let suffix = naming::legacy_suffix(&profile.project, profile.environment, &region.location);
        let old = Names::derive(&profile.project, profile.environment, &region.code, &suffix);
        global(region.role, &old, &mut legacy);
    }
    NamingPlan {
        suffix: profile.names.suffix,
        guid_namespace: naming::ARM_GUID_NAMESPACE.to_string(),
        guid_arguments: naming::suffix_arguments(
            &profile.project,
            profile.environment,
            &profile.regions.primary,
        )
        .to_vec(),
        global: current,
        legacy,
    }
}

/// The Bicep deploys as a deployment stack that deletes the resources leaving the template, so
/// that what leaves the profile (an outbound rule, above all) leaves Azure, as in Terraform.
fn bicep_deployment(profile: &Profile, primary: &RegionPlan) -> BicepDeploymentPlan {
    let zone = zone_name(profile, primary);
    BicepDeploymentPlan {
        stack: format!("stack-{zone}"),
        location: primary.location.clone(),
        action_on_unmanage: "deleteResources".to_owned(),
        prefix: format!("mlzone-{zone}"),
        deny_settings_mode: "none".to_owned(),
        register_first: Vec::new(),
    }
}

/// The namespaces of `plan.resource_providers` that no resource type of the Bicep names, and
/// the one its deployment scripts run in (`BicepDeploymentPlan.register_first`).
fn bicep_registrations(plan: &Plan) -> Vec<String> {
    let mut namespaces: Vec<String> = facts::resource_providers()
        .iter()
        .filter(|rp| {
            matches!(rp.when, Needed::Cmk) && plan.resource_providers.contains(&rp.namespace)
        })
        .map(|rp| rp.namespace.clone())
        .chain([CONTAINER_INSTANCE.to_owned()])
        .collect();
    namespaces.sort_by_key(|ns| ns.to_ascii_lowercase());
    namespaces
}

/// What names one zone among those a subscription may hold: project, environment and primary
/// region code. Subscription-scope names (deployments, stacks, policy definitions) carry it.
fn zone_name(profile: &Profile, primary: &RegionPlan) -> String {
    format!(
        "{}-{}-{}",
        profile.project,
        environment_name(profile.environment),
        primary.code
    )
}

/// A VM size as Azure spells it where the family table knows it (sizes match whatever their
/// case, so the profile may write `standard_d8_v5`), else as written.
fn canonical_sku(name: &str) -> String {
    facts::sku(name).map_or_else(|| name.to_owned(), |sku| sku.name.clone())
}

/// The namespaces `plan` deploys into, from the fact file's conditions.
fn resource_providers(plan: &Plan) -> Vec<String> {
    let cmk = plan
        .regions
        .iter()
        .any(|r| r.workspace.customer_managed_key || r.storage.customer_managed_key)
        || plan.registry.customer_managed_key;
    let mut namespaces: Vec<String> = facts::resource_providers()
        .iter()
        .filter(|rp| match rp.when {
            Needed::Always => true,
            Needed::Cmk => cmk,
            Needed::Budget => plan.budget.is_some(),
            Needed::Defender => !plan.governance.defender_plans.is_empty(),
        })
        .map(|rp| rp.namespace.clone())
        .collect();
    namespaces.sort_by_key(|ns| ns.to_ascii_lowercase());
    namespaces
}

fn default_space() -> ipnet::Ipv4Net {
    values::cidr(derive::DEFAULT_ADDRESS_SPACE).unwrap_or_default()
}

fn tags(profile: &Profile) -> BTreeMap<String, String> {
    let mut tags = profile.tags.clone();
    tags.insert("project".to_owned(), profile.project.clone());
    tags.insert(
        "environment".to_owned(),
        environment_name(profile.environment).to_owned(),
    );
    tags.insert("managed-by".to_owned(), "mlzone".to_owned());
    tags
}

fn region_plan(
    profile: &Profile,
    role: RegionRole,
    location: &str,
    space: ipnet::Ipv4Net,
    waived: &dyn Fn(&str) -> bool,
) -> RegionPlan {
    let region = facts::region(location);
    let code = region.map_or_else(|| location.to_owned(), |r| r.code.clone());
    let zones = region.is_some_and(|r| r.zones);
    let suffix = naming::suffix_text(
        profile.names.suffix,
        &profile.project,
        profile.environment,
        location,
    );
    let names = Names::derive(&profile.project, profile.environment, &code, &suffix);
    let ranges = derive::ranges(profile, space, role == RegionRole::Primary).unwrap_or(Ranges {
        space,
        endpoints: space,
        compute: None,
    });
    let cmk = !waived("SEC-13") && profile.encryption.customer_managed_key != Some(false);
    let private = !waived("SEC-05");
    let customer = profile.network.mode == NetworkMode::Customer;
    let replication = replication(profile, zones, waived);
    // Clusters run in the zone's VNet only in customer mode; on a managed network they reach the
    // storage through the managed network's own endpoints.
    let batch_queues = customer && roles::batch_inference(profile);
    let endpoints = endpoints_in_use(&replication, batch_queues, waived);
    let mut clusters = clusters(profile, waived);
    let image_build = image_build(profile, &mut clusters, waived);
    let managed_network =
        (!customer && !waived("SEC-02")).then(|| managed_network(profile, waived));
    let private_endpoints = private_endpoints(&names, &endpoints);
    let identity_roles = roles::identity_roles(
        profile,
        &roles::Zone {
            cmk,
            managed_network: managed_network.is_some(),
            batch_inference: roles::batch_inference(profile),
            endpoints: &private_endpoints,
        },
    );
    RegionPlan {
        role,
        location: location.to_owned(),
        display_name: region.map_or_else(|| location.to_owned(), |r| r.display.clone()),
        code,
        zones,
        network: network_plan(profile, location, &ranges, waived),
        workspace: WorkspacePlan {
            name: names.workspace.clone(),
            public_network_access: waived("SEC-03"),
            managed_network,
            customer_managed_key: cmk,
            high_business_impact: profile
                .encryption
                .high_business_impact
                .unwrap_or(profile.environment == Environment::Prod),
            datastore_auth: if waived("SEC-06") {
                DatastoreAuth::AccessKey
            } else {
                DatastoreAuth::Identity
            },
            app_insights: true,
            v1_legacy_mode: false,
            serverless_compute: customer.then(|| ServerlessComputePlan {
                public_ip: waived("SEC-09"),
            }),
            image_build,
        },
        key_vault: KeyVaultPlan {
            name: names.key_vault.clone(),
            purge_protection: purge_protection(profile, cmk, waived),
            soft_delete_days: SOFT_DELETE_DAYS,
            rbac_authorization: true,
            public_network_access: !private,
            default_action: if private { "Deny" } else { "Allow" }.to_owned(),
            trusted_services_bypass: true,
            key: cmk.then(|| key_plan(profile, &names)),
        },
        storage: StoragePlan {
            name: names.storage.clone(),
            secondary_access: read_access_geo(&replication).then(|| {
                if private {
                    "its own private endpoint (blob_secondary)"
                } else {
                    "its public endpoint (SEC-05 waived)"
                }
                .to_owned()
            }),
            replication,
            https_only: !waived("SEC-18"),
            min_tls_version: (!waived("SEC-18")).then(|| "TLS1_2".to_owned()),
            shared_key_access: waived("SEC-06"),
            public_network_access: !private,
            default_action: if private { "Deny" } else { "Allow" }.to_owned(),
            trusted_services_bypass: true,
            oauth_by_default: true,
            blob_public_access: false,
            customer_managed_key: cmk,
            infrastructure_encryption: true,
            queue_table_key_type: if cmk { "Account" } else { "Service" }.to_owned(),
            soft_delete_days: SOFT_DELETE_DAYS_STORAGE,
        },
        monitoring: MonitoringPlan {
            log_analytics: names.log_analytics.clone(),
            retention_days: profile
                .monitoring
                .retention_days
                .unwrap_or(DEFAULT_RETENTION_DAYS),
            app_insights: names.app_insights.clone(),
            app_insights_local_auth: waived("OPS-05"),
            diagnostic_settings: diagnostic_targets(role, waived),
            public_ingestion: !private,
            public_query: !private,
            private_link_scope: private.then(|| monitor_scope(&names, role, waived)),
            reached_through: None,
            scope_endpoint: private,
        },
        private_endpoints,
        dns_zones: dns_zones(profile, &endpoints),
        identity_roles,
        clusters,
        names,
    }
}

/// What sends logs and metrics to the region's Log Analytics (OPS-05). Storage logs live on
/// its blob and file services; the one registry reports to the primary region.
fn diagnostic_targets(role: RegionRole, waived: &dyn Fn(&str) -> bool) -> Vec<String> {
    if waived("OPS-05") {
        return Vec::new();
    }
    let mut targets = vec!["workspace", "key_vault", "storage_blob", "storage_file"];
    if role == RegionRole::Primary {
        targets.push("registry");
    }
    targets.into_iter().map(str::to_owned).collect()
}

/// The compute subnet's outbound allow rules (`data/compute-outbound.yaml`): regional tags name
/// the region as service tags spell it, its display name without spaces (`Storage.WestEurope`).
fn compute_outbound(profile: &Profile, region: &str) -> Vec<NsgRulePlan> {
    let external_registries = !profile.registries.containers.is_empty();
    let firewall_egress = profile
        .network
        .egress
        .as_ref()
        .is_some_and(|e| e.via == EgressVia::Firewall);
    facts::compute_outbound()
        .iter()
        .filter(|rule| match rule.when.as_deref() {
            Some("external_registries") => external_registries,
            Some("firewall_egress") => firewall_egress,
            _ => true,
        })
        .zip((100..).step_by(10))
        .map(|(rule, priority)| NsgRulePlan {
            name: format!("allow-out-{}", rule.name),
            key: rule.name.replace('-', "_"),
            priority,
            protocol: rule.protocol.clone(),
            destination: if rule.regional {
                format!("{}.{region}", rule.tag)
            } else {
                rule.tag.clone()
            },
            ports: rule.ports.clone(),
            why: rule.why.clone(),
            source: rule.source.clone(),
        })
        .collect()
}

fn network_plan(
    profile: &Profile,
    location: &str,
    ranges: &Ranges,
    waived: &dyn Fn(&str) -> bool,
) -> NetworkPlan {
    // Service tags spell a region as its display name without spaces.
    let region =
        facts::region(location).map_or_else(|| location.to_owned(), |r| r.display.replace(' ', ""));
    let region = region.as_str();
    let customer = profile.network.mode == NetworkMode::Customer;
    let exfiltration_guard = customer && !waived("SEC-14");
    NetworkPlan {
        address_space: ranges.space.to_string(),
        endpoint_subnet: ranges.endpoints.to_string(),
        default_outbound_access: false,
        endpoint_network_policies: true,
        compute_subnet: ranges.compute.map(|c| c.to_string()),
        storage_endpoint_policy: exfiltration_guard,
        storage_endpoint_policy_aliases: if exfiltration_guard {
            facts::service_endpoint_policy_aliases().to_vec()
        } else {
            Vec::new()
        },
        compute_outbound: if customer {
            compute_outbound(profile, region)
        } else {
            Vec::new()
        },
        deny_internet_outbound: exfiltration_guard.then(|| NsgDenyRulePlan {
            name: "deny-out-internet".to_owned(),
            priority: DENY_INTERNET_PRIORITY,
            destination: "Internet".to_owned(),
        }),
        egress: customer
            .then_some(profile.network.egress.as_ref())
            .flatten()
            .map(|egress| EgressPlan {
                via: egress.via,
                firewall_ip: match egress.via {
                    EgressVia::Firewall => egress.firewall_ip.clone(),
                    EgressVia::NatGateway => None,
                },
                route_prefix: "0.0.0.0/0".to_owned(),
                bgp_route_propagation: false,
            }),
        dns_servers: profile.network.dns.servers.clone(),
        hub_peering: profile
            .network
            .hub_peering
            .as_ref()
            .map(|hub| HubPeeringPlan {
                name: "peer-to-hub".to_owned(),
                virtual_network_id: hub.virtual_network_id.clone(),
                allow_virtual_network_access: true,
                allow_forwarded_traffic: true,
                use_remote_gateways: hub.use_remote_gateways,
            }),
    }
}

fn managed_network(profile: &Profile, waived: &dyn Fn(&str) -> bool) -> ManagedNetworkPlan {
    let internet = profile.network.internet_outbound && waived("SEC-04");
    let mut outbound_rules: Vec<OutboundRulePlan> = profile
        .network
        .outbound
        .iter()
        .map(|rule| {
            let kind = if rule.fqdn.is_some() {
                "FQDN"
            } else if rule.private_endpoint.is_some() {
                "PrivateEndpoint"
            } else {
                "ServiceTag"
            };
            let tag = rule.service_tag.is_some();
            OutboundRulePlan {
                name: rule.name.clone(),
                kind: kind.to_owned(),
                fqdn: rule.fqdn.clone(),
                resource_id: rule
                    .private_endpoint
                    .as_ref()
                    .map(|t| t.resource_id.clone()),
                subresource: rule
                    .private_endpoint
                    .as_ref()
                    .map(|t| t.subresource.clone()),
                service_tag: rule.service_tag.clone(),
                protocol: tag.then(|| {
                    let protocol = rule.protocol.map_or(Ok("TCP".to_owned()), |p| {
                        serde_json::to_value(p).map(|v| v.as_str().unwrap_or("TCP").to_owned())
                    });
                    protocol.unwrap_or_else(|_| "TCP".to_owned())
                }),
                ports: tag.then(|| rule.ports.clone().unwrap_or_else(|| "443".to_owned())),
                after: None,
            }
        })
        // Allowing internet outbound, the managed network takes private-endpoint rules only
        // (Learn training "Restrict Azure Machine Learning workspace network", unit "Managed
        // network isolation": FQDN and service-tag rules are for the approved-outbound mode);
        // `validate` warns of each rule left out.
        .filter(|rule| !internet || rule.kind == "PrivateEndpoint")
        .collect();
    // One at a time, in the profile's order.
    for i in 1..outbound_rules.len() {
        outbound_rules[i].after = Some(outbound_rules[i - 1].name.clone());
    }
    let firewall = !internet && outbound_rules.iter().any(|r| r.kind == "FQDN");
    let fixed_cost = match (firewall, firewall_sku(profile)) {
        (false, _) => super::FixedCost::None,
        (true, FirewallSku::Basic) => super::FixedCost::FirewallBasic,
        (true, FirewallSku::Standard) => super::FixedCost::FirewallStandard,
    };
    ManagedNetworkPlan {
        isolation_mode: if internet {
            "AllowInternetOutbound"
        } else {
            "AllowOnlyApprovedOutbound"
        }
        .to_owned(),
        firewall,
        firewall_sku: firewall.then(|| firewall_sku(profile).arm().to_owned()),
        fixed_cost,
        fixed_cost_text: fixed_cost.describe().to_owned(),
        outbound_rules,
        provisioning: provisioning(firewall),
    }
}

/// The managed firewall's SKU: the profile's, else Standard in production and Basic elsewhere,
/// where its lower fixed charge matters more than Standard's throughput and DNS proxy.
fn firewall_sku(profile: &Profile) -> FirewallSku {
    profile
        .network
        .firewall_sku
        .unwrap_or(match profile.environment {
            Environment::Prod => FirewallSku::Standard,
            _ => FirewallSku::Basic,
        })
}

/// Provision the managed network before compute, waiting twice the documented time: Microsoft
/// warns that many outbound rules take longer still.
fn provisioning(fqdn_rules: bool) -> ProvisioningPlan {
    let expected = PROVISIONING_MINUTES
        + if fqdn_rules {
            FQDN_PROVISIONING_MINUTES
        } else {
            0
        };
    ProvisioningPlan {
        include_spark: false,
        expected_minutes: expected,
        timeout: format!("{}m", expected * 2),
        script_timeout: format!("PT{}M", expected * 2),
        poll_seconds: 30,
    }
}

/// Where the workspace builds environment images. A registry behind a private endpoint cannot
/// build them (how-to-managed-network, "Configure image builds"): the profile's choice, else its
/// first CPU cluster, else a small cluster added here, which scales to zero. A public registry
/// (SEC-05 waived) builds them itself unless the profile names a cluster.
fn image_build(
    profile: &Profile,
    clusters: &mut Vec<ClusterPlan>,
    waived: &dyn Fn(&str) -> bool,
) -> Option<ImageBuildPlan> {
    if let Some(name) = &profile.compute.image_build_cluster {
        // Validation proved it names a cluster; Azure matches compute names as written.
        let cluster = clusters
            .iter()
            .find(|c| c.name.eq_ignore_ascii_case(name))
            .map_or_else(|| name.clone(), |c| c.name.clone());
        return Some(ImageBuildPlan {
            cluster,
            chosen: ImageBuildChoice::Profile,
            reason: ImageBuildChoice::Profile.reason().to_owned(),
        });
    }
    if waived("SEC-05") {
        return None;
    }
    if let Some(cpu) = clusters.iter().find(|c| c.sku_kind == Some(SkuKind::Cpu)) {
        return Some(ImageBuildPlan {
            cluster: cpu.name.clone(),
            chosen: ImageBuildChoice::FirstCpuCluster,
            reason: ImageBuildChoice::FirstCpuCluster.reason().to_owned(),
        });
    }
    let taken = |name: &str| {
        let compute = &profile.compute;
        compute
            .clusters
            .iter()
            .map(|c| &c.name)
            .chain(compute.instances.iter().map(|i| &i.name))
            .any(|n| n.eq_ignore_ascii_case(name))
    };
    let name = std::iter::once(IMAGE_BUILD_CLUSTER.to_owned())
        .chain((2..).map(|n| format!("{IMAGE_BUILD_CLUSTER}-{n}")))
        .find(|name| !taken(name))
        .unwrap_or_else(|| IMAGE_BUILD_CLUSTER.to_owned());
    clusters.push(ClusterPlan {
        name: name.clone(),
        sku: canonical_sku(IMAGE_BUILD_SKU),
        sku_kind: facts::sku(IMAGE_BUILD_SKU).map(|s| s.kind),
        // It prepares the environments training and inference run in.
        purpose: Purpose::Training,
        // A build preempted halfway fails; at 0 nodes when idle, dedicated costs only builds.
        vm_priority: "Dedicated".to_owned(),
        min_nodes: 0,
        max_nodes: 1,
        idle_scale_down: DEFAULT_SCALE_DOWN.iso(),
        idle_scale_down_seconds: DEFAULT_SCALE_DOWN.seconds,
        local_auth: waived("SEC-07"),
        node_public_ip: waived("SEC-09"),
        ssh_public_access: waived("SEC-08"),
        in_compute_subnet: profile.network.mode == NetworkMode::Customer,
        added_for: Some("image builds".to_owned()),
    });
    Some(ImageBuildPlan {
        cluster: name,
        chosen: ImageBuildChoice::Added,
        reason: ImageBuildChoice::Added.reason().to_owned(),
    })
}

fn key_plan(profile: &Profile, names: &Names) -> KeyPlan {
    let rotate = profile
        .encryption
        .key_rotation
        .as_deref()
        .and_then(|t| values::duration(t).ok())
        .unwrap_or(DEFAULT_KEY_ROTATION);
    // Expire a rotation period after the next rotation, so a missed rotation is noticed
    // before the key stops working.
    KeyPlan {
        name: names.key.clone(),
        key_type: "RSA".to_owned(),
        key_size: 3072,
        operations: vec!["wrapKey".to_owned(), "unwrapKey".to_owned()],
        rotate_after: days_iso(rotate),
        expire_after: days_iso(Duration::from_secs(rotate.seconds * 2)),
        notify_before_expiry: "P30D".to_owned(),
    }
}

/// Key Vault rotation policies take whole days.
fn days_iso(duration: Duration) -> String {
    format!("P{}D", duration.seconds.div_ceil(86_400))
}

fn replication(profile: &Profile, zones: bool, waived: &dyn Fn(&str) -> bool) -> String {
    let geo = profile.environment == Environment::Prod && !waived("REL-07");
    let zonal = zones && !waived("REL-01");
    match (zonal, geo) {
        (true, true) => "RAGZRS",
        (true, false) => "ZRS",
        (false, true) => "RAGRS",
        (false, false) => "LRS",
    }
    .to_owned()
}

/// Whether `replication` keeps a readable secondary (`RAGRS`, `RAGZRS`), whose blob endpoint
/// is a sub-resource of its own (`blob_secondary`).
fn read_access_geo(replication: &str) -> bool {
    replication.starts_with("RA")
}

/// The region's Azure Monitor Private Link Scope, holding its Log Analytics workspace and
/// Application Insights, until [`one_monitor_scope`] keeps the primary's for every region.
/// `PrivateOnly` keeps the network's telemetry and queries to the scope's resources (Learn,
/// "Private Link access modes"); SEC-14's waiver opens them.
fn monitor_scope(
    names: &Names,
    role: RegionRole,
    waived: &dyn Fn(&str) -> bool,
) -> super::MonitorScopePlan {
    let mode = if waived("SEC-14") {
        "Open"
    } else {
        "PrivateOnly"
    };
    super::MonitorScopePlan {
        name: names.monitor_scope.clone(),
        ingestion_access_mode: mode.to_owned(),
        query_access_mode: mode.to_owned(),
        scoped: [
            ("log_analytics", &names.log_analytics),
            ("app_insights", &names.app_insights),
        ]
        .into_iter()
        .map(|(target, resource)| super::ScopedResourcePlan {
            name: format!("scoped-{resource}"),
            target: target.to_owned(),
            region: role,
            resource: resource.clone(),
            resource_group: names.resource_group.clone(),
        })
        .collect(),
        hub: None,
    }
}

/// One Azure Monitor Private Link Scope per DNS (Learn, "Design your Azure Monitor private link
/// configuration"): the primary's scope takes every region's monitoring resources, the others'
/// scopes go, and each region's network keeps an endpoint to the one scope. With the hub's zones
/// every network resolves through the hub's DNS, whose one scope is the hub's (in hub and spoke,
/// "a single private link connection" on the hub): the resources join it and no region has an
/// endpoint, which would write this zone's records into the hub's zones.
fn one_monitor_scope(regions: &mut [RegionPlan], profile: &Profile) {
    let hub_zones = regions
        .iter()
        .any(|r| r.dns_zones.iter().any(|z| z.existing_id.is_some()));
    let Some((primary, others)) = regions.split_first_mut() else {
        return;
    };
    let Some(scope) = primary.monitoring.private_link_scope.as_mut() else {
        return;
    };
    // `validate` requires the hub's scope with the hub's zones.
    scope.hub = profile
        .network
        .dns
        .monitor_private_link_scope_id
        .as_deref()
        .filter(|_| hub_zones)
        .and_then(super::ExternalResource::parse);
    if let Some(hub) = &scope.hub {
        scope.name.clone_from(&hub.name);
    }
    for region in others {
        if let Some(own) = region.monitoring.private_link_scope.take() {
            scope.scoped.extend(own.scoped);
        }
        for endpoint in region.private_endpoints.iter_mut() {
            if endpoint.target == "monitor" {
                endpoint.name = endpoint_name(&scope.name, &endpoint.subresource);
            }
        }
    }
    let (name, endpoint) = (scope.name.clone(), scope.hub.is_none());
    for region in regions.iter_mut() {
        region.monitoring.reached_through = Some(name.clone());
        region.monitoring.scope_endpoint = endpoint;
        if !endpoint {
            region.private_endpoints.retain(|pe| pe.target != "monitor");
        }
    }
}

/// The private endpoints a region has, from the fact file: the workspace's unless SEC-03 is
/// waived, the dependencies' and monitoring's unless SEC-05 is, the storage secondary's only
/// where the account has a readable secondary, the storage queues' and tables' only where
/// batch inference compute runs in the zone's VNet (`batch_queues`).
pub(super) fn endpoints_in_use(
    replication: &str,
    batch_queues: bool,
    waived: &dyn Fn(&str) -> bool,
) -> Vec<&'static facts::EndpointZones> {
    facts::endpoint_zones()
        .iter()
        .filter(|e| {
            if e.target == "workspace" {
                !waived("SEC-03")
            } else {
                !waived("SEC-05")
            }
        })
        .filter(|e| match e.when.as_deref() {
            Some("read_access_geo") => read_access_geo(replication),
            Some("batch_inference") => batch_queues,
            Some(_) => false,
            None => true,
        })
        .collect()
}

fn private_endpoints(
    names: &Names,
    endpoints: &[&facts::EndpointZones],
) -> Vec<PrivateEndpointPlan> {
    endpoints
        .iter()
        .map(|e| {
            let resource = match e.target.as_str() {
                "workspace" => &names.workspace,
                "storage" => &names.storage,
                "key_vault" => &names.key_vault,
                "monitor" => &names.monitor_scope,
                _ => &names.registry,
            };
            PrivateEndpointPlan {
                name: endpoint_name(resource, &e.subresource),
                target: e.target.clone(),
                subresource: e.subresource.clone(),
                zones: e.zones.clone(),
            }
        })
        .collect()
}

/// A private endpoint's name: `pe-`, the resource it connects to, its sub-resource. Endpoint
/// names are unique in their resource group (one per region), so the same name in two regions
/// is fine and needs no deploy-time suffix.
fn endpoint_name(resource: &str, subresource: &str) -> String {
    format!("pe-{}-{}", resource.replace(SUFFIX_SLOT, ""), subresource)
}

/// Every region reaches the one registry, the primary's, geo-replicated to the others: their
/// endpoints to it are named after it, not after a registry their own region does not have.
fn one_registry(regions: &mut [RegionPlan], registry: &RegistryPlan) {
    for region in regions.iter_mut() {
        for endpoint in &mut region.private_endpoints {
            if endpoint.target == "registry" {
                endpoint.name = endpoint_name(&registry.name, &endpoint.subresource);
            }
        }
    }
}

fn dns_zones(profile: &Profile, endpoints: &[&facts::EndpointZones]) -> Vec<DnsZonePlan> {
    let mut zones: Vec<DnsZonePlan> = Vec::new();
    for endpoint in endpoints {
        for zone in &endpoint.zones {
            if zones.iter().all(|z| &z.name != zone) {
                zones.push(DnsZonePlan {
                    name: zone.clone(),
                    existing_id: profile.network.dns.zone_ids.get(zone).cloned(),
                });
            }
        }
    }
    zones
}

fn clusters(profile: &Profile, waived: &dyn Fn(&str) -> bool) -> Vec<ClusterPlan> {
    let customer = profile.network.mode == NetworkMode::Customer;
    profile
        .compute
        .clusters
        .iter()
        .map(|c| {
            let scale_down = c
                .idle_scale_down
                .as_deref()
                .and_then(|t| values::duration(t).ok())
                .unwrap_or(DEFAULT_SCALE_DOWN);
            ClusterPlan {
                name: c.name.clone(),
                sku: canonical_sku(&c.sku),
                sku_kind: facts::sku(&c.sku).map(|s| s.kind),
                purpose: c.purpose,
                vm_priority: match priority(profile, c.purpose, c.priority, waived) {
                    Priority::Dedicated => "Dedicated",
                    Priority::LowPriority => "LowPriority",
                }
                .to_owned(),
                min_nodes: c.min_nodes,
                max_nodes: c.max_nodes.max(1),
                idle_scale_down: scale_down.iso(),
                idle_scale_down_seconds: scale_down.seconds,
                local_auth: waived("SEC-07"),
                node_public_ip: waived("SEC-09"),
                ssh_public_access: waived("SEC-08"),
                in_compute_subnet: customer,
                added_for: None,
            }
        })
        .collect()
}

/// Batch inference and production are dedicated; experimentation elsewhere is low priority
/// (COST-08); low-priority batch inference only with a waiver of REL-09.
fn priority(
    profile: &Profile,
    purpose: Purpose,
    written: Option<Priority>,
    waived: &dyn Fn(&str) -> bool,
) -> Priority {
    match (purpose, written) {
        (Purpose::BatchInference, Some(Priority::LowPriority)) if waived("REL-09") => {
            Priority::LowPriority
        }
        (Purpose::BatchInference, _) => Priority::Dedicated,
        (_, Some(priority)) => priority,
        (Purpose::Experimentation, None) if profile.environment != Environment::Prod => {
            Priority::LowPriority
        }
        _ => Priority::Dedicated,
    }
}

fn instances(profile: &Profile, waived: &dyn Fn(&str) -> bool) -> Vec<InstancePlan> {
    let customer = profile.network.mode == NetworkMode::Customer;
    profile
        .compute
        .instances
        .iter()
        .map(|i| InstancePlan {
            name: i.name.clone(),
            managed_identity: false,
            sku: canonical_sku(&i.sku),
            user_object_id: i.user_object_id.to_lowercase(),
            idle_shutdown: (!waived("COST-09")).then(|| {
                i.idle_shutdown
                    .as_deref()
                    .and_then(|t| values::duration(t).ok())
                    .unwrap_or(DEFAULT_IDLE_SHUTDOWN)
                    .iso()
            }),
            local_auth: waived("SEC-07"),
            node_public_ip: waived("SEC-09"),
            // An instance has no SSH key in the profile, so its SSH port stays closed.
            ssh_public_access: false,
            in_compute_subnet: customer,
            schedule: i.schedule.as_ref().map(|s| SchedulePlan {
                start: s.start.clone(),
                stop: s.stop.clone(),
                time_zone: s.time_zone.clone().unwrap_or_else(|| "UTC".to_owned()),
            }),
        })
        .collect()
}

/// Why a zone with customer-managed keys leaves its registry on platform-managed keys.
const REGISTRY_CMK_GAP: &str = "a registry takes its key only at creation and reaches a firewalled vault only through its system-assigned identity, which exists only after it: no single pass can encrypt it (container registry CMK docs, Key Vault firewall; MicrosoftDocs/azure-docs#61064)";

fn registry_plan(regions: &[RegionPlan], waived: &dyn Fn(&str) -> bool) -> RegistryPlan {
    let primary = &regions[0];
    // Only a vault the registry can reach at creation: one open to the public network.
    let registry_cmk =
        primary.workspace.customer_managed_key && primary.key_vault.public_network_access;
    RegistryPlan {
        name: primary.names.registry.clone(),
        login_server: format!("{}.azurecr.io", primary.names.registry),
        sku: "Premium".to_owned(),
        admin_enabled: waived("SEC-06"),
        anonymous_pull: false,
        trusted_services_bypass: true,
        public_network_access: waived("SEC-05"),
        zone_redundancy: primary.zones && !waived("REL-01"),
        geo_replications: regions[1..]
            .iter()
            .map(|r| GeoReplication {
                location: r.location.clone(),
                zone_redundancy: r.zones && !waived("REL-01"),
            })
            .collect(),
        customer_managed_key: registry_cmk,
        customer_managed_key_gap: (primary.workspace.customer_managed_key && !registry_cmk)
            .then(|| REGISTRY_CMK_GAP.to_owned()),
        data_endpoint: true,
        untagged_retention_days: UNTAGGED_RETENTION_DAYS,
    }
}

fn budget(profile: &Profile, regions: &[RegionPlan]) -> Option<BudgetPlan> {
    profile.budget.as_ref().map(|b| {
        let mut thresholds = b.thresholds.clone().unwrap_or_else(|| vec![80, 100]);
        thresholds.sort_unstable();
        thresholds.dedup();
        BudgetPlan {
            name: regions[0].names.budget.clone(),
            amount: b.monthly,
            contact_emails: b.contact_emails.clone(),
            thresholds,
            start_date: b.start_date.clone(),
            resource_groups: regions
                .iter()
                .map(|r| r.names.resource_group.clone())
                .collect(),
        }
    })
}

fn governance_plan(
    profile: &Profile,
    regions: &[RegionPlan],
    registry: &RegistryPlan,
    waived: &dyn Fn(&str) -> bool,
) -> GovernancePlan {
    let effect = profile.policy.effect;
    let mut assignments = Vec::new();
    let mut without_audit = Vec::new();
    let mut assign = |key: &str, parameters: Vec<(&str, Value)>| {
        let definition = facts::policy(key);
        if waived(&definition.recommendation) || definition.also.iter().any(|id| waived(id)) {
            return;
        }
        if let Some(gap) = audit_gap(definition, effect) {
            let assigned = gap.assigned;
            without_audit.push(gap);
            if !assigned {
                return;
            }
        }
        let mut params: BTreeMap<String, Value> = parameters
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect();
        let chosen = definition
            .effect_parameter
            .as_ref()
            .map(|_| pick_effect(&definition.effects, effect));
        if let (Some(parameter), Some(chosen)) = (&definition.effect_parameter, &chosen) {
            params.insert(parameter.clone(), json!(chosen));
        }
        assignments.push(PolicyAssignment {
            key: key.to_owned(),
            name: assignment_name(&profile.project, key),
            recommendation: definition.recommendation.clone(),
            display_name: definition.display_name.clone(),
            definition_id: definition.definition_id.clone(),
            parameters: params,
            effect_reason: effect_reason(definition, chosen.as_deref(), effect),
            effect: chosen,
            preview: definition.preview,
            note: definition.note.clone(),
        });
    };
    let managed = profile.network.mode == NetworkMode::Managed;
    let models = profile
        .registries
        .models
        .clone()
        .unwrap_or_else(|| vec![DEFAULT_MODEL_REGISTRY.to_owned()]);
    let mut allowed_acrs = vec![registry.login_server.clone()];
    allowed_acrs.extend(profile.registries.containers.iter().cloned());
    assign("workspace_public_network_access", vec![]);
    assign("compute_in_virtual_network", vec![]);
    assign("compute_local_auth_disabled", vec![]);
    assign("workspace_private_link", vec![]);
    assign("workspace_customer_managed_key", vec![]);
    assign("workspace_user_assigned_identity", vec![]);
    assign("compute_instance_idle_shutdown", vec![]);
    assign(
        "compute_allowed_registries",
        vec![("allowedACRs", json!(allowed_acrs))],
    );
    assign(
        "model_deployment_registries",
        vec![(
            "allowedRegistryName",
            json!(models.first().cloned().unwrap_or_default()),
        )],
    );
    assign(
        "workspace_resource_logs",
        vec![(
            "requiredRetentionDays",
            json!(regions[0].monitoring.retention_days.to_string()),
        )],
    );
    if managed {
        assign(
            "workspace_managed_network_isolation",
            // Always the hardened mode: a SEC-04 waiver is met by an exemption of the zone,
            // not by an assignment that would then forbid approved-outbound-only workspaces.
            vec![("isolationMode", json!("AllowOnlyApprovedOutbound"))],
        );
    }
    assign("compute_instance_latest_os_image", vec![]);
    if !profile.integrity.python_package_channels.is_empty() {
        assign(
            "compute_allowed_python_packages",
            vec![(
                "allowedPythonPackageChannels",
                json!(profile.integrity.python_package_channels),
            )],
        );
    }
    if let Some(key) = &profile.integrity.code_signing_key {
        assign(
            "compute_code_signing",
            vec![("signingKey", json!(key.trim()))],
        );
    }
    let subscription = profile.policy.scope == Scope::Subscription;
    let baseline = subscription && !waived("SEC-01");
    let initiatives = if baseline {
        let mcsb = facts::initiative("cloud_security_benchmark");
        vec![InitiativeAssignment {
            name: assignment_name(&profile.project, &mcsb.key),
            recommendation: mcsb.recommendation.clone(),
            display_name: mcsb.display_name.clone(),
            definition_id: mcsb.definition_id.clone(),
            // Its policies' default effects are Audit, AuditIfNotExists or Disabled, none Deny
            // (Azure/azure-policy @ f4a50bac, built-in-policies/policySetDefinitions/Security
            // Center/AzureSecurityCenter.json).
            effect_reason: "assigned without parameters: each policy in it keeps its default effect, Audit, AuditIfNotExists or Disabled; none denies".to_owned(),
        }]
    } else {
        Vec::new()
    };
    let custom_policies = if waived("COST-03") {
        Vec::new()
    } else {
        // The plan's clusters: the profile's and any it adds (image builds).
        let mut skus: Vec<String> = regions[0]
            .clusters
            .iter()
            .map(|c| c.sku.clone())
            .chain(
                profile
                    .compute
                    .instances
                    .iter()
                    .map(|i| canonical_sku(&i.sku)),
            )
            .collect();
        skus.sort_by_key(|s| s.to_lowercase());
        skus.dedup_by_key(|s| s.to_lowercase());
        vec![CustomPolicy {
            // A definition lives at subscription scope: one per zone, so two zones of a
            // project in one subscription (dev and prod, two regions) keep their own.
            name: assignment_name(&zone_name(profile, &regions[0]), "allowed_compute_sizes"),
            recommendation: "COST-03".to_owned(),
            display_name: format!("Allowed Azure ML compute sizes for {}", profile.project),
            effect: match effect {
                PolicyEffect::Deny => "Deny",
                PolicyEffect::Audit => "Audit",
            }
            .to_owned(),
            effect_reason: format!(
                "as the profile asks (policy.effect: {})",
                effect_word(effect)
            ),
            allowed_skus: skus,
            resource_type: facts::allowed_compute_sizes().resource_type.clone(),
            field: facts::allowed_compute_sizes().field.clone(),
            compute_type_field: facts::allowed_compute_sizes().compute_type_field.clone(),
            compute_types: facts::allowed_compute_sizes().compute_types.clone(),
        }]
    };
    let (exemptions, unexempted) = exemptions::exemptions(profile, &assignments);
    GovernancePlan {
        scope: match profile.policy.scope {
            Scope::Subscription => "subscription",
            Scope::ResourceGroup => "resource_group",
        }
        .to_owned(),
        effect: effect_word(effect).to_owned(),
        assignments,
        initiatives,
        custom_policies,
        defender_plans: if baseline && profile.policy.defender_plans == DefenderPlans::Manage {
            facts::defender_plans().to_vec()
        } else {
            Vec::new()
        },
        exemptions,
        unexempted,
        without_audit,
    }
}

/// Under `policy.effect: audit`, what becomes of a definition that has no audit effect: one
/// whose only enforcing effect is Deny is not assigned (audit must never deny); one that
/// enforces a setting (`enforceSetting`: the definition's `then.details.setting`, in policy mode
/// `Microsoft.MachineLearningServices.Data`, limits what the matching computes' jobs may use, and
/// denies no deployment) is assigned, and both are reported: its jobs are limited under `audit` too.
fn audit_gap(
    definition: &facts::PolicyDefinition,
    preference: PolicyEffect,
) -> Option<super::WithoutAudit> {
    let audits = definition.effects.iter().any(|e| e.starts_with("Audit"));
    if preference != PolicyEffect::Audit || definition.effect_parameter.is_none() || audits {
        return None;
    }
    let denies = definition.effects.iter().any(|e| e == "Deny");
    Some(super::WithoutAudit {
        key: definition.key.clone(),
        recommendation: definition.recommendation.clone(),
        display_name: definition.display_name.clone(),
        effects: definition.effects.clone(),
        assigned: !denies,
        outcome: if denies {
            format!(
                "not assigned: its effects are {}, none of them audits, and `policy.effect: audit` allows no Deny",
                definition.effects.join(", ")
            )
        } else {
            format!(
                "assigned with {}: it has no audit effect; it sets on the data plane what the matching computes' jobs may use, which `policy.effect: audit` does not relax, and denies no deployment",
                pick_effect(&definition.effects, PolicyEffect::Deny)
            )
        },
    })
}

/// Why `definition` is assigned with `chosen` when the profile asks for `preference`: the
/// profile's choice, or what the definition offers instead (its effects, `data/policies.yaml`).
fn effect_reason(
    definition: &facts::PolicyDefinition,
    chosen: Option<&str>,
    preference: PolicyEffect,
) -> String {
    let offered = definition.effects.join(", ");
    let Some(chosen) = chosen else {
        return "the definition fixes its effect (it has no effect parameter)".to_owned();
    };
    let asked = effect_word(preference);
    let is = |e: &str| chosen.eq_ignore_ascii_case(e);
    if (preference == PolicyEffect::Deny && is("Deny"))
        || (preference == PolicyEffect::Audit && chosen.starts_with("Audit"))
    {
        format!("as the profile asks (policy.effect: {asked})")
    } else if chosen.starts_with("Audit") {
        format!("the definition has no Deny effect, only {offered}")
    } else if is("enforceSetting") {
        format!(
            "the definition has no audit or Deny effect, only {offered}: it sets on the data plane what the matching computes' jobs may use, and denies no deployment"
        )
    } else {
        format!("the definition has no audit effect, only {offered}")
    }
}

fn effect_word(effect: PolicyEffect) -> &'static str {
    match effect {
        PolicyEffect::Deny => "deny",
        PolicyEffect::Audit => "audit",
    }
}

/// The effect to assign: the strongest the definition allows under `deny`; the first audit
/// effect under `audit`, or, for definitions that cannot audit (enforceSetting), their
/// enforcing effect (`audit_gap` keeps Deny-only definitions out).
fn pick_effect(effects: &[String], preference: PolicyEffect) -> String {
    let enforcing = || {
        effects
            .iter()
            .find(|e| !e.eq_ignore_ascii_case("disabled"))
            .cloned()
            .unwrap_or_else(|| "Disabled".to_owned())
    };
    match preference {
        PolicyEffect::Deny => enforcing(),
        PolicyEffect::Audit => effects
            .iter()
            .find(|e| e.starts_with("Audit"))
            .cloned()
            .unwrap_or_else(enforcing),
    }
}

/// Policy assignment names are at most 64 characters at subscription scope.
fn assignment_name(project: &str, key: &str) -> String {
    let name = format!("mlz-{project}-{}", key.replace('_', "-"));
    name.chars().take(64).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn effects(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn effects_follow_the_preference_within_what_a_definition_allows() {
        let deny_audit = effects(&["Deny", "Audit", "Disabled"]);
        assert_eq!(pick_effect(&deny_audit, PolicyEffect::Deny), "Deny");
        assert_eq!(pick_effect(&deny_audit, PolicyEffect::Audit), "Audit");
        let audit_only = effects(&["AuditIfNotExists", "Disabled"]);
        assert_eq!(
            pick_effect(&audit_only, PolicyEffect::Deny),
            "AuditIfNotExists"
        );
        let setting = effects(&["enforceSetting", "disabled"]);
        assert_eq!(pick_effect(&setting, PolicyEffect::Audit), "enforceSetting");
    }

    #[test]
    fn key_expiry_follows_rotation() {
        assert_eq!(days_iso(Duration::from_days(90)), "P90D");
        assert_eq!(days_iso(Duration::from_mins(1)), "P1D");
    }
}
