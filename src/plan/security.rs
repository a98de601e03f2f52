//! The security-relevant settings of a plan as a flat list, recorded in the output manifest so
//! `mlzone diff` can say which settings a change weakens or strengthens, and to which
//! recommendation each belongs.

use serde::{Deserialize, Serialize};

use super::{Plan, RegionPlan};
use crate::facts;

/// One security-relevant setting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Setting {
    /// Stable key: `primary/workspace/public_network_access`.
    pub key: String,
    /// The recommendation it implements.
    pub recommendation: String,
    /// What it is, for people: `workspace mlw-x public network access`.
    pub label: String,
    /// Its value, as text.
    pub value: String,
    /// Whether the value is the hardened one.
    pub hardened: bool,
    /// Whether changing it replaces the resource.
    #[serde(default)]
    pub replaces: bool,
    /// For a setting whose values are ordered (a policy effect, a retention in days): higher is
    /// stronger, so a change between two values that both count as hardened can still weaken.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strength: Option<u32>,
    /// What the setting's coming or going means, when it stands for a resource of its own.
    #[serde(default, skip_serializing_if = "Presence::is_neutral")]
    pub presence: Presence,
    /// Whether any other value weakens: the zone's value is the only one that protects as it
    /// does (the definition a policy assignment enforces, the values its parameters allow).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub pinned: bool,
    /// The other recommendations whose claims rest on it ([`Basis`]): a change that weakens it
    /// weakens them too.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub also: Vec<String>,
}

/// A private endpoint's setting read back from its key and label: (its region's key prefix,
/// its name, what it connects to as the label says: `(registry registry)`); `None` for any
/// other setting.
pub fn endpoint(setting: &Setting) -> Option<(&str, &str, &str)> {
    let (region, name) = setting.key.split_once("/private_endpoint/")?;
    let to = setting
        .label
        .strip_prefix("private endpoint ")?
        .strip_prefix(name)?
        .trim_start();
    Some((region, name, to))
}

impl Setting {
    /// The setting with the recommendations besides its own that rest on `basis`.
    pub fn resting_on(mut self, basis: Basis) -> Setting {
        self.rest_on(basis);
        self
    }

    /// Record the recommendations besides its own that rest on `basis`.
    pub fn rest_on(&mut self, basis: Basis) {
        self.also = basis
            .recommendations()
            .into_iter()
            .filter(|r| *r != self.recommendation)
            .collect();
    }
}

