import { StatusBadge } from '../../components/StatusBadge';
import { certDaysLeft, certHealth, formatCertDays } from '../../lib/probes';

/** Days left on the certificate: orange under 14 days, red under 7 or expired; '—' without TLS. */
export function CertCell({ expiry, nowMs }: { expiry: string | null; nowMs: number }) {
  const days = certDaysLeft(expiry, nowMs);
  if (days === undefined) return <span class="muted">—</span>;
  return (
    <span title={`expires ${expiry ?? ''}`}>
      <StatusBadge health={certHealth(days)} label={formatCertDays(days)} />
    </span>
  );
}
