//! Locks: a golden profile lists field paths (`network.mode`) and recommendation IDs
//! (`SEC-03`) under `locked:`; a profile extending it may tighten those settings but not
//! loosen them, and may not waive a locked recommendation. Locks accumulate down an
//! `extends` chain: a profile can add locks, never drop them.

use serde_json::Value;

use super::source_map::{Node, NodeValue, Source};
use crate::diagnostic::Diagnostic;
use crate::values;

/// Check `merged` (a profile overlaid on `base`) against the locks `base` carries, and carry
/// those locks into `merged`.
pub(crate) fn enforce(base: &Node, merged: &mut Node, sources: &[Source]) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    let locks: Vec<Node> = match base.get("locked").map(|n| &n.value) {
        Some(NodeValue::Seq(items)) => items.clone(),
        _ => return errors,
    };
    for lock in &locks {
        let NodeValue::Scalar(Value::String(path)) = &lock.value else {
            continue;
        };
        let by = sources
            .get(lock.loc.source)
            .map_or("a base profile", |s| s.name.as_str());
        if is_recommendation(path) {
            errors.extend(waived(path, base, merged, by));
            continue;
        }
        let pointer = format!("/{}", path.replace('.', "/"));
        let before = base.at(&pointer).map(Node::to_value).unwrap_or(Value::Null);
        let Some(after) = merged.at(&pointer) else {
            continue;
        };
        let now = after.to_value();
        if now != before && !tightens(&pointer, &before, &now) {
            errors.push(
                Diagnostic::error(
                    "locked",
                    &pointer,
                    format!(
                        "locked by `{by}` at {}; a profile extending it may tighten it, not loosen it",
                        shown(&before)
                    ),
                )
                .at(after.loc)
                .help(format!("keep {}, or ask the owners of `{by}` to change it", shown(&before))),
            );
        }
    }
    carry(&locks, merged);
    errors
}

fn is_recommendation(path: &str) -> bool {
    path.split_once('-').is_some_and(|(a, b)| {
        !a.is_empty()
            && a.chars().all(|c| c.is_ascii_uppercase())
            && b.len() == 2
            && b.chars().all(|c| c.is_ascii_digit())
    })
}

/// Waivers of locked recommendation `id` that the extending profile added.
fn waived(id: &str, base: &Node, merged: &Node, by: &str) -> Vec<Diagnostic> {
    let ids = |node: &Node| -> Vec<(String, Node)> {
        match node.get("waivers").map(|n| &n.value) {
            Some(NodeValue::Seq(items)) => items
                .iter()
                .filter_map(|w| {
                    w.get("id").map(|i| {
                        (
                            i.to_value().as_str().unwrap_or_default().to_owned(),
                            i.clone(),
                        )
                    })
                })
                .collect(),
            _ => Vec::new(),
        }
    };
    let already: Vec<String> = ids(base).into_iter().map(|(i, _)| i).collect();
    ids(merged)
        .into_iter()
        .filter(|(i, _)| i == id && !already.contains(i))
        .map(|(_, node)| {
            Diagnostic::error("locked", "/waivers", format!("{id} is locked by `{by}` and cannot be waived"))
                .at(node.loc)
                .help("apply the recommendation, or ask the platform team for an exception in the golden profile")
        })
        .collect()
}

/// Whether `after` is at least as strict as `before` for the setting at `pointer`.
fn tightens(pointer: &str, before: &Value, after: &Value) -> bool {
    let rank =
        |order: &[&str], v: &Value| v.as_str().and_then(|s| order.iter().position(|o| *o == s));
    let days = |v: &Value| v.as_str().and_then(|s| values::duration(s).ok());
    match pointer {
        // Each list goes from loosest to strictest.
        "/policy/effect" => rank(&["audit", "deny"], after) >= rank(&["audit", "deny"], before),
        "/policy/allow_waivers" | "/network/internet_outbound" => after == &Value::Bool(false),
        "/encryption/customer_managed_key" | "/encryption/high_business_impact" => {
            after == &Value::Bool(true)
        }
        "/monitoring/retention_days" => after.as_u64() >= before.as_u64(),
        "/encryption/key_rotation" => {
            matches!((days(before), days(after)), (Some(b), Some(a)) if a <= b)
        }
        _ => false,
    }
}

fn shown(value: &Value) -> String {
    match value {
        Value::Null => "its default".to_owned(),
        Value::String(s) => format!("`{s}`"),
        other => format!("`{other}`"),
    }
}

/// `merged.locked` = the base's locks followed by any new ones: lists replace in a merge, but
/// a profile must not drop a lock by writing its own list.
fn carry(locks: &[Node], merged: &mut Node) {
    let Some(NodeValue::Seq(items)) = merged.entry_mut("locked").map(|n| &mut n.value) else {
        if let NodeValue::Map(entries) = &mut merged.value
            && let Some(first) = locks.first()
        {
            entries.push((
                "locked".to_owned(),
                Node {
                    value: NodeValue::Seq(locks.to_vec()),
                    loc: first.loc,
                    key_loc: None,
                },
            ));
        }
        return;
    };
    let mut all = locks.to_vec();
    for item in items.drain(..) {
        if !all.iter().any(|l| l.to_value() == item.to_value()) {
            all.push(item);
        }
    }
    *items = all;
}
