//! The worked examples commit their generated output (`examples/*/infra/`): it must be exactly
//! what the current mlzone renders, and its text is snapshotted for review.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::support::{examples, files_under, repo};

/// Every worked example's directory.
fn example_dirs() -> Vec<PathBuf> {
    examples()
        .into_iter()
        .map(|profile| profile.parent().unwrap().to_path_buf())
        .collect()
}

/// What mlzone renders for an example, named as `mlzone generate examples/X/profile.yaml`
/// run from the repository root would name it.
fn rendered(example: &Path) -> BTreeMap<String, String> {
    let (plan, meta) = planned(example);
    mlzone::render::render(&plan, &meta, None).unwrap()
}

/// An example's plan, and the headers' facts as the command above gives them.
fn planned(example: &Path) -> (mlzone::plan::Plan, mlzone::render::Meta) {
    let name = example.file_name().unwrap().to_string_lossy();
    let profile = PathBuf::from(format!("examples/{name}/profile.yaml"));
    let out = PathBuf::from(format!("examples/{name}/infra"));
    let loaded = mlzone::profile::load(&repo().join(&profile)).unwrap();
    let today = jiff::civil::date(2026, 11, 22);
    let validated = mlzone::validate::validate(&loaded, today).unwrap();
    let plan = mlzone::plan::resolve(&validated.profile);
    (plan, mlzone::render::Meta::new(&profile, &out))
}

fn on_disk(dir: &Path) -> BTreeMap<String, String> {
    files_under(dir)
        .into_iter()
        .map(|(name, bytes)| (name, String::from_utf8(bytes).unwrap()))
        .collect()
}

/// A single run shares its files out with a helper thread: whichever thread renders which
/// file, the files are the ones rendered alone.
#[test]
fn a_helper_thread_changes_nothing_in_the_files() {
    let helper = mlzone::render::Helper::start();
    for example in example_dirs() {
        let (plan, meta) = planned(&example);
        let alone = mlzone::render::render(&plan, &meta, None).unwrap();
        for _ in 0..5 {
            let shared = mlzone::render::render_with(&plan, &meta, None, Some(&helper)).unwrap();
            assert_eq!(shared, alone, "{}", example.display());
        }
    }
}

#[test]
fn committed_example_output_is_current() {
    let mut stale = Vec::new();
    for example in example_dirs() {
        let expected = rendered(&example);
        let committed = on_disk(&example.join("infra"));
        let name = example.file_name().unwrap().to_string_lossy().into_owned();
        for (path, text) in &expected {
            match committed.get(path) {
                Some(found) if found == text => {}
                Some(_) => stale.push(format!("{name}/infra/{path} differs")),
                None => stale.push(format!("{name}/infra/{path} is missing")),
            }
        }
        // `.mlzone/` holds the manifest, which `mlzone diff` checks.
        let extra = committed
            .keys()
            .filter(|p| !p.starts_with(".mlzone/") && !expected.contains_key(*p));
        for path in extra {
            stale.push(format!("{name}/infra/{path} is no longer generated"));
        }
    }
    assert!(
        stale.is_empty(),
        "{}\nregenerate: for p in examples/*/profile.yaml; do mlzone generate \"$p\"; done",
        stale.join("\n")
    );
}

#[test]
fn mlzone_diff_finds_no_drift_in_the_examples() {
    for example in example_dirs() {
        let name = example.file_name().unwrap().to_string_lossy().into_owned();
        let mut cmd = assert_cmd::Command::cargo_bin("mlzone").unwrap();
        cmd.current_dir(repo())
            .env("MLZONE_TODAY", crate::support::TODAY)
            .args(["diff", &format!("examples/{name}/profile.yaml")])
            .assert()
            .code(0);
    }
}

#[test]
fn example_output_snapshots() {
    for example in example_dirs() {
        let name = example.file_name().unwrap().to_string_lossy().into_owned();
        let all: String = rendered(&example)
            .iter()
            .map(|(path, text)| format!("=== {path}\n{text}"))
            .collect();
        insta::assert_snapshot!(format!("example-{name}"), all);
    }
}
