// New azurerm resources a fix needs (FixStep `create`), written into `phiguard-remediation.tf` beside the module.
// They reference the subject by its address inside the module (`azurerm_storage_account.main.id`); what a human must
// choose becomes a `variable "phiguard_input_<name>"` without a default, so the rescan reports it as needing input.
// Settings per kind are fixed in src/rules/catalog/fixes.ts.
import { isObject } from '../../core/path.js';
import { Unresolved, type Value, type ValueObject } from '../../core/types.js';
import type { FixStep } from '../../rules/define.js';
import { INPUT_PREFIX } from '../types.js';
import { hclValue } from './hcl-edit.js';

export type CreateStep = Extract<FixStep, { kind: 'create' }>;

/** A reference written as an expression, not a quoted string. */
const ref = (expression: string): Value => new Unresolved(expression);

export interface Subject {
  /** The subject's address inside its module (`azurerm_storage_account.main`, `azurerm_mssql_server.db[0]`). */
  address: string;
  tfType: string;
  /** A name fragment for the new resources' local names. */
  local: string;
}

export interface Created {
  /** Resource and variable blocks, each ending with a newline. */
  blocks: string[];
  /** Placeholder variables, by name, with why a human must choose them. */
  inputs: Map<string, string>;
  /** What a person still has to do (e.g. link the new DNS zone to the virtual network). */
  notes: string[];
  /** Changes to the subject itself (an identity for a customer-managed key): canonical path -> value. */
  subjectSets?: { path: string; value: Value }[];
}

type Body = [string, Value | Body[] | { block: ValueObject | Body }][];

function render(kind: 'resource' | 'data', type: string, name: string, body: Body): string {
  return `${kind} "${type}" "${name}" {\n${renderBody(body, '  ')}}\n`;
}

function renderBody(body: Body, indent: string): string {
  const attributes = body.filter(([, v]) => !isBlock(v)) as [string, Value][];
  const blocks = body.filter(([, v]) => isBlock(v)) as [string, { block: ValueObject | Body }][];
  const width = Math.max(0, ...attributes.map(([name]) => name.length));
  let out = attributes
    .map(([name, value]) => `${indent}${name.padEnd(width)} = ${hclValue(value, indent, '  ')}\n`)
    .join('');
  for (const [name, { block }] of blocks) {
    const inner: Body = Array.isArray(block) ? block : Object.entries(block);
    out += `\n${indent}${name} {\n${renderBody(inner, `${indent}  `)}${indent}}\n`;
  }
  return out;
}

function isBlock(value: unknown): value is { block: ValueObject | Body } {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    'block' in value &&
    !(value instanceof Unresolved) &&
    Object.keys(value).length === 1
  );
}

const text = (value: Value | undefined): string | undefined => (typeof value === 'string' ? value : undefined);

