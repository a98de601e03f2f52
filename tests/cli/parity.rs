//! The Bicep and the Terraform declare the same landing zone. Nothing here lists expected
//! values: every profile is generated in both formats, every `.tf` is parsed with hcl-rs and
//! every `.bicep` with the parser in `bicep.rs`, and from each output an inventory is derived:
//! one line per logical resource and one per security-relevant setting of it, as
//! `KIND NAME: SETTING=VALUE`. References are followed to the names the same output gives the
//! resources they point at, and each format's spelling of a value is mapped to one spelling by
//! the small functions under "normalizing" (`'Enabled'` and `true`, `'Standard_RAGZRS'` and
//! `Standard` + `RAGZRS`, role definition GUIDs and role names through `data/roles.yaml`).
//! The two inventories of a profile must be equal.
//!
//! The security settings alone are also compared as the library reads them
//! ([`mlzone::inventory`], what `diff`'s security summary judges hand edits by): both formats
//! must yield the same settings with the same values.
//!
//! Set `MLZONE_KEEP_PARITY=DIR` to keep each profile's two inventories under `DIR`.
//!
//! A resource of a type the extractors do not know becomes an `unhandled` line, so a new kind of
//! resource in either format fails the comparison until it is inventoried here.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use hcl::expr::{Expression, ObjectKey, TraversalOperator};
use hcl::template::{Element, Template};
use hcl::{Block, Body};
use saphyr::{LoadableYamlNode, Yaml};
use serde_json::{Map, Value};

use crate::bicep::{self, BicepFile, Entry, Expr, ExprKind, Item, Key, Part, Resource, StmtKind};
use crate::support::{
    HUB_MONITOR_SCOPE, files_under, generate_into, hub_zones, repo, shipped_profiles, slug,
};

// ------------------------------------------------------------------------------------ tests

#[test]
fn bicep_and_terraform_declare_the_same_landing_zone() {
    let roles = Roles::load();
    let temp = tempfile::tempdir().expect("a temporary directory");
    let mut failures = String::new();
    let mut sizes = String::new();
    let mut kinds = BTreeSet::new();
    // No shipped profile can peer with a hub: that takes the hub's real zone IDs.
    let hub = temp.path().join("hub-peering.yaml");
    fs::write(
        &hub,
        format!(
            "extends: {}\nnetwork:\n  hub_peering: {{}}\n  dns:\n    servers: [10.0.0.68]\n    monitor_private_link_scope_id: {HUB_MONITOR_SCOPE}\n    zone_ids:\n{}",
            repo().join("profiles/customer-vnet.yaml").display(),
            hub_zones()
        ),
    )
    .expect("the hub profile is written");
    let profiles = shipped_profiles()
        .into_iter()
        .chain([("hub-peering".to_owned(), hub)]);
    for (label, profile) in profiles {
        let output = generate(&profile, &temp.path().join(slug(&label)));
        let terraform = terraform_inventory(&output.terraform, &roles);
        let bicep = bicep_inventory(&output.bicep, &roles);
        writeln!(
            sizes,
            "  {label}: {} lines from Terraform, {} from Bicep",
            terraform.len(),
            bicep.len()
        )
        .unwrap();
        if let Some(dir) = std::env::var_os("MLZONE_KEEP_PARITY") {
            let dir = PathBuf::from(dir);
            fs::create_dir_all(&dir).expect("MLZONE_KEEP_PARITY is a writable directory");
            for (format, inventory) in [("terraform", &terraform), ("bicep", &bicep)] {
                let path = dir.join(format!("{}.{format}.txt", slug(&label)));
                fs::write(path, lines(inventory)).expect("the inventory is written");
            }
        }
        kinds.extend(
            terraform
                .iter()
                .chain(&bicep)
                .map(|line| kind_of(line).to_owned()),
        );
        if let Some(difference) = difference(&terraform, &bicep) {
            writeln!(failures, "{label}:\n{difference}").unwrap();
        }
    }
    eprintln!("inventory sizes:\n{sizes}");
    let missing: Vec<&str> = ALL_KINDS
        .iter()
        .copied()
        .filter(|kind| !kinds.contains(*kind))
        .collect();
    assert!(
        missing.is_empty(),
        "no profile's inventory has a line of kind {missing:?}: the extractors lost them"
    );
    assert!(
        failures.is_empty(),
        "the Bicep and the Terraform do not declare the same landing zone:\n{failures}"
    );
}

#[test]
fn the_security_inventory_reads_the_same_settings_from_both_formats() {
    // The inventory `diff`'s security summary, the overlay check and the keep check read, from
    // the library: what a hand edit of either format is judged by.
    let temp = tempfile::tempdir().expect("a temporary directory");
    let mut failures = String::new();
    let mut every = Vec::new();
    // No shipped profile waives a recommendation into a policy exemption: this one does.
    let waived = crate::support::extending(
        temp.path(),
        "profiles/baseline.yaml",
        "project: waived\nwaivers:\n  - {id: SEC-03, reason: public demo, expires: 2027-06-30}\n",
    );
    let profiles = shipped_profiles()
        .into_iter()
        .chain([("waived".to_owned(), waived)]);
    for (label, profile) in profiles {
        let output = generate(&profile, &temp.path().join(slug(&label)));
        let terraform = security_lines(&output.terraform);
        let bicep = security_lines(&output.bicep);
        every.extend(terraform.iter().cloned());
        assert!(
            terraform.len() >= 20,
            "{label}: {} settings read from the Terraform:\n{terraform:#?}",
            terraform.len()
        );
        let only = |a: &[String], b: &[String]| -> Vec<String> {
            a.iter().filter(|l| !b.contains(l)).cloned().collect()
        };
        let (only_terraform, only_bicep) = (only(&terraform, &bicep), only(&bicep, &terraform));
        if !only_terraform.is_empty() || !only_bicep.is_empty() || terraform.len() != bicep.len() {
            writeln!(
                failures,
                "{label}:\n  only in the Terraform: {only_terraform:#?}\n  only in the Bicep: {only_bicep:#?}"
            )
            .unwrap();
        }
    }
    assert!(
        failures.is_empty(),
        "the security inventories of the two formats differ:\n{failures}"
    );
    // Every kind of setting is among them: none was lost by both readers at once.
    for kind in [
        "SEC-03 workspace ",
        "SEC-06 storage ",
        "SEC-08 cluster ",
        "SEC-08 instance ",
        "OPS-05 Log Analytics ",
        "SEC-05 Application Insights ",
        " table encryption key scope: Account",
        "SEC-14 Azure Monitor Private Link Scope ",
        "SEC-05 private endpoint ",
        "SEC-04 outbound rule ",
        "POL-01 policy assignment ",
        " policy exemption ",
    ] {
        assert!(
            every
                .iter()
                .any(|l| l.starts_with(kind) || l.contains(kind)),
            "no {kind:?} line in any profile"
        );
    }
    assert!(every.iter().any(|l| l.contains(" rotation interval: P")));

    // One flipped setting in the Bicep is one line that differs.
    let output = generate(
        &repo().join("profiles/baseline.yaml"),
        &temp.path().join("flipped"),
    );
    let file = "modules/primary-dependencies.bicep";
    let mut flipped = output.bicep.clone();
    flipped.insert(
        file.to_owned(),
        output.bicep[file].replacen(
            "allowSharedKeyAccess: false",
            "allowSharedKeyAccess: true",
            1,
        ),
    );
    let (terraform, flipped) = (security_lines(&output.terraform), security_lines(&flipped));
    let moved: Vec<&String> = flipped.iter().filter(|l| !terraform.contains(l)).collect();
    let [line] = moved[..] else {
        panic!("one line differs, not {moved:?}");
    };
    assert!(
        line.starts_with("SEC-06 storage ")
            && line.ends_with("shared keys: Enabled (not hardened)"),
        "{line}"
    );
}

/// The library inventory of `files`, one sorted line per setting, `${...}` (the name suffix,
/// spelled per format) as `{suffix}`.
fn security_lines(files: &BTreeMap<String, String>) -> Vec<String> {
    let suffix = |text: &str| {
        let mut out = String::new();
        let mut rest = text;
        while let Some(start) = rest.find("${") {
            out.push_str(&rest[..start]);
            out.push_str("{suffix}");
            rest = rest[start..].split_once('}').map_or("", |(_, after)| after);
        }
        out + rest
    };
    let mut lines: Vec<String> = mlzone::inventory::read(
        files
            .iter()
            .map(|(path, text)| (path.as_str(), text.as_str())),
    )
    .into_iter()
    .map(|s| {
        format!(
            "{} {}: {}{}",
            s.recommendation,
            suffix(&s.label),
            suffix(&s.value),
            if s.hardened { "" } else { " (not hardened)" }
        )
    })
    .collect();
    lines.sort();
    lines
}

#[test]
fn the_comparison_catches_one_flipped_setting() {
    let roles = Roles::load();
    let temp = tempfile::tempdir().expect("a temporary directory");
    let output = generate(&repo().join("profiles/baseline.yaml"), temp.path());
    let terraform = terraform_inventory(&output.terraform, &roles);
    let bicep = bicep_inventory(&output.bicep, &roles);

    let file = "modules/primary-dependencies.bicep";
    let text = &output.bicep[file];
    let hardened = "allowSharedKeyAccess: false";
    assert_eq!(text.matches(hardened).count(), 1, "{file}: {hardened:?}");
    let mut flipped = output.bicep.clone();
    flipped.insert(
        file.to_owned(),
        text.replace(hardened, "allowSharedKeyAccess: true"),
    );
    let flipped = bicep_inventory(&flipped, &roles);

    let gone: Vec<&String> = bicep.difference(&flipped).collect();
    let added: Vec<&String> = flipped.difference(&bicep).collect();
    let [line] = gone[..] else {
        panic!("one line leaves the inventory, not {gone:?}");
    };
    assert!(
        line.starts_with("storage ") && line.ends_with(": shared_key_access=false"),
        "the line that leaves is the storage shared-key line: {line:?}"
    );
    assert!(
        terraform.contains(line),
        "the Terraform inventory has {line:?}"
    );
    let loosened = line.replace("=false", "=true");
    assert_eq!(added, [&loosened], "only the flipped setting enters it");
    let line = line.clone();
    // Against the Terraform, the flip is exactly one more line on each side.
    let before = sides(&terraform, &bicep);
    let after = sides(&terraform, &flipped);
    let expected_only_terraform: BTreeSet<String> = before.0.into_iter().chain([line]).collect();
    let expected_only_bicep: BTreeSet<String> = before.1.into_iter().chain([loosened]).collect();
    assert_eq!(after.0, expected_only_terraform);
    assert_eq!(after.1, expected_only_bicep);
    assert!(difference(&terraform, &flipped).is_some());
}

#[test]
fn the_comparison_catches_outbound_rules_written_at_the_same_time() {
    let roles = Roles::load();
    let temp = tempfile::tempdir().expect("a temporary directory");
    let output = generate(&repo().join("profiles/baseline.yaml"), temp.path());
    let terraform = terraform_inventory(&output.terraform, &roles);
    let bicep = bicep_inventory(&output.bicep, &roles);
    assert!(difference(&terraform, &bicep).is_none());

    // The second rule stops waiting for the first in the Bicep only.
    let file = "modules/primary-workspace.bicep";
    let text = &output.bicep[file];
    let wait = "  dependsOn: [\n    outboundRule1\n  ]\n";
    assert_eq!(text.matches(wait).count(), 1, "{file}: {wait:?}");
    let mut unordered = output.bicep.clone();
    unordered.insert(file.to_owned(), text.replace(wait, ""));
    let unordered = bicep_inventory(&unordered, &roles);

    let (only_terraform, only_bicep) = sides(&terraform, &unordered);
    let [waits] = only_terraform.iter().collect::<Vec<_>>()[..] else {
        panic!("one line differs, not {only_terraform:?}");
    };
    let [races] = only_bicep.iter().collect::<Vec<_>>()[..] else {
        panic!("one line differs, not {only_bicep:?}");
    };
    assert!(
        waits.starts_with("outbound_rule ")
            && waits.contains("/outboundRules/pypi-files: after=")
            && waits.ends_with("/outboundRules/pypi"),
        "{waits}"
    );
    assert!(
        races.ends_with("/outboundRules/pypi-files: after=none"),
        "{races}"
    );
}

