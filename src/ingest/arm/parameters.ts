// Parameter files (`*.parameters.json`, `--parameters FILE`). Values are literals - ARM does not evaluate
// expressions in parameter files - and a Key Vault `reference` stays Unresolved: the secret is never read.
import { InputError } from '../../core/errors.js';
import type { Value } from '../../core/types.js';
import type { SlotValue, SuppliedParameters } from './evaluate.js';
import { keyOf } from './evaluate.js';
import { isRawObject, member, type SourceDoc } from './json.js';
import { unresolvedAt } from './provenance.js';

const VIA = 'parameter file';

export function readParameterFile(doc: SourceDoc): SuppliedParameters {
  const root = doc.root;
  const parameters = isRawObject(root) ? member(root, 'parameters') : undefined;
  if (!isRawObject(parameters)) {
    throw new InputError(
      'not an ARM parameter file: no "parameters" object',
      doc.start(),
      'expected a deploymentParameters.json document',
    );
  }
  const supplied: SuppliedParameters = new Map();
  for (const [name, entry] of Object.entries(parameters)) {
    if (!isRawObject(entry)) continue;
    const valueKey = keyOf(entry, 'value');
    const referenceKey = keyOf(entry, 'reference');
    if (valueKey !== undefined) {
      supplied.set(name.toLowerCase(), {
        name,
        origin: { doc, parent: parameters, key: name },
        // The value is a literal: values inside it are located by walking it (provenance.ts).
        init: (): SlotValue => ({
          value: (entry[valueKey] ?? null) as Value,
          trace: [{ path: '', doc, parent: entry, key: valueKey, via: VIA }],
          known: true,
        }),
      });
    } else if (referenceKey !== undefined) {
      supplied.set(name.toLowerCase(), {
        name,
        origin: { doc, parent: parameters, key: name },
        init: (): SlotValue => ({
          value: unresolvedAt(describeReference(entry[referenceKey]), doc, entry, referenceKey),
          trace: [{ path: '', doc, parent: entry, key: referenceKey, via: VIA }],
          known: true,
        }),
      });
    }
  }
  return supplied;
}

function describeReference(reference: unknown): string {
  const secret = isRawObject(reference) ? member(reference, 'secretName') : undefined;
  const vault = isRawObject(reference) ? member(reference, 'keyVault') : undefined;
  const vaultId = isRawObject(vault) ? member(vault, 'id') : undefined;
  const secretText = typeof secret === 'string' ? `'${secret}'` : '(unnamed)';
  return `Key Vault secret ${secretText}${typeof vaultId === 'string' ? ` of ${vaultId}` : ''} (parameter file reference)`;
}
