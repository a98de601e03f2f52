//! Every `--json` has one versioned shape (`docs/json.md`), the same for one profile or many.

use std::path::Path;

use serde_json::Value;

use crate::support::{extending, mlzone, repo};

fn json(args: &[&str], profiles: &[&Path], code: i32) -> Value {
    let run = mlzone().args(args).args(profiles).assert().code(code);
    serde_json::from_slice(&run.get_output().stdout)
        .unwrap_or_else(|e| panic!("{args:?} prints JSON: {e}"))
}

#[test]
fn every_json_output_carries_its_schema_version() {
    let baseline = repo().join("profiles/baseline.yaml");
    for (args, profiles) in [
        (vec!["plan", "--json"], vec![baseline.as_path()]),
        (vec!["recommendations", "--json"], vec![]),
        (vec!["validate", "--json"], vec![baseline.as_path()]),
    ] {
        let value = json(&args, &profiles, 0);
        assert_eq!(value["schema_version"], 1, "{args:?}: {value:#}");
        let first = value.as_object().and_then(|o| o.keys().next().cloned());
        assert_eq!(first.as_deref(), Some("schema_version"), "{args:?}");
    }
}

#[test]
fn one_profile_or_many_give_the_same_shape() {
    let dir = tempfile::tempdir().unwrap();
    let one = extending(dir.path(), "profiles/exploratory.yaml", "project: one\n");
    let other_dir = dir.path().join("two");
    std::fs::create_dir_all(&other_dir).unwrap();
    let two = extending(&other_dir, "profiles/exploratory.yaml", "project: two\n");
    for command in ["validate", "diff"] {
        let code = if command == "diff" { 1 } else { 0 };
        let single = json(&[command, "--json"], &[&one], code);
        let fleet = json(&[command, "--json"], &[&one, &two], code);
        for value in [&single, &fleet] {
            assert_eq!(value["schema_version"], 1, "{value:#}");
            assert_eq!(value["command"], command, "{value:#}");
            assert_eq!(value["exit_code"], code, "{value:#}");
        }
        assert_eq!(single["profiles"].as_array().map(Vec::len), Some(1));
        assert_eq!(fleet["profiles"].as_array().map(Vec::len), Some(2));
        let keys = |v: &Value| -> Vec<String> { v.as_object().unwrap().keys().cloned().collect() };
        assert_eq!(keys(&single), keys(&fleet), "{command}");
        assert_eq!(
            keys(&single["profiles"][0]),
            keys(&fleet["profiles"][1]),
            "{command}: each profile's entry has the same fields"
        );
    }
}

/// An invalid profile in `dir/bad`: its primary region is misspelt (line 3).
fn misspelt_region(dir: &Path) -> std::path::PathBuf {
    let bad_dir = dir.join("bad");
    std::fs::create_dir_all(&bad_dir).unwrap();
    extending(
        &bad_dir,
        "profiles/exploratory.yaml",
        "project: bad\nregions: {primary: westeurop}\n",
    )
}

#[test]
fn a_fleet_error_carries_its_diagnostics() {
    let dir = tempfile::tempdir().unwrap();
    let good = extending(dir.path(), "profiles/exploratory.yaml", "project: good\n");
    let bad = misspelt_region(dir.path());
    for profiles in [vec![good.as_path(), bad.as_path()], vec![bad.as_path()]] {
        let value = json(&["diff", "--json"], &profiles, 3);
        let entry = value["profiles"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["exit_code"] == 3)
            .unwrap_or_else(|| panic!("an invalid entry: {value:#}"));
        let diagnostics = entry["error"]["diagnostics"].as_array().unwrap();
        let region = diagnostics
            .iter()
            .find(|d| {
                d["message"]
                    .as_str()
                    .is_some_and(|m| m.contains("westeurop"))
            })
            .unwrap_or_else(|| panic!("the region's diagnostic: {entry:#}"));
        assert!(
            region["file"]
                .as_str()
                .is_some_and(|f| f.ends_with("profile.yaml")),
            "{region:#}"
        );
        assert_eq!(region["line"], 3, "{region:#}");
        assert!(region["column"].as_u64().is_some_and(|c| c > 0));
        assert!(
            region["help"]
                .as_str()
                .is_some_and(|h| h.contains("westeurope")),
            "{region:#}"
        );
    }
}