#[test]
fn each_inventory_covers_the_landing_zone() {
    let roles = Roles::load();
    let temp = tempfile::tempdir().expect("a temporary directory");
    // A subscription of its own, so Defender plans are among the kinds.
    let profile = crate::support::extending(
        temp.path(),
        "profiles/baseline.yaml",
        "policy: {scope: subscription, defender_plans: manage}\n",
    );
    let output = generate(&profile, &temp.path().join("out"));
    let terraform = terraform_inventory(&output.terraform, &roles);
    let bicep = bicep_inventory(&output.bicep, &roles);
    // No shipped profile manages Defender plans: this one compares them.
    if let Some(difference) = difference(&terraform, &bicep) {
        panic!("the Bicep and the Terraform differ:\n{difference}");
    }
    for (format, inventory) in [("Terraform", terraform), ("Bicep", bicep)] {
        assert!(
            inventory.len() >= 100,
            "{format}: only {} lines:\n{}",
            inventory.len(),
            lines(&inventory)
        );
        assert!(
            inventory.iter().any(
                |l| l.starts_with("workspace ") && l.ends_with(": public_network_access=false")
            ),
            "{format}: no workspace public-access line:\n{}",
            lines(&inventory)
        );
        let kinds: BTreeSet<&str> = inventory.iter().map(|l| kind_of(l)).collect();
        for kind in BASELINE_KINDS {
            assert!(
                kinds.contains(kind),
                "{format}: no line of kind {kind}:\n{}",
                lines(&inventory)
            );
        }
        assert!(
            !kinds.contains("unhandled"),
            "{format}: resources the extractors do not know:\n{}",
            lines(&inventory)
        );
    }
}

#[test]
fn bicep_and_terraform_exempt_the_zone_for_the_same_waivers() {
    // No shipped profile waives a recommendation a Deny assignment checks: these do, at
    // subscription and at resource-group scope, with every waiver data/policies.yaml maps.
    let roles = Roles::load();
    let temp = tempfile::tempdir().expect("a temporary directory");
    let waivers = "encryption: {customer_managed_key: false}\nnetwork: {internet_outbound: true}\nwaivers:\n  - {id: SEC-03, reason: \"studio from the office\", expires: 2027-03-31}\n  - {id: SEC-04, reason: \"mirror pending\", expires: 2027-03-31}\n  - {id: SEC-07, reason: \"legacy tooling\", expires: 2027-02-28}\n  - {id: SEC-13, reason: \"pilot data only\", expires: 2027-04-30}\n  - {id: COST-09, reason: \"long notebooks\", expires: 2027-01-31}\n  - {id: OPS-05, reason: \"logs go to the hub\", expires: 2027-01-31}\n";
    let mut failures = String::new();
    for scope in ["subscription", "resource_group"] {
        let dir = temp.path().join(scope);
        fs::create_dir_all(&dir).unwrap();
        let profile = crate::support::extending(
            &dir,
            "profiles/baseline.yaml",
            &format!(
                "project: parity\ncompute:\n  instances:\n    - {{name: dev-one, sku: Standard_D4_v5, user_object_id: 11111111-1111-4111-8111-111111111111}}\npolicy: {{scope: {scope}}}\n{waivers}"
            ),
        );
        let output = generate(&profile, &dir.join("out"));
        let terraform = terraform_inventory(&output.terraform, &roles);
        let bicep = bicep_inventory(&output.bicep, &roles);
        // Two regions, five Deny assignments the waivers meet (OPS-05 meets an audit one).
        let exemptions = terraform
            .iter()
            .filter(|l| l.starts_with("policy_exemption ") && l.contains(": category=Waiver"))
            .count();
        assert_eq!(exemptions, 10, "{scope}:\n{}", lines(&terraform));
        for needle in [
            "assignment=mlz-parity-workspace-customer-managed-key",
            "expires_on=2027-04-30T23:59:59Z",
            "description=pilot data only",
        ] {
            assert!(
                terraform
                    .iter()
                    .any(|l| l.starts_with("policy_exemption ") && l.ends_with(needle)),
                "{scope}: no exemption line ending {needle:?}"
            );
        }
        assert!(
            !terraform
                .iter()
                .chain(&bicep)
                .any(|l| l.starts_with("unhandled"))
        );
        if let Some(difference) = difference(&terraform, &bicep) {
            writeln!(failures, "{scope}:\n{difference}").unwrap();
        }
    }
    assert!(
        failures.is_empty(),
        "the Bicep and the Terraform exempt differently:\n{failures}"
    );
}

// ---------------------------------------------------------------------------- test support

/// Kinds the baseline profile has in both formats.
const BASELINE_KINDS: &[&str] = &[
    "delete_protection",
    "resource_group",
    "identity",
    "key_vault",
    "key",
    "storage",
    "registry",
    "log_analytics",
    "app_insights",
    "diagnostic_setting",
    "vnet",
    "subnet",
    "nsg",
    "private_dns_zone",
    "private_endpoint",
    "workspace",
    "outbound_rule",
    "cluster",
    "role_assignment",
    "policy_assignment",
    "policy_definition",
    "defender",
    "budget",
];

/// Kinds some shipped profile has: the baseline's (but Defender plans, which none manages), and
/// those of compute subnets and instances.
const ALL_KINDS: &[&str] = &[
    "delete_protection",
    "resource_group",
    "identity",
    "key_vault",
    "key",
    "storage",
    "registry",
    "log_analytics",
    "app_insights",
    "diagnostic_setting",
    "vnet",
    "subnet",
    "nsg",
    "nsg_rule",
    "service_endpoint_policy",
    "route_table",
    "vnet_peering",
    "private_dns_zone",
    "private_endpoint",
    "workspace",
    "outbound_rule",
    "cluster",
    "instance",
    "role_assignment",
    "policy_assignment",
    "policy_definition",
    "budget",
];

type Inventory = BTreeSet<String>;

/// The first word of an inventory line.
fn kind_of(line: &str) -> &str {
    line.split(' ').next().unwrap_or_default()
}

fn lines(inventory: &Inventory) -> String {
    inventory.iter().map(|l| format!("  {l}\n")).collect()
}

/// (lines only in Terraform, lines only in Bicep).
fn sides(terraform: &Inventory, bicep: &Inventory) -> (Inventory, Inventory) {
    (
        terraform.difference(bicep).cloned().collect(),
        bicep.difference(terraform).cloned().collect(),
    )
}

/// The lines only in one format, or `None` when the inventories are equal.
fn difference(terraform: &Inventory, bicep: &Inventory) -> Option<String> {
    let (only_terraform, only_bicep) = sides(terraform, bicep);
    if only_terraform.is_empty() && only_bicep.is_empty() {
        return None;
    }
    let mut out = String::new();
    writeln!(out, "  only in Terraform ({}):", only_terraform.len()).unwrap();
    for line in &only_terraform {
        writeln!(out, "    {line}").unwrap();
    }
    writeln!(out, "  only in Bicep ({}):", only_bicep.len()).unwrap();
    for line in &only_bicep {
        writeln!(out, "    {line}").unwrap();
    }
    Some(out)
}

/// One generated output: each format's files by path relative to its directory.
struct Output {
    terraform: BTreeMap<String, String>,
    bicep: BTreeMap<String, String>,
}

fn generate(profile: &Path, out: &Path) -> Output {
    generate_into(profile, out, "terraform,bicep");
    let output = Output {
        terraform: texts(&out.join("terraform"), "tf"),
        bicep: texts(&out.join("bicep"), "bicep"),
    };
    assert!(
        !output.terraform.is_empty(),
        "no .tf under {}",
        out.display()
    );
    assert!(
        output.bicep.contains_key("main.bicep"),
        "no main.bicep under {}",
        out.display()
    );
    output
}

/// The files under `dir` whose name ends in `.ext`, by path relative to `dir`.
fn texts(dir: &Path, ext: &str) -> BTreeMap<String, String> {
    files_under(dir)
        .into_iter()
        .filter(|(name, _)| Path::new(name).extension().is_some_and(|e| e == ext))
        .map(|(name, bytes)| (name, String::from_utf8(bytes).expect("a text file")))
        .collect()
}

// -------------------------------------------------------------------------------- the lines

/// Adds the lines of one logical resource.
struct Lines<'a> {
    inventory: &'a mut Inventory,
    kind: &'static str,
    name: String,
}

impl<'a> Lines<'a> {
    /// The resource, with its presence line.
    fn of(inventory: &'a mut Inventory, kind: &'static str, name: impl Into<String>) -> Self {
        let name = name.into();
        inventory.insert(format!("{kind} {name}"));
        Lines {
            inventory,
            kind,
            name,
        }
    }

    fn set(&mut self, setting: &str, value: impl Into<String>) {
        let (kind, name) = (self.kind, &self.name);
        self.inventory
            .insert(format!("{kind} {name}: {setting}={}", value.into()));
    }

    /// The settings of `table` read from `body` as `format` spells them.
    fn table(&mut self, body: &Value, table: &[Setting], format: Format) {
        for (setting, tf_path, tf_norm, bicep_path, bicep_norm) in table {
            let value = match format {
                Format::Terraform => tf_norm(pick(body, tf_path)),
                Format::Bicep => bicep_norm(pick(body, bicep_path)),
            };
            self.set(setting, value);
        }
    }

    /// Settings both formats spell the same way (an ARM body), read under `body`.
    fn arm(&mut self, body: &Value, table: &[ArmSetting]) {
        for (setting, path, norm) in table {
            self.set(setting, norm(pick(body, path)));
        }
    }
}

#[derive(Clone, Copy)]
enum Format {
    Terraform,
    Bicep,
}

/// How one format's value becomes the inventory's.
type Norm = fn(&Value) -> String;

