//! The generated Bicep, checked without a Bicep compiler (none can run here): a tokenizer and
//! recursive-descent parser for Bicep written here, and a checker that holds every resource
//! body to the Bicep type definitions in `tests/data/bicep-types.json` (the rules of the
//! independent `bicepcheck` oracle, written here from its rules, with its finding codes), plus
//! the layout rules of the generated tree: module files and their parameters, `@description` on
//! the parameters of `main.bicep`, target scopes, `main.bicepparam`, no suppressed diagnostics;
//! and the default-on rules of the Bicep linter that the generated Bicep could break, written
//! here from the Bicep source (see "the linter" below), since it must build without warnings.
//!
//! Set `MLZONE_KEEP_BICEP=DIR` to keep the snippets and the generated Bicep under `DIR`, each
//! tree with this checker's findings in `mlzone-findings.txt`, to run the independent checker on
//! exactly the same input (`bicepcheck.sh --strict TREE`) and compare.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::{self, Write as _};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde_json::{Map, Value};

use crate::support::{extending, files_under, generate_into, mlzone, repo, shipped_profiles, slug};

// ------------------------------------------------------------------------------------ tests

#[test]
fn the_bicep_checker_reports_each_kind_of_mistake() {
    // (what, files, the findings they must produce, in order)
    let cases: &[Case] = &[
        (
            "unknown resource type",
            &[(
                "storage.bicep",
                "resource sa 'Microsoft.Storage/storageAcounts@2025-08-01' = {
  name: 'stmlzone'
}
",
            )],
            &[
                "storage.bicep:1: BC010 resource 'sa': unknown resource type 'Microsoft.Storage/storageAcounts' (did you mean 'Microsoft.Storage/storageAccounts'?)",
            ],
        ),
        (
            "unknown API version",
            &[(
                "storage.bicep",
                "resource sa 'Microsoft.Storage/storageAccounts@2025-13-01' = {
  name: 'stmlzone'
}
",
            )],
            &[
                "storage.bicep:1: BC011 resource 'sa': API version '2025-13-01' does not exist for 'Microsoft.Storage/storageAccounts' (latest: 2025-01-01, 2025-06-01, 2025-08-01, 2026-04-01)",
            ],
        ),
        (
            "version that exists but is not in the snapshot",
            &[(
                "storage.bicep",
                "resource sa 'Microsoft.Storage/storageAccounts@2022-09-01' existing = {
  name: 'stmlzone'
}
",
            )],
            &[
                "storage.bicep:1: BC012 resource 'sa': Microsoft.Storage/storageAccounts@2022-09-01 exists but is not in tests/data/bicep-types.json (2026-04-01, 2025-08-01, 2023-05-01, 2023-01-01), so its body is not checked",
                "storage.bicep:1: no-unused-existing-resources: existing resource 'sa' is declared but never used",
            ],
        ),
        (
            "unknown property at depth and at the top",
            &[(
                "storage.bicep",
                "resource sa 'Microsoft.Storage/storageAccounts@2025-08-01' = {
  name: 'stmlzone'
  locaton: 'westeurope'
  location: 'westeurope'
  kind: 'StorageV2'
  sku: {
    name: 'Standard_ZRS'
  }
  properties: {
    networkAcls: {
      defaultAction: 'Deny'
      bypas: 'AzureServices'
    }
  }
}
",
            )],
            &[
                "storage.bicep:3: BC020 sa.locaton: unknown property 'locaton' on Microsoft.Storage/storageAccounts (did you mean 'location'?)",
                "storage.bicep:12: BC020 sa.properties.networkAcls.bypas: unknown property 'bypas' on NetworkRuleSet (did you mean 'bypass'?)",
            ],
        ),
        (
            "value outside an open and a closed enum, through a var and a ternary",
            &[(
                "storage.bicep",
                "param hot bool

var access = 'Enabledd'

resource sa 'Microsoft.Storage/storageAccounts@2025-08-01' = {
  name: 'stmlzone'
  location: 'westeurope'
  kind: 'StorageV2'
  sku: {
    name: 'Standard_ZRS'
  }
  properties: {
    publicNetworkAccess: access
    accessTier: hot ? 'Hot' : 'Warm'
  }
}
",
            )],
            &[
                "storage.bicep:3: BC030 sa.properties.publicNetworkAccess: value 'Enabledd' is not one of 'Enabled', 'Disabled', 'SecuredByPerimeter' (an open enum, but not a documented value) (did you mean 'Enabled'?)",
                "storage.bicep:14: BC030 sa.properties.accessTier: value 'Warm' is not one of 'Hot', 'Cool', 'Premium', 'Cold', 'Smart'",
            ],
        ),
        (
            "wrong literal kind",
            &[(
                "storage.bicep",
                "resource sa 'Microsoft.Storage/storageAccounts@2025-08-01' = {
  name: 'stmlzone'
  location: 'westeurope'
  kind: 'StorageV2'
  sku: 'Standard_ZRS'
  properties: {
    allowBlobPublicAccess: 'false'
  }
}
",
            )],
            &[
                "storage.bicep:5: BC032 sa.sku: expected an object, got string 'Standard_ZRS'",
                "storage.bicep:7: BC032 sa.properties.allowBlobPublicAccess: expected a bool, got string 'false'",
            ],
        ),
        (
            "casing slips, a typo in a free-string property, a string for an int",
            &[(
                "vault.bicep",
                "resource vault 'Microsoft.KeyVault/vaults@2026-02-01' = {
  name: 'kv-mlzone'
  Location: 'westeurope'
  properties: {
    tenantId: tenant().tenantId
    sku: {
      family: 'A'
      name: 'Standard'
    }
    publicNetworkAccess: 'Disabledd'
    softDeleteRetentionInDays: '90'
  }
}
",
            )],
            &[
                "vault.bicep:3: BC021 vault.Location: property name casing differs from 'location'",
                "vault.bicep:8: BC031 vault.properties.sku.name: value 'Standard' differs only in case from 'standard'",
                "vault.bicep:10: BC033 vault.properties.publicNetworkAccess: value 'Disabledd' is not a value other APIs use for 'publicNetworkAccess' ('Disabled', 'Enabled', 'SecuredByPerimeter'); this API types it as a free string",
                "vault.bicep:11: BC032 vault.properties.softDeleteRetentionInDays: expected an int, got string '90'",
            ],
        ),
        (
            "missing required property",
            &[(
                "storage.bicep",
                "resource sa 'Microsoft.Storage/storageAccounts@2025-08-01' = {
  name: 'stmlzone'
  location: 'westeurope'
  sku: {
    name: 'Standard_ZRS'
  }
}
",
            )],
            &["storage.bicep:1: BC040 sa: missing required property 'kind'"],
        ),
        (
            "read-only property set",
            &[(
                "storage.bicep",
                "resource sa 'Microsoft.Storage/storageAccounts@2025-08-01' = {
  name: 'stmlzone'
  location: 'westeurope'
  kind: 'StorageV2'
  sku: {
    name: 'Standard_ZRS'
  }
  properties: {
    provisioningState: 'Succeeded'
  }
}
",
            )],
            &[
                "storage.bicep:9: BC050 sa.properties.provisioningState: property 'provisioningState' is read-only and cannot be set",
            ],
        ),
        (
            "unknown discriminator value",
            &[(
                "compute.bicep",
                "resource compute 'Microsoft.MachineLearningServices/workspaces/computes@2024-10-01' = {
  name: 'mlw/cpu'
  location: 'westeurope'
  properties: {
    computeType: 'AmlComputer'
  }
}
",
            )],
            &[
                "compute.bicep:5: BC030 compute.properties.computeType: value 'AmlComputer' is not one of 'AKS', 'AmlCompute', 'ComputeInstance', 'DataFactory', 'DataLakeAnalytics', 'Databricks', 'HDInsight', 'Kubernetes', 'SynapseSpark', 'VirtualMachine' (did you mean 'AmlCompute'?)",
            ],
        ),
        (
            "mistakes inside a discriminated variant, a loop, a condition and a nested child",
            &[(
                "workspace.bicep",
                "param rules array

resource workspace 'Microsoft.MachineLearningServices/workspaces@2024-10-01' existing = {
  name: 'mlw'

  resource instance 'computes' = {
    name: 'ci'
    properties: {
      computeType: 'ComputeInstance'
      properties: {
        vmSize: 'Standard_DS3_v2'
        applicationSharingPolicy: 'Personal'
        idleTimeBeforeShutdown: 'PT30M'
      }
    }
  }
}

resource outbound 'Microsoft.MachineLearningServices/workspaces/outboundRules@2024-10-01' = [for rule in rules: if (rule.enabled) {
  parent: workspace
  name: rule.name
  properties: {
    type: 'FQDN'
    category: 'UserDefined'
    destination: rule.fqdn
    port: 443
  }
}]
",
            )],
            &[
                "workspace.bicep:13: BC020 instance.properties.properties.idleTimeBeforeShutdown: unknown property 'idleTimeBeforeShutdown' on ComputeInstanceProperties",
                "workspace.bicep:26: BC020 outbound.properties.port: unknown property 'port' on FqdnOutboundRule",
            ],
        ),
        (
            "missing discriminator",
            &[(
                "outbound.bicep",
                "resource rule 'Microsoft.MachineLearningServices/workspaces/outboundRules@2024-10-01' = {
  name: 'mlw/pypi'
  properties: {
    destination: 'pypi.org'
  }
}
",
            )],
            &[
                "outbound.bicep:3: BC041 rule.properties: missing discriminator property 'type' (one of 'FQDN', 'PrivateEndpoint', 'ServiceTag')",
            ],
        ),
        (
            "missing module file and parameters that do not match the module",
            &[
                (
                    "main.bicep",
                    "targetScope = 'subscription'

resource group 'Microsoft.Resources/resourceGroups@2025-04-01' = {
  name: 'rg-mlzone'
  location: 'westeurope'
}

module network 'modules/network.bicep' = {
  name: 'network'
  scope: group
}

module identity 'modules/identity.bicep' = {
  name: 'identity'
  scope: group
  params: {
    locaton: 'westeurope'
  }
}
",
                ),
                (
                    "modules/identity.bicep",
                    "@description('Where the identity lives.')
param location string
",
                ),
            ],
            &[
                "main.bicep:8: BC060 module 'network': local file 'modules/network.bicep' not found",
                "main.bicep:13: MZ008 module 'identity': required parameter 'location' of 'modules/identity.bicep' is not set",
                "main.bicep:17: MZ007 module 'identity': 'modules/identity.bicep' declares no parameter 'locaton'",
                "modules/identity.bicep:2: no-unused-params: parameter 'location' is declared but never used",
            ],
        ),
        (
            "main.bicep without subscription scope or parameter descriptions, a module at tenant scope",
            &[
                (
                    "main.bicep",
                    "@minLength(1)
param prefix string

@description('The region.')
param location string = 'westeurope'
",
                ),
                ("modules/tenant.bicep", "targetScope = 'tenant'\n"),
            ],
            &[
                "main.bicep:1: MZ002 main.bicep must declare targetScope = 'subscription'",
                "main.bicep:2: MZ001 parameter 'prefix' has no @description",
                "main.bicep:2: no-unused-params: parameter 'prefix' is declared but never used",
                "main.bicep:5: no-unused-params: parameter 'location' is declared but never used",
                "modules/tenant.bicep:1: MZ003 targetScope 'tenant': a module deploys to a resource group or the subscription",
            ],
        ),
        (
            "parameters file that does not match main.bicep",
            &[
                (
                    "main.bicep",
                    "targetScope = 'subscription'

@description('First day the budget counts from.')
param budgetStartDate string

@description('The region.')
param location string = 'westeurope'
",
                ),
                (
                    "main.bicepparam",
                    "using 'main.bicep'

param location = 'northeurope'
param budgetStart = '2026-12-01'
",
                ),
                ("other.bicepparam", "param location = 'westeurope'\n"),
            ],
            &[
                "main.bicep:4: no-unused-params: parameter 'budgetStartDate' is declared but never used",
                "main.bicep:7: no-unused-params: parameter 'location' is declared but never used",
                "main.bicepparam:1: MZ006 required parameter 'budgetStartDate' of 'main.bicep' is not set",
                "main.bicepparam:4: MZ005 parameter 'budgetStart' is not declared in 'main.bicep'",
                "other.bicepparam:1: MZ004 a parameters file starts with using 'other.bicep'",
            ],
        ),
        (
            "suppressed diagnostics",
            &[(
                "storage.bicep",
                "#disable-next-line BCP037
resource sa 'Microsoft.Storage/storageAccounts@2025-08-01' existing = {
  name: 'stmlzone'
}
",
            )],
            &[
                "storage.bicep:1: MZ009 '#disable-next-line BCP037' hides a compiler diagnostic; generated Bicep must not need it",
                "storage.bicep:2: no-unused-existing-resources: existing resource 'sa' is declared but never used",
            ],
        ),
        (
            "parse error",
            &[(
                "storage.bicep",
                "var tags = {
  owner: 'ml'
  costCenter 'ml-42'
}
",
            )],
            &["storage.bicep:3:14: BC001 parse error: expected ':' after the property name, found a string"],
        ),
        (
            "unterminated string",
            &[("storage.bicep", "var name = 'stmlzone\nvar other = 1\n")],
            &["storage.bicep:1:12: BC001 parse error: unterminated string"],
        ),
        // The linter's rules, each with what it reports and what it leaves alone.
        (
            "no-unused-params: unused in main.bicep and in a module, not used ones nor assignments of a .bicepparam",
            &[
                (
                    "main.bicep",
                    "targetScope = 'subscription'

@description('Passed to the module.')
param location string

@description('Never used.')
param unused string

module data 'modules/data.bicep' = {
  name: 'data'
  scope: resourceGroup('rg-mlzone')
  params: {
    location: location
  }
}
",
                ),
                (
                    "main.bicepparam",
                    "using 'main.bicep'

param location = 'westeurope'
param unused = 'anything'
",
                ),
                (
                    "modules/data.bicep",
                    "param location string
param prefix string = 'ml'
param suffix string = 'zone'

output name string = '${prefix}-${location}'
",
                ),
            ],
            &[
                "main.bicep:7: no-unused-params: parameter 'unused' is declared but never used",
                "modules/data.bicep:3: no-unused-params: parameter 'suffix' is declared but never used",
            ],
        ),
        (
            "no-unused-vars: an unused var, not a used, chained or exported one",
            &[(
                "names.bicep",
                "var used = 'a'
var unused = 'b'

@export()
var shared = 'c'

var chained = used

output value string = chained
",
            )],
            &["names.bicep:2: no-unused-vars: variable 'unused' is declared but never used"],
        ),
        (
            "no-unused-existing-resources: an unused existing resource, not a used one nor one with nested resources",
            &[(
                "vault.bicep",
                "resource vault 'Microsoft.KeyVault/vaults@2026-02-01' existing = {
  name: 'kv-mlzone'
}

resource other 'Microsoft.KeyVault/vaults@2026-02-01' existing = {
  name: 'kv-other'
}

resource keys 'Microsoft.KeyVault/vaults@2026-02-01' existing = {
  name: 'kv-keys'

  resource key 'keys@2025-05-01' existing = {
    name: 'cmk'
  }
}

output vaultId string = vault.id
",
            )],
            &["vault.bicep:5: no-unused-existing-resources: existing resource 'other' is declared but never used"],
        ),
        (
            "no-hardcoded-env-urls: hosts as the linter finds them in strings, and where it does not look",
            &[(
                "hosts.bicep",
                "@description('A host in a description is fine: https://management.azure.com/')
param name string

metadata docs = 'https://management.azure.com/'

// core.windows.net in a comment is no string.
var hosts = {
  blobZone: 'privatelink.blob.core.windows.net'
  vault: 'https://${name}.vault.azure.net/'
  management: 'https://management.core.windows.net/'
  login: 'LOGIN.MicrosoftOnline.com'
  schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#'
  prefixed: 'mycore.windows.net'
  suffixed: 'core.windows.network'
  escaped: 'line\\nvault.azure.net'
  // The rule stops at the first long enough piece of a string without a host.
  late: 'the hosts of this cloud: ${name} vault.azure.net'
}

output all object = hosts
",
            )],
            &[
                "hosts.bicep:8: no-hardcoded-env-urls: 'privatelink.blob.core.windows.net' hard-codes the host 'core.windows.net' of one cloud; take it from environment()",
                "hosts.bicep:9: no-hardcoded-env-urls: '.vault.azure.net/' hard-codes the host 'vault.azure.net' of one cloud; take it from environment()",
                "hosts.bicep:10: no-hardcoded-env-urls: 'https://management.core.windows.net/' hard-codes the host 'management.core.windows.net' of one cloud; take it from environment()",
                "hosts.bicep:11: no-hardcoded-env-urls: 'LOGIN.MicrosoftOnline.com' hard-codes the host 'LOGIN.MicrosoftOnline.com' of one cloud; take it from environment()",
            ],
        ),
        (
            "no-unnecessary-dependson: entries already implied by a reference, directly, through a var or another resource, or listed twice; not weak references to existing resources, collections or unreferenced ones",
            &[
                (
                    "deps.bicep",
                    "resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: 'id-mlzone'
  location: 'westeurope'
}

resource vault 'Microsoft.KeyVault/vaults@2026-02-01' existing = {
  name: 'kv-mlzone'
}

var identityId = identity.id

resource storage 'Microsoft.Storage/storageAccounts@2025-08-01' = {
  name: 'stmlzone'
  location: 'westeurope'
  kind: 'StorageV2'
  sku: {
    name: 'Standard_ZRS'
  }
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  dependsOn: [
    identity
    vault
    vault
  ]
}

resource lock 'Microsoft.Authorization/locks@2020-05-01' = {
  name: 'no-delete'
  scope: storage
  properties: {
    level: 'CanNotDelete'
  }
  dependsOn: [
    storage
    identity
  ]
}

resource vaultLock 'Microsoft.Authorization/locks@2020-05-01' = {
  name: 'no-delete'
  scope: vault
  properties: {
    level: 'CanNotDelete'
  }
  dependsOn: [
    vault
  ]
}

resource locks 'Microsoft.Authorization/locks@2020-05-01' = [for i in range(0, 2): {
  name: 'lock-${i}'
  scope: storage
  properties: {
    level: 'ReadOnly'
  }
}]

resource last 'Microsoft.Authorization/locks@2020-05-01' = {
  name: 'last'
  scope: storage
  properties: {
    level: 'ReadOnly'
    notes: 'after ${locks[0].name}'
  }
  dependsOn: [
    locks
  ]
}
",
                ),
                (
                    "stack.bicep",
                    "module first 'modules/first.bicep' = {
  name: 'first'
}

module second 'modules/second.bicep' = {
  name: 'second'
  params: {
    value: first.outputs.value
  }
  dependsOn: [
    first
  ]
}
",
                ),
                ("modules/first.bicep", "output value string = 'x'\n"),
                (
                    "modules/second.bicep",
                    "param value string\n\noutput echoed string = value\n",
                ),
            ],
            &[
                "deps.bicep:26: no-unnecessary-dependson: resource 'storage': dependsOn entry 'identity' is unnecessary (already a dependency through a reference)",
                "deps.bicep:28: no-unnecessary-dependson: resource 'storage': dependsOn entry 'vault' is unnecessary (listed twice)",
                "deps.bicep:39: no-unnecessary-dependson: resource 'lock': dependsOn entry 'storage' is unnecessary (already a dependency through a reference)",
                "deps.bicep:40: no-unnecessary-dependson: resource 'lock': dependsOn entry 'identity' is unnecessary (already a dependency through a reference)",
                "stack.bicep:11: no-unnecessary-dependson: module 'second': dependsOn entry 'first' is unnecessary (already a dependency through a reference)",
            ],
        ),
        (
            "prefer-unquoted-property-names: quoted names and indexes that are identifiers, not others",
            &[(
                "tags.bicep",
                "param prefix string

var tags = {
  'managed-by': 'mlzone'
  'owner': 'ml'
  '${prefix}-team': 'ml'
  'true': 'yes'
  team: 'ml'
}

output owner string = tags['owner']
output managedBy string = tags['managed-by']
",
            )],
            &[
                "tags.bicep:5: prefer-unquoted-property-names: property name 'owner' needs no quotes",
                "tags.bicep:11: prefer-unquoted-property-names: ['owner'] can be .owner",
            ],
        ),
        (
            "use-parent-property: child names that start with their parent's, not ones with parent: or another parent",
            &[(
                "keys.bicep",
                "resource vault 'Microsoft.KeyVault/vaults@2026-02-01' existing = {
  name: 'kv-mlzone'
}

resource byName 'Microsoft.KeyVault/vaults/keys@2025-05-01' existing = {
  name: '${vault.name}/cmk'
}

resource byLiteral 'Microsoft.KeyVault/vaults/keys@2025-05-01' existing = {
  name: 'kv-mlzone/other'
}

resource withParent 'Microsoft.KeyVault/vaults/keys@2025-05-01' existing = {
  parent: vault
  name: 'third'
}

resource elsewhere 'Microsoft.KeyVault/vaults/keys@2025-05-01' existing = {
  name: 'kv-other/fourth'
}

output ids array = [
  byName.id
  byLiteral.id
  withParent.id
  elsewhere.id
]
",
            )],
            &[
                "keys.bicep:5: use-parent-property: resource 'byName': name it relative to 'parent: vault' instead of prefixing the parent's name",
                "keys.bicep:9: use-parent-property: resource 'byLiteral': name it relative to 'parent: vault' instead of prefixing the parent's name",
            ],
        ),
        (
            "simplify-interpolation, prefer-interpolation, simplify-json-null, use-safe-access, and their look-alikes",
            &[(
                "style.bicep",
                "param prefix string
param count int
param settings object

var name = '${prefix}'
var label = '${count}'
var both = '${prefix}-${count}'
var joined = concat(prefix, '-x')
var lists = concat([prefix], ['x'])
var nothing = json('null')
var something = json('{}')
var tier = contains(settings, 'tier') ? settings.tier : 'Standard'
var size = contains(settings, 'tier') ? settings.size : 'Standard'

output all array = [
  name
  label
  both
  joined
  lists
  nothing
  something
  tier
  size
]
",
            )],
            &[
                "style.bicep:5: simplify-interpolation: '${prefix}' is the string prefix itself",
                "style.bicep:8: prefer-interpolation: concat(...) of strings can be an interpolated string",
                "style.bicep:10: simplify-json-null: json('null') is null",
                "style.bicep:12: use-safe-access: contains(settings, k) ? settings.k : x can be settings.?k ?? x",
            ],
        ),
        (
            "secure-secrets-in-params, secure-parameter-default, outputs-should-not-contain-secrets, and what they allow",
            &[(
                "secrets.bicep",
                "param adminPassword string
param secretName string
param pwdCount int = 3

@secure()
param apiKey string = ''

@secure()
param token string = 'abc'

@secure()
param seed string = newGuid()

param copy string = token

resource storage 'Microsoft.Storage/storageAccounts@2025-08-01' existing = {
  name: 'stmlzone'
}

output password string = adminPassword
output keys object = storage.listKeys()
output leaked string = 'key ${apiKey}'

@secure()
output safe string = '${token}${seed}'

output others array = [
  secretName
  pwdCount
  copy
]
",
            )],
            &[
                "secrets.bicep:1: secure-secrets-in-params: parameter 'adminPassword' may hold a secret but is not @secure()",
                "secrets.bicep:9: secure-parameter-default: @secure() parameter 'token' has a default value",
                "secrets.bicep:14: secure-secrets-in-params: parameter 'copy' may hold a secret but is not @secure()",
                "secrets.bicep:20: outputs-should-not-contain-secrets: output 'password' is named like a password",
                "secrets.bicep:21: outputs-should-not-contain-secrets: output 'keys' may contain a secret: function 'listKeys'",
                "secrets.bicep:22: outputs-should-not-contain-secrets: output 'leaked' may contain a secret: secure value 'apiKey'",
            ],
        ),
        (
            "no-deployments-resources and decompiler-cleanup, and names they allow",
            &[(
                "legacy.bicep",
                "var settings_var = {}
var _var = {}
var plain = {}

resource nested_resource 'Microsoft.Resources/deployments@2025-04-01' existing = {
  name: 'nested'
}

output all array = [
  settings_var
  _var
  plain
  nested_resource.id
]
",
            )],
            &[
                "legacy.bicep:1: decompiler-cleanup: variable 'settings_var' is named like decompiler output",
                "legacy.bicep:5: no-deployments-resources: resource 'nested_resource': a Microsoft.Resources/deployments resource; use a module",
                "legacy.bicep:5: decompiler-cleanup: resource 'nested_resource' is named like decompiler output",
            ],
        ),
    ];
    let mut failures = String::new();
    for (what, files, expected) in cases {
        let (findings, _) = check_snippet(what, files);
        if findings != *expected {
            writeln!(
                failures,
                "{what}:\n  expected: {expected:#?}\n  found:    {findings:#?}"
            )
            .unwrap();
        }
    }
    assert!(failures.is_empty(), "{failures}");

    let (findings, outcome) = check_snippet("valid", VALID);
    assert_eq!(findings, Vec::<String>::new(), "a valid tree has findings");
    assert_eq!(
        (outcome.bicep_files, outcome.resources, outcome.deep),
        (2, 8, 6),
        "(files, resources, resources checked against their type) of the valid tree"
    );
}

