import { CollectError, type Collector } from './types.js';
import { procFile, type HostPaths } from './paths.js';
import { parseNumber, readText } from './read.js';

/** /proc/sys/fs/file-nr is `allocated unused maximum`; undefined when garbled. Pure. */
export function parseFileNr(text: string): { allocated: number; maximum: number } | undefined {
  const v = text.trim().split(/\s+/).map(parseNumber);
  if (v.length < 3 || v[0] === undefined || v[2] === undefined) return undefined;
  return { allocated: v[0], maximum: v[2] };
}

/** `node_filefd_allocated`, `node_filefd_maximum` (gauges). */
export function filefdCollector(paths: HostPaths): Collector {
  return {
    name: 'filefd',
    async collect(emit, signal) {
      const path = procFile(paths, 'sys', 'fs', 'file-nr');
      const text = await readText('filefd', path, signal);
      const fd = parseFileNr(text);
      if (fd === undefined) throw new CollectError('filefd', `malformed ${path}: ${JSON.stringify(text.slice(0, 80))}`);
      emit({ name: 'node_filefd_allocated', labels: [], value: fd.allocated, type: 'gauge', help: 'File descriptor statistics: allocated.' });
      emit({ name: 'node_filefd_maximum', labels: [], value: fd.maximum, type: 'gauge', help: 'File descriptor statistics: maximum.' });
    },
  };
}
