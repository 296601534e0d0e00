// Blob service settings (blobServices/default) are evaluated on that child when it exists and on the account when it
// does not (absent = the service default), like SQL TDE in PHI-NET-009.
import { sameText } from '../../../core/path.js';
import type { Outcome, Resource } from '../../../core/types.js';
import { notApplicable, type RuleContext } from '../../define.js';
import { ancestorOf, BLOB_SERVICE, childrenOf, isType, STORAGE_ACCOUNT } from './shared.js';

export type BlobServiceSubject =
  | { kind: 'skip'; outcome: Outcome }
  /** An account without a blobServices resource: the service defaults apply. */
  | { kind: 'absent'; account: Resource }
  | { kind: 'service'; service: Resource; account: Resource | undefined };

function isFileStorage(account: Resource, context: RuleContext): boolean {
  const kind = context.read(account, 'kind');
  return kind.state !== 'unknown' && sameText(kind.value, 'FileStorage');
}

export function blobServiceSubject(resource: Resource, context: RuleContext): BlobServiceSubject {
  if (isType(resource, STORAGE_ACCOUNT)) {
    if (isFileStorage(resource, context)) {
      return { kind: 'skip', outcome: notApplicable('FileStorage accounts have no blob service') };
    }
    if (childrenOf(resource, BLOB_SERVICE, context.inventory).length > 0) {
      return { kind: 'skip', outcome: notApplicable('evaluated on its blobServices/default child') };
    }
    return { kind: 'absent', account: resource };
  }
  const account = ancestorOf(resource, STORAGE_ACCOUNT, context.inventory);
  if (account && isFileStorage(account, context)) {
    return { kind: 'skip', outcome: notApplicable('FileStorage accounts have no blob service') };
  }
  return { kind: 'service', service: resource, account };
}
