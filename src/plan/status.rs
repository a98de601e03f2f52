//! What became of each catalog recommendation, read off the resolved plan: applied (and where),
//! partial (where, and what is missing), not applied (what is missing), waived (why, until
//! when) or advisory (what to do, and how the landing zone helps). "Applied" needs evidence:
//! the resources or policy assignments that implement the whole recommendation are in the
//! output. "Advisory" is guidance only: an enforced recommendation the output lacks is not
//! applied, never advisory.

use super::{Plan, RecommendationStatus, Status};
use crate::facts::{self, Kind};
use crate::profile::{EgressVia, Environment, NetworkMode, Profile, Purpose};

/// The status of every catalog recommendation, in catalog order.
pub(super) fn statuses(profile: &Profile, plan: &Plan) -> Vec<RecommendationStatus> {
    let waiver = |id: &str| profile.waivers.iter().find(|w| w.id == id);
    facts::catalog()
        .iter()
        .map(|r| {
            let status = match waiver(&r.id) {
                Some(waiver) if r.kind != Kind::Advisory => Status::Waived {
                    reason: waiver.reason.trim().to_owned(),
                    expires: waiver.expires.clone(),
                },
                _ if r.kind == Kind::Advisory => Status::Advisory {
                    note: support(&r.id, plan)
                        .map_or_else(|| r.summary.clone(), |s| format!("{} {s}", r.summary)),
                },
                // REL-08 stands on REL-07's secondary stack: without it there is nothing to
                // claim, yet REL-08 itself was not waived.
                _ if r.id == "REL-08" && waiver("REL-07").is_some() => Status::NotApplied {
                    missing: vec!["a second region to deploy models to: they deploy in the primary region only, as REL-07 (the recovery stack) is waived".to_owned()],
                },
                // Guidance only is advisory; what the zone could apply and does not is not applied.
                _ => match applied(&r.id, profile, plan) {
                    Err(gap) => Status::NotApplied { missing: vec![gap] },
                    Ok(applied_in) => {
                        let missing = missing(&r.id, plan);
                        if missing.is_empty() {
                            Status::Applied { applied_in }
                        } else if applied_in.is_empty() {
                            Status::NotApplied { missing }
                        } else {
                            Status::Partial {
                                applied_in,
                                missing,
                            }
                        }
                    }
                },
            };
            RecommendationStatus {
                id: r.id.clone(),
                title: r.title.clone(),
                pillar: r.pillar.clone(),
                kind: r.kind,
                concerns: concerns(&r.id, plan.network_mode)
                    .iter()
                    .map(|c| (*c).to_owned())
                    .collect(),
                source: r.source.clone(),
                source_url: r.source_url(),
                status,
                changed_by_overlay: Vec::new(),
            }
        })
        .collect()
}

/// What the zone offers an advisory practice, where that depends on what the plan deploys:
/// the catalog's summary says only what to do.
fn support(id: &str, plan: &Plan) -> Option<String> {
    let primary = &plan.regions[0];
    Some(match id {
        "REL-04" => {
            let names = and(plan
                .regions
                .iter()
                .map(|r| r.workspace.name.as_str())
                .collect());
            let access = if primary.workspace.public_network_access {
                "public (SEC-03 is waived)"
            } else {
                "private"
            };
            let noun = if plan.regions.len() > 1 {
                "workspaces"
            } else {
                "workspace"
            };
            format!(
                "The zone's {access} {noun} {names} can host such endpoints, and its Application Insights and Log Analytics let teams compare the two deployments before switching traffic."
            )
        }
        "PERF-03" => {
            let diagnostics = &primary.monitoring.diagnostic_settings;
            if diagnostics.is_empty() {
                "The zone's Application Insights and Log Analytics take the telemetry jobs and endpoints send them; no diagnostic settings send the resources' own logs and metrics there (OPS-05 is waived).".to_owned()
            } else {
                format!(
                    "The zone's Application Insights and Log Analytics, with the logs and metrics diagnostic settings send from {}, provide the telemetry to track them.",
                    and(diagnostics.iter().map(|d| d.as_str()).collect()).replace('_', " ")
                )
            }
        }
        "OPS-06" => {
            let access = if plan.registry.public_network_access {
                "public (SEC-05 is waived)"
            } else {
                "private"
            };
            format!(
                "The zone's {access} container registry {} gives such environments a shared home; the zone creates no Azure ML registry to share them across workspaces (OPS-01).",
                plan.registry.name
            )
        }
        "REL-05" => {
            let batch: Vec<String> = primary
                .clusters
                .iter()
                .filter(|c| c.purpose == Purpose::BatchInference)
                .map(|c| format!("{} on {}", c.name, c.vm_priority))
                .collect();
            if batch.is_empty() {
                "The zone declares no batch-inference cluster; the compliance report lists each cluster's VM priority so the choice is visible.".to_owned()
            } else {
                format!(
                    "The zone's batch-inference clusters: {}; the compliance report lists each cluster's VM priority so the choice is visible.",
                    and(batch.iter().map(String::as_str).collect())
                )
            }
        }
        "REL-06" => {
            let auth = match primary.workspace.datastore_auth {
                super::DatastoreAuth::Identity => "identity-based datastores",
                super::DatastoreAuth::AccessKey => {
                    "datastores that use the account keys (SEC-06 is waived)"
                }
            };
            let accounts: Vec<String> = plan
                .regions
                .iter()
                .map(|r| format!("{} ({})", r.storage.name, r.storage.replication))
                .collect();
            format!(
                "The zone gives jobs the durable workspace storage {}, reached through {auth}, to write them to.",
                and(accounts.iter().map(String::as_str).collect())
            )
        }
        "OPS-04" => {
            let logs = if primary.monitoring.diagnostic_settings.is_empty() {
                "no diagnostic settings send the workspace's logs to Log Analytics (OPS-05 is waived)".to_owned()
            } else {
                format!(
                    "diagnostic settings send the workspace's logs to Log Analytics {}",
                    primary.monitoring.log_analytics
                )
            };
            if primary.workspace.app_insights {
                format!(
                    "The zone attaches Application Insights {} to the workspace, and {logs}: a place for those monitors to report.",
                    primary.monitoring.app_insights
                )
            } else {
                format!("The zone attaches no Application Insights to the workspace, and {logs}.")
            }
        }
        "PERF-02" => format!(
            "The zone deploys no online endpoints (REL-01); Log Analytics {} and Application Insights {} are where the metrics and logs of those a team deploys can go to tune such rules.",
            primary.monitoring.log_analytics, primary.monitoring.app_insights
        ),
        _ => return None,
    })
}

