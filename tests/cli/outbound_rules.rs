//! Approved outbound rules are owned, one Azure resource each (issue 16): a rule removed from
//! the profile leaves the generated configuration, so Terraform destroys it and a Bicep
//! deployment stack deletes it, while the other rules keep their resource as it was. Rules are
//! written one after the other. Everything is read from the parsed output.

use std::collections::BTreeMap;
use std::path::Path;

use hcl::expr::Expression;
use hcl::{Block, Body};

use crate::bicep::{self, Entry, Expr, ExprKind, Item, Key, prop};
use crate::support::{
    attribute, bicep_resources, extending, files_under, generate_into, mlzone, path, reference,
    text, text_of,
};

const RULE_TYPE: &str = "Microsoft.MachineLearningServices/workspaces/outboundRules@";

/// Both rules, then the FQDN rule removed.
const TWO_RULES: &str = "network:\n  outbound:\n    - {name: pypi, fqdn: pypi.org}\n    - {name: entra-id, service_tag: AzureActiveDirectory}\n";
const ONE_RULE: &str =
    "network:\n  outbound:\n    - {name: entra-id, service_tag: AzureActiveDirectory}\n";

#[test]
fn an_outbound_rule_removed_from_the_profile_is_destroyed_and_the_other_kept() {
    let temp = tempfile::tempdir().expect("a temporary directory");
    let out = temp.path().join("infra");
    let profile = extending(temp.path(), "profiles/baseline.yaml", TWO_RULES);
    generate_into(&profile, &out, "terraform,bicep");
    let before = Output::read(&out);
    // The same project, regenerated into the same directory after the rule left the profile.
    extending(temp.path(), "profiles/baseline.yaml", ONE_RULE);
    generate_into(&profile, &out, "terraform,bicep");
    let after = Output::read(&out);

    for role in ["primary", "secondary"] {
        // Terraform: the removed rule's address is gone, so `terraform plan` destroys it; the
        // other rule keeps its address and every argument that reaches Azure.
        let removed = format!("azapi_resource.{role}_outbound_pypi");
        let kept = format!("azapi_resource.{role}_outbound_entra-id");
        assert_eq!(
            before.rules(role),
            [removed.clone(), kept.clone()],
            "{role}: one resource per rule, in the profile's order"
        );
        assert_eq!(
            after.rules(role),
            std::slice::from_ref(&kept),
            "{role}: {removed} is gone"
        );
        assert_eq!(
            before.arguments(&kept),
            after.arguments(&kept),
            "{role}: {kept} is unchanged"
        );
        assert_eq!(
            text_of(&after.arguments(&kept)["name"]),
            "entra-id",
            "{role}: {kept} is the rule's Azure resource"
        );
        // Bicep: the removed rule's child resource is no longer declared; the other is, as it
        // was.
        let file = format!("modules/{role}-workspace.bicep");
        assert_eq!(before.bicep_rules(&file), ["pypi", "entra-id"], "{file}");
        assert_eq!(after.bicep_rules(&file), ["entra-id"], "{file}");
        assert_eq!(
            before.bicep_rule_body(&file, "entra-id"),
            after.bicep_rule_body(&file, "entra-id"),
            "{file}: entra-id is unchanged"
        );
    }

    // Nothing else declares the rules: no update merges them into the workspace (a key it
    // stops sending stays in Azure), and the Bicep workspace has no inline map of them.
    for output in [&before, &after] {
        for (address, block) in output.of_type("azapi_update_resource") {
            let body = format!("{:?}", attribute(block, "body"));
            assert!(!body.contains("outboundRules"), "{address} merges rules");
        }
        for role in ["primary", "secondary"] {
            let file = format!("modules/{role}-workspace.bicep");
            let network = output
                .bicep_resources(&file, "Microsoft.MachineLearningServices/workspaces@")
                .into_iter()
                .find_map(|(_, value)| path(value, &["properties", "managedNetwork"]))
                .unwrap_or_else(|| panic!("{file}: a workspace with a managed network"));
            assert!(
                prop(network, "outboundRules").is_none(),
                "{file}: inline outbound rules"
            );
        }
    }

    // An incremental ARM deployment would leave the removed rule in place: the Bicep is
    // deployed as a deployment stack that deletes the resources leaving the template.
    let deploy = after
        .bicep_text("main.bicep")
        .lines()
        .find_map(|l| l.strip_prefix("// az "))
        .expect("main.bicep says how to deploy it")
        .to_owned();
    assert!(
        deploy.starts_with("stack sub create ")
            && deploy.contains(" --action-on-unmanage deleteResources ")
            && deploy.contains(" --template-file main.bicep "),
        "main.bicep deploys as a deleting stack: {deploy}"
    );
    let plan = mlzone()
        .arg("plan")
        .arg(&profile)
        .arg("--json")
        .assert()
        .success();
    let plan: serde_json::Value =
        serde_json::from_str(&text(&plan.get_output().stdout)).expect("plan JSON");
    assert_eq!(
        plan["bicep_deployment"]["action_on_unmanage"], "deleteResources",
        "the plan decides the stack's action"
    );
}