/// What a setting is, where recommendations besides the one it implements rest on it: the
/// compliance report's evidence for each of them (`plan::status`) names the
/// setting or its resource, so a template overlay that weakens it weakens them too. The plan's
/// settings and those the [`inventory`](crate::inventory) reads out of files take it from here.
#[derive(Debug, Clone, Copy)]
pub enum Basis {
    /// The managed network's isolation mode (SEC-04): SEC-02's evidence is the managed network
    /// in that mode, SEC-14's "approved outbound only", and SEC-16's FQDN rules regulate
    /// packages only while nothing else is reachable.
    Isolation,
    /// An outbound rule of the managed network (SEC-04): SEC-02 provisions the network after its
    /// rules, SEC-14 allows only what they approve, SEC-16 names the FQDN rules as the package
    /// indexes compute reaches.
    OutboundRule,
    /// An NSG rule that allows outbound to the internet (SEC-14): in a customer VNet SEC-04's
    /// evidence is the compute NSG's outbound to service tags only, and SEC-16's that the NSG
    /// keeps public package indexes out.
    InternetRule,
    /// Diagnostic settings (OPS-05): COST-06 is "covered by OPS-05 monitoring" (the catalog),
    /// compute metrics reaching Log Analytics through them.
    Diagnostics,
    /// The workspace's diagnostic settings: as [`Basis::Diagnostics`], and POL-10's policy
    /// reports a workspace without them (`data/policies.yaml` `checks`).
    WorkspaceDiagnostics,
    /// Log Analytics retention (OPS-05): COST-06's evidence names it.
    Retention,
    /// A compute node's (or serverless compute's) public IP (SEC-09): SEC-02's evidence is
    /// compute without one.
    NodePublicIp,
    /// The key vault's purge protection (SEC-13): REL-07's and REL-08's recovery evidence names it.
    PurgeProtection,
    /// Public network access of the key vault or the registry (SEC-05): SEC-18's evidence is
    /// that they take private traffic only.
    PrivateOnly,
    /// The storage replication (REL-01): REL-07's and REL-08's recovery evidence names it, and
    /// SEC-05's the readable secondary it gives.
    StorageReplication,
    /// An access mode of the zone's Azure Monitor Private Link Scope (SEC-14): SEC-05's evidence
    /// is monitoring reached through the scope in those modes.
    MonitorScopeAccess,
    /// The registry's geo-replication (REL-07): REL-08 deploys from the replica.
    GeoReplication,
    /// A policy assignment of a definition in `data/policies.yaml`: its recommendation and
    /// `also`, and those whose evidence is the assignment (OPS-01: the model registries one;
    /// COST-09: the idle-shutdown one, while no instances are declared).
    Policy(&'static facts::PolicyDefinition),
}

impl Basis {
    /// Every recommendation that rests on a setting of this kind.
    pub fn recommendations(self) -> Vec<String> {
        let ids: &[&str] = match self {
            Basis::Isolation => &["SEC-02", "SEC-04", "SEC-14", "SEC-16"],
            Basis::OutboundRule => &["SEC-02", "SEC-04", "SEC-14", "SEC-16"],
            Basis::InternetRule => &["SEC-04", "SEC-14", "SEC-16"],
            Basis::Diagnostics => &["OPS-05", "COST-06"],
            Basis::WorkspaceDiagnostics => &["OPS-05", "COST-06", "POL-10"],
            Basis::Retention => &["OPS-05", "COST-06"],
            Basis::NodePublicIp => &["SEC-09", "SEC-02"],
            Basis::PurgeProtection => &["SEC-13", "REL-07", "REL-08"],
            Basis::PrivateOnly => &["SEC-05", "SEC-18"],
            Basis::StorageReplication => &["REL-01", "REL-07", "REL-08", "SEC-05"],
            Basis::MonitorScopeAccess => &["SEC-14", "SEC-05"],
            Basis::GeoReplication => &["REL-07", "REL-08"],
            Basis::Policy(definition) => {
                let cited: &[&str] = match definition.key.as_str() {
                    "model_deployment_registries" => &["OPS-01"],
                    "compute_instance_idle_shutdown" => &["COST-09"],
                    _ => &[],
                };
                return std::iter::once(&definition.recommendation)
                    .chain(&definition.also)
                    .cloned()
                    .chain(cited.iter().map(|id| (*id).to_owned()))
                    .collect();
            }
        };
        ids.iter().map(|id| (*id).to_owned()).collect()
    }
}

/// What it means for security that a setting appears or disappears.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Presence {
    /// Nothing by itself: the setting belongs to a resource (a cluster, an instance) that came
    /// or went.
    #[default]
    Neutral,
    /// It protects: a private endpoint, a policy assignment; its going weakens the zone.
    Protects,
    /// It opens: an internet destination, a policy exemption, a role held by a user rather
    /// than a group; its coming weakens the zone.
    Opens,
}

impl Presence {
    fn is_neutral(&self) -> bool {
        *self == Presence::Neutral
    }
}

/// How a change of one setting moves the zone's security.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Effect {
    /// Less protected than before.
    Weakens,
    /// More protected than before.
    Strengthens,
    /// Different, neither stronger nor weaker.
    Changes,
}

impl std::fmt::Display for Effect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Effect::Weakens => "weakens",
            Effect::Strengthens => "strengthens",
            Effect::Changes => "changes",
        })
    }
}

