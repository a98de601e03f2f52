//! The security settings a Terraform configuration declares, read out of its files.
//!
//! `mlzone diff` reads them out of the files on disk and out of the files the profile produces,
//! so a hand edit that weakens a setting shows as one, whatever the manifest says; `generate` and
//! `diff` read them out of an overlay's output and the embedded templates' output, so an overlay
//! that changes a setting the plan records says so. Both sides are read by the same code, so
//! only a real difference in the files differs.
//!
//! Each setting is keyed by the resource's address and the attribute (`azurerm_storage_account.
//! primary/shared_access_key_enabled`) and carries the recommendation it implements and whether
//! its value is the hardened one, as [`plan::security`](crate::plan::security) does for the
//! plan. The hardened values are those the plan sets (azurerm defaults several of them open:
//! DESIGN "Insecure provider defaults").

use hcl::expr::{Expression, ObjectKey};
use hcl::{Block, Body};

use crate::facts;
use crate::plan::security::{Presence, Setting, effect_strength};

/// What the hardened value of an attribute is.
#[derive(Clone, Copy)]
enum Hardened {
    /// This literal (`false`, `"Identity"`).
    Is(&'static str),
    /// Anything but this literal (`AllowInternetOutbound`).
    Not(&'static str),
    /// A number: more is stronger (a retention in days).
    More,
    /// The block is there (`encryption`): its being gone weakens.
    Present,
}

/// (resource type, attribute path with `/` into blocks, recommendation, what it is, hardened).
type Attribute = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Hardened,
);

/// The attributes read, with the recommendations `plan::security` gives the same settings.
const ATTRIBUTES: &[Attribute] = &[
    (
        "azurerm_machine_learning_workspace",
        "public_network_access_enabled",
        "SEC-03",
        "public network access",
        Hardened::Is("false"),
    ),
    (
        "azurerm_machine_learning_workspace",
        "managed_network/isolation_mode",
        "SEC-04",
        "outbound",
        Hardened::Not("AllowInternetOutbound"),
    ),
    (
        "azurerm_machine_learning_workspace",
        "storage_account_access_type",
        "SEC-06",
        "datastore authentication",
        Hardened::Is("Identity"),
    ),
    (
        "azurerm_machine_learning_workspace",
        "encryption",
        "SEC-13",
        "customer-managed key",
        Hardened::Present,
    ),
    (
        "azurerm_storage_account",
        "public_network_access_enabled",
        "SEC-05",
        "public network access",
        Hardened::Is("false"),
    ),
    (
        "azurerm_storage_account",
        "shared_access_key_enabled",
        "SEC-06",
        "shared keys",
        Hardened::Is("false"),
    ),
    (
        "azurerm_storage_account",
        "min_tls_version",
        "SEC-18",
        "minimum TLS",
        Hardened::Is("TLS1_2"),
    ),
    (
        "azurerm_storage_account",
        "https_traffic_only_enabled",
        "SEC-18",
        "HTTPS only",
        Hardened::Is("true"),
    ),
    (
        "azurerm_storage_account",
        "allow_nested_items_to_be_public",
        "SEC-05",
        "public blob access",
        Hardened::Is("false"),
    ),
    (
        "azurerm_storage_account",
        "customer_managed_key",
        "SEC-13",
        "customer-managed key",
        Hardened::Present,
    ),
    (
        "azurerm_key_vault",
        "public_network_access_enabled",
        "SEC-05",
        "public network access",
        Hardened::Is("false"),
    ),
    (
        "azurerm_key_vault",
        "purge_protection_enabled",
        "SEC-13",
        "purge protection",
        Hardened::Is("true"),
    ),
    (
        "azurerm_container_registry",
        "public_network_access_enabled",
        "SEC-05",
        "public network access",
        Hardened::Is("false"),
    ),
    (
        "azurerm_container_registry",
        "admin_enabled",
        "SEC-06",
        "admin user",
        Hardened::Is("false"),
    ),
    (
        "azurerm_log_analytics_workspace",
        "retention_in_days",
        "OPS-05",
        "retention (days)",
        Hardened::More,
    ),
    (
        "azurerm_log_analytics_workspace",
        "local_authentication_enabled",
        "OPS-05",
        "local authentication",
        Hardened::Is("false"),
    ),
    (
        "azurerm_application_insights",
        "local_authentication_enabled",
        "OPS-05",
        "local authentication",
        Hardened::Is("false"),
    ),
    (
        "azurerm_machine_learning_compute_cluster",
        "local_auth_enabled",
        "SEC-07",
        "local authentication",
        Hardened::Is("false"),
    ),
    (
        "azurerm_machine_learning_compute_cluster",
        "node_public_ip_enabled",
        "SEC-09",
        "node public IP",
        Hardened::Is("false"),
    ),
    (
        "azurerm_machine_learning_compute_cluster",
        "ssh_public_access_enabled",
        "SEC-08",
        "public SSH",
        Hardened::Is("false"),
    ),
];

/// Every security setting the Terraform `files` (path → text) declare, in a stable order. A
/// file that does not parse adds nothing: `terraform validate` is the judge of that, and the
/// unified diff shows it.
pub fn terraform<'a>(files: impl IntoIterator<Item = (&'a str, &'a str)>) -> Vec<Setting> {
    let mut out = Vec::new();
    for (path, text) in files {
        if !path.ends_with(".tf") {
            continue;
        }
        let Ok(body) = hcl::parse(text) else {
            continue;
        };
        for block in body.blocks() {
            if let ("resource", [ty, label]) = (block.identifier(), block.labels()) {
                resource(&mut out, ty.as_str(), label.as_str(), block);
            }
        }
    }
    out.sort_by(|a, b| a.key.cmp(&b.key));
    out
}

