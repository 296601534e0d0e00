// What absent transmission-security properties mean (PHI-TLS-*). Quotes and sources: controls.md sections B2-B4
// and D, spec/rules.yaml PHI-TLS-001..011 "absent". `value: undefined` = "not pinned": a template leaves the value to
// history the scan cannot see; in live state the record did not carry it.
import type { Value } from '../../core/types.js';
import type { DefaultEntry } from '../defaults.js';

const APIM = 'Microsoft.ApiManagement/service';
const APIM_SWAGGER =
  'Azure/azure-rest-api-specs specification/apimanagement/resource-manager/Microsoft.ApiManagement/stable/2024-05-01';
const WEB_SWAGGER =
  'Azure/azure-rest-api-specs specification/web/resource-manager/Microsoft.Web/stable/2024-11-01/WebApps.json';
const SITE_TYPES = ['Microsoft.Web/sites', 'Microsoft.Web/sites/slots'];
const CONFIG_TYPES = ['Microsoft.Web/sites/config', 'Microsoft.Web/sites/slots/config'];

/** The customProperties keys PHI-TLS-001 reads (client side, backend side, 3DES). */
export const APIM_LEGACY_PROTOCOL_KEYS = [
  'Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Protocols.Tls10',
  'Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Protocols.Tls11',
  'Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Protocols.Ssl30',
  'Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Backend.Protocols.Tls10',
  'Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Backend.Protocols.Tls11',
  'Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Backend.Protocols.Ssl30',
  'Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Ciphers.TripleDes168',
] as const;

const APIM_CUSTOM_PROPERTIES_SOURCE = `${APIM_SWAGGER}/apimdeployment.json ApiManagementServiceBaseProperties.customProperties ("For all the settings except Http2 the default value is True if the service was created on or before April 1, 2018 and False otherwise"; "Not specifying any of these properties on PATCH operation will reset omitted properties' values to their defaults"); controls.md D1`;

/** Services created on or before this date default every legacy protocol key to True (swagger text above). */
export const APIM_LEGACY_DEFAULT_CREATED_UNTIL = '2018-04-01';

/**
 * The default of an absent legacy protocol key on a deployed service, which depends on its creation date
 * (`properties.createdAtUtc`). Kept here so the rule states no default of its own.
 */
export function apimLegacyProtocolDefault(createdAtUtc: string): { value: Value; because: string } | undefined {
  const day = /^(\d{4}-\d{2}-\d{2})/.exec(createdAtUtc)?.[1];
  if (!day) return undefined;
  return day <= APIM_LEGACY_DEFAULT_CREATED_UNTIL
    ? {
        value: 'True',
        because: `not returned; services created on or before ${APIM_LEGACY_DEFAULT_CREATED_UNTIL} (this one: ${day}) default to True`,
      }
    : {
        value: 'False',
        because: `not returned; services created after ${APIM_LEGACY_DEFAULT_CREATED_UNTIL} (this one: ${day}) default to False`,
      };
}

const apimProtocolDefaults: DefaultEntry[] = APIM_LEGACY_PROTOCOL_KEYS.flatMap((key): DefaultEntry[] => [
  {
    type: APIM,
    path: `properties.customProperties.${key}`,
    applies: 'template',
    value: 'False',
    because: 'absent; a deployment resets omitted keys to their default, False for services created after 2018-04-01',
    source: APIM_CUSTOM_PROPERTIES_SOURCE,
  },
  {
    type: APIM,
    path: `properties.customProperties.${key}`,
    applies: 'live',
    // Resolved from properties.createdAtUtc with apimLegacyProtocolDefault().
    value: undefined,
    because: `not returned; the default depends on the creation date (True on or before ${APIM_LEGACY_DEFAULT_CREATED_UNTIL})`,
    source: APIM_CUSTOM_PROPERTIES_SOURCE,
  },
]);