/// What going from `old` to `new` (`None`: absent) does to the zone: a value that leaves the
/// hardened one, or an ordered value that drops (Deny → Audit, 90 → 30 days), weakens; a
/// resource that protects and goes, or one that opens and comes, weakens; a new resource
/// whose setting is not the hardened value weakens as changing an existing one to it does;
/// a pinned value that changes or goes weakens.
pub fn effect(old: Option<&Setting>, new: Option<&Setting>) -> Effect {
    use std::cmp::Ordering;
    let by_presence = |presence: Presence, came: bool| match (presence, came) {
        (Presence::Protects, true) | (Presence::Opens, false) => Effect::Strengthens,
        (Presence::Protects, false) | (Presence::Opens, true) => Effect::Weakens,
        (Presence::Neutral, _) => Effect::Changes,
    };
    match (old, new) {
        (None, Some(n)) if n.presence == Presence::Neutral && !n.hardened => Effect::Weakens,
        (None, Some(n)) => by_presence(n.presence, true),
        (Some(o), None) if o.pinned => Effect::Weakens,
        (Some(o), None) => by_presence(o.presence, false),
        (Some(o), Some(n)) if o.pinned && o.value != n.value => Effect::Weakens,
        // A changed internet destination opens one the zone did not reach before.
        (Some(o), Some(n)) if n.presence == Presence::Opens && o.value != n.value => {
            Effect::Weakens
        }
        (Some(o), Some(n)) => match (o.strength, n.strength) {
            (Some(was), Some(is)) => match is.cmp(&was) {
                Ordering::Less => Effect::Weakens,
                Ordering::Greater => Effect::Strengthens,
                Ordering::Equal => Effect::Changes,
            },
            _ => match (o.hardened, n.hardened) {
                (true, false) => Effect::Weakens,
                (false, true) => Effect::Strengthens,
                _ => Effect::Changes,
            },
        },
        (None, None) => Effect::Changes,
    }
}

/// The strength of a policy effect, on one scale for every definition: Azure Policy's order
/// (Deny and the other enforcing effects over Audit over Disabled), and below them all an effect
/// the definition does not allow (`data/policies.yaml` `effects`, the definition's
/// `allowedValues`): Azure refuses such an assignment, so it enforces nothing.
pub(crate) fn effect_strength(definition: Option<&facts::PolicyDefinition>, effect: &str) -> u32 {
    if definition.is_some_and(|d| !allows_effect(d, effect)) {
        return 0;
    }
    match effect.to_ascii_lowercase().as_str() {
        "disabled" => 1,
        e if e.starts_with("audit") => 2,
        _ => 3,
    }
}

/// Whether `definition` accepts `effect` as its effect parameter (ARM compares enums without
/// regard to ASCII case).
pub(crate) fn allows_effect(definition: &facts::PolicyDefinition, effect: &str) -> bool {
    definition
        .effects
        .iter()
        .any(|e| e.eq_ignore_ascii_case(effect))
}

/// The strength of an ISO-8601 duration where shorter is stronger (a key's rotation interval
/// or expiry): `None` when it is not one.
pub(crate) fn shorter_is_stronger(duration: &str) -> Option<u32> {
    let days = crate::values::duration(duration)
        .ok()?
        .seconds
        .div_ceil(86_400);
    Some(u32::MAX - u32::try_from(days).unwrap_or(u32::MAX))
}

fn on_off(value: bool) -> String {
    if value { "Enabled" } else { "Disabled" }.to_owned()
}

struct Settings(Vec<Setting>);

impl Settings {
    fn add(
        &mut self,
        key: String,
        recommendation: &str,
        label: String,
        value: String,
        hardened: bool,
    ) {
        self.0.push(Setting {
            key,
            recommendation: recommendation.to_owned(),
            label,
            value,
            hardened,
            replaces: false,
            strength: None,
            presence: Presence::Neutral,
            pinned: false,
            also: Vec::new(),
        });
    }

    /// The setting added last, to refine.
    fn last(&mut self) -> &mut Setting {
        self.0.last_mut().expect("a setting was added")
    }

    /// The network default action of the firewall of `resource` (at `key`): `Deny` admits only
    /// what a rule or a private endpoint lets in (SEC-05).
    fn default_action(&mut self, key: String, resource: String, value: &str) {
        self.add(
            format!("{key}/default_action"),
            "SEC-05",
            format!("{resource} network default action"),
            value.to_owned(),
            value == "Deny",
        );
    }

    /// A boolean setting whose hardened value is `secure`.
    fn flag(
        &mut self,
        key: String,
        recommendation: &str,
        label: String,
        value: bool,
        secure: bool,
    ) {
        self.add(key, recommendation, label, on_off(value), value == secure);
    }
}

