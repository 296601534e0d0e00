import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import rule from '../../../../src/rules/catalog/dat/PHI-DAT-001.js';
import { lineOf, parameterCases, template, templateCase } from '../../../helpers/arm-cases.js';
import { named, payload, ruleCases, run } from '../../../helpers/rule-cases.js';
import { body, connection, live, liveMany, privateEndpoint } from '../net/support.js';
import {
  FHIR,
  fhir,
  LEGACY,
  legacy,
  PAYLOAD,
  WORKSPACE,
  WORKSPACE_ID,
  workspace,
  workspaceEndpoint,
} from './support.js';

const OFF = { publicNetworkAccess: 'Disabled' };
const onlyFhir = { subject: 'fhirservices' };
const access = parameterCases((expression) => [workspace({ publicNetworkAccess: expression })], 'string', 'Enabled');
const accessWithEndpoint = parameterCases(
  (expression) => [workspace({ publicNetworkAccess: expression }), workspaceEndpoint()],
  'string',
  'Enabled',
);

const liveWorkspace = (properties: Record<string, unknown>) => body(WORKSPACE, 'phiws', properties);
const liveFhir = (properties: Record<string, unknown>) => ({
  ...body(FHIR, 'phiws/phifhir', properties),
  id: `${WORKSPACE_ID}/fhirservices/phifhir`,
  name: 'phifhir',
});

ruleCases(rule, {
  pass: [
    templateCase(template([workspace(OFF), workspaceEndpoint()]), 'workspace private with a private endpoint'),
    templateCase(
      template([workspace({ publicNetworkAccess: 'disabled' }), workspaceEndpoint()]),
      'publicNetworkAccess in lower case',
    ),
    named(
      templateCase(template([workspace(OFF), fhir(OFF), workspaceEndpoint()]), 'x'),
      'arm FHIR service and workspace private, endpoint on the workspace',
      onlyFhir,
    ),
    live(liveWorkspace({ ...OFF, privateEndpointConnections: [connection('Approved')] }), 'live private workspace'),
    named(
      liveMany([liveWorkspace({ ...OFF, privateEndpointConnections: [connection('Approved')] }), liveFhir(OFF)], 'x'),
      'live FHIR service in a private workspace',
      onlyFhir,
    ),
    templateCase(
      template([
        legacy(OFF),
        privateEndpoint("[resourceId('Microsoft.HealthcareApis/services', 'phifhirapi')]", ['fhir']),
      ]),
      'Azure API for FHIR with a private endpoint',
    ),
  ],
  fail: [
    templateCase(template([workspace()]), 'workspace without publicNetworkAccess', {
      needle: '"properties"',
      after: '"phiws"',
    }),
    access.fromDefault,
    access.fromFile,
    accessWithEndpoint.fromFile,
    templateCase(template([workspace(OFF)]), 'workspace private without a private endpoint'),
    templateCase(template([workspace(OFF), workspaceEndpoint(['blob'])]), 'private endpoint with another group id'),
    named(
      templateCase(template([workspace({ publicNetworkAccess: 'Enabled' }), fhir(OFF), workspaceEndpoint()]), 'x', {
        needle: '"publicNetworkAccess": "Enabled"',
      }),
      'arm FHIR service private, its workspace public',
      onlyFhir,
    ),
    // Unresolved public access, but no private endpoint at all: the missing private link decides.
    named(access.missing, 'arm public access unresolved, no private endpoint'),
    payload(PAYLOAD),
    templateCase(template([legacy({ publicNetworkAccess: 'Enabled' })]), 'Azure API for FHIR public'),
    live(liveWorkspace({ ...OFF, privateEndpointConnections: [connection('Rejected')] }), 'live rejected connection'),
  ],
  unknown: [
    accessWithEndpoint.missing,
    templateCase(template([workspace(OFF), workspaceEndpoint(['healthcareworkspace'], true)]), 'manual connection'),
    templateCase(
      template([workspace(OFF), privateEndpoint("[parameters('target')]", ['healthcareworkspace'])], {
        target: { type: 'string' },
      }),
      'private endpoint with an unresolved target',
    ),
    templateCase(template([fhir(OFF)]), 'private FHIR service whose workspace is not in the scan'),
  ],
});

describe('PHI-DAT-001 messages', () => {
  it('says that a private endpoint does not close a public endpoint', () => {
    const [finding] = run(rule, accessWithEndpoint.fromFile).findings;
    assert.equal(finding.status, 'fail');
    assert.equal(finding.location?.file, 'test.parameters.json');
    assert.match(finding.message, /an approved private endpoint exists, but it does not close the public endpoint/);
  });

  it('points a FHIR service at its public workspace', () => {
    const tpl = template([workspace({ publicNetworkAccess: 'Enabled' }), fhir(OFF), workspaceEndpoint()]);
    const finding = run(rule, templateCase(tpl, 'x')).findings.find((f) => f.resource.type === FHIR);
    assert.ok(finding);
    assert.match(finding.message, /its workspace phiws accepts traffic from public networks/);
    assert.equal(finding.location?.line, lineOf(JSON.stringify(tpl, null, 2), '"publicNetworkAccess": "Enabled"'));
  });

  it('reports private link missing when public access is off', () => {
    const [finding] = run(rule, templateCase(template([workspace(OFF)]), 'x')).findings;
    assert.equal(finding.evidence.path, 'properties.privateEndpointConnections');
    assert.match(finding.message, /no approved private endpoint reaches the Health Data Services workspace/);
  });

  it('evaluates the legacy service type too', () => {
    assert.ok(rule.types.includes(LEGACY));
  });
});
