// azurerm network resources -> Microsoft.Network (controls.md B1, B5; rules.yaml PHI-NET-001..003, private endpoints).
import type { Value } from '../../../core/types.js';
import { type Builder, groupId, namedChildId, segment, type View } from './builder.js';
import { common } from './common.js';
import type { Mapping, Patch, TypeMapping } from './types.js';

const NSG = 'Microsoft.Network/networkSecurityGroups';

/** Terraform security rule attribute -> ARM securityRules[].properties member. */
const RULE_ATTRIBUTES: Record<string, string> = {
  description: 'description',
  protocol: 'protocol',
  source_port_range: 'sourcePortRange',
  source_port_ranges: 'sourcePortRanges',
  destination_port_range: 'destinationPortRange',
  destination_port_ranges: 'destinationPortRanges',
  source_address_prefix: 'sourceAddressPrefix',
  source_address_prefixes: 'sourceAddressPrefixes',
  destination_address_prefix: 'destinationAddressPrefix',
  destination_address_prefixes: 'destinationAddressPrefixes',
  access: 'access',
  priority: 'priority',
  direction: 'direction',
};

/** Security rule attributes (inline security_rule blocks and azurerm_network_security_rule alike). */
function securityRule(rule: View, out: Builder, base: string): void {
  const pairs = RULE_ATTRIBUTES;
  const entries: [string, View][] = [];
  for (const from in pairs) {
    const view = rule.get(from);
    // The provider sends empty sets for the plural forms it was not given: leave them out like ARM templates do.
    if (view.value === '' || (Array.isArray(view.value) && view.value.length === 0)) continue;
    entries.push([pairs[from], view]);
  }
  out.putAll(base, entries);
  for (const [from, to] of [
    ['source_application_security_group_ids', 'sourceApplicationSecurityGroups'],
    ['destination_application_security_group_ids', 'destinationApplicationSecurityGroups'],
  ] as const) {
    const ids = rule.get(from);
    if (ids.unknown) out.put(`${base}.${to}`, ids);
    else if (Array.isArray(ids.value) && ids.value.length > 0)
      for (const [i, id] of ids.items().entries()) out.put(`${base}.${to}.${i}.id`, id);
  }
}

const networkSecurityGroup: Mapping = {
  type: NSG,
  id: (values) => groupId(values, NSG),
  map(tf, out) {
    common(tf, out);
    const rules = tf.get('security_rule');
    if (rules.unknown) {
      out.put('properties.securityRules', rules);
      return;
    }
    if (!Array.isArray(rules.value)) return;
    out.set('properties.securityRules', [], rules);
    rules.items().forEach((rule, i) => {
      const base = `properties.securityRules.${i}`;
      out.locate(base, rule);
      if (rule.unknown) {
        out.put(base, rule);
        return;
      }
      out.put(`${base}.name`, rule.get('name'));
      securityRule(rule, out, `${base}.properties`);
    });
  },
};

const networkSecurityRule: Mapping = {
  type: `${NSG}/securityRules`,
  id: (values) => namedChildId(values, NSG, 'network_security_group_name', 'securityRules'),
  map(tf, out) {
    securityRule(tf, out, 'properties');
  },
};

/** Attaches an NSG to a subnet or NIC: ARM shows attachments on the NSG (properties.subnets[] / networkInterfaces[]). */
function attach(list: 'subnets' | 'networkInterfaces', key: string): Patch {
  return {
    kind: 'patch',
    targetType: 'azurerm_network_security_group',
    target: (values) => segment(values.network_security_group_id),
    apply(tf, target) {
      const properties = (target.resource.properties ?? {}) as Record<string, Value>;
      const existing = properties[list];
      const index = Array.isArray(existing) ? existing.length : 0;
      if (index === 0) target.set(`properties.${list}`, [], tf);
      target.put(`properties.${list}.${index}.id`, tf.get(key));
    },
  };
}

