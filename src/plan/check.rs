//! The zone passes its own policies: every policy the zone assigns with a Deny effect is
//! evaluated, with its recorded rule (`data/policy-rules.yaml`) and aliases
//! (`data/policy-aliases.yaml`), against every body the zone deploys (`bodies`). A body the
//! rule matches would be denied, unless a waiver's exemption covers the zone. An alias, field,
//! operator or expression the check does not know is a problem, never a pass.
//!
//! Rules follow "Azure Policy definition structure" (Microsoft Learn, policy rule): `allOf`,
//! `anyOf`, `not`; conditions on a `field` or a `value`; string comparisons ignore case; a
//! field the body lacks fails `equals`, `in`, `like` and `contains`, and meets their negations
//! and `exists: false`.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::bodies::{self, MODELLED, ResourceBody};
use super::{GovernancePlan, Plan};
use crate::facts;

/// What the self-check found.
#[derive(Debug, Clone, Default)]
pub struct PolicyCheck {
    /// How many resource bodies were evaluated.
    pub resources: usize,
    /// The Deny policies evaluated, by display name.
    pub evaluated: Vec<String>,
    /// Enforcing policies that judge no Resource Manager request, and why.
    pub not_evaluated: Vec<(String, String)>,
    /// Resources a Deny policy matches whose resource group a waiver exempts.
    pub exempted: Vec<Finding>,
    /// Resources a Deny policy would deny.
    pub denied: Vec<Finding>,
    /// What the check could not evaluate: unknown aliases, fields, operators.
    pub problems: Vec<String>,
}

/// A resource a Deny policy matches.
#[derive(Debug, Clone)]
pub struct Finding {
    /// The policy's display name.
    pub policy: String,
    /// The assignment's name.
    pub assignment: String,
    /// The resource: type and name.
    pub resource: String,
    /// The recommendation the policy implements.
    pub recommendation: String,
    /// The generated file that declares the resource, for a body read out of one.
    pub file: Option<String>,
}

impl PolicyCheck {
    /// Whether the zone passes: nothing denied, nothing unknown.
    pub fn passes(&self) -> bool {
        self.denied.is_empty() && self.problems.is_empty()
    }

    /// One line per denial and problem.
    pub fn failures(&self) -> Vec<String> {
        self.denied
            .iter()
            .map(|f| {
                format!(
                    "policy `{}` ({}, assignment `{}`) denies {}",
                    f.policy, f.recommendation, f.assignment, f.resource
                )
            })
            .chain(self.problems.iter().cloned())
            .collect()
    }
}

/// A Deny policy as the check evaluates it.
struct Denying<'a> {
    display_name: &'a str,
    assignment: &'a str,
    recommendation: &'a str,
    key: Option<&'a str>,
    condition: Value,
    parameters: BTreeMap<String, Value>,
}

/// Evaluate the zone's Deny policies against the zone's resources, as the plan deploys them.
pub fn check(plan: &Plan) -> PolicyCheck {
    check_bodies(&plan.governance, &bodies::bodies(plan))
}

