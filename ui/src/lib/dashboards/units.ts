// Grafana's value units (fieldConfig.defaults.unit) as text: "1.5 GiB", "42%", "3.2 MB/s"...
// An unknown unit shows the number followed by the unit string.

function fixed(v: number, decimals: number | undefined): string {
  if (decimals !== undefined && decimals >= 0 && decimals <= 10) return v.toFixed(decimals);
  if (v === 0) return '0';
  const a = Math.abs(v);
  const d = a >= 100 ? 0 : a >= 10 ? 1 : a >= 1 ? 2 : Math.min(6, 2 - Math.floor(Math.log10(a)));
  return String(Number(v.toFixed(d)));
}

function scaled(v: number, base: number, units: readonly string[], decimals: number | undefined, sep = ' '): string {
  let i = 0;
  let x = Math.abs(v);
  while (x >= base && i < units.length - 1) {
    x /= base;
    i++;
  }
  return `${v < 0 ? '-' : ''}${fixed(x, decimals)}${sep}${units[i] ?? ''}`.trimEnd();
}

const SI = ['', 'k', 'M', 'G', 'T', 'P', 'E'];
const IEC = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];
const SHORT = ['', 'K', 'Mil', 'Bil', 'Tri', 'Quadr'];

/** Seconds as the largest fitting unit: "1.5 hour", "250 ms", "3 day". */
function duration(sec: number, decimals: number | undefined): string {
  const a = Math.abs(sec);
  const steps: [number, string][] = [[31_536_000, 'year'], [604_800, 'week'], [86_400, 'day'], [3_600, 'hour'], [60, 'min'], [1, 's'], [1e-3, 'ms'], [1e-6, 'µs'], [1e-9, 'ns']];
  for (const [size, name] of steps) if (a >= size) return `${fixed(sec / size, decimals)} ${name}`;
  return `${fixed(sec, decimals)} s`;
}

/** Seconds as "1 day, 2 hours" (the two largest parts), Grafana's dtdurations. */
function dtDuration(sec: number): string {
  const parts: [number, string][] = [[31_536_000, 'year'], [2_592_000, 'month'], [604_800, 'week'], [86_400, 'day'], [3_600, 'hour'], [60, 'minute'], [1, 'second']];
  let rest = Math.floor(Math.abs(sec));
  const out: string[] = [];
  for (const [size, name] of parts) {
    const n = Math.floor(rest / size);
    if (n > 0 && out.length < 2) out.push(`${n} ${name}${n === 1 ? '' : 's'}`);
    if (out.length > 0) rest -= n * size;
  }
  return (sec < 0 ? '-' : '') + (out.join(', ') || '0 seconds');
}

/** Formats `v` in Grafana unit `unit` with `decimals` (undefined: automatic). Null/NaN/±Inf → "—". */
export function formatUnit(v: number | null | undefined, unit: string | undefined, decimals?: number): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  const u = unit ?? '';
  switch (u) {
    case '':
    case 'none':
      return fixed(v, decimals);
    case 'short':
      return scaled(v, 1000, SHORT, decimals);
    case 'percent':
      return `${fixed(v, decimals)}%`;
    case 'percentunit':
      return `${fixed(v * 100, decimals)}%`;
    case 'bytes':
      return scaled(v, 1024, IEC.map((p) => `${p}B`), decimals);
    case 'decbytes':
      return scaled(v, 1000, SI.map((p) => `${p}B`), decimals);
    case 'bits':
      return scaled(v, 1024, IEC.map((p) => `${p}b`), decimals);
    case 'decbits':
      return scaled(v, 1000, SI.map((p) => `${p}b`), decimals);
    case 'bps':
      return scaled(v, 1000, SI.map((p) => `${p}b/s`), decimals);
    case 'binbps':
      return scaled(v, 1024, IEC.map((p) => `${p}b/s`), decimals);
    case 'Bps':
      return scaled(v, 1000, SI.map((p) => `${p}B/s`), decimals);
    case 'binBps':
      return scaled(v, 1024, IEC.map((p) => `${p}B/s`), decimals);
    case 's':
      return duration(v, decimals);
    case 'ms':
      return duration(v / 1e3, decimals);
    case 'µs':
    case 'us':
      return duration(v / 1e6, decimals);
    case 'ns':
      return duration(v / 1e9, decimals);
    case 'dtdurations':
      return dtDuration(v);
    case 'dtdurationms':
      return dtDuration(v / 1000);
    case 'hertz':
      return scaled(v, 1000, SI.map((p) => `${p}Hz`), decimals);
    case 'iops':
      return `${scaled(v, 1000, SHORT, decimals)} io/s`;
    case 'ops':
    case 'opm':
      return `${scaled(v, 1000, SHORT, decimals)} ${u === 'ops' ? 'ops/s' : 'ops/min'}`;
    case 'reqps':
    case 'rps':
      return `${scaled(v, 1000, SHORT, decimals)} req/s`;
    case 'wps':
      return `${scaled(v, 1000, SHORT, decimals)} wr/s`;
    case 'pps':
      return `${scaled(v, 1000, SHORT, decimals)} p/s`;
    case 'celsius':
      return `${fixed(v, decimals)}°C`;
    case 'fahrenheit':
      return `${fixed(v, decimals)}°F`;
    case 'volt':
      return `${fixed(v, decimals)} V`;
    case 'watt':
      return scaled(v, 1000, SI.map((p) => `${p}W`), decimals);
    case 'dateTimeAsIso':
      return new Date(v).toISOString();
    case 'dateTimeFromNow':
      return new Date(v).toISOString();
  }
  if (u.startsWith('suffix:')) return `${fixed(v, decimals)}${u.slice(7)}`;
  if (u.startsWith('prefix:')) return `${u.slice(7)}${fixed(v, decimals)}`;
  return `${fixed(v, decimals)} ${u}`;
}

/** Units offered in the panel editor (Grafana ids). */
export const COMMON_UNITS = ['none', 'short', 'percent', 'percentunit', 'bytes', 'decbytes', 'bits', 'bps', 'Bps', 'binBps', 's', 'ms', 'µs', 'ns', 'dtdurations', 'hertz', 'iops', 'ops', 'reqps', 'celsius'] as const;
