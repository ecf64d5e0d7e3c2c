import type { Notification } from '../types.js';

const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const MASK = 0xffffffffffffffffn;

/**
 * Alertmanager's fingerprint of a label set: 64-bit FNV-1a over the pairs sorted by name,
 * each name and value followed by the byte 0xff; 16 lowercase hex digits.
 */
export function labelsFingerprint(labels: Readonly<Record<string, string>>): string {
  let h = FNV_OFFSET;
  const add = (b: number): void => {
    h = ((h ^ BigInt(b)) * FNV_PRIME) & MASK;
  };
  for (const name of Object.keys(labels).sort()) {
    for (const b of Buffer.from(name, 'utf8')) add(b);
    add(0xff);
    for (const b of Buffer.from(labels[name] ?? '', 'utf8')) add(b);
    add(0xff);
  }
  return h.toString(16).padStart(16, '0');
}

/** The synthetic firing notification of "send test notification" for `receiver` at `now` (ms). */
export function testNotification(receiver: string, now: number, externalURL: string): Notification {
  const labels = { alertname: 'VigieTestNotification', receiver, severity: 'none' };
  const annotations = {
    summary: `Test notification from Vigie to receiver ${receiver}`,
    description: 'This is a test sent from Vigie to check that this receiver delivers. No action is needed.',
  };
  return {
    receiver,
    status: 'firing',
    alerts: [{ status: 'firing', labels, annotations, startsAt: now, endsAt: 0, generatorURL: externalURL, fingerprint: labelsFingerprint(labels) }],
    groupLabels: { alertname: labels.alertname },
    commonLabels: labels,
    commonAnnotations: annotations,
    externalURL,
    groupKey: `{}/{}:{alertname="VigieTestNotification"}`,
    truncatedAlerts: 0,
  };
}
