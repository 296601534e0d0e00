// Recognises a snapshot by content from the first few KB of a file, so the CLI can route `*.json` files that are
// not templates. The head is usually cut mid-value, so this scans tokens tolerantly instead of parsing.

export interface HeadShape {
  /** '{' or '[' (undefined: neither). */
  root: string | undefined;
  /** Keys of the top-level object in order, with the first character of each value (or its string text). */
  keys: Map<string, string>;
  /** Keys of the first element of a top-level array. */
  firstElementKeys: Set<string>;
  /** A second top-level value starts on a later line (NDJSON). */
  multipleValues: boolean;
}

/** Tokenizes a JSON prefix just enough to see the top-level keys and the first record's keys. */
export function headShape(head: string): HeadShape {
  const shape: HeadShape = { root: undefined, keys: new Map(), firstElementKeys: new Set(), multipleValues: false };
  let depth = 0;
  let values = 0;
  let expectKey = false;
  let pendingKey: string | undefined;
  let element = 0;
  for (let i = 0; i < head.length; i++) {
    const c = head[i];
    if (c === '"') {
      let j = i + 1;
      while (j < head.length && head[j] !== '"') j += head[j] === '\\' ? 2 : 1;
      const text = head.slice(i + 1, j);
      if (depth === 1 && shape.root === '{') {
        if (expectKey) pendingKey = text;
        else if (pendingKey !== undefined) {
          shape.keys.set(pendingKey, `"${text}`);
          pendingKey = undefined;
        }
      } else if (depth === 2 && shape.root === '[' && element === 1 && expectKey) {
        shape.firstElementKeys.add(text);
      }
      i = j;
      continue;
    }
    if (c === '{' || c === '[') {
      if (depth === 0) {
        values++;
        if (values === 1) shape.root = c;
        else {
          shape.multipleValues = true;
          break;
        }
      }
      if (depth === 1 && shape.root === '{' && pendingKey !== undefined) {
        shape.keys.set(pendingKey, c);
        pendingKey = undefined;
      }
      if (depth === 1 && shape.root === '[') element++;
      depth++;
      expectKey = c === '{';
    } else if (c === '}' || c === ']') {
      depth--;
      if (depth < 0) break;
    } else if (c === ',') {
      expectKey = isObjectLevel(shape, depth);
    } else if (c === ':') {
      expectKey = false;
    } else if (!/\s/.test(c)) {
      if (depth === 0) break; // not JSON
      if (depth === 1 && shape.root === '{' && pendingKey !== undefined) {
        shape.keys.set(pendingKey, c);
        pendingKey = undefined;
      }
    }
  }
  return shape;
}

function isObjectLevel(shape: HeadShape, depth: number): boolean {
  return (shape.root === '{' && depth === 1) || (shape.root === '[' && depth === 2);
}

const ARG_KEYS = ['totalRecords', 'count', 'skipToken', '$skipToken', 'skip_token', 'total_records', 'resultTruncated'];
const GRAPH_OBJECT_KEYS = ['appId', 'userPrincipalName', 'servicePrincipalNames', 'grantControls', 'consentType'];

/**
 * True when the head of a file looks like a snapshot: an array of objects with `id`+`type` (or Graph objects), a
 * Resource Graph result, an ARM/Graph list body, an x-ms-examples file, NDJSON whose first line has id+type, the
 * phiguard envelope, a single GET body. ARM templates and parameter files (`$schema`) are not snapshots.
 */
export function detectSnapshot(head: string, file: string): boolean {
  if (head.charCodeAt(0) === 0x1f && head.charCodeAt(1) === 0x8b) return /\.(json|ndjson|jsonl)\.gz$/i.test(file);
  const shape = headShape(head.replace(/^\uFEFF/, ''));
  if (shape.root === '[') {
    const keys = shape.firstElementKeys;
    return (keys.has('id') && keys.has('type')) || keys.has('@odata.type') || (keys.has('id') && keys.has('appId'));
  }
  if (shape.root !== '{') return false;
  const keys = shape.keys;
  if (keys.has('$schema')) return false;
  // A Blueprint artifact or template spec version embeds a template: the ARM adapter's input, not live state.
  if (/deploymentTemplate\.json#/i.test(head)) return false;
  if (keys.get('phiguard') === '{') return true;
  if (keys.get('responses') === '{' && keys.has('parameters')) return true;
  const context = keys.get('@odata.context');
  if (context?.includes('$metadata#')) return true;
  const data = keys.get('data');
  if ((data === '[' || data === '{') && (keys.size === 1 || ARG_KEYS.some((key) => keys.has(key)))) return true;
  if (keys.get('value') === '[') return true;
  const id = keys.get('id');
  if (id?.startsWith('"/') && keys.has('type')) return true;
  if (id?.startsWith('"') && GRAPH_OBJECT_KEYS.some((key) => keys.has(key))) return true;
  return false;
}
