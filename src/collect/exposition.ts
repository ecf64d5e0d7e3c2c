import { type MetricSample } from './types.js';

/** `\` and newline escaped, as the text format wants in HELP lines. */
function escapeHelp(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

/** `\`, `"` and newline escaped, for label values. */
function escapeLabelValue(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** A float as the text format writes it: `NaN`, `+Inf`, `-Inf`, or the shortest decimal that round-trips. */
export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

function labelString(labels: readonly (readonly [string, string])[]): string {
  const kept = labels.filter(([, v]) => v !== '').sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (kept.length === 0) return '';
  return `{${kept.map(([k, v]) => `${k}="${escapeLabelValue(v)}"`).join(',')}}`;
}

/**
 * Prometheus text exposition format 0.0.4: one `# HELP` (when known) and `# TYPE` block per
 * metric name, families sorted by name, series sorted by their label text, labels sorted by
 * name, empty-valued labels omitted (they mean "absent"). The help and type of a family are
 * those of its first sample. No timestamps. Ends with a newline (or is empty).
 */
export function renderExposition(samples: readonly MetricSample[]): string {
  const families = new Map<string, { help: string | undefined; type: string; lines: string[] }>();
  for (const s of samples) {
    let f = families.get(s.name);
    if (f === undefined) {
      f = { help: s.help, type: s.type ?? 'untyped', lines: [] };
      families.set(s.name, f);
    }
    f.lines.push(`${s.name}${labelString(s.labels)} ${formatValue(s.value)}`);
  }
  let out = '';
  for (const name of [...families.keys()].sort()) {
    const f = families.get(name)!;
    if (f.help !== undefined) out += `# HELP ${name} ${escapeHelp(f.help)}\n`;
    out += `# TYPE ${name} ${f.type}\n`;
    for (const line of f.lines.sort()) out += line + '\n';
  }
  return out;
}
