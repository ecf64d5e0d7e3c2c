import type { NotifiedAlert, Notification } from '../types.js';
import { formatGoTime } from './gotime.js';

/**
 * Vigie's default texts for integrations that show a title and a body (email, chat). They
 * follow what Alertmanager's default templates show, written as plain functions; they are used
 * when a field is not configured. Configured fields are Go templates (see templates.ts).
 */

const sortedEntries = (o: Readonly<Record<string, string>>): [string, string][] => Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

export function firingAlerts(n: Notification): readonly NotifiedAlert[] {
  return n.alerts.filter((a) => a.status === 'firing');
}

export function resolvedAlerts(n: Notification): readonly NotifiedAlert[] {
  return n.alerts.filter((a) => a.status === 'resolved');
}

/**
 * Alertmanager's default subject/title: `[FIRING:2] <group label values> (<other common label values>)`,
 * values in label-name order; `[RESOLVED]` once every alert resolved.
 */
export function defaultTitle(n: Notification): string {
  const head = n.status === 'firing' ? `[FIRING:${firingAlerts(n).length}]` : '[RESOLVED]';
  const groupValues = sortedEntries(n.groupLabels).map(([, v]) => v);
  const extra = sortedEntries(n.commonLabels)
    .filter(([k]) => !(k in n.groupLabels))
    .map(([, v]) => v);
  const parts = [head, ...groupValues];
  if (extra.length > 0) parts.push(`(${extra.join(' ')})`);
  return parts.join(' ');
}

/** Where a person sees these alerts in Vigie. */
export function alertsLink(n: Notification): string {
  return `${n.externalURL.replace(/\/+$/, '')}/alerts?receiver=${encodeURIComponent(n.receiver)}`;
}

function alertText(a: NotifiedAlert): string {
  const lines = ['Labels:', ...sortedEntries(a.labels).map(([k, v]) => ` - ${k} = ${v}`)];
  const ann = sortedEntries(a.annotations);
  if (ann.length > 0) lines.push('Annotations:', ...ann.map(([k, v]) => ` - ${k} = ${v}`));
  lines.push(`Started: ${formatGoTime(a.startsAt)}`);
  if (a.status === 'resolved') lines.push(`Resolved: ${formatGoTime(a.endsAt)}`);
  if (a.generatorURL !== '') lines.push(`Source: ${a.generatorURL}`);
  return lines.join('\n');
}

/** Plain-text body: firing alerts, then resolved ones, each with labels, annotations and source. */
export function defaultText(n: Notification): string {
  const out: string[] = [];
  const firing = firingAlerts(n);
  const resolved = resolvedAlerts(n);
  if (firing.length > 0) out.push(`Alerts Firing:\n${firing.map(alertText).join('\n\n')}`);
  if (resolved.length > 0) out.push(`Alerts Resolved:\n${resolved.map(alertText).join('\n\n')}`);
  if (n.truncatedAlerts > 0) out.push(`(${n.truncatedAlerts} more alerts not shown)`);
  return out.join('\n\n');
}

/** One line per alert: its summary (or description, or alertname) — for short chat messages. */
export function alertSummaryLine(a: NotifiedAlert): string {
  const what = a.annotations['summary'] ?? a.annotations['description'] ?? a.labels['alertname'] ?? 'alert';
  const where = a.labels['instance'];
  return where === undefined || what.includes(where) ? what : `${what} (${where})`;
}

/** HTML-escapes text for element content and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&#39;'));
}

function safeHref(url: string): string | undefined {
  return /^https?:\/\//i.test(url) ? escapeHtml(url) : undefined;
}

function alertHtml(a: NotifiedAlert): string {
  const color = a.status === 'firing' ? '#c0392b' : '#27ae60';
  const title = escapeHtml(a.annotations['summary'] ?? a.labels['alertname'] ?? 'alert');
  const rows = (o: Readonly<Record<string, string>>): string =>
    sortedEntries(o)
      .map(([k, v]) => `<tr><td style="padding:2px 8px;color:#555">${escapeHtml(k)}</td><td style="padding:2px 8px">${escapeHtml(v)}</td></tr>`)
      .join('');
  const href = safeHref(a.generatorURL);
  const times = `Started ${escapeHtml(formatGoTime(a.startsAt))}${a.status === 'resolved' ? `, resolved ${escapeHtml(formatGoTime(a.endsAt))}` : ''}`;
  return (
    `<div style="border-left:4px solid ${color};margin:12px 0;padding:4px 12px">` +
    `<div style="font-weight:bold">${title}</div>` +
    `<div style="color:#777;font-size:12px">${times}</div>` +
    `<table style="border-collapse:collapse;font-size:13px;margin-top:6px">${rows(a.labels)}</table>` +
    (Object.keys(a.annotations).length > 0 ? `<table style="border-collapse:collapse;font-size:13px;margin-top:6px">${rows(a.annotations)}</table>` : '') +
    (href !== undefined ? `<div style="margin-top:6px"><a href="${href}">Source</a></div>` : '') +
    `</div>`
  );
}

/** A self-contained HTML email body; every value from alerts is escaped. */
export function defaultHtml(n: Notification): string {
  const firing = firingAlerts(n);
  const resolved = resolvedAlerts(n);
  const link = safeHref(alertsLink(n));
  const section = (title: string, list: readonly NotifiedAlert[]): string =>
    list.length === 0 ? '' : `<h3 style="margin:16px 0 4px">${escapeHtml(title)} (${list.length})</h3>${list.map(alertHtml).join('')}`;
  return (
    `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${escapeHtml(defaultTitle(n))}</title></head>` +
    `<body style="font-family:Helvetica,Arial,sans-serif;color:#222;max-width:720px">` +
    `<h2 style="margin:0 0 8px">${escapeHtml(defaultTitle(n))}</h2>` +
    (link !== undefined ? `<p><a href="${link}">View in Vigie</a></p>` : '') +
    section('Firing', firing) +
    section('Resolved', resolved) +
    (n.truncatedAlerts > 0 ? `<p>${n.truncatedAlerts} more alerts not shown.</p>` : '') +
    `<p style="color:#999;font-size:11px">Sent by Vigie for receiver ${escapeHtml(n.receiver)}.</p>` +
    `</body></html>`
  );
}

/**
 * A configured text field, already rendered by NotificationTemplates.renderFields (integrations
 * render their templated fields before building a payload); absent or empty: Vigie's default.
 */
export function configuredText(configured: string | undefined, fallback: () => string): string {
  return configured === undefined || configured === '' ? fallback() : configured;
}

/** Cuts `s` to at most `max` characters, ending with "…" when cut (chat APIs reject longer texts). */
export function truncate(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, Math.max(0, max - 1))}…`;
}

/** Short body for chat messages: one line per alert, firing first. */
export function defaultChatText(n: Notification): string {
  const lines: string[] = [];
  for (const a of firingAlerts(n)) lines.push(`🔥 ${alertSummaryLine(a)}`);
  for (const a of resolvedAlerts(n)) lines.push(`✅ ${alertSummaryLine(a)}`);
  if (n.truncatedAlerts > 0) lines.push(`… and ${n.truncatedAlerts} more`);
  return lines.join('\n');
}