/// What of a recommendation the output lacks, though parts of it are applied.
fn missing(id: &str, plan: &Plan) -> Vec<String> {
    let mut missing = Vec::new();
    // A policy assignment the zone is exempt from does not enforce on the zone.
    for a in plan.governance.assignments.iter().filter(|a| {
        a.recommendation == id || facts::policy(&a.key).also.iter().any(|also| also == id)
    }) {
        for e in plan
            .governance
            .exemptions
            .iter()
            .filter(|e| e.assignment == a.key)
        {
            missing.push(format!(
                "policy assignment {}: the zone's resource groups are exempt until {} ({} waived)",
                a.name, e.expires_on, e.recommendation
            ));
        }
        // An assignment that only reports is not exempted: it reports the waived setting.
        let reports = a.effect.as_deref().is_none_or(|e| e != "Deny");
        for u in plan
            .governance
            .unexempted
            .iter()
            .filter(|u| reports && u.assignment == a.key)
        {
            missing.push(format!(
                "policy assignment {} ({}) reports the zone's own resources non-compliant ({} waived)",
                a.name,
                a.effect.as_deref().unwrap_or("the definition's effect"),
                u.recommendation
            ));
        }
    }
    let assigned = |key: &str| plan.governance.assignments.iter().any(|a| a.key == key);
    match id {
        "REL-01" => {
            missing.push(
                "zone-redundant model hosting: the zone deploys no online endpoints; deploy them in a region with availability zones".to_owned(),
            );
            missing.extend(plan.regions.iter().filter(|r| !r.zones).map(|r| {
                format!(
                    "{}: no availability zones, so no zone redundancy",
                    r.location
                )
            }));
        }
        // Destroying a plan sets the whole subscription's back to Free: the zone sets them only
        // when the profile says so (`policy.defender_plans: manage`).
        "SEC-01" if plan.governance.defender_plans.is_empty() => missing.push(format!(
            "Defender for Cloud plans {} on the Standard tier: the subscription owner enables them, or `policy.defender_plans: manage` has the zone set them",
            facts::defender_plan_names(facts::defender_plans())
        )),
        "SEC-02" => {
            // The guide's fallback when managed isolation cannot be used is met, not the
            // recommendation itself.
            if plan.network_mode == NetworkMode::Customer {
                missing.push(format!(
                    "customer VNet instead of the managed network: the workspaces have no managed virtual network, and {} is not assigned; what the customer VNet provides instead is compute in a subnet of its own, apart from the private endpoints, each behind an NSG (the guide's fallback)",
                    facts::policy("workspace_managed_network_isolation").display_name
                ));
            }
            missing.extend(
                public_ip_compute(plan)
                    .into_iter()
                    .map(|c| format!("{c} has a public IP (SEC-09 is waived)")),
            );
        }
        // The second region is ready for models; the zone itself deploys none (as REL-01 says).
        "REL-08" if plan.regions.len() > 1 => missing.push(
            "model deployments in the second region: the zone deploys no online endpoints or models; deploy them to both regions' workspaces".to_owned(),
        ),
        "SEC-04" => {
            missing.extend(plan.regions.iter().filter_map(internet_open));
            if plan.network_mode == NetworkMode::Customer {
                missing.extend(plan.regions.iter().map(no_managed_outbound));
            }
        }
        "SEC-14" => {
            missing.extend(plan.regions.iter().filter_map(internet_open));
            missing.extend(any_tenant_destinations(plan));
        }
        // Its rule flags compute without a subnet, which is all compute on a managed network.
        "POL-02" if plan.network_mode == NetworkMode::Managed => {
            if let Some(a) = plan
                .governance
                .assignments
                .iter()
                .find(|a| a.key == "compute_in_virtual_network")
            {
                missing.push(format!(
                    "policy assignment {} ({}) reports the zone's own clusters and instances non-compliant: on the managed network they have no subnet, which its rule asks for (read off the rule, not documented)",
                    a.name,
                    a.effect.as_deref().unwrap_or("the definition's effect")
                ));
            }
        }
        "SEC-11" => missing.extend(
            plan.access
                .iter()
                .filter(|a| a.principal_type != "Group")
                .map(|a| direct_grant(plan, a)),
        ),
        "SEC-18" => {
            missing.extend(plan.regions.iter().filter(|r| r.key_vault.public_network_access).map(
                |r| format!("key vault {} takes public traffic (SEC-05 is waived)", r.key_vault.name),
            ));
            if plan.registry.public_network_access {
                missing.push(format!(
                    "registry {} takes public traffic (SEC-05 is waived)",
                    plan.registry.name
                ));
            }
        }
        "COST-06" => missing.extend(
            plan.regions
                .iter()
                .filter(|r| r.monitoring.diagnostic_settings.is_empty())
                .map(|r| {
                    format!(
                        "{}: no diagnostic settings send compute metrics to Log Analytics (OPS-05 is waived)",
                        r.location
                    )
                }),
        ),
        "OPS-01" => missing
            .push("the zone creates no Azure ML registry for the team's own models".to_owned()),
        "SEC-13" => {
            if let Some(gap) = &plan.registry.customer_managed_key_gap {
                missing.push(format!(
                    "the registry {} is on platform-managed keys: {gap}",
                    plan.registry.name
                ));
            }
        }
        "SEC-16" if !assigned("compute_allowed_python_packages") => {
            if let Some(open) = package_index_open(plan) {
                missing.push(format!(
                    "{open}, and no allowed-packages policy is assigned: set `integrity.python_package_channels`"
                ));
            } else {
                missing.extend(feeds_behind_tags(plan));
            }
        }
        "SEC-16" => missing.extend(public_channels(plan)),
        _ => {}
    }
    missing
}

