// Resource types and sources shared by the PHI-CMP rules. Azure facts they rest on: managed disks are always
// encrypted at rest by server-side encryption (platform key unless a disk encryption set names a customer key);
// encryption at host also covers temp disks and caches; Azure Disk Encryption (BitLocker/dm-crypt in the guest)
// is scheduled for retirement and cannot be combined with encryption at host.
import { sameText } from '../../../core/path.js';
import type { Resource } from '../../../core/types.js';

export const VM = 'Microsoft.Compute/virtualMachines';
export const VM_EXTENSION = 'Microsoft.Compute/virtualMachines/extensions';
export const VMSS = 'Microsoft.Compute/virtualMachineScaleSets';
export const DISK = 'Microsoft.Compute/disks';
export const DISK_ENCRYPTION_SET = 'Microsoft.Compute/diskEncryptionSets';

export const ADE_PUBLISHER = 'Microsoft.Azure.Security';
export const ADE_TYPES = ['AzureDiskEncryption', 'AzureDiskEncryptionForLinux'];

export function isType(resource: Resource, type: string): boolean {
  return sameText(resource.type, type);
}

export const COMPUTE_SWAGGER =
  'Azure/azure-rest-api-specs specification/compute/resource-manager/Microsoft.Compute (ComputeRP virtualMachine.json, virtualMachineScaleSet.json: SecurityProfile, OSDisk.encryptionSettings, ManagedDiskParameters.diskEncryptionSet; DiskRP disk.json: Encryption, EncryptionSettingsCollection, DiskEncryptionSet)';
export const ADE_RETIREMENT =
  'learn.microsoft.com Azure Disk Encryption pages: "Azure Disk Encryption is scheduled for retirement on September 15, 2028 ... Use encryption at host for new VMs. All ADE-enabled VMs (including backups) must migrate to encryption at host before the retirement date"';
export const ADE_EXTENSIONS =
  'learn.microsoft.com/azure/virtual-machines/extensions/azure-disk-enc-windows and azure-disk-enc-linux (publisher Microsoft.Azure.Security, types AzureDiskEncryption / AzureDiskEncryptionForLinux)';
export const DISK_ENCRYPTION_DOC =
  'learn.microsoft.com/azure/virtual-machines/disk-encryption (server-side encryption of managed disks: platform-managed keys by default, customer-managed keys through disk encryption sets; encryption at host)';
