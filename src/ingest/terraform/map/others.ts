// azurerm/azuread resources of the IAM, TLS, LOG, BAK, KV, CMP and DAT areas -> the ARM (or Graph) shapes their
// rules read (rules.yaml check.evaluates; controls.md sections C-H). Attribute names: azurerm 5.x with the 3.x/4.x
// names the 5.0 upgrade guide lists still read.
import { Unresolved, type Value, type ValueObject } from '../../../core/types.js';
import {
  type Builder,
  childId,
  groupId,
  lastSegment,
  namedChildId,
  SUBSCRIPTION,
  segment,
  type View,
} from './builder.js';
import { common, enabledView, identity, listOfObjects, notView } from './common.js';
import type { Mapping, Patch, TypeMapping } from './types.js';

// ---------------------------------------------------------------- IAM

/** Built-in role names -> definition GUIDs (controls.md C2). */
const BUILT_IN_ROLES: Record<string, string> = {
  owner: '8e3af657-a8ff-443c-a75c-2fe8c4bcb635',
  contributor: 'b24988ac-6180-42a0-ab88-20f7382dd24c',
  'user access administrator': '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9',
  'role based access control administrator': 'f58310d9-a9f6-439a-9e8d-f62e7b41a168',
  reader: 'acdd72a7-3385-48ef-bd42-f606fba81ae7',
  'storage blob data owner': 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b',
  'storage blob data contributor': 'ba92f5b4-2d11-453d-a403-e96b0029c9fe',
  'storage blob data reader': '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1',
  'storage account contributor': '17d1049b-9a84-46fb-8f53-869881c3d3ab',
  'storage account key operator service role': '81a9662b-bebf-436f-a333-f67b29880f12',
  'key vault administrator': '00482a5a-887f-4fb3-b363-3b7fe8e74483',
  'key vault contributor': 'f25e0fa2-a7c8-4377-a976-54943a77a395',
  'key vault crypto officer': '14b46e9e-c2b7-41b4-b07b-48a6ebf60603',
  'key vault crypto service encryption user': 'e147488a-f6f5-4113-8e2d-b22465e65bf6',
  'key vault secrets officer': 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7',
  'key vault secrets user': '4633458b-17de-408a-b874-0445c86b69e6',
  'fhir data contributor': '5a1fc7df-4bf1-4951-a576-89034ee01acd',
};

const ROLE_DEFINITIONS = 'providers/Microsoft.Authorization/roleDefinitions';

const roleAssignment: Mapping = {
  type: 'Microsoft.Authorization/roleAssignments',
  id: (values) => {
    const scope = segment(values.scope);
    const name = segment(values.name);
    return scope && name ? `${scope}/providers/Microsoft.Authorization/roleAssignments/${name}` : undefined;
  },
  scope: (values) => segment(values.scope),
  map(tf, out, context) {
    out.put('properties.scope', tf.get('scope'));
    const byId = tf.get('role_definition_id');
    if (byId.present) out.put('properties.roleDefinitionId', byId);
    else {
      const name = tf.get('role_definition_name');
      if (name.unknown) out.put('properties.roleDefinitionId', name);
      else if (typeof name.value === 'string') {
        const guid = BUILT_IN_ROLES[name.value.toLowerCase()];
        const custom = guid ? undefined : context.findId('azurerm_role_definition', name.value);
        const id = guid ? `${SUBSCRIPTION}/${ROLE_DEFINITIONS}/${guid}` : custom;
        out.set(
          'properties.roleDefinitionId',
          id ??
            new Unresolved(
              `role_definition_name ${JSON.stringify(name.value)} (not a built-in role phiguard knows, and no azurerm_role_definition in the scan)`,
              name.at,
            ),
          name,
        );
        out.put('properties.roleDefinitionName', name);
      }
    }
    out.put('properties.principalId', tf.get('principal_id'));
    out.put('properties.principalType', tf.get('principal_type'));
    out.put('properties.condition', tf.get('condition'));
    out.put('properties.conditionVersion', tf.get('condition_version'));
    out.put('properties.description', tf.get('description'));
  },
};

/** azurerm_management_lock: a lock at the scope it names (a resource, group or subscription id). */
const managementLock: Mapping = {
  type: 'Microsoft.Authorization/locks',
  id: (values) => {
    const scope = segment(values.scope);
    const name = segment(values.name);
    return scope && name ? `${scope}/providers/Microsoft.Authorization/locks/${name}` : undefined;
  },
  scope: (values) => segment(values.scope),
  map(tf, out) {
    out.put('properties.level', tf.get('lock_level'));
    out.put('properties.notes', tf.get('notes'));
  },
};

const roleDefinition: Mapping = {
  type: 'Microsoft.Authorization/roleDefinitions',
  id: (values) => {
    const scope = segment(values.scope);
    const name = segment(values.role_definition_id) ?? segment(values.name);
    return scope && name ? `${scope}/${ROLE_DEFINITIONS}/${name}` : undefined;
  },
  map(tf, out) {
    out.put('properties.roleName', tf.get('name'));
    out.put('properties.description', tf.get('description'));
    out.set('properties.type', 'CustomRole', out.resource.at);
    const permissions = tf.get('permissions');
    if (permissions.unknown) out.put('properties.permissions', permissions);
    else {
      out.set('properties.permissions', [], permissions);
      permissions.items().forEach((block, i) => {
        const base = `properties.permissions.${i}`;
        out.locate(base, block);
        out.put(`${base}.actions`, block.get('actions'));
        out.put(`${base}.notActions`, block.get('not_actions'));
        out.put(`${base}.dataActions`, block.get('data_actions'));
        out.put(`${base}.notDataActions`, block.get('not_data_actions'));
      });
    }
    const scopes = tf.get('assignable_scopes');
    // The provider defaults assignable_scopes to [scope].
    if (scopes.present) out.put('properties.assignableScopes', scopes);
    else if (tf.get('scope').present)
      out.set('properties.assignableScopes', [tf.get('scope').value as Value], tf.get('scope'));
  },
};

function graphId(kind: string, values: ValueObject, key = 'display_name'): string | undefined {
  const name = segment(values[key]);
  return name ? `graph://${kind}/${name}` : undefined;
}

const application: Mapping = {
  type: 'microsoft.graph/application',
  id: (values) => graphId('applications', values),
  map(tf, out) {
    out.put('properties.displayName', tf.get('display_name'));
    out.put('properties.signInAudience', tf.get('sign_in_audience'));
    const access = tf.get('required_resource_access');
    if (access.unknown) out.put('properties.requiredResourceAccess', access);
    else
      access.items().forEach((resource, i) => {
        const base = `properties.requiredResourceAccess.${i}`;
        out.put(`${base}.resourceAppId`, resource.get('resource_app_id'));
        resource
          .get('resource_access')
          .items()
          .forEach((entry, j) => {
            out.put(`${base}.resourceAccess.${j}.id`, entry.get('id'));
            out.put(`${base}.resourceAccess.${j}.type`, entry.get('type'));
          });
      });
  },
};

const servicePrincipal: Mapping = {
  type: 'microsoft.graph/servicePrincipal',
  id: (values) => {
    const app = segment(values.client_id) ?? segment(values.application_id);
    return app ? `graph://servicePrincipals/${app}` : undefined;
  },
  map(tf, out) {
    out.put('properties.appId', tf.first('client_id', 'application_id'));
    out.put('properties.accountEnabled', tf.get('account_enabled'));
    out.put('properties.appRoleAssignmentRequired', tf.get('app_role_assignment_required'));
  },
};

const appRoleAssignment: Mapping = {
  type: 'microsoft.graph/appRoleAssignment',
  id: () => undefined,
  map(tf, out) {
    out.put('properties.appRoleId', tf.get('app_role_id'));
    out.put('properties.principalId', tf.get('principal_object_id'));
    out.put('properties.resourceId', tf.get('resource_object_id'));
    out.set('properties.principalType', 'ServicePrincipal', out.resource.at);
  },
};

