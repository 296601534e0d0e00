import { asBoolean, sameText } from '../../../core/path.js';
import type { Outcome, Resource } from '../../../core/types.js';
import { defineRule, fail, notApplicable, type PathRead, pass, type RuleContext, unknown } from '../../define.js';
import { manual } from '../fixes.js';
import { and, type Blocker, blockerMessage, blockerOf, isBlocker, type Tri } from '../net/tri.js';
import {
  ADE_EXTENSIONS,
  ADE_PUBLISHER,
  ADE_RETIREMENT,
  ADE_TYPES,
  COMPUTE_SWAGGER,
  DISK,
  DISK_ENCRYPTION_DOC,
  isType,
  VM,
  VM_EXTENSION,
  VMSS,
} from './shared.js';

const MIGRATE =
  'Azure Disk Encryption is deprecated (retirement 15 September 2028): decrypt, remove the extension and use server-side encryption with encryption at host';

/** Whether the extension whose publisher and type are at `base` is Azure Disk Encryption. */
function isAde(resource: Resource, base: string, context: RuleContext): { ade: Tri; type: PathRead } {
  const publisher = context.read(resource, `${base}.publisher`);
  const type = context.read(resource, `${base}.type`);
  const typeMatch: Tri =
    type.state === 'unknown' ? blockerOf(type) : ADE_TYPES.some((name) => sameText(type.value, name));
  const publisherMatch: Tri =
    publisher.state === 'unknown' ? blockerOf(publisher) : sameText(publisher.value, ADE_PUBLISHER);
  return { ade: and(typeMatch, publisherMatch), type };
}

function operationOf(resource: Resource, base: string, context: RuleContext): string {
  const operation = context.read(resource, `${base}.settings.EncryptionOperation`);
  return operation.state !== 'unknown' && typeof operation.value === 'string'
    ? ` (EncryptionOperation ${operation.value})`
    : '';
}

function checkExtension(extension: Resource, context: RuleContext): Outcome {
  const { ade, type } = isAde(extension, 'properties', context);
  if (ade === false) return notApplicable('not an Azure Disk Encryption extension');
  if (isBlocker(ade)) return unknown(ade, blockerMessage(ade));
  const vm = extension.name.split('/')[0];
  return fail(type, {
    expected: 'no Azure Disk Encryption extension (encryption at host with server-side encryption)',
    message: `VM ${vm} runs the Azure Disk Encryption extension ${String(type.state === 'unknown' ? '' : type.value)}${operationOf(extension, 'properties', context)}. ${MIGRATE}`,
  });
}

function checkScaleSet(scaleSet: Resource, context: RuleContext): Outcome | Outcome[] {
  const base = 'properties.virtualMachineProfile.extensionProfile.extensions';
  const list = context.read(scaleSet, base);
  if (list.state === 'unknown') return unknown(list);
  const failures: Outcome[] = [];
  let blocker: Blocker | undefined;
  const count = Array.isArray(list.value) ? list.value.length : 0;
  for (let i = 0; i < count; i++) {
    const { ade, type } = isAde(scaleSet, `${base}.${i}.properties`, context);
    if (isBlocker(ade)) blocker ??= ade;
    else if (ade && type.state !== 'unknown') {
      failures.push(
        fail(type, {
          expected: 'no Azure Disk Encryption extension in the scale set model',
          message: `The scale set model includes the Azure Disk Encryption extension ${String(type.value)}${operationOf(scaleSet, `${base}.${i}.properties`, context)}. ${MIGRATE}`,
        }),
      );
    }
  }
  if (failures.length > 0) return failures;
  if (blocker) return unknown(blocker, blockerMessage(blocker));
  return pass(base);
}

/** An `enabled` flag of ADE settings (VM osDisk.encryptionSettings, disk encryptionSettingsCollection). */
function checkSettings(resource: Resource, paths: string[], what: string, context: RuleContext): Outcome {
  let blocker: Blocker | undefined;
  for (const path of paths) {
    const enabled = context.read(resource, path);
    if (enabled.state === 'unknown') {
      blocker ??= blockerOf(enabled);
      continue;
    }
    if (asBoolean(enabled.value) === true) {
      return fail(enabled, {
        expected: 'no Azure Disk Encryption settings',
        message: `${what} is encrypted with Azure Disk Encryption (${path.replace(/^properties\./, '')} true). ${MIGRATE}`,
      });
    }
  }
  if (blocker) return unknown(blocker, blockerMessage(blocker));
  return pass(paths[0], false);
}

