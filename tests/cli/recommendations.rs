//! Each enforced or configurable recommendation, read off the generated Terraform: the
//! attributes that implement it are there by default; its waiver removes exactly them and is
//! recorded in the generated files' headers and in COMPLIANCE.md.

use std::collections::BTreeMap;
use std::path::Path;

use hcl::{Block, Body, Expression};

use crate::support::{mlzone, repo, text};

/// The generated Terraform of one profile: resources by `type.name`, plus the raw files.
struct Tf {
    resources: BTreeMap<String, Block>,
    files: BTreeMap<String, String>,
    compliance: String,
}

impl Tf {
    fn of_type<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a Block> + 'a {
        self.resources
            .iter()
            .filter(move |(address, _)| address.split('.').next() == Some(kind))
            .map(|(_, block)| block)
    }

    fn get(&self, address: &str) -> Option<&Block> {
        self.resources.get(address)
    }

    /// Every resource of `kind` has `attribute` equal to `value`, and there is at least one.
    fn all(&self, kind: &str, attribute: &str, value: Expression) -> bool {
        let mut blocks = self.of_type(kind).peekable();
        blocks.peek().is_some() && blocks.all(|b| attr(b.body(), attribute) == Some(&value))
    }
}

fn attr<'a>(body: &'a Body, name: &str) -> Option<&'a Expression> {
    body.attributes()
        .find(|a| a.key() == name)
        .map(|a| a.expr())
}

fn block<'a>(body: &'a Body, name: &str) -> Option<&'a Block> {
    body.blocks().find(|b| b.identifier() == name)
}

/// The value at `path` inside an object expression (an azapi body).
fn at<'a>(expr: &'a Expression, path: &[&str]) -> Option<&'a Expression> {
    path.iter().try_fold(expr, |expr, key| match expr {
        Expression::Object(object) => object
            .iter()
            .find(|(k, _)| k.to_string().trim_matches('"') == *key)
            .map(|(_, v)| v),
        _ => None,
    })
}

fn s(text: &str) -> Expression {
    Expression::String(text.to_owned())
}

const BASE: &str = r#"
project: reco
environment: prod
regions: {primary: westeurope}
compute:
  clusters:
    - {name: train, sku: Standard_D8_v5, purpose: training, max_nodes: 2}
    - {name: batch, sku: Standard_D8_v5, purpose: batch_inference, max_nodes: 2}
  instances:
    - {name: dev-one, sku: Standard_D4_v5, user_object_id: 11111111-1111-4111-8111-111111111111}
access:
  - {group_object_id: 22222222-2222-4222-8222-222222222222, role: data_scientist}
# A subscription of its own, so every policy and Defender plan is the zone's.
policy: {scope: subscription, defender_plans: manage}
"#;

fn generate(dir: &Path, extra: &str) -> Tf {
    // baseline ← the test project ← this case, so a case's lists replace the project's.
    let golden = repo().join("profiles/baseline.yaml");
    std::fs::write(
        dir.join("base.yaml"),
        format!("extends: {}\n{BASE}", golden.display()),
    )
    .unwrap();
    let profile = dir.join("profile.yaml");
    std::fs::write(&profile, format!("extends: base.yaml\n{extra}")).unwrap();
    let out = dir.join("out");
    let run = mlzone()
        .args(["generate", "--format", "terraform", "-o"])
        .arg(&out)
        .arg(&profile)
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", text(&run.stderr));
    let mut tf = Tf {
        resources: BTreeMap::new(),
        files: BTreeMap::new(),
        compliance: std::fs::read_to_string(out.join("COMPLIANCE.md")).unwrap(),
    };
    for entry in std::fs::read_dir(out.join("terraform")).unwrap() {
        let path = entry.unwrap().path();
        let source = std::fs::read_to_string(&path).unwrap();
        let body: Body = hcl::parse(&source).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        for b in body.blocks().filter(|b| b.identifier() == "resource") {
            let labels: Vec<&str> = b.labels().iter().map(|l| l.as_str()).collect();
            tf.resources.insert(labels.join("."), b.clone());
        }
        tf.files.insert(
            path.file_name().unwrap().to_string_lossy().into_owned(),
            source,
        );
    }
    tf
}

type Check = fn(&Tf) -> bool;

fn policy(tf: &Tf, key: &str) -> bool {
    tf.get(&format!("azurerm_subscription_policy_assignment.{key}"))
        .is_some()
}