/// (setting, Terraform path, its mapping, Bicep path, its mapping); paths are `/`-separated
/// and `a|b` takes the first of `a` and `b` that is set.
type Setting = (&'static str, &'static str, Norm, &'static str, Norm);

/// (setting, path, mapping) in an ARM body both formats spell alike (azapi and Bicep).
type ArmSetting = (&'static str, &'static str, Norm);

const KEY_VAULT: &[Setting] = &[
    ("sku", "sku_name", lower, "properties/sku/name", lower),
    ("tenant", "tenant_id", tenant, "properties/tenantId", tenant),
    (
        "rbac_authorization",
        "rbac_authorization_enabled",
        absent_false,
        "properties/enableRbacAuthorization",
        absent_false,
    ),
    (
        "soft_delete_days",
        "soft_delete_retention_days",
        plain,
        "properties/softDeleteRetentionInDays",
        plain,
    ),
    (
        "purge_protection",
        "purge_protection_enabled",
        absent_false,
        "properties/enablePurgeProtection",
        absent_false,
    ),
    (
        "public_network_access",
        "public_network_access_enabled",
        enabled,
        "properties/publicNetworkAccess",
        enabled,
    ),
    (
        "default_action",
        "network_acls/default_action",
        plain,
        "properties/networkAcls/defaultAction",
        plain,
    ),
    (
        "bypass",
        "network_acls/bypass",
        joined,
        "properties/networkAcls/bypass",
        joined,
    ),
];

const STORAGE: &[Setting] = &[
    ("kind", "account_kind", plain, "kind", plain),
    ("tier", "account_tier", plain, "sku/name", sku_tier),
    (
        "replication",
        "account_replication_type",
        plain,
        "sku/name",
        sku_replication,
    ),
    (
        "https_only",
        "https_traffic_only_enabled",
        plain,
        "properties/supportsHttpsTrafficOnly",
        plain,
    ),
    (
        "min_tls",
        "min_tls_version",
        plain,
        "properties/minimumTlsVersion",
        plain,
    ),
    (
        "shared_key_access",
        "shared_access_key_enabled",
        plain,
        "properties/allowSharedKeyAccess",
        plain,
    ),
    (
        "oauth_by_default",
        "default_to_oauth_authentication",
        plain,
        "properties/defaultToOAuthAuthentication",
        plain,
    ),
    (
        "public_network_access",
        "public_network_access_enabled",
        enabled,
        "properties/publicNetworkAccess",
        enabled,
    ),
    (
        "blob_public_access",
        "allow_nested_items_to_be_public",
        plain,
        "properties/allowBlobPublicAccess",
        plain,
    ),
    (
        "cross_tenant_replication",
        "cross_tenant_replication_enabled",
        plain,
        "properties/allowCrossTenantReplication",
        plain,
    ),
    (
        "default_action",
        "network_rules/default_action",
        plain,
        "properties/networkAcls/defaultAction",
        plain,
    ),
    (
        "bypass",
        "network_rules/bypass",
        joined,
        "properties/networkAcls/bypass",
        joined,
    ),
    (
        "infrastructure_encryption",
        "infrastructure_encryption_enabled",
        absent_false,
        "properties/encryption/requireInfrastructureEncryption",
        absent_false,
    ),
    (
        "identity",
        "identity",
        tf_identity,
        "identity",
        bicep_identity,
    ),
];

const REGISTRY: &[Setting] = &[
    ("sku", "sku", plain, "sku/name", plain),
    (
        "admin_user",
        "admin_enabled",
        absent_false,
        "properties/adminUserEnabled",
        absent_false,
    ),
    (
        "anonymous_pull",
        "anonymous_pull_enabled",
        absent_false,
        "properties/anonymousPullEnabled",
        absent_false,
    ),
    (
        "public_network_access",
        "public_network_access_enabled",
        enabled,
        "properties/publicNetworkAccess",
        enabled,
    ),
    (
        "zone_redundancy",
        "zone_redundancy_enabled",
        enabled,
        "properties/zoneRedundancy",
        enabled,
    ),
    (
        "bypass",
        "network_rule_bypass_option",
        plain,
        "properties/networkRuleBypassOptions",
        plain,
    ),
    (
        "data_endpoint",
        "data_endpoint_enabled",
        absent_false,
        "properties/dataEndpointEnabled",
        absent_false,
    ),
    (
        "identity",
        "identity",
        tf_identity,
        "identity",
        bicep_identity,
    ),
];

const LOG_ANALYTICS: &[Setting] = &[
    ("sku", "sku", plain, "properties/sku/name", plain),
    (
        "retention_days",
        "retention_in_days",
        plain,
        "properties/retentionInDays",
        plain,
    ),
    (
        "local_auth",
        "local_authentication_enabled",
        plain,
        "properties/features/disableLocalAuth",
        negated,
    ),
    (
        "public_ingestion",
        "internet_ingestion_access_type",
        enabled,
        "properties/publicNetworkAccessForIngestion",
        enabled,
    ),
    (
        "public_query",
        "internet_query_access_type",
        enabled,
        "properties/publicNetworkAccessForQuery",
        enabled,
    ),
];

const MONITOR_SCOPE: &[Setting] = &[
    (
        "ingestion_access_mode",
        "ingestion_access_mode",
        plain,
        "properties/accessModeSettings/ingestionAccessMode",
        plain,
    ),
    (
        "query_access_mode",
        "query_access_mode",
        plain,
        "properties/accessModeSettings/queryAccessMode",
        plain,
    ),
];

const APP_INSIGHTS: &[Setting] = &[
    (
        "type",
        "application_type",
        plain,
        "properties/Application_Type",
        plain,
    ),
    (
        "log_analytics",
        "workspace_id",
        plain,
        "properties/WorkspaceResourceId",
        plain,
    ),
    (
        "local_auth",
        "local_authentication_enabled",
        plain,
        "properties/DisableLocalAuth",
        negated,
    ),
    (
        "public_ingestion",
        "internet_ingestion_enabled",
        enabled,
        "properties/publicNetworkAccessForIngestion",
        enabled,
    ),
    (
        "public_query",
        "internet_query_enabled",
        enabled,
        "properties/publicNetworkAccessForQuery",
        enabled,
    ),
];

const VNET: &[Setting] = &[
    (
        "address_space",
        "address_space",
        joined,
        "properties/addressSpace/addressPrefixes",
        joined,
    ),
    (
        "dns_servers",
        "dns_servers",
        joined,
        "properties/dhcpOptions/dnsServers",
        joined,
    ),
];

/// A subnet: in Terraform its own resource, in Bicep an item of the network's `subnets`.
const SUBNET: &[Setting] = &[
    (
        "prefix",
        "address_prefixes",
        joined,
        "properties/addressPrefix|properties/addressPrefixes",
        joined,
    ),
    (
        "default_outbound_access",
        "default_outbound_access_enabled",
        plain,
        "properties/defaultOutboundAccess",
        plain,
    ),
    (
        "private_endpoint_network_policies",
        "private_endpoint_network_policies",
        plain,
        "properties/privateEndpointNetworkPolicies",
        plain,
    ),
    (
        "service_endpoints",
        "service_endpoints|service_endpoint",
        joined,
        "properties/serviceEndpoints",
        joined,
    ),
    (
        "service_endpoint_policies",
        "service_endpoint_policy_ids",
        joined,
        "properties/serviceEndpointPolicies",
        joined,
    ),
];

/// A security rule: in Terraform its own resource (or a `security_rule` block), in Bicep an
/// item of the group's `securityRules`.
const NSG_RULE: &[Setting] = &[
    ("priority", "priority", plain, "properties/priority", plain),
    (
        "direction",
        "direction",
        plain,
        "properties/direction",
        plain,
    ),
    ("access", "access", plain, "properties/access", plain),
    ("protocol", "protocol", plain, "properties/protocol", plain),
    (
        "source_ports",
        "source_port_range|source_port_ranges",
        joined,
        "properties/sourcePortRange|properties/sourcePortRanges",
        joined,
    ),
    (
        "destination_ports",
        "destination_port_range|destination_port_ranges",
        joined,
        "properties/destinationPortRange|properties/destinationPortRanges",
        joined,
    ),
    (
        "source",
        "source_address_prefix|source_address_prefixes",
        joined,
        "properties/sourceAddressPrefix|properties/sourceAddressPrefixes",
        joined,
    ),
    (
        "destination",
        "destination_address_prefix|destination_address_prefixes",
        joined,
        "properties/destinationAddressPrefix|properties/destinationAddressPrefixes",
        joined,
    ),
];

const WORKSPACE: &[Setting] = &[
    ("sku", "sku_name", plain, "sku/name", plain),
    (
        "public_network_access",
        "public_network_access_enabled",
        enabled,
        "properties/publicNetworkAccess",
        enabled,
    ),
    (
        "datastore_auth",
        "storage_account_access_type",
        lower,
        "properties/systemDatastoresAuthMode",
        lower,
    ),
    (
        "v1_legacy_mode",
        "v1_legacy_mode_enabled",
        absent_false,
        "properties/v1LegacyMode",
        absent_false,
    ),
    (
        "high_business_impact",
        "high_business_impact",
        absent_false,
        "properties/hbiWorkspace",
        absent_false,
    ),
    (
        "identity",
        "identity",
        tf_identity,
        "identity",
        bicep_identity,
    ),
    (
        "primary_identity",
        "primary_user_assigned_identity",
        plain,
        "properties/primaryUserAssignedIdentity",
        plain,
    ),
    (
        "key_vault",
        "key_vault_id",
        plain,
        "properties/keyVault",
        plain,
    ),
    (
        "storage",
        "storage_account_id",
        plain,
        "properties/storageAccount",
        plain,
    ),
    (
        "registry",
        "container_registry_id",
        plain,
        "properties/containerRegistry",
        plain,
    ),
    (
        "app_insights",
        "application_insights_id",
        plain,
        "properties/applicationInsights",
        plain,
    ),
    (
        "image_build_compute",
        "image_build_compute_name",
        plain,
        "properties/imageBuildCompute",
        plain,
    ),
];

/// A compute cluster: azurerm's resource in Terraform, an `AmlCompute` in Bicep.
const CLUSTER: &[Setting] = &[
    ("location", "location", plain, "location", plain),
    (
        "identity",
        "identity",
        tf_identity,
        "identity",
        bicep_identity,
    ),
    (
        "size",
        "vm_size",
        plain,
        "properties/properties/vmSize",
        plain,
    ),
    (
        "priority",
        "vm_priority",
        plain,
        "properties/properties/vmPriority",
        plain,
    ),
    (
        "min_nodes",
        "scale_settings/min_node_count",
        plain,
        "properties/properties/scaleSettings/minNodeCount",
        plain,
    ),
    (
        "max_nodes",
        "scale_settings/max_node_count",
        plain,
        "properties/properties/scaleSettings/maxNodeCount",
        plain,
    ),
    (
        "idle_scale_down",
        "scale_settings/scale_down_nodes_after_idle_duration",
        plain,
        "properties/properties/scaleSettings/nodeIdleTimeBeforeScaleDown",
        plain,
    ),
    (
        "local_auth",
        "local_auth_enabled",
        plain,
        "properties/disableLocalAuth",
        negated,
    ),
    (
        "node_public_ip",
        "node_public_ip_enabled",
        plain,
        "properties/properties/enableNodePublicIp",
        plain,
    ),
    (
        "ssh_public_access",
        "ssh_public_access_enabled",
        plain,
        "properties/properties/remoteLoginPortPublicAccess",
        enabled,
    ),
    (
        "subnet",
        "subnet_resource_id",
        plain,
        "properties/properties/subnet/id",
        plain,
    ),
];

/// A compute instance, under `properties` of the ARM body (azapi in Terraform).
const INSTANCE: &[ArmSetting] = &[
    ("size", "properties/vmSize", plain),
    ("local_auth", "disableLocalAuth", negated),
    ("node_public_ip", "properties/enableNodePublicIp", plain),
    (
        "ssh_public_access",
        "properties/sshSettings/sshPublicAccess",
        enabled,
    ),
    ("idle_shutdown", "properties/idleTimeBeforeShutdown", plain),
    ("subnet", "properties/subnet/id", plain),
    ("root_access", "properties/enableRootAccess", plain),
    ("sso", "properties/enableSSO", plain),
    (
        "authorization",
        "properties/computeInstanceAuthorizationType",
        plain,
    ),
    (
        "assigned_user",
        "properties/personalComputeInstanceSettings/assignedUser/objectId",
        plain,
    ),
    (
        "assigned_user_tenant",
        "properties/personalComputeInstanceSettings/assignedUser/tenantId",
        tenant,
    ),
    ("schedules", "properties/schedules/computeStartStop", count),
];

/// A key vault key, under `properties` of the ARM body (azapi in Terraform).
const KEY: &[ArmSetting] = &[
    ("type", "kty", plain),
    ("size", "keySize", plain),
    ("curve", "curveName", plain),
    ("operations", "keyOps", joined),
    ("expiry", "rotationPolicy/attributes/expiryTime", plain),
];

const POLICY_DEFINITION: &[Setting] = &[
    ("type", "policy_type", plain, "properties/policyType", plain),
    ("mode", "mode", plain, "properties/mode", plain),
    (
        "display_name",
        "display_name",
        plain,
        "properties/displayName",
        plain,
    ),
    ("rule", "policy_rule", plain, "properties/policyRule", plain),
    (
        "parameters",
        "parameters",
        plain,
        "properties/parameters",
        plain,
    ),
];

// ---------------------------------------------------------------------------- normalizing

/// A value as it is: text, number, `true`/`false`, JSON with sorted keys, or `<unset>`.
/// The zone's side of a peering with the hub.
const PEERING: &[Setting] = &[
    (
        "remote",
        "remote_virtual_network_id",
        deploy_time_or,
        "properties/remoteVirtualNetwork/id",
        deploy_time_or,
    ),
    (
        "virtual_network_access",
        "allow_virtual_network_access",
        plain,
        "properties/allowVirtualNetworkAccess",
        plain,
    ),
    (
        "forwarded_traffic",
        "allow_forwarded_traffic",
        plain,
        "properties/allowForwardedTraffic",
        plain,
    ),
    (
        "remote_gateways",
        "use_remote_gateways",
        plain,
        "properties/useRemoteGateways",
        plain,
    ),
];

/// A route: prefix, next hop type, next hop (a deploy-time input reads the same in both).
fn route(prefix: &Value, hop: &Value, address: &Value) -> String {
    format!("{} {} {}", text(prefix), text(hop), deploy_time_or(address))
}

fn plain(v: &Value) -> String {
    match v {
        Value::Null => "<unset>".to_owned(),
        Value::String(s) => s.clone(),
        Value::Bool(_) | Value::Number(_) => v.to_string(),
        Value::Array(_) | Value::Object(_) => sorted_keys(v).to_string(),
    }
}

fn sorted_keys(v: &Value) -> Value {
    match v {
        Value::Object(map) => {
            let sorted: BTreeMap<&String, Value> =
                map.iter().map(|(k, v)| (k, sorted_keys(v))).collect();
            Value::Object(
                sorted
                    .into_iter()
                    .map(|(k, v)| (k.clone(), v))
                    .collect::<Map<_, _>>(),
            )
        }
        Value::Array(items) => Value::Array(items.iter().map(sorted_keys).collect()),
        other => other.clone(),
    }
}

/// Bicep's `'Enabled'`/`'Disabled'` as Terraform's `true`/`false`.
fn enabled(v: &Value) -> String {
    match v {
        Value::String(s) if s.eq_ignore_ascii_case("enabled") => "true".to_owned(),
        Value::String(s) if s.eq_ignore_ascii_case("disabled") => "false".to_owned(),
        other => plain(other),
    }
}

/// A `disable…` flag as the `…_enabled` it negates.
fn negated(v: &Value) -> String {
    match v {
        Value::Bool(b) => (!b).to_string(),
        other => plain(other),
    }
}

/// A flag whose absence means off in the API (Bicep leaves `enablePurgeProtection` out).
fn absent_false(v: &Value) -> String {
    match v {
        Value::Null => "false".to_owned(),
        other => plain(other),
    }
}

/// `identity`/`accessKey` (Terraform) and `'Identity'`/`'AccessKey'` (Bicep).
fn lower(v: &Value) -> String {
    plain(v).to_lowercase()
}

/// Terraform's `var.tenant_id` and Bicep's `tenant().tenantId` both name the deploying tenant.
fn tenant(v: &Value) -> String {
    match v.as_str() {
        Some("var.tenant_id" | "tenant()") => "the deploying tenant".to_owned(),
        _ => plain(v),
    }
}

/// Bicep's storage SKU `'Standard_RAGZRS'`: the tier Terraform names `account_tier`...
fn sku_tier(v: &Value) -> String {
    match v.as_str().and_then(|s| s.split_once('_')) {
        Some((tier, _)) => tier.to_owned(),
        None => plain(v),
    }
}

/// ...and the replication it names `account_replication_type`.
fn sku_replication(v: &Value) -> String {
    match v.as_str().and_then(|s| s.split_once('_')) {
        Some((_, replication)) => replication.to_owned(),
        None => plain(v),
    }
}

/// A list, in order of text: Terraform's `["AzureServices"]`, Bicep's `'AzureServices'` or
/// `'Logging, Metrics'`, `[{ id: x }]` or `[{ service: x }]` items by that field.
fn joined(v: &Value) -> String {
    let mut items: Vec<String> = match v {
        Value::Null => return plain(v),
        Value::Array(items) => items.iter().map(item_text).collect(),
        Value::String(s) => s.split(',').map(|p| p.trim().to_owned()).collect(),
        other => vec![item_text(other)],
    };
    items.sort();
    items.join(",")
}

fn item_text(v: &Value) -> String {
    match v {
        Value::Object(map) if map.len() == 1 => {
            let (key, inner) = map.iter().next().expect("one entry");
            if ["id", "service", "value"].contains(&key.as_str()) {
                plain(inner)
            } else {
                plain(v)
            }
        }
        other => plain(other),
    }
}

/// How many items a list has (none when absent).
fn count(v: &Value) -> String {
    v.as_array().map_or(0, Vec::len).to_string()
}

/// Terraform's `identity { type, identity_ids }`.
fn tf_identity(v: &Value) -> String {
    let ids = joined(at(v, "identity_ids"));
    format!("{} {ids}", plain(at(v, "type")))
}

/// Bicep's `identity: { type, userAssignedIdentities: { '${id}': {} } }`.
fn bicep_identity(v: &Value) -> String {
    let mut ids: Vec<&String> = at(v, "userAssignedIdentities")
        .as_object()
        .map(|m| m.keys().collect())
        .unwrap_or_default();
    ids.sort();
    let ids: Vec<&str> = ids.iter().map(|s| s.as_str()).collect();
    let ids = if ids.is_empty() {
        "<unset>".to_owned()
    } else {
        ids.join(",")
    };
    format!("{} {ids}", plain(at(v, "type")))
}

/// An ARM ID of a private DNS zone (a zone another team owns) as `group/zone`, the name this
/// inventory gives zones it declares; any other text as it is.
fn zone(id: &str) -> String {
    let parts: Vec<&str> = id.split('/').collect();
    let after = |word: &str| {
        parts
            .iter()
            .position(|p| p.eq_ignore_ascii_case(word))
            .and_then(|i| parts.get(i + 1))
    };
    match (after("resourceGroups"), after("privateDnsZones")) {
        (Some(group), Some(zone)) => format!("{group}/{zone}"),
        _ => id.to_owned(),
    }
}

/// `/subscriptions/...` with no resource group under it is the subscription.
fn scope(v: &str) -> String {
    if v.starts_with("/subscriptions/") && !v.contains("/resourceGroups/") {
        "subscription".to_owned()
    } else {
        v.to_owned()
    }
}

/// Terraform's `enforce` and Bicep's `enforcementMode`.
fn enforcement(v: &Value) -> String {
    match v {
        Value::Bool(true) => "Default".to_owned(),
        Value::Bool(false) => "DoNotEnforce".to_owned(),
        other => plain(other),
    }
}

/// A retention: its days when on, `off` when not.
fn retention(on: bool, days: &Value) -> String {
    if on { plain(days) } else { "off".to_owned() }
}

/// Built-in role names and their definition GUIDs, from `data/roles.yaml`.
struct Roles {
    by_id: BTreeMap<String, String>,
}

impl Roles {
    fn load() -> Self {
        let path = repo().join("data/roles.yaml");
        let text = fs::read_to_string(&path).expect("data/roles.yaml reads");
        let docs = Yaml::load_from_str(&text).expect("data/roles.yaml is YAML");
        let mut by_id = BTreeMap::new();
        if let Some(roles) = docs
            .first()
            .and_then(|d| d.as_mapping_get("roles"))
            .and_then(Yaml::as_mapping)
        {
            for (name, id) in roles {
                if let (Some(name), Some(id)) = (name.as_str(), id.as_str()) {
                    by_id.insert(id.to_lowercase(), name.to_owned());
                }
            }
        }
        Roles { by_id }
    }

    /// A role as its name: Terraform names it, Bicep gives its definition GUID (or an ID
    /// ending in one). A GUID `data/roles.yaml` does not know stays visible as such.
    fn name(&self, role: &str) -> String {
        let id = role.rsplit('/').next().unwrap_or(role).to_lowercase();
        if let Some(name) = self.by_id.get(&id) {
            return name.clone();
        }
        if role.is_empty() {
            "<empty role definition id>".to_owned()
        } else if is_guid(&id) {
            format!("<role definition {id} not in data/roles.yaml>")
        } else {
            role.to_owned()
        }
    }
}

fn is_guid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.iter().map(|g| g.len()).eq([8, 4, 4, 4, 12])
        && groups
            .iter()
            .all(|g| g.chars().all(|c| c.is_ascii_hexdigit()))
}

