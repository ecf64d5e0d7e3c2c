// SampleScanner must give exactly what ExpositionParser gives on the decoded body, with a cold
// cache (every label set validated) and a warm one (known keys not re-validated).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ExpositionFormat, ExpositionParseError, ExpositionParser, SampleScanner, decodeExposition } from './index.js';
import { xorshift32 } from '../common/index.js';

interface Sample {
  key: string;
  value: number;
  ts: number | undefined;
  /** Only when the label set was validated. */
  name?: string;
  pairs?: [string, string][];
}
interface Outcome {
  samples: Sample[];
  error?: string;
}

function viaParser(body: Uint8Array, format: ExpositionFormat): Outcome {
  const samples: Sample[] = [];
  try {
    const p = new ExpositionParser(decodeExposition(body), format);
    for (let k = p.next(); k !== undefined; k = p.next()) {
      if (k === 'series') samples.push({ key: p.seriesText(), value: p.value(), ts: p.timestamp(), name: p.metricName(), pairs: p.labelPairs() });
    }
    return { samples };
  } catch (e) {
    if (!(e instanceof ExpositionParseError)) throw e;
    return { samples, error: e.message };
  }
}

/** `known`: keys whose label sets count as validated already (a warm scrape cache); grown as validated. */
function viaScanner(body: Uint8Array, format: ExpositionFormat, known?: Set<string>): Outcome {
  const samples: Sample[] = [];
  try {
    const s = SampleScanner.create(body, format);
    for (let guard = 0; s.next(); guard++) {
      assert.ok(guard <= body.length, 'more samples than bytes: the scanner is not advancing');
      const key = Buffer.from(s.key.subarray(s.keyStart, s.keyEnd)).toString('utf8');
      const sample: Sample = { key, value: s.value(), ts: s.timestamp() };
      if (known === undefined || !known.has(key)) {
        sample.name = s.metricName();
        sample.pairs = s.labelPairs();
        known?.add(key);
      }
      samples.push(sample);
    }
    return { samples };
  } catch (e) {
    if (!(e instanceof ExpositionParseError)) throw e;
    return { samples, error: e.message };
  }
}

/** Asserts the scanner's outcome equals the parser's; returns the parser's. */
function assertSame(body: Uint8Array, format: ExpositionFormat, known?: Set<string>, what = ''): Outcome {
  const want = viaParser(body, format);
  const got = viaScanner(body, format, known);
  const where = `${what}\n${JSON.stringify(Buffer.from(body.subarray(0, 400)).toString('latin1'))}`;
  const ctx = (): string => where;
  assert.equal(got.error, want.error, ctx());
  // After an error, entries already returned may differ (the document is invalid as a whole).
  if (want.error !== undefined) return want;
  assert.equal(got.samples.length, want.samples.length, ctx());
  for (let i = 0; i < want.samples.length; i++) {
    const g = got.samples[i]!;
    const w = want.samples[i]!;
    assert.equal(g.key, w.key, ctx());
    assert.ok(Object.is(g.value, w.value), `value ${g.value} !== ${w.value} for ${w.key}${ctx()}`);
    assert.equal(g.ts, w.ts, ctx());
    if (g.pairs !== undefined) {
      assert.equal(g.name, w.name, ctx());
      assert.deepEqual(g.pairs, w.pairs, ctx());
    }
  }
  return want;
}

function conformanceDir(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
  const d = join(dir, '..', 'shared', 'conformance', 'exposition');
  return existsSync(d) ? d : undefined;
}
const DIR = conformanceDir();
const skip = DIR === undefined ? 'conformance data not found at ../shared/conformance' : false;

test('conformance pages and the OpenMetrics suite: same samples and errors as ExpositionParser', { skip }, () => {
  let pages = 0;
  for (const f of readdirSync(DIR!)) {
    if (!f.endsWith('.txt') && !f.endsWith('.prom')) continue;
    const body = readFileSync(join(DIR!, f));
    const format: ExpositionFormat = f.includes('.om.') ? 'openmetrics' : 'prometheus';
    const cold = assertSame(body, format, undefined, f);
    assert.equal(cold.error, undefined, f);
    assert.ok(cold.samples.length > 0);
    // Warm: the second scrape of the same page validates nothing.
    const known = new Set<string>();
    assertSame(body, format, known, f);
    assertSame(body, format, known, f);
    pages++;
  }
  assert.ok(pages >= 6);
  const root = join(DIR!, 'openmetrics-parsers');
  for (const c of readdirSync(root)) {
    const body = readFileSync(join(root, c, 'metrics'));
    for (const format of ['openmetrics', 'prometheus'] as const) assertSame(body, format, undefined, c);
  }
});