fn resource(out: &mut Vec<Setting>, ty: &str, label: &str, block: &Block) {
    let body = block.body();
    let address = format!("{ty}.{label}");
    let name = attribute(body, "name").unwrap_or_else(|| address.clone());
    for (_, path, recommendation, what, hardened) in ATTRIBUTES.iter().filter(|a| a.0 == ty) {
        let found = lookup(body, path);
        let value = match (hardened, &found) {
            (Hardened::Present, Found::Block) => "Enabled".to_owned(),
            (Hardened::Present, _) => "Disabled".to_owned(),
            (_, Found::Value(v)) => v.clone(),
            // An attribute left out takes the provider's default.
            (_, _) => "provider default".to_owned(),
        };
        let literal = match &found {
            Found::Value(v) => v.as_str(),
            _ => "",
        };
        out.push(Setting {
            key: format!("{address}/{path}"),
            recommendation: (*recommendation).to_owned(),
            label: format!("{} {name} {what}", kind(ty)),
            value: shown(&value),
            hardened: match hardened {
                Hardened::Is(v) => literal == *v,
                Hardened::Not(v) => !literal.is_empty() && literal != *v,
                Hardened::More => true,
                Hardened::Present => matches!(found, Found::Block),
            },
            replaces: false,
            strength: match hardened {
                Hardened::More => literal.parse().ok(),
                _ => None,
            },
            presence: Presence::Neutral,
        });
    }
    match ty {
        "azurerm_private_endpoint" => out.push(presence(
            &address,
            "SEC-05",
            format!("private endpoint {name}"),
            Presence::Protects,
        )),
        "azurerm_resource_group_policy_assignment"
        | "azurerm_subscription_policy_assignment"
        | "azurerm_management_group_policy_assignment" => {
            let display = attribute(body, "display_name").unwrap_or_else(|| name.clone());
            let effect = policy_effect(body);
            // A built-in definition mlzone knows names its recommendation and ranks its effects.
            let definition_id = attribute(body, "policy_definition_id").unwrap_or_default();
            let definition = facts::policies()
                .iter()
                .find(|p| p.definition_id.eq_ignore_ascii_case(&definition_id));
            let mut setting = presence(
                &address,
                definition.map_or("", |d| d.recommendation.as_str()),
                format!("policy assignment {display}"),
                Presence::Protects,
            );
            setting.hardened = !effect.eq_ignore_ascii_case("disabled");
            setting.strength = Some(effect_strength(definition, &effect));
            setting.value = effect;
            out.push(setting);
        }
        "azurerm_resource_group_policy_exemption" | "azurerm_subscription_policy_exemption" => {
            let mut setting = presence(
                &address,
                "",
                format!("policy exemption {name}"),
                Presence::Opens,
            );
            setting.hardened = false;
            out.push(setting);
        }
        "azapi_resource"
            if attribute(body, "type")
                .is_some_and(|t| t.contains("/workspaces/outboundRules@")) =>
        {
            let rule = |field: &str| {
                lookup(body, &format!("body/properties/{field}"))
                    .value()
                    .unwrap_or_default()
            };
            let internet = rule("type").eq_ignore_ascii_case("FQDN");
            let mut setting = presence(
                &address,
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
            out.push(setting);
        }
        _ => {}
    }
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
    }
}