// ---------------------------------------------------------------------------------- values

static NULL: Value = Value::Null;

/// `path` (`/`-separated) in `v`; a Terraform block, an array of one body, is stepped into.
fn at<'v>(v: &'v Value, path: &str) -> &'v Value {
    let mut current = v;
    for key in path.split('/').filter(|k| !k.is_empty()) {
        let index = key.parse::<usize>().ok();
        if let (Value::Array(items), None) = (current, index)
            && items.len() == 1
        {
            current = &items[0];
        }
        current = match (current, index) {
            (Value::Object(map), _) => map.get(key).unwrap_or(&NULL),
            (Value::Array(items), Some(i)) => items.get(i).unwrap_or(&NULL),
            _ => &NULL,
        };
    }
    current
}

/// The first of `a|b|...` that is set.
fn pick<'v>(v: &'v Value, paths: &str) -> &'v Value {
    paths
        .split('|')
        .map(|p| at(v, p))
        .find(|found| !found.is_null())
        .unwrap_or(&NULL)
}

/// A list, or the items of a list of blocks; empty when absent.
fn items(v: &Value) -> &[Value] {
    v.as_array().map_or(&[], Vec::as_slice)
}

fn text(v: &Value) -> String {
    plain(v)
}

/// The last segment of a resource type, without its API version.
fn last_segment(ty: &str) -> &str {
    ty.split('@')
        .next()
        .unwrap_or(ty)
        .rsplit('/')
        .next()
        .unwrap_or(ty)
}

// ---------------------------------------------------------------- shared by both formats

/// The CMK lines: the key (or `off`), and the identity that uses it.
fn cmk(lines: &mut Lines<'_>, key: Option<(&Value, &Value)>) {
    match key {
        Some((key, identity)) => {
            lines.set("cmk", text(key));
            lines.set("cmk_identity", text(identity));
        }
        None => lines.set("cmk", "off"),
    }
}