#[test]
fn the_bicep_parser_reads_strings_and_expressions() {
    // Escapes and interpolation: `\$` keeps `${` literal.
    let expr = parse_expression(r"'a\'b ${x} \${y}'");
    let ExprKind::Str(parts) = &expr.kind else {
        panic!("not a string: {expr:?}")
    };
    assert!(
        matches!(
            parts.as_slice(),
            [Part::Text(a), Part::Hole(x), Part::Text(b)]
                if a == "a'b " && matches!(&x.kind, ExprKind::Ident(n) if n == "x") && b == " ${y}"
        ),
        "{parts:?}"
    );
    assert_eq!(
        parse_expression(r"'\\ \n \r \t \$ \u{41}\u{1F600} $x'").literal(),
        Some("\\ \n \r \t $ A\u{1F600} $x".to_owned())
    );
    assert_eq!(
        parse_expression("'''\nline one\n  it's ${verbatim} \\n\n'''").literal(),
        Some("line one\n  it's ${verbatim} \\n\n".to_owned())
    );
    assert_eq!(parse_expression("''").literal(), Some(String::new()));

    // (Bicep, the tree it parses to)
    let cases: &[(&str, &str)] = &[
        (
            "'${prefix}-${union({ a: 1 }, { b: '}' }).b}-${flag ? 'x' : '${y}z'}!'",
            "(str (id prefix) \"-\" (. (call union {a: 1} {b: \"}\"}) b) \"-\" (?: (id flag) \"x\" (str (id y) \"z\")) \"!\")",
        ),
        (
            "a || b && c ?? d ? e : f ? g : h",
            "(?: (?? (|| (id a) (&& (id b) (id c))) (id d)) (id e) (?: (id f) (id g) (id h)))",
        ),
        (
            "!a == -1 + 2 * 3 % 4",
            "(== (! (id a)) (+ (- 1) (% (* 2 3) 4)))",
        ),
        (
            "x.y[0].?z::w[?1].f(1, 'two', [true, null])!",
            "(! (call (. ([?] (:: (.? ([] (. (id x) y) 0) z) w) 1) f) 1 \"two\" [true, null]))",
        ),
        (
            "sys.concat(a, b) =~ 'AB' && c != d && e !~ 'x' && f <= 1 && g >= 2",
            "(&& (&& (&& (&& (=~ (call (. (id sys) concat) (id a) (id b)) \"AB\") (!= (id c) (id d))) (!~ (id e) \"x\")) (<= (id f) 1)) (>= (id g) 2))",
        ),
        (
            "[for (rule, i) in rules: if (i > 0) {\n  name: rule.name\n  'quoted-key': '${i}'\n  '${dynamic}': 3, last: -2\n}]",
            "(for [rule i] (id rules) (if (> (id i) 0) {name: (. (id rule) name), quoted-key: (str (id i)), (str (id dynamic)): 3, last: (- 2)}))",
        ),
        (
            "map(filter(items, item => item.enabled), (item, i) => { ...item, index: i })",
            "(call map (call filter (id items) (=> [item] (. (id item) enabled))) (=> [item i] {...(id item), index: (id i)}))",
        ),
        (
            "/* comment */ [\n  1 // one\n  'two', (3)\n  ...rest\n]",
            "[1, \"two\", 3, ...(id rest)]",
        ),
        ("cond\n  ? 'yes'\n  : 'no'", "(?: (id cond) \"yes\" \"no\")"),
    ];
    for (source, tree) in cases {
        assert_eq!(parse_expression(source).show(), *tree, "{source}");
    }

    // Declarations, with positions.
    let file = parse(
        "// header
metadata info = 'x'
import { names } from 'types.bicep'
extension microsoftGraphV1
targetScope = 'subscription'

@sys.description('Tags.')
@secure()
param tags object = {}
param zones ('1' | '2' | '3')[]?
param site {
  @minLength(1)
  name: string
  *: int
}
type pair = [string, int]
var two = 2
func double(n int) int => n * 2
resource vault 'Microsoft.KeyVault/vaults@2026-02-01' existing = {
  name: 'kv'
  resource key 'keys' existing = {
    name: 'cmk'
  }
}
module net 'modules/network.bicep' = if (two > 1) {
  name: 'net'
  params: {
    zones: zones ?? []
  }
  dependsOn: [
    vault
  ]
}
output keyId string = vault::key.id
",
    )
    .expect("the declarations parse");
    let summary: Vec<String> = file
        .statements
        .iter()
        .map(|s| format!("{}:{} {}", s.line, s.col, s.kind.label()))
        .collect();
    assert_eq!(
        summary,
        [
            "2:1 metadata",
            "3:1 import",
            "4:1 extension",
            "5:1 targetScope",
            "9:1 param tags",
            "10:1 param zones",
            "11:1 param site",
            "16:1 type",
            "17:1 var two",
            "18:1 func",
            "19:1 resource vault",
            "25:1 module net",
            "34:1 output keyId",
        ]
    );
    let StmtKind::Param { default, .. } = &file.statements[4].kind else {
        panic!("not a param")
    };
    assert!(default.is_some());
    assert_eq!(file.statements[4].decorators.len(), 2);
    assert!(file.statements[4].has_description());
    let StmtKind::Param { ty: Some(ty), .. } = &file.statements[5].kind else {
        panic!("not a typed param")
    };
    assert!(ty.is_nullable());

    let StmtKind::Output { value, .. } = &file.statements[12].kind else {
        panic!("not an output")
    };
    assert_eq!(value.show(), "(. (:: (id vault) key) id)");

    let params =
        parse("using 'main.bicep'\n\nparam location = 'westeurope'\n").expect("a bicepparam");
    assert_eq!(params.statements.len(), 2);

    // What the linter reads: each string as written, in tokens, with its whole length; not
    // resource type strings, module paths, `metadata`, `@description`; quoted property names.
    let file = parse(
        "metadata about = 'https://management.azure.com/'
@sys.description('Where it goes: https://management.azure.com/')
param zone string = 'privatelink.${'blob'}.core.windows.net'
resource sa 'Microsoft.Storage/storageAccounts@2025-08-01' existing = {
  name: 'st\\u{41}'
  'quoted': '''
multi'''
}
module m 'modules/m.bicep' = {
  name: 'm'
}
",
    )
    .expect("strings parse");
    // (each token with its line and column, the string's length)
    type Shown<'a> = (Vec<(&'a str, usize, usize)>, usize);
    let strings: Vec<Shown> = file
        .strings
        .iter()
        .map(|l| {
            let tokens = l
                .tokens
                .iter()
                .map(|(t, line, col)| (t.as_str(), *line, *col));
            (tokens.collect(), l.span)
        })
        .collect();
    assert_eq!(
        strings,
        [
            (vec![("'blob'", 3, 36)], 6),
            (
                vec![("'privatelink.${", 3, 21), ("}.core.windows.net'", 3, 42)],
                40
            ),
            (vec![("'st\\u{41}'", 5, 9)], 10),
            (vec![("'quoted'", 6, 3)], 8),
            (vec![("'''\nmulti'''", 6, 13)], 12),
            (vec![("'m'", 10, 9)], 3),
        ]
    );
    let StmtKind::Param {
        ty: Some(Type::Named(ty)),
        ..
    } = &file.statements[1].kind
    else {
        panic!("not a param of a named type")
    };
    assert_eq!(ty, "string");
    let StmtKind::Resource(sa) = &file.statements[2].kind else {
        panic!("not a resource")
    };
    let ExprKind::Object(entries) = &sa.value.kind else {
        panic!("not an object")
    };
    let quoted: Vec<bool> = entries
        .iter()
        .filter_map(|e| match e {
            Entry::Prop { quoted, .. } => Some(*quoted),
            _ => None,
        })
        .collect();
    assert_eq!(quoted, [false, true]);

    // Imported names one per line; a union type that starts on the next line.
    let file = parse(
        "import {\n  first\n  second as other\n} from 'types.bicep'\n\nparam mode\n  | 'Default'\n  | 'Copy'\n",
    )
    .expect("multi-line import and union");
    assert_eq!(file.statements.len(), 2);

    // Parse errors carry line and column.
    for (source, error) in [
        (
            "var x = {\n  a: 1\n  b 2\n}\n",
            "3:5: expected ':' after the property name, found 2",
        ),
        ("var x = 'abc", "1:9: unterminated string"),
        ("var x = 'a\\qb'", "1:11: unknown escape sequence '\\q'"),
        ("var x = '${a'\n", "1:13: unterminated string"),
        ("/* open", "1:1: unterminated comment"),
        ("var x = [\n  1\n", "1:9: unterminated array"),
        (
            "resource x 'T@v' = {} extra\n",
            "1:23: expected a new line after the declaration, found 'extra'",
        ),
        ("var = 1\n", "1:5: expected a variable name, found '='"),
        (
            "var x = 1 +\n",
            "2:1: expected an expression, found the end of the file",
        ),
        (
            "var x = 99999999999999999999\n",
            "1:9: integer 99999999999999999999 out of range",
        ),
        (
            "x = 1\n",
            "1:1: expected a declaration (param, var, resource, module, output, ...), found 'x'",
        ),
        ("var x = ~1\n", "1:9: unexpected character '~'"),
    ] {
        let found = parse(source).map(|_| ()).expect_err(source).to_string();
        assert_eq!(found, error, "{source:?}");
    }
}

#[test]
fn generated_bicep_matches_the_bicep_types() {
    let types = types();
    assert_eq!(
        types.json["source"]["commit"], "1f896de2db966ad91e8f7d7d981e11d32e4f5d8d",
        "tests/data/bicep-types.json is the recorded bicep-types-az snapshot"
    );
    let temp = tempfile::tempdir().expect("a temporary directory");
    let root = keep_dir("generated").unwrap_or_else(|| temp.path().to_path_buf());
    let mut failures = String::new();
    // The entries of KNOWN_LINTER_FINDINGS some finding matched.
    let mut seen: BTreeSet<usize> = BTreeSet::new();
    for (label, profile) in shipped_profiles() {
        let dir = generate(&profile, &root.join(slug(&label)));
        let outcome = check_kept(&dir);
        assert!(
            outcome.bicep_files > 0,
            "{label}: no .bicep file under {}",
            dir.display()
        );
        assert!(
            outcome.deep > 0,
            "{label}: not one resource was checked against its type"
        );
        let unknown: Vec<&Finding> = outcome
            .findings
            .iter()
            .filter(|finding| {
                let known: Vec<usize> = (0..KNOWN_LINTER_FINDINGS.len())
                    .filter(|k| KNOWN_LINTER_FINDINGS[*k].covers(finding))
                    .collect();
                seen.extend(&known);
                known.is_empty()
            })
            .collect();
        if !unknown.is_empty() {
            writeln!(failures, "{label}: {} finding(s)", unknown.len()).unwrap();
            for finding in unknown {
                writeln!(failures, "  {finding}").unwrap();
            }
        }
    }
    for (k, known) in KNOWN_LINTER_FINDINGS.iter().enumerate() {
        if !seen.contains(&k) {
            writeln!(
                failures,
                "KNOWN_LINTER_FINDINGS: no shipped profile has {} on {} '{}' any more ({}): remove the entry",
                known.rule, known.file, known.thing, known.reason
            )
            .unwrap();
        }
    }
    assert!(
        failures.is_empty(),
        "the generated Bicep does not match the Bicep types in tests/data/bicep-types.json, or the linter finds what KNOWN_LINTER_FINDINGS does not list:\n{failures}"
    );
}

#[test]
fn the_name_suffix_is_declared_where_names_use_it_and_nowhere_else() {
    // Variants that change which modules print a globally unique name: the legacy suffix
    // (none), no private endpoints to storage, vault or registry (network module without),
    // policies at subscription scope (governance module with), a customer VNet (the storage
    // service endpoint policy names the account).
    let waiver = "waivers: [{id: SEC-05, reason: pilot, expires: 2027-03-31}]\n";
    let variants = [
        (
            "legacy",
            "profiles/baseline.yaml",
            "names: {suffix: legacy}\n".to_owned(),
        ),
        ("no-endpoints", "profiles/baseline.yaml", waiver.to_owned()),
        (
            "subscription-policies",
            "profiles/baseline.yaml",
            "policy: {scope: subscription}\n".to_owned(),
        ),
        (
            "customer-no-endpoints",
            "profiles/customer-vnet.yaml",
            waiver.to_owned(),
        ),
    ];
    let mut failures = String::new();
    for (label, golden, body) in variants {
        let temp = tempfile::tempdir().expect("a temporary directory");
        // A group with storage roles: the access module names the storage account.
        let access = "access: [{group_object_id: 12345678-1234-4123-8123-123456789abc, role: data_scientist}]\n";
        let profile = extending(temp.path(), golden, &format!("{body}{access}"));
        let dir = generate(&profile, &temp.path().join("out"));
        let outcome = check_kept(&dir);
        for finding in &outcome.findings {
            writeln!(failures, "{label}: {finding}").unwrap();
        }
        let mut declared = 0;
        for (file, text) in files_under(&dir) {
            let text = String::from_utf8_lossy(&text);
            let declares = text.contains("\nvar nameSuffix = ");
            declared += usize::from(declares);
            if text.contains("${nameSuffix}") != declares {
                writeln!(
                    failures,
                    "{label}: {file} uses `nameSuffix` without declaring it, or declares it unused"
                )
                .unwrap();
            }
        }
        assert_eq!(
            declared > 0,
            label != "legacy",
            "{label}: {declared} declarations"
        );
    }
    assert!(failures.is_empty(), "{failures}");
}

#[test]
fn a_known_linter_finding_matches_on_rule_file_and_thing() {
    let known = KnownFinding {
        rule: "no-unused-existing-resources",
        file: "modules/*-access.bicep",
        thing: "workspace",
        reason: "an example",
    };
    let finding = |file: &str, code: &'static str, name: &str| Finding {
        file: file.to_owned(),
        line: 5,
        col: None,
        code,
        message: format!("existing resource '{name}' is declared but never used"),
    };
    let rule = "no-unused-existing-resources";
    assert!(known.covers(&finding("modules/primary-access.bicep", rule, "workspace")));
    assert!(!known.covers(&finding("modules/primary-access.bicep", rule, "workspace2")));
    assert!(!known.covers(&finding("modules/primary-network.bicep", rule, "workspace")));
    assert!(!known.covers(&finding("primary-access.bicep", rule, "workspace")));
    assert!(!known.covers(&finding(
        "modules/primary-access.bicep",
        "no-unused-vars",
        "workspace"
    )));
    assert!(glob("*", ""));
    assert!(glob("a*b*c", "abxbc"));
    assert!(!glob("a*b", "abc"));
}

/// A linter finding the generated Bicep has today, to fix in the templates: until then,
/// `generated_bicep_matches_the_bicep_types` lets it pass; once no shipped profile has it,
/// that test fails until the entry goes.
struct KnownFinding {
    /// The linter rule.
    rule: &'static str,
    /// The file, relative to the generated `bicep/` directory; `*` stands for any text.
    file: &'static str,
    /// What the finding names, quoted in its message (a symbol, a string).
    thing: &'static str,
    /// Why the templates produce it, and the fix.
    reason: &'static str,
}

impl KnownFinding {
    fn covers(&self, finding: &Finding) -> bool {
        finding.code == self.rule
            && glob(self.file, &finding.file)
            && finding.message.contains(&format!("'{}'", self.thing))
    }
}

/// Linter findings on the Bicep of the shipped profiles still to fix in the templates
/// (templates/bicep/); none today. Nothing else may be listed here: a finding of the type checker (BC...)
/// or of this project's layout rules (MZ...) always fails the test.
const KNOWN_LINTER_FINDINGS: &[KnownFinding] = &[];

/// `text` matches `pattern`, where `*` stands for any text.
fn glob(pattern: &str, text: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == text,
        Some((head, rest)) => text.strip_prefix(head).is_some_and(|text| {
            (0..=text.len())
                .filter(|i| text.is_char_boundary(*i))
                .any(|i| glob(rest, &text[i..]))
        }),
    }
}

#[test]
fn generated_bicep_is_deterministic() {
    // The header names the output directory, so both runs write to `out` relative to their
    // own working directory.
    let first = tempfile::tempdir().expect("a temporary directory");
    let second = tempfile::tempdir().expect("a temporary directory");
    for (label, profile) in shipped_profiles() {
        let out = slug(&label);
        for cwd in [first.path(), second.path()] {
            mlzone()
                .current_dir(cwd)
                .arg("generate")
                .arg(&profile)
                .args(["-o", &out, "--format", "bicep"])
                .assert()
                .success();
        }
        let a = files_under(&first.path().join(&out).join("bicep"));
        let b = files_under(&second.path().join(&out).join("bicep"));
        assert!(
            a.keys().any(|name| name.ends_with(".bicep")),
            "{label}: no Bicep generated"
        );
        let differing: Vec<&String> = a
            .keys()
            .chain(b.keys())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .filter(|name| a.get(*name) != b.get(*name))
            .collect();
        assert!(
            differing.is_empty(),
            "{label}: two generations differ in {differing:?}"
        );
    }
}

// ---------------------------------------------------------------------------- test support

/// What a snippet shows, its files as (path, text), and the findings it must produce.
type Case<'a> = (&'a str, &'a [(&'a str, &'a str)], &'a [&'a str]);

/// A valid tree: a subscription-scope `main.bicep` with its parameters file, and a module that
/// uses loops, conditions, a ternary, a var, nested and `existing` resources, `parent:`,
/// `scope:`, spreads, a discriminated compute and outbound rule, and child resources.
const VALID: &[(&str, &str)] = &[
    (
        "main.bicep",
        "// Generated-style entry point.
targetScope = 'subscription'

@description('The region of the landing zone.')
param location string = 'westeurope'

@description('First day the budget counts from.')
param budgetStartDate string

@description('Extra tags.')
param extraTags object?

var tags = {
  'managed-by': 'mlzone'
  ...(extraTags ?? {})
}

resource group 'Microsoft.Resources/resourceGroups@2025-04-01' = {
  name: 'rg-mlzone-${location}'
  location: location
  tags: tags
}

module data 'modules/data.bicep' = {
  name: 'mlzone-data'
  scope: group
  params: {
    location: location
    private: true
    subnets: [
      'training'
      'scoring'
    ]
  }
}

output budgetFrom string = budgetStartDate
output storageId string = data.outputs.storageId
",
    ),
    (
        "main.bicepparam",
        "using 'main.bicep'

param budgetStartDate = '2026-12-01'
param extraTags = {
  team: 'ml'
}
",
    ),
    (
        "modules/data.bicep",
        "@description('The region.')
param location string

param private bool
param subnets string[]
param withInstance bool = true

var access = private ? 'Disabled' : 'Enabled'
var sku = 'Standard_ZRS'

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' existing = {
  name: 'id-mlzone'
}

resource storage 'Microsoft.Storage/storageAccounts@2025-08-01' = {
  name: 'stmlzone${uniqueString(resourceGroup().id)}'
  location: location
  kind: 'StorageV2'
  sku: {
    name: sku
  }
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identity.id}': {}
    }
  }
  properties: {
    publicNetworkAccess: access
    allowBlobPublicAccess: false
    minimumTlsVersion: 'TLS1_2'
    networkAcls: {
      defaultAction: 'Deny'
      bypass: 'AzureServices'
      virtualNetworkRules: [for name in subnets: {
        id: resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet', name)
        action: 'Allow'
      }]
    }
  }

  resource blobs 'blobServices' = {
    name: 'default'
    properties: {
      deleteRetentionPolicy: {
        enabled: true
        days: 7
      }
    }
  }
}

