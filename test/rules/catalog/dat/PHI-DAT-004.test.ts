import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import rule from '../../../../src/rules/catalog/dat/PHI-DAT-004.js';
import { parameterCases, template, templateCase } from '../../../helpers/arm-cases.js';
import { ruleCases, run } from '../../../helpers/rule-cases.js';
import { body, connection, live, privateEndpoint } from '../net/support.js';
import { PURVIEW, purview } from './support.js';

const REF = "[resourceId('Microsoft.Purview/accounts', 'phipurview')]";
const OFF = { publicNetworkAccess: 'Disabled' };
const endpoint = (groupIds: unknown, manual = false) => privateEndpoint(REF, groupIds, { manual, name: 'pe-purview' });
const access = parameterCases(
  (expression) => [purview({ publicNetworkAccess: expression }), endpoint(['account'])],
  'string',
  'Enabled',
);

ruleCases(rule, {
  pass: [
    templateCase(template([purview(OFF), endpoint(['account'])]), 'private with an account endpoint'),
    templateCase(template([purview(OFF), endpoint(['portal'])]), 'private with a portal endpoint'),
    live(body(PURVIEW, 'phipurview', { ...OFF, privateEndpointConnections: [connection('Approved')] }), 'live private'),
  ],
  fail: [
    templateCase(template([purview()]), 'publicNetworkAccess absent', {
      needle: '"properties"',
      after: '"phipurview"',
    }),
    templateCase(template([purview({ publicNetworkAccess: 'NotSpecified' }), endpoint(['account'])]), 'NotSpecified', {
      needle: '"NotSpecified"',
    }),
    access.fromDefault,
    access.fromFile,
    templateCase(template([purview(OFF)]), 'private without an endpoint'),
    templateCase(template([purview(OFF), endpoint(['blob'])]), 'endpoint to the managed storage only'),
    live(body(PURVIEW, 'phipurview', { publicNetworkAccess: 'Enabled' }), 'live public'),
  ],
  unknown: [
    access.missing,
    templateCase(template([purview(OFF), endpoint(['account'], true)]), 'manual private endpoint connection'),
    templateCase(
      template([purview(OFF), endpoint("[parameters('groups')]")], { groups: { type: 'array' } }),
      'endpoint group ids unresolved',
    ),
  ],
});

describe('PHI-DAT-004 messages', () => {
  it('names the Purview account and the public setting', () => {
    const [finding] = run(
      rule,
      templateCase(template([purview({ publicNetworkAccess: 'NotSpecified' })]), 'x'),
    ).findings;
    assert.match(
      finding.message,
      /^The Purview account accepts traffic from public networks: publicNetworkAccess is "NotSpecified"/,
    );
  });
});
