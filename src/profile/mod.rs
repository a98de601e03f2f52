//! Stage 1: what the user wrote. These types are the profile's contract: serde reads them,
//! schemars turns them (and their doc comments) into `schema/profile.schema.json`. No logic
//! lives here; defaults and security decisions are made by `plan::resolve`.

mod load;
mod locks;
mod scalar;
mod source_map;

pub(crate) use load::tidy;
pub use load::{Loaded, load, load_str};
pub use source_map::{Location, Source, SourceMap};

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// An mlzone profile: one project's Azure Machine Learning landing zone.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "mlzone profile")]
pub struct Profile {
    /// Profile format version; always `1`.
    #[schemars(range(min = 1, max = 1))]
    pub version: u32,
    /// Project name: lowercase letters, digits and single hyphens (no `--`), 2-20 characters,
    /// starting with a letter and ending with a letter or digit. It appears in every resource
    /// name and tag; validation checks each derived name against its resource's rules.
    #[schemars(
        regex(pattern = r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$"),
        length(min = 2, max = 20)
    )]
    pub project: String,
    /// Deployment environment. Production turns on the strictest defaults (paired secondary
    /// region, dedicated compute).
    pub environment: Environment,
    /// A golden base profile this one builds on, relative to this file. Maps merge key by key,
    /// lists and scalars replace the base's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extends: Option<String>,
    /// For golden profiles: field paths (e.g. `network.mode`, `policy.effect`) and
    /// recommendation IDs (e.g. `SEC-03`) that profiles extending this one may tighten but not
    /// loosen, or waive. Locks accumulate down an `extends` chain.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub locked: Vec<String>,
    /// Azure regions of the landing zone.
    pub regions: Regions,
    /// Network isolation of the workspace and its dependencies.
    #[serde(default)]
    pub network: Network,
    /// Compute clusters (training, batch inference) and compute instances (development).
    #[serde(default)]
    pub compute: Compute,
    /// Encryption at rest.
    #[serde(default)]
    pub encryption: Encryption,
    /// How resource names are derived.
    #[serde(default)]
    pub names: Naming,
    /// Who may use the workspace: Microsoft Entra groups and the role each gets.
    #[serde(default)]
    pub access: Vec<AccessGrant>,
    /// Registries that compute and model deployments may pull from.
    #[serde(default)]
    pub registries: Registries,
    /// Code and package integrity controls on compute.
    #[serde(default)]
    pub integrity: Integrity,
    /// Logging and monitoring.
    #[serde(default)]
    pub monitoring: Monitoring,
    /// Monthly budget of the landing zone's resource groups.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget: Option<Budget>,
    /// Azure Policy assignments that guard the landing zone.
    #[serde(default)]
    pub policy: PolicySettings,
    /// A directory of template overlays, relative to this file: a platform team's own
    /// templates laid over the embedded ones, file by file. Generated headers record it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub templates: Option<String>,
    /// Which infrastructure-as-code formats to generate: one or both.
    #[serde(default = "both_formats")]
    #[schemars(length(min = 1))]
    pub outputs: Vec<OutputFormat>,
    /// Files in the output directory that you write and keep yourself, relative to it with `/`
    /// (e.g. `terraform/backend.tf`); `*` matches any characters but `/`
    /// (`terraform/*.override.tf`). `generate` never writes, replaces or removes them, and
    /// `diff` never counts them as drift. Covering a generated file that carries a security
    /// setting is an error; covering another generated file, a warning.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keep: Vec<String>,
    /// Tags added to every resource (mlzone adds `project`, `environment` and `managed-by`).
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    /// Recommendations deliberately not applied, each with a reason and an expiry date.
    #[serde(default)]
    pub waivers: Vec<Waiver>,
}

/// Deployment environment.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Environment {
    /// Development: exploratory work, cheapest safe defaults.
    Dev,
    /// Test: production-like, single region by default.
    Test,
    /// Production: paired secondary region and dedicated compute by default.
    Prod,
}

