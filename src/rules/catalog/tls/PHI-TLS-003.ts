import { parentId } from '../../../core/inventory.js';
import { asBoolean } from '../../../core/path.js';
import { LIVE_ORIGINS, type Resource, type SourceLocation } from '../../../core/types.js';
import { defineRule, failAt, notApplicable, type PathRead, pass, type RuleContext, unknown } from '../../define.js';
import { manual, ruleContext, set } from '../fixes.js';
import { scanPolicy, VALIDATORS } from './apim-policy.js';
import { APIM_API, APIM_SWAGGER, ancestorId, isType, sameId, shortName } from './shared.js';

const API_POLICY = 'Microsoft.ApiManagement/service/apis/policies';
const OPERATION = 'Microsoft.ApiManagement/service/apis/operations';
const OPERATION_POLICY = 'Microsoft.ApiManagement/service/apis/operations/policies';
const PRODUCT = 'Microsoft.ApiManagement/service/products';
const PRODUCT_POLICY = 'Microsoft.ApiManagement/service/products/policies';
const PRODUCT_API = 'Microsoft.ApiManagement/service/products/apis';
const PRODUCT_API_LINK = 'Microsoft.ApiManagement/service/products/apiLinks';
const SERVICE_POLICY = 'Microsoft.ApiManagement/service/policies';
const FRAGMENT = 'Microsoft.ApiManagement/service/policyFragments';

/** Covered (true), not covered (false), or undecidable with the reason and where it comes from. */
type Coverage = true | false | { reason: string; at?: SourceLocation; path: string };

/** What one scope's policy document does for the scopes inside it. */
type ScopeEffect =
  | { validates: true }
  | { validates: false; base: boolean; blocker?: { reason: string; at?: SourceLocation; path: string } };

const VALIDATOR_LIST = VALIDATORS.map((name) => `<${name}>`).join(', ');
const VALIDATOR_CODE = VALIDATORS.map((name) => `\`<${name}>\``).join(', ');

function baseApiName(name: string): string {
  return name.split(';')[0].toLowerCase();
}

function childrenOf(context: RuleContext, type: string, owner: string, levels = 1): Resource[] {
  return context.inventory.byType(type).filter((child) => {
    const up = ancestorId(child.id, levels);
    return up !== undefined && sameId(up, owner);
  });
}

/** The policy documents of a scope (normally one, named `policy`). */
function effectOfScope(policies: Resource[], service: string, context: RuleContext): ScopeEffect | undefined {
  if (policies.length === 0) return undefined;
  let merged: ScopeEffect | undefined;
  for (const policy of policies) {
    const effect = effectOfPolicy(policy, service, context);
    if (effect.validates) return effect;
    merged = merged && !merged.validates ? { ...merged, blocker: merged.blocker ?? effect.blocker } : effect;
  }
  return merged;
}

function effectOfPolicy(policy: Resource, service: string, context: RuleContext): ScopeEffect {
  const format = context.read(policy, 'properties.format');
  const value = context.read(policy, 'properties.value');
  const blocked = format.state === 'unknown' ? format : value.state === 'unknown' ? value : undefined;
  if (blocked?.state === 'unknown') {
    return {
      validates: false,
      base: true,
      blocker: { reason: `policy ${policy.name} depends on ${blocked.expression}`, at: blocked.at, path: blocked.path },
    };
  }
  if (format.state !== 'unknown' && typeof format.value === 'string' && format.value.toLowerCase().endsWith('-link')) {
    return {
      validates: false,
      base: true,
      blocker: {
        reason: `policy ${policy.name} is stored as a link (${format.value}), which is not fetched`,
        at: format.at,
        path: format.path,
      },
    };
  }
  if (value.state === 'unknown' || typeof value.value !== 'string') {
    return {
      validates: false,
      base: true,
      blocker: { reason: `policy ${policy.name} has no readable content`, at: value.at, path: value.path },
    };
  }
  return effectOfDocument(value.value, policy.name, service, context, value, 0, false);
}

