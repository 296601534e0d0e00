// Shared by the reporter tests: synthetic findings, a report context, the official SARIF schema as a validator, and
// strict little parsers for XML and CSV so each format is checked by reading it back, not by string matching.
import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import type { Finding } from '../../src/core/types.js';
import type { ReportContext } from '../../src/report/context.js';
import { RULES } from '../../src/rules/catalog/index.js';
import { SHARED } from '../helpers/rule-cases.js';

export const ROOT = new URL('../../', import.meta.url).pathname.replace(/\/$/, '');

let counter = 0;

/** A failing PHI-STG-004 finding on a template resource; override what a test is about. */
export function finding(overrides: Partial<Finding> = {}): Finding {
  counter++;
  return {
    ruleId: 'PHI-STG-004',
    status: 'fail',
    severity: 'high',
    title: 'Storage account accepts TLS versions below 1.2',
    message: 'Minimum TLS version is TLS1_0',
    hipaa: ['164.312(e)(1)', '164.312(e)(2)(ii)'],
    resource: {
      id: '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/phistore',
      type: 'Microsoft.Storage/storageAccounts',
      name: 'phistore',
      address: 'resources[0]',
    },
    location: { file: 'infra/main.json', line: 12, column: 9 },
    evidence: { path: 'properties.minimumTlsVersion', actual: 'TLS1_0', expected: 'TLS1_2' },
    fingerprint: counter.toString(16).padStart(32, '0'),
    phi: true,
    ...overrides,
  };
}

export function context(overrides: Partial<ReportContext> = {}): ReportContext {
  return {
    tool: { name: 'phiguard', version: '0.1.0' },
    scannedAt: '2026-01-02T03:04:05.000Z',
    rules: RULES,
    failOn: 'high',
    incomplete: false,
    emergencyMode: false,
    cwd: '/repo',
    srcRoot: '/repo',
    ...overrides,
  };
}

/**
 * The OASIS SARIF 2.1.0 schema (draft-04) compiled with Ajv's draft-07 engine: the schema uses no keyword whose
 * meaning changed between the two except `id`, renamed `$id` here. Formats are checked, not ignored: `uri` must be
 * absolute, `uri-reference` must parse against a base, `date-time` must be RFC 3339.
 */
export function sarifValidator(): ValidateFunction {
  const schema = JSON.parse(readFileSync(new URL('reference/sarif-schema-2.1.0.json', SHARED), 'utf8'));
  schema.$id = schema.id;
  delete schema.id;
  delete schema.$schema;
  const ajv = new Ajv({ strict: false, allErrors: true });
  const parses = (text: string, base?: string) => {
    try {
      new URL(text, base);
      return !/[\s<>"{}|\\^`]/.test(text);
    } catch {
      return false;
    }
  };
  ajv.addFormat('uri', (text) => parses(text));
  ajv.addFormat('uri-reference', (text) => parses(text, 'file:///base/'));
  ajv.addFormat('date-time', (text) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(text));
  return ajv.compile(schema);
}

export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: (XmlElement | string)[];
}

const XML_CHAR = /^[\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]*$/u;
const NAME = /^[A-Za-z_][\w.-]*/;

function unescapeXml(text: string, at: number): string {
  return text.replace(/&([^;]*);?/g, (whole, ref: string) => {
    if (!whole.endsWith(';')) throw new Error(`bare & near offset ${at}`);
    const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
    if (ref in named) return named[ref];
    const numeric = /^#(\d+)$/.exec(ref) ?? /^#x([0-9a-fA-F]+)$/.exec(ref);
    if (!numeric) throw new Error(`unknown entity &${ref}; near offset ${at}`);
    const char = String.fromCodePoint(Number.parseInt(numeric[1], ref.startsWith('#x') ? 16 : 10));
    if (!XML_CHAR.test(char)) throw new Error(`character reference to a non-XML character near offset ${at}`);
    return char;
  });
}