/// Every security-relevant setting of `plan`, in a stable order.
pub fn settings(plan: &Plan) -> Vec<Setting> {
    let mut s = Settings(Vec::new());
    let g = &plan.governance;
    let policies = g.assignments.len() + g.custom_policies.len();
    // At `resource_group` scope each region's resource group has the zone's assignments.
    let groups: Vec<&str> = plan
        .regions
        .iter()
        .filter(|_| g.scope == "resource_group")
        .map(|r| r.names.resource_group.as_str())
        .collect();
    for r in &plan.regions {
        if r.role == super::RegionRole::Secondary {
            recovery_stack(&mut s, r, if groups.is_empty() { 0 } else { policies });
        }
        region(&mut s, r);
    }
    let cr = &plan.registry;
    s.flag(
        "registry/public_network_access".into(),
        "SEC-05",
        format!("registry {} public network access", cr.name),
        cr.public_network_access,
        false,
    );
    s.last().rest_on(Basis::PrivateOnly);
    s.flag(
        "registry/admin_user".into(),
        "SEC-06",
        format!("registry {} admin user", cr.name),
        cr.admin_enabled,
        false,
    );
    s.flag(
        "registry/customer_managed_key".into(),
        "SEC-13",
        format!("registry {} customer-managed key", cr.name),
        cr.customer_managed_key,
        true,
    );
    s.flag(
        "registry/zone_redundancy".into(),
        "REL-01",
        format!("registry {} zone redundancy", cr.name),
        cr.zone_redundancy,
        true,
    );
    let replicas: Vec<&str> = cr
        .geo_replications
        .iter()
        .map(|g| g.location.as_str())
        .collect();
    s.add(
        "registry/geo_replication".into(),
        "REL-07",
        format!("registry {} replicas", cr.name),
        if replicas.is_empty() {
            "none".to_owned()
        } else {
            replicas.join(", ")
        },
        !replicas.is_empty(),
    );
    s.last().rest_on(Basis::GeoReplication);
    for a in &plan.access {
        s.add(
            format!("access/{}/{}/{}", a.scope, a.principal_id, a.role),
            "SEC-11",
            format!(
                "{} {} role",
                a.principal_type.to_lowercase(),
                a.principal_id
            ),
            a.role.clone(),
            a.principal_type == "Group",
        );
        if a.principal_type != "Group" {
            s.last().presence = Presence::Opens;
        }
    }
    for i in &plan.instances {
        let at = |what: &str| format!("instance/{}/{what}", i.name);
        s.flag(
            at("local_auth"),
            "SEC-07",
            format!("instance {} local authentication", i.name),
            i.local_auth,
            false,
        );
        s.flag(
            at("node_public_ip"),
            "SEC-09",
            format!("instance {} node public IP", i.name),
            i.node_public_ip,
            false,
        );
        s.last().rest_on(Basis::NodePublicIp);
        s.flag(
            at("ssh_public_access"),
            "SEC-08",
            format!("instance {} public SSH", i.name),
            i.ssh_public_access,
            false,
        );
        s.add(
            at("idle_shutdown"),
            "COST-09",
            format!("instance {} idle shutdown", i.name),
            i.idle_shutdown.clone().unwrap_or_else(|| "off".to_owned()),
            i.idle_shutdown.is_some(),
        );
    }
    let at = if groups.is_empty() {
        String::new()
    } else {
        format!(" at {}", groups.join(", "))
    };
    for a in &g.assignments {
        let effect = a
            .parameters
            .iter()
            .find(|(k, _)| k.starts_with("effect"))
            .map(|(_, v)| v.as_str().unwrap_or_default().to_owned())
            .or_else(|| a.effect.clone())
            .unwrap_or_default();
        let definition = facts::policies().iter().find(|p| p.key == a.key);
        s.add(
            format!("policy/{}", a.key),
            &a.recommendation,
            format!("policy assignment {}{at}", a.display_name),
            effect.clone(),
            !effect.eq_ignore_ascii_case("disabled"),
        );
        s.last().strength = Some(effect_strength(definition, &effect));
        s.last().presence = Presence::Protects;
        if let Some(definition) = definition {
            s.last().rest_on(Basis::Policy(definition));
        }
    }
    for c in &g.custom_policies {
        s.add(
            format!("policy/{}", c.name),
            &c.recommendation,
            format!("policy assignment {}{at}", c.display_name),
            c.effect.clone(),
            true,
        );
        s.last().strength = Some(effect_strength(None, &c.effect));
        s.last().presence = Presence::Protects;
    }
    for e in &g.exemptions {
        s.add(
            format!("policy_exemption/{}", e.key),
            &e.recommendation,
            format!("policy exemption from {}", e.assignment_display_name),
            format!("{} until {}", e.category, e.expires_on),
            false,
        );
        s.last().presence = Presence::Opens;
    }
    s.add(
        "defender".into(),
        "SEC-01",
        "Defender for Cloud plans".into(),
        if g.defender_plans.is_empty() {
            "none".to_owned()
        } else {
            facts::defender_plan_names(&g.defender_plans)
        },
        !g.defender_plans.is_empty(),
    );
    s.0
}