/// Azure regions.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Regions {
    /// Primary region, by programmatic name (e.g. `westeurope`).
    pub primary: String,
    /// Secondary region for recovery (REL-07). Defaults to the primary's pair in production
    /// and to `none` elsewhere; `none` in production needs a waiver of REL-07.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secondary: Option<String>,
}

/// Network isolation.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Network {
    /// `managed`: the workspace's managed virtual network, approved outbound only (default).
    /// `customer`: compute in a subnet of the landing zone's own virtual network.
    #[serde(default)]
    pub mode: NetworkMode,
    /// Address space of the primary region's virtual network (private endpoints, and compute in
    /// customer mode), e.g. `10.40.0.0/22`. Default `10.40.0.0/22`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address_space: Option<String>,
    /// Address space of the secondary region's virtual network. Default: the block of the same
    /// size right after the primary's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secondary_address_space: Option<String>,
    /// Subnets inside the address space. Default: the first quarter for private endpoints, the
    /// second half for compute (customer mode).
    #[serde(default)]
    pub subnets: Subnets,
    /// Approved outbound rules of the managed network: each has exactly one destination.
    #[serde(default)]
    pub outbound: Vec<OutboundRule>,
    /// Allow all internet outbound from the managed network instead of approved rules only.
    /// Needs a waiver of SEC-04.
    #[serde(default)]
    pub internet_outbound: bool,
    /// Private DNS zones.
    #[serde(default)]
    pub dns: Dns,
    /// SKU of the managed Azure Firewall that FQDN outbound rules make Azure provision (managed
    /// mode): `basic` or `standard`. Default: `standard` in production, `basic` elsewhere. Its
    /// fixed hourly charge runs whether or not traffic flows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub firewall_sku: Option<FirewallSku>,
    /// How compute in the compute subnet reaches the Azure services it needs (customer mode,
    /// required there): a route to the hub's firewall or a NAT gateway. Compute has no public IP,
    /// and Azure's implicit outbound access is off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub egress: Option<Egress>,
    /// Peer the zone's virtual networks with a hub virtual network (either mode): the way in
    /// for people on the hub's VPN, ExpressRoute or Bastion, and the way to a hub firewall.
    /// Only the zone's side of the peering is created; the hub's owner adds the hub's side.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hub_peering: Option<HubPeering>,
}

/// SKU of a managed network's Azure Firewall (ARM `managedNetwork.firewallSku`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum FirewallSku {
    /// Azure Firewall Basic: the lowest fixed charge.
    Basic,
    /// Azure Firewall Standard.
    Standard,
}

impl FirewallSku {
    /// As ARM spells it (`Basic`, `Standard`; Bicep types of
    /// `Microsoft.MachineLearningServices/workspaces`, `managedNetwork.firewallSku`).
    pub fn arm(self) -> &'static str {
        match self {
            Self::Basic => "Basic",
            Self::Standard => "Standard",
        }
    }
}

/// Egress of the compute subnet.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Egress {
    /// `firewall`: a route table sends all outbound (0.0.0.0/0) to the hub firewall, which must
    /// allow what compute needs (COMPLIANCE.md lists it). `nat_gateway`: a NAT gateway with a
    /// public IP per region; the compute NSG still limits outbound to those destinations.
    pub via: EgressVia,
    /// Private IP address of the hub firewall (`via: firewall`), e.g. `10.0.0.4`. Leave it out
    /// to give it at deploy time (`hub_firewall_ip` in Terraform, `MLZONE_HUB_FIREWALL_IP` for
    /// Bicep).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub firewall_ip: Option<String>,
}

/// Egress path of the compute subnet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum EgressVia {
    /// A route 0.0.0.0/0 to the hub firewall's private IP.
    Firewall,
    /// A NAT gateway on the compute subnet.
    NatGateway,
}