#[test]
fn outbound_rules_are_written_one_after_the_other_in_both_formats() {
    let temp = tempfile::tempdir().expect("a temporary directory");
    let out = temp.path().join("infra");
    // Three rules, one of each kind: the FQDN rule needs the firewall SKU set first.
    let profile = extending(
        temp.path(),
        "profiles/baseline.yaml",
        "network:\n  outbound:\n    - {name: entra-id, service_tag: AzureActiveDirectory}\n    - {name: pypi, fqdn: pypi.org}\n    - {name: hub-vault, private_endpoint: {resource_id: /subscriptions/7d1c3f55-9a4e-4b6f-8c2d-5e0a9b8c7d6e/resourceGroups/rg-hub/providers/Microsoft.KeyVault/vaults/kv-hub-shared, subresource: vault}}\n",
    );
    generate_into(&profile, &out, "terraform,bicep");
    let output = Output::read(&out);
    for role in ["primary", "secondary"] {
        let rules = output.rules(role);
        assert_eq!(rules.len(), 3, "{role}: {rules:?}");
        let firewall = format!("azapi_update_resource.{role}_managed_network");
        let workspace_id = format!("azurerm_machine_learning_workspace.{role}.id");
        // The first waits for the firewall SKU, each other one for the rule before it; a
        // private-endpoint rule also for its approver role.
        for (i, address) in rules.iter().enumerate() {
            let mut waits_for = vec![if i == 0 {
                firewall.clone()
            } else {
                rules[i - 1].clone()
            }];
            if address.ends_with("_outbound_hub-vault") {
                waits_for.push(format!("time_sleep.{role}_network_roles"));
            }
            assert_eq!(
                output.depends_on(address),
                waits_for,
                "{address} waits for {waits_for:?}"
            );
            // azapi's lock on the workspace keeps deletions and updates apart too.
            assert_eq!(
                output.locks(address),
                std::slice::from_ref(&workspace_id),
                "{address} locks the workspace"
            );
        }
        assert!(
            output.arguments(&firewall).contains_key("body"),
            "{firewall}"
        );

        let file = format!("modules/{role}-workspace.bicep");
        let symbols: Vec<String> = output
            .bicep_resources(&file, RULE_TYPE)
            .into_iter()
            .map(|(symbol, _)| symbol.to_owned())
            .collect();
        assert_eq!(symbols.len(), 3, "{file}: {symbols:?}");
        for (i, (symbol, value)) in output
            .bicep_resources(&file, RULE_TYPE)
            .into_iter()
            .enumerate()
        {
            let waits_for: Vec<String> = prop(value, "dependsOn")
                .map(identifiers)
                .unwrap_or_default();
            // The first waits for the roles on the workspace, each other for the rule before it.
            let expected: Vec<String> = match i {
                0 => vec!["workspaceRolesWait".to_owned()],
                _ => vec![symbols[i - 1].clone()],
            };
            assert_eq!(
                waits_for, expected,
                "{file}: {symbol} waits for the rule before it"
            );
        }
    }
}

// ---------------------------------------------------------------------------- test support

/// One generated output, parsed.
struct Output {
    /// Every Terraform resource block, by address.
    terraform: BTreeMap<String, Block>,
    /// Every `.bicep` file's text, by path under `bicep/`.
    bicep: BTreeMap<String, String>,
    /// The same, parsed.
    parsed: BTreeMap<String, bicep::BicepFile>,
}

