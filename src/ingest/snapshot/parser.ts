// Incremental snapshot parser: bytes in, Resources and diagnostics out. Pure (no I/O); both the in-memory
// `parseSnapshotText` and the streaming `readSnapshot` drive it, so they cannot disagree.
import { isObject } from '../../core/path.js';
import type { Resource, SourceLocation, Value, ValueObject } from '../../core/types.js';
import type { IngestDiagnostic } from '../types.js';
import { type FramePosition, type FrameSegment, JsonFramer } from './framer.js';
import { firstJsonError, inputPosition } from './locate.js';
import { contextFromDocument, type RecordContext, toResource } from './normalize.js';

/**
 * Arrays (by key path from a top-level object) whose elements are records, streamed one by one: Resource Graph
 * `data` (objectArray format) and `data.rows` (table format), ARM/Graph list `value`, the phiguard envelope's
 * `resources`, and list bodies inside x-ms-examples files. A top-level array is always streamed.
 */
export const STREAM_PATHS: readonly (readonly string[])[] = [
  ['data'],
  ['value'],
  ['resources'],
  ['data', 'rows'],
  ['responses', '200', 'body', 'value'],
  ['responses', '200', 'body', 'data'],
];

/** Individual warnings for skipped records before they are only counted. */
const MAX_SKIP_WARNINGS = 5;

export interface SnapshotParserOptions {
  /** The file is NDJSON by its name (`.ndjson`, `.jsonl`): a newline always ends a record. */
  lineDelimited?: boolean;
}

export class SnapshotParser {
  /** The phiguard envelope's metadata object, once seen. */
  metadata: ValueObject | undefined;

  private readonly framer: JsonFramer;
  private readonly base: RecordContext;
  private arrayContext: RecordContext;
  private columns: string[] | undefined;
  private pendingRows: { row: Value; at: SourceLocation }[] = [];
  private index = 0;
  private armResources = 0;
  private withoutProperties = 0;
  private skipped = 0;

  constructor(
    private readonly file: string,
    private readonly emit: (resource: Resource) => void,
    private readonly diagnostic: (diagnostic: IngestDiagnostic) => void,
    options: SnapshotParserOptions = {},
  ) {
    this.base = { file };
    this.arrayContext = this.base;
    this.framer = new JsonFramer(
      {
        arrayStart: (path, prefix) => this.arrayStart(path, prefix),
        element: (text, at, path) => this.element(text, at, path),
        root: (text, at, segments) => this.root(text, at, segments),
        error: (message, at) => this.parseError(message, at.line, at.column),
      },
      { streamPaths: STREAM_PATHS, lineDelimited: options.lineDelimited },
    );
  }

  push(chunk: Buffer): void {
    this.framer.push(chunk);
  }

  end(): void {
    this.framer.end();
    if (this.framer.values === 0) {
      this.parseError('the file holds no JSON value (empty?)', 1, 1);
      return;
    }
    if (this.skipped > MAX_SKIP_WARNINGS) {
      this.warn(`${this.skipped - MAX_SKIP_WARNINGS} more records were skipped (no ARM resource id)`);
    }
    if (this.withoutProperties > 0) {
      this.warn(
        `${this.withoutProperties} of ${this.armResources} resources have no properties (a Resource Graph query ` +
          'that projected them away?); rules read their settings as absent',
      );
    }
  }

  private arrayStart(path: readonly string[], prefix: string): void {
    this.arrayContext = this.base;
    this.columns = undefined;
    let head: Value;
    try {
      head = JSON.parse(prefix) as Value;
    } catch {
      return; // the top-level object is reported when it completes
    }
    if (!isObject(head)) return;
    const key = path.join('.');
    if (key === 'resources' && isObject(head.phiguard)) this.takeMetadata(head.phiguard);
    else if (key === 'value') this.arrayContext = contextFromDocument(head, this.base);
    else if (key === 'data.rows' && isObject(head.data)) this.columns = columnNames(head.data.columns);
    else if (key === 'responses.200.body.value') {
      const body = pick(head, ['responses', '200', 'body']);
      const context = exampleContext(head, this.base);
      this.arrayContext = isObject(body) ? contextFromDocument(body, context) : context;
    }
  }

  private element(text: string, at: FramePosition, path: readonly string[]): void {
    const location: SourceLocation = { file: this.file, line: at.line, column: at.column };
    const value = this.parse(text, [{ offset: 0, line: at.line, column: at.column }]);
    if (value === undefined) return;
    if (path.length === 2 && path[1] === 'rows') {
      if (this.columns) this.record(rowObject(value, this.columns), this.base, location);
      else this.pendingRows.push({ row: value, at: location }); // columns after rows: wait for the whole object
      return;
    }
    this.record(value, this.arrayContext, location);
  }

  private root(text: string, at: FramePosition, segments: readonly FrameSegment[]): void {
    const value = this.parse(text, segments);
    if (value === undefined) return;
    this.document(value, this.base, { file: this.file, line: at.line, column: at.column }, true);
  }