/// Peering with a hub virtual network.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HubPeering {
    /// Resource ID of the hub virtual network. Leave it out to give it at deploy time
    /// (`hub_virtual_network_id` in Terraform, `MLZONE_HUB_VIRTUAL_NETWORK_ID` for Bicep).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub virtual_network_id: Option<String>,
    /// Use the hub's VPN or ExpressRoute gateway (`use_remote_gateways`), so people connected
    /// to it reach the zone. The hub must have a gateway and allow gateway transit. Default
    /// `false`.
    #[serde(default)]
    pub use_remote_gateways: bool,
}

/// Network mode.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum NetworkMode {
    /// Workspace managed virtual network (isolation mode AllowOnlyApprovedOutbound).
    #[default]
    Managed,
    /// The landing zone's own virtual network with separate compute and endpoint subnets.
    Customer,
}

/// Subnet address ranges.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Subnets {
    /// Subnet for private endpoints, inside `address_space`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoints: Option<String>,
    /// Subnet for compute (customer mode only), inside `address_space`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compute: Option<String>,
}

/// One approved outbound rule: set exactly one of `fqdn`, `private_endpoint`, `service_tag`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OutboundRule {
    /// Rule name: 3-33 letters, digits, hyphens and underscores, starting with a letter or
    /// digit. It names the rule's Azure resource (`workspaces/outboundRules`), whose names
    /// Azure limits to this.
    #[schemars(regex(pattern = r"^[A-Za-z0-9][A-Za-z0-9_-]{2,32}$"))]
    pub name: String,
    /// Fully qualified domain name (wildcard `*.` prefix allowed), e.g. `pypi.org`. Azure
    /// provisions a managed firewall for FQDN rules.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fqdn: Option<String>,
    /// A private endpoint from the managed network to an Azure resource.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_endpoint: Option<PrivateEndpointTarget>,
    /// An Azure service tag, e.g. `AzureActiveDirectory`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_tag: Option<String>,
    /// Ports of a service-tag rule, e.g. `443` or `80,443` or `8000-8080`. Default `443`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ports: Option<String>,
    /// Protocol of a service-tag rule. Default `TCP`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<Protocol>,
}

/// Destination of a private-endpoint outbound rule.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PrivateEndpointTarget {
    /// Full Azure resource ID of the target resource.
    pub resource_id: String,
    /// Sub-resource (group ID) of the target, e.g. `vault`, `blob`, `registry`.
    #[schemars(regex(pattern = r"^[A-Za-z][A-Za-z0-9_]*$"), length(max = 64))]
    pub subresource: String,
}

/// Protocol of a service-tag outbound rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "UPPERCASE")]
pub enum Protocol {
    /// TCP.
    Tcp,
    /// UDP.
    Udp,
    /// ICMP.
    Icmp,
    /// Any protocol.
    #[serde(rename = "*")]
    Any,
}

/// Private DNS zones.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Dns {
    /// Existing private DNS zones in a hub, by zone name (e.g.
    /// `privatelink.api.azureml.ms`) → resource ID: either every zone the landing zone uses or
    /// none, which are then created and linked to its virtual networks. Hub zones need the hub's
    /// DNS servers in `servers`.
    #[serde(default)]
    pub zone_ids: BTreeMap<String, String>,
    /// DNS servers of the zone's virtual networks, e.g. the hub's DNS resolver (`10.0.0.68`).
    /// Default: Azure's DNS, which resolves the zones created and linked here.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub servers: Vec<String>,
    /// Resource ID of the hub's Azure Monitor Private Link Scope, whose private endpoint holds
    /// the records of the hub's Azure Monitor zones. Required with `zone_ids`: the zone then adds
    /// its Log Analytics and Application Insights to that scope instead of writing records of a
    /// scope of its own into the hub's zones, which would cut off every other network's
    /// monitoring (one scope per DNS).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub monitor_private_link_scope_id: Option<String>,
}

