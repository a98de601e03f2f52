//! The managed network is provisioned after its outbound rules and before any compute, and every
//! workspace builds environment images on a cluster it has (a private registry cannot build
//! them), read off the generated Terraform (hcl-rs) and Bicep (the parser in `bicep.rs`) of
//! every shipped profile. Microsoft Learn, how-to-managed-network: "Manually provision a managed
//! VNet" (about 30 minutes, the first FQDN rule about 10 more) and "Configure image builds".

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use hcl::{Block, BlockLabel, Expression};
use serde_json::Value;

use crate::bicep::{self, BicepFile, Entry, Expr, ExprKind, Item, Key, Part, StmtKind};
use crate::support::{extending, generate_into, mlzone, plan_json, repo, shipped_profiles, slug};

#[test]
fn the_managed_network_is_provisioned_after_its_rules_and_before_compute() {
    let mut provisioned = 0;
    each_shipped_zone(
        |ShippedZone {
             label,
             out,
             plan,
             tf,
             ..
         }| {
            for region in plan["regions"].as_array().expect("regions") {
                let role = region["role"].as_str().expect("a role");
                let network = &region["workspace"]["managed_network"];
                let workspace = format!("azurerm_machine_learning_workspace.{role}");
                let actions = tf.provisioning_of(&workspace);
                let compute = tf.compute_of(&workspace);
                let bicep_workspace = bicep_workspace(out, role);
                if network.is_null() {
                    assert!(actions.is_empty(), "{label} {role}: no managed network");
                    assert_eq!(bicep_workspace.get("provisionNetworkNow"), None);
                    continue;
                }
                provisioned += 1;
                let [action] = actions[..] else {
                    panic!("{label} {role}: {} provisioning actions", actions.len());
                };
                let action_block = &tf.resources[action];

                // After whatever holds the outbound rules.
                let rules = network["outbound_rules"].as_array().expect("rules").len();
                let holders = tf.rule_holders_of(&workspace);
                assert_eq!(
                    holders.is_empty(),
                    rules == 0,
                    "{label} {role}: {holders:?}"
                );
                let depends = depends_on(action_block);
                for holder in &holders {
                    assert!(
                        depends.contains(holder),
                        "{label} {role}: {action} does not wait for {holder}"
                    );
                }

                // Long enough for what Microsoft documents.
                let fqdn = network["outbound_rules"]
                    .as_array()
                    .expect("rules")
                    .iter()
                    .any(|r| r["kind"] == "FQDN");
                let documented = if fqdn { 40 } else { 30 };
                let timeouts = action_block
                    .body()
                    .blocks()
                    .find(|b| b.identifier() == "timeouts")
                    .unwrap_or_else(|| panic!("{label} {role}: {action} has no timeouts"));
                let create = attribute(timeouts, "create").expect("a create timeout");
                assert!(
                    minutes(&create) >= documented,
                    "{label} {role}: {create} is shorter than the documented {documented} minutes"
                );

                // Before every compute.
                assert!(!compute.is_empty(), "{label} {role}: no compute");
                for address in &compute {
                    let depends = depends_on(&tf.resources[address]);
                    assert!(
                        depends.contains(action),
                        "{label} {role}: {address} does not wait for {action}"
                    );
                }

                // Bicep: ARM cannot call the action, and `provisionNetworkNow` would provision at
                // creation, before the identity's role on the workspace and the rules: a deployment
                // script calls the action as the workspace identity after the last rule.
                assert_eq!(
                    bicep_workspace.get("provisionNetworkNow"),
                    None,
                    "{label} {role}: provisioned at creation"
                );
                assert_eq!(
                    bicep_rule_count(out, role),
                    rules,
                    "{label} {role}: the rules are in the workspace module"
                );
                let script = bicep_provisioning(out, role)
                    .unwrap_or_else(|| panic!("{label} {role}: no provisioning script"));
                let api = plan["api_versions"]["Microsoft.MachineLearningServices/workspaces"]
                    .as_str()
                    .expect("the workspace API version");
                assert_eq!(script.environment["API_VERSION"], api, "{label} {role}");
                assert_eq!(
                    script.identities,
                    ["identity"],
                    "{label} {role}: the script runs as the workspace identity"
                );
                let after = if rules == 0 {
                    "workspaceRolesWait".to_owned()
                } else {
                    format!("outboundRule{rules}")
                };
                assert_eq!(script.depends_on, [after], "{label} {role}");
                assert!(
                    iso_minutes(&script.timeout) >= documented,
                    "{label} {role}: {} is shorter than the documented {documented} minutes",
                    script.timeout
                );
                let main = bicep_file(out, "main.bicep");
                let depends = module_depends_on(&main, &format!("{role}Compute"));
                assert!(
                    depends.contains(&format!("{role}Workspace")),
                    "{label} {role}: the compute module does not wait for the workspace: {depends:?}"
                );
            }
        },
    );
    assert!(provisioned >= 6, "only {provisioned} managed networks");
}

