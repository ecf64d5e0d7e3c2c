import { createHash } from 'node:crypto';
import { labelsFromPairs, type Labels } from '../model/index.js';
import { LABEL_NAME_RE, type RelabelConfig } from './config.js';
import { expandTemplate } from './expand.js';

/**
 * Applies relabel rules in order, exactly as Prometheus' `relabel.Process`.
 * Returns the new label set, or undefined when a rule dropped it. A label whose value
 * becomes '' is removed. The input is not modified. Label names produced by
 * `replace` that are not valid (legacy rule [a-zA-Z_][a-zA-Z0-9_]*) are skipped, as
 * Prometheus skips them.
 */
export function relabel(labels: Labels, configs: readonly RelabelConfig[]): Labels | undefined {
  if (configs.length === 0) return labels;
  const b = new Map<string, string>();
  for (const l of labels) b.set(l.name, l.value);
  for (const c of configs) if (!applyOne(c, b)) return undefined;
  return labelsFromPairs(b);
}

/** Prometheus' hashmod: md5 of the value, last 8 bytes as a big-endian uint64, modulo. */
export function hashMod(value: string, modulus: number): number {
  const h = createHash('md5').update(value, 'utf8').digest();
  return Number(h.readBigUInt64BE(8) % BigInt(modulus));
}

function set(b: Map<string, string>, name: string, value: string): void {
  if (value === '') b.delete(name);
  else b.set(name, value);
}

function applyOne(c: RelabelConfig, b: Map<string, string>): boolean {
  let val: string;
  if (c.source_labels.length === 1) val = b.get(c.source_labels[0]!) ?? '';
  else val = c.source_labels.map((n) => b.get(n) ?? '').join(c.separator);
  switch (c.action) {
    case 'drop':
      return !c.re.test(val);
    case 'keep':
      return c.re.test(val);
    case 'dropequal':
      return (b.get(c.target_label) ?? '') !== val;
    case 'keepequal':
      return (b.get(c.target_label) ?? '') === val;
    case 'replace': {
      const m = c.re.exec(val);
      if (m === null) return true;
      const target = expandTemplate(c.target_label, m);
      if (!LABEL_NAME_RE.test(target)) return true;
      set(b, target, expandTemplate(c.replacement, m));
      return true;
    }
    case 'lowercase':
      set(b, c.target_label, val.toLowerCase());
      return true;
    case 'uppercase':
      set(b, c.target_label, val.toUpperCase());
      return true;
    case 'hashmod':
      set(b, c.target_label, String(hashMod(val, c.modulus)));
      return true;
    case 'labelmap':
      for (const [name, value] of [...b]) {
        const m = c.re.exec(name);
        if (m !== null) {
          const res = expandTemplate(c.replacement, m);
          if (res !== '') set(b, res, value);
        }
      }
      return true;
    case 'labeldrop':
      for (const name of [...b.keys()]) if (c.re.test(name)) b.delete(name);
      return true;
    case 'labelkeep':
      for (const name of [...b.keys()]) if (!c.re.test(name)) b.delete(name);
      return true;
  }
}