/// What a role held by a user directly lacks for SEC-11. A compute instance reaches the
/// workspace storage as its owner (Microsoft Learn, "Disable shared key access for your
/// workspace's storage account": the user's identity for studio and notebooks), so the zone
/// grants the owner the storage data roles; Azure RBAC gives a role assigned to a group to each
/// of its members (Microsoft Learn, "Assign Azure roles"), so a group could hold it instead.
pub(super) fn direct_grant(plan: &Plan, a: &super::RoleAssignment) -> String {
    let owner = plan
        .instances
        .iter()
        .any(|i| i.user_object_id.eq_ignore_ascii_case(&a.principal_id));
    if owner {
        format!(
            "compute instance owner {} holds {} on the {} directly: the instance reaches the storage as its owner, and the zone grants the role to the owner so that it works without a group; a group the owner belongs to could hold it instead",
            a.principal_id, a.role, a.scope
        )
    } else {
        format!(
            "{} {} holds {} on the {} directly, not through an Entra group",
            a.principal_type.to_lowercase(),
            a.principal_id,
            a.role,
            a.scope
        )
    }
}

/// The NSG service tag for any internet address.
const INTERNET: &str = "Internet";

/// What of the internet a region's compute subnet reaches past its NSG (customer mode), if any.
fn internet_open(r: &super::RegionPlan) -> Option<String> {
    r.network.compute_subnet.as_ref()?;
    let through = match r.network.egress.as_ref().map(|e| e.via) {
        Some(EgressVia::Firewall) => "the hub firewall",
        _ => "the NAT gateway",
    };
    if r.network.deny_internet_outbound.is_none() {
        return Some(format!(
            "nsg {} denies no internet outbound (SEC-14 is waived): compute reaches any internet destination through {through}",
            r.names.nsg_compute
        ));
    }
    let open: Vec<String> = r
        .network
        .compute_outbound
        .iter()
        .filter(|rule| rule.destination == INTERNET)
        .map(|rule| format!("{INTERNET} {} {}", rule.protocol, rule.ports.join("/")))
        .collect();
    (!open.is_empty()).then(|| {
        format!(
            "nsg {} allows {} on to {through}: which hosts compute reaches, and whether data leaves over HTTPS, is {through}'s to decide, not the zone's",
            r.names.nsg_compute,
            open.join(", ")
        )
    })
}

/// The approved destinations data can leave to (SEC-14): outbound rules of the managed
/// network that reach a public service's uploads or any tenant's resources behind a service
/// tag, and the compute NSG's allow rules to such tags, unless the subnet's service endpoint
/// policy limits the tag to the zone's own (`data/exfiltration.yaml`).
fn any_tenant_destinations(plan: &Plan) -> Vec<String> {
    let any_tenant = |tag: &str| facts::service_tag_reach(tag).filter(|t| t.any_tenant);
    let mut out = Vec::new();
    // Every region's workspace gets the profile's rules: each is named once.
    if let Some(m) = plan
        .regions
        .iter()
        .find_map(|r| r.workspace.managed_network.as_ref())
    {
        for o in &m.outbound_rules {
            if let Some((fqdn, s)) = o
                .fqdn
                .as_deref()
                .and_then(|f| Some((f, facts::uploads_reached(f)?)))
            {
                out.push(format!(
                    "outbound FQDN rule {} ({fqdn}) reaches {}, where any account {}: data can leave to it; approve a mirror of what compute needs instead",
                    o.name, s.name, s.takes
                ));
            }
            if let Some((tag, t)) = o
                .service_tag
                .as_deref()
                .and_then(|tag| Some((tag, any_tenant(tag)?)))
            {
                out.push(format!(
                    "outbound service tag rule {} ({tag}) reaches {}: data can leave to them{}",
                    o.name,
                    t.reaches,
                    instead(t)
                ));
            }
        }
    }
    for r in &plan.regions {
        for (rule, t) in any_tenant_rules(r) {
            out.push(format!(
                "nsg {} allows {} {} {}, which reaches {}: data can leave to them{}",
                r.names.nsg_compute,
                rule.destination,
                rule.protocol,
                rule.ports.join("/"),
                t.reaches,
                instead(t)
            ));
        }
    }
    out
}

/// The compute NSG's allow rules to service tags that reach any tenant's resources, each with
/// what it reaches; Storage not while the subnet's service endpoint policy limits it to the
/// zone's own accounts (`data/exfiltration.yaml`).
fn any_tenant_rules(
    r: &super::RegionPlan,
) -> impl Iterator<Item = (&super::NsgRulePlan, &'static facts::ServiceTagReach)> {
    r.network.compute_outbound.iter().filter_map(|rule| {
        let t = facts::service_tag_reach(&rule.destination)?;
        let limited = r.network.storage_endpoint_policy && t.unless.is_some();
        (t.any_tenant && !limited).then_some((rule, t))
    })
}

