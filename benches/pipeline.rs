//! One benchmark per pipeline stage, on a typical profile (`examples/fraud-detection`) and on
//! the large one (`benches/profiles/large.yaml`: 200 clusters, 100 instances, 100 outbound
//! rules, two regions). Each stage is timed on the output of the stages before it, computed
//! once. Run: `cargo bench --bench pipeline`.

use std::path::{Path, PathBuf};

use divan::Bencher;
use mlzone::plan::{Plan, resolve, security};
use mlzone::profile::{Loaded, load};
use mlzone::render::{FileSet, Meta, render};
use mlzone::validate::{Validated, validate};

fn main() {
    divan::main();
}

const PROFILES: [&str; 2] = [
    "examples/fraud-detection/profile.yaml",
    "benches/profiles/large.yaml",
];

/// The date waivers are judged against, fixed so a bench run does not depend on the day.
fn today() -> jiff::civil::Date {
    jiff::civil::date(2026, 11, 22)
}

fn path(profile: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(profile)
}

fn loaded(profile: &str) -> Loaded {
    load(&path(profile)).expect("the bench profiles load")
}

fn validated(profile: &str) -> Validated {
    validate(&loaded(profile), today()).expect("the bench profiles are valid")
}

fn planned(profile: &str) -> Plan {
    resolve(&validated(profile).profile)
}

fn meta(profile: &str) -> Meta {
    Meta::new(Path::new(profile), Path::new("infra"))
}

fn rendered(profile: &str) -> FileSet {
    render(&planned(profile), &meta(profile), None).expect("the bench profiles render")
}

#[divan::bench(args = PROFILES)]
fn load_profile(bencher: Bencher, profile: &str) {
    let path = path(profile);
    bencher.bench(|| load(&path).expect("loads"));
}

#[divan::bench(args = PROFILES)]
fn validate_profile(bencher: Bencher, profile: &str) {
    let loaded = loaded(profile);
    bencher.bench(|| validate(&loaded, today()).expect("valid"));
}

#[divan::bench(args = PROFILES)]
fn resolve_plan(bencher: Bencher, profile: &str) {
    let validated = validated(profile);
    bencher.bench(|| resolve(&validated.profile));
}

/// Both formats and the compliance report (the templates are compiled by the first call).
#[divan::bench(args = PROFILES)]
fn render_files(bencher: Bencher, profile: &str) {
    let (plan, meta) = (planned(profile), meta(profile));
    bencher.bench(|| render(&plan, &meta, None).expect("renders"));
}

/// Render and compare with the same files on disk (no drift), as `mlzone diff` does.
#[divan::bench(args = PROFILES)]
fn diff_against_disk(bencher: Bencher, profile: &str) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    for (relative, text) in rendered(profile) {
        let file = dir.path().join(relative);
        std::fs::create_dir_all(file.parent().expect("inside the directory")).expect("mkdir");
        std::fs::write(file, text).expect("write");
    }
    let (plan, meta) = (planned(profile), meta(profile));
    bencher.bench(|| {
        let files = render(&plan, &meta, None).expect("renders");
        let drift = mlzone::output::diff(
            &files,
            dir.path(),
            mlzone::output::ManifestIndex::read(dir.path()).as_ref(),
            || security::settings(&plan),
            &plan.naming,
            &Default::default(),
            &Default::default(),
        );
        assert!(!drift.is_drift());
    });
}

/// The whole pipeline in one process, as a fleet run does per profile.
#[divan::bench(args = PROFILES)]
fn whole_pipeline(bencher: Bencher, profile: &str) {
    let (path, meta) = (path(profile), meta(profile));
    bencher.bench(|| {
        let loaded = load(&path).expect("loads");
        let validated = validate(&loaded, today()).expect("valid");
        render(&resolve(&validated.profile), &meta, None).expect("renders")
    });
}
