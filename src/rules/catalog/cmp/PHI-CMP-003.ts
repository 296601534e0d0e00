import { sameText } from '../../../core/path.js';
import { LIVE_ORIGINS, type Outcome, type Resource } from '../../../core/types.js';
import {
  defineRule,
  fail,
  failAt,
  notApplicable,
  type PathRead,
  pass,
  type RuleContext,
  unknown,
} from '../../define.js';
import { customerManagedKey, leafName, set } from '../fixes.js';
import { type Blocker, blockerMessage, blockerOf } from '../net/tri.js';
import { describeValue } from '../stg/shared.js';
import { COMPUTE_SWAGGER, DISK, DISK_ENCRYPTION_DOC, DISK_ENCRYPTION_SET, isType, VM } from './shared.js';

const CUSTOMER_KEY_TYPES = ['EncryptionAtRestWithCustomerKey', 'EncryptionAtRestWithPlatformAndCustomerKeys'];
const EXPECTED = 'a disk encryption set (customer-managed key)';
const PLATFORM_KEY =
  'encrypted at rest with a platform-managed key (server-side encryption), not with a customer-managed key';

/** Presence test: an unresolved expression still names a disk encryption set (rules.yaml conventions.unresolvable). */
function isSet(read: PathRead): boolean {
  if (read.state === 'unknown') return true;
  return typeof read.value === 'string' && read.value.trim() !== '';
}

function checkDisk(disk: Resource, context: RuleContext): Outcome {
  const set = context.read(disk, 'properties.encryption.diskEncryptionSetId');
  const type = context.read(disk, 'properties.encryption.type');
  // Confidential disks name their set in securityProfile (ConfidentialVM_DiskEncryptedWithCustomerKey).
  const secure = context.read(disk, 'properties.securityProfile.secureVMDiskEncryptionSetId');
  if (isSet(secure)) return pass(secure.path);
  if (type.state === 'unknown') return unknown(type);
  const customer = CUSTOMER_KEY_TYPES.some((name) => sameText(type.value, name));
  if (customer || (type.state === 'default' && isSet(set))) {
    if (isSet(set)) return pass(set.path);
    return fail(set, {
      expected: EXPECTED,
      message: `The disk declares ${describeValue(type.value)} but names no diskEncryptionSetId, so no customer-managed key is configured`,
    });
  }
  return fail(type, {
    expected: CUSTOMER_KEY_TYPES.join(' or '),
    message: sameText(type.value, 'EncryptionAtRestWithPlatformKey')
      ? `The managed disk is ${PLATFORM_KEY}`
      : `Disk encryption type ${describeValue(type.value)} is not a customer-managed key type`,
  });
}

/** The disks a VM model lists: the OS disk and every data disk. */
function diskPaths(vm: Resource, context: RuleContext): { paths: string[]; blocker?: Blocker } {
  const paths = ['properties.storageProfile.osDisk'];
  const data = context.read(vm, 'properties.storageProfile.dataDisks');
  if (data.state === 'unknown') return { paths, blocker: blockerOf(data) };
  if (Array.isArray(data.value)) {
    for (let i = 0; i < data.value.length; i++) paths.push(`properties.storageProfile.dataDisks.${i}`);
  }
  return { paths };
}

