// What absent compute properties mean (PHI-CMP-*). Managed disks are always encrypted at rest (SSE with a
// platform-managed key unless a disk encryption set is named); Azure Disk Encryption is a separate, deprecated
// in-guest layer that is absent unless configured.
import type { DefaultEntry } from '../defaults.js';

const VM = 'Microsoft.Compute/virtualMachines';
const VMSS = 'Microsoft.Compute/virtualMachineScaleSets';
const DISK = 'Microsoft.Compute/disks';
const COMPUTE_SWAGGER =
  'azure-rest-api-specs compute/resource-manager/Microsoft.Compute (ComputeRP virtualMachine.json / virtualMachineScaleSet.json SecurityProfile.encryptionAtHost)';
const DISK_SWAGGER = 'azure-rest-api-specs compute/resource-manager/Microsoft.Compute DiskRP disk.json (Encryption)';
const EAH_TEXT =
  '"The default behavior is: The Encryption at host will be disabled unless this property is set to true for the resource."';

export const COMPUTE_DEFAULTS: DefaultEntry[] = [
  {
    type: VM,
    path: 'properties.securityProfile.encryptionAtHost',
    value: false,
    because: 'absent; encryption at host is off unless enabled',
    source: `${COMPUTE_SWAGGER}: ${EAH_TEXT}; Azure Policy fc4d8e41`,
  },
  {
    type: VMSS,
    path: 'properties.virtualMachineProfile.securityProfile.encryptionAtHost',
    value: false,
    because: 'absent; encryption at host is off unless enabled',
    source: `${COMPUTE_SWAGGER}: ${EAH_TEXT}; Azure Policy fc4d8e41`,
  },
  {
    type: DISK,
    path: 'properties.encryption.type',
    value: 'EncryptionAtRestWithPlatformKey',
    because: 'absent; the disk is encrypted at rest with a platform-managed key',
    source: `${DISK_SWAGGER} EncryptionType; learn.microsoft.com/azure/virtual-machines/disk-encryption ("By default, managed disks use platform-managed encryption keys"); Azure Policy 702dd420`,
  },
  {
    type: DISK,
    path: 'properties.encryptionSettingsCollection.enabled',
    value: false,
    because: 'absent; no Azure Disk Encryption settings on the disk',
    source: `${DISK_SWAGGER} EncryptionSettingsCollection (set only by Azure Disk Encryption); rules.yaml PHI-CMP-001`,
  },
  {
    type: DISK,
    path: 'properties.encryptionSettings.enabled',
    value: false,
    because: 'absent; no legacy Azure Disk Encryption settings on the disk',
    source: `${DISK_SWAGGER} (pre-2018-09-30 encryptionSettings); rules.yaml PHI-CMP-001`,
  },
  {
    type: VM,
    path: 'properties.storageProfile.osDisk.encryptionSettings.enabled',
    value: false,
    because: 'absent; no Azure Disk Encryption settings on the OS disk',
    source: `${COMPUTE_SWAGGER} OSDisk.encryptionSettings; rules.yaml PHI-CMP-001`,
  },
];