/// What stands in for the managed network's approved-outbound mode in a customer VNet (SEC-04):
/// the compute NSG's service tags, some of which reach other tenants' resources.
fn no_managed_outbound(r: &super::RegionPlan) -> String {
    let mut tags: Vec<&str> = any_tenant_rules(r)
        .map(|(rule, _)| rule.destination.as_str())
        .collect();
    tags.dedup();
    let beyond = if tags.is_empty() {
        String::new()
    } else {
        format!(
            ", of which {} reach other tenants' resources as well (SEC-14)",
            tags.join(", ")
        )
    };
    format!(
        "workspace {}: no managed network, so no approved-outbound-only mode; what limits compute's outbound instead is the service tags nsg {} allows{beyond}",
        r.workspace.name, r.names.nsg_compute
    )
}

fn instead(tag: &facts::ServiceTagReach) -> String {
    tag.instead
        .as_ref()
        .map_or(String::new(), |i| format!("; instead, {i}"))
}

/// The channels of the allowed-packages policy that are a whole public index (SEC-16): the
/// policy lets any package of it through.
fn public_channels(plan: &Plan) -> Vec<String> {
    let Some(a) = plan
        .governance
        .assignments
        .iter()
        .find(|a| a.key == "compute_allowed_python_packages")
    else {
        return Vec::new();
    };
    a.parameters
        .get("allowedPythonPackageChannels")
        .and_then(|v| v.as_array())
        .into_iter()
        .flatten()
        .filter_map(|channel| {
            let channel = channel.as_str()?;
            let s = facts::public_index(crate::values::url_host(channel))?;
            Some(format!(
                "policy assignment {} allows the channel {channel}, which is all of {}, where any account {}: any package passes; set `integrity.python_package_channels` to a private feed or a mirror of reviewed packages instead",
                a.name, s.name, s.takes
            ))
        })
        .collect()
}

/// The compute of the zone that has a public IP, named for people.
fn public_ip_compute(plan: &Plan) -> Vec<String> {
    let clusters = plan.regions.iter().flat_map(|r| {
        r.clusters
            .iter()
            .filter(|c| c.node_public_ip)
            .map(move |c| format!("cluster {} ({})", c.name, r.location))
    });
    let instances = plan
        .instances
        .iter()
        .filter(|i| i.node_public_ip)
        .map(|i| format!("instance {}", i.name));
    let serverless = plan.regions.iter().filter_map(|r| {
        r.workspace
            .serverless_compute
            .as_ref()
            .filter(|s| s.public_ip)
            .map(|_| format!("serverless compute of workspace {}", r.workspace.name))
    });
    clusters.chain(instances).chain(serverless).collect()
}

/// How compute can reach a public package index, if it can, naming every region where it can.
fn package_index_open(plan: &Plan) -> Option<String> {
    let regions = |open: &dyn Fn(&super::RegionPlan) -> bool| -> Vec<&super::RegionPlan> {
        plan.regions.iter().filter(|r| open(r)).collect()
    };
    let locations =
        |rs: &[&super::RegionPlan]| and(rs.iter().map(|r| r.location.as_str()).collect());
    let workspaces = |rs: &[&super::RegionPlan], one: &str, many: &str| {
        let names = and(rs.iter().map(|r| r.workspace.name.as_str()).collect());
        if rs.len() == 1 {
            format!("workspace {names} {one}")
        } else {
            format!("workspaces {names} {many}")
        }
    };
    if plan.network_mode == NetworkMode::Customer {
        let internet = regions(&|r| r.network.deny_internet_outbound.is_none());
        if !internet.is_empty() {
            return Some(format!(
                "compute in {} has internet outbound",
                locations(&internet)
            ));
        }
        let firewall = regions(&|r| {
            r.network
                .egress
                .as_ref()
                .is_some_and(|e| e.via == EgressVia::Firewall)
        });
        return (!firewall.is_empty()).then(|| {
            format!(
                "compute in {} reaches the internet over HTTPS as far as the hub firewall allows",
                locations(&firewall)
            )
        });
    }
    let unmanaged = regions(&|r| r.workspace.managed_network.is_none());
    if !unmanaged.is_empty() {
        return Some(workspaces(
            &unmanaged,
            "has no managed network",
            "have no managed network",
        ));
    }
    let internet = regions(&|r| {
        r.workspace
            .managed_network
            .as_ref()
            .is_some_and(|m| m.isolation_mode != "AllowOnlyApprovedOutbound")
    });
    if !internet.is_empty() {
        return Some(workspaces(
            &internet,
            "allows internet outbound",
            "allow internet outbound",
        ));
    }
    // Every workspace gets the profile's rules.
    let fqdns: Vec<&str> = plan
        .regions
        .iter()
        .find_map(|r| r.workspace.managed_network.as_ref())
        .into_iter()
        .flat_map(|m| m.outbound_rules.iter().filter_map(|o| o.fqdn.as_deref()))
        .collect();
    (!fqdns.is_empty()).then(|| format!("outbound FQDN rules open {} to compute", fqdns.join(", ")))
}

/// Names for people: `a`, `a and b`, `a, b and c`.
fn and(names: Vec<&str>) -> String {
    match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => names.concat(),
    }
}