/// The effect a policy assignment's `parameters` give (`effect` or `effects`), else the
/// definition's own.
fn policy_effect(body: &Body) -> String {
    let Some(Expression::FuncCall(call)) = body
        .attributes()
        .find(|a| a.key.as_str() == "parameters")
        .map(|a| &a.expr)
    else {
        return "definition default".to_owned();
    };
    let Some(Expression::Object(parameters)) = call.args.first() else {
        return "definition default".to_owned();
    };
    parameters
        .iter()
        .find(|(k, _)| key_text(k).starts_with("effect"))
        .and_then(|(_, v)| match v {
            Expression::Object(inner) => inner
                .iter()
                .find(|(k, _)| key_text(k) == "value")
                .map(|(_, v)| literal(v)),
            _ => None,
        })
        .unwrap_or_else(|| "definition default".to_owned())
}

/// What was found at a path.
enum Found {
    Value(String),
    Block,
    Nothing,
}

impl Found {
    fn value(self) -> Option<String> {
        match self {
            Found::Value(v) => Some(v),
            _ => None,
        }
    }
}

/// The attribute or block at `path` (`/` steps into blocks and object attributes).
fn lookup(body: &Body, path: &str) -> Found {
    let (head, rest) = path.split_once('/').unwrap_or((path, ""));
    if let Some(attribute) = body.attributes().find(|a| a.key.as_str() == head) {
        let mut expr = &attribute.expr;
        for part in rest.split('/').filter(|p| !p.is_empty()) {
            let Expression::Object(object) = expr else {
                return Found::Nothing;
            };
            match object.iter().find(|(k, _)| key_text(k) == part) {
                Some((_, v)) => expr = v,
                None => return Found::Nothing,
            }
        }
        return Found::Value(literal(expr));
    }
    match body.blocks().find(|b| b.identifier() == head) {
        Some(_) if rest.is_empty() => Found::Block,
        Some(block) => lookup(block.body(), rest),
        None => Found::Nothing,
    }
}

fn attribute(body: &Body, key: &str) -> Option<String> {
    lookup(body, key).value()
}

fn key_text(key: &ObjectKey) -> String {
    match key {
        ObjectKey::Identifier(id) => id.as_str().to_owned(),
        ObjectKey::Expression(Expression::String(s)) => s.clone(),
        ObjectKey::Expression(e) => e.to_string(),
        _ => String::new(),
    }
}

/// A literal as its text (`false`, `90`, `Identity`); any other expression as HCL.
fn literal(expr: &Expression) -> String {
    match expr {
        Expression::String(s) => s.clone(),
        Expression::Bool(b) => b.to_string(),
        Expression::Number(n) => n.to_string(),
        Expression::Null => "null".to_owned(),
        other => other.to_string(),
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

/// A resource type as people name it.
fn kind(ty: &str) -> &str {
    match ty {
        "azurerm_machine_learning_workspace" => "workspace",
        "azurerm_storage_account" => "storage",
        "azurerm_key_vault" => "key vault",
        "azurerm_container_registry" => "registry",
        "azurerm_log_analytics_workspace" => "Log Analytics",
        "azurerm_application_insights" => "Application Insights",
        "azurerm_machine_learning_compute_cluster" => "cluster",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::terraform;

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

    #[test]
    fn settings_are_read_with_their_hardened_values() {
        let settings = terraform([("workspace.tf", WORKSPACE)]);
        let get = |key: &str| {
            settings
                .iter()
                .find(|s| s.key == key)
                .unwrap_or_else(|| panic!("no {key} in {settings:#?}"))
        };
        let public =
            get("azurerm_machine_learning_workspace.primary/public_network_access_enabled");
        assert_eq!(public.value, "Disabled");
        assert!(public.hardened);
        assert_eq!(public.label, "workspace mlw-x public network access");
        let isolation =
            get("azurerm_machine_learning_workspace.primary/managed_network/isolation_mode");
        assert_eq!(isolation.value, "AllowOnlyApprovedOutbound");
        assert!(isolation.hardened);
        assert!(get("azurerm_machine_learning_workspace.primary/encryption").hardened);
        let policy = get("azurerm_resource_group_policy_assignment.primary_pna");
        assert_eq!(policy.value, "Deny");
        assert_eq!(
            policy.label,
            "policy assignment Workspaces should disable public network access"
        );

        let opened = WORKSPACE
            .replace("access_enabled = false", "access_enabled = true")
            .replace("\"Deny\"", "\"Audit\"");
        let settings = terraform([("workspace.tf", opened.as_str())]);
        let public = settings
            .iter()
            .find(|s| s.key.ends_with("/public_network_access_enabled"))
            .unwrap();
        assert_eq!(public.value, "Enabled");
        assert!(!public.hardened);
    }

    #[test]
    fn files_that_do_not_parse_or_are_not_terraform_add_nothing() {
        assert!(terraform([("a.tf", "resource {"), ("b.bicep", WORKSPACE)]).is_empty());
    }
}