/// Compute.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Compute {
    /// Autoscaling compute clusters.
    #[serde(default)]
    pub clusters: Vec<Cluster>,
    /// Personal compute instances for development.
    #[serde(default)]
    pub instances: Vec<Instance>,
    /// The cluster Azure ML builds environment images on: the name of one of `clusters`. The
    /// registry is private, so it cannot build them itself. Default: the first CPU cluster, or,
    /// when there is none, a small cluster named `image-build` that mlzone adds (scales to zero).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 3, max = 16))]
    pub image_build_cluster: Option<String>,
}

/// An autoscaling compute cluster.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Cluster {
    /// Cluster name: 3-16 characters, letters, digits and hyphens, starting with a letter and
    /// ending with a letter or digit. It names the cluster's Azure resource
    /// (`workspaces/computes`), whose names azurerm and Azure limit to 3-32 such characters.
    #[schemars(
        regex(pattern = r"^[a-zA-Z][a-zA-Z0-9-]*[a-zA-Z0-9]$"),
        length(min = 3, max = 16)
    )]
    pub name: String,
    /// VM size, e.g. `Standard_NC24ads_A100_v4`.
    #[schemars(regex(pattern = r"^[Ss][Tt][Aa][Nn][Dd][Aa][Rr][Dd]_[A-Za-z0-9_]+$"))]
    pub sku: String,
    /// What the cluster is for; decides the default priority and the SKU check.
    pub purpose: Purpose,
    /// Minimum nodes. Default 0 (COST-02: scale to zero when idle).
    #[serde(default)]
    #[schemars(range(max = 1000))]
    pub min_nodes: u32,
    /// Maximum nodes, at least 1.
    #[schemars(range(min = 1, max = 1000))]
    pub max_nodes: u32,
    /// Idle time before scale-down, ISO-8601 duration between `PT2M` and `PT2H`. Default `PT15M`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idle_scale_down: Option<String>,
    /// `gpu` or `cpu` work. Optional: when set, the SKU must match (a GPU purpose needs a GPU
    /// SKU); when left out, it follows the SKU.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accelerator: Option<Accelerator>,
    /// VM priority. Default: `dedicated`, except `low_priority` for experimentation outside
    /// production. Batch inference cannot be low priority without a waiver of REL-09.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<Priority>,
}

/// Purpose of a compute cluster.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    /// Model training; GPU SKUs expected.
    Training,
    /// Batch inference; always dedicated.
    BatchInference,
    /// Experimentation; low priority by default outside production.
    Experimentation,
}

/// Kind of work a cluster does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Accelerator {
    /// GPU work: needs a GPU SKU.
    Gpu,
    /// CPU work.
    Cpu,
}

/// VM priority tier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    /// Dedicated VMs.
    Dedicated,
    /// Low-priority (preemptible) VMs.
    LowPriority,
}

/// A personal compute instance.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Instance {
    /// Instance name: 3-24 characters, letters, digits and hyphens, starting with a letter and
    /// ending with a letter or digit. It names the instance's Azure resource
    /// (`workspaces/computes`), whose names Azure limits to this.
    #[schemars(
        regex(pattern = r"^[a-zA-Z][a-zA-Z0-9-]*[a-zA-Z0-9]$"),
        length(min = 3, max = 24)
    )]
    pub name: String,
    /// VM size, e.g. `Standard_D4_v5`.
    #[schemars(regex(pattern = r"^[Ss][Tt][Aa][Nn][Dd][Aa][Rr][Dd]_[A-Za-z0-9_]+$"))]
    pub sku: String,
    /// Object ID (GUID) of the Microsoft Entra user the instance is assigned to.
    pub user_object_id: String,
    /// Idle time before shutdown, ISO-8601 duration between `PT15M` and `P3D`. Default `PT30M`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idle_shutdown: Option<String>,
    /// Optional start/stop schedule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedule: Option<Schedule>,
}

