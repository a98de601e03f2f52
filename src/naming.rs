//! Resource names, CAF style: `<type>-<project>-<environment>-<region code>` where hyphens are
//! allowed, and `<type><project><e><region code><suffix>` for globally unique names (storage,
//! key vault, registry). The four-character suffix makes those unique across subscriptions: by
//! default the deployment computes it from the subscription ID (`{suffix}` in plan names stands
//! for it, see [`SUFFIX_SLOT`]); profiles of zones deployed before keep the legacy suffix, a hash
//! of project, environment and region. Validation checks every derived name against its
//! resource's rules, counting the suffix as its four characters; the plan uses the same names.

use serde::Serialize;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::profile::{Environment, SuffixSource};

/// Where a plan name carries the suffix the deployment computes from the subscription:
/// templates turn it into Terraform's `local.name_suffix` and Bicep's `nameSuffix`.
pub const SUFFIX_SLOT: &str = "{suffix}";

/// Length of the suffix, both kinds.
pub const SUFFIX_LEN: usize = 4;

/// The namespace of ARM's `guid()` function, a version-5 UUID over its arguments joined by `-`:
/// Azure/bicep `src/Bicep.Core.UnitTests/TypeSystem/FunctionResolverTests.cs` @ 9beb0fee folds
/// `guid('foo', 'bar', 'baz')` to `2ed86837-7c7c-5eaa-9864-dd077fd19b0d`, which is this
/// namespace's UUIDv5 of `foo-bar-baz` (the test below), and Terraform's
/// `uuidv5(namespace, name)` takes a namespace in UUID form (developer.hashicorp.com,
/// Terraform language, functions, `uuidv5`).
pub const ARM_GUID_NAMESPACE: Uuid = Uuid::from_u128(0x11fb06fb_712d_4ddd_98c7_e71bbd588830);

/// ARM's `guid(args...)`, as Terraform computes it with `uuidv5`.
pub fn arm_guid(args: &[&str]) -> Uuid {
    Uuid::new_v5(&ARM_GUID_NAMESPACE, args.join("-").as_bytes())
}

/// The `guid()` arguments after the subscription ID that make a zone's suffix: project,
/// environment and primary region.
pub fn suffix_arguments(project: &str, environment: Environment, primary: &str) -> [String; 3] {
    [
        project.to_owned(),
        environment_name(environment).to_owned(),
        primary.to_owned(),
    ]
}

/// The suffix a deployment into `subscription_id` computes: the first four hex digits of
/// `guid(lower(subscription ID), project, environment, primary region)`.
pub fn subscription_suffix(subscription_id: &str, arguments: &[String]) -> String {
    let subscription = subscription_id.to_ascii_lowercase();
    let mut args = vec![subscription.as_str()];
    args.extend(arguments.iter().map(String::as_str));
    arm_guid(&args).simple().to_string()[..SUFFIX_LEN].to_owned()
}

/// The suffix text names carry: the slot for a subscription suffix, the legacy suffix itself.
pub fn suffix_text(
    source: SuffixSource,
    project: &str,
    environment: Environment,
    region: &str,
) -> String {
    match source {
        SuffixSource::Subscription => SUFFIX_SLOT.to_owned(),
        SuffixSource::Legacy => legacy_suffix(project, environment, region),
    }
}

/// The names of one region's resources.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Names {
    /// Resource group.
    pub resource_group: String,
    /// Azure ML workspace.
    pub workspace: String,
    /// The workspace's user-assigned managed identity.
    pub identity: String,
    /// The compute clusters' user-assigned managed identity.
    pub compute_identity: String,
    /// Key vault (global).
    pub key_vault: String,
    /// Customer-managed key in the vault.
    pub key: String,
    /// Storage account (global).
    pub storage: String,
    /// Container registry (global).
    pub registry: String,
    /// Log Analytics workspace.
    pub log_analytics: String,
    /// Application Insights.
    pub app_insights: String,
    /// Azure Monitor Private Link Scope.
    pub monitor_scope: String,
    /// Virtual network.
    pub vnet: String,
    /// Network security group of the endpoint subnet.
    pub nsg_endpoints: String,
    /// Network security group of the compute subnet.
    pub nsg_compute: String,
    /// Service endpoint policy of the compute subnet.
    pub endpoint_policy: String,
    /// Route table of the compute subnet (egress through the hub firewall).
    pub route_table: String,
    /// NAT gateway of the compute subnet, and its public IP.
    pub nat_gateway: String,
    /// Public IP of the NAT gateway.
    pub nat_public_ip: String,
    /// Budget.
    pub budget: String,
}

/// The environment as it appears in names.
pub fn environment_name(environment: Environment) -> &'static str {
    match environment {
        Environment::Dev => "dev",
        Environment::Test => "test",
        Environment::Prod => "prod",
    }
}

/// The legacy suffix: four base-36 characters of SHA-256 over project, environment and region,
/// as mlzone 0.1 derived them. The same in every subscription.
pub fn legacy_suffix(project: &str, environment: Environment, region: &str) -> String {
    const ALPHABET: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let digest = Sha256::digest(format!(
        "{project}/{}/{region}",
        environment_name(environment)
    ));
    let mut n = u64::from_be_bytes(digest[..8].try_into().unwrap_or_default());
    let mut out = String::with_capacity(4);
    for _ in 0..4 {
        out.push(char::from(ALPHABET[(n % 36) as usize]));
        n /= 36;
    }
    out
}