const DOC =
  '\ufeff# HELP http_requests_total Requests.\n# TYPE http_requests_total counter\n' +
  'http_requests_total{method="post",code="200"} 1027 1395066363000\n' +
  '  http_requests_total {method="get" , code="400",} 3\t1395066363000  \n\n' +
  'msdos_file_access_time_seconds{path="C:\\\\DIR\\\\FILE.TXT",error="Cannot find file:\\n\\"FILE.TXT\\""} 1.458255915e9\n' +
  '# a free comment {}"\n#\n# TYPE\n# HELP x\n# TYPE g gauge\ng -0.25e-3\ng{a="b"} NaN\ng{a="c"} +Inf\ng{a="d"} -inf\n' +
  'multi{v="line one\nline two"} 12.5e+02\nnode_load1 0.07\nnode_uname_info{release="6.1.0-été"} 1\n' +
  'big 123456789012345678 9223372036854775807\nsmall 0.000000000000000000000001 0007\nu_:x{_a_="},{"} 1.\n';

const rng = xorshift32;

test('a varied document, its truncations and 6,000 mutations: same as ExpositionParser, cold and warm', () => {
  const base = Buffer.from(DOC, 'utf8');
  const warm = new Set<string>();
  assert.equal(assertSame(base, 'prometheus', warm).error, undefined);
  for (let cut = 0; cut <= base.length; cut++) {
    assertSame(base.subarray(0, cut), 'prometheus', undefined, `cut ${cut}`);
    assertSame(base.subarray(0, cut), 'prometheus', new Set(warm), `cut ${cut}`);
  }
  const r = rng(11);
  const alphabet = Buffer.from('{}"\\=, #\n\t0123456789.+-eEaINnf_:TYPEHELPgauge', 'latin1');
  const raw = [0x00, 0xff, 0xc3, 0xa9, 0xef, 0xbb, 0xbf, 0x80];
  for (let i = 0; i < 6000; i++) {
    const bytes = [...base];
    const edits = 1 + Math.floor(r() * 4);
    for (let e = 0; e < edits; e++) {
      const at = Math.floor(r() * bytes.length);
      const c = r() < 0.1 ? raw[Math.floor(r() * raw.length)]! : alphabet[Math.floor(r() * alphabet.length)]!;
      const op = r();
      if (op < 0.4) bytes[at] = c;
      else if (op < 0.7) bytes.splice(at, 1);
      else bytes.splice(at, 0, c);
    }
    const body = Uint8Array.from(bytes);
    assertSame(body, 'prometheus', i % 2 === 0 ? new Set(warm) : undefined, `mutation ${i}`);
  }
});

test('values: the fast decimal path gives the same double as Number() for every spelling', () => {
  const r = rng(5);
  const lines: string[] = [];
  for (let i = 0; i < 20_000; i++) {
    const x = (r() - 0.5) * 10 ** Math.floor(r() * 40 - 20);
    const forms = [String(x), x.toExponential(Math.floor(r() * 17)), x.toFixed(Math.floor(r() * 20)), x.toPrecision(1 + Math.floor(r() * 20)), String(Math.round(x * 1e6))];
    for (const f of forms) lines.push(`v{i="${lines.length}"} ${f}`);
  }
  const body = Buffer.from(lines.join('\n') + '\n', 'utf8');
  const out = assertSame(body, 'prometheus');
  assert.equal(out.samples.length, lines.length);
  for (let i = 0; i < lines.length; i++) assert.ok(Object.is(out.samples[i]!.value, Number(lines[i]!.split(' ')[1])), lines[i]);
});

test('error positions count lines across fallbacks, raw newlines in values and a byte-order mark', () => {
  const cases: [string, number][] = [
    ['a 1\nb{x="1\n2"} 2\nc{x="y"} nope\n', 4],
    ['\ufeffa 1\n\n# TYPE a wrong\n', 3],
    ['a 1\nb 1 99999999999999999999\n', 2],
    ['a{x="\u00e9"} 1\nb{x="1",x="2"} 1\n', 2],
  ];
  for (const [text, line] of cases) {
    const got = viaScanner(Buffer.from(text, 'utf8'), 'prometheus');
    assert.match(got.error ?? '', new RegExp(`^line ${line}, `), text);
    assertSame(Buffer.from(text, 'utf8'), 'prometheus');
  }
  const invalid = Uint8Array.from([0x61, 0x20, 0x31, 0x0a, 0x62, 0xff, 0x20, 0x31, 0x0a]);
  assert.match(viaScanner(invalid, 'prometheus').error ?? '', /^line 2, column 2: invalid UTF-8/);
});

test('hostile bodies end in a result or an error, in linear time', () => {
  const t = Date.now();
  const big = 'x'.repeat(5_000_000);
  const cases = [`a{v="${big}"} 1\n`, `a{v="${big}`, '{'.repeat(1_000_000), `a{v="${'\\"'.repeat(1_000_000)}"} 1\n`, '\n'.repeat(1_000_000), `${'a'.repeat(1_000_000)} 1\n`, '#'.repeat(1_000_000)];
  for (const c of cases) assertSame(Buffer.from(c, 'latin1'), 'prometheus');
  assert.ok(Date.now() - t < 10_000, 'hostile bodies took too long');
});