const delegatedGrant: Mapping = {
  type: 'microsoft.graph/oAuth2PermissionGrant',
  id: () => undefined,
  map(tf, out) {
    out.put('properties.clientId', tf.get('service_principal_object_id'));
    out.put('properties.resourceId', tf.get('resource_service_principal_object_id'));
    out.put(
      'properties.scope',
      tf.get('claim_values').map((v) => (Array.isArray(v) ? v.filter((s) => typeof s === 'string').join(' ') : v)),
    );
    const user = tf.get('user_object_id');
    out.put('properties.principalId', user);
    // No user_object_id: consent for all principals (admin consent).
    out.set(
      'properties.consentType',
      user.present ? 'Principal' : 'AllPrincipals',
      user.present ? user : out.resource.at,
    );
  },
};

const conditionalAccess: Mapping = {
  type: 'microsoft.graph/conditionalAccessPolicy',
  id: (values) => graphId('conditionalAccessPolicies', values),
  map(tf, out) {
    out.put('properties.displayName', tf.get('display_name'));
    out.put('properties.state', tf.get('state'));
    const conditions = tf.block('conditions');
    if (conditions?.unknown) out.put('properties.conditions', conditions);
    else if (conditions) {
      out.put('properties.conditions.clientAppTypes', conditions.get('client_app_types'));
      const apps = conditions.block('applications');
      if (apps && !apps.unknown) {
        out.put('properties.conditions.applications.includeApplications', apps.get('included_applications'));
        out.put('properties.conditions.applications.excludeApplications', apps.get('excluded_applications'));
        out.put('properties.conditions.applications.includeUserActions', apps.get('included_user_actions'));
      }
      const users = conditions.block('users');
      if (users && !users.unknown) {
        const pairs: Record<string, string> = {
          included_users: 'includeUsers',
          excluded_users: 'excludeUsers',
          included_groups: 'includeGroups',
          excluded_groups: 'excludeGroups',
          included_roles: 'includeRoles',
          excluded_roles: 'excludeRoles',
        };
        for (const [from, to] of Object.entries(pairs)) out.put(`properties.conditions.users.${to}`, users.get(from));
      }
      out.put('properties.conditions.signInRiskLevels', conditions.get('sign_in_risk_levels'));
      out.put('properties.conditions.userRiskLevels', conditions.get('user_risk_levels'));
    }
    const grant = tf.block('grant_controls');
    if (grant?.unknown) out.put('properties.grantControls', grant);
    else if (grant) {
      out.put('properties.grantControls.operator', grant.get('operator'));
      out.put('properties.grantControls.builtInControls', grant.get('built_in_controls'));
      out.put('properties.grantControls.authenticationStrength.id', grant.get('authentication_strength_policy_id'));
      out.put('properties.grantControls.termsOfUse', grant.get('terms_of_use'));
    }
    const session = tf.block('session_controls');
    if (session?.unknown) out.put('properties.sessionControls', session);
    else if (session) {
      const frequency = session.get('sign_in_frequency');
      const interval = session.get('sign_in_frequency_interval');
      if (frequency.present || interval.value === 'everyTime') {
        const base = 'properties.sessionControls.signInFrequency';
        out.set(`${base}.isEnabled`, true, frequency.present ? frequency : interval);
        out.put(`${base}.value`, frequency);
        out.put(`${base}.type`, session.get('sign_in_frequency_period'));
        out.put(`${base}.authenticationType`, session.get('sign_in_frequency_authentication_type'));
        out.put(`${base}.frequencyInterval`, interval);
      }
      out.put('properties.sessionControls.persistentBrowser.mode', session.get('persistent_browser_mode'));
    }
  },
};

// ---------------------------------------------------------------- TLS: API Management, App Service, gateways

const APIM = 'Microsoft.ApiManagement/service';
const GATEWAY = 'Microsoft.WindowsAzure.ApiManagement.Gateway';

/** security { } setting -> customProperties key; 4.x/5.x names first, then 3.x. */
const APIM_SECURITY: [string[], string][] = [
  [['frontend_tls10_enabled', 'enable_frontend_tls10'], `${GATEWAY}.Security.Protocols.Tls10`],
  [['frontend_tls11_enabled', 'enable_frontend_tls11'], `${GATEWAY}.Security.Protocols.Tls11`],
  [['frontend_ssl30_enabled', 'enable_frontend_ssl30'], `${GATEWAY}.Security.Protocols.Ssl30`],
  [['backend_tls10_enabled', 'enable_backend_tls10'], `${GATEWAY}.Security.Backend.Protocols.Tls10`],
  [['backend_tls11_enabled', 'enable_backend_tls11'], `${GATEWAY}.Security.Backend.Protocols.Tls11`],
  [['backend_ssl30_enabled', 'enable_backend_ssl30'], `${GATEWAY}.Security.Backend.Protocols.Ssl30`],
  [['triple_des_ciphers_enabled', 'enable_triple_des_ciphers'], `${GATEWAY}.Security.Ciphers.TripleDes168`],
];

function trueFalse(value: Value | undefined): Value {
  if (value === true || value === 'true') return 'True';
  if (value === false || value === 'false') return 'False';
  return value ?? 'False';
}

const apiManagement: Mapping = {
  type: APIM,
  id: (values) => groupId(values, APIM),
  map(tf, out) {
    common(tf, out);
    out.put('sku.name', tf.get('sku_name'));
    out.put('properties.publisherName', tf.get('publisher_name'));
    out.put('properties.publicNetworkAccess', enabledView(tf.get('public_network_access_enabled')));
    out.put('properties.virtualNetworkType', tf.get('virtual_network_type'));
    // The provider always sends the full customProperties map, with false for every setting not given
    // (all majors; azurerm docs "security" block). Keys contain dots, so the map is written whole.
    const security = tf.block('security');
    if (security?.unknown) {
      out.put('properties.customProperties', security);
      return;
    }
    const map: ValueObject = {};
    const locations: [string, View][] = [];
    for (const [names, key] of APIM_SECURITY) {
      const view = security?.first(...names);
      if (view?.unknown) map[key] = view.value as Value;
      else map[key] = trueFalse(view?.present ? (view.value as Value) : false);
      if (view?.present) locations.push([key, view]);
    }
    out.set('properties.customProperties', map, security ?? out.resource.at);
    for (const [key, view] of locations) out.locate(`properties.customProperties.${key}`, view);
  },
};

function apimChild(childType: string, nameKey: string): (values: ValueObject) => string | undefined {
  return (values) => {
    const service = segment(values.api_management_name);
    const name = segment(values[nameKey]);
    if (!service || !name) return undefined;
    const group = segment(values.resource_group_name) ?? 'phiguard-scan-rg';
    return `${SUBSCRIPTION}/resourceGroups/${group}/providers/${APIM}/${service}/${childType}/${name}`;
  };
}

function apiIdOf(values: ValueObject): string | undefined {
  return segment(values.api_id) ?? apimChild('apis', 'api_name')(values);
}

function policyContent(tf: View, out: Builder): void {
  const xml = tf.get('xml_content');
  if (xml.present) {
    out.put('properties.value', xml);
    out.set('properties.format', 'rawxml', xml);
  } else {
    out.put('properties.value', tf.get('xml_link'));
    out.set('properties.format', 'rawxml-link', tf.get('xml_link'));
  }
}

const apimApi: Mapping = {
  type: `${APIM}/apis`,
  id: apimChild('apis', 'name'),
  map(tf, out) {
    out.put('properties.displayName', tf.get('display_name'));
    out.put('properties.path', tf.get('path'));
    out.put('properties.protocols', tf.get('protocols'));
    out.absent('properties.protocols', {
      attribute: 'protocols',
      byMajor: { all: ['https'] },
      note: 'Optional+Computed; treated as ["https"] (rules.yaml PHI-TLS-002)',
    });
    out.put('properties.serviceUrl', tf.get('service_url'));
    out.put('properties.subscriptionRequired', tf.get('subscription_required'));
    out.absent('properties.subscriptionRequired', { attribute: 'subscription_required', byMajor: { all: true } });
    out.put('properties.apiRevision', tf.get('revision'));
  },
};

const apimApiPolicy: Mapping = {
  type: `${APIM}/apis/policies`,
  id: (values) => {
    const api = apiIdOf(values);
    return api ? `${api}/policies/policy` : undefined;
  },
  map: policyContent,
};

const apimOperationPolicy: Mapping = {
  type: `${APIM}/apis/operations/policies`,
  id: (values) => {
    const api = apiIdOf(values);
    const operation = segment(values.operation_id);
    return api && operation ? `${api}/operations/${operation}/policies/policy` : undefined;
  },
  map: policyContent,
};