/** The resources for one create step; undefined when the kind has no Terraform form here (the caller notes it). */
export function createResources(step: CreateStep, subject: Subject, inputs: Map<string, string>): Created | undefined {
  const settings = step.settings ?? {};
  const declared = new Map<string, string>();
  /** A setting, else the step's input of that name as a placeholder variable. */
  const value = (name: string): Value | undefined => {
    const given = settings[name];
    if (given !== undefined) return given;
    const input = step.inputs?.find((i) => i.name === name);
    if (!input) return undefined;
    const variable = `${INPUT_PREFIX}${input.name}`;
    if (!inputs.has(variable)) declared.set(variable, input.why);
    inputs.set(variable, input.why);
    return ref(`var.${variable}`);
  };
  const id = ref(`${subject.address}.id`);
  const group = ref(`${subject.address}.resource_group_name`);
  const location = ref(`${subject.address}.location`);
  const local = subject.local;
  const blocks: string[] = [];
  const notes: string[] = [];
  let subjectSets: Created['subjectSets'];
  switch (step.resource) {
    case 'private-endpoint': {
      const groupId = text(settings.groupId) ?? 'default';
      const zone = text(settings.privateDnsZone);
      const name = `phiguard_${local}_${groupId}`.replace(/[^A-Za-z0-9_]/g, '_');
      if (zone) {
        blocks.push(
          render('resource', 'azurerm_private_dns_zone', name, [
            ['name', zone],
            ['resource_group_name', group],
          ]),
        );
        notes.push(
          `link the private DNS zone ${zone} to the virtual network of the endpoint's subnet (azurerm_private_dns_zone_virtual_network_link) so clients resolve the private address`,
        );
      }
      blocks.push(
        render('resource', 'azurerm_private_endpoint', name, [
          ['name', ref(`"\${${subject.address}.name}-${groupId}-pe"`)],
          ['location', location],
          ['resource_group_name', group],
          ['subnet_id', value('subnetId') ?? ref('null')],
          [
            'private_service_connection',
            {
              block: [
                ['name', ref(`"\${${subject.address}.name}-${groupId}"`)],
                ['private_connection_resource_id', id],
                ['subresource_names', [groupId]],
                ['is_manual_connection', false],
              ],
            },
          ],
          ...(zone
            ? ([
                [
                  'private_dns_zone_group',
                  {
                    block: [
                      ['name', 'default'],
                      ['private_dns_zone_ids', [ref(`azurerm_private_dns_zone.${name}.id`)]],
                    ],
                  },
                ],
              ] as Body)
            : []),
        ]),
      );
      break;
    }
    case 'diagnostic-setting': {
      const target = text(settings.target);
      const logs = Array.isArray(settings.logs) ? settings.logs.filter(isObject) : [];
      // The activity log's setting targets the subscription itself (the provider's current one).
      if (target === 'subscription') blocks.push(render('data', 'azurerm_subscription', 'phiguard_current', []));
      const body: Body = [
        ['name', text(settings.name) ?? 'phiguard-audit'],
        [
          'target_resource_id',
          target === 'subscription'
            ? ref('data.azurerm_subscription.phiguard_current.id')
            : target
              ? ref(`"\${${subject.address}.id}/${target}"`)
              : id,
        ],
        ['log_analytics_workspace_id', value('workspaceId') ?? ref('null')],
      ];
      for (const log of logs) {
        const category = text(log.category);
        body.push([
          'enabled_log',
          { block: category ? [['category', category]] : [['category_group', text(log.categoryGroup) ?? 'allLogs']] },
        ]);
      }
      if (settings.metrics === true) body.push(['metric', { block: [['category', 'AllMetrics']] }]);
      blocks.push(
        render(
          'resource',
          'azurerm_monitor_diagnostic_setting',
          target === 'subscription'
            ? 'phiguard_subscription_activity'
            : `phiguard_${local}${target ? `_${target.split('/')[0]}` : ''}`,
          body,
        ),
      );
      break;
    }
    case 'sql-auditing': {
      const workspace = value('workspaceId') ?? ref('null');
      blocks.push(
        render('resource', 'azurerm_mssql_server_extended_auditing_policy', `phiguard_${local}`, [
          ['server_id', id],
          ['log_monitoring_enabled', true],
          ['retention_in_days', typeof settings.retentionDays === 'number' ? settings.retentionDays : 0],
        ]),
        // Audit records reach the workspace through the master database's diagnostic setting (azurerm docs,
        // mssql_server_extended_auditing_policy "log_monitoring_enabled").
        render('resource', 'azurerm_monitor_diagnostic_setting', `phiguard_${local}_audit`, [
          ['name', 'phiguard-sql-audit'],
          ['target_resource_id', ref(`"\${${subject.address}.id}/databases/master"`)],
          ['log_analytics_workspace_id', workspace],
          ['enabled_log', { block: [['category', 'SQLSecurityAuditEvents']] }],
        ]),
      );
      break;
    }
    case 'log-analytics-table-retention': {
      const table = text(settings.table) ?? 'AzureDiagnostics';
      blocks.push(
        render(
          'resource',
          'azurerm_log_analytics_workspace_table',
          `phiguard_${local}_${table}`.replace(/[^A-Za-z0-9_]/g, '_'),
          [
            ['workspace_id', id],
            ['name', table],
            [
              'total_retention_in_days',
              typeof settings.totalRetentionInDays === 'number' ? settings.totalRetentionInDays : 2192,
            ],
          ],
        ),
      );
      break;
    }
    case 'customer-managed-key': {
      const consumer = text(settings.consumer) ?? '';
      // Named after the subject's own name: a module's block serves several instances, each needing its own key.
      const keyName = ref(`"cmk-\${${subject.address}.name}"`);
      const name = `phiguard_${local}`;
      const identity = `azurerm_user_assigned_identity.${name}`;
      blocks.push(
        render('data', 'azurerm_client_config', 'phiguard_current', []),
        render('resource', 'azurerm_user_assigned_identity', name, [
          ['name', ref(`"\${${subject.address}.name}-cmk"`)],
          ['location', location],
          ['resource_group_name', group],
        ]),
        render('resource', 'azurerm_key_vault', name, [
          ['name', value('keyVaultName') ?? ref(`"kv-\${substr(${subject.address}.name, 0, 18)}"`)],
          ['location', location],
          ['resource_group_name', group],
          ['tenant_id', ref('data.azurerm_client_config.phiguard_current.tenant_id')],
          ['sku_name', 'premium'],
          // controls.md (Key Vault): purge protection and 90-day soft delete keep the key recoverable.
          ['purge_protection_enabled', true],
          ['soft_delete_retention_days', 90],
          ['enable_rbac_authorization', true],
          [
            'network_acls',
            {
              block: [
                ['default_action', 'Deny'],
                ['bypass', 'AzureServices'],
              ],
            },
          ],
        ]),
        render('resource', 'azurerm_role_assignment', `${name}_crypto`, [
          ['scope', ref(`azurerm_key_vault.${name}.id`)],
          [
            'role_definition_id',
            ref(
              `"/subscriptions/\${data.azurerm_client_config.phiguard_current.subscription_id}/providers/Microsoft.Authorization/roleDefinitions/${text(settings.roleDefinitionId) ?? 'e147488a-f6f5-4113-8e2d-b22465e65bf6'}"`,
            ),
          ],
          ['principal_id', ref(`${identity}.principal_id`)],
        ]),
        render('resource', 'azurerm_key_vault_key', name, [
          ['name', keyName],
          ['key_vault_id', ref(`azurerm_key_vault.${name}.id`)],
          ['key_type', text(settings.keyType) ?? 'RSA'],
          ['key_size', typeof settings.keySize === 'number' ? settings.keySize : 3072],
          ['key_opts', ['unwrapKey', 'wrapKey']],
          // PHI-KV-004: rotated automatically at least yearly (the rule's own fix: every 180 days, notify 30 days
          // before the one-year expiry).
          [
            'rotation_policy',
            {
              block: [
                ['expire_after', 'P1Y'],
                ['notify_before_expiry', 'P30D'],
                ['automatic', { block: [['time_after_creation', 'P180D']] }],
              ],
            },
          ],
        ]),
      );
      if (subject.tfType === 'azurerm_storage_account') {
        blocks.push(
          render('resource', 'azurerm_storage_account_customer_managed_key', name, [
            ['storage_account_id', id],
            ['key_vault_id', ref(`azurerm_key_vault.${name}.id`)],
            ['key_name', ref(`azurerm_key_vault_key.${name}.name`)],
            ['user_assigned_identity_id', ref(`${identity}.id`)],
            ['depends_on', [ref(`azurerm_role_assignment.${name}_crypto`)]],
          ]),
        );
        subjectSets = [{ path: 'identity', value: { type: 'UserAssigned', identity_ids: [ref(`${identity}.id`)] } }];
      } else if (subject.tfType === 'azurerm_mssql_server') {
        blocks.push(
          render('resource', 'azurerm_mssql_server_transparent_data_encryption', name, [
            ['server_id', id],
            ['key_vault_key_id', ref(`azurerm_key_vault_key.${name}.id`)],
            ['depends_on', [ref(`azurerm_role_assignment.${name}_crypto`)]],
          ]),
        );
        subjectSets = [
          { path: 'identity', value: { type: 'UserAssigned', identity_ids: [ref(`${identity}.id`)] } },
          { path: 'primary_user_assigned_identity_id', value: ref(`${identity}.id`) },
        ];
      } else if (subject.tfType === 'azurerm_recovery_services_vault') {
        // azurerm_recovery_services_vault encryption { }: infrastructure_encryption_enabled is required there; false
        // keeps the vault as it is (infrastructure encryption is chosen at creation only).
        subjectSets = [
          { path: 'identity', value: { type: 'UserAssigned', identity_ids: [ref(`${identity}.id`)] } },
          {
            path: 'encryption',
            value: {
              key_id: ref(`azurerm_key_vault_key.${name}.id`),
              infrastructure_encryption_enabled: false,
              user_assigned_identity_id: ref(`${identity}.id`),
              use_system_assigned_identity: false,
            },
          },
        ];
      } else {
        notes.push(
          `wire the key azurerm_key_vault_key.${name} and identity ${identity} to ${subject.address} (${consumer || subject.tfType}): its customer-managed key argument`,
        );
      }
      break;
    }
    case 'nsg-deny-rule': {
      const rule = settings;
      const ports = rule.destinationPortRanges ?? rule.destinationPortRange;
      blocks.push(
        render(
          'resource',
          'azurerm_network_security_rule',
          `phiguard_${local}_${text(rule.name) ?? 'deny'}`.replace(/[^A-Za-z0-9_]/g, '_'),
          [
            ['name', text(rule.name) ?? 'phiguard-deny'],
            ['priority', typeof rule.priority === 'number' ? rule.priority : 4000],
            ['direction', text(rule.direction) ?? 'Inbound'],
            ['access', text(rule.access) ?? 'Deny'],
            ['protocol', text(rule.protocol) ?? '*'],
            ['source_port_range', text(rule.sourcePortRange) ?? '*'],
            ['source_address_prefix', text(rule.sourceAddressPrefix) ?? '*'],
            ['destination_address_prefix', text(rule.destinationAddressPrefix) ?? '*'],
            Array.isArray(ports) ? ['destination_port_ranges', ports] : ['destination_port_range', text(ports) ?? '*'],
            ['resource_group_name', group],
            ['network_security_group_name', ref(`${subject.address}.name`)],
          ],
        ),
      );
      break;
    }
    case 'defender-plan': {
      const plan = text(settings.pricingName) ?? 'VirtualMachines';
      const body: Body = [
        ['tier', 'Standard'],
        ['resource_type', plan],
      ];
      if (text(settings.subPlan)) body.push(['subplan', text(settings.subPlan) as string]);
      for (const extension of Array.isArray(settings.extensions) ? settings.extensions.filter(isObject) : [])
        body.push(['extension', { block: [['name', text(extension.name) ?? '']] }]);
      blocks.push(render('resource', 'azurerm_security_center_subscription_pricing', `phiguard_${plan}`, body));
      break;
    }
    case 'lifecycle-policy': {
      const rules = Array.isArray(settings.rules) ? settings.rules.filter(isObject) : [];
      const body: Body = [['storage_account_id', id]];
      for (const rule of rules) body.push(['rule', { block: lifecycleRule(rule) }]);
      blocks.push(render('resource', 'azurerm_storage_management_policy', `phiguard_${local}`, body));
      break;
    }
    case 'resource-lock':
      blocks.push(
        render('resource', 'azurerm_management_lock', `phiguard_${local}`, [
          ['name', 'phiguard-lock'],
          ['scope', id],
          ['lock_level', text(settings.level) ?? 'CanNotDelete'],
          ['notes', text(settings.notes) ?? 'Protects PHI (HIPAA 164.308(a)(7))'],
        ]),
      );
      break;
    default:
      return undefined;
  }
  for (const [variable, why] of declared)
    blocks.unshift(
      `variable "${variable}" {\n  description = ${hclValue(why, '  ', '  ')}\n  type        = string\n}\n`,
    );
  return { blocks, inputs: declared, notes, subjectSets };
}

