// `phiguard guardrails sentinel`: Microsoft Sentinel scheduled analytics rules (Microsoft.SecurityInsights/alertRules,
// kind Scheduled, shape of payloads/sentinel_scheduled_alert_rule_get_2024-09-01.json) that watch PHI access for
// anomalies, as ARM, Bicep, Terraform (azurerm_sentinel_alert_rule_scheduled) or the REST bodies (json). Queries
// read only the documented columns of StorageBlobLogs, AzureDiagnostics, SQLSecurityAuditEvents, AzureActivity,
// AuditLogs and SigninLogs (learn.microsoft.com azure-monitor/reference/tables); tests parse them with Kusto.Language.
import type { Config } from '../core/config.js';
import {
  bicepString,
  bicepValue,
  type GuardrailFormat,
  hclHeredoc,
  hclString,
  hclValue,
  type JsonObject,
  jsonText,
  stableGuid,
  symbolOf,
} from './guardrails/emit.js';

export const SENTINEL_API_VERSION = '2024-09-01';
export const HIPAA_CITES = ['164.308(a)(1)(ii)(D)', '164.312(b)'];
const CITATION =
  'HIPAA 45 CFR 164.308(a)(1)(ii)(D) (information system activity review) and 164.312(b) (audit controls).';

export interface SentinelRule {
  key: string;
  id: string;
  displayName: string;
  description: string;
  severity: 'High' | 'Medium' | 'Low' | 'Informational';
  query: string;
  queryFrequency: string;
  queryPeriod: string;
  triggerOperator: 'GreaterThan';
  triggerThreshold: number;
  tactics: string[];
  techniques: string[];
  entityMappings: { entityType: string; fieldMappings: { identifier: string; columnName: string }[] }[];
  /** The log tables the query reads (and the diagnostic settings that must feed them). */
  tables: string[];
}

/** What the queries may read to decide that a record concerns PHI. Tags are not in log records, so they cannot. */
export interface PhiScope {
  /** A case-insensitive regex on resource ids (PHI resource groups and resource ids), or undefined. */
  idPattern?: string;
  /** A case-insensitive regex on resource names (classification.phi.name_patterns), or undefined. */
  namePattern?: string;
  /** Shown in each rule's description. */
  summary: string;
}

function regexEscape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function globToRegex(glob: string): string {
  return glob
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : regexEscape(c)))
    .join('');
}

export function phiScopeOf(config: Config): PhiScope {
  const { resourceGroups, resourceIds, namePatterns } = config.classification.phi;
  const ids = [
    ...resourceGroups.map((group) => `/resourcegroups/${regexEscape(group.toLowerCase())}(/|$)`),
    ...resourceIds.filter((id) => id.startsWith('/')).map((id) => `^${regexEscape(id.toLowerCase())}(/|$)`),
  ];
  const names = namePatterns.map((pattern) => `^${globToRegex(pattern.toLowerCase())}$`);
  const parts = [
    resourceGroups.length > 0 ? `resource groups ${resourceGroups.join(', ')}` : '',
    resourceIds.length > 0 ? `${resourceIds.length} resource id(s)` : '',
    namePatterns.length > 0 ? `names ${namePatterns.join(', ')}` : '',
  ].filter(Boolean);
  return {
    idPattern: ids.length > 0 ? ids.join('|') : undefined,
    namePattern: names.length > 0 ? names.join('|') : undefined,
    summary:
      parts.length > 0
        ? `PHI scope from .phiguard.yaml: ${parts.join('; ')}.`
        : 'PHI scope: every resource (.phiguard.yaml names no PHI resource groups, resource ids or name patterns; tags cannot be read from log records).',
  };
}

/** A KQL verbatim string literal: `@"..."` where a quote is doubled. */
function kqlVerbatim(text: string): string {
  return `@"${text.replaceAll('"', '""')}"`;
}

/** `| where ...` limiting rows to the PHI scope by id and/or name columns, or a comment when unlimited. */
function scopeFilter(scope: PhiScope, idColumn: string, nameColumn: string | undefined, indent: string): string {
  const tests: string[] = [];
  if (scope.idPattern) tests.push(`tolower(${idColumn}) matches regex ${kqlVerbatim(scope.idPattern)}`);
  if (scope.namePattern && nameColumn) {
    tests.push(`tolower(${nameColumn}) matches regex ${kqlVerbatim(scope.namePattern)}`);
  }
  if (tests.length === 0)
    return `${indent}// PHI scope: every resource (no PHI resource groups, ids or names configured)`;
  return `${indent}| where ${tests.join(' or ')}`;
}

