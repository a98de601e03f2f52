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

#[test]
fn init_names_the_project_and_writes_an_access_section() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("Fraud Detection");
    let out = mlzone().arg("init").arg(&dir).assert().success();
    assert!(text(&out.get_output().stdout).contains("project `fraud-detection`"));
    let profile = std::fs::read_to_string(dir.join("profile.yaml")).unwrap();
    assert!(profile.contains("\nproject: fraud-detection "), "{profile}");
    assert!(profile.contains("\naccess: []\n"), "{profile}");
    mlzone()
        .arg("validate")
        .arg(dir.join("profile.yaml"))
        .assert()
        .success();

    // --project names it; a name the profile would refuse is a usage error, nothing written.
    let named = root.path().join("named");
    mlzone()
        .args(["init", "--project", "churn-2"])
        .arg(&named)
        .assert()
        .success();
    let profile = std::fs::read_to_string(named.join("profile.yaml")).unwrap();
    assert!(profile.contains("\nproject: churn-2 "), "{profile}");
    let bad = root.path().join("bad");
    let out = mlzone()
        .args(["init", "--project", "Churn"])
        .arg(&bad)
        .assert()
        .code(2);
    assert!(text(&out.get_output().stderr).contains("is not a project name"));
    assert!(!bad.exists());
}

#[test]
fn init_can_extend_a_platform_team_s_golden_profile() {
    let root = tempfile::tempdir().unwrap();
    let golden = root.path().join("golden");
    std::fs::create_dir_all(&golden).unwrap();
    std::fs::copy(
        crate::support::repo().join("profiles/exploratory.yaml"),
        golden.join("team.yaml"),
    )
    .unwrap();
    let dir = root.path().join("projects/churn");
    mlzone()
        .args(["init", "--extends", "../../golden/team.yaml"])
        .arg(&dir)
        .assert()
        .success();
    let profile = std::fs::read_to_string(dir.join("profile.yaml")).unwrap();
    assert!(
        profile.contains("\nextends: \"../../golden/team.yaml\"\nproject: churn\n"),
        "{profile}"
    );
    mlzone()
        .arg("validate")
        .arg(dir.join("profile.yaml"))
        .assert()
        .success();
    // --from and --extends exclude each other.
    mlzone()
        .args(["init", "--from", "baseline", "--extends", "x.yaml"])
        .arg(root.path().join("both"))
        .assert()
        .code(2);
}

#[test]
fn a_project_name_too_long_for_the_key_vault_is_refused_or_shortened() {
    let dir = tempfile::tempdir().unwrap();
    // Given: refused with the longest name that fits, and nothing written.
    let given = dir.path().join("given");
    let run = mlzone()
        .args(["init", "--project", "fraud-detection-abcd"])
        .arg(&given)
        .assert()
        .code(2);
    let stderr = text(&run.get_output().stderr);
    assert!(
        stderr.contains(
            "`fraud-detection-abcd` is too long for this profile: derived key vault name"
        ) && stderr.contains("`fraud-detection` fits"),
        "{stderr}"
    );
    assert!(!given.exists(), "nothing is written");

    // Derived from the directory: shortened until every name fits, and the profile validates.
    let derived = dir.path().join("fraud-detection-platform");
    let run = mlzone().arg("init").arg(&derived).assert().success();
    assert!(
        text(&run.get_output().stdout).contains("for project `fraud-detection`"),
        "{}",
        text(&run.get_output().stdout)
    );
    mlzone()
        .arg("validate")
        .arg(derived.join("profile.yaml"))
        .assert()
        .success();
}

/// `mlzone init --extends PATH projects/churn` in `root`, which must exit `code`: its stderr.
fn init_extending(root: &std::path::Path, path: &str, code: i32) -> String {
    let run = mlzone()
        .current_dir(root)
        .args(["init", "--extends", path, "projects/churn"])
        .assert()
        .code(code);
    assert!(!root.join("projects/churn").exists(), "nothing is written");
    text(&run.get_output().stderr)
}

#[test]
fn init_extends_only_a_profile_that_is_there() {
    let root = tempfile::tempdir().unwrap();
    // No file: where it was looked for, and from where PATH counts.
    let stderr = init_extending(root.path(), "../golden/team.yaml", 2);
    assert!(
        stderr.contains(
            "`--extends ../golden/team.yaml`: `projects/golden/team.yaml` does not exist"
        ) && stderr
            .contains("help: PATH is relative to the new profile's directory `projects/churn`"),
        "{stderr}"
    );
    // Another kind of YAML file: its foreign keys, located in it.
    std::fs::write(
        root.path().join("compose.yaml"),
        "services:\n  web: {image: nginx}\n",
    )
    .unwrap();
    let stderr = init_extending(root.path(), "../../compose.yaml", 3);
    assert!(
        stderr.contains("error[unknown-key]: `services`: unknown key `services`")
            && stderr.contains("compose.yaml:1:1"),
        "{stderr}"
    );
    // Not a mapping at all.
    std::fs::write(root.path().join("list.yaml"), "- a\n- b\n").unwrap();
    let stderr = init_extending(root.path(), "../../list.yaml", 2);
    assert!(
        stderr.contains("`--extends ../../list.yaml`: `list.yaml` is not a profile"),
        "{stderr}"
    );
}

#[test]
fn init_quotes_any_extends_path_so_it_reads_back_the_same() {
    // Paths YAML would read as a number, a boolean, a comment or a flow mapping unquoted.
    for name in [
        "1.0",
        "true",
        "#team: x.yaml",
        "{a}.yaml",
        "it's \"golden\".yaml",
    ] {
        let root = tempfile::tempdir().unwrap();
        std::fs::copy(
            crate::support::repo().join("profiles/exploratory.yaml"),
            root.path().join(name),
        )
        .unwrap();
        let dir = root.path().join("project");
        let path = format!("../{name}");
        mlzone()
            .args(["init", "--extends", &path])
            .arg(&dir)
            .assert()
            .success();
        let written = dir.join("profile.yaml");
        mlzone().arg("validate").arg(&written).assert().success();
        let text = std::fs::read_to_string(&written).unwrap();
        let line = text.lines().find(|l| l.starts_with("extends: ")).unwrap();
        assert_eq!(
            line,
            format!("extends: {}", serde_json::to_string(&path).unwrap())
        );
    }
}

#[test]
fn a_project_name_shortened_or_replaced_from_the_directory_s_is_said() {
    let dir = tempfile::tempdir().unwrap();
    for (folder, project, why) in [
        (
            "Data_Science.Team",
            "data-science-tea",
            "shortened so that every resource name fits",
        ),
        ("123", "my-project", "which gives no usable name"),
    ] {
        let run = mlzone()
            .arg("init")
            .arg(dir.path().join(folder))
            .assert()
            .success();
        let stderr = text(&run.get_output().stderr);
        assert!(
            stderr.contains(&format!(
                "note: the project name `{project}` is derived from the directory's name `{folder}`, {why}\nhelp: pass `--project NAME`"
            )),
            "{stderr}"
        );
    }
    // A name taken as it is needs no note.
    let run = mlzone()
        .arg("init")
        .arg(dir.path().join("ML_Churn"))
        .assert()
        .success();
    assert_eq!(text(&run.get_output().stderr), "");
}