/// A key: same ARM body in azapi and Bicep.
fn key_lines(inventory: &mut Inventory, name: &str, properties: &Value) {
    let mut lines = Lines::of(inventory, "key", name);
    lines.arm(properties, KEY);
    for action in items(at(properties, "rotationPolicy/lifetimeActions")) {
        let trigger = at(action, "trigger")
            .as_object()
            .map(|m| {
                m.iter()
                    .map(|(k, v)| format!("{k} {}", text(v)))
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default();
        lines.set(
            &format!("lifetime_action.{}", text(at(action, "action/type"))),
            trigger,
        );
    }
}

/// A compute instance: same ARM body in azapi and Bicep.
fn instance_lines(
    inventory: &mut Inventory,
    name: &str,
    location: &Value,
    identity: String,
    properties: &Value,
) {
    let mut lines = Lines::of(inventory, "instance", name);
    lines.set("location", text(location));
    lines.set("identity", identity);
    lines.arm(properties, INSTANCE);
    for schedule in items(at(properties, "properties/schedules/computeStartStop")) {
        lines.set(
            &format!("schedule.{}", text(at(schedule, "action"))),
            format!(
                "{} {} {} ({})",
                text(at(schedule, "status")),
                text(at(schedule, "triggerType")),
                text(at(schedule, "cron/expression")),
                text(at(schedule, "cron/timeZone")),
            ),
        );
    }
}

/// The managed network of a workspace: same ARM body in azapi and Bicep.
fn managed_network_lines(lines: &mut Lines<'_>, network: &Value) {
    lines.set("isolation_mode", text(at(network, "isolationMode")));
    let firewall = at(network, "firewallSku");
    if !firewall.is_null() {
        lines.set("firewall_sku", text(firewall));
    }
    if let Some(rules) = at(network, "outboundRules").as_object() {
        for (rule, body) in rules {
            lines.set(
                &format!("outbound_rule.{rule}"),
                format!(
                    "{} {} {}",
                    text(at(body, "type")),
                    text(at(body, "category")),
                    text(at(body, "destination"))
                ),
            );
        }
    }
}

/// An approved outbound rule of a workspace's managed network, a resource of its own: same ARM
/// body in azapi and Bicep, and the rule it waits for among what it depends on (Terraform
/// `depends_on`, Bicep `dependsOn`), so that a format that stops writing them one at a time
/// differs.
fn outbound_rule_lines(inventory: &mut Inventory, name: &str, body: &Value, depends_on: &Value) {
    let mut lines = Lines::of(inventory, "outbound_rule", name);
    let properties = at(body, "properties");
    lines.set("type", text(at(properties, "type")));
    lines.set("category", text(at(properties, "category")));
    lines.set("destination", text(at(properties, "destination")));
    let after: Vec<String> = items(depends_on)
        .iter()
        .map(text)
        .filter(|d| d.contains("/outboundRules/"))
        .collect();
    lines.set(
        "after",
        if after.is_empty() {
            "none".to_owned()
        } else {
            sorted(after)
        },
    );
}

fn role_line(
    inventory: &mut Inventory,
    scope: &str,
    role: String,
    principal: &Value,
    principal_type: &Value,
) {
    Lines::of(inventory, "role_assignment", scope).set(
        "role",
        format!(
            "{role} principal={} type={}",
            deploy_time_input(principal).unwrap_or_else(|| text(principal)),
            text(principal_type)
        ),
    );
}

fn placed(lines: &mut Lines<'_>, group: String, location: &Value) {
    lines.set("group", group);
    lines.set("location", text(location));
}

/// `logs=` and `metrics=` of a diagnostic setting: the enabled categories and groups.
fn categories(entries: &[Value]) -> String {
    let mut names: Vec<String> = entries
        .iter()
        .filter(|e| at(e, "enabled") != &Value::Bool(false))
        .map(|e| text(pick(e, "categoryGroup|category_group|category")))
        .collect();
    names.sort();
    if names.is_empty() {
        "<none>".to_owned()
    } else {
        names.join(",")
    }
}

/// A budget's filter on one dimension: the same keys in azurerm and ARM.
fn budget_filter(lines: &mut Lines<'_>, dimension: &Value) {
    lines.set(
        &format!("filter.{}", text(at(dimension, "name"))),
        format!(
            "{} {}",
            text(at(dimension, "operator")),
            joined(at(dimension, "values"))
        ),
    );
}

fn budget_threshold(lines: &mut Lines<'_>, notification: &Value, format: Format) {
    let (operator, emails, kind) = match format {
        Format::Terraform => ("operator", "contact_emails", "threshold_type"),
        Format::Bicep => ("operator", "contactEmails", "thresholdType"),
    };
    let kind = match at(notification, kind) {
        Value::Null => "Actual".to_owned(),
        other => text(other),
    };
    lines.set(
        &format!("threshold.{}", text(at(notification, "threshold"))),
        format!(
            "{kind} {} enabled={} emails={}",
            text(at(notification, operator)),
            text(at(notification, "enabled")),
            deploy_time_or(at(notification, emails))
        ),
    );
}

/// The name of a deploy-time input, as both formats spell it: `var.cosmos_db_principal_object_id`
/// in Terraform, `<cosmosDbPrincipalObjectId>` (a Bicep parameter) become
/// `input cosmos_db_principal_object_id`.
fn deploy_time_input(v: &Value) -> Option<String> {
    let Value::String(s) = v else { return None };
    if let Some(name) = s.strip_prefix("var.") {
        return Some(format!("input {name}"));
    }
    let camel = s.strip_prefix('<')?.strip_suffix('>')?;
    let mut snake = String::new();
    for c in camel.chars() {
        if c.is_ascii_uppercase() {
            snake.push('_');
        }
        snake.push(c.to_ascii_lowercase());
    }
    Some(format!("input {snake}"))
}

/// A value the deployer gives at deploy time (a Terraform variable or a Bicep parameter) reads
/// the same in both formats; a literal list is joined.
fn deploy_time_or(v: &Value) -> String {
    match v {
        Value::String(s) if s.starts_with("var.") || s.starts_with('<') => {
            "<deploy-time input>".to_owned()
        }
        other => joined(other),
    }
}

fn policy_parameters(lines: &mut Lines<'_>, parameters: &Value) {
    if let Some(parameters) = parameters.as_object() {
        for (name, value) in parameters {
            lines.set(&format!("parameter.{name}"), text(at(value, "value")));
        }
    }
}

// ------------------------------------------------------------------------------- Terraform

/// The Terraform output's inventory.
fn terraform_inventory(files: &BTreeMap<String, String>, roles: &Roles) -> Inventory {
    let bodies: Vec<(String, Body)> = files
        .iter()
        .map(|(name, text)| {
            let body = hcl::parse(text).unwrap_or_else(|e| panic!("{name} does not parse: {e}"));
            (name.clone(), body)
        })
        .collect();
    let tf = Tf::new(&bodies);
    let mut inventory = Inventory::new();
    for (ty, address, block) in &tf.resources {
        let body = tf.body(block.body());
        let name = tf.name(address);
        terraform_resource(&mut inventory, roles, ty, &name, &body);
        // Production's destroy protection of the resources that hold data: `prevent_destroy`
        // here, a delete lock in the Bicep. (The workspace has `prevent_destroy` but no lock: a
        // lock would hold its outbound rules and computes too.)
        let guarded = matches!(ty.as_str(), "azurerm_key_vault" | "azurerm_storage_account");
        if guarded && at(&body, "lifecycle/prevent_destroy") == &Value::Bool(true) {
            Lines::of(&mut inventory, "delete_protection", name).set("level", "CanNotDelete");
        }
    }
    for (name, block) in &tf.others {
        inventory.insert(format!("unhandled terraform {} {name}", block.identifier()));
    }
    inventory
}

fn terraform_resource(
    inventory: &mut Inventory,
    roles: &Roles,
    ty: &str,
    name: &str,
    body: &Value,
) {
    let group = || text(at(body, "resource_group_name"));
    let location = at(body, "location");
    match ty {
        "azurerm_resource_group" => {
            Lines::of(inventory, "resource_group", name).set("location", text(location));
        }
        "azurerm_user_assigned_identity" => {
            placed(
                &mut Lines::of(inventory, "identity", name),
                group(),
                location,
            );
        }
        "azurerm_key_vault" => {
            let mut lines = Lines::of(inventory, "key_vault", name);
            placed(&mut lines, group(), location);
            lines.table(body, KEY_VAULT, Format::Terraform);
        }
        "azurerm_storage_account" => {
            let mut lines = Lines::of(inventory, "storage", name);
            placed(&mut lines, group(), location);
            lines.table(body, STORAGE, Format::Terraform);
            let key = at(body, "customer_managed_key");
            cmk(
                &mut lines,
                (!key.is_null()).then(|| {
                    (
                        at(key, "key_vault_key_id"),
                        at(key, "user_assigned_identity_id"),
                    )
                }),
            );
            let blob = at(body, "blob_properties");
            if !blob.is_null() {
                for (setting, block) in [
                    ("blob_soft_delete_days", "delete_retention_policy"),
                    (
                        "container_soft_delete_days",
                        "container_delete_retention_policy",
                    ),
                ] {
                    let policy = at(blob, block);
                    lines.set(setting, retention(!policy.is_null(), at(policy, "days")));
                }
            }
        }
        "azurerm_container_registry" => {
            let mut lines = Lines::of(inventory, "registry", name);
            placed(&mut lines, group(), location);
            lines.table(body, REGISTRY, Format::Terraform);
            let days = at(body, "retention_policy_in_days");
            lines.set("untagged_retention_days", retention(!days.is_null(), days));
            let key = at(body, "encryption");
            cmk(
                &mut lines,
                (!key.is_null())
                    .then(|| (at(key, "key_vault_key_id"), at(key, "identity_client_id"))),
            );
            for replica in items(at(body, "georeplications")) {
                lines.set(
                    &format!("replica.{}", text(at(replica, "location"))),
                    format!(
                        "zone_redundancy={}",
                        absent_false(at(replica, "zone_redundancy_enabled"))
                    ),
                );
            }
        }
        "azurerm_log_analytics_workspace" => {
            let mut lines = Lines::of(inventory, "log_analytics", name);
            placed(&mut lines, group(), location);
            lines.table(body, LOG_ANALYTICS, Format::Terraform);
        }
        "azurerm_application_insights" => {
            let mut lines = Lines::of(inventory, "app_insights", name);
            placed(&mut lines, group(), location);
            lines.table(body, APP_INSIGHTS, Format::Terraform);
        }
        "azurerm_monitor_private_link_scope" => {
            let mut lines = Lines::of(inventory, "monitor_scope", name);
            lines.set("group", group());
            lines.table(body, MONITOR_SCOPE, Format::Terraform);
        }
        "azurerm_monitor_private_link_scoped_service" => {
            Lines::of(inventory, "monitor_scope", text(at(body, "scope_name"))).set(
                &format!("scoped.{}", text(at(body, "name"))),
                text(at(body, "linked_resource_id")),
            );
        }
        "azurerm_monitor_diagnostic_setting" => {
            let target = text(at(body, "target_resource_id"));
            let mut lines = Lines::of(
                inventory,
                "diagnostic_setting",
                format!("{target}/{}", text(at(body, "name"))),
            );
            lines.set(
                "log_analytics",
                text(at(body, "log_analytics_workspace_id")),
            );
            lines.set("logs", categories(items(at(body, "enabled_log"))));
            let metrics: Vec<Value> = items(at(body, "enabled_metric"))
                .iter()
                .chain(items(at(body, "metric")))
                .cloned()
                .collect();
            lines.set("metrics", categories(&metrics));
        }
        "azurerm_virtual_network" => {
            let mut lines = Lines::of(inventory, "vnet", name);
            placed(&mut lines, group(), location);
            lines.table(body, VNET, Format::Terraform);
        }
        "azurerm_subnet" => {
            Lines::of(inventory, "subnet", name).table(body, SUBNET, Format::Terraform);
        }
        "azurerm_subnet_network_security_group_association" => {
            Lines::of(inventory, "subnet", text(at(body, "subnet_id")))
                .set("nsg", text(at(body, "network_security_group_id")));
        }
        "azurerm_network_security_group" => {
            let mut lines = Lines::of(inventory, "nsg", name);
            placed(&mut lines, group(), location);
            for rule in items(at(body, "security_rule")) {
                let rule_name = format!("{name}/{}", text(at(rule, "name")));
                Lines::of(inventory, "nsg_rule", rule_name).table(
                    rule,
                    NSG_RULE,
                    Format::Terraform,
                );
            }
        }
        "azurerm_network_security_rule" => {
            let nsg = text(at(body, "network_security_group_name"));
            Lines::of(inventory, "nsg_rule", format!("{nsg}/{name}")).table(
                body,
                NSG_RULE,
                Format::Terraform,
            );
        }
        "azurerm_route_table" => {
            let mut lines = Lines::of(inventory, "route_table", name);
            placed(&mut lines, group(), location);
            lines.set(
                "bgp_route_propagation",
                plain(at(body, "bgp_route_propagation_enabled")),
            );
        }
        "azurerm_route" => {
            Lines::of(inventory, "route_table", text(at(body, "route_table_name"))).set(
                &format!("route.{name}"),
                route(
                    at(body, "address_prefix"),
                    at(body, "next_hop_type"),
                    at(body, "next_hop_in_ip_address"),
                ),
            );
        }
        "azurerm_subnet_route_table_association" => {
            Lines::of(inventory, "subnet", text(at(body, "subnet_id")))
                .set("route_table", text(at(body, "route_table_id")));
        }
        "azurerm_public_ip" => {
            let mut lines = Lines::of(inventory, "public_ip", name);
            placed(&mut lines, group(), location);
            lines.set("sku", text(at(body, "sku")));
            lines.set("allocation", text(at(body, "allocation_method")));
        }
        "azurerm_nat_gateway" => {
            let mut lines = Lines::of(inventory, "nat_gateway", name);
            placed(&mut lines, group(), location);
            lines.set("sku", text(at(body, "sku_name")));
        }
        "azurerm_nat_gateway_public_ip_association" => {
            Lines::of(inventory, "nat_gateway", text(at(body, "nat_gateway_id")))
                .set("public_ips", text(at(body, "public_ip_address_id")));
        }
        "azurerm_subnet_nat_gateway_association" => {
            Lines::of(inventory, "subnet", text(at(body, "subnet_id")))
                .set("nat_gateway", text(at(body, "nat_gateway_id")));
        }
        "azurerm_virtual_network_peering" => {
            let peering = format!(
                "{}/virtualNetworkPeerings/{name}",
                text(at(body, "virtual_network_name"))
            );
            Lines::of(inventory, "vnet_peering", peering).table(body, PEERING, Format::Terraform);
        }
        "azurerm_subnet_service_endpoint_storage_policy" => {
            let mut lines = Lines::of(inventory, "service_endpoint_policy", name);
            placed(&mut lines, group(), location);
            for definition in items(at(body, "definition")) {
                lines.set(
                    &format!("definition.{}", text(at(definition, "name"))),
                    format!(
                        "{} {}",
                        text(at(definition, "service")),
                        joined(at(definition, "service_resources"))
                    ),
                );
            }
        }
        "azurerm_private_dns_zone" => {
            Lines::of(inventory, "private_dns_zone", name);
        }
        "azurerm_private_dns_zone_virtual_network_link" => {
            Lines::of(
                inventory,
                "private_dns_zone",
                text(at(body, "private_dns_zone_id")),
            )
            .set(
                &format!("link.{}", text(at(body, "name"))),
                format!(
                    "{} registration={}",
                    text(at(body, "virtual_network_id")),
                    absent_false(at(body, "registration_enabled"))
                ),
            );
        }
        "azurerm_private_endpoint" => {
            let mut lines = Lines::of(inventory, "private_endpoint", name);
            placed(&mut lines, group(), location);
            lines.set("subnet", text(at(body, "subnet_id")));
            for connection in items(at(body, "private_service_connection")) {
                lines.set("connection", text(at(connection, "name")));
                lines.set(
                    "target",
                    text(at(connection, "private_connection_resource_id")),
                );
                lines.set("subresource", joined(at(connection, "subresource_names")));
                lines.set(
                    "manual",
                    absent_false(at(connection, "is_manual_connection")),
                );
            }
            for group in items(at(body, "private_dns_zone_group")) {
                let zones: Vec<String> = items(at(group, "private_dns_zone_ids"))
                    .iter()
                    .map(|z| zone(&text(z)))
                    .collect();
                lines.set(
                    &format!("dns_zone_group.{}", text(at(group, "name"))),
                    sorted(zones),
                );
            }
        }
        "azurerm_machine_learning_workspace" => {
            let mut lines = Lines::of(inventory, "workspace", name);
            placed(&mut lines, group(), location);
            lines.table(body, WORKSPACE, Format::Terraform);
            let key = at(body, "encryption");
            cmk(
                &mut lines,
                (!key.is_null()).then(|| (at(key, "key_id"), at(key, "user_assigned_identity_id"))),
            );
            if !key.is_null() {
                lines.set("cmk_key_vault", text(at(key, "key_vault_id")));
            }
            lines.set(
                "isolation_mode",
                text(at(body, "managed_network/isolation_mode")),
            );
        }
        "azapi_update_resource"
            if type_of(body).starts_with("Microsoft.MachineLearningServices/workspaces@") =>
        {
            let target = text(at(body, "resource_id"));
            let network = at(body, "body/properties/managedNetwork");
            let other: Vec<&String> = at(body, "body/properties")
                .as_object()
                .map(|m| {
                    m.keys()
                        .filter(|k| *k != "managedNetwork" && *k != "encryption")
                        .collect()
                })
                .unwrap_or_default();
            let mut lines = Lines::of(inventory, "workspace", target);
            if !network.is_null() {
                managed_network_lines(&mut lines, network);
            }
            // The key's current version, written on every apply (a Bicep deployment sends it
            // with the workspace).
            let key = at(
                body,
                "body/properties/encryption/keyVaultProperties/keyIdentifier",
            );
            if !key.is_null() {
                lines.set("cmk_current_version", text(key));
            }
            for key in other {
                lines.set(
                    &format!("unhandled_update.{key}"),
                    text(at(body, &format!("body/properties/{key}"))),
                );
            }
        }
        "azapi_resource"
            if type_of(body)
                .starts_with("Microsoft.MachineLearningServices/workspaces/outboundRules@") =>
        {
            outbound_rule_lines(inventory, name, at(body, "body"), at(body, "depends_on"));
        }
        // Terraform provisions the managed network with an action after its rules; Bicep calls
        // the same action from a deployment script.
        "azapi_resource_action"
            if type_of(body).starts_with("Microsoft.MachineLearningServices/workspaces@")
                && text(at(body, "action")) == "provisionManagedNetwork" =>
        {
            Lines::of(inventory, "workspace", text(at(body, "resource_id")))
                .set("managed_network_provisioned", "true");
        }
        "azapi_resource" if type_of(body).starts_with("Microsoft.KeyVault/vaults/keys@") => {
            key_lines(inventory, name, at(body, "body/properties"));
        }
        "azapi_resource"
            if type_of(body)
                .starts_with("Microsoft.MachineLearningServices/workspaces/computes@") =>
        {
            let properties = at(body, "body/properties");
            let compute = format!("{}/{}", text(at(body, "parent_id")), text(at(body, "name")));
            match properties["computeType"].as_str() {
                Some("ComputeInstance") => instance_lines(
                    inventory,
                    &compute,
                    location,
                    tf_identity(at(body, "identity")),
                    properties,
                ),
                _ => {
                    inventory.insert(format!("unhandled terraform azapi compute {compute}"));
                }
            }
        }
        "azurerm_machine_learning_compute_cluster" => {
            let workspace = text(at(body, "machine_learning_workspace_id"));
            let compute = format!("{workspace}/{}", text(at(body, "name")));
            let mut lines = Lines::of(inventory, "cluster", compute);
            lines.table(body, CLUSTER, Format::Terraform);
        }
        "azurerm_role_assignment" => {
            let role = pick(body, "role_definition_name|role_definition_id");
            role_line(
                inventory,
                &text(at(body, "scope")),
                roles.name(&text(role)),
                at(body, "principal_id"),
                at(body, "principal_type"),
            );
        }
        "azurerm_subscription_policy_assignment" | "azurerm_resource_group_policy_assignment" => {
            let scope = scope(&text(pick(body, "subscription_id|resource_group_id")));
            let mut lines = Lines::of(
                inventory,
                "policy_assignment",
                format!("{} @{scope}", text(at(body, "name"))),
            );
            lines.set("definition", text(at(body, "policy_definition_id")));
            lines.set("display_name", text(at(body, "display_name")));
            lines.set("enforcement", enforcement(at(body, "enforce")));
            policy_parameters(&mut lines, at(body, "parameters"));
        }
        "azurerm_policy_definition" => {
            Lines::of(inventory, "policy_definition", name).table(
                body,
                POLICY_DEFINITION,
                Format::Terraform,
            );
        }
        "azurerm_resource_group_policy_exemption" => {
            let scope = text(at(body, "resource_group_id"));
            let mut lines = Lines::of(inventory, "policy_exemption", format!("{name} @{scope}"));
            lines.set("assignment", text(at(body, "policy_assignment_id")));
            lines.set("category", text(at(body, "exemption_category")));
            lines.set("expires_on", text(at(body, "expires_on")));
            lines.set("display_name", text(at(body, "display_name")));
            lines.set("description", text(at(body, "description")));
        }
        "azurerm_security_center_subscription_pricing" => {
            let mut lines = Lines::of(inventory, "defender", name);
            lines.set("tier", text(at(body, "tier")));
            lines.set("subplan", text(at(body, "subplan")));
        }
        "azurerm_consumption_budget_subscription" => {
            let mut lines = Lines::of(inventory, "budget", text(at(body, "name")));
            lines.set("amount", text(at(body, "amount")));
            for filter in items(at(body, "filter")) {
                for dimension in items(at(filter, "dimension")) {
                    budget_filter(&mut lines, dimension);
                }
            }
            lines.set("time_grain", text(at(body, "time_grain")));
            for notification in items(at(body, "notification")) {
                budget_threshold(&mut lines, notification, Format::Terraform);
            }
        }
        // The wait for role propagation: the Bicep's is a deployment script (README); where each
        // format waits is the identity tests' concern.
        "time_sleep" => {}
        _ => {
            inventory.insert(format!("unhandled terraform {ty} {name}"));
        }
    }
}

fn type_of(body: &Value) -> &str {
    at(body, "type").as_str().unwrap_or_default()
}

fn sorted(mut items: Vec<String>) -> String {
    items.sort();
    items.join(",")
}

/// The Terraform configuration, with references followed to names.
struct Tf<'a> {
    /// (type, `type.label`, block) of every `resource`, in file order.
    resources: Vec<(String, String, &'a Block)>,
    by_address: BTreeMap<String, &'a Block>,
    locals: BTreeMap<String, &'a Expression>,
    /// `data`, `module` and other blocks that declare something this inventory does not read.
    others: Vec<(String, &'a Block)>,
}

impl<'a> Tf<'a> {
    fn new(bodies: &'a [(String, Body)]) -> Self {
        let mut tf = Tf {
            resources: Vec::new(),
            by_address: BTreeMap::new(),
            locals: BTreeMap::new(),
            others: Vec::new(),
        };
        for (file, body) in bodies {
            for block in body.blocks() {
                let labels: Vec<&str> = block.labels().iter().map(|l| l.as_str()).collect();
                match (block.identifier(), labels.as_slice()) {
                    ("resource", [ty, label]) => {
                        let address = format!("{ty}.{label}");
                        tf.resources
                            .push(((*ty).to_owned(), address.clone(), block));
                        tf.by_address.insert(address, block);
                    }
                    ("locals", _) => {
                        for attribute in block.body().attributes() {
                            tf.locals
                                .insert(attribute.key.as_str().to_owned(), &attribute.expr);
                        }
                    }
                    // An import adopts the object its resource declares: nothing more to list.
                    ("terraform" | "provider" | "variable" | "output" | "import", _) => {}
                    (_, labels) => tf
                        .others
                        .push((format!("{file}: {}", labels.join(".")), block)),
                }
            }
        }
        tf
    }

    fn attribute(&self, address: &str, key: &str) -> Value {
        self.by_address
            .get(address)
            .and_then(|b| b.body().attributes().find(|a| a.key.as_str() == key))
            .map_or(Value::Null, |a| self.value(&a.expr))
    }

    /// The name this inventory gives a resource: its `name`, qualified where Azure names are
    /// not unique on their own (subnets, DNS zones, child resources), and as Bicep names it.
    fn name(&self, address: &str) -> String {
        let ty = address.split('.').next().unwrap_or_default();
        let raw = text(&self.attribute(address, "name"));
        match ty {
            "azurerm_subnet" => format!(
                "{}/subnets/{raw}",
                text(&self.attribute(address, "virtual_network_name"))
            ),
            "azurerm_private_dns_zone" => format!(
                "{}/{raw}",
                text(&self.attribute(address, "resource_group_name"))
            ),
            "azurerm_security_center_subscription_pricing" => {
                text(&self.attribute(address, "resource_type"))
            }
            "azapi_resource" => {
                let parent = self.attribute(address, "parent_id");
                if parent.is_null() {
                    raw
                } else {
                    let ty = text(&self.attribute(address, "type"));
                    format!("{}/{}/{raw}", text(&parent), last_segment(&ty))
                }
            }
            _ if self.attribute(address, "name").is_null() => address.to_owned(),
            _ => raw,
        }
    }

    /// A body as JSON: attributes by key, nested blocks as lists of bodies.
    fn body(&self, body: &Body) -> Value {
        let mut map = Map::new();
        for attribute in body.attributes() {
            map.insert(
                attribute.key.as_str().to_owned(),
                self.value(&attribute.expr),
            );
        }
        for block in body.blocks() {
            let entry = map
                .entry(block.identifier().to_owned())
                .or_insert_with(|| Value::Array(Vec::new()));
            if let Value::Array(items) = entry {
                items.push(self.body(block.body()));
            }
        }
        Value::Object(map)
    }

    fn value(&self, expr: &Expression) -> Value {
        match expr {
            Expression::Null => Value::Null,
            Expression::Bool(b) => Value::Bool(*b),
            Expression::Number(n) => {
                serde_json::from_str(&n.to_string()).unwrap_or_else(|_| n.to_string().into())
            }
            Expression::String(s) => Value::String(s.clone()),
            Expression::Array(items) => items.iter().map(|e| self.value(e)).collect(),
            Expression::Object(object) => {
                let mut map = Map::new();
                for (key, value) in object {
                    let key = match key {
                        ObjectKey::Identifier(id) => id.as_str().to_owned(),
                        ObjectKey::Expression(e) => text(&self.value(e)),
                        _ => "<key>".to_owned(),
                    };
                    map.insert(key, self.value(value));
                }
                Value::Object(map)
            }
            Expression::TemplateExpr(template) => match Template::from_expr(template) {
                Ok(template) => {
                    let mut out = String::new();
                    for element in template.elements() {
                        match element {
                            Element::Literal(literal) => out.push_str(literal),
                            Element::Interpolation(i) => out.push_str(&text(&self.value(&i.expr))),
                            Element::Directive(_) => out.push_str("<directive>"),
                        }
                    }
                    Value::String(out)
                }
                Err(e) => Value::String(format!("<template: {e}>")),
            },
            Expression::Variable(variable) => Value::String(variable.to_string()),
            Expression::Traversal(traversal) => {
                let Expression::Variable(root) = &traversal.expr else {
                    return Value::String("<traversal>".to_owned());
                };
                let path: Vec<String> = traversal
                    .operators
                    .iter()
                    .map_while(|op| match op {
                        TraversalOperator::GetAttr(name) => Some(name.to_string()),
                        _ => None,
                    })
                    .collect();
                self.reference(&root.to_string(), &path)
            }
            Expression::FuncCall(call) if call.name.name.as_str() == "jsonencode" => {
                call.args.first().map_or(Value::Null, |arg| self.value(arg))
            }
            Expression::FuncCall(call) => {
                let args: Vec<Value> = call.args.iter().map(|a| self.value(a)).collect();
                name_suffix_function(call.name.name.as_str(), &args)
                    .unwrap_or_else(|| Value::String(format!("{}(...)", call.name.name)))
            }
            Expression::Parenthesis(inner) => self.value(inner),
            _ => Value::String("<expression>".to_owned()),
        }
    }

    /// `root.a.b...`: a variable, a local's value, or a resource's name (its location for
    /// `.location`, its raw `name` for `.name`).
    fn reference(&self, root: &str, path: &[String]) -> Value {
        let first = path.first().map(String::as_str).unwrap_or_default();
        match root {
            "var" => Value::String(format!("var.{first}")),
            "local" => self.locals.get(first).map_or_else(
                || Value::String(format!("local.{first}")),
                |e| self.value(e),
            ),
            _ => {
                let address = format!("{root}.{first}");
                if !self.by_address.contains_key(&address) {
                    return Value::String(format!("{root}.{}", path.join(".")));
                }
                match path.get(1).map(String::as_str) {
                    Some("location") => self.attribute(&address, "location"),
                    Some("name") => self.attribute(&address, "name"),
                    _ => Value::String(self.name(&address)),
                }
            }
        }
    }
}

// ----------------------------------------------------------------------------------- Bicep

/// The Bicep output's inventory: every file reached from `main.bicep`, at the scope its module
/// deploys it to; a file no module deploys is a line of its own.
fn bicep_inventory(files: &BTreeMap<String, String>, roles: &Roles) -> Inventory {
    let parsed: BTreeMap<String, BicepFile> = files
        .iter()
        .map(|(name, text)| {
            let file = bicep::parse(text).unwrap_or_else(|e| panic!("{name} does not parse: {e}"));
            (name.clone(), file)
        })
        .collect();
    let mut inventory = Inventory::new();
    let mut deployed: BTreeSet<String> = BTreeSet::new();
    // defender.bicep deploys on its own, outside the stack main.bicep is.
    let mut pending: Vec<(String, String, usize)> = ["main.bicep", "defender.bicep"]
        .into_iter()
        .filter(|root| parsed.contains_key(*root))
        .map(|root| (root.to_owned(), "subscription".to_owned(), 0))
        .collect();
    while let Some((path, scope, depth)) = pending.pop() {
        assert!(depth < 8, "modules nest deeper than 8 at {path}");
        let Some(file) = parsed.get(&path) else {
            inventory.insert(format!("unhandled bicep module {path}: no such file"));
            continue;
        };
        deployed.insert(path.clone());
        let context = BicepContext::new(file, scope);
        let dir = path.rsplit_once('/').map_or("", |(dir, _)| dir);
        for statement in &file.statements {
            match &statement.kind {
                StmtKind::Resource(resource) if !resource.existing => {
                    bicep_resource(&context, &mut inventory, roles, resource);
                }
                StmtKind::Module(module) => {
                    let target = module.path.literal().unwrap_or_default();
                    let scope = match bicep::prop(&module.value, "scope") {
                        Some(scope) => text(&context.value(scope)),
                        None => context.scope.clone(),
                    };
                    pending.push((join_path(dir, &target), scope, depth + 1));
                }
                _ => {}
            }
        }
    }
    for path in parsed.keys().filter(|p| !deployed.contains(*p)) {
        inventory.insert(format!("unhandled bicep file {path}: no module deploys it"));
    }
    inventory
}

/// `dir/relative`, with `..` and `.` resolved.
fn join_path(dir: &str, relative: &str) -> String {
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for part in relative.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            part => parts.push(part),
        }
    }
    parts.join("/")
}

fn bicep_resource(
    context: &BicepContext<'_>,
    inventory: &mut Inventory,
    roles: &Roles,
    resource: &Resource,
) {
    let ty = context.ty(resource);
    let name = context.display(&resource.symbol);
    let body = context.value(&resource.value);
    let group = || context.scope.clone();
    let location = at(&body, "location");
    let parent = || {
        bicep::prop(&resource.value, "parent")
            .map(|p| text(&context.value(p)))
            .unwrap_or_default()
    };
    match ty.as_str() {
        "Microsoft.Resources/resourceGroups" => {
            Lines::of(inventory, "resource_group", name).set("location", text(location));
        }
        "Microsoft.ManagedIdentity/userAssignedIdentities" => {
            placed(
                &mut Lines::of(inventory, "identity", name),
                group(),
                location,
            );
        }
        "Microsoft.KeyVault/vaults" => {
            let mut lines = Lines::of(inventory, "key_vault", name);
            placed(&mut lines, group(), location);
            lines.table(&body, KEY_VAULT, Format::Bicep);
        }
        "Microsoft.KeyVault/vaults/keys" => {
            key_lines(inventory, &name, at(&body, "properties"));
        }
        "Microsoft.Storage/storageAccounts" => {
            let mut lines = Lines::of(inventory, "storage", name);
            placed(&mut lines, group(), location);
            lines.table(&body, STORAGE, Format::Bicep);
            let encryption = at(&body, "properties/encryption");
            let on = text(at(encryption, "keySource")).eq_ignore_ascii_case("Microsoft.Keyvault");
            cmk(
                &mut lines,
                on.then(|| {
                    (
                        at(encryption, "keyvaultproperties/keyname"),
                        at(encryption, "identity/userAssignedIdentity"),
                    )
                }),
            );
        }
        "Microsoft.Storage/storageAccounts/blobServices" => {
            let mut lines = Lines::of(inventory, "storage", parent());
            for (setting, policy) in [
                ("blob_soft_delete_days", "deleteRetentionPolicy"),
                (
                    "container_soft_delete_days",
                    "containerDeleteRetentionPolicy",
                ),
            ] {
                let policy = at(&body, &format!("properties/{policy}"));
                let on = at(policy, "enabled") == &Value::Bool(true);
                lines.set(setting, retention(on, at(policy, "days")));
            }
        }
        "Microsoft.ContainerRegistry/registries" => {
            let mut lines = Lines::of(inventory, "registry", name);
            placed(&mut lines, group(), location);
            lines.table(&body, REGISTRY, Format::Bicep);
            let policy = at(&body, "properties/policies/retentionPolicy");
            let on = enabled(at(policy, "status")) == "true";
            lines.set("untagged_retention_days", retention(on, at(policy, "days")));
            let encryption = at(&body, "properties/encryption");
            let on = enabled(at(encryption, "status")) == "true";
            cmk(
                &mut lines,
                on.then(|| {
                    (
                        at(encryption, "keyVaultProperties/keyIdentifier"),
                        at(encryption, "keyVaultProperties/identity"),
                    )
                }),
            );
        }
        "Microsoft.ContainerRegistry/registries/replications" => {
            Lines::of(inventory, "registry", parent()).set(
                &format!("replica.{}", text(location)),
                format!(
                    "zone_redundancy={}",
                    enabled(at(&body, "properties/zoneRedundancy"))
                ),
            );
        }
        "Microsoft.OperationalInsights/workspaces" => {
            let mut lines = Lines::of(inventory, "log_analytics", name);
            placed(&mut lines, group(), location);
            lines.table(&body, LOG_ANALYTICS, Format::Bicep);
        }
        "Microsoft.Insights/components" => {
            let mut lines = Lines::of(inventory, "app_insights", name);
            placed(&mut lines, group(), location);
            lines.table(&body, APP_INSIGHTS, Format::Bicep);
        }
        "Microsoft.Insights/privateLinkScopes" => {
            let mut lines = Lines::of(inventory, "monitor_scope", name);
            lines.set("group", group());
            lines.table(&body, MONITOR_SCOPE, Format::Bicep);
        }
        "Microsoft.Insights/privateLinkScopes/scopedResources" => {
            Lines::of(inventory, "monitor_scope", parent()).set(
                &format!("scoped.{}", text(at(&body, "name"))),
                text(at(&body, "properties/linkedResourceId")),
            );
        }
        "Microsoft.Insights/diagnosticSettings" => {
            let target = text(at(&body, "scope"));
            let mut lines = Lines::of(
                inventory,
                "diagnostic_setting",
                format!("{target}/{}", text(at(&body, "name"))),
            );
            lines.set("log_analytics", text(at(&body, "properties/workspaceId")));
            lines.set("logs", categories(items(at(&body, "properties/logs"))));
            lines.set(
                "metrics",
                categories(items(at(&body, "properties/metrics"))),
            );
        }
        "Microsoft.Network/virtualNetworks" => {
            let mut lines = Lines::of(inventory, "vnet", name.clone());
            placed(&mut lines, group(), location);
            lines.table(&body, VNET, Format::Bicep);
            for subnet in items(at(&body, "properties/subnets")) {
                let subnet_name = format!("{name}/subnets/{}", text(at(subnet, "name")));
                let mut lines = Lines::of(inventory, "subnet", subnet_name);
                lines.table(subnet, SUBNET, Format::Bicep);
                let nsg = at(subnet, "properties/networkSecurityGroup/id");
                if !nsg.is_null() {
                    lines.set("nsg", text(nsg));
                }
                for (setting, path) in [
                    ("route_table", "properties/routeTable/id"),
                    ("nat_gateway", "properties/natGateway/id"),
                ] {
                    let id = at(subnet, path);
                    if !id.is_null() {
                        lines.set(setting, text(id));
                    }
                }
            }
        }
        "Microsoft.Network/networkSecurityGroups" => {
            let mut lines = Lines::of(inventory, "nsg", name.clone());
            placed(&mut lines, group(), location);
            for rule in items(at(&body, "properties/securityRules")) {
                let rule_name = format!("{name}/{}", text(at(rule, "name")));
                Lines::of(inventory, "nsg_rule", rule_name).table(rule, NSG_RULE, Format::Bicep);
            }
        }
        "Microsoft.Network/routeTables" => {
            let mut lines = Lines::of(inventory, "route_table", name.clone());
            placed(&mut lines, group(), location);
            lines.set(
                "bgp_route_propagation",
                negated(at(&body, "properties/disableBgpRoutePropagation")),
            );
            for r in items(at(&body, "properties/routes")) {
                lines.set(
                    &format!("route.{}", text(at(r, "name"))),
                    route(
                        at(r, "properties/addressPrefix"),
                        at(r, "properties/nextHopType"),
                        at(r, "properties/nextHopIpAddress"),
                    ),
                );
            }
        }
        "Microsoft.Network/publicIPAddresses" => {
            let mut lines = Lines::of(inventory, "public_ip", name);
            placed(&mut lines, group(), location);
            lines.set("sku", text(at(&body, "sku/name")));
            lines.set(
                "allocation",
                text(at(&body, "properties/publicIPAllocationMethod")),
            );
        }
        "Microsoft.Network/natGateways" => {
            let mut lines = Lines::of(inventory, "nat_gateway", name);
            placed(&mut lines, group(), location);
            lines.set("sku", text(at(&body, "sku/name")));
            let ips: Vec<String> = items(at(&body, "properties/publicIpAddresses"))
                .iter()
                .map(|ip| text(at(ip, "id")))
                .collect();
            lines.set("public_ips", ips.join(","));
        }
        "Microsoft.Network/virtualNetworks/virtualNetworkPeerings" => {
            let peering = format!(
                "{}/virtualNetworkPeerings/{}",
                parent(),
                text(at(&body, "name"))
            );
            Lines::of(inventory, "vnet_peering", peering).table(&body, PEERING, Format::Bicep);
        }
        "Microsoft.Network/serviceEndpointPolicies" => {
            let mut lines = Lines::of(inventory, "service_endpoint_policy", name);
            placed(&mut lines, group(), location);
            for definition in items(at(&body, "properties/serviceEndpointPolicyDefinitions")) {
                lines.set(
                    &format!("definition.{}", text(at(definition, "name"))),
                    format!(
                        "{} {}",
                        text(at(definition, "properties/service")),
                        joined(at(definition, "properties/serviceResources"))
                    ),
                );
            }
        }
        "Microsoft.Network/privateDnsZones" => {
            Lines::of(inventory, "private_dns_zone", name);
        }
        "Microsoft.Network/privateDnsZones/virtualNetworkLinks" => {
            Lines::of(inventory, "private_dns_zone", parent()).set(
                &format!("link.{}", text(at(&body, "name"))),
                format!(
                    "{} registration={}",
                    text(at(&body, "properties/virtualNetwork/id")),
                    absent_false(at(&body, "properties/registrationEnabled"))
                ),
            );
        }
        "Microsoft.Network/privateEndpoints" => {
            let mut lines = Lines::of(inventory, "private_endpoint", name);
            placed(&mut lines, group(), location);
            lines.set("subnet", text(at(&body, "properties/subnet/id")));
            for (list, manual) in [
                ("properties/privateLinkServiceConnections", false),
                ("properties/manualPrivateLinkServiceConnections", true),
            ] {
                for connection in items(at(&body, list)) {
                    lines.set("connection", text(at(connection, "name")));
                    lines.set(
                        "target",
                        text(at(connection, "properties/privateLinkServiceId")),
                    );
                    lines.set("subresource", joined(at(connection, "properties/groupIds")));
                    lines.set("manual", manual.to_string());
                }
            }
        }
        "Microsoft.Network/privateEndpoints/privateDnsZoneGroups" => {
            let zones: Vec<String> = items(at(&body, "properties/privateDnsZoneConfigs"))
                .iter()
                .map(|c| zone(&text(at(c, "properties/privateDnsZoneId"))))
                .collect();
            Lines::of(inventory, "private_endpoint", parent()).set(
                &format!("dns_zone_group.{}", text(at(&body, "name"))),
                sorted(zones),
            );
        }
        "Microsoft.MachineLearningServices/workspaces" => {
            let mut lines = Lines::of(inventory, "workspace", name);
            placed(&mut lines, group(), location);
            lines.table(&body, WORKSPACE, Format::Bicep);
            let encryption = at(&body, "properties/encryption");
            let on = enabled(at(encryption, "status")) == "true";
            cmk(
                &mut lines,
                on.then(|| {
                    (
                        at(encryption, "keyVaultProperties/keyIdentifier"),
                        at(encryption, "identity/userAssignedIdentity"),
                    )
                }),
            );
            if on {
                lines.set(
                    "cmk_key_vault",
                    text(at(encryption, "keyVaultProperties/keyVaultArmId")),
                );
                lines.set(
                    "cmk_current_version",
                    text(at(encryption, "keyVaultProperties/keyIdentifier")),
                );
            }
            managed_network_lines(&mut lines, at(&body, "properties/managedNetwork"));
        }
        "Microsoft.MachineLearningServices/workspaces/outboundRules" => {
            outbound_rule_lines(inventory, &name, &body, at(&body, "dependsOn"));
        }
        "Microsoft.MachineLearningServices/workspaces/computes" => {
            let compute = format!("{}/{}", parent(), text(at(&body, "name")));
            let properties = at(&body, "properties");
            match properties["computeType"].as_str() {
                Some("AmlCompute") => {
                    Lines::of(inventory, "cluster", compute).table(&body, CLUSTER, Format::Bicep);
                }
                Some("ComputeInstance") => instance_lines(
                    inventory,
                    &compute,
                    location,
                    bicep_identity(at(&body, "identity")),
                    properties,
                ),
                other => {
                    inventory.insert(format!("unhandled bicep compute {other:?} {compute}"));
                }
            }
        }
        "Microsoft.Authorization/locks" => {
            Lines::of(inventory, "delete_protection", text(at(&body, "scope")))
                .set("level", text(at(&body, "properties/level")));
        }
        "Microsoft.Authorization/roleAssignments" => {
            let scope = match at(&body, "scope") {
                Value::Null => group(),
                scope => text(scope),
            };
            role_line(
                inventory,
                &scope,
                roles.name(&text(at(&body, "properties/roleDefinitionId"))),
                at(&body, "properties/principalId"),
                at(&body, "properties/principalType"),
            );
        }
        "Microsoft.Authorization/policyAssignments" => {
            let scope = match at(&body, "scope") {
                Value::Null => group(),
                scope => text(scope),
            };
            let mut lines = Lines::of(
                inventory,
                "policy_assignment",
                format!("{} @{scope}", text(at(&body, "name"))),
            );
            lines.set(
                "definition",
                text(at(&body, "properties/policyDefinitionId")),
            );
            lines.set("display_name", text(at(&body, "properties/displayName")));
            lines.set(
                "enforcement",
                enforcement(at(&body, "properties/enforcementMode")),
            );
            policy_parameters(&mut lines, at(&body, "properties/parameters"));
        }
        "Microsoft.Authorization/policyDefinitions" => {
            Lines::of(inventory, "policy_definition", name).table(
                &body,
                POLICY_DEFINITION,
                Format::Bicep,
            );
        }
        "Microsoft.Authorization/policyExemptions" => {
            let mut lines = Lines::of(
                inventory,
                "policy_exemption",
                format!("{name} @{}", group()),
            );
            lines.set(
                "assignment",
                text(at(&body, "properties/policyAssignmentId")),
            );
            lines.set("category", text(at(&body, "properties/exemptionCategory")));
            lines.set("expires_on", text(at(&body, "properties/expiresOn")));
            lines.set("display_name", text(at(&body, "properties/displayName")));
            lines.set("description", text(at(&body, "properties/description")));
        }
        "Microsoft.Security/pricings" => {
            let mut lines = Lines::of(inventory, "defender", name);
            lines.set("tier", text(at(&body, "properties/pricingTier")));
            lines.set("subplan", text(at(&body, "properties/subPlan")));
        }
        "Microsoft.Consumption/budgets" => {
            let mut lines = Lines::of(inventory, "budget", name.clone());
            lines.set("amount", text(at(&body, "properties/amount")));
            let dimension = at(&body, "properties/filter/dimensions");
            if !dimension.is_null() {
                budget_filter(&mut lines, dimension);
            }
            lines.set("time_grain", text(at(&body, "properties/timeGrain")));
            if let Some(notifications) = at(&body, "properties/notifications").as_object() {
                for notification in notifications.values() {
                    budget_threshold(&mut lines, notification, Format::Bicep);
                }
            }
        }
        // The script that calls `provisionManagedNetwork`, as Terraform's `azapi_resource_action`,
        // on the workspace of its module; the others wait for role propagation, as `time_sleep`.
        "Microsoft.Resources/deploymentScripts" => {
            if text(at(&body, "properties/scriptContent")).contains("/provisionManagedNetwork?") {
                for workspace in context.declared("Microsoft.MachineLearningServices/workspaces") {
                    Lines::of(inventory, "workspace", workspace)
                        .set("managed_network_provisioned", "true");
                }
            }
        }
        other => {
            inventory.insert(format!("unhandled bicep {other} {name}"));
        }
    }
}

/// One Bicep file at the scope it is deployed to, with references followed to names.
struct BicepContext<'a> {
    /// `subscription`, or the resource group's name.
    scope: String,
    resources: BTreeMap<&'a str, &'a Resource>,
    vars: BTreeMap<&'a str, &'a Expr>,
}