/** The caller IP without its port; StorageBlobLogs writes "ip:port" and bracketed IPv6 "[addr]:port". */
const CALLER_IP = `iff(CallerIpAddress startswith "[", extract(@"^\\[([^\\]]+)\\]", 1, CallerIpAddress), tostring(split(CallerIpAddress, ":")[0]))`;

function blobDownloadVolume(scope: PhiScope): Omit<SentinelRule, 'id' | 'description'> & { what: string } {
  return {
    key: 'phi-blob-download-volume',
    displayName: 'PHI storage: unusual blob download volume per caller',
    what: 'A caller (user, service principal or IP) downloaded far more PHI blob data in the last hour than its 14-day hourly baseline (mean + 3 standard deviations, at least 100 MB; a caller without history needs 500 MB).',
    severity: 'High',
    tables: ['StorageBlobLogs'],
    query: [
      'let lookback = 14d;',
      'let recent = 1h;',
      'let minBytes = 100000000;',
      'let reads = StorageBlobLogs',
      '    | where TimeGenerated > ago(lookback)',
      '    | where OperationName == "GetBlob" and toint(StatusCode) between (200 .. 299)',
      scopeFilter(scope, '_ResourceId', 'AccountName', '    '),
      `    | extend CallerIp = ${CALLER_IP}`,
      '    | extend Caller = iff(isnotempty(RequesterUpn), RequesterUpn, iff(isnotempty(RequesterObjectId), RequesterObjectId, CallerIp));',
      'let baseline = reads',
      '    | where TimeGenerated <= ago(recent)',
      '    | summarize HourlyBytes = sum(ResponseBodySize) by Caller, bin(TimeGenerated, 1h)',
      '    | summarize AvgBytes = avg(HourlyBytes), StdBytes = stdev(HourlyBytes) by Caller;',
      'reads',
      '| where TimeGenerated > ago(recent)',
      '| summarize RecentBytes = sum(ResponseBodySize), Reads = count(), DistinctBlobs = dcount(ObjectKey),',
      '    Accounts = make_set(AccountName, 10), CallerIps = make_set(CallerIp, 10), AuthTypes = make_set(AuthenticationType, 5),',
      '    FirstSeen = min(TimeGenerated), LastSeen = max(TimeGenerated) by Caller',
      '| join kind=leftouter baseline on Caller',
      '| extend Threshold = iff(isnull(AvgBytes), todouble(minBytes) * 5, AvgBytes + 3.0 * coalesce(StdBytes, 0.0))',
      '| where RecentBytes > minBytes and RecentBytes > Threshold',
      '| extend RecentMB = round(RecentBytes / 1048576.0, 1), NewCaller = isnull(AvgBytes), CallerIp = tostring(CallerIps[0])',
      '| project Caller, CallerIp, RecentMB, Reads, DistinctBlobs, Accounts, CallerIps, AuthTypes, NewCaller, AvgBytes, StdBytes, Threshold, FirstSeen, LastSeen',
    ].join('\n'),
    queryFrequency: 'PT1H',
    queryPeriod: 'P14D',
    triggerOperator: 'GreaterThan',
    triggerThreshold: 0,
    tactics: ['Exfiltration', 'Collection'],
    techniques: ['T1530'],
    entityMappings: [
      { entityType: 'Account', fieldMappings: [{ identifier: 'FullName', columnName: 'Caller' }] },
      { entityType: 'IP', fieldMappings: [{ identifier: 'Address', columnName: 'CallerIp' }] },
    ],
  };
}

