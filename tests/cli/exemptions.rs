//! Waivers reach Azure Policy (issue 17): a waiver whose relaxed setting the rule of one of the
//! zone's Deny assignments flags exempts the zone's resource groups from that assignment, in
//! the Terraform and in the Bicep, with category Waiver, the waiver's expiry in the form the
//! provider parses (RFC 3339) and its reason as description; without the waiver there is no
//! exemption. Read off the generated files, at subscription and at resource-group scope.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use hcl::expr::{Expression, TraversalOperator};
use hcl::{Block, Body};

use crate::bicep::{self, Expr, ExprKind, StmtKind, prop};
use crate::support::{files_under, mlzone, repo, text};

const EXPIRES: &str = "2027-06-30";
const EXPIRES_ON: &str = "2027-06-30T23:59:59Z";

const BASE: &str = r#"
project: exempt
environment: prod
regions: {primary: westeurope}
compute:
  clusters:
    - {name: train, sku: Standard_D8_v5, purpose: training, max_nodes: 2}
  instances:
    - {name: dev-one, sku: Standard_D4_v5, user_object_id: 11111111-1111-4111-8111-111111111111}
access:
  - {group_object_id: 22222222-2222-4222-8222-222222222222, role: data_scientist}
"#;

/// (waived recommendation, what the profile adds to use it, the assignments exempted under
/// `policy.effect: deny`). Every recommendation `data/policies.yaml` lists in `relaxed_by`.
const CASES: &[(&str, &str, &[&str])] = &[
    ("SEC-03", "", &["workspace_public_network_access"]),
    (
        "SEC-13",
        "encryption: {customer_managed_key: false}\n",
        &["workspace_customer_managed_key"],
    ),
    ("SEC-07", "", &["compute_local_auth_disabled"]),
    ("COST-09", "", &["compute_instance_idle_shutdown"]),
    (
        "SEC-04",
        "network: {internet_outbound: true}\n",
        &["workspace_managed_network_isolation"],
    ),
    // Its own assignment goes with the waiver: nothing left to exempt from.
    ("SEC-02", "", &[]),
    // Its rule only audits (AuditIfNotExists).
    ("OPS-05", "", &[]),
];

/// What one generated output declares about exemptions.
struct Output {
    /// Terraform: `type.label` → block, every resource.
    tf: BTreeMap<String, Block>,
    /// Bicep: relative path → text.
    bicep: BTreeMap<String, String>,
    compliance: String,
}

fn generate(dir: &Path, scope: &str, extra: &str) -> Output {
    let golden = repo().join("profiles/baseline.yaml");
    let profile = dir.join("profile.yaml");
    std::fs::write(
        &profile,
        format!(
            "extends: {}\n{BASE}policy: {{effect: deny, scope: {scope}}}\n{extra}",
            golden.display()
        ),
    )
    .unwrap();
    let out = dir.join("out");
    let run = mlzone()
        .args(["generate", "-o"])
        .arg(&out)
        .arg(&profile)
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", text(&run.stderr));
    let mut tf = BTreeMap::new();
    for (name, bytes) in files_under(&out.join("terraform")) {
        let source = String::from_utf8(bytes).unwrap();
        let body: Body = hcl::parse(&source).unwrap_or_else(|e| panic!("{name}: {e}"));
        for b in body.blocks().filter(|b| b.identifier() == "resource") {
            let labels: Vec<&str> = b.labels().iter().map(|l| l.as_str()).collect();
            tf.insert(labels.join("."), b.clone());
        }
    }
    let bicep = files_under(&out.join("bicep"))
        .into_iter()
        .map(|(name, bytes)| (name, String::from_utf8(bytes).unwrap()))
        .collect();
    Output {
        tf,
        bicep,
        compliance: std::fs::read_to_string(out.join("COMPLIANCE.md")).unwrap(),
    }
}

fn waiver(id: &str, reason: &str) -> String {
    format!("waivers:\n  - {{id: {id}, reason: {reason:?}, expires: {EXPIRES}}}\n")
}

fn attr<'a>(body: &'a Body, name: &str) -> Option<&'a Expression> {
    body.attributes()
        .find(|a| a.key() == name)
        .map(|a| a.expr())
}

fn string(body: &Body, name: &str) -> String {
    match attr(body, name) {
        Some(Expression::String(s)) => s.clone(),
        other => panic!("`{name}` is not a string literal: {other:?}"),
    }
}