resource workspace 'Microsoft.MachineLearningServices/workspaces@2024-10-01' existing = {
  name: 'mlw-mlzone'
}

resource instance 'Microsoft.MachineLearningServices/workspaces/computes@2024-10-01' = if (withInstance) {
  parent: workspace
  name: 'ci-mlzone'
  location: location
  properties: {
    computeType: 'ComputeInstance'
    disableLocalAuth: true
    properties: {
      vmSize: 'Standard_DS3_v2'
      enableNodePublicIp: !private
      sshSettings: null
    }
  }
}

resource rules 'Microsoft.MachineLearningServices/workspaces/outboundRules@2024-10-01' = [for (host, i) in ['pypi.org', 'files.pythonhosted.org']: {
  parent: workspace
  name: 'fqdn-${i}'
  properties: {
    type: 'FQDN'
    category: 'UserDefined'
    destination: host
  }
}]

resource lock 'Microsoft.Authorization/locks@2020-05-01' = {
  name: 'no-delete'
  scope: storage
  properties: {
    level: 'CanNotDelete'
    notes: '''
Generated by mlzone; it's deliberate.
'''
  }
  dependsOn: [
    instance
  ]
}

output storageId string = storage.id
",
    ),
];

/// Writes a snippet tree to a fresh directory and checks it; returns the findings as text.
fn check_snippet(what: &str, files: &[(&str, &str)]) -> (Vec<String>, Outcome) {
    let temp = tempfile::tempdir().expect("a temporary directory");
    let dir =
        keep_dir("snippets").map_or_else(|| temp.path().to_path_buf(), |k| k.join(slug(what)));
    for (name, text) in files {
        let path = dir.join(name);
        fs::create_dir_all(path.parent().expect("a parent")).expect("a snippet directory");
        fs::write(&path, text).expect("a snippet file");
    }
    let outcome = check_kept(&dir);
    let findings = outcome.findings.iter().map(ToString::to_string).collect();
    (findings, outcome)
}

/// What the Bicep checker finds under `dir` (types, API versions, properties, enums), and how
/// many resource bodies it checked against their type.
pub(crate) fn bicep_findings(dir: &Path) -> (Vec<String>, usize) {
    let outcome = check_tree(dir);
    (
        outcome.findings.iter().map(ToString::to_string).collect(),
        outcome.resources,
    )
}

/// [`check_tree`]; with `MLZONE_KEEP_BICEP` set, also writes the findings to
/// `mlzone-findings.txt` in `dir`, for comparing with the independent checker's.
fn check_kept(dir: &Path) -> Outcome {
    let outcome = check_tree(dir);
    if std::env::var_os("MLZONE_KEEP_BICEP").is_some() {
        let mut text: String = outcome.findings.iter().map(|f| format!("{f}\n")).collect();
        writeln!(
            text,
            "mlzone: {} files, {} resources, {} checked against their type",
            outcome.bicep_files, outcome.resources, outcome.deep
        )
        .unwrap();
        fs::write(dir.join("mlzone-findings.txt"), text).expect("a findings file");
    }
    outcome
}

/// `MLZONE_KEEP_BICEP/<kind>`, emptied, when that variable is set.
fn keep_dir(kind: &str) -> Option<PathBuf> {
    let root = std::env::var_os("MLZONE_KEEP_BICEP")?;
    let dir = PathBuf::from(root).join(kind);
    static CLEARED: OnceLock<std::sync::Mutex<BTreeSet<PathBuf>>> = OnceLock::new();
    let mut cleared = CLEARED
        .get_or_init(Default::default)
        .lock()
        .expect("a lock");
    if cleared.insert(dir.clone()) && dir.exists() {
        fs::remove_dir_all(&dir).expect("an emptied keep directory");
    }
    Some(dir)
}

/// A single expression, or a panic with the parse error.
fn parse_expression(source: &str) -> Expr {
    let file = parse(&format!("var x = {source}\n"))
        .unwrap_or_else(|e| panic!("{source:?} does not parse: {e}"));
    match file.statements.into_iter().next().map(|s| s.kind) {
        Some(StmtKind::Var { value, .. }) => value,
        other => panic!("not a var: {other:?}"),
    }
}

/// `mlzone generate PROFILE -o OUT --format bicep`; returns `OUT/bicep`.
fn generate(profile: &Path, out: &Path) -> PathBuf {
    generate_into(profile, out, "bicep");
    out.join("bicep")
}

// ---------------------------------------------------------------------------------- tokens

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Ident(String),
    Int(i64),
    /// A single-line string without interpolation, decoded.
    Str(String),
    /// `'text${`: the start of an interpolated string.
    StrHead(String),
    /// `}text${`: text between two interpolations.
    StrMid(String),
    /// `}text'`: the end of an interpolated string.
    StrTail(String),
    /// `'''text'''`: verbatim, without escapes or interpolation.
    Multi(String),
    Sym(&'static str),
    Newline,
    Eof,
}

#[derive(Clone, Debug)]
struct Token {
    tok: Tok,
    line: usize,
    col: usize,
    /// Where the token's source text starts and ends, in characters.
    start: usize,
    end: usize,
}

/// A syntax error at a line and column (both from 1).
#[derive(Debug)]
pub(crate) struct ParseError {
    line: usize,
    col: usize,
    message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.col, self.message)
    }
}

type Parsed<T> = Result<T, ParseError>;

/// Longest first, so that `==` is not read as `=` `=`.
const SYMBOLS: &[&str] = &[
    "...", "==", "!=", "=~", "!~", "<=", ">=", "&&", "||", "??", ".?", "::", "=>", "{", "}", "[",
    "]", "(", ")", ",", ":", "?", "!", ".", "@", "=", "+", "-", "*", "/", "%", "<", ">", "|",
];

/// The tokens of a file, and its `#...` directives by line.
type Lexed = (Vec<Token>, Vec<(usize, String)>);

struct Lexer {
    chars: Vec<char>,
    pos: usize,
    line: usize,
    col: usize,
    tokens: Vec<Token>,
    /// `{` open outside strings.
    braces: usize,
    /// For each open `${`: the brace depth it opened at, and where.
    holes: Vec<(usize, usize, usize)>,
    /// `#...` directives (`#disable-next-line ...`), by line.
    pragmas: Vec<(usize, String)>,
}

impl Lexer {
    fn run(source: &str) -> Parsed<Lexed> {
        let mut lexer = Self {
            chars: source.chars().collect(),
            pos: 0,
            line: 1,
            col: 1,
            tokens: Vec::new(),
            braces: 0,
            holes: Vec::new(),
            pragmas: Vec::new(),
        };
        lexer.all()?;
        Ok((lexer.tokens, lexer.pragmas))
    }

    fn peek(&self, k: usize) -> Option<char> {
        self.chars.get(self.pos + k).copied()
    }

    fn looking_at(&self, s: &str) -> bool {
        s.chars().enumerate().all(|(k, c)| self.peek(k) == Some(c))
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek(0)?;
        self.pos += 1;
        if c == '\n' {
            self.line += 1;
            self.col = 1;
        } else {
            self.col += 1;
        }
        Some(c)
    }

    /// A token that starts at `start` (line `line`, column `col`) and ends here.
    fn push(&mut self, tok: Tok, line: usize, col: usize, start: usize) {
        let end = self.pos;
        self.tokens.push(Token {
            tok,
            line,
            col,
            start,
            end,
        });
    }

    fn error(line: usize, col: usize, message: impl Into<String>) -> ParseError {
        ParseError {
            line,
            col,
            message: message.into(),
        }
    }

    fn at_line_start(&self) -> bool {
        self.chars[..self.pos]
            .iter()
            .rev()
            .take_while(|c| **c != '\n')
            .all(|c| c.is_whitespace() || *c == '\u{feff}')
    }

    fn all(&mut self) -> Parsed<()> {
        while let Some(c) = self.peek(0) {
            let (line, col, start) = (self.line, self.col, self.pos);
            if c == '\n' {
                self.bump();
                self.push(Tok::Newline, line, col, start);
            } else if c.is_whitespace() || c == '\u{feff}' {
                self.bump();
            } else if c == '#' && self.at_line_start() {
                let mut text = String::new();
                while let Some(c) = self.peek(0).filter(|c| *c != '\n') {
                    text.push(c);
                    self.bump();
                }
                self.pragmas.push((line, text.trim_end().to_owned()));
            } else if self.looking_at("//") {
                while self.peek(0).is_some_and(|c| c != '\n') {
                    self.bump();
                }
            } else if self.looking_at("/*") {
                self.bump();
                self.bump();
                while !self.looking_at("*/") {
                    if self.bump().is_none() {
                        return Err(Self::error(line, col, "unterminated comment"));
                    }
                }
                self.bump();
                self.bump();
            } else if self.looking_at("'''") {
                self.multi_line(line, col, start)?;
            } else if c == '\'' {
                self.bump();
                self.string(line, col, start, true)?;
            } else if c.is_ascii_alphabetic() || c == '_' {
                let mut name = String::new();
                while let Some(c) = self
                    .peek(0)
                    .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
                {
                    name.push(c);
                    self.bump();
                }
                self.push(Tok::Ident(name), line, col, start);
            } else if c.is_ascii_digit() {
                let mut digits = String::new();
                while let Some(c) = self.peek(0).filter(char::is_ascii_digit) {
                    digits.push(c);
                    self.bump();
                }
                let value = digits.parse().map_err(|_| {
                    Self::error(line, col, format!("integer {digits} out of range"))
                })?;
                self.push(Tok::Int(value), line, col, start);
            } else if c == '}' && self.holes.last().is_some_and(|h| h.0 == self.braces) {
                self.holes.pop();
                self.bump();
                self.string(line, col, start, false)?;
            } else {
                let Some(symbol) = SYMBOLS.iter().find(|s| self.looking_at(s)) else {
                    return Err(Self::error(
                        line,
                        col,
                        format!("unexpected character {c:?}"),
                    ));
                };
                for _ in 0..symbol.len() {
                    self.bump();
                }
                match *symbol {
                    "{" => self.braces += 1,
                    "}" => self.braces = self.braces.saturating_sub(1),
                    _ => {}
                }
                self.push(Tok::Sym(symbol), line, col, start);
            }
        }
        if let Some(&(_, line, col)) = self.holes.last() {
            return Err(Self::error(line, col, "unterminated interpolation"));
        }
        self.push(Tok::Eof, self.line, self.col, self.pos);
        Ok(())
    }

    /// The rest of a single-line string, after `'` (`head`) or after the `}` of a hole, both
    /// at `start`.
    fn string(&mut self, line: usize, col: usize, start: usize, head: bool) -> Parsed<()> {
        let mut text = String::new();
        loop {
            let (at_line, at_col) = (self.line, self.col);
            match self.peek(0) {
                None | Some('\n') => return Err(Self::error(line, col, "unterminated string")),
                Some('\\') => {
                    self.bump();
                    let decoded = match self.bump() {
                        Some('\'') => '\'',
                        Some('\\') => '\\',
                        Some('n') => '\n',
                        Some('r') => '\r',
                        Some('t') => '\t',
                        Some('$') => '$',
                        Some('u') => self.unicode(at_line, at_col)?,
                        other => {
                            let shown = other.map(String::from).unwrap_or_default();
                            return Err(Self::error(
                                at_line,
                                at_col,
                                format!("unknown escape sequence '\\{shown}'"),
                            ));
                        }
                    };
                    text.push(decoded);
                }
                Some('$') if self.peek(1) == Some('{') => {
                    self.bump();
                    self.bump();
                    self.holes.push((self.braces, at_line, at_col));
                    let tok = if head {
                        Tok::StrHead(text)
                    } else {
                        Tok::StrMid(text)
                    };
                    self.push(tok, line, col, start);
                    return Ok(());
                }
                Some('\'') => {
                    self.bump();
                    let tok = if head {
                        Tok::Str(text)
                    } else {
                        Tok::StrTail(text)
                    };
                    self.push(tok, line, col, start);
                    return Ok(());
                }
                Some(c) => {
                    text.push(c);
                    self.bump();
                }
            }
        }
    }

    /// `\u{hex}`, after the `u`.
    fn unicode(&mut self, line: usize, col: usize) -> Parsed<char> {
        let bad = || Self::error(line, col, "malformed \\u{...} escape");
        if self.bump() != Some('{') {
            return Err(bad());
        }
        let mut hex = String::new();
        loop {
            match self.bump() {
                Some('}') => break,
                Some(c) if c.is_ascii_hexdigit() && hex.len() < 6 => hex.push(c),
                _ => return Err(bad()),
            }
        }
        u32::from_str_radix(&hex, 16)
            .ok()
            .and_then(char::from_u32)
            .ok_or_else(bad)
    }

    /// `'''...'''`: verbatim; a run of more than three quotes ends at its last three; a newline
    /// right after the opening quotes is dropped.
    fn multi_line(&mut self, line: usize, col: usize, start: usize) -> Parsed<()> {
        for _ in 0..3 {
            self.bump();
        }
        let mut text = String::new();
        loop {
            if self.looking_at("'''") {
                let run = (0..).take_while(|k| self.peek(*k) == Some('\'')).count();
                text.extend(std::iter::repeat_n('\'', run - 3));
                for _ in 0..run {
                    self.bump();
                }
                break;
            }
            match self.bump() {
                Some(c) => text.push(c),
                None => return Err(Self::error(line, col, "unterminated multi-line string")),
            }
        }
        let text = text
            .strip_prefix("\r\n")
            .or_else(|| text.strip_prefix('\n'))
            .unwrap_or(&text)
            .to_owned();
        self.push(Tok::Multi(text), line, col, start);
        Ok(())
    }
}

fn describe(tok: &Tok) -> String {
    match tok {
        Tok::Ident(name) => format!("'{name}'"),
        Tok::Int(value) => value.to_string(),
        Tok::Str(_) | Tok::StrHead(_) | Tok::Multi(_) => "a string".to_owned(),
        Tok::StrMid(_) | Tok::StrTail(_) => "the end of an interpolation".to_owned(),
        Tok::Sym(symbol) => format!("'{symbol}'"),
        Tok::Newline => "a new line".to_owned(),
        Tok::Eof => "the end of the file".to_owned(),
    }
}

// ------------------------------------------------------------------------------------- syntax

#[derive(Debug)]
pub(crate) struct BicepFile {
    pub(crate) statements: Vec<Stmt>,
    /// `#...` directives, by line.
    pragmas: Vec<(usize, String)>,
    /// The string literals the linter's `no-hardcoded-env-urls` reads, in source order: every
    /// string syntax except string literal types, resource type strings of declarations, module
    /// paths, `metadata` declarations and the arguments of `@description` and `@metadata`.
    strings: Vec<Lit>,
}

/// A string literal as the source spells it, for the linter.
#[derive(Debug)]
struct Lit {
    /// Each token's source text (`'text${`, `}text${`, `}text'`, `'text'` or `'''text'''`,
    /// escapes undecoded), with its line and column.
    tokens: Vec<(String, usize, usize)>,
    /// The length of the whole string, holes included, in UTF-16 code units.
    span: usize,
}

#[derive(Debug)]
pub(crate) struct Stmt {
    decorators: Vec<Expr>,
    pub(crate) kind: StmtKind,
    line: usize,
    col: usize,
}

#[derive(Debug)]
pub(crate) enum StmtKind {
    TargetScope(Expr),
    Metadata,
    Import,
    Extension,
    Using(Option<Expr>),
    Param {
        name: String,
        ty: Option<Type>,
        default: Option<Expr>,
    },
    Var {
        name: String,
        value: Expr,
    },
    Output {
        name: String,
        value: Expr,
    },
    TypeAlias,
    Func,
    Assert(Expr),
    Resource(Resource),
    Module(Module),
}

#[derive(Debug)]
pub(crate) struct Resource {
    pub(crate) symbol: String,
    /// `'Namespace/type@version'`; interpolated when not a literal.
    pub(crate) ty: Expr,
    pub(crate) existing: bool,
    pub(crate) value: Expr,
    line: usize,
}

#[derive(Debug)]
pub(crate) struct Module {
    pub(crate) symbol: String,
    pub(crate) path: Expr,
    pub(crate) value: Expr,
    line: usize,
}

/// A type expression; kept only as far as the checks need it (nullability, and the name of a
/// named type for the linter).
#[derive(Debug)]
pub(crate) enum Type {
    /// `string`, `sys.object`, `resource '...'` (as `resource`), or an index into a type (as
    /// an empty name).
    Named(String),
    Literal,
    Object,
    Tuple,
    Array,
    Nullable,
    Union(Vec<Type>),
}

#[derive(Debug)]
pub(crate) struct Expr {
    pub(crate) kind: ExprKind,
    line: usize,
    col: usize,
}

#[derive(Debug)]
pub(crate) enum ExprKind {
    Str(Vec<Part>),
    Int(i64),
    Bool(bool),
    Null,
    Ident(String),
    Object(Vec<Entry>),
    Array(Vec<Item>),
    For {
        vars: Vec<String>,
        source: Box<Expr>,
        body: Box<Expr>,
    },
    If {
        cond: Box<Expr>,
        body: Box<Expr>,
    },
    Member {
        base: Box<Expr>,
        name: String,
        safe: bool,
    },
    /// `a::b`
    Nested {
        base: Box<Expr>,
        name: String,
    },
    Index {
        base: Box<Expr>,
        index: Box<Expr>,
        safe: bool,
    },
    Call {
        callee: Box<Expr>,
        args: Vec<Expr>,
    },
    Unary {
        op: &'static str,
        operand: Box<Expr>,
    },
    /// Postfix `x!`.
    NonNull(Box<Expr>),
    Binary {
        op: &'static str,
        left: Box<Expr>,
        right: Box<Expr>,
    },
    Ternary {
        cond: Box<Expr>,
        then: Box<Expr>,
        otherwise: Box<Expr>,
    },
    Lambda {
        params: Vec<String>,
        body: Box<Expr>,
    },
}

#[derive(Debug)]
pub(crate) enum Part {
    Text(String),
    Hole(Expr),
}

#[derive(Debug)]
pub(crate) enum Entry {
    Prop {
        key: Key,
        value: Expr,
        line: usize,
        /// Written as a string (`'name': value`), not an identifier.
        quoted: bool,
    },
    Spread(Expr),
    Resource(Resource),
}

#[derive(Debug)]
pub(crate) enum Key {
    Name(String),
    /// `'${...}': value`
    Interpolated(Expr),
}

#[derive(Debug)]
pub(crate) enum Item {
    Value(Expr),
    Spread(Expr),
}

impl Expr {
    /// The text of a string without interpolation.
    pub(crate) fn literal(&self) -> Option<String> {
        let ExprKind::Str(parts) = &self.kind else {
            return None;
        };
        parts
            .iter()
            .map(|p| match p {
                Part::Text(text) => Some(text.as_str()),
                Part::Hole(_) => None,
            })
            .collect()
    }

    /// An integer literal, also negated.
    fn int(&self) -> Option<i64> {
        match &self.kind {
            ExprKind::Int(n) => Some(*n),
            ExprKind::Unary { op: "-", operand } => operand.int().map(|n| -n),
            _ => None,
        }
    }

    /// The tree as an S-expression, for tests.
    fn show(&self) -> String {
        let list = |items: Vec<String>| items.join(" ");
        match &self.kind {
            ExprKind::Str(parts) => match self.literal() {
                Some(text) => format!("{text:?}"),
                None => {
                    let shown: Vec<String> = parts
                        .iter()
                        .map(|p| match p {
                            Part::Text(text) => format!("{text:?}"),
                            Part::Hole(e) => e.show(),
                        })
                        .collect();
                    format!("(str {})", list(shown))
                }
            },
            ExprKind::Int(n) => n.to_string(),
            ExprKind::Bool(b) => b.to_string(),
            ExprKind::Null => "null".to_owned(),
            ExprKind::Ident(name) => format!("(id {name})"),
            ExprKind::Object(entries) => {
                let shown: Vec<String> = entries
                    .iter()
                    .map(|e| match e {
                        Entry::Prop {
                            key: Key::Name(k),
                            value,
                            ..
                        } => format!("{k}: {}", value.show()),
                        Entry::Prop {
                            key: Key::Interpolated(k),
                            value,
                            ..
                        } => format!("{}: {}", k.show(), value.show()),
                        Entry::Spread(e) => format!("...{}", e.show()),
                        Entry::Resource(r) => format!("resource {}", r.symbol),
                    })
                    .collect();
                format!("{{{}}}", shown.join(", "))
            }
            ExprKind::Array(items) => {
                let shown: Vec<String> = items
                    .iter()
                    .map(|i| match i {
                        Item::Value(e) => e.show(),
                        Item::Spread(e) => format!("...{}", e.show()),
                    })
                    .collect();
                format!("[{}]", shown.join(", "))
            }
            ExprKind::For { vars, source, body } => {
                format!(
                    "(for [{}] {} {})",
                    vars.join(" "),
                    source.show(),
                    body.show()
                )
            }
            ExprKind::If { cond, body } => format!("(if {} {})", cond.show(), body.show()),
            ExprKind::Member { base, name, safe } => {
                format!(
                    "({} {} {name})",
                    if *safe { ".?" } else { "." },
                    base.show()
                )
            }
            ExprKind::Nested { base, name } => format!("(:: {} {name})", base.show()),
            ExprKind::Index { base, index, safe } => format!(
                "({} {} {})",
                if *safe { "[?]" } else { "[]" },
                base.show(),
                index.show()
            ),
            ExprKind::Call { callee, args } => {
                let callee = match &callee.kind {
                    ExprKind::Ident(name) => name.clone(),
                    _ => callee.show(),
                };
                let mut shown = vec![callee];
                shown.extend(args.iter().map(Expr::show));
                format!("(call {})", list(shown))
            }
            ExprKind::Unary { op, operand } => format!("({op} {})", operand.show()),
            ExprKind::NonNull(e) => format!("(! {})", e.show()),
            ExprKind::Binary { op, left, right } => {
                format!("({op} {} {})", left.show(), right.show())
            }
            ExprKind::Ternary {
                cond,
                then,
                otherwise,
            } => format!("(?: {} {} {})", cond.show(), then.show(), otherwise.show()),
            ExprKind::Lambda { params, body } => {
                format!("(=> [{}] {})", params.join(" "), body.show())
            }
        }
    }
}