export default defineRule({
  id: 'PHI-CMP-001',
  title: 'VM or disk uses deprecated Azure Disk Encryption instead of SSE with encryption at host',
  severity: 'medium',
  pattern: 1,
  hipaa: [
    { cite: '164.312(a)(2)(iv)', type: 'A' },
    { cite: '164.308(a)(1)(ii)(B)', type: 'R' },
  ],
  phiScoped: false,
  types: [VM_EXTENSION, VMSS, VM, DISK],
  policies: [],
  remediation: {
    az: 'az vm encryption disable -g "$RG" -n "$VM" --volume-type ALL          # Windows; Linux: data volumes only\naz vm extension delete -g "$RG" --vm-name "$VM" -n AzureDiskEncryption\naz vm deallocate -g "$RG" -n "$VM" && az vm update -g "$RG" -n "$VM" --set securityProfile.encryptionAtHost=true && az vm start -g "$RG" -n "$VM"',
    arm: '{"properties": {"securityProfile": {"encryptionAtHost": true}}}',
    bicep:
      "// remove the AzureDiskEncryption extension resource, then on the VM:\nresource vm 'Microsoft.Compute/virtualMachines@2024-07-01' = {\n  // ...\n  properties: {\n    securityProfile: { encryptionAtHost: true }\n  }\n}",
    terraform:
      '# remove the AzureDiskEncryption azurerm_virtual_machine_extension; set encryption_at_host_enabled = true on the VM',
    note: 'Planned change with downtime (decrypt, remove extension, deallocate, enable EAH). Linux VMs with an ADE-encrypted OS disk cannot be decrypted in place: rebuild from a new disk. Azure Disk Encryption retires on 15 September 2028; after that ADE-encrypted disks fail to unlock on reboot. Do not remove ADE during an incident without a backup.',
  },
  docs: {
    evaluation:
      'Looks for Azure Disk Encryption artefacts. A VM extension (Microsoft.Compute/virtualMachines/extensions) with publisher Microsoft.Azure.Security and type AzureDiskEncryption or AzureDiskEncryptionForLinux fails; any other extension is not applicable. A scale set fails for each such extension in virtualMachineProfile.extensionProfile.extensions[]. A VM fails when storageProfile.osDisk.encryptionSettings.enabled is true (legacy ADE settings on the VM model); a managed disk fails when encryptionSettingsCollection.enabled (or legacy encryptionSettings.enabled) is true, which is how a live disk shows ADE even when the extension is not declared in IaC. Nothing here means the data is unencrypted: managed disks are always server-side encrypted. ADE is an in-guest layer that Microsoft retires on 15 September 2028 and that cannot be combined with encryption at host.',
    absent: 'No ADE extension and no ADE settings -> pass (there is no compliant ADE state to look for).',
    unresolvable: 'An extension whose publisher or type is unresolved, or an unresolved enabled flag -> needs review.',
    crossResource:
      'Each artefact is its own subject: the extension resource, the disk, the VM model. Live: the disks of an ADE VM carry encryptionSettingsCollection. Encryption at host on the same VM is PHI-CMP-002.',
    references: [
      `${COMPUTE_SWAGGER}`,
      ADE_EXTENSIONS,
      ADE_RETIREMENT,
      DISK_ENCRYPTION_DOC,
      'hashicorp/terraform-provider-azurerm website/docs/r/virtual_machine_extension.html.markdown, managed_disk.html.markdown (encryption_settings)',
    ],
  },
  fix: (resource) => [
    manual(
      `Replace Azure Disk Encryption on ${resource.name} with encryption at host (PHI-CMP-002) in a planned window: back up, decrypt the data disks, remove the AzureDiskEncryption extension, deallocate, enable encryptionAtHost and start. Linux OS disks encrypted with ADE cannot be decrypted in place (rebuild from a new disk). ADE retires on 15 September 2028; do not remove it during an incident without a backup.`,
    ),
  ],
  check(resource, context) {
    if (isType(resource, VM_EXTENSION)) return checkExtension(resource, context);
    if (isType(resource, VMSS)) return checkScaleSet(resource, context);
    if (isType(resource, VM)) {
      return checkSettings(
        resource,
        ['properties.storageProfile.osDisk.encryptionSettings.enabled'],
        'The OS disk of the VM',
        context,
      );
    }
    return checkSettings(
      resource,
      ['properties.encryptionSettingsCollection.enabled', 'properties.encryptionSettings.enabled'],
      'The managed disk',
      context,
    );
  },
});