#[test]
fn every_json_command_prints_its_document_for_an_invalid_profile() {
    let dir = tempfile::tempdir().unwrap();
    let bad = extending(
        dir.path(),
        "profiles/exploratory.yaml",
        "project: bad\nregions: {primary: westeurop}\n",
    );
    for command in ["validate", "diff", "plan"] {
        let value = json(&[command, "--json"], &[&bad], 3);
        assert_eq!(value["schema_version"], 1, "{command}: {value:#}");
        assert_eq!(value["command"], command, "{command}: {value:#}");
        assert_eq!(value["exit_code"], 3, "{command}: {value:#}");
        // validate and diff: one entry per profile; plan: its one profile's fields at the top.
        let entry = match value["profiles"].as_array() {
            Some(entries) => entries[0].clone(),
            None => value.clone(),
        };
        assert!(
            entry["profile"]
                .as_str()
                .is_some_and(|p| p.ends_with("profile.yaml")),
            "{command}: {entry:#}"
        );
        let diagnostics = entry["diagnostics"]
            .as_array()
            .or_else(|| entry["error"]["diagnostics"].as_array())
            .unwrap_or_else(|| panic!("{command}: diagnostics: {entry:#}"));
        assert!(
            diagnostics
                .iter()
                .any(|d| d["code"] == "unknown-region" && d["line"] == 3),
            "{command}: {entry:#}"
        );
    }
    // A file that cannot be read: exit 4, and still the document.
    let missing = dir.path().join("missing.yaml");
    let value = json(&["plan", "--json"], &[&missing], 4);
    assert_eq!(value["exit_code"], 4, "{value:#}");
    assert!(
        value["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("cannot read"))
    );
}

#[test]
fn diff_json_gives_replacements_and_renames_with_their_documented_fields() {
    let temp = tempfile::tempdir().expect("a temporary directory");
    let out = temp.path().join("infra");
    let profile = extending(temp.path(), "profiles/baseline.yaml", "");
    crate::support::generate_into(&profile, &out, "terraform,bicep");
    // A rotation Azure keeps, and names whose suffix changes: both replace or keep something.
    extending(
        temp.path(),
        "profiles/baseline.yaml",
        "encryption: {key_rotation: P60D}\nnames: {suffix: legacy}\n",
    );
    let out_arg = out.to_str().expect("a UTF-8 path");
    let drift = json(&["diff", "--json", "-o", out_arg], &[&profile], 1);
    let docs = std::fs::read_to_string(repo().join("docs/json.md")).expect("docs/json.md");
    let entries = |name: &str| -> Vec<Value> {
        drift
            .pointer(&format!("/profiles/0/{name}"))
            .or_else(|| drift.get(name))
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_else(|| panic!("no {name} in {drift}"))
    };
    let kept = entries("replacements");
    let kept = kept
        .iter()
        .find(|r| r.get("kept_by_azure").is_some())
        .unwrap_or_else(|| panic!("no rotation kept by Azure in {kept:?}"));
    let renamed = entries("renamed");
    assert!(!renamed.is_empty(), "{drift}");
    for (entry, fields) in [
        (
            kept,
            &[
                "resource",
                "field",
                "property",
                "old",
                "new",
                "kept_by_azure",
            ][..],
        ),
        (&renamed[0], &["key", "old", "new", "replaces"][..]),
    ] {
        for field in fields {
            assert!(entry.get(field).is_some(), "{field} missing from {entry}");
            assert!(
                docs.contains(&format!("`{field}`")),
                "docs/json.md: no `{field}`"
            );
        }
    }
}

/// `mlzone ARGS`, which must exit `code`: its stdout as JSON, and its stderr, which `--json`
/// leaves empty.
fn json_only(args: &[&str], profiles: &[&Path], code: i32) -> Value {
    let run = mlzone().args(args).args(profiles).assert().code(code);
    let stderr = crate::support::text(&run.get_output().stderr);
    assert!(stderr.is_empty(), "{args:?}: stderr is empty:\n{stderr}");
    serde_json::from_slice(&run.get_output().stdout)
        .unwrap_or_else(|e| panic!("{args:?} prints JSON: {e}"))
}

/// The codes of `diagnostics`.
fn codes(diagnostics: &Value) -> Vec<&str> {
    diagnostics
        .as_array()
        .unwrap_or_else(|| panic!("a list: {diagnostics:#}"))
        .iter()
        .filter_map(|d| d["code"].as_str())
        .collect()
}

#[test]
fn with_json_every_diagnostic_is_in_the_document_and_stderr_stays_empty() {
    let dir = tempfile::tempdir().unwrap();
    // A warning (a VM size mlzone does not know), an invalid profile, a missing file.
    let warned = extending(
        dir.path(),
        "profiles/exploratory.yaml",
        "project: warned\ncompute:\n  clusters:\n    - {name: cpu, sku: Standard_Q4_v9, purpose: training, max_nodes: 2}\n",
    );
    let bad = misspelt_region(dir.path());
    let missing = dir.path().join("missing/profile.yaml");

    let value = json_only(&["validate", "--json"], &[&warned, &bad, &missing], 3);
    assert_eq!(codes(&value["profiles"][0]["diagnostics"]), ["unknown-sku"]);
    assert_eq!(
        codes(&value["profiles"][1]["diagnostics"]),
        ["unknown-region"]
    );
    assert_eq!(value["profiles"][2]["exit_code"], 4, "{value:#}");

    let value = json_only(&["diff", "--json"], &[&warned, &bad, &missing], 3);
    assert_eq!(codes(&value["profiles"][0]["diagnostics"]), ["unknown-sku"]);
    assert_eq!(value["profiles"][0]["overlay"], serde_json::json!([]));
    assert_eq!(
        codes(&value["profiles"][1]["error"]["diagnostics"]),
        ["unknown-region"]
    );
    assert_eq!(value["profiles"][2]["exit_code"], 4, "{value:#}");

    let value = json_only(&["plan", "--json"], &[&warned], 0);
    assert_eq!(codes(&value["diagnostics"]), ["unknown-sku"]);
    json_only(&["plan", "--json"], &[&bad], 3);
    json_only(&["plan", "--json"], &[&missing], 4);

    json_only(&["recommendations", "--json"], &[], 0);

    // Without `--json` the same warning is on stderr.
    let run = mlzone().args(["plan"]).arg(&warned).assert().code(0);
    assert!(crate::support::text(&run.get_output().stderr).contains("warning[unknown-sku]"));
}

#[test]
fn with_json_a_usage_error_is_text_on_stderr_and_no_document() {
    for args in [
        &["validate", "--json", "--bogus", "p.yaml"][..],
        &["diff", "--json", "-o", "out", "a/p.yaml", "b/p.yaml"],
        &["plan", "--json", "--subscription", "not-a-guid", "p.yaml"],
    ] {
        let run = mlzone().args(args).assert().code(2);
        assert!(run.get_output().stdout.is_empty(), "{args:?}");
        assert!(
            crate::support::text(&run.get_output().stderr).starts_with("error: "),
            "{args:?}"
        );
    }
}

#[test]
fn a_json_error_gives_its_hint_apart_from_its_message() {
    // The output directory named with `-o` is not there: a failure with a hint.
    let dir = tempfile::tempdir().unwrap();
    let profile = extending(dir.path(), "profiles/baseline.yaml", "project: hint\n");
    let run = mlzone()
        .args(["diff", "--json", "-o"])
        .arg(dir.path().join("nowhere"))
        .arg(&profile)
        .assert()
        .code(4);
    let value: Value = serde_json::from_slice(&run.get_output().stdout).unwrap();
    let error = &value["profiles"][0]["error"];
    let message = error["message"].as_str().unwrap();
    assert!(
        message.starts_with("the output directory `") && !message.contains("help:"),
        "{error:#}"
    );
    assert!(
        error["help"]
            .as_str()
            .is_some_and(|h| h.starts_with("check the path, or generate it first")),
        "{error:#}"
    );
    // An error without a hint has a `help` of null.
    let missing = dir.path().join("missing.yaml");
    let value = json(&["validate", "--json"], &[&missing], 4);
    assert_eq!(
        value["profiles"][0]["error"]["help"],
        Value::Null,
        "{value:#}"
    );
}
