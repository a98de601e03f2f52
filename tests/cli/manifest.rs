//! What the manifest tells `generate` and `diff`: a corrupt one is named as such, and files it
//! lists that nothing produces any more are previewed as removals.

use std::path::{Path, PathBuf};

use crate::support::{extending, on_output, text};

fn generated(dir: &Path) -> (PathBuf, PathBuf) {
    let p = extending(dir, "profiles/exploratory.yaml", "project: man\n");
    let out = dir.join("infra");
    on_output("generate", &p, &out).assert().success();
    (p, out)
}

#[test]
fn a_corrupt_manifest_is_named_as_such() {
    let dir = tempfile::tempdir().unwrap();
    let (p, out) = generated(dir.path());
    std::fs::write(out.join(".mlzone/manifest.json"), "{ not json").unwrap();
    extending(
        dir.path(),
        "profiles/exploratory.yaml",
        "project: man\ntags: {owner: x}\n",
    );
    let run = on_output("generate", &p, &out).assert().code(4);
    let stderr = text(&run.get_output().stderr);
    assert!(
        stderr.contains("manifest.json`: it is not a manifest this mlzone can read"),
        "{stderr}"
    );
    assert!(!stderr.contains("was not written by mlzone"), "{stderr}");
}

#[test]
fn diff_with_format_previews_the_files_generate_would_remove() {
    let dir = tempfile::tempdir().unwrap();
    let (p, out) = generated(dir.path());
    let run = on_output("diff", &p, &out)
        .args(["--format", "terraform"])
        .assert()
        .code(1);
    let stdout = text(&run.get_output().stdout);
    assert!(
        stdout.contains("generate would remove: bicep/main.bicep\n"),
        "{stdout}"
    );
    assert!(stdout.contains("to be removed"), "{stdout}");
    // And it does.
    on_output("generate", &p, &out)
        .args(["--format", "terraform"])
        .assert()
        .success();
    assert!(!out.join("bicep/main.bicep").exists());
}