const apimProduct: Mapping = {
  type: `${APIM}/products`,
  id: apimChild('products', 'product_id'),
  map(tf, out) {
    out.put('properties.displayName', tf.get('display_name'));
    out.put('properties.subscriptionRequired', tf.get('subscription_required'));
    out.absent('properties.subscriptionRequired', { attribute: 'subscription_required', byMajor: { all: true } });
    out.put(
      'properties.state',
      tf.get('published').map((v) => (v === true ? 'published' : v === false ? 'notPublished' : v)),
    );
  },
};

const apimProductApi: Mapping = {
  type: `${APIM}/products/apis`,
  id: (values) => {
    const product = apimChild('products', 'product_id')(values);
    const api = segment(values.api_name);
    return product && api ? `${product}/apis/${api}` : undefined;
  },
  map() {},
};

const apimProductPolicy: Mapping = {
  type: `${APIM}/products/policies`,
  id: (values) => {
    const product = apimChild('products', 'product_id')(values);
    return product ? `${product}/policies/policy` : undefined;
  },
  map: policyContent,
};

const apimPolicy: Mapping = {
  type: `${APIM}/policies`,
  id: (values) => {
    const service = segment(values.api_management_id);
    return service ? `${service}/policies/policy` : undefined;
  },
  map: policyContent,
};

const apimBackend: Mapping = {
  type: `${APIM}/backends`,
  id: apimChild('backends', 'name'),
  map(tf, out) {
    out.put('properties.url', tf.get('url'));
    out.put('properties.protocol', tf.get('protocol'));
    const tls = tf.block('tls');
    if (tls && !tls.unknown) {
      out.put('properties.tls.validateCertificateChain', tls.get('validate_certificate_chain'));
      out.put('properties.tls.validateCertificateName', tls.get('validate_certificate_name'));
    }
    out.absent('properties.tls.validateCertificateChain', {
      attribute: 'tls.validate_certificate_chain',
      byMajor: { all: true },
    });
    out.absent('properties.tls.validateCertificateName', {
      attribute: 'tls.validate_certificate_name',
      byMajor: { all: true },
    });
  },
};

type WebFlavour = { kind: string; legacy: boolean; function: boolean };

/** App Service sites and slots, current (4.x/5.x) and legacy (3.x azurerm_app_service / azurerm_function_app). */
function webApp(flavour: WebFlavour, slot: boolean): Mapping {
  const type = slot ? 'Microsoft.Web/sites/slots' : 'Microsoft.Web/sites';
  return {
    type,
    id: (values) => {
      if (!slot) return groupId(values, 'Microsoft.Web/sites');
      const parent = segment(values.app_service_id) ?? segment(values.function_app_id);
      if (parent) return childId(parent, 'slots', values.name);
      // Legacy slots name their app: app_service_name / function_app_name.
      return namedChildId(
        values,
        'Microsoft.Web/sites',
        values.app_service_name !== undefined ? 'app_service_name' : 'function_app_name',
        'slots',
      );
    },
    computed: (values): ValueObject =>
      typeof values.name === 'string' ? { default_hostname: `${values.name}.azurewebsites.net` } : {},
    map(tf, out, context) {
      common(tf, out);
      out.set('kind', flavour.kind, out.resource.at);
      out.put('properties.serverFarmId', tf.first('service_plan_id', 'app_service_plan_id'));
      out.put('properties.httpsOnly', tf.get('https_only'));
      out.absent('properties.httpsOnly', { attribute: 'https_only', byMajor: { all: false } });
      out.put('properties.clientCertEnabled', tf.get('client_certificate_enabled'));
      out.put('properties.publicNetworkAccess', enabledView(tf.get('public_network_access_enabled')));
      const config = tf.block('site_config');
      if (config?.unknown) out.put('properties.siteConfig', config);
      else if (config) {
        out.put('properties.siteConfig.minTlsVersion', config.first('minimum_tls_version', 'min_tls_version'));
        out.put(
          'properties.siteConfig.scmMinTlsVersion',
          config.first('scm_minimum_tls_version', 'scm_min_tls_version'),
        );
        out.put('properties.siteConfig.ftpsState', config.get('ftps_state'));
        out.put('properties.siteConfig.http20Enabled', config.get('http2_enabled'));
        out.put('properties.siteConfig.alwaysOn', config.get('always_on'));
      }
      out.absent('properties.siteConfig.minTlsVersion', {
        attribute: 'site_config.minimum_tls_version',
        byMajor: { all: '1.2' },
      });
      // ftps_state: Disabled in the 4.x/5.x resources; 3.x azurerm_function_app AllAllowed (UNVERIFIED, as KICS);
      // 3.x azurerm_app_service Optional+Computed -> the ARM rule (not pinned).
      const ftps = flavour.legacy ? (flavour.function ? 'AllAllowed' : undefined) : 'Disabled';
      out.absent('properties.siteConfig.ftpsState', { attribute: 'site_config.ftps_state', byMajor: { all: ftps } });
      const auth = tf.block('auth_settings_v2');
      if (auth) {
        const child = context.child({
          id: `${context.id}/config/authsettingsV2`,
          type: `${type}/config`,
          name: `${out.resource.name}/authsettingsV2`,
        });
        if (auth.unknown) child.put('properties', auth);
        else {
          child.put('properties.platform.enabled', auth.get('auth_enabled'));
          child.put('properties.httpSettings.requireHttps', auth.get('require_https'));
          child.absent('properties.httpSettings.requireHttps', {
            attribute: 'auth_settings_v2.require_https',
            byMajor: { all: true },
          });
        }
      }
    },
  };
}

const WEB_APPS: Record<string, TypeMapping> = {};
for (const [name, flavour] of Object.entries({
  linux_web_app: { kind: 'app,linux', legacy: false, function: false },
  windows_web_app: { kind: 'app', legacy: false, function: false },
  linux_function_app: { kind: 'functionapp,linux', legacy: false, function: true },
  windows_function_app: { kind: 'functionapp', legacy: false, function: true },
  app_service: { kind: 'app', legacy: true, function: false },
  function_app: { kind: 'functionapp', legacy: true, function: true },
} satisfies Record<string, WebFlavour>)) {
  WEB_APPS[`azurerm_${name}`] = webApp(flavour, false);
  WEB_APPS[`azurerm_${name}_slot`] = webApp(flavour, true);
}

function sslPolicy(view: View, out: Builder, base: string): void {
  out.locate(base, view);
  out.put(`${base}.policyType`, view.get('policy_type'));
  out.put(`${base}.policyName`, view.get('policy_name'));
  out.put(`${base}.minProtocolVersion`, view.get('min_protocol_version'));
  out.put(`${base}.cipherSuites`, view.get('cipher_suites'));
  out.put(`${base}.disabledSslProtocols`, view.get('disabled_protocols'));
}

const applicationGateway: Mapping = {
  type: 'Microsoft.Network/applicationGateways',
  id: (values) => groupId(values, 'Microsoft.Network/applicationGateways'),
  map(tf, out) {
    common(tf, out);
    const policy = tf.block('ssl_policy');
    if (policy?.unknown) out.put('properties.sslPolicy', policy);
    else if (policy) sslPolicy(policy, out, 'properties.sslPolicy');
    else {
      // No ssl_policy: the provider sends none, so the network API version it uses decides (3.x used versions
      // before 2023-02-01 -> AppGwSslPolicy20150501; 4.x/5.x use later versions -> AppGwSslPolicy20220101, UNVERIFIED for 4.x).
      const old = { policyType: 'Predefined', policyName: 'AppGwSslPolicy20150501' };
      const current = { policyType: 'Predefined', policyName: 'AppGwSslPolicy20220101' };
      out.absent('properties.sslPolicy', {
        attribute: 'ssl_policy',
        byMajor: { 3: old, 4: current, 5: current },
        order: [old, current],
      });
    }
    tf.get('ssl_profile')
      .items()
      .forEach((profile, i) => {
        out.put(`properties.sslProfiles.${i}.name`, profile.get('name'));
        const own = profile.block('ssl_policy');
        if (own?.unknown) out.put(`properties.sslProfiles.${i}.properties.sslPolicy`, own);
        else if (own) sslPolicy(own, out, `properties.sslProfiles.${i}.properties.sslPolicy`);
      });
  },
};

