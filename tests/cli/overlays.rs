//! Template overlays: a platform team's templates over the embedded ones, file by file.

use std::path::Path;

use crate::support::{extending, mlzone, text};

fn project(dir: &Path, extra: &str) -> std::path::PathBuf {
    extending(
        dir,
        "profiles/baseline.yaml",
        &format!("project: overlay\n{extra}"),
    )
}

fn template(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

#[test]
fn an_overlay_adds_and_replaces_files_and_is_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let overlay = dir.path().join("company-templates");
    template(
        &overlay,
        "terraform/backend.tf.tera",
        "terraform {\n  backend \"azurerm\" {\n    key = {{ plan.project | hcl }}\n  }\n}\n",
    );
    template(
        &overlay,
        "terraform/outputs.tf.tera",
        "# outputs are the platform team's\n",
    );
    let p = project(dir.path(), "");
    let out = dir.path().join("infra");
    mlzone()
        .arg("generate")
        .arg(&p)
        .arg("-o")
        .arg(&out)
        .arg("--templates")
        .arg(&overlay)
        .assert()
        .success();
    let backend = std::fs::read_to_string(out.join("terraform/backend.tf")).unwrap();
    assert!(backend.contains("key = \"overlay\""), "{backend}");
    assert_eq!(
        std::fs::read_to_string(out.join("terraform/outputs.tf")).unwrap(),
        "# outputs are the platform team's\n"
    );
    let main = std::fs::read_to_string(out.join("terraform/main.tf")).unwrap();
    assert!(
        main.contains("# Rendered with the template overlay"),
        "{main}"
    );
    let compliance = std::fs::read_to_string(out.join("COMPLIANCE.md")).unwrap();
    assert!(compliance.contains("rendered with the template overlay"));
}

#[test]
fn a_profile_names_its_overlay_relative_to_itself() {
    let dir = tempfile::tempdir().unwrap();
    template(
        &dir.path().join("tpl"),
        "terraform/extra.tf.tera",
        "# {{ plan.environment }}\n",
    );
    let p = project(dir.path(), "templates: tpl\n");
    let out = dir.path().join("infra");
    mlzone()
        .arg("generate")
        .arg(&p)
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    assert_eq!(
        std::fs::read_to_string(out.join("terraform/extra.tf")).unwrap(),
        "# prod\n"
    );
}

#[test]
fn a_missing_variable_names_the_template_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let overlay = dir.path().join("tpl");
    template(
        &overlay,
        "terraform/backend.tf.tera",
        "terraform {\n  # state\n  key = {{ plan.no_such_field }}\n}\n",
    );
    let p = project(dir.path(), "");
    let out = dir.path().join("infra");
    let run = mlzone()
        .arg("generate")
        .arg(&p)
        .arg("-o")
        .arg(&out)
        .arg("--templates")
        .arg(&overlay)
        .assert()
        .code(4);
    let stderr = text(&run.get_output().stderr);
    assert!(
        stderr.contains("template `terraform/backend.tf.tera:3` failed"),
        "{stderr}"
    );
    assert!(stderr.contains("plan.no_such_field"), "{stderr}");
    assert!(!out.exists(), "nothing written");
}

#[test]
fn a_broken_overlay_template_fails_before_writing() {
    let dir = tempfile::tempdir().unwrap();
    let overlay = dir.path().join("tpl");
    template(&overlay, "terraform/bad.tf.tera", "{% if %}\n");
    let p = project(dir.path(), "");
    let out = dir.path().join("infra");
    let run = mlzone()
        .arg("generate")
        .arg(&p)
        .arg("-o")
        .arg(&out)
        .arg("--templates")
        .arg(&overlay)
        .assert()
        .code(4);
    assert!(text(&run.get_output().stderr).contains("overlay"));
    assert!(!out.exists());
}