/// `a.b.c` of a traversal expression.
fn traversal(expr: Option<&Expression>) -> String {
    let Some(Expression::Traversal(t)) = expr else {
        panic!("not a reference: {expr:?}");
    };
    let mut out = t.expr.to_string();
    for op in &t.operators {
        if let TraversalOperator::GetAttr(name) = op {
            out.push('.');
            out.push_str(name.as_str());
        }
    }
    out
}

/// One exemption as a format declares it, read back to plain values.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Exemption {
    /// `primary` or `secondary`: whose resource group.
    region: String,
    name: String,
    /// The exempted assignment's name.
    assignment: String,
    category: String,
    expires_on: String,
    description: String,
}

/// The Terraform's exemptions.
fn terraform_exemptions(out: &Output) -> BTreeSet<Exemption> {
    out.tf
        .iter()
        .filter(|(address, _)| address.starts_with("azurerm_resource_group_policy_exemption."))
        .map(|(address, block)| {
            let body = block.body();
            let group = traversal(attr(body, "resource_group_id"));
            let region = group
                .strip_prefix("azurerm_resource_group.")
                .and_then(|g| g.strip_suffix(".id"))
                .unwrap_or_else(|| panic!("{address}: resource_group_id = {group}"))
                .to_owned();
            let assignment = traversal(attr(body, "policy_assignment_id"));
            let assignment = assignment
                .strip_suffix(".id")
                .and_then(|a| out.tf.get(a))
                .unwrap_or_else(|| panic!("{address}: no assignment {assignment}"));
            Exemption {
                region,
                name: string(body, "name"),
                assignment: string(assignment.body(), "name"),
                category: string(body, "exemption_category"),
                expires_on: string(body, "expires_on"),
                description: string(body, "description"),
            }
        })
        .collect()
}

fn literal(object: &Expr, key: &str) -> String {
    prop(object, key)
        .and_then(Expr::literal)
        .unwrap_or_else(|| panic!("`{key}` is not a string literal"))
}

/// The Bicep's exemptions, from each region's policies module.
fn bicep_exemptions(out: &Output) -> BTreeSet<Exemption> {
    let mut found = BTreeSet::new();
    for region in ["primary", "secondary"] {
        let Some(source) = out.bicep.get(&format!("modules/{region}-policies.bicep")) else {
            continue;
        };
        let file = bicep::parse(source).unwrap_or_else(|e| panic!("{region}: {e}"));
        // Assignments declared in the same file, by symbol.
        let mut assignments = BTreeMap::new();
        let mut exemptions = Vec::new();
        for statement in &file.statements {
            let StmtKind::Resource(resource) = &statement.kind else {
                continue;
            };
            let ty = resource.ty.literal().unwrap_or_default();
            if ty.starts_with("Microsoft.Authorization/policyAssignments@") {
                assignments.insert(resource.symbol.clone(), literal(&resource.value, "name"));
            } else if ty.starts_with("Microsoft.Authorization/policyExemptions@") {
                exemptions.push(resource);
            }
        }
        for resource in exemptions {
            let properties = prop(&resource.value, "properties").expect("properties");
            let id = prop(properties, "policyAssignmentId").expect("policyAssignmentId");
            let assignment = match &id.kind {
                // Resource-group scope: the assignment in the same file.
                ExprKind::Member { base, name, .. } if name == "id" => match &base.kind {
                    ExprKind::Ident(symbol) => assignments[symbol].clone(),
                    other => panic!("{other:?}"),
                },
                // Subscription scope: the assignment's ID by type and name.
                ExprKind::Call { callee, args } => {
                    assert!(
                        matches!(&callee.kind, ExprKind::Ident(f) if f == "subscriptionResourceId")
                    );
                    assert_eq!(
                        args[0].literal().as_deref(),
                        Some("Microsoft.Authorization/policyAssignments")
                    );
                    args[1].literal().expect("a literal assignment name")
                }
                other => panic!("policyAssignmentId: {other:?}"),
            };
            found.insert(Exemption {
                region: region.to_owned(),
                name: literal(&resource.value, "name"),
                assignment,
                category: literal(properties, "exemptionCategory"),
                expires_on: literal(properties, "expiresOn"),
                description: literal(properties, "description"),
            });
        }
    }
    found
}

/// The assignment names of `keys`, as mlzone names them for project `exempt`.
fn assignment_names(keys: &[&str]) -> BTreeSet<String> {
    keys.iter()
        .map(|k| format!("mlz-exempt-{}", k.replace('_', "-")))
        .collect()
}