impl Output {
    fn read(out: &Path) -> Self {
        let mut terraform = BTreeMap::new();
        for (name, bytes) in files_under(&out.join("terraform")) {
            if !name.ends_with(".tf") {
                continue;
            }
            let source = String::from_utf8(bytes).expect("UTF-8 Terraform");
            let body: Body = hcl::parse(&source).unwrap_or_else(|e| panic!("{name}: {e}"));
            for block in body.into_blocks() {
                if block.identifier() == "resource" {
                    let labels: Vec<&str> = block.labels().iter().map(|l| l.as_str()).collect();
                    terraform.insert(labels.join("."), block.clone());
                }
            }
        }
        let bicep: BTreeMap<String, String> = files_under(&out.join("bicep"))
            .into_iter()
            .filter(|(name, _)| name.ends_with(".bicep"))
            .map(|(name, bytes)| (name, String::from_utf8(bytes).expect("UTF-8 Bicep")))
            .collect();
        let parsed = bicep
            .iter()
            .map(|(name, source)| {
                let file = bicep::parse(source).unwrap_or_else(|e| panic!("{name}: {e}"));
                (name.clone(), file)
            })
            .collect();
        Output {
            terraform,
            bicep,
            parsed,
        }
    }

    /// The Terraform resources of `ty`, by address.
    fn of_type<'a>(&'a self, ty: &'a str) -> impl Iterator<Item = (&'a String, &'a Block)> {
        self.terraform
            .iter()
            .filter(move |(address, _)| address.split('.').next() == Some(ty))
    }

    /// The addresses of `role`'s outbound-rule resources, in file order (the profile's).
    fn rules(&self, role: &str) -> Vec<String> {
        let workspace = format!("azurerm_machine_learning_workspace.{role}.id");
        let mut rules: Vec<(usize, String)> = self
            .of_type("azapi_resource")
            .filter(|(_, block)| {
                text_of(&attribute(block, "type")).starts_with(RULE_TYPE)
                    && reference(&attribute(block, "parent_id")) == workspace
            })
            .map(|(address, _)| (self.position(address), address.clone()))
            .collect();
        rules.sort();
        rules.into_iter().map(|(_, address)| address).collect()
    }

    /// Where the resource at `address` is declared among its file's rules: its name's place
    /// in the order the rules wait for each other.
    fn position(&self, address: &str) -> usize {
        let mut steps = 0;
        let mut current = address.to_owned();
        while let Some(previous) = self
            .depends_on(&current)
            .into_iter()
            .find(|d| d.starts_with("azapi_resource."))
        {
            steps += 1;
            current = previous;
            assert!(steps < 1000, "{address}: its dependencies go round");
        }
        steps
    }

    /// Every argument of the resource at `address` but `depends_on`, as written.
    fn arguments(&self, address: &str) -> BTreeMap<String, Expression> {
        let block = self
            .terraform
            .get(address)
            .unwrap_or_else(|| panic!("no resource {address}"));
        block
            .body()
            .attributes()
            .filter(|a| a.key.as_str() != "depends_on")
            .map(|a| (a.key.as_str().to_owned(), a.expr.clone()))
            .collect()
    }

    /// What the resource at `address` lists in `depends_on`, as addresses.
    fn depends_on(&self, address: &str) -> Vec<String> {
        self.list(address, "depends_on")
    }

    /// What the resource at `address` lists in `locks`, as references.
    fn locks(&self, address: &str) -> Vec<String> {
        self.list(address, "locks")
    }

    fn list(&self, address: &str, key: &str) -> Vec<String> {
        let block = self
            .terraform
            .get(address)
            .unwrap_or_else(|| panic!("no resource {address}"));
        match attribute(block, key) {
            Expression::Array(items) => items.iter().map(reference).collect(),
            Expression::Null => Vec::new(),
            other => panic!("{address}: {key} is {other:?}"),
        }
    }

    fn bicep_text(&self, file: &str) -> &str {
        self.bicep
            .get(file)
            .unwrap_or_else(|| panic!("no {file}"))
            .as_str()
    }

    /// (symbol, body) of the resources of `file` whose type starts with `ty`, in file order.
    fn bicep_resources(&self, file: &str, ty: &str) -> Vec<(&str, &Expr)> {
        bicep_resources(
            self.parsed.get(file).unwrap_or_else(|| panic!("no {file}")),
            ty,
        )
    }

    /// The names of the outbound-rule resources of `file`, in file order.
    fn bicep_rules(&self, file: &str) -> Vec<String> {
        self.bicep_resources(file, RULE_TYPE)
            .into_iter()
            .map(|(symbol, value)| {
                assert_eq!(
                    prop(value, "parent").map(identifiers),
                    Some(vec!["workspace".to_owned()]),
                    "{file}: {symbol} is a child of the workspace"
                );
                prop(value, "name")
                    .and_then(Expr::literal)
                    .unwrap_or_else(|| panic!("{file}: {symbol} has a literal name"))
            })
            .collect()
    }

    /// The outbound rule `name` in `file` as written, but for what it waits for.
    fn bicep_rule_body(&self, file: &str, name: &str) -> serde_json::Value {
        let mut body = self
            .bicep_resources(file, RULE_TYPE)
            .into_iter()
            .find(|(_, value)| prop(value, "name").and_then(Expr::literal).as_deref() == Some(name))
            .map(|(_, value)| json(value))
            .unwrap_or_else(|| panic!("{file}: no rule {name}"));
        if let Some(map) = body.as_object_mut() {
            map.remove("dependsOn");
        }
        body
    }
}

