//! The security settings a Terraform configuration or a Bicep deployment declares, read out of
//! its files.
//!
//! `mlzone diff` reads them out of the files on disk and out of the files the profile produces,
//! so a hand edit that weakens a setting shows as one, whatever the manifest says; `generate` and
//! `diff` read them out of an overlay's output and the embedded templates' output, so an overlay
//! that changes a setting the plan records says so; the keep check reads which generated files
//! carry settings. Both sides are read by the same code, so only a real difference in the files
//! differs.
//!
//! Each format is first read into the same tree (`Node`: HCL attributes and blocks, Bicep
//! properties), and one table (`ATTRIBUTES`) names each setting in both spellings, so both
//! formats yield the same labels and values (`workspace mlw-x public network access:
//! Disabled`). Each setting is keyed by where it is (`azurerm_storage_account.primary/
//! shared_access_key_enabled`, `bicep/modules/primary-dependencies.bicep:storage/properties/
//! allowSharedKeyAccess`) and carries the recommendation it implements and whether its value
//! is the hardened one, as [`plan::security`](crate::plan::security) does for the plan. The
//! hardened values are those the plan sets (azurerm defaults several of them open: DESIGN
//! "Insecure provider defaults").

mod bicep;
mod terraform;

use crate::facts;
use crate::naming::SUFFIX_SLOT;
use crate::plan::security::{
    Basis, Presence, Setting, allows_effect, effect_strength, shorter_is_stronger,
};
use crate::values;

/// Every security setting the `files` (path relative to the output directory → text) declare,
/// in a stable order: `.tf` files read as Terraform, `.bicep` files as Bicep, others not at all.
/// A file that does not parse adds what could be read before the error (Terraform: nothing):
/// `terraform validate` and the Bicep compiler are the judges of syntax, and the unified diff
/// shows it.
pub fn read<'a>(files: impl IntoIterator<Item = (&'a str, &'a str)>) -> Vec<Setting> {
    let mut resources = Vec::new();
    for (path, text) in files {
        if path.ends_with(".tf") {
            resources.extend(terraform::resources(text));
        } else if path.ends_with(".bicep") {
            resources.extend(bicep::resources(path, text));
        }
    }
    // A Terraform address is one module's (its files share it), a Bicep one its file's:
    // references are looked up among all of them.
    let mut out = Vec::new();
    for r in resources.iter().filter(|r| !r.existing) {
        resource(&mut out, r, &resources);
    }
    out.sort_by(|a, b| a.key.cmp(&b.key));
    out
}

/// A value read out of a file: a literal as its text (`false`, `90`, `Identity`), any other
/// expression as written; objects and HCL blocks by key, lists in order.
#[derive(Debug, Clone, PartialEq)]
enum Node {
    Text(String),
    Object(Vec<(String, Node)>),
    List(Vec<Node>),
}

impl Node {
    /// The node at `path` (`/` steps into objects and blocks).
    fn at(&self, path: &str) -> Option<&Node> {
        path.split('/')
            .filter(|p| !p.is_empty())
            .try_fold(self, |node, part| match node {
                Node::Object(entries) => entries.iter().find(|(k, _)| k == part).map(|(_, v)| v),
                _ => None,
            })
    }

    /// The text at `path`, if a value is there.
    fn text(&self, path: &str) -> Option<String> {
        match self.at(path)? {
            Node::Text(t) => Some(t.clone()),
            other => Some(other.flat()),
        }
    }

    /// An object or list as one line (`{serviceTag=AzureActiveDirectory}`), to compare.
    fn flat(&self) -> String {
        match self {
            Node::Text(t) => t.clone(),
            Node::Object(entries) => {
                let mut parts: Vec<String> = entries
                    .iter()
                    .map(|(k, v)| format!("{k}={}", v.flat()))
                    .collect();
                parts.sort();
                format!("{{{}}}", parts.join(", "))
            }
            Node::List(items) => format!(
                "[{}]",
                items.iter().map(Node::flat).collect::<Vec<_>>().join(", ")
            ),
        }
    }
}

/// The two spellings of the IaC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Terraform,
    Bicep,
}

/// A resource read out of a file, in its format's words.
#[derive(Debug)]
struct Resource {
    format: Format,
    /// azurerm/azapi type (`azurerm_storage_account`), or ARM type without API version.
    ty: String,
    /// Where it is: the Terraform address, or the Bicep file and symbol.
    address: String,
    /// Its body: Terraform attributes and blocks, or the Bicep resource's object.
    body: Node,
    /// A Bicep `existing` resource: deployed elsewhere, so it declares no settings, but what
    /// the file's resources reference (a storage service a diagnostic setting covers).
    existing: bool,
}

impl Resource {
    /// The ARM type of a Bicep resource or an azapi one (its `type` without the API version),
    /// with `#` and the compute type for computes, whose clusters and instances share a type
    /// (`Microsoft.MachineLearningServices/workspaces/computes#AmlCompute`); `None` for azurerm.
    fn arm(&self) -> Option<String> {
        let ty = match self.format {
            Format::Terraform if self.ty == "azapi_resource" => self.body.text("type")?,
            Format::Terraform => return None,
            Format::Bicep => self.ty.clone(),
        };
        let ty = ty.split('@').next().unwrap_or_default();
        Some(match self.body.text(&self.path("properties/computeType")) {
            Some(compute) if ty.ends_with("/workspaces/computes") => format!("{ty}#{compute}"),
            _ => ty.to_owned(),
        })
    }

    /// The path of `bicep` in this resource's format: the azapi body holds the ARM body.
    fn path(&self, bicep: &str) -> String {
        match self.format {
            Format::Terraform => format!("body/{bicep}"),
            Format::Bicep => bicep.to_owned(),
        }
    }

    /// Where `a` is in this resource, if `a` is one of its settings: the azurerm attribute, or
    /// the ARM property in a Bicep or azapi body (`!` kept in front).
    fn spelling(&self, a: &Attribute) -> Option<String> {
        if let (Format::Terraform, Some((ty, path))) = (self.format, a.terraform) {
            return (ty == self.ty).then(|| path.to_owned());
        }
        let (ty, path) = a.bicep;
        if self.arm().as_deref() != Some(ty) {
            return None;
        }
        let (negated, path) = match path.strip_prefix('!') {
            Some(path) => ("!", path),
            None => ("", path),
        };
        Some(format!("{negated}{}", self.path(path)))
    }
}