const frontDoorDomain: Mapping = {
  type: 'Microsoft.Cdn/profiles/customDomains',
  id: (values) => childId(values.cdn_frontdoor_profile_id, 'customDomains', values.name),
  map(tf, out) {
    out.put('properties.hostName', tf.get('host_name'));
    const tls = tf.block('tls');
    if (tls && !tls.unknown) {
      out.put('properties.tlsSettings.minimumTlsVersion', tls.first('minimum_version', 'minimum_tls_version'));
      out.put('properties.tlsSettings.certificateType', tls.get('certificate_type'));
    }
    out.absent('properties.tlsSettings.minimumTlsVersion', {
      attribute: 'tls.minimum_version (4.x minimum_tls_version)',
      byMajor: { all: 'TLS12' },
    });
  },
};

/** Classic Front Door (azurerm 3.x): frontend endpoints; the minimum TLS version is not exposed (UNVERIFIED). */
const frontDoor: Mapping = {
  type: 'Microsoft.Network/frontDoors',
  id: (values) => groupId(values, 'Microsoft.Network/frontDoors'),
  map(tf, out) {
    out.put('tags', tf.get('tags'));
    for (const [i, endpoint] of tf.get('frontend_endpoint').items().entries()) {
      out.put(`properties.frontendEndpoints.${i}.name`, endpoint.get('name'));
      out.put(`properties.frontendEndpoints.${i}.properties.hostName`, endpoint.get('host_name'));
    }
  },
};

// ---------------------------------------------------------------- LOG

const WORKSPACE = 'Microsoft.OperationalInsights/workspaces';

const workspace: Mapping = {
  type: WORKSPACE,
  id: (values) => groupId(values, WORKSPACE),
  computed: (values): ValueObject =>
    typeof values.name === 'string'
      ? { workspace_id: new Unresolved(`${values.name} customer id (known after apply)`) }
      : {},
  map(tf, out) {
    common(tf, out);
    out.put('properties.sku.name', tf.get('sku'));
    out.put('properties.retentionInDays', tf.get('retention_in_days'));
    out.absent('properties.retentionInDays', { attribute: 'retention_in_days', byMajor: { all: 30 } });
    out.put('properties.publicNetworkAccessForIngestion', enabledView(tf.get('internet_ingestion_enabled')));
    out.put('properties.publicNetworkAccessForQuery', enabledView(tf.get('internet_query_enabled')));
    out.put('properties.features.disableLocalAuth', notView(tf.first('local_authentication_enabled')));
  },
};

const workspaceTable: Mapping = {
  type: `${WORKSPACE}/tables`,
  id: (values) => childId(values.workspace_id, 'tables', values.name),
  map(tf, out) {
    out.put('properties.retentionInDays', tf.get('retention_in_days'));
    out.put('properties.totalRetentionInDays', tf.get('total_retention_in_days'));
    out.put('properties.plan', tf.get('plan'));
  },
};

const dataExport: Mapping = {
  type: `${WORKSPACE}/dataExports`,
  id: (values) => childId(values.workspace_resource_id, 'dataExports', values.name),
  map(tf, out) {
    out.put('properties.destination.resourceId', tf.get('destination_resource_id'));
    out.put('properties.tableNames', tf.get('table_names'));
    out.put('properties.enable', tf.get('enabled'));
    out.absent('properties.enable', { attribute: 'enabled', byMajor: { all: false } });
  },
};

const diagnosticSetting: Mapping = {
  type: 'Microsoft.Insights/diagnosticSettings',
  id: (values) => {
    const target = segment(values.target_resource_id);
    const name = segment(values.name);
    return target && name ? `${target}/providers/Microsoft.Insights/diagnosticSettings/${name}` : undefined;
  },
  scope: (values) => segment(values.target_resource_id),
  map(tf, out) {
    out.put('properties.workspaceId', tf.get('log_analytics_workspace_id'));
    out.put('properties.storageAccountId', tf.get('storage_account_id'));
    out.put('properties.eventHubAuthorizationRuleId', tf.get('eventhub_authorization_rule_id'));
    out.put('properties.eventHubName', tf.get('eventhub_name'));
    out.put('properties.marketplacePartnerId', tf.get('partner_solution_id'));
    out.put('properties.logAnalyticsDestinationType', tf.get('log_analytics_destination_type'));
    let logs = 0;
    let metrics = 0;
    // enabled_log { } (3.x+); the legacy log { enabled } and metric { } blocks (removed in 5.x).
    for (const [block, legacy] of [
      ['enabled_log', false],
      ['log', true],
    ] as const) {
      const list = tf.get(block);
      if (list.unknown) {
        out.put('properties.logs', list);
        continue;
      }
      for (const entry of list.items()) {
        const base = `properties.logs.${logs++}`;
        out.locate(base, entry);
        out.put(`${base}.category`, entry.get('category'));
        out.put(`${base}.categoryGroup`, entry.get('category_group'));
        if (legacy && entry.get('enabled').present) out.put(`${base}.enabled`, entry.get('enabled'));
        else out.set(`${base}.enabled`, true, entry);
      }
    }
    for (const [block, legacy] of [
      ['enabled_metric', false],
      ['metric', true],
    ] as const) {
      for (const entry of tf.get(block).items()) {
        const base = `properties.metrics.${metrics++}`;
        out.put(`${base}.category`, entry.get('category'));
        if (legacy && entry.get('enabled').present) out.put(`${base}.enabled`, entry.get('enabled'));
        else out.set(`${base}.enabled`, true, entry);
      }
    }
  },
};

const logProfile: Mapping = {
  type: 'Microsoft.Insights/logProfiles',
  id: (values) =>
    typeof values.name === 'string'
      ? `${SUBSCRIPTION}/providers/Microsoft.Insights/logProfiles/${values.name}`
      : undefined,
  map(tf, out) {
    out.put('properties.categories', tf.get('categories'));
    out.put('properties.locations', tf.get('locations'));
    out.put('properties.storageAccountId', tf.get('storage_account_id'));
    out.put('properties.serviceBusRuleId', tf.get('servicebus_rule_id'));
    const retention = tf.block('retention_policy');
    if (retention && !retention.unknown) {
      out.put('properties.retentionPolicy.enabled', retention.get('enabled'));
      out.put('properties.retentionPolicy.days', retention.get('days'));
    }
  },
};

const pricing: Mapping = {
  type: 'Microsoft.Security/pricings',
  id: (values) => {
    const plan = segment(values.resource_type) ?? 'VirtualMachines';
    return `${SUBSCRIPTION}/providers/Microsoft.Security/pricings/${plan}`;
  },
  map(tf, out) {
    out.put('properties.pricingTier', tf.get('tier'));
    out.put('properties.subPlan', tf.get('subplan'));
    const extensions = tf.get('extension');
    extensions.items().forEach((extension, i) => {
      out.put(`properties.extensions.${i}.name`, extension.get('name'));
      out.set(`properties.extensions.${i}.isEnabled`, 'True', extension);
      out.put(
        `properties.extensions.${i}.additionalExtensionProperties`,
        extension.get('additional_extension_properties'),
      );
    });
    out.absent('properties.subPlan', { attribute: 'subplan', byMajor: { all: undefined } });
  },
};

const storageDefender: Mapping = {
  type: 'Microsoft.Security/defenderForStorageSettings',
  id: (values) => {
    const account = segment(values.storage_account_id);
    return account ? `${account}/providers/Microsoft.Security/defenderForStorageSettings/current` : undefined;
  },
  scope: (values) => segment(values.storage_account_id),
  map(tf, out) {
    out.set('properties.isEnabled', true, out.resource.at);
    out.put('properties.malwareScanning.onUpload.isEnabled', tf.get('malware_scanning_on_upload_enabled'));
    out.put('properties.sensitiveDataDiscovery.isEnabled', tf.get('sensitive_data_discovery_enabled'));
    out.put('properties.overrideSubscriptionLevelSettings', tf.get('override_subscription_settings_enabled'));
  },
};

const sentinelOnboarding: Mapping = {
  type: 'Microsoft.SecurityInsights/onboardingStates',
  id: (values) => {
    const ws = segment(values.workspace_id);
    return ws ? `${ws}/providers/Microsoft.SecurityInsights/onboardingStates/default` : undefined;
  },
  scope: (values) => segment(values.workspace_id),
  map(tf, out) {
    out.put('properties.customerManagedKey', tf.get('customer_managed_key_enabled'));
  },
};

