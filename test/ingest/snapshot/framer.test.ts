import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type FramePosition, JsonFramer } from '../../../src/ingest/snapshot/framer.js';

interface Framed {
  elements: { value: unknown; line: number; column: number; path: string }[];
  roots: unknown[];
  prefixes: { path: string; prefix: unknown }[];
  errors: { message: string; line: number; column: number; fatal: boolean }[];
}

const STREAM_PATHS = [['data'], ['value'], ['data', 'rows']];

/** Frames `input` fed in chunks of `size` bytes (0: one chunk). */
function frame(input: string | Buffer, size = 0, lineDelimited = false): Framed {
  const out: Framed = { elements: [], roots: [], prefixes: [], errors: [] };
  const framer = new JsonFramer(
    {
      arrayStart: (path, prefix) => out.prefixes.push({ path: path.join('.'), prefix: JSON.parse(prefix) }),
      element: (text, at: FramePosition, path) =>
        out.elements.push({ value: JSON.parse(text), line: at.line, column: at.column, path: path.join('.') }),
      root: (text) => out.roots.push(JSON.parse(text)),
      error: (message, at, fatal) => out.errors.push({ message, line: at.line, column: at.column, fatal }),
    },
    { streamPaths: STREAM_PATHS, lineDelimited },
  );
  const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  if (size === 0) framer.push(bytes);
  else for (let k = 0; k < bytes.length; k += size) framer.push(bytes.subarray(k, k + size));
  framer.end();
  return out;
}

/** Frames at every chunk size from 1 to 17 bytes and in one piece; all must agree. */
function frameEverySplit(input: string | Buffer, lineDelimited = false): Framed {
  const whole = frame(input, 0, lineDelimited);
  for (let size = 1; size <= 17; size++) {
    assert.deepEqual(frame(input, size, lineDelimited), whole, `chunk size ${size}`);
  }
  return whole;
}

const values = (framed: Framed) => framed.elements.map((e) => e.value);