  /** The shapes a snapshot document can take (the streamed arrays inside it are empty by now). */
  private document(value: Value, context: RecordContext, at: SourceLocation, top: boolean): void {
    if (Array.isArray(value)) {
      for (const record of value) this.record(record, context, at);
      return;
    }
    if (!isObject(value)) {
      this.parseError('expected a resource, a list of resources or a Resource Graph result', at.line, at.column);
      return;
    }
    if (top && isObject(value.phiguard)) {
      this.takeMetadata(value.phiguard);
      if (Array.isArray(value.resources)) this.document(value.resources, context, at, false);
      return;
    }
    if (top && isObject(value.responses)) {
      // x-ms-examples: the GET body is the 200 response (else the first 2xx with a body).
      const body = exampleBody(value.responses);
      if (body === undefined) {
        this.parseError('x-ms-examples file without a 2xx response body', at.line, at.column);
        return;
      }
      this.document(body, exampleContext(value, context), at, false);
      return;
    }
    const data = value.data;
    // A Resource Graph result: the request's api-version is the query API's, not the resources'.
    if (Array.isArray(data)) {
      this.document(data, withoutApiVersion(context), at, false);
      return;
    }
    if (isObject(data) && Array.isArray(data.rows)) {
      const columns = columnNames(data.columns);
      if (!columns) {
        this.parseError('Resource Graph table result without columns', at.line, at.column);
        return;
      }
      const rowContext = withoutApiVersion(context);
      for (const row of data.rows) this.record(rowObject(row, columns), rowContext, at);
      for (const pending of this.pendingRows) this.record(rowObject(pending.row, columns), rowContext, pending.at);
      this.pendingRows = [];
      return;
    }
    if (Array.isArray(value.value)) {
      this.document(value.value, contextFromDocument(value, context), at, false);
      return;
    }
    // A Graph object written on its own (an NDJSON line) names its entity by @odata.type, and may lack an id.
    if (
      typeof value.id === 'string' ||
      typeof value.type === 'string' ||
      '@odata.context' in value ||
      typeof value['@odata.type'] === 'string'
    ) {
      this.record(value, contextFromDocument(value, context), at);
      return;
    }
    this.parseError(
      'not a snapshot: expected a resource, a list of resources, a Resource Graph result or an x-ms-examples file',
      at.line,
      at.column,
    );
  }

  private record(value: Value, context: RecordContext, at: SourceLocation): void {
    const result = toResource(value, context, at, this.index++);
    if ('skipped' in result) {
      this.skipped++;
      if (this.skipped <= MAX_SKIP_WARNINGS) {
        this.diagnostic({
          kind: 'warning',
          file: this.file,
          line: at.line,
          column: at.column,
          message: `${result.skipped}; skipped`,
        });
      }
      return;
    }
    const resource = result.resource;
    if (!resource.type.startsWith('microsoft.graph/')) {
      this.armResources++;
      if (resource.properties === undefined) this.withoutProperties++;
    }
    this.emit(resource);
  }

  /**
   * Keeps the envelope metadata. A live collection that failed somewhere lists its failures there (src/ingest/live):
   * each makes the scan incomplete, naming the scope, the cause and the rules whose verdicts it leaves unknown.
   */
  private takeMetadata(metadata: ValueObject): void {
    const first = this.metadata === undefined;
    this.metadata = metadata;
    if (!first || !Array.isArray(metadata.failures)) return;
    for (const failure of metadata.failures) {
      if (!isObject(failure)) continue;
      const text = (key: string) => (typeof failure[key] === 'string' ? (failure[key] as string) : undefined);
      const rules = Array.isArray(failure.rules) ? failure.rules.filter((r) => typeof r === 'string') : [];
      const count = typeof failure.count === 'number' && failure.count > 1 ? ` (${failure.count} requests)` : '';
      const needs = text('needs') ? `; needs ${text('needs')}` : '';
      const unknown =
        rules.length > 0
          ? `; verdicts may be missing for ${rules.length > 8 ? `${rules.length} rules` : rules.join(', ')}`
          : '';
      this.diagnostic({
        kind: 'read-error',
        file: this.file,
        message: `collection incomplete for ${text('scope') ?? 'a scope'}: ${text('request') ?? 'a request'} failed${count}: ${text('reason') ?? 'unknown error'}${needs}${unknown}`,
      });
    }
  }

  private parse(text: string, segments: readonly FrameSegment[]): Value | undefined {
    try {
      return JSON.parse(text) as Value;
    } catch {
      const error = firstJsonError(text);
      const where = inputPosition(text, error.offset, segments);
      this.parseError(error.message, where.line, where.column);
      return undefined;
    }
  }

  private parseError(message: string, line: number, column: number): void {
    this.diagnostic({ kind: 'parse-error', file: this.file, line, column, message });
  }

  private warn(message: string): void {
    this.diagnostic({ kind: 'warning', file: this.file, message });
  }
}

function pick(value: Value, path: readonly string[]): Value | undefined {
  let current: Value | undefined = value;
  for (const key of path) current = isObject(current) ? current[key] : undefined;
  return current;
}

function exampleContext(example: ValueObject, context: RecordContext): RecordContext {
  const apiVersion = pick(example, ['parameters', 'api-version']);
  return typeof apiVersion === 'string' ? { ...context, apiVersion } : context;
}

function withoutApiVersion(context: RecordContext): RecordContext {
  if (context.apiVersion === undefined) return context;
  const { apiVersion: _, ...rest } = context;
  return rest;
}

function exampleBody(responses: ValueObject): Value | undefined {
  const ok = responses['200'];
  if (isObject(ok) && ok.body !== undefined) return ok.body;
  for (const [status, response] of Object.entries(responses)) {
    if (/^2\d\d$/.test(status) && isObject(response) && response.body !== undefined) return response.body;
  }
  return undefined;
}

function columnNames(columns: Value | undefined): string[] | undefined {
  if (!Array.isArray(columns)) return undefined;
  const names = columns.map((column) => (isObject(column) && typeof column.name === 'string' ? column.name : ''));
  return names.every((name) => name.length > 0) ? names : undefined;
}

/** A Resource Graph table row as the object the objectArray format would have returned. */
function rowObject(row: Value, columns: readonly string[]): Value {
  if (!Array.isArray(row)) return row;
  const record: ValueObject = {};
  columns.forEach((name, k) => {
    if (k < row.length) record[name] = row[k];
  });
  return record;
}