/// A Bicep expression as JSON, without source positions; symbols as `<name>`.
fn json(expr: &Expr) -> serde_json::Value {
    use serde_json::Value;
    match &expr.kind {
        ExprKind::Str(_) => expr
            .literal()
            .map_or_else(|| Value::String("<interpolated>".to_owned()), Value::String),
        ExprKind::Int(n) => Value::from(*n),
        ExprKind::Bool(b) => Value::Bool(*b),
        ExprKind::Null => Value::Null,
        ExprKind::Ident(name) => Value::String(format!("<{name}>")),
        ExprKind::Object(entries) => entries
            .iter()
            .map(|entry| match entry {
                Entry::Prop {
                    key: Key::Name(name),
                    value,
                    ..
                } => (name.clone(), json(value)),
                _ => ("<entry>".to_owned(), Value::Null),
            })
            .collect::<serde_json::Map<_, _>>()
            .into(),
        ExprKind::Array(items) => items
            .iter()
            .map(|item| match item {
                Item::Value(e) | Item::Spread(e) => json(e),
            })
            .collect(),
        _ => Value::String("<expression>".to_owned()),
    }
}

/// The symbols a Bicep expression names: itself, or the items of an array.
pub(crate) fn identifiers(expr: &Expr) -> Vec<String> {
    match &expr.kind {
        ExprKind::Ident(name) => vec![name.clone()],
        ExprKind::Array(items) => items
            .iter()
            .flat_map(|item| match item {
                Item::Value(e) | Item::Spread(e) => identifiers(e),
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// Allowing internet outbound, the managed network takes private-endpoint rules only (Learn
/// training "Restrict Azure Machine Learning workspace network", unit "Managed network
/// isolation"): the profile's FQDN and service-tag rules are left out of both formats, each
/// with a located warning, and the waiver says it removes them.
#[test]
fn internet_outbound_leaves_out_fqdn_and_service_tag_rules_and_says_so() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let profile = extending(
        dir.path(),
        "profiles/baseline.yaml",
        "network: {internet_outbound: true}\nwaivers:\n  - {id: SEC-04, reason: \"mirror pending\", expires: 2027-03-31}\n",
    );
    let validated = mlzone().arg("validate").arg(&profile).assert().success();
    let stderr = String::from_utf8_lossy(&validated.get_output().stderr).into_owned();
    let stdout = String::from_utf8_lossy(&validated.get_output().stdout).into_owned();
    for rule in ["pypi", "pypi-files", "entra-id"] {
        assert!(
            stderr.contains(&format!("outbound rule `{rule}` is left out")),
            "{rule}: {stderr}"
        );
        assert!(
            stdout.contains(&format!("removes outbound rule {rule} of workspace")),
            "{rule}: {stdout}"
        );
    }
    assert!(stderr.contains("baseline.yaml:20:7"), "located: {stderr}");

    let out = dir.path().join("infra");
    generate_into(&profile, &out, "terraform,bicep");
    let terraform =
        std::fs::read_to_string(out.join("terraform/workspace.tf")).expect("workspace.tf");
    assert!(terraform.contains("AllowInternetOutbound"), "{terraform}");
    assert!(!terraform.contains("outboundRules@"), "{terraform}");
    for role in ["primary", "secondary"] {
        let bicep =
            std::fs::read_to_string(out.join(format!("bicep/modules/{role}-workspace.bicep")))
                .expect("the workspace module");
        assert!(!bicep.contains("/outboundRules@"), "{role}: {bicep}");
    }
}
