import { type Collector } from './types.js';

/** `node_time_seconds`: the wall clock (Unix seconds, fractional) when collected. `now` returns ms. */
export function timeCollector(now: () => number): Collector {
  return {
    name: 'time',
    collect(emit) {
      emit({ name: 'node_time_seconds', labels: [], value: now() / 1000, type: 'gauge', help: 'System time in seconds since epoch (1970).' });
      return Promise.resolve();
    },
  };
}