impl<'a> BicepContext<'a> {
    fn new(file: &'a BicepFile, scope: String) -> Self {
        let mut context = BicepContext {
            scope,
            resources: BTreeMap::new(),
            vars: BTreeMap::new(),
        };
        for statement in &file.statements {
            match &statement.kind {
                StmtKind::Resource(resource) => {
                    context.resources.insert(&resource.symbol, resource);
                }
                StmtKind::Var { name, value } => {
                    context.vars.insert(name, value);
                }
                _ => {}
            }
        }
        context
    }

    /// The names of the resources of type `ty` this file declares (not `existing` ones).
    fn declared(&self, ty: &str) -> Vec<String> {
        self.resources
            .values()
            .filter(|r| !r.existing && self.ty(r) == ty)
            .map(|r| self.display(&r.symbol))
            .collect()
    }

    /// `Namespace/type` of a resource, without the API version.
    fn ty(&self, resource: &Resource) -> String {
        let ty = resource.ty.literal().unwrap_or_default();
        ty.split('@').next().unwrap_or_default().to_owned()
    }

    /// The name this inventory gives the resource of `symbol`, as Terraform's side names it:
    /// `parent/type/name` for a child, `group/name` for a private DNS zone.
    fn display(&self, symbol: &str) -> String {
        let Some(resource) = self.resources.get(symbol) else {
            return format!("<unknown symbol {symbol}>");
        };
        let name = bicep::prop(&resource.value, "name")
            .map(|n| text(&self.value(n)))
            .unwrap_or_default();
        let ty = self.ty(resource);
        if let Some(parent) = bicep::prop(&resource.value, "parent") {
            return format!("{}/{}/{name}", text(&self.value(parent)), last_segment(&ty));
        }
        if ty == "Microsoft.Network/privateDnsZones" {
            let group = match bicep::prop(&resource.value, "scope") {
                Some(scope) => text(&self.value(scope)),
                None => self.scope.clone(),
            };
            return format!("{group}/{name}");
        }
        name
    }

