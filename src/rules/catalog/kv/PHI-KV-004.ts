import { lookup } from '../../../core/path.js';
import type { Outcome, Resource } from '../../../core/types.js';
import { defineRule, fail, failAt, notApplicable, type PathRead, type RuleContext, unknown } from '../../define.js';
import { manual, removeOn, set, setOn } from '../fixes.js';
import { type Blocker, blockerMessage, blockerOf } from '../net/tri.js';
import { describeValue } from '../stg/shared.js';
import { consumerNames, type KeyReference, MANAGED_HSM_KEY, referencesToKey, VAULT_KEY } from './cmk.js';
import { durationDays, formatDays } from './duration.js';
import { CONTROLS_G, KEYVAULT_SWAGGER } from './shared.js';

/** The longest rotation interval accepted: one year (rules.yaml "interval <= P1Y (365 days)"). */
const MAX_DAYS = 365;
const POLICY = 'properties.rotationPolicy';
/** Operations a customer-managed key needs: Azure services wrap and unwrap their data encryption keys with it. */
const CMK_OPERATIONS = ['wrapkey', 'unwrapkey'];

type Interval =
  | { days: number; read: PathRead; text: string }
  | { problem: string; read: PathRead }
  | { blocker: Blocker };

/** How often one Rotate lifetime action rotates the key. */
function intervalOf(key: Resource, index: number, context: RuleContext): Interval {
  const base = `${POLICY}.lifetimeActions.${index}.trigger`;
  const after = context.read(key, `${base}.timeAfterCreate`);
  if (after.state === 'unknown') return { blocker: blockerOf(after) };
  if (typeof after.value === 'string') {
    const days = durationDays(after.value);
    return days === undefined
      ? { problem: `timeAfterCreate ${describeValue(after.value)} is not an ISO 8601 duration`, read: after }
      : { days, read: after, text: after.value };
  }
  const before = context.read(key, `${base}.timeBeforeExpiry`);
  if (before.state === 'unknown') return { blocker: blockerOf(before) };
  if (typeof before.value !== 'string') return { problem: 'the Rotate action has no trigger', read: before };
  const expiry = context.read(key, `${POLICY}.attributes.expiryTime`);
  if (expiry.state === 'unknown') return { blocker: blockerOf(expiry) };
  const beforeDays = durationDays(before.value);
  const expiryDays = typeof expiry.value === 'string' ? durationDays(expiry.value) : undefined;
  if (beforeDays === undefined) {
    return { problem: `timeBeforeExpiry ${describeValue(before.value)} is not an ISO 8601 duration`, read: before };
  }
  if (expiryDays === undefined) {
    return {
      problem: `rotation ${before.value} before expiry has no expiryTime to count from (attributes.expiryTime is ${describeValue(expiry.value)})`,
      read: expiry,
    };
  }
  return { days: expiryDays - beforeDays, read: before, text: `${expiry.value} - ${before.value}` };
}

/** The rotation schedule verdict of the key's own policy. */
function rotationOutcome(key: Resource, context: RuleContext): Outcome | undefined {
  const policy = context.read(key, POLICY);
  if (policy.state === 'unknown') return unknown(policy);
  if (policy.value === undefined || policy.value === null) {
    return fail(policy, {
      expected: 'a rotation policy with a Rotate action at most P1Y apart',
      message: 'The key has no rotation policy: it is never rotated automatically',
    });
  }
  const actions = context.read(key, `${POLICY}.lifetimeActions`);
  if (actions.state === 'unknown') return unknown(actions);
  const count = Array.isArray(actions.value) ? actions.value.length : 0;
  let best: { days: number; read: PathRead; text: string } | undefined;
  let problem: { problem: string; read: PathRead } | undefined;
  let blocker: Blocker | undefined;
  for (let i = 0; i < count; i++) {
    const type = context.read(key, `${POLICY}.lifetimeActions.${i}.action.type`);
    if (type.state === 'unknown') {
      blocker ??= blockerOf(type);
      continue;
    }
    if (typeof type.value !== 'string' || type.value.toLowerCase() !== 'rotate') continue;
    const interval = intervalOf(key, i, context);
    if ('blocker' in interval) blocker ??= interval.blocker;
    else if ('problem' in interval) problem ??= interval;
    else if (!best || interval.days < best.days) best = interval;
  }
  // Whole days: month lengths are approximate (P13M minus P30D is one year).
  if (best && Math.round(best.days) <= MAX_DAYS) return undefined;
  if (blocker) return unknown(blocker, blockerMessage(blocker));
  if (best) {
    return fail(best.read, {
      expected: 'a Rotate action at most P1Y (365 days) apart',
      message: `The key rotates only every ${formatDays(best.days)} (${best.text}), longer than one year`,
    });
  }
  if (problem) {
    return fail(problem.read, {
      expected: 'a Rotate action at most P1Y (365 days) apart',
      message: `The rotation policy sets no usable rotation interval: ${problem.problem}`,
    });
  }
  return fail(actions, {
    expected: 'a lifetime action with action.type Rotate',
    message: 'The rotation policy has no Rotate action (only notifications): the key is never rotated automatically',
  });
}