/// The compute NSG's service tags behind which any tenant's package feed can sit (SEC-16),
/// while no allowed-packages policy names the feeds jobs may use.
fn feeds_behind_tags(plan: &Plan) -> Vec<String> {
    plan.regions
        .iter()
        .flat_map(|r| {
            any_tenant_rules(r).filter(|(_, t)| t.hosts_feeds).map(move |(rule, t)| {
                format!(
                    "nsg {} allows {} {} {}, which reaches {}, where anyone's package feed can sit, and no allowed-packages policy is assigned: set `integrity.python_package_channels`",
                    r.names.nsg_compute,
                    rule.destination,
                    rule.protocol,
                    rule.ports.join("/"),
                    t.reaches
                )
            })
        })
        .collect()
}

/// Why compute reaches no public package index, when nothing opens one (SEC-16).
fn no_package_index(plan: &Plan) -> Vec<String> {
    if plan.network_mode == NetworkMode::Managed {
        return vec!["no public package index is reachable: no outbound FQDN rules".to_owned()];
    }
    // Customer mode has no FQDN rules: the compute NSG's deny rule is what keeps indexes out.
    plan.regions
        .iter()
        .filter_map(|r| {
            let deny = r.network.deny_internet_outbound.as_ref()?;
            Some(format!(
                "nsg {}: rule {} denies internet outbound beyond the service tags compute needs, so no package index outside those tags is reachable",
                r.names.nsg_compute, deny.name
            ))
        })
        .collect()
}

/// The waivers, in catalog order, each with the concerns whose files it changes: those that
/// carry its recommendation, and `policy` where it exempts the zone from a policy assignment.
/// A waiver that turns nothing off is listed too: the report says so.
pub(super) fn waiver_notes(profile: &Profile, plan: &Plan) -> Vec<super::WaiverNote> {
    facts::catalog()
        .iter()
        .filter(|r| r.kind != Kind::Advisory)
        .filter_map(|r| {
            let waiver = profile.waivers.iter().find(|w| w.id == r.id)?;
            let mut concerns: Vec<String> = concerns(&r.id, plan.network_mode)
                .iter()
                .map(|c| (*c).to_owned())
                .collect();
            let exempts = plan
                .governance
                .exemptions
                .iter()
                .any(|e| e.recommendation == r.id);
            if exempts && !concerns.iter().any(|c| c == "policy") {
                concerns.push("policy".to_owned());
            }
            Some(super::WaiverNote {
                id: r.id.clone(),
                title: r.title.clone(),
                reason: waiver.reason.trim().to_owned(),
                expires: waiver.expires.clone(),
                concerns,
                turns_off: Vec::new(),
            })
        })
        .collect()
}

/// Which concerns (generated files) carry a recommendation in a zone of network `mode`; empty
/// for those met by validation or process.
fn concerns(id: &str, mode: NetworkMode) -> &'static [&'static str] {
    match id {
        // A customer VNet approves outbound with the compute NSG's rules, not the workspace's.
        "SEC-04" if mode == NetworkMode::Customer => &["network"],
        "SEC-16" if mode == NetworkMode::Customer => &["network", "policy"],
        "REL-01" | "SEC-18" => &["dependencies"],
        "REL-07" | "REL-08" => &["main", "dependencies", "network", "workspace", "monitoring"],
        "REL-09" | "SEC-07" | "SEC-08" | "SEC-09" | "COST-01" | "COST-02" | "COST-08"
        | "COST-09" | "PERF-01" => &["compute"],
        "SEC-01" | "SEC-10" | "SEC-12" | "SEC-15" | "SEC-17" | "COST-03" | "OPS-01" => &["policy"],
        "SEC-02" | "SEC-03" | "SEC-14" => &["workspace", "network"],
        "SEC-04" | "SEC-16" => &["workspace", "policy"],
        "SEC-05" => &[
            "dependencies",
            "network",
            "workspace",
            "compute",
            "monitoring",
        ],
        "SEC-06" => &["identity", "dependencies", "workspace", "compute"],
        "SEC-11" => &["access"],
        "SEC-13" => &["dependencies", "workspace"],
        "SEC-19" | "OPS-07" => &["main", "workspace"],
        "COST-06" | "OPS-05" => &["monitoring"],
        id if id.starts_with("POL-") => &["policy"],
        _ => &[],
    }
}

