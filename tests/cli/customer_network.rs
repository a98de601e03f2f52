//! Compute in the zone's own VNet (`network.mode: customer`) works without a public IP: its
//! subnet's NSG allows what Microsoft lists as required outbound, the storage service endpoint
//! policy lets Azure Machine Learning provision compute, and serverless compute joins the subnet,
//! read off the generated Terraform (hcl-rs) and Bicep (the parser in `bicep.rs`).

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use hcl::{Block, Body, Expression};
use serde_json::Value;

use crate::bicep::StmtKind;
use crate::managed_network::{bicep_file, literal, module_depends_on};
use crate::support::{HUB_MONITOR_SCOPE, extending, generate_into, hub_zones, repo};

/// Outbound that compute without a public IP needs (Microsoft Learn, kept here apart from
/// `data/compute-outbound.yaml`, so a fact dropped there fails): (destination, protocol, ports).
/// how-to-secure-training-vnet, "Compute instance/cluster or serverless compute with no public
/// IP": AzureMachineLearning TCP 443/8787/18881 and UDP 5831, BatchNodeManagement.<region> any
/// 443, Storage.<region> 443; how-to-access-azureml-behind-firewall: Storage.<region> 445,
/// AzureActiveDirectory 80/443, AzureResourceManager, AzureMonitor, MicrosoftContainerRegistry
/// and AzureFrontDoor.FirstParty 443, AzureFrontDoor.FrontEnd 443 (studio's entry point; spelt
/// `AzureFrontDoor.Frontend` in service-tags-overview), the key vault of the HBI scenario;
/// regional tags where the service has them (service-tags-overview).
const REQUIRED: &[(&str, &str, &[&str])] = &[
    ("AzureMachineLearning", "Tcp", &["443", "8787", "18881"]),
    ("AzureMachineLearning", "Udp", &["5831"]),
    ("BatchNodeManagement.WestEurope", "*", &["443"]),
    ("Storage.WestEurope", "Tcp", &["443", "445"]),
    ("MicrosoftContainerRegistry.WestEurope", "Tcp", &["443"]),
    ("AzureFrontDoor.FirstParty", "Tcp", &["443"]),
    ("AzureFrontDoor.Frontend", "Tcp", &["443"]),
    ("AzureActiveDirectory", "Tcp", &["80", "443"]),
    ("AzureResourceManager", "Tcp", &["443"]),
    ("AzureMonitor", "Tcp", &["443"]),
    ("AzureKeyVault.WestEurope", "Tcp", &["443"]),
];

/// An outbound rule as both formats are read: (priority, access, destination, protocol, ports).
type Rule = (i64, String, String, String, BTreeSet<String>);

struct Output {
    terraform: Vec<(String, Block)>,
    dir: std::path::PathBuf,
}

fn generate(dir: &Path, golden: &str) -> Output {
    generate_profile(dir, &repo().join(format!("profiles/{golden}.yaml")))
}

fn generate_profile(dir: &Path, profile: &Path) -> Output {
    let out = dir.join("out");
    generate_into(profile, &out, "terraform,bicep");
    let mut terraform = Vec::new();
    for entry in fs::read_dir(out.join("terraform")).expect("terraform/") {
        let path = entry.expect("an entry").path();
        let body: Body = hcl::parse(&fs::read_to_string(&path).expect("a .tf file"))
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        for block in body.blocks().filter(|b| b.identifier() == "resource") {
            let labels: Vec<&str> = block.labels().iter().map(|l| l.as_str()).collect();
            terraform.push((labels.join("."), block.clone()));
        }
    }
    Output {
        terraform,
        dir: out,
    }
}

impl Output {
    fn resource(&self, address: &str) -> Option<&Block> {
        self.terraform
            .iter()
            .find(|(a, _)| a == address)
            .map(|(_, b)| b)
    }

