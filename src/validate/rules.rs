//! Semantic rules: what a well-typed profile can still get wrong. Each rule pushes diagnostics
//! with the JSON pointer of the field at fault; `validate` locates them.

use std::collections::{BTreeMap, BTreeSet};

use ipnet::Ipv4Net;
use jiff::civil::Date;

use crate::diagnostic::{Diagnostic, did_you_mean, one_of};
use crate::facts::{self, Kind, SkuKind, SkuStatus};
use crate::naming::{self, NameRule, Names};
use crate::plan::{derive, roles};
use crate::profile::{
    Accelerator, DefenderPlans, EgressVia, Environment, NetworkMode, PrincipalType, Priority,
    Profile, Purpose, Scope,
};
use crate::values::{self, Duration};

/// Bounds of tunable durations.
pub(crate) const SCALE_DOWN: (Duration, Duration) =
    (Duration::from_mins(2), Duration::from_mins(120));
pub(crate) const IDLE_SHUTDOWN: (Duration, Duration) =
    (Duration::from_mins(15), Duration::from_days(3));
pub(crate) const KEY_ROTATION: (Duration, Duration) =
    (Duration::from_days(7), Duration::from_days(730));

/// The role that lets the workspace identity approve its managed network's private endpoints.
const APPROVER: &str = "Azure AI Enterprise Network Connection Approver";

/// Tags mlzone sets itself.
pub(crate) const RESERVED_TAGS: [&str; 3] = ["project", "environment", "managed-by"];

/// The checks, in profile order.
pub(crate) fn check(profile: &Profile, today: Date) -> Vec<Diagnostic> {
    let mut rules = Rules {
        profile,
        today,
        out: Vec::new(),
    };
    rules.regions();
    rules.network();
    rules.compute();
    rules.encryption();
    rules.access();
    rules.instance_owners();
    rules.registries();
    rules.integrity();
    rules.budget();
    rules.defender_plans();
    rules.tags();
    rules.keep();
    rules.waivers();
    rules.locks();
    rules.names();
    rules.placeholders();
    rules.out
}

struct Rules<'a> {
    profile: &'a Profile,
    today: Date,
    out: Vec<Diagnostic>,
}

