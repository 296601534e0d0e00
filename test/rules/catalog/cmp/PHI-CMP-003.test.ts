import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import rule from '../../../../src/rules/catalog/cmp/PHI-CMP-003.js';
import { lineOf, parameterCases, SUB, template, templateCase } from '../../../helpers/arm-cases.js';
import { named, ruleCases, run, withConfig } from '../../../helpers/rule-cases.js';
import { body, live, liveMany } from '../net/support.js';
import { DES, DES_ID, DISK, dataDisk, disk, encryptionSet, KEY_URL, osDisk, VM, vm } from './support.js';

const CMK = 'EncryptionAtRestWithCustomerKey';
const withSet = { diskEncryptionSet: { id: DES_ID } };
const diskType = parameterCases(
  (expression) => [disk({ encryption: { type: expression, diskEncryptionSetId: DES_ID } })],
  'string',
  'EncryptionAtRestWithPlatformKey',
);

const storage = (os: Record<string, unknown>, data: Record<string, unknown>[] = []) => ({
  storageProfile: {
    imageReference: { publisher: 'Canonical', offer: 'ubuntu-24_04-lts', sku: 'server', version: 'latest' },
    osDisk: os,
    dataDisks: data,
  },
});

/** A VM whose OS disk is attached from the disk resource `phidisk`. */
const attached = (others: Record<string, unknown>[]) =>
  template([
    vm({
      storageProfile: {
        osDisk: {
          osType: 'Linux',
          createOption: 'Attach',
          managedDisk: { id: "[resourceId('Microsoft.Compute/disks', 'phidisk')]" },
        },
      },
    }),
    ...others,
  ]);

const LIVE_VM_ID = `${SUB}/Microsoft.Compute/virtualMachines/phivm`;

ruleCases(rule, {
  pass: [
    templateCase(template([disk({ encryption: { type: CMK, diskEncryptionSetId: DES_ID } })]), 'disk with a CMK set'),
    templateCase(
      template([
        disk({ encryption: { type: 'EncryptionAtRestWithPlatformAndCustomerKeys', diskEncryptionSetId: DES_ID } }),
      ]),
      'disk with double encryption',
    ),
    templateCase(
      template([disk({ encryption: { diskEncryptionSetId: DES_ID } })]),
      'disk set without a type (inferred)',
    ),
    templateCase(
      template([disk({ encryption: { type: CMK, diskEncryptionSetId: "[parameters('des')]" } })], {
        des: { type: 'string' },
      }),
      'disk encryption set id from an unresolved parameter (presence)',
    ),
    templateCase(
      template([
        disk({
          securityProfile: {
            securityType: 'ConfidentialVM_DiskEncryptedWithCustomerKey',
            secureVMDiskEncryptionSetId: DES_ID,
          },
        }),
      ]),
      'confidential disk with a secure VM disk encryption set',
    ),
    templateCase(
      template([vm(storage(osDisk(withSet), [dataDisk(0, withSet), dataDisk(1, withSet)]))]),
      'VM with every disk on a CMK set',
    ),
    templateCase(
      template([
        vm(
          storage(
            osDisk({
              securityProfile: { securityEncryptionType: 'DiskWithVMGuestState', diskEncryptionSet: { id: DES_ID } },
            }),
          ),
        ),
      ]),
      'confidential VM with its set in the disk security profile',
    ),
    templateCase(
      template([encryptionSet({ activeKey: { keyUrl: KEY_URL } })]),
      'disk encryption set with an active key',
    ),
    live(
      body(DISK, 'phidisk', { encryption: { type: CMK, diskEncryptionSetId: DES_ID }, diskState: 'Attached' }),
      'live CMK disk',
    ),
  ],
  fail: [
    templateCase(template([disk()]), 'disk without encryption settings', {
      needle: '"properties"',
      after: '"phidisk"',
    }),
    templateCase(
      template([disk({ encryption: { type: 'EncryptionAtRestWithPlatformKey' } })]),
      'disk with a platform key',
      {
        needle: '"type": "EncryptionAtRestWithPlatformKey"',
      },
    ),
    templateCase(template([disk({ encryption: { type: CMK } })]), 'customer key type without a set'),
    diskType.fromDefault,
    diskType.fromFile,
    templateCase(template([vm()]), 'VM with a platform-key OS disk', { needle: '"managedDisk"' }),
    templateCase(
      template([vm(storage(osDisk(withSet), [dataDisk(0, withSet), dataDisk(1)]))]),
      'VM with one data disk left on the platform key',
      { needle: '"managedDisk"', after: '"phivm-data1"' },
    ),
    templateCase(template([encryptionSet()]), 'disk encryption set without an active key'),
    live(
      body(DISK, 'phidisk', { encryption: { type: 'EncryptionAtRestWithPlatformKey' }, diskState: 'Unattached' }),
      'live unattached platform-key disk',
    ),
  ],
  unknown: [diskType.missing, templateCase(attached([]), 'VM attaching a disk resource that is not in the scan')],
  notApplicable: [
    live(
      body(VM, 'phivm', {
        storageProfile: {
          osDisk: {
            osType: 'Windows',
            createOption: 'FromImage',
            managedDisk: { id: `${SUB}/Microsoft.Compute/disks/phivm-os`, storageAccountType: 'Premium_LRS' },
          },
          dataDisks: [],
        },
      }),
      'live VM: its managed disks are judged as disk resources',
    ),
    named(
      templateCase(attached([disk({ encryption: { type: CMK, diskEncryptionSetId: DES_ID } })]), 'x'),
      'arm VM whose only disk is a disk resource of the scan',
      {
        subject: 'virtualMachines/phivm',
      },
    ),
    withConfig(templateCase(template([disk()]), 'untagged disk'), (config) => {
      config.classification.default = 'non-phi';
    }),
  ],
});