    /// The Terraform's outbound rules of `role`'s compute NSG.
    fn terraform_rules(&self, role: &str) -> Vec<Rule> {
        let nsg = format!("azurerm_network_security_group.{role}_compute.name");
        self.terraform
            .iter()
            .filter(|(a, b)| {
                a.starts_with("azurerm_network_security_rule.")
                    && expr(b.body(), "network_security_group_name").is_some_and(|e| e == nsg)
            })
            .filter(|(_, b)| string(b.body(), "direction") == "Outbound")
            .map(|(_, b)| {
                let body = b.body();
                let ports = match attr(body, "destination_port_ranges") {
                    Some(Expression::Array(items)) => items.iter().map(expr_text).collect(),
                    _ => BTreeSet::from([string(body, "destination_port_range")]),
                };
                let priority = match attr(body, "priority") {
                    Some(Expression::Number(n)) => n.as_i64().unwrap_or_default(),
                    _ => 0,
                };
                (
                    priority,
                    string(body, "access"),
                    string(body, "destination_address_prefix"),
                    string(body, "protocol"),
                    ports,
                )
            })
            .collect()
    }

    /// The Bicep's outbound rules of `role`'s compute NSG.
    fn bicep_rules(&self, role: &str) -> Vec<Rule> {
        // The endpoint subnet's NSG has no rules of its own.
        let nsg = self.bicep_resource(
            role,
            "network",
            "Microsoft.Network/networkSecurityGroups@",
            |b| b["properties"]["securityRules"].is_array(),
        );
        nsg["properties"]["securityRules"]
            .as_array()
            .expect("securityRules")
            .iter()
            .map(|rule| &rule["properties"])
            .filter(|p| p["direction"] == "Outbound")
            .map(|p| {
                let ports = match &p["destinationPortRanges"] {
                    Value::Array(items) => items.iter().map(text).collect(),
                    _ => BTreeSet::from([text(&p["destinationPortRange"])]),
                };
                (
                    p["priority"].as_i64().unwrap_or_default(),
                    text(&p["access"]),
                    text(&p["destinationAddressPrefix"]),
                    text(&p["protocol"]),
                    ports,
                )
            })
            .collect()
    }

    /// The literal body of `role`'s virtual network in the Bicep.
    fn bicep_vnet(&self, role: &str) -> Value {
        self.bicep_resource(
            role,
            "network",
            "Microsoft.Network/virtualNetworks@",
            |_| true,
        )
    }

    /// The literal body of the one resource of `type@` in `modules/ROLE-MODULE.bicep` that
    /// `pick` chooses.
    fn bicep_resource(
        &self,
        role: &str,
        module: &str,
        ty: &str,
        pick: impl Fn(&Value) -> bool,
    ) -> Value {
        let file = bicep_file(&self.dir, &format!("modules/{role}-{module}.bicep"));
        let found: Vec<Value> = file
            .statements
            .iter()
            .filter_map(|s| match &s.kind {
                StmtKind::Resource(r)
                    if !r.existing && r.ty.literal().is_some_and(|t| t.starts_with(ty)) =>
                {
                    Some(literal(&r.value))
                }
                _ => None,
            })
            .filter(|b| pick(b))
            .collect();
        let [one] = &found[..] else {
            panic!("{role}-{module}: {} resources of {ty}", found.len());
        };
        one.clone()
    }
}

