/**
 * Alertmanager's alert fingerprint (prometheus/common model.LabelSet.Fingerprint): FNV-1a 64
 * over the label pairs sorted by name, each name and value followed by the byte 0xff.
 * Returned as 16 lowercase hex digits.
 */
const OFFSET = 0xcbf29ce484222325n;
const PRIME = 0x100000001b3n;
const MASK = 0xffffffffffffffffn;
const SEPARATOR = 0xff;
const encoder = new TextEncoder();

export function fingerprint(labels: Readonly<Record<string, string>>): string {
  let h = OFFSET;
  const add = (b: number): void => {
    h = ((h ^ BigInt(b)) * PRIME) & MASK;
  };
  for (const name of Object.keys(labels).sort(compareBytes)) {
    for (const b of encoder.encode(name)) add(b);
    add(SEPARATOR);
    for (const b of encoder.encode(labels[name] ?? '')) add(b);
    add(SEPARATOR);
  }
  return h.toString(16).padStart(16, '0');
}

/** Go's string order (bytewise UTF-8); equals UTF-16 order for the label names Prometheus allows. */
export function compareBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Prometheus' LabelSet.String(): `{a="1", b="2"}`, names sorted, values Go-quoted. */
export function formatLabelSet(labels: Readonly<Record<string, string>>): string {
  return `{${Object.keys(labels)
    .sort(compareBytes)
    .map((k) => `${k}=${JSON.stringify(labels[k] ?? '')}`)
    .join(', ')}}`;
}
