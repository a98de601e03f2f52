//! Facts about Azure that mlzone relies on, embedded from `data/` (each file names its source):
//! regions and their pairs, VM sizes, policy definitions, private DNS zones, and mlzone's own
//! recommendation catalog. Converted to JSON at build time, parsed once per process.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// A fact file from `data/`, as the JSON that `build.rs` made of its YAML.
macro_rules! fact {
    ($name:literal) => {
        include_str!(concat!(env!("OUT_DIR"), "/data/", $name, ".json"))
    };
}

fn parse<T: DeserializeOwned>(name: &str, json: &str) -> T {
    serde_json::from_str(json).unwrap_or_else(|e| panic!("embedded {name} is malformed: {e}"))
}

/// An Azure region.
#[derive(Debug, Clone, Deserialize)]
pub struct Region {
    /// Short code mlzone uses in resource names.
    pub code: String,
    /// Display name.
    pub display: String,
    /// Paired region, if any.
    pub pair: Option<String>,
    /// Whether the region has availability zones.
    pub zones: bool,
    /// Whether using the region needs an access request.
    pub restricted: bool,
}

#[derive(Deserialize)]
struct RegionsFile {
    regions: BTreeMap<String, Region>,
}

static REGIONS: LazyLock<BTreeMap<String, Region>> =
    LazyLock::new(|| parse::<RegionsFile>("data/regions.yaml", fact!("regions")).regions);

/// Every region mlzone accepts, by programmatic name.
pub fn regions() -> &'static BTreeMap<String, Region> {
    &REGIONS
}

/// The region named `name`.
pub fn region(name: &str) -> Option<&'static Region> {
    REGIONS.get(name)
}

/// CPU or GPU.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SkuKind {
    /// CPU only.
    Cpu,
    /// Has GPUs.
    Gpu,
}

/// Availability of a VM family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SkuStatus {
    /// Can be deployed.
    Available,
    /// Retirement date announced.
    RetirementAnnounced,
    /// Retired.
    Retired,
}

/// A VM size.
#[derive(Debug, Clone)]
pub struct Sku {
    /// The size as Azure spells it, e.g. `Standard_NC24ads_A100_v4`.
    pub name: String,
    /// The family key, e.g. `nc_a100_v4`.
    pub family: String,
    /// The series, e.g. `NC_A100_v4`.
    pub series: String,
    /// CPU or GPU.
    pub kind: SkuKind,
    /// Availability.
    pub status: SkuStatus,
    /// Retirement date, `YYYY-MM-DD`.
    pub retires: Option<String>,
    /// vCPUs.
    pub vcpus: u32,
    /// GPUs.
    pub gpus: u32,
}

#[derive(Deserialize)]
struct SkuFile {
    families: BTreeMap<String, SkuFamily>,
}

#[derive(Deserialize)]
struct SkuFamily {
    series: String,
    kind: SkuKind,
    status: SkuStatus,
    retires: Option<String>,
    sizes: Vec<SkuSize>,
}

#[derive(Deserialize)]
struct SkuSize {
    name: String,
    vcpus: u32,
    gpus: u32,
}

static SKUS: LazyLock<BTreeMap<String, Sku>> = LazyLock::new(|| {
    let file: SkuFile = parse("data/vm-skus.yaml", fact!("vm-skus"));
    let mut out = BTreeMap::new();
    for (family, f) in file.families {
        for size in f.sizes {
            out.insert(
                size.name.to_lowercase(),
                Sku {
                    name: size.name.clone(),
                    family: family.clone(),
                    series: f.series.clone(),
                    kind: f.kind,
                    status: f.status,
                    retires: f.retires.clone(),
                    vcpus: size.vcpus,
                    gpus: size.gpus,
                },
            );
        }
    }
    out
});

/// The VM size named `name` (case-insensitive, as Azure treats it).
pub fn sku(name: &str) -> Option<&'static Sku> {
    SKUS.get(&name.to_lowercase())
}

/// Every VM size in the family table, as Azure spells them.
pub fn sku_names() -> impl Iterator<Item = &'static str> {
    SKUS.values().map(|sku| sku.name.as_str())
}

