//! Globally unique names: unique per subscription, the same in both formats, and a safe path for
//! zones deployed with the legacy names.

use std::fs;
use std::path::Path;

use crate::support::{extending, generate_into, mlzone, text};

const SUBSCRIPTION: &str = "6F1C2D3E-1111-4222-8333-444455556666";

fn read(dir: &Path, file: &str) -> String {
    fs::read_to_string(dir.join(file)).expect("a generated file")
}

/// A fraud-detection zone in `dir`, with `body` added to the golden baseline.
fn profile(dir: &Path, body: &str) -> std::path::PathBuf {
    extending(
        dir,
        "profiles/baseline.yaml",
        &format!("project: fraud-detection\n{body}"),
    )
}

#[test]
fn names_end_in_a_suffix_computed_from_the_subscription_in_both_formats() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("infra");
    generate_into(&profile(dir.path(), ""), &out, "terraform,bicep");
    let main = read(&out, "terraform/main.tf");
    assert!(
        main.contains(r#"name_suffix = substr(uuidv5("11fb06fb-712d-4ddd-98c7-e71bbd588830", join("-", [lower(var.subscription_id), "fraud-detection", "prod", "westeurope"])), 0, 4)"#),
        "{main}"
    );
    let tf = read(&out, "terraform/dependencies.tf");
    assert!(
        tf.contains(r#""stfrauddetectionpweu${local.name_suffix}""#),
        "{tf}"
    );
    let bicep = read(&out, "bicep/modules/primary-dependencies.bicep");
    assert!(
        bicep.contains("var nameSuffix = take(guid(toLower(subscription().subscriptionId), 'fraud-detection', 'prod', 'westeurope'), 4)"),
        "{bicep}"
    );
    assert!(
        bicep.contains("name: 'stfrauddetectionpweu${nameSuffix}'"),
        "{bicep}"
    );
    for file in [
        "terraform/dependencies.tf",
        "terraform/network.tf",
        "terraform/policy.tf",
    ] {
        assert!(!read(&out, file).contains("{suffix}"), "{file}");
    }
}

#[test]
fn plan_shows_the_names_a_subscription_gets() {
    let dir = tempfile::tempdir().unwrap();
    let profile = profile(dir.path(), "");
    let out = mlzone()
        .arg("plan")
        .arg(&profile)
        .args(["--subscription", SUBSCRIPTION])
        .assert()
        .success();
    let stdout = text(&out.get_output().stdout);
    // `terraform console`: substr(uuidv5("11fb06fb-…", join("-", [lower(SUBSCRIPTION),
    // "fraud-detection", "prod", "westeurope"])), 0, 4) is "2624".
    assert!(stdout.contains("stfrauddetectionpweu2624"), "{stdout}");
    assert!(stdout.contains("kvfrauddetectionpneu2624"), "{stdout}");
    assert!(!stdout.contains("{suffix}"), "{stdout}");
    let other = mlzone()
        .arg("plan")
        .arg(&profile)
        .args(["--subscription", "7a2b3c4d-1111-4222-8333-444455556666"])
        .assert()
        .success();
    assert!(!text(&other.get_output().stdout).contains("stfrauddetectionpweu2624"));
    let plain = mlzone().arg("plan").arg(&profile).assert().success();
    let plain = text(&plain.get_output().stdout);
    assert!(
        plain.contains("guid(lower(subscription ID), 'fraud-detection', 'prod', 'westeurope')"),
        "{plain}"
    );
    // The legacy names, to pin for a zone deployed before.
    assert!(plain.contains("stfrauddetectionpweua6zw"), "{plain}");
}

#[test]
fn plan_refuses_a_subscription_that_is_not_a_guid() {
    let dir = tempfile::tempdir().unwrap();
    mlzone()
        .arg("plan")
        .arg(profile(dir.path(), ""))
        .args(["--subscription", "prod"])
        .assert()
        .code(2);
}

#[test]
fn the_legacy_suffix_keeps_the_names_of_zones_deployed_before() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("infra");
    generate_into(
        &profile(dir.path(), "names: {suffix: legacy}\n"),
        &out,
        "terraform,bicep",
    );
    let tf = read(&out, "terraform/dependencies.tf");
    for name in [
        "kvfrauddetectionpweua6zw",
        "stfrauddetectionpweua6zw",
        "crfrauddetectionpweua6zw",
        "kvfrauddetectionpneue9k4",
    ] {
        assert!(tf.contains(&format!("\"{name}\"")), "{name}");
    }
    assert!(read(&out, "terraform/network.tf").contains("pe-stfrauddetectionpweua6zw-blob"));
    assert!(!read(&out, "terraform/main.tf").contains("name_suffix"));
    let bicep = read(&out, "bicep/modules/primary-dependencies.bicep");
    assert!(bicep.contains("name: 'stfrauddetectionpweua6zw'"));
    assert!(!bicep.contains("nameSuffix"));
}

/// `diff` output for a zone generated with `before` and regenerated with `after`; `strip`
/// removes the manifest's names, as manifests written before them look.
fn diff_after(before: &str, after: &str, strip: bool) -> (i32, String) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("infra");
    generate_into(&profile(dir.path(), before), &out, "terraform,bicep");
    if strip {
        let path = out.join(".mlzone/manifest.json");
        let mut manifest: serde_json::Value =
            serde_json::from_slice(&fs::read(&path).unwrap()).unwrap();
        manifest
            .as_object_mut()
            .unwrap()
            .remove("names")
            .expect("names");
        fs::write(&path, serde_json::to_vec_pretty(&manifest).unwrap()).unwrap();
    }
    let profile = profile(dir.path(), after);
    let run = mlzone()
        .arg("diff")
        .arg(&profile)
        .arg("-o")
        .arg(&out)
        .assert();
    let output = run.get_output();
    (output.status.code().unwrap_or(-1), text(&output.stdout))
}

#[test]
fn diff_warns_loudly_when_globally_unique_names_change() {
    for strip in [false, true] {
        let (code, stdout) = diff_after("names: {suffix: legacy}\n", "", strip);
        assert_eq!(code, 1);
        assert!(
            stdout.starts_with(
                "WARNING: globally unique names change; applying this replaces the resources:\n"
            ),
            "{stdout}"
        );
        for line in [
            "  primary/storage: stfrauddetectionpweua6zw → stfrauddetectionpweu{suffix}: a new, empty storage account; the old one is deleted with its data",
            "  primary/key_vault: kvfrauddetectionpweua6zw → kvfrauddetectionpweu{suffix}: a new key vault and key",
            "  registry: crfrauddetectionpweua6zw → crfrauddetectionpweu{suffix}: a new, empty registry",
            "set `names: {suffix: legacy}` in the profile",
        ] {
            assert!(
                stdout.contains(line),
                "missing {line:?} (strip {strip}) in\n{stdout}"
            );
        }
        assert!(
            stdout.ends_with(", 5 resources replaced by new names\n"),
            "{stdout}"
        );
    }
}

#[test]
fn diff_says_nothing_of_names_that_stay() {
    let (code, stdout) = diff_after("", "tags: {owner: someone-else}\n", false);
    assert_eq!(code, 1);
    assert!(!stdout.contains("globally unique names"), "{stdout}");
}