function blobNewLocation(scope: PhiScope): Omit<SentinelRule, 'id' | 'description'> & { what: string } {
  return {
    key: 'phi-blob-new-ip-or-country',
    displayName: 'PHI storage: access from a new IP address or country',
    what: 'A PHI storage account was accessed successfully in the last hour from a country not seen for that account in 14 days, or from an IP address the account has not seen before (accounts with history only).',
    severity: 'Medium',
    tables: ['StorageBlobLogs'],
    query: [
      'let lookback = 14d;',
      'let recent = 1h;',
      'let access = StorageBlobLogs',
      '    | where TimeGenerated > ago(lookback)',
      '    | where toint(StatusCode) between (200 .. 299)',
      scopeFilter(scope, '_ResourceId', 'AccountName', '    '),
      `    | extend CallerIp = ${CALLER_IP}`,
      '    | where isnotempty(CallerIp)',
      '    | extend Country = tostring(geo_info_from_ip_address(CallerIp).country)',
      '    | extend Caller = iff(isnotempty(RequesterUpn), RequesterUpn, iff(isnotempty(RequesterObjectId), RequesterObjectId, AuthenticationType));',
      'let known = access',
      '    | where TimeGenerated <= ago(recent)',
      '    | summarize KnownIps = make_set(CallerIp, 1000), KnownCountries = make_set(Country, 200) by AccountName;',
      'access',
      '| where TimeGenerated > ago(recent)',
      '| summarize Requests = count(), Operations = make_set(OperationName, 10), Callers = make_set(Caller, 10),',
      '    FirstSeen = min(TimeGenerated), LastSeen = max(TimeGenerated) by AccountName, CallerIp, Country',
      '| join kind=leftouter known on AccountName',
      '| extend HasHistory = coalesce(array_length(KnownIps), 0) > 0',
      '| extend NewIp = HasHistory and not(set_has_element(KnownIps, CallerIp)),',
      '    NewCountry = isnotempty(Country) and (not(HasHistory) or not(set_has_element(KnownCountries, Country)))',
      '| where NewCountry or NewIp',
      '| extend Reason = strcat(iff(NewCountry, strcat("new country ", Country, " "), ""), iff(NewIp, "new IP", ""))',
      '| project AccountName, CallerIp, Country, Reason, Requests, Operations, Callers, FirstSeen, LastSeen',
    ].join('\n'),
    queryFrequency: 'PT1H',
    queryPeriod: 'P14D',
    triggerOperator: 'GreaterThan',
    triggerThreshold: 0,
    tactics: ['InitialAccess', 'Collection'],
    techniques: ['T1078', 'T1530'],
    entityMappings: [{ entityType: 'IP', fieldMappings: [{ identifier: 'Address', columnName: 'CallerIp' }] }],
  };
}

function massSqlReads(scope: PhiScope): Omit<SentinelRule, 'id' | 'description'> & { what: string } {
  return {
    key: 'phi-sql-mass-read',
    displayName: 'PHI databases: mass read by one principal',
    what: 'A SQL principal read far more rows from PHI databases in the last hour than its 14-day hourly baseline (mean + 3 standard deviations, at least 10,000 rows; 50,000 without history). Reads SQL auditing records from AzureDiagnostics (category SQLSecurityAuditEvents) and the resource-specific SQLSecurityAuditEvents table.',
    severity: 'High',
    tables: ['AzureDiagnostics', 'SQLSecurityAuditEvents'],
    query: [
      'let lookback = 14d;',
      'let recent = 1h;',
      'let minRows = 10000;',
      'let audit = union isfuzzy=true',
      '    (AzureDiagnostics',
      '        | where Category == "SQLSecurityAuditEvents"',
      '        | project TimeGenerated, ResourceId = tolower(ResourceId), Principal = server_principal_name_s,',
      '            ClientIp = client_ip_s, Database = database_name_s, Action = action_name_s,',
      '            Rows = tolong(response_rows_d), Statement = statement_s, Succeeded = tobool(succeeded_s)),',
      '    (SQLSecurityAuditEvents',
      '        | project TimeGenerated, ResourceId = tolower(_ResourceId), Principal = ServerPrincipalName,',
      '            ClientIp, Database = DatabaseName, Action = ActionName,',
      '            Rows = tolong(ResponseRows), Statement, Succeeded = tobool(Succeeded))',
      '    | where TimeGenerated > ago(lookback)',
      '    | where Succeeded and Rows > 0',
      scopeFilter(scope, 'ResourceId', undefined, '    '),
      '    ;',
      'let baseline = audit',
      '    | where TimeGenerated <= ago(recent)',
      '    | summarize HourlyRows = sum(Rows) by Principal, bin(TimeGenerated, 1h)',
      '    | summarize AvgRows = avg(HourlyRows), StdRows = stdev(HourlyRows) by Principal;',
      'audit',
      '| where TimeGenerated > ago(recent)',
      '| summarize RowsRead = sum(Rows), Statements = count(), Databases = make_set(Database, 10),',
      '    ClientIps = make_set(ClientIp, 10), Actions = make_set(Action, 5), Samples = make_set(substring(Statement, 0, 200), 3),',
      '    FirstSeen = min(TimeGenerated), LastSeen = max(TimeGenerated) by Principal',
      '| join kind=leftouter baseline on Principal',
      '| extend Threshold = iff(isnull(AvgRows), todouble(minRows) * 5, AvgRows + 3.0 * coalesce(StdRows, 0.0))',
      '| where RowsRead > minRows and RowsRead > Threshold',
      '| extend ClientIp = tostring(ClientIps[0])',
      '| project Principal, ClientIp, RowsRead, Statements, Databases, ClientIps, Actions, Samples, AvgRows, StdRows, Threshold, FirstSeen, LastSeen',
    ].join('\n'),
    queryFrequency: 'PT1H',
    queryPeriod: 'P14D',
    triggerOperator: 'GreaterThan',
    triggerThreshold: 0,
    tactics: ['Collection', 'Exfiltration'],
    techniques: ['T1213'],
    entityMappings: [
      { entityType: 'Account', fieldMappings: [{ identifier: 'Name', columnName: 'Principal' }] },
      { entityType: 'IP', fieldMappings: [{ identifier: 'Address', columnName: 'ClientIp' }] },
    ],
  };
}

