//! The integration tests: one binary, one module per feature of the command line.

mod support;

// COMPLIANCE.md: what each waiver turns off; statements that hold for the network mode.
mod compliance;
// Compute in the zone's own VNet: required outbound, endpoint policy alias, serverless subnet.
mod customer_network;
// Generated Bicep against the Bicep types in tests/data, parsed and checked here; determinism.
mod bicep;
// The compliance report's Mermaid diagram of the zone, read back and checked against the plan.
mod diagram;
// The README and docs/ say what the tool does: the output tree, messages, template context.
mod docs;
// The documented exit-code contract, one test per code.
mod exit_codes;
// Several profiles in one process; the large benchmark profile.
mod fleet;
// Waivers exempt the zone from the Deny assignments that would forbid them, in both formats.
mod exemptions;
// `mlzone generate` and `mlzone diff`: transaction, manifest, drift, security summary.
mod generate;
// Hostile profile text stays an inert literal in the Bicep.
mod hostile;
// The zone's identities and roles: documented roles, endpoint approval, compute identity.
mod identity;
// `mlzone init`: writes a starter that validates, never overwrites.
mod init;
// Every `--json`: one versioned shape, for one profile or many.
mod json;
// Files a profile keeps for the user: never written by generate, never drift.
mod kept;
// What a key rotation, a create-only change, a teardown and a second zone do.
mod lifecycle;
// Every problem in one pass, and only about keys the author wrote.
mod one_pass;
// A corrupt manifest; removals previewed by diff.
mod manifest;
// Messages a new user reads: suggestions that can be followed, no Rust internals.
mod messages;
// Locked settings of golden profiles may be tightened.
mod locks;
// The managed network is provisioned after its rules and before compute; image-build clusters.
mod managed_network;
// Globally unique names: per subscription, the same in both formats, the legacy ones kept.
mod names;
// tests/fixtures/invalid: one mistake per file, each with its located diagnostic.
mod invalid;
// Private monitoring, the readable storage secondary, the managed firewall's SKU and cost.
mod private_link;
// Property tests: no panic on any document or field value.
mod properties;
// Values the real providers accept: azurerm's allowed values and name rules, served API versions.
mod provider_values;
// Resource limits: deep nesting, alias bombs, huge and binary files.
mod limits;
// Template overlays over the embedded templates.
mod overlays;
// Outbound rules are owned, one resource each: removing one from the profile removes it.
mod outbound_rules;
// The Bicep and the Terraform declare the same resources with the same security settings.
mod parity;
// `mlzone plan`: text and JSON.
mod plan;
// The zone passes its own Deny policies; the bodies judged are the ones deployed.
mod self_check;
// Committed example output is current, and snapshotted.
mod examples;
// Golden profiles and worked examples validate.
mod profiles;
// Each recommendation in the generated Terraform, and what its waiver removes.
mod recommendations;
// `mlzone diff`'s security summary: what weakens, what came and went.
mod security_summary;
// `mlzone schema` equals the committed schema; `mlzone recommendations` lists the catalog.
mod schema;
// Generated Terraform against the azurerm/azapi schemas in tests/data, its references, fmt, tags.
mod terraform;
