import type { ProbeResult } from './types.js';
import { sortMetrics } from './result.js';

/**
 * Formats a float as Go's strconv.FormatFloat(v, 'g', -1, 64), which the Prometheus text
 * format uses: shortest round-trip digits, exponent form when the decimal exponent is < -4 or
 * >= 6 (so 1234567 is `1.234567e+06`, 123456 stays `123456`), exponents with at least two digits.
 */
export function formatGoFloat(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const [mant, expText] = v.toExponential().split('e') as [string, string];
  const exp = Number(expText);
  if (exp < -4 || exp >= 6) {
    const sign = exp < 0 ? '-' : '+';
    const abs = Math.abs(exp);
    return `${mant}e${sign}${abs < 10 ? '0' : ''}${abs}`;
  }
  const neg = mant.startsWith('-');
  const digits = mant.replace('-', '').replace('.', '');
  let out: string;
  if (exp >= 0) {
    const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
    const frac = digits.slice(exp + 1);
    out = frac === '' ? intPart : `${intPart}.${frac}`;
  } else {
    out = `0.${'0'.repeat(-exp - 1)}${digits}`;
  }
  return neg ? `-${out}` : out;
}

function escapeLabelValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function escapeHelp(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

/**
 * Renders a probe's result in the Prometheus text format 0.0.4, as blackbox_exporter's
 * `/probe` does: families sorted by name, each with `# HELP` and `# TYPE ... gauge`, label
 * names sorted, no target labels.
 */
export function renderProbeExposition(result: ProbeResult): string {
  let out = '';
  let current = '';
  for (const m of sortMetrics(result.metrics)) {
    if (m.name !== current) {
      current = m.name;
      out += `# HELP ${m.name} ${escapeHelp(m.help)}\n# TYPE ${m.name} gauge\n`;
    }
    const names = Object.keys(m.labels).sort();
    const labels = names.length === 0 ? '' : `{${names.map((n) => `${n}="${escapeLabelValue(m.labels[n] ?? '')}"`).join(',')}}`;
    out += `${m.name}${labels} ${formatGoFloat(m.value)}\n`;
  }
  return out;
}