function keyVaultSecretSpike(scope: PhiScope): Omit<SentinelRule, 'id' | 'description'> & { what: string } {
  return {
    key: 'phi-keyvault-secret-spike',
    displayName: 'PHI Key Vaults: spike in secret reads by one caller',
    what: 'A caller read Key Vault secrets (SecretGet) far more often in the last hour than its 14-day hourly baseline (mean + 3 standard deviations, at least 25 reads; 125 without history). Needs Key Vault AuditEvent logs in AzureDiagnostics.',
    severity: 'Medium',
    tables: ['AzureDiagnostics'],
    query: [
      'let lookback = 14d;',
      'let recent = 1h;',
      'let minReads = 25;',
      'let gets = AzureDiagnostics',
      '    | where TimeGenerated > ago(lookback)',
      '    | where ResourceProvider == "MICROSOFT.KEYVAULT" and OperationName == "SecretGet"',
      scopeFilter(scope, 'ResourceId', 'Resource', '    '),
      '    | extend Caller = iff(isnotempty(identity_claim_upn_s), identity_claim_upn_s, iff(isnotempty(tostring(identity_claim_oid_g)), tostring(identity_claim_oid_g), CallerIPAddress));',
      'let baseline = gets',
      '    | where TimeGenerated <= ago(recent)',
      '    | summarize HourlyReads = count() by Caller, bin(TimeGenerated, 1h)',
      '    | summarize AvgReads = avg(HourlyReads), StdReads = stdev(HourlyReads) by Caller;',
      'gets',
      '| where TimeGenerated > ago(recent)',
      '| summarize Reads = count(), DistinctSecrets = dcount(id_s), Vaults = make_set(Resource, 10),',
      '    CallerIps = make_set(CallerIPAddress, 10), Results = make_set(ResultType, 5),',
      '    FirstSeen = min(TimeGenerated), LastSeen = max(TimeGenerated) by Caller',
      '| join kind=leftouter baseline on Caller',
      '| extend Threshold = iff(isnull(AvgReads), todouble(minReads) * 5, AvgReads + 3.0 * coalesce(StdReads, 0.0))',
      '| where Reads > minReads and Reads > Threshold',
      '| extend CallerIp = tostring(CallerIps[0])',
      '| project Caller, CallerIp, Reads, DistinctSecrets, Vaults, CallerIps, Results, AvgReads, StdReads, Threshold, FirstSeen, LastSeen',
    ].join('\n'),
    queryFrequency: 'PT1H',
    queryPeriod: 'P14D',
    triggerOperator: 'GreaterThan',
    triggerThreshold: 0,
    tactics: ['CredentialAccess'],
    techniques: ['T1555'],
    entityMappings: [
      { entityType: 'Account', fieldMappings: [{ identifier: 'FullName', columnName: 'Caller' }] },
      { entityType: 'IP', fieldMappings: [{ identifier: 'Address', columnName: 'CallerIp' }] },
    ],
  };
}