#[test]
fn every_workspace_builds_images_on_a_cluster_it_has() {
    each_shipped_zone(
        |ShippedZone {
             label,
             out,
             plan,
             tf,
             ..
         }| {
            for region in plan["regions"].as_array().expect("regions") {
                let role = region["role"].as_str().expect("a role");
                let planned = region["workspace"]["image_build"]["cluster"]
                    .as_str()
                    .unwrap_or_else(|| panic!("{label} {role}: the registry is private"));
                let workspace = format!("azurerm_machine_learning_workspace.{role}");
                let named = attribute(&tf.resources[&workspace], "image_build_compute_name")
                    .unwrap_or_else(|| panic!("{label} {role}: no image_build_compute_name"));
                assert_eq!(named, format!("\"{planned}\""), "{label} {role}");
                let clusters = tf.cluster_names_of(&workspace);
                assert!(
                    clusters.contains(&planned.to_owned()),
                    "{label} {role}: `{planned}` is not among the clusters {clusters:?}"
                );

                let bicep_workspace = bicep_workspace(out, role);
                assert_eq!(
                    bicep_workspace.get("imageBuildCompute"),
                    Some(&Value::String(planned.to_owned())),
                    "{label} {role}"
                );
                let clusters = bicep_cluster_names(out, role);
                assert!(
                    clusters.contains(&planned.to_owned()),
                    "{label} {role}: `{planned}` is not among the Bicep clusters {clusters:?}"
                );
            }
            let compliance = fs::read_to_string(out.join("COMPLIANCE.md")).expect("COMPLIANCE.md");
            assert!(
                compliance.contains("**Image builds**")
                    && compliance.contains("image_build_cluster"),
                "{label}: the compliance report does not say where images are built"
            );
        },
    );
}

#[test]
fn a_profile_without_a_cpu_cluster_gets_an_image_build_cluster_in_both_formats() {
    let profile = repo().join("profiles/gpu-training.yaml");
    let plan = plan_json(&profile);
    let build = &plan["regions"][0]["workspace"]["image_build"];
    assert_eq!(build["chosen"], "added", "gpu-training has no CPU cluster");
    assert_eq!(build["cluster"], "image-build");
    let temp = tempfile::tempdir().expect("a temporary directory");
    generate_into(&profile, temp.path(), "terraform,bicep");
    let tf = Terraform::read(temp.path());
    let cluster = &tf.resources["azurerm_machine_learning_compute_cluster.primary_image-build"];
    assert_eq!(
        attribute(cluster, "vm_size").as_deref(),
        Some("\"Standard_D4_v5\"")
    );
    assert!(bicep_cluster_names(temp.path(), "primary").contains(&"image-build".to_owned()));
    let compliance = fs::read_to_string(temp.path().join("COMPLIANCE.md")).unwrap();
    assert!(compliance.contains("added, as the profile has no CPU cluster"));
    let stdout = mlzone().arg("plan").arg(&profile).assert().success();
    let stdout = String::from_utf8_lossy(&stdout.get_output().stdout).into_owned();
    assert!(
        stdout.contains(
            "image builds    cluster image-build (added, as the profile has no CPU cluster)"
        ),
        "{stdout}"
    );
}

#[test]
fn the_profile_names_the_image_build_cluster() {
    let temp = tempfile::tempdir().expect("a temporary directory");
    let profile = extending(
        temp.path(),
        "profiles/baseline.yaml",
        "compute:\n  image_build_cluster: batch\n",
    );
    let out = temp.path().join("out");
    generate_into(&profile, &out, "terraform,bicep");
    let tf = Terraform::read(&out);
    for role in ["primary", "secondary"] {
        let workspace = format!("azurerm_machine_learning_workspace.{role}");
        assert_eq!(
            attribute(&tf.resources[&workspace], "image_build_compute_name").as_deref(),
            Some("\"batch\""),
            "{role}"
        );
        assert_eq!(
            bicep_workspace(&out, role).get("imageBuildCompute"),
            Some(&Value::String("batch".to_owned())),
            "{role}"
        );
    }
    let stdout = mlzone().arg("plan").arg(&profile).assert().success();
    let stdout = String::from_utf8_lossy(&stdout.get_output().stdout).into_owned();
    assert!(
        stdout.contains("image builds    cluster batch (named by the profile)"),
        "{stdout}"
    );
}