/// A built-in policy definition mlzone assigns.
#[derive(Debug, Clone, Deserialize)]
pub struct PolicyDefinition {
    /// Stable key used in plans and generated names.
    pub key: String,
    /// The recommendation it implements.
    pub recommendation: String,
    /// Other recommendations it implements.
    #[serde(default)]
    pub also: Vec<String>,
    /// Full definition ID.
    pub definition_id: String,
    /// Display name.
    pub display_name: String,
    /// Parameter carrying the effect.
    pub effect_parameter: Option<String>,
    /// Allowed effects, strongest first.
    pub effects: Vec<String>,
    /// Other parameters.
    #[serde(default)]
    pub parameters: Vec<String>,
    /// Whether the definition is in preview.
    pub preview: bool,
    /// Caveat worth showing.
    pub note: Option<String>,
    /// Recommendations whose waiver gives the zone a resource this definition's rule flags: a
    /// Deny assignment of it needs an exemption for each (read off the definition's rule).
    #[serde(default)]
    pub relaxed_by: Vec<String>,
    /// What the rule flags, in the definition's own aliases (where `relaxed_by` is set).
    pub checks: Option<String>,
}

/// A built-in initiative mlzone assigns.
#[derive(Debug, Clone, Deserialize)]
pub struct Initiative {
    /// Stable key.
    pub key: String,
    /// The recommendation it implements.
    pub recommendation: String,
    /// Full policy set definition ID.
    pub definition_id: String,
    /// Display name.
    pub display_name: String,
}

#[derive(Deserialize)]
struct PoliciesFile {
    policies: Vec<PolicyDefinition>,
    initiatives: Vec<Initiative>,
    defender_plans: Vec<DefenderPlan>,
    allowed_compute_sizes: PolicyTarget,
}

/// A Defender for Cloud plan as the zone sets it (SEC-01): `Microsoft.Security/pricings/{name}`
/// on the Standard tier, with its sub-plan and every extension enabled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DefenderPlan {
    /// Pricing name: `StorageAccounts`.
    pub name: String,
    /// The built-in policy definition (GUID) whose configuration of the plan this is.
    pub source: String,
    /// Sub-plan: `DefenderForStorageV2`; `None` where the plan has none.
    #[serde(default)]
    pub sub_plan: Option<String>,
    /// Extensions, each enabled.
    #[serde(default)]
    pub extensions: Vec<DefenderExtension>,
}

/// An extension of a Defender for Cloud plan, enabled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DefenderExtension {
    /// Name: `OnUploadMalwareScanning`.
    pub name: String,
    /// `additionalExtensionProperties`, values as the pricings API takes them (strings).
    #[serde(default)]
    pub properties: BTreeMap<String, String>,
}

impl std::fmt::Display for DefenderPlan {
    /// The pricing name.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.name)
    }
}

/// The resource type and alias a custom policy rule tests.
#[derive(Debug, Clone, Deserialize)]
pub struct PolicyTarget {
    /// Resource type.
    pub resource_type: String,
    /// Policy alias of the field.
    pub field: String,
    /// Policy alias of the compute type.
    pub compute_type_field: String,
    /// The compute types that have the field (a VM size).
    pub compute_types: Vec<String>,
}

/// Target of the custom allowed-compute-sizes definition (COST-03).
pub fn allowed_compute_sizes() -> &'static PolicyTarget {
    &POLICIES.allowed_compute_sizes
}

static POLICIES: LazyLock<PoliciesFile> =
    LazyLock::new(|| parse("data/policies.yaml", fact!("policies")));

/// The built-in policy with `key`.
pub fn policy(key: &str) -> &'static PolicyDefinition {
    POLICIES
        .policies
        .iter()
        .find(|p| p.key == key)
        .unwrap_or_else(|| panic!("data/policies.yaml has no policy `{key}`"))
}

/// Every built-in policy mlzone may assign, in the order of `data/policies.yaml`.
pub fn policies() -> &'static [PolicyDefinition] {
    &POLICIES.policies
}

/// The built-in initiative with `key`.
pub fn initiative(key: &str) -> &'static Initiative {
    POLICIES
        .initiatives
        .iter()
        .find(|p| p.key == key)
        .unwrap_or_else(|| panic!("data/policies.yaml has no initiative `{key}`"))
}

/// The rule of a built-in definition (`data/policy-rules.yaml`, from Azure/azure-policy).
#[derive(Debug, Clone, Deserialize)]
pub struct PolicyRule {
    /// Key of the definition in `data/policies.yaml`.
    pub key: String,
    /// Its file in Azure/azure-policy.
    pub file: String,
    /// `Indexed` or `All` (Resource Manager requests), else a Resource Provider mode.
    pub mode: String,
    /// `policyRule.if`, verbatim.
    #[serde(rename = "if")]
    pub condition: serde_json::Value,
}