    fn value(&self, expr: &Expr) -> Value {
        match &expr.kind {
            ExprKind::Str(parts) => {
                let mut out = String::new();
                for part in parts {
                    match part {
                        Part::Text(t) => out.push_str(t),
                        Part::Hole(e) => out.push_str(&text(&self.value(e))),
                    }
                }
                Value::String(out)
            }
            ExprKind::Int(n) => Value::from(*n),
            ExprKind::Bool(b) => Value::Bool(*b),
            ExprKind::Null => Value::Null,
            ExprKind::Ident(name) => self.symbol(name),
            ExprKind::Object(entries) => {
                let mut map = Map::new();
                for entry in entries {
                    match entry {
                        Entry::Prop { key, value, .. } => {
                            let key = match key {
                                Key::Name(name) => name.clone(),
                                Key::Interpolated(e) => text(&self.value(e)),
                            };
                            map.insert(key, self.value(value));
                        }
                        Entry::Spread(_) | Entry::Resource(_) => {
                            map.insert("<spread>".to_owned(), Value::Null);
                        }
                    }
                }
                Value::Object(map)
            }
            ExprKind::Array(items) => items
                .iter()
                .map(|item| match item {
                    Item::Value(e) => self.value(e),
                    Item::Spread(_) => Value::String("<spread>".to_owned()),
                })
                .collect(),
            // `environment().suffixes.storage`: the public cloud's value, as Terraform writes it.
            ExprKind::Member { base, name, .. } if is_environment_suffixes(base) => {
                Value::String(cloud_suffix(name).to_owned())
            }
            // `x.id`, `x.properties.principalId`, `tenant().tenantId`: what the root names.
            ExprKind::Member { base, .. } | ExprKind::NonNull(base) => self.value(base),
            ExprKind::Call { callee, args } => self.call(callee, args),
            _ => Value::String("<expression>".to_owned()),
        }
    }