const logSolution: Mapping = {
  type: 'Microsoft.OperationsManagement/solutions',
  id: (values) => {
    const solution = segment(values.solution_name);
    const ws = segment(values.workspace_name);
    if (!solution || !ws) return undefined;
    return groupId(
      { name: `${solution}(${ws})`, resource_group_name: values.resource_group_name ?? null },
      'Microsoft.OperationsManagement/solutions',
    );
  },
  map(tf, out) {
    out.put('location', tf.get('location'));
    out.put('properties.workspaceResourceId', tf.get('workspace_resource_id'));
    const plan = tf.block('plan');
    if (plan && !plan.unknown) {
      out.put('plan.product', plan.get('product'));
      out.put('plan.publisher', plan.get('publisher'));
    }
  },
};

const sentinelRule: Mapping = {
  type: 'Microsoft.SecurityInsights/alertRules',
  id: (values) => {
    const ws = segment(values.log_analytics_workspace_id);
    const name = segment(values.name);
    return ws && name ? `${ws}/providers/Microsoft.SecurityInsights/alertRules/${name}` : undefined;
  },
  scope: (values) => segment(values.log_analytics_workspace_id),
  map(tf, out) {
    out.set('kind', 'Scheduled', out.resource.at);
    const pairs: Record<string, string> = {
      display_name: 'displayName',
      severity: 'severity',
      query: 'query',
      query_frequency: 'queryFrequency',
      query_period: 'queryPeriod',
      trigger_operator: 'triggerOperator',
      trigger_threshold: 'triggerThreshold',
      enabled: 'enabled',
      tactics: 'tactics',
    };
    for (const [from, to] of Object.entries(pairs)) out.put(`properties.${to}`, tf.get(from));
    out.absent('properties.enabled', { attribute: 'enabled', byMajor: { all: true } });
  },
};

// ---------------------------------------------------------------- BAK

const RSV = 'Microsoft.RecoveryServices/vaults';
const BACKUP_VAULT = 'Microsoft.DataProtection/backupVaults';

const recoveryVault: Mapping = {
  type: RSV,
  id: (values) => groupId(values, RSV),
  map(tf, out) {
    common(tf, out);
    out.put('sku.name', tf.get('sku'));
    out.put('properties.publicNetworkAccess', enabledView(tf.get('public_network_access_enabled')));
    out.put('properties.redundancySettings.standardTierStorageRedundancy', tf.get('storage_mode_type'));
    out.absent('properties.redundancySettings.standardTierStorageRedundancy', {
      attribute: 'storage_mode_type',
      byMajor: { all: 'GeoRedundant' },
    });
    out.put('properties.redundancySettings.crossRegionRestore', enabledView(tf.get('cross_region_restore_enabled')));
    out.absent('properties.redundancySettings.crossRegionRestore', {
      attribute: 'cross_region_restore_enabled',
      byMajor: { all: 'Disabled' },
    });
    const softDelete = tf.get('soft_delete_enabled');
    out.put('properties.securitySettings.softDeleteSettings.softDeleteState', enabledView(softDelete));
    // soft_delete_enabled defaults to true up to 4.x and was removed in 5.0 (the vault keeps the service default).
    out.absent('properties.securitySettings.softDeleteSettings.softDeleteState', {
      attribute: 'soft_delete_enabled',
      byMajor: { 3: 'Enabled', 4: 'Enabled', 5: undefined },
      order: [undefined, 'Enabled'],
    });
    out.put('properties.securitySettings.immutabilitySettings.state', tf.get('immutability'));
    out.absent('properties.securitySettings.immutabilitySettings.state', {
      attribute: 'immutability',
      byMajor: { all: 'Disabled' },
    });
    const encryption = tf.block('encryption');
    if (encryption?.unknown) out.put('properties.encryption', encryption);
    else if (encryption) {
      out.put('properties.encryption.keyVaultProperties.keyUri', encryption.get('key_id'));
      out.put(
        'properties.encryption.infrastructureEncryption',
        enabledView(encryption.get('infrastructure_encryption_enabled')),
      );
      out.put('properties.encryption.kekIdentity.userAssignedIdentity', encryption.get('user_assigned_identity_id'));
      out.put(
        'properties.encryption.kekIdentity.useSystemAssignedIdentity',
        encryption.get('use_system_assigned_identity'),
      );
    }
  },
};

const backupVault: Mapping = {
  type: BACKUP_VAULT,
  id: (values) => groupId(values, BACKUP_VAULT),
  map(tf, out) {
    common(tf, out);
    const datastore = tf.get('datastore_type');
    out.set('properties.storageSettings', [], datastore.present ? datastore : out.resource.at);
    out.put('properties.storageSettings.0.datastoreType', datastore);
    out.put('properties.storageSettings.0.type', tf.get('redundancy'));
    out.put('properties.securitySettings.softDeleteSettings.state', tf.get('soft_delete'));
    out.absent('properties.securitySettings.softDeleteSettings.state', {
      attribute: 'soft_delete',
      byMajor: { all: 'On' },
    });
    out.put(
      'properties.securitySettings.softDeleteSettings.retentionDurationInDays',
      tf.get('retention_duration_in_days'),
    );
    out.absent('properties.securitySettings.softDeleteSettings.retentionDurationInDays', {
      attribute: 'retention_duration_in_days',
      byMajor: { all: 14 },
    });
    out.put('properties.securitySettings.immutabilitySettings.state', tf.get('immutability'));
    out.absent('properties.securitySettings.immutabilitySettings.state', {
      attribute: 'immutability',
      byMajor: { all: 'Disabled' },
    });
    out.put(
      'properties.featureSettings.crossRegionRestoreSettings.state',
      enabledView(tf.get('cross_region_restore_enabled')),
    );
    out.absent('properties.featureSettings.crossRegionRestoreSettings.state', {
      attribute: 'cross_region_restore_enabled',
      byMajor: { all: 'Disabled' },
    });
    out.absent('properties.securitySettings.encryptionSettings.state', {
      attribute: 'azurerm_data_protection_backup_vault_customer_managed_key',
      byMajor: { all: 'Disabled' },
      note: 'platform-managed key',
    });
  },
};

const backupVaultCmk: Patch = {
  kind: 'patch',
  targetType: 'azurerm_data_protection_backup_vault',
  target: (values) => segment(values.data_protection_backup_vault_id),
  apply(tf, target) {
    target.set('properties.securitySettings.encryptionSettings.state', 'Enabled', tf);
    target.put('properties.securitySettings.encryptionSettings.keyVaultProperties.keyUri', tf.get('key_vault_key_id'));
  },
};

const RETENTION_UNITS: [string, string, string][] = [
  ['retention_daily', 'dailySchedule', 'Days'],
  ['retention_weekly', 'weeklySchedule', 'Weeks'],
  ['retention_monthly', 'monthlySchedule', 'Months'],
  ['retention_yearly', 'yearlySchedule', 'Years'],
];

function retention(view: View, out: Builder, base: string): void {
  out.set(`${base}.retentionPolicyType`, 'LongTermRetentionPolicy', view);
  for (const [block, schedule, unit] of RETENTION_UNITS) {
    const entry = view.block(block);
    if (!entry || entry.unknown) continue;
    out.put(`${base}.${schedule}.retentionDuration.count`, entry.get('count'));
    out.set(`${base}.${schedule}.retentionDuration.durationType`, unit, entry);
  }
}

function rsvPolicy(management: string, workload = false): Mapping {
  return {
    type: `${RSV}/backupPolicies`,
    id: (values) => namedChildId(values, RSV, 'recovery_vault_name', 'backupPolicies'),
    map(tf, out) {
      out.set('properties.backupManagementType', management, out.resource.at);
      out.put('properties.instantRpRetentionRangeInDays', tf.get('instant_restore_retention_days'));
      if (!workload) {
        retention(tf, out, 'properties.retentionPolicy');
        return;
      }
      out.put('properties.workLoadType', tf.get('workload_type'));
      tf.get('protection_policy')
        .items()
        .forEach((policy, i) => {
          const base = `properties.subProtectionPolicy.${i}`;
          out.put(`${base}.policyType`, policy.get('policy_type'));
          const simple = policy.block('simple_retention');
          if (simple && !simple.unknown) {
            out.set(`${base}.retentionPolicy.retentionPolicyType`, 'SimpleRetentionPolicy', simple);
            out.put(`${base}.retentionPolicy.retentionDuration.count`, simple.get('count'));
            out.set(`${base}.retentionPolicy.retentionDuration.durationType`, 'Days', simple);
          } else retention(policy, out, `${base}.retentionPolicy`);
        });
    },
  };
}

