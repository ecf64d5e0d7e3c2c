// Hostile inputs: the parser must end with a result or an ExpositionParseError, fast.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type ExpositionFormat, ExpositionParseError, ExpositionParser, decodeExposition } from './index.js';
import { xorshift32 } from '../common/index.js';

const FORMATS: ExpositionFormat[] = ['prometheus', 'openmetrics'];

/** Parses to the end; returns 'ok' or 'error' and fails the test on any other exception. */
function outcome(text: string, format: ExpositionFormat): 'ok' | 'error' {
  const p = new ExpositionParser(text, format);
  try {
    for (let k = p.next(), guard = 0; k !== undefined; k = p.next(), guard++) {
      assert.ok(guard <= text.length + 1, 'more entries than characters: the parser is not advancing');
      if (k === 'series') {
        p.labelPairs();
        p.seriesText();
        p.exemplar();
      }
    }
    return 'ok';
  } catch (e) {
    if (e instanceof ExpositionParseError) return 'error';
    throw e;
  }
}

const rng = xorshift32;

const SAMPLE =
  '# HELP http_requests_total Requests.\n# TYPE http_requests_total counter\n' +
  'http_requests_total{method="post",code="200"} 1027 1395066363000\n' +
  'http_requests_total{method="post",code="400"} 3 1395066363000\n' +
  'msdos_file_access_time_seconds{path="C:\\\\DIR\\\\FILE.TXT",error="Cannot find file:\\n\\"FILE.TXT\\""} 1.458255915e9\n' +
  '# TYPE h histogram\nh_bucket{le="0.5"} 1 # {trace_id="x"} 0.1 1.5\nh_bucket{le="+Inf"} 2\nh_count 2\nh_sum 1\n# EOF\n';

test('random bytes and random ASCII never crash', () => {
  const r = rng(42);
  const started = Date.now();
  for (let i = 0; i < 3000; i++) {
    const len = Math.floor(r() * 200);
    let s = '';
    const ascii = i % 2 === 0;
    for (let j = 0; j < len; j++) s += String.fromCharCode(ascii ? 32 + Math.floor(r() * 95) : Math.floor(r() * 65536));
    for (const f of FORMATS) outcome(s, f);
  }
  assert.ok(Date.now() - started < 10_000);
});

test('mutations and truncations of a valid document never crash', () => {
  const r = rng(7);
  const alphabet = '{}"\\=, #\n\t0123456789.+-eEaINnf_:\u0000\ud800';
  for (let cut = 0; cut <= SAMPLE.length; cut++) for (const f of FORMATS) outcome(SAMPLE.slice(0, cut), f);
  for (let i = 0; i < 5000; i++) {
    const chars = SAMPLE.split('');
    const edits = 1 + Math.floor(r() * 4);
    for (let e = 0; e < edits; e++) {
      const at = Math.floor(r() * chars.length);
      const c = alphabet[Math.floor(r() * alphabet.length)]!;
      const op = r();
      if (op < 0.4) chars[at] = c;
      else if (op < 0.7) chars.splice(at, 1);
      else chars.splice(at, 0, c);
    }
    for (const f of FORMATS) outcome(chars.join(''), f);
  }
});

test('huge label values, 10k labels, long quote runs: linear time', () => {
  const big = 'x'.repeat(5_000_000);
  let t = Date.now();
  assert.equal(outcome(`a{v="${big}"} 1\n`, 'prometheus'), 'ok');
  assert.equal(outcome(`a{v="${big}`, 'prometheus'), 'error');
  const many = Array.from({ length: 10_000 }, (_, i) => `l${i}="v${i}"`).join(',');
  assert.equal(outcome(`a{${many}} 1\n`, 'prometheus'), 'ok');
  assert.equal(outcome(`a{${many}} 1\n# EOF\n`, 'openmetrics'), 'ok');
  assert.equal(outcome(`a{${many},l5000="dup"} 1\n`, 'prometheus'), 'error');
  assert.equal(outcome(`a{v="${'\\"'.repeat(1_000_000)}"} 1\n`, 'prometheus'), 'ok');
  assert.equal(outcome(`a{v="${'\\'.repeat(1_000_001)}"} 1\n`, 'prometheus'), 'error');
  assert.equal(outcome(`a{v="${'"'.repeat(1_000_000)}} 1\n`, 'prometheus'), 'error');
  assert.equal(outcome('{'.repeat(1_000_000), 'prometheus'), 'error');
  assert.equal(outcome('#'.repeat(1_000_000), 'openmetrics'), 'error');
  assert.equal(outcome(`${'a'.repeat(1_000_000)} 1\n`, 'prometheus'), 'ok');
  assert.equal(outcome('\n'.repeat(1_000_000), 'prometheus'), 'ok');
  assert.ok(Date.now() - t < 5_000, 'hostile inputs took too long');
  t = Date.now();
  const lines = Array.from({ length: 100_000 }, (_, i) => `m{i="${i}"} ${i}`).join('\n') + '\n# EOF\n';
  assert.equal(outcome(lines, 'openmetrics'), 'ok');
  assert.ok(Date.now() - t < 5_000);
});

test('NUL bytes and lone surrogates', () => {
  assert.equal(outcome('a\u0000 1\n', 'prometheus'), 'error');
  assert.equal(outcome('a{x="\u0000"} 1\n', 'prometheus'), 'ok');
  assert.equal(outcome('\u0000', 'prometheus'), 'error');
  assert.equal(outcome('# HELP a he\u0000lp\n# EOF\n', 'openmetrics'), 'ok');
  assert.equal(outcome('a{x="\udfff"} 1\n# EOF\n', 'openmetrics'), 'ok');
  assert.equal(outcome('# TYPE a counter\na_total 1 # {x="\ud83d"} 1\n# EOF\n', 'openmetrics'), 'ok');
  // Invalid UTF-8 bytes are refused when decoding.
  const bytes = Uint8Array.from([0x61, 0x7b, 0x78, 0x3d, 0x22, 0xff, 0xfe, 0x22, 0x7d, 0x20, 0x31, 0x0a]);
  assert.throws(() => decodeExposition(bytes), (e: unknown) => e instanceof ExpositionParseError && e.line === 1 && e.column === 6);
});
