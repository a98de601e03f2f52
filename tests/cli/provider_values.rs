//! The values the real providers accept, checked without them: every literal the generated
//! Terraform gives an azurerm attribute against the allowed values (and their case) and the
//! validator rules read off the provider (`tests/data/azurerm-validations.json`), and every ARM
//! API version against the versions azapi knows and those it refuses because Azure does not
//! serve them yet (`tests/data/azapi-api-versions.json`). Both files name their source commit.
//! Schema snapshots know names and types; `terraform validate` with the real providers also
//! knows these, so they are checked here, where CI can run them.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::fs;
use std::sync::OnceLock;

use hcl::expr::Expression;
use hcl::{BlockLabel, Body};
use serde::Deserialize;

use crate::support::{files_under, generate_into, repo, shipped_profiles, slug};

// ------------------------------------------------------------------------------------ tests

#[test]
fn generated_values_are_ones_the_providers_accept() {
    let temp = tempfile::tempdir().expect("a temporary directory");
    let mut failures = String::new();
    let mut checked = 0;
    for (label, profile) in shipped_profiles() {
        let out = temp.path().join(slug(&label));
        generate_into(&profile, &out, "terraform,bicep");
        let files = text_files(&out);
        let outcome = value_findings(&files);
        checked += outcome.checked;
        for finding in outcome.findings {
            writeln!(failures, "{label}: {finding}").unwrap();
        }
    }
    assert!(checked > 1000, "only {checked} values were checked");
    assert!(
        failures.is_empty(),
        "values the real providers refuse:\n{failures}"
    );
}

#[test]
fn the_value_checker_reports_each_kind_of_mistake() {
    let tf = r#"
resource "azurerm_machine_learning_workspace" "w" {
  name = "w_1"
  storage_account_access_type = "identity"
}
resource "azurerm_storage_account" "s" {
  name = "Stor"
  min_tls_version = "TLS1_2"
}
resource "azurerm_key_vault" "k" {
  name = "kv"
  sku_name = "Standard"
}
resource "azurerm_machine_learning_compute_cluster" "c" {
  name = "1train"
}
resource "azurerm_role_assignment" "r" {
  name = "not-a-guid"
  scope = "/"
}
resource "azurerm_private_endpoint" "p" {
  name = "pe-"
  private_service_connection {
    name = "ok_"
  }
}
resource "azapi_resource" "key" {
  type = "Microsoft.KeyVault/vaults/keys@2026-02-01"
}
resource "azapi_resource" "unknown" {
  type = "Microsoft.KeyVault/vaults/keys@2019-01-01"
}
"#;
    let bicep = "resource key 'Microsoft.KeyVault/vaults/keys@2026-03-01-preview' = {\n}\n";
    let files = vec![
        ("t.tf".to_owned(), tf.to_owned()),
        ("m.bicep".to_owned(), bicep.to_owned()),
    ];
    let findings = value_findings(&files).findings.join("\n");
    for expected in [
        "azurerm_machine_learning_workspace.w: name = \"w_1\"",
        "storage_account_access_type = \"identity\" is not accepted: one of AccessKey, Identity (the provider spells it \"Identity\")",
        "azurerm_storage_account.s: name = \"Stor\"",
        "azurerm_key_vault.k: name = \"kv\"",
        "sku_name = \"Standard\" is not accepted: one of standard, premium (the provider spells it \"standard\")",
        "azurerm_machine_learning_compute_cluster.c: name = \"1train\"",
        "azurerm_role_assignment.r: name = \"not-a-guid\"",
        "azurerm_role_assignment.r: scope = \"/\"",
        "azurerm_private_endpoint.p: name = \"pe-\"",
        "Microsoft.KeyVault/vaults/keys@2026-02-01: azapi refuses this version: Azure does not serve it yet",
        "Microsoft.KeyVault/vaults/keys@2019-01-01: azapi does not know this version",
        "m.bicep: Microsoft.KeyVault/vaults/keys@2026-03-01-preview: azapi refuses this version",
    ] {
        assert!(
            findings.contains(expected),
            "not reported: {expected}\nfindings:\n{findings}"
        );
    }
    assert!(
        !findings.contains("min_tls_version") && !findings.contains("private_service_connection"),
        "a valid value was reported:\n{findings}"
    );
}

