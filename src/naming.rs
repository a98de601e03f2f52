//! Resource names, CAF style: `<type>-<project>-<environment>-<region code>` where hyphens are
//! allowed, and `<type><project><e><region code><suffix>` for globally unique names (storage,
//! key vault, registry), whose stable four-character suffix comes from a hash of project,
//! environment and region. Validation checks every derived name against its resource's rules;
//! the plan uses the same names.

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::profile::Environment;

/// The names of one region's resources.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Names {
    /// Resource group.
    pub resource_group: String,
    /// Azure ML workspace.
    pub workspace: String,
    /// User-assigned managed identity.
    pub identity: String,
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
    /// Virtual network.
    pub vnet: String,
    /// Network security group of the endpoint subnet.
    pub nsg_endpoints: String,
    /// Network security group of the compute subnet.
    pub nsg_compute: String,
    /// Service endpoint policy of the compute subnet.
    pub endpoint_policy: String,
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

/// Stable four-character suffix of a project, environment and region.
pub fn suffix(project: &str, environment: Environment, region: &str) -> String {
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
    /// Names for `project` in `environment` in the region `region` with short code `code`.
    pub fn derive(project: &str, environment: Environment, region: &str, code: &str) -> Names {
        let env = environment_name(environment);
        let base = format!("{project}-{env}-{code}");
        let compact = format!(
            "{}{}{code}{}",
            project.replace('-', ""),
            &env[..1],
            suffix(project, environment, region)
        );
        Names {
            resource_group: format!("rg-{base}"),
            workspace: format!("mlw-{base}"),
            identity: format!("id-{base}"),
            key_vault: format!("kv{compact}"),
            key: format!("cmk-{project}-{env}"),
            storage: format!("st{compact}"),
            registry: format!("cr{compact}"),
            log_analytics: format!("log-{base}"),
            app_insights: format!("appi-{base}"),
            vnet: format!("vnet-{base}"),
            nsg_endpoints: format!("nsg-{base}-endpoints"),
            nsg_compute: format!("nsg-{base}-compute"),
            endpoint_policy: format!("se-{base}-storage"),
            budget: format!("budget-{base}"),
        }
    }

    /// Every name with the rule it must satisfy.
    pub fn checks(&self) -> [(&str, &'static NameRule); 13] {
        [
            (&self.resource_group, &RESOURCE_GROUP),
            (&self.workspace, &WORKSPACE),
            (&self.identity, &IDENTITY),
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
    /// Why `name` breaks this rule, if it does.
    pub fn problem(&self, name: &str) -> Option<String> {
        let len = name.chars().count();
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
        if let Some(c) = name.chars().find(|c| !(self.allowed)(*c)) {
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
        let names = Names::derive("fraud-detection", Environment::Prod, "westeurope", "weu");
        assert_eq!(names.workspace, "mlw-fraud-detection-prod-weu");
        assert!(names.storage.starts_with("stfrauddetectionpweu"));
        assert_eq!(names.storage.len(), 24);
        for (name, rule) in names.checks() {
            assert_eq!(rule.problem(name), None, "{name}");
        }
    }

    #[test]
    fn suffix_is_stable_and_region_specific() {
        let a = suffix("p", Environment::Dev, "westeurope");
        assert_eq!(a, suffix("p", Environment::Dev, "westeurope"));
        assert_ne!(a, suffix("p", Environment::Dev, "northeurope"));
        assert_ne!(a, suffix("p", Environment::Prod, "westeurope"));
        assert_eq!(a.len(), 4);
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