function effectOfDocument(
  document: string,
  name: string,
  service: string,
  context: RuleContext,
  where: PathRead,
  depth: number,
  fragment: boolean,
): ScopeEffect {
  const facts = scanPolicy(document, { fragment });
  if (facts.validates) return { validates: true };
  const reasons = facts.blockers.map((reason) => `${name}: ${reason}`);
  let base = facts.base;
  for (const include of facts.fragments) {
    const found = depth < 5 ? fragmentNamed(include.id, service, context) : undefined;
    if (!found) {
      reasons.push(`${name} includes policy fragment '${include.id}', which is not in the scan`);
      continue;
    }
    const content = context.read(found, 'properties.value');
    if (content.state === 'unknown' || typeof content.value !== 'string') {
      reasons.push(`policy fragment '${include.id}' has no readable content`);
      continue;
    }
    const inner = effectOfDocument(content.value, `fragment ${include.id}`, service, context, where, depth + 1, true);
    if (inner.validates && !include.conditional) return inner;
    if (inner.validates) reasons.push(`fragment '${include.id}' is included inside a <choose> condition`);
    else {
      base ||= inner.base;
      if (inner.blocker) reasons.push(inner.blocker.reason);
    }
  }
  return {
    validates: false,
    base,
    blocker: reasons.length > 0 ? { reason: reasons.join('; '), at: where.at, path: where.path } : undefined,
  };
}

function fragmentNamed(id: string, service: string, context: RuleContext): Resource | undefined {
  if (!id) return undefined;
  return childrenOf(context, FRAGMENT, service).find(
    (fragment) => shortName(fragment).toLowerCase() === id.toLowerCase(),
  );
}

/**
 * Whether a request is validated somewhere along scopes ordered outermost first (global, product, API, operation).
 * A scope without a policy behaves like `<base />`; a scope whose inbound omits `<base />` drops outer policies.
 */
function coverage(scopes: (ScopeEffect | undefined)[]): Coverage {
  let result: Coverage = false;
  for (const scope of scopes) {
    if (!scope) continue;
    if (scope.validates) result = true;
    else if (scope.blocker) result = result === true && scope.base ? true : scope.blocker;
    else if (!scope.base) result = false;
  }
  return result;
}

interface Access {
  /** Anonymous calls possible: true, false, or undecidable. */
  anonymous: Coverage;
  /** The open product anonymous calls run under (its policy joins the chain). */
  openProduct?: Resource;
  /** Where the finding points: the API's (or open product's) subscriptionRequired. */
  evidence: PathRead;
}

/** Products that contain the API (products/apis children by name, or products/apiLinks by apiId). */
function productsOf(
  api: Resource,
  service: string,
  context: RuleContext,
): { products: Resource[]; blockers: PathRead[] } {
  const name = baseApiName(shortName(api));
  const productIds = new Set<string>();
  const blockers: PathRead[] = [];
  for (const link of childrenOf(context, PRODUCT_API, service, 2)) {
    if (baseApiName(shortName(link)) === name) productIds.add(parentId(link.id)?.toLowerCase() ?? '');
  }
  for (const link of childrenOf(context, PRODUCT_API_LINK, service, 2)) {
    const apiId = context.read(link, 'properties.apiId');
    if (apiId.state === 'unknown') blockers.push(apiId);
    else if (typeof apiId.value === 'string' && baseApiName(apiId.value.split('/').pop() ?? '') === name) {
      productIds.add(parentId(link.id)?.toLowerCase() ?? '');
    }
  }
  const products = childrenOf(context, PRODUCT, service).filter((product) => productIds.has(product.id.toLowerCase()));
  return { products, blockers };
}

