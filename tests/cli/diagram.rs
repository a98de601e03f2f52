//! The compliance report opens with a Mermaid flowchart of the zone, drawn from the plan: read
//! back from COMPLIANCE.md of every shipped profile, every edge joins declared nodes, and the
//! regions, networks, subnets, private endpoints, identity roles and access grants are the plan's.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

use serde_json::Value;

use crate::support::{generate_into, plan_json, shipped_profiles, slug};

#[test]
fn the_compliance_report_opens_with_a_diagram_of_the_plan() {
    let temp = tempfile::tempdir().expect("a temporary directory");
    for (label, profile) in shipped_profiles() {
        let out = temp.path().join(slug(&label));
        generate_into(&profile, &out, "terraform,bicep");
        let report = fs::read_to_string(out.join("COMPLIANCE.md")).expect("COMPLIANCE.md");
        let diagram = Diagram::read(&report, &label);
        let plan = plan_json(&profile);

        for (from, to, _) in &diagram.edges {
            for id in [from, to] {
                assert!(
                    diagram.nodes.contains_key(id),
                    "{label}: edge to undeclared `{id}`"
                );
            }
        }
        for region in plan["regions"].as_array().expect("regions") {
            let role = region["role"].as_str().expect("a role");
            let what = format!("{label} {role}");
            let group = &diagram.nodes[&format!("{role}_group")];
            assert!(
                group.contains(region["location"].as_str().expect("a location")),
                "{what}: {group}"
            );
            let network = &region["network"];
            let vnet = &diagram.nodes[&format!("{role}_vnet")];
            assert!(vnet.contains(str_of(&network["address_space"])), "{what}");
            assert!(
                diagram.nodes[&format!("{role}_snet_endpoints")]
                    .contains(str_of(&network["endpoint_subnet"])),
                "{what}"
            );
            if let Some(compute) = network["compute_subnet"].as_str() {
                assert!(
                    diagram.nodes[&format!("{role}_snet_compute")].contains(compute),
                    "{what}"
                );
                assert_eq!(
                    diagram.egress(role),
                    expected_egress(region),
                    "{what}: egress"
                );
            }
            let endpoints: Vec<String> = region["private_endpoints"]
                .as_array()
                .expect("endpoints")
                .iter()
                .map(|pe| format!("private endpoint {}", str_of(&pe["subresource"])))
                .collect();
            let drawn: Vec<String> = (1..=endpoints.len())
                .map(|i| diagram.nodes[&format!("{role}_pe_{i}")].clone())
                .collect();
            assert_eq!(drawn, endpoints, "{what}: private endpoints");
            assert!(
                !diagram
                    .nodes
                    .contains_key(&format!("{role}_pe_{}", endpoints.len() + 1)),
                "{what}: an endpoint the plan does not have"
            );
            for pe in 1..=endpoints.len() {
                assert!(
                    diagram
                        .edges
                        .iter()
                        .any(|(from, to, _)| from == &format!("{role}_snet_endpoints")
                            && to == &format!("{role}_pe_{pe}")),
                    "{what}: endpoint {pe} is not in the endpoint subnet"
                );
            }
            for node in ["workspace", "key_vault", "storage", "log_analytics"] {
                assert!(
                    diagram.nodes.contains_key(&format!("{role}_{node}")),
                    "{what}: no {node}"
                );
            }
            let identity = |kind: &str| match kind {
                "compute" => format!("{role}_compute_identity"),
                _ => format!("{role}_identity"),
            };
            let held: BTreeSet<(String, &str)> = diagram
                .edges
                .iter()
                .filter(|(from, _, _)| {
                    *from == identity("workspace") || *from == identity("compute")
                })
                .filter(|(_, _, label)| label != "acts as")
                .map(|(from, _, label)| (from.clone(), label.as_str()))
                .collect();
            let planned: BTreeSet<(String, &str)> = region["identity_roles"]
                .as_array()
                .expect("roles")
                .iter()
                .map(|r| (identity(str_of(&r["identity"])), str_of(&r["role"])))
                .collect();
            assert_eq!(held, planned, "{what}: identity roles");
            for grant in plan["access"].as_array().expect("access") {
                let target = format!("{role}_{}", str_of(&grant["scope"]));
                assert!(
                    diagram.edges.iter().any(|(from, to, label)| to == &target
                        && label == str_of(&grant["role"])
                        && diagram.nodes[from].contains(str_of(&grant["principal_id"]))),
                    "{what}: {grant} is not drawn"
                );
            }
        }
    }
}

#[test]
fn the_diagram_is_the_same_on_every_run() {
    let temp = tempfile::tempdir().expect("a temporary directory");
    let (_, profile) = shipped_profiles()
        .into_iter()
        .find(|(label, _)| label.contains("fraud-detection"))
        .expect("the fraud-detection example");
    let mut diagrams = Vec::new();
    for run in ["one", "two"] {
        let out = temp.path().join(run);
        generate_into(&profile, &out, "terraform");
        let report = fs::read_to_string(out.join("COMPLIANCE.md")).expect("COMPLIANCE.md");
        diagrams.push(Diagram::read(&report, run).source);
    }
    assert_eq!(diagrams[0], diagrams[1]);
}

