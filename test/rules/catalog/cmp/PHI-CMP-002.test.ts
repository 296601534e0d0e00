import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import rule from '../../../../src/rules/catalog/cmp/PHI-CMP-002.js';
import { parameterCases, template, templateCase } from '../../../helpers/arm-cases.js';
import { ruleCases, run, withConfig } from '../../../helpers/rule-cases.js';
import { body, live } from '../net/support.js';
import { osDisk, VM, vm, vmss } from './support.js';

const host = parameterCases((expression) => [vm({ securityProfile: { encryptionAtHost: expression } })], 'bool', false);
const hostOn = parameterCases(
  (expression) => [vm({ securityProfile: { encryptionAtHost: expression } })],
  'bool',
  true,
);

/** A confidential VM whose OS disk is encrypted with `securityEncryptionType`. */
const confidential = (securityEncryptionType: string) =>
  vm({
    securityProfile: { securityType: 'ConfidentialVM', uefiSettings: { secureBootEnabled: true, vTpmEnabled: true } },
    storageProfile: {
      osDisk: osDisk({ securityProfile: { securityEncryptionType } }),
    },
  });

const liveVm = (properties: Record<string, unknown>, label: string) =>
  live(
    body(VM, 'phivm', {
      vmId: '2589c1e5-0e61-5605-b2ec-1806269383c4',
      hardwareProfile: { vmSize: 'Standard_D4s_v5' },
      provisioningState: 'Succeeded',
      ...properties,
    }),
    `live VM ${label}`,
  );

ruleCases(rule, {
  pass: [
    templateCase(template([vm({ securityProfile: { encryptionAtHost: true } })]), 'VM with encryption at host'),
    templateCase(template([vm({ securityProfile: { encryptionAtHost: 'True' } })]), 'encryptionAtHost "True"'),
    hostOn.fromFile,
    templateCase(
      template([vmss({ securityProfile: { encryptionAtHost: true } })]),
      'scale set with encryption at host in the model',
    ),
    templateCase(
      template([confidential('DiskWithVMGuestState')]),
      'confidential VM with disk and guest state encryption',
    ),
    liveVm({ securityProfile: { encryptionAtHost: true } }, 'with encryption at host'),
  ],
  fail: [
    templateCase(template([vm()]), 'VM without securityProfile', { needle: '"properties"', after: '"phivm"' }),
    templateCase(template([vm({ securityProfile: { encryptionAtHost: false } })]), 'encryption at host false', {
      needle: '"encryptionAtHost"',
    }),
    host.fromDefault,
    host.fromFile,
    templateCase(template([vmss()]), 'scale set without encryption at host'),
    templateCase(template([confidential('VMGuestStateOnly')]), 'confidential VM encrypting only the guest state'),
    liveVm(
      { storageProfile: { osDisk: { osType: 'Windows', createOption: 'FromImage' } } },
      'as Resource Graph returns it',
    ),
  ],
  unknown: [host.missing],
  notApplicable: [
    withConfig(templateCase(template([vm()]), 'untagged VM'), (config) => {
      config.classification.default = 'non-phi';
    }),
  ],
});

describe('PHI-CMP-002 messages', () => {
  it('says what is left unencrypted and that the managed disks are encrypted', () => {
    const [finding] = run(rule, templateCase(template([vm()]), 'x')).findings;
    assert.match(finding.message, /temp disk and disk caches are not encrypted on the host/);
    assert.match(finding.message, /managed disks themselves are server-side encrypted/);
    assert.match(finding.message, /encryption at host is off unless enabled/);
  });

  it('reads the scale set model path', () => {
    const [finding] = run(rule, templateCase(template([vmss()]), 'x')).findings;
    assert.equal(finding.evidence.path, 'properties.virtualMachineProfile.securityProfile.encryptionAtHost');
    assert.match(finding.message, /^The scale set/);
  });
});
