//! What each waiver turns off: the plan with the waiver against the plan of the same profile
//! without it (and without the relaxed field the waiver allows, which validation would refuse
//! alone). The differences are the settings it relaxes, the resources and policy assignments
//! it removes, and what it adds in their place (exemptions, other modes).

use std::collections::{BTreeMap, BTreeSet};

use super::{Plan, security};
use crate::profile::{PrincipalType, Priority, Profile, Purpose};

/// For each waiver of `profile` (whose plan is `plan`), one line per change it makes, by
/// waiver ID; an empty list when it changes nothing.
pub(super) fn effects(
    profile: &Profile,
    plan: &Plan,
    resolve: impl Fn(&Profile) -> Plan,
) -> BTreeMap<String, Vec<String>> {
    // Most profiles waive nothing: the plan's settings and inventory are not worth working out.
    if profile.waivers.is_empty() {
        return BTreeMap::new();
    }
    let settings = security::settings(plan);
    let inventory = inventory(plan);
    profile
        .waivers
        .iter()
        .map(|w| {
            let strict = resolve(&without(profile, &w.id));
            let mut lines = relaxed(&security::settings(&strict), &settings);
            let before = self::inventory(&strict);
            // A region's stack removed whole is one line, not one per resource in it.
            let gone: BTreeSet<&str> = before
                .iter()
                .filter(|(region, what)| {
                    what == STACK && !inventory.contains(&(region.clone(), STACK.to_owned()))
                })
                .map(|(region, _)| region.as_str())
                .collect();
            lines.extend(
                before
                    .difference(&inventory)
                    .filter(|(region, what)| what == STACK || !gone.contains(region.as_str()))
                    .map(|(region, what)| format!("removes {}", named(region, what))),
            );
            lines.extend(
                inventory
                    .difference(&before)
                    .map(|(region, what)| format!("adds {}", named(region, what))),
            );
            (w.id.clone(), lines)
        })
        .collect()
}

/// `profile` without the waiver of `id`, and without the field that waiver allows (the
/// relaxations validation asks a waiver for).
fn without(profile: &Profile, id: &str) -> Profile {
    let mut p = profile.clone();
    p.waivers.retain(|w| w.id != id);
    match id {
        "REL-07" if p.regions.secondary.as_deref() == Some("none") => p.regions.secondary = None,
        "SEC-04" => p.network.internet_outbound = false,
        "SEC-13" if p.encryption.customer_managed_key == Some(false) => {
            p.encryption.customer_managed_key = None;
        }
        "COST-02" => p.compute.clusters.iter_mut().for_each(|c| c.min_nodes = 0),
        "REL-09" => {
            for c in &mut p.compute.clusters {
                if c.purpose == Purpose::BatchInference && c.priority == Some(Priority::LowPriority)
                {
                    c.priority = None;
                }
            }
        }
        "SEC-11" => {
            for a in &mut p.access {
                if a.principal_type == Some(PrincipalType::User) {
                    a.principal_type = None;
                }
            }
        }
        _ => {}
    }
    p
}

/// The settings whose value differs, as `relaxes LABEL: from STRICT to WAIVED` (`changes`
/// where the waiver's value is the hardened one and the strict plan's is not).
fn relaxed(strict: &[security::Setting], waived: &[security::Setting]) -> Vec<String> {
    let by_key: BTreeMap<&str, &security::Setting> =
        waived.iter().map(|s| (s.key.as_str(), s)).collect();
    strict
        .iter()
        .filter_map(|s| {
            let w = by_key.get(s.key.as_str())?;
            (w.value != s.value).then(|| {
                let strict = if s.value.is_empty() { "none" } else { &s.value };
                let waived = if w.value.is_empty() { "none" } else { &w.value };
                let verb = if w.hardened && !s.hardened {
                    "changes"
                } else {
                    "relaxes"
                };
                format!("{verb} {}: from {strict} to {waived}", s.label)
            })
        })
        .collect()
}

/// The inventory entry of a region's whole stack.
const STACK: &str = "stack";

fn named(region: &str, what: &str) -> String {
    if what == STACK {
        format!("the {region} stack (workspace, dependencies, network, monitoring)")
    } else {
        what.to_owned()
    }
}

/// The resources of `plan` a waiver can remove or add, named for people, each with its
/// region (empty for the zone's own).
fn inventory(plan: &Plan) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for r in &plan.regions {
        let mut add = |what: String| out.insert((r.location.clone(), what));
        add(STACK.to_owned());
        // The zone's one monitor scope has a private endpoint of the same name in each VNet.
        for pe in &r.private_endpoints {
            add(format!("private endpoint {} in {}", pe.name, r.names.vnet));
        }
        if let Some(scope) = r
            .monitoring
            .private_link_scope
            .iter()
            .find(|s| s.hub.is_none())
        {
            add(format!("Azure Monitor Private Link Scope {}", scope.name));
        }
        if let Some(key) = &r.key_vault.key {
            add(format!(
                "key {} in key vault {}",
                key.name, r.key_vault.name
            ));
        }
        if let Some(m) = &r.workspace.managed_network {
            add(format!("managed network of workspace {}", r.workspace.name));
            for rule in &m.outbound_rules {
                add(format!(
                    "outbound rule {} of workspace {}",
                    rule.name, r.workspace.name
                ));
            }
        }
        for d in &r.monitoring.diagnostic_settings {
            add(format!("diagnostic setting of {d} ({})", r.location));
        }
        if let Some(deny) = &r.network.deny_internet_outbound {
            add(format!(
                "NSG rule {} of {} (internet outbound denied)",
                deny.name, r.names.nsg_compute
            ));
        }
        if r.network.storage_endpoint_policy {
            add(format!(
                "service endpoint policy {}",
                r.names.endpoint_policy
            ));
        }
    }
    let g = &plan.governance;
    let zone = g
        .assignments
        .iter()
        .map(|a| format!("policy assignment {} ({})", a.name, a.display_name))
        .chain(
            g.initiatives
                .iter()
                .map(|i| format!("initiative assignment {}", i.name)),
        )
        .chain(
            g.custom_policies
                .iter()
                .map(|p| format!("custom policy {}", p.name)),
        )
        .chain(
            g.defender_plans
                .iter()
                .map(|d| format!("Defender for Cloud plan {d}")),
        )
        .chain(plan.access.iter().map(|a| {
            format!(
                "role {} of {} {} on the {}",
                a.role,
                a.principal_type.to_lowercase(),
                a.principal_id,
                a.scope
            )
        }))
        .chain(g.exemptions.iter().map(|e| {
            format!(
                "policy exemption {} from {} until {}",
                e.name, e.assignment_name, e.expires_on
            )
        }));
    out.extend(zone.map(|what| (String::new(), what)));
    out
}