function access(api: Resource, service: string, context: RuleContext): Access {
  const required = context.read(api, 'properties.subscriptionRequired');
  const { products, blockers } = productsOf(api, service, context);
  for (const product of products) {
    const productRequired = context.read(product, 'properties.subscriptionRequired');
    if (productRequired.state === 'unknown') blockers.push(productRequired);
    else if (asBoolean(productRequired.value) === false) {
      // Requests without a key run under the open product (each API can be in at most one open product).
      return { anonymous: true, openProduct: product, evidence: productRequired };
    }
  }
  if (required.state === 'unknown') {
    return {
      anonymous: {
        reason: `subscriptionRequired depends on ${required.expression}`,
        at: required.at,
        path: required.path,
      },
      evidence: required,
    };
  }
  if (asBoolean(required.value) === false) return { anonymous: true, evidence: required };
  const blocker = blockers[0];
  if (blocker && blocker.state === 'unknown') {
    return {
      anonymous: {
        reason: `product membership or subscriptionRequired depends on ${blocker.expression}`,
        at: blocker.at,
        path: blocker.path,
      },
      evidence: required,
    };
  }
  return { anonymous: false, evidence: required };
}

function listedInPhiApis(api: Resource, context: RuleContext): boolean {
  const base = baseApiName(shortName(api));
  const serviceAndApi = `${api.name.split('/')[0]}/${base}`.toLowerCase();
  return context.config.classification.phiApis.some((entry) => {
    const wanted = entry.toLowerCase();
    return (
      wanted === api.id.toLowerCase() ||
      wanted === api.address.toLowerCase() ||
      wanted === serviceAndApi ||
      wanted === base ||
      api.id
        .toLowerCase()
        .split(';')[0]
        .endsWith(wanted.startsWith('/') ? wanted : `/${wanted}`)
    );
  });
}

