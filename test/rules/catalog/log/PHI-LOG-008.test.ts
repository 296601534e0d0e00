import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import rule from '../../../../src/rules/catalog/log/PHI-LOG-008.js';
import type { Json } from '../../../helpers/arm-cases.js';
import { liveCase, ruleCases, run, withConfig } from '../../../helpers/rule-cases.js';
import { armCase, PHI_TAGS, payloadBody, res, tagged } from './support.js';

const PAYLOAD = 'defender_pricing_get_virtualmachines_2024-01-01.json';
const PAYLOAD_SUBSCRIPTION = '/subscriptions/20ff7fc3-e762-44dd-bd96-b71116dcdc23';
const GROUP = `${PAYLOAD_SUBSCRIPTION}/resourceGroups/rg-phi/providers`;
const vm = (tags: Json = PHI_TAGS) => ({
  id: `${GROUP}/Microsoft.Compute/virtualMachines/vm-phi`,
  name: 'vm-phi',
  type: 'Microsoft.Compute/virtualMachines',
  location: 'eastus',
  tags,
  properties: {},
});
const account = {
  id: `${GROUP}/Microsoft.Storage/storageAccounts/phistore`,
  name: 'phistore',
  type: 'Microsoft.Storage/storageAccounts',
  kind: 'StorageV2',
  tags: PHI_TAGS,
  properties: {},
};
const payloadPricing = (change: (properties: Json) => void = () => {}) => {
  const pricing = payloadBody(PAYLOAD);
  change(pricing.properties as Json);
  return pricing;
};
const EXTENSIONS = [
  {
    name: 'OnUploadMalwareScanning',
    isEnabled: 'True',
    additionalExtensionProperties: { CapGBPerMonthPerStorageAccount: '5000' },
  },
  { name: 'SensitiveDataDiscovery', isEnabled: 'True' },
];
const storagePricing = (properties: Json) => ({
  id: `${PAYLOAD_SUBSCRIPTION}/providers/Microsoft.Security/pricings/StorageAccounts`,
  name: 'StorageAccounts',
  type: 'Microsoft.Security/pricings',
  properties,
});
const override = (properties: Json) => ({
  id: `${account.id}/providers/Microsoft.Security/defenderForStorageSettings/current`,
  name: 'current',
  type: 'Microsoft.Security/defenderForStorageSettings',
  properties,
});
const armPricing = (name: string, properties: Json) =>
  res('Microsoft.Security/pricings', name, properties, { apiVersion: '2024-01-01' });
const armAccount = res(
  'Microsoft.Storage/storageAccounts',
  'phistore',
  {},
  { apiVersion: '2025-06-01', tags: PHI_TAGS },
);