/**
 * A strict parser for the XML subset reporters write (declaration, elements, attributes, text, character and the
 * five predefined entity references). Throws on anything not well-formed: mismatched or unclosed tags, duplicate
 * attributes, a bare & or <, characters XML 1.0 forbids, content after the root.
 */
export function parseXml(text: string): XmlElement {
  if (!XML_CHAR.test(text)) throw new Error('document contains characters XML 1.0 forbids');
  let pos = 0;
  const declaration = /^<\?xml[^?]*\?>/.exec(text);
  if (declaration) pos = declaration[0].length;
  const skipSpace = () => {
    while (/\s/.test(text[pos] ?? '')) pos++;
  };
  const element = (): XmlElement => {
    if (text[pos] !== '<') throw new Error(`expected < at ${pos}`);
    pos++;
    const name = NAME.exec(text.slice(pos))?.[0];
    if (!name) throw new Error(`bad element name at ${pos}`);
    pos += name.length;
    const node: XmlElement = { name, attributes: {}, children: [] };
    for (;;) {
      const before = pos;
      skipSpace();
      if (text.startsWith('/>', pos)) {
        pos += 2;
        return node;
      }
      if (text[pos] === '>') {
        pos++;
        break;
      }
      if (pos === before) throw new Error(`expected space before attribute at ${pos}`);
      const attribute = /^([A-Za-z_][\w.:-]*)\s*=\s*("([^"<]*)"|'([^'<]*)')/.exec(text.slice(pos));
      if (!attribute) throw new Error(`bad attribute at ${pos}`);
      if (attribute[1] in node.attributes) throw new Error(`duplicate attribute ${attribute[1]} at ${pos}`);
      node.attributes[attribute[1]] = unescapeXml(attribute[3] ?? attribute[4], pos);
      pos += attribute[0].length;
    }
    for (;;) {
      const next = text.indexOf('<', pos);
      if (next < 0) throw new Error(`unclosed <${name}>`);
      if (next > pos) node.children.push(unescapeXml(text.slice(pos, next), pos));
      pos = next;
      if (text.startsWith('</', pos)) {
        const close = new RegExp(`^</${name.replace(/[.-]/g, '\\$&')}\\s*>`).exec(text.slice(pos));
        if (!close) throw new Error(`mismatched closing tag at ${pos}, expected </${name}>`);
        pos += close[0].length;
        return node;
      }
      node.children.push(element());
    }
  };
  skipSpace();
  const root = element();
  skipSpace();
  if (pos !== text.length) throw new Error(`content after the root element at ${pos}`);
  return root;
}

export function elements(node: XmlElement, name: string): XmlElement[] {
  return node.children.filter((child): child is XmlElement => typeof child !== 'string' && child.name === name);
}

/** RFC 4180: CRLF records, quoted fields with doubled quotes; throws on a stray quote or a bare LF. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let pos = 0;
  for (;;) {
    let field = '';
    if (text[pos] === '"') {
      pos++;
      for (;;) {
        const quote = text.indexOf('"', pos);
        if (quote < 0) throw new Error('unterminated quoted field');
        field += text.slice(pos, quote);
        pos = quote + 1;
        if (text[pos] === '"') {
          field += '"';
          pos++;
        } else break;
      }
    } else {
      const end = /[,\r\n]|$/.exec(text.slice(pos));
      field = text.slice(pos, pos + (end?.index ?? 0));
      if (field.includes('"')) throw new Error(`stray quote in unquoted field at ${pos}`);
      pos += field.length;
    }
    row.push(field);
    if (text[pos] === ',') {
      pos++;
      continue;
    }
    if (text.startsWith('\r\n', pos)) {
      pos += 2;
      rows.push(row);
      row = [];
      if (pos === text.length) return rows;
      continue;
    }
    if (pos === text.length) {
      rows.push(row);
      return rows;
    }
    throw new Error(`expected , or CRLF at ${pos}`);
  }
}
