//! No panic, ever: arbitrary documents and arbitrary field values go through load → validate
//! → resolve → render, and come out either as located diagnostics or as output that parses and
//! whose values the real providers accept (`provider_values`).
//!
//! Set `MLZONE_KEEP_ACCEPTED=DIR` to keep the files of every accepted case under `DIR/<n>/`, to
//! run `terraform validate` with the real providers on a sample of the corpus.

use std::path::Path;

use proptest::prelude::*;
use serde_json::{Value, json};

use crate::support::repo;

const TODAY: jiff::civil::Date = jiff::civil::date(2026, 11, 22);

/// The whole pipeline on `text`; panics only if mlzone misbehaves.
fn pipeline(text: String) {
    let path = repo().join("tests/property.yaml");
    let loaded = match mlzone::profile::load_str(&path, text) {
        Ok(loaded) => loaded,
        Err(mlzone::Error::Invalid(report)) => return located(&report),
        Err(other) => panic!("loading failed without diagnostics: {other}"),
    };
    let validated = match mlzone::validate::validate(&loaded, TODAY) {
        Ok(validated) => validated,
        Err(mlzone::Error::Invalid(report)) => return located(&report),
        Err(other) => panic!("validation failed without diagnostics: {other}"),
    };
    let plan = mlzone::plan::resolve(&validated.profile);
    // Every accepted profile passes its own Deny policies.
    let check = mlzone::plan::check::check(&plan);
    assert!(check.passes(), "{}", check.failures().join("\n"));
    let meta = mlzone::render::Meta::new(Path::new("property.yaml"), Path::new("out"));
    let files = mlzone::render::render(&plan, &meta, None).expect("a valid profile renders");
    // And so does what its Terraform and Bicep deploy, read out of the files.
    let read = || files.iter().map(|(p, t)| (p.as_str(), t.as_str()));
    let mut deployed = mlzone::deployed::terraform(read());
    deployed.extend(mlzone::deployed::bicep(read()));
    let judged = mlzone::plan::check::check_bodies(&plan.governance, &deployed);
    assert!(judged.passes(), "{}", judged.failures().join("\n"));
    // Every accepted profile gives values the real providers accept, names included.
    let written: Vec<(String, String)> = files.clone().into_iter().collect();
    let refused = crate::provider_values::value_findings(&written).findings;
    assert!(
        refused.is_empty(),
        "refused by the providers:\n{}",
        refused.join("\n")
    );
    keep_accepted(&files);
    for (name, text) in &files {
        if name.ends_with(".tf") {
            hcl::parse(text).unwrap_or_else(|e| panic!("{name} does not parse: {e}\n{text}"));
        }
        if name.ends_with(".bicep") {
            crate::bicep::parse(text)
                .unwrap_or_else(|e| panic!("{name} does not parse: {e}\n{text}"));
        }
    }
}

/// Writes an accepted case's files under `$MLZONE_KEEP_ACCEPTED/<n>/`, numbered in the order
/// the cases end (several threads run cases).
fn keep_accepted<'f>(files: impl IntoIterator<Item = (&'f String, &'f String)>) {
    static CASES: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let Some(root) = std::env::var_os("MLZONE_KEEP_ACCEPTED") else {
        return;
    };
    let case = CASES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = Path::new(&root).join(case.to_string());
    for (name, text) in files {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("a directory");
        std::fs::write(&path, text).expect("a kept file");
    }
}

/// Every diagnostic of an invalid profile says where.
fn located(report: &mlzone::diagnostic::Report) {
    assert!(!report.diagnostics.is_empty());
    for d in &report.diagnostics {
        assert!(
            d.location.is_some() || d.code == "unreadable",
            "unlocated: {d:?}"
        );
        assert!(d.help.is_some(), "no hint: {d:?}");
    }
    let _ = report.render(false);
}