#[test]
fn a_customer_vnet_diagram_draws_each_egress_path_the_plan_has() {
    let (_, profile) = shipped_profiles()
        .into_iter()
        .find(|(label, _)| label.contains("customer-vnet"))
        .expect("the customer-vnet golden profile");
    let loaded = mlzone::profile::load(&profile).expect("loads");
    let today = jiff::civil::date(2026, 11, 22);
    let validated = mlzone::validate::validate(&loaded, today).expect("valid");
    let mut plan = mlzone::plan::resolve(&validated.profile);
    let meta = mlzone::render::Meta::new(Path::new("profile.yaml"), Path::new("infra"));
    let drawn = |plan: &mlzone::plan::Plan| {
        let files = mlzone::render::render(plan, &meta, None).expect("renders");
        let json = serde_json::to_value(plan).expect("a plan as JSON");
        let diagram = Diagram::read(&files["COMPLIANCE.md"], "customer-vnet");
        let region = &json["regions"][0];
        assert_eq!(diagram.egress("primary"), expected_egress(region));
        let names = &region["names"];
        let through = match region["network"]["egress"]["via"].as_str() {
            Some("firewall") => str_of(&names["route_table"]),
            Some(_) => str_of(&names["nat_gateway"]),
            None => "",
        };
        if !through.is_empty() {
            assert!(
                diagram.nodes["primary_egress"].contains(through),
                "{through}"
            );
        }
        diagram.egress("primary")
    };
    let firewall = drawn(&plan);
    let files = mlzone::render::render(&plan, &meta, None).expect("renders");
    insta::assert_snapshot!(
        "customer-vnet-diagram",
        Diagram::read(&files["COMPLIANCE.md"], "customer-vnet").source
    );
    assert_eq!(
        firewall.last().map(|(_, to, _)| to.as_str()),
        Some("primary_internet")
    );
    assert!(
        firewall
            .iter()
            .any(|(_, to, _)| to == "primary_hub_firewall"),
        "{firewall:?}"
    );

    let egress = plan.regions[0].network.egress.as_mut().expect("an egress");
    egress.via = mlzone::profile::EgressVia::NatGateway;
    egress.firewall_ip = None;
    let nat = drawn(&plan);
    assert_eq!(nat.len(), 2, "{nat:?}");
    assert!(
        !nat.iter().any(|(_, to, _)| to.contains("firewall")),
        "{nat:?}"
    );

    plan.regions[0].network.egress = None;
    let none = drawn(&plan);
    assert_eq!(
        none,
        [(
            "primary_snet_compute".to_owned(),
            "primary_internet".to_owned(),
            "no egress path".to_owned()
        )]
    );
}

/// The path out of a region's compute subnet the plan gives: (from, to, label) in order.
fn expected_egress(region: &Value) -> Vec<(String, String, String)> {
    let role = str_of(&region["role"]);
    let edge = |from: &str, to: &str, label: &str| {
        (
            format!("{role}_{from}"),
            format!("{role}_{to}"),
            label.to_owned(),
        )
    };
    match region["network"]["egress"]["via"].as_str() {
        Some("firewall") => vec![
            edge("snet_compute", "egress", "outbound"),
            edge("egress", "hub_firewall", "next hop"),
            edge("hub_firewall", "internet", ""),
        ],
        Some(_) => vec![
            edge("snet_compute", "egress", "outbound"),
            edge("egress", "internet", ""),
        ],
        None => vec![edge("snet_compute", "internet", "no egress path")],
    }
}

fn str_of(v: &Value) -> &str {
    v.as_str().unwrap_or_default()
}

/// The first fenced block of a report, which must be a Mermaid flowchart before any section.
struct Diagram {
    source: String,
    /// Node and subgraph IDs → label text (entity codes as written).
    nodes: BTreeMap<String, String>,
    /// (from, to, label) of every link, a chain `a --- b --> c` as its two links.
    edges: Vec<(String, String, String)>,
}

impl Diagram {
    fn read(report: &str, label: &str) -> Self {
        let start = report
            .find("```mermaid\n")
            .unwrap_or_else(|| panic!("{label}: no Mermaid block"));
        let first_section = report.find("\n## ").unwrap_or(report.len());
        assert!(
            start < first_section,
            "{label}: the diagram does not open the report"
        );
        let body = &report[start + "```mermaid\n".len()..];
        let source = body[..body.find("\n```").expect("a closed block")].to_owned();
        let mut lines = source.lines();
        assert_eq!(lines.next(), Some("flowchart LR"), "{label}");
        let mut diagram = Diagram {
            source: source.clone(),
            nodes: BTreeMap::new(),
            edges: Vec::new(),
        };
        for line in lines.map(str::trim) {
            if line == "end" {
                continue;
            }
            if let Some(rest) = line.strip_prefix("subgraph ") {
                let (id, title) = rest.split_once(' ').expect("a subgraph title");
                let title = title
                    .strip_prefix('[')
                    .and_then(|t| t.strip_suffix(']'))
                    .unwrap_or_else(|| panic!("{label}: subgraph title `{title}`"));
                diagram.nodes.insert(id.to_owned(), quoted(title, label));
                continue;
            }
            diagram.read_statement(line, label);
        }
        diagram
    }