impl Names {
    /// Names for `project` in `environment` in the region with short code `code`, the globally
    /// unique ones ending in `suffix` (see [`suffix_text`]).
    pub fn derive(project: &str, environment: Environment, code: &str, suffix: &str) -> Names {
        let env = environment_name(environment);
        let base = format!("{project}-{env}-{code}");
        let compact = format!("{}{}{code}{suffix}", project.replace('-', ""), &env[..1]);
        Names {
            resource_group: format!("rg-{base}"),
            workspace: format!("mlw-{base}"),
            identity: format!("id-{base}"),
            compute_identity: format!("id-{base}-compute"),
            key_vault: format!("kv{compact}"),
            key: format!("cmk-{project}-{env}"),
            storage: format!("st{compact}"),
            registry: format!("cr{compact}"),
            log_analytics: format!("log-{base}"),
            app_insights: format!("appi-{base}"),
            monitor_scope: format!("ampls-{base}"),
            vnet: format!("vnet-{base}"),
            nsg_endpoints: format!("nsg-{base}-endpoints"),
            nsg_compute: format!("nsg-{base}-compute"),
            endpoint_policy: format!("se-{base}-storage"),
            route_table: format!("rt-{base}-compute"),
            nat_gateway: format!("ng-{base}-compute"),
            nat_public_ip: format!("pip-{base}-nat"),
            budget: format!("budget-{base}"),
        }
    }

    /// Every name with the rule it must satisfy.
    pub fn checks(&self) -> [(&str, &'static NameRule); 14] {
        [
            (&self.resource_group, &RESOURCE_GROUP),
            (&self.workspace, &WORKSPACE),
            (&self.identity, &IDENTITY),
            (&self.compute_identity, &IDENTITY),
            (&self.key_vault, &KEY_VAULT),
            (&self.key, &KEY),
            (&self.storage, &STORAGE),
            (&self.registry, &REGISTRY),
            (&self.log_analytics, &LOG_ANALYTICS),
            (&self.app_insights, &APP_INSIGHTS),
            (&self.vnet, &VNET),
            (&self.nsg_endpoints, &NSG),
            (&self.nsg_compute, &NSG),
            (&self.budget, &BUDGET),
        ]
    }
}

/// Length and character rules of one resource type's names.
#[derive(Debug)]
pub struct NameRule {
    /// The resource type, as users know it.
    pub resource: &'static str,
    /// Shortest allowed length.
    pub min: usize,
    /// Longest allowed length.
    pub max: usize,
    /// What the characters may be, for messages.
    pub charset: &'static str,
    allowed: fn(char) -> bool,
    /// Whether `project` hyphens are dropped in this name.
    pub compact: bool,
}

fn lower_alnum(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit()
}
fn alnum(c: char) -> bool {
    c.is_ascii_alphanumeric()
}
fn alnum_hyphen(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-'
}
fn alnum_hyphen_underscore(c: char) -> bool {
    alnum_hyphen(c) || c == '_'
}
fn rg_chars(c: char) -> bool {
    alnum_hyphen_underscore(c) || matches!(c, '.' | '(' | ')')
}

macro_rules! rule {
    ($name:ident, $resource:literal, $min:literal, $max:literal, $charset:literal, $allowed:ident, $compact:literal) => {
        static $name: NameRule = NameRule {
            resource: $resource,
            min: $min,
            max: $max,
            charset: $charset,
            allowed: $allowed,
            compact: $compact,
        };
    };
}

rule!(
    RESOURCE_GROUP,
    "resource group",
    1,
    90,
    "letters, digits, `-`, `_`, `.`, `(`, `)`",
    rg_chars,
    false
);
rule!(
    WORKSPACE,
    "Azure ML workspace",
    3,
    33,
    "letters, digits, `-` and `_`",
    alnum_hyphen_underscore,
    false
);
rule!(
    IDENTITY,
    "managed identity",
    3,
    128,
    "letters, digits, `-` and `_`",
    alnum_hyphen_underscore,
    false
);
rule!(
    KEY_VAULT,
    "key vault",
    3,
    24,
    "letters, digits and `-`",
    alnum_hyphen,
    true
);
rule!(
    KEY,
    "key vault key",
    1,
    127,
    "letters, digits and `-`",
    alnum_hyphen,
    false
);
rule!(
    STORAGE,
    "storage account",
    3,
    24,
    "lowercase letters and digits",
    lower_alnum,
    true
);
rule!(
    REGISTRY,
    "container registry",
    5,
    50,
    "letters and digits",
    alnum,
    true
);
rule!(
    LOG_ANALYTICS,
    "Log Analytics workspace",
    4,
    63,
    "letters, digits and `-`",
    alnum_hyphen,
    false
);
rule!(
    APP_INSIGHTS,
    "Application Insights",
    1,
    260,
    "letters, digits, `-` and `_`",
    alnum_hyphen_underscore,
    false
);
rule!(
    VNET,
    "virtual network",
    2,
    64,
    "letters, digits, `-` and `_`",
    alnum_hyphen_underscore,
    false
);
rule!(
    NSG,
    "network security group",
    1,
    80,
    "letters, digits, `-` and `_`",
    alnum_hyphen_underscore,
    false
);
rule!(
    BUDGET,
    "budget",
    1,
    63,
    "letters, digits, `-` and `_`",
    alnum_hyphen_underscore,
    false
);

impl NameRule {
    /// Length of `name` in Azure, the suffix slot counted as the suffix it becomes.
    pub fn length(name: &str) -> usize {
        name.replace(SUFFIX_SLOT, "").chars().count()
            + name.matches(SUFFIX_SLOT).count() * SUFFIX_LEN
    }

