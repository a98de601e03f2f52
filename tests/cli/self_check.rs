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
                if r.existing || !ty.starts_with("Microsoft.MachineLearningServices/workspaces") {
                    continue;
                }
                if let Some(short) = value["name"].as_str() {
                    deployed.push((ty, short.to_owned(), value["properties"].clone()));
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
        let modelled = |ty: &str| {
            ty == "Microsoft.MachineLearningServices/workspaces"
                || ty == "Microsoft.MachineLearningServices/workspaces/computes"
        };
        let declared = deployed.iter().filter(|(ty, ..)| modelled(ty)).count();
        assert_eq!(
            declared,
            bodies.len(),
            "{name}: the check judges every workspace and compute the Bicep declares"
        );
        assert!(
            errors.is_empty(),
            "{}:\n{}",
            relative(&path),
            errors.join("\n")
        );
    }
}
