//! `mlzone recommendations`: the catalog.

use crate::cli::RecommendationsArgs;
use crate::error::{EXIT_OK, Error};
use crate::facts::{self, Kind};

pub(crate) fn run(args: &RecommendationsArgs) -> Result<u8, Error> {
    let catalog = facts::catalog();
    if args.json {
        super::print_json(&super::versioned(
            serde_json::json!({ "recommendations": catalog }),
        ));
        return Ok(EXIT_OK);
    }
    let mut pillar = "";
    for r in catalog {
        if r.pillar != pillar {
            // A blank line between pillars, none before the first.
            if !pillar.is_empty() {
                outln!("");
            }
            pillar = &r.pillar;
            outln!("{pillar}");
        }
        let kind = match r.kind {
            Kind::Enforced => "enforced",
            Kind::Configurable => "configurable",
            Kind::Advisory => "advisory",
        };
        let waiver = if r.waivable { "waivable" } else { "" };
        outln!("  {:<8} {kind:<12} {waiver:<8} {}", r.id, r.title);
    }
    outln!(
        "\n{} recommendations. Waive one in a profile with `waivers: [{{id, reason, expires}}]`.",
        catalog.len()
    );
    Ok(EXIT_OK)
}
