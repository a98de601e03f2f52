//! Several profiles in one process: `generate` and `diff` over a fleet, in the order given,
//! with one exit code for the batch; and the large benchmark profile.

use std::path::{Path, PathBuf};

use crate::support::{extending, mlzone, repo, text};

/// `count` small projects under `dir`, each in its own directory.
fn fleet(dir: &Path, count: usize) -> Vec<PathBuf> {
    (0..count)
        .map(|i| {
            let project = dir.join(format!("p{i}"));
            std::fs::create_dir_all(&project).unwrap();
            let outputs = ["[terraform, bicep]", "[terraform]", "[bicep]"][i % 3];
            extending(
                &project,
                "profiles/exploratory.yaml",
                &format!("project: fleet-{i}\noutputs: {outputs}\n"),
            )
        })
        .collect()
}

fn headings(stdout: &str) -> Vec<&str> {
    stdout.lines().filter(|l| l.starts_with("== ")).collect()
}

#[test]
fn a_fleet_is_generated_and_diffed_in_one_process() {
    let dir = tempfile::tempdir().unwrap();
    let profiles = fleet(dir.path(), 5);
    let run = mlzone().arg("generate").args(&profiles).assert().success();
    let stdout = text(&run.get_output().stdout);
    assert_eq!(headings(&stdout).len(), 5, "{stdout}");
    assert!(
        stdout.ends_with("5 profiles: 5 generated, 0 failed\n"),
        "{stdout}"
    );
    for profile in &profiles {
        let infra = profile.parent().unwrap().join("infra");
        assert!(infra.join("COMPLIANCE.md").is_file(), "{}", infra.display());
    }
    let run = mlzone().arg("diff").args(&profiles).assert().code(0);
    let stdout = text(&run.get_output().stdout);
    assert_eq!(
        stdout
            .matches("no drift: the files match the profile")
            .count(),
        5
    );
    assert!(
        stdout.ends_with("5 profiles: 5 up to date, 0 drifted, 0 failed\n"),
        "{stdout}"
    );
}

#[test]
fn only_the_edited_profile_drifts() {
    let dir = tempfile::tempdir().unwrap();
    let profiles = fleet(dir.path(), 4);
    mlzone().arg("generate").args(&profiles).assert().success();
    let edited = profiles[2].parent().unwrap().join("infra/COMPLIANCE.md");
    let mut compliance = std::fs::read_to_string(&edited).unwrap();
    compliance.push_str("edited by hand\n");
    std::fs::write(&edited, compliance).unwrap();
    let run = mlzone().arg("diff").args(&profiles).assert().code(1);
    let stdout = text(&run.get_output().stdout);
    assert!(stdout.contains("+++ b/COMPLIANCE.md"), "{stdout}");
    assert_eq!(stdout.matches("no drift").count(), 3, "{stdout}");
    let drifting = stdout
        .split("== ")
        .find(|part| part.contains("+++ b/COMPLIANCE.md"))
        .unwrap();
    assert!(
        drifting.starts_with(&profiles[2].display().to_string()),
        "{drifting}"
    );
    assert!(
        stdout.ends_with("4 profiles: 3 up to date, 1 drifted, 0 failed\n"),
        "{stdout}"
    );
}

#[test]
fn an_invalid_profile_fails_the_batch_but_not_the_others() {
    let dir = tempfile::tempdir().unwrap();
    let mut profiles = fleet(dir.path(), 3);
    let broken = dir.path().join("broken");
    std::fs::create_dir_all(&broken).unwrap();
    profiles.insert(
        1,
        extending(&broken, "profiles/exploratory.yaml", "project: Not Valid\n"),
    );
    let run = mlzone().arg("generate").args(&profiles).assert().code(3);
    let (stdout, stderr) = (
        text(&run.get_output().stdout),
        text(&run.get_output().stderr),
    );
    assert!(
        stderr.contains("broken/profile.yaml` is invalid: 1 error"),
        "{stderr}"
    );
    assert!(
        stdout.ends_with("4 profiles: 3 generated, 1 failed\n"),
        "{stdout}"
    );
    for (i, profile) in profiles.iter().enumerate() {
        let written = profile.parent().unwrap().join("infra").exists();
        assert_eq!(written, i != 1, "{}", profile.display());
    }
}

#[test]
fn out_takes_a_single_profile() {
    let dir = tempfile::tempdir().unwrap();
    let profiles = fleet(dir.path(), 2);
    for command in ["generate", "diff"] {
        let run = mlzone()
            .arg(command)
            .args(&profiles)
            .arg("-o")
            .arg(dir.path().join("out"))
            .assert()
            .code(2);
        assert!(text(&run.get_output().stderr).contains("`--out` takes a single profile"));
    }
    assert!(!dir.path().join("out").exists());
}