/// The recovery stack as a whole (REL-07), keyed by its role: each of its settings is keyed
/// under it, so `diff` says once that the stack and the `policies` assignments of its resource
/// group go, not each of its settings.
fn recovery_stack(s: &mut Settings, r: &RegionPlan, policies: usize) {
    let with = match policies {
        0 => String::new(),
        1 => " and its policy assignment".to_owned(),
        n => format!(" and its {n} policy assignments"),
    };
    s.add(
        "secondary".to_owned(),
        "REL-07",
        format!(
            "the {} stack (workspace, dependencies, network, monitoring){with} in resource group {}",
            r.location, r.names.resource_group
        ),
        r.location.clone(),
        true,
    );
    s.last().presence = Presence::Protects;
}

fn region(s: &mut Settings, r: &RegionPlan) {
    let role = match r.role {
        super::RegionRole::Primary => "primary",
        super::RegionRole::Secondary => "secondary",
    };
    let w = &r.workspace;
    let key = |what: &str| format!("{role}/{what}");
    s.flag(
        key("workspace/public_network_access"),
        "SEC-03",
        format!("workspace {} public network access", w.name),
        w.public_network_access,
        false,
    );
    let isolation = w
        .managed_network
        .as_ref()
        .map_or("none", |m| m.isolation_mode.as_str());
    s.add(
        key("workspace/isolation_mode"),
        "SEC-04",
        format!("workspace {} outbound", w.name),
        isolation.to_owned(),
        isolation != "AllowInternetOutbound",
    );
    s.last().rest_on(Basis::Isolation);
    for o in w
        .managed_network
        .iter()
        .flat_map(|m| m.outbound_rules.iter())
    {
        // An FQDN rule lets the workspace reach a host on the internet; a service tag or a
        // private endpoint stays on Azure's network.
        let internet = o.fqdn.is_some();
        let destination = o
            .fqdn
            .clone()
            .or_else(|| o.service_tag.clone())
            .or_else(|| o.resource_id.clone())
            .unwrap_or_default();
        s.add(
            key(&format!("workspace/outbound_rule/{}", o.name)),
            "SEC-04",
            format!(
                "workspace {} outbound rule {} ({})",
                w.name,
                o.name,
                if internet {
                    "internet destination"
                } else {
                    "Azure destination"
                }
            ),
            destination,
            !internet,
        );
        s.last().rest_on(Basis::OutboundRule);
        if internet {
            s.last().presence = Presence::Opens;
        }
    }
    let cmk = Setting {
        key: key("workspace/customer_managed_key"),
        recommendation: "SEC-13".to_owned(),
        label: format!("workspace {} customer-managed key", w.name),
        value: on_off(w.customer_managed_key),
        hardened: w.customer_managed_key,
        replaces: true,
        strength: None,
        presence: Presence::Neutral,
        pinned: false,
        also: Vec::new(),
    };
    s.0.push(cmk);
    s.add(
        key("workspace/datastore_auth"),
        "SEC-06",
        format!("workspace {} datastore authentication", w.name),
        w.datastore_auth.azurerm().to_owned(),
        w.datastore_auth == super::DatastoreAuth::Identity,
    );
    let st = &r.storage;
    s.flag(
        key("storage/public_network_access"),
        "SEC-05",
        format!("storage {} public network access", st.name),
        st.public_network_access,
        false,
    );
    s.flag(
        key("storage/shared_key_access"),
        "SEC-06",
        format!("storage {} shared keys", st.name),
        st.shared_key_access,
        false,
    );
    s.add(
        key("storage/min_tls_version"),
        "SEC-18",
        format!("storage {} minimum TLS", st.name),
        st.min_tls_version
            .clone()
            .unwrap_or_else(|| "provider default".to_owned()),
        st.min_tls_version.is_some(),
    );
    s.flag(
        key("storage/https_only"),
        "SEC-18",
        format!("storage {} HTTPS only", st.name),
        st.https_only,
        true,
    );
    s.flag(
        key("storage/customer_managed_key"),
        "SEC-13",
        format!("storage {} customer-managed key", st.name),
        st.customer_managed_key,
        true,
    );
    s.add(
        key("storage/replication"),
        "REL-01",
        format!("storage {} replication", st.name),
        st.replication.clone(),
        st.replication.contains("ZRS"),
    );
    s.last().rest_on(Basis::StorageReplication);
    s.default_action(
        key("storage"),
        format!("storage {}", st.name),
        &st.default_action,
    );
    // Queues and tables are under the customer-managed key only with account-scoped keys, set
    // at creation (azurerm ForceNew: tests/data/azurerm-validations.json).
    s.add(
        key("storage/queue_table_key_type"),
        "SEC-13",
        format!("storage {} queue and table encryption key scope", st.name),
        st.queue_table_key_type.clone(),
        st.queue_table_key_type == "Account",
    );
    s.last().replaces = true;
    let kv = &r.key_vault;
    s.flag(
        key("key_vault/public_network_access"),
        "SEC-05",
        format!("key vault {} public network access", kv.name),
        kv.public_network_access,
        false,
    );
    s.last().rest_on(Basis::PrivateOnly);
    s.default_action(
        key("key_vault"),
        format!("key vault {}", kv.name),
        &kv.default_action,
    );
    s.flag(
        key("key_vault/purge_protection"),
        "SEC-13",
        format!("key vault {} purge protection", kv.name),
        kv.purge_protection,
        true,
    );
    s.last().rest_on(Basis::PurgeProtection);
    if let Some(k) = &kv.key {
        for (what, label, value) in [
            ("rotate", "rotation interval", &k.rotate_after),
            ("expiry", "expiry", &k.expire_after),
        ] {
            s.add(
                key(&format!("key_vault/key/{what}")),
                "SEC-13",
                format!("key vault {} key {} {label}", kv.name, k.name),
                value.clone(),
                true,
            );
            s.last().strength = shorter_is_stronger(value);
        }
    }
    s.flag(
        key("monitoring/app_insights_local_auth"),
        "OPS-05",
        format!(
            "Application Insights {} local authentication",
            r.monitoring.app_insights
        ),
        r.monitoring.app_insights_local_auth,
        false,
    );
    // Log Analytics follows Application Insights: both off unless OPS-05 is waived.
    s.flag(
        key("monitoring/log_analytics_local_auth"),
        "OPS-05",
        format!(
            "Log Analytics {} local authentication",
            r.monitoring.log_analytics
        ),
        r.monitoring.app_insights_local_auth,
        false,
    );
    monitoring(s, r, &key);
    s.add(
        key("monitoring/diagnostic_settings"),
        "OPS-05",
        format!("diagnostic settings in {}", r.location),
        r.monitoring.diagnostic_settings.join(", "),
        !r.monitoring.diagnostic_settings.is_empty(),
    );
    let workspace = r
        .monitoring
        .diagnostic_settings
        .iter()
        .any(|d| d == "workspace");
    s.last().rest_on(if workspace {
        Basis::WorkspaceDiagnostics
    } else {
        Basis::Diagnostics
    });
    s.add(
        key("monitoring/retention_days"),
        "OPS-05",
        format!(
            "Log Analytics {} retention (days)",
            r.monitoring.log_analytics
        ),
        r.monitoring.retention_days.to_string(),
        true,
    );
    s.last().strength = Some(r.monitoring.retention_days);
    s.last().rest_on(Basis::Retention);
    for pe in &r.private_endpoints {
        s.add(
            key(&format!("private_endpoint/{}", pe.name)),
            if pe.target == "workspace" {
                "SEC-03"
            } else {
                "SEC-05"
            },
            format!(
                "private endpoint {} ({} {})",
                pe.name,
                pe.target.replace('_', " "),
                pe.subresource
            ),
            "present".to_owned(),
            true,
        );
        s.last().presence = Presence::Protects;
    }
    s.flag(
        key("network/storage_endpoint_policy"),
        "SEC-14",
        format!("compute subnet storage endpoint policy in {}", r.location),
        r.network.storage_endpoint_policy,
        r.network.compute_subnet.is_none() || r.network.storage_endpoint_policy,
    );
    if let Some(serverless) = &r.workspace.serverless_compute {
        s.flag(
            key("workspace/serverless_compute/public_ip"),
            "SEC-09",
            format!(
                "workspace {} serverless compute public IP",
                r.workspace.name
            ),
            serverless.public_ip,
            false,
        );
        s.last().rest_on(Basis::NodePublicIp);
    }
    for c in &r.clusters {
        let at = |what: &str| format!("{role}/cluster/{}/{what}", c.name);
        s.flag(
            at("local_auth"),
            "SEC-07",
            format!("cluster {} ({}) local authentication", c.name, r.location),
            c.local_auth,
            false,
        );
        s.flag(
            at("node_public_ip"),
            "SEC-09",
            format!("cluster {} ({}) node public IP", c.name, r.location),
            c.node_public_ip,
            false,
        );
        s.last().rest_on(Basis::NodePublicIp);
        s.flag(
            at("ssh_public_access"),
            "SEC-08",
            format!("cluster {} ({}) public SSH", c.name, r.location),
            c.ssh_public_access,
            false,
        );
        s.add(
            at("vm_priority"),
            "REL-09",
            format!("cluster {} ({}) VM priority", c.name, r.location),
            c.vm_priority.clone(),
            c.purpose != crate::profile::Purpose::BatchInference || c.vm_priority == "Dedicated",
        );
        s.add(
            at("min_nodes"),
            "COST-02",
            format!("cluster {} ({}) minimum nodes", c.name, r.location),
            c.min_nodes.to_string(),
            c.min_nodes == 0,
        );
    }
}

