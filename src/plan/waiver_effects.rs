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
            lines.extend(moved("removes", &before, &inventory));
            lines.extend(moved("adds", &inventory, &before));
            (w.id.clone(), lines)
        })
        .collect()
}

/// What `from` has and `to` lacks, one line each, `verb` first: a region's stack gone whole is
/// one line with the policy assignments of its resource group, not one per resource in it; the
/// members of a group (DNS zones, scoped resources, policy assignments) that go from the same
/// places share a line.
fn moved(verb: &str, from: &Inventory, to: &Inventory) -> Vec<String> {
    let gone: Vec<&(String, Item)> = from.difference(to).collect();
    let stacks: BTreeSet<&str> = gone
        .iter()
        .filter(|(_, item)| matches!(item, Item::Stack(_)))
        .map(|(region, _)| region.as_str())
        .collect();
    let mut lines = Vec::new();
    // Member → where it goes from, by kind.
    let mut groups: BTreeMap<Kind, BTreeMap<&str, BTreeSet<&str>>> = BTreeMap::new();
    for (region, item) in &gone {
        let whole = stacks.contains(region.as_str());
        match item {
            Item::Stack(group) => {
                let policies = gone
                    .iter()
                    .filter(|(r, i)| r == region && matches!(i, Item::Grouped(Kind::Policy, ..)))
                    .count();
                let with = match policies {
                    0 => String::new(),
                    1 => " and its policy assignment".to_owned(),
                    n => format!(" and its {n} policy assignments"),
                };
                lines.push(format!(
                    "{verb} the {region} stack (workspace, dependencies, network, monitoring){with} in resource group {group}"
                ));
            }
            _ if whole => {}
            Item::One(what) => lines.push(format!("{verb} {what}")),
            Item::Grouped(kind, member, at) => {
                groups
                    .entry(*kind)
                    .or_default()
                    .entry(member)
                    .or_default()
                    .insert(at);
            }
        }
    }
    for (kind, members) in groups {
        // Members that go from the same places share a line.
        let mut by_places: BTreeMap<Vec<&str>, Vec<&str>> = BTreeMap::new();
        for (member, at) in members {
            by_places
                .entry(at.into_iter().collect())
                .or_default()
                .push(member);
        }
        for (at, members) in by_places {
            let (one, many, link) = kind.words();
            let noun = if members.len() == 1 { one } else { many };
            lines.push(format!(
                "{verb} {noun} {} {link} {}",
                members.join(", "),
                at.join(", ")
            ));
        }
    }
    lines
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

/// The resources a waiver can remove or add, each with its region (empty for the zone's own).
type Inventory = BTreeSet<(String, Item)>;

/// One entry of an [`Inventory`].
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Item {
    /// A region's whole stack, in its resource group.
    Stack(String),
    /// A resource named for people.
    One(String),
    /// A member of a group of resources alike, and where it is.
    Grouped(Kind, String, String),
}

/// Resources alike that a waiver removes or adds together.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    /// A private DNS zone the zone creates, in the VNet it is linked to.
    DnsZone,
    /// A resource scoped to an Azure Monitor Private Link Scope, in that scope.
    Scoped,
    /// A policy assignment, at its scope.
    Policy,
}

impl Kind {
    /// The group's noun for one member and for several, and what ties them to their places.
    fn words(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Kind::DnsZone => (
                "private DNS zone",
                "private DNS zones",
                "and their VNet links in",
            ),
            Kind::Scoped => (
                "scoped resource",
                "scoped resources",
                "of Azure Monitor Private Link Scope",
            ),
            Kind::Policy => ("policy assignment", "policy assignments", "at"),
        }
    }
}

