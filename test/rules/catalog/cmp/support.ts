// Builders shared by the PHI-CMP rule tables: VM, scale set, extension, managed disk and disk encryption set
// template resources and live bodies.
import { type Json, SUB } from '../../../helpers/arm-cases.js';
import { res } from '../net/support.js';

export const VM = 'Microsoft.Compute/virtualMachines';
export const VMSS = 'Microsoft.Compute/virtualMachineScaleSets';
export const EXTENSION = 'Microsoft.Compute/virtualMachines/extensions';
export const DISK = 'Microsoft.Compute/disks';
export const DES = 'Microsoft.Compute/diskEncryptionSets';
export const DES_ID = `${SUB}/Microsoft.Compute/diskEncryptionSets/phides`;
export const KEY_URL = 'https://phikv.vault.azure.net/keys/disks/0123456789abcdef0123456789abcdef';

const IMAGE = {
  publisher: 'MicrosoftWindowsServer',
  offer: 'WindowsServer',
  sku: '2022-datacenter-g2',
  version: 'latest',
};

/** A managed OS disk created from the image; `managedDisk` extras (diskEncryptionSet, securityProfile) merge in. */
export function osDisk(managedDisk: Json = {}, extra: Json = {}): Json {
  return {
    name: 'phivm-os',
    createOption: 'FromImage',
    caching: 'ReadWrite',
    managedDisk: { storageAccountType: 'Premium_LRS', ...managedDisk },
    ...extra,
  };
}

export function dataDisk(lun: number, managedDisk: Json = {}, extra: Json = {}): Json {
  return {
    name: `phivm-data${lun}`,
    lun,
    createOption: 'Empty',
    diskSizeGB: 256,
    managedDisk: { storageAccountType: 'Premium_LRS', ...managedDisk },
    ...extra,
  };
}

/** A VM template resource; `properties` merge over a minimal Windows VM with one managed OS disk. */
export function vm(properties: Json = {}, extra: Json = {}): Json {
  return res(
    VM,
    'phivm',
    {
      hardwareProfile: { vmSize: 'Standard_D4s_v5' },
      storageProfile: { imageReference: IMAGE, osDisk: osDisk() },
      networkProfile: { networkInterfaces: [{ id: `${SUB}/Microsoft.Network/networkInterfaces/phivm-nic` }] },
      ...properties,
    },
    { apiVersion: '2024-07-01', ...extra },
  );
}

export function vmss(virtualMachineProfile: Json = {}, extra: Json = {}): Json {
  return res(
    VMSS,
    'phivmss',
    {
      orchestrationMode: 'Uniform',
      upgradePolicy: { mode: 'Manual' },
      virtualMachineProfile: { storageProfile: { imageReference: IMAGE, osDisk: osDisk() }, ...virtualMachineProfile },
    },
    { apiVersion: '2024-07-01', sku: { name: 'Standard_D2s_v5', capacity: 2 }, ...extra },
  );
}

/** A VM extension as a top-level template resource (`phivm/<name>`). */
export function extension(publisher: unknown, type: unknown, name = 'AzureDiskEncryption', settings: Json = {}): Json {
  return res(
    EXTENSION,
    `phivm/${name}`,
    { publisher, type, typeHandlerVersion: '2.2', autoUpgradeMinorVersion: true, settings },
    { apiVersion: '2024-07-01', location: 'eastus' },
  );
}

export function disk(properties: Json = {}, extra: Json = {}): Json {
  return res(
    DISK,
    'phidisk',
    { creationData: { createOption: 'Empty' }, diskSizeGB: 256, ...properties },
    { apiVersion: '2024-03-02', sku: { name: 'Premium_LRS' }, ...extra },
  );
}

export function encryptionSet(properties: Json = {}): Json {
  return res(
    DES,
    'phides',
    { encryptionType: 'EncryptionAtRestWithCustomerKey', ...properties },
    { apiVersion: '2024-03-02', identity: { type: 'SystemAssigned' } },
  );
}

/** ADE settings as a live disk shows them (encryptionSettingsCollection, settings version 2.0). */
export const ADE_COLLECTION = {
  enabled: true,
  encryptionSettings: [
    {
      diskEncryptionKey: {
        sourceVault: { id: `${SUB}/Microsoft.KeyVault/vaults/phikv` },
        secretUrl: 'https://phikv.vault.azure.net/secrets/0F7E/9053cb39d3ee5df187b530a1df9588e6',
      },
    },
  ],
  encryptionSettingsVersion: '2.0',
};