const apimDefaults: DefaultEntry[] = [
  ...apimProtocolDefaults,
  {
    type: 'Microsoft.ApiManagement/service/apis',
    path: 'properties.protocols',
    value: ['https'],
    because: 'absent; the service default is HTTPS only (UNVERIFIED)',
    source: `rules.yaml PHI-TLS-002 absent ("service default [\\"https\\"] (UNVERIFIED)"); ${APIM_SWAGGER}/apimapis.json ApiContractProperties.protocols`,
  },
  {
    type: 'Microsoft.ApiManagement/service/apis',
    path: 'properties.subscriptionRequired',
    value: true,
    because: 'absent; an API or product subscription key is required by default',
    source: `${APIM_SWAGGER}/apimapis.json ApiEntityBaseContract.subscriptionRequired ("Specifies whether an API or Product subscription is required for accessing the API"); rules.yaml PHI-TLS-003 absent; azurerm_api_management_api subscription_required default true`,
  },
  {
    type: 'Microsoft.ApiManagement/service/products',
    path: 'properties.subscriptionRequired',
    value: true,
    because: 'absent; "if property is omitted when creating a new product it\'s value is assumed to be true"',
    source: `${APIM_SWAGGER}/apimproducts.json ProductEntityBaseParameters.subscriptionRequired (protected vs open product)`,
  },
  {
    type: 'Microsoft.ApiManagement/service/backends',
    path: 'properties.tls.validateCertificateChain',
    value: true,
    because: 'absent; the certificate chain is validated by default',
    source: `${APIM_SWAGGER}/apimbackends.json BackendTlsProperties.validateCertificateChain (default true); Azure Policy 92bb331d`,
  },
  {
    type: 'Microsoft.ApiManagement/service/backends',
    path: 'properties.tls.validateCertificateName',
    value: true,
    because: 'absent; the certificate name is validated by default',
    source: `${APIM_SWAGGER}/apimbackends.json BackendTlsProperties.validateCertificateName (default true); Azure Policy 92bb331d`,
  },
];

const NOT_PINNED_TEMPLATE =
  'not pinned in template; new apps get the current platform default but an existing app keeps its value';

const webDefaults: DefaultEntry[] = [
  ...SITE_TYPES.map(
    (type): DefaultEntry => ({
      type,
      path: 'properties.httpsOnly',
      value: false,
      because: 'absent; HTTPS-only is off unless enabled',
      source: `${WEB_SWAGGER} SiteProperties.httpsOnly; Azure Policy a4af4a39 / 6d555dd1 / ae1b9a8c; controls.md D2 (absent = false); azurerm https_only default false`,
    }),
  ),
  ...CONFIG_TYPES.map(
    (type): DefaultEntry => ({
      type,
      path: 'properties.httpSettings.requireHttps',
      value: true,
      because: 'absent; authentication requires HTTPS by default',
      source: `${WEB_SWAGGER.replace('WebApps.json', 'AuthV2.json')} HttpSettings.requireHttps; rules.yaml PHI-TLS-005 ("requireHttps absent = true")`,
    }),
  ),
  // minTlsVersion and ftpsState: the site GET embeds a partial siteConfig; config/web is authoritative (controls.md D2).
  ...[
    ...SITE_TYPES.map((type) => [type, 'properties.siteConfig'] as const),
    ...CONFIG_TYPES.map((type) => [type, 'properties'] as const),
  ].flatMap(([type, prefix]): DefaultEntry[] => [
    {
      type,
      path: `${prefix}.minTlsVersion`,
      applies: 'template',
      value: undefined,
      because: `${NOT_PINNED_TEMPLATE} (the default for old apps is UNVERIFIED)`,
      source: `${WEB_SWAGGER} SiteConfig.minTlsVersion; rules.yaml PHI-TLS-006 absent; controls.md D2 ("platform default for new apps 1.2 (UNVERIFIED for old apps)")`,
    },
    {
      type,
      path: `${prefix}.minTlsVersion`,
      applies: 'live',
      value: undefined,
      because: 'not returned in this record; the authoritative value is the config/web resource',
      source: 'controls.md D2 and L9 (which siteConfig fields the site GET populates is UNVERIFIED)',
    },
    {
      type,
      path: `${prefix}.ftpsState`,
      applies: 'template',
      value: undefined,
      because: `${NOT_PINNED_TEMPLATE} (historical default AllAllowed; current default UNVERIFIED)`,
      source: `${WEB_SWAGGER} SiteConfig.ftpsState (AllAllowed | FtpsOnly | Disabled); rules.yaml PHI-TLS-007 absent`,
    },
    {
      type,
      path: `${prefix}.ftpsState`,
      applies: 'live',
      value: undefined,
      because: 'not returned in this record; the authoritative value is the config/web resource',
      source: 'controls.md D2 and L9',
    },
  ]),
];