/// Where a recommendation is applied, or what is missing: an option the profile does not turn
/// on, or what another recommendation's waiver or the profile's mode takes away.
fn applied(id: &str, profile: &Profile, plan: &Plan) -> Result<Vec<String>, String> {
    let primary = &plan.regions[0];
    let each = |f: &dyn Fn(&super::RegionPlan) -> String| -> Vec<String> {
        plan.regions.iter().map(f).collect()
    };
    let policy = |key: &str| -> Result<Vec<String>, String> {
        plan.governance
            .assignments
            .iter()
            .find(|a| a.key == key)
            .map(|a| vec![format!("policy assignment {} ({})", a.name, a.display_name)])
            .ok_or_else(|| {
                let definition = facts::policy(key);
                let waived = std::iter::once(&definition.recommendation)
                    .chain(&definition.also)
                    .find(|id| profile.waivers.iter().any(|w| &w.id == *id));
                match (
                    plan.governance.without_audit.iter().find(|g| g.key == key),
                    waived,
                ) {
                    (_, Some(id)) => format!(
                        "{} is not assigned: {id} is waived",
                        definition.display_name
                    ),
                    (Some(gap), None) => format!("{}: {}", definition.display_name, gap.outcome),
                    (None, None) => format!("{} is not assigned", definition.display_name),
                }
            })
    };
    let clusters_and_instances = |what: &str| {
        let mut out: Vec<String> = plan
            .regions
            .iter()
            .flat_map(|r| {
                r.clusters
                    .iter()
                    .map(move |c| format!("cluster {} ({}): {what}", c.name, r.location))
            })
            .collect();
        out.extend(
            plan.instances
                .iter()
                .map(|i| format!("instance {}: {what}", i.name)),
        );
        // Without compute there is nothing the output applies it to.
        if out.is_empty() {
            return Err(format!(
                "no compute declared: every cluster and instance added gets {what}"
            ));
        }
        Ok(out)
    };
    Ok(match id {
        "REL-01" => each(&|r| {
            format!(
                "storage {}: {}; registry zone redundancy {} ({})",
                r.storage.name,
                r.storage.replication,
                if r.zones { "on" } else { "off: no zones" },
                r.location
            )
        }),
        "REL-02" => vec![
            "validation: max_nodes >= min_nodes, VM sizes checked against the family table"
                .to_owned(),
        ],
        "REL-03" => vec![format!(
            "environment `{}` in every name and tag; production relaxations need waivers",
            crate::naming::environment_name(profile.environment)
        )],
        "REL-07" | "REL-08" => match plan.regions.get(1) {
            Some(secondary) => vec![
                format!("secondary stack in {}", secondary.location),
                format!(
                    "registry {} geo-replicated to {}",
                    plan.registry.name, secondary.location
                ),
                format!(
                    "storage {}: {}",
                    primary.storage.name, primary.storage.replication
                ),
                format!("key vault {}: purge protection", primary.key_vault.name),
            ],
            None => {
                return Err(if profile.environment == Environment::Prod {
                    "single region".to_owned()
                } else {
                    "a recovery stack: single region outside production; set `regions.secondary` for one"
                        .to_owned()
                });
            }
        },
        "REL-09" => primary
            .clusters
            .iter()
            .filter(|c| c.purpose == Purpose::BatchInference)
            .map(|c| format!("cluster {}: {}", c.name, c.vm_priority))
            .chain(std::iter::once(
                "validation: low-priority batch inference needs a waiver".to_owned(),
            ))
            .collect(),
        "SEC-01" => {
            if plan.governance.scope != "subscription" {
                return Err("Defender for Cloud plans and the security benchmark initiative: the zone's policies are assigned at its resource groups (`policy.scope: resource_group`), so the subscription's owner assigns them".to_owned());
            }
            let mut out: Vec<String> = plan
                .governance
                .defender_plans
                .iter()
                .map(|p| format!("Defender for Cloud plan {p}"))
                .collect();
            out.extend(
                plan.governance
                    .initiatives
                    .iter()
                    .map(|i| format!("initiative assignment {} ({})", i.name, i.display_name)),
            );
            out
        }
        "SEC-02" => match profile.network.mode {
            NetworkMode::Managed => each(&|r| match &r.workspace.managed_network {
                Some(m) => format!(
                    "workspace {}: managed network {}, provisioned before any compute (about {} min), after its {} outbound rule(s), waiting up to {}",
                    r.workspace.name,
                    m.isolation_mode,
                    m.provisioning.expected_minutes,
                    m.outbound_rules.len(),
                    m.provisioning.timeout
                ),
                None => format!("workspace {}: managed network off", r.workspace.name),
            }),
            NetworkMode::Customer => each(&|r| {
                let public_ip = if public_ip_compute(plan).is_empty() {
                    ", no public IP"
                } else {
                    ""
                };
                format!(
                    "vnet {}: compute subnet {} (clusters, instances and serverless compute{public_ip}) and endpoint subnet {}, each with an NSG",
                    r.names.vnet,
                    r.network.compute_subnet.as_deref().unwrap_or("-"),
                    r.network.endpoint_subnet
                )
            }),
        },
        "SEC-03" => each(&|r| {
            format!(
                "workspace {}: public network access disabled, private endpoint pe-{}-amlworkspace",
                r.workspace.name, r.workspace.name
            )
        }),
        "SEC-04" => match profile.network.mode {
            NetworkMode::Managed => {
                if let Some(r) = plan
                    .regions
                    .iter()
                    .find(|r| r.workspace.managed_network.is_none())
                {
                    return Err(format!(
                        "workspace {} has no managed network (SEC-02 is waived): no outbound rules approve its compute's destinations",
                        r.workspace.name
                    ));
                }
                each(&|r| {
                    let rules = r
                        .workspace
                        .managed_network
                        .as_ref()
                        .map_or(0, |m| m.outbound_rules.len());
                    format!(
                        "workspace {}: approved outbound only, {rules} outbound rule(s)",
                        r.workspace.name
                    )
                })
            }
            // What is open beyond the service tags is `missing`.
            NetworkMode::Customer => each(&|r| {
                let mut tags: Vec<&str> = r
                    .network
                    .compute_outbound
                    .iter()
                    .map(|rule| rule.destination.as_str())
                    .filter(|d| *d != INTERNET)
                    .collect();
                tags.dedup();
                format!(
                    "nsg {}: outbound allowed to the service tags {}",
                    r.names.nsg_compute,
                    tags.join(", ")
                )
            }),
        },
        "SEC-05" => {
            let mut out = each(&|r| {
                format!(
                    "storage {}, key vault {}, registry {}: public access disabled, private endpoints in {}",
                    r.storage.name, r.key_vault.name, plan.registry.name, r.names.vnet
                )
            });
            out.extend(plan.regions.iter().filter_map(|r| {
                r.storage.secondary_access.as_ref().map(|how| {
                    format!(
                        "storage {} ({}): readable secondary reached through {how}",
                        r.storage.name, r.storage.replication
                    )
                })
            }));
            let scope = plan
                .regions
                .first()
                .and_then(|r| r.monitoring.private_link_scope.as_ref());
            out.extend(plan.regions.iter().filter_map(|r| {
                scope.map(|scope| {
                    let how = match &scope.hub {
                        Some(hub) => format!(
                            "the hub's Azure Monitor Private Link Scope {} (its access modes) and the hub's private endpoint (hub DNS zones)",
                            hub.id
                        ),
                        None => format!(
                            "the zone's one Azure Monitor Private Link Scope {} ({} ingestion, {} query) and its private endpoint in {}",
                            scope.name,
                            scope.ingestion_access_mode,
                            scope.query_access_mode,
                            r.names.vnet
                        ),
                    };
                    format!(
                        "Log Analytics {} and Application Insights {}: public ingestion and query disabled, reached through {how}",
                        r.monitoring.log_analytics, r.monitoring.app_insights,
                    )
                })
            }));
            out.extend(plan.regions.iter().filter_map(|r| {
                r.workspace
                    .image_build
                    .as_ref()
                    .map(|b| format!("workspace {}: {}", r.workspace.name, image_build(b)))
            }));
            out
        }
        "SEC-06" => each(&|r| {
            format!(
                "identity {}: workspace primary identity, datastores by identity, storage shared keys off, registry admin off; clusters run as {}",
                r.names.identity, r.names.compute_identity
            )
        }),
        "SEC-07" => clusters_and_instances("local authentication disabled")?,
        "SEC-08" => clusters_and_instances("public SSH closed")?,
        "SEC-09" => clusters_and_instances("no public IP")?,
        // Idle shutdown stops an instance and keeps its image: it is COST-09's, not this.
        "SEC-10" => policy("compute_instance_latest_os_image")?,
        "SEC-11" => {
            if plan.access.is_empty() {
                vec!["no role assignments declared: nobody but the deployer has access".to_owned()]
            } else {
                plan.access
                    .iter()
                    .map(|a| {
                        format!(
                            "{} {}: {} on the {}",
                            a.principal_type.to_lowercase(),
                            a.principal_id,
                            a.role,
                            a.scope
                        )
                    })
                    .collect()
            }
        }
        "SEC-12" | "OPS-01" => policy("model_deployment_registries")?,
        "SEC-13" => {
            if primary.key_vault.key.is_none() {
                return Err("customer-managed keys are off".to_owned());
            }
            // The registry's platform-managed keys are missing (`missing`), not applied.
            each(&|r| {
                let key = r.key_vault.key.as_ref().map_or(String::new(), |k| {
                    format!("{} rotated after {}", k.name, k.rotate_after)
                });
                format!(
                    "key vault {}: key {key}; workspace {} and storage {} encrypted with it",
                    r.key_vault.name, r.workspace.name, r.storage.name
                )
            })
        }
        "SEC-14" => match profile.network.mode {
            // Exfiltration is prevented only while outbound is approved-only: with internet
            // outbound allowed (a SEC-04 waiver), there is no control to claim.
            NetworkMode::Managed
                if plan.regions.iter().any(|r| {
                    r.workspace
                        .managed_network
                        .as_ref()
                        .is_none_or(|m| m.isolation_mode != "AllowOnlyApprovedOutbound")
                }) =>
            {
                return Err(
                    "the workspace has no approved-outbound-only managed network (SEC-02 or SEC-04 is waived): nothing keeps data from leaving"
                        .to_owned(),
                );
            }
            NetworkMode::Managed => each(&|r| {
                format!(
                    "workspace {}: managed network, approved outbound only",
                    r.workspace.name
                )
            }),
            NetworkMode::Customer => each(&|r| {
                let tags: Vec<String> = r
                    .network
                    .compute_outbound
                    .iter()
                    .map(|rule| {
                        format!(
                            "{} {} {}",
                            rule.destination,
                            rule.protocol,
                            rule.ports.join("/")
                        )
                    })
                    .collect();
                // NSGs cannot match host names: with the firewall route, HTTPS to the internet
                // passes the NSG and the hub firewall filters it.
                let https_filter = match r.network.egress.as_ref().map(|e| e.via) {
                    Some(EgressVia::Firewall) => {
                        "; HTTPS to the internet goes on to the hub firewall, which must filter it by host name"
                    }
                    _ => "",
                };
                format!(
                    "subnet compute in {}: service endpoint policy {} (storage of this zone only, and {} for compute provisioning), NSG outbound only to what no-public-IP compute needs ({}){https_filter}",
                    r.names.vnet,
                    r.names.endpoint_policy,
                    r.network.storage_endpoint_policy_aliases.join(", "),
                    tags.join(", ")
                )
            }),
        },
        "SEC-15" => policy("compute_allowed_registries")?,
        "SEC-16" => {
            // FQDN rules regulate packages only while nothing else is reachable.
            let mut out: Vec<String> = plan
                .regions
                .iter()
                .flat_map(|r| r.workspace.managed_network.iter())
                .filter(|m| m.isolation_mode == "AllowOnlyApprovedOutbound")
                .take(1)
                .flat_map(|m| m.outbound_rules.iter().filter(|o| o.kind == "FQDN"))
                .map(|o| {
                    format!(
                        "outbound FQDN rule {} ({})",
                        o.name,
                        o.fqdn.as_deref().unwrap_or("")
                    )
                })
                .collect();
            out.extend(policy("compute_allowed_python_packages").unwrap_or_default());
            if out.is_empty() {
                if let Some(open) = package_index_open(plan) {
                    return Err(format!(
                        "{open}, and no allowed-packages policy is assigned: set `integrity.python_package_channels`"
                    ));
                }
                out.extend(no_package_index(plan));
            }
            out
        }
        "SEC-17" => policy("compute_code_signing").map_err(|_| {
            "signed training code: no code-signing policy is assigned; set `integrity.code_signing_key` to enforce it"
                .to_owned()
        })?,
        "SEC-18" => each(&|r| {
            format!(
                "storage {}: {}, minimum TLS version {}",
                r.storage.name,
                if r.storage.https_only {
                    "HTTPS only"
                } else {
                    "HTTP allowed"
                },
                r.storage.min_tls_version.as_deref().unwrap_or("unset")
            )
        })
        .into_iter()
        .chain(
            plan.regions
                .iter()
                .filter(|r| !r.key_vault.public_network_access)
                .map(|r| format!("key vault {}: private endpoint only", r.key_vault.name)),
        )
        .chain(
            (!plan.registry.public_network_access)
                .then(|| format!("registry {}: private endpoints only", plan.registry.name)),
        )
        .collect(),
        "SEC-19" | "OPS-07" => each(&|r| {
            format!(
                "workspace {} (one per environment and region)",
                r.workspace.name
            )
        }),
        "COST-01" => plan
            .regions
            .first()
            .into_iter()
            .flat_map(|r| r.clusters.iter())
            .map(|c| {
                let sku = facts::sku(&c.sku);
                format!(
                    "cluster {}: {} ({})",
                    c.name,
                    c.sku,
                    sku.map_or("unknown size".to_owned(), |s| format!(
                        "{} vCPU, {} GPU",
                        s.vcpus, s.gpus
                    ))
                )
            })
            .chain(std::iter::once(
                "validation: VM sizes checked against the family table".to_owned(),
            ))
            .collect(),
        "COST-02" => clusters_only(plan, |c| {
            format!(
                "min {} nodes, scale down after {}",
                c.min_nodes, c.idle_scale_down
            )
        }),
        "COST-03" => {
            let mut out: Vec<String> = plan
                .governance
                .custom_policies
                .iter()
                .map(|p| format!("custom policy {}: {}", p.name, p.allowed_skus.join(", ")))
                .collect();
            if let Some(budget) = &plan.budget {
                out.push(format!(
                    "budget {}: {} per month, alerts at {}",
                    budget.name,
                    budget.amount,
                    budget.alerts()
                ));
            }
            out
        }
        "COST-06" | "OPS-05" => each(&|r| {
            let diagnostics = if r.monitoring.diagnostic_settings.is_empty() {
                "no diagnostic settings".to_owned()
            } else {
                format!(
                    "diagnostic settings on {}",
                    r.monitoring.diagnostic_settings.join(", ")
                )
            };
            format!(
                "Log Analytics {} ({} days), Application Insights {}, {diagnostics}",
                r.monitoring.log_analytics, r.monitoring.retention_days, r.monitoring.app_insights,
            )
        }),
        "COST-08" => {
            // Only a low-priority cluster is evidence; dedicated ones are production's default.
            if !plan.regions[0]
                .clusters
                .iter()
                .any(|c| c.vm_priority == "LowPriority")
            {
                return Err(
                    "no cluster runs on low-priority VMs: give an interruptible experimentation or training cluster `priority: low_priority`".to_owned(),
                );
            }
            clusters_only(plan, |c| {
                format!(
                    "{} for {}",
                    c.vm_priority,
                    c.added_for.as_deref().unwrap_or(purpose(c.purpose))
                )
            })
        }
        "COST-09" => {
            if plan.instances.is_empty() {
                // Without instances, only the idle-shutdown policy holds the instances to come.
                let mut out = policy("compute_instance_idle_shutdown").map_err(|_| {
                    "an idle-shutdown policy for the instances to come: no compute instances declared, and the policy is not assigned"
                        .to_owned()
                })?;
                out.push("no compute instances declared".to_owned());
                out
            } else {
                plan.instances
                    .iter()
                    .map(|i| {
                        format!(
                            "instance {}: idle shutdown {}",
                            i.name,
                            i.idle_shutdown.as_deref().unwrap_or("off")
                        )
                    })
                    .collect()
            }
        }
        "OPS-03" => {
            vec!["the whole landing zone is generated IaC; `mlzone diff` detects drift".to_owned()]
        }
        "PERF-01" => clusters_only(plan, |c| format!("autoscaling cluster, {}", c.sku)),
        "POL-01" => policy("workspace_public_network_access")?,
        "POL-02" => policy("compute_in_virtual_network")?,
        "POL-03" => policy("compute_local_auth_disabled")?,
        "POL-04" => policy("workspace_private_link")?,
        "POL-05" => policy("workspace_customer_managed_key")?,
        "POL-06" => policy("workspace_user_assigned_identity")?,
        "POL-07" => policy("compute_instance_idle_shutdown")?,
        "POL-08" => policy("compute_allowed_registries")?,
        "POL-09" => policy("model_deployment_registries")?,
        "POL-10" => policy("workspace_resource_logs")?,
        other => return Err(format!("mlzone has no rule for {other}")),
    })
}

fn clusters_only(plan: &Plan, describe: impl Fn(&super::ClusterPlan) -> String) -> Vec<String> {
    let out: Vec<String> = plan.regions[0]
        .clusters
        .iter()
        .map(|c| format!("cluster {}: {}", c.name, describe(c)))
        .collect();
    if out.is_empty() {
        vec!["no clusters declared; every cluster added follows it".to_owned()]
    } else {
        out
    }
}

/// Where images are built, and why there.
fn image_build(build: &super::ImageBuildPlan) -> String {
    format!(
        "environment images built on cluster {} ({}), as the private registry cannot build them",
        build.cluster, build.reason
    )
}

fn purpose(purpose: Purpose) -> &'static str {
    match purpose {
        Purpose::Training => "training",
        Purpose::BatchInference => "batch inference",
        Purpose::Experimentation => "experimentation",
    }
}