function checkVm(vm: Resource, context: RuleContext): Outcome | Outcome[] {
  const { paths, blocker: listBlocker } = diskPaths(vm, context);
  const failures: Outcome[] = [];
  let blocker = listBlocker;
  let evaluated = 0;
  for (const base of paths) {
    // Unmanaged (VHD) disks are blobs of a storage account: their key is the account's (PHI-STG-007).
    const vhd = context.read(vm, `${base}.vhd.uri`);
    if (vhd.state === 'unknown' || vhd.value !== undefined) continue;
    const diskId = context.read(vm, `${base}.managedDisk.id`);
    // A disk that exists as a resource is evaluated as its own subject; the VM model would only repeat it. Live, every
    // managed disk is a Microsoft.Compute/disks resource (decided without a lookup, so a streamed snapshot gives the
    // same verdicts); in a template only a disk resource of the scan is.
    if (diskId.state !== 'unknown' && typeof diskId.value === 'string') {
      if (LIVE_ORIGINS.has(vm.origin) || context.inventory.byId(diskId.value)) continue;
    }
    evaluated++;
    const set = context.read(vm, `${base}.managedDisk.diskEncryptionSet.id`);
    const secure = context.read(vm, `${base}.managedDisk.securityProfile.diskEncryptionSet.id`);
    if (isSet(set) || isSet(secure)) continue;
    const name = context.read(vm, `${base}.name`);
    const label = `${base.endsWith('osDisk') ? 'OS disk' : 'data disk'}${name.state === 'set' && typeof name.value === 'string' ? ` ${name.value}` : ''}`;
    const create = context.read(vm, `${base}.createOption`);
    if (!LIVE_ORIGINS.has(vm.origin) && create.state !== 'unknown' && sameText(create.value, 'Attach')) {
      // An attached disk keeps its own encryption; the template does not show it.
      blocker ??= {
        path: `${base}.managedDisk.id`,
        expression: diskId.state === 'unknown' ? diskId.expression : describeValue(diskId.value),
        at: diskId.at,
        message: `the ${label} is attached from a disk resource that is not in the scan, so its encryption is not known`,
      };
      continue;
    }
    failures.push(
      failAt(`${base}.managedDisk.diskEncryptionSet.id`, {
        expected: EXPECTED,
        message: `The ${label} of the VM is ${PLATFORM_KEY}`,
        at: set.at,
        because: set.state === 'default' ? set.because : undefined,
      }),
    );
  }
  if (failures.length > 0) return failures;
  if (blocker) return unknown(blocker, blockerMessage(blocker));
  if (evaluated === 0) return notApplicable('every managed disk of the VM is evaluated as its own disk resource');
  return pass('properties.storageProfile');
}

function checkEncryptionSet(set: Resource, context: RuleContext): Outcome {
  const key = context.read(set, 'properties.activeKey.keyUrl');
  if (isSet(key)) return pass(key.path, key.state === 'unknown' ? key.expression : key.value);
  return fail(key, {
    expected: 'properties.activeKey.keyUrl (a Key Vault key)',
    message: 'The disk encryption set names no active key, so the disks using it have no customer-managed key',
  });
}