#[derive(Deserialize)]
struct PolicyRulesFile {
    rules: Vec<PolicyRule>,
}

static POLICY_RULES: LazyLock<Vec<PolicyRule>> = LazyLock::new(|| {
    parse::<PolicyRulesFile>("data/policy-rules.yaml", fact!("policy-rules")).rules
});

/// The rule of the built-in definition with `key`, if recorded.
pub fn policy_rule(key: &str) -> Option<&'static PolicyRule> {
    POLICY_RULES.iter().find(|r| r.key == key)
}

#[derive(Deserialize)]
struct AliasesFile {
    aliases: Vec<Alias>,
}

/// An Azure Policy alias and where it points in a resource's Resource Manager body.
#[derive(Deserialize)]
pub struct Alias {
    alias: String,
    /// The path (`properties.publicNetworkAccess`).
    pub path: String,
    source: AliasSource,
}

/// How an alias's path is known (`data/policy-aliases.yaml`, `source`).
#[derive(Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
enum AliasSource {
    /// Read from the provider's alias list.
    Aliases,
    /// Inferred from the ARM property the alias names: unverified.
    Schema,
}

impl Alias {
    /// Whether the alias and its path were read from Azure's alias list, not inferred.
    pub fn verified(&self) -> bool {
        self.source == AliasSource::Aliases
    }
}

static ALIASES: LazyLock<Vec<Alias>> = LazyLock::new(|| {
    parse::<AliasesFile>("data/policy-aliases.yaml", fact!("policy-aliases")).aliases
});

/// The Azure Policy alias `alias`, if recorded (`data/policy-aliases.yaml`). Aliases are
/// matched whatever their case, as Azure Policy does.
pub fn alias(alias: &str) -> Option<&'static Alias> {
    ALIASES.iter().find(|a| a.alias.eq_ignore_ascii_case(alias))
}

/// Defender for Cloud plans enabled at subscription scope (SEC-01).
pub fn defender_plans() -> &'static [DefenderPlan] {
    &POLICIES.defender_plans
}

/// The pricing names of `plans`, comma-separated: `StorageAccounts, KeyVaults`.
pub fn defender_plan_names(plans: &[DefenderPlan]) -> String {
    plans
        .iter()
        .map(|p| p.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// A private endpoint kind and the DNS zones it needs.
#[derive(Debug, Clone, Deserialize)]
pub struct EndpointZones {
    /// What the endpoint points at: `workspace`, `storage`, `key_vault`, `registry`.
    pub target: String,
    /// Sub-resource (group ID).
    pub subresource: String,
    /// Private DNS zone names.
    pub zones: Vec<String>,
    /// Only when: `read_access_geo` (the storage account replicates to a readable secondary),
    /// `batch_inference` (a batch inference cluster runs in the zone's VNet).
    #[serde(default)]
    pub when: Option<String>,
}

#[derive(Deserialize)]
struct ZonesFile {
    endpoints: Vec<EndpointZones>,
}

static ZONES: LazyLock<Vec<EndpointZones>> = LazyLock::new(|| {
    parse::<ZonesFile>("data/private-dns-zones.yaml", fact!("private-dns-zones")).endpoints
});

/// Every private endpoint kind mlzone creates, with its DNS zones.
pub fn endpoint_zones() -> &'static [EndpointZones] {
    &ZONES
}

/// Every private DNS zone name mlzone may create.
pub fn zone_names() -> impl Iterator<Item = &'static str> {
    ZONES
        .iter()
        .flat_map(|e| e.zones.iter().map(String::as_str))
}

/// An outbound allow rule of the compute subnet (`data/compute-outbound.yaml`).
#[derive(Debug, Clone, Deserialize)]
pub struct ComputeOutbound {
    /// Rule name, unique in the file.
    pub name: String,
    /// Service tag, e.g. `Storage`.
    pub tag: String,
    /// Whether the rule names the region's tag only (`Storage.WestEurope`).
    #[serde(default)]
    pub regional: bool,
    /// `Tcp`, `Udp` or `*`.
    pub protocol: String,
    /// Destination ports.
    pub ports: Vec<String>,
    /// What compute reaches through it.
    pub why: String,
    /// Which Microsoft Learn article asks for it (the file's header names them).
    pub source: String,
    /// `external_registries`: only for profiles that allow other container registries;
    /// `firewall_egress`: only when compute's egress is the route to the hub firewall.
    #[serde(default)]
    pub when: Option<String>,
}

