//! Who gets which role: the workspace identity and the compute identity (`data/roles.yaml`),
//! people (`access` and compute-instance owners), and the table of every assignment that
//! `mlzone plan` and the compliance report print.

use super::{
    ExternalResource, IdentityRole, Plan, PrivateEndpointPlan, RoleAssignment, RoleAssignmentRow,
};
use crate::facts::{self, Grant, GrantWhen};
use crate::profile::{PrincipalType, Profile, Purpose, Role};

/// What decides which of a region's grants apply.
pub(super) struct Zone<'a> {
    /// The workspace has a customer-managed key.
    pub cmk: bool,
    /// The workspace has a managed network.
    pub managed_network: bool,
    /// Some cluster runs batch inference.
    pub batch_inference: bool,
    /// The region's private endpoints (its storage's among them, when private).
    pub endpoints: &'a [PrivateEndpointPlan],
}

/// The roles of the region's workspace identity and compute identity, in `data/roles.yaml`
/// order: the workspace's dependencies first, then what the managed network and compute need.
pub(super) fn identity_roles(profile: &Profile, zone: &Zone<'_>) -> Vec<IdentityRole> {
    let applies = |grant: &Grant| match grant.when {
        GrantWhen::Always => true,
        GrantWhen::Cmk => zone.cmk,
        GrantWhen::ManagedNetwork => zone.managed_network,
        GrantWhen::PrivateStorage => zone.endpoints.iter().any(studio_endpoint),
        GrantWhen::BatchInference => zone.batch_inference,
    };
    let mut roles = Vec::new();
    for grant in facts::workspace_identity_grants()
        .iter()
        .filter(|g| applies(g))
    {
        match grant.on.as_str() {
            "storage_endpoint" => {
                for endpoint in zone.endpoints.iter().filter(|e| studio_endpoint(e)) {
                    let target = Some(endpoint.subresource.clone());
                    roles.push(role("workspace", grant, target, None));
                }
            }
            "outbound_rule" => {
                for rule in &profile.network.outbound {
                    if let Some(pe) = &rule.private_endpoint
                        && let Some(external) = approvable(&pe.resource_id)
                    {
                        roles.push(role(
                            "workspace",
                            grant,
                            Some(rule.name.clone()),
                            Some(external),
                        ));
                    }
                }
            }
            _ => roles.push(role("workspace", grant, None, None)),
        }
    }
    roles.extend(
        facts::compute_identity_grants()
            .iter()
            .filter(|g| applies(g))
            .map(|g| role("compute", g, None, None)),
    );
    roles
}

/// The storage endpoints Learn names for studio: blob and file.
fn studio_endpoint(endpoint: &PrivateEndpointPlan) -> bool {
    endpoint.target == "storage" && matches!(endpoint.subresource.as_str(), "blob" | "file")
}

fn role(
    identity: &str,
    grant: &Grant,
    target: Option<String>,
    external: Option<ExternalResource>,
) -> IdentityRole {
    let snake = |text: &str| text.to_lowercase().replace([' ', '-'], "_");
    let prefix = if identity == "workspace" {
        "identity"
    } else {
        "compute"
    };
    let key = match (grant.on.as_str(), &target) {
        ("storage_endpoint", Some(sub)) => format!("{prefix}_storage_{sub}_endpoint"),
        ("outbound_rule", Some(rule)) => format!("{prefix}_rule_{}", snake(rule)),
        (on, _) => format!("{prefix}_{on}"),
    };
    // Roles on the zone's dependencies exist before the workspace; those on the workspace and
    // on private endpoints can only follow it and the endpoints, and precede the network.
    let before = match (identity, grant.on.as_str()) {
        ("compute", _) => "compute",
        (_, "workspace" | "storage_endpoint" | "outbound_rule") => "network",
        _ => "workspace",
    };
    IdentityRole {
        key: format!("{key}_{}", snake(&grant.role)),
        identity: identity.to_owned(),
        scope: grant.on.clone(),
        target,
        external,
        role: grant.role.clone(),
        role_definition_id: facts::role_id(&grant.role).to_owned(),
        why: grant.why.clone(),
        before: before.to_owned(),
    }
}

