use crate::support::{mlzone, repo, text};

#[test]
fn committed_schema_matches_the_profile_types() {
    let output = mlzone()
        .arg("schema")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let committed = std::fs::read_to_string(repo().join("schema/profile.schema.json"))
        .expect("schema/profile.schema.json is committed");
    assert!(
        text(&output) == committed,
        "schema/profile.schema.json is stale: run `cargo run -- schema > schema/profile.schema.json`"
    );
}

#[test]
fn recommendations_list_the_whole_catalog() {
    let output = mlzone()
        .args(["recommendations", "--json"])
        .assert()
        .success();
    let catalog: serde_json::Value = serde_json::from_slice(&output.get_output().stdout).unwrap();
    assert_eq!(catalog["schema_version"], 1);
    let ids: Vec<&str> = catalog["recommendations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 58);
    for id in [
        "REL-01", "SEC-03", "COST-09", "OPS-05", "PERF-03", "POL-10", "ADV-01",
    ] {
        assert!(ids.contains(&id), "{id} missing");
    }
    let listing = mlzone().arg("recommendations").assert().success();
    let listing = text(&listing.get_output().stdout);
    assert!(listing.contains("SEC-03") && listing.contains("58 recommendations"));
}

/// The profile at `path` as an editor sees it, on its own: its keys, `extends` unresolved (the
/// base it names is swapped for an empty one).
fn as_written(path: &std::path::Path) -> serde_json::Value {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("empty.yaml"), "{}\n").unwrap();
    let text: String = std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|line| match line.strip_prefix("extends:") {
            Some(_) => "extends: empty.yaml\n".to_owned(),
            None => format!("{line}\n"),
        })
        .collect();
    let loaded = mlzone::profile::load_str(&dir.path().join("profile.yaml"), text)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    loaded.value
}

#[test]
fn every_shipped_profile_is_valid_against_the_committed_schema_as_written() {
    // An editor checks the file as written, before `extends` is resolved: a profile that
    // extends a golden one and leaves `environment` or `regions` to it is valid there too.
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(repo().join("schema/profile.schema.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
    let mut profiles = crate::support::examples();
    profiles.extend(crate::support::golden_profiles());
    for profile in profiles {
        let value = as_written(&profile);
        let errors: Vec<String> = validator
            .iter_errors(&value)
            .map(|e| format!("{}: {e}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{}: {errors:?}", profile.display());
    }
    // Without `extends`, the fields are still required.
    let bare = serde_json::json!({ "project": "abc" });
    let missing: Vec<String> = validator
        .iter_errors(&bare)
        .map(|e| e.to_string())
        .collect();
    for field in ["version", "environment", "regions"] {
        assert!(
            missing.iter().any(|m| m.contains(&format!("\"{field}\""))),
            "{field}: {missing:?}"
        );
    }
}

#[test]
fn a_chain_that_never_gives_a_required_field_is_still_invalid() {
    // The merged profile is checked as a whole: `extends` does not excuse it from `regions`.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("base.yaml"),
        "version: 1\nproject: base\nenvironment: dev\n",
    )
    .unwrap();
    let profile = dir.path().join("profile.yaml");
    std::fs::write(&profile, "extends: base.yaml\nproject: chain\n").unwrap();
    let run = mlzone().arg("validate").arg(&profile).assert().code(3);
    let stderr = text(&run.get_output().stderr);
    assert!(
        stderr.contains("error[missing-key]: missing required key `regions`")
            && stderr.contains("help: add `regions`"),
        "{stderr}"
    );
}