impl StmtKind {
    fn label(&self) -> String {
        match self {
            Self::TargetScope(_) => "targetScope".to_owned(),
            Self::Metadata => "metadata".to_owned(),
            Self::Import => "import".to_owned(),
            Self::Extension => "extension".to_owned(),
            Self::Using(_) => "using".to_owned(),
            Self::Param { name, .. } => format!("param {name}"),
            Self::Var { name, .. } => format!("var {name}"),
            Self::Output { name, .. } => format!("output {name}"),
            Self::TypeAlias => "type".to_owned(),
            Self::Func => "func".to_owned(),
            Self::Assert(_) => "assert".to_owned(),
            Self::Resource(r) => format!("resource {}", r.symbol),
            Self::Module(m) => format!("module {}", m.symbol),
        }
    }
}

impl Stmt {
    /// `@description('...')` or `@sys.description('...')` with a non-blank text.
    fn has_description(&self) -> bool {
        self.decorators.iter().any(|d| {
            let ExprKind::Call { callee, args } = &d.kind else {
                return false;
            };
            let named = match &callee.kind {
                ExprKind::Ident(name) => name == "description",
                ExprKind::Member { base, name, .. } => {
                    name == "description"
                        && matches!(&base.kind, ExprKind::Ident(sys) if sys == "sys")
                }
                _ => false,
            };
            named
                && args
                    .first()
                    .is_some_and(|a| a.literal().is_none_or(|t| !t.trim().is_empty()))
        })
    }
}

impl Type {
    fn is_nullable(&self) -> bool {
        match self {
            Self::Nullable => true,
            Self::Union(members) => members.iter().any(Self::is_nullable),
            _ => false,
        }
    }
}

/// Parses a `.bicep` or `.bicepparam` file.
pub(crate) fn parse(source: &str) -> Parsed<BicepFile> {
    let (toks, pragmas) = Lexer::run(source)?;
    let mut parser = Parser {
        toks,
        i: 0,
        source: source.chars().collect(),
        strings: Vec::new(),
        quiet: 0,
    };
    let mut statements = Vec::new();
    loop {
        parser.newlines();
        if parser.tok().tok == Tok::Eof {
            break;
        }
        statements.push(parser.statement()?);
        if !matches!(parser.tok().tok, Tok::Newline | Tok::Eof) {
            return Err(parser.unexpected("a new line after the declaration"));
        }
    }
    Ok(BicepFile {
        statements,
        pragmas,
        strings: parser.strings,
    })
}

struct Parser {
    toks: Vec<Token>,
    i: usize,
    source: Vec<char>,
    /// String literals read so far, for [`BicepFile::strings`].
    strings: Vec<Lit>,
    /// Above zero while reading what the linter skips (see [`BicepFile::strings`]).
    quiet: usize,
}

/// Binary operators by precedence, loosest first.
const BINARY: &[&[&str]] = &[
    &["??"],
    &["||"],
    &["&&"],
    &["==", "!=", "=~", "!~"],
    &["<", "<=", ">", ">="],
    &["+", "-"],
    &["*", "/", "%"],
];

impl Parser {
    fn tok(&self) -> &Token {
        &self.toks[self.i]
    }

    /// Keeps the string made of `tokens` for the linter, unless reading quietly.
    fn record(&mut self, tokens: &[Token]) {
        let (Some(first), Some(last)) = (tokens.first(), tokens.last()) else {
            return;
        };
        if self.quiet > 0 {
            return;
        }
        let utf16 = |chars: &[char]| chars.iter().map(|c| c.len_utf16()).sum();
        self.strings.push(Lit {
            tokens: tokens
                .iter()
                .map(|t| {
                    let text = self.source[t.start..t.end].iter().collect();
                    (text, t.line, t.col)
                })
                .collect(),
            span: utf16(&self.source[first.start..last.end]),
        });
    }

    /// `read`, with the strings it reads kept from the linter.
    fn quietly<T>(&mut self, read: impl FnOnce(&mut Self) -> Parsed<T>) -> Parsed<T> {
        self.quiet += 1;
        let result = read(self);
        self.quiet -= 1;
        result
    }

    /// A decorator after `@`, read quietly when it is `description` or `metadata` (plain or
    /// `sys.`), whose texts the linter does not read.
    fn decorator(&mut self) -> Parsed<Expr> {
        let documents = |k: usize| {
            matches!(self.ahead(k), Tok::Ident(n) if n == "description" || n == "metadata")
                && matches!(self.ahead(k + 1), Tok::Sym("("))
        };
        let sys = matches!(self.ahead(0), Tok::Ident(n) if n == "sys")
            && matches!(self.ahead(1), Tok::Sym("."));
        if documents(0) || (sys && documents(2)) {
            self.quietly(Self::postfix)
        } else {
            self.postfix()
        }
    }

    fn ahead(&self, k: usize) -> &Tok {
        &self.toks[(self.i + k).min(self.toks.len() - 1)].tok
    }

    fn bump(&mut self) -> Token {
        let token = self.toks[self.i].clone();
        if self.i + 1 < self.toks.len() {
            self.i += 1;
        }
        token
    }

    fn at(&self, symbol: &str) -> bool {
        matches!(&self.tok().tok, Tok::Sym(s) if *s == symbol)
    }

    fn at_word(&self, word: &str) -> bool {
        matches!(&self.tok().tok, Tok::Ident(w) if w == word)
    }

    fn eat(&mut self, symbol: &str) -> bool {
        let found = self.at(symbol);
        if found {
            self.bump();
        }
        found
    }

    fn expect(&mut self, symbol: &str, wanted: &str) -> Parsed<Token> {
        if self.at(symbol) {
            Ok(self.bump())
        } else {
            Err(self.unexpected(wanted))
        }
    }

    fn expect_word(&mut self, word: &str) -> Parsed<()> {
        if self.at_word(word) {
            self.bump();
            Ok(())
        } else {
            Err(self.unexpected(&format!("'{word}'")))
        }
    }

    fn unexpected(&self, wanted: &str) -> ParseError {
        let token = self.tok();
        ParseError {
            line: token.line,
            col: token.col,
            message: format!("expected {wanted}, found {}", describe(&token.tok)),
        }
    }

    fn name(&mut self, what: &str) -> Parsed<String> {
        match &self.tok().tok {
            Tok::Ident(name) => {
                let name = name.clone();
                self.bump();
                Ok(name)
            }
            _ => Err(self.unexpected(what)),
        }
    }

    fn newlines(&mut self) {
        while self.tok().tok == Tok::Newline {
            self.bump();
        }
    }

    /// Whether the next token after any new lines is one of `symbols` (a continued expression).
    fn continues_with(&self, symbols: &[&str]) -> bool {
        let mut k = self.i;
        while self.toks[k].tok == Tok::Newline {
            k += 1;
        }
        matches!(&self.toks[k].tok, Tok::Sym(s) if symbols.contains(s))
    }

    // ------------------------------------------------------------------------ declarations

    fn statement(&mut self) -> Parsed<Stmt> {
        let mut decorators = Vec::new();
        while self.eat("@") {
            decorators.push(self.decorator()?);
            self.newlines();
        }
        let start = self.tok().clone();
        let Tok::Ident(keyword) = &start.tok else {
            return Err(
                self.unexpected("a declaration (param, var, resource, module, output, ...)")
            );
        };
        let kind = match keyword.as_str() {
            "targetScope" => {
                self.bump();
                self.expect("=", "'=' after targetScope")?;
                StmtKind::TargetScope(self.expr()?)
            }
            "metadata" => {
                self.bump();
                self.name("a name")?;
                self.expect("=", "'='")?;
                self.newlines();
                self.quietly(Self::expr)?;
                StmtKind::Metadata
            }
            "assert" => {
                self.bump();
                self.name("a name")?;
                self.expect("=", "'='")?;
                self.newlines();
                StmtKind::Assert(self.expr()?)
            }
            "param" => {
                self.bump();
                let name = self.name("a parameter name")?;
                let ty = if self.at("=") { None } else { Some(self.ty()?) };
                let default = if self.eat("=") {
                    self.newlines();
                    Some(self.expr()?)
                } else {
                    None
                };
                StmtKind::Param { name, ty, default }
            }
            "var" => {
                self.bump();
                let name = self.name("a variable name")?;
                if !self.at("=") {
                    self.ty()?;
                }
                self.expect("=", "'=' after the variable name")?;
                self.newlines();
                StmtKind::Var {
                    name,
                    value: self.expr()?,
                }
            }
            "output" => {
                self.bump();
                let name = self.name("an output name")?;
                if self.at_word("resource") && matches!(self.ahead(1), Tok::Str(_)) {
                    self.bump();
                    let ty = self.bump();
                    self.record(&[ty]);
                } else {
                    self.ty()?;
                }
                self.expect("=", "'=' after the output type")?;
                self.newlines();
                StmtKind::Output {
                    name,
                    value: self.expr()?,
                }
            }
            "type" => {
                self.bump();
                self.name("a type name")?;
                self.expect("=", "'=' after the type name")?;
                self.newlines();
                self.ty()?;
                StmtKind::TypeAlias
            }
            "func" => {
                self.bump();
                self.name("a function name")?;
                self.expect("(", "'(' after the function name")?;
                while !self.eat(")") {
                    self.name("a parameter name")?;
                    self.ty()?;
                    if !self.eat(",") && !self.at(")") {
                        return Err(self.unexpected("',' or ')'"));
                    }
                }
                self.ty()?;
                self.expect("=>", "'=>' before the function body")?;
                self.newlines();
                self.expr()?;
                StmtKind::Func
            }
            "resource" => StmtKind::Resource(self.resource()?),
            "module" => {
                self.bump();
                let symbol = self.name("a module symbol")?;
                let path = self.quietly(|p| p.string("the module path"))?;
                self.expect("=", "'=' after the module path")?;
                self.newlines();
                StmtKind::Module(Module {
                    symbol,
                    path,
                    value: self.decl_value()?,
                    line: start.line,
                })
            }
            "import" => {
                self.bump();
                if self.eat("{") {
                    loop {
                        self.newlines();
                        if self.eat("}") {
                            break;
                        }
                        self.name("an imported name")?;
                        if self.at_word("as") {
                            self.bump();
                            self.name("an alias")?;
                        }
                        self.separator("}", "a new line or ',' between imported names")?;
                    }
                    self.expect_word("from")?;
                    self.string("the path to import from")?;
                } else if self.eat("*") {
                    self.expect_word("as")?;
                    self.name("a namespace name")?;
                    self.expect_word("from")?;
                    self.string("the path to import from")?;
                } else {
                    self.string("what to import")?;
                    self.with_and_alias()?;
                }
                StmtKind::Import
            }
            "extension" | "provider" => {
                self.bump();
                if matches!(self.tok().tok, Tok::Ident(_)) {
                    self.bump();
                } else {
                    self.string("an extension name")?;
                }
                self.with_and_alias()?;
                StmtKind::Extension
            }
            "using" => {
                self.bump();
                if self.at_word("none") {
                    self.bump();
                    StmtKind::Using(None)
                } else {
                    StmtKind::Using(Some(self.string("the template path")?))
                }
            }
            _ => {
                return Err(
                    self.unexpected("a declaration (param, var, resource, module, output, ...)")
                );
            }
        };
        Ok(Stmt {
            decorators,
            kind,
            line: start.line,
            col: start.col,
        })
    }

    /// `with { ... }` and `as alias` after an import or extension.
    fn with_and_alias(&mut self) -> Parsed<()> {
        if self.at_word("with") {
            self.bump();
            self.object()?;
        }
        if self.at_word("as") {
            self.bump();
            self.name("an alias")?;
        }
        Ok(())
    }

    /// A string literal or interpolated string.
    fn string(&mut self, wanted: &str) -> Parsed<Expr> {
        match self.tok().tok {
            Tok::Str(_) | Tok::StrHead(_) | Tok::Multi(_) => self.primary(),
            _ => Err(self.unexpected(wanted)),
        }
    }

    /// `resource SYMBOL 'Type@version' [existing] = VALUE`, at top level or nested.
    fn resource(&mut self) -> Parsed<Resource> {
        let keyword = self.bump();
        let symbol = self.name("a resource symbol")?;
        let ty = self.quietly(|p| p.string("the resource type 'Namespace/type@version'"))?;
        let existing = self.at_word("existing");
        if existing {
            self.bump();
        }
        self.expect("=", "'=' after the resource type")?;
        self.newlines();
        Ok(Resource {
            symbol,
            ty,
            existing,
            value: self.decl_value()?,
            line: keyword.line,
        })
    }

    /// The value of a resource or module (or a loop body): `if (cond) {...}` or an expression.
    fn decl_value(&mut self) -> Parsed<Expr> {
        if self.at_word("if") && matches!(self.ahead(1), Tok::Sym("(")) {
            let keyword = self.bump();
            self.bump();
            self.newlines();
            let cond = self.expr()?;
            self.newlines();
            self.expect(")", "')' after the condition")?;
            self.newlines();
            let body = self.expr()?;
            return Ok(Expr {
                kind: ExprKind::If {
                    cond: Box::new(cond),
                    body: Box::new(body),
                },
                line: keyword.line,
                col: keyword.col,
            });
        }
        self.expr()
    }

    // ------------------------------------------------------------------------------- types

    fn ty(&mut self) -> Parsed<Type> {
        // A union may start on the next line, with a leading `|`.
        if self.continues_with(&["|"]) {
            self.newlines();
            self.bump();
        }
        let mut members = vec![self.postfix_ty()?];
        while self.continues_with(&["|"]) {
            self.newlines();
            self.bump();
            self.newlines();
            members.push(self.postfix_ty()?);
        }
        Ok(if members.len() == 1 {
            members.pop().expect("one member")
        } else {
            Type::Union(members)
        })
    }

    fn postfix_ty(&mut self) -> Parsed<Type> {
        let mut ty = self.primary_ty()?;
        loop {
            if self.at("[") && matches!(self.ahead(1), Tok::Sym("]")) {
                self.bump();
                self.bump();
                ty = Type::Array;
            } else if self.eat("?") {
                ty = Type::Nullable;
            } else if self.eat(".") {
                let member = self.name("a member name")?;
                ty = Type::Named(match ty {
                    Type::Named(base) => format!("{base}.{member}"),
                    _ => member,
                });
            } else if self.at("[") {
                self.bump();
                if !self.eat("*") {
                    self.primary()?;
                }
                self.expect("]", "']'")?;
                ty = Type::Named(String::new());
            } else {
                return Ok(ty);
            }
        }
    }

    fn primary_ty(&mut self) -> Parsed<Type> {
        match &self.tok().tok {
            Tok::Ident(word) if word == "resource" && matches!(self.ahead(1), Tok::Str(_)) => {
                self.bump();
                let ty = self.bump();
                self.record(&[ty]);
                Ok(Type::Named("resource".to_owned()))
            }
            Tok::Ident(word) if word == "true" || word == "false" => {
                self.bump();
                Ok(Type::Literal)
            }
            Tok::Ident(word) if word == "null" => {
                self.bump();
                Ok(Type::Nullable)
            }
            Tok::Ident(name) => {
                let name = name.clone();
                self.bump();
                if self.eat("<") {
                    loop {
                        if matches!(self.tok().tok, Tok::Str(_)) {
                            self.bump();
                        } else {
                            self.ty()?;
                        }
                        if self.eat(">") {
                            break;
                        }
                        self.expect(",", "',' or '>'")?;
                    }
                }
                Ok(Type::Named(name))
            }
            Tok::Str(_) | Tok::Multi(_) | Tok::Int(_) => {
                self.bump();
                Ok(Type::Literal)
            }
            Tok::Sym("-") if matches!(self.ahead(1), Tok::Int(_)) => {
                self.bump();
                self.bump();
                Ok(Type::Literal)
            }
            Tok::Sym("(") => {
                self.bump();
                self.newlines();
                let ty = self.ty()?;
                self.newlines();
                self.expect(")", "')'")?;
                Ok(ty)
            }
            Tok::Sym("{") => {
                let open = self.bump();
                self.newlines();
                loop {
                    if self.eat("}") {
                        return Ok(Type::Object);
                    }
                    if self.tok().tok == Tok::Eof {
                        return Err(Lexer::error(
                            open.line,
                            open.col,
                            "unterminated object type",
                        ));
                    }
                    while self.eat("@") {
                        self.decorator()?;
                        self.newlines();
                    }
                    if !self.eat("*") {
                        match self.tok().tok {
                            Tok::Ident(_) => {
                                self.bump();
                            }
                            Tok::Str(_) => {
                                let key = self.bump();
                                self.record(&[key]);
                            }
                            _ => return Err(self.unexpected("a property name")),
                        }
                        self.eat("?");
                    }
                    self.expect(":", "':' after the property name")?;
                    self.newlines();
                    self.ty()?;
                    self.separator("}", "a new line or ',' between properties")?;
                }
            }
            Tok::Sym("[") => {
                let open = self.bump();
                self.newlines();
                loop {
                    if self.eat("]") {
                        return Ok(Type::Tuple);
                    }
                    if self.tok().tok == Tok::Eof {
                        return Err(Lexer::error(open.line, open.col, "unterminated tuple type"));
                    }
                    self.ty()?;
                    self.separator("]", "a new line or ',' between items")?;
                }
            }
            _ => Err(self.unexpected("a type")),
        }
    }

    /// After an item of an object or array: `,` or new lines, or the closing symbol next.
    fn separator(&mut self, close: &str, wanted: &str) -> Parsed<()> {
        if self.eat(",") || self.tok().tok == Tok::Newline {
            self.newlines();
            Ok(())
        } else if self.at(close) {
            Ok(())
        } else {
            Err(self.unexpected(wanted))
        }
    }

    // ------------------------------------------------------------------------- expressions

    fn expr(&mut self) -> Parsed<Expr> {
        let cond = self.binary(0)?;
        if !self.continues_with(&["?"]) {
            return Ok(cond);
        }
        self.newlines();
        self.bump();
        self.newlines();
        let then = self.expr()?;
        self.newlines();
        self.expect(":", "':' in the conditional expression")?;
        self.newlines();
        let otherwise = self.expr()?;
        Ok(Expr {
            line: cond.line,
            col: cond.col,
            kind: ExprKind::Ternary {
                cond: Box::new(cond),
                then: Box::new(then),
                otherwise: Box::new(otherwise),
            },
        })
    }

    fn binary(&mut self, level: usize) -> Parsed<Expr> {
        if level == BINARY.len() {
            return self.unary();
        }
        let mut left = self.binary(level + 1)?;
        loop {
            // `??`, `||` and `&&` may start a continuation line.
            let continued = level < 3 && self.continues_with(BINARY[level]);
            let op = match &self.tok().tok {
                Tok::Sym(s) if BINARY[level].contains(s) => *s,
                _ if continued => {
                    self.newlines();
                    let Tok::Sym(s) = self.tok().tok else {
                        unreachable!("continues_with saw a symbol")
                    };
                    s
                }
                _ => return Ok(left),
            };
            self.bump();
            self.newlines();
            let right = self.binary(level + 1)?;
            left = Expr {
                line: left.line,
                col: left.col,
                kind: ExprKind::Binary {
                    op,
                    left: Box::new(left),
                    right: Box::new(right),
                },
            };
        }
    }

    fn unary(&mut self) -> Parsed<Expr> {
        let token = self.tok().clone();
        let op = match token.tok {
            Tok::Sym("!") => "!",
            Tok::Sym("-") => "-",
            _ => return self.postfix(),
        };
        self.bump();
        let operand = self.unary()?;
        Ok(Expr {
            kind: ExprKind::Unary {
                op,
                operand: Box::new(operand),
            },
            line: token.line,
            col: token.col,
        })
    }

    fn postfix(&mut self) -> Parsed<Expr> {
        let mut expr = self.primary()?;
        loop {
            let (line, col) = (expr.line, expr.col);
            let kind = match self.tok().tok {
                Tok::Sym(sym @ ("." | ".?" | "::")) => {
                    self.bump();
                    let name = self.name("a member name")?;
                    if sym == "::" {
                        ExprKind::Nested {
                            base: Box::new(expr),
                            name,
                        }
                    } else {
                        ExprKind::Member {
                            base: Box::new(expr),
                            name,
                            safe: sym == ".?",
                        }
                    }
                }
                Tok::Sym("[") => {
                    self.bump();
                    let safe = self.eat("?");
                    self.newlines();
                    let index = self.expr()?;
                    self.newlines();
                    self.expect("]", "']' after the index")?;
                    ExprKind::Index {
                        base: Box::new(expr),
                        index: Box::new(index),
                        safe,
                    }
                }
                Tok::Sym("(")
                    if matches!(expr.kind, ExprKind::Ident(_) | ExprKind::Member { .. }) =>
                {
                    self.bump();
                    let mut args = Vec::new();
                    loop {
                        self.newlines();
                        if self.eat(")") {
                            break;
                        }
                        args.push(self.expr()?);
                        self.newlines();
                        if !self.eat(",") && !self.at(")") {
                            return Err(self.unexpected("',' or ')' in the argument list"));
                        }
                    }
                    ExprKind::Call {
                        callee: Box::new(expr),
                        args,
                    }
                }
                Tok::Sym("!") => {
                    self.bump();
                    ExprKind::NonNull(Box::new(expr))
                }
                _ => return Ok(expr),
            };
            expr = Expr { kind, line, col };
        }
    }