/// The outbound rule target `id` whose private endpoint the zone has the workspace identity
/// approve: a top-level resource of a type the approver role covers and whose API version the
/// zone knows (the Bicep declares it as an existing resource), its type spelled as Azure does.
/// `None` for anything else: `validate` warns that its owner must approve the endpoint.
pub(crate) fn approvable(id: &str) -> Option<ExternalResource> {
    let mut target = ExternalResource::parse(id)?;
    target.resource_type = facts::api_versions()
        .keys()
        .find(|t| t.eq_ignore_ascii_case(&target.resource_type))
        .filter(|t| facts::approvable(t))?
        .clone();
    Some(target)
}

/// Data roles on the workspace storage that people need once shared keys are off: read-write
/// for those who run work, read for readers (Microsoft Learn, "Use Azure Machine Learning with
/// storage shared keys disabled": Storage Blob Data Contributor and Storage File Data
/// Privileged Contributor, or their Reader forms). Compute operators manage compute, not data.
const CONTRIBUTOR_DATA_ROLES: [&str; 2] = [
    "Storage Blob Data Contributor",
    "Storage File Data Privileged Contributor",
];
const READER_DATA_ROLES: [&str; 2] = [
    "Storage Blob Data Reader",
    "Storage File Data Privileged Reader",
];