/// Who reaches a region's Log Analytics and Application Insights: public ingestion and query
/// (SEC-05), and the access modes of the zone's own Azure Monitor Private Link Scope (SEC-14;
/// a hub's scope keeps the hub's modes, which the zone does not deploy).
fn monitoring(s: &mut Settings, r: &RegionPlan, key: &dyn Fn(&str) -> String) {
    let m = &r.monitoring;
    let both = format!(
        "Log Analytics {} and Application Insights {}",
        m.log_analytics, m.app_insights
    );
    s.flag(
        key("monitoring/public_ingestion"),
        "SEC-05",
        format!("{both} public ingestion"),
        m.public_ingestion,
        false,
    );
    s.flag(
        key("monitoring/public_query"),
        "SEC-05",
        format!("{both} public query"),
        m.public_query,
        false,
    );
    let Some(scope) = m.private_link_scope.as_ref().filter(|s| s.hub.is_none()) else {
        return;
    };
    // The scope itself, so that its access modes go with it when it goes.
    s.add(
        key("monitoring/private_link_scope"),
        "SEC-05",
        format!("Azure Monitor Private Link Scope {}", scope.name),
        "present".to_owned(),
        true,
    );
    s.last().presence = Presence::Protects;
    for (what, mode) in [
        ("ingestion", &scope.ingestion_access_mode),
        ("query", &scope.query_access_mode),
    ] {
        s.add(
            key(&format!("monitoring/private_link_scope/{what}_access_mode")),
            "SEC-14",
            format!(
                "Azure Monitor Private Link Scope {} {what} access mode",
                scope.name
            ),
            mode.clone(),
            mode == "PrivateOnly",
        );
        s.last().rest_on(Basis::MonitorScopeAccess);
    }
}