    fn primary(&mut self) -> Parsed<Expr> {
        let token = self.tok().clone();
        let (line, col) = (token.line, token.col);
        let kind = match token.tok {
            Tok::Int(n) => {
                self.bump();
                ExprKind::Int(n)
            }
            Tok::Str(text) | Tok::Multi(text) => {
                let whole = self.bump();
                self.record(&[whole]);
                ExprKind::Str(if text.is_empty() {
                    Vec::new()
                } else {
                    vec![Part::Text(text)]
                })
            }
            Tok::StrHead(text) => {
                let mut pieces = vec![self.bump()];
                let mut parts = Vec::new();
                if !text.is_empty() {
                    parts.push(Part::Text(text));
                }
                loop {
                    parts.push(Part::Hole(self.expr()?));
                    let (text, last) = match &self.tok().tok {
                        Tok::StrMid(text) => (text.clone(), false),
                        Tok::StrTail(text) => (text.clone(), true),
                        _ => return Err(self.unexpected("'}' to close the interpolation")),
                    };
                    pieces.push(self.bump());
                    if !text.is_empty() {
                        parts.push(Part::Text(text));
                    }
                    if last {
                        break;
                    }
                }
                self.record(&pieces);
                ExprKind::Str(parts)
            }
            Tok::Ident(name) => {
                self.bump();
                match name.as_str() {
                    "true" => ExprKind::Bool(true),
                    "false" => ExprKind::Bool(false),
                    "null" => ExprKind::Null,
                    _ if self.at("=>") => {
                        self.bump();
                        self.newlines();
                        ExprKind::Lambda {
                            params: vec![name],
                            body: Box::new(self.expr()?),
                        }
                    }
                    _ => ExprKind::Ident(name),
                }
            }
            Tok::Sym("{") => return self.object(),
            Tok::Sym("[") => return self.array(),
            Tok::Sym("(") if self.lambda_ahead() => {
                self.bump();
                let mut params = Vec::new();
                while !self.eat(")") {
                    params.push(self.name("a lambda parameter")?);
                    self.eat(",");
                }
                self.expect("=>", "'=>'")?;
                self.newlines();
                ExprKind::Lambda {
                    params,
                    body: Box::new(self.expr()?),
                }
            }
            Tok::Sym("(") => {
                self.bump();
                self.newlines();
                let inner = self.expr()?;
                self.newlines();
                self.expect(")", "')'")?;
                return Ok(inner);
            }
            _ => return Err(self.unexpected("an expression")),
        };
        Ok(Expr { kind, line, col })
    }

    /// `(` `)` `=>` or `(` a, b `)` `=>` ahead.
    fn lambda_ahead(&self) -> bool {
        let mut k = 1;
        loop {
            match self.ahead(k) {
                Tok::Sym(")") => return matches!(self.ahead(k + 1), Tok::Sym("=>")),
                Tok::Ident(_) => {
                    k += 1;
                    match self.ahead(k) {
                        Tok::Sym(",") => k += 1,
                        Tok::Sym(")") => {}
                        _ => return false,
                    }
                }
                _ => return false,
            }
        }
    }

    fn object(&mut self) -> Parsed<Expr> {
        let open = self.expect("{", "'{'")?;
        let mut entries = Vec::new();
        self.newlines();
        loop {
            if self.eat("}") {
                break;
            }
            if self.tok().tok == Tok::Eof {
                return Err(Lexer::error(open.line, open.col, "unterminated object"));
            }
            let mut decorated = false;
            while self.eat("@") {
                self.decorator()?;
                self.newlines();
                decorated = true;
            }
            if self.eat("...") {
                entries.push(Entry::Spread(self.expr()?));
            } else if self.at_word("resource") && matches!(self.ahead(1), Tok::Ident(_)) {
                entries.push(Entry::Resource(self.resource()?));
            } else if decorated {
                return Err(self.unexpected("a nested resource after decorators"));
            } else {
                let token = self.tok().clone();
                let quoted = !matches!(token.tok, Tok::Ident(_));
                let key = match token.tok {
                    Tok::Ident(name) => {
                        self.bump();
                        Key::Name(name)
                    }
                    Tok::Str(name) => {
                        let key = self.bump();
                        self.record(&[key]);
                        Key::Name(name)
                    }
                    Tok::StrHead(_) => Key::Interpolated(self.primary()?),
                    _ => return Err(self.unexpected("a property name")),
                };
                self.expect(":", "':' after the property name")?;
                self.newlines();
                let value = self.expr()?;
                entries.push(Entry::Prop {
                    key,
                    value,
                    line: token.line,
                    quoted,
                });
            }
            self.separator("}", "a new line or ',' between properties")?;
        }
        Ok(Expr {
            kind: ExprKind::Object(entries),
            line: open.line,
            col: open.col,
        })
    }

    fn array(&mut self) -> Parsed<Expr> {
        let open = self.expect("[", "'['")?;
        self.newlines();
        if self.at_word("for") {
            self.bump();
            let mut vars = Vec::new();
            if self.eat("(") {
                loop {
                    vars.push(self.name("a loop variable")?);
                    if self.eat(")") {
                        break;
                    }
                    self.expect(",", "',' or ')'")?;
                }
            } else {
                vars.push(self.name("a loop variable")?);
            }
            self.expect_word("in")?;
            let source = self.expr()?;
            self.expect(":", "':' after the loop source")?;
            self.newlines();
            let body = self.decl_value()?;
            self.newlines();
            self.expect("]", "']' to close the for-expression")?;
            return Ok(Expr {
                kind: ExprKind::For {
                    vars,
                    source: Box::new(source),
                    body: Box::new(body),
                },
                line: open.line,
                col: open.col,
            });
        }
        let mut items = Vec::new();
        loop {
            if self.eat("]") {
                break;
            }
            if self.tok().tok == Tok::Eof {
                return Err(Lexer::error(open.line, open.col, "unterminated array"));
            }
            if self.eat("...") {
                items.push(Item::Spread(self.expr()?));
            } else {
                items.push(Item::Value(self.expr()?));
            }
            self.separator("]", "a new line or ',' between items")?;
        }
        Ok(Expr {
            kind: ExprKind::Array(items),
            line: open.line,
            col: open.col,
        })
    }
}

// -------------------------------------------------------------------------------- the types

/// `tests/data/bicep-types.json`, with lookups.
struct Types {
    json: Value,
    /// Lower-cased type → the key of `resources` (the extracted, deeply checked types).
    extracted: HashMap<String, String>,
    /// Lower-cased namespaces of the catalog (every type in the snapshot).
    namespaces: BTreeSet<String>,
    /// Lower-cased namespaces of the extracted types.
    target_namespaces: BTreeSet<String>,
    /// For property names that APIs conventionally model as an enum: every value any extracted
    /// enum of that name allows (catches typos where one API types it as a free string).
    conventional: BTreeMap<&'static str, BTreeSet<String>>,
}

const CONVENTIONAL: &[&str] = &[
    "publicNetworkAccess",
    "publicNetworkAccessForIngestion",
    "publicNetworkAccessForQuery",
    "minimumTlsVersion",
    "minimalTlsVersion",
    "defaultAction",
    "principalType",
    "enforcementMode",
    "isolationMode",
    "zoneRedundancy",
    "networkRuleBypassOptions",
    "privateEndpointNetworkPolicies",
    "privateLinkServiceNetworkPolicies",
];

/// Keys of a resource body that are Bicep's, not the resource type's.
const BICEP_KEYS: &[&str] = &["parent", "scope", "dependsOn"];

fn types() -> &'static Types {
    static TYPES: OnceLock<Types> = OnceLock::new();
    TYPES.get_or_init(|| {
        let path = repo().join("tests/data/bicep-types.json");
        let text = fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        let json: Value = serde_json::from_str(&text).expect("bicep-types.json is JSON");
        assert_eq!(json["format"], "bicepcheck-types/1", "the types format");
        let extracted: HashMap<String, String> = json["resources"]
            .as_object()
            .expect("resources")
            .keys()
            .map(|k| (k.to_lowercase(), k.clone()))
            .collect();
        let namespace = |k: &str| k.split('/').next().unwrap_or_default().to_lowercase();
        let namespaces = json["catalog"]
            .as_object()
            .expect("catalog")
            .keys()
            .map(|k| namespace(k))
            .collect();
        let target_namespaces = extracted.keys().map(|k| namespace(k)).collect();
        let mut conventional: BTreeMap<&'static str, BTreeSet<String>> =
            CONVENTIONAL.iter().map(|n| (*n, BTreeSet::new())).collect();
        for schema in json["schemas"].as_object().expect("schemas").values() {
            let nodes = schema["types"].as_object().expect("types");
            for node in nodes.values() {
                for group in ["properties", "baseProperties"] {
                    let Some(props) = node[group].as_object() else {
                        continue;
                    };
                    for (name, prop) in props {
                        if let Some(values) = conventional.get_mut(name.as_str()) {
                            let target = &nodes[&prop["type"].to_string()];
                            values.extend(strings(&target["enum"]));
                        }
                    }
                }
            }
        }
        Types {
            json,
            extracted,
            namespaces,
            target_namespaces,
            conventional,
        }
    })
}

impl Types {
    fn node(&self, schema: &str, id: &Value) -> &Value {
        let node = &self.json["schemas"][schema]["types"][id.to_string()];
        assert!(node.is_object(), "no node {id} in schema {schema}");
        node
    }
}

/// The strings of a JSON array (none when not an array).
fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

// ------------------------------------------------------------------------------ the checker

/// One problem, at a file (relative to the checked root) and line.
///
/// Codes as `bicepcheck` numbers them: BC001 parse error; BC010 unknown type, BC011 unknown
/// API version, BC012 version not in the snapshot (body unchecked), BC013 interpolated type,
/// BC014 namespace outside the catalog; BC020 unknown property, BC021 property casing; BC030
/// value not in the enum (open or closed) or unknown discriminator value, BC031 value casing,
/// BC032 wrong literal kind, BC033 typo in a free-string property that other APIs enumerate;
/// BC040 missing required property, BC041 missing discriminator; BC050 read-only property set;
/// BC060 missing module file. Warnings there are findings here, as with `--strict`. This
/// project's own: MZ001 `main.bicep` parameter without `@description`, MZ002 `main.bicep` not at
/// subscription scope, MZ003 module at another scope than resource group or subscription,
/// MZ004 parameters file not `using` its template, MZ005 it sets an undeclared parameter,
/// MZ006 it leaves a required one unset, MZ007 a module is passed an undeclared parameter,
/// MZ008 a module's required parameter is not passed, MZ009 `#disable-...` pragma. The
/// linter's findings carry the name of its rule (`no-unused-params`), which `bicepcheck` does
/// not report.
#[derive(Debug)]
struct Finding {
    file: String,
    line: usize,
    /// Parse errors only.
    col: Option<usize>,
    code: &'static str,
    message: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file, self.line)?;
        if let Some(col) = self.col {
            write!(f, ":{col}")?;
        }
        // The linter's rules have names, not numbers.
        let colon = if self.code.contains('-') { ":" } else { "" };
        write!(f, ": {}{colon} {}", self.code, self.message)
    }
}

#[derive(Debug, Default)]
struct Outcome {
    findings: Vec<Finding>,
    /// `.bicep` files read.
    bicep_files: usize,
    /// Resource declarations, nested ones included.
    resources: usize,
    /// Resource bodies checked against their type.
    deep: usize,
}

struct Diag {
    line: usize,
    code: &'static str,
    message: String,
}

/// Checks every `.bicep` and `.bicepparam` file under `root`.
fn check_tree(root: &Path) -> Outcome {
    let mut outcome = Outcome::default();
    let files = files_under(root).into_iter().filter(|(name, _)| {
        Path::new(name)
            .extension()
            .is_some_and(|e| e == "bicep" || e == "bicepparam")
    });
    for (name, bytes) in files {
        let path = root.join(&name);
        let text = String::from_utf8(bytes)
            .unwrap_or_else(|e| panic!("{} is not UTF-8: {e}", path.display()));
        let params_file = path.extension().is_some_and(|e| e == "bicepparam");
        if !params_file {
            outcome.bicep_files += 1;
        }
        let file = match parse(&text) {
            Ok(file) => file,
            Err(e) => {
                outcome.findings.push(Finding {
                    file: name,
                    line: e.line,
                    col: Some(e.col),
                    code: "BC001",
                    message: format!("parse error: {}", e.message),
                });
                continue;
            }
        };
        let mut diags: Vec<Diag> = file
            .pragmas
            .iter()
            .filter(|(_, text)| text.starts_with("#disable"))
            .map(|(line, text)| Diag {
                line: *line,
                code: "MZ009",
                message: format!(
                    "'{text}' hides a compiler diagnostic; generated Bicep must not need it"
                ),
            })
            .collect();
        if params_file {
            check_params_file(&path, &file, &mut diags);
        } else {
            let mut checker = Checker::new(&file);
            for stmt in &file.statements {
                match &stmt.kind {
                    StmtKind::Resource(r) => checker.resource(r, None, &[]),
                    StmtKind::Module(m) => checker.module(&path, m),
                    _ => {}
                }
            }
            outcome.resources += checker.resources;
            outcome.deep += checker.deep;
            diags.append(&mut checker.diags);
            check_layout(&path, &file, &mut diags);
        }
        diags.extend(lint(&file, params_file));
        outcome.findings.extend(diags.into_iter().map(|d| Finding {
            file: name.clone(),
            line: d.line,
            col: None,
            code: d.code,
            message: d.message,
        }));
    }
    outcome
        .findings
        .sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
    outcome
}

/// The parameters a template declares: (name, required), required when it has no default and
/// is not nullable.
fn declared_params(file: &BicepFile) -> Vec<(String, bool)> {
    file.statements
        .iter()
        .filter_map(|s| match &s.kind {
            StmtKind::Param { name, ty, default } => Some((
                name.clone(),
                default.is_none() && !ty.as_ref().is_some_and(Type::is_nullable),
            )),
            _ => None,
        })
        .collect()
}

/// A file that exists and parses (its own findings come when it is checked itself).
fn parse_path(path: &Path) -> Option<BicepFile> {
    parse(&fs::read_to_string(path).ok()?).ok()
}

/// `main.bicep`: subscription scope and a description on every parameter; any other `.bicep`
/// (a module): resource-group (no `targetScope`) or subscription scope.
fn check_layout(path: &Path, file: &BicepFile, diags: &mut Vec<Diag>) {
    let scope = file.statements.iter().find_map(|s| match &s.kind {
        StmtKind::TargetScope(e) => Some((s.line, e.literal())),
        _ => None,
    });
    if path.file_name().is_some_and(|n| n == "main.bicep") {
        if scope
            .as_ref()
            .is_none_or(|(_, v)| v.as_deref() != Some("subscription"))
        {
            diags.push(Diag {
                line: scope.map_or(1, |(line, _)| line),
                code: "MZ002",
                message: "main.bicep must declare targetScope = 'subscription'".to_owned(),
            });
        }
        for stmt in &file.statements {
            if let StmtKind::Param { name, .. } = &stmt.kind
                && !stmt.has_description()
            {
                diags.push(Diag {
                    line: stmt.line,
                    code: "MZ001",
                    message: format!("parameter '{name}' has no @description"),
                });
            }
        }
    } else if let Some((line, value)) = scope
        && !matches!(value.as_deref(), Some("resourceGroup" | "subscription"))
    {
        diags.push(Diag {
            line,
            code: "MZ003",
            message: format!(
                "targetScope '{}': a module deploys to a resource group or the subscription",
                value.as_deref().unwrap_or("(an expression)")
            ),
        });
    }
}

/// `X.bicepparam`: starts with `using 'X.bicep'`, sets only parameters that file declares, and
/// every one it requires.
fn check_params_file(path: &Path, file: &BicepFile, diags: &mut Vec<Diag>) {
    let stem = path.file_stem().unwrap_or_default().to_string_lossy();
    let expected = format!("{stem}.bicep");
    let first = file.statements.first();
    let using = first.and_then(|s| match &s.kind {
        StmtKind::Using(Some(e)) => e.literal(),
        _ => None,
    });
    let line = first.map_or(1, |s| s.line);
    if using.as_deref() != Some(expected.as_str()) {
        diags.push(Diag {
            line,
            code: "MZ004",
            message: format!("a parameters file starts with using '{expected}'"),
        });
        return;
    }
    let target = path.with_file_name(&expected);
    let Some(template) = parse_path(&target) else {
        diags.push(Diag {
            line,
            code: "MZ004",
            message: format!("'{expected}' is missing or does not parse"),
        });
        return;
    };
    let declared = declared_params(&template);
    let mut set = BTreeSet::new();
    for stmt in &file.statements {
        if let StmtKind::Param { name, .. } = &stmt.kind {
            set.insert(name.as_str());
            if !declared.iter().any(|(d, _)| d == name) {
                diags.push(Diag {
                    line: stmt.line,
                    code: "MZ005",
                    message: format!("parameter '{name}' is not declared in '{expected}'"),
                });
            }
        }
    }
    for (name, required) in &declared {
        if *required && !set.contains(name.as_str()) {
            diags.push(Diag {
                line,
                code: "MZ006",
                message: format!("required parameter '{name}' of '{expected}' is not set"),
            });
        }
    }
}

/// `value` through `if (...)` and `[for ...]` (collecting the loop variables), then each
/// branch of a ternary.
fn bodies<'f>(value: &'f Expr, scope: &mut Vec<String>) -> Vec<&'f Expr> {
    let mut value = value;
    loop {
        match &value.kind {
            ExprKind::If { body, .. } => value = body,
            ExprKind::For { vars, body, .. } => {
                scope.extend(vars.iter().cloned());
                value = body;
            }
            _ => break,
        }
    }
    let mut out = Vec::new();
    let mut pending = vec![value];
    while let Some(e) = pending.pop() {
        match &e.kind {
            ExprKind::Ternary {
                then, otherwise, ..
            } => {
                pending.push(otherwise);
                pending.push(then);
            }
            ExprKind::If { body, .. } => pending.push(body),
            _ => out.push(e),
        }
    }
    out
}

/// Checks resource declarations against the types, and modules against their files.
struct Checker<'f> {
    types: &'static Types,
    vars: HashMap<&'f str, &'f Expr>,
    diags: Vec<Diag>,
    resources: usize,
    deep: usize,
}

impl<'f> Checker<'f> {
    fn new(file: &'f BicepFile) -> Self {
        let vars = file
            .statements
            .iter()
            .filter_map(|s| match &s.kind {
                StmtKind::Var { name, value } => Some((name.as_str(), value)),
                _ => None,
            })
            .collect();
        Self {
            types: types(),
            vars,
            diags: Vec::new(),
            resources: 0,
            deep: 0,
        }
    }

    fn diag(&mut self, line: usize, code: &'static str, message: String) {
        self.diags.push(Diag {
            line,
            code,
            message,
        });
    }

    /// A local module file exists, and is given exactly the parameters it declares.
    fn module(&mut self, path: &Path, m: &'f Module) {
        let Some(target) = m.path.literal() else {
            return;
        };
        let registry = target.split_once(':').is_some_and(|(scheme, _)| {
            matches!(scheme, "br" | "ts")
                || ((scheme.starts_with("br/") || scheme.starts_with("ts/")) && scheme.len() > 3)
        });
        if registry {
            return;
        }
        let full = path.parent().unwrap_or(Path::new(".")).join(&target);
        if !full.is_file() {
            self.diag(
                m.line,
                "BC060",
                format!("module '{}': local file '{target}' not found", m.symbol),
            );
            return;
        }
        let Some(module) = parse_path(&full) else {
            return;
        };
        let declared = declared_params(&module);
        for body in bodies(&m.value, &mut Vec::new()) {
            let ExprKind::Object(entries) = &body.kind else {
                continue;
            };
            let params = entries.iter().find_map(|e| match e {
                Entry::Prop {
                    key: Key::Name(k),
                    value,
                    ..
                } if k == "params" => Some(value),
                _ => None,
            });
            let given: Vec<(&str, usize)> = match params.map(|p| &p.kind) {
                None => Vec::new(),
                Some(ExprKind::Object(given))
                    if !given.iter().any(|e| matches!(e, Entry::Spread(_))) =>
                {
                    given
                        .iter()
                        .filter_map(|e| match e {
                            Entry::Prop {
                                key: Key::Name(k),
                                line,
                                ..
                            } => Some((k.as_str(), *line)),
                            _ => None,
                        })
                        .collect()
                }
                Some(_) => continue,
            };
            let missing: Vec<String> = declared
                .iter()
                .filter(|(name, required)| *required && !given.iter().any(|(g, _)| g == name))
                .map(|(name, _)| format!("'{name}'"))
                .collect();
            if !missing.is_empty() {
                self.diag(
                    m.line,
                    "MZ008",
                    format!(
                        "module '{}': required parameter{} {} of '{target}' {} not set",
                        m.symbol,
                        if missing.len() == 1 { "" } else { "s" },
                        missing.join(", "),
                        if missing.len() == 1 { "is" } else { "are" },
                    ),
                );
            }
            for (name, line) in given {
                if !declared.iter().any(|(d, _)| d == name) {
                    self.diag(
                        line,
                        "MZ007",
                        format!(
                            "module '{}': '{target}' declares no parameter '{name}'",
                            m.symbol
                        ),
                    );
                }
            }
        }
    }

