//! Stage 3: the resolved landing zone. A `Plan` is what gets deployed: every default applied,
//! every name, range and policy parameter computed, every security setting an explicit value,
//! and every recommendation recorded as applied, waived or advisory. Templates print a plan and
//! decide nothing.

pub mod bodies;
pub mod check;
mod create_only;
pub mod derive;
mod exemptions;
mod resolve;
pub(crate) mod roles;
pub mod security;
mod status;
#[cfg(test)]
mod tests;
mod waiver_effects;

pub use resolve::resolve;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::facts::{self, Kind, SkuKind};
use crate::naming::Names;
use crate::profile::{EgressVia, Environment, NetworkMode, OutputFormat, Purpose, SuffixSource};

/// The resolved landing zone.
#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    /// Project name.
    pub project: String,
    /// Environment.
    pub environment: Environment,
    /// Network mode.
    pub network_mode: NetworkMode,
    /// Tags on every resource, mlzone's included.
    pub tags: BTreeMap<String, String>,
    /// The primary region's stack, then the secondary's if any.
    pub regions: Vec<RegionPlan>,
    /// The container registry (one, in the primary region, geo-replicated).
    pub registry: RegistryPlan,
    /// How the globally unique names are made unique.
    pub naming: NamingPlan,
    /// Compute instances (primary region only: they are personal development machines).
    pub instances: Vec<InstancePlan>,
    /// Role assignments of Entra groups on each workspace.
    pub access: Vec<RoleAssignment>,
    /// Every role assignment of the zone, for people: principal, role, scope, why.
    pub role_assignments: Vec<RoleAssignmentRow>,
    /// Governance: policy assignments, custom definitions, Defender plans.
    pub governance: GovernancePlan,
    /// Monthly budget.
    pub budget: Option<BudgetPlan>,
    /// Formats to generate.
    pub outputs: Vec<OutputFormat>,
    /// Key access for the Azure Cosmos DB service principal, where a workspace has a
    /// customer-managed key: its object ID is given at deploy time.
    pub cosmos_db_key_access: Option<FirstPartyGrant>,
    /// How what uses a role assignment made in the same run waits for it to reach the data
    /// plane that checks it.
    pub role_propagation: RolePropagation,
    /// Resource provider namespaces the zone deploys into, sorted: the Terraform registers
    /// them (azurerm 5.x registers none by default).
    pub resource_providers: Vec<String>,
    /// ARM API versions of the bodies written directly (azapi, Bicep), by resource type.
    pub api_versions: BTreeMap<String, String>,
    /// How the Bicep is deployed: as a deployment stack, which deletes what leaves the template.
    pub bicep_deployment: BicepDeploymentPlan,
    /// What destroying the zone does, and what guards a production zone against it.
    pub teardown: TeardownPlan,
    /// Fields whose Azure property is set only when its resource is created: changing one on a
    /// deployed zone replaces that resource (`mlzone diff` says so).
    pub create_only: Vec<CreateOnly>,
    /// Hub values the deployer gives at deploy time.
    pub deploy_inputs: DeployInputs,
    /// Every catalog recommendation and what became of it.
    pub recommendations: Vec<RecommendationStatus>,
    /// The waived recommendations, for the notes generated files carry.
    pub waivers: Vec<WaiverNote>,
}

/// How the globally unique names (key vaults, storage accounts, the registry) end. With the
/// subscription suffix the names carry [`crate::naming::SUFFIX_SLOT`], which the Terraform
/// computes as `local.name_suffix` and the Bicep as `nameSuffix`, both as the first four hex
/// digits of ARM's `guid(lower(subscription ID), arguments...)`.
#[derive(Debug, Clone, Serialize)]
pub struct NamingPlan {
    /// Where the suffix comes from.
    pub suffix: SuffixSource,
    /// The namespace of ARM's `guid()`, a UUIDv5 namespace (Terraform's `uuidv5`).
    pub guid_namespace: String,
    /// The `guid()` arguments after the subscription ID: project, environment, primary region.
    pub guid_arguments: Vec<String>,
    /// The globally unique names by key (`primary/key_vault`, `primary/storage`, `registry`,
    /// ...), as generated: what the manifest records, so `diff` sees them change.
    pub global: BTreeMap<String, String>,
    /// The same names with the legacy suffix: what a zone deployed before carries.
    pub legacy: BTreeMap<String, String>,
}

/// The Bicep's deployment: a subscription-scope deployment stack. A plain deployment is
/// incremental and leaves in Azure whatever the template no longer declares (an outbound rule
/// removed from the profile would stay allowed); a stack whose `actionOnUnmanage` deletes
/// resources removes it ("Deployment stacks", Microsoft Learn, Azure Resource Manager / Bicep).
#[derive(Debug, Clone, Serialize)]
pub struct BicepDeploymentPlan {
    /// Stack name (one per zone: project, environment and primary region).
    pub stack: String,
    /// Where the stack's metadata lives: the primary region.
    pub location: String,
    /// `az stack sub create --action-on-unmanage`: `deleteResources` deletes the resources that
    /// leave the template and detaches resource groups.
    pub action_on_unmanage: String,
    /// `--deny-settings-mode`: `none`, no deny assignments on the managed resources.
    pub deny_settings_mode: String,
    /// What the module deployments' names start with: `mlzone-<project>-<environment>-<region
    /// code>`. A subscription-scope deployment keeps its first location, so two zones in one
    /// subscription (another project, environment or region) must never share a name.
    pub prefix: String,
    /// Resource provider namespaces the deployment needs but does not register itself (ARM
    /// registers those of the template's resource types), sorted: Cosmos DB and Search for a
    /// customer-managed-key workspace's metadata, and `Microsoft.ContainerInstance`, where the
    /// Bicep's deployment scripts run (role-propagation waits, managed network provisioning).
    pub register_first: Vec<String>,
}