/// Evaluate the Deny policies `governance` assigns against `bodies`: the plan's own, or those
/// generated files deploy, with the assignments as they deploy them
/// ([`deployed`](crate::deployed)).
pub fn check_bodies(governance: &GovernancePlan, bodies: &[ResourceBody]) -> PolicyCheck {
    let mut out = PolicyCheck {
        resources: bodies.len(),
        ..PolicyCheck::default()
    };
    let g = governance;
    let mut denying = Vec::new();
    for a in &g.assignments {
        let effect = a.effect.as_deref().unwrap_or_default();
        let deny_like =
            effect.eq_ignore_ascii_case("deny") || effect.eq_ignore_ascii_case("enforceSetting");
        if !deny_like {
            continue;
        }
        let Some(rule) = facts::policy_rule(&a.key) else {
            out.problems.push(format!(
                "policy `{}` has no recorded rule in data/policy-rules.yaml",
                a.display_name
            ));
            continue;
        };
        if !["Indexed", "All"].contains(&rule.mode.as_str()) {
            out.not_evaluated.push((
                a.display_name.clone(),
                format!(
                    "mode {}: it judges that provider's data-plane requests, which the deployment makes none of",
                    rule.mode
                ),
            ));
            continue;
        }
        denying.push(Denying {
            display_name: &a.display_name,
            assignment: &a.name,
            recommendation: &a.recommendation,
            key: Some(&a.key),
            condition: rule.condition.clone(),
            parameters: a.parameters.clone(),
        });
    }
    for p in g.custom_policies.iter().filter(|p| p.effect == "Deny") {
        // The rule the templates write for the custom definition (COST-03).
        denying.push(Denying {
            display_name: &p.display_name,
            assignment: &p.name,
            recommendation: &p.recommendation,
            key: None,
            condition: json!({"allOf": [
                {"field": "type", "equals": p.resource_type},
                {"field": p.compute_type_field, "in": p.compute_types},
                {"field": p.field, "notIn": "[parameters('allowedSizes')]"},
            ]}),
            parameters: BTreeMap::from([("allowedSizes".to_owned(), json!(p.allowed_skus))]),
        });
    }
    for policy in &denying {
        out.evaluated.push(policy.display_name.to_owned());
        let mut problems = selected_types(&policy.condition)
            .into_iter()
            .filter(|t| !MODELLED.iter().any(|m| t.eq_ignore_ascii_case(m)))
            .map(|t| format!("resource type `{t}` is not modelled"))
            .collect::<Vec<_>>();
        for body in bodies {
            let mut eval = Eval {
                parameters: &policy.parameters,
                body: &body.body,
                problems: &mut problems,
            };
            if !eval.condition(&policy.condition) {
                continue;
            }
            let finding = Finding {
                policy: policy.display_name.to_owned(),
                assignment: policy.assignment.to_owned(),
                resource: resource(body),
                recommendation: policy.recommendation.to_owned(),
                file: body.declared_in.as_ref().map(|d| d.file.clone()),
            };
            let exempt = policy
                .key
                .is_some_and(|key| g.exemptions.iter().any(|e| e.assignment == key));
            if exempt {
                out.exempted.push(finding);
            } else {
                out.denied.push(finding);
            }
        }
        problems.sort();
        problems.dedup();
        out.problems.extend(
            problems
                .into_iter()
                .map(|p| format!("policy `{}`: {p}", policy.display_name)),
        );
    }
    out
}

fn resource(body: &ResourceBody) -> String {
    let declared = body
        .declared_in
        .as_ref()
        .map(|d| format!(" (`{}` in {})", d.address, d.file))
        .unwrap_or_default();
    // A Bicep module deploys into the resource group its caller scopes it to: unnamed here.
    let group = if body.resource_group.is_empty() {
        String::new()
    } else {
        format!(" in resource group `{}`", body.resource_group)
    };
    format!("{} `{}`{group}{declared}", body.resource_type, body.name)
}

/// The types a rule selects with `field: type` (`equals` or `in`).
fn selected_types(condition: &Value) -> Vec<String> {
    let mut out = Vec::new();
    match condition {
        Value::Object(map) => {
            if map.get("field").and_then(Value::as_str) == Some("type") {
                for op in ["equals", "in"] {
                    match map.get(op) {
                        Some(Value::String(t)) => out.push(t.clone()),
                        Some(Value::Array(ts)) => {
                            out.extend(ts.iter().filter_map(Value::as_str).map(str::to_owned));
                        }
                        _ => {}
                    }
                }
            }
            for v in map.values() {
                out.extend(selected_types(v));
            }
        }
        Value::Array(items) => out.extend(items.iter().flat_map(selected_types)),
        _ => {}
    }
    out
}

