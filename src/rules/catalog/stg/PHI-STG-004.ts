import { defineRule, fail, pass, unknown } from '../../define.js';
import { set } from '../fixes.js';
import { AZURERM_STORAGE_ACCOUNT, describeValue, STORAGE_ACCOUNT, STORAGE_PAYLOAD, STORAGE_SWAGGER } from './shared.js';

/** `TLS1_2`, `1.2` and the number 1.2 name the same version (rules.yaml conventions.comparisons). */
function tlsVersion(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return undefined;
  const match = /^(?:tls)?\s*v?(\d+)[._](\d+)$/i.exec(value.trim());
  return match ? Number(`${match[1]}.${match[2]}`) : undefined;
}

export default defineRule({
  id: 'PHI-STG-004',
  title: 'Storage account minimum TLS version below 1.2',
  severity: 'high',
  pattern: 1,
  hipaa: [
    { cite: '164.312(e)(1)', type: 'R' },
    { cite: '164.312(e)(2)(ii)', type: 'A' },
  ],
  phiScoped: false,
  types: [STORAGE_ACCOUNT],
  policies: [
    {
      id: 'fe83a0eb-a853-422d-aac2-1bffd182c5d0',
      name: 'Storage accounts should have the specified minimum TLS version',
      relation: 'equivalent',
    },
  ],
  remediation: {
    az: 'az storage account update -g "$RG" -n "$SA" --min-tls-version TLS1_2',
    arm: '{"properties": {"minimumTlsVersion": "TLS1_2"}}',
    bicep:
      "resource sa 'Microsoft.Storage/storageAccounts@2025-06-01' = {\n  // ...\n  properties: {\n    minimumTlsVersion: 'TLS1_2'\n  }\n}",
    terraform: 'min_tls_version = "TLS1_2"',
    note: 'Legacy clients limited to TLS 1.0/1.1 fail to connect.',
  },
  docs: {
    evaluation:
      'Reads properties.minimumTlsVersion (TLS1_0 | TLS1_1 | TLS1_2 | TLS1_3, case-insensitive; numeric forms such as 1.2 are accepted). TLS1_2 and TLS1_3 pass (newer SDK text says the service does not yet accept 1.3 as a minimum, so a deployment would be rejected rather than weaker); TLS1_0 and TLS1_1 fail.',
    absent:
      'ARM/Bicep/live: the swagger says "The default interpretation is TLS 1.0" -> fail, as Azure Policy fe83a0eb does. Secondary sources report that Azure Storage rejects TLS 1.0/1.1 on every account since 2026-02-03 (UNVERIFIED); the rule still fails so that the setting is pinned.',
    unresolvable: 'An unresolved value -> needs review.',
    crossResource: 'None.',
    references: [
      `${STORAGE_SWAGGER} StorageAccountPropertiesCreateParameters.minimumTlsVersion`,
      'Azure/azure-policy built-in fe83a0eb-a853-422d-aac2-1bffd182c5d0 (minimumTlsVersion "exists false" is non-compliant)',
      `${AZURERM_STORAGE_ACCOUNT}: min_tls_version (default TLS1_2; v5 accepts only TLS1_2)`,
      `controls.md A6; ${STORAGE_PAYLOAD} (no minimumTlsVersion key)`,
    ],
  },
  fix: () => [set('properties.minimumTlsVersion', 'TLS1_2', 'clients limited to TLS 1.0/1.1 can no longer connect')],
  check(account, { read }) {
    const tls = read(account, 'properties.minimumTlsVersion');
    if (tls.state === 'unknown') return unknown(tls);
    const version = tlsVersion(tls.value);
    if (version !== undefined && version >= 1.2) return pass(tls.path, tls.value);
    const message =
      version === undefined
        ? `minimumTlsVersion ${describeValue(tls.value)} is not a recognised TLS version`
        : `The storage account accepts TLS ${version.toFixed(1)} connections (minimum TLS version below 1.2)`;
    return fail(tls, { expected: 'TLS1_2', message });
  },
});