#[test]
fn json_is_one_array_in_the_order_given() {
    let dir = tempfile::tempdir().unwrap();
    let profiles = fleet(dir.path(), 3);
    mlzone()
        .arg("generate")
        .args(&profiles[..2])
        .assert()
        .success();
    let run = mlzone()
        .args(["diff", "--json"])
        .args(&profiles)
        .assert()
        .code(1);
    let json: serde_json::Value = serde_json::from_slice(&run.get_output().stdout).unwrap();
    let items = json["profiles"].as_array().unwrap();
    let named: Vec<&str> = items
        .iter()
        .map(|i| i["profile"].as_str().unwrap())
        .collect();
    let given: Vec<String> = profiles.iter().map(|p| p.display().to_string()).collect();
    assert_eq!(named, given);
    assert_eq!(items[0]["drift"], false);
    assert_eq!(items[2]["drift"], true);
    assert!(!items[2]["missing"].as_array().unwrap().is_empty());
}

#[test]
fn the_order_does_not_depend_on_the_jobs() {
    let dir = tempfile::tempdir().unwrap();
    let profiles = fleet(dir.path(), 7);
    mlzone()
        .arg("generate")
        .args(&profiles[..4])
        .assert()
        .success();
    let run = |jobs: &str| {
        let output = mlzone()
            .args(["diff", "--jobs", jobs])
            .args(&profiles)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(1));
        text(&output.stdout)
    };
    let serial = run("1");
    assert_eq!(run("3"), serial);
    let given: Vec<String> = profiles
        .iter()
        .map(|p| format!("== {}", p.display()))
        .collect();
    assert_eq!(headings(&serial), given);
}

#[test]
fn the_large_benchmark_profile_is_large_and_valid() {
    let path = repo().join("benches/profiles/large.yaml");
    let run = mlzone().arg("validate").arg(&path).assert().success();
    assert!(text(&run.get_output().stdout).contains("(0 warnings)"));
    let run = mlzone()
        .args(["plan", "--json"])
        .arg(&path)
        .assert()
        .success();
    let plan: serde_json::Value = serde_json::from_slice(&run.get_output().stdout).unwrap();
    let count = |pointer: &str| {
        plan.pointer(pointer)
            .and_then(|v| v.as_array())
            .map(Vec::len)
    };
    assert_eq!(plan["regions"].as_array().map(Vec::len), Some(2));
    assert_eq!(count("/regions/0/clusters"), Some(200));
    assert_eq!(count("/instances"), Some(100));
    let script = std::process::Command::new("bash")
        .arg(repo().join("benches/large-profile.sh"))
        .output()
        .unwrap();
    assert_eq!(
        text(&script.stdout),
        std::fs::read_to_string(&path).unwrap(),
        "benches/profiles/large.yaml is stale: run benches/large-profile.sh > benches/profiles/large.yaml"
    );
}

#[test]
fn two_profiles_never_generate_into_one_directory() {
    let dir = tempfile::tempdir().unwrap();
    let first = extending(dir.path(), "profiles/exploratory.yaml", "project: one\n");
    let second = dir.path().join("second.yaml");
    std::fs::copy(&first, &second).unwrap();
    let run = mlzone()
        .arg("generate")
        .arg(&first)
        .arg(&second)
        .assert()
        .code(2);
    assert!(text(&run.get_output().stderr).contains("would both be generated into"));
    let run = mlzone()
        .arg("generate")
        .arg(&first)
        .arg(&first)
        .assert()
        .code(2);
    assert!(text(&run.get_output().stderr).contains("would both be generated into"));
    assert!(!dir.path().join("infra").exists());
}

/// `mlzone ARGS` with stdout and stderr into one file, as a terminal shows them.
fn merged(args: &[&std::ffi::OsStr]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("log");
    let file = std::fs::File::create(&log).unwrap();
    std::process::Command::new(assert_cmd::cargo::cargo_bin("mlzone"))
        .args(args)
        .current_dir(repo().join("tests"))
        .env("MLZONE_TODAY", crate::support::TODAY)
        .env("NO_COLOR", "1")
        .stdout(file.try_clone().unwrap())
        .stderr(file)
        .status()
        .unwrap();
    std::fs::read_to_string(log).unwrap()
}

#[test]
fn each_profile_s_heading_comes_before_its_diagnostics() {
    let dir = tempfile::tempdir().unwrap();
    let mut profiles = fleet(dir.path(), 2);
    let broken = dir.path().join("broken");
    std::fs::create_dir_all(&broken).unwrap();
    profiles.insert(
        1,
        extending(&broken, "profiles/exploratory.yaml", "project: Not Valid\n"),
    );
    for command in ["generate", "diff"] {
        let mut args: Vec<&std::ffi::OsStr> = vec![command.as_ref(), "-j".as_ref(), "1".as_ref()];
        args.extend(profiles.iter().map(|p| p.as_os_str()));
        let log = merged(&args);
        let heading = log
            .find(&format!("== {}", profiles[1].display()))
            .unwrap_or_else(|| panic!("{command}: no heading:\n{log}"));
        let diagnostic = log
            .find("error[invalid-value]: `project`")
            .unwrap_or_else(|| panic!("{command}: no diagnostic:\n{log}"));
        let next = log
            .find(&format!("== {}", profiles[2].display()))
            .unwrap_or_else(|| panic!("{command}: no next heading:\n{log}"));
        assert!(
            heading < diagnostic && diagnostic < next,
            "{command}: the diagnostics are not under their heading:\n{log}"
        );
    }
}
