import { type Collector } from './types.js';
import { procFile, type HostPaths } from './paths.js';
import { failOnBadLines, parseNumber, readText } from './read.js';

const METRIC_PART_RE = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * Parses /proc/meminfo exactly as node_exporter's meminfo collector names it: `Active(anon):  12 kB`
 * becomes `Active_anon_bytes` = 12288 (a unit means kB, scaled by 1024 and suffixed `_bytes`);
 * a field without unit (`HugePages_Total: 0`) keeps its name and value. Pure, never throws:
 * lines that are not `Key: number [kB]`, or whose key would not make a valid metric name, go to `bad`.
 */
export function parseMeminfo(text: string): { fields: Map<string, number>; bad: string[] } {
  const fields = new Map<string, number>();
  const bad: string[] = [];
  for (const line of text.split('\n')) {
    const parts = line.trim().split(/\s+/);
    if (parts[0] === '') continue;
    const rawKey = parts[0]!;
    const v = parseNumber(parts[1]);
    if (!rawKey.endsWith(':') || v === undefined || parts.length > 3) {
      bad.push(line);
      continue;
    }
    let key = rawKey.slice(0, -1).replace(/\((.*)\)/, '_$1');
    let value = v;
    if (parts.length === 3) {
      value *= 1024;
      key += '_bytes';
    }
    if (!METRIC_PART_RE.test(key)) {
      bad.push(line);
      continue;
    }
    fields.set(key, value);
  }
  return { fields, bad };
}

/** `node_memory_<Field>[_bytes]` for every /proc/meminfo field (gauges). */
export function meminfoCollector(paths: HostPaths): Collector {
  return {
    name: 'meminfo',
    async collect(emit, signal) {
      const path = procFile(paths, 'meminfo');
      const { fields, bad } = parseMeminfo(await readText('meminfo', path, signal));
      for (const [k, value] of fields) {
        emit({ name: `node_memory_${k}`, labels: [], value, type: 'gauge', help: `Memory information field ${k}.` });
      }
      failOnBadLines('meminfo', path, bad);
    },
  };
}