// ---------------------------------------------------------------------------------- support

/// `30m`, `1h30m` (Go durations, as the providers read timeouts; quoted as HCL prints them) in
/// minutes.
fn minutes(text: &str) -> u64 {
    let text = text.trim_matches('"');
    let mut total = 0;
    let mut number = String::new();
    for c in text.chars() {
        if c.is_ascii_digit() {
            number.push(c);
        } else {
            let n: u64 = number
                .parse()
                .unwrap_or_else(|_| panic!("a duration: {text}"));
            number.clear();
            total += match c {
                'h' => n * 60,
                'm' => n,
                's' => n / 60,
                other => panic!("unit {other} in {text}"),
            };
        }
    }
    total
}

/// The addresses a block lists in `depends_on`.
fn depends_on(block: &Block) -> Vec<String> {
    attribute(block, "depends_on")
        .unwrap_or_default()
        .split(|c: char| c == '[' || c == ']' || c == ',' || c.is_whitespace())
        .filter(|a| !a.is_empty())
        .map(str::to_owned)
        .collect()
}

/// An attribute of a block, as HCL text.
pub(crate) fn attribute(block: &Block, name: &str) -> Option<String> {
    block
        .body()
        .attributes()
        .find(|a| a.key() == name)
        .map(|a| a.expr().to_string())
}

/// A shipped profile generated in both formats into a temporary directory, and read back.
pub(crate) struct ShippedZone {
    pub(crate) label: String,
    pub(crate) profile: PathBuf,
    pub(crate) out: PathBuf,
    pub(crate) plan: Value,
    pub(crate) tf: Terraform,
}

/// Runs `check` on every shipped profile, generated in both formats.
pub(crate) fn each_shipped_zone(mut check: impl FnMut(&ShippedZone)) {
    let temp = tempfile::tempdir().expect("a temporary directory");
    for (label, profile) in shipped_profiles() {
        let out = temp.path().join(slug(&label));
        generate_into(&profile, &out, "terraform,bicep");
        let plan = plan_json(&profile);
        let tf = Terraform::read(&out);
        check(&ShippedZone {
            label,
            profile,
            out,
            plan,
            tf,
        });
    }
}

/// The generated Terraform's resources by address.
pub(crate) struct Terraform {
    pub(crate) resources: BTreeMap<String, Block>,
}

impl Terraform {
    pub(crate) fn read(out: &Path) -> Self {
        let mut resources = BTreeMap::new();
        for path in crate::support::entries(&out.join("terraform")) {
            if path.extension().is_none_or(|e| e != "tf") {
                continue;
            }
            let text = fs::read_to_string(&path).expect("a .tf file");
            let body = hcl::parse(&text)
                .unwrap_or_else(|e| panic!("{} does not parse: {e}", path.display()));
            for block in body.into_blocks() {
                if block.identifier() != "resource" {
                    continue;
                }
                let labels: Vec<&str> = block.labels().iter().map(BlockLabel::as_str).collect();
                if let [kind, name] = labels[..] {
                    resources.insert(format!("{kind}.{name}"), block.clone());
                }
            }
        }
        Terraform { resources }
    }

    /// Resources of `kind` whose attributes refer to `workspace`.
    fn referring(&self, workspace: &str) -> impl Iterator<Item = (&String, &Block)> {
        let reference = format!("{workspace}.");
        self.resources.iter().filter(move |(address, block)| {
            *address != workspace
                && block
                    .body()
                    .attributes()
                    .filter(|a| a.key() != "depends_on")
                    .any(|a| a.expr().to_string().contains(&reference))
        })
    }

    /// The actions that provision `workspace`'s managed network.
    fn provisioning_of(&self, workspace: &str) -> Vec<&String> {
        self.referring(workspace)
            .filter(|(address, block)| {
                address.starts_with("azapi_resource_action.")
                    && string(block, "type")
                        .starts_with("Microsoft.MachineLearningServices/workspaces@")
                    && string(block, "action") == "provisionManagedNetwork"
            })
            .map(|(address, _)| address)
            .collect()
    }

    /// Whatever holds `workspace`'s managed-network settings and outbound rules: a body with
    /// `managedNetwork` (an update of the workspace), or a child resource of type
    /// `.../outboundRules`.
    fn rule_holders_of(&self, workspace: &str) -> Vec<String> {
        self.referring(workspace)
            .filter(|(_, block)| {
                string(block, "type").contains("/outboundRules@")
                    || attribute(block, "body").is_some_and(|b| b.contains("managedNetwork"))
            })
            .map(|(address, _)| address.clone())
            .collect()
    }