/// A valid profile to mutate.
fn base() -> Value {
    json!({
        "version": 1,
        "project": "prop",
        "environment": "prod",
        "regions": {"primary": "westeurope"},
        "network": {"outbound": [{"name": "pypi", "fqdn": "pypi.org"}]},
        "compute": {
            "clusters": [{"name": "train", "sku": "Standard_D8_v5", "purpose": "training", "max_nodes": 2}],
            "instances": [{"name": "dev-one", "sku": "Standard_D4_v5", "user_object_id": "11111111-1111-4111-8111-111111111111"}]
        },
        "access": [{"group_object_id": "22222222-2222-4222-8222-222222222222", "role": "data_scientist"}],
        "budget": {"monthly": 100},
        "tags": {"owner": "me"}
    })
}

/// Choices a profile author can make, each valid on its own in `base()`: combined at random,
/// they reach the renderer, where arbitrary values mostly stop at validation.
fn valid_choices() -> Vec<(&'static str, Value)> {
    let customer = |via: &str| {
        json!({
            "mode": "customer",
            "address_space": "10.50.0.0/22",
            "subnets": {"endpoints": "10.50.0.0/24", "compute": "10.50.2.0/23"},
            "egress": {"via": via}
        })
    };
    vec![
        ("/environment", json!("dev")),
        ("/environment", json!("test")),
        ("/regions/primary", json!("eastus2")),
        (
            "/regions",
            json!({"primary": "austriaeast", "secondary": "germanywestcentral"}),
        ),
        ("/regions/secondary", json!("germanywestcentral")),
        ("/network", customer("firewall")),
        ("/network", customer("nat_gateway")),
        ("/network/firewall_sku", json!("basic")),
        (
            "/network/outbound/0",
            json!({"name": "entra-id", "service_tag": "AzureActiveDirectory"}),
        ),
        ("/compute/clusters/0/purpose", json!("experimentation")),
        ("/compute/clusters/0/purpose", json!("batch_inference")),
        ("/compute/clusters/0/priority", json!("low_priority")),
        (
            "/compute/clusters/0",
            json!({"name": "gpu", "sku": "Standard_NC24ads_A100_v4", "purpose": "training", "accelerator": "gpu", "max_nodes": 2}),
        ),
        ("/compute/instances", json!([])),
        ("/names/suffix", json!("legacy")),
        ("/access/0/role", json!("compute_operator")),
        ("/policy/effect", json!("audit")),
        ("/policy/scope", json!("subscription")),
        ("/policy/defender_plans", json!("manage")),
        ("/outputs", json!(["terraform"])),
        ("/outputs", json!(["bicep"])),
        ("/budget", json!({"monthly": 2500, "thresholds": [50, 90]})),
        ("/tags/cost-center", json!("ml-4711")),
    ]
}

#[test]
fn the_base_profile_and_each_valid_choice_reach_the_providers_checks() {
    // Were the base or a choice invalid, the properties below would stop at validation and
    // check nothing of the output.
    let mut documents = vec![("base".to_owned(), base())];
    for (pointer, value) in valid_choices() {
        let mut document = base();
        set(&mut document, pointer, value.clone());
        documents.push((format!("{pointer} = {value}"), document));
    }
    for (label, document) in documents {
        let text = serde_json::to_string_pretty(&document).unwrap();
        let path = repo().join("tests/property.yaml");
        let loaded = mlzone::profile::load_str(&path, text.clone()).expect(&label);
        let validated = mlzone::validate::validate(&loaded, TODAY);
        assert!(
            validated.is_ok(),
            "{label} is not accepted: {:?}",
            validated.err()
        );
        pipeline(text);
    }
}

