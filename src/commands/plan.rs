//! `mlzone plan PROFILE`: the resolved plan, as a readable summary or as JSON.

use std::fmt::Write as _;

use super::{Context, validated};
use crate::cli::PlanArgs;
use crate::error::{EXIT_OK, Error};
use crate::naming::{self, SUFFIX_SLOT, environment_name};
use crate::plan::{Plan, RegionRole, Status};
use crate::profile::{NetworkMode, SuffixSource};
use crate::values;

pub(crate) fn run(args: &PlanArgs, ctx: &Context) -> Result<u8, Error> {
    if let Some(id) = args
        .subscription
        .as_deref()
        .filter(|id| !values::is_guid(id))
    {
        return Err(Error::Usage(format!(
            "`--subscription` takes a subscription ID (a GUID), not `{id}`"
        )));
    }
    let (checked, plan) = match validated(&args.profile, ctx) {
        Ok(planned) => planned,
        Err(error) if args.json => return Ok(failed_json(&args.profile, &error)),
        Err(error) => return Err(error),
    };
    let text = if args.json {
        let mut json = super::versioned(serde_json::to_value(&plan).unwrap_or_default());
        json["diagnostics"] = checked.warnings.to_json()["diagnostics"].take();
        serde_json::to_string_pretty(&json).unwrap_or_default() + "\n"
    } else {
        err!("{}", super::warnings(&checked, ctx));
        describe(&plan)
    };
    out!(
        "{}",
        in_subscription(text, &plan, args.subscription.as_deref())
    );
    Ok(EXIT_OK)
}

/// A profile that could not be planned, for `--json`: the document `docs/json.md` gives for it
/// (`command`, `exit_code`, `profile`, `error` with its diagnostics) instead of the plan's
/// fields, and nothing on stderr.
fn failed_json(profile: &std::path::Path, error: &Error) -> u8 {
    let code = error.exit_code();
    super::print_json(&super::versioned(serde_json::json!({
        "command": "plan",
        "exit_code": code,
        "profile": crate::render::shown(profile),
        "error": super::error_json(error),
    })));
    code
}

/// `text` with the names a deployment into `subscription_id` gets: every suffix slot filled in.
fn in_subscription(text: String, plan: &Plan, subscription_id: Option<&str>) -> String {
    match subscription_id {
        Some(id) if plan.naming.suffix == SuffixSource::Subscription => {
            let suffix = naming::subscription_suffix(id, &plan.naming.guid_arguments);
            text.replace(SUFFIX_SLOT, &suffix)
        }
        _ => text,
    }
}

