import { asBoolean, sameText } from '../../../core/path.js';
import { defineRule, fail, pass, unknown } from '../../define.js';
import { set } from '../fixes.js';
import { describeValue } from '../stg/shared.js';
import { ADE_RETIREMENT, COMPUTE_SWAGGER, DISK_ENCRYPTION_DOC, isType, VM, VMSS } from './shared.js';

export default defineRule({
  id: 'PHI-CMP-002',
  title: 'PHI virtual machine does not use encryption at host',
  severity: 'medium',
  pattern: 1,
  hipaa: [{ cite: '164.312(a)(2)(iv)', type: 'A' }],
  phiScoped: true,
  types: [VM, VMSS],
  policies: [
    {
      id: 'fc4d8e41-e223-45ea-9bf5-eada37891d87',
      name: 'Virtual machines and virtual machine scale sets should have encryption at host enabled',
      relation: 'equivalent',
    },
  ],
  remediation: {
    az: 'az feature register --namespace Microsoft.Compute --name EncryptionAtHost   # once per subscription\naz vm deallocate -g "$RG" -n "$VM" && az vm update -g "$RG" -n "$VM" --set securityProfile.encryptionAtHost=true && az vm start -g "$RG" -n "$VM"',
    arm: '{"properties": {"securityProfile": {"encryptionAtHost": true}}}',
    bicep:
      "resource vm 'Microsoft.Compute/virtualMachines@2024-07-01' = {\n  // ...\n  properties: {\n    securityProfile: { encryptionAtHost: true }\n  }\n}\n// scale sets: properties.virtualMachineProfile.securityProfile.encryptionAtHost",
    terraform: 'encryption_at_host_enabled = true',
    note: 'Requires deallocation (downtime) and a VM size that supports encryption at host; not possible while ADE is enabled.',
  },
  docs: {
    evaluation:
      'Reads securityProfile.encryptionAtHost of a PHI VM (scale sets: virtualMachineProfile.securityProfile.encryptionAtHost). true passes. A confidential VM passes too when securityProfile.securityType is ConfidentialVM and the OS disk securityProfile.securityEncryptionType is DiskWithVMGuestState (the disk and VM guest state are encrypted together). Otherwise the temp disk and the OS/data disk caches on the host are not encrypted by server-side encryption -> fail. The managed disks themselves are still encrypted at rest.',
    absent: 'encryptionAtHost absent = false (swagger: "disabled unless this property is set to true") -> fail.',
    unresolvable: 'encryptionAtHost unresolved (and not a confidential VM) -> needs review.',
    crossResource:
      'Azure Disk Encryption on the same VM is PHI-CMP-001; the two are mutually exclusive, so ADE must be removed before encryption at host can be turned on.',
    references: [
      `${COMPUTE_SWAGGER}: SecurityProfile.encryptionAtHost ("The default behavior is: The Encryption at host will be disabled unless this property is set to true for the resource."), securityType, ManagedDiskParameters.securityProfile.securityEncryptionType`,
      'Azure Policy fc4d8e41-e223-45ea-9bf5-eada37891d87',
      DISK_ENCRYPTION_DOC,
      ADE_RETIREMENT,
      'hashicorp/terraform-provider-azurerm website/docs/r/linux_virtual_machine.html.markdown: encryption_at_host_enabled',
    ],
  },
  fix: (_machine, { path }) => [
    set(
      path,
      true,
      'the VM must be deallocated (downtime), its size must support encryption at host, the subscription needs the EncryptionAtHost feature registered, and it cannot be combined with Azure Disk Encryption (PHI-CMP-001)',
    ),
  ],
  check(machine, context) {
    const base = isType(machine, VMSS) ? 'properties.virtualMachineProfile' : 'properties';
    const host = context.read(machine, `${base}.securityProfile.encryptionAtHost`);
    if (host.state !== 'unknown' && asBoolean(host.value) === true) return pass(host.path, host.value);
    const securityType = context.read(machine, `${base}.securityProfile.securityType`);
    const diskEncryption = context.read(
      machine,
      `${base}.storageProfile.osDisk.managedDisk.securityProfile.securityEncryptionType`,
    );
    if (
      securityType.state !== 'unknown' &&
      sameText(securityType.value, 'ConfidentialVM') &&
      diskEncryption.state !== 'unknown' &&
      sameText(diskEncryption.value, 'DiskWithVMGuestState')
    ) {
      return pass(diskEncryption.path, diskEncryption.value);
    }
    if (host.state === 'unknown') return unknown(host);
    const what = isType(machine, VMSS) ? 'The scale set' : 'The VM';
    return fail(host, {
      expected: 'true',
      message:
        asBoolean(host.value) === false
          ? `${what} does not use encryption at host: its temp disk and disk caches are not encrypted on the host (the managed disks themselves are server-side encrypted)`
          : `${what} does not use encryption at host: encryptionAtHost is ${describeValue(host.value)}, not a boolean`,
    });
  },
});