#[derive(Deserialize)]
struct ComputeOutboundFile {
    rules: Vec<ComputeOutbound>,
    service_endpoint_policy_aliases: Vec<String>,
}

static COMPUTE_OUTBOUND: LazyLock<ComputeOutboundFile> = LazyLock::new(|| {
    parse::<ComputeOutboundFile>("data/compute-outbound.yaml", fact!("compute-outbound"))
});

/// Outbound rules no-public-IP compute in a customer VNet needs, in the fact file's order.
pub fn compute_outbound() -> &'static [ComputeOutbound] {
    &COMPUTE_OUTBOUND.rules
}

/// Service aliases the compute subnet's storage service endpoint policy must allow.
pub fn service_endpoint_policy_aliases() -> &'static [String] {
    &COMPUTE_OUTBOUND.service_endpoint_policy_aliases
}

/// Whether a service tag's addresses take data for any tenant (`data/exfiltration.yaml`).
#[derive(Debug, Clone, Deserialize)]
pub struct ServiceTagReach {
    /// Tag, without a region suffix.
    pub tag: String,
    /// Whether its addresses include endpoints of resources any Azure customer creates.
    pub any_tenant: bool,
    /// Whether any tenant can serve a package feed behind it (SEC-16).
    #[serde(default)]
    pub hosts_feeds: bool,
    /// `service_endpoint_policy`: what limits the tag to the zone's own resources.
    #[serde(default)]
    pub unless: Option<String>,
    /// Whose resources it reaches, for people.
    #[serde(default)]
    pub reaches: String,
    /// What Microsoft Learn asks for in its place, if anything.
    #[serde(default)]
    pub instead: Option<String>,
    /// Source key(s) from the file's header.
    pub source: String,
}

/// A public service where any account uploads (`data/exfiltration.yaml`).
#[derive(Debug, Clone, Deserialize)]
pub struct PublicService {
    /// Name, for people.
    pub name: String,
    /// Hosts that take uploads.
    pub upload_hosts: Vec<String>,
    /// Domains whose every host belongs to the service.
    pub domains: Vec<String>,
    /// Hosts whose package index is the whole public index.
    #[serde(default)]
    pub index_hosts: Vec<String>,
    /// What any account does there, e.g. `publishes packages`.
    pub takes: String,
}

#[derive(Deserialize)]
struct ExfiltrationFile {
    service_tags: Vec<ServiceTagReach>,
    public_services: Vec<PublicService>,
}

static EXFILTRATION: LazyLock<ExfiltrationFile> =
    LazyLock::new(|| parse("data/exfiltration.yaml", fact!("exfiltration")));

/// What the fact file says of `tag` (`Storage.WestEurope` is `Storage`; any case), if anything.
pub fn service_tag_reach(tag: &str) -> Option<&'static ServiceTagReach> {
    EXFILTRATION.service_tags.iter().find(|t| {
        tag.eq_ignore_ascii_case(&t.tag)
            || tag.len() > t.tag.len()
                && tag.is_char_boundary(t.tag.len())
                && tag[..t.tag.len()].eq_ignore_ascii_case(&t.tag)
                && tag[t.tag.len()..].starts_with('.')
    })
}

/// The public service whose uploads an approved FQDN (`*.` wildcards included) reaches: one
/// of its upload hosts, or a wildcard over one of its domains or upload hosts, or over a
/// parent of one (`*.hf.co`, `*.com`; not `*.cdn.hf.co`).
pub fn uploads_reached(fqdn: &str) -> Option<&'static PublicService> {
    let fqdn = fqdn.trim_end_matches('.').to_ascii_lowercase();
    let under = |host: &str, domain: &str| {
        host == domain
            || host
                .strip_suffix(domain)
                .is_some_and(|rest| rest.ends_with('.'))
    };
    EXFILTRATION
        .public_services
        .iter()
        .find(|s| match fqdn.strip_prefix("*.") {
            Some(base) => s
                .domains
                .iter()
                .chain(&s.upload_hosts)
                .any(|d| under(d, base)),
            None => s.upload_hosts.contains(&fqdn),
        })
}

/// The public service whose whole package index `host` serves, if any (SEC-16).
pub fn public_index(host: &str) -> Option<&'static PublicService> {
    EXFILTRATION
        .public_services
        .iter()
        .find(|s| s.index_hosts.iter().any(|h| h.eq_ignore_ascii_case(host)))
}

