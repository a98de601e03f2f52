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