#[test]
fn no_public_ip_compute_reaches_what_microsoft_lists_in_both_formats() {
    let temp = tempfile::tempdir().expect("a temporary directory");
    let out = generate(temp.path(), "customer-vnet");
    for (format, rules) in [
        ("terraform", out.terraform_rules("primary")),
        ("bicep", out.bicep_rules("primary")),
    ] {
        let deny = rules
            .iter()
            .find(|r| r.1 == "Deny" && r.2 == "Internet")
            .unwrap_or_else(|| panic!("{format}: no rule denies other internet outbound"));
        for (destination, protocol, ports) in REQUIRED {
            let ports: BTreeSet<String> = ports.iter().map(|p| (*p).to_owned()).collect();
            let allowed = rules.iter().any(|r| {
                r.1 == "Allow"
                    && r.2 == *destination
                    && r.3 == *protocol
                    && ports.is_subset(&r.4)
                    && r.0 < deny.0
            });
            assert!(
                allowed,
                "{format}: no {protocol} {ports:?} to {destination} before the deny rule: {rules:?}"
            );
        }
        // Regional tags, not the whole cloud's storage.
        assert!(
            rules.iter().all(|r| r.2 != "Storage"),
            "{format}: all of Storage is allowed"
        );
    }
}

/// Whether `rules` let HTTPS to the internet through before their deny rule.
fn https_to_internet_passes(rules: &[Rule]) -> bool {
    let deny = rules
        .iter()
        .find(|r| r.1 == "Deny" && r.2 == "Internet")
        .map_or(i64::MAX, |r| r.0);
    rules.iter().any(|r| {
        r.1 == "Allow" && r.2 == "Internet" && r.3 == "Tcp" && r.4.contains("443") && r.0 < deny
    })
}

#[test]
fn with_the_hub_firewall_https_to_the_internet_passes_the_nsg_to_be_filtered_there() {
    // NSGs match addresses, never host names: pypi.org is `Internet` to them, so the firewall,
    // which admits it by name, must get to see it.
    let temp = tempfile::tempdir().expect("a temporary directory");
    let out = generate(temp.path(), "customer-vnet");
    for role in ["primary", "secondary"] {
        for (format, rules) in [
            ("terraform", out.terraform_rules(role)),
            ("bicep", out.bicep_rules(role)),
        ] {
            assert!(
                https_to_internet_passes(&rules),
                "{format} {role}: HTTPS to the internet never reaches the hub firewall: {rules:?}"
            );
            assert!(
                rules.iter().any(|r| r.1 == "Deny" && r.2 == "Internet"),
                "{format} {role}: the rest of the internet is no longer denied"
            );
        }
    }
    let report = fs::read_to_string(out.dir.join("COMPLIANCE.md")).expect("COMPLIANCE.md");
    assert!(report.contains("stopped by the hub firewall, not by this zone"));
    assert!(report.contains("`pypi.org`"));
}

#[test]
fn with_a_nat_gateway_the_internet_stays_denied_and_packages_come_from_a_private_feed() {
    let temp = tempfile::tempdir().expect("a temporary directory");
    let profile = extending(
        temp.path(),
        "profiles/customer-vnet.yaml",
        "network:\n  egress: {via: nat_gateway}\n",
    );
    let out = generate_profile(temp.path(), &profile);
    for (format, rules) in [
        ("terraform", out.terraform_rules("primary")),
        ("bicep", out.bicep_rules("primary")),
    ] {
        assert!(
            !https_to_internet_passes(&rules),
            "{format}: HTTPS to the internet is open with nothing to filter it: {rules:?}"
        );
        assert!(rules.iter().any(|r| r.1 == "Deny" && r.2 == "Internet"));
    }
    let report = fs::read_to_string(out.dir.join("COMPLIANCE.md")).expect("COMPLIANCE.md");
    assert!(report.contains("install packages from a private feed"));
    assert!(!report.contains("stopped by the hub firewall"));
}