impl Rules<'_> {
    fn error(&mut self, code: &'static str, pointer: &str, message: String, help: &str) {
        self.out
            .push(Diagnostic::error(code, pointer, message).help(help));
    }

    fn error_on_key(&mut self, code: &'static str, pointer: &str, message: String, help: &str) {
        self.out.push(
            Diagnostic::error(code, pointer, message)
                .help(help)
                .on_key(),
        );
    }

    fn warn(&mut self, code: &'static str, pointer: &str, message: String, help: &str) {
        self.out
            .push(Diagnostic::warning(code, pointer, message).help(help));
    }

    /// Kept files are paths inside the output directory, outside mlzone's own `.mlzone/`.
    fn keep(&mut self) {
        for (i, path) in self.profile.keep.iter().enumerate() {
            let inside = !path.is_empty()
                && !path.starts_with('/')
                && !path.contains('\\')
                && !path.contains(':')
                && path.split('/').all(|part| !matches!(part, "" | "." | ".."));
            if !inside || path.split('/').next() == Some(".mlzone") {
                self.error(
                    "kept-path",
                    &format!("/keep/{i}"),
                    format!("`{path}` is not a file path inside the output directory"),
                    "write a path relative to the output directory with `/`, without `..`, outside `.mlzone/`, e.g. `terraform/backend.tf`",
                );
            }
        }
    }

    fn waived(&self, id: &str) -> bool {
        self.profile.waivers.iter().any(|w| w.id == id)
    }

    /// A relaxation that needs a waiver of `id`.
    fn needs_waiver(&mut self, id: &str, pointer: &str, what: &str) {
        if !self.waived(id) {
            let title = facts::recommendation(id).map_or("", |r| r.title.as_str());
            self.error(
                "needs-waiver",
                pointer,
                format!("{what} breaks {id} ({title}) and needs a waiver"),
                &format!(
                    "add `{{id: {id}, reason: \"...\", expires: YYYY-MM-DD}}` to `waivers`, or keep the default"
                ),
            );
        }
    }

    fn region_known(&mut self, pointer: &str, name: &str) -> bool {
        match facts::region(name) {
            Some(region) => {
                if region.restricted {
                    self.warn(
                        "restricted-region",
                        pointer,
                        format!("`{name}` ({}) needs an access request", region.display),
                        "ask Microsoft for access before deploying, or pick another region",
                    );
                }
                true
            }
            None => {
                let help = match did_you_mean(name, facts::regions().keys().map(String::as_str)) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => "use the programmatic name, e.g. `westeurope` (`az account list-locations -o table`)".to_owned(),
                };
                self.error(
                    "unknown-region",
                    pointer,
                    format!("unknown Azure region `{name}`"),
                    &help,
                );
                false
            }
        }
    }

    /// REL-01 falls back to locally redundant storage where a region has no zones.
    fn zones(&mut self, pointer: &str, name: &str) {
        if let Some(region) = facts::region(name)
            && !region.zones
            && !self.waived("REL-01")
        {
            self.warn(
                "no-zones",
                pointer,
                format!("`{name}` has no availability zones: storage and registry fall back to non-zonal redundancy"),
                "pick a region with zones for zone resilience (REL-01)",
            );
        }
    }

    fn regions(&mut self) {
        let p = self.profile;
        let primary = p.regions.primary.as_str();
        let primary_ok = self.region_known("/regions/primary", primary);
        self.zones("/regions/primary", primary);
        if let Some(secondary) = derive::secondary_region(p) {
            // At the secondary's own key; a defaulted one is located as a default.
            self.zones("/regions/secondary", &secondary);
        }
        match p.regions.secondary.as_deref() {
            Some("none") => {
                if p.environment == Environment::Prod {
                    self.needs_waiver(
                        "REL-07",
                        "/regions/secondary",
                        "a production landing zone without a secondary region",
                    );
                }
            }
            Some(secondary) => {
                if self.region_known("/regions/secondary", secondary) && secondary == primary {
                    self.error(
                        "same-region",
                        "/regions/secondary",
                        format!("the secondary region is the primary `{primary}`"),
                        "pick another region, usually the primary's pair, or `none`",
                    );
                }
            }
            None => {
                let pair = facts::region(primary).and_then(|r| r.pair.as_deref());
                let derived =
                    pair.filter(|_| p.environment == Environment::Prod && !self.waived("REL-07"));
                if let Some(name) =
                    derived.filter(|d| facts::region(d).is_some_and(|r| r.restricted))
                {
                    let display = facts::region(name).map_or("", |r| r.display.as_str());
                    self.warn(
                        "restricted-region",
                        "/regions/secondary",
                        format!(
                            "`{name}` ({display}), the pair of `{primary}`, needs an access request"
                        ),
                        "ask Microsoft for access, or set `regions.secondary` to another region",
                    );
                }
                if p.environment == Environment::Prod
                    && primary_ok
                    && pair.is_none()
                    && !self.waived("REL-07")
                {
                    self.error(
                        "no-pair",
                        "/regions/primary",
                        format!("`{primary}` has no paired region to default the secondary to"),
                        "set `regions.secondary` to a region of your choice (or `none` with a waiver of REL-07)",
                    );
                }
            }
        }
    }

    fn network(&mut self) {
        let p = self.profile;
        let net = &p.network;
        let primary = match derive::primary_space(p) {
            Ok(space) => Some(space),
            Err(message) => {
                self.error(
                    "cidr",
                    "/network/address_space",
                    message,
                    "write an IPv4 range such as `10.40.0.0/22`",
                );
                None
            }
        };
        if let Some(space) = primary {
            self.address_space("/network/address_space", space);
            self.subnets(space);
        }
        if derive::secondary_region(p).is_some() {
            match derive::secondary_space(p) {
                Ok(secondary) => {
                    self.address_space("/network/secondary_address_space", secondary);
                    if let Some(primary) = primary
                        && overlaps(primary, secondary)
                    {
                        self.error(
                            "overlap",
                            "/network/secondary_address_space",
                            format!("`{secondary}` overlaps the primary address space `{primary}`"),
                            "the two regions' networks must not overlap, so they can be peered",
                        );
                    }
                }
                Err(message) => self.error(
                    "cidr",
                    "/network/secondary_address_space",
                    message,
                    "write an IPv4 range such as `10.41.0.0/22`",
                ),
            }
        } else if net.secondary_address_space.is_some() {
            self.warn(
                "unused",
                "/network/secondary_address_space",
                "there is no secondary region, so this address space is not used".to_owned(),
                "remove it, or set `regions.secondary`",
            );
        }
        self.outbound();
        // The zone's own networks, which no hub address may be in.
        let mut spaces: Vec<Ipv4Net> = primary.into_iter().collect();
        if derive::secondary_region(p).is_some()
            && let Ok(secondary) = derive::secondary_space(p)
        {
            spaces.push(secondary);
        }
        self.egress(&spaces);
        self.hub_peering();
        self.dns_resolution(&spaces);
        self.hub_monitor_scope();
        for (zone, id) in &net.dns.zone_ids {
            let pointer = format!(
                "/network/dns/zone_ids/{}",
                zone.replace('~', "~0").replace('/', "~1")
            );
            let known: Vec<&str> = facts::zone_names().collect();
            if !known.contains(&zone.as_str()) {
                let help = did_you_mean(zone, known.iter().copied()).map_or_else(
                    || format!("expected one of {}", one_of(&known)),
                    |s| format!("did you mean `{s}`?"),
                );
                self.error_on_key(
                    "unknown-zone",
                    &pointer,
                    format!("mlzone uses no private DNS zone `{zone}`"),
                    &help,
                );
            } else if let Err(message) =
                values::resource_id(id, Some("Microsoft.Network/privateDnsZones"))
            {
                self.error(
                    "resource-id",
                    &pointer,
                    message,
                    "copy the zone's resource ID from the hub subscription",
                );
            } else if values::resource_name(id) != zone {
                self.error(
                    "zone-mismatch",
                    &pointer,
                    format!(
                        "the resource ID names zone `{}`, not `{zone}`",
                        values::resource_name(id)
                    ),
                    "map each zone name to that zone's own ID",
                );
            }
        }
    }

    /// Customer mode needs an egress path: compute has no public IP and the subnets no implicit
    /// outbound access (Learn, "Configure inbound and outbound network traffic": a NAT gateway
    /// or a route to a firewall).
    fn egress(&mut self, spaces: &[Ipv4Net]) {
        let net = &self.profile.network;
        let Some(egress) = &net.egress else {
            if net.mode == NetworkMode::Customer {
                self.error(
                    "no-egress",
                    "/network/mode",
                    "compute in the zone's own virtual network has no way out: it has no public IP and the subnets no implicit outbound access"
                        .to_owned(),
                    "add `egress: {via: firewall, firewall_ip: ...}` (a route to the hub firewall; leave the IP out to give it at deploy time) or `egress: {via: nat_gateway}` under `network`",
                );
            }
            return;
        };
        if net.mode == NetworkMode::Managed {
            self.error(
                "managed-egress",
                "/network/egress",
                "`egress` applies to the compute subnet of customer mode only".to_owned(),
                "remove it: the managed network's outbound follows its approved rules",
            );
            return;
        }
        let Some(ip) = &egress.firewall_ip else {
            return;
        };
        let pointer = "/network/egress/firewall_ip";
        if egress.via == EgressVia::NatGateway {
            self.error(
                "nat-firewall-ip",
                pointer,
                "a NAT gateway has no next hop: `firewall_ip` belongs to `via: firewall`"
                    .to_owned(),
                "remove `firewall_ip`, or write `via: firewall`",
            );
            return;
        }
        self.private_ip(pointer, ip, spaces, "the hub firewall's private IP");
    }

    /// A hub address: private, not a documentation placeholder, outside the zone's own networks.
    fn private_ip(&mut self, pointer: &str, text: &str, spaces: &[Ipv4Net], what: &str) {
        if let Ok(ip) = text.parse()
            && let Some(range) = values::documentation_range(ip)
        {
            self.error(
                "placeholder",
                pointer,
                format!("`{ip}` is in {range}, reserved for documentation: no network uses it"),
                &format!("give {what}, or leave it out to give it at deploy time"),
            );
            return;
        }
        match values::private_ip(text) {
            Err(message) => self.error("ip", pointer, message, &format!("give {what}")),
            Ok(ip) => {
                if let Some(space) = spaces.iter().find(|s| s.contains(&ip)) {
                    self.error(
                        "inside",
                        pointer,
                        format!("`{ip}` is inside the zone's own address space `{space}`"),
                        &format!("give {what}, in the hub"),
                    );
                }
            }
        }
    }

    /// People on the hub resolve the zone's names only through private DNS zones linked to the
    /// hub's network. Zones created here are linked to this zone's VNets only, and cannot be
    /// linked to the hub too: a VNet takes one zone of a name (Learn "Azure Private Link
    /// frequently asked questions"), while each region here has its own, and hubs usually theirs.
    /// So a hub peering takes the hub's zones, the model Learn gives for hub and spoke: the same
    /// zones linked to the hub and every spoke ("Azure Private Endpoint DNS integration").
    fn hub_peering(&mut self) {
        let net = &self.profile.network;
        let Some(hub) = net.hub_peering.as_ref() else {
            return;
        };
        if net.dns.zone_ids.is_empty() {
            self.error_on_key(
                "hub-peering-without-hub-zones",
                "/network/hub_peering",
                "people on the hub could not resolve the workspace: the private DNS zones created here are linked to this zone's VNets only, and the hub takes only one zone of each name"
                    .to_owned(),
                "list the hub's private DNS zones under `network.dns.zone_ids` (every zone) and the hub's DNS servers under `network.dns.servers`, or remove `hub_peering`",
            );
        }
        let Some(id) = hub.virtual_network_id.as_deref() else {
            return;
        };
        if let Err(message) = values::resource_id(id, Some("Microsoft.Network/virtualNetworks")) {
            self.error(
                "resource-id",
                "/network/hub_peering/virtual_network_id",
                message,
                "copy the hub virtual network's resource ID, or leave it out to give it at deploy time",
            );
        }
    }

    /// Private DNS zones come from the hub all together or not at all: with some from the hub
    /// and the rest created here, names in the created zones resolve only inside this zone's
    /// networks and those in the hub's only where the hub's DNS answers. Hub zones are resolved
    /// through the hub's DNS servers.
    fn dns_resolution(&mut self, spaces: &[Ipv4Net]) {
        let dns = &self.profile.network.dns;
        for (i, server) in dns.servers.iter().enumerate() {
            self.private_ip(
                &format!("/network/dns/servers/{i}"),
                server,
                spaces,
                "the hub DNS server's private IP",
            );
        }
        // An unknown zone name is an error of its own; which zones are missing is then unclear.
        let known: BTreeSet<&str> = facts::zone_names().collect();
        if dns.zone_ids.is_empty() || dns.zone_ids.keys().any(|z| !known.contains(z.as_str())) {
            return;
        }
        let waived = |id: &str| self.waived(id);
        // Queue and table zones only where batch inference compute runs in the zone's VNet.
        let batch_queues = self.profile.network.mode == NetworkMode::Customer
            && roles::batch_inference(self.profile);
        let missing: Vec<&str> = facts::endpoint_zones()
            .iter()
            .filter(|e| {
                !waived(if e.target == "workspace" {
                    "SEC-03"
                } else {
                    "SEC-05"
                })
            })
            .filter(|e| e.when.as_deref() != Some("batch_inference") || batch_queues)
            .flat_map(|e| e.zones.iter().map(String::as_str))
            .filter(|zone| !dns.zone_ids.contains_key(*zone))
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        if !missing.is_empty() {
            self.error_on_key(
                "partial-hub-zones",
                "/network/dns/zone_ids",
                format!(
                    "the hub gives some of the zone's private DNS zones but not {}: names would resolve in some networks only",
                    one_of(&missing)
                ),
                "give every zone's hub ID, or none to create and link them all here",
            );
        }
        if dns.servers.is_empty() {
            self.error_on_key(
                "hub-zones-without-dns",
                "/network/dns/zone_ids",
                "zones in the hub resolve only through the hub's DNS, which this zone's networks do not use"
                    .to_owned(),
                "add `servers:` with the hub DNS resolver's private IPs under `network.dns`",
            );
        }
    }

    /// With the hub's zones, the zone's monitoring joins the hub's Azure Monitor Private Link
    /// Scope: a scope's private endpoint writes Azure Monitor's global endpoints into the hub's
    /// zones, so an endpoint of the zone's own would point every network resolving through the
    /// hub at this zone's scope (Learn, "Design your Azure Monitor private link configuration":
    /// one scope per DNS, on the hub in hub and spoke).
    fn hub_monitor_scope(&mut self) {
        const POINTER: &str = "/network/dns/monitor_private_link_scope_id";
        let dns = &self.profile.network.dns;
        let in_use = !dns.zone_ids.is_empty() && !self.waived("SEC-05");
        match (dns.monitor_private_link_scope_id.as_deref(), in_use) {
            (None, true) => self.error_on_key(
                "hub-zones-without-monitor-scope",
                "/network/dns/zone_ids",
                "with the hub's zones, an Azure Monitor private endpoint of this zone would take over the hub's Azure Monitor records and cut off every other network's monitoring"
                    .to_owned(),
                "add `monitor_private_link_scope_id:` under `network.dns` with the resource ID of the hub's Azure Monitor Private Link Scope, which the zone's Log Analytics and Application Insights then join",
            ),
            (Some(_), false) => self.warn(
                "unused",
                POINTER,
                if dns.zone_ids.is_empty() {
                    "without the hub's zones the zone has an Azure Monitor Private Link Scope of its own and does not join the hub's"
                } else {
                    "SEC-05 is waived: monitoring takes public traffic and joins no scope"
                }
                .to_owned(),
                "remove it, or give the hub's zones in `network.dns.zone_ids`",
            ),
            (Some(id), true) => {
                if let Err(message) =
                    values::resource_id(id, Some("Microsoft.Insights/privateLinkScopes"))
                {
                    self.error(
                        "resource-id",
                        POINTER,
                        message,
                        "copy the resource ID of the hub's Azure Monitor Private Link Scope",
                    );
                }
            }
            (None, false) => {}
        }
    }

    fn address_space(&mut self, pointer: &str, space: Ipv4Net) {
        if !(8..=25).contains(&space.prefix_len()) {
            self.error(
                "cidr-size",
                pointer,
                format!(
                    "`{space}` is a /{}; the landing zone needs between a /8 and a /25",
                    space.prefix_len()
                ),
                "a /22 leaves room for endpoints and compute",
            );
        } else if !values::is_private(space) {
            self.warn(
                "public-range",
                pointer,
                format!("`{space}` is not a private (RFC 1918) range"),
                "virtual networks normally use 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16",
            );
        }
    }

    fn subnets(&mut self, space: Ipv4Net) {
        let p = self.profile;
        if p.network.mode == NetworkMode::Managed && p.network.subnets.compute.is_some() {
            self.error(
                "managed-subnet",
                "/network/subnets/compute",
                "a compute subnet is only used in customer network mode".to_owned(),
                "remove it: on a managed network, compute must not set a subnet",
            );
        }
        if !(8..=25).contains(&space.prefix_len()) {
            return;
        }
        let ranges = match derive::ranges(p, space, true) {
            Ok(ranges) => ranges,
            Err(message) => {
                let pointer = if p
                    .network
                    .subnets
                    .compute
                    .as_deref()
                    .is_some_and(|c| values::cidr(c).is_err())
                {
                    "/network/subnets/compute"
                } else {
                    "/network/subnets/endpoints"
                };
                self.error(
                    "cidr",
                    pointer,
                    message,
                    "write an IPv4 range such as `10.40.0.0/24`",
                );
                return;
            }
        };
        let check = |rules: &mut Self, name: &str, subnet: Ipv4Net, smallest: u8| {
            let pointer = format!("/network/subnets/{name}");
            if !space.contains(&subnet) {
                rules.error(
                    "outside",
                    &pointer,
                    format!("subnet `{subnet}` is not inside the address space `{space}`"),
                    "pick a range within `network.address_space`",
                );
            } else if subnet.prefix_len() > smallest {
                rules.error(
                    "cidr-size",
                    &pointer,
                    format!("subnet `{subnet}` is smaller than a /{smallest}"),
                    "give the subnet more addresses",
                );
            }
        };
        check(self, "endpoints", ranges.endpoints, 28);
        if let Some(compute) = ranges.compute {
            check(self, "compute", compute, 27);
            if overlaps(compute, ranges.endpoints) {
                self.error(
                    "overlap",
                    "/network/subnets/compute",
                    format!(
                        "compute subnet `{compute}` overlaps endpoint subnet `{}`",
                        ranges.endpoints
                    ),
                    "compute and private endpoints need separate subnets (SEC-02)",
                );
            }
        }
    }

    fn outbound(&mut self) {
        let p = self.profile;
        let net = &p.network;
        if net.mode == NetworkMode::Customer {
            if !net.outbound.is_empty() {
                self.error(
                    "customer-outbound",
                    "/network/outbound",
                    "outbound rules belong to the managed network; this profile uses customer mode"
                        .to_owned(),
                    "remove them, or switch `network.mode` to `managed`",
                );
            }
            if net.internet_outbound {
                self.error(
                    "customer-outbound",
                    "/network/internet_outbound",
                    "`internet_outbound` applies to the managed network only".to_owned(),
                    "remove it; in customer mode outbound traffic follows the NSG rules",
                );
            }
        } else if net.internet_outbound {
            let what = if p.environment == Environment::Prod {
                "internet outbound in production"
            } else {
                "internet outbound"
            };
            self.needs_waiver("SEC-04", "/network/internet_outbound", what);
        }
        // Each rule is checked in either mode: a malformed rule is malformed whatever the mode,
        // and a `mode` validation rejected must not hide it.
        let internet_outbound =
            net.mode == NetworkMode::Managed && net.internet_outbound && self.waived("SEC-04");
        let mut names = BTreeSet::new();
        for (i, rule) in net.outbound.iter().enumerate() {
            let at = |field: &str| format!("/network/outbound/{i}{field}");
            if !names.insert(rule.name.to_lowercase()) {
                self.error(
                    "duplicate",
                    &at("/name"),
                    format!("another outbound rule is named `{}`", rule.name),
                    "give each rule its own name",
                );
            }
            let destinations = [
                rule.fqdn.is_some(),
                rule.private_endpoint.is_some(),
                rule.service_tag.is_some(),
            ];
            match destinations.iter().filter(|d| **d).count() {
                1 => {}
                0 => self.error(
                    "destination",
                    &at(""),
                    format!("outbound rule `{}` has no destination", rule.name),
                    "set exactly one of `fqdn`, `private_endpoint`, `service_tag`",
                ),
                _ => self.error(
                    "destination",
                    &at(""),
                    format!("outbound rule `{}` has more than one destination", rule.name),
                    "set exactly one of `fqdn`, `private_endpoint`, `service_tag`; split it into several rules",
                ),
            }
            if internet_outbound && (rule.fqdn.is_some() || rule.service_tag.is_some()) {
                self.warn(
                    "internet-outbound-rule",
                    &at(""),
                    format!(
                        "outbound rule `{}` is left out: with internet outbound the managed network allows all internet traffic and takes private-endpoint rules only",
                        rule.name
                    ),
                    "remove the rule, or `network.internet_outbound` to keep the approved-outbound mode it belongs to",
                );
            }
            if let Some(fqdn) = &rule.fqdn
                && !values::is_fqdn(fqdn)
            {
                self.error("fqdn", &at("/fqdn"), format!("`{}` is not a domain name", fqdn.escape_debug()), "write a host name such as `pypi.org` or `*.pythonhosted.org`, without scheme or path");
            }
            if let Some(tag) = &rule.service_tag
                && !values::is_service_tag(tag)
            {
                self.error(
                    "service-tag",
                    &at("/service_tag"),
                    format!("`{}` is not a service tag name", tag.escape_debug()),
                    "write a tag such as `AzureActiveDirectory` or `Storage.WestEurope`",
                );
            }
            if let Some(target) = &rule.private_endpoint {
                if let Err(message) = values::resource_id(&target.resource_id, None) {
                    self.error(
                        "resource-id",
                        &at("/private_endpoint/resource_id"),
                        message,
                        "copy the target resource's ID from the portal or `az resource show`",
                    );
                } else if roles::approvable(&target.resource_id).is_none() {
                    self.warn(
                        "unapproved-endpoint",
                        &at("/private_endpoint/resource_id"),
                        format!(
                            "the workspace identity needs `{APPROVER}` or another role that approves private endpoint connections on `{}`, and mlzone grants it only on storage accounts, key vaults, container registries and Azure ML workspaces",
                            target.resource_id.escape_debug()
                        ),
                        "have the resource's owner grant the workspace identity a role that approves private endpoint connections on it, or approve the managed network's endpoint by hand, before the network is provisioned",
                    );
                }
            }
            if rule.service_tag.is_none() && (rule.ports.is_some() || rule.protocol.is_some()) {
                let field = if rule.ports.is_some() {
                    "/ports"
                } else {
                    "/protocol"
                };
                self.error(
                    "service-tag-only",
                    &at(field),
                    "`ports` and `protocol` apply to service-tag rules only".to_owned(),
                    "remove them from this rule",
                );
            }
            if let Some(ports) = &rule.ports
                && let Err(message) = values::ports(ports)
            {
                self.error("ports", &at("/ports"), message, "ports are 1-65535");
            }
        }
    }

    fn compute(&mut self) {
        let p = self.profile;
        let mut names = BTreeMap::new();
        let clusters = p.compute.clusters.iter().map(|c| ("clusters", &c.name));
        let instances = p.compute.instances.iter().map(|c| ("instances", &c.name));
        for (i, (kind, name)) in clusters.chain(instances).enumerate() {
            let index = if kind == "clusters" {
                i
            } else {
                i - p.compute.clusters.len()
            };
            let pointer = format!("/compute/{kind}/{index}/name");
            if names.insert(name.to_lowercase(), ()).is_some() {
                self.error(
                    "duplicate",
                    &pointer,
                    format!("another compute is named `{name}`"),
                    "compute names are unique within a workspace, clusters and instances together",
                );
            }
        }
        for (i, cluster) in p.compute.clusters.iter().enumerate() {
            let at = |field: &str| format!("/compute/clusters/{i}/{field}");
            if cluster.min_nodes > 0 && cluster.min_nodes <= cluster.max_nodes {
                self.needs_waiver(
                    "COST-02",
                    &at("min_nodes"),
                    "a cluster that never scales to zero",
                );
            }
            if cluster.min_nodes > cluster.max_nodes {
                self.error(
                    "nodes",
                    &at("min_nodes"),
                    format!(
                        "`min_nodes` ({}) is more than `max_nodes` ({})",
                        cluster.min_nodes, cluster.max_nodes
                    ),
                    "min_nodes 0 lets the cluster scale to zero when idle (COST-02)",
                );
            }
            if let Some(text) = &cluster.idle_scale_down {
                self.duration(&at("idle_scale_down"), text, SCALE_DOWN);
            }
            if cluster.purpose == Purpose::BatchInference
                && cluster.priority == Some(Priority::LowPriority)
            {
                self.needs_waiver(
                    "REL-09",
                    &at("priority"),
                    "a low-priority batch-inference cluster",
                );
            }
            let kind = self.sku(&at("sku"), &cluster.sku);
            match (cluster.accelerator, kind) {
                (Some(Accelerator::Gpu), Some(SkuKind::Cpu)) => self.error(
                    "sku-kind",
                    &at("sku"),
                    format!(
                        "`{}` has no GPU, but the cluster is for GPU work",
                        cluster.sku
                    ),
                    "pick a GPU size (NC, ND or NV families) or set `accelerator: cpu`",
                ),
                (Some(Accelerator::Cpu), Some(SkuKind::Gpu)) => self.warn(
                    "sku-kind",
                    &at("sku"),
                    format!("`{}` is a GPU size used for CPU work", cluster.sku),
                    "a CPU size costs less (COST-01); or set `accelerator: gpu`",
                ),
                _ => {}
            }
        }
        if let Some(name) = &p.compute.image_build_cluster
            && !p
                .compute
                .clusters
                .iter()
                .any(|c| c.name.eq_ignore_ascii_case(name))
        {
            let names = p.compute.clusters.iter().map(|c| c.name.as_str());
            let instance = p
                .compute
                .instances
                .iter()
                .any(|i| i.name.eq_ignore_ascii_case(name));
            let help = match did_you_mean(name, names.clone()) {
                _ if instance => {
                    "that is a compute instance, a personal machine: name a cluster".to_owned()
                }
                Some(near) => format!("did you mean `{near}`?"),
                None if p.compute.clusters.is_empty() => "declare the cluster under `compute.clusters`, or leave `image_build_cluster` out: mlzone then adds one".to_owned(),
                None => format!(
                    "name one of {}, or leave it out: mlzone then picks the first CPU cluster",
                    one_of(names)
                ),
            };
            self.error(
                "image-build-cluster",
                "/compute/image_build_cluster",
                format!("`{}` is not a cluster of this profile", name.escape_debug()),
                &help,
            );
        }
        for (i, instance) in p.compute.instances.iter().enumerate() {
            let at = |field: &str| format!("/compute/instances/{i}/{field}");
            if !values::is_guid(&instance.user_object_id) {
                self.error("guid", &at("user_object_id"), format!("`{}` is not a GUID", instance.user_object_id.escape_debug()), "use the user's Entra object ID, e.g. from `az ad user show --id <upn> --query id`");
            }
            if let Some(text) = &instance.idle_shutdown {
                self.duration(&at("idle_shutdown"), text, IDLE_SHUTDOWN);
            }
            self.sku(&at("sku"), &instance.sku);
            if let Some(schedule) = &instance.schedule {
                if schedule.start.is_none() && schedule.stop.is_none() {
                    self.error(
                        "schedule",
                        &at("schedule"),
                        "a schedule needs `start`, `stop` or both".to_owned(),
                        "e.g. `stop: \"0 19 * * 1-5\"`",
                    );
                }
                for (field, cron) in [("start", &schedule.start), ("stop", &schedule.stop)] {
                    if let Some(cron) = cron
                        && let Err(message) = values::cron(cron)
                    {
                        self.error(
                            "cron",
                            &at(&format!("schedule/{field}")),
                            message,
                            "e.g. `0 8 * * 1-5` for 08:00 on weekdays",
                        );
                    }
                }
            }
        }
    }

    /// Check a VM size against the family table; returns its kind when known.
    fn sku(&mut self, pointer: &str, name: &str) -> Option<SkuKind> {
        let Some(sku) = facts::sku(name) else {
            // Only a size that can still be deployed is worth suggesting.
            let current = facts::sku_names()
                .filter(|near| facts::sku(near).is_some_and(|s| !self.retired(s)));
            let help = match did_you_mean(name, current) {
                Some(near) => format!("did you mean `{near}`? A new size is fine too"),
                None => {
                    "check the name with `az ml compute list-sizes`; a new size is fine".to_owned()
                }
            };
            self.warn(
                "unknown-sku",
                pointer,
                format!("mlzone does not know the VM size `{name}` and cannot check its family"),
                &help,
            );
            return None;
        };
        if self.retired(sku) {
            self.error(
                "retired-sku",
                pointer,
                format!("`{name}` ({} series) was retired{}", sku.series, sku.retires.as_deref().map(|d| format!(" on {d}")).unwrap_or_default()),
                "pick a current size of the same kind, e.g. `Standard_NC24ads_A100_v4` for GPU work",
            );
        } else if let Some(date) = &sku.retires {
            self.warn(
                "retiring-sku",
                pointer,
                format!("`{name}` ({} series) retires on {date}", sku.series),
                "plan a move to a current size",
            );
        }
        Some(sku.kind)
    }

    /// Whether `sku` is retired as of `today`: by its retirement date when it has one, so
    /// `--today` before the date sees it still current; else by its status.
    fn retired(&self, sku: &facts::Sku) -> bool {
        match sku.retires.as_deref().and_then(|d| values::date(d).ok()) {
            Some(retires) => retires <= self.today,
            None => sku.status == SkuStatus::Retired,
        }
    }

    fn duration(&mut self, pointer: &str, text: &str, (min, max): (Duration, Duration)) {
        match values::duration(text) {
            Ok(d) if d < min || d > max => self.error(
                "duration-range",
                pointer,
                format!("`{text}` is outside {} to {}", min.iso(), max.iso()),
                "pick a duration within the range",
            ),
            Ok(_) => {}
            Err(message) => self.error(
                "duration",
                pointer,
                message,
                "ISO-8601: `PT30M` is 30 minutes, `P1D` one day",
            ),
        }
    }

    fn encryption(&mut self) {
        let e = &self.profile.encryption;
        if e.customer_managed_key == Some(false) {
            self.needs_waiver(
                "SEC-13",
                "/encryption/customer_managed_key",
                "turning customer-managed keys off",
            );
        }
        if let Some(text) = &e.key_rotation {
            self.duration("/encryption/key_rotation", text, KEY_ROTATION);
        }
    }

    fn access(&mut self) {
        let mut seen = BTreeSet::new();
        for (i, grant) in self.profile.access.iter().enumerate() {
            if !values::is_guid(&grant.group_object_id) {
                self.error("guid", &format!("/access/{i}/group_object_id"), format!("`{}` is not a GUID", grant.group_object_id.escape_debug()), "use the group's Entra object ID, e.g. from `az ad group show -g <name> --query id`");
            }
            if grant.principal_type == Some(PrincipalType::User) {
                self.needs_waiver(
                    "SEC-11",
                    &format!("/access/{i}/principal_type"),
                    "a role for a single user instead of a group",
                );
            }
            let (workspace_role, data_roles) = roles::workspace_role(grant.role);
            if roles::works_with_data(grant.role) && data_roles.is_empty() {
                self.warn(
                    "no-storage-access",
                    &format!("/access/{i}/role"),
                    format!("`{workspace_role}` works with the workspace's data, but gets no role on its storage, whose shared keys are off"),
                    "grant the group Storage Blob Data Contributor and Storage File Data Privileged Contributor on the workspace storage (the Reader forms for read-only work)",
                );
            }
            if !seen.insert((grant.group_object_id.to_lowercase(), grant.role)) {
                self.warn(
                    "duplicate",
                    &format!("/access/{i}"),
                    "the same group gets the same role twice".to_owned(),
                    "remove one of them",
                );
            }
        }
    }

    /// Each compute-instance owner needs a workspace role that can use the instance; the
    /// profile cannot see group membership, so it warns only where no `access` entry grants one.
    fn instance_owners(&mut self) {
        let usable = |owner: &str| {
            self.profile.access.iter().any(|a| {
                roles::uses_instances(a.role)
                    && (a.principal_type != Some(PrincipalType::User)
                        || a.group_object_id.eq_ignore_ascii_case(owner))
            })
        };
        let lonely: Vec<(usize, String)> = self
            .profile
            .compute
            .instances
            .iter()
            .enumerate()
            .filter(|(_, i)| !usable(&i.user_object_id))
            .map(|(n, i)| (n, i.name.clone()))
            .collect();
        for (n, name) in lonely {
            self.warn(
                "owner-without-role",
                &format!("/compute/instances/{n}/user_object_id"),
                format!("the owner of `{}` gets no workspace role that can use it: no `access` entry is a data scientist or compute operator", name.escape_debug()),
                "add an `access` group the owner belongs to, with role `data_scientist` (or `compute_operator`)",
            );
        }
    }

    fn registries(&mut self) {
        let r = &self.profile.registries;
        for (i, server) in r.containers.iter().enumerate() {
            if !values::is_fqdn(server) || server.starts_with('*') {
                self.error(
                    "registry",
                    &format!("/registries/containers/{i}"),
                    format!("`{}` is not a registry login server", server.escape_debug()),
                    "write the login server, e.g. `contoso.azurecr.io`",
                );
            }
        }
        if r.models.as_ref().is_some_and(|m| m.len() > 1) {
            self.error(
                "registry",
                "/registries/models/1",
                "only one Azure ML registry can be allowed for model deployments".to_owned(),
                "the built-in policy takes a single `allowedRegistryName`; keep the registry you deploy from",
            );
        }
        for (i, name) in r.models.iter().flatten().enumerate() {
            let ok = (3..=33).contains(&name.len())
                && name.starts_with(|c: char| c.is_ascii_alphanumeric())
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
            if !ok {
                self.error(
                    "registry",
                    &format!("/registries/models/{i}"),
                    format!("`{}` is not an Azure ML registry name", name.escape_debug()),
                    "3-33 letters, digits, `-` or `_`, e.g. `azureml`",
                );
            }
        }
    }

    fn integrity(&mut self) {
        let i = &self.profile.integrity;
        for (n, channel) in i.python_package_channels.iter().enumerate() {
            let host = channel
                .strip_prefix("https://")
                .map(|rest| rest.split('/').next().unwrap_or(""));
            if !host.is_some_and(values::is_fqdn)
                || channel.chars().any(|c| c.is_whitespace() || c.is_control())
            {
                self.error(
                    "channel",
                    &format!("/integrity/python_package_channels/{n}"),
                    format!("`{}` is not an https URL", channel.escape_debug()),
                    "e.g. `https://pypi.org/simple` or your private mirror",
                );
            }
        }
        if let Some(key) = &i.code_signing_key {
            let ok = !key.trim().is_empty()
                && key
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+/=-\n ".contains(c));
            if !ok {
                self.error(
                    "signing-key",
                    "/integrity/code_signing_key",
                    "the signing key must be a base64 or PEM public key".to_owned(),
                    "paste the public key only",
                );
            }
        }
    }

    fn budget(&mut self) {
        let Some(budget) = &self.profile.budget else {
            return;
        };
        for (i, email) in budget.contact_emails.iter().enumerate() {
            if !values::is_email(email) {
                self.error(
                    "email",
                    &format!("/budget/contact_emails/{i}"),
                    format!("`{}` is not an e-mail address", email.escape_debug()),
                    "e.g. `ml-team@example.com`",
                );
            }
        }
        let mut seen = BTreeSet::new();
        for (i, threshold) in budget.thresholds.iter().flatten().enumerate() {
            if !(1..=1000).contains(threshold) || !seen.insert(threshold) {
                self.error(
                    "threshold",
                    &format!("/budget/thresholds/{i}"),
                    format!("threshold {threshold}% is out of range or repeated"),
                    "distinct percentages between 1 and 1000, e.g. [80, 100]",
                );
            }
        }
    }

    /// Defender for Cloud plans are the subscription's: a zone sets them only in a subscription
    /// of its own.
    fn defender_plans(&mut self) {
        let policy = &self.profile.policy;
        if policy.defender_plans == DefenderPlans::Manage && policy.scope != Scope::Subscription {
            self.error(
                "defender-scope",
                "/policy/defender_plans",
                "the zone manages Defender for Cloud plans only with `policy.scope: subscription`".to_owned(),
                "leave the plans to the subscription owner (remove the field), or give the zone a subscription of its own",
            );
        }
    }

    /// Values that cannot exist in Azure: the all-zero GUID (as a subscription or principal) and
    /// the hosts RFC 2606 and RFC 6761 reserve for documentation (`example.com`, `*.test`, ...).
    /// A golden profile must leave what only the deployer knows to the deployer.
    fn placeholders(&mut self) {
        const HELP_ID: &str =
            "give the real ID (the deployer knows it), or leave the setting out of the profile";
        const HELP_HOST: &str = "use the real host: reserved documentation domains never resolve";
        let p = self.profile;
        let mut ids: Vec<(String, &str)> = Vec::new();
        for (i, rule) in p.network.outbound.iter().enumerate() {
            if let Some(target) = &rule.private_endpoint {
                ids.push((
                    format!("/network/outbound/{i}/private_endpoint/resource_id"),
                    &target.resource_id,
                ));
            }
        }
        for (zone, id) in &p.network.dns.zone_ids {
            ids.push((format!("/network/dns/zone_ids/{}", pointer_key(zone)), id));
        }
        if let Some(id) = &p.network.dns.monitor_private_link_scope_id {
            ids.push(("/network/dns/monitor_private_link_scope_id".to_owned(), id));
        }
        if let Some(id) = p
            .network
            .hub_peering
            .as_ref()
            .and_then(|h| h.virtual_network_id.as_ref())
        {
            ids.push(("/network/hub_peering/virtual_network_id".to_owned(), id));
        }
        for (i, grant) in p.access.iter().enumerate() {
            ids.push((
                format!("/access/{i}/group_object_id"),
                &grant.group_object_id,
            ));
        }
        for (i, instance) in p.compute.instances.iter().enumerate() {
            ids.push((
                format!("/compute/instances/{i}/user_object_id"),
                &instance.user_object_id,
            ));
        }
        if let Some(key) = &p.integrity.code_signing_key {
            ids.push(("/integrity/code_signing_key".to_owned(), key));
        }
        for (pointer, id) in ids {
            if values::has_nil_guid(id) {
                self.error(
                    "placeholder",
                    &pointer,
                    "the all-zero GUID is a placeholder: no subscription or principal has it"
                        .to_owned(),
                    HELP_ID,
                );
            }
        }
        let mut hosts: Vec<(String, &str)> = Vec::new();
        for (i, rule) in p.network.outbound.iter().enumerate() {
            if let Some(fqdn) = &rule.fqdn {
                hosts.push((format!("/network/outbound/{i}/fqdn"), fqdn));
            }
        }
        for (i, channel) in p.integrity.python_package_channels.iter().enumerate() {
            hosts.push((
                format!("/integrity/python_package_channels/{i}"),
                values::url_host(channel),
            ));
        }
        for (i, registry) in p.registries.containers.iter().enumerate() {
            hosts.push((format!("/registries/containers/{i}"), registry));
        }
        if let Some(budget) = &p.budget {
            for (i, email) in budget.contact_emails.iter().enumerate() {
                let domain = email.rsplit_once('@').map_or("", |(_, d)| d);
                hosts.push((format!("/budget/contact_emails/{i}"), domain));
            }
        }
        for (pointer, host) in hosts {
            if let Some(reserved) = values::reserved_domain(host) {
                self.error(
                    "placeholder",
                    &pointer,
                    format!("`{reserved}` is reserved for documentation and never resolves"),
                    HELP_HOST,
                );
            }
        }
    }

    fn tags(&mut self) {
        let tags = &self.profile.tags;
        for (key, value) in tags {
            let pointer = format!("/tags/{}", key.replace('~', "~0").replace('/', "~1"));
            if RESERVED_TAGS.contains(&key.to_lowercase().as_str()) {
                self.error_on_key(
                    "reserved-tag",
                    &pointer,
                    format!("mlzone sets the tag `{key}` itself"),
                    "pick another tag name",
                );
            } else if key.is_empty()
                || key.chars().count() > 512
                || key
                    .chars()
                    .any(|c| "<>%&\\?/".contains(c) || c.is_control())
            {
                self.error_on_key(
                    "tag",
                    &pointer,
                    format!("`{}` is not a valid tag name", key.escape_debug()),
                    "tag names are 1-512 characters without `<>%&\\?/` or control characters",
                );
            } else if value.chars().count() > 256 {
                self.error(
                    "tag",
                    &pointer,
                    format!("the value of `{key}` is longer than 256 characters"),
                    "shorten it",
                );
            }
        }
        if tags.len() + RESERVED_TAGS.len() > 50 {
            self.error(
                "tag",
                "/tags",
                format!("{} tags plus mlzone's 3 exceed Azure's 50", tags.len()),
                "remove some tags",
            );
        }
    }

    fn waivers(&mut self) {
        let p = self.profile;
        let mut seen = BTreeSet::new();
        for (i, waiver) in p.waivers.iter().enumerate() {
            let at = |field: &str| format!("/waivers/{i}{field}");
            if !p.policy.allow_waivers {
                self.error("waivers-forbidden", &at(""), "this profile's policy does not allow waivers".to_owned(), "`policy.allow_waivers` is false, usually set by a regulated golden profile; apply the recommendation instead");
                continue;
            }
            match facts::recommendation(&waiver.id) {
                None => {
                    let help = padded_id(&waiver.id)
                        .or_else(|| {
                            did_you_mean(&waiver.id, facts::catalog().iter().map(|r| r.id.as_str()))
                        })
                        .map_or_else(
                            || "see `mlzone recommendations` for the IDs".to_owned(),
                            |s| format!("did you mean `{s}`?"),
                        );
                    self.error(
                        "unknown-waiver",
                        &at("/id"),
                        format!("no recommendation `{}` in the catalog", waiver.id),
                        &help,
                    );
                }
                Some(r) if !r.waivable => {
                    let why = if r.kind == Kind::Advisory {
                        "is advisory"
                    } else {
                        "holds by construction or is an option"
                    };
                    self.error(
                        "not-waivable",
                        &at("/id"),
                        format!("{} {why}; there is nothing to waive", r.id),
                        "remove the waiver",
                    );
                }
                Some(_) => self.unused_waiver(&waiver.id, &at("/id")),
            }
            if !seen.insert(&waiver.id) {
                self.error(
                    "duplicate",
                    &at("/id"),
                    format!("`{}` is waived twice", waiver.id),
                    "keep one waiver per recommendation",
                );
            }
            if waiver.reason.trim().is_empty() {
                self.error("waiver-reason", &at("/reason"), "the waiver has no reason".to_owned(), "say why the recommendation does not apply; reviewers read it in the compliance report");
            }
            match values::date(&waiver.expires) {
                Ok(expires) if expires < self.today => self.error(
                    "waiver-expired",
                    &at("/expires"),
                    format!("the waiver of {} expired on {}", waiver.id, waiver.expires),
                    "renew it with a new date and a fresh reason, or remove it and apply the recommendation",
                ),
                Ok(expires) if expires <= self.today.saturating_add(jiff::Span::new().days(30)) => self.warn(
                    "waiver-expiring",
                    &at("/expires"),
                    format!("the waiver of {} expires on {}, within 30 days", waiver.id, waiver.expires),
                    "renew it with a new date and a fresh reason, or plan to apply the recommendation",
                ),
                Ok(expires) if expires > self.today.saturating_add(jiff::Span::new().days(731)) => self.warn(
                    "waiver-long",
                    &at("/expires"),
                    format!("the waiver of {} runs for more than two years", waiver.id),
                    "waivers are meant to be revisited; pick a nearer date",
                ),
                Ok(_) => {}
                Err(message) => self.error("date", &at("/expires"), message, "e.g. `2027-03-31`"),
            }
        }
    }

    fn locks(&mut self) {
        for (i, lock) in self.profile.locked.iter().enumerate() {
            let pointer = format!("/locked/{i}");
            let known = if lock.contains('-')
                && lock.chars().next().is_some_and(|c| c.is_ascii_uppercase())
            {
                facts::recommendation(lock).is_some()
            } else {
                !lock.is_empty()
                    && !lock.contains('/')
                    && super::schema::field_exists(&format!("/{}", lock.replace('.', "/")))
            };
            if !known {
                self.error(
                    "unknown-lock",
                    &pointer,
                    format!("`{}` is neither a profile field nor a recommendation ID", lock.escape_debug()),
                    "lock a field by its dotted path (`network.mode`) or a recommendation by its ID (`SEC-03`)",
                );
            }
        }
    }

    /// Waivers of recommendations a profile field relaxes do nothing unless the field does. (A
    /// SEC-13 waiver needs no field: the waiver alone turns customer-managed keys off.)
    fn unused_waiver(&mut self, id: &str, pointer: &str) {
        let p = self.profile;
        let clusters = &p.compute.clusters;
        let (used, field) = match id {
            "REL-09" => (
                clusters.iter().any(|c| {
                    c.purpose == Purpose::BatchInference
                        && c.priority == Some(Priority::LowPriority)
                }),
                "a batch-inference cluster with `priority: low_priority`",
            ),
            "SEC-04" => (
                p.network.internet_outbound,
                "`network.internet_outbound: true`",
            ),
            "SEC-11" => (
                p.access
                    .iter()
                    .any(|a| a.principal_type == Some(PrincipalType::User)),
                "an `access` entry with `principal_type: user`",
            ),
            "COST-02" => (
                clusters.iter().any(|c| c.min_nodes > 0),
                "a cluster with `min_nodes` above 0",
            ),
            _ => return,
        };
        if !used {
            self.warn(
                "unused-waiver",
                pointer,
                format!("the waiver of {id} changes nothing without {field}"),
                "remove the waiver, or set the field it allows",
            );
        }
    }

    fn names(&mut self) {
        let p = self.profile;
        let mut regions = vec![p.regions.primary.clone()];
        regions.extend(derive::secondary_region(p));
        let mut reported = BTreeSet::new();
        for region_name in regions {
            let Some(region) = facts::region(&region_name) else {
                continue;
            };
            let suffix =
                naming::suffix_text(p.names.suffix, &p.project, p.environment, &region_name);
            let names = Names::derive(&p.project, p.environment, &region.code, &suffix);
            for (name, rule) in names.checks() {
                let Some(message) = rule.problem(name) else {
                    continue;
                };
                if !reported.insert(rule.resource) {
                    continue;
                }
                let over = NameRule::length(name).saturating_sub(rule.max);
                let help = if over > 0 && rule.compact {
                    format!(
                        "shorten `project` by {over} character(s); hyphens do not count in this name"
                    )
                } else if over > 0 {
                    format!("shorten `project` by {over} character(s)")
                } else {
                    "change `project`".to_owned()
                };
                self.error("name", "/project", message, &help);
            }
        }
    }
}

/// A map key as one JSON-pointer segment.
fn pointer_key(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

fn overlaps(a: Ipv4Net, b: Ipv4Net) -> bool {
    a.contains(&b.network()) || b.contains(&a.network())
}

/// `sec-3` → `SEC-03`, when that is a catalog ID.
fn padded_id(id: &str) -> Option<&'static str> {
    let (prefix, number) = id.split_once('-')?;
    let number: u32 = number.trim().parse().ok()?;
    let candidate = format!("{}-{number:02}", prefix.trim().to_uppercase());
    facts::recommendation(&candidate).map(|r| r.id.as_str())
}
