import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import rule from '../../../../src/rules/catalog/cmp/PHI-CMP-001.js';
import { parameterCases, template, templateCase } from '../../../helpers/arm-cases.js';
import { named, ruleCases, run } from '../../../helpers/rule-cases.js';
import { body, live } from '../net/support.js';
import { ADE_COLLECTION, DISK, disk, EXTENSION, extension, osDisk, VM, vm, vmss } from './support.js';

const ADE = 'Microsoft.Azure.Security';
const extCase = (publisher: unknown, type: unknown, label: string, at?: { needle: string }) =>
  templateCase(template([extension(publisher, type)]), `extension ${label}`, at);

const typeParam = parameterCases((expression) => [extension(ADE, expression)], 'string', 'AzureDiskEncryption');
const publisherParam = parameterCases(
  (expression) => [vm(), extension(expression, 'AzureDiskEncryption')],
  'string',
  ADE,
);
const diskFlag = parameterCases(
  (expression) => [disk({ encryptionSettingsCollection: { ...ADE_COLLECTION, enabled: expression } })],
  'bool',
  true,
);
const scaleSetAde = (type: unknown) =>
  vmss({
    extensionProfile: {
      extensions: [
        { name: 'Monitoring', properties: { publisher: 'Microsoft.Azure.Monitor', type: 'AzureMonitorWindowsAgent' } },
        { name: 'ADE', properties: { publisher: ADE, type, typeHandlerVersion: '2.2' } },
      ],
    },
  });

/** The VM of the Contoso example: the ADE extension declared as a nested child resource. */
const nested = template([
  {
    ...vm(),
    resources: [
      {
        type: 'extensions',
        apiVersion: '2024-07-01',
        name: 'AzureDiskEncryption',
        location: 'eastus',
        dependsOn: ["[resourceId('Microsoft.Compute/virtualMachines', 'phivm')]"],
        properties: {
          publisher: ADE,
          type: 'AzureDiskEncryption',
          typeHandlerVersion: '2.2',
          settings: { EncryptionOperation: 'EnableEncryption', VolumeType: 'All' },
        },
      },
    ],
  },
]);

ruleCases(rule, {
  pass: [
    templateCase(template([vm()]), 'VM without ADE settings'),
    templateCase(
      template([vm({ storageProfile: { osDisk: osDisk({}, { encryptionSettings: { enabled: false } }) } })]),
      'VM with encryptionSettings disabled',
    ),
    templateCase(template([disk()]), 'disk without ADE settings'),
    templateCase(template([disk({ encryptionSettingsCollection: { enabled: false } })]), 'disk with ADE off'),
    templateCase(template([vmss()]), 'scale set without extensions'),
    live(body(DISK, 'phidisk', { encryption: { type: 'EncryptionAtRestWithPlatformKey' } }), 'live disk without ADE'),
  ],
  fail: [
    extCase(ADE, 'AzureDiskEncryption', 'ADE for Windows', { needle: '"type": "AzureDiskEncryption"' }),
    extCase(ADE, 'AzureDiskEncryptionForLinux', 'ADE for Linux', { needle: '"type": "AzureDiskEncryptionForLinux"' }),
    extCase('microsoft.azure.security', 'azurediskencryption', 'ADE in lower case'),
    named(
      templateCase(nested, 'ADE as a nested child of the VM', { needle: '"type": "AzureDiskEncryption"' }),
      'arm ADE nested in the VM',
      {
        subject: '/extensions/',
      },
    ),
    typeParam.fromDefault,
    typeParam.fromFile,
    templateCase(template([scaleSetAde('AzureDiskEncryptionForLinux')]), 'scale set model with ADE', {
      needle: '"type": "AzureDiskEncryptionForLinux"',
    }),
    templateCase(
      template([vm({ storageProfile: { osDisk: osDisk({}, { encryptionSettings: { enabled: true } }) } })]),
      'VM with legacy osDisk encryptionSettings',
      { needle: '"enabled": true' },
    ),
    templateCase(template([disk({ encryptionSettingsCollection: ADE_COLLECTION })]), 'disk with ADE settings', {
      needle: '"enabled": true',
    }),
    templateCase(
      template([disk({ encryptionSettings: { enabled: true } }, { apiVersion: '2017-03-30' })]),
      'legacy disk ADE',
    ),
    diskFlag.fromFile,
    live(
      body(DISK, 'phidisk', {
        encryptionSettingsCollection: ADE_COLLECTION,
        encryption: { type: 'EncryptionAtRestWithPlatformKey' },
      }),
      'live disk of an ADE VM',
    ),
    live(
      body(EXTENSION, 'phivm/AzureDiskEncryption', {
        publisher: ADE,
        type: 'AzureDiskEncryption',
        provisioningState: 'Succeeded',
      }),
      'live ADE extension',
    ),
  ],
  unknown: [
    typeParam.missing,
    publisherParam.missing,
    diskFlag.missing,
    templateCase(
      template([scaleSetAde("[parameters('type')]")], { type: { type: 'string' } }),
      'scale set extension type unresolved',
    ),
  ],
  notApplicable: [
    extCase('Microsoft.Compute', 'CustomScriptExtension', 'custom script extension'),
    templateCase(
      template([extension('Microsoft.Azure.Monitor', "[parameters('type')]", 'Monitor')], {
        type: { type: 'string' },
      }),
      'extension of another publisher with an unresolved type (decided)',
    ),
  ],
});

describe('PHI-CMP-001 messages', () => {
  it('never calls ADE disks unencrypted and points to encryption at host', () => {
    for (const testCase of [
      extCase(ADE, 'AzureDiskEncryption', 'x'),
      templateCase(template([disk({ encryptionSettingsCollection: ADE_COLLECTION })]), 'disk'),
    ]) {
      const [finding] = run(rule, testCase).findings;
      assert.equal(finding.status, 'fail');
      assert.match(finding.message, /encryption at host/);
      assert.match(finding.message, /15 September 2028/);
      assert.doesNotMatch(finding.message, /unencrypted|not encrypted/i);
    }
  });

  it('names the VM and the encryption operation of an extension', () => {
    const tpl = template([
      extension(ADE, 'AzureDiskEncryption', 'AzureDiskEncryption', { EncryptionOperation: 'EnableEncryption' }),
    ]);
    const [finding] = run(rule, templateCase(tpl, 'x')).findings;
    assert.match(
      finding.message,
      /^VM phivm runs the Azure Disk Encryption extension AzureDiskEncryption \(EncryptionOperation EnableEncryption\)/,
    );
  });

  it('fails once per ADE extension of a scale set, not for the other extensions', () => {
    const findings = run(rule, templateCase(template([scaleSetAde('AzureDiskEncryption')]), 'x')).findings;
    assert.deepEqual(
      findings.map((f) => `${f.status} ${f.evidence.path}`),
      ['fail properties.virtualMachineProfile.extensionProfile.extensions.1.properties.type'],
    );
  });

  it('evaluates VMs and disks of every classification', () => {
    assert.equal(rule.phiScoped, false);
    assert.ok(rule.types.includes(VM) && rule.types.includes(DISK) && rule.types.includes(EXTENSION));
  });
});
