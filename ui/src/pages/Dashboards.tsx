import { PlaceholderPage } from './Placeholder';

export function DashboardsPage() {
  return <PlaceholderPage title="Dashboards" text="Custom dashboards and Grafana import: not built yet." />;
}

export function DashboardPage({ uid }: { uid: string }) {
  return <PlaceholderPage title="Dashboard" text={`Dashboard ${uid}: not built yet.`} />;
}