/// What the hardened value of an attribute is, as [`shown`] shows values.
#[derive(Clone, Copy)]
enum Hardened {
    /// This value (`Disabled`, `Identity`; ASCII case aside, as ARM compares enums).
    Is(&'static str),
    /// Anything but this value (`AllowInternetOutbound`).
    Not(&'static str),
    /// A number: more is stronger (a retention in days).
    More,
    /// The block or object is there (`encryption`): its being gone weakens.
    Present,
    /// A value is there (an idle shutdown time): its being gone weakens.
    Set,
}

/// One security setting in both spellings.
struct Attribute {
    /// azurerm resource type and attribute path (`/` into blocks); `None` where the Terraform
    /// declares the resource with azapi, whose `body` is spelled as the Bicep.
    terraform: Option<(&'static str, &'static str)>,
    /// ARM resource type and property path in the Bicep body; a leading `!`: the property says
    /// the opposite (`disableLocalAuth: true` is local authentication `Disabled`).
    bicep: (&'static str, &'static str),
    recommendation: &'static str,
    what: &'static str,
    hardened: Hardened,
    /// What else rests on it, where more than its recommendation does.
    basis: Option<Basis>,
}

const WORKSPACE: &str = "Microsoft.MachineLearningServices/workspaces";
const STORAGE: &str = "Microsoft.Storage/storageAccounts";
const KEY_VAULT: &str = "Microsoft.KeyVault/vaults";
const REGISTRY: &str = "Microsoft.ContainerRegistry/registries";
const LOG_ANALYTICS: &str = "Microsoft.OperationalInsights/workspaces";
const APP_INSIGHTS: &str = "Microsoft.Insights/components";
const MONITOR_SCOPE: &str = "Microsoft.Insights/privateLinkScopes";
/// A compute of type `AmlCompute`: the Bicep reader names clusters so (instances are not read).
const CLUSTER: &str = "Microsoft.MachineLearningServices/workspaces/computes#AmlCompute";
/// A compute instance: azapi in the Terraform (azurerm has no idle shutdown: DESIGN).
const INSTANCE: &str = "Microsoft.MachineLearningServices/workspaces/computes#ComputeInstance";

/// The settings read, with the recommendations `plan::security` gives the same settings.
const ATTRIBUTES: &[Attribute] = &[
    Attribute {
        terraform: Some((
            "azurerm_machine_learning_workspace",
            "public_network_access_enabled",
        )),
        bicep: (WORKSPACE, "properties/publicNetworkAccess"),
        recommendation: "SEC-03",
        what: "public network access",
        hardened: Hardened::Is("Disabled"),
        basis: None,
    },
    Attribute {
        terraform: Some((
            "azurerm_machine_learning_workspace",
            "managed_network/isolation_mode",
        )),
        bicep: (WORKSPACE, "properties/managedNetwork/isolationMode"),
        recommendation: "SEC-04",
        what: "outbound",
        hardened: Hardened::Not("AllowInternetOutbound"),
        basis: Some(Basis::Isolation),
    },
    Attribute {
        terraform: Some((
            "azurerm_machine_learning_workspace",
            "storage_account_access_type",
        )),
        bicep: (WORKSPACE, "properties/systemDatastoresAuthMode"),
        recommendation: "SEC-06",
        what: "datastore authentication",
        hardened: Hardened::Is("Identity"),
        basis: None,
    },
    Attribute {
        terraform: Some(("azurerm_machine_learning_workspace", "encryption")),
        bicep: (WORKSPACE, "properties/encryption"),
        recommendation: "SEC-13",
        what: "customer-managed key",
        hardened: Hardened::Present,
        basis: None,
    },
    Attribute {
        terraform: Some(("azurerm_storage_account", "public_network_access_enabled")),
        bicep: (STORAGE, "properties/publicNetworkAccess"),
        recommendation: "SEC-05",
        what: "public network access",
        hardened: Hardened::Is("Disabled"),
        basis: None,
    },
    Attribute {
        terraform: Some(("azurerm_storage_account", "shared_access_key_enabled")),
        bicep: (STORAGE, "properties/allowSharedKeyAccess"),
        recommendation: "SEC-06",
        what: "shared keys",
        hardened: Hardened::Is("Disabled"),
        basis: None,
    },
    Attribute {
        terraform: Some(("azurerm_storage_account", "min_tls_version")),
        bicep: (STORAGE, "properties/minimumTlsVersion"),
        recommendation: "SEC-18",
        what: "minimum TLS",
        hardened: Hardened::Is("TLS1_2"),
        basis: None,
    },
    Attribute {
        terraform: Some(("azurerm_storage_account", "https_traffic_only_enabled")),
        bicep: (STORAGE, "properties/supportsHttpsTrafficOnly"),
        recommendation: "SEC-18",
        what: "HTTPS only",
        hardened: Hardened::Is("Enabled"),
        basis: None,
    },
    Attribute {
        terraform: Some(("azurerm_storage_account", "allow_nested_items_to_be_public")),
        bicep: (STORAGE, "properties/allowBlobPublicAccess"),
        recommendation: "SEC-05",
        what: "public blob access",
        hardened: Hardened::Is("Disabled"),
        basis: None,
    },
    Attribute {
        terraform: Some(("azurerm_storage_account", "customer_managed_key")),
        bicep: (STORAGE, "properties/encryption/keyvaultproperties"),
        recommendation: "SEC-13",
        what: "customer-managed key",
        hardened: Hardened::Present,
        basis: None,
    },
    Attribute {
        terraform: Some(("azurerm_key_vault", "public_network_access_enabled")),
        bicep: (KEY_VAULT, "properties/publicNetworkAccess"),
        recommendation: "SEC-05",
        what: "public network access",
        hardened: Hardened::Is("Disabled"),
        basis: Some(Basis::PrivateOnly),
    },
    // azurerm `network_acls.default_action` and `network_rules.default_action`: `Allow` |
    // `Deny`, case-sensitive (tests/data/azurerm-validations.json); ARM `NetworkRuleSet`
    // `defaultAction` of both resources (tests/data/bicep-types.json).
    Attribute {
        terraform: Some(("azurerm_key_vault", "network_acls/default_action")),
        bicep: (KEY_VAULT, "properties/networkAcls/defaultAction"),
        recommendation: "SEC-05",
        what: "network default action",
        hardened: Hardened::Is("Deny"),
        basis: None,
    },
    Attribute {
        terraform: Some(("azurerm_storage_account", "network_rules/default_action")),
        bicep: (STORAGE, "properties/networkAcls/defaultAction"),
        recommendation: "SEC-05",
        what: "network default action",
        hardened: Hardened::Is("Deny"),
        basis: None,
    },
    // azurerm `queue_encryption_key_type`, `table_encryption_key_type`: `Account` | `Service`,
    // case-sensitive, ForceNew (tests/data/azurerm-validations.json); ARM
    // `encryption.services.queue|table.keyType` (tests/data/bicep-types.json).
    Attribute {
        terraform: Some(("azurerm_storage_account", "queue_encryption_key_type")),
        bicep: (STORAGE, "properties/encryption/services/queue/keyType"),
        recommendation: "SEC-13",
        what: "queue encryption key scope",
        hardened: Hardened::Is("Account"),
        basis: None,
    },
    Attribute {
        terraform: Some(("azurerm_storage_account", "table_encryption_key_type")),
        bicep: (STORAGE, "properties/encryption/services/table/keyType"),
        recommendation: "SEC-13",
        what: "table encryption key scope",
        hardened: Hardened::Is("Account"),
        basis: None,
    },
    Attribute {
        terraform: Some(("azurerm_key_vault", "purge_protection_enabled")),
        bicep: (KEY_VAULT, "properties/enablePurgeProtection"),
        recommendation: "SEC-13",
        what: "purge protection",
        hardened: Hardened::Is("Enabled"),
        basis: Some(Basis::PurgeProtection),
    },
    Attribute {
        terraform: Some((
            "azurerm_container_registry",
            "public_network_access_enabled",
        )),
        bicep: (REGISTRY, "properties/publicNetworkAccess"),
        recommendation: "SEC-05",
        what: "public network access",
        hardened: Hardened::Is("Disabled"),
        basis: Some(Basis::PrivateOnly),
    },
    Attribute {
        terraform: Some(("azurerm_container_registry", "admin_enabled")),
        bicep: (REGISTRY, "properties/adminUserEnabled"),
        recommendation: "SEC-06",
        what: "admin user",
        hardened: Hardened::Is("Disabled"),
        basis: None,
    },
    Attribute {
        terraform: Some(("azurerm_log_analytics_workspace", "retention_in_days")),
        bicep: (LOG_ANALYTICS, "properties/retentionInDays"),
        recommendation: "OPS-05",
        what: "retention (days)",
        hardened: Hardened::More,
        basis: Some(Basis::Retention),
    },
    Attribute {
        terraform: Some((
            "azurerm_log_analytics_workspace",
            "local_authentication_enabled",
        )),
        bicep: (LOG_ANALYTICS, "!properties/features/disableLocalAuth"),
        recommendation: "OPS-05",
        what: "local authentication",
        hardened: Hardened::Is("Disabled"),
        basis: None,
    },
    Attribute {
        terraform: Some((
            "azurerm_application_insights",
            "local_authentication_enabled",
        )),
        bicep: (APP_INSIGHTS, "!properties/DisableLocalAuth"),
        recommendation: "OPS-05",
        what: "local authentication",
        hardened: Hardened::Is("Disabled"),
        basis: None,
    },
    // Public ingestion and query: azurerm Log Analytics `internet_ingestion_access_type`,
    // `internet_query_access_type` (`Enabled` | `Disabled` | `SecuredByPerimeter`, default
    // `Enabled`), Application Insights `internet_ingestion_enabled`, `internet_query_enabled`
    // (default true) (tests/data/azurerm-validations.json); ARM `publicNetworkAccessForIngestion`,
    // `publicNetworkAccessForQuery` of both (tests/data/bicep-types.json). Only the plan's
    // `Disabled` is hardened: a perimeter's access rules may admit public networks.
    Attribute {
        terraform: Some((
            "azurerm_log_analytics_workspace",
            "internet_ingestion_access_type",
        )),
        bicep: (LOG_ANALYTICS, "properties/publicNetworkAccessForIngestion"),
        recommendation: "SEC-05",
        what: "public ingestion",
        hardened: Hardened::Is("Disabled"),
        basis: None,
    },
    Attribute {
        terraform: Some((
            "azurerm_log_analytics_workspace",
            "internet_query_access_type",
        )),
        bicep: (LOG_ANALYTICS, "properties/publicNetworkAccessForQuery"),
        recommendation: "SEC-05",
        what: "public query",
        hardened: Hardened::Is("Disabled"),
        basis: None,
    },
    Attribute {
        terraform: Some(("azurerm_application_insights", "internet_ingestion_enabled")),
        bicep: (APP_INSIGHTS, "properties/publicNetworkAccessForIngestion"),
        recommendation: "SEC-05",
        what: "public ingestion",
        hardened: Hardened::Is("Disabled"),
        basis: None,
    },
    Attribute {
        terraform: Some(("azurerm_application_insights", "internet_query_enabled")),
        bicep: (APP_INSIGHTS, "properties/publicNetworkAccessForQuery"),
        recommendation: "SEC-05",
        what: "public query",
        hardened: Hardened::Is("Disabled"),
        basis: None,
    },
    // azurerm `ingestion_access_mode`, `query_access_mode`: `Open` | `PrivateOnly`, default
    // `Open` (tests/data/azurerm-validations.json); ARM `accessModeSettings.ingestionAccessMode`,
    // `queryAccessMode` (Microsoft Learn, "Microsoft.Insights privateLinkScopes" template
    // reference; the type is not in tests/data/bicep-types.json).
    Attribute {
        terraform: Some((
            "azurerm_monitor_private_link_scope",
            "ingestion_access_mode",
        )),
        bicep: (
            MONITOR_SCOPE,
            "properties/accessModeSettings/ingestionAccessMode",
        ),
        recommendation: "SEC-14",
        what: "ingestion access mode",
        hardened: Hardened::Is("PrivateOnly"),
        basis: Some(Basis::MonitorScopeAccess),
    },
    Attribute {
        terraform: Some(("azurerm_monitor_private_link_scope", "query_access_mode")),
        bicep: (
            MONITOR_SCOPE,
            "properties/accessModeSettings/queryAccessMode",
        ),
        recommendation: "SEC-14",
        what: "query access mode",
        hardened: Hardened::Is("PrivateOnly"),
        basis: Some(Basis::MonitorScopeAccess),
    },
    Attribute {
        terraform: Some((
            "azurerm_machine_learning_compute_cluster",
            "local_auth_enabled",
        )),
        bicep: (CLUSTER, "!properties/disableLocalAuth"),
        recommendation: "SEC-07",
        what: "local authentication",
        hardened: Hardened::Is("Disabled"),
        basis: None,
    },
    Attribute {
        terraform: Some((
            "azurerm_machine_learning_compute_cluster",
            "node_public_ip_enabled",
        )),
        bicep: (CLUSTER, "properties/properties/enableNodePublicIp"),
        recommendation: "SEC-09",
        what: "node public IP",
        hardened: Hardened::Is("Disabled"),
        basis: Some(Basis::NodePublicIp),
    },
    Attribute {
        terraform: Some((
            "azurerm_machine_learning_compute_cluster",
            "ssh_public_access_enabled",
        )),
        bicep: (CLUSTER, "properties/properties/remoteLoginPortPublicAccess"),
        recommendation: "SEC-08",
        what: "public SSH",
        hardened: Hardened::Is("Disabled"),
        basis: None,
    },
    Attribute {
        terraform: None,
        bicep: (INSTANCE, "!properties/disableLocalAuth"),
        recommendation: "SEC-07",
        what: "local authentication",
        hardened: Hardened::Is("Disabled"),
        basis: None,
    },
    Attribute {
        terraform: None,
        bicep: (INSTANCE, "properties/properties/enableNodePublicIp"),
        recommendation: "SEC-09",
        what: "node public IP",
        hardened: Hardened::Is("Disabled"),
        basis: Some(Basis::NodePublicIp),
    },
    Attribute {
        terraform: None,
        bicep: (
            INSTANCE,
            "properties/properties/sshSettings/sshPublicAccess",
        ),
        recommendation: "SEC-08",
        what: "public SSH",
        hardened: Hardened::Is("Disabled"),
        basis: None,
    },
    Attribute {
        terraform: None,
        bicep: (INSTANCE, "properties/properties/idleTimeBeforeShutdown"),
        recommendation: "COST-09",
        what: "idle shutdown",
        hardened: Hardened::Set,
        basis: None,
    },
];

/// A resource's name as the plan writes it: the deploy-time name suffix, `${local.name_suffix}`
/// in the Terraform and `${nameSuffix}` in the Bicep, becomes `{suffix}`
/// (`naming::SUFFIX_SLOT`), so one resource has one label in both formats and in the plan.
pub(crate) fn plan_name(written: &str) -> String {
    written
        .replace("${local.name_suffix}", SUFFIX_SLOT)
        .replace("${nameSuffix}", SUFFIX_SLOT)
}

/// The settings of one resource, among the `others` it may reference.
fn resource(out: &mut Vec<Setting>, r: &Resource, others: &[Resource]) {
    let name = plan_name(&r.body.text("name").unwrap_or_else(|| r.address.clone()));
    for a in ATTRIBUTES {
        if let Some(path) = r.spelling(a) {
            out.push(attribute(r, &path, a, &name));
        }
    }
    match (r.format, r.ty.as_str()) {
        (Format::Terraform, "azurerm_private_endpoint")
        | (Format::Bicep, "Microsoft.Network/privateEndpoints") => out.push(presence(
            &r.address,
            endpoint_recommendation(r),
            format!("private endpoint {name}"),
            Presence::Protects,
        )),
        (
            Format::Terraform,
            "azurerm_resource_group_policy_assignment"
            | "azurerm_subscription_policy_assignment"
            | "azurerm_management_group_policy_assignment",
        )
        | (Format::Bicep, "Microsoft.Authorization/policyAssignments") => {
            out.extend(policy_assignment(r, &name, others));
        }
        (
            Format::Terraform,
            "azurerm_resource_group_policy_exemption" | "azurerm_subscription_policy_exemption",
        )
        | (Format::Bicep, "Microsoft.Authorization/policyExemptions") => {
            let mut setting = presence(
                &r.address,
                "",
                format!("policy exemption {name}"),
                Presence::Opens,
            );
            setting.hardened = false;
            out.push(setting);
        }
        (Format::Terraform, "azurerm_network_security_rule")
        | (Format::Bicep, "Microsoft.Network/networkSecurityGroups/securityRules") => {
            let properties = match r.format {
                Format::Terraform => &r.body,
                Format::Bicep => r.body.at("properties").unwrap_or(&r.body),
            };
            out.extend(internet_rule(&r.address, &name, properties, r.format));
        }
        (Format::Terraform, "azurerm_network_security_group") => {
            out.extend(inline_rules(r, "security_rule", ""));
        }
        (Format::Bicep, "Microsoft.Network/networkSecurityGroups") => {
            out.extend(inline_rules(r, "properties/securityRules", "properties"));
        }
        (Format::Terraform, "azurerm_role_assignment")
        | (Format::Bicep, "Microsoft.Authorization/roleAssignments") => {
            out.push(role_assignment(r));
        }
        (Format::Terraform, "azurerm_monitor_diagnostic_setting")
        | (Format::Bicep, "Microsoft.Insights/diagnosticSettings") => {
            out.push(diagnostic_setting(r, others));
        }
        _ => match r.arm().unwrap_or_default().as_str() {
            "Microsoft.MachineLearningServices/workspaces/outboundRules" => {
                out.push(outbound_rule(r, &name));
            }
            "Microsoft.KeyVault/vaults/keys" => {
                let name = match parent(r, others) {
                    Some(vault) => format!("key vault {vault} key {name}"),
                    None => format!("key {name}"),
                };
                out.extend(rotation(r, &name));
            }
            _ => {}
        },
    }
}

/// The setting `a` at `path` of `r`.
fn attribute(r: &Resource, path: &str, a: &Attribute, name: &str) -> Setting {
    let (negated, path) = match path.strip_prefix('!') {
        Some(path) => (true, path),
        None => (false, path),
    };
    let found = r.body.at(path);
    let value = match (a.hardened, found) {
        (Hardened::Present, Some(Node::Object(_))) => "Enabled".to_owned(),
        (Hardened::Present, _) => "Disabled".to_owned(),
        (_, Some(Node::Text(v))) if negated => shown(&negation(v)),
        (_, Some(node)) => shown(&node.flat()),
        // A value left out takes the provider's (or the API's) default.
        (_, None) => "not set".to_owned(),
    };
    let literal = found.is_some();
    let setting = Setting {
        key: format!("{}/{path}", r.address),
        recommendation: a.recommendation.to_owned(),
        label: format!(
            "{} {name} {}",
            kind(&r.arm().unwrap_or_else(|| r.ty.clone())),
            a.what
        ),
        hardened: match a.hardened {
            Hardened::Is(v) => literal && value.eq_ignore_ascii_case(v),
            Hardened::Not(v) => literal && !value.eq_ignore_ascii_case(v),
            Hardened::More => true,
            Hardened::Present => matches!(found, Some(Node::Object(_))),
            Hardened::Set => literal,
        },
        strength: match a.hardened {
            Hardened::More => value.parse().ok(),
            _ => None,
        },
        value,
        replaces: false,
        presence: Presence::Neutral,
        pinned: false,
        also: Vec::new(),
    };
    match a.basis {
        Some(basis) => setting.resting_on(basis),
        None => setting,
    }
}

/// The effect an assignment without an effect parameter has, as shown.
const DEFINITION_DEFAULT: &str = "definition default";

/// A policy assignment: present, with its effect (from `parameters`: `effect` or `effects`,
/// else the definition's own) ranked as the definition ranks it; and what else decides what
/// it enforces where: the definition it points at, the scopes it leaves out, the values of its
/// other parameters (azurerm `policy_definition_id`, `not_scopes`, `parameters`; ARM
/// `policyDefinitionId`, `notScopes`, `parameters`: tests/data/azurerm-schema.json,
/// tests/data/bicep-types.json).
fn policy_assignment(r: &Resource, name: &str, others: &[Resource]) -> Vec<Setting> {
    let field = |terraform: &str, bicep: &str| match r.format {
        Format::Terraform => terraform.to_owned(),
        Format::Bicep => format!("properties/{bicep}"),
    };
    let display = r
        .body
        .text(&field("display_name", "displayName"))
        .unwrap_or_else(|| name.to_owned());
    let parameters = match r.body.at(&field("parameters", "parameters")) {
        Some(Node::Object(entries)) => entries.clone(),
        _ => Vec::new(),
    };
    let effect = parameters
        .iter()
        .find(|(k, _)| k.starts_with("effect"))
        .and_then(|(_, v)| v.text("value"))
        .unwrap_or_else(|| DEFINITION_DEFAULT.to_owned());
    // A built-in definition mlzone knows names its recommendation and ranks its effects.
    let definition_id = r
        .body
        .text(&field("policy_definition_id", "policyDefinitionId"))
        .unwrap_or_default();
    let definition = facts::policies().iter().find(|p| {
        !p.definition_id.is_empty()
            && definition_id
                .to_ascii_lowercase()
                .contains(&p.definition_id.to_ascii_lowercase())
    });
    let recommendation = definition.map_or("", |d| d.recommendation.as_str());
    let label = format!("policy assignment {display}");
    let mut setting = presence(
        &r.address,
        recommendation,
        label.clone(),
        Presence::Protects,
    );
    setting.hardened = !effect.eq_ignore_ascii_case("disabled");
    setting.strength = Some(effect_strength(definition, &effect));
    // Not enforced (azurerm `enforce = false`, ARM `enforcementMode: DoNotEnforce`), an
    // assignment only reports: weaker than any effect it could enforce.
    let enforced = match r.format {
        Format::Terraform => r.body.text("enforce").is_none_or(|e| e != "false"),
        Format::Bicep => r
            .body
            .text("properties/enforcementMode")
            .is_none_or(|m| m.eq_ignore_ascii_case("Default")),
    };
    // An effect the definition does not allow is refused at assignment: say so where it shows.
    let effect = match definition {
        Some(d) if effect != DEFINITION_DEFAULT && !allows_effect(d, &effect) => format!(
            "{effect} (the definition allows only {}: Azure refuses the assignment, so nothing is denied)",
            d.effects.join(", ")
        ),
        _ => effect,
    };
    setting.value = if enforced {
        effect
    } else {
        setting.strength = Some(0);
        format!("{effect}, not enforced")
    };
    let part = |what: &str, label: String, value: String| Setting {
        key: format!("{}/{what}", r.address),
        recommendation: recommendation.to_owned(),
        label,
        value,
        hardened: true,
        replaces: false,
        strength: None,
        presence: Presence::Neutral,
        pinned: true,
        also: Vec::new(),
    };
    // Another definition enforces something else, or nothing, under the same name.
    let mut settings = vec![
        setting,
        part(
            "definition",
            format!("{label} definition (another checks something else)"),
            definition_name(r, &definition_id, others),
        ),
    ];
    // A scope left out is a part of the zone the assignment no longer covers.
    let excluded = r.body.at(&field("not_scopes", "notScopes"));
    let mut exclusions = part(
        "not_scopes",
        format!("{label} excluded scopes (not covered there)"),
        excluded.map_or_else(|| "none".to_owned(), |n| plan_name(&n.flat())),
    );
    exclusions.hardened = excluded.is_none_or(|n| matches!(n, Node::List(l) if l.is_empty()));
    settings.push(exclusions);
    // A parameter decides what the rule allows (`allowedACRs`, `isolationMode`).
    settings.extend(
        parameters
            .iter()
            .filter(|(k, _)| !k.starts_with("effect"))
            .map(|(k, v)| {
                part(
                    &format!("parameters/{k}"),
                    format!("{label} parameter {k} (what it allows)"),
                    plan_name(&v.text("value").unwrap_or_default()),
                )
            }),
    );
    // The assignment and each of its parts serve every recommendation resting on the definition.
    if let Some(definition) = definition {
        for s in &mut settings {
            s.rest_on(Basis::Policy(definition));
        }
    }
    settings
}

/// The definition an assignment points at, spelled alike in both formats: a built-in by its
/// ID; the zone's own definition, referenced by its resource (`azurerm_policy_definition.x.id`,
/// Bicep `sizes.id`) or by name (`subscriptionResourceId('...policyDefinitions', 'x')`), as
/// `custom x`.
fn definition_name(r: &Resource, written: &str, others: &[Resource]) -> String {
    let referenced = written.strip_suffix(".id").and_then(|symbol| {
        let address = match r.format {
            Format::Terraform => symbol.to_owned(),
            Format::Bicep => format!("{}:{symbol}", r.address.rsplit_once(':')?.0),
        };
        others
            .iter()
            .find(|o| o.address == address)?
            .body
            .text("name")
    });
    let named = (r.format == Format::Bicep && written.ends_with(')'))
        .then(|| written.rsplit('\'').nth(1).map(str::to_owned))
        .flatten();
    match referenced.or(named) {
        Some(name) => format!("custom {}", plan_name(&name)),
        None => written.to_owned(),
    }
}

/// An outbound rule of the managed network: one to an internet host (FQDN) opens the zone.
fn outbound_rule(r: &Resource, name: &str) -> Setting {
    let rule = |field: &str| {
        r.body
            .text(&r.path(&format!("properties/{field}")))
            .unwrap_or_default()
    };
    let internet = rule("type").eq_ignore_ascii_case("FQDN");
    let mut setting = presence(
        &r.address,
        "SEC-04",
        format!(
            "outbound rule {name} ({})",
            if internet {
                "internet destination"
            } else {
                "Azure destination"
            }
        ),
        if internet {
            Presence::Opens
        } else {
            Presence::Neutral
        },
    );
    setting.value = rule("destination");
    setting.hardened = !internet;
    setting.resting_on(Basis::OutboundRule)
}

/// What a private endpoint implements, as the plan says: the workspace's (sub-resource
/// `amlworkspace`) SEC-03, a dependency's SEC-05. Its sub-resources: azurerm
/// `private_service_connection.subresource_names`, ARM
/// `privateLinkServiceConnections[].properties.groupIds` (tests/data/azurerm-schema.json,
/// tests/data/bicep-types.json).
fn endpoint_recommendation(r: &Resource) -> &'static str {
    let subresources = match (
        r.format,
        r.body.at("properties/privateLinkServiceConnections"),
    ) {
        (Format::Terraform, _) => r.body.text("private_service_connection/subresource_names"),
        (Format::Bicep, Some(Node::List(connections))) => Some(
            connections
                .iter()
                .filter_map(|c| c.text("properties/groupIds"))
                .collect(),
        ),
        (Format::Bicep, _) => None,
    };
    if subresources.is_some_and(|s| s.contains("amlworkspace")) {
        "SEC-03"
    } else {
        "SEC-05"
    }
}

/// A role assignment, named by its role (azurerm `role_definition_name` or the GUID at the end
/// of `role_definition_id`, ARM `roleDefinitionId`; a GUID mlzone assigns by its name in
/// `data/roles.yaml`): a new one grants access the zone did not (SEC-11).
fn role_assignment(r: &Resource) -> Setting {
    let role = match r.format {
        Format::Terraform => r.body.text("role_definition_name"),
        Format::Bicep => None,
    }
    .or_else(|| {
        let id = match r.format {
            Format::Terraform => r.body.text("role_definition_id"),
            Format::Bicep => r.body.text("properties/roleDefinitionId"),
        }?;
        let guid = id
            .trim_end_matches([')', '\''])
            .rsplit(['/', '\''])
            .next()?
            .to_owned();
        Some(facts::role_name(&guid).map_or(guid, str::to_owned))
    })
    .unwrap_or_default();
    presence(
        &r.address,
        "SEC-11",
        format!("role assignment {role}"),
        Presence::Opens,
    )
}

/// The rules an NSG declares inline (azurerm `security_rule` blocks, ARM `securityRules`), each
/// read as [`internet_rule`] reads a rule of its own.
fn inline_rules(r: &Resource, at: &str, properties: &str) -> Vec<Setting> {
    let rules: Vec<&Node> = match (&r.body, r.body.at(at)) {
        (_, Some(Node::List(rules))) => rules.iter().collect(),
        (Node::Object(entries), _) => entries
            .iter()
            .filter(|(k, _)| k == at)
            .map(|(_, v)| v)
            .collect(),
        _ => Vec::new(),
    };
    rules
        .into_iter()
        .filter_map(|rule| {
            let name = rule.text("name").unwrap_or_default();
            let body = rule.at(properties).unwrap_or(rule);
            internet_rule(&format!("{}/{name}", r.address), &name, body, r.format)
        })
        .collect()
}

/// An NSG rule about outbound traffic to the internet, judged by its fields, never its name: one
/// that allows any internet address (`*`, `Internet`, a public range:
/// [`values::reaches_internet`]) is a new internet destination, which opens the zone (SEC-14);
/// one that denies the whole internet keeps compute from it beyond the rules before it (the
/// zone's own deny rule), and its going opens the zone. The value is the access with the
/// destination, so a deny rule turned to Allow weakens. Rules to service tags and private
/// ranges are not read. Fields: azurerm `direction`, `access`, `destination_address_prefix(es)`,
/// ARM `direction`, `access`, `destinationAddressPrefix(es)` (tests/data/azurerm-schema.json,
/// tests/data/bicep-types.json).
fn internet_rule(address: &str, name: &str, rule: &Node, format: Format) -> Option<Setting> {
    let field = |terraform: &str, bicep: &str| {
        rule.text(match format {
            Format::Terraform => terraform,
            Format::Bicep => bicep,
        })
        .unwrap_or_default()
    };
    if !field("direction", "direction").eq_ignore_ascii_case("Outbound") {
        return None;
    }
    let access = field("access", "access");
    let written = format!(
        "{} {}",
        field("destination_address_prefix", "destinationAddressPrefix"),
        field("destination_address_prefixes", "destinationAddressPrefixes")
    );
    let destinations: Vec<&str> = written
        .split(|c: char| c.is_whitespace() || "[],".contains(c))
        .filter(|d| !d.is_empty())
        .collect();
    let mut setting = if access.eq_ignore_ascii_case("Allow")
        && destinations.iter().any(|d| values::reaches_internet(d))
    {
        let mut allows = presence(
            address,
            "SEC-14",
            format!("NSG rule {name} allows outbound to the internet (internet destination)"),
            Presence::Opens,
        );
        allows.hardened = false;
        allows
    } else if access.eq_ignore_ascii_case("Deny")
        && destinations.iter().any(|d| values::covers_internet(d))
    {
        presence(
            address,
            "SEC-14",
            format!("NSG rule {name} denies outbound to the internet"),
            Presence::Protects,
        )
    } else {
        return None;
    };
    setting.value = format!("{access} to {}", written.trim());
    Some(setting.resting_on(Basis::InternetRule))
}

/// A diagnostic setting, named by the resource whose logs and metrics it sends (azurerm
/// `target_resource_id`, ARM extension `scope`): its going leaves that resource unwatched.
fn diagnostic_setting(r: &Resource, others: &[Resource]) -> Setting {
    let target = match r.format {
        Format::Terraform => r.body.text("target_resource_id"),
        Format::Bicep => r.body.text("scope"),
    }
    .unwrap_or_default();
    let (basis, covered) = match covered(r, &target, others) {
        Some((kind, label)) if kind == "workspace" => (Basis::WorkspaceDiagnostics, label),
        Some((_, label)) => (Basis::Diagnostics, label),
        None => (Basis::Diagnostics, target),
    };
    presence(
        &r.address,
        "OPS-05",
        format!("diagnostic settings of {covered}"),
        Presence::Protects,
    )
    .resting_on(basis)
}

/// The resource `target` names, as people name it in both formats (`storage st-x blobServices`):
/// Terraform `azurerm_storage_account.primary.id` or `"${...id}/blobServices/default"`, Bicep a
/// symbol of the file, a storage service by its account; after its kind (`storage`).
fn covered(r: &Resource, target: &str, others: &[Resource]) -> Option<(String, String)> {
    let find = |address: &str| others.iter().find(|o| o.address == address);
    let (resource, service) = match r.format {
        Format::Terraform => {
            let target = target.trim_start_matches("${");
            let (reference, rest) = target.split_once('}').unwrap_or((target, ""));
            let service = rest.split('/').nth(1).unwrap_or_default().to_owned();
            (find(reference.strip_suffix(".id")?)?, service)
        }
        Format::Bicep => {
            let file = r.address.rsplit_once(':')?.0;
            let found = find(&format!("{file}:{target}"))?;
            match found.body.text("parent") {
                Some(parent) => (
                    find(&format!("{file}:{parent}"))?,
                    found.ty.rsplit('/').next().unwrap_or_default().to_owned(),
                ),
                None => (found, String::new()),
            }
        }
    };
    let name = plan_name(&resource.body.text("name")?);
    let kind = kind(&resource.arm().unwrap_or_else(|| resource.ty.clone())).to_owned();
    let label = format!("{kind} {name} {service}").trim_end().to_owned();
    Some((kind, label))
}

/// The name of the resource `r` is a child of, when the same file declares it: Terraform's
/// `parent_id = azurerm_key_vault.primary.id`, Bicep's `parent: vault`.
fn parent(r: &Resource, others: &[Resource]) -> Option<String> {
    let address = match r.format {
        Format::Terraform => r.body.text("parent_id")?.strip_suffix(".id")?.to_owned(),
        Format::Bicep => {
            let file = r.address.rsplit_once(':')?.0;
            format!("{file}:{}", r.body.text("parent")?)
        }
    };
    others
        .iter()
        .find(|o| o.address == address)
        .and_then(|o| o.body.text("name"))
        .map(|name| plan_name(&name))
}

/// A customer-managed key's rotation policy: how long after creation it rotates and when it
/// expires (ISO-8601; shorter is stronger). No policy, or no rotate action, is `none`. `name`
/// names the key for people (`key vault kv-x key cmk-x`).
fn rotation(r: &Resource, name: &str) -> [Setting; 2] {
    let policy = r.body.at(&r.path("properties/rotationPolicy"));
    let rotate = policy.and_then(|p| match p.at("lifetimeActions") {
        Some(Node::List(actions)) => actions
            .iter()
            .find(|a| {
                a.text("action/type")
                    .is_some_and(|t| t.eq_ignore_ascii_case("rotate"))
            })
            .and_then(|a| a.text("trigger/timeAfterCreate")),
        _ => None,
    });
    let expiry = policy.and_then(|p| p.text("attributes/expiryTime"));
    let setting = |what: &str, label: &str, value: Option<String>| Setting {
        key: format!("{}/rotationPolicy/{what}", r.address),
        recommendation: "SEC-13".to_owned(),
        label: format!("{name} {label}"),
        hardened: value.is_some(),
        strength: value.as_deref().and_then(shorter_is_stronger),
        value: value.unwrap_or_else(|| "none".to_owned()),
        replaces: false,
        presence: Presence::Neutral,
        pinned: false,
        also: Vec::new(),
    };
    [
        setting("rotate", "rotation interval", rotate),
        setting("expiry", "expiry", expiry),
    ]
}

/// A setting that stands for a resource of its own.
fn presence(address: &str, recommendation: &str, label: String, presence: Presence) -> Setting {
    Setting {
        key: address.to_owned(),
        recommendation: recommendation.to_owned(),
        label,
        value: "present".to_owned(),
        hardened: true,
        replaces: false,
        strength: None,
        presence,
        pinned: false,
        also: Vec::new(),
    }
}

/// A flag as the plan shows one (`Enabled`/`Disabled`); other values as they are.
fn shown(value: &str) -> String {
    match value {
        "true" => "Enabled".to_owned(),
        "false" => "Disabled".to_owned(),
        other => other.to_owned(),
    }
}

/// The opposite of a flag (`disableLocalAuth: true` is local authentication `false`).
fn negation(value: &str) -> String {
    match value {
        "true" => "false".to_owned(),
        "false" => "true".to_owned(),
        other => format!("!{other}"),
    }
}

/// A resource type as people name it.
fn kind(ty: &str) -> &str {
    match ty {
        "azurerm_machine_learning_workspace" | WORKSPACE => "workspace",
        "azurerm_storage_account" | STORAGE => "storage",
        "azurerm_key_vault" | KEY_VAULT => "key vault",
        "azurerm_container_registry" | REGISTRY => "registry",
        "azurerm_log_analytics_workspace" | LOG_ANALYTICS => "Log Analytics",
        "azurerm_application_insights" | APP_INSIGHTS => "Application Insights",
        "azurerm_monitor_private_link_scope" | MONITOR_SCOPE => "Azure Monitor Private Link Scope",
        "azurerm_machine_learning_compute_cluster" | CLUSTER => "cluster",
        INSTANCE => "instance",
        other => other,
    }
}

/// The resources the Bicep `files` declare, for the policy self-check of what an overlay's
/// Bicep deploys ([`deployed::bicep`](crate::deployed::bicep)): (file, symbol, ARM type, the
/// resource's object as JSON, each value as its text), read as the inventory reads them.
pub(crate) fn bicep_objects<'a>(
    files: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Vec<(String, String, String, serde_json::Value)> {
    let mut out = Vec::new();
    for (path, text) in files.into_iter().filter(|(p, _)| p.ends_with(".bicep")) {
        for r in bicep::resources(path, text)
            .into_iter()
            .filter(|r| !r.existing)
        {
            let symbol = r.address.rsplit_once(':').map_or("", |(_, s)| s).to_owned();
            // Compute carries its compute type after `#`: the ARM type is before it.
            let ty = r.ty.split('#').next().unwrap_or_default().to_owned();
            out.push((path.to_owned(), symbol, ty, json(&r.body)));
        }
    }
    out
}

fn json(node: &Node) -> serde_json::Value {
    match node {
        Node::Text(t) => serde_json::Value::String(t.clone()),
        Node::Object(entries) => {
            serde_json::Value::Object(entries.iter().map(|(k, v)| (k.clone(), json(v))).collect())
        }
        Node::List(items) => items.iter().map(json).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::read;

    const WORKSPACE: &str = r#"
resource "azurerm_machine_learning_workspace" "primary" {
  name                          = "mlw-x"
  public_network_access_enabled = false
  storage_account_access_type   = "Identity"
  managed_network {
    isolation_mode = "AllowOnlyApprovedOutbound"
  }
  encryption {
    key_id = azapi_resource.primary_cmk.output.properties.keyUriWithVersion
  }
}

resource "azurerm_resource_group_policy_assignment" "primary_pna" {
  name         = "mlz-x-pna"
  display_name = "Workspaces should disable public network access"
  parameters = jsonencode({
    "effect" = { value = "Deny" }
  })
}
"#;

    const BICEP: &str = r"
// A comment { with braces }
resource workspace 'Microsoft.MachineLearningServices/workspaces@2026-05-01' = {
  name: 'mlw-x'
  properties: {
    publicNetworkAccess: 'Disabled'
    systemDatastoresAuthMode: 'Identity'
    description: 'it\'s ${toLower('A}')} here'
    managedNetwork: {
      isolationMode: 'AllowOnlyApprovedOutbound'
    }
    encryption: {
      status: 'Enabled'
    }
  }
}

resource logs 'Microsoft.OperationalInsights/workspaces@2025-07-01' existing = {
  name: 'ignored'
}

resource pna 'Microsoft.Authorization/policyAssignments@2026-07-01' = {
  name: 'mlz-x-pna'
  properties: {
    displayName: 'Workspaces should disable public network access'
    parameters: {
      effect: {
        value: 'Deny'
      }
    }
  }
}

resource key 'Microsoft.KeyVault/vaults/keys@2025-05-01' = {
  parent: vault
  name: 'cmk-x'
  properties: {
    rotationPolicy: {
      attributes: {
        expiryTime: 'P180D'
      }
      lifetimeActions: [
        {
          trigger: {
            timeBeforeExpiry: 'P30D'
          }
          action: {
            type: 'notify'
          }
        }
        {
          trigger: {
            timeAfterCreate: 'P90D'
          }
          action: {
            type: 'rotate'
          }
        }
      ]
    }
  }
}
";

    fn get<'s>(settings: &'s [super::Setting], key: &str) -> &'s super::Setting {
        settings
            .iter()
            .find(|s| s.key.ends_with(key))
            .unwrap_or_else(|| panic!("no {key} in {settings:#?}"))
    }

    #[test]
    fn settings_are_read_with_their_hardened_values() {
        let settings = read([("workspace.tf", WORKSPACE)]);
        let public = get(
            &settings,
            "azurerm_machine_learning_workspace.primary/public_network_access_enabled",
        );
        assert_eq!(public.value, "Disabled");
        assert!(public.hardened);
        assert_eq!(public.label, "workspace mlw-x public network access");
        let isolation = get(
            &settings,
            "azurerm_machine_learning_workspace.primary/managed_network/isolation_mode",
        );
        assert_eq!(isolation.value, "AllowOnlyApprovedOutbound");
        assert!(isolation.hardened);
        assert!(
            get(
                &settings,
                "azurerm_machine_learning_workspace.primary/encryption"
            )
            .hardened
        );
        let policy = get(
            &settings,
            "azurerm_resource_group_policy_assignment.primary_pna",
        );
        assert_eq!(policy.value, "Deny");
        assert_eq!(
            policy.label,
            "policy assignment Workspaces should disable public network access"
        );

        let opened = WORKSPACE
            .replace("access_enabled = false", "access_enabled = true")
            .replace("\"Deny\"", "\"Audit\"");
        let settings = read([("workspace.tf", opened.as_str())]);
        let public = get(&settings, "/public_network_access_enabled");
        assert_eq!(public.value, "Enabled");
        assert!(!public.hardened);
    }

    #[test]
    fn bicep_settings_read_as_the_terraform_ones() {
        let bicep = read([("bicep/modules/w.bicep", BICEP)]);
        let terraform = read([("terraform/workspace.tf", WORKSPACE)]);
        let seen = |settings: &[super::Setting]| {
            let mut lines: Vec<String> = settings
                .iter()
                .filter(|s| !s.key.contains("/rotationPolicy/"))
                .map(|s| {
                    format!(
                        "{} {}: {} {}",
                        s.recommendation, s.label, s.value, s.hardened
                    )
                })
                .collect();
            lines.sort();
            lines
        };
        assert_eq!(seen(&bicep), seen(&terraform));
        assert!(
            bicep
                .iter()
                .all(|s| s.key.starts_with("bicep/modules/w.bicep:")),
            "{bicep:#?}"
        );
        assert!(
            !bicep.iter().any(|s| s.label.contains("ignored")),
            "existing resources are not read"
        );
        assert_eq!(get(&bicep, "/rotationPolicy/rotate").value, "P90D");
        assert_eq!(get(&bicep, "/rotationPolicy/expiry").value, "P180D");
        let longer = BICEP.replace("'P90D'", "'P365D'");
        let longer = read([("w.bicep", longer.as_str())]);
        let (was, is) = (
            get(&bicep, "/rotationPolicy/rotate"),
            get(&longer, "/rotationPolicy/rotate"),
        );
        assert!(is.strength < was.strength, "{was:?} {is:?}");
    }

    #[test]
    fn the_workspace_s_private_endpoint_implements_sec_03_and_a_dependency_s_sec_05() {
        let terraform = |subresource: &str| {
            format!(
                "resource \"azurerm_private_endpoint\" \"pe\" {{\n  name = \"pe-x\"\n  private_service_connection {{\n    name              = \"pe-x\"\n    subresource_names = [\"{subresource}\"]\n  }}\n}}\n"
            )
        };
        let bicep = |subresource: &str| {
            format!(
                "resource pe 'Microsoft.Network/privateEndpoints@1' = {{\n  name: 'pe-x'\n  properties: {{\n    privateLinkServiceConnections: [\n      {{\n        name: 'pe-x'\n        properties: {{\n          groupIds: [\n            '{subresource}'\n          ]\n        }}\n      }}\n    ]\n  }}\n}}\n"
            )
        };
        for (subresource, expected) in [("amlworkspace", "SEC-03"), ("blob", "SEC-05")] {
            for settings in [
                read([("n.tf", terraform(subresource).as_str())]),
                read([("n.bicep", bicep(subresource).as_str())]),
            ] {
                let [endpoint] = &settings[..] else {
                    panic!("one endpoint, not {settings:#?}")
                };
                assert_eq!(endpoint.recommendation, expected, "{endpoint:?}");
            }
        }
    }

    #[test]
    fn only_nsg_rules_that_allow_or_deny_outbound_to_the_internet_are_read() {
        let terraform = r#"
resource "azurerm_network_security_group" "nsg" {
  name = "nsg-x"
  security_rule {
    name                       = "to-tag"
    direction                  = "Outbound"
    access                     = "Allow"
    destination_address_prefix = "AzureMachineLearning"
  }
  security_rule {
    name                         = "anywhere"
    direction                    = "Outbound"
    access                       = "Allow"
    destination_address_prefixes = ["10.0.0.0/8", "*"]
  }
  security_rule {
    name                       = "deny"
    direction                  = "Outbound"
    access                     = "Deny"
    destination_address_prefix = "Internet"
  }
  security_rule {
    name                       = "deny-peers"
    direction                  = "Outbound"
    access                     = "Deny"
    destination_address_prefix = "VirtualNetwork"
  }
}
"#;
        let bicep = "resource nsg 'Microsoft.Network/networkSecurityGroups@1' = {\n  name: 'nsg-x'\n  properties: {\n    securityRules: [\n      {\n        name: 'deny'\n        properties: {\n          direction: 'Outbound'\n          access: 'Deny'\n          destinationAddressPrefix: 'Internet'\n        }\n      }\n      {\n        name: 'anywhere'\n        properties: {\n          direction: 'Outbound'\n          access: 'Allow'\n          destinationAddressPrefix: 'Internet'\n        }\n      }\n    ]\n  }\n}\n";
        for settings in [read([("n.tf", terraform)]), read([("n.bicep", bicep)])] {
            let [allow, deny] = &settings[..] else {
                panic!("two rules, not {settings:#?}")
            };
            assert!(allow.key.ends_with("/anywhere"), "{allow:?}");
            assert_eq!(allow.presence, super::Presence::Opens);
            // Approved outbound and package regulation rest on it too.
            assert_eq!(allow.also, ["SEC-04", "SEC-16"]);
            // The deny rule protects: its going opens the zone.
            assert!(deny.key.ends_with("/deny"), "{deny:?}");
            assert_eq!(deny.presence, super::Presence::Protects);
            assert!(deny.hardened && deny.label.ends_with("denies outbound to the internet"));
        }
    }

    #[test]
    fn nsg_rules_are_judged_by_access_and_destination_never_by_name() {
        let rule = |name: &str, access: &str, destination: &str| {
            format!(
                "resource \"azurerm_network_security_rule\" \"{name}\" {{\n  name = \"{name}\"\n  direction = \"Outbound\"\n  access = \"{access}\"\n  destination_address_prefix = \"{destination}\"\n}}\n"
            )
        };
        let terraform = [
            rule("deny-out-internet", "Allow", "Internet"),
            rule("any", "Allow", "0.0.0.0/0"),
            rule("one-host", "Allow", "20.50.1.4"),
            rule("hub", "Allow", "10.0.0.0/8"),
            rule("narrow-deny", "Deny", "20.50.1.4"),
        ]
        .concat();
        let settings = read([("n.tf", terraform.as_str())]);
        let keys: Vec<&str> = settings.iter().map(|s| s.key.as_str()).collect();
        assert_eq!(
            keys,
            [
                "azurerm_network_security_rule.any",
                "azurerm_network_security_rule.deny-out-internet",
                "azurerm_network_security_rule.one-host"
            ]
        );
        // A deny rule turned to Allow: its value says so, and the change weakens.
        let flipped = get(&settings, "azurerm_network_security_rule.deny-out-internet");
        let denied = read([(
            "n.tf",
            rule("deny-out-internet", "Deny", "Internet").as_str(),
        )]);
        assert_eq!(
            (denied[0].value.as_str(), flipped.value.as_str()),
            ("Deny to Internet", "Allow to Internet")
        );
        assert_eq!(
            crate::plan::security::effect(Some(&denied[0]), Some(flipped)),
            crate::plan::security::Effect::Weakens
        );
    }

    #[test]
    fn files_that_do_not_parse_or_are_not_iac_add_nothing() {
        assert!(read([("a.tf", "resource {"), ("b.json", WORKSPACE)]).is_empty());
        let cut = "resource st 'Microsoft.Storage/storageAccounts@1' = {\n  name: 'st'\n  properties: {\n    publicNetworkAccess: 'Enabled'\n";
        let settings = read([("c.bicep", cut)]);
        let public = get(&settings, "st/properties/publicNetworkAccess");
        assert_eq!((public.value.as_str(), public.hardened), ("Enabled", false));
        assert_eq!(
            get(&settings, "st/properties/allowSharedKeyAccess").value,
            "not set"
        );
    }
}
