import { useState } from 'preact/hooks';
import { type TimeRange, RANGE_PRESETS, describeRange } from '../lib/timerange';

function toLocalInput(ms: number): string {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
}

/** Last 1h / 6h / 24h / 7d / 30d, or a custom [from, to] in local time. */
export function RangePicker({ value, onChange, nowMs }: { value: TimeRange; onChange: (r: TimeRange) => void; nowMs: number }) {
  const [custom, setCustom] = useState(false);
  const [from, setFrom] = useState(() => toLocalInput(nowMs - 3_600_000));
  const [to, setTo] = useState(() => toLocalInput(nowMs));
  const active = (d: number): boolean => value.kind === 'relative' && value.durationMs === d;
  return (
    <div class="range-picker" role="group" aria-label="Time range">
      {RANGE_PRESETS.map((p) => (
        <button type="button" key={p.label} class={active(p.durationMs) ? 'seg active' : 'seg'} aria-pressed={active(p.durationMs)} onClick={() => { setCustom(false); onChange({ kind: 'relative', durationMs: p.durationMs }); }}>
          {p.label}
        </button>
      ))}
      <button type="button" class={value.kind === 'absolute' || custom ? 'seg active' : 'seg'} onClick={() => setCustom(!custom)}>
        custom
      </button>
      {value.kind === 'absolute' ? <span class="muted range-desc">{describeRange(value)}</span> : null}
      {custom ? (
        <form
          class="range-custom"
          onSubmit={(e) => {
            e.preventDefault();
            const f = new Date(from).getTime();
            const t = new Date(to).getTime();
            if (Number.isFinite(f) && Number.isFinite(t) && t > f) {
              setCustom(false);
              onChange({ kind: 'absolute', fromMs: f, toMs: t });
            }
          }}
        >
          <label>from <input type="datetime-local" value={from} onInput={(e) => setFrom(e.currentTarget.value)} /></label>
          <label>to <input type="datetime-local" value={to} onInput={(e) => setTo(e.currentTarget.value)} /></label>
          <button type="submit">Apply</button>
        </form>
      ) : null}
    </div>
  );
}
