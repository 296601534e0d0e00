// Recovery Services and Backup vault builders for the PHI-BAK-005..008 tables.
import { res } from './support.js';

export const rsv = (properties: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) =>
  res('Microsoft.RecoveryServices/vaults', 'phi-rsv', properties, {
    sku: { name: 'RS0', tier: 'Standard' },
    ...extra,
  });

export const bv = (properties: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) =>
  res(
    'Microsoft.DataProtection/backupVaults',
    'phi-bv',
    { storageSettings: [{ datastoreType: 'VaultStore', type: 'GeoRedundant' }], ...properties },
    { identity: { type: 'SystemAssigned' }, ...extra },
  );

export const security = (settings: Record<string, unknown>) => ({ securitySettings: settings });
