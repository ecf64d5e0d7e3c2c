// Exposition parser throughput on real pages from ../shared/conformance/exposition.
// Usage: node dist/bench/textparse-bench.js [--seconds 1]
// Two paths per file: "cached" = next() + seriesText() + value() + timestamp() (what a scrape
// does when the series is already known), "labels" = the same plus labelPairs() (first sight).
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { type ExpositionFormat, ExpositionParser } from '../src/textparse/index.js';

const { values: args } = parseArgs({ options: { seconds: { type: 'string', default: '1' } } });
const budgetMs = Number(args.seconds) * 1000;
const dir = resolve(new URL('../..', import.meta.url).pathname, '../shared/conformance/exposition');

const FILES: [string, ExpositionFormat][] = [
  ['node_exporter-e2e-output.txt', 'prometheus'],
  ['alltypes.237mfs.prom.txt', 'prometheus'],
  ['alltypes.237mfs.nometa.prom.txt', 'prometheus'],
  ['alltypes.5mfs.om.txt', 'openmetrics'],
  ['1histogram.om.txt', 'openmetrics'],
];

/** One pass; returns a checksum so the work cannot be optimised away. */
function pass(text: string, format: ExpositionFormat, labels: boolean): number {
  const p = new ExpositionParser(text, format);
  let acc = 0;
  for (let k = p.next(); k !== undefined; k = p.next()) {
    if (k !== 'series') continue;
    acc += p.seriesText().length + (p.timestamp() ?? 0);
    const v = p.value();
    if (v === v) acc += v > 0 ? 1 : 0;
    if (labels) acc += p.labelPairs().length;
  }
  return acc;
}

function measure(text: string, format: ExpositionFormat, labels: boolean, series: number): { mbps: number; nsPerLine: number; passes: number } {
  let sink = 0;
  for (let i = 0; i < 50; i++) sink += pass(text, format, labels); // warm-up
  let passes = 0;
  const t0 = process.hrtime.bigint();
  let elapsed = 0;
  while (elapsed < budgetMs * 1e6) {
    for (let i = 0; i < 20; i++) sink += pass(text, format, labels);
    passes += 20;
    elapsed = Number(process.hrtime.bigint() - t0);
  }
  if (sink === -1) console.log(sink);
  const bytes = Buffer.byteLength(text) * passes;
  return { mbps: bytes / 1e6 / (elapsed / 1e9), nsPerLine: elapsed / (passes * series), passes };
}

console.log(`node ${process.version}; ${budgetMs} ms per measurement`);
console.log('file                                  format       KiB  series | cached MB/s ns/line | labels MB/s ns/line');
for (const [file, format] of FILES) {
  const text = readFileSync(join(dir, file), 'utf8');
  let series = 0;
  const p = new ExpositionParser(text, format);
  for (let k = p.next(); k !== undefined; k = p.next()) if (k === 'series') series++;
  const c = measure(text, format, false, series);
  const l = measure(text, format, true, series);
  console.log(
    `${file.padEnd(37)} ${format.padEnd(11)} ${(Buffer.byteLength(text) / 1024).toFixed(0).padStart(5)} ${String(series).padStart(7)} |` +
      ` ${c.mbps.toFixed(0).padStart(11)} ${c.nsPerLine.toFixed(0).padStart(7)} | ${l.mbps.toFixed(0).padStart(11)} ${l.nsPerLine.toFixed(0).padStart(7)}`,
  );
}