/// Pointers of every field a profile author can write.
const FIELDS: &[&str] = &[
    "/project",
    "/environment",
    "/regions/primary",
    "/regions/secondary",
    "/network/mode",
    "/network/address_space",
    "/network/secondary_address_space",
    "/network/subnets/endpoints",
    "/network/subnets/compute",
    "/network/outbound/0/name",
    "/network/outbound/0/fqdn",
    "/network/outbound/0/service_tag",
    "/network/outbound/0/ports",
    "/network/internet_outbound",
    "/network/dns/zone_ids",
    "/compute/clusters/0/name",
    "/compute/clusters/0/sku",
    "/compute/clusters/0/purpose",
    "/compute/clusters/0/min_nodes",
    "/compute/clusters/0/max_nodes",
    "/compute/clusters/0/idle_scale_down",
    "/compute/clusters/0/priority",
    "/compute/instances/0/name",
    "/compute/instances/0/user_object_id",
    "/compute/instances/0/idle_shutdown",
    "/compute/instances/0/schedule",
    "/encryption/customer_managed_key",
    "/encryption/key_rotation",
    "/access/0/group_object_id",
    "/access/0/role",
    "/registries/containers",
    "/registries/models",
    "/integrity/python_package_channels",
    "/integrity/code_signing_key",
    "/monitoring/retention_days",
    "/budget/monthly",
    "/budget/contact_emails",
    "/policy/effect",
    "/policy/scope",
    "/outputs",
    "/tags/owner",
    "/tags/k",
    "/waivers",
    "/locked",
    "/templates",
    "/version",
    "/extends",
    "/regions",
    "/network",
    "/compute",
    "/tags",
    "/access",
    "/network/outbound/0/private_endpoint",
    "/network/outbound/0/protocol",
    "/network/outbound/0",
    "/compute/clusters/0/accelerator",
    "/compute/instances/0/sku",
    "/compute/instances/0",
    "/access/0/principal_type",
    "/budget/thresholds",
    "/policy/allow_waivers",
    "/waivers/0",
    "/encryption",
];

/// Text that is hard on every escaping and grammar.
fn hostile_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z0-9-]{0,30}",
        "\\PC{0,40}",
        Just("\"'\\${x}%{y}\n\u{2028}\u{202e}\0".to_owned()),
        Just("10.40.0.0/22".to_owned()),
        Just("PT30M".to_owned()),
        Just("Standard_NC24ads_A100_v4".to_owned()),
    ]
}

fn any_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>().prop_map(|f| json!(f)),
        hostile_text().prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(hostile_text(), inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn set(document: &mut Value, pointer: &str, value: Value) {
    let (parent, key) = pointer.rsplit_once('/').unwrap_or(("", pointer));
    if let Some(slot) = document.pointer_mut(parent) {
        match slot {
            Value::Object(map) => {
                map.insert(key.to_owned(), value);
            }
            Value::Array(items) => {
                if let Some(item) = key.parse::<usize>().ok().and_then(|i| items.get_mut(i)) {
                    *item = value;
                }
            }
            _ => {}
        }
    }
}

proptest! {
    // 256 cases in CI; `PROPTEST_CASES=N` runs more.
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(256),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn arbitrary_yaml_never_panics(text in "[ -~\n\t\u{a0}-\u{2030}]{0,300}") {
        pipeline(text);
    }

    #[test]
    fn yamlish_documents_never_panic(text in "((version|project|network|compute|tags|waivers|extends|regions|primary|\\- |: |\\[|\\]|\\{|\\}|, |&a |\\*a|!tag |'|\"|#|\n  |\n)){0,60}") {
        pipeline(text);
    }

    #[test]
    fn arbitrary_field_values_never_panic(
        changes in prop::collection::vec((prop::sample::select(FIELDS), any_value()), 1..4)
    ) {
        let mut document = base();
        for (pointer, value) in changes {
            set(&mut document, pointer, value);
        }
        // JSON is YAML: the document goes through the real loader.
        pipeline(serde_json::to_string_pretty(&document).unwrap());
    }
}

proptest! {
    // Each case renders a whole zone and reads it back: 48 in CI; `PROPTEST_CASES=N` runs more.
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(48),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn valid_combinations_render_what_the_providers_accept(
        picks in prop::collection::vec(prop::sample::select(valid_choices()), 1..6)
    ) {
        let mut document = base();
        for (pointer, value) in picks {
            set(&mut document, pointer, value);
        }
        pipeline(serde_json::to_string_pretty(&document).unwrap());
    }
}