/// Evaluates one rule against one body. Subjects and operands are borrowed from the rule and
/// the body: a fleet evaluates every rule against every body of every profile.
struct Eval<'a, 'p> {
    parameters: &'a BTreeMap<String, Value>,
    body: &'a Value,
    problems: &'p mut Vec<String>,
}

impl<'a> Eval<'a, '_> {
    fn condition(&mut self, condition: &'a Value) -> bool {
        let Some(map) = condition.as_object() else {
            self.problems
                .push(format!("condition `{condition}` is not an object"));
            return false;
        };
        if let Some(all) = entry(map, "allOf").and_then(Value::as_array) {
            // Every condition is evaluated, so that each unknown alias is reported.
            return all.iter().fold(true, |acc, c| self.condition(c) & acc);
        }
        if let Some(any) = entry(map, "anyOf").and_then(Value::as_array) {
            return any.iter().fold(false, |acc, c| self.condition(c) | acc);
        }
        if let Some(inner) = entry(map, "not") {
            return !self.condition(inner);
        }
        let subject = if let Some(field) = entry(map, "field").and_then(Value::as_str) {
            self.field(field).map(Cow::Borrowed)
        } else if let Some(value) = entry(map, "value") {
            self.value(value)
        } else {
            self.problems
                .push(format!("condition `{condition}` has no field or value"));
            return false;
        };
        let Some((operator, operand)) = map
            .iter()
            .find(|(k, _)| !["field", "value"].contains(&k.as_str()))
        else {
            self.problems
                .push(format!("condition `{condition}` has no operator"));
            return false;
        };
        let operand = self.operand(operand);
        self.compare(operator, subject.as_deref(), operand)
    }

    /// A field of the body: `type`, `name`, `kind`, `location`, or an alias.
    fn field(&mut self, field: &str) -> Option<&'a Value> {
        let path = match field {
            "type" | "name" | "kind" | "location" => field,
            alias => match alias_path(alias, facts::alias(alias)) {
                Ok(path) => path,
                Err(problem) => {
                    self.problems.push(problem);
                    return None;
                }
            },
        };
        path.split('.').try_fold(self.body, |v, key| {
            v.as_object().and_then(|map| entry(map, key))
        })
    }

    /// A `value` condition's subject: a literal, or one of the expressions the rules use.
    fn value(&mut self, value: &'a Value) -> Option<Cow<'a, Value>> {
        let Some(expression) = expression(value) else {
            return Some(Cow::Borrowed(value));
        };
        if let Some(inner) = expression
            .strip_prefix("empty(field('")
            .and_then(|e| e.strip_suffix("'))"))
        {
            let field = self.field(inner);
            return Some(Cow::Owned(json!(field.is_none_or(is_empty))));
        }
        self.problems
            .push(format!("unsupported expression `[{expression}]`"));
        None
    }

    /// The value a condition compares with: a literal or `[parameters('name')]`.
    fn operand(&mut self, operand: &'a Value) -> &'a Value {
        let Some(expression) = expression(operand) else {
            return operand;
        };
        let parameter = expression
            .strip_prefix("parameters('")
            .and_then(|e| e.strip_suffix("')"));
        match parameter.and_then(|name| self.parameters.get(name)) {
            Some(value) => value,
            None => {
                self.problems.push(format!(
                    "unsupported expression or unset parameter `[{expression}]`"
                ));
                &Value::Null
            }
        }
    }

    fn compare(&mut self, operator: &str, subject: Option<&Value>, operand: &Value) -> bool {
        let list = || operand.as_array().map(Vec::as_slice).unwrap_or_default();
        match operator {
            "equals" => subject.is_some_and(|s| same(s, operand)),
            "notEquals" => !subject.is_some_and(|s| same(s, operand)),
            "in" => subject.is_some_and(|s| list().iter().any(|o| same(s, o))),
            "notIn" => !subject.is_some_and(|s| list().iter().any(|o| same(s, o))),
            "exists" => {
                let wanted = text(operand) == "true";
                subject.is_some() == wanted
            }
            "like" => subject.is_some_and(|s| like(&text(s), &text(operand))),
            "notLike" => !subject.is_some_and(|s| like(&text(s), &text(operand))),
            "contains" => subject.is_some_and(|s| text(s).contains(&text(operand))),
            "notContains" => !subject.is_some_and(|s| text(s).contains(&text(operand))),
            other => {
                self.problems
                    .push(format!("unsupported operator `{other}`"));
                false
            }
        }
    }
}

/// The value of `key` in `map`, found by a scan: a condition or a body object has a handful of
/// keys, and serde_json's ordered maps hash every key looked up with SipHash, which costs more
/// than comparing them all.
fn entry<'v>(map: &'v serde_json::Map<String, Value>, key: &str) -> Option<&'v Value> {
    map.iter().find(|(k, _)| *k == key).map(|(_, v)| v)
}