#[test]
fn the_storage_endpoint_policy_lets_azure_machine_learning_provision_compute() {
    let temp = tempfile::tempdir().expect("a temporary directory");
    let out = generate(temp.path(), "customer-vnet");
    let alias = "/services/Azure/MachineLearning";
    let policy = out
        .resource("azurerm_subnet_service_endpoint_storage_policy.primary")
        .expect("a storage endpoint policy");
    let global = policy
        .body()
        .blocks()
        .filter(|b| b.identifier() == "definition")
        .find(|b| string(b.body(), "service") == "Global")
        .expect("terraform: a definition of service Global");
    assert!(
        matches!(attr(global.body(), "service_resources"), Some(Expression::Array(items))
            if items.iter().any(|i| expr_text(i) == alias)),
        "terraform: the Global definition lacks {alias}"
    );
    let bicep = out.bicep_resource(
        "primary",
        "network",
        "Microsoft.Network/serviceEndpointPolicies@",
        |_| true,
    );
    let definitions = bicep["properties"]["serviceEndpointPolicyDefinitions"]
        .as_array()
        .expect("definitions");
    assert!(
        definitions
            .iter()
            .any(|d| d["properties"]["service"] == "Global"
                && d["properties"]["serviceResources"]
                    .as_array()
                    .is_some_and(|r| r.iter().any(|v| v == alias))),
        "bicep: no Global definition with {alias}: {definitions:?}"
    );
}

#[test]
fn serverless_compute_joins_the_compute_subnet_without_a_public_ip() {
    let temp = tempfile::tempdir().expect("a temporary directory");
    let out = generate(temp.path(), "customer-vnet");
    for role in ["primary", "secondary"] {
        let workspace = out
            .resource(&format!("azurerm_machine_learning_workspace.{role}"))
            .expect("a workspace");
        let serverless = workspace
            .body()
            .blocks()
            .find(|b| b.identifier() == "serverless_compute")
            .unwrap_or_else(|| panic!("terraform {role}: no serverless_compute"));
        assert_eq!(
            expr(serverless.body(), "subnet_id").as_deref(),
            Some(format!("azurerm_subnet.{role}_compute.id").as_str())
        );
        assert_eq!(
            attr(serverless.body(), "public_ip_enabled"),
            Some(&Expression::Bool(false))
        );
        let bicep = out.bicep_resource(
            role,
            "workspace",
            "Microsoft.MachineLearningServices/workspaces@",
            |_| true,
        );
        let settings = &bicep["properties"]["serverlessComputeSettings"];
        assert_eq!(
            settings["serverlessComputeNoPublicIP"], true,
            "bicep {role}"
        );
        let subnet = fs::read_to_string(
            out.dir
                .join(format!("bicep/modules/{role}-workspace.bicep")),
        )
        .expect("the workspace module");
        assert!(
            subnet.contains("serverlessComputeCustomSubnet: resourceId('Microsoft.Network/virtualNetworks/subnets',")
                && subnet.contains("'snet-compute')"),
            "bicep {role}: the custom subnet is not the compute subnet"
        );
        // The subnet exists before the workspace that names it.
        let main = bicep_file(&out.dir, "main.bicep");
        let after = module_depends_on(&main, &format!("{role}Workspace"));
        assert!(
            after.contains(&format!("{role}Network")),
            "bicep {role}: the workspace does not wait for the network: {after:?}"
        );
    }
}

#[test]
fn a_managed_network_keeps_serverless_compute_and_nsg_rules_to_azure() {
    let temp = tempfile::tempdir().expect("a temporary directory");
    let out = generate(temp.path(), "baseline");
    let workspace = out
        .resource("azurerm_machine_learning_workspace.primary")
        .expect("a workspace");
    assert!(
        workspace
            .body()
            .blocks()
            .all(|b| b.identifier() != "serverless_compute")
    );
    assert!(out.terraform_rules("primary").is_empty());
    let bicep = out.bicep_resource(
        "primary",
        "workspace",
        "Microsoft.MachineLearningServices/workspaces@",
        |_| true,
    );
    assert!(
        bicep["properties"]
            .get("serverlessComputeSettings")
            .is_none()
    );
}

/// A hub in another subscription, as a profile gives it.
const HUB: &str = "/subscriptions/3f2a1b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b/resourceGroups/rg-hub/providers/Microsoft.Network/virtualNetworks/vnet-hub";

