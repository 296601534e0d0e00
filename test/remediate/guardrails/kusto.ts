// Microsoft's Kusto.Language parser (npm @kusto/language-service-next, a Bridge.NET build that installs globals),
// with the Log Analytics tables the Sentinel queries read declared from their documented columns
// (learn.microsoft.com/azure/azure-monitor/reference/tables/<table>).
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** Documented columns (name: Kusto type) of each table the queries read. */
export const TABLE_SCHEMAS: Record<string, Record<string, string>> = {
  // StorageBlobLogs: learn.microsoft.com azure-monitor/reference/tables/storagebloblogs
  StorageBlobLogs: {
    TimeGenerated: 'datetime',
    AccountName: 'string',
    AuthenticationType: 'string',
    CallerIpAddress: 'string',
    Category: 'string',
    CorrelationId: 'string',
    ObjectKey: 'string',
    OperationName: 'string',
    RequesterAppId: 'string',
    RequesterObjectId: 'string',
    RequesterUpn: 'string',
    ResponseBodySize: 'long',
    StatusCode: 'string',
    StatusText: 'string',
    Uri: 'string',
    UserAgentHeader: 'string',
    _ResourceId: 'string',
  },
  // AzureDiagnostics: common columns plus the Key Vault (AuditEvent) and SQL audit (SQLSecurityAuditEvents)
  // columns, which AzureDiagnostics names with a type suffix (_s string, _d real, _g guid).
  AzureDiagnostics: {
    TimeGenerated: 'datetime',
    Category: 'string',
    CallerIPAddress: 'string',
    OperationName: 'string',
    Resource: 'string',
    ResourceGroup: 'string',
    ResourceId: 'string',
    ResourceProvider: 'string',
    ResultType: 'string',
    SubscriptionId: 'string',
    id_s: 'string',
    identity_claim_oid_g: 'guid',
    identity_claim_upn_s: 'string',
    httpStatusCode_d: 'real',
    action_name_s: 'string',
    client_ip_s: 'string',
    database_name_s: 'string',
    response_rows_d: 'real',
    affected_rows_d: 'real',
    server_principal_name_s: 'string',
    statement_s: 'string',
    succeeded_s: 'string',
    _ResourceId: 'string',
  },
  // SQLSecurityAuditEvents (resource-specific SQL auditing table)
  SQLSecurityAuditEvents: {
    TimeGenerated: 'datetime',
    ActionId: 'string',
    ActionName: 'string',
    AffectedRows: 'long',
    ClientIp: 'string',
    DatabaseName: 'string',
    ResponseRows: 'long',
    ServerPrincipalName: 'string',
    Statement: 'string',
    Succeeded: 'bool',
    _ResourceId: 'string',
  },
  // AzureActivity
  AzureActivity: {
    TimeGenerated: 'datetime',
    ActivityStatusValue: 'string',
    Caller: 'string',
    CallerIpAddress: 'string',
    CategoryValue: 'string',
    CorrelationId: 'string',
    OperationNameValue: 'string',
    Properties_d: 'dynamic',
    ResourceGroup: 'string',
    ResourceProviderValue: 'string',
    SubscriptionId: 'string',
    _ResourceId: 'string',
  },
  // AuditLogs (Entra ID audit log)
  AuditLogs: {
    TimeGenerated: 'datetime',
    ActivityDisplayName: 'string',
    Category: 'string',
    CorrelationId: 'string',
    InitiatedBy: 'dynamic',
    LoggedByService: 'string',
    OperationName: 'string',
    Result: 'string',
    TargetResources: 'dynamic',
  },
  // SigninLogs (Entra ID interactive sign-ins)
  SigninLogs: {
    TimeGenerated: 'datetime',
    AppDisplayName: 'string',
    AppId: 'string',
    AuthenticationRequirement: 'string',
    ClientAppUsed: 'string',
    IPAddress: 'string',
    LocationDetails: 'dynamic',
    ResultType: 'string',
    RiskLevelDuringSignIn: 'string',
    UserId: 'string',
    UserPrincipalName: 'string',
  },
};

export interface KqlDiagnostic {
  severity: string;
  message: string;
  offset: number;
}

// biome-ignore lint/suspicious/noExplicitAny: the Bridge.NET build has no usable typings for its globals.
type KustoGlobal = any;
let globals: KustoGlobal | undefined;

function kusto(): KustoGlobal {
  if (globals) return globals;
  require('@kusto/language-service-next/bridge.min.js');
  require('@kusto/language-service-next/Kusto.Language.Bridge.min.js');
  const language = (globalThis as unknown as { Kusto: { Language: KustoGlobal } }).Kusto.Language;
  const tables = Object.entries(TABLE_SCHEMAS).map(([name, columns]) =>
    language.Symbols.TableSymbol.From(
      `(${Object.entries(columns)
        .map(([column, type]) => `${column}:${type}`)
        .join(', ')})`,
    ).WithName(name),
  );
  const database = new language.Symbols.DatabaseSymbol.$ctor1('workspace', tables);
  globals = { language, state: language.GlobalState.Default.WithDatabase(database) };
  return globals;
}

/** Syntax and semantic diagnostics (unknown columns, tables, functions, type errors) of one query. */
export function kqlDiagnostics(query: string): KqlDiagnostic[] {
  const { language, state } = kusto();
  const code = language.KustoCode.ParseAndAnalyze(query, state);
  const list = code.GetDiagnostics();
  const result: KqlDiagnostic[] = [];
  for (let i = 0; i < list.Count; i++) {
    const d = list.getItem(i);
    result.push({ severity: String(d.Severity), message: String(d.Message), offset: Number(d.Start) });
  }
  return result;
}