#[test]
fn every_name_rule_of_a_generated_resource_is_known() {
    // A new resource type, or a new validator in the provider facts, must come with its rule:
    // otherwise the checker would pass its literal values unchecked.
    let facts = validations();
    let mut unknown = Vec::new();
    for (kind, attributes) in &facts.resources {
        for (attribute, fact) in attributes {
            if let Some(message) = &fact.message
                && rule(message).is_none()
                && GENERATED.contains(&kind.as_str())
            {
                unknown.push(format!("{kind}.{attribute}: {message}"));
            }
        }
    }
    assert!(
        unknown.is_empty(),
        "validators without a rule in provider_values.rs:\n{}",
        unknown.join("\n")
    );
}

#[test]
fn every_name_the_profile_accepts_is_one_the_provider_accepts() {
    // Edge cases of each name a profile gives (shortest, longest, digits, a hyphen at each
    // place, doubled), the project's with the longest region code and both environments'
    // names: a profile mlzone accepts gives only names the provider's rules accept, and one it
    // refuses is refused at the input, located.
    let base = |project: &str, environment: &str, region: &str| {
        format!(
            "version: 1\nproject: {project}\nenvironment: {environment}\nregions: {{primary: {region}}}\n"
        )
    };
    let mut cases: Vec<(String, String, String)> = Vec::new();
    for project in [
        "ab",
        "a1",
        "a-b",
        "a--b",
        "a-",
        "ab-1",
        "x0-0",
        "abcdefghijklmnopq",
        "abcdefghijklmnopqrst",
        "a-b-c-d-e-f-g-h-i-jk",
    ] {
        for (environment, region) in [("dev", "westeurope"), ("prod", "eastus2")] {
            let label = format!("project {project} ({environment}, {region})");
            cases.push((
                label,
                base(project, environment, region),
                "`project`".to_owned(),
            ));
        }
    }
    let computes = [
        (
            "cluster",
            "clusters",
            &[
                "ab",
                "abc",
                "a-c",
                "ab-",
                "a--b",
                "A1-b",
                "abcdefghijklmnop",
            ][..],
            "purpose: training, max_nodes: 2",
        ),
        (
            "instance",
            "instances",
            &[
                "ab",
                "abc",
                "ab-",
                "a--b",
                "Dev-1",
                "abcdefghijklmnopqrstuvwx",
            ][..],
            "user_object_id: 11111111-1111-4111-8111-111111111111",
        ),
    ];
    for (kind, list, names, rest) in computes {
        for name in names {
            let body = format!(
                "{}compute:\n  {list}:\n    - {{name: {name}, sku: Standard_D4_v5, {rest}}}\n",
                base("names", "dev", "westeurope")
            );
            let field = format!("`compute.{list}[0].name`");
            cases.push((format!("{kind} {name}"), body, field));
        }
    }
    let instance_rule =
        &validations().resources["azurerm_machine_learning_compute_instance"]["name"];
    let temp = tempfile::tempdir().expect("a temporary directory");
    let mut failures = String::new();
    let mut refused = BTreeSet::new();
    for (i, (label, body, field)) in cases.iter().enumerate() {
        let dir = temp.path().join(i.to_string());
        fs::create_dir_all(&dir).unwrap();
        let profile = dir.join("profile.yaml");
        fs::write(&profile, body).unwrap();
        let run = crate::support::mlzone()
            .arg("validate")
            .arg(&profile)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&run.stderr);
        match run.status.code() {
            Some(0) => {
                let out = dir.join("infra");
                generate_into(&profile, &out, "terraform");
                for finding in value_findings(&text_files(&out)).findings {
                    writeln!(failures, "{label}: {finding}").unwrap();
                }
                // Instances are azapi resources: Azure's rule is the one azurerm states.
                if let Some(name) = label.strip_prefix("instance ")
                    && let Some(problem) = instance_rule.refuses(name)
                {
                    writeln!(failures, "{label}: {problem}").unwrap();
                }
            }
            Some(3)
                if stderr.contains("error[")
                    && stderr.contains(field.as_str())
                    && stderr.contains("profile.yaml:") =>
            {
                refused.insert(label.clone());
            }
            code => writeln!(
                failures,
                "{label}: exit {code:?}, not refused at {field}:\n{stderr}"
            )
            .unwrap(),
        }
    }
    assert!(
        failures.is_empty(),
        "names the provider refuses:\n{failures}"
    );
    // The ones the provider would refuse are among those refused (not a vacuous pass).
    for expected in [
        "project a--b (dev, westeurope)",
        "project a- (dev, westeurope)",
        "project abcdefghijklmnopqrst (prod, eastus2)",
        "cluster ab",
        "cluster ab-",
        "instance ab-",
    ] {
        assert!(
            refused.contains(expected),
            "{expected} was accepted; refused: {refused:?}"
        );
    }
}

