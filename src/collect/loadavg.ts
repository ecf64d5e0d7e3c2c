import { CollectError, type Collector } from './types.js';
import { procFile, type HostPaths } from './paths.js';
import { parseNumber, readText } from './read.js';

/** The three load averages of /proc/loadavg, or undefined when the text is not `n n n ...`. Pure. */
export function parseLoadavg(text: string): [number, number, number] | undefined {
  const f = text.trim().split(/\s+/);
  const v = f.slice(0, 3).map(parseNumber);
  if (v.length < 3 || v.some((x) => x === undefined || x < 0)) return undefined;
  return [v[0]!, v[1]!, v[2]!];
}

/** `node_load1`, `node_load5`, `node_load15` (gauges). */
export function loadavgCollector(paths: HostPaths): Collector {
  return {
    name: 'loadavg',
    async collect(emit, signal) {
      const path = procFile(paths, 'loadavg');
      const text = await readText('loadavg', path, signal);
      const loads = parseLoadavg(text);
      if (loads === undefined) throw new CollectError('loadavg', `malformed ${path}: ${JSON.stringify(text.slice(0, 80))}`);
      const [l1, l5, l15] = loads;
      emit({ name: 'node_load1', labels: [], value: l1, type: 'gauge', help: '1m load average.' });
      emit({ name: 'node_load5', labels: [], value: l5, type: 'gauge', help: '5m load average.' });
      emit({ name: 'node_load15', labels: [], value: l15, type: 'gauge', help: '15m load average.' });
    },
  };
}