describe('PHI-CMP-003 VM disks', () => {
  it('fails once per disk on the platform key, naming the disk and pointing at it', () => {
    const tpl = template([vm(storage(osDisk(), [dataDisk(0, withSet), dataDisk(1)]))]);
    const text = JSON.stringify(tpl, null, 2);
    const findings = run(rule, templateCase(tpl, 'x')).findings;
    assert.deepEqual(
      findings.map((f) => [f.status, f.evidence.path, f.location?.line]),
      [
        [
          'fail',
          'properties.storageProfile.osDisk.managedDisk.diskEncryptionSet.id',
          lineOf(text, '"managedDisk"', '"phivm-os"'),
        ],
        [
          'fail',
          'properties.storageProfile.dataDisks.1.managedDisk.diskEncryptionSet.id',
          lineOf(text, '"managedDisk"', '"phivm-data1"'),
        ],
      ],
    );
    assert.match(findings[0].message, /OS disk phivm-os of the VM is encrypted at rest with a platform-managed key/);
    for (const finding of findings) assert.doesNotMatch(finding.message, /unencrypted|not encrypted/i);
  });

  it('does not repeat a live disk that is in the same inventory', () => {
    const diskId = `${SUB}/Microsoft.Compute/disks/phivm-os`;
    const testCase = liveMany(
      [
        body(VM, 'phivm', {
          storageProfile: {
            osDisk: { name: 'phivm-os', createOption: 'FromImage', managedDisk: { id: diskId } },
            dataDisks: [],
          },
        }),
        {
          ...body(DISK, 'phivm-os', { encryption: { type: 'EncryptionAtRestWithPlatformKey' } }),
          id: diskId,
          managedBy: LIVE_VM_ID,
        },
      ],
      'live VM and its disk',
    );
    const findings = run(rule, testCase).findings;
    assert.deepEqual(
      findings.map((f) => [f.resource.type, f.status]),
      [[DISK, 'fail']],
    );
  });

  it('counts an unresolved disk encryption set id on a VM disk as set', () => {
    const tpl = template([vm(storage(osDisk({ diskEncryptionSet: { id: "[parameters('des')]" } })))], {
      des: { type: 'string' },
    });
    assert.deepEqual(
      run(rule, templateCase(tpl, 'x')).findings.map((f) => f.status),
      ['pass'],
    );
  });

  it('evaluates disk encryption sets as the CMK holders they are', () => {
    assert.ok(rule.types.includes(DES));
  });
});
