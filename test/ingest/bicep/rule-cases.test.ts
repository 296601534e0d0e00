// The bicep() case builder of test/helpers/rule-cases.ts, on rules whose verdicts depend on where a value comes from.
import rule002 from '../../../src/rules/catalog/stg/PHI-STG-002.js';
import rule004 from '../../../src/rules/catalog/stg/PHI-STG-004.js';
import { bicep, ruleCases } from '../../helpers/rule-cases.js';

const ACCOUNT = (tls: string) => `
param tls string = 'TLS1_2'
param unknownTls string
resource sa 'Microsoft.Storage/storageAccounts@2025-06-01' = {
  name: 'phistore'
  location: 'eastus'
  properties: {
    minimumTlsVersion: ${tls}
  }
}
`;

ruleCases(rule004, {
  pass: [bicep(ACCOUNT("'TLS1_2'")), bicep(ACCOUNT('tls'))],
  fail: [
    { ...bicep(ACCOUNT("'TLS1_0'")), line: 8, file: 'main.bicep' },
    {
      ...bicep(ACCOUNT('tls'), { bicepparam: "using './main.bicep'\n\nparam tls = 'TLS1_1'\n" }),
      line: 3,
      file: 'main.bicepparam',
    },
  ],
  unknown: [bicep(ACCOUNT('unknownTls'))],
});

const MODULE = `
param access string
resource sa 'Microsoft.Storage/storageAccounts@2025-06-01' = {
  name: 'phistore'
  resource blob 'blobServices' = {
    name: 'default'
    resource container 'containers' = {
      name: 'records'
      properties: { publicAccess: access }
    }
  }
}
`;

ruleCases(rule002, {
  pass: [
    bicep("module m 'm.bicep' = {\n  name: 'm'\n  params: { access: 'None' }\n}\n", { files: { 'm.bicep': MODULE } }),
  ],
  fail: [
    {
      ...bicep("module m 'm.bicep' = {\n  name: 'm'\n  params: { access: 'Container' }\n}\n", {
        files: { 'm.bicep': MODULE },
      }),
      line: 3,
      file: 'main.bicep',
    },
  ],
});