function rbacChanges(scope: PhiScope): Omit<SentinelRule, 'id' | 'description'> & { what: string } {
  // Assignments at a subscription or management group are inherited by every PHI resource below them.
  const inherited = [
    'Scope matches regex @"^/subscriptions/[^/]+/providers/microsoft\\.authorization/"',
    'Scope startswith "/providers/microsoft.management/managementgroups/"',
  ];
  const filter = scope.idPattern
    ? `| where Scope matches regex ${kqlVerbatim(scope.idPattern)} or ${inherited.join(' or ')}`
    : '// PHI scope: every resource (no PHI resource groups or ids configured)';
  return {
    key: 'phi-rbac-change',
    displayName: 'PHI scopes: role assignment created or removed',
    what: 'A role assignment was written or deleted on a PHI resource group or resource, or on a subscription or management group above them (inherited by PHI resources).',
    severity: 'Medium',
    tables: ['AzureActivity'],
    query: [
      'AzureActivity',
      '| where TimeGenerated > ago(1h)',
      '| where OperationNameValue in~ ("MICROSOFT.AUTHORIZATION/ROLEASSIGNMENTS/WRITE", "MICROSOFT.AUTHORIZATION/ROLEASSIGNMENTS/DELETE")',
      '| where ActivityStatusValue in~ ("Success", "Succeeded")',
      '| extend Scope = tolower(_ResourceId)',
      filter,
      '| extend Operation = iff(OperationNameValue endswith "DELETE", "removed", "assigned")',
      '| project TimeGenerated, Operation, Scope, Caller, CallerIpAddress, ResourceGroup, SubscriptionId, CorrelationId, Properties_d',
    ].join('\n'),
    queryFrequency: 'PT1H',
    queryPeriod: 'PT1H',
    triggerOperator: 'GreaterThan',
    triggerThreshold: 0,
    tactics: ['PrivilegeEscalation', 'Persistence'],
    techniques: ['T1098'],
    entityMappings: [
      { entityType: 'Account', fieldMappings: [{ identifier: 'FullName', columnName: 'Caller' }] },
      { entityType: 'IP', fieldMappings: [{ identifier: 'Address', columnName: 'CallerIpAddress' }] },
      { entityType: 'AzureResource', fieldMappings: [{ identifier: 'ResourceId', columnName: 'Scope' }] },
    ],
  };
}

function conditionalAccessChanges(): Omit<SentinelRule, 'id' | 'description'> & { what: string } {
  return {
    key: 'phi-conditional-access-change',
    displayName: 'Conditional Access policy changed, disabled or deleted',
    what: 'A Conditional Access policy (MFA and session limits for PHI applications, PHI-IAM-005/006) was added, changed, switched to report-only or disabled, or deleted. Needs Entra ID AuditLogs in the workspace.',
    severity: 'High',
    tables: ['AuditLogs'],
    query: [
      'AuditLogs',
      '| where TimeGenerated > ago(1h)',
      '| where OperationName in ("Add conditional access policy", "Update conditional access policy", "Delete conditional access policy")',
      '| extend Actor = iff(isnotempty(tostring(InitiatedBy.user.userPrincipalName)), tostring(InitiatedBy.user.userPrincipalName), tostring(InitiatedBy.app.displayName)),',
      '    ActorIp = tostring(InitiatedBy.user.ipAddress)',
      '| mv-expand Target = TargetResources',
      '| extend PolicyName = tostring(Target.displayName), PolicyId = tostring(Target.id),',
      '    NewValue = tostring(Target.modifiedProperties[0].newValue), OldValue = tostring(Target.modifiedProperties[0].oldValue)',
      '| extend NewState = extract(@"state\\W+(enabledForReportingButNotEnforced|enabled|disabled)", 1, NewValue),',
      '    OldState = extract(@"state\\W+(enabledForReportingButNotEnforced|enabled|disabled)", 1, OldValue)',
      '| extend Change = case(OperationName startswith "Delete", "deleted",',
      '    OldState == "enabled" and NewState in ("disabled", "enabledForReportingButNotEnforced"), strcat("no longer enforced: ", NewState),',
      '    OperationName startswith "Add", "added",',
      '    "modified")',
      '| project TimeGenerated, Change, PolicyName, PolicyId, OldState, NewState, Actor, ActorIp, OperationName, Result, CorrelationId',
    ].join('\n'),
    queryFrequency: 'PT1H',
    queryPeriod: 'PT1H',
    triggerOperator: 'GreaterThan',
    triggerThreshold: 0,
    tactics: ['DefenseEvasion', 'Persistence'],
    techniques: ['T1562', 'T1556'],
    entityMappings: [
      { entityType: 'Account', fieldMappings: [{ identifier: 'FullName', columnName: 'Actor' }] },
      { entityType: 'IP', fieldMappings: [{ identifier: 'Address', columnName: 'ActorIp' }] },
    ],
  };
}