const privateEndpoint: Mapping = {
  type: 'Microsoft.Network/privateEndpoints',
  id: (values) => groupId(values, 'Microsoft.Network/privateEndpoints'),
  map(tf, out) {
    common(tf, out);
    out.put('properties.subnet.id', tf.get('subnet_id'));
    out.put('properties.customNetworkInterfaceName', tf.get('custom_network_interface_name'));
    const connections = tf.get('private_service_connection');
    if (connections.unknown) {
      out.put('properties.privateLinkServiceConnections', connections);
      return;
    }
    const counts = { privateLinkServiceConnections: 0, manualPrivateLinkServiceConnections: 0 };
    for (const connection of connections.items()) {
      const manual = connection.get('is_manual_connection').value === true;
      const list = manual ? 'manualPrivateLinkServiceConnections' : 'privateLinkServiceConnections';
      const base = `properties.${list}.${counts[list]++}`;
      out.locate(base, connection);
      out.put(`${base}.name`, connection.get('name'));
      out.put(
        `${base}.properties.privateLinkServiceId`,
        connection.first('private_connection_resource_id', 'private_connection_resource_alias'),
      );
      out.put(`${base}.properties.groupIds`, connection.get('subresource_names'));
      out.put(`${base}.properties.requestMessage`, connection.get('request_message'));
    }
    const group = tf.block('private_dns_zone_group');
    if (group && !group.unknown) {
      const base = 'properties.privateDnsZoneGroups.0.properties.privateDnsZoneConfigs';
      for (const [i, id] of group.get('private_dns_zone_ids').items().entries()) {
        out.put(`${base}.${i}.properties.privateDnsZoneId`, id);
      }
    }
  },
};

const subnet: Mapping = {
  type: 'Microsoft.Network/virtualNetworks/subnets',
  id: (values) => namedChildId(values, 'Microsoft.Network/virtualNetworks', 'virtual_network_name', 'subnets'),
  map(tf, out) {
    out.put('properties.addressPrefixes', tf.get('address_prefixes'));
    out.put('properties.addressPrefix', tf.get('address_prefix'));
    const endpoints = tf.get('service_endpoints');
    for (const [i, service] of endpoints.items().entries())
      out.put(`properties.serviceEndpoints.${i}.service`, service);
    tf.get('delegation')
      .items()
      .forEach((delegation, i) => {
        out.put(`properties.delegations.${i}.name`, delegation.get('name'));
        out.put(`properties.delegations.${i}.properties.serviceName`, delegation.path('service_delegation.0.name'));
      });
    out.put('properties.privateEndpointNetworkPolicies', tf.get('private_endpoint_network_policies'));
    out.put('properties.defaultOutboundAccess', tf.get('default_outbound_access_enabled'));
  },
};

const virtualNetwork: Mapping = {
  type: 'Microsoft.Network/virtualNetworks',
  id: (values) => groupId(values, 'Microsoft.Network/virtualNetworks'),
  map(tf, out) {
    common(tf, out);
    out.put('properties.addressSpace.addressPrefixes', tf.get('address_space'));
    tf.get('subnet')
      .items()
      .forEach((item, i) => {
        const base = `properties.subnets.${i}`;
        out.put(`${base}.name`, item.get('name'));
        out.put(`${base}.properties.addressPrefixes`, item.get('address_prefixes'));
        out.put(`${base}.properties.addressPrefix`, item.get('address_prefix'));
        out.put(`${base}.properties.networkSecurityGroup.id`, item.get('security_group'));
      });
  },
};

const networkInterface: Mapping = {
  type: 'Microsoft.Network/networkInterfaces',
  id: (values) => groupId(values, 'Microsoft.Network/networkInterfaces'),
  map(tf, out) {
    common(tf, out);
    tf.get('ip_configuration')
      .items()
      .forEach((config, i) => {
        const base = `properties.ipConfigurations.${i}`;
        out.put(`${base}.name`, config.get('name'));
        out.put(`${base}.properties.subnet.id`, config.get('subnet_id'));
        out.put(`${base}.properties.publicIPAddress.id`, config.get('public_ip_address_id'));
        out.put(`${base}.properties.privateIPAddress`, config.get('private_ip_address'));
      });
  },
};

const publicIp: Mapping = {
  type: 'Microsoft.Network/publicIPAddresses',
  id: (values) => groupId(values, 'Microsoft.Network/publicIPAddresses'),
  map(tf, out) {
    common(tf, out);
    out.put('sku.name', tf.get('sku'));
    out.put('properties.publicIPAllocationMethod', tf.get('allocation_method'));
  },
};

export const NETWORK_MAPPINGS: Record<string, TypeMapping> = {
  azurerm_network_security_group: networkSecurityGroup,
  azurerm_network_security_rule: networkSecurityRule,
  azurerm_subnet_network_security_group_association: attach('subnets', 'subnet_id'),
  azurerm_network_interface_security_group_association: attach('networkInterfaces', 'network_interface_id'),
  azurerm_private_endpoint: privateEndpoint,
  azurerm_subnet: subnet,
  azurerm_virtual_network: virtualNetwork,
  azurerm_network_interface: networkInterface,
  azurerm_public_ip: publicIp,
};