#[test]
fn egress_leaves_through_the_hub_firewall_the_deployer_names() {
    let temp = tempfile::tempdir().expect("a temporary directory");
    let out = generate(temp.path(), "customer-vnet");
    let read = |name: &str| fs::read_to_string(out.dir.join(name)).expect(name);
    for role in ["primary", "secondary"] {
        let route = out
            .resource(&format!("azurerm_route.{role}_compute_to_firewall"))
            .unwrap_or_else(|| panic!("terraform {role}: no route to the firewall"));
        assert_eq!(string(route.body(), "address_prefix"), "0.0.0.0/0");
        assert_eq!(string(route.body(), "next_hop_type"), "VirtualAppliance");
        assert_eq!(
            expr(route.body(), "next_hop_in_ip_address").as_deref(),
            Some("var.hub_firewall_ip")
        );
        let association = out
            .resource(&format!(
                "azurerm_subnet_route_table_association.{role}_compute"
            ))
            .unwrap_or_else(|| panic!("terraform {role}: the route table is not on the subnet"));
        assert_eq!(
            expr(association.body(), "subnet_id").as_deref(),
            Some(format!("azurerm_subnet.{role}_compute.id").as_str())
        );
        let table = out.bicep_resource(role, "network", "Microsoft.Network/routeTables@", |_| true);
        let hop = &table["properties"]["routes"][0]["properties"];
        assert_eq!(hop["addressPrefix"], "0.0.0.0/0", "bicep {role}");
        assert_eq!(hop["nextHopType"], "VirtualAppliance", "bicep {role}");
        let module = read(&format!("bicep/modules/{role}-network.bicep"));
        assert!(
            module.contains("nextHopIpAddress: hubFirewallIp"),
            "bicep {role}"
        );
        assert!(
            compute_subnet(&out.bicep_vnet(role))["properties"]
                .get("routeTable")
                .is_some(),
            "bicep {role}: the route table is not on the subnet"
        );
    }
    // The deployer gives the address, validated, in either format.
    let variables = read("terraform/variables.tf");
    assert!(variables.contains("variable \"hub_firewall_ip\""));
    assert!(variables.contains("cidrhost(\"${var.hub_firewall_ip}/32\", 0)"));
    assert!(read("bicep/main.bicep").contains("param hubFirewallIp string"));
    assert!(
        read("bicep/main.bicepparam")
            .contains("param hubFirewallIp = readEnvironmentVariable('MLZONE_HUB_FIREWALL_IP')")
    );
}

