import { type Health, HEALTH_LABEL } from '../lib/status';

/** Colour plus a text label and a symbol: the status never relies on colour alone. */
export function StatusBadge({ health, label }: { health: Health; label?: string }) {
  const sym = health === 'ok' ? '✓' : health === 'warn' ? '!' : health === 'crit' ? '✕' : '?';
  return (
    <span class={`badge badge-${health}`}>
      <span aria-hidden="true">{sym}</span> {label ?? HEALTH_LABEL[health]}
    </span>
  );
}