/// Where `alias` points, when `known` records it as read from Azure's alias list; an unknown or
/// unverified alias is a problem, never trusted.
fn alias_path<'a>(alias: &str, known: Option<&'a facts::Alias>) -> Result<&'a str, String> {
    match known {
        Some(known) if known.verified() => Ok(&known.path),
        Some(_) => Err(format!(
            "alias `{alias}` is unverified: its path is inferred, not read from Azure's alias list (data/policy-aliases.yaml)"
        )),
        None => Err(format!(
            "unknown alias `{alias}`: record its path in data/policy-aliases.yaml"
        )),
    }
}

/// The expression inside `[...]`, unless the string is a literal (`[[` escapes a bracket).
fn expression(value: &Value) -> Option<&str> {
    let s = value.as_str()?;
    (s.starts_with('[') && !s.starts_with("[[") && s.ends_with(']')).then(|| &s[1..s.len() - 1])
}

/// A scalar as lowercase text: Azure Policy compares strings whatever their case.
fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.to_lowercase(),
        other => other.to_string().to_lowercase(),
    }
}

fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        // The common case, without lowercasing copies; ASCII case folding is `to_lowercase`'s.
        (Value::String(a), Value::String(b)) if a.is_ascii() && b.is_ascii() => {
            a.eq_ignore_ascii_case(b)
        }
        _ => text(a) == text(b),
    }
}

fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        _ => false,
    }
}