#[test]
fn a_nat_gateway_hub_dns_and_hub_zones_in_both_formats() {
    let temp = tempfile::tempdir().expect("a temporary directory");
    let zones = hub_zones();
    let profile = extending(
        temp.path(),
        "profiles/customer-vnet.yaml",
        &format!(
            "network:\n  egress: {{via: nat_gateway}}\n  hub_peering: {{virtual_network_id: {HUB}, use_remote_gateways: true}}\n  dns:\n    servers: [10.0.0.68]\n    monitor_private_link_scope_id: {HUB_MONITOR_SCOPE}\n    zone_ids:\n{zones}"
        ),
    );
    let out = generate_profile(temp.path(), &profile);
    let read = |name: &str| fs::read_to_string(out.dir.join(name)).expect(name);
    assert!(!read("terraform/variables.tf").contains("hub_"));
    assert!(!read("bicep/main.bicepparam").contains("MLZONE_HUB_"));
    for role in ["primary", "secondary"] {
        assert!(
            out.resource(&format!("azurerm_route_table.{role}_compute"))
                .is_none()
        );
        let association = out
            .resource(&format!(
                "azurerm_subnet_nat_gateway_association.{role}_compute"
            ))
            .unwrap_or_else(|| panic!("terraform {role}: no NAT gateway on the subnet"));
        assert_eq!(
            expr(association.body(), "nat_gateway_id").as_deref(),
            Some(format!("azurerm_nat_gateway.{role}_compute.id").as_str())
        );
        assert!(
            out.resource(&format!(
                "azurerm_nat_gateway_public_ip_association.{role}_compute"
            ))
            .is_some(),
            "terraform {role}: the NAT gateway has no public IP"
        );
        let vnet = out
            .resource(&format!("azurerm_virtual_network.{role}"))
            .expect("a vnet");
        assert!(
            matches!(attr(vnet.body(), "dns_servers"), Some(Expression::Array(items))
                if items.iter().map(expr_text).collect::<Vec<_>>() == ["10.0.0.68"]),
            "terraform {role}: the VNet does not use the hub's DNS"
        );
        let peering = out
            .resource(&format!("azurerm_virtual_network_peering.{role}_hub"))
            .unwrap_or_else(|| panic!("terraform {role}: no hub peering"));
        assert_eq!(string(peering.body(), "remote_virtual_network_id"), HUB);
        assert_eq!(
            attr(peering.body(), "use_remote_gateways"),
            Some(&Expression::Bool(true))
        );
        // No zone is created here: every one is the hub's.
        assert!(
            out.terraform
                .iter()
                .all(|(a, _)| !a.starts_with("azurerm_private_dns_zone.")),
            "terraform {role}: a zone is created although the hub has them all"
        );

        let nat = out.bicep_resource(role, "network", "Microsoft.Network/natGateways@", |_| true);
        assert_eq!(
            nat["properties"]["publicIpAddresses"]
                .as_array()
                .map(Vec::len),
            Some(1),
            "bicep {role}"
        );
        let vnet = out.bicep_vnet(role);
        assert_eq!(
            vnet["properties"]["dhcpOptions"]["dnsServers"],
            serde_json::json!(["10.0.0.68"]),
            "bicep {role}"
        );
        assert!(
            compute_subnet(&vnet)["properties"]
                .get("natGateway")
                .is_some(),
            "bicep {role}"
        );
        let peering = out.bicep_resource(
            role,
            "network",
            "Microsoft.Network/virtualNetworks/virtualNetworkPeerings@",
            |_| true,
        );
        assert_eq!(peering["properties"]["remoteVirtualNetwork"]["id"], HUB);
        assert_eq!(peering["properties"]["useRemoteGateways"], true);
    }
}

#[test]
fn hub_peering_is_a_way_in_on_a_managed_network_too() {
    let temp = tempfile::tempdir().expect("a temporary directory");
    let profile = extending(
        temp.path(),
        "profiles/baseline.yaml",
        &format!(
            "network:\n  hub_peering: {{}}\n  dns:\n    servers: [10.0.0.68]\n    monitor_private_link_scope_id: {HUB_MONITOR_SCOPE}\n    zone_ids:\n{}",
            hub_zones()
        ),
    );
    let out = generate_profile(temp.path(), &profile);
    let peering = out
        .resource("azurerm_virtual_network_peering.primary_hub")
        .expect("terraform: a hub peering");
    assert_eq!(
        expr(peering.body(), "remote_virtual_network_id").as_deref(),
        Some("var.hub_virtual_network_id")
    );
    assert_eq!(
        attr(peering.body(), "allow_forwarded_traffic"),
        Some(&Expression::Bool(true))
    );
    let read = |name: &str| fs::read_to_string(out.dir.join(name)).expect(name);
    assert!(read("terraform/variables.tf").contains("variable \"hub_virtual_network_id\""));
    assert!(read("bicep/modules/primary-network.bicep").contains("id: hubVirtualNetworkId"));
    assert!(read("bicep/main.bicepparam").contains("MLZONE_HUB_VIRTUAL_NETWORK_ID"));
}