/// (recommendation, what the profile adds to use the waiver, whether the Terraform holds it).
const CASES: &[(&str, &str, Check)] = &[
    ("REL-01", "", |tf| {
        tf.all(
            "azurerm_storage_account",
            "account_replication_type",
            s("RAGZRS"),
        ) && tf.all(
            "azurerm_container_registry",
            "zone_redundancy_enabled",
            Expression::Bool(true),
        )
    }),
    ("REL-07", "", |tf| {
        tf.get("azurerm_resource_group.secondary").is_some()
            && tf
                .get("azurerm_container_registry.main")
                .is_some_and(|b| block(b.body(), "georeplications").is_some())
    }),
    (
        "REL-09",
        "compute:\n  clusters:\n    - {name: batch, sku: Standard_D8_v5, purpose: batch_inference, max_nodes: 2, priority: low_priority}\n",
        |tf| {
            tf.all(
                "azurerm_machine_learning_compute_cluster",
                "vm_priority",
                s("Dedicated"),
            )
        },
    ),
    ("SEC-01", "", |tf| {
        tf.of_type("azurerm_security_center_subscription_pricing")
            .count()
            == 4
    }),
    ("SEC-02", "", |tf| {
        tf.of_type("azurerm_machine_learning_workspace").all(|w| {
            block(w.body(), "managed_network").is_some_and(|m| {
                attr(m.body(), "isolation_mode") == Some(&s("AllowOnlyApprovedOutbound"))
            })
        })
    }),
    ("SEC-03", "", |tf| {
        tf.all(
            "azurerm_machine_learning_workspace",
            "public_network_access_enabled",
            Expression::Bool(false),
        ) && tf
            .get("azurerm_private_endpoint.primary_workspace_amlworkspace")
            .is_some()
    }),
    ("SEC-04", "network: {internet_outbound: true}\n", |tf| {
        // Every update of the managed network (the workspace key's update has none).
        tf.of_type("azapi_update_resource").all(|u| {
            let network =
                attr(u.body(), "body").and_then(|b| at(b, &["properties", "managedNetwork"]));
            network.is_none()
                || network.and_then(|n| at(n, &["isolationMode"]))
                    == Some(&s("AllowOnlyApprovedOutbound"))
        }) && tf.of_type("azurerm_machine_learning_workspace").all(|w| {
            block(w.body(), "managed_network").is_some_and(|m| {
                attr(m.body(), "isolation_mode") == Some(&s("AllowOnlyApprovedOutbound"))
            })
        })
    }),
    ("SEC-05", "", |tf| {
        tf.all(
            "azurerm_storage_account",
            "public_network_access_enabled",
            Expression::Bool(false),
        ) && tf.all(
            "azurerm_key_vault",
            "public_network_access_enabled",
            Expression::Bool(false),
        ) && tf.all(
            "azurerm_container_registry",
            "public_network_access_enabled",
            Expression::Bool(false),
        ) && tf
            .get("azurerm_private_endpoint.primary_storage_blob")
            .is_some()
    }),
    ("SEC-06", "", |tf| {
        tf.all(
            "azurerm_storage_account",
            "shared_access_key_enabled",
            Expression::Bool(false),
        ) && tf.all(
            "azurerm_container_registry",
            "admin_enabled",
            Expression::Bool(false),
        ) && tf.all(
            "azurerm_machine_learning_workspace",
            "storage_account_access_type",
            s("Identity"),
        )
    }),
    ("SEC-07", "", |tf| {
        tf.all(
            "azurerm_machine_learning_compute_cluster",
            "local_auth_enabled",
            Expression::Bool(false),
        ) && tf
            .get("azapi_resource.primary_dev-one")
            .and_then(|i| attr(i.body(), "body"))
            .and_then(|b| at(b, &["properties", "disableLocalAuth"]))
            == Some(&Expression::Bool(true))
    }),
    ("SEC-08", "", |tf| {
        tf.all(
            "azurerm_machine_learning_compute_cluster",
            "ssh_public_access_enabled",
            Expression::Bool(false),
        )
    }),
    ("SEC-09", "", |tf| {
        tf.all(
            "azurerm_machine_learning_compute_cluster",
            "node_public_ip_enabled",
            Expression::Bool(false),
        ) && tf
            .get("azapi_resource.primary_dev-one")
            .and_then(|i| attr(i.body(), "body"))
            .and_then(|b| at(b, &["properties", "properties", "enableNodePublicIp"]))
            == Some(&Expression::Bool(false))
    }),
    ("SEC-10", "", |tf| {
        policy(tf, "compute_instance_latest_os_image")
    }),
    (
        "SEC-11",
        "access:\n  - {group_object_id: 22222222-2222-4222-8222-222222222222, role: data_scientist, principal_type: user}\n",
        |tf| {
            tf.all("azurerm_role_assignment", "principal_type", s("Group"))
                || tf
                    .of_type("azurerm_role_assignment")
                    .filter(|r| {
                        attr(r.body(), "role_definition_name") == Some(&s("AzureML Data Scientist"))
                    })
                    .all(|r| attr(r.body(), "principal_type") == Some(&s("Group")))
        },
    ),
    ("SEC-12", "", |tf| policy(tf, "model_deployment_registries")),
    (
        "SEC-13",
        "encryption: {customer_managed_key: false}\n",
        |tf| {
            tf.of_type("azurerm_machine_learning_workspace")
                .all(|w| block(w.body(), "encryption").is_some())
                && tf
                    .of_type("azurerm_storage_account")
                    .all(|w| block(w.body(), "customer_managed_key").is_some())
                && tf.get("azapi_resource.primary_cmk").is_some()
        },
    ),
    ("SEC-15", "", |tf| policy(tf, "compute_allowed_registries")),
    ("SEC-18", "", |tf| {
        tf.all(
            "azurerm_storage_account",
            "https_traffic_only_enabled",
            Expression::Bool(true),
        ) && tf.all("azurerm_storage_account", "min_tls_version", s("TLS1_2"))
    }),
    (
        "COST-02",
        "compute:\n  clusters:\n    - {name: train, sku: Standard_D8_v5, purpose: training, max_nodes: 2, min_nodes: 1}\n",
        |tf| {
            tf.of_type("azurerm_machine_learning_compute_cluster")
                .all(|c| {
                    block(c.body(), "scale_settings").and_then(|s| attr(s.body(), "min_node_count"))
                        == Some(&Expression::Number(0.into()))
                })
        },
    ),
    ("COST-03", "", |tf| {
        tf.of_type("azurerm_policy_definition").count() == 1
    }),
    ("COST-09", "", |tf| {
        tf.get("azapi_resource.primary_dev-one")
            .and_then(|i| attr(i.body(), "body"))
            .and_then(|b| at(b, &["properties", "properties", "idleTimeBeforeShutdown"]))
            == Some(&s("PT30M"))
    }),
    ("OPS-05", "", |tf| {
        tf.of_type("azurerm_monitor_diagnostic_setting").count() == 9
            && tf.all(
                "azurerm_application_insights",
                "local_authentication_enabled",
                Expression::Bool(false),
            )
    }),
    ("POL-01", "", |tf| {
        policy(tf, "workspace_public_network_access")
    }),
    ("POL-02", "", |tf| policy(tf, "compute_in_virtual_network")),
    ("POL-03", "", |tf| policy(tf, "compute_local_auth_disabled")),
    ("POL-04", "", |tf| policy(tf, "workspace_private_link")),
    ("POL-05", "", |tf| {
        policy(tf, "workspace_customer_managed_key")
    }),
    ("POL-06", "", |tf| {
        policy(tf, "workspace_user_assigned_identity")
    }),
    ("POL-07", "", |tf| {
        policy(tf, "compute_instance_idle_shutdown")
    }),
    ("POL-08", "", |tf| policy(tf, "compute_allowed_registries")),
    ("POL-09", "", |tf| policy(tf, "model_deployment_registries")),
    ("POL-10", "", |tf| policy(tf, "workspace_resource_logs")),
];