/// The wait between a role assignment and its first use. Microsoft documents up to ten minutes
/// for Key Vault ("Azure role-based access control for Key Vault", known limits); two minutes
/// covers the usual case, and a rerun finishes the rare slower one. ARM has no wait of its own:
/// the Bicep sleeps in a deployment script (`Microsoft.Resources/deploymentScripts`), the
/// pattern Azure Verified Modules use for the same purpose (avm/res/compute/disk, e2e test
/// des-cmk-uami). The deployment script service runs it in a container instance with a storage
/// account of its own, both deleted when it ends (Microsoft Learn, "Use deployment scripts in
/// Bicep").
#[derive(Debug, Clone, Serialize)]
pub struct RolePropagation {
    /// Terraform `time_sleep.create_duration`, e.g. `120s`.
    pub duration: String,
    /// The same wait in seconds: what the Bicep script sleeps.
    pub seconds: u32,
    /// `azCliVersion` of the Bicep script: the Azure CLI image it runs in, the version Microsoft
    /// Learn's deployment-script syntax example uses ("Develop a deployment script in Bicep").
    pub azure_cli_version: String,
    /// `retentionInterval`: how long Azure keeps the finished script resource (ISO 8601; one
    /// hour is the shortest Azure accepts).
    pub retention: String,
    /// `timeout`: the longest the script may run (ISO 8601).
    pub timeout: String,
}

/// Teardown. A destroyed workspace is soft-deleted and keeps its name for
/// `workspace_soft_delete_days` unless purged ("Recover workspace data while soft deleted",
/// Microsoft Learn); a purge-protected key vault cannot be purged before its retention ends.
#[derive(Debug, Clone, Serialize)]
pub struct TeardownPlan {
    /// azurerm `features.machine_learning.purge_soft_deleted_workspace_on_destroy`: a
    /// destroyed workspace is deleted permanently, its name free at once (outside production).
    pub purge_workspace_on_destroy: bool,
    /// Days Azure keeps a deleted, unpurged workspace (and its name).
    pub workspace_soft_delete_days: u32,
    /// `lifecycle { prevent_destroy = true }` on each workspace, key vault and storage account
    /// (production): Terraform refuses any plan that would destroy one, a replacement included.
    pub prevent_destroy: bool,
    /// Bicep's counterpart of `prevent_destroy` (production): the level of a
    /// `Microsoft.Authorization/locks` on each key vault and storage account (not the workspace,
    /// whose lock would hold its outbound rules and computes too),
    /// `CanNotDelete` (ManagementLockProperties.level, `tests/data/bicep-types.json`). A deployment
    /// stack deletes what leaves the template; Azure refuses to delete a locked resource.
    pub delete_lock: Option<String>,
    /// azurerm `features.key_vault.purge_soft_delete_on_destroy`: off, as the vaults are
    /// purge-protected (Azure refuses the purge; azurerm then skips it).
    pub purge_key_vault_on_destroy: bool,
    /// azurerm `features.key_vault.recover_soft_deleted_key_vaults`: re-creating a zone within
    /// the vault's retention recovers the soft-deleted vault (with its customer-managed key,
    /// where the zone has one) instead of failing on its taken name.
    pub recover_key_vault: bool,
}

/// A field of the profile whose Azure property is set only at its resource's creation
/// (azurerm ForceNew, `tests/data/azurerm-validations.json`, or an Azure rule).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateOnly {
    /// Stable key: `primary/workspace/high_business_impact`.
    pub key: String,
    /// The profile field, as a path: `encryption.high_business_impact`.
    pub field: String,
    /// The resource a change replaces, for people: `workspace mlw-fraud-prod-weu`.
    pub resource: String,
    /// The Terraform property and the ARM property that carry it:
    /// `high_business_impact` / `hbiWorkspace`.
    pub property: String,
    /// The value, as text.
    pub value: String,
    /// Only a change away from this value replaces the resource (Azure cannot turn it back);
    /// `None`: any change does.
    pub one_way_from: Option<String>,
    /// Set when Azure keeps the value the resource was created with and a deployment of a
    /// change neither applies it nor replaces the resource: how to apply it by hand.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kept_by_azure: Option<String>,
    /// Set when a Bicep deployment cannot replace the resource (it only PUTs it again, and
    /// Azure does not update it in place): the command that deletes it before deploying.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delete_before_bicep: Option<String>,
    /// Set when Azure refuses a change away from `one_way_from`, so that a deployment of it
    /// fails instead of replacing the resource: why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refused_by_azure: Option<String>,
}

/// A role for a Microsoft first-party application's service principal, whose object ID differs
/// per tenant: the deployer looks it up and gives it at deploy time.
#[derive(Debug, Clone, Serialize)]
pub struct FirstPartyGrant {
    /// The application, e.g. `Azure Cosmos DB`.
    pub application: String,
    /// Its application (client) ID.
    pub application_id: String,
    /// The built-in role it gets on each key vault.
    pub role: String,
    /// The role's definition GUID.
    pub role_definition_id: String,
}

/// A waiver, as generated files record it.
#[derive(Debug, Clone, Serialize)]
pub struct WaiverNote {
    /// Catalog ID.
    pub id: String,
    /// Title.
    pub title: String,
    /// Why.
    pub reason: String,
    /// Until when.
    pub expires: String,
    /// Concerns whose files the waiver changes.
    pub concerns: Vec<String>,
    /// What it turns off, one line each: the settings it relaxes (`relaxes ...: from strict
    /// to waived`), the resources and policy assignments it removes (`removes ...`) and what it
    /// adds instead (`adds ...`: exemptions, other modes). Empty when it changes nothing.
    pub turns_off: Vec<String>,
}

/// Primary or secondary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RegionRole {
    /// Where the project runs.
    Primary,
    /// The recovery stack.
    Secondary,
}

/// One region's stack.
#[derive(Debug, Clone, Serialize)]
pub struct RegionPlan {
    /// Primary or secondary.
    pub role: RegionRole,
    /// Programmatic region name.
    pub location: String,
    /// Display name.
    pub display_name: String,
    /// Short code used in names.
    pub code: String,
    /// Whether the region has availability zones.
    pub zones: bool,
    /// Resource names.
    pub names: Names,
    /// Virtual network.
    pub network: NetworkPlan,
    /// Azure ML workspace.
    pub workspace: WorkspacePlan,
    /// Key vault and the customer-managed key.
    pub key_vault: KeyVaultPlan,
    /// Storage account.
    pub storage: StoragePlan,
    /// Log Analytics, Application Insights and diagnostic settings.
    pub monitoring: MonitoringPlan,
    /// Private endpoints into the endpoint subnet.
    pub private_endpoints: Vec<PrivateEndpointPlan>,
    /// Private DNS zones the endpoints register in.
    pub dns_zones: Vec<DnsZonePlan>,
    /// Roles of the workspace identity and of the compute identity, each in effect before what
    /// needs it: the workspace, its managed network, or compute.
    pub identity_roles: Vec<IdentityRole>,
    /// Compute clusters.
    pub clusters: Vec<ClusterPlan>,
}