#[cfg(test)]
mod tests {
    use super::{Basis, Effect, Presence, Setting, effect, effect_strength};
    use crate::facts;

    fn setting(value: &str, hardened: bool, strength: Option<u32>, presence: Presence) -> Setting {
        Setting {
            key: "k".to_owned(),
            recommendation: "R".to_owned(),
            label: "l".to_owned(),
            value: value.to_owned(),
            hardened,
            replaces: false,
            strength,
            presence,
            pinned: false,
            also: Vec::new(),
        }
    }

    #[test]
    fn each_move_is_classified_from_the_zone_s_side() {
        let neutral = Presence::Neutral;
        let on = setting("Enabled", false, None, neutral);
        let off = setting("Disabled", true, None, neutral);
        let deny = setting("Deny", true, Some(2), Presence::Protects);
        let audit = setting("Audit", true, Some(1), Presence::Protects);
        let internet = setting("pypi.org", false, None, Presence::Opens);
        let pinned = Setting {
            pinned: true,
            ..setting("[cr.azurecr.io]", true, None, neutral)
        };
        let widened = Setting {
            value: "[*]".to_owned(),
            ..pinned.clone()
        };
        let cases = [
            (Some(&off), Some(&on), Effect::Weakens),
            (Some(&on), Some(&off), Effect::Strengthens),
            (Some(&deny), Some(&audit), Effect::Weakens),
            (Some(&audit), Some(&deny), Effect::Strengthens),
            (Some(&deny), None, Effect::Weakens),
            (None, Some(&deny), Effect::Strengthens),
            (None, Some(&internet), Effect::Weakens),
            (Some(&internet), None, Effect::Strengthens),
            (Some(&off), None, Effect::Changes),
            (None, Some(&off), Effect::Changes),
            // A new resource that comes open weakens as opening an existing one does.
            (None, Some(&on), Effect::Weakens),
            (Some(&pinned), Some(&widened), Effect::Weakens),
            (Some(&pinned), None, Effect::Weakens),
            (None, Some(&pinned), Effect::Changes),
        ];
        for (old, new, expected) in cases {
            assert_eq!(effect(old, new), expected, "{old:?} → {new:?}");
        }
    }