#[test]
fn the_cases_cover_every_waiver_the_policy_mapping_names() {
    let mapped: BTreeSet<&str> = mlzone::facts::policies()
        .iter()
        .flat_map(|p| p.relaxed_by.iter().map(String::as_str))
        .collect();
    let cases: BTreeSet<&str> = CASES.iter().map(|(id, ..)| *id).collect();
    assert_eq!(mapped, cases);
}

#[test]
fn without_a_waiver_there_is_no_exemption_in_either_format() {
    for scope in ["subscription", "resource_group"] {
        let dir = tempfile::tempdir().unwrap();
        let out = generate(dir.path(), scope, "");
        assert!(terraform_exemptions(&out).is_empty(), "{scope}");
        assert!(bicep_exemptions(&out).is_empty(), "{scope}");
        assert!(
            !out.bicep.values().any(|b| b.contains("policyExemptions")),
            "{scope}"
        );
        assert!(!out.compliance.contains("### Azure Policy"), "{scope}");
        if scope == "subscription" {
            assert!(!out.bicep.contains_key("modules/primary-policies.bicep"));
        }
    }
}

#[test]
fn each_relaxing_waiver_exempts_the_zone_from_the_assignments_that_deny_it_in_both_formats() {
    let mut failures = Vec::new();
    for scope in ["subscription", "resource_group"] {
        for (id, relax, exempted) in CASES {
            let dir = tempfile::tempdir().unwrap();
            let reason = format!("test waiver of {id}");
            let out = generate(
                dir.path(),
                scope,
                &format!("{relax}{}", waiver(id, &reason)),
            );
            // Production: a secondary region (the pair), whose resource group is exempted too.
            let expected: BTreeSet<Exemption> = ["primary", "secondary"]
                .into_iter()
                .flat_map(|region| {
                    assignment_names(exempted)
                        .into_iter()
                        .map(move |a| (region, a))
                })
                .map(|(region, assignment)| Exemption {
                    region: region.to_owned(),
                    name: format!(
                        "mlz-exempt-{}-{}",
                        id.to_lowercase(),
                        assignment.trim_start_matches("mlz-exempt-")
                    ),
                    assignment,
                    category: "Waiver".to_owned(),
                    expires_on: EXPIRES_ON.to_owned(),
                    description: reason.clone(),
                })
                .collect();
            let terraform = terraform_exemptions(&out);
            let bicep = bicep_exemptions(&out);
            if terraform != expected {
                failures.push(format!(
                    "{scope} {id}: Terraform\n  {terraform:?}\n  expected {expected:?}"
                ));
            }
            if bicep != expected {
                failures.push(format!(
                    "{scope} {id}: Bicep\n  {bicep:?}\n  expected {expected:?}"
                ));
            }
            // The exempted assignment is one this zone declares, with the Deny effect.
            for assignment in assignment_names(exempted) {
                let declared = out.tf.values().any(|b| {
                    attr(b.body(), "name") == Some(&Expression::String(assignment.clone()))
                        && matches!(attr(b.body(), "parameters"), Some(p) if format!("{p}").contains("\"Deny\""))
                });
                if !declared {
                    failures.push(format!("{scope} {id}: no Deny assignment {assignment}"));
                }
            }
            // COMPLIANCE.md lists the exemptions under the waiver, in its Azure Policy part.
            let listed = out
                .compliance
                .split("### Azure Policy")
                .nth(1)
                .unwrap_or_default()
                .split("\n- **")
                .find(|section| section.starts_with(&format!("{id}**")));
            match listed {
                None => failures.push(format!("{scope} {id}: COMPLIANCE.md has no entry")),
                Some(section) => {
                    for e in expected.iter().filter(|e| e.region == "primary") {
                        let line = format!("exemption `{}`, until {EXPIRES_ON}", e.name);
                        if !section.contains(&line) {
                            failures.push(format!(
                                "{scope} {id}: COMPLIANCE.md lacks {line:?}:\n{section}"
                            ));
                        }
                    }
                    if exempted.is_empty() && !section.contains("no exemption from") {
                        failures.push(format!("{scope} {id}: COMPLIANCE.md says nothing"));
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_region_s_resource_group_is_exempted_and_the_workspace_waits_for_it() {
    let dir = tempfile::tempdir().unwrap();
    let out = generate(
        dir.path(),
        "subscription",
        &format!(
            "encryption: {{customer_managed_key: false}}\n{}",
            waiver("SEC-13", "two regions")
        ),
    );
    for exemptions in [terraform_exemptions(&out), bicep_exemptions(&out)] {
        let regions: Vec<&str> = exemptions.iter().map(|e| e.region.as_str()).collect();
        assert_eq!(regions, ["primary", "secondary"]);
    }
    for region in ["primary", "secondary"] {
        let workspace = &out.tf[&format!("azurerm_machine_learning_workspace.{region}")];
        let Some(Expression::Array(after)) = attr(workspace.body(), "depends_on") else {
            panic!("{region}: no depends_on list");
        };
        let after: Vec<String> = after.iter().map(|e| traversal(Some(e))).collect();
        let exemption = format!(
            "azurerm_resource_group_policy_exemption.{region}_sec_13_workspace_customer_managed_key"
        );
        assert!(after.contains(&exemption), "{region}: {after:?}");
    }
    // The exemption modules' deployment names carry the zone, like every other module's.
    let governance = &out.bicep["modules/governance.bicep"];
    for region in ["primary", "secondary"] {
        let name = format!("name: 'mlzone-exempt-prod-weu-{region}-policies'");
        assert!(governance.contains(&name), "{region}: no {name}");
    }
    let main = &out.bicep["main.bicep"];
    let file = bicep::parse(main).unwrap();
    for statement in &file.statements {
        if let StmtKind::Module(module) = &statement.kind
            && module.symbol.ends_with("Workspace")
        {
            let depends = prop(&module.value, "dependsOn").expect("dependsOn");
            let ExprKind::Array(items) = &depends.kind else {
                panic!("{}: dependsOn", module.symbol);
            };
            assert!(
                items.iter().any(|i| matches!(
                    i,
                    bicep::Item::Value(Expr { kind: ExprKind::Ident(name), .. }) if name == "governance"
                )),
                "{} does not wait for the exemptions",
                module.symbol
            );
        }
    }
}

#[test]
fn audit_assignments_get_no_exemption_and_the_report_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let golden = repo().join("profiles/baseline.yaml");
    let profile = dir.path().join("profile.yaml");
    std::fs::write(
        &profile,
        format!(
            "extends: {}\n{BASE}policy: {{effect: audit}}\nencryption: {{customer_managed_key: false}}\n{}",
            golden.display(),
            waiver("SEC-13", "audit only")
        ),
    )
    .unwrap();
    let out_dir = dir.path().join("out");
    let run = mlzone()
        .args(["generate", "-o"])
        .arg(&out_dir)
        .arg(&profile)
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", text(&run.stderr));
    let all: String = files_under(&out_dir)
        .into_values()
        .map(|b| String::from_utf8(b).unwrap())
        .collect();
    assert!(!all.contains("azurerm_resource_group_policy_exemption"));
    assert!(!all.contains("Microsoft.Authorization/policyExemptions"));
    let compliance = std::fs::read_to_string(out_dir.join("COMPLIANCE.md")).unwrap();
    assert!(
        compliance.contains(
            "  - no exemption from Azure Machine Learning workspaces should be encrypted with a customer-managed key: its effect, Audit, reports"
        ),
        "{compliance}"
    );
}

#[test]
fn generated_exemptions_pass_the_schema_value_and_type_checks() {
    // No shipped profile has an exemption, so the checkers that run over them are run here.
    let waivers = format!(
        "encryption: {{customer_managed_key: false}}\nnetwork: {{internet_outbound: true}}\nwaivers:\n{}",
        CASES
            .iter()
            .map(|(id, ..)| format!(
                "  - {{id: {id}, reason: \"checked {id}\", expires: {EXPIRES}}}\n"
            ))
            .collect::<String>()
    );
    let mut failures = Vec::new();
    for scope in ["subscription", "resource_group"] {
        let dir = tempfile::tempdir().unwrap();
        let out = generate(dir.path(), scope, &waivers);
        assert!(!terraform_exemptions(&out).is_empty());
        let root = dir.path().join("out");
        failures.extend(
            crate::terraform::terraform_findings(&root.join("terraform"))
                .into_iter()
                .map(|f| format!("{scope}: {f}")),
        );
        let values =
            crate::provider_values::value_findings(&crate::provider_values::text_files(&root));
        assert!(values.checked > 100, "{scope}: {} values", values.checked);
        failures.extend(values.findings.into_iter().map(|f| format!("{scope}: {f}")));
        let (findings, resources) = crate::bicep::bicep_findings(&root.join("bicep"));
        assert!(resources > 0);
        failures.extend(findings.into_iter().map(|f| format!("{scope}: {f}")));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
