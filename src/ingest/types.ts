import type { Resource } from '../core/types.js';

/**
 * Something an adapter wants the user to know about an input: a parse error (scan incomplete), a linked template
 * or remote module that was not scanned (never silently skipped), a skipped file.
 */
export interface IngestDiagnostic {
  kind: 'parse-error' | 'read-error' | 'not-scanned' | 'warning';
  file: string;
  line?: number;
  column?: number;
  message: string;
}

export interface IngestResult {
  resources: Resource[];
  diagnostics: IngestDiagnostic[];
}

/**
 * Deployment context for template functions (`subscription()`, `resourceGroup()`, ids built by `resourceId()`).
 * Templates are scanned without a deployment, so stable placeholders stand in for the real values.
 */
export interface DeploymentContext {
  subscriptionId: string;
  resourceGroup: string;
  location: string;
  tenantId: string;
  deploymentName: string;
}

export const DEFAULT_DEPLOYMENT_CONTEXT: DeploymentContext = {
  subscriptionId: '00000000-0000-0000-0000-000000000000',
  resourceGroup: 'phiguard-scan-rg',
  location: 'eastus',
  tenantId: '00000000-0000-0000-0000-000000000000',
  deploymentName: 'phiguard-scan',
};
