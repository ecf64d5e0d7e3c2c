import { readdir } from 'node:fs/promises';
import { CollectError, type Collector } from './types.js';
import { procFile, sysFile, type HostPaths } from './paths.js';
import { errorCode, errorMessage, failOnBadLines, parseNumber, readText } from './read.js';

/**
 * /proc/net/dev's 16 columns in order, named as node_exporter's netdev collector names them
 * (`node_network_<name>_total`).
 */
export const NETDEV_COLUMNS = [
  'receive_bytes', 'receive_packets', 'receive_errs', 'receive_drop', 'receive_fifo', 'receive_frame', 'receive_compressed', 'receive_multicast',
  'transmit_bytes', 'transmit_packets', 'transmit_errs', 'transmit_drop', 'transmit_fifo', 'transmit_colls', 'transmit_carrier', 'transmit_compressed',
] as const;

export interface NetDevLine {
  readonly device: string;
  /** The 16 counters, in NETDEV_COLUMNS order. */
  readonly values: readonly number[];
}

/**
 * Parses /proc/net/dev (two header lines, then `name: 16 numbers`). Pure, never throws:
 * other lines go to `bad`.
 */
export function parseNetDev(text: string): { devices: NetDevLine[]; bad: string[] } {
  const devices: NetDevLine[] = [];
  const bad: string[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '' || line.includes('|')) continue; // header lines
    const colon = line.indexOf(':');
    const device = line.slice(0, colon).trim();
    const values = line.slice(colon + 1).trim().split(/\s+/).map(parseNumber);
    if (colon < 0 || device === '' || values.length < NETDEV_COLUMNS.length || values.some((v) => v === undefined || v < 0)) {
      bad.push(line);
      continue;
    }
    devices.push({ device, values: values as number[] });
  }
  return { devices, bad };
}

/**
 * `node_network_{receive,transmit}_*_total{device}` from /proc/net/dev, for devices not matching
 * `deviceExclude` (node_exporter excludes none by default). node_exporter ≥ 1.5 reads the same
 * counters through netlink by default; values are the same, /proc/net/dev lists every device.
 */
export function netdevCollector(paths: HostPaths, deviceExclude: RegExp | undefined): Collector {
  return {
    name: 'netdev',
    async collect(emit, signal) {
      const path = procFile(paths, 'net', 'dev');
      const { devices, bad } = parseNetDev(await readText('netdev', path, signal));
      for (const d of devices) {
        if (deviceExclude?.test(d.device)) continue;
        NETDEV_COLUMNS.forEach((col, i) => {
          emit({ name: `node_network_${col}_total`, labels: [['device', d.device]], value: d.values[i]!, type: 'counter', help: `Network device statistic ${col}.` });
        });
      }
      failOnBadLines('netdev', path, bad);
    },
  };
}

/**
 * The part of node_exporter's `netclass` collector dashboards rely on:
 * `node_network_up{device}` = 1 when /sys/class/net/<device>/operstate is `up`, else 0.
 * Entries without operstate (e.g. `bonding_masters`) are skipped.
 */
export function netclassCollector(paths: HostPaths): Collector {
  return {
    name: 'netclass',
    async collect(emit, signal) {
      const dir = sysFile(paths, 'class', 'net');
      let names: string[];
      try {
        names = await readdir(dir);
      } catch (cause) {
        throw new CollectError('netclass', `cannot list ${dir}: ${errorMessage(cause)}`, { cause });
      }
      for (const device of names.sort()) {
        let state: string;
        try {
          state = (await readText('netclass', sysFile(paths, 'class', 'net', device, 'operstate'), signal)).trim();
        } catch (err) {
          const code = errorCode(err);
          if (code === 'ENOENT' || code === 'ENOTDIR') continue;
          throw err;
        }
        emit({ name: 'node_network_up', labels: [['device', device]], value: state === 'up' ? 1 : 0, type: 'gauge', help: "Value is 1 if operstate is 'up', 0 otherwise." });
      }
    },
  };
}
