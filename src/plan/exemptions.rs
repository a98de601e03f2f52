//! Waivers reach Azure Policy: a waived recommendation whose relaxed setting the rule of one of
//! the zone's own Deny assignments flags gets an exemption from that assignment, so the
//! assignment does not forbid what the waiver allows. Which rules flag which waivers is a fact
//! read off each definition (`data/policies.yaml`, `relaxed_by`); an assignment that only
//! audits needs no exemption, and the plan says so.

use super::{Plan, PolicyAssignment, PolicyExemption, Unexempted, bodies, check};
use crate::facts;
use crate::profile::{Profile, Waiver};

/// The only exemption category a waiver maps to (ARM and azurerm: `Waiver` | `Mitigated`).
const CATEGORY: &str = "Waiver";
/// Policy exemption names, like assignment names, are kept to 64 characters.
const MAX_NAME: usize = 64;
/// azurerm's `display_name` validator: 1 to 128 (bytes, as Go's `len` counts).
const MAX_DISPLAY_NAME: usize = 128;
/// azurerm's `description` validator: 1 to 512 (bytes).
const MAX_DESCRIPTION: usize = 512;

/// The exemptions `profile`'s waivers need from `assignments`, and the assignments whose rule a
/// waived setting fails that need none, both in catalog order of the waivers.
pub(super) fn exemptions(
    profile: &Profile,
    assignments: &[PolicyAssignment],
) -> (Vec<PolicyExemption>, Vec<Unexempted>) {
    let waived = |id: &str| profile.waivers.iter().find(|w| w.id == id);
    let mut exempt = Vec::new();
    let mut unexempted = Vec::new();
    for recommendation in facts::catalog() {
        let Some(waiver) = waived(&recommendation.id) else {
            continue;
        };
        for policy in facts::policies()
            .iter()
            .filter(|p| p.relaxed_by.contains(&recommendation.id))
        {
            let checks = policy.checks.clone().unwrap_or_default();
            let assigned = assignments.iter().find(|a| a.key == policy.key);
            let why = match assigned {
                Some(a) if a.effect.as_deref() == Some("Deny") => {
                    exempt.push(exemption(profile, &recommendation.title, waiver, a, checks));
                    continue;
                }
                Some(a) => format!(
                    "its effect, {}, reports the waived setting as non-compliant and denies \
                     nothing: no exemption needed",
                    a.effect.as_deref().unwrap_or("fixed by the definition")
                ),
                None => {
                    let dropped_by = std::iter::once(&policy.recommendation)
                        .chain(&policy.also)
                        .find(|id| waived(id).is_some());
                    match dropped_by {
                        Some(id) => format!("the waiver of {id} drops the assignment"),
                        None => "the zone does not assign it".to_owned(),
                    }
                }
            };
            unexempted.push(Unexempted {
                recommendation: recommendation.id.clone(),
                assignment: policy.key.clone(),
                display_name: policy.display_name.clone(),
                why,
            });
        }
    }
    (exempt, unexempted)
}

/// Keeps only the exemptions from assignments that would deny something the zone deploys: a
/// waiver that turns off nothing an assignment checks (a SEC-04 waiver while outbound stays
/// approved-only, a COST-09 waiver without instances) must not lift that assignment.
pub(super) fn keep_needed(plan: &mut Plan) {
    if plan.governance.exemptions.is_empty() {
        return;
    }
    let mut unexempted = plan.governance.clone();
    unexempted.exemptions.clear();
    let denied = check::check_bodies(&unexempted, &bodies::bodies(plan)).denied;
    let g = &mut plan.governance;
    let (kept, idle): (Vec<_>, Vec<_>) = std::mem::take(&mut g.exemptions)
        .into_iter()
        .partition(|e| denied.iter().any(|f| f.assignment == e.assignment_name));
    g.exemptions = kept;
    g.unexempted.extend(idle.into_iter().map(|e| {
        Unexempted {
            recommendation: e.recommendation,
            assignment: e.assignment,
            display_name: e.assignment_display_name,
            why:
                "nothing the zone deploys fails its rule: the waiver turns off nothing it checks, \
              so no exemption"
                    .to_owned(),
        }
    }));
}

fn exemption(
    profile: &Profile,
    title: &str,
    waiver: &Waiver,
    assignment: &PolicyAssignment,
    checks: String,
) -> PolicyExemption {
    let id = waiver.id.to_lowercase();
    PolicyExemption {
        key: format!("{}_{}", id.replace('-', "_"), assignment.key),
        name: format!(
            "mlz-{}-{id}-{}",
            profile.project,
            assignment.key.replace('_', "-")
        )
        .chars()
        .take(MAX_NAME)
        .collect(),
        recommendation: waiver.id.clone(),
        assignment: assignment.key.clone(),
        assignment_name: assignment.name.clone(),
        assignment_display_name: assignment.display_name.clone(),
        effect: assignment.effect.clone().unwrap_or_default(),
        checks,
        category: CATEGORY.to_owned(),
        expires_on: expires_on(&waiver.expires),
        display_name: clip(&format!("{} waiver: {title}", waiver.id), MAX_DISPLAY_NAME),
        description: clip(waiver.reason.trim(), MAX_DESCRIPTION),
    }
}

/// The end of a waiver's last day (`expires` is the last day it holds, `YYYY-MM-DD`) in UTC,
/// as RFC 3339: azurerm validates `expires_on` as ISO 8601 but parses it as RFC 3339 when it
/// creates the exemption, and reads it back in that form (`Z`, no fraction), so nothing drifts.
fn expires_on(expires: &str) -> String {
    format!("{expires}T23:59:59Z")
}

/// `text` cut to at most `max` bytes at a character boundary, with `…` where it was cut.
fn clip(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_owned();
    }
    let ellipsis = '…';
    let mut end = max - ellipsis.len_utf8();
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}{ellipsis}", text[..end].trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiry_is_the_end_of_the_waiver_s_last_day_in_rfc_3339() {
        let on = expires_on("2027-03-31");
        assert_eq!(on, "2027-03-31T23:59:59Z");
        assert!(on.parse::<jiff::Timestamp>().is_ok());
    }

    #[test]
    fn long_text_is_clipped_to_the_provider_s_byte_limit() {
        assert_eq!(clip("short", 512), "short");
        let long = "é".repeat(400);
        let clipped = clip(&long, 512);
        assert!(clipped.len() <= 512, "{}", clipped.len());
        assert!(clipped.ends_with('…'));
        assert!(long.starts_with(clipped.trim_end_matches('…')));
    }
}