#[test]
fn api_versions_follow_the_written_rule() {
    // data/api-versions.yaml: the newest stable version the Bicep type snapshot and azapi both
    // know, less those azapi refuses as not served yet; exceptions say why.
    let bicep = bicep_versions();
    let azapi = api_versions();
    let mut wrong = Vec::new();
    for (kind, chosen) in mlzone::facts::api_version_choices() {
        let in_bicep = bicep.get(&kind.to_lowercase()).cloned().unwrap_or_default();
        let known = azapi.known(kind);
        if !in_bicep.contains(&chosen.version) || !known.contains(chosen.version.as_str()) {
            wrong.push(format!(
                "{kind}@{}: not in both the Bicep types and azapi",
                chosen.version
            ));
        }
        if azapi.refuses(kind, &chosen.version) {
            wrong.push(format!("{kind}@{}: not served yet", chosen.version));
        }
        let rule = in_bicep
            .iter()
            .filter(|v| !v.contains("preview") && known.contains(v.as_str()))
            .filter(|v| !azapi.refuses(kind, v))
            .max();
        if chosen.is_exception() {
            assert!(
                chosen.why.len() > "exception: ".len() + 20,
                "{kind}: say why"
            );
        } else if rule != Some(&chosen.version) {
            wrong.push(format!(
                "{kind}: the rule picks {rule:?}, the data says {} ({})",
                chosen.version, chosen.why
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// Lower-case type → every version the Bicep type snapshot has (with or without properties).
fn bicep_versions() -> BTreeMap<String, BTreeSet<String>> {
    #[derive(Deserialize)]
    struct Catalog {
        versions: Vec<String>,
    }
    #[derive(Deserialize)]
    struct Types {
        resources: BTreeMap<String, BTreeMap<String, serde_json::Value>>,
        catalog: BTreeMap<String, Catalog>,
    }
    let types: Types = read_json("bicep-types.json");
    let mut versions: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (kind, catalog) in types.catalog {
        versions.entry(kind).or_default().extend(catalog.versions);
    }
    for (kind, by_version) in types.resources {
        versions
            .entry(kind.to_lowercase())
            .or_default()
            .extend(by_version.into_keys());
    }
    versions
}

// ------------------------------------------------------------------------------ the checker

/// What the value check found in one output directory.
pub(crate) struct ValueOutcome {
    pub(crate) findings: Vec<String>,
    /// Literal values checked against a provider fact.
    pub(crate) checked: usize,
}

/// Every `.tf` and `.bicep` file under `dir`, by relative path.
pub(crate) fn text_files(dir: &std::path::Path) -> Vec<(String, String)> {
    files_under(dir)
        .into_iter()
        .filter(|(name, _)| name.ends_with(".tf") || name.ends_with(".bicep"))
        .map(|(name, bytes)| (name, String::from_utf8(bytes).expect("UTF-8 output")))
        .collect()
}

/// Check generated files (name → text): Terraform values against the azurerm facts, ARM API
/// versions in Terraform and Bicep against azapi's.
pub(crate) fn value_findings(files: &[(String, String)]) -> ValueOutcome {
    let mut outcome = ValueOutcome {
        findings: Vec::new(),
        checked: 0,
    };
    for (name, text) in files {
        if name.ends_with(".tf") {
            match hcl::parse(text) {
                Ok(body) => check_file(name, &body, &mut outcome),
                Err(e) => outcome
                    .findings
                    .push(format!("{name}: does not parse: {e}")),
            }
        } else if name.ends_with(".bicep") {
            for line in text.lines() {
                let resource = line.trim_start().strip_prefix("resource ");
                if let Some(type_version) = resource.and_then(|r| r.split('\'').nth(1)) {
                    check_api_version(name, type_version, &mut outcome);
                }
            }
        }
    }
    outcome
}

fn check_file(file: &str, body: &Body, outcome: &mut ValueOutcome) {
    for block in body.blocks().filter(|b| b.identifier() == "resource") {
        let labels: Vec<&str> = block.labels().iter().map(BlockLabel::as_str).collect();
        let [kind, name] = labels[..] else { continue };
        if kind.starts_with("azapi_") {
            let type_version = block.body().attributes().find(|a| a.key() == "type");
            if let Some(Expression::String(type_version)) = type_version.map(|a| a.expr()) {
                check_api_version(file, type_version, outcome);
            }
        } else if let Some(facts) = validations().resources.get(kind) {
            let address = format!("{file}: {kind}.{name}");
            check_body(&address, "", block.body(), facts, outcome);
        }
    }
}

fn check_body(
    address: &str,
    prefix: &str,
    body: &Body,
    facts: &BTreeMap<String, Fact>,
    outcome: &mut ValueOutcome,
) {
    for attribute in body.attributes() {
        let path = format!("{prefix}{}", attribute.key());
        let Some(fact) = facts.get(&path) else {
            continue;
        };
        let literals: Vec<&str> = match attribute.expr() {
            Expression::String(s) => vec![s.as_str()],
            Expression::Array(items) => items
                .iter()
                .filter_map(|item| match item {
                    Expression::String(s) => Some(s.as_str()),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        };
        for value in literals {
            outcome.checked += 1;
            if let Some(problem) = fact.refuses(value) {
                outcome
                    .findings
                    .push(format!("{address}: {path} = {value:?} {problem}"));
            }
        }
    }
    for block in body.blocks().filter(|b| b.identifier() != "dynamic") {
        let nested = format!("{prefix}{}.", block.identifier());
        check_body(address, &nested, block.body(), facts, outcome);
    }
}

fn check_api_version(file: &str, type_version: &str, outcome: &mut ValueOutcome) {
    let Some((kind, version)) = type_version.split_once('@') else {
        return;
    };
    outcome.checked += 1;
    let facts = api_versions();
    let known = facts.known(kind);
    let problem = if facts.refuses(kind, version) {
        "azapi refuses this version: Azure does not serve it yet (deploying it fails with NoRegisteredProviderFound)"
    } else if known.is_empty() {
        "azapi does not know this resource type"
    } else if !known.contains(version) {
        "azapi does not know this version"
    } else {
        return;
    };
    outcome
        .findings
        .push(format!("{file}: {type_version}: {problem}"));
}

// ------------------------------------------------------------------------------------ facts

/// The azurerm resource types mlzone generates (or may, behind a profile option): each
/// validator these carry needs a rule below.
const GENERATED: &[&str] = &[
    "azurerm_application_insights",
    "azurerm_consumption_budget_resource_group",
    "azurerm_container_registry",
    "azurerm_key_vault",
    "azurerm_log_analytics_workspace",
    "azurerm_machine_learning_compute_cluster",
    "azurerm_machine_learning_compute_instance",
    "azurerm_machine_learning_workspace",
    "azurerm_monitor_diagnostic_setting",
    "azurerm_monitor_private_link_scope",
    "azurerm_monitor_private_link_scoped_service",
    "azurerm_nat_gateway",
    "azurerm_network_security_group",
    "azurerm_network_security_rule",
    "azurerm_policy_definition",
    "azurerm_private_dns_zone",
    "azurerm_private_dns_zone_virtual_network_link",
    "azurerm_private_endpoint",
    "azurerm_public_ip",
    "azurerm_resource_group",
    "azurerm_resource_group_policy_assignment",
    "azurerm_resource_group_policy_exemption",
    "azurerm_resource_provider_registration",
    "azurerm_role_assignment",
    "azurerm_route",
    "azurerm_route_table",
    "azurerm_security_center_subscription_pricing",
    "azurerm_storage_account",
    "azurerm_subnet",
    "azurerm_subnet_nat_gateway_association",
    "azurerm_subnet_network_security_group_association",
    "azurerm_subnet_route_table_association",
    "azurerm_subnet_service_endpoint_storage_policy",
    "azurerm_subscription_policy_assignment",
    "azurerm_subscription_policy_exemption",
    "azurerm_user_assigned_identity",
    "azurerm_virtual_network",
    "azurerm_virtual_network_peering",
];

/// `tests/data/azurerm-validations.json`: per resource type and attribute path.
#[derive(Deserialize)]
struct Validations {
    resources: BTreeMap<String, BTreeMap<String, Fact>>,
}

#[derive(Deserialize)]
struct Fact {
    /// The only values `terraform validate` accepts.
    #[serde(default)]
    allowed: Vec<String>,
    #[serde(default)]
    case_sensitive: bool,
    /// The provider's message for a value its validator refuses.
    message: Option<String>,
}

impl Fact {
    /// Why the provider refuses `value`, if it does.
    fn refuses(&self, value: &str) -> Option<String> {
        if !self.allowed.is_empty() {
            let accepted = self
                .allowed
                .iter()
                .any(|a| a == value || (!self.case_sensitive && a.eq_ignore_ascii_case(value)));
            if !accepted {
                let spelled = self
                    .allowed
                    .iter()
                    .find(|a| a.eq_ignore_ascii_case(value))
                    .map(|a| format!(" (the provider spells it {a:?})"))
                    .unwrap_or_default();
                return Some(format!(
                    "is not accepted: one of {}{spelled}",
                    self.allowed.join(", ")
                ));
            }
        }
        let message = self.message.as_deref()?;
        match rule(message) {
            Some(accepts) if accepts(value) => None,
            Some(_) => Some(format!("is refused by the provider: {message}")),
            None => Some(format!(
                "cannot be checked: no rule here for the provider's validator {message:?}"
            )),
        }
    }
}

/// `tests/data/azapi-api-versions.json`.
#[derive(Deserialize)]
struct ApiVersions {
    /// Lower-case type → versions azapi refuses.
    not_served: BTreeMap<String, Vec<String>>,
    /// Type → versions azapi knows.
    types: BTreeMap<String, Vec<String>>,
}

impl ApiVersions {
    /// The versions azapi knows of `kind`. ARM types are case-insensitive, and azapi's index
    /// spells some namespaces in two ways (`Microsoft.Insights`, `microsoft.insights`).
    fn known(&self, kind: &str) -> BTreeSet<&str> {
        self.types
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case(kind))
            .flat_map(|(_, versions)| versions.iter().map(String::as_str))
            .collect()
    }

    fn refuses(&self, kind: &str, version: &str) -> bool {
        self.not_served
            .get(&kind.to_lowercase())
            .is_some_and(|versions| versions.iter().any(|v| v == version))
    }
}

fn validations() -> &'static Validations {
    static FACTS: OnceLock<Validations> = OnceLock::new();
    FACTS.get_or_init(|| read_json("azurerm-validations.json"))
}

fn api_versions() -> &'static ApiVersions {
    static FACTS: OnceLock<ApiVersions> = OnceLock::new();
    FACTS.get_or_init(|| read_json("azapi-api-versions.json"))
}

fn read_json<T: for<'de> Deserialize<'de>>(file: &str) -> T {
    let path = repo().join("tests").join("data").join(file);
    let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

// ------------------------------------------------------------------------------------ rules

/// The rule behind a provider validator, found by its message (the facts carry the message a
/// probe value drew, not the code). Each rule is the provider's whole check, as its source
/// (`internal/services/*/validate`) writes it, which may say more than the one message.
/// Whether a provider validator accepts a value.
type Accepts = fn(&str) -> bool;

fn rule(message: &str) -> Option<Accepts> {
    const RULES: &[(&str, Accepts)] = &[
        (
            "may only contain alphanumeric characters, dash, underscores, parentheses and periods",
            resource_group_name,
        ),
        ("to be a valid UUID", is_uuid),
        ("as a resource id", is_resource_id),
        ("as an ResourceGroup ID", is_resource_group_id),
        ("as a Policy Definition ID", is_policy_definition_id),
        ("as a Policy Assignment ID", is_policy_assignment_id),
        ("to be a valid RFC3339 date", is_rfc3339),
        ("invalid ISO8601 date format", is_rfc3339),
        ("to be a valid url", is_url),
        ("net/url: invalid control character in URL", is_url),
        ("contains an invalid JSON", is_json),
        ("expected 'P' period mark", |v| v.starts_with('P')),
        ("Root scope (/) is invalid", |v| v != "/"),
        ("alpha numeric characters only are allowed", |v| {
            !v.is_empty() && v.bytes().all(|b| b.is_ascii_alphanumeric())
        }),
        // internal/services/keyvault/validate/vault_name.go: also starts with a letter, ends
        // with a letter or digit, and has no `--`.
        (
            "may only contain alphanumeric characters and dashes and must be between 3-24 chars",
            |v| {
                (3..=24).contains(&v.len())
                    && alnum_or(v, b"-")
                    && starts_letter_ends_alnum(v)
                    && !v.contains("--")
            },
        ),
        (
            "can only contain alphabet, number, and '-' character",
            |v| {
                // Log Analytics: 4 to 63 characters in the provider's validator.
                (4..=63).contains(&v.len())
                    && alnum_or(v, b"-")
                    && !v.starts_with('-')
                    && !v.ends_with('-')
            },
        ),
        (
            "must be between 3 and 32 characters, may only include",
            |v| (3..=32).contains(&v.len()) && alnum_or(v, b"-") && starts_letter_ends_alnum(v),
        ),
        (
            "It must start with a letter, end with a letter or digit, and be between 3 and 24",
            |v| (3..=24).contains(&v.len()) && alnum_or(v, b"-") && starts_letter_ends_alnum(v),
        ),
        (
            "must be between 3 and 33 characters, and may only include",
            |v| (3..=33).contains(&v.len()) && alnum_or(v, b"-"),
        ),
        (
            "can only consist of lowercase letters and numbers, and must be between 3 and 24",
            |v| {
                (3..=24).contains(&v.len())
                    && v.bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
            },
        ),
        (
            "must be between 1 - 80 characters long, begin with a letter or number, end with a letter, number or underscore",
            network_name,
        ),
        (
            "should be between 1 and 80 characters, start with an alphanumeric, end with an alphanumeric or underscore",
            network_name,
        ),
        (
            "must begin with a alphnum character, and it must end with a alphnum character or with '_'",
            network_name,
        ),
        (
            "only allows alphanumeric characters, periods, underscores, hyphens and parenthesis and cannot end in a period",
            |v| (1..=255).contains(&v.len()) && alnum_or(v, b"._-()") && !v.ends_with('.'),
        ),
        // The probe drew the first branch of an any-of validator (empty, or a sub-resource
        // name); Azure's group IDs are letters, digits and `_`.
        ("to be an empty string", |v| alnum_or(v, b"_")),
        (
            "The event hub name can contain only letters, numbers, periods (.), hyphens (-),and underscores (_), up to 256",
            |v| {
                (1..=256).contains(&v.len())
                    && alnum_or(v, b".-_")
                    && v.bytes().next().is_some_and(|b| b.is_ascii_alphanumeric())
                    && v.bytes().last().is_some_and(|b| b.is_ascii_alphanumeric())
            },
        ),
        ("must be between 2 and 34 segments", |v| {
            (2..=34).contains(&v.split('.').count())
        }),
        ("to have suffix `.azure.privatelinkservice`", |v| {
            v.ends_with(".azure.privatelinkservice")
        }),
        (
            "must contain only lowercase alphanumeric characters, numbers and hyphens. It must start with a letter",
            |v| {
                (1..=63).contains(&v.len())
                    && v.bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                    && starts_letter_ends_alnum(v)
            },
        ),
        ("must be a string that represents a positive number", |v| {
            v.parse::<u64>().is_ok_and(|n| n > 0)
        }),
        ("invalid notation of bgp community", |v| {
            v.split_once(':')
                .is_some_and(|(a, b)| a.parse::<u32>().is_ok() && b.parse::<u32>().is_ok())
        }),
        // internal/services/consumption/validate/name.go: ^[-_a-zA-Z0-9]{1,63}$
        (
            "The consumption budget name can contain only letters, numbers, underscores, and hyphens",
            |v| (1..=63).contains(&v.len()) && alnum_or(v, b"-_"),
        ),
        ("must start with IPV4 address and/or slash", is_ipv4_or_cidr),
        ("is not a valid IPv4 address", is_ipv4_or_cidr),
    ];
    RULES
        .iter()
        .find(|(key, _)| message.contains(key))
        .map(|(_, accepts)| *accepts)
}

fn alnum_or(value: &str, extra: &[u8]) -> bool {
    value
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || extra.contains(&b))
}

fn starts_letter_ends_alnum(value: &str) -> bool {
    value
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic())
        && value
            .bytes()
            .last()
            .is_some_and(|b| b.is_ascii_alphanumeric())
}

/// azurerm's `ResourceGroupName`: at most 90 characters, no final period, `[-\w._()]`.
fn resource_group_name(value: &str) -> bool {
    (1..=90).contains(&value.len()) && !value.ends_with('.') && alnum_or(value, b"-_.()")
}

/// Private endpoints, routes, NAT gateways, service endpoint policies: 1 to 80 characters,
/// letters, digits, `.`, `-`, `_`; begins with a letter or digit, ends with one or `_`.
fn network_name(value: &str) -> bool {
    (1..=80).contains(&value.len())
        && alnum_or(value, b".-_")
        && value
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_alphanumeric())
        && value
            .bytes()
            .last()
            .is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_')
}

fn is_uuid(value: &str) -> bool {
    value.len() == 36 && uuid::Uuid::parse_str(value).is_ok()
}

fn is_resource_id(value: &str) -> bool {
    value.starts_with('/') && !value.contains(char::is_whitespace) && is_url_safe(value)
}

fn is_resource_group_id(value: &str) -> bool {
    let parts: Vec<&str> = value.split('/').collect();
    matches!(parts[..], ["", "subscriptions", s, "resourceGroups", g] if !s.is_empty() && !g.is_empty())
}

fn is_policy_definition_id(value: &str) -> bool {
    is_resource_id(value)
        && (value.contains("/providers/Microsoft.Authorization/policyDefinitions/")
            || value.contains("/providers/Microsoft.Authorization/policySetDefinitions/"))
}

fn is_policy_assignment_id(value: &str) -> bool {
    is_resource_id(value) && value.contains("/providers/Microsoft.Authorization/policyAssignments/")
}

fn is_rfc3339(value: &str) -> bool {
    value.parse::<jiff::Timestamp>().is_ok()
}

fn is_url(value: &str) -> bool {
    is_url_safe(value) && value.contains("://")
}

fn is_url_safe(value: &str) -> bool {
    !value.chars().any(char::is_control)
}

fn is_json(value: &str) -> bool {
    serde_json::from_str::<serde_json::Value>(value).is_ok()
}

fn is_ipv4_or_cidr(value: &str) -> bool {
    value.parse::<std::net::Ipv4Addr>().is_ok() || value.parse::<ipnet::Ipv4Net>().is_ok()
}
