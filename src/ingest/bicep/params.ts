// Parameter values for a Bicep template: a .bicepparam file (`using './main.bicep'` + `param x = <expression>`) or
// an ARM parameter file (`main.parameters.json`). Values keep their position in the parameter file, so findings
// point there. Key Vault references and `getSecret()` stay unresolved: secrets are never read.
import { InputError } from '../../core/errors.js';
import { Unresolved, type Value } from '../../core/types.js';
import type { Target } from '../arm/ids.js';
import { isRawObject, member, parseJsonDocument, type RawContainer, type SourceDoc } from '../arm/json.js';
import { LazyLocation } from '../arm/provenance.js';
import type { UsingDecl } from './ast.js';
import { type Evaluator, type Supplied, VIA_FILE } from './evaluate.js';
import type { BicepFile } from './files.js';
import { Prov, type R } from './values.js';

/** Provenance of a literal JSON value: every member keeps its own position in the document. */
function jsonProv(doc: SourceDoc, parent: RawContainer, key: string | number, via: string): Prov {
  const raw = (parent as Record<string | number, unknown>)[key];
  let kids: Map<string, Prov> | undefined;
  if (Array.isArray(raw)) {
    kids = new Map(raw.map((_, index) => [String(index), jsonProv(doc, raw, index, via)]));
  } else if (isRawObject(raw)) {
    kids = new Map(Object.keys(raw).map((name) => [name.toLowerCase(), jsonProv(doc, raw, name, via)]));
  }
  return new Prov(new LazyLocation(doc, parent, key), via, kids);
}

/** Values of an ARM parameter file (`{ parameters: { x: { value } } }`), literal as ARM takes them. */
export function armParameterValues(file: string, text: string): Supplied {
  const doc = parseJsonDocument(file, text);
  const root = doc.root;
  const parameters = isRawObject(root) ? member(root, 'parameters') : undefined;
  if (!isRawObject(parameters)) {
    throw new InputError(
      'not an ARM parameter file: no "parameters" object',
      doc.start(),
      'expected a deploymentParameters.json document',
    );
  }
  const supplied: Supplied = new Map();
  for (const [name, entry] of Object.entries(parameters)) {
    if (!isRawObject(entry)) continue;
    const valueKey = Object.keys(entry).find((key) => key.toLowerCase() === 'value');
    const referenceKey = Object.keys(entry).find((key) => key.toLowerCase() === 'reference');
    const at = new LazyLocation(doc, parameters, name);
    if (valueKey !== undefined) {
      supplied.set(name, {
        at,
        init: (): R => ({ v: (entry[valueKey] ?? null) as Value, p: jsonProv(doc, entry, valueKey, VIA_FILE) }),
      });
    } else if (referenceKey !== undefined) {
      const reference = entry[referenceKey];
      const secret = isRawObject(reference) ? member(reference, 'secretName') : undefined;
      const expression = `Key Vault secret ${typeof secret === 'string' ? `'${secret}'` : '(unnamed)'} (parameter file reference)`;
      const location = new LazyLocation(doc, entry, referenceKey);
      supplied.set(name, {
        at,
        init: (): R => ({ v: new Unresolved(expression, location), p: new Prov(location, VIA_FILE) }),
      });
    }
  }
  return supplied;
}

/**
 * Values of a .bicepparam file (and of the files it `extends`), evaluated in the parameter file's own scope: its
 * variables and imports, with `readEnvironmentVariable()` and `getSecret()` unresolved.
 */
export function bicepParamValues(
  evaluator: Evaluator,
  file: BicepFile,
  target: Target,
  seen = new Set<string>(),
): Supplied {
  seen.add(file.path);
  let supplied: Supplied = new Map();
  for (const statement of file.program.statements) {
    if (statement.kind !== 'extends' || statement.path === undefined) continue;
    const base = evaluator.files.resolve(file, statement.path);
    if (base.kind === 'bicep' && !seen.has(base.file.path)) {
      supplied = bicepParamValues(evaluator, base.file, target, seen);
    } else {
      evaluator.diagnose(
        'not-scanned',
        file,
        statement.pathStart,
        `base parameter file '${statement.path}' is not read (${describeResolved(base.kind)})`,
      );
    }
  }
  const scope = evaluator.createScope(file, target, '', undefined);
  for (const statement of file.program.statements) {
    if (statement.kind !== 'param' || !statement.value) continue;
    const value = statement.value;
    supplied.set(statement.name, {
      at: file.source.location(statement.nameStart),
      init: () => evaluator.evalSafe(value, { scope, via: VIA_FILE }),
    });
  }
  return supplied;
}

export function usingOf(file: BicepFile): UsingDecl | undefined {
  for (const statement of file.program.statements) if (statement.kind === 'using') return statement;
  return undefined;
}

export function describeResolved(kind: string): string {
  switch (kind) {
    case 'registry':
      return 'registry reference';
    case 'json':
      return 'ARM JSON file';
    case 'missing':
      return 'cannot be read';
    case 'invalid':
      return 'syntax error';
    default:
      return kind;
  }
}