#[derive(Deserialize)]
struct RolesFile {
    roles: BTreeMap<String, String>,
    first_party_applications: BTreeMap<String, String>,
    workspace_identity: Vec<Grant>,
    compute_identity: Vec<Grant>,
    approvable_types: Vec<String>,
    compute_key_vault_secrets: bool,
}

/// A role one of the zone's identities gets (`data/roles.yaml`).
#[derive(Debug, Clone, Deserialize)]
pub struct Grant {
    /// What it is on: `workspace`, `storage`, `key_vault`, `registry`, `app_insights`,
    /// `storage_endpoint` (each private endpoint of the storage in the zone's VNet) or
    /// `outbound_rule` (each `private_endpoint` outbound rule's target).
    pub on: String,
    /// Built-in role name.
    pub role: String,
    /// Which zones grant it.
    pub when: GrantWhen,
    /// Key of its source in the file's comments.
    pub source: String,
    /// Why, for people.
    pub why: String,
}

/// Which zones grant a role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GrantWhen {
    /// Every zone.
    Always,
    /// Workspaces with a customer-managed key.
    Cmk,
    /// Workspaces with a managed network.
    ManagedNetwork,
    /// Storage reached through private endpoints.
    PrivateStorage,
    /// Zones with a batch-inference cluster.
    BatchInference,
}

/// The roles of the workspace's user-assigned identity, in the file's order.
pub fn workspace_identity_grants() -> &'static [Grant] {
    &ROLES_FILE.workspace_identity
}

/// The roles of the compute clusters' user-assigned identity, in the file's order.
pub fn compute_identity_grants() -> &'static [Grant] {
    &ROLES_FILE.compute_identity
}

/// Whether the Azure AI Enterprise Network Connection Approver role can approve a private
/// endpoint to a resource of type `namespace/type` (any case).
pub fn approvable(resource_type: &str) -> bool {
    ROLES_FILE
        .approvable_types
        .iter()
        .any(|t| t.eq_ignore_ascii_case(resource_type))
}

/// Whether the compute identity may read key vault secrets (it may not: the datastores store
/// no credentials).
pub fn compute_reads_key_vault_secrets() -> bool {
    ROLES_FILE.compute_key_vault_secrets
}

static ROLES_FILE: LazyLock<RolesFile> =
    LazyLock::new(|| parse::<RolesFile>("data/roles.yaml", fact!("roles")));

/// The application (client) ID of Microsoft first-party application `name` (empty if unknown:
/// a test keeps every one mlzone names in `data/roles.yaml`).
pub fn first_party_application(name: &str) -> &'static str {
    ROLES_FILE
        .first_party_applications
        .get(name)
        .map_or("", String::as_str)
}

/// The role definition GUID of built-in role `name` (empty if unknown: a test keeps every
/// role mlzone assigns in `data/roles.yaml`).
pub fn role_id(name: &str) -> &'static str {
    ROLES_FILE.roles.get(name).map_or("", String::as_str)
}

/// The name of the built-in role whose definition GUID is `id`, if mlzone assigns it.
pub fn role_name(id: &str) -> Option<&'static str> {
    ROLES_FILE
        .roles
        .iter()
        .find(|(_, guid)| guid.eq_ignore_ascii_case(id))
        .map(|(name, _)| name.as_str())
}

#[derive(Deserialize)]
struct ApiVersionsFile {
    api_versions: BTreeMap<String, ApiVersion>,
}

/// The ARM API version mlzone writes for a resource type, and why that one
/// (`data/api-versions.yaml` states the rule).
#[derive(Debug, Clone, Deserialize)]
pub struct ApiVersion {
    /// `2025-05-01`.
    pub version: String,
    /// The rule's outcome in words, or `exception: <reason>` where the choice departs from it.
    pub why: String,
}

impl ApiVersion {
    /// Whether this choice departs from the written rule.
    pub fn is_exception(&self) -> bool {
        self.why.starts_with("exception:")
    }
}

static API_VERSION_FACTS: LazyLock<BTreeMap<String, ApiVersion>> = LazyLock::new(|| {
    parse::<ApiVersionsFile>("data/api-versions.yaml", fact!("api-versions")).api_versions
});

static API_VERSIONS: LazyLock<BTreeMap<String, String>> = LazyLock::new(|| {
    API_VERSION_FACTS
        .iter()
        .map(|(kind, chosen)| (kind.clone(), chosen.version.clone()))
        .collect()
});

