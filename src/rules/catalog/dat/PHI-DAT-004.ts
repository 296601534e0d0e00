import { defineRule } from '../../define.js';
import { checkPrivateAccess, PURVIEW, privateAccessFix } from './shared.js';

export default defineRule({
  id: 'PHI-DAT-004',
  title: 'Microsoft Purview account is reachable from public networks without private link',
  severity: 'low',
  pattern: 8,
  hipaa: [{ cite: '164.312(a)(1)', type: 'R' }],
  phiScoped: false,
  types: [PURVIEW],
  policies: [
    {
      id: '9259053b-ddb8-40ab-842a-0aef19d0ade4',
      name: 'Azure Purview accounts should use private link',
      relation: 'equivalent (private link part)',
    },
  ],
  remediation: {
    az: 'az resource update --ids "$PURVIEW_ID" --set properties.publicNetworkAccess=Disabled',
    arm: '{"properties": {"publicNetworkAccess": "Disabled"}}',
    bicep:
      "resource purview 'Microsoft.Purview/accounts@2021-12-01' = {\n  // ...\n  properties: { publicNetworkAccess: 'Disabled' }\n}\n// plus private endpoints with groupIds [ 'account' ] and [ 'portal' ]",
    terraform: 'public_network_enabled = false   # attribute name UNVERIFIED',
    note: 'Scanning self-hosted/managed VNet integration runtimes must be in place before disabling public access.',
  },
  docs: {
    evaluation:
      'Reads properties.publicNetworkAccess of a Microsoft Purview account (Enabled | Disabled | NotSpecified; compared case-insensitively) and its private endpoints: a live privateEndpointConnections[] entry with status Approved, or a private endpoint of the scan targeting the account with group id account or portal. Compliant only when public network access is Disabled and an approved private endpoint exists; Enabled, NotSpecified or any other value fails.',
    absent:
      'publicNetworkAccess absent = Enabled -> fail (API version and property names UNVERIFIED per controls.md H2).',
    unresolvable:
      'Needs review when publicNetworkAccess, a private endpoint target or its group ids are unresolved, or a private endpoint connection is manual.',
    crossResource:
      'Purview classification results (which stores hold PHI) can feed classification.phi; that integration is advisory and does not affect this rule.',
    references: [
      'Azure Policy 9259053b-ddb8-40ab-842a-0aef19d0ade4 (Azure Purview accounts should use private link)',
      'learn.microsoft.com/purview/catalog-private-link (account and portal private endpoints)',
      'controls.md H2 (Microsoft Purview; API version and property names UNVERIFIED)',
    ],
  },
  fix: (account, fixContext) =>
    privateAccessFix(account, [account], fixContext, {
      target: account.id,
      groupId: 'account',
      zone: 'privatelink.purview.azure.com',
    }),
  check(account, context) {
    return checkPrivateAccess(account, [account], context, { service: 'Purview account' });
  },
});