ruleCases(rule, {
  pass: [
    liveCase([vm(), payloadPricing()], 'payload VirtualMachines Standard P2 with a PHI VM'),
    liveCase(
      [account, storagePricing({ pricingTier: 'Standard', subPlan: 'DefenderForStorageV2', extensions: EXTENSIONS })],
      'Defender for Storage V2 with both extensions',
    ),
    armCase(
      [
        armAccount,
        armPricing('StorageAccounts', {
          pricingTier: 'Standard',
          subPlan: 'DefenderForStorageV2',
          extensions: EXTENSIONS,
        }),
      ],
      'template StorageAccounts V2 with both extensions',
    ),
    liveCase(
      [
        account,
        storagePricing({ pricingTier: 'Standard', subPlan: 'DefenderForStorageV2', extensions: EXTENSIONS }),
        override({ isEnabled: false, overrideSubscriptionLevelSettings: false }),
      ],
      'account setting that does not override the plan',
    ),
  ],
  fail: [
    liveCase(
      [vm(), payloadPricing((p) => Object.assign(p, { pricingTier: 'Free', subPlan: null }))],
      'payload VirtualMachines Free with a PHI VM',
    ),
    liveCase(
      [account, storagePricing({ pricingTier: 'Standard', subPlan: 'PerTransaction' })],
      'legacy per-transaction storage plan',
    ),
    liveCase(
      [
        account,
        storagePricing({
          pricingTier: 'Standard',
          subPlan: 'DefenderForStorageV2',
          extensions: [EXTENSIONS[0], { name: 'SensitiveDataDiscovery', isEnabled: 'False' }],
        }),
      ],
      'sensitive data discovery disabled',
    ),
    liveCase(
      [account, storagePricing({ pricingTier: 'Standard', subPlan: 'DefenderForStorageV2' })],
      'live plan listing no extensions',
    ),
    armCase(
      [armAccount, armPricing('StorageAccounts', { pricingTier: 'Standard', subPlan: 'DefenderForStorageV2' })],
      'template extensions not pinned',
    ),
    armCase(
      [armAccount, armPricing('Arm', { pricingTier: 'Free' })],
      'template Arm plan Free with PHI in the subscription',
    ),
    liveCase(
      [
        account,
        storagePricing({ pricingTier: 'Standard', subPlan: 'DefenderForStorageV2', extensions: EXTENSIONS }),
        override({ isEnabled: false, overrideSubscriptionLevelSettings: true }),
      ],
      'PHI account overrides the plan off',
    ),
    withConfig(
      liveCase(
        [
          vm(),
          {
            ...payloadPricing((p) => Object.assign(p, { pricingTier: 'Free' })),
            id: `${PAYLOAD_SUBSCRIPTION}/providers/Microsoft.Security/pricings/CosmosDbs`,
            name: 'CosmosDbs',
          },
        ],
        'CosmosDbs listed in defender.required_plans',
      ),
      (c) => {
        c.defender.requiredPlans = ['CosmosDbs'];
      },
    ),
  ],
  unknown: [
    armCase(
      [armAccount, armPricing('StorageAccounts', { pricingTier: "[parameters('tier')]" })],
      'tier from a parameter without value',
      { tier: { type: 'string' } },
    ),
    armCase(
      [armAccount, armPricing('StorageAccounts', { subPlan: 'DefenderForStorageV2' })],
      'pricingTier absent (required)',
    ),
  ],
  notApplicable: [
    liveCase([payloadPricing()], 'payload alone: no PHI resource in the subscription'),
    liveCase(
      [account, payloadPricing((p) => Object.assign(p, { pricingTier: 'Free' }))],
      'VirtualMachines Free where the subscription holds no VM',
    ),
    withConfig(
      liveCase([vm({}), payloadPricing((p) => Object.assign(p, { pricingTier: 'Free' }))], 'non-PHI VM'),
      tagged,
    ),
    withConfig(
      liveCase(
        [vm(), payloadPricing((p) => Object.assign(p, { pricingTier: 'Free' }))],
        'required_plans lists other plans',
      ),
      (c) => {
        c.defender.requiredPlans = ['StorageAccounts'];
      },
    ),
  ],
});

describe('PHI-LOG-008 scope', () => {
  it('brings a pricing into PHI scope through the PHI resources of its subscription', () => {
    const pricing = payloadPricing((p) => Object.assign(p, { pricingTier: 'Free' }));
    const { findings } = run(rule, withConfig(liveCase([vm(), pricing], 'x'), tagged));
    assert.deepEqual(
      findings.map((f) => [f.status, f.phi, f.evidence.path]),
      [['fail', true, 'properties.pricingTier']],
    );
    assert.match(findings[0].message, /Microsoft\.Compute\/virtualMachines/);
  });

  it('does not count PHI in another subscription', () => {
    const elsewhere = { ...vm(), id: vm().id.replace('20ff7fc3', '30ff7fc3') };
    const { findings } = run(
      rule,
      liveCase([elsewhere, payloadPricing((p) => Object.assign(p, { pricingTier: 'Free' }))], 'x'),
    );
    assert.deepEqual(findings, []);
  });
});
