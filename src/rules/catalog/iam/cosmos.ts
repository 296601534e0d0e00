// Cosmos DB key-based access settings (PHI-IAM-007/008): true is compliant, false or absent (service default) fails.
import { asBoolean } from '../../../core/path.js';
import type { Outcome } from '../../../core/types.js';
import { fail, type PathRead, pass, unknown } from '../../define.js';

export const COSMOS_ACCOUNT = 'Microsoft.DocumentDB/databaseAccounts';
export const COSMOS_SWAGGER =
  'Azure/azure-rest-api-specs specification/cosmos-db/resource-manager/Microsoft.DocumentDB/stable/2025-10-15 DatabaseAccountGetProperties';
export const COSMOS_PAYLOAD = 'payloads/cosmosdb_account_get_2025-10-15.json';

export function mustBeTrue(read: PathRead, failure: string): Outcome {
  if (read.state === 'unknown') return unknown(read);
  const value = asBoolean(read.value);
  if (value === true) return pass(read.path, read.value);
  if (read.value !== undefined && value === undefined) {
    return fail(read, {
      expected: 'true',
      message: `${failure}: ${read.path} is ${JSON.stringify(read.value)}, not a boolean`,
    });
  }
  return fail(read, { expected: 'true', message: failure });
}