function diagnosticSettingDeleted(scope: PhiScope): Omit<SentinelRule, 'id' | 'description'> & { what: string } {
  return {
    key: 'phi-diagnostic-setting-deleted',
    displayName: 'PHI audit logging: diagnostic setting deleted',
    what: 'A diagnostic setting that ships audit logs of a PHI resource was deleted (the audit trail stops silently).',
    severity: 'High',
    tables: ['AzureActivity'],
    query: [
      'AzureActivity',
      '| where TimeGenerated > ago(1h)',
      '| where OperationNameValue =~ "MICROSOFT.INSIGHTS/DIAGNOSTICSETTINGS/DELETE"',
      '| where ActivityStatusValue in~ ("Success", "Succeeded")',
      '| extend Target = tolower(_ResourceId)',
      scopeFilter(scope, 'Target', undefined, ''),
      '| project TimeGenerated, Target, Caller, CallerIpAddress, ResourceGroup, SubscriptionId, CorrelationId',
    ].join('\n'),
    queryFrequency: 'PT1H',
    queryPeriod: 'PT1H',
    triggerOperator: 'GreaterThan',
    triggerThreshold: 0,
    tactics: ['DefenseEvasion'],
    techniques: ['T1562'],
    entityMappings: [
      { entityType: 'Account', fieldMappings: [{ identifier: 'FullName', columnName: 'Caller' }] },
      { entityType: 'IP', fieldMappings: [{ identifier: 'Address', columnName: 'CallerIpAddress' }] },
      { entityType: 'AzureResource', fieldMappings: [{ identifier: 'ResourceId', columnName: 'Target' }] },
    ],
  };
}

function phiAppSignIn(appIds: string[]): Omit<SentinelRule, 'id' | 'description'> & { what: string } {
  const list = appIds.map((id) => `"${id.replaceAll('"', '')}"`).join(', ');
  return {
    key: 'phi-app-anomalous-sign-in',
    displayName: 'PHI application: sign-in from a new country and IP, single-factor or risky',
    what: 'A successful sign-in to a PHI application (classification.phi_apps) came from a country and IP address not seen for the user in 14 days, used single-factor authentication, or carried medium/high sign-in risk. Needs Entra ID SigninLogs in the workspace.',
    severity: 'Medium',
    tables: ['SigninLogs'],
    query: [
      `let phiAppIds = dynamic([${list}]);`,
      'let lookback = 14d;',
      'let recent = 1h;',
      'let history = SigninLogs',
      '    | where TimeGenerated between (ago(lookback) .. ago(recent))',
      '    | where AppId in (phiAppIds) and ResultType == "0"',
      '    | extend Country = tostring(LocationDetails.countryOrRegion)',
      '    | summarize KnownCountries = make_set(Country, 100), KnownIps = make_set(IPAddress, 500) by UserPrincipalName;',
      'SigninLogs',
      '| where TimeGenerated > ago(recent)',
      '| where AppId in (phiAppIds) and ResultType == "0"',
      '| extend Country = tostring(LocationDetails.countryOrRegion)',
      '| join kind=leftouter history on UserPrincipalName',
      '| extend NewCountry = coalesce(array_length(KnownCountries), 0) == 0 or not(set_has_element(KnownCountries, Country)),',
      '    NewIp = coalesce(array_length(KnownIps), 0) == 0 or not(set_has_element(KnownIps, IPAddress)),',
      '    SingleFactor = AuthenticationRequirement == "singleFactorAuthentication",',
      '    Risky = RiskLevelDuringSignIn in ("medium", "high")',
      '| where (NewCountry and NewIp) or SingleFactor or Risky',
      '| extend Reason = strcat(iff(NewCountry and NewIp, "new country+IP ", ""), iff(SingleFactor, "single-factor ", ""), iff(Risky, strcat("risk=", RiskLevelDuringSignIn), ""))',
      '| summarize SignIns = count(), FirstSeen = min(TimeGenerated), LastSeen = max(TimeGenerated), IPs = make_set(IPAddress, 20),',
      '    Countries = make_set(Country, 10), Reasons = make_set(Reason, 5), Apps = make_set(AppDisplayName, 5) by UserPrincipalName, UserId',
      '| extend FirstIp = tostring(IPs[0])',
    ].join('\n'),
    queryFrequency: 'PT1H',
    queryPeriod: 'P14D',
    triggerOperator: 'GreaterThan',
    triggerThreshold: 0,
    tactics: ['InitialAccess'],
    techniques: ['T1078'],
    entityMappings: [
      { entityType: 'Account', fieldMappings: [{ identifier: 'FullName', columnName: 'UserPrincipalName' }] },
      { entityType: 'IP', fieldMappings: [{ identifier: 'Address', columnName: 'FirstIp' }] },
    ],
  };
}