/** A PHI consumer pinned to one key version never receives a rotated version. */
function pinnedOutcome(ref: KeyReference): Outcome | undefined {
  if (!ref.pinned) return undefined;
  return failAt(ref.pinned.path, {
    expected: 'a versionless key reference (or automatic key version updates)',
    message: `${ref.consumer.name} (${ref.consumer.type}) uses a fixed version of this key (${ref.pinned.because}): rotated versions would not reach it`,
    at: ref.pinned.at ?? ref.consumer.at,
  });
}

/** True when keyOps is set and leaves out wrapKey and unwrapKey (the key cannot serve as a CMK). */
function notUsableAsCmk(key: Resource, context: RuleContext): boolean {
  const ops = context.read(key, 'properties.keyOps');
  if (ops.state === 'unknown' || !Array.isArray(ops.value)) return false;
  const listed = ops.value.filter((op): op is string => typeof op === 'string').map((op) => op.toLowerCase());
  return listed.length === ops.value.length && !listed.some((op) => CMK_OPERATIONS.includes(op));
}

export default defineRule({
  id: 'PHI-KV-004',
  title: 'Customer-managed key for PHI has no automatic rotation',
  severity: 'low',
  pattern: 7,
  hipaa: [
    { cite: '164.312(a)(2)(iv)', type: 'A' },
    { cite: '164.308(a)(1)(ii)(B)', type: 'R' },
  ],
  phiScoped: true,
  types: [VAULT_KEY, MANAGED_HSM_KEY],
  policies: [
    {
      id: 'd8cf8476-a2ec-4916-896e-992351803c44',
      name: 'Keys should have a rotation policy ensuring that their rotation is scheduled within the specified number of days after creation.',
      relation: 'equivalent',
    },
    {
      id: '152b15f7-8e1f-4c1f-ab71-8c010ba5dbc0',
      name: 'Key Vault keys should have an expiration date',
      relation: 'related',
    },
  ],
  remediation: {
    az: 'az keyvault key rotation-policy update --vault-name "$KV" -n "$KEY" --value @rotation-policy.json',
    arm: '{"lifetimeActions": [{"trigger": {"timeAfterCreate": "P180D"}, "action": {"type": "Rotate"}}, {"trigger": {"timeBeforeExpiry": "P30D"}, "action": {"type": "Notify"}}], "attributes": {"expiryTime": "P1Y"}}',
    bicep:
      "resource key 'Microsoft.KeyVault/vaults/keys@2025-05-01' = {\n  parent: kv\n  name: keyName\n  properties: {\n    kty: 'RSA-HSM'\n    rotationPolicy: {\n      attributes: { expiryTime: 'P13M' }\n      lifetimeActions: [\n        { trigger: { timeAfterCreate: 'P1Y' }, action: { type: 'rotate' } }\n        { trigger: { timeBeforeExpiry: 'P30D' }, action: { type: 'notify' } }\n      ]\n    }\n  }\n}",
    terraform:
      'rotation_policy { automatic { time_after_creation = "P180D" } expire_after = "P1Y" notify_before_expiry = "P30D" }',
    note: 'Rotation policies are data-plane objects (not in ARM templates); ARM body shown is the REST payload. Consumers must reference the key without a version (storage keyversion empty, disk encryption set rotationToLatestKeyVersionEnabled, SQL autoRotationEnabled) or rotation does not reach them.',
  },
  docs: {
    evaluation:
      "Evaluates PHI keys (Microsoft.KeyVault/vaults/keys and managedHSMs/keys; a key is PHI through its own classification or its vault's). properties.rotationPolicy.lifetimeActions[] must contain an action of type Rotate (case-insensitive) whose interval is at most one year: trigger.timeAfterCreate, or attributes.expiryTime minus trigger.timeBeforeExpiry (ISO 8601; a year is 365 days, a month a twelfth of a year). A policy without a Rotate action, a longer interval, or timeBeforeExpiry without an expiryTime fails. In addition each PHI consumer of the key that is pinned to one key version fails, pointing at the consumer's setting: a versioned key URI (Cosmos DB, PostgreSQL/MySQL, Recovery Services/Backup vault, FHIR), a storage keyversion, a disk encryption set without rotationToLatestKeyVersionEnabled, a SQL TDE protector without autoRotationEnabled. A key whose keyOps leave out wrapKey and unwrapKey and that no PHI resource of the scan uses is not applicable (it cannot serve as a customer-managed key).",
    absent: 'rotationPolicy absent -> fail (the ARM GET omits an empty policy, so a live key without one has none).',
    unresolvable:
      'An unresolved policy, action type or trigger -> needs review unless another Rotate action already decides. Consumer references given by unresolved expressions are not matched to the key.',
    crossResource:
      "Consumers are found in the same scan by vault and key name (key URI, or storage vault URI + key name; SQL serverKeyName <vault>_<key>_<version>). The key's vault is PHI-KV-001/002. Live: Resource Graph returns no keys; keys come from ARM GETs of vaults/keys (the rotation policy is returned when set; a collector without data-plane read sees none). A streamed snapshot keeps no consumer bodies, so version pinning is only reported from templates or in-memory inventories.",
    references: [
      `${KEYVAULT_SWAGGER}: keys.json KeyProperties.rotationPolicy ("Omitted if empty"), RotationPolicy.lifetimeActions[].{trigger.timeAfterCreate, trigger.timeBeforeExpiry, action.type rotate|notify}, attributes.expiryTime`,
      'Azure Policy d8cf8476-a2ec-4916-896e-992351803c44 (rotation scheduled within N days of creation); 152b15f7-8e1f-4c1f-ab71-8c010ba5dbc0',
      'hashicorp/terraform-provider-azurerm website/docs/r/key_vault_key.html.markdown: rotation_policy, versionless_id',
      `${CONTROLS_G}; controls.md A2 (versionless storage key => automatic rotation)`,
      'Prowler keyvault_key_rotation_enabled (informational)',
    ],
  },
  fix(key, { path, inventory }) {
    if (path === POLICY || path.startsWith(`${POLICY}.`)) {
      return [
        set(
          POLICY,
          {
            lifetimeActions: [
              { trigger: { timeAfterCreate: 'P180D' }, action: { type: 'Rotate' } },
              { trigger: { timeBeforeExpiry: 'P30D' }, action: { type: 'Notify' } },
            ],
            attributes: { expiryTime: 'P1Y' },
          },
          'rotates every 180 days; consumers must reference the key without a version or rotation does not reach them',
        ),
      ];
    }
    const ref = referencesToKey(key, inventory).find((candidate) => candidate.pinned?.path === path);
    if (ref) {
      const { consumer } = ref;
      const note = 'the consumer then follows every rotated key version';
      if (/\.(autoRotationEnabled|rotationToLatestKeyVersionEnabled)$/.test(path)) {
        return [setOn(consumer, path, true, note)];
      }
      if (/\.keyversion$/i.test(path)) return [removeOn(consumer, path, note)];
      const uri = lookup(consumer, path);
      const versionless =
        uri.kind === 'present' && typeof uri.value === 'string'
          ? /^(https:\/\/[^/]+\/keys\/[^/]+)\/[^/]+\/?$/i.exec(uri.value.trim())?.[1]
          : undefined;
      if (versionless) return [setOn(consumer, path, versionless, note)];
    }
    return [
      manual(
        `${ref ? `${ref.consumer.name} (${ref.consumer.type})` : 'A consumer of this key'} pins a fixed version of the key at ${path}: reference the key without a version (storage: no keyversion; disk encryption set: rotationToLatestKeyVersionEnabled true; SQL: autoRotationEnabled true) so rotated versions reach it.`,
      ),
    ];
  },
  check(key, context) {
    const consumers = referencesToKey(key, context.inventory).filter((ref) => context.isPhi(ref.consumer));
    if (consumers.length === 0 && notUsableAsCmk(key, context)) {
      return notApplicable('the key operations leave out wrapKey and unwrapKey, so the key is no customer-managed key');
    }
    const outcomes: Outcome[] = [];
    const rotation = rotationOutcome(key, context);
    if (rotation) outcomes.push(rotation);
    for (const ref of consumers) {
      const pinned = pinnedOutcome(ref);
      if (pinned) outcomes.push(pinned);
    }
    if (outcomes.length > 0) return outcomes;
    return {
      verdict: 'pass',
      path: POLICY,
      message:
        consumers.length > 0
          ? `The key rotates at least yearly and its PHI consumers (${consumerNames(consumers)}) follow the latest version`
          : 'The key rotates at least yearly',
    };
  },
});
