import { sameText } from '../../../core/path.js';
import { defineRule, fail, pass, unknown } from '../../define.js';
import { set } from '../fixes.js';
import { BACKUP_VAULT, BV_PAYLOAD, BV_SWAGGER, describeValue, RSV, RSV_PAYLOAD, RSV_SWAGGER } from './shared.js';

export default defineRule({
  id: 'PHI-BAK-006',
  title: 'Backup vault immutability not enabled',
  severity: 'medium',
  pattern: 6,
  hipaa: [
    { cite: '164.312(c)(1)', type: 'R' },
    { cite: '164.308(a)(7)(ii)(A)', type: 'R' },
  ],
  phiScoped: false,
  types: [RSV, BACKUP_VAULT],
  policies: [
    {
      id: 'd6f6f560-14b7-49a4-9fc8-d2c3a9807868',
      name: '[Preview]: Immutability must be enabled for Recovery Services vaults',
      relation: 'equivalent (RSV)',
    },
    {
      id: '2514263b-bc0d-4b06-ac3e-f262c0979018',
      name: '[Preview]: Immutability must be enabled for backup vaults',
      relation: 'equivalent (Backup vault)',
    },
  ],
  remediation: {
    az: 'az backup vault update -g "$RG" -n "$RSV" --immutability-state Unlocked   # flag UNVERIFIED; Locked after validation\naz dataprotection backup-vault update -g "$RG" --vault-name "$BV" --immutability-state Unlocked   # flag UNVERIFIED',
    arm: '{"properties": {"securitySettings": {"immutabilitySettings": {"state": "Unlocked"}}}}',
    terraform: 'immutability = "Unlocked"   # then "Locked"',
    note: 'Locked is irreversible and blocks shortening retention or deleting recovery points before expiry -- check PHI-BAK-011 (max retention) first.',
  },
  docs: {
    evaluation:
      'Reads properties.securitySettings.immutabilitySettings.state of a Recovery Services vault or Backup vault (case-insensitive). Locked passes. Unlocked passes with an advisory to lock (an administrator can still disable it). Disabled fails: recovery points can be deleted or their retention shortened before they expire.',
    absent: 'Disabled (service and azurerm default) -> fail.',
    unresolvable: 'An unresolved state -> needs review.',
    crossResource:
      'None for the verdict. Locking makes an over-long retention (PHI-BAK-011) irreversible; check the schedule before locking.',
    references: [
      `${RSV_SWAGGER} ImmutabilitySettings.state (Disabled|Unlocked|Locked)`,
      `${BV_SWAGGER} ImmutabilitySettings.state`,
      'Azure/azure-policy built-ins d6f6f560-14b7-49a4-9fc8-d2c3a9807868 (RSV), 2514263b-bc0d-4b06-ac3e-f262c0979018 (Backup vault)',
      'hashicorp/terraform-provider-azurerm recovery_services_vault / data_protection_backup_vault immutability (default Disabled)',
      `controls.md F1, F2; ${RSV_PAYLOAD} and ${BV_PAYLOAD} (both Disabled)`,
    ],
  },
  fix: (_vault, { path }) => [
    set(
      path,
      'Unlocked',
      'recovery points can no longer be deleted before expiry; Locked (irreversible) is a later step once retention matches the schedule (PHI-BAK-011)',
    ),
  ],
  check(vault, { read }) {
    const state = read(vault, 'properties.securitySettings.immutabilitySettings.state');
    if (state.state === 'unknown') return unknown(state);
    if (sameText(state.value, 'Locked')) return pass(state.path, state.value);
    if (sameText(state.value, 'Unlocked')) {
      return {
        verdict: 'pass',
        path: state.path,
        actual: state.value,
        message:
          'Vault immutability is Unlocked; advisory: lock it once retention matches the schedule, since an Unlocked setting can still be disabled',
      };
    }
    return fail(state, {
      expected: 'Locked (or Unlocked)',
      message: `Vault immutability is ${describeValue(state.value)}: recovery points of PHI backups can be deleted or have their retention shortened before they expire`,
    });
  },
});