    /// A resource declaration: its type and version, its body, its nested children.
    fn resource(
        &mut self,
        r: &'f Resource,
        parent: Option<(&str, Option<&str>)>,
        scope: &[String],
    ) {
        self.resources += 1;
        let mut scope = scope.to_vec();
        let bodies = bodies(&r.value, &mut scope);
        let Some(full) = r.ty.literal() else {
            self.diag(
                r.line,
                "BC013",
                format!(
                    "resource '{}': interpolated type string, not checked",
                    r.symbol
                ),
            );
            self.children(&bodies, None, &scope);
            return;
        };
        let (mut name, mut version) = match full.rsplit_once('@') {
            Some((n, v)) => (n.to_owned(), Some(v.to_owned())),
            None => (full.clone(), None),
        };
        if let Some((parent_name, parent_version)) = parent
            && !name.contains('/')
        {
            name = format!("{parent_name}/{name}");
            if version.is_none() {
                version = parent_version.map(str::to_owned);
            }
        }
        let Some(version) = version else {
            self.diag(
                r.line,
                "BC011",
                format!("resource '{}': type '{full}' has no API version", r.symbol),
            );
            self.children(&bodies, Some((&name, None)), &scope);
            return;
        };
        let types = self.types;
        let lower = name.to_lowercase();
        let namespace = lower.split('/').next().unwrap_or_default().to_owned();
        let target = types.target_namespaces.contains(&namespace);
        let Some(catalog) = types.json["catalog"].get(&lower) else {
            if types.namespaces.contains(&namespace) {
                let candidates: Vec<&str> = types.json["catalog"]
                    .as_object()
                    .expect("catalog")
                    .keys()
                    .filter(|k| k.starts_with(&format!("{namespace}/")))
                    .map(String::as_str)
                    .collect();
                let hint = suggest(&lower, candidates)
                    .map(|k| {
                        let shown = types.json["catalog"][k]["name"].as_str().unwrap_or(k);
                        format!(" (did you mean '{shown}'?)")
                    })
                    .unwrap_or_default();
                let code = "BC010";
                let scope_note = if target {
                    ""
                } else {
                    " (outside the extracted namespaces)"
                };
                self.diag(
                    r.line,
                    code,
                    format!(
                        "resource '{}': unknown resource type '{name}'{hint}{scope_note}",
                        r.symbol
                    ),
                );
            } else {
                self.diag(
                    r.line,
                    "BC014",
                    format!(
                        "resource '{}': namespace of '{name}' is not in the Azure type catalog, not checked",
                        r.symbol
                    ),
                );
            }
            self.children(&bodies, Some((&name, Some(&version))), &scope);
            return;
        };
        let versions = strings(&catalog["versions"]);
        if !versions.iter().any(|v| v.eq_ignore_ascii_case(&version)) {
            let latest = versions[versions.len().saturating_sub(4)..].join(", ");
            self.diag(
                r.line,
                "BC011",
                format!(
                    "resource '{}': API version '{version}' does not exist for '{name}' (latest: {latest})",
                    r.symbol
                ),
            );
            self.children(&bodies, Some((&name, Some(&version))), &scope);
            return;
        }
        let extracted = types
            .extracted
            .get(&lower)
            .map(|k| &types.json["resources"][k]);
        let entry = extracted.and_then(|e| e.get(&version));
        if let (Some(extracted), None) = (extracted, entry) {
            let have: Vec<&String> = extracted.as_object().expect("versions").keys().collect();
            let have: Vec<&str> = have.iter().map(|s| s.as_str()).collect();
            self.diag(
                r.line,
                "BC012",
                format!(
                    "resource '{}': {name}@{version} exists but is not in tests/data/bicep-types.json ({}), so its body is not checked",
                    r.symbol,
                    have.join(", ")
                ),
            );
        }
        if let Some(entry) = entry
            && !r.existing
        {
            self.deep += 1;
            let schema = entry["schema"].as_str().expect("a schema key");
            for body in &bodies {
                self.value(body, schema, &entry["body"], &r.symbol, true, &scope);
            }
        }
        self.children(&bodies, Some((&name, Some(&version))), &scope);
    }

    fn children(
        &mut self,
        bodies: &[&'f Expr],
        parent: Option<(&str, Option<&str>)>,
        scope: &[String],
    ) {
        for body in bodies {
            if let ExprKind::Object(entries) = &body.kind {
                for entry in entries {
                    if let Entry::Resource(child) = entry {
                        self.resource(child, parent, scope);
                    }
                }
            }
        }
    }

    /// An identifier naming a file-level var (not shadowed by a loop variable) is its value.
    fn resolve(&self, mut v: &'f Expr, scope: &[String]) -> &'f Expr {
        let mut seen = BTreeSet::new();
        while let ExprKind::Ident(name) = &v.kind {
            if scope.contains(name) || !seen.insert(name.as_str()) {
                break;
            }
            match self.vars.get(name.as_str()) {
                Some(value) => v = value,
                None => break,
            }
        }
        v
    }

    /// Checks `v` against node `id` of `schema`. Only literals are checked: strings without
    /// interpolation, numbers, booleans, objects, arrays and for-expressions; through `if`,
    /// both branches of a ternary, and vars.
    fn value(
        &mut self,
        v: &'f Expr,
        schema: &str,
        id: &Value,
        path: &str,
        top: bool,
        scope: &[String],
    ) {
        let types = self.types;
        let node = types.node(schema, id);
        let v = self.resolve(v, scope);
        match &v.kind {
            ExprKind::Ternary {
                then, otherwise, ..
            } => {
                self.value(then, schema, id, path, top, scope);
                self.value(otherwise, schema, id, path, top, scope);
                return;
            }
            ExprKind::If { body, .. } => return self.value(body, schema, id, path, top, scope),
            ExprKind::Null => return,
            ExprKind::Str(_) if v.literal().is_none() => return,
            ExprKind::Str(_)
            | ExprKind::Int(_)
            | ExprKind::Bool(_)
            | ExprKind::Object(_)
            | ExprKind::Array(_)
            | ExprKind::For { .. } => {}
            _ if v.int().is_some() => {}
            _ => return,
        }
        match node["kind"].as_str().unwrap_or_default() {
            "object" | "discriminated" => match &v.kind {
                ExprKind::For { .. } => {}
                ExprKind::Object(entries) => {
                    self.object(v, entries, schema, node, path, top, scope);
                }
                _ => self.mismatch(v, "an object", path),
            },
            "array" => match &v.kind {
                ExprKind::For { vars, body, .. } => {
                    let mut inner = scope.to_vec();
                    inner.extend(vars.iter().cloned());
                    self.value(
                        body,
                        schema,
                        &node["items"],
                        &format!("{path}[]"),
                        false,
                        &inner,
                    );
                }
                ExprKind::Array(items) => {
                    for item in items {
                        if let Item::Value(item) = item {
                            self.value(
                                item,
                                schema,
                                &node["items"],
                                &format!("{path}[]"),
                                false,
                                scope,
                            );
                        }
                    }
                }
                _ => self.mismatch(v, "an array", path),
            },
            "string" => match v.literal() {
                Some(text) => self.enumeration(&text, v.line, node, path),
                None => self.mismatch(v, "a string", path),
            },
            "int" if v.int().is_none() => self.mismatch(v, "an int", path),
            "bool" if !matches!(v.kind, ExprKind::Bool(_)) => self.mismatch(v, "a bool", path),
            "union" => self.union(v, schema, node, path, scope),
            _ => {}
        }
    }

    /// Accepted when any member accepts it; otherwise the findings of the closest member.
    fn union(&mut self, v: &'f Expr, schema: &str, node: &Value, path: &str, scope: &[String]) {
        if let Some(text) = v.literal()
            && node.get("enum").is_some()
            && (strings(&node["enum"]).contains(&text) || node["extensible"] == true)
        {
            return;
        }
        let mut best: Option<Vec<Diag>> = None;
        for member in node["elements"].as_array().into_iter().flatten() {
            let before = self.diags.len();
            self.value(v, schema, member, path, false, scope);
            let found: Vec<Diag> = self.diags.drain(before..).collect();
            if found.is_empty() {
                return;
            }
            if best.as_ref().is_none_or(|b| found.len() < b.len()) {
                best = Some(found);
            }
        }
        self.diags.extend(best.unwrap_or_default());
    }

    fn mismatch(&mut self, v: &Expr, expected: &str, path: &str) {
        let got = match &v.kind {
            ExprKind::Object(_) => "an object".to_owned(),
            ExprKind::Array(_) => "an array".to_owned(),
            ExprKind::For { .. } => "an array (for-expression)".to_owned(),
            ExprKind::Bool(b) => format!("bool {b}"),
            _ => match (v.literal(), v.int()) {
                (Some(text), _) => format!("string '{}'", clip(&text)),
                (_, Some(n)) => format!("int {n}"),
                _ => "an expression".to_owned(),
            },
        };
        self.diag(
            v.line,
            "BC032",
            format!("{path}: expected {expected}, got {got}"),
        );
    }

    /// A string literal against the enum of its node (closed or open alike); without an enum,
    /// against the values other APIs use for a conventionally enumerated property name.
    fn enumeration(&mut self, text: &str, line: usize, node: &Value, path: &str) {
        let allowed = strings(&node["enum"]);
        if allowed.is_empty() {
            let name = path
                .rsplit('.')
                .next()
                .unwrap_or(path)
                .trim_end_matches("[]");
            let Some(known) = self.types.conventional.get(name).filter(|k| !k.is_empty()) else {
                return;
            };
            if known.contains(text) {
                return;
            }
            let listed = quoted(known.iter().map(String::as_str));
            if let Some(same) = known.iter().find(|k| k.eq_ignore_ascii_case(text)) {
                self.diag(
                    line,
                    "BC031",
                    format!("{path}: value '{text}' differs only in case from '{same}'"),
                );
            } else {
                self.diag(
                    line,
                    "BC033",
                    format!(
                        "{path}: value '{}' is not a value other APIs use for '{name}' ({listed}); this API types it as a free string",
                        clip(text)
                    ),
                );
            }
            return;
        }
        if allowed.iter().any(|a| a == text) {
            return;
        }
        if let Some(same) = allowed.iter().find(|a| a.eq_ignore_ascii_case(text)) {
            self.diag(
                line,
                "BC031",
                format!("{path}: value '{text}' differs only in case from '{same}'"),
            );
            return;
        }
        let mut listed = quoted(allowed.iter().take(12).map(String::as_str));
        if allowed.len() > 12 {
            listed.push_str(" ...");
        }
        let open = if node["extensible"] == true {
            " (an open enum, but not a documented value)"
        } else {
            ""
        };
        let hint = suggest(text, allowed.iter().map(String::as_str))
            .map(|s| format!(" (did you mean '{s}'?)"))
            .unwrap_or_default();
        self.diag(
            line,
            "BC030",
            format!(
                "{path}: value '{}' is not one of {listed}{open}{hint}",
                clip(text)
            ),
        );
    }

    /// An object literal against an object or discriminated node.
    #[allow(clippy::too_many_arguments)]
    fn object(
        &mut self,
        o: &'f Expr,
        entries: &'f [Entry],
        schema: &str,
        node: &Value,
        path: &str,
        top: bool,
        scope: &[String],
    ) {
        if node["kind"] != "discriminated" {
            let props = node["properties"].as_object().cloned().unwrap_or_default();
            let name = node["name"].as_str().unwrap_or("object");
            let additional = node.get("additionalProperties");
            return self.properties(
                o, entries, schema, &props, additional, name, path, top, scope, true,
            );
        }
        let types = self.types;
        let discriminator = node["discriminator"].as_str().expect("a discriminator");
        let elements = node["elements"].as_object().expect("elements");
        let mut props = node["baseProperties"]
            .as_object()
            .cloned()
            .unwrap_or_default();
        let chosen = entries.iter().rev().find_map(|e| match e {
            Entry::Prop {
                key: Key::Name(k),
                value,
                ..
            } if k == discriminator => Some(self.resolve(value, scope)),
            _ => None,
        });
        if let Some(value) = chosen
            && let Some(text) = value.literal()
        {
            let element = match elements.get(&text) {
                Some(element) => Some(element),
                None => {
                    let same = elements.keys().find(|k| k.eq_ignore_ascii_case(&text));
                    if let Some(same) = same {
                        self.diag(
                            value.line,
                            "BC031",
                            format!("{path}.{discriminator}: value '{text}' differs only in case from '{same}'"),
                        );
                    }
                    same.map(|k| &elements[k])
                }
            };
            let Some(element) = element else {
                let listed = quoted(elements.keys().map(String::as_str));
                let hint = suggest(&text, elements.keys().map(String::as_str))
                    .map(|s| format!(" (did you mean '{s}'?)"))
                    .unwrap_or_default();
                self.diag(
                    value.line,
                    "BC030",
                    format!(
                        "{path}.{discriminator}: value '{}' is not one of {listed}{hint}",
                        clip(&text)
                    ),
                );
                return;
            };
            let variant = types.node(schema, element);
            for (k, p) in variant["properties"].as_object().into_iter().flatten() {
                props.insert(k.clone(), p.clone());
            }
            let name = variant["name"].as_str().unwrap_or("object");
            let additional = variant.get("additionalProperties");
            return self.properties(
                o, entries, schema, &props, additional, name, path, top, scope, true,
            );
        }
        if chosen.is_none() && !entries.iter().any(|e| matches!(e, Entry::Spread(_))) {
            self.diag(
                o.line,
                "BC041",
                format!(
                    "{path}: missing discriminator property '{discriminator}' (one of {})",
                    quoted(elements.keys().map(String::as_str))
                ),
            );
        }
        // The variant is not known: any variant's property names, nothing required.
        for element in elements.values() {
            for (k, p) in types.node(schema, element)["properties"]
                .as_object()
                .into_iter()
                .flatten()
            {
                if !props.contains_key(k) {
                    props.insert(k.clone(), p.clone());
                }
            }
        }
        let name = node["name"].as_str().unwrap_or("object");
        self.properties(
            o, entries, schema, &props, None, name, path, top, scope, false,
        );
    }

    #[allow(clippy::too_many_arguments)]
    fn properties(
        &mut self,
        o: &'f Expr,
        entries: &'f [Entry],
        schema: &str,
        props: &Map<String, Value>,
        additional: Option<&Value>,
        name: &str,
        path: &str,
        top: bool,
        scope: &[String],
        check_required: bool,
    ) {
        let mut seen = BTreeSet::new();
        for entry in entries {
            let Entry::Prop {
                key, value, line, ..
            } = entry
            else {
                continue;
            };
            let key = match key {
                Key::Name(key) => key,
                Key::Interpolated(_) => {
                    if let Some(additional) = additional {
                        self.value(
                            value,
                            schema,
                            additional,
                            &format!("{path}.<key>"),
                            false,
                            scope,
                        );
                    }
                    continue;
                }
            };
            let at = format!("{path}.{key}");
            if top && BICEP_KEYS.contains(&key.as_str()) {
                continue;
            }
            let found = match props.get_key_value(key.as_str()) {
                Some(found) => Some(found),
                None => {
                    let same = props.iter().find(|(k, _)| k.eq_ignore_ascii_case(key));
                    if let Some((real, _)) = same {
                        self.diag(
                            *line,
                            "BC021",
                            format!("{at}: property name casing differs from '{real}'"),
                        );
                    }
                    same
                }
            };
            let Some((real, prop)) = found else {
                if let Some(additional) = additional {
                    self.value(value, schema, additional, &at, false, scope);
                    continue;
                }
                let mut candidates: Vec<&str> = props.keys().map(String::as_str).collect();
                if top {
                    candidates.extend(BICEP_KEYS);
                }
                let hint = suggest(key, candidates)
                    .map(|s| format!(" (did you mean '{s}'?)"))
                    .unwrap_or_default();
                self.diag(
                    *line,
                    "BC020",
                    format!("{at}: unknown property '{key}' on {name}{hint}"),
                );
                continue;
            };
            seen.insert(real.clone());
            if prop["readOnly"] == true && prop["required"] != true {
                self.diag(
                    *line,
                    "BC050",
                    format!("{at}: property '{key}' is read-only and cannot be set"),
                );
                continue;
            }
            self.value(value, schema, &prop["type"], &at, false, scope);
        }
        if check_required && !entries.iter().any(|e| matches!(e, Entry::Spread(_))) {
            let missing: Vec<&str> = props
                .iter()
                .filter(|(k, p)| {
                    p["required"] == true && p["readOnly"] != true && !seen.contains(*k)
                })
                .map(|(k, _)| k.as_str())
                .collect();
            if !missing.is_empty() {
                self.diag(
                    o.line,
                    "BC040",
                    format!(
                        "{path}: missing required propert{} {}",
                        if missing.len() == 1 { "y" } else { "ies" },
                        quoted(missing.into_iter())
                    ),
                );
            }
        }
    }
}

// ------------------------------------------------------------------------------ the linter

// The Bicep compiler runs its linter by default, and the generated Bicep must build without a
// warning from it. The rules below are written here from what the rules of Bicep commit
// 9beb0fee60ca53458f41492b699af440367b240b do (github.com/Azure/bicep,
// src/Bicep.Core/Analyzers/Linter/Rules/*.cs; the defaults of `no-hardcoded-env-urls` from
// src/Bicep.Core/Configuration/bicepconfig.json; default levels from each rule's category in
// src/Bicep.Core/Analyzers/Linter/LinterRuleBase.cs and its constructor's override). Each
// finding is coded with the rule's own name. Checked here (all warnings by default):
//
// - no-unused-params, no-unused-vars, no-unused-existing-resources: a top-level `param`, `var`
//   (not `@export()`ed) or `existing` resource (without nested resources) no expression of the
//   same file refers to. Parameters of a `.bicepparam` file are assignments and not checked.
// - no-hardcoded-env-urls: a string literal naming one of the default disallowed hosts, matched
//   as the rule does (see [`hardcoded_hosts`]).
// - no-unnecessary-dependson: a `dependsOn` entry the resource or module already depends on
//   through a reference in its body, directly or through other declarations (see
//   [`Linter::unnecessary_depends_on`]), or one listed twice.
// - prefer-unquoted-property-names: `'name': value` or `x['name']` where `name` is an
//   identifier (and not `true`, `false` or `null`).
// - use-parent-property: a child resource without `parent:` whose name starts with its
//   parent's name and a `/` (`'${vault.name}/key'`, or the name of a resource of the parent
//   type declared in the file).
// - simplify-interpolation: `'${x}'` as the value of a property, var, output or parameter
//   default where `x` is certainly a string (a string parameter or var, a resource's `id`,
//   `name`, `type` or `apiVersion`, a string function): without a type checker, only then.
// - prefer-interpolation: `concat(...)` of two or more arguments, one of them certainly a
//   string.
// - use-safe-access: `contains(a, 'b') ? a.b : c` (or `a['b']`). Not its other half, an access
//   to a nullable property, which needs the types of expressions.
// - simplify-json-null: `json('null')`.
// - secure-secrets-in-params: a `string` or `object` parameter without `@secure()` whose name
//   contains password, pwd, secret, accountkey or acctkey (but not secretpermissions,
//   secretversion, secreturi, secreturl or secretname), or whose default refers to a secure one.
// - secure-parameter-default: a `@secure()` parameter whose default is not `''`, `{}`, a secure
//   parameter or an expression calling `newGuid()`.
// - outputs-should-not-contain-secrets: an output without `@secure()` whose name contains
//   "password", or whose value refers to a secure parameter or calls a `list*` function
//   (`listKeys(...)`, `az.list*(...)`, `resource.list*()`); not secure-typed properties of
//   resources, which need the types.
// - no-deployments-resources: a `Microsoft.Resources/deployments` resource.
// - decompiler-cleanup: a resource named `..._resource` or a var named `..._var`.
//
// Default-on rules not checked here, and why:
//
// - adminusername-should-not-be-literal, use-stable-vm-image, protect-commandtoexecute-secrets,
//   use-recent-az-powershell-version: about virtual machines, VM extensions and deployment
//   scripts, which mlzone never generates.
// - artifacts-parameters: about `_artifactsLocation` parameters, which mlzone never generates.
// - secure-params-in-nested-deploy, nested-deployment-template-scoping (an error): about
//   `Microsoft.Resources/deployments` resources, which no-deployments-resources reports.
// - use-resource-symbol-reference, use-recognized-resource-type: about `reference()` and
//   `list*()` calls, which mlzone never generates (BC010 checks declared types).
// - use-secure-value-for-secure-inputs: needs the secure flag of resource properties, which
//   tests/data/bicep-types.json does not record; mlzone sets no secrets.
// - use-stable-resource-identifiers: needs data flow from `newGuid()`/`utcNow()` (allowed only
//   in parameter defaults) into names; mlzone writes literal names.
// - no-explicit-any, no-unused-types, no-unused-imports, no-conflicting-metadata: about `any`
//   types, `type` and `import` declarations and `@metadata`, which mlzone never generates (and
//   the parser here keeps no type, import or metadata names).
// - max-outputs, max-params, max-resources, max-variables, max-asserts (errors): the ARM limits
//   (64, 256, 800, 512, 32 a file) are far above what any generated file declares (at most 27
//   resources, 2 parameters, 1 var, no outputs or asserts today).
// - stacks-extensibility-compat: an info, not a warning.
//
// Off by default, so not checked: no-hardcoded-location, no-loc-expr-outside-params and
// explicit-values-for-loc-params (their category is off), no-hardcoded-outputs, no-module-name,
// use-recent-api-versions, use-recent-module-versions, use-resource-id-functions,
// use-user-defined-types, what-if-short-circuiting and the five use-description-* rules.

/// The default `disallowedhosts` of `no-hardcoded-env-urls` in bicepconfig.json.
const DISALLOWED_HOSTS: &[&str] = &[
    "azuredatalakeanalytics.net",
    "azuredatalakestore.net",
    "batch.core.windows.net",
    "core.windows.net",
    "database.windows.net",
    "datalake.azure.net",
    "gallery.azure.com",
    "graph.windows.net",
    "login.microsoftonline.com",
    "management.azure.com",
    "management.core.windows.net",
    "vault.azure.net",
];

/// The default `excludedhosts` of `no-hardcoded-env-urls` in bicepconfig.json.
const EXCLUDED_HOSTS: &[&str] = &["schema.management.azure.com"];

/// The properties of a resource whose reading does not read its body: a reference through them
/// is a weak dependency (`EmitConstants.ResourceInfoProperties`).
const RESOURCE_INFO: &[&str] = &["id", "name", "type", "apiVersion"];

/// Functions that certainly return a string, for `simplify-interpolation` and
/// `prefer-interpolation`.
const STRING_FUNCTIONS: &[&str] = &[
    "base64",
    "base64ToString",
    "dataUri",
    "dataUriToString",
    "extensionResourceId",
    "format",
    "guid",
    "managementGroupResourceId",
    "newGuid",
    "padLeft",
    "replace",
    "resourceId",
    "string",
    "subscriptionResourceId",
    "substring",
    "tenantResourceId",
    "toLower",
    "toUpper",
    "trim",
    "uniqueString",
    "uri",
    "uriComponent",
    "uriComponentToString",
    "utcNow",
];

/// Every place of `host` in `text` (both UTF-16, as .NET strings are) that no letter or digit
/// touches, as (start, length), the way the rule's `FindHostnameMatches` finds them: an
/// ordinal case-insensitive search from the start, each next search starting after the end of
/// the previous place, taken or not.
fn host_matches(host: &[u16], text: &[u16]) -> Vec<(usize, usize)> {
    // `char.ToUpperInvariant`: the simple upper case of a UTF-16 unit.
    let upper = |u: u16| {
        let Some(c) = char::from_u32(u32::from(u)) else {
            return u32::from(u);
        };
        let mut up = c.to_uppercase();
        match (up.next(), up.next()) {
            (Some(one), None) => u32::from(one),
            _ => u32::from(u),
        }
    };
    // `char.IsLetterOrDigit` of a UTF-16 unit: never for a surrogate. `is_alphanumeric` stands
    // in for the .NET categories; both agree on ASCII.
    let letter_or_digit =
        |u: u16| char::from_u32(u32::from(u)).is_some_and(|c| c.is_alphanumeric());
    let mut found = Vec::new();
    if host.is_empty() {
        return found;
    }
    let mut start = 0;
    while start + host.len() <= text.len() {
        let Some(at) = (start..=text.len() - host.len()).find(|&i| {
            host.iter()
                .zip(&text[i..])
                .all(|(h, t)| upper(*h) == upper(*t))
        }) else {
            break;
        };
        let end = at + host.len();
        let touched = (at > 0 && letter_or_digit(text[at - 1]))
            || text.get(end).is_some_and(|u| letter_or_digit(*u));
        if !touched {
            found.push((at, host.len()));
        }
        start = end;
    }
    found
}

/// `no-hardcoded-env-urls` over the strings of a `.bicep` file, as NoHardcodedEnvironmentUrlsRule.cs
/// (at the Bicep commit above) reads them: each
/// string longer (with its quotes and holes) than the shortest disallowed host; in it, each
/// token (`'text${`, `}text${`, `}text'`) as written, escapes and all, at least that long. The
/// first such token without a disallowed host ends the search in that string, as the rule's
/// loop does (`break`, not `continue`), so a host in a later token then goes unreported. In a
/// token, the places of all disallowed hosts, the first (and longest) of overlapping ones, less
/// those overlapping a place of an excluded host. Returns (line, the token's text, the host as
/// written).
fn hardcoded_hosts(file: &BicepFile) -> Vec<(usize, String, String)> {
    let utf16 = |s: &str| s.encode_utf16().collect::<Vec<u16>>();
    let disallowed: Vec<Vec<u16>> = DISALLOWED_HOSTS.iter().map(|h| utf16(h)).collect();
    let excluded: Vec<Vec<u16>> = EXCLUDED_HOSTS.iter().map(|h| utf16(h)).collect();
    let shortest = disallowed.iter().map(Vec::len).min().unwrap_or(0);
    // `TextSpan.AreOverlapping`: empty spans overlap nothing.
    let overlap = |(a, la): (usize, usize), (b, lb): (usize, usize)| {
        la > 0 && lb > 0 && a < b + lb && b < a + la
    };
    let mut found = Vec::new();
    for lit in &file.strings {
        if lit.span <= shortest {
            continue;
        }
        for (text, line, _) in &lit.tokens {
            let units = utf16(text);
            if units.len() < shortest {
                continue;
            }
            let mut hits: Vec<(usize, usize)> = disallowed
                .iter()
                .flat_map(|h| host_matches(h, &units))
                .collect();
            if hits.is_empty() {
                break;
            }
            let exclusions: Vec<(usize, usize)> = excluded
                .iter()
                .flat_map(|h| host_matches(h, &units))
                .collect();
            hits.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
            let mut previous: Option<(usize, usize)> = None;
            for hit in hits {
                if previous.is_some_and(|p| overlap(p, hit)) {
                    continue;
                }
                previous = Some(hit);
                if exclusions.iter().any(|e| overlap(*e, hit)) {
                    continue;
                }
                let before = String::from_utf16_lossy(&units[..hit.0]);
                let host = String::from_utf16_lossy(&units[hit.0..hit.0 + hit.1]);
                let shown = text
                    .strip_prefix("'''")
                    .and_then(|t| t.strip_suffix("'''"))
                    .or_else(|| {
                        let t = text.strip_prefix(['\'', '}'])?;
                        t.strip_suffix("${").or_else(|| t.strip_suffix('\''))
                    })
                    .unwrap_or(text);
                found.push((line + before.matches('\n').count(), clip(shown), host));
            }
        }
    }
    found
}

/// `name` is a Bicep identifier (`Lexer.IsValidIdentifier`).
fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A property name that needs no quotes (`StringUtils.IsPropertyNameEscapingRequired`).
fn needs_no_quotes(name: &str) -> bool {
    is_identifier(name) && !matches!(name, "true" | "false" | "null")
}

/// The decorator `@name(...)` or `@sys.name(...)` is on `stmt`.
fn decorated(stmt: &Stmt, name: &str) -> bool {
    stmt.decorators.iter().any(|d| {
        let ExprKind::Call { callee, .. } = &d.kind else {
            return false;
        };
        match &callee.kind {
            ExprKind::Ident(n) => n == name,
            ExprKind::Member { base, name: n, .. } => {
                n == name && matches!(&base.kind, ExprKind::Ident(sys) if sys == "sys")
            }
            _ => false,
        }
    })
}

/// A call to the built-in function `name` (`name(...)`, `sys.name(...)` or `az.name(...)`):
/// its arguments.
fn system_call<'f>(e: &'f Expr, name: &str) -> Option<&'f [Expr]> {
    let ExprKind::Call { callee, args } = &e.kind else {
        return None;
    };
    let named = match &callee.kind {
        ExprKind::Ident(n) => n == name,
        ExprKind::Member { base, name: n, .. } => {
            n == name && matches!(&base.kind, ExprKind::Ident(ns) if ns == "sys" || ns == "az")
        }
        _ => false,
    };
    named.then_some(args.as_slice())
}