export function buildSentinelRules(config: Config): SentinelRule[] {
  const scope = phiScopeOf(config);
  const rules = [
    blobDownloadVolume(scope),
    blobNewLocation(scope),
    massSqlReads(scope),
    keyVaultSecretSpike(scope),
    rbacChanges(scope),
    conditionalAccessChanges(),
    diagnosticSettingDeleted(scope),
    ...(config.classification.phiApps.length > 0
      ? [phiAppSignIn(config.classification.phiApps.map((app) => app.appId))]
      : []),
  ];
  return rules.map(({ what, ...rule }) => ({
    ...rule,
    id: stableGuid('phiguard-sentinel', rule.key),
    description:
      `${what} ${CITATION} Reads ${rule.tables.join(', ')}. ${rule.key === 'phi-conditional-access-change' ? '' : `${scope.summary} `}Generated by phiguard.`.replace(
        /\s+/g,
        ' ',
      ),
  }));
}

/** The REST/ARM `properties` of one rule. */
export function ruleProperties(rule: SentinelRule): JsonObject {
  return {
    displayName: rule.displayName,
    description: rule.description,
    severity: rule.severity,
    enabled: true,
    query: rule.query,
    queryFrequency: rule.queryFrequency,
    queryPeriod: rule.queryPeriod,
    triggerOperator: rule.triggerOperator,
    triggerThreshold: rule.triggerThreshold,
    suppressionDuration: 'PT1H',
    suppressionEnabled: false,
    tactics: rule.tactics,
    techniques: rule.techniques,
    entityMappings: rule.entityMappings,
    eventGroupingSettings: { aggregationKind: 'AlertPerResult' },
    incidentConfiguration: {
      createIncident: true,
      groupingConfiguration: {
        enabled: true,
        reopenClosedIncident: false,
        lookbackDuration: 'PT5H',
        matchingMethod: 'AllEntities',
        groupByEntities: [],
        groupByAlertDetails: [],
        groupByCustomDetails: [],
      },
    },
  };
}

export interface SentinelTarget {
  /** Workspace name, or its full ARM id (Terraform then needs no input). */
  workspace?: string;
}

function workspaceParts(workspace: string | undefined): { name?: string; id?: string } {
  if (!workspace) return {};
  if (workspace.startsWith('/')) return { id: workspace, name: workspace.split('/').filter(Boolean).at(-1) };
  return { name: workspace };
}

function renderArm(rules: SentinelRule[], target: SentinelTarget): string {
  const { name } = workspaceParts(target.workspace);
  return jsonText({
    $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
    contentVersion: '1.0.0.0',
    metadata: {
      description:
        'phiguard Sentinel analytics rules for PHI access anomalies (HIPAA 164.308(a)(1)(ii)(D), 164.312(b)). Deploy to the resource group of the Sentinel workspace.',
    },
    parameters: {
      workspaceName: {
        type: 'string',
        ...(name ? { defaultValue: name } : {}),
        metadata: { description: 'The Log Analytics workspace with Microsoft Sentinel enabled.' },
      },
    },
    resources: rules.map((rule) => ({
      type: 'Microsoft.SecurityInsights/alertRules',
      apiVersion: SENTINEL_API_VERSION,
      scope: "[resourceId('Microsoft.OperationalInsights/workspaces', parameters('workspaceName'))]",
      name: rule.id,
      kind: 'Scheduled',
      properties: ruleProperties(rule),
    })),
  });
}

