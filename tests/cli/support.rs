//! Shared test helpers: the binary with a fixed date and no colour, run from `tests/`.

use std::path::{Path, PathBuf};

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
    path.strip_prefix(repo().join("tests"))
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
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