    /// Clusters and instances in `workspace`.
    fn compute_of(&self, workspace: &str) -> Vec<String> {
        self.referring(workspace)
            .filter(|(address, block)| {
                address.starts_with("azurerm_machine_learning_compute_")
                    || string(block, "type")
                        .starts_with("Microsoft.MachineLearningServices/workspaces/computes@")
            })
            .map(|(address, _)| address.clone())
            .collect()
    }

    /// The names of the clusters in `workspace`.
    fn cluster_names_of(&self, workspace: &str) -> Vec<String> {
        self.referring(workspace)
            .filter(|(address, _)| address.starts_with("azurerm_machine_learning_compute_cluster."))
            .map(|(_, block)| string(block, "name"))
            .collect()
    }
}

/// A string attribute's value; empty when absent or not a literal.
pub(crate) fn string(block: &Block, name: &str) -> String {
    match block
        .body()
        .attributes()
        .find(|a| a.key() == name)
        .map(|a| a.expr())
    {
        Some(Expression::String(s)) => s.clone(),
        _ => String::new(),
    }
}

pub(crate) fn bicep_file(out: &Path, name: &str) -> BicepFile {
    let text = fs::read_to_string(out.join("bicep").join(name))
        .unwrap_or_else(|e| panic!("bicep/{name}: {e}"));
    bicep::parse(&text).unwrap_or_else(|e| panic!("bicep/{name} does not parse: {e}"))
}

/// The bodies of the resources `file` declares (not `existing` ones) whose `type@version`
/// starts with `ty`.
fn declared<'f>(file: &'f BicepFile, ty: &'f str) -> impl Iterator<Item = &'f Expr> + 'f {
    file.statements.iter().filter_map(move |s| match &s.kind {
        StmtKind::Resource(r)
            if !r.existing && r.ty.literal().is_some_and(|t| t.starts_with(ty)) =>
        {
            Some(&r.value)
        }
        _ => None,
    })
}

/// The `properties` of the workspace deployed by `modules/ROLE-workspace.bicep`, as JSON
/// (literals only).
fn bicep_workspace(out: &Path, role: &str) -> serde_json::Map<String, Value> {
    let file = bicep_file(out, &format!("modules/{role}-workspace.bicep"));
    let workspaces: Vec<Value> = declared(&file, "Microsoft.MachineLearningServices/workspaces@")
        .map(|value| literal(value)["properties"].clone())
        .collect();
    let [Value::Object(properties)] = &workspaces[..] else {
        panic!("{role}: {} workspaces", workspaces.len());
    };
    properties.clone()
}

/// The deployment script of `modules/ROLE-workspace.bicep` that provisions the managed network:
/// its environment variables, the symbols of the identities it runs as, what it depends on and
/// its `timeout`.
struct ProvisioningScript {
    environment: BTreeMap<String, String>,
    identities: Vec<String>,
    depends_on: Vec<String>,
    timeout: String,
}

fn bicep_provisioning(out: &Path, role: &str) -> Option<ProvisioningScript> {
    let file = bicep_file(out, &format!("modules/{role}-workspace.bicep"));
    let scripts: Vec<ProvisioningScript> =
        declared(&file, "Microsoft.Resources/deploymentScripts@")
            .filter(|value| {
                literal(value)["properties"]["scriptContent"]
                    .as_str()
                    .is_some_and(|script| script.contains("/provisionManagedNetwork?"))
            })
            .map(|value| {
                let body = literal(value);
                let environment = body["properties"]["environmentVariables"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|v| {
                        let text = |k: &str| v[k].as_str().unwrap_or("(not literal)").to_owned();
                        (text("name"), text("value"))
                    })
                    .collect();
                ProvisioningScript {
                    environment,
                    identities: identity_symbols(value),
                    depends_on: property(value, "dependsOn")
                        .map(crate::outbound_rules::identifiers)
                        .unwrap_or_default(),
                    timeout: body["properties"]["timeout"]
                        .as_str()
                        .unwrap_or_default()
                        .to_owned(),
                }
            })
            .collect();
    assert!(
        scripts.len() <= 1,
        "{role}: {} provisioning scripts",
        scripts.len()
    );
    scripts.into_iter().next()
}

/// The value of the top-level property `name` of a Bicep object.
fn property<'a>(object: &'a Expr, name: &str) -> Option<&'a Expr> {
    let ExprKind::Object(entries) = &object.kind else {
        return None;
    };
    entries.iter().find_map(|e| match e {
        Entry::Prop {
            key: Key::Name(key),
            value,
            ..
        } if key == name => Some(value),
        _ => None,
    })
}

