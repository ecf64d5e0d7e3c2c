import { useState } from 'preact/hooks';
import { useApp } from '../components/nav';
import { type AlertTab, ALERT_TABS, tabFromParams } from '../lib/alerts';
import { AlertList } from './alerts/AlertList';
import { History } from './alerts/History';
import { Notifications } from './alerts/Notifications';
import { SilenceList } from './alerts/SilenceList';
import './alerts/alerts.css';

const TAB_LABEL: Readonly<Record<AlertTab, string>> = { alerts: 'Alerts', silences: 'Silences', history: 'History', notifications: 'Notifications' };

/** /alerts?tab=alerts|silences|history|notifications; every tab refreshes itself every 15 s. */
export function AlertsPage() {
  const { nav } = useApp();
  const tab = tabFromParams(new URLSearchParams(nav.search));
  // Bumped when a silence is created from an alert: the silences tab then reloads at once.
  const [silenceVersion, setSilenceVersion] = useState(0);
  const go = (t: AlertTab): void => {
    const p = new URLSearchParams(nav.search);
    p.set('tab', t);
    nav.navigate(`${nav.path}?${p.toString()}`, true);
  };
  return (
    <>
      <h1>Alerts</h1>
      <div class="seg-group tabs" role="tablist">
        {ALERT_TABS.map((t) => (
          <button key={t} type="button" role="tab" class={t === tab ? 'seg active' : 'seg'} aria-selected={t === tab} data-tab={t} onClick={() => go(t)}>
            {TAB_LABEL[t]}
          </button>
        ))}
      </div>
      <div class="tab-body">
        {tab === 'alerts' ? <AlertList onSilenced={() => setSilenceVersion((v) => v + 1)} /> : null}
        {tab === 'silences' ? <SilenceList version={silenceVersion} /> : null}
        {tab === 'history' ? <History /> : null}
        {tab === 'notifications' ? <Notifications /> : null}
      </div>
    </>
  );
}