/// Virtual network and subnets.
#[derive(Debug, Clone, Serialize)]
pub struct NetworkPlan {
    /// Address space.
    pub address_space: String,
    /// Private-endpoint subnet.
    pub endpoint_subnet: String,
    /// Implicit outbound internet access of the subnets (retired by Azure; always off here).
    pub default_outbound_access: bool,
    /// NSGs and route tables apply to private endpoints in the endpoint subnet.
    pub endpoint_network_policies: bool,
    /// Compute subnet (customer mode).
    pub compute_subnet: Option<String>,
    /// Service endpoint policy on the compute subnet allowing only the zone's storage (SEC-14).
    pub storage_endpoint_policy: bool,
    /// Service aliases the policy also allows (`/services/Azure/MachineLearning`: the storage
    /// Azure Machine Learning provisions compute from), each a definition of service `Global`.
    pub storage_endpoint_policy_aliases: Vec<String>,
    /// Outbound allow rules of the compute subnet's NSG (customer mode): what compute without a
    /// public IP must reach (`data/compute-outbound.yaml`); everything else to the internet is
    /// denied when `deny_internet_outbound`.
    pub compute_outbound: Vec<NsgRulePlan>,
    /// The compute subnet NSG's rule that denies other internet outbound (SEC-14), after every
    /// allow rule; none when SEC-04 or SEC-14 is waived or in managed mode.
    pub deny_internet_outbound: Option<NsgDenyRulePlan>,
    /// How the compute subnet reaches what it needs (customer mode): compute has no public IP
    /// and the subnets no implicit outbound access ("Configure inbound and outbound network
    /// traffic": a NAT gateway, or a user-defined route 0.0.0.0/0 to a firewall's private IP).
    pub egress: Option<EgressPlan>,
    /// DNS servers of the virtual network; empty for Azure's own.
    pub dns_servers: Vec<String>,
    /// The zone's side of a peering with the hub virtual network.
    pub hub_peering: Option<HubPeeringPlan>,
}

/// Egress of the compute subnet.
#[derive(Debug, Clone, Serialize)]
pub struct EgressPlan {
    /// `firewall` (a route table) or `nat_gateway`.
    pub via: EgressVia,
    /// The route's next hop, the hub firewall's private IP; `None` with `firewall` when the
    /// deployer gives it (`hub_firewall_ip`, `MLZONE_HUB_FIREWALL_IP`).
    pub firewall_ip: Option<String>,
    /// The route's destination: all outbound, `0.0.0.0/0`.
    pub route_prefix: String,
    /// Whether the route table takes routes the hub's gateway learns over BGP: off, so the
    /// default route to the firewall is not replaced.
    pub bgp_route_propagation: bool,
}

/// The zone's side of a virtual network peering with the hub.
#[derive(Debug, Clone, Serialize)]
pub struct HubPeeringPlan {
    /// Peering name.
    pub name: String,
    /// The hub virtual network's resource ID; `None` when the deployer gives it
    /// (`hub_virtual_network_id`, `MLZONE_HUB_VIRTUAL_NETWORK_ID`).
    pub virtual_network_id: Option<String>,
    /// Traffic between the networks.
    pub allow_virtual_network_access: bool,
    /// Traffic the hub forwards (replies through its firewall, people through its gateway).
    pub allow_forwarded_traffic: bool,
    /// Through the hub's VPN or ExpressRoute gateway.
    pub use_remote_gateways: bool,
}

/// What the deployer gives at deploy time because only the deployer knows it.
#[derive(Debug, Clone, Default, Serialize)]
pub struct DeployInputs {
    /// The hub firewall's private IP (`hub_firewall_ip`; `MLZONE_HUB_FIREWALL_IP`).
    pub hub_firewall_ip: bool,
    /// The hub virtual network's ID (`hub_virtual_network_id`; `MLZONE_HUB_VIRTUAL_NETWORK_ID`).
    pub hub_virtual_network_id: bool,
}

/// An outbound allow rule of the compute subnet's NSG, from the compute subnet to a service tag.
#[derive(Debug, Clone, Serialize)]
pub struct NsgRulePlan {
    /// Rule name, `allow-out-<what>`.
    pub name: String,
    /// Stable key for resource addresses, e.g. `machine_learning`.
    pub key: String,
    /// Priority, 100 and up in steps of 10 (before the deny rule).
    pub priority: u32,
    /// `Tcp`, `Udp` or `*`.
    pub protocol: String,
    /// Destination service tag, regional where the service has one (`Storage.WestEurope`).
    pub destination: String,
    /// Destination ports.
    pub ports: Vec<String>,
    /// What compute reaches through it.
    pub why: String,
    /// The Microsoft Learn article that asks for it.
    pub source: String,
}

/// An outbound NSG rule that denies all traffic, from any port and source, to `destination`
/// (Learn "Network security groups", security rules: a lower priority number is evaluated first).
#[derive(Debug, Clone, Serialize)]
pub struct NsgDenyRulePlan {
    /// Rule name, `deny-out-<what>`.
    pub name: String,
    /// Priority: after every allow rule (100 and up in steps of 10), before the default rules
    /// (65000 and up).
    pub priority: u32,
    /// Destination service tag: `Internet`.
    pub destination: String,
}

/// Serverless compute in the zone's compute subnet (customer mode): the workspace's
/// `serverless_compute` (`serverlessComputeSettings`), as for instances and clusters ("Secure an
/// Azure Machine Learning training environment with virtual networks", serverless compute with
/// no public IP).
#[derive(Debug, Clone, Serialize)]
pub struct ServerlessComputePlan {
    /// A public IP on serverless nodes (SEC-09).
    pub public_ip: bool,
}