export default defineRule({
  id: 'PHI-TLS-003',
  title: 'API Management API fronting PHI requires no authentication',
  severity: 'high',
  pattern: 4,
  hipaa: [
    { cite: '164.312(d)', type: 'R' },
    { cite: '164.312(a)(1)', type: 'R' },
  ],
  phiScoped: true,
  types: [APIM_API, API_POLICY, OPERATION_POLICY, PRODUCT, PRODUCT_POLICY, SERVICE_POLICY],
  // Read through the inventory; declared so streamed snapshots keep them until the API is evaluated.
  children: [
    API_POLICY,
    OPERATION,
    OPERATION_POLICY,
    PRODUCT,
    PRODUCT_POLICY,
    PRODUCT_API,
    PRODUCT_API_LINK,
    SERVICE_POLICY,
    FRAGMENT,
  ],
  policies: [
    {
      id: '8ac833bd-f505-48d5-887e-c993a1d3eea0',
      name: 'API endpoints in Azure API Management should be authenticated',
      relation: 'related (Defender for APIs assessment)',
    },
  ],
  remediation: {
    az: 'az apim api update -g "$RG" --service-name "$APIM" --api-id "$API" --subscription-required true',
    arm: '{"properties": {"format": "rawxml", "value": "<policies><inbound><base /><validate-azure-ad-token tenant-id=\\"<tenant>\\"><client-application-ids><application-id><client-app-id></application-id></client-application-ids></validate-azure-ad-token></inbound><backend><base /></backend><outbound><base /></outbound><on-error><base /></on-error></policies>"}}',
    bicep:
      "resource apiPolicy 'Microsoft.ApiManagement/service/apis/policies@2024-05-01' = {\n  parent: api\n  name: 'policy'\n  properties: {\n    format: 'rawxml'\n    value: '<policies><inbound><base /><validate-azure-ad-token tenant-id=\"<tenant-id>\"><client-application-ids><application-id><client-app-id></application-id></client-application-ids></validate-azure-ad-token></inbound><backend><base /></backend><outbound><base /></outbound><on-error><base /></on-error></policies>'\n  }\n}",
    terraform:
      'subscription_required = true\n# and azurerm_api_management_api_policy { xml_content = <<XML ... <validate-jwt ...> ... XML }',
    note: 'Requiring a subscription key breaks anonymous callers immediately; issue keys / configure clients first.',
  },
  docs: {
    evaluation: `Subject: each API (Microsoft.ApiManagement/service/apis, revisions included); policy and product resources are evidence (not applicable). Anonymous calls are possible when the API has subscriptionRequired false, or when a product containing it (products/apis or products/apiLinks) is open (product subscriptionRequired false): the gateway then runs keyless requests under that open product. Without anonymous access the API passes (a subscription key is required). With it, every operation must be covered by ${VALIDATOR_CODE} in the inbound section of its effective chain: global service policy -> open product policy -> API policy -> operation policy. A scope whose inbound omits \`<base />\` drops the outer scopes' policies; commented-out elements do not count; policy fragments (\`<include-fragment>\`) are resolved from the scan. Operations are the declared apis/operations children plus those with operation policies. When classification.phi_apis is set, only the listed APIs are evaluated (id, service/api, address or API name); a listed API that passes on a subscription key alone gets an advisory to add token validation.`,
    absent:
      'API subscriptionRequired absent -> true (service default); product subscriptionRequired absent -> true ("assumed to be true"); a scope without a policy behaves like `<base />`.',
    unresolvable:
      'A policy stored as a link (xml-link, rawxml-link), a fragment not in the scan, a named value (`{{...}}`) used in the validation element, a validation inside `<choose>`, or an unresolved subscriptionRequired/policy -> needs review, unless a covering validation or a required subscription key already decides. When the API imports its definition (properties.format/value) or a live snapshot holds no operation records, operations outside the scan cannot be checked: all known operations covered -> needs review.',
    crossResource:
      'Deviation from rules.yaml: an API with subscriptionRequired true is still anonymous when it is in an open product (learn.microsoft.com api-management-subscriptions, "API request without a subscription key"), so such APIs are evaluated like subscriptionRequired false. Product policies count only for the open product, since keyless requests run under it. A subscription key alone is shared-secret authentication: APIs listed in classification.phi_apis get an advisory in the pass message. Streamed snapshots keep policies, operations, products, product links and fragments (declared children) until the APIs are evaluated.',
    references: [
      `${APIM_SWAGGER}/apimapis.json subscriptionRequired; apimpolicies.json PolicyContractProperties.format (xml | xml-link | rawxml | rawxml-link); apimproducts.json subscriptionRequired ("open" product)`,
      'learn.microsoft.com/azure/api-management/api-management-subscriptions ("API request without a subscription key": open products, subscriptionRequired false)',
      'learn.microsoft.com/azure/api-management/api-management-howto-policies (policy scopes, `<base />`), validate-jwt-policy, validate-azure-ad-token-policy, validate-client-certificate-policy, policy-fragments',
      'Azure Policy 8ac833bd-f505-48d5-887e-c993a1d3eea0 (related)',
    ],
  },
  fix(api, fixContext) {
    const context = ruleContext(fixContext);
    const service = ancestorId(api.id, 1) ?? '';
    const { openProduct } = access(api, service, context);
    if (openProduct) {
      return [
        manual(
          `Product '${shortName(openProduct)}' is open (subscriptionRequired false), so API '${shortName(api)}' takes calls without a key: set subscriptionRequired true on the product (every API in it then needs a key), or add validate-azure-ad-token / validate-jwt to the inbound policy of this API. Decide which callers must keep working and how they authenticate.`,
        ),
      ];
    }
    return [
      set(
        'properties.subscriptionRequired',
        true,
        'anonymous callers are refused at once: issue subscription keys first; for PHI also add validate-azure-ad-token to the inbound policy (a key is a shared secret)',
      ),
    ];
  },
  check(resource, context) {
    if (!isType(resource, APIM_API))
      return notApplicable('evidence for the APIs it applies to, which are the subjects');
    const api = resource;
    const listed = listedInPhiApis(api, context);
    if (context.config.classification.phiApis.length > 0 && !listed) {
      return notApplicable('not listed in classification.phi_apis');
    }
    const service = ancestorId(api.id, 1) ?? '';
    const { anonymous, openProduct, evidence } = access(api, service, context);
    if (anonymous === false) {
      return {
        verdict: 'pass',
        path: evidence.path,
        actual: true,
        message: listed
          ? `API '${shortName(api)}' requires a subscription key; a key is a shared secret, so for PHI add ${VALIDATOR_LIST} (advisory)`
          : undefined,
      };
    }
    const global = effectOfScope(childrenOf(context, SERVICE_POLICY, service), service, context);
    const product = openProduct
      ? effectOfScope(childrenOf(context, PRODUCT_POLICY, openProduct.id), service, context)
      : undefined;
    const apiLevel = effectOfScope(childrenOf(context, API_POLICY, api.id), service, context);
    const prefix = [global, product, apiLevel];
    const whole = coverage(prefix);
    if (whole === true) return pass(evidence.path, 'every operation validated');

    const operationIds = new Map<string, string>();
    for (const operation of childrenOf(context, OPERATION, api.id))
      operationIds.set(operation.id.toLowerCase(), shortName(operation));
    for (const policy of childrenOf(context, OPERATION_POLICY, api.id, 2)) {
      const id = parentId(policy.id);
      if (id && !operationIds.has(id.toLowerCase()))
        operationIds.set(id.toLowerCase(), policy.name.split('/').slice(-2)[0]);
    }
    const imported = ['properties.format', 'properties.value'].some(
      (path) => context.read(api, path).state !== 'default',
    );
    const complete = LIVE_ORIGINS.has(api.origin) ? childrenOf(context, OPERATION, api.id).length > 0 : !imported;
    const uncovered: string[] = [];
    let blocker: Exclude<Coverage, boolean> | undefined;
    for (const [id, name] of operationIds) {
      const own = effectOfScope(
        childrenOf(context, OPERATION_POLICY, api.id, 2).filter((policy) => parentId(policy.id)?.toLowerCase() === id),
        service,
        context,
      );
      const result = coverage([...prefix, own]);
      if (result === false) uncovered.push(name);
      else if (result !== true) blocker ??= result;
    }
    if (typeof whole === 'object') blocker ??= whole;
    const how = openProduct
      ? `open product '${shortName(openProduct)}' (subscriptionRequired false) lets calls through without a key`
      : 'subscriptionRequired is false';
    const fails = (detail: string) =>
      failAt(evidence.path, {
        actual: false,
        at: evidence.at,
        expected: `subscriptionRequired true, or ${VALIDATOR_LIST} covering every operation`,
        message: `API '${shortName(api)}' accepts unauthenticated calls: ${how} and ${detail}`,
      });
    const decided = uncovered.length === 0 && !blocker && complete && operationIds.size > 0;
    if (decided) return pass(evidence.path, 'every operation validated');
    if (anonymous !== true) {
      return unknown(
        { path: anonymous.path, expression: anonymous.reason, at: anonymous.at },
        `whether API '${shortName(api)}' accepts calls without a key cannot be decided: ${anonymous.reason}`,
      );
    }
    if (uncovered.length > 0) {
      return fails(`operation(s) ${uncovered.join(', ')} have no token or client-certificate validation`);
    }
    if (operationIds.size === 0 && whole === false) {
      return fails('no policy scope validates a token or client certificate');
    }
    if (blocker) {
      return unknown(
        { path: blocker.path, expression: blocker.reason, at: blocker.at },
        `API '${shortName(api)}' accepts calls without a key; whether they are validated cannot be decided: ${blocker.reason}`,
      );
    }
    return unknown(
      { path: 'properties.value', expression: 'operations outside the scan', at: evidence.at },
      `API '${shortName(api)}' accepts calls without a key; the operations in the scan are validated, but its imported or uncollected operations cannot be checked`,
    );
  },
});