    fn symbol(&self, name: &str) -> Value {
        if self.resources.contains_key(name) {
            Value::String(self.display(name))
        } else if let Some(value) = self.vars.get(name) {
            self.value(value)
        } else {
            Value::String(format!("<{name}>"))
        }
    }

    fn call(&self, callee: &Expr, args: &[Expr]) -> Value {
        let ExprKind::Ident(function) = &callee.kind else {
            return Value::String("<call>".to_owned());
        };
        let values: Vec<Value> = args.iter().map(|a| self.value(a)).collect();
        if let Some(value) = name_suffix_function(function, &values) {
            return value;
        }
        let args: Vec<String> = values.iter().map(text).collect();
        match function.as_str() {
            "tenant" | "subscription" => Value::String(format!("{function}()")),
            "resourceGroup" => Value::String(args.first().cloned().unwrap_or(self.scope.clone())),
            "resourceId" | "subscriptionResourceId" | "extensionResourceId" => {
                Value::String(resource_id_name(&args))
            }
            other => Value::String(format!("{other}(...)")),
        }
    }
}

/// The subscription both formats are evaluated in: the suffix of the globally unique names is
/// computed from it, so both must compute the same four characters.
const SUBSCRIPTION: &str = "6F1C2D3E-1111-4222-8333-444455556666";

/// The functions the names' suffix is computed with, evaluated: Terraform's `lower`, `join`,
/// `uuidv5` and `substr`, Bicep's `toLower`, `guid` and `take` (the subscription, whichever way a
/// format names it, is [`SUBSCRIPTION`]). `None` for any other function.
fn name_suffix_function(function: &str, args: &[Value]) -> Option<Value> {
    let text = |i: usize| args.get(i).map(plain).unwrap_or_default();
    let number = |i: usize| args.get(i).and_then(Value::as_u64).unwrap_or_default() as usize;
    let subscription = |t: String| {
        if t == "var.subscription_id" || t == "subscription()" {
            SUBSCRIPTION.to_owned()
        } else {
            t
        }
    };
    let guid = |namespace: &str, name: &str| {
        let namespace = uuid::Uuid::parse_str(namespace).expect("a UUID namespace");
        uuid::Uuid::new_v5(&namespace, name.as_bytes()).to_string()
    };
    let value = match function {
        "lower" | "toLower" => subscription(text(0)).to_lowercase(),
        "join" => {
            let items = args.get(1).and_then(Value::as_array)?;
            let items: Vec<String> = items.iter().map(plain).collect();
            items.join(&text(0))
        }
        "uuidv5" => guid(&text(0), &text(1)),
        "guid" => {
            let items: Vec<String> = (0..args.len()).map(text).collect();
            guid(ARM_GUID_NAMESPACE, &items.join("-"))
        }
        "substr" => text(0).chars().skip(number(1)).take(number(2)).collect(),
        "take" => text(0).chars().take(number(1)).collect(),
        _ => return None,
    };
    Some(Value::String(value))
}

/// ARM's `guid()` namespace, as Azure/bicep's own function test folds `guid()`.
const ARM_GUID_NAMESPACE: &str = "11fb06fb-712d-4ddd-98c7-e71bbd588830";

/// Whether `expr` is `environment().suffixes`.
fn is_environment_suffixes(expr: &Expr) -> bool {
    let ExprKind::Member { base, name, .. } = &expr.kind else {
        return false;
    };
    let ExprKind::Call { callee, .. } = &base.kind else {
        return false;
    };
    name == "suffixes" && matches!(&callee.kind, ExprKind::Ident(f) if f == "environment")
}

/// `environment().suffixes.<member>` in AzureCloud (Microsoft Learn, Bicep deployment
/// functions, `environment`), which the Terraform names literally.
fn cloud_suffix(member: &str) -> &'static str {
    match member {
        "storage" => "core.windows.net",
        "keyvaultDns" => ".vault.azure.net",
        _ => "<unknown cloud suffix>",
    }
}

/// The name `resourceId([group,] 'Ns/type/child', name, childName)` points at, as this
/// inventory names it: `name/child/childName`.
fn resource_id_name(args: &[String]) -> String {
    let Some(at_type) = args.iter().position(|a| a.contains('/')) else {
        return format!("resourceId({})", args.join(", "));
    };
    let segments: Vec<&str> = args[at_type].split('/').skip(1).collect();
    let names = &args[at_type + 1..];
    let mut out = names.first().cloned().unwrap_or_default();
    for (i, name) in names.iter().enumerate().skip(1) {
        write!(out, "/{}/{name}", segments.get(i).unwrap_or(&"?")).unwrap();
    }
    out
}
