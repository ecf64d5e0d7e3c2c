import { PlaceholderPage } from './Placeholder';

export function AlertsPage() {
  return <PlaceholderPage title="Alerts" text="Firing and pending alerts, silences and history: not built yet." />;
}