/// `name` ends in `suffix` right after a letter or digit (`[a-zA-Z0-9]+_resource$`).
fn decompiled(name: &str, suffix: &str) -> bool {
    name.strip_suffix(suffix)
        .and_then(|rest| rest.chars().last())
        .is_some_and(|c| c.is_ascii_alphanumeric())
}

/// A string's text segments (one more than its holes, empty ones included) and its holes.
fn segments(parts: &[Part]) -> (Vec<String>, Vec<&Expr>) {
    let mut texts = vec![String::new()];
    let mut holes = Vec::new();
    for part in parts {
        match part {
            Part::Text(text) => texts.last_mut().expect("a segment").push_str(text),
            Part::Hole(e) => {
                holes.push(e);
                texts.push(String::new());
            }
        }
    }
    (texts, holes)
}

/// The object of a resource or module value, through `if (...)` and `[for ...]`, and whether
/// it is a collection (`[for ...]`).
fn decl_body(value: &Expr) -> (Option<&[Entry]>, bool) {
    let mut value = value;
    let mut collection = false;
    loop {
        match &value.kind {
            ExprKind::If { body, .. } => value = body,
            ExprKind::For { body, .. } => {
                collection = true;
                value = body;
            }
            ExprKind::Object(entries) => return (Some(entries), collection),
            _ => return (None, collection),
        }
    }
}

/// The value of property `key` of an object expression (a resource or module body), if it is
/// one and has it.
pub(crate) fn prop<'e>(object: &'e Expr, key: &str) -> Option<&'e Expr> {
    match &object.kind {
        ExprKind::Object(entries) => property(entries, key),
        _ => None,
    }
}

/// The value of property `key` of an object.
fn property<'f>(entries: &'f [Entry], key: &str) -> Option<&'f Expr> {
    entries.iter().find_map(|e| match e {
        Entry::Prop {
            key: Key::Name(k),
            value,
            ..
        } if k == key => Some(value),
        _ => None,
    })
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum DeclKind {
    Param,
    Var,
    Resource,
    Module,
}

/// A declaration an identifier can refer to: top-level, or a resource nested in another.
struct Decl<'f> {
    name: &'f str,
    kind: DeclKind,
    line: usize,
    stmt: Option<&'f Stmt>,
    resource: Option<&'f Resource>,
    /// Modules and resources: the body object (through `if` and `for`).
    body: Option<&'f [Entry]>,
    /// A `[for ...]` module or resource.
    collection: bool,
    /// Resources: the type without the API version, when a literal (a nested resource's
    /// prefixed with its parent's).
    ty: Option<String>,
    /// Nested resources: the resource they are declared in.
    parent: Option<usize>,
    /// Resources: the resources declared in them, by symbol.
    children: Vec<(&'f str, usize)>,
}

/// A reference from an expression to a declaration.
struct Use {
    /// The resource, module, var, parameter or output whose declaration holds it.
    from: Option<usize>,
    to: usize,
    /// To a resource, reading none of its body (its `id`, `name`, `type` or `apiVersion`, a
    /// function of it, or within `parent:` or `scope:`).
    weak: bool,
    /// Within the top-level `dependsOn` of `from`.
    explicit: bool,
}

/// The linter over one file (see the rules above).
struct Linter<'f> {
    decls: Vec<Decl<'f>>,
    top: HashMap<&'f str, usize>,
    uses: Vec<Use>,
    /// `dependsOn` entries: (the resource or module, what the entry refers to, its line).
    depends_on: Vec<(usize, Option<usize>, usize)>,
    diags: Vec<Diag>,
    /// While walking: the declaration being walked, whether within its `parent:`/`scope:` or
    /// within its `dependsOn`, the loop and lambda variables in scope, and the resources whose
    /// nested resources are in scope (innermost last).
    owner: Option<usize>,
    weak_zone: bool,
    explicit: bool,
    locals: Vec<&'f str>,
    scopes: Vec<usize>,
}

/// The linter's findings on a `.bicep` or `.bicepparam` file.
fn lint(file: &BicepFile, params_file: bool) -> Vec<Diag> {
    let mut linter = Linter {
        decls: Vec::new(),
        top: HashMap::new(),
        uses: Vec::new(),
        depends_on: Vec::new(),
        diags: Vec::new(),
        owner: None,
        weak_zone: false,
        explicit: false,
        locals: Vec::new(),
        scopes: Vec::new(),
    };
    linter.declare_all(file);
    linter.walk(file, params_file);
    linter.unused(params_file);
    linter.unnecessary_depends_on();
    linter.parent_property();
    linter.declarations(file, params_file);
    if !params_file {
        for (line, text, host) in hardcoded_hosts(file) {
            linter.diag(
                line,
                "no-hardcoded-env-urls",
                format!(
                    "'{text}' hard-codes the host '{host}' of one cloud; take it from environment()"
                ),
            );
        }
    }
    linter.diags
}

impl<'f> Linter<'f> {
    fn diag(&mut self, line: usize, code: &'static str, message: String) {
        self.diags.push(Diag {
            line,
            code,
            message,
        });
    }

    fn declare_all(&mut self, file: &'f BicepFile) {
        for stmt in &file.statements {
            let (name, kind) = match &stmt.kind {
                StmtKind::Param { name, .. } => (name.as_str(), DeclKind::Param),
                StmtKind::Var { name, .. } => (name.as_str(), DeclKind::Var),
                StmtKind::Resource(r) => {
                    let index = self.declare_resource(r, None);
                    self.decls[index].stmt = Some(stmt);
                    self.top.insert(&r.symbol, index);
                    continue;
                }
                StmtKind::Module(m) => {
                    let (body, collection) = decl_body(&m.value);
                    self.top.insert(&m.symbol, self.decls.len());
                    self.decls.push(Decl {
                        name: &m.symbol,
                        kind: DeclKind::Module,
                        line: m.line,
                        stmt: Some(stmt),
                        resource: None,
                        body,
                        collection,
                        ty: None,
                        parent: None,
                        children: Vec::new(),
                    });
                    continue;
                }
                _ => continue,
            };
            self.top.insert(name, self.decls.len());
            self.decls.push(Decl {
                name,
                kind,
                line: stmt.line,
                stmt: Some(stmt),
                resource: None,
                body: None,
                collection: false,
                ty: None,
                parent: None,
                children: Vec::new(),
            });
        }
    }

    fn declare_resource(&mut self, r: &'f Resource, parent: Option<usize>) -> usize {
        let index = self.decls.len();
        let (body, collection) = decl_body(&r.value);
        let ty = r.ty.literal().map(|full| {
            let name = full.rsplit_once('@').map_or(full.as_str(), |(n, _)| n);
            match parent.and_then(|p| self.decls[p].ty.as_deref()) {
                Some(parent_ty) if !name.contains('/') => format!("{parent_ty}/{name}"),
                _ => name.to_owned(),
            }
        });
        self.decls.push(Decl {
            name: &r.symbol,
            kind: DeclKind::Resource,
            line: r.line,
            stmt: None,
            resource: Some(r),
            body,
            collection,
            ty,
            parent,
            children: Vec::new(),
        });
        for entry in body.into_iter().flatten() {
            if let Entry::Resource(child) = entry {
                let c = self.declare_resource(child, Some(index));
                self.decls[index].children.push((&child.symbol, c));
            }
        }
        index
    }

    /// The declaration `name` denotes here: not a loop or lambda variable; a nested resource in
    /// scope; a top-level declaration.
    fn lookup(&self, name: &str) -> Option<usize> {
        if self.locals.contains(&name) {
            return None;
        }
        for scope in self.scopes.iter().rev() {
            if let Some((_, child)) = self.decls[*scope].children.iter().find(|(n, _)| *n == name) {
                return Some(*child);
            }
        }
        self.top.get(name).copied()
    }

    /// The declaration an expression is a reference to: `x`, `x::y`, `x!`, and `x[i]` of a
    /// collection.
    fn target(&self, e: &Expr) -> Option<usize> {
        match &e.kind {
            ExprKind::Ident(name) => self.lookup(name),
            ExprKind::Nested { base, name } => {
                let parent = self.target(base)?;
                self.decls[parent]
                    .children
                    .iter()
                    .find(|(n, _)| n == name)
                    .map(|(_, c)| *c)
            }
            ExprKind::NonNull(inner) => self.target(inner),
            ExprKind::Index { base, index, .. } if index.literal().is_none() => {
                self.target(base).filter(|d| self.decls[*d].collection)
            }
            _ => None,
        }
    }

    fn add(&mut self, to: usize, weak: bool) {
        let weak = (weak || self.weak_zone) && self.decls[to].kind == DeclKind::Resource;
        self.uses.push(Use {
            from: self.owner,
            to,
            weak,
            explicit: self.explicit,
        });
    }

    /// Records the reference `e` is ([`Self::target`]), weak as said (or within `parent:` or
    /// `scope:`); `x` of `x::y` is a reference of its own, not weak.
    fn reference(&mut self, e: &'f Expr, weak: bool) {
        match &e.kind {
            ExprKind::Ident(name) => {
                if let Some(to) = self.lookup(name) {
                    self.add(to, weak);
                }
            }
            ExprKind::Nested { base, .. } => {
                if let Some(to) = self.target(e) {
                    self.add(to, weak);
                }
                self.reference(base, false);
            }
            ExprKind::NonNull(inner) => self.reference(inner, weak),
            ExprKind::Index { base, index, .. } if self.target(e).is_some() => {
                self.expr(index);
                self.reference(base, weak);
            }
            _ => self.expr(e),
        }
    }

    fn walk(&mut self, file: &'f BicepFile, params_file: bool) {
        for stmt in &file.statements {
            let owner = match &stmt.kind {
                StmtKind::Param { name, .. } | StmtKind::Var { name, .. } => {
                    self.top.get(name.as_str()).copied()
                }
                StmtKind::Resource(r) => self.top.get(r.symbol.as_str()).copied(),
                StmtKind::Module(m) => self.top.get(m.symbol.as_str()).copied(),
                _ => None,
            };
            self.owner = owner;
            for decorator in &stmt.decorators {
                self.expr(decorator);
            }
            match &stmt.kind {
                StmtKind::TargetScope(e) | StmtKind::Assert(e) => self.expr(e),
                StmtKind::Param {
                    default: Some(e), ..
                }
                | StmtKind::Var { value: e, .. }
                | StmtKind::Output { value: e, .. } => {
                    // A parameter of a `.bicepparam` file is an assignment, not a default.
                    if !(params_file && matches!(stmt.kind, StmtKind::Param { .. })) {
                        self.simplify_interpolation(e);
                    }
                    self.expr(e);
                }
                StmtKind::Resource(Resource { value, .. })
                | StmtKind::Module(Module { value, .. }) => {
                    if let Some(owner) = owner {
                        self.declaration(owner, value);
                    }
                }
                _ => {}
            }
        }
        self.owner = None;
    }

    /// The value of resource or module `owner`: its condition and loop, then its body, where
    /// `parent:`, `scope:` and `dependsOn` are Bicep's and nested resources are their own.
    fn declaration(&mut self, owner: usize, value: &'f Expr) {
        match &value.kind {
            ExprKind::If { cond, body } => {
                self.expr(cond);
                self.declaration(owner, body);
            }
            ExprKind::For { vars, source, body } => {
                self.expr(source);
                let depth = self.locals.len();
                self.locals.extend(vars.iter().map(String::as_str));
                self.declaration(owner, body);
                self.locals.truncate(depth);
            }
            ExprKind::Object(entries) => {
                let resource = self.decls[owner].kind == DeclKind::Resource;
                if resource {
                    self.scopes.push(owner);
                }
                for entry in entries {
                    match entry {
                        Entry::Prop {
                            key: Key::Name(key),
                            value,
                            quoted,
                            line,
                        } => {
                            self.unquoted(key, *quoted, *line);
                            self.simplify_interpolation(value);
                            match key.as_str() {
                                "parent" | "scope" => {
                                    self.weak_zone = true;
                                    self.expr(value);
                                    self.weak_zone = false;
                                }
                                "dependsOn" => {
                                    if let ExprKind::Array(items) = &value.kind {
                                        for item in items {
                                            if let Item::Value(e) = item {
                                                let to = match e.kind {
                                                    ExprKind::Ident(_)
                                                    | ExprKind::Nested { .. } => self.target(e),
                                                    _ => None,
                                                };
                                                self.depends_on.push((owner, to, e.line));
                                            }
                                        }
                                    }
                                    // Only a `dependsOn` written as an identifier is left out
                                    // of the inferred dependencies.
                                    self.explicit = !quoted;
                                    self.expr(value);
                                    self.explicit = false;
                                }
                                _ => self.expr(value),
                            }
                        }
                        Entry::Prop {
                            key: Key::Interpolated(key),
                            value,
                            ..
                        } => {
                            self.expr(key);
                            self.simplify_interpolation(value);
                            self.expr(value);
                        }
                        Entry::Spread(e) => self.expr(e),
                        Entry::Resource(child) => {
                            let children = &self.decls[owner].children;
                            let Some(&(_, index)) =
                                children.iter().find(|(name, _)| *name == child.symbol)
                            else {
                                continue;
                            };
                            let outer = self.owner.replace(index);
                            self.declaration(index, &child.value);
                            self.owner = outer;
                        }
                    }
                }
                if resource {
                    self.scopes.pop();
                }
            }
            _ => self.expr(value),
        }
    }

    /// Walks an expression: its references, and the rules on expressions.
    fn expr(&mut self, e: &'f Expr) {
        self.expression_rules(e);
        match &e.kind {
            ExprKind::Ident(_) | ExprKind::Nested { .. } => self.reference(e, false),
            ExprKind::Member { base, name, .. } => {
                if self.target(base).is_some() {
                    self.reference(base, RESOURCE_INFO.contains(&name.as_str()));
                } else {
                    self.expr(base);
                }
            }
            ExprKind::Index { base, index, .. } => match index.literal() {
                Some(text) if self.target(base).is_some() => {
                    self.reference(base, RESOURCE_INFO.contains(&text.as_str()));
                }
                _ if self.target(e).is_some() => self.reference(e, false),
                _ => {
                    self.expr(base);
                    self.expr(index);
                }
            },
            ExprKind::Call { callee, args } => {
                match &callee.kind {
                    ExprKind::Ident(_) => {}
                    ExprKind::Member { base, .. } => {
                        if self.target(base).is_some() {
                            self.reference(base, true);
                        } else {
                            self.expr(base);
                        }
                    }
                    _ => self.expr(callee),
                }
                for arg in args {
                    self.expr(arg);
                }
            }
            ExprKind::NonNull(inner) => self.expr(inner),
            ExprKind::Str(parts) => {
                for part in parts {
                    if let Part::Hole(hole) = part {
                        self.expr(hole);
                    }
                }
            }
            ExprKind::Object(entries) => {
                for entry in entries {
                    match entry {
                        Entry::Prop {
                            key: Key::Name(_),
                            value,
                            ..
                        } => {
                            self.simplify_interpolation(value);
                            self.expr(value);
                        }
                        Entry::Prop {
                            key: Key::Interpolated(key),
                            value,
                            ..
                        } => {
                            self.expr(key);
                            self.simplify_interpolation(value);
                            self.expr(value);
                        }
                        Entry::Spread(inner) => self.expr(inner),
                        Entry::Resource(_) => {}
                    }
                }
            }
            ExprKind::Array(items) => {
                for item in items {
                    let (Item::Value(inner) | Item::Spread(inner)) = item;
                    self.expr(inner);
                }
            }
            ExprKind::For { vars, source, body } => {
                self.expr(source);
                let depth = self.locals.len();
                self.locals.extend(vars.iter().map(String::as_str));
                self.expr(body);
                self.locals.truncate(depth);
            }
            ExprKind::Lambda { params, body } => {
                let depth = self.locals.len();
                self.locals.extend(params.iter().map(String::as_str));
                self.expr(body);
                self.locals.truncate(depth);
            }
            ExprKind::If { cond, body } => {
                self.expr(cond);
                self.expr(body);
            }
            ExprKind::Unary { operand, .. } => self.expr(operand),
            ExprKind::Binary { left, right, .. } => {
                self.expr(left);
                self.expr(right);
            }
            ExprKind::Ternary {
                cond,
                then,
                otherwise,
            } => {
                self.expr(cond);
                self.expr(then);
                self.expr(otherwise);
            }
            ExprKind::Int(_) | ExprKind::Bool(_) | ExprKind::Null => {}
        }
    }