/// A plan for people: what gets deployed where, and each recommendation's fate.
pub(crate) fn describe(plan: &Plan) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} ({}), {} network",
        plan.project,
        environment_name(plan.environment),
        match plan.network_mode {
            NetworkMode::Managed => "managed",
            NetworkMode::Customer => "customer",
        }
    );
    for region in &plan.regions {
        let w = &region.workspace;
        let role = match region.role {
            RegionRole::Primary => "primary",
            RegionRole::Secondary => "secondary",
        };
        let _ = writeln!(
            out,
            "\n{role} region {} ({})",
            region.location, region.display_name
        );
        let rows = [
            ("resource group", region.names.resource_group.clone()),
            (
                "workspace",
                format!(
                    "{}  public access {}, high business impact {}, {}",
                    w.name,
                    on_off(w.public_network_access),
                    on_off(w.high_business_impact),
                    w.managed_network.as_ref().map_or_else(
                        || "no managed network".to_owned(),
                        |m| format!(
                            "{} with {} outbound rule(s){}, provisioned before compute (timeout {})",
                            m.isolation_mode,
                            m.outbound_rules.len(),
                            m.firewall_sku
                                .as_ref()
                                .map_or_else(String::new, |sku| format!(
                                    " (managed firewall {sku})"
                                )),
                            m.provisioning.timeout
                        )
                    )
                ),
            ),
            (
                "fixed cost",
                w.managed_network.as_ref().map_or_else(
                    || "none (no managed network)".to_owned(),
                    |m| m.fixed_cost.describe().to_owned(),
                ),
            ),
            (
                "image builds",
                w.image_build.as_ref().map_or_else(
                    || "by the registry (public)".to_owned(),
                    |b| format!("cluster {} ({})", b.cluster, b.reason),
                ),
            ),
            ("identity", region.names.identity.clone()),
            (
                "key vault",
                format!(
                    "{}  purge protection {}, key {}",
                    region.key_vault.name,
                    on_off(region.key_vault.purge_protection),
                    region
                        .key_vault
                        .key
                        .as_ref()
                        .map_or("none".to_owned(), |k| format!(
                            "{} rotated after {}",
                            k.name, k.rotate_after
                        ))
                ),
            ),
            (
                "storage",
                format!(
                    "{}  {}, shared keys {}, public access {}",
                    region.storage.name,
                    region.storage.replication,
                    on_off(region.storage.shared_key_access),
                    on_off(region.storage.public_network_access)
                ),
            ),
            (
                "network",
                format!(
                    "{} {}  endpoints {}{}",
                    region.names.vnet,
                    region.network.address_space,
                    region.network.endpoint_subnet,
                    region
                        .network
                        .compute_subnet
                        .as_ref()
                        .map_or(String::new(), |c| format!(", compute {c}"))
                ),
            ),
            (
                "dns zones",
                region
                    .dns_zones
                    .iter()
                    .map(|z| match &z.existing_id {
                        Some(_) => format!("{} (hub)", z.name),
                        None => z.name.clone(),
                    })
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
            (
                "monitoring",
                format!(
                    "{}, {} ({} days)",
                    region.monitoring.log_analytics,
                    region.monitoring.app_insights,
                    region.monitoring.retention_days
                ),
            ),
        ];
        for (label, value) in rows {
            let _ = writeln!(out, "  {label:<15} {value}");
        }
        for c in &region.clusters {
            let _ = writeln!(
                out,
                "  {:<15} {} {} {}, {}-{} nodes, scale down after {}{}",
                "cluster",
                c.name,
                c.sku,
                c.vm_priority,
                c.min_nodes,
                c.max_nodes,
                c.idle_scale_down,
                c.added_for
                    .as_ref()
                    .map_or_else(String::new, |why| format!(" (added for {why})"))
            );
        }
    }
    let _ = writeln!(
        out,
        "\nregistry {} ({}), replicas: {}",
        plan.registry.name,
        plan.registry.sku,
        if plan.registry.geo_replications.is_empty() {
            "none".to_owned()
        } else {
            plan.registry
                .geo_replications
                .iter()
                .map(|g| g.location.clone())
                .collect::<Vec<_>>()
                .join(", ")
        }
    );
    for i in &plan.instances {
        let _ = writeln!(
            out,
            "instance {} {} for {}, idle shutdown {}{}",
            i.name,
            i.sku,
            i.user_object_id,
            i.idle_shutdown.as_deref().unwrap_or("off"),
            i.schedule.as_ref().map_or(String::new(), |s| format!(
                ", start `{}`, stop `{}` ({})",
                s.start.as_deref().unwrap_or("-"),
                s.stop.as_deref().unwrap_or("-"),
                s.time_zone
            ))
        );
    }
    if let Some(b) = &plan.budget {
        let _ = writeln!(
            out,
            "budget {}: {} per month over {}, alerts at {} to {}",
            b.name,
            b.amount,
            b.resource_groups.join(", "),
            b.alerts(),
            if b.contact_emails.is_empty() {
                "the addresses given at deploy time".to_owned()
            } else {
                b.contact_emails.join(", ")
            }
        );
    }
    let _ = writeln!(out, "\nrole assignments (principal → role on scope: why)");
    for a in &plan.role_assignments {
        let _ = writeln!(
            out,
            "  {}: {} → {} on {}: {}",
            a.region, a.principal, a.role, a.scope, a.why
        );
    }
    let t = &plan.teardown;
    let _ = writeln!(
        out,
        "\nteardown: workspace {} on destroy (else soft-deleted {} days, name taken), {}",
        if t.purge_workspace_on_destroy {
            "purged"
        } else {
            "not purged"
        },
        t.workspace_soft_delete_days,
        if t.prevent_destroy {
            "workspaces, key vaults and storage protected by prevent_destroy"
        } else {
            "no destroy protection"
        }
    );
    let _ = writeln!(
        out,
        "\nset only at creation (changing one replaces the resource, or Azure keeps the old value or refuses the change)"
    );
    for c in &plan.create_only {
        let note = match (&c.one_way_from, &c.kept_by_azure, &c.delete_before_bicep) {
            (Some(from), _, _) if c.refused_by_azure.is_some() => {
                format!(" (Azure refuses leaving {from})")
            }
            (Some(from), _, _) => format!(" (only leaving {from})"),
            (None, Some(_), _) => " (kept by Azure: a deployment does not change it)".to_owned(),
            (None, None, Some(_)) => " (Bicep: delete it before deploying a change)".to_owned(),
            (None, None, None) => String::new(),
        };
        let _ = writeln!(out, "  {}: {} = {}{note}", c.resource, c.field, c.value);
    }
    names(&mut out, plan);
    let _ = writeln!(
        out,
        "\nresource providers (the Terraform registers them): {}",
        plan.resource_providers.join(", ")
    );
    let _ = writeln!(
        out,
        "\npolicy assignments ({} scope)",
        plan.governance.scope
    );
    for a in &plan.governance.assignments {
        let params: Vec<String> = a
            .parameters
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        let _ = writeln!(
            out,
            "  {:<8} {}  [{}]: {}",
            a.recommendation,
            a.display_name,
            params.join(", "),
            a.effect_reason
        );
    }
    for p in &plan.governance.custom_policies {
        let _ = writeln!(
            out,
            "  {:<8} {} ({}, {}): {}",
            p.recommendation,
            p.display_name,
            p.effect,
            p.effect_reason,
            p.allowed_skus.join(", ")
        );
    }
    let g = &plan.governance;
    for w in &g.without_audit {
        let _ = writeln!(
            out,
            "  {:<8} {}  no audit effect ({}): {}",
            w.recommendation,
            w.display_name,
            w.effects.join(", "),
            w.outcome
        );
    }
    if !g.exemptions.is_empty() || !g.unexempted.is_empty() {
        let _ = writeln!(
            out,
            "\npolicy exemptions (waivers, at each region's resource group)"
        );
    }
    for e in &g.exemptions {
        let _ = writeln!(
            out,
            "  {:<8} {} from {} ({}), {} until {}",
            e.recommendation, e.name, e.assignment_name, e.effect, e.category, e.expires_on
        );
    }
    for u in &g.unexempted {
        let _ = writeln!(
            out,
            "  {:<8} no exemption from {}: {}",
            u.recommendation, u.display_name, u.why
        );
    }
    if !plan.waivers.is_empty() {
        let _ = writeln!(out, "\nwhat each waiver turns off");
    }
    for w in &plan.waivers {
        if w.turns_off.is_empty() {
            let _ = writeln!(
                out,
                "  {:<8} nothing: the zone is the same without it",
                w.id
            );
        }
        for line in &w.turns_off {
            let _ = writeln!(out, "  {:<8} {line}", w.id);
        }
    }
    let check = crate::plan::check::check(plan);
    let _ = writeln!(
        out,
        "\npolicy self-check: {} Deny polic{} against {} resources (workspaces, compute, storage, key vaults, registry, private endpoints): {}",
        check.evaluated.len(),
        if check.evaluated.len() == 1 {
            "y"
        } else {
            "ies"
        },
        check.resources,
        if check.passes() {
            "nothing denied".to_owned()
        } else {
            format!("FAILS\n    {}", check.failures().join("\n    "))
        }
    );
    for f in &check.exempted {
        let _ = writeln!(
            out,
            "  {:<8} {} matches {}: exempt (waiver)",
            f.recommendation, f.policy, f.resource
        );
    }
    for (policy, why) in &check.not_evaluated {
        let _ = writeln!(out, "  not evaluated: {policy}: {why}");
    }
    let (mut applied, mut partial, mut not_applied, mut waived, mut advisory) = (0, 0, 0, 0, 0);
    let mut lines = String::new();
    for r in &plan.recommendations {
        let detail = match &r.status {
            Status::Applied { applied_in } => {
                applied += 1;
                format!("applied   {}", applied_in.join("; "))
            }
            Status::Partial {
                applied_in,
                missing,
            } => {
                partial += 1;
                format!(
                    "PARTIAL   {}; missing: {}",
                    applied_in.join("; "),
                    missing.join("; ")
                )
            }
            Status::NotApplied { missing } => {
                not_applied += 1;
                format!("NOT APPLIED {}", missing.join("; "))
            }
            Status::Waived { reason, expires } => {
                waived += 1;
                format!("WAIVED    until {expires}: {reason}")
            }
            Status::Advisory { note } => {
                advisory += 1;
                format!("advisory  {note}")
            }
        };
        let _ = writeln!(lines, "  {:<8} {detail}", r.id);
    }
    let _ = writeln!(
        out,
        "\nrecommendations: {applied} applied, {partial} partial, {not_applied} not applied, {waived} waived, {advisory} advisory\n{lines}"
    );
    out
}