/** An ARM management policy rule as an azurerm `rule { }` block. */
function lifecycleRule(rule: ValueObject): Body {
  const definition = isObject(rule.definition) ? rule.definition : {};
  const filters = isObject(definition.filters) ? definition.filters : {};
  const actions = isObject(definition.actions) ? definition.actions : {};
  const body: Body = [
    ['name', text(rule.name) ?? 'phiguard-retention'],
    ['enabled', rule.enabled !== false],
    [
      'filters',
      {
        block: [
          ['blob_types', Array.isArray(filters.blobTypes) ? filters.blobTypes : ['blockBlob']],
          ...(Array.isArray(filters.prefixMatch) ? ([['prefix_match', filters.prefixMatch]] as Body) : []),
        ],
      },
    ],
  ];
  const actionBody: Body = [];
  const days = (section: Value | undefined, pairs: Record<string, string>): Body => {
    const out: Body = [];
    if (!isObject(section)) return out;
    for (const [armPath, tf] of Object.entries(pairs)) {
      const [group, key] = armPath.split('.');
      const inner = section[group];
      if (isObject(inner) && typeof inner[key] === 'number') out.push([tf, inner[key]]);
    }
    return out;
  };
  const base = days(actions.baseBlob, {
    'delete.daysAfterModificationGreaterThan': 'delete_after_days_since_modification_greater_than',
    'delete.daysAfterCreationGreaterThan': 'delete_after_days_since_creation_greater_than',
    'tierToCool.daysAfterModificationGreaterThan': 'tier_to_cool_after_days_since_modification_greater_than',
    'tierToArchive.daysAfterModificationGreaterThan': 'tier_to_archive_after_days_since_modification_greater_than',
  });
  if (base.length > 0) actionBody.push(['base_blob', { block: base }]);
  const snapshot = days(actions.snapshot, {
    'delete.daysAfterCreationGreaterThan': 'delete_after_days_since_creation_greater_than',
  });
  if (snapshot.length > 0) actionBody.push(['snapshot', { block: snapshot }]);
  const version = days(actions.version, { 'delete.daysAfterCreationGreaterThan': 'delete_after_days_since_creation' });
  if (version.length > 0) actionBody.push(['version', { block: version }]);
  body.push(['actions', { block: actionBody }]);
  return body;
}
