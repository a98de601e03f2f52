//! The zone passes its own Deny policies (`mlzone::plan::check`): every shipped profile and
//! example does, and the bodies the check judges are the ones the Bicep deploys.

use std::path::Path;

use serde_json::Value;

use crate::bicep::StmtKind;
use crate::managed_network::literal;
use crate::support::{relative, shipped_profiles};

const TODAY: jiff::civil::Date = jiff::civil::date(2026, 11, 22);

fn plan(path: &Path) -> mlzone::plan::Plan {
    let loaded = mlzone::profile::load(path).expect("a shipped profile loads");
    let validated = mlzone::validate::validate(&loaded, TODAY).expect("a shipped profile is valid");
    mlzone::plan::resolve(&validated.profile)
}

#[test]
fn every_shipped_profile_passes_its_own_deny_policies() {
    for (name, path) in shipped_profiles() {
        let plan = plan(&path);
        let check = mlzone::plan::check::check(&plan);
        assert!(check.passes(), "{name}:\n{}", check.failures().join("\n"));
        let denies = plan
            .governance
            .assignments
            .iter()
            .any(|a| a.effect.as_deref() == Some("Deny"));
        assert!(
            !denies || !check.evaluated.is_empty(),
            "{name}: Deny assignments but nothing evaluated"
        );
        assert!(check.resources > 0, "{name}: no resources judged");
    }
}

/// Every leaf of `body` is in `deployed`, with the same value where the Bicep writes a literal.
fn agrees(body: &Value, deployed: &Value, at: &str, errors: &mut Vec<String>) {
    match body {
        Value::Object(map) => {
            for (key, value) in map {
                match deployed.get(key) {
                    Some(d) => agrees(value, d, &format!("{at}.{key}"), errors),
                    None => errors.push(format!("{at}.{key} is not deployed")),
                }
            }
        }
        leaf if !deployed.is_null() => {
            let text = |v: &Value| v.to_string().to_lowercase();
            if text(leaf) != text(deployed) {
                errors.push(format!("{at}: checked {leaf}, deployed {deployed}"));
            }
        }
        _ => {}
    }
}

/// A resource name as the plan writes it: the deploy-time suffix the Bicep interpolates is
/// `{suffix}`.
fn name_text(expr: &crate::bicep::Expr) -> Option<String> {
    let crate::bicep::ExprKind::Str(parts) = &expr.kind else {
        return None;
    };
    Some(
        parts
            .iter()
            .map(|p| match p {
                crate::bicep::Part::Text(text) => text.as_str(),
                crate::bicep::Part::Hole(_) => "{suffix}",
            })
            .collect(),
    )
}

#[test]
fn the_bodies_the_check_judges_are_the_ones_the_bicep_deploys() {
    for (name, path) in shipped_profiles() {
        let plan = plan(&path);
        let dir = tempfile::tempdir().unwrap();
        crate::support::generate_into(&path, dir.path(), "bicep");
        // (type, short name, properties) of every workspace and compute the Bicep declares.
        let mut deployed: Vec<(String, String, Value)> = Vec::new();
        for file in crate::support::files_under(&dir.path().join("bicep")).keys() {
            let source = std::fs::read_to_string(dir.path().join("bicep").join(file)).unwrap();
            let parsed = crate::bicep::parse(&source).expect("generated Bicep parses");
            for stmt in &parsed.statements {
                let StmtKind::Resource(r) = &stmt.kind else {
                    continue;
                };
                let ty = r.ty.literal().unwrap_or_default();
                let ty = ty.split('@').next().unwrap_or_default().to_owned();
                let value = literal(&r.value);
                if r.existing || !mlzone::plan::bodies::MODELLED.contains(&ty.as_str()) {
                    continue;
                }
                let name = crate::bicep::prop(&r.value, "name").and_then(name_text);
                if let Some(short) = name {
                    deployed.push((ty, short, value["properties"].clone()));
                }
            }
        }
        let bodies = mlzone::plan::bodies::bodies(&plan);
        let mut errors = Vec::new();
        for body in &bodies {
            let short = body.name.rsplit('/').next().unwrap_or_default();
            let same: Vec<&Value> = deployed
                .iter()
                .filter(|(ty, n, _)| ty == body.resource_type && n == short)
                .map(|(.., p)| p)
                .collect();
            if same.is_empty() {
                errors.push(format!(
                    "{} `{}` is not deployed",
                    body.resource_type, body.name
                ));
            }
            for properties in same {
                agrees(
                    &body.body["properties"],
                    properties,
                    &format!("{} properties", body.name),
                    &mut errors,
                );
            }
        }
        assert_eq!(
            deployed.len(),
            bodies.len(),
            "{name}: the check judges every resource of a modelled type the Bicep declares"
        );
        assert!(
            errors.is_empty(),
            "{}:\n{}",
            relative(&path),
            errors.join("\n")
        );
    }
}

/// The bodies the Terraform of `plan` deploys, read out of the rendered files.
fn terraform_bodies(plan: &mlzone::plan::Plan) -> Vec<mlzone::plan::bodies::ResourceBody> {
    let mut plan = plan.clone();
    plan.outputs = vec![mlzone::profile::OutputFormat::Terraform];
    let meta = mlzone::render::Meta::new(Path::new("profile.yaml"), Path::new("infra"));
    let files = mlzone::render::render(&plan, &meta, None).expect("a shipped profile renders");
    mlzone::deployed::terraform(files.iter().map(|(p, t)| (p.as_str(), t.as_str())))
}

#[test]
fn the_terraform_deploys_the_bodies_the_check_judges_and_passes_too() {
    for (name, path) in shipped_profiles() {
        let plan = plan(&path);
        let deployed = terraform_bodies(&plan);
        let judged = mlzone::plan::check::check_bodies(&plan.governance, &deployed);
        assert!(judged.passes(), "{name}: {}", judged.failures().join("\n"));
        let mut errors = Vec::new();
        let bodies = mlzone::plan::bodies::bodies(&plan);
        assert_eq!(
            deployed.len(),
            bodies.len(),
            "{name}: the Terraform declares every resource of a modelled type the plan has"
        );
        for body in &bodies {
            let Some(d) = deployed
                .iter()
                .find(|d| d.resource_type == body.resource_type && d.name == body.name)
            else {
                errors.push(format!(
                    "{} `{}` is not in the Terraform",
                    body.resource_type, body.name
                ));
                continue;
            };
            // The identity's ID is a reference in the Terraform and a placeholder in the plan.
            let mut properties = body.body["properties"].clone();
            if let Some(p) = properties.as_object_mut() {
                p.remove("primaryUserAssignedIdentity");
            }
            agrees(
                &properties,
                &d.body["properties"],
                &format!("{} properties", body.name),
                &mut errors,
            );
        }
        assert!(errors.is_empty(), "{name}:\n{}", errors.join("\n"));
    }
}
