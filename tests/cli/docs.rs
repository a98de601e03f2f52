//! The README and `docs/` say what the tool really does: the output tree lists every kind of
//! file `generate` writes, the failing-template message is the one printed, and every `plan.*`
//! name of `docs/templates.md` is in the context templates see.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::support::{extending, files_under, mlzone, plan_json, repo, text};

fn read(path: &str) -> String {
    std::fs::read_to_string(repo().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The fenced block of `doc` that starts with a line starting with `first`.
fn block(doc: &str, first: &str) -> String {
    doc.split("```")
        .map(|b| b.split_once('\n').map_or("", |(_, body)| body))
        .find(|body| body.starts_with(first))
        .unwrap_or_else(|| panic!("no block starting with {first:?}"))
        .to_owned()
}

#[test]
fn the_readme_tree_lists_every_kind_of_generated_file() {
    let tree = block(&read("README.md"), "infra/");
    // Every embedded template's file (a `{region}-X` module by its X), and every file of the
    // README's example as generated.
    let mut kinds = BTreeSet::new();
    for (path, _) in files_under(&repo().join("templates")) {
        let name = path.rsplit('/').next().unwrap_or(&path);
        let Some(file) = name
            .strip_suffix(".tera")
            .filter(|_| !name.starts_with('_'))
        else {
            continue;
        };
        kinds.insert(match file.strip_prefix("{region}-") {
            Some(module) => module.trim_end_matches(".bicep").to_owned(),
            None => file.to_owned(),
        });
    }
    for (path, _) in files_under(&repo().join("examples/fraud-detection/infra")) {
        match path.rsplit_once('/') {
            Some((dir, name)) if dir.ends_with("modules") => {
                let module = name.split_once('-').map_or(name, |(_, m)| m);
                kinds.insert(module.trim_end_matches(".bicep").to_owned());
            }
            Some((".mlzone", name)) => {
                kinds.insert(format!(".mlzone/{name}"));
            }
            _ => {
                kinds.insert(path.rsplit('/').next().unwrap_or(&path).to_owned());
            }
        }
    }
    assert!(kinds.len() > 25, "{kinds:?}");
    let missing: Vec<&String> = kinds
        .iter()
        .filter(|k| !tree.contains(k.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "README's output tree does not list {missing:?}:\n{tree}"
    );
}

#[test]
fn the_failing_template_message_of_templates_md_is_the_one_printed() {
    // The documented case: an overlay template whose line names a field the plan lacks.
    let documented = block(&read("docs/templates.md"), "error: template `");
    let first = documented.lines().next().unwrap();
    let (file, line) = first
        .split('`')
        .nth(1)
        .and_then(|located| located.rsplit_once(':'))
        .expect("the message names the template and its line");
    let source = first
        .split(", in `")
        .nth(1)
        .and_then(|rest| rest.split("` (").next())
        .expect("the message quotes the line");
    let overlay = file.split('/').next().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let profile = extending(dir.path(), "profiles/exploratory.yaml", "project: docs\n");
    let template = dir.path().join(file);
    std::fs::create_dir_all(template.parent().unwrap()).unwrap();
    let lines: usize = line.parse().unwrap();
    std::fs::write(&template, format!("{}{source}\n", "\n".repeat(lines - 1))).unwrap();
    let run = mlzone()
        .current_dir(dir.path())
        .arg("generate")
        .arg(&profile)
        .args(["--templates", overlay, "-o", "out"])
        .assert()
        .code(4);
    assert_eq!(text(&run.get_output().stderr), documented);
    assert!(!dir.path().join("out").exists(), "nothing is written");
}

#[test]
fn every_plan_name_of_templates_md_is_in_the_template_context() {
    let doc = read("docs/templates.md");
    let context = doc
        .split_once("## What a template sees")
        .expect("the section")
        .1;
    let plan = plan_json(&repo().join("examples/fraud-detection/profile.yaml"));
    let mut unknown = Vec::new();
    let mut named = BTreeSet::new();
    for (at, _) in context.match_indices("plan.") {
        let path: String = context[at + "plan.".len()..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '?'))
            .collect();
        let path = path.trim_end_matches(['.', '?']);
        named.insert(path.split(['.', '?']).next().unwrap_or_default().to_owned());
        if !resolves(&plan, path) {
            unknown.push(format!("plan.{path}"));
        }
    }
    assert!(
        unknown.is_empty(),
        "docs/templates.md names what templates do not see: {unknown:?}"
    );
    // And the other way: every field of the plan is documented. `plan --json` adds its
    // version and the profile's warnings (docs/json.md), which templates do not see.
    let fields = plan.as_object().unwrap().keys();
    let undocumented: Vec<&String> = fields
        .filter(|k| !["schema_version", "diagnostics"].contains(&k.as_str()))
        .filter(|k| !named.contains(k.as_str()))
        .collect();
    assert!(
        undocumented.is_empty(),
        "plan fields docs/templates.md does not name: {undocumented:?}"
    );
}

/// Whether the dotted `path` (`?.` as `.`) names a field of `value`; a list's fields are its
/// items'.
fn resolves(value: &Value, path: &str) -> bool {
    let mut node = value;
    for key in path.split('.').map(|k| k.trim_end_matches('?')) {
        if let Value::Array(items) = node {
            match items.first() {
                Some(item) => node = item,
                None => return true,
            }
        }
        match node.get(key) {
            Some(next) => node = next,
            None => return false,
        }
    }
    true
}

#[test]
fn the_readme_quotes_no_fleet_timing_of_its_own() {
    // Measurements live in benches/README.md ("Last results"), which each run updates; a copy
    // in the README goes stale.
    let readme = read("README.md");
    let ci = readme
        .lines()
        .skip_while(|l| !l.starts_with("- **CI.**"))
        .take_while(|l| !l.starts_with("- **Editors.**"))
        .collect::<Vec<_>>()
        .join(" ");
    assert!(ci.contains("`benches/README.md`, \"Last results\""), "{ci}");
    assert!(!ci.contains(" s on ") && !ci.contains("times what"), "{ci}");
}