/// The Azure ML workspace.
#[derive(Debug, Clone, Serialize)]
pub struct WorkspacePlan {
    /// Name.
    pub name: String,
    /// Whether the public endpoint is reachable (SEC-03).
    pub public_network_access: bool,
    /// Managed virtual network (managed mode).
    pub managed_network: Option<ManagedNetworkPlan>,
    /// Encrypted with the customer-managed key (SEC-13).
    pub customer_managed_key: bool,
    /// High business impact (`hbiWorkspace`, azurerm `high_business_impact`): compute scratch
    /// disks encrypted and cleaned between jobs, less diagnostic data collected ("Customer-managed
    /// keys for Azure Machine Learning", HBI configuration). Set only at creation.
    pub high_business_impact: bool,
    /// Identity of system datastores: `identity` (SEC-06) or `access_key`.
    pub datastore_auth: DatastoreAuth,
    /// Workspace-based Application Insights attached (OPS-05).
    pub app_insights: bool,
    /// The legacy v1 network-isolation mode, which bypasses the managed network.
    pub v1_legacy_mode: bool,
    /// Serverless compute in the compute subnet (customer mode); `None` on a managed network,
    /// whose serverless compute Azure places itself.
    pub serverless_compute: Option<ServerlessComputePlan>,
    /// The compute cluster environment images are built on (`imageBuildCompute`): a registry
    /// behind a private endpoint cannot build them itself ("Configure image builds",
    /// how-to-managed-network). `None` only when the registry is public (SEC-05 waived) and the
    /// profile names no cluster: the registry then builds them.
    pub image_build: Option<ImageBuildPlan>,
}

/// Where the workspace builds environment images.
#[derive(Debug, Clone, Serialize)]
pub struct ImageBuildPlan {
    /// The cluster's name, one of the region's `clusters`.
    pub cluster: String,
    /// How it was chosen.
    pub chosen: ImageBuildChoice,
    /// The same, for people: `the first CPU cluster`.
    pub reason: String,
}

/// How the image-build cluster was chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ImageBuildChoice {
    /// Named by the profile (`compute.image_build_cluster`).
    Profile,
    /// The profile's first cluster with a CPU size.
    FirstCpuCluster,
    /// Added by the plan: the profile has no CPU cluster.
    Added,
}

impl ImageBuildChoice {
    /// Why this cluster, for people.
    pub fn reason(self) -> &'static str {
        match self {
            Self::Profile => "named by the profile",
            Self::FirstCpuCluster => "the first CPU cluster",
            Self::Added => "added, as the profile has no CPU cluster",
        }
    }
}

/// How the workspace reaches its storage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DatastoreAuth {
    /// Through the workspace identity.
    Identity,
    /// Through storage account keys.
    AccessKey,
}

impl DatastoreAuth {
    /// As azurerm's `storage_account_access_type` and ARM's `systemDatastoresAuthMode` spell it
    /// (`tests/data/azurerm-validations.json`: `AccessKey` | `Identity`, case-sensitive).
    pub fn azurerm(self) -> &'static str {
        match self {
            Self::Identity => "Identity",
            Self::AccessKey => "AccessKey",
        }
    }
}

/// Managed network isolation.
#[derive(Debug, Clone, Serialize)]
pub struct ManagedNetworkPlan {
    /// `AllowOnlyApprovedOutbound` or, waived, `AllowInternetOutbound`.
    pub isolation_mode: String,
    /// Approved outbound rules.
    pub outbound_rules: Vec<OutboundRulePlan>,
    /// Whether FQDN rules make Azure provision a managed firewall (cost).
    pub firewall: bool,
    /// SKU of that managed Azure Firewall (`managedNetwork.firewallSku`: `Standard` or
    /// `Basic`), set where there is one: `network.firewall_sku`, by default Standard in
    /// production and Basic elsewhere.
    pub firewall_sku: Option<String>,
    /// The fixed monthly cost class of the managed network: what is billed whether or not
    /// traffic flows.
    pub fixed_cost: FixedCost,
    /// The same, for people (`FixedCost::describe`).
    pub fixed_cost_text: String,
    /// The managed network is provisioned explicitly, before any compute is created (in
    /// Terraform, once its outbound rules are set).
    pub provisioning: ProvisioningPlan,
}

/// What a managed network costs every month whatever its traffic: nothing, or the deployment
/// charge of the Azure Firewall that FQDN rules bring ("Managed virtual network isolation",
/// pricing; Azure Firewall pricing: Basic's fixed charge is the lowest tier's, Standard's is
/// higher, and both add a charge per GB processed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FixedCost {
    /// No managed firewall: no FQDN rule, or internet outbound.
    None,
    /// An Azure Firewall Basic.
    FirewallBasic,
    /// An Azure Firewall Standard.
    FirewallStandard,
}

impl FixedCost {
    /// The class, for people.
    pub fn describe(self) -> &'static str {
        match self {
            Self::None => "none (no managed firewall)",
            Self::FirewallBasic => {
                "low (Azure Firewall Basic: billed per hour deployed, the lowest tier, plus per GB processed)"
            }
            Self::FirewallStandard => {
                "high (Azure Firewall Standard: billed per hour deployed, above Basic, plus per GB processed)"
            }
        }
    }
}

/// Explicit provisioning of a managed network. Left to itself, Azure provisions it when the
/// first compute is created, which can then time out; Microsoft recommends provisioning it
/// first ("Manually provision a managed VNet", how-to-managed-network).
#[derive(Debug, Clone, Serialize)]
pub struct ProvisioningPlan {
    /// Also provision the network of serverless Spark (`includeSpark`).
    pub include_spark: bool,
    /// How long Microsoft documents the first provisioning to take, in minutes: about 30, and
    /// about 10 more with the first FQDN rule.
    pub expected_minutes: u32,
    /// How long the deployment waits for it (Terraform `timeouts.create`), e.g. `60m`.
    pub timeout: String,
    /// The same wait as an ISO 8601 duration, e.g. `PT60M`: the `timeout` of the Bicep's
    /// provisioning script. ARM cannot call the `provisionManagedNetwork` action itself, and
    /// the workspace's `provisionNetworkNow` provisions at creation, before the workspace identity
    /// holds its role on the workspace and before any outbound rule exists; so the Bicep calls
    /// the action from a deployment script that runs as the workspace identity, once the rules
    /// are set and the roles in effect, as the Terraform's `azapi_resource_action` does.
    pub script_timeout: String,
    /// Seconds between two reads of the network's status while the script waits for it to be
    /// `Active` (ARM's `ManagedNetworkProvisionStatus.status`, Bicep types of
    /// Microsoft.MachineLearningServices/workspaces 2026-05-01: `Inactive` or `Active`).
    pub poll_seconds: u32,
}