const APPGW_SSL_POLICY_SOURCE =
  'learn.microsoft.com/azure/application-gateway/application-gateway-ssl-policy-overview ("If no TLS policy is selected, a default TLS policy is applied based on the API version used to create that resource"); controls.md D3';

const applicationGatewayDefaults: DefaultEntry[] = [
  {
    type: 'Microsoft.Network/applicationGateways',
    path: 'properties.sslPolicy',
    applies: 'template',
    apiVersion: { before: '2023-02-01' },
    value: { policyType: 'Predefined', policyName: 'AppGwSslPolicy20150501' },
    because: 'absent; API versions before 2023-02-01 apply AppGwSslPolicy20150501 (TLS 1.0 minimum)',
    source: APPGW_SSL_POLICY_SOURCE,
  },
  {
    type: 'Microsoft.Network/applicationGateways',
    path: 'properties.sslPolicy',
    applies: 'template',
    apiVersion: { from: '2023-02-01' },
    value: { policyType: 'Predefined', policyName: 'AppGwSslPolicy20220101' },
    because: 'absent; API version 2023-02-01 and later apply AppGwSslPolicy20220101 (TLS 1.2 minimum)',
    source: APPGW_SSL_POLICY_SOURCE,
  },
  {
    type: 'Microsoft.Network/applicationGateways',
    path: 'properties.sslPolicy',
    applies: 'live',
    // The read-only properties.defaultPredefinedSslPolicy names the policy in effect.
    value: undefined,
    because: 'not returned; the policy in effect is properties.defaultPredefinedSslPolicy',
    source: `${APPGW_SSL_POLICY_SOURCE}; Azure/azure-rest-api-specs network 2025-07-01 applicationGateway.json defaultPredefinedSslPolicy (readOnly)`,
  },
];

const frontDoorDefaults: DefaultEntry[] = [
  {
    type: 'Microsoft.Cdn/profiles/customDomains',
    path: 'properties.tlsSettings.minimumTlsVersion',
    value: undefined,
    because:
      'not pinned; the service default is not confirmed in the swagger (TLS 1.0/1.1 retirement on Front Door is UNVERIFIED)',
    source: 'rules.yaml PHI-TLS-009 absent; controls.md D4; Azure Policy 679da822 (notEquals TLS12)',
  },
];

const databaseDefaults: DefaultEntry[] = [
  {
    type: 'Microsoft.Sql/servers',
    path: 'properties.minimalTlsVersion',
    applies: 'template',
    value: undefined,
    because: 'not pinned in template; older servers have no minimum and the default for new servers is UNVERIFIED',
    source:
      'controls.md B2 TLS row ("others/absent" non-compliant; "older servers: no minimum (UNVERIFIED)"); Azure Policy 32e6bbec',
  },
  {
    type: 'Microsoft.Sql/servers',
    path: 'properties.minimalTlsVersion',
    applies: 'live',
    value: 'None',
    because: 'not returned; the server enforces no minimum TLS version',
    source:
      'controls.md B2 TLS row; payloads/sql_server_get_2025-01-01.json (no minimalTlsVersion key); Azure Policy 32e6bbec',
  },
  {
    type: 'Microsoft.DocumentDB/databaseAccounts',
    path: 'properties.minimalTlsVersion',
    applies: 'template',
    apiVersion: { before: '2024-08-15' },
    value: 'Tls',
    because: 'absent; API versions before 2024-08-15 default to TLS 1.0 (exact switch version UNVERIFIED)',
    source: 'controls.md B3 TLS row (older API docs "default is Tls 1.0"); rules.yaml PHI-TLS-010 absent',
  },
  {
    type: 'Microsoft.DocumentDB/databaseAccounts',
    path: 'properties.minimalTlsVersion',
    applies: 'template',
    apiVersion: { from: '2024-08-15' },
    value: 'Tls12',
    because: 'absent; API version 2024-08-15 and later default to TLS 1.2',
    source: 'controls.md B3 TLS row (api 2024-08-15+ "default value is Tls 1.2"); rules.yaml PHI-TLS-010 absent',
  },
  {
    type: 'Microsoft.DocumentDB/databaseAccounts',
    path: 'properties.minimalTlsVersion',
    applies: 'live',
    value: undefined,
    because: 'not returned; the default depends on the API version the account was created with',
    source: 'controls.md B3 TLS row',
  },
  ...['Microsoft.DBforPostgreSQL/servers', 'Microsoft.DBforMySQL/servers'].flatMap((type): DefaultEntry[] => [
    {
      type,
      path: 'properties.minimalTlsVersion',
      value: undefined,
      because: 'not pinned; single servers without the setting accept every TLS version',
      source:
        'rules.yaml PHI-TLS-010 absent ("Legacy single servers: not pinned -> fail"); Azure/azure-rest-api-specs postgresql|mysql 2017-12-01 MinimalTlsVersion (TLS1_0 | TLS1_1 | TLS1_2 | TLSEnforcementDisabled)',
    },
    {
      type,
      path: 'properties.sslEnforcement',
      value: undefined,
      because:
        'not pinned; sslEnforcement has no documented default (azurerm 2.x optional without default, 3.x required)',
      source: 'rules.yaml PHI-TLS-011 absent; Azure Policy d158790f / e802a67a (sslEnforcement Enabled)',
    },
  ]),
];

