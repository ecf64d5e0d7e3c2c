import type { Notification } from '../types.js';

/** For tests: a notification of the group DiskFull. */
const T0 = Date.UTC(2026, 4, 1, 9, 40, 0);

/** A group with one firing and one resolved alert (times in ms), fields overridable. */
export function sampleNotification(over: Partial<Notification> = {}): Notification {
  return {
    receiver: 'team-db',
    status: 'firing',
    alerts: [
      {
        status: 'firing',
        labels: { severity: 'page', alertname: 'DiskFull', instance: 'db-1' },
        annotations: { summary: 'Disk almost full on db-1 <&>' },
        startsAt: T0,
        endsAt: 0,
        generatorURL: 'http://vigie.example:9400/graph?g0.expr=disk_free_ratio+%3C+0.1&g0.tab=1',
        fingerprint: '1a2b3c4d5e6f7081',
      },
      {
        status: 'resolved',
        labels: { alertname: 'DiskFull', instance: 'db-2', severity: 'page' },
        annotations: { summary: 'Disk almost full on db-2' },
        startsAt: T0 - 60_000,
        endsAt: T0 + 123,
        generatorURL: '',
        fingerprint: '0000000000000abc',
      },
    ],
    groupLabels: { alertname: 'DiskFull' },
    commonLabels: { alertname: 'DiskFull', severity: 'page' },
    commonAnnotations: {},
    externalURL: 'http://vigie.example:9400',
    groupKey: '{}/{severity="page"}:{alertname="DiskFull"}',
    truncatedAlerts: 0,
    ...over,
  };
}