/// One approved outbound rule.
#[derive(Debug, Clone, Serialize)]
pub struct OutboundRulePlan {
    /// Name.
    pub name: String,
    /// `FQDN`, `PrivateEndpoint` or `ServiceTag`.
    pub kind: String,
    /// FQDN destination.
    pub fqdn: Option<String>,
    /// Private endpoint target resource ID.
    pub resource_id: Option<String>,
    /// Private endpoint sub-resource.
    pub subresource: Option<String>,
    /// Service tag.
    pub service_tag: Option<String>,
    /// Service tag protocol.
    pub protocol: Option<String>,
    /// Service tag ports.
    pub ports: Option<String>,
    /// The rule deployed just before this one, which this one waits for (none for the first):
    /// each rule is a resource of its own, and rules written to one workspace at the same time
    /// get lost or fail (azapi issues 453 and 498), so they are written one after the other.
    pub after: Option<String>,
}

/// Key vault.
#[derive(Debug, Clone, Serialize)]
pub struct KeyVaultPlan {
    /// Name.
    pub name: String,
    /// Purge protection (SEC-13; required for CMK). Azure never turns it off once on: a
    /// create-only field, one way from `true` (`create_only.rs`).
    pub purge_protection: bool,
    /// Soft-delete retention in days.
    pub soft_delete_days: u32,
    /// Azure RBAC for data-plane access instead of access policies.
    pub rbac_authorization: bool,
    /// Whether the public endpoint is reachable (SEC-05).
    pub public_network_access: bool,
    /// Network ACL default action: `Deny` or `Allow`.
    pub default_action: String,
    /// Let trusted Azure services through the firewall (Azure ML needs it for its data plane).
    pub trusted_services_bypass: bool,
    /// The customer-managed key, created through the management plane.
    pub key: Option<KeyPlan>,
}

/// Customer-managed key.
#[derive(Debug, Clone, Serialize)]
pub struct KeyPlan {
    /// Key name.
    pub name: String,
    /// Key type.
    pub key_type: String,
    /// Key size in bits.
    pub key_size: u32,
    /// What the key may be used for: wrapping data keys only.
    pub operations: Vec<String>,
    /// Rotate this long after creation (ISO-8601).
    pub rotate_after: String,
    /// Expire this long after creation (ISO-8601).
    pub expire_after: String,
    /// Notify this long before expiry (ISO-8601).
    pub notify_before_expiry: String,
}

/// Storage account.
#[derive(Debug, Clone, Serialize)]
pub struct StoragePlan {
    /// Name.
    pub name: String,
    /// Replication: `ZRS`, `RAGZRS`, `LRS`, `RAGRS` (REL-01, REL-07).
    pub replication: String,
    /// HTTPS only (SEC-18).
    pub https_only: bool,
    /// Minimum TLS version (SEC-18), e.g. `TLS1_2`; `None` when waived.
    pub min_tls_version: Option<String>,
    /// Shared-key (account key) access (SEC-06).
    pub shared_key_access: bool,
    /// Whether the public endpoint is reachable (SEC-05).
    pub public_network_access: bool,
    /// Network ACL default action.
    pub default_action: String,
    /// Let trusted Azure services through the firewall.
    pub trusted_services_bypass: bool,
    /// Entra ID (not keys) by default in the portal and tools.
    pub oauth_by_default: bool,
    /// How the readable secondary of a read-access geo-redundant account (`RAGRS`, `RAGZRS`) is
    /// reached; `None` when there is none.
    pub secondary_access: Option<String>,
    /// Anonymous blob access.
    pub blob_public_access: bool,
    /// Encrypted with the customer-managed key (SEC-13).
    pub customer_managed_key: bool,
    /// Infrastructure (double) encryption.
    pub infrastructure_encryption: bool,
    /// Encryption key scope of queues and tables: `Account` puts them under the account's key,
    /// the customer-managed one where the zone has it; `Service` (Azure's default) leaves them
    /// on Microsoft-managed service keys whatever the account uses. Set only at creation
    /// (azurerm `queue_encryption_key_type` / `table_encryption_key_type`, ForceNew; ARM
    /// `encryption.services.queue|table.keyType`).
    pub queue_table_key_type: String,
    /// Days deleted blobs and containers stay recoverable.
    pub soft_delete_days: u32,
}

/// Container registry.
#[derive(Debug, Clone, Serialize)]
pub struct RegistryPlan {
    /// Name.
    pub name: String,
    /// Login server.
    pub login_server: String,
    /// SKU (Premium: private endpoints, zone redundancy, geo-replication).
    pub sku: String,
    /// Admin user (SEC-06).
    pub admin_enabled: bool,
    /// Anonymous pull.
    pub anonymous_pull: bool,
    /// Let trusted Azure services through the firewall.
    pub trusted_services_bypass: bool,
    /// Whether the public endpoint is reachable (SEC-05).
    pub public_network_access: bool,
    /// Zone redundancy (REL-01).
    pub zone_redundancy: bool,
    /// Regions it is replicated to (REL-07), with their zone redundancy.
    pub geo_replications: Vec<GeoReplication>,
    /// Encrypted with the customer-managed key (SEC-13).
    pub customer_managed_key: bool,
    /// Why the registry is not encrypted with the key although the zone has one.
    pub customer_managed_key_gap: Option<String>,
    /// Dedicated, region-specific data endpoints (reached through the private endpoint).
    pub data_endpoint: bool,
    /// Days untagged manifests are kept before cleanup.
    pub untagged_retention_days: u32,
}

/// One registry replica.
#[derive(Debug, Clone, Serialize)]
pub struct GeoReplication {
    /// Region.
    pub location: String,
    /// Zone redundancy in that region.
    pub zone_redundancy: bool,
}