/// The workspace role of an `access` role, and the storage data roles that go with it.
pub(crate) fn workspace_role(role: Role) -> (&'static str, &'static [&'static str]) {
    match role {
        Role::DataScientist => ("AzureML Data Scientist", &CONTRIBUTOR_DATA_ROLES),
        Role::ComputeOperator => ("AzureML Compute Operator", &[]),
        Role::Reader => ("Reader", &READER_DATA_ROLES),
    }
}

/// Whether people with `role` work with the workspace's data (and so need storage roles).
pub(crate) fn works_with_data(role: Role) -> bool {
    matches!(role, Role::DataScientist | Role::Reader)
}

/// Whether people with `role` can use a compute instance assigned to them (start, stop,
/// open its applications: `workspaces/computes/*/action`, "Create a compute instance").
pub(crate) fn uses_instances(role: Role) -> bool {
    matches!(role, Role::DataScientist | Role::ComputeOperator)
}

/// Every role people get: each `access` entry's workspace role and the storage data roles that
/// go with it, and each compute-instance owner's storage data roles (an instance acts as its
/// user). An owner's workspace role comes through an `access` group, as SEC-11 wants.
pub(super) fn access(profile: &Profile) -> Vec<RoleAssignment> {
    let mut out: Vec<RoleAssignment> = Vec::new();
    let mut add = |principal: &str, principal_type: &str, scope: &str, role: &str, why: &str| {
        let principal_id = principal.to_lowercase();
        if !out
            .iter()
            .any(|a| a.principal_id == principal_id && a.role == role && a.scope == scope)
        {
            out.push(RoleAssignment {
                scope: scope.to_owned(),
                why: why.to_owned(),
                principal_id,
                principal_type: principal_type.to_owned(),
                role: role.to_owned(),
                role_definition_id: facts::role_id(role).to_owned(),
            });
        }
    };
    for grant in &profile.access {
        let principal_type = match grant.principal_type {
            Some(PrincipalType::User) => "User",
            _ => "Group",
        };
        let (role, data_roles) = workspace_role(grant.role);
        let id = &grant.group_object_id;
        add(
            id,
            principal_type,
            "workspace",
            role,
            "its `access` role (SEC-11)",
        );
        for data_role in data_roles {
            add(
                id,
                principal_type,
                "storage",
                data_role,
                "its workspace role's data, with shared keys off (SEC-06)",
            );
        }
    }
    for instance in &profile.compute.instances {
        let id = &instance.user_object_id;
        let why = "owner of a compute instance, which acts as its user";
        for data_role in CONTRIBUTOR_DATA_ROLES {
            add(id, "User", "storage", data_role, why);
        }
    }
    out
}

/// Whether some cluster of the profile runs batch inference.
pub(crate) fn batch_inference(profile: &Profile) -> bool {
    profile
        .compute
        .clusters
        .iter()
        .any(|c| c.purpose == Purpose::BatchInference)
}

/// Every role assignment of `plan`, region by region: the identities', the Cosmos DB
/// principal's, then people's.
pub(super) fn rows(plan: &Plan) -> Vec<RoleAssignmentRow> {
    plan.regions
        .iter()
        .flat_map(|r| {
            let mut rows = zone_rows(plan, r);
            rows.extend(people_rows(plan, r));
            rows
        })
        .collect()
}

/// The role assignments of the zone's own principals, region by region: the identities' and
/// the Cosmos DB principal's (what a waiver can take away; people's come from `access`).
pub(super) fn principal_rows(plan: &Plan) -> Vec<RoleAssignmentRow> {
    plan.regions
        .iter()
        .flat_map(|r| zone_rows(plan, r))
        .collect()
}

fn row(
    r: &super::RegionPlan,
    principal: String,
    role: &str,
    scope: String,
    why: &str,
) -> RoleAssignmentRow {
    RoleAssignmentRow {
        region: r.location.clone(),
        principal,
        role: role.to_owned(),
        scope,
        why: why.to_owned(),
    }
}

/// Region `r`'s roles of the workspace and compute identities and the Cosmos DB principal.
fn zone_rows(plan: &Plan, r: &super::RegionPlan) -> Vec<RoleAssignmentRow> {
    let mut rows = Vec::new();
    let names = &r.names;
    for g in &r.identity_roles {
        let principal = if g.identity == "workspace" {
            format!("workspace identity {}", names.identity)
        } else {
            format!("compute identity {}", names.compute_identity)
        };
        let scope = match (g.scope.as_str(), &g.target, &g.external) {
            (_, _, Some(external)) => external.id.clone(),
            ("storage_endpoint", Some(sub), _) => r
                .private_endpoints
                .iter()
                .find(|e| e.target == "storage" && &e.subresource == sub)
                .map_or_else(|| sub.clone(), |e| e.name.clone()),
            ("workspace", _, _) => names.workspace.clone(),
            ("storage", _, _) => names.storage.clone(),
            ("key_vault", _, _) => names.key_vault.clone(),
            ("registry", _, _) => plan.registry.name.clone(),
            _ => names.app_insights.clone(),
        };
        rows.push(row(r, principal, &g.role, scope, &g.why));
    }
    if let Some(cosmos) = &plan.cosmos_db_key_access
        && r.workspace.customer_managed_key
    {
        rows.push(row(
            r,
            format!("{} service principal", cosmos.application),
            &cosmos.role,
            names.key_vault.clone(),
            "keeps the metadata of a workspace with a customer-managed key",
        ));
    }
    rows
}

/// Region `r`'s roles of people: each `access` entry's and each compute-instance owner's.
fn people_rows(plan: &Plan, r: &super::RegionPlan) -> Vec<RoleAssignmentRow> {
    let names = &r.names;
    let mut rows = Vec::new();
    for a in &plan.access {
        let scope = if a.scope == "storage" {
            names.storage.clone()
        } else {
            names.workspace.clone()
        };
        let principal = format!("{} {}", a.principal_type.to_lowercase(), a.principal_id);
        rows.push(row(r, principal, &a.role, scope, &a.why));
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_workspace_role_that_works_with_data_comes_with_storage_roles() {
        // `validate` warns of an `access` entry left without them (`no-storage-access`).
        for role in [Role::DataScientist, Role::ComputeOperator, Role::Reader] {
            let (_, data_roles) = workspace_role(role);
            assert_eq!(works_with_data(role), !data_roles.is_empty(), "{role:?}");
        }
        assert!(uses_instances(Role::DataScientist) && !uses_instances(Role::Reader));
    }

    #[test]
    fn only_known_resource_ids_of_types_the_approver_covers_are_approved_here() {
        let id = |ty: &str| {
            format!(
                "/subscriptions/7d1c3f55-9a4e-4b6f-8c2d-5e0a9b8c7d6e/resourceGroups/rg-hub/providers/{ty}/x"
            )
        };
        let vault = approvable(&id("microsoft.keyvault/VAULTS")).expect("a key vault");
        assert_eq!(vault.resource_type, "Microsoft.KeyVault/vaults");
        assert_eq!(vault.resource_group, "rg-hub");
        assert!(approvable(&id("Microsoft.Search/searchServices")).is_none());
        assert!(approvable("/subscriptions/x").is_none());
    }
}
