import { PlaceholderPage } from './Placeholder';

export function ProbesPage() {
  return <PlaceholderPage title="Probes" text="Per-target latency by phase, certificates and incidents: not built yet." />;
}