#[test]
fn each_recommendation_is_in_the_terraform_and_its_waiver_removes_it() {
    let dir = tempfile::tempdir().unwrap();
    let default = generate(dir.path(), "");
    let mut failures = Vec::new();
    for (id, relax, holds) in CASES {
        if !holds(&default) {
            failures.push(format!("{id}: not applied in the default Terraform"));
        }
        let case = tempfile::tempdir().unwrap();
        let waiver = format!(
            "waivers:\n  - {{id: {id}, reason: \"test waiver of {id}\", expires: 2027-06-30}}\n"
        );
        let waived = generate(case.path(), &format!("{relax}{waiver}"));
        if holds(&waived) {
            failures.push(format!("{id}: still applied when waived"));
        }
        let note = format!("# WAIVED {id} (");
        if !waived.files.values().any(|f| f.contains(&note)) {
            failures.push(format!("{id}: no `{note}` comment in the Terraform"));
        }
        let row = format!("| {id} | ");
        let recorded = waived.compliance.lines().any(|l| {
            l.starts_with(&row)
                && l.contains("| waived |")
                && l.contains(&format!("test waiver of {id}"))
        });
        if !recorded {
            failures.push(format!("{id}: COMPLIANCE.md does not record the waiver"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn customer_network_guards_against_exfiltration() {
    let dir = tempfile::tempdir().unwrap();
    let customer = "network: {mode: customer, outbound: [], egress: {via: nat_gateway}}\n";
    let tf = generate(dir.path(), customer);
    assert!(
        tf.get("azurerm_subnet_service_endpoint_storage_policy.primary")
            .is_some()
    );
    assert!(
        tf.get("azurerm_network_security_rule.primary_compute_deny_internet")
            .is_some()
    );
    assert!(
        tf.of_type("azurerm_machine_learning_compute_cluster")
            .all(|c| attr(c.body(), "subnet_resource_id").is_some())
    );
    let case = tempfile::tempdir().unwrap();
    let waived = generate(
        case.path(),
        &format!("{customer}waivers:\n  - {{id: SEC-14, reason: r, expires: 2027-06-30}}\n"),
    );
    assert!(
        waived
            .get("azurerm_subnet_service_endpoint_storage_policy.primary")
            .is_none()
    );
    assert!(
        waived
            .get("azurerm_network_security_rule.primary_compute_deny_internet")
            .is_none()
    );
}