export const TLS_DEFAULTS: DefaultEntry[] = [
  ...apimDefaults,
  ...webDefaults,
  ...applicationGatewayDefaults,
  ...frontDoorDefaults,
  ...databaseDefaults,
];

/** A server parameter's default on a flexible server (a `configurations` child that is absent or has no value). */
export interface ServerParameterDefault {
  type: string;
  name: string;
  /** Major version prefix of the server (`properties.version`) the default applies to; absent = every version. */
  version?: string;
  value: string | undefined;
  because: string;
  source: string;
}

const FLEXIBLE_TLS_DOC =
  'learn.microsoft.com/azure/postgresql/flexible-server/concepts-networking-ssl-tls and learn.microsoft.com/azure/mysql/flexible-server/concepts-networking (server parameters require_secure_transport, ssl_min_protocol_version, tls_version)';

export const SERVER_PARAMETER_DEFAULTS: ServerParameterDefault[] = [
  {
    type: 'Microsoft.DBforPostgreSQL/flexibleServers',
    name: 'require_secure_transport',
    value: 'on',
    because: 'server default: require_secure_transport is on',
    source: `${FLEXIBLE_TLS_DOC}; rules.yaml PHI-TLS-011 absent ("server default ON")`,
  },
  {
    type: 'Microsoft.DBforPostgreSQL/flexibleServers',
    name: 'ssl_min_protocol_version',
    value: 'TLSv1.2',
    because: 'server default: ssl_min_protocol_version is TLSv1.2',
    source: `${FLEXIBLE_TLS_DOC}; rules.yaml PHI-TLS-010 absent ("PostgreSQL TLSv1.2 -> pass")`,
  },
  {
    type: 'Microsoft.DBforMySQL/flexibleServers',
    name: 'require_secure_transport',
    value: 'ON',
    because: 'server default: require_secure_transport is ON',
    source: `${FLEXIBLE_TLS_DOC}; rules.yaml PHI-TLS-011 absent; contoso snapshot configurations defaultValue "ON"`,
  },
  {
    type: 'Microsoft.DBforMySQL/flexibleServers',
    name: 'tls_version',
    version: '8.0',
    value: 'TLSv1.2',
    because: 'server default for MySQL 8.0: tls_version is TLSv1.2',
    source: `${FLEXIBLE_TLS_DOC}; rules.yaml PHI-TLS-010 absent ("MySQL 8.0 TLSv1.2 -> pass")`,
  },
  {
    type: 'Microsoft.DBforMySQL/flexibleServers',
    name: 'tls_version',
    version: '5.7',
    value: undefined,
    because: 'the MySQL 5.7 server default for tls_version is UNVERIFIED',
    source: 'rules.yaml PHI-TLS-010 absent ("MySQL 5.7 UNVERIFIED -> unknown")',
  },
];

/** The default of a flexible server parameter; `serverVersion` picks version-specific entries. */
export function serverParameterDefault(
  serverType: string,
  name: string,
  serverVersion: string | undefined,
): ServerParameterDefault | undefined {
  const candidates = SERVER_PARAMETER_DEFAULTS.filter(
    (entry) => entry.type.toLowerCase() === serverType.toLowerCase() && entry.name.toLowerCase() === name.toLowerCase(),
  );
  return candidates.find((entry) => entry.version === undefined || serverVersion?.startsWith(entry.version) === true);
}