function renderBicep(rules: SentinelRule[], target: SentinelTarget): string {
  const { name } = workspaceParts(target.workspace);
  const lines = [
    '// phiguard Sentinel analytics rules for PHI access anomalies (HIPAA 164.308(a)(1)(ii)(D), 164.312(b)).',
    '// Deploy to the resource group of the Sentinel workspace: az deployment group create -g <rg> --template-file <this file>',
    '',
    "@description('The Log Analytics workspace with Microsoft Sentinel enabled.')",
    `param workspaceName string${name ? ` = ${bicepString(name)}` : ''}`,
    '',
    "resource workspace 'Microsoft.OperationalInsights/workspaces@2025-02-01' existing = {",
    '  name: workspaceName',
    '}',
    '',
  ];
  for (const rule of rules) {
    lines.push(
      `resource ${symbolOf(rule.key)} 'Microsoft.SecurityInsights/alertRules@${SENTINEL_API_VERSION}' = {`,
      '  scope: workspace',
      `  name: ${bicepString(rule.id)}`,
      "  kind: 'Scheduled'",
      `  properties: ${bicepValue(ruleProperties(rule), 1)}`,
      '}',
      '',
    );
  }
  return lines.join('\n');
}

function renderTerraform(rules: SentinelRule[], target: SentinelTarget): string {
  const { id } = workspaceParts(target.workspace);
  const lines = [
    '# phiguard Sentinel analytics rules for PHI access anomalies (HIPAA 164.308(a)(1)(ii)(D), 164.312(b)).',
    '# azurerm 4.x block names (incident, event_grouping); 3.x called the first incident_configuration.',
    '',
    'variable "sentinel_workspace_id" {',
    '  description = "ARM id of the Log Analytics workspace with Microsoft Sentinel enabled"',
    '  type        = string',
    ...(id ? [`  default     = ${hclString(id)}`] : []),
    '}',
    '',
  ];
  for (const rule of rules) {
    const alertName = symbolOf(rule.key);
    lines.push(
      `resource "azurerm_sentinel_alert_rule_scheduled" "${alertName}" {`,
      `  name                       = ${hclString(rule.id)}`,
      '  log_analytics_workspace_id = var.sentinel_workspace_id',
      `  display_name               = ${hclString(rule.displayName)}`,
      `  description                = ${hclString(rule.description)}`,
      `  severity                   = ${hclString(rule.severity)}`,
      '  enabled                    = true',
      `  query_frequency            = ${hclString(rule.queryFrequency)}`,
      `  query_period               = ${hclString(rule.queryPeriod)}`,
      `  trigger_operator           = ${hclString(rule.triggerOperator)}`,
      `  trigger_threshold          = ${rule.triggerThreshold}`,
      '  suppression_enabled        = false',
      '  suppression_duration       = "PT1H"',
      `  tactics                    = ${hclValue(rule.tactics, 1)}`,
      `  techniques                 = ${hclValue(rule.techniques, 1)}`,
      `  query                      = ${hclHeredoc(rule.query, 'QUERY', 0)}`,
      '',
      '  event_grouping {',
      '    aggregation_method = "AlertPerResult"',
      '  }',
      '',
      '  incident {',
      '    create_incident_enabled = true',
      '    grouping {',
      '      enabled                 = true',
      '      lookback_duration       = "PT5H"',
      '      reopen_closed_incidents = false',
      '      entity_matching_method  = "AllEntities"',
      '    }',
      '  }',
    );
    for (const mapping of rule.entityMappings) {
      lines.push('', '  entity_mapping {', `    entity_type = ${hclString(mapping.entityType)}`);
      for (const field of mapping.fieldMappings) {
        lines.push(
          '    field_mapping {',
          `      identifier  = ${hclString(field.identifier)}`,
          `      column_name = ${hclString(field.columnName)}`,
          '    }',
        );
      }
      lines.push('  }');
    }
    lines.push('}', '');
  }
  return lines.join('\n');
}

function renderJson(rules: SentinelRule[]): string {
  return jsonText(rules.map((rule) => ({ name: rule.id, kind: 'Scheduled', properties: ruleProperties(rule) })));
}

export function renderSentinelRules(
  rules: SentinelRule[],
  format: GuardrailFormat,
  target: SentinelTarget = {},
): string {
  switch (format) {
    case 'arm':
      return renderArm(rules, target);
    case 'bicep':
      return renderBicep(rules, target);
    case 'terraform':
      return renderTerraform(rules, target);
    case 'json':
      return renderJson(rules);
  }
}