/// The resources of `plan` a waiver can remove or add, named for people.
fn inventory(plan: &Plan) -> Inventory {
    let mut out = Inventory::new();
    let g = &plan.governance;
    // At `resource_group` scope each region's resource group has the zone's assignments.
    let at_groups = g.scope == "resource_group";
    let policies: Vec<String> = g
        .assignments
        .iter()
        .map(|a| format!("{} ({})", a.name, a.display_name))
        .chain(
            g.custom_policies
                .iter()
                .map(|c| format!("{} ({})", c.name, c.display_name)),
        )
        .collect();
    for r in &plan.regions {
        let region = || r.location.clone();
        let mut add = |item: Item| out.insert((region(), item));
        add(Item::Stack(r.names.resource_group.clone()));
        let mut one = |what: String| add(Item::One(what));
        // The zone's one monitor scope has a private endpoint of the same name in each VNet.
        for pe in &r.private_endpoints {
            one(format!("private endpoint {} in {}", pe.name, r.names.vnet));
        }
        if let Some(scope) = r
            .monitoring
            .private_link_scope
            .iter()
            .find(|s| s.hub.is_none())
        {
            one(format!("Azure Monitor Private Link Scope {}", scope.name));
        }
        if let Some(key) = &r.key_vault.key {
            one(format!(
                "key {} in key vault {}",
                key.name, r.key_vault.name
            ));
        }
        if let Some(m) = &r.workspace.managed_network {
            one(format!("managed network of workspace {}", r.workspace.name));
            for rule in &m.outbound_rules {
                one(format!(
                    "outbound rule {} of workspace {}",
                    rule.name, r.workspace.name
                ));
            }
        }
        for d in &r.monitoring.diagnostic_settings {
            one(format!("diagnostic setting of {d} ({})", r.location));
        }
        if let Some(deny) = &r.network.deny_internet_outbound {
            one(format!(
                "NSG rule {} of {} (internet outbound denied)",
                deny.name, r.names.nsg_compute
            ));
        }
        if r.network.storage_endpoint_policy {
            one(format!(
                "service endpoint policy {}",
                r.names.endpoint_policy
            ));
        }
        // A hub's zones are the hub's: the zone neither creates nor links them.
        for z in r.dns_zones.iter().filter(|z| z.existing_id.is_none()) {
            add(Item::Grouped(
                Kind::DnsZone,
                z.name.clone(),
                r.names.vnet.clone(),
            ));
        }
        if at_groups {
            for p in &policies {
                add(Item::Grouped(
                    Kind::Policy,
                    p.clone(),
                    r.names.resource_group.clone(),
                ));
            }
        }
    }
    // A scoped resource belongs to its region's stack.
    for scope in plan
        .regions
        .iter()
        .filter_map(|r| r.monitoring.private_link_scope.as_ref())
        .filter(|s| s.hub.is_none())
    {
        for s in &scope.scoped {
            let Some(r) = plan.regions.iter().find(|r| r.role == s.region) else {
                continue;
            };
            out.insert((
                r.location.clone(),
                Item::Grouped(Kind::Scoped, s.name.clone(), scope.name.clone()),
            ));
        }
    }
    // People's roles are the zone's own, listed once below; the identities' are each region's.
    for row in super::roles::principal_rows(plan) {
        out.insert((
            row.region.clone(),
            Item::One(format!(
                "role {} of {} on {}",
                row.role, row.principal, row.scope
            )),
        ));
    }
    let zone = policies
        .iter()
        .filter(|_| !at_groups)
        .map(|p| Item::Grouped(Kind::Policy, p.clone(), "the subscription".to_owned()))
        .chain(
            g.initiatives
                .iter()
                .map(|i| Item::One(format!("initiative assignment {}", i.name))),
        )
        .chain(
            g.custom_policies
                .iter()
                .map(|p| Item::One(format!("custom policy {}", p.name))),
        )
        .chain(
            g.defender_plans
                .iter()
                .map(|d| Item::One(format!("Defender for Cloud plan {d}"))),
        )
        .chain(plan.access.iter().map(|a| {
            Item::One(format!(
                "role {} of {} {} on the {}",
                a.role,
                a.principal_type.to_lowercase(),
                a.principal_id,
                a.scope
            ))
        }))
        .chain(g.exemptions.iter().map(|e| {
            Item::One(format!(
                "policy exemption {} from {} until {}",
                e.name, e.assignment_name, e.expires_on
            ))
        }));
    out.extend(zone.map(|item| (String::new(), item)));
    out
}