/// Start/stop schedule of a compute instance, as five-field cron expressions.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Schedule {
    /// When to start, e.g. `0 8 * * 1-5`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<String>,
    /// When to stop, e.g. `0 19 * * 1-5`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stop: Option<String>,
    /// Time zone of the cron expressions. Default `UTC`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[A-Za-z][A-Za-z0-9 ._+/()-]*$"), length(max = 64))]
    pub time_zone: Option<String>,
}

/// How resource names are derived.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Naming {
    /// Where the four-character suffix of the globally unique names (key vaults, storage
    /// accounts, the container registry) comes from. `subscription` (default): the deployment
    /// computes it from the subscription ID, project, environment and primary region, so zones
    /// in different subscriptions never share a name. `legacy`: a hash of project, environment
    /// and region, as mlzone 0.1 derived it; keeps the names of zones deployed before, which
    /// would otherwise be replaced (their data lost).
    #[serde(default)]
    pub suffix: SuffixSource,
}

/// Where the suffix of the globally unique names comes from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SuffixSource {
    /// Computed at deploy time from the subscription ID: unique per subscription.
    #[default]
    Subscription,
    /// Derived from project, environment and region only, as mlzone 0.1 did.
    Legacy,
}

/// Encryption at rest.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Encryption {
    /// Encrypt the workspace, storage and registry with a customer-managed key (SEC-13).
    /// Default `true`; `false` needs a waiver of SEC-13.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_managed_key: Option<bool>,
    /// Rotate the key this long after creation, ISO-8601 days between `P7D` and `P730D`
    /// (e.g. `P90D`). Default `P90D`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_rotation: Option<String>,
    /// Mark each workspace high business impact (`hbiWorkspace`): Azure ML encrypts the local
    /// scratch disks of its compute, cleans them between jobs and collects less diagnostic
    /// data. Azure sets it only when a workspace is created: changing it on a deployed zone
    /// replaces the workspaces. Default `true` in `prod`, else `false`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub high_business_impact: Option<bool>,
}

/// One role assignment.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AccessGrant {
    /// Object ID (GUID) of a Microsoft Entra group.
    pub group_object_id: String,
    /// Least-privilege role the group gets on the workspace.
    pub role: Role,
    /// Principal type. Only groups are allowed; `user` needs a waiver of SEC-11.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub principal_type: Option<PrincipalType>,
}

/// Workspace roles a profile may grant.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// AzureML Data Scientist.
    DataScientist,
    /// AzureML Compute Operator.
    ComputeOperator,
    /// Reader.
    Reader,
}

/// Kind of Entra principal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PrincipalType {
    /// A Microsoft Entra group.
    Group,
    /// A single user.
    User,
}

/// Registries.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Registries {
    /// Container registries (login servers, e.g. `myacr.azurecr.io`) compute may pull from,
    /// besides the landing zone's own registry.
    #[serde(default)]
    pub containers: Vec<String>,
    /// The Azure ML registry model deployments may use (one, e.g. `azureml`; empty: none).
    /// Default `azureml`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub models: Option<Vec<String>>,
}

/// Integrity of code and packages on compute.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Integrity {
    /// Allowed Python package channels (e.g. a private mirror URL); assigns the allowed
    /// Python packages policy (SEC-16).
    #[serde(default)]
    pub python_package_channels: Vec<String>,
    /// Public key that training code must be signed with; assigns the code-signing policy (SEC-17).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code_signing_key: Option<String>,
}

/// Monitoring.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Monitoring {
    /// Log Analytics retention in days, 30-730. Default 90.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 30, max = 730))]
    pub retention_days: Option<u32>,
}