    /// prefer-unquoted-property-names on a property name.
    fn unquoted(&mut self, key: &str, quoted: bool, line: usize) {
        if quoted && needs_no_quotes(key) {
            self.diag(
                line,
                "prefer-unquoted-property-names",
                format!("property name '{key}' needs no quotes"),
            );
        }
    }

    /// The rules on a single expression: prefer-unquoted-property-names, prefer-interpolation,
    /// simplify-json-null, use-safe-access.
    fn expression_rules(&mut self, e: &'f Expr) {
        match &e.kind {
            ExprKind::Object(entries) => {
                for entry in entries {
                    if let Entry::Prop {
                        key: Key::Name(key),
                        quoted,
                        line,
                        ..
                    } = entry
                    {
                        self.unquoted(key, *quoted, *line);
                    }
                }
            }
            ExprKind::Index { index, .. } => {
                if let Some(name) = index.literal().filter(|n| needs_no_quotes(n)) {
                    self.diag(
                        index.line,
                        "prefer-unquoted-property-names",
                        format!("['{name}'] can be .{name}"),
                    );
                }
            }
            ExprKind::Ternary { cond, then, .. } => {
                if let Some([object, name]) = system_call(cond, "contains") {
                    let checked = match &then.kind {
                        ExprKind::Member { base, name: n, .. } => {
                            base.show() == object.show() && name.literal().as_deref() == Some(n)
                        }
                        ExprKind::Index { base, index, .. } => {
                            base.show() == object.show() && index.show() == name.show()
                        }
                        _ => false,
                    };
                    if checked {
                        self.diag(
                            e.line,
                            "use-safe-access",
                            format!(
                                "contains({0}, k) ? {0}.k : x can be {0}.?k ?? x",
                                brief(object)
                            ),
                        );
                    }
                }
            }
            _ => {}
        }
        if let Some(args) = system_call(e, "json")
            && let [arg] = args
            && arg.literal().is_some_and(|t| t.trim() == "null")
        {
            self.diag(
                e.line,
                "simplify-json-null",
                "json('null') is null".to_owned(),
            );
        }
        if let Some(args) = system_call(e, "concat")
            && args.len() > 1
            && args.iter().any(|a| self.is_string(a, 0))
        {
            self.diag(
                e.line,
                "prefer-interpolation",
                "concat(...) of strings can be an interpolated string".to_owned(),
            );
        }
    }

    /// simplify-interpolation on the value of a property, var, output or parameter default.
    fn simplify_interpolation(&mut self, value: &'f Expr) {
        let ExprKind::Str(parts) = &value.kind else {
            return;
        };
        if let [Part::Hole(inner)] = parts.as_slice()
            && self.is_string(inner, 0)
        {
            let shown = brief(inner);
            self.diag(
                value.line,
                "simplify-interpolation",
                format!("'${{{shown}}}' is the string {shown} itself"),
            );
        }
    }

    /// `e` is certainly a string (without a type checker: only in the plain cases).
    fn is_string(&self, e: &Expr, depth: usize) -> bool {
        if depth > 16 {
            return false;
        }
        match &e.kind {
            ExprKind::Str(_) => true,
            ExprKind::Ident(name) => self.lookup(name).is_some_and(|d| {
                let decl = &self.decls[d];
                match decl.stmt.map(|s| &s.kind) {
                    Some(StmtKind::Param {
                        ty: Some(Type::Named(ty)),
                        ..
                    }) => ty == "string" || ty == "sys.string",
                    Some(StmtKind::Var { value, .. }) => self.is_string(value, depth + 1),
                    _ => false,
                }
            }),
            ExprKind::Member { base, name, .. } => {
                let of_resource = self
                    .target(base)
                    .is_some_and(|d| self.decls[d].kind == DeclKind::Resource);
                let of_scope = ["resourceGroup", "subscription", "tenant", "deployment"]
                    .iter()
                    .any(|f| system_call(base, f).is_some());
                (of_resource && RESOURCE_INFO.contains(&name.as_str()))
                    || (of_scope
                        && matches!(
                            name.as_str(),
                            "id" | "name" | "location" | "subscriptionId" | "tenantId"
                        ))
            }
            ExprKind::Call { .. } => STRING_FUNCTIONS.iter().any(|f| system_call(e, f).is_some()),
            ExprKind::Ternary {
                then, otherwise, ..
            } => self.is_string(then, depth + 1) && self.is_string(otherwise, depth + 1),
            _ => false,
        }
    }

    /// no-unused-params, no-unused-vars, no-unused-existing-resources.
    fn unused(&mut self, params_file: bool) {
        let used: BTreeSet<usize> = self.uses.iter().map(|u| u.to).collect();
        let mut found = Vec::new();
        for (index, decl) in self.decls.iter().enumerate() {
            if used.contains(&index) {
                continue;
            }
            match decl.kind {
                DeclKind::Param if !params_file => found.push((
                    decl.line,
                    "no-unused-params",
                    format!("parameter '{}' is declared but never used", decl.name),
                )),
                DeclKind::Var if !decl.stmt.is_some_and(|s| decorated(s, "export")) => {
                    found.push((
                        decl.line,
                        "no-unused-vars",
                        format!("variable '{}' is declared but never used", decl.name),
                    ));
                }
                DeclKind::Resource
                    if decl.parent.is_none()
                        && decl.resource.is_some_and(|r| r.existing)
                        && decl.children.is_empty() =>
                {
                    found.push((
                        decl.line,
                        "no-unused-existing-resources",
                        format!(
                            "existing resource '{}' is declared but never used",
                            decl.name
                        ),
                    ));
                }
                _ => {}
            }
        }
        for (line, code, message) in found {
            self.diag(line, code, message);
        }
    }

    /// no-unnecessary-dependson: an entry naming a resource or module (not a collection) that
    /// the declaring one already depends on, or one named before in the same list. What a
    /// declaration depends on, as `ResourceDependencyVisitor` infers it: every resource, module
    /// and var its condition, loop and body refer to outside its own `dependsOn` (and a nested
    /// resource its parent), and what those depend on in turn, transitively; less the weak
    /// references to `existing` resources, which are still followed.
    fn unnecessary_depends_on(&mut self) {
        let direct: Vec<Vec<(usize, bool)>> = (0..self.decls.len())
            .map(|d| {
                let mut deps: Vec<(usize, bool)> = self
                    .uses
                    .iter()
                    .filter(|u| u.from == Some(d) && !u.explicit)
                    .filter(|u| self.decls[u.to].kind != DeclKind::Param)
                    .map(|u| (u.to, u.weak))
                    .collect();
                if let Some(parent) = self.decls[d].parent {
                    deps.push((parent, true));
                }
                deps
            })
            .collect();
        let mut seen_in: BTreeMap<usize, BTreeSet<usize>> = BTreeMap::new();
        let mut found = Vec::new();
        for (owner, to, line) in &self.depends_on {
            let Some(to) = *to else {
                continue;
            };
            let target = &self.decls[to];
            if target.collection && matches!(target.kind, DeclKind::Resource | DeclKind::Module) {
                continue;
            }
            let mut inferred = BTreeSet::new();
            let mut visited = BTreeSet::new();
            let mut queue: std::collections::VecDeque<(usize, bool)> =
                direct[*owner].iter().copied().collect();
            while let Some((dep, weak)) = queue.pop_front() {
                if !visited.insert((dep, weak)) {
                    continue;
                }
                queue.extend(direct[dep].iter().copied());
                let existing = self.decls[dep].resource.is_some_and(|r| r.existing);
                if !weak || !existing {
                    inferred.insert(dep);
                }
            }
            let listed = seen_in.entry(*owner).or_default();
            let why = if inferred.contains(&to) {
                "already a dependency through a reference"
            } else if !listed.insert(to) {
                "listed twice"
            } else {
                continue;
            };
            let kind = match self.decls[*owner].kind {
                DeclKind::Module => "module",
                _ => "resource",
            };
            found.push((
                *line,
                format!(
                    "{kind} '{}': dependsOn entry '{}' is unnecessary ({why})",
                    self.decls[*owner].name, target.name
                ),
            ));
        }
        for (line, message) in found {
            self.diag(line, "no-unnecessary-dependson", message);
        }
    }

    /// use-parent-property: a top-level child resource without `parent:` whose string name
    /// starts with its parent's, then `/`.
    fn parent_property(&mut self) {
        let mut found = Vec::new();
        for decl in &self.decls {
            let (Some(ty), Some(body), None) = (&decl.ty, decl.body, decl.parent) else {
                continue;
            };
            let type_segments: Vec<&str> = ty.split('/').collect();
            if type_segments.len() < 2 || property(body, "parent").is_some() {
                continue;
            }
            let Some(ExprKind::Str(parts)) = property(body, "name").map(|n| &n.kind) else {
                continue;
            };
            let (texts, holes) = segments(parts);
            let is_parent_of = |other: &str| {
                let other: Vec<&str> = other.split('/').collect();
                other.len() + 1 == type_segments.len()
                    && other
                        .iter()
                        .zip(&type_segments)
                        .all(|(a, b)| a.eq_ignore_ascii_case(b))
            };
            // `'${parent.name}/...'`.
            let mut parent = None;
            if texts.len() > 1
                && texts[1].starts_with('/')
                && let ExprKind::Member { base, name, .. } = &holes[0].kind
                && name == "name"
                && let Some(p) = self.target(base.as_ref())
                && self.decls[p]
                    .ty
                    .as_deref()
                    .is_some_and(|t| self.decls[p].kind == DeclKind::Resource && is_parent_of(t))
            {
                parent = Some(p);
            }
            // The name of a resource of the parent type, then `/`.
            let parent_ty = type_segments[..type_segments.len() - 1].join("/");
            for (p, candidate) in self.decls.iter().enumerate() {
                if parent.is_some() {
                    break;
                }
                if candidate.kind != DeclKind::Resource
                    || candidate.collection
                    || !candidate
                        .ty
                        .as_deref()
                        .is_some_and(|t| t.eq_ignore_ascii_case(&parent_ty))
                {
                    continue;
                }
                let Some(parent_name) = candidate.body.and_then(|b| property(b, "name")) else {
                    continue;
                };
                let prefixed = match &parent_name.kind {
                    ExprKind::Str(parent_parts) => {
                        let (p_texts, p_holes) = segments(parent_parts);
                        let last = p_texts.len() - 1;
                        texts.len() >= p_texts.len()
                            && holes.len() >= p_holes.len()
                            && p_texts[..last] == texts[..last]
                            && texts[last].len() > p_texts[last].len()
                            && texts[last].starts_with(p_texts[last].as_str())
                            && texts[last][p_texts[last].len()..].starts_with('/')
                            && p_holes
                                .iter()
                                .zip(&holes)
                                .all(|(a, b)| a.show() == b.show())
                    }
                    _ => {
                        texts.len() > 1
                            && texts[1].starts_with('/')
                            && holes[0].show() == parent_name.show()
                    }
                };
                if prefixed {
                    parent = Some(p);
                }
            }
            if let Some(p) = parent {
                found.push((
                    decl.line,
                    format!(
                        "resource '{}': name it relative to 'parent: {}' instead of prefixing the parent's name",
                        decl.name, self.decls[p].name
                    ),
                ));
            }
        }
        for (line, message) in found {
            self.diag(line, "use-parent-property", message);
        }
    }

    /// The rules on declarations: secure-secrets-in-params, secure-parameter-default,
    /// outputs-should-not-contain-secrets, no-deployments-resources, decompiler-cleanup.
    fn declarations(&mut self, file: &'f BicepFile, params_file: bool) {
        let secure: BTreeSet<usize> = self
            .decls
            .iter()
            .enumerate()
            .filter(|(_, d)| {
                d.kind == DeclKind::Param && d.stmt.is_some_and(|s| decorated(s, "secure"))
            })
            .map(|(i, _)| i)
            .collect();
        let secret_name = |name: &str| {
            let lower = name.to_lowercase();
            ["password", "pwd", "secret", "accountkey", "acctkey"]
                .iter()
                .any(|w| lower.contains(w))
                && ![
                    "secretpermissions",
                    "secretversion",
                    "secreturi",
                    "secreturl",
                    "secretname",
                ]
                .iter()
                .any(|w| lower.contains(w))
        };
        let mut found = Vec::new();
        for (index, decl) in self.decls.iter().enumerate() {
            let refers_to_secure = self
                .uses
                .iter()
                .any(|u| u.from == Some(index) && secure.contains(&u.to));
            match (decl.kind, decl.stmt.map(|s| &s.kind)) {
                (DeclKind::Param, Some(StmtKind::Param { ty, default, .. })) if !params_file => {
                    if !secure.contains(&index) {
                        let string_or_object = match ty {
                            Some(Type::Named(name)) => matches!(
                                name.as_str(),
                                "string" | "object" | "sys.string" | "sys.object"
                            ),
                            Some(Type::Object) => true,
                            _ => false,
                        };
                        if (string_or_object && secret_name(decl.name)) || refers_to_secure {
                            found.push((
                                decl.line,
                                "secure-secrets-in-params",
                                format!(
                                    "parameter '{}' may hold a secret but is not @secure()",
                                    decl.name
                                ),
                            ));
                        }
                    } else if let Some(default) = default {
                        let harmless = match &default.kind {
                            ExprKind::Str(parts) => parts.is_empty(),
                            ExprKind::Object(entries) => entries.is_empty(),
                            ExprKind::Ident(name) => self
                                .top
                                .get(name.as_str())
                                .is_some_and(|d| secure.contains(d)),
                            _ => false,
                        } || calls(default, "newGuid");
                        if !harmless {
                            found.push((
                                decl.line,
                                "secure-parameter-default",
                                format!("@secure() parameter '{}' has a default value", decl.name),
                            ));
                        }
                    }
                }
                (DeclKind::Resource, _) => {
                    if decl
                        .ty
                        .as_deref()
                        .is_some_and(|t| t.eq_ignore_ascii_case("Microsoft.Resources/deployments"))
                    {
                        found.push((
                            decl.line,
                            "no-deployments-resources",
                            format!(
                                "resource '{}': a Microsoft.Resources/deployments resource; use a module",
                                decl.name
                            ),
                        ));
                    }
                    let string_name = decl
                        .body
                        .and_then(|b| property(b, "name"))
                        .is_some_and(|n| matches!(n.kind, ExprKind::Str(_)));
                    if string_name && decompiled(decl.name, "_resource") {
                        found.push((
                            decl.line,
                            "decompiler-cleanup",
                            format!("resource '{}' is named like decompiler output", decl.name),
                        ));
                    }
                }
                (DeclKind::Var, _) if decl.parent.is_none() && decompiled(decl.name, "_var") => {
                    found.push((
                        decl.line,
                        "decompiler-cleanup",
                        format!("variable '{}' is named like decompiler output", decl.name),
                    ));
                }
                _ => {}
            }
        }
        // Outputs are no declarations an expression can refer to: their uses are found again.
        for stmt in &file.statements {
            let StmtKind::Output { name, value } = &stmt.kind else {
                continue;
            };
            if decorated(stmt, "secure") {
                continue;
            }
            if name.to_lowercase().contains("password") {
                found.push((
                    stmt.line,
                    "outputs-should-not-contain-secrets",
                    format!("output '{name}' is named like a password"),
                ));
            }
            let mut secrets = BTreeSet::new();
            self.possible_secrets(value, &secure, &mut secrets);
            for secret in secrets {
                found.push((
                    stmt.line,
                    "outputs-should-not-contain-secrets",
                    format!("output '{name}' may contain a secret: {secret}"),
                ));
            }
        }
        for (line, code, message) in found {
            self.diag(line, code, message);
        }
    }

    /// What in an output's value may be a secret: a secure parameter, or a `list*` function.
    fn possible_secrets(&self, e: &Expr, secure: &BTreeSet<usize>, out: &mut BTreeSet<String>) {
        visit(e, &mut |e| match &e.kind {
            ExprKind::Ident(name)
                if self
                    .top
                    .get(name.as_str())
                    .is_some_and(|d| secure.contains(d)) =>
            {
                out.insert(format!("secure value '{name}'"));
            }
            ExprKind::Call { callee, .. } => {
                let function = match &callee.kind {
                    ExprKind::Ident(f) => Some(f),
                    ExprKind::Member { base, name, .. } => {
                        let resource = self.resource_behind(base);
                        let az = matches!(&base.kind, ExprKind::Ident(n) if n == "az");
                        (resource || az).then_some(name)
                    }
                    _ => None,
                };
                if let Some(f) = function.filter(|f| f.to_lowercase().starts_with("list")) {
                    out.insert(format!("function '{f}'"));
                }
            }
            _ => {}
        });
    }

    /// `e` is a resource, or a var whose value is one.
    fn resource_behind(&self, e: &Expr) -> bool {
        let mut e = e;
        for _ in 0..16 {
            let Some(d) = self.target(e) else {
                return false;
            };
            match (self.decls[d].kind, self.decls[d].stmt.map(|s| &s.kind)) {
                (DeclKind::Resource, _) => return true,
                (DeclKind::Var, Some(StmtKind::Var { value, .. })) => e = value,
                _ => return false,
            }
        }
        false
    }
}

/// Calls `f` on `e` and every expression in it, nested resources included.
fn visit<'f>(e: &'f Expr, f: &mut dyn FnMut(&'f Expr)) {
    f(e);
    match &e.kind {
        ExprKind::Str(parts) => {
            for part in parts {
                if let Part::Hole(hole) = part {
                    visit(hole, f);
                }
            }
        }
        ExprKind::Object(entries) => {
            for entry in entries {
                match entry {
                    Entry::Prop { key, value, .. } => {
                        if let Key::Interpolated(key) = key {
                            visit(key, f);
                        }
                        visit(value, f);
                    }
                    Entry::Spread(inner) => visit(inner, f),
                    Entry::Resource(r) => visit(&r.value, f),
                }
            }
        }
        ExprKind::Array(items) => {
            for item in items {
                let (Item::Value(inner) | Item::Spread(inner)) = item;
                visit(inner, f);
            }
        }
        ExprKind::For { source, body, .. } => {
            visit(source, f);
            visit(body, f);
        }
        ExprKind::If { cond, body } => {
            visit(cond, f);
            visit(body, f);
        }
        ExprKind::Member { base, .. }
        | ExprKind::Nested { base, .. }
        | ExprKind::NonNull(base)
        | ExprKind::Unary { operand: base, .. }
        | ExprKind::Lambda { body: base, .. } => visit(base, f),
        ExprKind::Index { base, index, .. } => {
            visit(base, f);
            visit(index, f);
        }
        ExprKind::Call { callee, args } => {
            visit(callee, f);
            for arg in args {
                visit(arg, f);
            }
        }
        ExprKind::Binary { left, right, .. } => {
            visit(left, f);
            visit(right, f);
        }
        ExprKind::Ternary {
            cond,
            then,
            otherwise,
        } => {
            visit(cond, f);
            visit(then, f);
            visit(otherwise, f);
        }
        ExprKind::Int(_) | ExprKind::Bool(_) | ExprKind::Null | ExprKind::Ident(_) => {}
    }
}

/// A short rendering of an expression for a message: names, members, calls; `...` for the
/// rest.
fn brief(e: &Expr) -> String {
    match &e.kind {
        ExprKind::Ident(name) => name.clone(),
        ExprKind::Member { base, name, safe } => {
            format!("{}{}{name}", brief(base), if *safe { ".?" } else { "." })
        }
        ExprKind::Nested { base, name } => format!("{}::{name}", brief(base)),
        ExprKind::Call { callee, .. } => format!("{}(...)", brief(callee)),
        ExprKind::Index { base, .. } => format!("{}[...]", brief(base)),
        _ => "...".to_owned(),
    }
}

/// `e` calls the system function `name` somewhere.
fn calls(e: &Expr, name: &str) -> bool {
    let mut found = false;
    visit(e, &mut |e| found |= system_call(e, name).is_some());
    found
}

/// `'a', 'b'`
fn quoted<'a>(items: impl Iterator<Item = &'a str>) -> String {
    items
        .map(|i| format!("'{i}'"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn clip(text: &str) -> String {
    let text = text.replace('\n', "\\n");
    if text.chars().count() <= 60 {
        text
    } else {
        text.chars().take(60).collect::<String>() + "..."
    }
}

/// The candidate most like `word` (case-insensitive edit distance), if it is close enough.
fn suggest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let word: Vec<char> = word.to_lowercase().chars().collect();
    let mut best: Option<(f64, &str)> = None;
    for candidate in candidates {
        let other: Vec<char> = candidate.to_lowercase().chars().collect();
        let longest = word.len().max(other.len()).max(1);
        let similarity = 1.0 - distance(&word, &other) as f64 / longest as f64;
        if similarity >= 0.6 && best.is_none_or(|(s, _)| similarity > s) {
            best = Some((similarity, candidate));
        }
    }
    best.map(|(_, c)| c)
}

/// Levenshtein distance.
fn distance(a: &[char], b: &[char]) -> usize {
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != cb));
            diagonal = above;
        }
    }
    row[b.len()]
}