    #[test]
    fn what_rests_on_a_setting_is_catalog_recommendations_besides_its_own() {
        let mut bases = vec![
            Basis::Isolation,
            Basis::OutboundRule,
            Basis::InternetRule,
            Basis::Diagnostics,
            Basis::WorkspaceDiagnostics,
            Basis::Retention,
            Basis::NodePublicIp,
            Basis::MonitorScopeAccess,
            Basis::PurgeProtection,
            Basis::PrivateOnly,
            Basis::StorageReplication,
            Basis::GeoReplication,
        ];
        bases.extend(facts::policies().iter().map(Basis::Policy));
        for basis in bases {
            for id in basis.recommendations() {
                assert!(
                    facts::catalog().iter().any(|r| r.id == id),
                    "{basis:?}: {id}"
                );
            }
        }
        let rule = setting("pypi.org", false, None, Presence::Opens);
        let rule = Setting {
            recommendation: "SEC-04".to_owned(),
            ..rule
        }
        .resting_on(Basis::OutboundRule);
        assert_eq!(rule.also, ["SEC-02", "SEC-14", "SEC-16"]);
        let registries = facts::policy("model_deployment_registries");
        assert_eq!(
            Basis::Policy(registries).recommendations(),
            ["POL-09", "SEC-12", "OPS-01"]
        );
    }

    #[test]
    fn policy_effects_rank_as_the_facts_order_them() {
        let definition = facts::policies()
            .iter()
            .find(|p| p.effects.len() == 3)
            .expect("a definition with Deny, Audit and Disabled");
        let [strong, middle, weak] = &definition.effects[..] else {
            unreachable!()
        };
        let rank = |e: &str| effect_strength(Some(definition), e);
        assert!(rank(strong) > rank(middle) && rank(middle) > rank(weak));
        assert!(effect_strength(None, "Deny") > effect_strength(None, "AuditIfNotExists"));
        assert!(effect_strength(None, "Audit") > effect_strength(None, "Disabled"));
    }

    #[test]
    fn an_effect_the_definition_does_not_allow_is_weaker_than_any_it_does() {
        // The registries definition allows only Deny and Disabled: Audit is refused at assignment.
        let registries = facts::policy("model_deployment_registries");
        let rank = |e: &str| effect_strength(Some(registries), e);
        assert!(rank("Deny") > rank("Disabled") && rank("Disabled") > rank("Audit"));
        assert!(rank("deny") == rank("Deny"));
    }
}