/** Data Protection policies: every retention duration becomes an AzureRetentionRule lifecycle. */
function dataProtectionPolicy(durations: [string, string][]): Mapping {
  return {
    type: `${BACKUP_VAULT}/backupPolicies`,
    id: (values) => childId(values.vault_id, 'backupPolicies', values.name),
    map(tf, out) {
      let rule = 0;
      const add = (duration: View, store: string, name: string) => {
        if (!duration.present) return;
        const base = `properties.policyRules.${rule++}`;
        out.set(`${base}.objectType`, 'AzureRetentionRule', duration);
        out.set(`${base}.name`, name, duration);
        out.set(`${base}.isDefault`, name === 'Default', duration);
        out.set(`${base}.lifecycles.0.deleteAfter.objectType`, 'AbsoluteDeleteOption', duration);
        out.put(`${base}.lifecycles.0.deleteAfter.duration`, duration);
        out.set(`${base}.lifecycles.0.sourceDataStore.dataStoreType`, store, duration);
      };
      for (const [attribute, store] of durations) add(tf.get(attribute), store, 'Default');
      const rules = tf.get('retention_rule');
      rules.items().forEach((item, i) => {
        const lifecycle = item.block('life_cycle');
        add(
          lifecycle?.get('duration') ?? item.get('duration'),
          text(lifecycle?.get('data_store_type')) ?? 'VaultStore',
          `rule${i}`,
        );
      });
      const defaultRule = tf.block('default_retention_rule');
      const lifecycle = defaultRule?.block('life_cycle');
      if (lifecycle) add(lifecycle.get('duration'), text(lifecycle.get('data_store_type')) ?? 'VaultStore', 'Default');
    },
  };
}

function text(view: View | undefined): string | undefined {
  return typeof view?.value === 'string' ? view.value : undefined;
}

const protectedVm: Mapping = {
  type: `${RSV}/backupFabrics/protectionContainers/protectedItems`,
  id: (values) => {
    const vault = segment(values.recovery_vault_name);
    const vm = lastSegment(values.source_vm_id);
    if (!vault || !vm) return undefined;
    const group = segment(values.resource_group_name) ?? 'phiguard-scan-rg';
    return `${SUBSCRIPTION}/resourceGroups/${group}/providers/${RSV}/${vault}/backupFabrics/Azure/protectionContainers/iaasvmcontainer;${vm}/protectedItems/vm;${vm}`;
  },
  map(tf, out) {
    out.put('properties.sourceResourceId', tf.get('source_vm_id'));
    out.put('properties.policyId', tf.get('backup_policy_id'));
    out.set('properties.protectedItemType', 'Microsoft.Compute/virtualMachines', out.resource.at);
  },
};

function backupInstance(sourceKey: string): Mapping {
  return {
    type: `${BACKUP_VAULT}/backupInstances`,
    id: (values) => childId(values.vault_id, 'backupInstances', values.name),
    map(tf, out) {
      out.put('properties.dataSourceInfo.resourceID', tf.get(sourceKey));
      out.put('properties.policyInfo.policyId', tf.get('backup_policy_id'));
    },
  };
}

// ---------------------------------------------------------------- KV

const VAULT = 'Microsoft.KeyVault/vaults';

function vaultUri(id: Value | undefined): string | undefined {
  const name = typeof id === 'string' ? lastSegment(id) : undefined;
  return name && !name.startsWith('$') ? `https://${name}.vault.azure.net/` : undefined;
}

const keyVault: Mapping = {
  type: VAULT,
  id: (values) => groupId(values, VAULT),
  computed: (values): ValueObject =>
    typeof values.name === 'string' ? { vault_uri: `https://${values.name}.vault.azure.net/` } : {},
  map(tf, out) {
    common(tf, out);
    out.put('properties.tenantId', tf.get('tenant_id'));
    out.put('properties.sku.name', tf.get('sku_name'));
    out.put('properties.enablePurgeProtection', tf.get('purge_protection_enabled'));
    out.absent('properties.enablePurgeProtection', { attribute: 'purge_protection_enabled', byMajor: { all: false } });
    out.put('properties.enableSoftDelete', tf.get('soft_delete_enabled'));
    // Soft delete cannot be disabled since azurerm 3.0 (2.x soft_delete_enabled is still read when present).
    out.absent('properties.enableSoftDelete', { attribute: 'soft_delete_enabled', byMajor: { all: true } });
    out.put('properties.softDeleteRetentionInDays', tf.get('soft_delete_retention_days'));
    out.absent('properties.softDeleteRetentionInDays', {
      attribute: 'soft_delete_retention_days',
      byMajor: { all: 90 },
    });
    out.put('properties.enableRbacAuthorization', tf.first('rbac_authorization_enabled', 'enable_rbac_authorization'));
    out.absent('properties.enableRbacAuthorization', {
      attribute: 'rbac_authorization_enabled (4.x enable_rbac_authorization)',
      byMajor: { 3: false, 4: false, 5: undefined },
      order: [false, undefined],
    });
    out.put('properties.publicNetworkAccess', enabledView(tf.get('public_network_access_enabled')));
    out.absent('properties.publicNetworkAccess', {
      attribute: 'public_network_access_enabled',
      byMajor: { all: 'Enabled' },
    });
    out.put('properties.enabledForDiskEncryption', tf.get('enabled_for_disk_encryption'));
    const acls = tf.block('network_acls');
    if (acls?.unknown) out.put('properties.networkAcls', acls);
    else if (acls) {
      out.locate('properties.networkAcls', acls);
      out.put('properties.networkAcls.defaultAction', acls.get('default_action'));
      out.put('properties.networkAcls.bypass', acls.get('bypass'));
      listOfObjects(acls.get('ip_rules'), out, 'properties.networkAcls.ipRules', 'value');
      listOfObjects(acls.get('virtual_network_subnet_ids'), out, 'properties.networkAcls.virtualNetworkRules', 'id');
    }
    out.absent('properties.networkAcls.defaultAction', {
      attribute: 'network_acls',
      byMajor: { all: 'Allow' },
      note: 'no network_acls block',
    });
  },
};

const keyVaultKey: Mapping = {
  type: `${VAULT}/keys`,
  id: (values) => childId(values.key_vault_id, 'keys', values.name),
  computed: (values, id): ValueObject => {
    const uri = vaultUri(values.key_vault_id);
    const name = typeof values.name === 'string' ? values.name : undefined;
    if (!uri || !name) return {};
    // `id` is the versioned key URI (its version is known after apply); versionless_id follows rotation.
    return {
      versionless_id: `${uri}keys/${name}`,
      id: new Unresolved(`${uri}keys/${name}/<version> (versioned key id, known after apply)`),
      resource_id: id,
      resource_versionless_id: id,
    };
  },
  map(tf, out) {
    out.put('properties.kty', tf.get('key_type'));
    out.put('properties.keySize', tf.get('key_size'));
    out.put('properties.keyOps', tf.get('key_opts'));
    out.put('properties.attributes.exp', tf.get('expiration_date'));
    const policy = tf.block('rotation_policy');
    if (policy?.unknown) out.put('properties.rotationPolicy', policy);
    else if (policy) {
      let action = 0;
      const automatic = policy.block('automatic');
      if (automatic && !automatic.unknown) {
        const base = `properties.rotationPolicy.lifetimeActions.${action++}`;
        out.set(`${base}.action.type`, 'Rotate', automatic);
        out.put(`${base}.trigger.timeAfterCreate`, automatic.get('time_after_creation'));
        out.put(`${base}.trigger.timeBeforeExpiry`, automatic.get('time_before_expiry'));
      }
      const notify = policy.get('notify_before_expiry');
      if (notify.present) {
        const base = `properties.rotationPolicy.lifetimeActions.${action++}`;
        out.set(`${base}.action.type`, 'Notify', notify);
        out.put(`${base}.trigger.timeBeforeExpiry`, notify);
      }
      out.put('properties.rotationPolicy.attributes.expiryTime', policy.get('expire_after'));
    }
  },
};

