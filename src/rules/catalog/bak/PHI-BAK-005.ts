import { lookup, sameText } from '../../../core/path.js';
import { defineRule, fail, unknown } from '../../define.js';
import { set } from '../fixes.js';
import {
  BACKUP_VAULT,
  BV_PAYLOAD,
  BV_SWAGGER,
  describeValue,
  isType,
  RSV,
  RSV_PAYLOAD,
  RSV_SWAGGER,
} from './shared.js';

/** Azure's minimum soft-delete retention for backup data (the vault APIs accept 14-180 days). */
const MIN_DAYS = 14;

const SETTINGS = 'properties.securitySettings.softDeleteSettings';

export default defineRule({
  id: 'PHI-BAK-005',
  title: 'Backup vault soft delete not enabled',
  severity: 'medium',
  pattern: 6,
  hipaa: [
    { cite: '164.308(a)(7)(ii)(A)', type: 'R' },
    { cite: '164.310(d)(2)(iv)', type: 'A' },
    { cite: '164.312(c)(1)', type: 'R' },
  ],
  phiScoped: false,
  types: [RSV, BACKUP_VAULT],
  policies: [
    {
      id: '31b8092a-36b8-434b-9af7-5ec844364148',
      name: '[Preview]: Soft delete must be enabled for Recovery Services Vaults.',
      relation: 'equivalent (RSV)',
    },
    {
      id: '9798d31d-6028-4dee-8643-46102185c016',
      name: '[Preview]: Soft delete should be enabled for Backup Vaults',
      relation: 'equivalent (Backup vault)',
    },
  ],
  remediation: {
    az: 'az backup vault backup-properties set -g "$RG" -n "$RSV" --soft-delete-feature-state Enable --soft-delete-duration 14   # flags UNVERIFIED\naz dataprotection backup-vault update -g "$RG" --vault-name "$BV" --soft-delete-state On --retention-duration-in-days 14   # flags UNVERIFIED',
    arm: '{"properties": {"securitySettings": {"softDeleteSettings": {"softDeleteState": "Enabled", "softDeleteRetentionPeriodInDays": 14}}}}\n{"properties": {"securitySettings": {"softDeleteSettings": {"state": "On", "retentionDurationInDays": 14}}}}',
    terraform: 'soft_delete = "On"   # azurerm_data_protection_backup_vault; RSV in 5.x via azapi_update_resource',
    note: "AlwaysOn cannot be reverted; use it once the vault's operations are stable.",
  },
  docs: {
    evaluation:
      'Recovery Services vault: properties.securitySettings.softDeleteSettings.softDeleteState Enabled or AlwaysON with softDeleteRetentionPeriodInDays >= 14 passes; Disabled or Invalid fails. Backup vault: properties.securitySettings.softDeleteSettings.state On or AlwaysOn with retentionDurationInDays >= 14 passes; Off fails. Values compare case-insensitively. A passing vault that is not AlwaysOn carries an advisory (AlwaysOn makes soft delete irreversible).',
    absent:
      'Recovery Services vault: absent -> Enabled, 14 days (service default) -> pass. Backup vault: absent -> On, 14 days -> pass.',
    unresolvable: 'An unresolved state or retention -> needs review.',
    crossResource: 'None.',
    references: [
      `${RSV_SWAGGER} SoftDeleteSettings.{softDeleteState (Invalid|Enabled|Disabled|AlwaysON), softDeleteRetentionPeriodInDays}`,
      `${BV_SWAGGER} SoftDeleteSettings.{state (Off|On|AlwaysOn), retentionDurationInDays}`,
      'Azure/azure-policy built-ins 31b8092a-36b8-434b-9af7-5ec844364148 (RSV), 9798d31d-6028-4dee-8643-46102185c016 (Backup vault)',
      'hashicorp/terraform-provider-azurerm data_protection_backup_vault soft_delete (default On), retention_duration_in_days (14-180, default 14)',
      `controls.md F1, F2; ${RSV_PAYLOAD} (Enabled, 14 days); ${BV_PAYLOAD} (Off, 0 days)`,
    ],
  },
  fix(vault, { path }) {
    const rsv = isType(vault, RSV);
    const daysPath = `${SETTINGS}.${rsv ? 'softDeleteRetentionPeriodInDays' : 'retentionDurationInDays'}`;
    if (path === daysPath) return [set(path, MIN_DAYS, 'soft-deleted backup data is kept (and billed) that long')];
    const steps = [
      set(
        path,
        rsv ? 'Enabled' : 'On',
        `deleted backup data is kept ${MIN_DAYS} days; AlwaysOn (irreversible) is a later choice`,
      ),
    ];
    const days = lookup(vault, daysPath);
    if (!(days.kind === 'present' && typeof days.value === 'number' && days.value >= MIN_DAYS)) {
      steps.push(set(daysPath, MIN_DAYS));
    }
    return steps;
  },
  check(vault, { read }) {
    const rsv = isType(vault, RSV);
    const state = read(vault, `${SETTINGS}.${rsv ? 'softDeleteState' : 'state'}`);
    if (state.state === 'unknown') return unknown(state);
    const on = rsv ? ['Enabled', 'AlwaysON'] : ['On', 'AlwaysOn'];
    const expected = `${on.join(' or ')} with at least ${MIN_DAYS} days`;
    if (!on.some((value) => sameText(state.value, value))) {
      return fail(state, {
        expected,
        message: `Vault soft delete is ${describeValue(state.value)}: deleted backup data is purged at once, so a compromised or mistaken delete destroys the PHI backups`,
      });
    }
    const days = read(vault, `${SETTINGS}.${rsv ? 'softDeleteRetentionPeriodInDays' : 'retentionDurationInDays'}`);
    if (days.state === 'unknown') return unknown(days);
    if (typeof days.value !== 'number') {
      return unknown(
        { path: days.path, expression: describeValue(days.value), at: days.at },
        `${days.path} is not a number of days`,
      );
    }
    if (days.value < MIN_DAYS) {
      return fail(days, {
        expected,
        message: `Deleted backup data is kept only ${days.value} day(s) in soft delete, less than ${MIN_DAYS}`,
      });
    }
    const always = sameText(state.value, on[1]);
    return {
      verdict: 'pass',
      path: state.path,
      actual: state.value,
      message: `Soft delete ${state.value}, ${days.value} days${always ? '' : `; advisory: ${on[1]} makes soft delete irreversible`}`,
    };
  },
});
