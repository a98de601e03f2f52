//! Terraform's resources as inventory trees: attributes and blocks by name, `jsonencode(...)`
//! read through (a policy assignment's `parameters`).

use hcl::expr::{Expression, ObjectKey, TemplateExpr};
use hcl::{Block, Body};

use super::{Format, Node, Resource};

/// The resources of one `.tf` file; none when it does not parse.
pub(super) fn resources(text: &str) -> Vec<Resource> {
    let Ok(body) = hcl::parse(text) else {
        return Vec::new();
    };
    body.blocks()
        .filter_map(|block| match (block.identifier(), block.labels()) {
            ("resource", [ty, label]) => Some(Resource {
                format: Format::Terraform,
                ty: ty.as_str().to_owned(),
                address: format!("{}.{}", ty.as_str(), label.as_str()),
                body: body_node(block.body()),
                existing: false,
            }),
            _ => None,
        })
        .collect()
}

fn body_node(body: &Body) -> Node {
    let attributes = body
        .attributes()
        .map(|a| (a.key.as_str().to_owned(), node(&a.expr)));
    let blocks = body
        .blocks()
        .map(|b: &Block| (b.identifier().to_owned(), body_node(b.body())));
    Node::Object(attributes.chain(blocks).collect())
}

fn node(expr: &Expression) -> Node {
    match expr {
        Expression::String(s) => Node::Text(s.clone()),
        Expression::Bool(b) => Node::Text(b.to_string()),
        Expression::Number(n) => Node::Text(n.to_string()),
        Expression::Null => Node::Text("null".to_owned()),
        Expression::Object(object) => {
            Node::Object(object.iter().map(|(k, v)| (key(k), node(v))).collect())
        }
        Expression::Array(items) => Node::List(items.iter().map(node).collect()),
        // A string with `${...}` in it, as the text between its quotes.
        Expression::TemplateExpr(template) => Node::Text(match template.as_ref() {
            TemplateExpr::QuotedString(s) => s.clone(),
            TemplateExpr::Heredoc(heredoc) => heredoc.template.clone(),
        }),
        Expression::FuncCall(call) if call.name.name.as_str() == "jsonencode" => {
            call.args.first().map_or(Node::Text(expr.to_string()), node)
        }
        other => Node::Text(other.to_string()),
    }
}

fn key(key: &ObjectKey) -> String {
    match key {
        ObjectKey::Identifier(id) => id.as_str().to_owned(),
        ObjectKey::Expression(Expression::String(s)) => s.clone(),
        ObjectKey::Expression(e) => e.to_string(),
        _ => String::new(),
    }
}
