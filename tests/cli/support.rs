//! Shared test helpers: the binary with a fixed date and no colour, run from `tests/`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use hcl::Block;
use hcl::expr::{Expression, Traversal, TraversalOperator};

use crate::bicep::{BicepFile, Expr, StmtKind, prop};

/// The date tests judge waivers and retirements against.
pub(crate) const TODAY: &str = "2026-11-22";

/// The repository root.
pub(crate) fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `mlzone` run from `tests/`, with a fixed date and no colour.
pub(crate) fn mlzone() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("mlzone").expect("the mlzone binary is built");
    cmd.current_dir(repo().join("tests"))
        .env("MLZONE_TODAY", TODAY)
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE");
    cmd
}

/// `path` relative to `tests/`, with forward slashes, as snapshots show it.
pub(crate) fn relative(path: &Path) -> String {
    slashed(path.strip_prefix(repo().join("tests")).unwrap_or(path))
}

/// Stdout or stderr as text.
pub(crate) fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A profile at `dir/profile.yaml` that extends golden profile `golden` (a path under the
/// repository root) and adds `body`.
pub(crate) fn extending(dir: &Path, golden: &str, body: &str) -> PathBuf {
    let path = dir.join("profile.yaml");
    let base = repo().join(golden);
    std::fs::write(&path, format!("extends: {}\n{body}", base.display()))
        .expect("the profile is written");
    path
}

/// `mlzone generate PROFILE -o OUT --format FORMATS`, which must succeed.
pub(crate) fn generate_into(profile: &Path, out: &Path, formats: &str) {
    mlzone()
        .arg("generate")
        .arg(profile)
        .arg("-o")
        .arg(out)
        .args(["--format", formats])
        .assert()
        .success();
}

/// A directory name for a label.
pub(crate) fn slug(label: &str) -> String {
    label.replace(['/', '.', ' ', ','], "_")
}

/// Every golden profile (`profiles/*.yaml`), sorted.
pub(crate) fn golden_profiles() -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = entries(&repo().join("profiles"))
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    found.sort();
    assert!(found.len() >= 5, "found {} golden profiles", found.len());
    found
}

/// Every worked example's profile (`examples/*/profile.yaml`), sorted.
pub(crate) fn examples() -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = entries(&repo().join("examples"))
        .into_iter()
        .map(|dir| dir.join("profile.yaml"))
        .filter(|p| p.is_file())
        .collect();
    found.sort();
    assert!(found.len() >= 3, "found {} examples", found.len());
    found
}

/// Every golden profile and worked example, as (path relative to the repository, path).
pub(crate) fn shipped_profiles() -> Vec<(String, PathBuf)> {
    let root = repo();
    golden_profiles()
        .into_iter()
        .chain(examples())
        .map(|path| (slashed(path.strip_prefix(&root).unwrap_or(&path)), path))
        .collect()
}

/// Every file under `dir`, by path relative to it with forward slashes.
pub(crate) fn files_under(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        for path in entries(&current) {
            if path.is_dir() {
                pending.push(path);
            } else {
                let bytes = std::fs::read(&path)
                    .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
                files.insert(slashed(path.strip_prefix(dir).unwrap_or(&path)), bytes);
            }
        }
    }
    files
}

/// The entries of a directory, unsorted.
pub(crate) fn entries(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .collect()
}

/// A path as text with forward slashes.
fn slashed(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// `mlzone plan --json PROFILE`, parsed.
pub(crate) fn plan_json(profile: &Path) -> serde_json::Value {
    let out = mlzone()
        .args(["plan", "--json"])
        .arg(profile)
        .assert()
        .success();
    serde_json::from_slice(&out.get_output().stdout)
        .unwrap_or_else(|e| panic!("plan of {} is not JSON: {e}", relative(profile)))
}

/// An attribute of an HCL block, `null` when absent.
pub(crate) fn attribute(block: &Block, key: &str) -> Expression {
    block
        .body()
        .attributes()
        .find(|a| a.key.as_str() == key)
        .map_or(Expression::Null, |a| a.expr.clone())
}

/// An HCL string literal's text; empty for anything else.
pub(crate) fn text_of(expr: &Expression) -> String {
    match expr {
        Expression::String(s) => s.clone(),
        _ => String::new(),
    }
}

/// An HCL reference such as `azapi_resource.primary_cmk.output.properties.keyUri` or
/// `encryption[0].key_id` as text.
pub(crate) fn reference(expr: &Expression) -> String {
    match expr {
        Expression::Traversal(traversal) => {
            let Traversal { expr, operators } = traversal.as_ref();
            let mut out = match expr {
                Expression::Variable(v) => v.to_string(),
                other => format!("{other:?}"),
            };
            for op in operators {
                match op {
                    TraversalOperator::GetAttr(name) => {
                        out.push('.');
                        out.push_str(name.as_str());
                    }
                    TraversalOperator::Index(Expression::Number(n)) => {
                        out.push_str(&format!("[{n}]"));
                    }
                    other => out.push_str(&format!("[{other:?}]")),
                }
            }
            out
        }
        Expression::Variable(v) => v.to_string(),
        other => format!("{other:?}"),
    }
}

/// The property at `keys` under a Bicep object expression.
pub(crate) fn path<'e>(object: &'e Expr, keys: &[&str]) -> Option<&'e Expr> {
    keys.iter()
        .try_fold(object, |current, key| prop(current, key))
}

/// (symbol, body) of the resources (not `existing`) of a parsed Bicep file whose type starts with
/// `ty`, in file order.
pub(crate) fn bicep_resources<'f>(file: &'f BicepFile, ty: &str) -> Vec<(&'f str, &'f Expr)> {
    file.statements
        .iter()
        .filter_map(|statement| match &statement.kind {
            StmtKind::Resource(resource)
                if !resource.existing
                    && resource.ty.literal().is_some_and(|t| t.starts_with(ty)) =>
            {
                Some((resource.symbol.as_str(), &resource.value))
            }
            _ => None,
        })
        .collect()
}

/// `mlzone COMMAND PROFILE -o OUT`, to add arguments to and run.
pub(crate) fn on_output(command: &str, profile: &Path, out: &Path) -> assert_cmd::Command {
    let mut cmd = mlzone();
    cmd.arg(command).arg(profile).arg("-o").arg(out);
    cmd
}

/// The hub's Azure Monitor Private Link Scope, which a zone with the hub's zones joins
/// (`network.dns.monitor_private_link_scope_id`).
pub(crate) const HUB_MONITOR_SCOPE: &str = "/subscriptions/3f2a1b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b/resourceGroups/rg-monitor/providers/Microsoft.Insights/privateLinkScopes/ampls-hub";

/// Every private DNS zone the golden profiles use, as the hub's (`network.dns.zone_ids` lines).
pub(crate) fn hub_zones() -> String {
    let zone = |name: &str| {
        format!(
            "      {name}: /subscriptions/3f2a1b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b/resourceGroups/rg-dns/providers/Microsoft.Network/privateDnsZones/{name}\n"
        )
    };
    [
        "privatelink.api.azureml.ms",
        "privatelink.notebooks.azure.net",
        "privatelink.blob.core.windows.net",
        "privatelink.file.core.windows.net",
        "privatelink.queue.core.windows.net",
        "privatelink.table.core.windows.net",
        "privatelink.vaultcore.azure.net",
        "privatelink.azurecr.io",
        "privatelink.monitor.azure.com",
        "privatelink.oms.opinsights.azure.com",
        "privatelink.ods.opinsights.azure.com",
        "privatelink.agentsvc.azure-automation.net",
    ]
    .iter()
    .map(|z| zone(z))
    .collect()
}