/// ARM API versions by resource type, for the bodies mlzone writes.
pub fn api_versions() -> &'static BTreeMap<String, String> {
    &API_VERSIONS
}

/// Each resource type's API version with the reason it was chosen.
pub fn api_version_choices() -> &'static BTreeMap<String, ApiVersion> {
    &API_VERSION_FACTS
}

/// A resource provider namespace and when a landing zone needs it registered
/// (`data/resource-providers.yaml`).
#[derive(Debug, Clone, Deserialize)]
pub struct ResourceProvider {
    /// `Microsoft.MachineLearningServices`, spelled as Azure lists it.
    pub namespace: String,
    /// Which zones need it.
    pub when: Needed,
    /// What the zone deploys there.
    pub why: String,
}

/// Which zones need a resource provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Needed {
    /// Every zone.
    Always,
    /// Zones with customer-managed keys.
    Cmk,
    /// Zones with a budget.
    Budget,
    /// Zones that enable Defender for Cloud plans.
    Defender,
}

#[derive(Deserialize)]
struct ResourceProvidersFile {
    resource_providers: Vec<ResourceProvider>,
}

static RESOURCE_PROVIDERS: LazyLock<Vec<ResourceProvider>> = LazyLock::new(|| {
    parse::<ResourceProvidersFile>("data/resource-providers.yaml", fact!("resource-providers"))
        .resource_providers
});

/// Every resource provider a landing zone may need, in the fact file's order.
pub fn resource_providers() -> &'static [ResourceProvider] {
    &RESOURCE_PROVIDERS
}

/// How a recommendation is applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Always applied; off only through a waiver.
    Enforced,
    /// Applied with a value the profile may tune.
    Configurable,
    /// Process or code; reported, not generated.
    Advisory,
}

/// One recommendation of the catalog.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Recommendation {
    /// Catalog ID, e.g. `SEC-03`.
    pub id: String,
    /// Well-Architected pillar.
    pub pillar: String,
    /// How it is applied.
    pub kind: Kind,
    /// Whether a waiver can turn it off.
    pub waivable: bool,
    /// Title.
    pub title: String,
    /// The section of the Microsoft Learn guide it comes from, e.g.
    /// `Security configuration: Disable local authentication`.
    pub source: String,
    /// What mlzone does about it.
    pub summary: String,
}

impl Recommendation {
    /// The Microsoft Learn article it comes from, at the heading of its section.
    pub fn source_url(&self) -> String {
        let article = &CATALOG.article;
        let anchor = article
            .sections
            .iter()
            .find(|s| self.source.starts_with(&s.prefix))
            .map_or(String::new(), |s| format!("#{}", learn_anchor(&s.heading)));
        format!("{}{anchor}", article.url)
    }
}

/// The guide the catalog comes from.
#[derive(Debug, Deserialize)]
struct Article {
    url: String,
    sections: Vec<Section>,
}

/// Which heading of the guide a `source` starting with `prefix` is under.
#[derive(Debug, Deserialize)]
struct Section {
    prefix: String,
    /// The heading's text in the guide's source.
    heading: String,
}

/// The anchor Learn gives a heading: its text lower-cased, punctuation dropped, spaces turned
/// to hyphens (`Azure Advisor recommendations` → `azure-advisor-recommendations`).
fn learn_anchor(heading: &str) -> String {
    heading
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == ' ' || *c == '-')
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

#[derive(Deserialize)]
struct CatalogFile {
    article: Article,
    recommendations: Vec<Recommendation>,
}

static CATALOG: LazyLock<CatalogFile> =
    LazyLock::new(|| parse("data/recommendations.yaml", fact!("recommendations")));

/// The recommendation catalog, in catalog order.
pub fn catalog() -> &'static [Recommendation] {
    &CATALOG.recommendations
}