/// The compute subnet of a Bicep virtual network body.
fn compute_subnet(vnet: &Value) -> &Value {
    vnet["properties"]["subnets"]
        .as_array()
        .expect("subnets")
        .iter()
        .find(|s| s["name"] == "snet-compute")
        .expect("a compute subnet")
}

fn attr<'a>(body: &'a Body, name: &str) -> Option<&'a Expression> {
    body.attributes()
        .find(|a| a.key() == name)
        .map(|a| a.expr())
}

/// An attribute as HCL text (a reference, say), or nothing.
fn expr(body: &Body, name: &str) -> Option<String> {
    attr(body, name).map(expr_text)
}

fn expr_text(e: &Expression) -> String {
    match e {
        Expression::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn string(body: &Body, name: &str) -> String {
    match attr(body, name) {
        Some(Expression::String(s)) => s.clone(),
        _ => String::new(),
    }
}

fn text(v: &Value) -> String {
    v.as_str().map_or_else(|| v.to_string(), str::to_owned)
}

/// The addresses a Terraform resource lists under `depends_on`.
fn depends_on(block: &Block) -> BTreeSet<String> {
    match attr(block.body(), "depends_on") {
        Some(Expression::Array(items)) => items.iter().map(expr_text).collect(),
        _ => BTreeSet::new(),
    }
}

#[test]
fn compute_starts_only_once_its_subnet_has_its_nsg_rules_and_its_way_out() {
    let temp = tempfile::tempdir().expect("a temporary directory");
    let nat = extending(
        temp.path(),
        "profiles/customer-vnet.yaml",
        "network:\n  egress: {via: nat_gateway}\ncompute:\n  instances:\n    - {name: ana-dev, sku: Standard_E4_v5, user_object_id: 77777777-7777-4777-8777-777777777777}\n",
    );
    for (label, profile) in [
        ("firewall", repo().join("profiles/customer-vnet.yaml")),
        ("nat gateway", nat),
    ] {
        let dir = temp.path().join(label.replace(' ', "-"));
        let out = generate_profile(&dir, &profile);
        for role in ["primary", "secondary"] {
            let refers = |block: &Block, to: &str| {
                block
                    .body()
                    .attributes()
                    .filter(|a| a.key() != "depends_on")
                    .any(|a| expr_text(a.expr()).contains(to))
            };
            // What the compute subnet's traffic passes: the NSG association and rules, the
            // route or NAT gateway and their associations.
            let ready: BTreeSet<String> = out
                .terraform
                .iter()
                .filter(|(address, block)| {
                    [
                        "azurerm_subnet_",
                        "azurerm_network_security_rule.",
                        "azurerm_route.",
                        "azurerm_nat_gateway_public_ip_association.",
                    ]
                    .iter()
                    .any(|kind| address.starts_with(kind))
                        && [
                            format!("azurerm_subnet.{role}_compute."),
                            format!("azurerm_network_security_group.{role}_compute."),
                            format!("azurerm_route_table.{role}_compute."),
                            format!("azurerm_nat_gateway.{role}_compute."),
                        ]
                        .iter()
                        .any(|to| refers(block, to))
                })
                .map(|(address, _)| address.clone())
                .collect();
            assert!(
                ready.len() > 3,
                "{label} {role}: too little found on the compute subnet: {ready:?}"
            );
            let compute: Vec<&(String, Block)> = out
                .terraform
                .iter()
                .filter(|(address, block)| {
                    (address.starts_with("azurerm_machine_learning_compute_")
                        || address.starts_with("azapi_resource."))
                        && refers(block, &format!("azurerm_subnet.{role}_compute.id"))
                })
                .collect();
            assert!(
                !compute.is_empty(),
                "{label} {role}: no compute in the subnet"
            );
            for (address, block) in compute {
                let after = depends_on(block);
                let missing: Vec<&String> = ready.difference(&after).collect();
                assert!(
                    missing.is_empty(),
                    "{label}: {address} can start before {missing:?}"
                );
            }
        }
    }
}