fn on_off(value: bool) -> &'static str {
    if value { "on" } else { "off" }
}

/// How the globally unique names are derived, and the names a zone deployed before has.
fn names(out: &mut String, plan: &Plan) {
    let n = &plan.naming;
    let arguments: Vec<String> = n.guid_arguments.iter().map(|a| format!("'{a}'")).collect();
    match n.suffix {
        SuffixSource::Subscription => {
            let _ = writeln!(
                out,
                "\nnames: key vaults, storage accounts and the registry end in {SUFFIX_SLOT}, computed at deploy time as the first 4 hex digits of guid(lower(subscription ID), {}) (ARM's guid(); Terraform: uuidv5(\"{}\", ...)); `--subscription ID` shows them",
                arguments.join(", "),
                n.guid_namespace
            );
            let _ = writeln!(
                out,
                "  with the legacy suffix (`names: {{suffix: legacy}}` keeps these for a zone deployed before):"
            );
            for (key, name) in &n.legacy {
                let _ = writeln!(out, "    {key:<20} {name}");
            }
        }
        SuffixSource::Legacy => {
            let _ = writeln!(
                out,
                "\nnames: key vaults, storage accounts and the registry end in the legacy suffix (SHA-256 of project, environment and region): the same in every subscription"
            );
        }
    }
}