/// The symbols whose `.id` keys `identity.userAssignedIdentities` (`'${identity.id}': {}`).
fn identity_symbols(resource: &Expr) -> Vec<String> {
    let Some(assigned) = property(resource, "identity")
        .and_then(|identity| property(identity, "userAssignedIdentities"))
    else {
        return Vec::new();
    };
    let ExprKind::Object(entries) = &assigned.kind else {
        return Vec::new();
    };
    entries
        .iter()
        .filter_map(|e| match e {
            Entry::Prop {
                key: Key::Interpolated(key),
                ..
            } => key_symbol(key),
            _ => None,
        })
        .collect()
}

/// `identity` of the interpolated key `'${identity.id}'`.
fn key_symbol(key: &Expr) -> Option<String> {
    let ExprKind::Str(parts) = &key.kind else {
        return None;
    };
    let [Part::Hole(hole)] = &parts[..] else {
        return None;
    };
    match &hole.kind {
        ExprKind::Member { base, name, .. } if name == "id" => match &base.kind {
            ExprKind::Ident(symbol) => Some(symbol.clone()),
            _ => None,
        },
        _ => None,
    }
}

/// Minutes of an ISO 8601 duration of hours and minutes (`PT80M`, `PT1H30M`).
fn iso_minutes(text: &str) -> u64 {
    let Some(rest) = text.strip_prefix("PT") else {
        panic!("{text}: not an ISO 8601 time duration");
    };
    let (hours, minutes) = match rest.split_once('H') {
        Some((h, m)) => (h.parse::<u64>().expect("hours"), m),
        None => (0, rest),
    };
    let minutes = minutes.strip_suffix('M').unwrap_or("0");
    hours * 60 + minutes.parse::<u64>().unwrap_or(0)
}

/// How many outbound rules `modules/ROLE-workspace.bicep` declares, as child resources of its
/// workspace.
fn bicep_rule_count(out: &Path, role: &str) -> usize {
    let file = bicep_file(out, &format!("modules/{role}-workspace.bicep"));
    declared(
        &file,
        "Microsoft.MachineLearningServices/workspaces/outboundRules@",
    )
    .count()
}

/// The names of the AmlCompute clusters of `modules/ROLE-compute.bicep`.
fn bicep_cluster_names(out: &Path, role: &str) -> Vec<String> {
    let file = bicep_file(out, &format!("modules/{role}-compute.bicep"));
    file.statements
        .iter()
        .filter_map(|s| match &s.kind {
            StmtKind::Resource(r) if !r.existing => {
                let body = literal(&r.value);
                (body["properties"]["computeType"] == "AmlCompute")
                    .then(|| body["name"].as_str().unwrap_or_default().to_owned())
            }
            _ => None,
        })
        .collect()
}

/// The symbols a module of `main.bicep` lists in `dependsOn`.
pub(crate) fn module_depends_on(main: &BicepFile, symbol: &str) -> Vec<String> {
    let module = main
        .statements
        .iter()
        .find_map(|s| match &s.kind {
            StmtKind::Module(m) if m.symbol == symbol => Some(m),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no module {symbol}"));
    let ExprKind::Object(entries) = &module.value.kind else {
        panic!("{symbol}: not an object");
    };
    entries
        .iter()
        .find_map(|e| match e {
            Entry::Prop {
                key: Key::Name(name),
                value,
                ..
            } if name == "dependsOn" => Some(value),
            _ => None,
        })
        .map(|value| match &value.kind {
            ExprKind::Array(items) => items
                .iter()
                .filter_map(|item| match item {
                    Item::Value(Expr {
                        kind: ExprKind::Ident(name),
                        ..
                    }) => Some(name.clone()),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        })
        .unwrap_or_default()
}

/// The literal parts of a Bicep expression as JSON; anything computed is `null`.
pub(crate) fn literal(expr: &Expr) -> Value {
    match &expr.kind {
        ExprKind::Str(_) => expr.literal().map_or(Value::Null, Value::String),
        ExprKind::Int(n) => Value::from(*n),
        ExprKind::Bool(b) => Value::Bool(*b),
        ExprKind::Object(entries) => Value::Object(
            entries
                .iter()
                .filter_map(|e| match e {
                    Entry::Prop {
                        key: Key::Name(name),
                        value,
                        ..
                    } => Some((name.clone(), literal(value))),
                    _ => None,
                })
                .collect(),
        ),
        ExprKind::Array(items) => items
            .iter()
            .map(|i| match i {
                Item::Value(e) => literal(e),
                Item::Spread(_) => Value::Null,
            })
            .collect(),
        _ => Value::Null,
    }
}