export default defineRule({
  id: 'PHI-CMP-003',
  title: 'PHI managed disk is not encrypted with a customer-managed key',
  severity: 'medium',
  pattern: 1,
  hipaa: [
    { cite: '164.312(a)(2)(iv)', type: 'A' },
    { cite: '164.310(d)(1)', type: 'R' },
  ],
  phiScoped: true,
  types: [DISK, VM, DISK_ENCRYPTION_SET],
  policies: [
    {
      id: '702dd420-7fcc-42c5-afe8-4026edd20fe0',
      name: 'OS and data disks should be encrypted with a customer-managed key',
      relation: 'equivalent',
    },
    {
      id: 'd461a302-a187-421a-89ac-84acdb4edc04',
      name: 'Managed disks should use a specific set of disk encryption sets for the customer-managed key encryption',
      relation: 'related',
    },
  ],
  remediation: {
    az: 'az disk-encryption-set create -g "$RG" -n "$DES" --key-url "$KEY_URI" --source-vault "$KV_ID" --enable-auto-key-rotation true\naz vm deallocate -g "$RG" -n "$VM" && az disk update -g "$RG" -n "$DISK" --encryption-type EncryptionAtRestWithCustomerKey --disk-encryption-set "$DES_ID"',
    arm: '{"properties": {"encryption": {"type": "EncryptionAtRestWithCustomerKey", "diskEncryptionSetId": "<desId>"}}}',
    bicep:
      "resource disk 'Microsoft.Compute/disks@2024-03-02' = {\n  // ...\n  properties: {\n    encryption: { type: 'EncryptionAtRestWithCustomerKey', diskEncryptionSetId: des.id }\n  }\n}\n// VM-created disks: storageProfile.osDisk.managedDisk.diskEncryptionSet: { id: des.id } (and each data disk)",
    terraform: 'disk_encryption_set_id = azurerm_disk_encryption_set.phi.id',
    note: 'Disk must be unattached or the VM deallocated; grant the DES identity wrap/unwrap on the key first.',
  },
  docs: {
    evaluation:
      'Managed disk: properties.encryption.type EncryptionAtRestWithCustomerKey or EncryptionAtRestWithPlatformAndCustomerKeys with a diskEncryptionSetId passes, as does a diskEncryptionSetId with type absent (the service infers a customer key) and a confidential disk with securityProfile.secureVMDiskEncryptionSetId. EncryptionAtRestWithPlatformKey, or no encryption settings, fails: the disk is still encrypted at rest, with a platform-managed key. VM: each disk of storageProfile (OS disk, data disks) needs managedDisk.diskEncryptionSet.id (confidential VMs: managedDisk.securityProfile.diskEncryptionSet.id); one failure per disk. A disk that exists as a resource is evaluated as itself, not again through the VM: live, every managed disk (the VM lists its id) is a Microsoft.Compute/disks resource, so a live VM is only evaluated for disks without an id; in templates, disks created by the VM model are evaluated on the VM and disks attached from a disk resource of the scan on that resource. Unmanaged VHD disks follow their storage account (PHI-STG-007). Disk encryption set: passes when it names an activeKey.keyUrl. Azure Disk Encryption settings do not count (PHI-CMP-001).',
    absent: 'encryption.type absent without a disk encryption set = EncryptionAtRestWithPlatformKey -> fail.',
    unresolvable:
      'A diskEncryptionSetId / diskEncryptionSet.id / keyUrl given by an unresolved expression counts as set; an unresolved encryption type -> needs review. In templates, a disk attached (createOption Attach) from a disk resource outside the scan -> needs review.',
    crossResource:
      "The disk encryption set's key vault must pass PHI-KV-001/002, and its rotationToLatestKeyVersionEnabled feeds PHI-KV-004. Unattached disks of PHI VMs are in scope as disks.",
    references: [
      `${COMPUTE_SWAGGER}: Encryption.{type, diskEncryptionSetId}, EncryptionType, DiskSecurityProfile.secureVMDiskEncryptionSetId, ManagedDiskParameters.diskEncryptionSet`,
      'Azure Policy 702dd420-7fcc-42c5-afe8-4026edd20fe0; d461a302-a187-421a-89ac-84acdb4edc04',
      DISK_ENCRYPTION_DOC,
      'hashicorp/terraform-provider-azurerm website/docs/r/managed_disk.html.markdown: disk_encryption_set_id, secure_vm_disk_encryption_set_id',
      'Prowler vm_ensure_attached_disks_encrypted_with_cmk, vm_ensure_unattached_disks_encrypted_with_cmk (informational)',
    ],
  },
  fix(resource, { path }) {
    const key = `cmk-${leafName(resource.name)}`;
    if (isType(resource, DISK) && path === 'properties.encryption.type') {
      // The disk encryption set the key step creates is wired to properties.encryption.diskEncryptionSetId.
      return [
        set(path, CUSTOMER_KEY_TYPES[0], 'the disk must be unattached or its VM deallocated'),
        customerManagedKey('disk', key),
      ];
    }
    if (isType(resource, DISK)) return [customerManagedKey('disk', key)];
    if (isType(resource, VM)) return [customerManagedKey('virtual-machine-disks', key)];
    return [customerManagedKey('disk-encryption-set', key)];
  },
  check(resource, context) {
    if (isType(resource, DISK)) return checkDisk(resource, context);
    if (isType(resource, VM)) return checkVm(resource, context);
    return checkEncryptionSet(resource, context);
  },
});