    /// Why `name` breaks this rule, if it does; the suffix slot stands for four hex digits.
    pub fn problem(&self, name: &str) -> Option<String> {
        let len = NameRule::length(name);
        if len > self.max {
            return Some(format!(
                "derived {} name `{name}` is {len} characters long, at most {} are allowed",
                self.resource, self.max
            ));
        }
        if len < self.min {
            return Some(format!(
                "derived {} name `{name}` is {len} characters long, at least {} are needed",
                self.resource, self.min
            ));
        }
        if let Some(c) = name
            .replace(SUFFIX_SLOT, "")
            .chars()
            .find(|c| !(self.allowed)(*c))
        {
            return Some(format!(
                "derived {} name `{name}` contains `{c}`; allowed are {}",
                self.resource, self.charset
            ));
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_convention() {
        let names = Names::derive("fraud-detection", Environment::Prod, "weu", SUFFIX_SLOT);
        assert_eq!(names.workspace, "mlw-fraud-detection-prod-weu");
        assert_eq!(names.storage, "stfrauddetectionpweu{suffix}");
        assert_eq!(NameRule::length(&names.storage), 24);
        for (name, rule) in names.checks() {
            assert_eq!(rule.problem(name), None, "{name}");
        }
    }

    #[test]
    fn the_slot_counts_as_four_characters() {
        let too_long = "stabcdefghijklmnopqrst{suffix}";
        assert_eq!(NameRule::length(too_long), 26);
        assert_eq!(
            STORAGE.problem(too_long).as_deref(),
            Some(
                "derived storage account name `stabcdefghijklmnopqrst{suffix}` is 26 characters long, at most 24 are allowed"
            )
        );
        assert_eq!(STORAGE.problem("stabcdefghijklmnopq{suffix}"), None);
    }

    #[test]
    fn arm_guid_is_what_bicep_folds_guid_to() {
        // Azure/bicep src/Bicep.Core.UnitTests/TypeSystem/FunctionResolverTests.cs @ 9beb0fee:
        // guid('foo', 'bar', 'baz'); Terraform's uuidv5 with this namespace prints the same.
        assert_eq!(
            arm_guid(&["foo", "bar", "baz"]).to_string(),
            "2ed86837-7c7c-5eaa-9864-dd077fd19b0d"
        );
    }

    #[test]
    fn subscription_suffix_differs_per_subscription_and_ignores_case() {
        let args = suffix_arguments("fraud-detection", Environment::Prod, "westeurope");
        let a = subscription_suffix("6f1c2d3e-1111-4222-8333-444455556666", &args);
        let b = subscription_suffix("7a2b3c4d-1111-4222-8333-444455556666", &args);
        assert_ne!(a, b);
        assert_eq!(
            a,
            subscription_suffix("6F1C2D3E-1111-4222-8333-444455556666", &args)
        );
        assert_eq!(a.len(), SUFFIX_LEN);
        assert!(
            a.chars()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
        );
        let other_region = suffix_arguments("fraud-detection", Environment::Prod, "northeurope");
        assert_ne!(
            a,
            subscription_suffix("6f1c2d3e-1111-4222-8333-444455556666", &other_region)
        );
    }

    #[test]
    fn legacy_suffix_is_stable_and_region_specific() {
        let a = legacy_suffix("p", Environment::Dev, "westeurope");
        assert_eq!(a, legacy_suffix("p", Environment::Dev, "westeurope"));
        assert_ne!(a, legacy_suffix("p", Environment::Dev, "northeurope"));
        assert_ne!(a, legacy_suffix("p", Environment::Prod, "westeurope"));
        assert_eq!(a.len(), 4);
        // The names zones deployed with mlzone 0.1 carry (examples/fraud-detection).
        assert_eq!(
            legacy_suffix("fraud-detection", Environment::Prod, "westeurope"),
            "a6zw"
        );
    }

    #[test]
    fn rules_catch_length_and_characters() {
        assert!(STORAGE.problem("st-bad").is_some());
        assert!(STORAGE.problem("stabcdefghijklmnopqrstuvwxyz").is_some());
        assert!(
            WORKSPACE
                .problem("mlw-a-very-long-project-name-prod-weu")
                .is_some()
        );
        assert!(REGISTRY.problem("cr1").is_some());
    }
}