    /// `a["x"] -->|"l"| b & c`, `a --- b --> c`, or a lone node declaration.
    fn read_statement(&mut self, line: &str, label: &str) {
        let mut tokens = Vec::new();
        let mut rest = line;
        while !rest.is_empty() {
            rest = rest.trim_start();
            let link = ["-.->", "-->", "---"]
                .iter()
                .find(|l| rest.starts_with(**l));
            if let Some(link) = link {
                rest = &rest[link.len()..];
                let mut text = String::new();
                if let Some(labelled) = rest.strip_prefix('|') {
                    let end = labelled.find('|').expect("a closed link label");
                    text = quoted(&labelled[..end], label);
                    rest = &labelled[end + 1..];
                }
                tokens.push(Token::Link(text));
            } else if let Some(after) = rest.strip_prefix('&') {
                rest = after;
            } else {
                let end = rest
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .unwrap_or(rest.len());
                assert!(end > 0, "{label}: cannot read `{line}`");
                let id = rest[..end].to_owned();
                rest = &rest[end..];
                if let Some(shape) = ["[[", "([", "["].iter().find(|s| rest.starts_with(**s)) {
                    let close = match *shape {
                        "[[" => "]]",
                        "([" => "])",
                        _ => "]",
                    };
                    let inner = &rest[shape.len()..];
                    let end = inner.find(close).expect("a closed shape");
                    self.nodes.insert(id.clone(), quoted(&inner[..end], label));
                    rest = &inner[end + close.len()..];
                }
                tokens.push(Token::Node(id));
            }
        }
        // Nodes between links: `a & b --> c` links each of the left to each of the right.
        let mut groups: Vec<Vec<String>> = vec![Vec::new()];
        let mut links = Vec::new();
        for token in tokens {
            match token {
                Token::Node(id) => groups.last_mut().expect("a group").push(id),
                Token::Link(text) => {
                    links.push(text);
                    groups.push(Vec::new());
                }
            }
        }
        for (i, text) in links.iter().enumerate() {
            for from in &groups[i] {
                for to in &groups[i + 1] {
                    self.edges.push((from.clone(), to.clone(), text.clone()));
                }
            }
        }
    }
}

impl Diagram {
    /// The links from a region's compute subnet to the internet, in order; each node on the
    /// way names the plan's route table or NAT gateway.
    fn egress(&self, role: &str) -> Vec<(String, String, String)> {
        let mut path = Vec::new();
        let mut at = format!("{role}_snet_compute");
        let internet = format!("{role}_internet");
        while at != internet {
            let Some(link) = self.edges.iter().find(|(from, to, _)| {
                *from == at && (to.contains("egress") || to.contains("firewall") || *to == internet)
            }) else {
                break;
            };
            at.clone_from(&link.1);
            path.push(link.clone());
        }
        path
    }
}

enum Token {
    Node(String),
    Link(String),
}

/// The text of a `"..."` label, which holds no quote of its own.
fn quoted(text: &str, label: &str) -> String {
    let inner = text
        .strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .unwrap_or_else(|| panic!("{label}: `{text}` is not a quoted label"));
    assert!(!inner.contains('"'), "{label}: `{text}`");
    inner.to_owned()
}

#[test]
fn the_diagram_labels_the_workspace_and_its_dependencies_public_or_private() {
    let temp = tempfile::tempdir().expect("a temporary directory");
    let profile = crate::support::extending(
        temp.path(),
        "profiles/baseline.yaml",
        "project: open\nwaivers:\n  - {id: SEC-05, reason: pilot, expires: 2027-01-31}\n",
    );
    let out = temp.path().join("infra");
    generate_into(&profile, &out, "terraform,bicep");
    let report = fs::read_to_string(out.join("COMPLIANCE.md")).expect("COMPLIANCE.md");
    let diagram = Diagram::read(&report, "SEC-05 waived");
    let plan = plan_json(&profile);
    let access = |resource: &Value| match resource["public_network_access"].as_bool() {
        Some(true) => ", public",
        _ => ", private",
    };
    let labelled = |node: &str, resource: &Value| {
        let label = &diagram.nodes[node];
        assert!(label.ends_with(access(resource)), "{node}: {label}");
    };
    labelled("registry", &plan["registry"]);
    for region in plan["regions"].as_array().expect("regions") {
        let role = str_of(&region["role"]);
        for node in ["workspace", "key_vault", "storage"] {
            labelled(&format!("{role}_{node}"), &region[node]);
        }
    }
    // The waiver opens the dependencies, not the workspace.
    assert!(diagram.nodes["primary_storage"].ends_with(", public"));
    assert!(diagram.nodes["primary_workspace"].ends_with(", private"));
}