/// Monitoring of one region.
#[derive(Debug, Clone, Serialize)]
pub struct MonitoringPlan {
    /// Log Analytics workspace name.
    pub log_analytics: String,
    /// Retention in days.
    pub retention_days: u32,
    /// Application Insights name.
    pub app_insights: String,
    /// Application Insights local (key) authentication (OPS-05: off).
    pub app_insights_local_auth: bool,
    /// Resources whose logs and metrics go to Log Analytics (OPS-05).
    pub diagnostic_settings: Vec<String>,
    /// Log Analytics and Application Insights take ingestion from public networks (SEC-05:
    /// off; they are reached through the private link scope).
    pub public_ingestion: bool,
    /// Log Analytics and Application Insights answer queries from public networks (SEC-05: off).
    pub public_query: bool,
    /// The zone's one Azure Monitor Private Link Scope, on the primary region only (the hub's,
    /// with the hub's zones); `None` in other regions and when SEC-05 is waived.
    pub private_link_scope: Option<MonitorScopePlan>,
    /// Name of the scope this region's Log Analytics and Application Insights are reached
    /// through (the primary's); `None` when SEC-05 is waived.
    pub reached_through: Option<String>,
    /// Whether this region's network has a private endpoint of its own to the scope: each
    /// region's with DNS zones of its own; none with the hub's zones, where the hub's endpoint to
    /// the hub's scope serves every network that resolves through them.
    pub scope_endpoint: bool,
}

/// The zone's Azure Monitor Private Link Scope (`Microsoft.Insights/privateLinkScopes`, location
/// `global`), in the primary region, holding every region's Log Analytics workspace and
/// Application Insights. One scope for the whole zone: a scope's private endpoint writes the
/// global Azure Monitor endpoints (`api.monitor.azure.com`, ...) into `privatelink.monitor.azure.com`,
/// so two scopes sharing a DNS override each other's records and cut one region off; Microsoft
/// asks for one scope per DNS, and a network connects to one scope only (Microsoft Learn, "Design
/// your Azure Monitor private link configuration", private-link-design). One private endpoint
/// (sub-resource `azuremonitor`) per DNS: one with the hub's zones, one per region where each
/// region's network has zones of its own (a scope takes up to 10 endpoints).
#[derive(Debug, Clone, Serialize)]
pub struct MonitorScopePlan {
    /// Name.
    pub name: String,
    /// `accessModeSettings.ingestionAccessMode`: `PrivateOnly` (the network sends telemetry only
    /// to resources in the scope) or, with SEC-14 waived, `Open`.
    pub ingestion_access_mode: String,
    /// `accessModeSettings.queryAccessMode`, likewise.
    pub query_access_mode: String,
    /// The scoped resources, every region's: `log_analytics` and `app_insights` of each.
    pub scoped: Vec<ScopedResourcePlan>,
    /// With the hub's DNS zones, the hub's scope (`network.dns.monitor_private_link_scope_id`):
    /// the scoped resources join it, and the zone creates neither a scope nor a private endpoint
    /// to one, whose records would override the hub's in the hub's zones. Its access modes are
    /// then the hub's; `name` and the modes above are not deployed.
    pub hub: Option<ExternalResource>,
}

/// A resource in an Azure Monitor Private Link Scope.
#[derive(Debug, Clone, Serialize)]
pub struct ScopedResourcePlan {
    /// Name of the scoped-resource link.
    pub name: String,
    /// `log_analytics` or `app_insights`.
    pub target: String,
    /// The region whose resource it links.
    pub region: RegionRole,
    /// The linked resource's name.
    pub resource: String,
    /// The linked resource's resource group.
    pub resource_group: String,
}

/// A private endpoint.
#[derive(Debug, Clone, Serialize)]
pub struct PrivateEndpointPlan {
    /// Name.
    pub name: String,
    /// What it points at: `workspace`, `storage`, `key_vault`, `registry`, `monitor` (the
    /// region's Azure Monitor Private Link Scope).
    pub target: String,
    /// Sub-resource (group ID).
    pub subresource: String,
    /// DNS zones it registers in.
    pub zones: Vec<String>,
}

/// A private DNS zone: created and linked, or an existing hub zone.
#[derive(Debug, Clone, Serialize)]
pub struct DnsZonePlan {
    /// Zone name.
    pub name: String,
    /// Resource ID of an existing zone; `None` means the landing zone creates and links it.
    pub existing_id: Option<String>,
}

/// A role of one of the zone's user-assigned identities (`data/roles.yaml`).
#[derive(Debug, Clone, Serialize)]
pub struct IdentityRole {
    /// Stable key, unique in its region: the Terraform address after the region, and the stem
    /// of the Bicep symbol (`identity_storage_contributor`).
    pub key: String,
    /// Whose: `workspace` (the workspace's identity) or `compute` (the clusters').
    pub identity: String,
    /// What it is on: `workspace`, `storage`, `key_vault`, `registry`, `app_insights`,
    /// `storage_endpoint` (a private endpoint of the storage in the zone's VNet) or
    /// `outbound_rule` (a `private_endpoint` outbound rule's target).
    pub scope: String,
    /// `storage_endpoint`: the endpoint's sub-resource (`blob`, `file`); `outbound_rule`: the
    /// rule's name.
    pub target: Option<String>,
    /// `outbound_rule`: the target resource, outside the zone.
    pub external: Option<ExternalResource>,
    /// Built-in role name.
    pub role: String,
    /// Its role definition GUID.
    pub role_definition_id: String,
    /// Why the identity has it.
    pub why: String,
    /// What waits for it, once it has reached the data planes: `workspace` (created after it),
    /// `network` (the managed network, provisioned after it) or `compute` (clusters).
    pub before: String,
}

/// A resource outside the zone, by its parts.
#[derive(Debug, Clone, Serialize)]
pub struct ExternalResource {
    /// Full resource ID.
    pub id: String,
    /// Subscription ID.
    pub subscription: String,
    /// Resource group.
    pub resource_group: String,
    /// `<Namespace>/<type>`, as the profile spells it.
    pub resource_type: String,
    /// Name.
    pub name: String,
}

impl ExternalResource {
    /// A top-level resource by its ID's parts (`/subscriptions/{s}/resourceGroups/{g}/providers/
    /// {Namespace}/{type}/{name}`), its type as written; `None` for any other ID.
    pub(crate) fn parse(id: &str) -> Option<Self> {
        let parts: Vec<&str> = id.split('/').collect();
        let [
            _,
            _,
            subscription,
            _,
            resource_group,
            _,
            namespace,
            ty,
            name,
        ] = parts[..]
        else {
            return None;
        };
        Some(Self {
            id: id.to_owned(),
            subscription: subscription.to_owned(),
            resource_group: resource_group.to_owned(),
            resource_type: format!("{namespace}/{ty}"),
            name: name.to_owned(),
        })
    }
}

