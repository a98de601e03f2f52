use crate::support::{mlzone, text};

#[test]
fn init_writes_a_starter_that_validates() {
    let dir = tempfile::tempdir().unwrap();
    mlzone().arg("init").arg(dir.path()).assert().success();
    let profile = std::fs::read_to_string(dir.path().join("profile.yaml")).unwrap();
    assert!(profile.starts_with("# yaml-language-server: $schema=profile.schema.json\n"));
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("profile.schema.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(schema["title"], "mlzone profile");
    mlzone()
        .arg("validate")
        .arg(dir.path().join("profile.yaml"))
        .assert()
        .success();
}

#[test]
fn every_golden_profile_can_start_a_project() {
    for name in [
        "baseline",
        "customer-vnet",
        "exploratory",
        "gpu-training",
        "regulated",
    ] {
        let dir = tempfile::tempdir().unwrap();
        mlzone()
            .args(["init", "--from", name])
            .arg(dir.path())
            .assert()
            .success();
        mlzone()
            .arg("validate")
            .arg(dir.path().join("profile.yaml"))
            .assert()
            .success();
    }
}

#[test]
fn init_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let profile = dir.path().join("profile.yaml");
    std::fs::write(&profile, "mine\n").unwrap();
    let out = mlzone().arg("init").arg(dir.path()).assert().code(4);
    assert!(text(&out.get_output().stderr).contains("already exists"));
    assert_eq!(std::fs::read_to_string(&profile).unwrap(), "mine\n");
    assert!(
        !dir.path().join("profile.schema.json").exists(),
        "nothing half-written"
    );
}

#[test]
fn init_refuses_when_only_the_schema_exists() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("profile.schema.json"), "{}").unwrap();
    mlzone().arg("init").arg(dir.path()).assert().code(4);
    assert!(!dir.path().join("profile.yaml").exists());
}