/// The recommendation with `id`.
pub fn recommendation(id: &str) -> Option<&'static Recommendation> {
    CATALOG.recommendations.iter().find(|r| r.id == id)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    #[test]
    fn every_fact_file_parses() {
        assert!(regions().len() > 50);
        assert!(sku("standard_nc24ads_a100_v4").is_some());
        assert!(endpoint_zones().len() >= 5);
        assert!(catalog().len() >= 48);
        assert!(!POLICIES.policies.is_empty());
        assert!(!compute_outbound().is_empty());
        assert!(!service_endpoint_policy_aliases().is_empty());
    }

    #[test]
    fn every_service_tag_the_compute_nsg_allows_is_judged_for_exfiltration() {
        for rule in compute_outbound().iter().filter(|r| r.tag != "Internet") {
            assert!(
                service_tag_reach(&rule.tag).is_some(),
                "{} unjudged",
                rule.tag
            );
        }
        let storage = service_tag_reach("storage.WestEurope").expect("Storage");
        assert_eq!(storage.unless.as_deref(), Some("service_endpoint_policy"));
        assert!(service_tag_reach("AzureFrontDoor.FrontEnd").is_some_and(|t| t.any_tenant));
        assert!(service_tag_reach("AzureFrontDoor.FirstParty").is_some_and(|t| !t.any_tenant));
        assert!(service_tag_reach("AzureFrontDoor").is_none());
    }

    #[test]
    fn upload_hosts_and_wildcards_over_their_domains_reach_uploads_download_hosts_do_not() {
        let reached = |fqdn: &str| uploads_reached(fqdn).map(|s| s.name.as_str());
        assert_eq!(reached("github.com"), Some("GitHub"));
        assert_eq!(reached("GitHub.com."), Some("GitHub"));
        assert_eq!(reached("*.github.com"), Some("GitHub"));
        assert_eq!(reached("huggingface.co"), Some("Hugging Face Hub"));
        assert_eq!(reached("*.hf.co"), Some("Hugging Face Hub"));
        assert_eq!(reached("*.pypi.org"), Some("PyPI"));
        for download in [
            "pypi.org",
            "files.pythonhosted.org",
            "conda.anaconda.org",
            "raw.githubusercontent.com",
            "*.cdn.hf.co",
            "notgithub.com",
        ] {
            assert_eq!(reached(download), None, "{download}");
        }
        assert!(public_index("pypi.org").is_some_and(|s| s.name == "PyPI"));
        assert!(public_index("pkgs.dev.azure.com").is_none());
    }

    #[test]
    fn region_codes_are_unique_and_pairs_exist() {
        let mut codes = BTreeSet::new();
        for (name, r) in regions() {
            assert!(codes.insert(&r.code), "duplicate code {}", r.code);
            if let Some(pair) = &r.pair {
                assert!(region(pair).is_some(), "{name} pairs with unknown {pair}");
            }
        }
    }

    #[test]
    fn pairs_are_looked_up_per_region_not_assumed_symmetric() {
        assert_eq!(region("westus3").unwrap().pair.as_deref(), Some("eastus"));
        assert_eq!(region("eastus").unwrap().pair.as_deref(), Some("westus"));
        assert_eq!(region("italynorth").unwrap().pair, None);
    }

    #[test]
    fn policies_name_catalog_recommendations() {
        for policy in &POLICIES.policies {
            assert!(
                recommendation(&policy.recommendation).is_some(),
                "{}",
                policy.key
            );
            assert!(
                policy
                    .definition_id
                    .starts_with("/providers/Microsoft.Authorization/policyDefinitions/")
            );
        }
    }

    #[test]
    fn policies_relaxed_by_a_waiver_name_waivable_recommendations_and_what_they_check() {
        for policy in policies() {
            for id in &policy.relaxed_by {
                let r = recommendation(id).unwrap_or_else(|| panic!("{}: {id}", policy.key));
                assert!(r.waivable, "{}: {id} cannot be waived", policy.key);
            }
            assert_eq!(
                policy.relaxed_by.is_empty(),
                policy.checks.is_none(),
                "{}: `checks` says what a waiver's setting fails",
                policy.key
            );
            // Exemptions reach only Resource Manager modes: the enforceSetting definitions
            // (data-plane modes) must not need one.
            if policy.effects.iter().any(|e| e == "enforceSetting") {
                assert!(policy.relaxed_by.is_empty(), "{}", policy.key);
            }
        }
    }

    #[test]
    fn waivers_meet_the_policies_whose_rules_flag_their_settings() {
        // The mapping, read off each definition's policyRule (data/policies.yaml).
        let relaxed = |id: &str| -> Vec<&str> {
            policies()
                .iter()
                .filter(|p| p.relaxed_by.iter().any(|r| r == id))
                .map(|p| p.key.as_str())
                .collect()
        };
        assert_eq!(
            relaxed("SEC-03"),
            ["workspace_public_network_access", "workspace_private_link"]
        );
        assert_eq!(relaxed("SEC-13"), ["workspace_customer_managed_key"]);
        assert_eq!(relaxed("SEC-07"), ["compute_local_auth_disabled"]);
        assert_eq!(relaxed("COST-09"), ["compute_instance_idle_shutdown"]);
        assert_eq!(relaxed("SEC-02"), ["workspace_managed_network_isolation"]);
        assert_eq!(relaxed("SEC-04"), ["workspace_managed_network_isolation"]);
        assert_eq!(relaxed("OPS-05"), ["workspace_resource_logs"]);
        for id in ["REL-07", "SEC-05", "SEC-06", "SEC-08", "SEC-09", "SEC-18"] {
            assert!(relaxed(id).is_empty(), "{id}: no assigned rule checks it");
        }
    }

    #[test]
    fn every_role_mlzone_assigns_has_a_definition_id() {
        for role in [
            "Storage Blob Data Contributor",
            "Storage File Data Privileged Contributor",
            "AcrPush",
            "Key Vault Secrets Officer",
            "Key Vault Crypto Service Encryption User",
            "AzureML Data Scientist",
            "AzureML Compute Operator",
            "Reader",
        ] {
            assert!(crate::values::is_guid(role_id(role)), "{role}");
        }
        for grant in workspace_identity_grants()
            .iter()
            .chain(compute_identity_grants())
        {
            assert!(
                crate::values::is_guid(role_id(&grant.role)),
                "{}",
                grant.role
            );
            assert!(!grant.why.is_empty() && !grant.source.is_empty());
        }
    }

    #[test]
    fn the_workspace_identity_gets_every_role_documented_for_it() {
        // Learn, "Set up authentication between Azure Machine Learning and other services",
        // user-assigned managed identity: the table of required roles, none narrowed.
        let documented = [
            ("workspace", "Contributor"),
            ("storage", "Contributor"),
            ("storage", "Storage Blob Data Contributor"),
            ("key_vault", "Contributor"),
            ("key_vault", "Key Vault Administrator"),
            ("registry", "Contributor"),
            ("app_insights", "Contributor"),
        ];
        for (on, role) in documented {
            assert!(
                workspace_identity_grants()
                    .iter()
                    .any(|g| g.on == on && g.role == role && g.when == GrantWhen::Always),
                "{role} on {on}"
            );
        }
    }

    #[test]
    fn the_compute_identity_gets_no_key_vault_or_push_rights() {
        assert!(!compute_reads_key_vault_secrets());
        for grant in compute_identity_grants() {
            assert!(grant.on == "registry" || grant.on == "storage", "{grant:?}");
            assert!(!grant.role.contains("Push") && grant.role != "Contributor");
        }
        assert!(approvable("Microsoft.KeyVault/vaults"));
        assert!(!approvable("Microsoft.Search/searchServices"));
    }

    #[test]
    fn every_recommendation_links_a_section_of_the_guide() {
        for r in catalog() {
            let url = r.source_url();
            assert!(
                url.starts_with("https://learn.microsoft.com/") && url.contains('#'),
                "{}: {url}",
                r.id
            );
        }
    }

    #[test]
    fn every_guide_link_has_an_anchor_made_of_a_heading_recorded_at_a_commit() {
        let raw: serde_json::Value = parse("data/recommendations.yaml", fact!("recommendations"));
        let commit = raw["article"]["commit"].as_str().unwrap_or_default();
        assert!(
            commit.len() == 40 && commit.bytes().all(|b| b.is_ascii_hexdigit()),
            "the commit of the guide's source the headings were read at: {commit:?}"
        );
        assert!(
            raw["article"]["file"]
                .as_str()
                .is_some_and(|f| f.ends_with(".md"))
        );
        let anchors: Vec<String> = CATALOG
            .article
            .sections
            .iter()
            .map(|s| learn_anchor(&s.heading))
            .collect();
        for r in catalog() {
            let url = r.source_url();
            let anchor = url.rsplit_once('#').map_or("", |(_, a)| a);
            assert!(
                anchors.iter().any(|a| a == anchor),
                "{}: {url} has no anchor of a recorded heading",
                r.id
            );
        }
        assert_eq!(
            learn_anchor("Azure Advisor recommendations"),
            "azure-advisor-recommendations"
        );
        assert_eq!(learn_anchor("What's new? (2026)"), "whats-new-2026");
    }

    #[test]
    fn catalog_ids_are_unique() {
        let ids: BTreeSet<_> = catalog().iter().map(|r| &r.id).collect();
        assert_eq!(ids.len(), catalog().len());
    }
}