/// One role assignment of the zone, as people read it: who gets which role on what, and why.
#[derive(Debug, Clone, Serialize)]
pub struct RoleAssignmentRow {
    /// The region whose stack assigns it.
    pub region: String,
    /// Who: `workspace identity id-…`, `compute identity id-…`, `group <object ID>`,
    /// `user <object ID>`, or `Azure Cosmos DB service principal`.
    pub principal: String,
    /// Built-in role name.
    pub role: String,
    /// On what: the resource's name, or its ID outside the zone.
    pub scope: String,
    /// Why.
    pub why: String,
}

/// A compute cluster.
#[derive(Debug, Clone, Serialize)]
pub struct ClusterPlan {
    /// Name.
    pub name: String,
    /// VM size.
    pub sku: String,
    /// CPU or GPU, when the size is known.
    pub sku_kind: Option<SkuKind>,
    /// Purpose.
    pub purpose: Purpose,
    /// `Dedicated` or `LowPriority`.
    pub vm_priority: String,
    /// Minimum nodes.
    pub min_nodes: u32,
    /// Maximum nodes.
    pub max_nodes: u32,
    /// Idle time before scale-down (ISO-8601).
    pub idle_scale_down: String,
    /// The same, in seconds.
    pub idle_scale_down_seconds: u64,
    /// Local authentication (SEC-07).
    pub local_auth: bool,
    /// Public IP on nodes (SEC-09).
    pub node_public_ip: bool,
    /// Public SSH port (SEC-08).
    pub ssh_public_access: bool,
    /// Runs in the compute subnet (customer mode); never on a managed network.
    pub in_compute_subnet: bool,
    /// Why the plan added the cluster, which the profile does not declare (`image builds`);
    /// `None` for the profile's own.
    pub added_for: Option<String>,
}

/// A compute instance.
#[derive(Debug, Clone, Serialize)]
pub struct InstancePlan {
    /// Name.
    pub name: String,
    /// Whether the instance carries the workspace's user-assigned identity. Never: an instance
    /// with a managed identity shuts down for idleness only when that identity is Contributor
    /// on the workspace (Microsoft Learn, "Create a compute instance", idle shutdown), and user
    /// code on a personal machine should not hold the workspace identity's key-vault and
    /// registry rights. The instance acts as its assigned user.
    pub managed_identity: bool,
    /// VM size.
    pub sku: String,
    /// Entra object ID of the assigned user.
    pub user_object_id: String,
    /// Idle time before shutdown (ISO-8601, COST-09); `None` when waived.
    pub idle_shutdown: Option<String>,
    /// Local authentication (SEC-07).
    pub local_auth: bool,
    /// Public IP (SEC-09).
    pub node_public_ip: bool,
    /// Public SSH access (SEC-08).
    pub ssh_public_access: bool,
    /// Runs in the compute subnet (customer mode).
    pub in_compute_subnet: bool,
    /// Start/stop schedule.
    pub schedule: Option<SchedulePlan>,
}

/// Start/stop schedule.
#[derive(Debug, Clone, Serialize)]
pub struct SchedulePlan {
    /// Start cron expression.
    pub start: Option<String>,
    /// Stop cron expression.
    pub stop: Option<String>,
    /// Time zone.
    pub time_zone: String,
}

/// A role assignment to an Entra principal on each workspace.
#[derive(Debug, Clone, Serialize)]
pub struct RoleAssignment {
    /// What the role is on: `workspace`, or `storage` (the workspace's storage account).
    pub scope: String,
    /// Why the principal has it.
    pub why: String,
    /// Object ID.
    pub principal_id: String,
    /// `Group` or `User`.
    pub principal_type: String,
    /// Built-in role name.
    pub role: String,
    /// Its role definition GUID.
    pub role_definition_id: String,
}

/// Governance resources.
#[derive(Debug, Clone, Serialize)]
pub struct GovernancePlan {
    /// `subscription` or `resource_group`.
    pub scope: String,
    /// The effect the profile asks for (`policy.effect`): `deny` or `audit`.
    pub effect: String,
    /// Built-in policy assignments.
    pub assignments: Vec<PolicyAssignment>,
    /// Built-in initiative assignments (audit).
    pub initiatives: Vec<InitiativeAssignment>,
    /// Custom policy definitions mlzone generates (with their assignment).
    pub custom_policies: Vec<CustomPolicy>,
    /// Defender for Cloud plans to enable (SEC-01), each with its sub-plan and extensions.
    pub defender_plans: Vec<facts::DefenderPlan>,
    /// Exemptions from the zone's Deny assignments, one per waived recommendation and
    /// assignment whose rule the waived setting fails, each at every region's resource group
    /// (the zone's scope, under the assignment's).
    pub exemptions: Vec<PolicyExemption>,
    /// Assignments whose rule a waived setting fails that need no exemption, and why.
    pub unexempted: Vec<Unexempted>,
    /// Under `policy.effect: audit`, the definitions that have no audit effect, and what the
    /// zone does with each instead of assigning it with Deny.
    pub without_audit: Vec<WithoutAudit>,
}

/// A definition that cannot audit, under `policy.effect: audit`.
#[derive(Debug, Clone, Serialize)]
pub struct WithoutAudit {
    /// Key of the definition.
    pub key: String,
    /// The recommendation it implements.
    pub recommendation: String,
    /// Display name.
    pub display_name: String,
    /// The effects it allows.
    pub effects: Vec<String>,
    /// Whether it is assigned anyway (an effect that configures rather than denies).
    pub assigned: bool,
    /// What the zone does instead, and why.
    pub outcome: String,
}