describe('JsonFramer', () => {
  it('frames the elements of a top-level array', () => {
    const framed = frameEverySplit('[{"id":"a"},{"id":"b"}, 3, "x", null, [1,[2]]]');
    assert.deepEqual(values(framed), [{ id: 'a' }, { id: 'b' }, 3, 'x', null, [1, [2]]]);
    assert.deepEqual(framed.errors, []);
  });

  it('is not fooled by brackets, braces, commas and escaped quotes inside strings', () => {
    const tricky = [
      { s: '[{]}],,"' },
      { s: 'a\\"b' },
      { s: 'ends with backslash \\' },
      { s: '\\\\"' },
      { 'key with ] and }': '{"nested": [1]}' },
      { s: '\u2028 \t tab \n newline \u0000' },
    ];
    const framed = frameEverySplit(JSON.stringify(tricky));
    assert.deepEqual(values(framed), tricky);
    assert.deepEqual(framed.errors, []);
  });

  it('keeps multi-byte UTF-8 intact when a character is split across chunks', () => {
    const records = [{ name: 'Zürich ✓ 😀 日本語' }, { name: 'Ω'.repeat(40) }, { '😀': 'key' }];
    const framed = frameEverySplit(JSON.stringify(records, null, 2));
    assert.deepEqual(values(framed), records);
  });

  it('handles CRLF, tabs, a byte order mark and surrounding whitespace', () => {
    const text = '\uFEFF \r\n\t[\r\n  {"id": "a"} ,\r\n\t{"id": "b"}\r\n]\r\n\r\n';
    const framed = frameEverySplit(text);
    assert.deepEqual(values(framed), [{ id: 'a' }, { id: 'b' }]);
    assert.deepEqual(
      framed.elements.map((e) => [e.line, e.column]),
      [
        [3, 3],
        [4, 2],
      ],
    );
    assert.deepEqual(framed.errors, []);
  });

  it('frames empty arrays and nested arrays', () => {
    assert.deepEqual(frameEverySplit('[]').elements, []);
    assert.deepEqual(frameEverySplit('{"data": []}').roots, [{ data: [] }]);
    const framed = frameEverySplit('[[], [[]], {"a": [[[{}]]]}]');
    assert.deepEqual(values(framed), [[], [[]], { a: [[[{}]]] }]);
  });

  it('streams arrays at configured key paths and returns the rest of the object with a hole', () => {
    const text = JSON.stringify({ count: 2, data: [{ id: 'a' }, { id: 'b' }], skipToken: 'x', nested: { data: [1] } });
    const framed = frameEverySplit(text);
    assert.deepEqual(values(framed), [{ id: 'a' }, { id: 'b' }]);
    assert.deepEqual(framed.elements[0].path, 'data');
    assert.deepEqual(framed.roots, [{ count: 2, data: [], skipToken: 'x', nested: { data: [1] } }]);
    assert.deepEqual(framed.prefixes, [{ path: 'data', prefix: { count: 2, data: [] } }]);
  });

  it('streams table rows at data.rows with the columns available from the prefix', () => {
    const text = JSON.stringify({ data: { columns: [{ name: 'id' }], rows: [['a'], ['b']] } });
    const framed = frameEverySplit(text);
    assert.deepEqual(values(framed), [['a'], ['b']]);
    assert.deepEqual(framed.prefixes[0], {
      path: 'data.rows',
      prefix: { data: { columns: [{ name: 'id' }], rows: [] } },
    });
    assert.deepEqual(framed.roots, [{ data: { columns: [{ name: 'id' }], rows: [] } }]);
  });

  it('matches keys written with escapes, and ignores `data` keys that are not on a stream path', () => {
    const framed = frameEverySplit('{"d\\u0061ta": [1, 2], "other": {"value": [3]}}');
    assert.deepEqual(values(framed), [1, 2]);
    assert.deepEqual(framed.roots, [{ data: [], other: { value: [3] } }]);
  });

  it('reads several top-level values (NDJSON) and reports positions per line', () => {
    const framed = frameEverySplit('{"id":"a"}\n{"id":"b"}\r\n\n  {"id":"c"}\n');
    assert.deepEqual(framed.roots, [{ id: 'a' }, { id: 'b' }, { id: 'c' }]);
    assert.deepEqual(framed.errors, []);
  });

  it('reports a truncated input as a fatal error at the end', () => {
    const framed = frameEverySplit('[{"id":"a"},\n{"id":"b", "p": {"x": "unterminated');
    assert.deepEqual(values(framed), [{ id: 'a' }]);
    assert.equal(framed.errors.length, 1);
    assert.match(framed.errors[0].message, /end of input.*line 2.*truncated/);
    assert.equal(framed.errors[0].line, 2);
    assert.equal(framed.errors[0].fatal, true);
  });

  it('stops at a mismatched bracket in a single document', () => {
    const framed = frame('[{"id":"a"},\n{"id": [1, 2}, {"id":"c"}]');
    assert.deepEqual(values(framed), [{ id: 'a' }]);
    assert.equal(framed.errors.length, 1);
    assert.deepEqual([framed.errors[0].line, framed.errors[0].column], [2, 13]);
    assert.match(framed.errors[0].message, /expected '\]' but found '\}'; the rest of the input was not read/);
  });

  it('resumes at the next line after an error in NDJSON', () => {
    const text = '{"id":"a"}\n{"id": [1}\n{"id":"c"}\n{"id":"d", \n{"id":"e", "s": "open\n{"id":"f"}\n';
    const framed = frameEverySplit(text, true);
    assert.deepEqual(framed.roots, [{ id: 'a' }, { id: 'c' }, { id: 'f' }]);
    assert.deepEqual(
      framed.errors.map((e) => [e.line, e.fatal]),
      [
        [2, false],
        [4, false],
        [5, false],
      ],
    );
  });

  it('recognises NDJSON from the content: a one-line record followed by more lines', () => {
    const framed = frame('{"id":"a"}\n{"id":"b"\n{"id":"c"}\n');
    assert.deepEqual(framed.roots, [{ id: 'a' }, { id: 'c' }]);
    assert.equal(framed.errors.length, 1);
    assert.equal(framed.errors[0].line, 2);
  });

  it('reports empty elements and trailing commas without losing the other records', () => {
    const framed = frame('[{"id":"a"},,{"id":"b"},]');
    assert.deepEqual(values(framed), [{ id: 'a' }, { id: 'b' }]);
    assert.deepEqual(
      framed.errors.map((e) => [e.message, e.fatal]),
      [
        ['empty array element', false],
        ['trailing comma in array', false],
      ],
    );
  });

  it('rejects a scalar or stray characters at the top level', () => {
    assert.match(frame('"just a string"').errors[0].message, /expected '\[' or '\{'/);
    assert.match(frame('[1] ]').errors[0].message, /unexpected '\]'/);
    assert.equal(frame('   \n ').roots.length + frame('   \n ').elements.length, 0);
  });

  it('leaves invalid tokens inside a record to JSON.parse', () => {
    const texts: string[] = [];
    const framer = new JsonFramer(
      { arrayStart() {}, element: (text) => texts.push(text), root() {}, error: assert.fail },
      { streamPaths: [] },
    );
    framer.push(Buffer.from('[{"a": tru}, {"b": 1}]'));
    framer.end();
    assert.deepEqual(texts, ['{"a": tru}', '{"b": 1}']);
  });

  it('frames a deeply nested record', () => {
    const deep = `[${'['.repeat(300)}${']'.repeat(300)}]`;
    assert.equal(frame(deep).elements.length, 1);
  });
});
