//! Hostile profile text in the generated Bicep: every value comes out as an inert literal that
//! reads back as exactly what the profile said (the Terraform side of tags is in `terraform.rs`).

use std::collections::BTreeMap;

use crate::bicep::{Entry, ExprKind, Key, StmtKind, parse};
use crate::support::{extending, mlzone, text};

/// YAML double-quoted form of `s`, so any character survives the profile.
fn yaml(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

#[test]
fn hostile_tag_values_stay_literal_in_bicep() {
    let tags = [
        ("quote", "it's \"quoted\""),
        ("backslash", r"C:\temp\new\"),
        ("interpolation", "${subscription().id}"),
        ("escaped", r"\${x} \' \\"),
        ("newline", "first\nsecond\r\n"),
        ("line-separator", "before\u{2028}after"),
        ("right-to-left", "abc\u{202E}fed"),
        ("key with space", "spaced"),
        ("it's-a-key", "value"),
    ];
    let dir = tempfile::tempdir().unwrap();
    let mut body = String::from("project: hostile\ntags:\n");
    for (key, value) in tags {
        body.push_str(&format!("  {}: {}\n", yaml(key), yaml(value)));
    }
    let profile = extending(dir.path(), "profiles/baseline.yaml", &body);
    let out = dir.path().join("out");
    let run = mlzone()
        .args(["generate", "--format", "bicep", "-o"])
        .arg(&out)
        .arg(&profile)
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", text(&run.stderr));
    let main = std::fs::read_to_string(out.join("bicep/main.bicep")).unwrap();
    let file = parse(&main).unwrap_or_else(|e| panic!("main.bicep does not parse: {e}\n{main}"));
    let value = file
        .statements
        .iter()
        .find_map(|s| match &s.kind {
            StmtKind::Var { name, value } if name == "tags" => Some(value),
            _ => None,
        })
        .expect("main.bicep declares `var tags`");
    let ExprKind::Object(entries) = &value.kind else {
        panic!("tags is not an object literal");
    };
    let mut read: BTreeMap<String, String> = BTreeMap::new();
    for entry in entries {
        let Entry::Prop {
            key: Key::Name(key),
            value,
            ..
        } = entry
        else {
            panic!("tags has a computed entry: {entry:?}");
        };
        let literal = value
            .literal()
            .unwrap_or_else(|| panic!("tag `{key}` is not a plain string literal: {value:?}"));
        read.insert(key.clone(), literal);
    }
    for (key, value) in tags {
        assert_eq!(
            read.get(key).map(String::as_str),
            Some(value),
            "tag {key:?}"
        );
    }
}

#[test]
fn hostile_waiver_reasons_stay_inside_comments_and_cells() {
    let reason = "pilot\nresource \"azurerm_resource_group\" \"evil\" {}\r\n// x\u{2028}*/ | <b>bold</b> -->";
    let dir = tempfile::tempdir().unwrap();
    let body = format!(
        "project: hostile\nregions: {{primary: westeurope, secondary: none}}\nwaivers:\n  - {{id: REL-07, reason: {}, expires: 2027-01-31}}\n",
        yaml(reason)
    );
    let profile = extending(dir.path(), "profiles/baseline.yaml", &body);
    let out = dir.path().join("out");
    let run = mlzone()
        .arg("generate")
        .arg("-o")
        .arg(&out)
        .arg(&profile)
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", text(&run.stderr));
    let main_tf = std::fs::read_to_string(out.join("terraform/main.tf")).unwrap();
    let body = hcl::parse(&main_tf).unwrap();
    let groups: Vec<String> = body
        .blocks()
        .filter(|b| b.identifier() == "resource")
        .map(|b| {
            b.labels()
                .iter()
                .map(|l| l.as_str().to_owned())
                .collect::<Vec<_>>()
                .join(".")
        })
        .collect();
    assert_eq!(
        groups,
        ["azurerm_resource_group.primary"],
        "no resource smuggled in"
    );
    assert!(
        main_tf
            .lines()
            .any(|l| l.starts_with("# WAIVED REL-07") && l.contains("pilot\\u000aresource"))
    );
    let main_bicep = std::fs::read_to_string(out.join("bicep/main.bicep")).unwrap();
    let file = parse(&main_bicep).unwrap();
    let resources = file
        .statements
        .iter()
        .filter(|s| matches!(s.kind, StmtKind::Resource(_)))
        .count();
    assert_eq!(resources, 1, "only the resource group");
    let compliance = std::fs::read_to_string(out.join("COMPLIANCE.md")).unwrap();
    let row = compliance
        .lines()
        .find(|l| l.starts_with("| REL-07 | Recovery"))
        .expect("the waiver row");
    assert_eq!(
        row.matches(" | ").count(),
        4,
        "five cells, none broken: {row}"
    );
    assert!(!compliance.contains("<b>"), "markup is escaped");
}

#[test]
fn hostile_waiver_reasons_stay_literal_in_policy_exemptions() {
    // The reason becomes the exemption's description in both formats: a string literal that
    // reads back as the reason, never code.
    let reason = "it's \"quoted\" ${var.x} %{ if true }x%{ endif } \\${y} \\' C:\\temp\\\nsecond line\u{2028}end";
    let dir = tempfile::tempdir().unwrap();
    let body = format!(
        "project: hostile\npolicy: {{scope: subscription}}\nencryption: {{customer_managed_key: false}}\nwaivers:\n  - {{id: SEC-13, reason: {}, expires: 2027-01-31}}\n",
        yaml(reason)
    );
    let profile = extending(dir.path(), "profiles/baseline.yaml", &body);
    let out = dir.path().join("out");
    let run = mlzone()
        .arg("generate")
        .arg("-o")
        .arg(&out)
        .arg(&profile)
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", text(&run.stderr));

    let policy_tf = std::fs::read_to_string(out.join("terraform/policy.tf")).unwrap();
    let body = hcl::parse(&policy_tf).unwrap();
    let exemptions: Vec<&hcl::Block> = body
        .blocks()
        .filter(|b| {
            b.identifier() == "resource"
                && b.labels()[0].as_str() == "azurerm_resource_group_policy_exemption"
        })
        .collect();
    assert_eq!(exemptions.len(), 2, "one per region");
    for block in exemptions {
        let description = block
            .body()
            .attributes()
            .find(|a| a.key() == "description")
            .map(|a| a.expr());
        assert_eq!(
            description,
            Some(&hcl::Expression::String(reason.to_owned())),
            "the Terraform description is the reason, as a plain literal"
        );
    }

    for region in ["primary", "secondary"] {
        let path = out.join(format!("bicep/modules/{region}-policies.bicep"));
        let source = std::fs::read_to_string(&path).unwrap();
        let file = parse(&source).unwrap_or_else(|e| panic!("{region}: {e}\n{source}"));
        let resources: Vec<_> = file
            .statements
            .iter()
            .filter_map(|s| match &s.kind {
                StmtKind::Resource(r) => Some(r),
                _ => None,
            })
            .collect();
        assert_eq!(resources.len(), 1, "{region}: only the exemption");
        let ExprKind::Object(entries) = &resources[0].value.kind else {
            panic!("not an object");
        };
        let properties = entries
            .iter()
            .find_map(|e| match e {
                Entry::Prop {
                    key: Key::Name(k),
                    value,
                    ..
                } if k == "properties" => Some(value),
                _ => None,
            })
            .expect("properties");
        let ExprKind::Object(entries) = &properties.kind else {
            panic!("properties is not an object");
        };
        let description = entries
            .iter()
            .find_map(|e| match e {
                Entry::Prop {
                    key: Key::Name(k),
                    value,
                    ..
                } if k == "description" => value.literal(),
                _ => None,
            })
            .expect("a literal description");
        assert_eq!(description, reason, "{region}");
    }
}
