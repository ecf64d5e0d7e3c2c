// The Dashboards pages: the list (search, new, import, export, delete) and one dashboard
// (Grafana JSON model: variables, rows, panels, edit mode). The parts are in ./dashboards/.
import { DashboardList } from './dashboards/List';
import { DashboardView } from './dashboards/View';

export function DashboardsPage() {
  return (
    <div class="dash-page">
      <DashboardList />
    </div>
  );
}

export function DashboardPage({ uid }: { uid: string }) {
  return (
    <div class="dash-page">
      <DashboardView uid={uid} />
    </div>
  );
}