/// `like`: `*` matches any run of characters.
fn like(text: &str, pattern: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    let [first, middle @ .., last] = parts.as_slice() else {
        return text == pattern;
    };
    if parts.len() == 1 {
        return text == pattern;
    }
    let Some(mut rest) = text.strip_prefix(first) else {
        return false;
    };
    for part in middle {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.ends_with(last)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::bodies::{COMPUTE, WORKSPACE};

    fn eval(condition: Value, body: Value) -> (bool, Vec<String>) {
        let parameters = BTreeMap::from([("mode".to_owned(), json!("AllowOnlyApprovedOutbound"))]);
        let mut problems = Vec::new();
        let matched = Eval {
            parameters: &parameters,
            body: &body,
            problems: &mut problems,
        }
        .condition(&condition);
        (matched, problems)
    }

    #[test]
    fn a_missing_field_fails_equals_and_meets_not_equals() {
        let body = json!({"type": WORKSPACE, "properties": {}});
        let field = "Microsoft.MachineLearningServices/workspaces/publicNetworkAccess";
        assert!(!eval(json!({"field": field, "equals": "Disabled"}), body.clone()).0);
        assert!(
            eval(
                json!({"field": field, "notEquals": "Disabled"}),
                body.clone()
            )
            .0
        );
        assert!(eval(json!({"field": field, "exists": "false"}), body.clone()).0);
        assert!(eval(json!({"field": field, "exists": false}), body).0);
    }

    #[test]
    fn strings_compare_whatever_their_case() {
        let body = json!({"type": WORKSPACE, "properties": {"encryption": {"status": "Enabled"}}});
        let field = "Microsoft.MachineLearningServices/workspaces/encryption.status";
        assert!(eval(json!({"field": field, "equals": "enabled"}), body.clone()).0);
        assert!(
            eval(
                json!({"field": "type", "equals": WORKSPACE.to_lowercase()}),
                body
            )
            .0
        );
    }

    #[test]
    fn parameters_and_empty_are_evaluated() {
        let body =
            json!({"type": COMPUTE, "properties": {"properties": {"idleTimeBeforeShutdown": ""}}});
        let field = "Microsoft.MachineLearningServices/workspaces/computes/idleTimeBeforeShutdown";
        let empty = format!("[empty(field('{field}'))]");
        assert!(eval(json!({"value": empty, "equals": true}), body.clone()).0);
        let isolation = "Microsoft.MachineLearningServices/workspaces/managedNetwork.isolationMode";
        assert!(
            eval(
                json!({"field": isolation, "notEquals": "[parameters('mode')]"}),
                body
            )
            .0
        );
    }

    #[test]
    fn unknown_aliases_operators_and_expressions_are_problems_not_passes() {
        let body = json!({"type": WORKSPACE, "properties": {}});
        let (_, problems) = eval(
            json!({"allOf": [
                {"field": "Microsoft.MachineLearningServices/workspaces/madeUp", "equals": "x"},
                {"field": "type", "greaterOrEquals": "x"},
                {"value": "[utcNow()]", "equals": "x"},
                {"field": "type", "equals": "[parameters('unset')]"},
            ]}),
            body,
        );
        assert_eq!(problems.len(), 4, "{problems:?}");
        assert!(problems[0].contains("unknown alias"));
    }

    #[test]
    fn an_unverified_alias_is_a_problem_and_every_recorded_one_is_verified() {
        let alias = "Microsoft.MachineLearningServices/workspaces/madeUp";
        let inferred: facts::Alias = serde_json::from_value(
            json!({"alias": alias, "path": "properties.madeUp", "source": "schema"}),
        )
        .unwrap();
        let problem = alias_path(alias, Some(&inferred)).unwrap_err();
        assert!(problem.contains("is unverified"), "{problem}");
        let read: facts::Alias = serde_json::from_value(
            json!({"alias": alias, "path": "properties.madeUp", "source": "aliases"}),
        )
        .unwrap();
        assert_eq!(alias_path(alias, Some(&read)), Ok("properties.madeUp"));
        // Every alias a Deny rule or the custom definition reads is verified.
        let mut fields = Vec::new();
        for rule in crate::facts::policies()
            .iter()
            .filter(|p| p.effects.iter().any(|e| e.eq_ignore_ascii_case("deny")))
            .filter_map(|p| facts::policy_rule(&p.key))
        {
            collect_fields(&rule.condition, &mut fields);
        }
        let sizes = facts::allowed_compute_sizes();
        fields.extend([sizes.field.clone(), sizes.compute_type_field.clone()]);
        let ml = fields
            .iter()
            .filter(|f| f.starts_with("Microsoft.MachineLearningServices/"));
        for field in ml {
            assert!(
                alias_path(field, facts::alias(field)).is_ok(),
                "{field} is not a verified alias"
            );
        }
    }

    fn collect_fields(condition: &Value, out: &mut Vec<String>) {
        match condition {
            Value::Object(map) => {
                if let Some(Value::String(f)) = map.get("field") {
                    out.push(f.clone());
                }
                map.values().for_each(|v| collect_fields(v, out));
            }
            Value::Array(items) => items.iter().for_each(|v| collect_fields(v, out)),
            _ => {}
        }
    }

    #[test]
    fn like_matches_wildcards() {
        assert!(like(
            "azureml://registries/x/models/m",
            "azureml://registries/*"
        ));
        assert!(like("abc", "a*c"));
        assert!(!like("abd", "a*c"));
        assert!(like("abc", "abc"));
    }
}