const managedHsm: Mapping = {
  type: 'Microsoft.KeyVault/managedHSMs',
  id: (values) => groupId(values, 'Microsoft.KeyVault/managedHSMs'),
  map(tf, out) {
    common(tf, out);
    out.put('properties.enablePurgeProtection', tf.get('purge_protection_enabled'));
    out.absent('properties.enablePurgeProtection', { attribute: 'purge_protection_enabled', byMajor: { all: false } });
    out.put('properties.softDeleteRetentionInDays', tf.get('soft_delete_retention_days'));
    out.put('properties.publicNetworkAccess', enabledView(tf.get('public_network_access_enabled')));
  },
};

// ---------------------------------------------------------------- CMP

const VM = 'Microsoft.Compute/virtualMachines';

const vmExtension: Mapping = {
  type: `${VM}/extensions`,
  id: (values) => childId(values.virtual_machine_id, 'extensions', values.name),
  map(tf, out) {
    out.put('properties.publisher', tf.get('publisher'));
    out.put('properties.type', tf.get('type'));
    out.put('properties.typeHandlerVersion', tf.get('type_handler_version'));
    const settings = tf.get('settings');
    // settings is a JSON string in Terraform; ARM holds the object.
    if (typeof settings.value === 'string') {
      try {
        out.set('properties.settings', JSON.parse(settings.value) as Value, settings);
      } catch {
        out.put('properties.settings', settings);
      }
    } else out.put('properties.settings', settings);
  },
};

const vmssExtension: Mapping = {
  type: 'Microsoft.Compute/virtualMachineScaleSets/extensions',
  id: (values) => childId(values.virtual_machine_scale_set_id, 'extensions', values.name),
  map: vmExtension.map,
};

const managedDisk: Mapping = {
  type: 'Microsoft.Compute/disks',
  id: (values) => groupId(values, 'Microsoft.Compute/disks'),
  map(tf, out) {
    common(tf, out);
    out.put('sku.name', tf.get('storage_account_type'));
    out.put('properties.diskSizeGB', tf.get('disk_size_gb'));
    const set = tf.get('disk_encryption_set_id');
    out.put('properties.encryption.diskEncryptionSetId', set);
    const confidential = tf.get('secure_vm_disk_encryption_set_id');
    out.put('properties.securityProfile.secureVMDiskEncryptionSetId', confidential);
    if (set.present) out.set('properties.encryption.type', 'EncryptionAtRestWithCustomerKey', set);
    else
      out.absent('properties.encryption.type', {
        attribute: 'disk_encryption_set_id',
        byMajor: { all: 'EncryptionAtRestWithPlatformKey' },
        note: 'platform-managed key',
      });
    const ade = tf.block('encryption_settings');
    if (ade?.unknown) out.put('properties.encryptionSettingsCollection', ade);
    else if (ade) {
      // Azure Disk Encryption settings; the legacy `enabled` flag defaults to true when the block is given.
      const flag = ade.get('enabled');
      if (flag.present) out.put('properties.encryptionSettingsCollection.enabled', flag);
      else out.set('properties.encryptionSettingsCollection.enabled', true, ade);
      out.put(
        'properties.encryptionSettingsCollection.encryptionSettings.0.diskEncryptionKey.secretUrl',
        ade.path('disk_encryption_key.0.secret_url'),
      );
      out.put(
        'properties.encryptionSettingsCollection.encryptionSettings.0.keyEncryptionKey.keyUrl',
        ade.path('key_encryption_key.0.key_url'),
      );
    }
  },
};

function osDisk(disk: View, out: Builder, base: string): void {
  out.locate(base, disk);
  out.put(`${base}.name`, disk.get('name'));
  out.put(`${base}.managedDisk.storageAccountType`, disk.get('storage_account_type'));
  out.put(`${base}.managedDisk.diskEncryptionSet.id`, disk.get('disk_encryption_set_id'));
  out.put(`${base}.managedDisk.securityProfile.diskEncryptionSet.id`, disk.get('secure_vm_disk_encryption_set_id'));
  out.put(`${base}.managedDisk.securityProfile.securityEncryptionType`, disk.get('security_encryption_type'));
}

function virtualMachine(scaleSet: boolean, legacy: boolean): Mapping {
  const type = scaleSet ? 'Microsoft.Compute/virtualMachineScaleSets' : VM;
  const profile = scaleSet ? 'properties.virtualMachineProfile' : 'properties';
  return {
    type,
    id: (values) => groupId(values, type),
    map(tf, out) {
      common(tf, out);
      out.put('sku.name', tf.get('sku'));
      out.put('properties.hardwareProfile.vmSize', tf.get('size'));
      out.put(`${profile}.securityProfile.encryptionAtHost`, tf.get('encryption_at_host_enabled'));
      // The legacy azurerm_virtual_machine has no encryption_at_host_enabled (rules.yaml PHI-CMP-002).
      out.absent(`${profile}.securityProfile.encryptionAtHost`, {
        attribute: legacy
          ? 'encryption_at_host_enabled (not supported by azurerm_virtual_machine)'
          : 'encryption_at_host_enabled',
        byMajor: { all: false },
      });
      const os = tf.block(legacy ? 'storage_os_disk' : 'os_disk');
      if (os && !os.unknown) osDisk(os, out, `${profile}.storageProfile.osDisk`);
      if (legacy) {
        tf.get('storage_data_disk')
          .items()
          .forEach((disk, i) => {
            out.put(`${profile}.storageProfile.dataDisks.${i}.name`, disk.get('name'));
            out.put(`${profile}.storageProfile.dataDisks.${i}.managedDisk.id`, disk.get('managed_disk_id'));
            out.put(`${profile}.storageProfile.dataDisks.${i}.vhd.uri`, disk.get('vhd_uri'));
            out.put(`${profile}.storageProfile.dataDisks.${i}.createOption`, disk.get('create_option'));
          });
      } else if (scaleSet) {
        for (const [i, disk] of tf.get('data_disk').items().entries()) {
          osDisk(disk, out, `${profile}.storageProfile.dataDisks.${i}`);
        }
      }
      tf.get('extension')
        .items()
        .forEach((extension, i) => {
          const base = `${profile}.extensionProfile.extensions.${i}`;
          out.put(`${base}.name`, extension.get('name'));
          out.put(`${base}.properties.publisher`, extension.get('publisher'));
          out.put(`${base}.properties.type`, extension.get('type'));
        });
      identity(tf, out);
    },
  };
}

const dataDiskAttachment: Patch = {
  kind: 'patch',
  targetType: 'azurerm_linux_virtual_machine / azurerm_windows_virtual_machine',
  target: (values) => segment(values.virtual_machine_id),
  apply(tf, target) {
    const disks = (target.resource.properties as ValueObject | undefined)?.storageProfile;
    const list =
      disks && typeof disks === 'object' && !Array.isArray(disks) ? (disks as ValueObject).dataDisks : undefined;
    const index = Array.isArray(list) ? list.length : 0;
    const base = `properties.storageProfile.dataDisks.${index}`;
    target.put(`${base}.managedDisk.id`, tf.get('managed_disk_id'));
    target.put(`${base}.lun`, tf.get('lun'));
    target.set(`${base}.createOption`, 'Attach', tf);
  },
};

const diskEncryptionSet: Mapping = {
  type: 'Microsoft.Compute/diskEncryptionSets',
  id: (values) => groupId(values, 'Microsoft.Compute/diskEncryptionSets'),
  map(tf, out) {
    common(tf, out);
    out.put('properties.activeKey.keyUrl', tf.first('key_vault_key_id', 'managed_hsm_key_id'));
    out.put('properties.encryptionType', tf.get('encryption_type'));
    out.put('properties.rotationToLatestKeyVersionEnabled', tf.get('auto_key_rotation_enabled'));
  },
};

// ---------------------------------------------------------------- DAT

const AHDS = 'Microsoft.HealthcareApis/workspaces';

const healthcareWorkspace: Mapping = {
  type: AHDS,
  id: (values) => groupId(values, AHDS),
  map(tf, out) {
    common(tf, out);
    out.put('properties.publicNetworkAccess', enabledView(tf.get('public_network_access_enabled')));
    out.absent('properties.publicNetworkAccess', {
      attribute: 'public_network_access_enabled',
      byMajor: { all: 'Enabled' },
    });
  },
};