/// An exemption of the zone's resource groups from one of its Deny policy assignments, for a
/// waiver whose relaxed setting the assignment's rule flags (`data/policies.yaml`
/// `relaxed_by`). It expires with the waiver, so the assignment denies again after.
#[derive(Debug, Clone, Serialize)]
pub struct PolicyExemption {
    /// Stable key: the waived recommendation and the assignment's key
    /// (`sec_13_workspace_customer_managed_key`).
    pub key: String,
    /// Exemption name, at most 64 characters.
    pub name: String,
    /// The waived recommendation.
    pub recommendation: String,
    /// Key of the exempted assignment.
    pub assignment: String,
    /// Name of the exempted assignment.
    pub assignment_name: String,
    /// Display name of the assignment's definition.
    pub assignment_display_name: String,
    /// The assignment's effect: `Deny`.
    pub effect: String,
    /// What the assignment's rule flags.
    pub checks: String,
    /// `Waiver` (ARM and azurerm spell it so; the other category is `Mitigated`).
    pub category: String,
    /// When the exemption ends: the end of the waiver's last day, UTC, as RFC 3339
    /// (`2027-03-31T23:59:59Z`), the form azurerm's `expires_on` parses and ARM's `expiresOn`
    /// takes.
    pub expires_on: String,
    /// Display name, at most 128 bytes (azurerm's limit).
    pub display_name: String,
    /// The waiver's reason, at most 512 bytes (azurerm's limit).
    pub description: String,
}

/// An assignment whose rule a waived setting fails but that gets no exemption.
#[derive(Debug, Clone, Serialize)]
pub struct Unexempted {
    /// The waived recommendation.
    pub recommendation: String,
    /// Key of the assignment.
    pub assignment: String,
    /// Display name of its definition.
    pub display_name: String,
    /// Why there is no exemption.
    pub why: String,
}

/// A built-in policy assignment.
#[derive(Debug, Clone, Serialize)]
pub struct PolicyAssignment {
    /// Stable key, also the assignment name's stem.
    pub key: String,
    /// Assignment name.
    pub name: String,
    /// The recommendation it implements.
    pub recommendation: String,
    /// Display name of the definition.
    pub display_name: String,
    /// Full definition ID.
    pub definition_id: String,
    /// Parameters, effect included, by name.
    pub parameters: BTreeMap<String, Value>,
    /// The effect assigned (also among `parameters`), none where the definition fixes it.
    pub effect: Option<String>,
    /// Why it is assigned with that effect: the profile's `policy.effect`, or what the
    /// definition offers instead (no Deny, no audit effect).
    pub effect_reason: String,
    /// Whether the definition is in preview.
    pub preview: bool,
    /// Caveat.
    pub note: Option<String>,
}

/// A built-in initiative assignment.
#[derive(Debug, Clone, Serialize)]
pub struct InitiativeAssignment {
    /// Assignment name.
    pub name: String,
    /// The recommendation it implements.
    pub recommendation: String,
    /// Display name.
    pub display_name: String,
    /// Full policy set definition ID.
    pub definition_id: String,
    /// Its effect and why: assigned without parameters, each policy keeps its default.
    pub effect_reason: String,
}

/// A custom policy definition and its assignment.
#[derive(Debug, Clone, Serialize)]
pub struct CustomPolicy {
    /// Definition and assignment name.
    pub name: String,
    /// The recommendation it implements.
    pub recommendation: String,
    /// Display name.
    pub display_name: String,
    /// Effect: `Deny` or `Audit`.
    pub effect: String,
    /// Why it has that effect: the profile's `policy.effect`.
    pub effect_reason: String,
    /// Allowed VM sizes.
    pub allowed_skus: Vec<String>,
    /// Resource type the rule applies to.
    pub resource_type: String,
    /// Policy alias of the VM size.
    pub field: String,
    /// Policy alias of the compute type.
    pub compute_type_field: String,
    /// The compute types the rule tests: those with a VM size (`AmlCompute`,
    /// `ComputeInstance`); other types have none and are left alone.
    pub compute_types: Vec<String>,
}

/// Budget.
#[derive(Debug, Clone, Serialize)]
pub struct BudgetPlan {
    /// Name.
    pub name: String,
    /// Monthly amount.
    pub amount: u64,
    /// Who is notified; empty when the deployer gives the addresses at deploy time.
    pub contact_emails: Vec<String>,
    /// Thresholds in percent.
    pub thresholds: Vec<u32>,
    /// First day the budget counts (`2027-01-01`), or none when given at deploy time.
    pub start_date: Option<String>,
    /// The zone's resource groups, every region's: the budget is the subscription's, filtered
    /// on them (Cost Management dimension `ResourceGroupName`), so it counts the whole zone.
    pub resource_groups: Vec<String>,
}

impl BudgetPlan {
    /// The alert thresholds for people: `80%, 100%`.
    pub fn alerts(&self) -> String {
        let each: Vec<String> = self.thresholds.iter().map(|t| format!("{t}%")).collect();
        each.join(", ")
    }
}

/// What became of one recommendation.
#[derive(Debug, Clone, Serialize)]
pub struct RecommendationStatus {
    /// Catalog ID.
    pub id: String,
    /// Title.
    pub title: String,
    /// Pillar.
    pub pillar: String,
    /// Kind.
    pub kind: Kind,
    /// Concerns of the generated code that carry it (`workspace`, `network`, ...): each is a
    /// file per format, e.g. `terraform/workspace.tf`.
    pub concerns: Vec<String>,
    /// The section of the Microsoft Learn guide it comes from.
    pub source: String,
    /// That section's address.
    pub source_url: String,
    /// Applied, partial, not applied, waived or advisory, with details.
    #[serde(flatten)]
    pub status: Status,
    /// Security settings of this recommendation that a template overlay's output declares
    /// otherwise than the embedded templates' (`label: embedded → overlay`); set after
    /// rendering, empty without an overlay.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub changed_by_overlay: Vec<String>,
}

/// The outcome of a recommendation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Status {
    /// Applied; `applied_in` names the resources and settings that implement it, all of
    /// which are in the output.
    Applied {
        /// Where.
        applied_in: Vec<String>,
    },
    /// Partly applied: what is in the output, and what of the recommendation is not.
    Partial {
        /// Where the applied part is.
        applied_in: Vec<String>,
        /// What is missing, and why.
        missing: Vec<String>,
    },
    /// Enforced, yet not in the output: what is missing, and why (another recommendation's
    /// waiver, the profile's mode).
    NotApplied {
        /// What is missing, and why.
        missing: Vec<String>,
    },
    /// Deliberately not applied.
    Waived {
        /// Why.
        reason: String,
        /// Until when.
        expires: String,
    },
    /// Not expressed as infrastructure by this profile.
    Advisory {
        /// What to do, and how the landing zone helps.
        note: String,
    },
}
