// The built-in Azure Policy definitions the phiguard initiative references: every azure_policy entry of the rule
// catalog (spec rules.yaml, mirrored in each rule's `policies`) that can audit, with the effects the built-in
// accepts as rules.yaml records them. Remediation built-ins (Modify, DeployIfNotExists, Append) are left out: they
// need a managed identity with role assignments and target parameters a human must choose. EXCLUDED names the
// auditing built-ins left out on purpose, with the reason; a test keeps both lists in step with rules.yaml.

export interface BuiltinPolicy {
  id: string;
  name: string;
  /** The phiguard rules this built-in is listed under. */
  rules: string[];
  /** The effect values the definition's `effect` parameter allows (spelled as the definition spells them). */
  effects: string[];
  /**
   * The definition has no `effect` parameter (its effect is fixed); passing one would fail the deployment.
   * rules.yaml lists the fixed effect alone, e.g. "Audit diagnostic setting" (AuditIfNotExists).
   */
  fixedEffect?: true;
  /** Definition parameters the initiative sets besides the effect: definition parameter -> initiative parameter. */
  parameters?: Record<string, string>;
}

export const BUILTIN_POLICIES: BuiltinPolicy[] = [
  {
    id: '4fa4b6c0-31ca-4c0d-b10d-24b96f62a751',
    name: 'Storage account public access should be disallowed',
    rules: ['PHI-STG-001', 'PHI-STG-002'],
    effects: ['Audit', 'Deny', 'Disabled'],
  },
  {
    id: '404c3081-a854-4457-ae30-26a93ef643f9',
    name: 'Secure transfer to storage accounts should be enabled',
    rules: ['PHI-STG-003'],
    effects: ['Audit', 'Deny', 'Disabled'],
  },
  {
    id: 'fe83a0eb-a853-422d-aac2-1bffd182c5d0',
    name: 'Storage accounts should have the specified minimum TLS version',
    rules: ['PHI-STG-004'],
    effects: ['Audit', 'Deny', 'Disabled'],
  },
  {
    id: '34c877ad-507e-4c82-993e-3452a6e0ad3c',
    name: 'Storage accounts should restrict network access',
    rules: ['PHI-STG-005'],
    effects: ['Audit', 'Deny', 'Disabled'],
  },
  {
    id: '60d21c4f-21a3-4d94-85f4-b924e6aeeda4',
    name: 'Storage Accounts should use a virtual network service endpoint',
    rules: ['PHI-STG-005'],
    effects: ['Audit', 'Disabled'],
  },
  {
    id: '6edd7eda-6dd8-40f7-810d-67160c639cd9',
    name: 'Storage accounts should use private link',
    rules: ['PHI-STG-006'],
    effects: ['AuditIfNotExists', 'Disabled'],
  },
  {
    id: '6fac406b-40ca-413b-bf8e-0bf964659c25',
    name: 'Storage accounts should use customer-managed key for encryption',
    rules: ['PHI-STG-007'],
    effects: ['Audit', 'Disabled'],
  },
  {
    id: 'b5ec538c-daa0-4006-8596-35468b9148e8',
    name: 'Storage account encryption scopes should use customer-managed keys to encrypt data at rest',
    rules: ['PHI-STG-007'],
    effects: ['Audit', 'Deny', 'Disabled'],
  },
  {
    id: '4733ea7b-a883-42fe-8cac-97454c2a9e4a',
    name: 'Storage accounts should have infrastructure encryption',
    rules: ['PHI-STG-008'],
    effects: ['Audit', 'Deny', 'Disabled'],
  },
  {
    id: '8c6a50c6-9ffd-4ae7-986f-5fa6111f9a54',
    name: 'Storage accounts should prevent shared key access',
    rules: ['PHI-STG-009'],
    effects: ['Audit', 'Deny', 'Disabled'],
  },
  {
    id: '9daedab3-fb2d-461e-b861-71790eead4f6',
    name: 'All network ports should be restricted on network security groups associated to your virtual machine',
    rules: ['PHI-NET-001'],
    effects: ['AuditIfNotExists', 'Disabled'],
  },
  {
    id: 'f6de0be7-9a8a-4b8a-b349-43cf02d22f7c',
    name: 'Internet-facing virtual machines should be protected with network security groups',
    rules: ['PHI-NET-001'],
    effects: ['AuditIfNotExists', 'Disabled'],
  },
  {
    id: '22730e10-96f6-4aac-ad84-9383d35b5917',
    name: 'Management ports should be closed on your virtual machines',
    rules: ['PHI-NET-002', 'PHI-NET-003'],
    effects: ['AuditIfNotExists', 'Disabled'],
  },
  {
    id: 'b0f33259-77d7-4c9e-aac6-3aabcfae693c',
    name: 'Management ports of virtual machines should be protected with just-in-time network access control',
    rules: ['PHI-NET-002', 'PHI-NET-003'],
    effects: ['AuditIfNotExists', 'Disabled'],
  },
  {
    id: '12339a85-a25c-4f17-9f82-4766f13f5c4c',
    name: 'Azure Cosmos DB accounts should not allow traffic from all Azure data centers',
    rules: ['PHI-NET-005'],
    effects: ['Audit', 'Deny', 'Disabled'],
  },
  {
    id: '1b8ca024-1d5c-4dec-8995-b1a932b41780',
    name: 'Public network access on Azure SQL Database should be disabled',
    rules: ['PHI-NET-006'],
    effects: ['Audit', 'Deny', 'Disabled'],
  },
  {
    id: '797b37f7-06b8-444c-b1ad-fc62867f335a',
    name: 'Azure Cosmos DB should disable public network access',
    rules: ['PHI-NET-006'],
    effects: ['Audit', 'Deny', 'Disabled'],
  },
  {
    id: '5e1de0e3-42cb-4ebc-a86d-61d0c619ca48',
    name: 'Public network access should be disabled for PostgreSQL flexible servers',
    rules: ['PHI-NET-006'],
    effects: ['Audit', 'Deny', 'Disabled'],
  },
  {
    id: 'c9299215-ae47-4f50-9c54-8a392f68a052',
    name: 'Public network access should be disabled for MySQL flexible servers',
    rules: ['PHI-NET-006'],
    effects: ['Audit', 'Deny', 'Disabled'],
  },
  {
    id: 'b52376f7-9612-48a1-81cd-1ffe4b61032c',
    name: 'Public network access should be disabled for PostgreSQL servers',
    rules: ['PHI-NET-006'],
    effects: ['Audit', 'Deny', 'Disabled'],
  },
  {
    id: 'd9844e8a-1437-4aeb-a32c-0c992f056095',
    name: 'Public network access should be disabled for MySQL servers',
    rules: ['PHI-NET-006'],
    effects: ['Audit', 'Deny', 'Disabled'],
  },
  {
    id: '862e97cf-49fc-4a5c-9de4-40d4e2e7c8eb',
    name: 'Azure Cosmos DB accounts should have firewall rules',
    rules: ['PHI-NET-007'],
    effects: ['Audit', 'Deny', 'Disabled'],
  },
  {
    id: '7698e800-9299-47a6-b3b6-5a0fee576eed',
    name: 'Private endpoint connections on Azure SQL Database should be enabled',
    rules: ['PHI-NET-008'],
    effects: ['Audit', 'Disabled'],
  },
  {
    id: '58440f8a-10c5-4151-bdce-dfbaad4a20b7',
    name: 'CosmosDB accounts should use private link',
    rules: ['PHI-NET-008'],
    effects: ['Audit', 'Disabled'],
  },
  {
    id: '5375a5bb-22c6-46d7-8a43-83417cfb4460',
    name: 'Private endpoint should be enabled for PostgreSQL flexible servers',
    rules: ['PHI-NET-008'],
    effects: ['AuditIfNotExists', 'Disabled'],
  },
  {
    id: 'ae5d2f14-d830-42b6-9899-df6cfe9c71a3',
    name: 'SQL Server should use a virtual network service endpoint',
    rules: ['PHI-NET-008'],
    effects: ['AuditIfNotExists', 'Disabled'],
  },
  {
    id: 'e0a2b1a3-f7f9-4569-807f-2a9edebdf4d9',
    name: 'Cosmos DB should use a virtual network service endpoint',
    rules: ['PHI-NET-008'],
    effects: ['Audit', 'Disabled'],
  },
  {
    id: '17k78e20-9358-41c9-923c-fb736d382a12',
    name: 'Transparent Data Encryption on SQL databases should be enabled',
    rules: ['PHI-NET-009'],
    effects: ['AuditIfNotExists', 'Disabled'],
  },
  {
    id: '0a370ff3-6cab-4e85-8995-295fd854c5b8',
    name: 'SQL servers should use customer-managed keys to encrypt data at rest',
    rules: ['PHI-NET-010'],
    effects: ['Audit', 'Deny', 'Disabled'],
  },
  {
    id: 'ac01ad65-10e5-46df-bdd9-6b0cad13e1d2',
    name: 'SQL managed instances should use customer-managed keys to encrypt data at rest',
    rules: ['PHI-NET-010'],
    effects: ['Audit', 'Deny', 'Disabled'],
  },
  {
    id: '1f905d99-2ab7-462c-a6b0-f709acca6c8f',
    name: 'Azure Cosmos DB accounts should use customer-managed keys to encrypt data at rest',
    rules: ['PHI-NET-010'],
    effects: ['Audit', 'Deny', 'Disabled'],
  },
  {
    id: '83cef61d-dbd1-4b20-a4fc-5fbc7da10833',
    name: 'MySQL servers should use customer-managed keys to encrypt data at rest',
    rules: ['PHI-NET-010'],
    effects: ['AuditIfNotExists', 'Disabled'],
  },
  {
    id: '18adea5e-f416-4d0f-8aa8-d24321e3e274',
    name: 'PostgreSQL servers should use customer-managed keys to encrypt data at rest',
    rules: ['PHI-NET-010'],
    effects: ['AuditIfNotExists', 'Disabled'],
  },
  {
    id: '339353f6-2387-4a45-abe4-7f529d121046',
    name: 'Guest accounts with owner permissions on Azure resources should be removed',
    rules: ['PHI-IAM-002'],
    effects: ['AuditIfNotExists', 'Disabled'],
  },
  {
    id: '4f11b553-d42e-4e3a-89be-32ca364cad4c',
    name: 'A maximum of 3 owners should be designated for your subscription',
    rules: ['PHI-IAM-002'],
    effects: ['AuditIfNotExists', 'Disabled'],
  },
  {
    id: '5450f5bd-9c72-4390-a9c4-a7aba4edfdd2',
    name: 'Cosmos DB database accounts should have local authentication methods disabled',
    rules: ['PHI-IAM-008'],
    effects: ['Audit', 'Deny', 'Disabled'],
  },
  {
    id: 'ee7495e7-3ba7-40b6-bfee-c29e22cc75d4',
    name: 'API Management APIs should use only encrypted protocols',
    rules: ['PHI-TLS-002'],
    effects: ['Audit', 'Disabled', 'Deny'],
  },
  {
    id: '8ac833bd-f505-48d5-887e-c993a1d3eea0',
    name: 'API endpoints in Azure API Management should be authenticated',
    rules: ['PHI-TLS-003'],
    effects: ['AuditIfNotExists', 'Disabled'],
  },
  {
    id: '92bb331d-ac71-416a-8c91-02f2cb734ce4',
    name: 'API Management calls to API backends should not bypass certificate thumbprint or name validation',
    rules: ['PHI-TLS-004'],
    effects: ['Audit', 'Disabled', 'Deny'],
  },
  {
    id: 'a4af4a39-4135-47fb-b175-47fbdf85311d',
    name: 'App Service apps should only be accessible over HTTPS',
    rules: ['PHI-TLS-005'],
    effects: ['Audit', 'Disabled', 'Deny'],
  },
  {
    id: '6d555dd1-86f2-4f1c-8ed7-5abae7c6cbab',
    name: 'Function apps should only be accessible over HTTPS',
    rules: ['PHI-TLS-005'],
    effects: ['Audit', 'Disabled', 'Deny'],
  },
  {
    id: 'ae1b9a8c-dfce-4605-bd91-69213b4a26fc',
    name: 'App Service app slots should only be accessible over HTTPS',
    rules: ['PHI-TLS-005'],
    effects: ['Audit', 'Disabled', 'Deny'],
  },
  {
    id: 'f0e6e85b-9b9f-4a4b-b67b-f730d42f1b0b',
    name: 'App Service apps should use the latest TLS version',
    rules: ['PHI-TLS-006'],
    effects: ['AuditIfNotExists', 'Disabled'],
  },
  {
    id: 'f9d614c5-c173-4d56-95a7-b4437057d193',
    name: 'Function apps should use the latest TLS version',
    rules: ['PHI-TLS-006'],
    effects: ['AuditIfNotExists', 'Disabled'],
  },
  {
    id: '4ee5b817-627a-435a-8932-116193268172',
    name: 'App Service app slots should use the latest TLS version',
    rules: ['PHI-TLS-006'],
    effects: ['AuditIfNotExists', 'Disabled'],
  },
  {
    id: '4d24b6d4-5e53-4a4f-a7f4-618fa573ee4b',
    name: 'App Service apps should require FTPS only',
    rules: ['PHI-TLS-007'],
    effects: ['AuditIfNotExists', 'Disabled'],
  },
  {
    id: '679da822-78a7-4eff-8fff-a899454a9970',
    name: 'Azure Front Door Standard and Premium should be running minimum TLS version of 1.2',
    rules: ['PHI-TLS-009'],
    effects: ['Audit', 'Deny', 'Disabled'],
  },
  {
    id: '32e6bbec-16b6-44c2-be37-c5b672d103cf',
    name: 'Azure SQL Database should be running TLS version 1.2 or newer',
    rules: ['PHI-TLS-010'],
    effects: ['Audit', 'Disabled', 'Deny'],
  },
  {
    id: 'a43d5475-c569-45ce-a268-28fa79f4e87a',
    name: 'PostgreSQL flexible servers should be running TLS version 1.2 or newer',
    rules: ['PHI-TLS-010'],
    effects: ['AuditIfNotExists', 'Disabled'],
  },
  {
    id: 'c29c38cb-74a7-4505-9a06-e588ab86620a',
    name: 'Enforce SSL connection should be enabled for PostgreSQL flexible servers',
    rules: ['PHI-TLS-011'],
    effects: ['AuditIfNotExists', 'Disabled'],
  },
  {
    id: 'd158790f-bfb0-486c-8631-2dc6b4e8e6af',
    name: 'Enforce SSL connection should be enabled for PostgreSQL database servers',
    rules: ['PHI-TLS-011'],
    effects: ['Audit', 'Disabled'],
  },
  {
    id: 'e802a67a-daf5-4436-9ea6-f6d821dd0c5d',
    name: 'Enforce SSL connection should be enabled for MySQL database servers',
    rules: ['PHI-TLS-011'],
    effects: ['Audit', 'Disabled'],
  },
  {
    id: '7f89b1eb-583c-429a-8828-af049802c1d9',
    name: 'Audit diagnostic setting for selected resource types',
    rules: ['PHI-LOG-002'],
    effects: ['AuditIfNotExists'],
    fixedEffect: true,
    parameters: { listOfResourceTypes: 'diagnosticResourceTypes' },
  },
  {
    id: '91a78b24-f231-4a8a-8da9-02c35b2b6510',
    name: 'App Service apps should have resource logs enabled',
    rules: ['PHI-LOG-002'],
    effects: ['AuditIfNotExists', 'Disabled'],
  },
  {
    id: 'cf820ca0-f99e-4f3e-84fb-66e913812d21',
    name: 'Resource logs in Key Vault should be enabled',
    rules: ['PHI-LOG-003'],
    effects: ['AuditIfNotExists', 'Disabled'],
  },
  {
    id: 'a2a5b911-5617-447e-a49e-59dbe0e0434b',
    name: 'Resource logs in Azure Key Vault Managed HSM should be enabled',
    rules: ['PHI-LOG-003'],
    effects: ['AuditIfNotExists', 'Disabled'],
  },
  {
    id: 'a6fb4358-5bf4-4ad7-ba82-2cd2f41ce5e9',
    name: 'Auditing on SQL server should be enabled',
    rules: ['PHI-LOG-005'],
    effects: ['AuditIfNotExists', 'Disabled'],
  },
  {
    id: '89099bee-89e0-4b26-a5f4-165451757743',
    name: 'SQL servers with auditing to storage account destination should be configured with 90 days retention or higher',
    rules: ['PHI-LOG-006'],
    effects: ['AuditIfNotExists', 'Disabled'],
  },
  {
    id: '640d2586-54d2-465f-877f-9ffc1d2109f4',
    name: 'Microsoft Defender for Storage should be enabled',
    rules: ['PHI-LOG-008'],
    effects: ['AuditIfNotExists', 'Disabled'],
  },
  {
    id: '7fe3b40f-802b-4cdd-8bd4-fd799c948cc2',
    name: 'Azure Defender for Azure SQL Database servers should be enabled',
    rules: ['PHI-LOG-008'],
    effects: ['AuditIfNotExists', 'Disabled'],
  },
  {
    id: '0a9fbe0d-c5c4-4da8-87d8-f4fd77338835',
    name: 'Azure Defender for open-source relational databases should be enabled',
    rules: ['PHI-LOG-008'],
    effects: ['AuditIfNotExists', 'Disabled'],
  },
  {
    id: 'adbe85b5-83e6-4350-ab58-bf3a4f736e5e',
    name: 'Microsoft Defender for Azure Cosmos DB should be enabled',
    rules: ['PHI-LOG-008'],
    effects: ['AuditIfNotExists', 'Disabled'],
  },
  {
    id: '4da35fc9-c9e7-4960-aec9-797fe7d9051d',
    name: 'Azure Defender for servers should be enabled',
    rules: ['PHI-LOG-008'],
    effects: ['AuditIfNotExists', 'Disabled'],
  },
  {
    id: '0e6763cc-5078-4e64-889d-ff4d9a839047',
    name: 'Azure Defender for Key Vault should be enabled',
    rules: ['PHI-LOG-008'],
    effects: ['AuditIfNotExists', 'Disabled'],
  },
  {
    id: 'bf045164-79ba-4215-8f95-f8048dc1780b',
    name: 'Geo-redundant storage should be enabled for Storage Accounts',
    rules: ['PHI-BAK-001'],
    effects: ['Audit', 'Disabled'],
  },
  {
    id: 'c36a325b-ae04-4863-ad4f-19c6678f8e08',
    name: 'Configure your Storage account to enable blob versioning',
    rules: ['PHI-BAK-003'],
    effects: ['Audit', 'Deny', 'Disabled'],
  },
  {
    id: '31b8092a-36b8-434b-9af7-5ec844364148',
    name: '[Preview]: Soft delete must be enabled for Recovery Services Vaults.',
    rules: ['PHI-BAK-005'],
    effects: ['Audit', 'Disabled'],
  },
  {
    id: '9798d31d-6028-4dee-8643-46102185c016',
    name: '[Preview]: Soft delete should be enabled for Backup Vaults',
    rules: ['PHI-BAK-005'],
    effects: ['Audit', 'Disabled'],
  },
  {
    id: 'd6f6f560-14b7-49a4-9fc8-d2c3a9807868',
    name: '[Preview]: Immutability must be enabled for Recovery Services vaults',
    rules: ['PHI-BAK-006'],
    effects: ['Audit', 'Disabled'],
  },
  {
    id: '2514263b-bc0d-4b06-ac3e-f262c0979018',
    name: '[Preview]: Immutability must be enabled for backup vaults',
    rules: ['PHI-BAK-006'],
    effects: ['Audit', 'Disabled'],
  },
  {
    id: '2e94d99a-8a36-4563-bc77-810d8893b671',
    name: '[Preview]: Azure Recovery Services vaults should use customer-managed keys for encrypting backup data',
    rules: ['PHI-BAK-007'],
    effects: ['Audit', 'Deny', 'Disabled'],
  },
  {
    id: 'd6588149-9f06-462c-a076-56aece45b5ba',
    name: '[Preview]: Azure Backup Vaults should use customer-managed keys for encrypting backup data. Also an option to enforce Infra Encryption.',
    rules: ['PHI-BAK-007'],
    effects: ['Audit', 'Deny', 'Disabled'],
  },
  {
    id: 'cee2f9fd-3968-44be-a863-bd62c9884423',
    name: 'Geo-redundant backup should be enabled for Azure Database for PostgreSQL flexible servers',
    rules: ['PHI-BAK-012'],
    effects: ['Audit', 'Disabled'],
  },
  {
    id: '48af4db5-9b8b-401c-8e74-076be876a430',
    name: 'Geo-redundant backup should be enabled for Azure Database for PostgreSQL',
    rules: ['PHI-BAK-012'],
    effects: ['Audit', 'Disabled'],
  },
  {
    id: '82339799-d096-41ae-8538-b108becf0970',
    name: 'Geo-redundant backup should be enabled for Azure Database for MySQL',
    rules: ['PHI-BAK-012'],
    effects: ['Audit', 'Disabled'],
  },
  {
    id: 'd38fc420-0735-4ef3-ac11-c806f651a570',
    name: 'Long-term geo-redundant backup should be enabled for Azure SQL Databases',
    rules: ['PHI-BAK-012'],
    effects: ['AuditIfNotExists', 'Disabled'],
  },
  {
    id: '0b60c0b2-2dc2-4e1c-b5c9-abbed971de53',
    name: 'Key vaults should have deletion protection enabled',
    rules: ['PHI-KV-001'],
    effects: ['Audit', 'Deny', 'Disabled'],
  },
  {
    id: 'c39ba22d-4428-4149-b981-70acb31fc383',
    name: 'Azure Key Vault Managed HSM should have purge protection enabled',
    rules: ['PHI-KV-001'],
    effects: ['Audit', 'Deny', 'Disabled'],
  },
  {
    id: '1e66c121-a66a-4b1f-9b83-0fd99bf0fc2d',
    name: 'Key vaults should have soft delete enabled',
    rules: ['PHI-KV-002'],
    effects: ['Audit', 'Deny', 'Disabled'],
  },
  {
    id: '55615ac9-af46-4a59-874e-391cc3dfb490',
    name: 'Azure Key Vault should have firewall enabled or public network access disabled',
    rules: ['PHI-KV-003'],
    effects: ['Audit', 'Deny', 'Disabled'],
  },
  {
    id: 'ea4d6841-2173-4317-9747-ff522a45120f',
    name: 'Key Vault should use a virtual network service endpoint',
    rules: ['PHI-KV-003'],
    effects: ['Audit', 'Disabled'],
  },
  {
    id: 'd8cf8476-a2ec-4916-896e-992351803c44',
    name: 'Keys should have a rotation policy ensuring that their rotation is scheduled within the specified number of days after creation.',
    rules: ['PHI-KV-004'],
    effects: ['Audit', 'Disabled'],
    // Passed explicitly: initiatives that reference this definition (CIS, MCSB) always set it.
    parameters: { maximumDaysToRotate: 'keyRotationMaxDays' },
  },
  {
    id: '152b15f7-8e1f-4c1f-ab71-8c010ba5dbc0',
    name: 'Key Vault keys should have an expiration date',
    rules: ['PHI-KV-004'],
    effects: ['Audit', 'Deny', 'Disabled'],
  },
  {
    id: 'fc4d8e41-e223-45ea-9bf5-eada37891d87',
    name: 'Virtual machines and virtual machine scale sets should have encryption at host enabled',
    rules: ['PHI-CMP-002'],
    effects: ['Audit', 'Deny', 'Disabled'],
  },
  {
    id: '702dd420-7fcc-42c5-afe8-4026edd20fe0',
    name: 'OS and data disks should be encrypted with a customer-managed key',
    rules: ['PHI-CMP-003'],
    effects: ['Audit', 'Deny', 'Disabled'],
  },
  {
    id: '64528841-2f92-43f6-a137-d52e5c3dbeac',
    name: 'Azure Health Data Services workspace should use private link',
    rules: ['PHI-DAT-001'],
    effects: ['Audit', 'Disabled'],
  },
  {
    id: '1ee56206-5dd1-42ab-b02d-8aae8b1634ce',
    name: 'Azure API for FHIR should use private link',
    rules: ['PHI-DAT-001'],
    effects: ['Audit', 'Disabled'],
  },
  {
    id: 'c42dee8c-0202-4a12-bd8e-3e171cbf64dd',
    name: 'FHIR Service should use a customer-managed key to encrypt data at rest',
    rules: ['PHI-DAT-002'],
    effects: ['Audit', 'Disabled'],
  },
  {
    id: '051cba44-2429-45b9-9649-46cec11c7119',
    name: 'Azure API for FHIR should use a customer-managed key to encrypt data at rest',
    rules: ['PHI-DAT-002'],
    effects: ['Audit', 'Disabled'],
  },
  {
    id: 'fe1c9040-c46a-4e81-9aea-c7850fbb3aa6',
    name: 'CORS should not allow every domain to access your FHIR Service',
    rules: ['PHI-DAT-003'],
    effects: ['audit', 'Audit', 'disabled', 'Disabled'],
  },
  {
    id: '0fea8f8a-4169-495d-8307-30ec335f387d',
    name: 'CORS should not allow every domain to access your API for FHIR',
    rules: ['PHI-DAT-003'],
    effects: ['audit', 'disabled'],
  },
  {
    id: '9259053b-ddb8-40ab-842a-0aef19d0ade4',
    name: 'Azure Purview accounts should use private link',
    rules: ['PHI-DAT-004'],
    effects: ['Audit', 'Disabled'],
  },
];

export const EXCLUDED: Record<string, string> = {
  'b2982f36-99f2-4db5-8eff-283140c09693':
    'stricter than PHI-STG-005: fails accounts that restrict public access with a firewall instead of disabling it',
  '405c5871-3e91-4644-8a63-58e19d68ff5b':
    'stricter than PHI-KV-003: fails vaults that restrict public access with a firewall instead of disabling it',
  'a451c1ef-c6ca-483d-87ed-f49761e3ffb5': 'flags every custom RBAC role, not only over-privileged ones (PHI-IAM-003)',
  'd461a302-a187-421a-89ac-84acdb4edc04': 'requires the list of allowed disk encryption sets, a choice per estate',
  'b4fe1a3b-0715-4c6c-a5ea-ffc33cf823cb':
    'requires the destination workspace (DeployIfNotExists family); "Audit diagnostic setting" covers the audit',
  '7796937f-307b-4598-941c-67d3a05ebfe7': 'audits legacy log profiles, retired on 30 Sep 2026 (controls.md E3)',
};