const fhirService: Mapping = {
  type: `${AHDS}/fhirservices`,
  id: (values) => childId(values.workspace_id, 'fhirservices', values.name),
  map(tf, out) {
    common(tf, out);
    out.put('kind', tf.get('kind'));
    // public_network_access_enabled is read-only in 5.x (set through AzAPI): the service default is Enabled.
    out.absent('properties.publicNetworkAccess', {
      attribute: 'public_network_access_enabled (read-only; set via AzAPI)',
      byMajor: { all: 'Enabled' },
    });
    const auth = tf.block('authentication');
    if (auth && !auth.unknown) {
      out.put('properties.authenticationConfiguration.authority', auth.get('authority'));
      out.put('properties.authenticationConfiguration.audience', auth.get('audience'));
      out.put('properties.authenticationConfiguration.smartProxyEnabled', auth.get('smart_proxy_enabled'));
    }
    const cors = tf.block('cors');
    if (cors?.unknown) out.put('properties.corsConfiguration', cors);
    else if (cors) {
      out.put('properties.corsConfiguration.origins', cors.get('allowed_origins'));
      out.put('properties.corsConfiguration.headers', cors.get('allowed_headers'));
      out.put('properties.corsConfiguration.methods', cors.get('allowed_methods'));
      out.put('properties.corsConfiguration.maxAge', cors.get('max_age_in_seconds'));
      out.put('properties.corsConfiguration.allowCredentials', cors.get('credentials_allowed'));
    }
    out.put('properties.exportConfiguration.storageAccountName', tf.get('configuration_export_storage_account_name'));
    out.absent('properties.encryption.customerManagedKeyEncryption.keyEncryptionKeyUrl', {
      attribute: 'customer-managed key (not exposed by azurerm; AzAPI)',
      byMajor: { all: null },
      note: 'service-managed key',
    });
  },
};

const healthcareService: Mapping = {
  type: 'Microsoft.HealthcareApis/services',
  id: (values) => groupId(values, 'Microsoft.HealthcareApis/services'),
  map(tf, out) {
    common(tf, out);
    out.put('kind', tf.get('kind'));
    out.put('properties.publicNetworkAccess', enabledView(tf.get('public_network_access_enabled')));
    out.absent('properties.publicNetworkAccess', {
      attribute: 'public_network_access_enabled',
      byMajor: { all: 'Enabled' },
    });
    out.put('properties.cosmosDbConfiguration.keyVaultKeyUri', tf.get('cosmosdb_key_vault_key_versionless_id'));
    out.put('properties.cosmosDbConfiguration.offerThroughput', tf.get('cosmosdb_throughput'));
    const cors = tf.block('cors_configuration');
    if (cors?.unknown) out.put('properties.corsConfiguration', cors);
    else if (cors) {
      out.put('properties.corsConfiguration.origins', cors.get('allowed_origins'));
      out.put('properties.corsConfiguration.headers', cors.get('allowed_headers'));
      out.put('properties.corsConfiguration.methods', cors.get('allowed_methods'));
      out.put('properties.corsConfiguration.maxAge', cors.get('max_age_in_seconds'));
      out.put('properties.corsConfiguration.allowCredentials', cors.get('allow_credentials'));
    }
  },
};

const purview: Mapping = {
  type: 'Microsoft.Purview/accounts',
  id: (values) => groupId(values, 'Microsoft.Purview/accounts'),
  map(tf, out) {
    common(tf, out);
    out.put(
      'properties.publicNetworkAccess',
      enabledView(tf.first('public_network_enabled', 'public_network_access_enabled')),
    );
    out.absent('properties.publicNetworkAccess', { attribute: 'public_network_enabled', byMajor: { all: 'Enabled' } });
    out.put('properties.managedResourceGroupName', tf.get('managed_resource_group_name'));
  },
};

export const OTHER_MAPPINGS: Record<string, TypeMapping> = {
  // IAM
  azurerm_role_assignment: roleAssignment,
  azurerm_role_definition: roleDefinition,
  azurerm_management_lock: managementLock,
  azuread_application: application,
  azuread_application_registration: application,
  azuread_service_principal: servicePrincipal,
  azuread_app_role_assignment: appRoleAssignment,
  azuread_service_principal_delegated_permission_grant: delegatedGrant,
  azuread_conditional_access_policy: conditionalAccess,
  // TLS
  azurerm_api_management: apiManagement,
  azurerm_api_management_api: apimApi,
  azurerm_api_management_api_policy: apimApiPolicy,
  azurerm_api_management_api_operation_policy: apimOperationPolicy,
  azurerm_api_management_product: apimProduct,
  azurerm_api_management_product_api: apimProductApi,
  azurerm_api_management_product_policy: apimProductPolicy,
  azurerm_api_management_policy: apimPolicy,
  azurerm_api_management_backend: apimBackend,
  ...WEB_APPS,
  azurerm_application_gateway: applicationGateway,
  azurerm_cdn_frontdoor_custom_domain: frontDoorDomain,
  azurerm_frontdoor: frontDoor,
  // LOG
  azurerm_log_analytics_workspace: workspace,
  azurerm_log_analytics_workspace_table: workspaceTable,
  azurerm_log_analytics_data_export_rule: dataExport,
  azurerm_monitor_diagnostic_setting: diagnosticSetting,
  azurerm_monitor_log_profile: logProfile,
  azurerm_security_center_subscription_pricing: pricing,
  azurerm_security_center_storage_defender: storageDefender,
  azurerm_sentinel_log_analytics_workspace_onboarding: sentinelOnboarding,
  azurerm_log_analytics_solution: logSolution,
  azurerm_sentinel_alert_rule_scheduled: sentinelRule,
  // BAK
  azurerm_recovery_services_vault: recoveryVault,
  azurerm_data_protection_backup_vault: backupVault,
  azurerm_data_protection_backup_vault_customer_managed_key: backupVaultCmk,
  azurerm_backup_policy_vm: rsvPolicy('AzureIaasVM'),
  azurerm_backup_policy_file_share: rsvPolicy('AzureStorage'),
  azurerm_backup_policy_vm_workload: rsvPolicy('AzureWorkload', true),
  azurerm_data_protection_backup_policy_blob_storage: dataProtectionPolicy([
    ['operational_default_retention_duration', 'OperationalStore'],
    ['vault_default_retention_duration', 'VaultStore'],
  ]),
  azurerm_data_protection_backup_policy_disk: dataProtectionPolicy([
    ['default_retention_duration', 'OperationalStore'],
  ]),
  azurerm_data_protection_backup_policy_postgresql_flexible_server: dataProtectionPolicy([]),
  azurerm_data_protection_backup_policy_postgresql: dataProtectionPolicy([
    ['default_retention_duration', 'VaultStore'],
  ]),
  azurerm_backup_protected_vm: protectedVm,
  azurerm_data_protection_backup_instance_blob_storage: backupInstance('storage_account_id'),
  azurerm_data_protection_backup_instance_disk: backupInstance('disk_id'),
  azurerm_data_protection_backup_instance_postgresql_flexible_server: backupInstance('server_id'),
  // KV
  azurerm_key_vault: keyVault,
  azurerm_key_vault_key: keyVaultKey,
  azurerm_key_vault_managed_hardware_security_module: managedHsm,
  // CMP
  azurerm_virtual_machine_extension: vmExtension,
  azurerm_virtual_machine_scale_set_extension: vmssExtension,
  azurerm_managed_disk: managedDisk,
  azurerm_linux_virtual_machine: virtualMachine(false, false),
  azurerm_windows_virtual_machine: virtualMachine(false, false),
  azurerm_virtual_machine: virtualMachine(false, true),
  azurerm_linux_virtual_machine_scale_set: virtualMachine(true, false),
  azurerm_windows_virtual_machine_scale_set: virtualMachine(true, false),
  azurerm_orchestrated_virtual_machine_scale_set: virtualMachine(true, false),
  azurerm_virtual_machine_data_disk_attachment: dataDiskAttachment,
  azurerm_disk_encryption_set: diskEncryptionSet,
  // DAT
  azurerm_healthcare_workspace: healthcareWorkspace,
  azurerm_healthcare_fhir_service: fhirService,
  azurerm_healthcare_service: healthcareService,
  azurerm_purview_account: purview,
};