/// Monthly budget.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Budget {
    /// Monthly amount in the billing currency.
    #[schemars(range(min = 1, max = 100000000))]
    pub monthly: u64,
    /// Who gets the alerts. Leave it out to let the deployer give them: a deploy-time input
    /// (`budget_contact_emails` in Terraform, `MLZONE_BUDGET_CONTACT_EMAILS` for Bicep), so a
    /// golden profile need not carry an address that belongs to no one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub contact_emails: Vec<String>,
    /// First month the budget counts, as its first day (`2027-01-01`). Leave it out to give it
    /// at deploy time (`budget_start_date` in Terraform, `MLZONE_BUDGET_START_DATE` for Bicep).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[0-9]{4}-[0-9]{2}-01$"))]
    pub start_date: Option<String>,
    /// Alert thresholds in percent of the amount. Default 80, 100.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thresholds: Option<Vec<u32>>,
}

/// Policy settings.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicySettings {
    /// `deny` (default) uses the strongest effect each definition allows; `audit` only reports.
    #[serde(default)]
    pub effect: PolicyEffect,
    /// Where mlzone assigns policies. `resource_group` (default): the zone's resource groups, so
    /// a second zone in the subscription keeps its own parameters. `subscription`: a
    /// subscription for this zone alone.
    #[serde(default)]
    pub scope: Scope,
    /// Who sets the subscription's Defender for Cloud plans (SEC-01). `subscription_owner`
    /// (default): the zone leaves them alone. `manage`: the zone sets them to Standard, which
    /// needs `scope: subscription`; they outlive the zone (Terraform `prevent_destroy`, Bicep
    /// outside the deployment stack), as destroying one sets the whole subscription's plan to Free.
    #[serde(default, skip_serializing_if = "DefenderPlans::is_default")]
    pub defender_plans: DefenderPlans,
    /// Whether profiles may waive recommendations. A regulated golden profile sets `false`.
    #[serde(default = "yes")]
    pub allow_waivers: bool,
}

fn yes() -> bool {
    true
}

impl Default for PolicySettings {
    fn default() -> Self {
        PolicySettings {
            effect: PolicyEffect::default(),
            scope: Scope::default(),
            defender_plans: DefenderPlans::default(),
            allow_waivers: true,
        }
    }
}

/// Policy effect preference.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PolicyEffect {
    /// Block non-compliant resources where the definition allows it.
    #[default]
    Deny,
    /// Only report non-compliance.
    Audit,
}

/// Deployment scope of governance resources.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// The subscription: policies at subscription scope and Defender for Cloud plans. An
    /// explicit choice for a subscription that holds one zone only: Deny assignments of two
    /// zones stack (only sizes both allow pass), and Defender plans are the subscription's.
    Subscription,
    /// The landing zone's resource groups only (the default): a second zone in the
    /// subscription is not blocked by this one's parameters.
    #[default]
    ResourceGroup,
}

/// Who sets the subscription's Defender for Cloud plans (`Microsoft.Security/pricings`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DefenderPlans {
    /// The subscription's owner enables them; the zone does not touch them.
    #[default]
    SubscriptionOwner,
    /// The zone sets them to the Standard pricing tier and never sets them back.
    Manage,
}

impl DefenderPlans {
    fn is_default(&self) -> bool {
        *self == DefenderPlans::default()
    }
}

/// Infrastructure-as-code format.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum OutputFormat {
    /// Terraform (azurerm 5.x, azapi where azurerm lacks a property).
    Terraform,
    /// Bicep.
    Bicep,
}

fn both_formats() -> Vec<OutputFormat> {
    vec![OutputFormat::Terraform, OutputFormat::Bicep]
}

/// A recommendation deliberately not applied.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Waiver {
    /// Catalog ID, e.g. `REL-07` (see `mlzone recommendations`).
    pub id: String,
    /// Why it is waived; shown in the compliance report.
    #[schemars(length(min = 1, max = 500))]
    pub reason: String,
    /// Last day the waiver holds, `YYYY-MM-DD`.
    #[schemars(regex(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"))]
    pub expires: String,
}
