import { GoTime } from '../../template/index.js';
import type { NotifiedAlert, Notification } from '../types.js';

/**
 * The dot of Alertmanager's notification templates (its `template.Data`), built from a
 * Notification: `.Receiver .Status .Alerts .GroupLabels .CommonLabels .CommonAnnotations
 * .ExternalURL`, each alert with `.Status .Labels .Annotations .StartsAt .EndsAt .GeneratorURL
 * .Fingerprint`. Methods (`.Alerts.Firing`, `.Labels.SortedPairs` …) are capitalised functions,
 * which src/template calls like Go methods.
 */

/** Go's zero time.Time (year 1), the EndsAt of an alert that still fires. */
const GO_ZERO_TIME_MS = Date.parse('0001-01-01T00:00:00Z');

/** One label or annotation: `.Name`, `.Value`. */
export interface TemplatePair {
  readonly Name: string;
  readonly Value: string;
}

/** A slice of pairs with `.Names` and `.Values` (Alertmanager's `Pairs`). */
export type TemplatePairs = TemplatePair[] & { Names(): string[]; Values(): string[] };

function pairs(list: TemplatePair[]): TemplatePairs {
  const out = list as TemplatePairs;
  Object.defineProperty(out, 'Names', { value: () => list.map((p) => p.Name), enumerable: false });
  Object.defineProperty(out, 'Values', { value: () => list.map((p) => p.Value), enumerable: false });
  return out;
}

/** Alertmanager's `KV`: a map of strings (indexable, rangeable) with its methods. */
export class TemplateKV extends Map<string, string> {
  static of(o: Readonly<Record<string, string>>): TemplateKV {
    return new TemplateKV(Object.entries(o));
  }
  /** Pairs sorted by name. */
  SortedPairs(): TemplatePairs {
    return pairs([...this.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([Name, Value]) => ({ Name, Value })));
  }
  /** Names, sorted. */
  Names(): string[] {
    return this.SortedPairs().Names();
  }
  /** Values, in the order of the sorted names. */
  Values(): string[] {
    return this.SortedPairs().Values();
  }
  /** A copy without the given names. */
  Remove(names: unknown): TemplateKV {
    const drop = new Set(Array.isArray(names) ? names.map(String) : []);
    return new TemplateKV([...this.entries()].filter(([k]) => !drop.has(k)));
  }
}

/** One alert as templates see it. */
export interface TemplateAlert {
  readonly Status: string;
  readonly Labels: TemplateKV;
  readonly Annotations: TemplateKV;
  readonly StartsAt: GoTime;
  readonly EndsAt: GoTime;
  readonly GeneratorURL: string;
  readonly Fingerprint: string;
}

/** `.Alerts`: a slice of alerts with `.Firing` and `.Resolved`. */
export type TemplateAlerts = TemplateAlert[] & { Firing(): TemplateAlert[]; Resolved(): TemplateAlert[] };

export interface TemplateData {
  readonly Receiver: string;
  readonly Status: string;
  readonly Alerts: TemplateAlerts;
  readonly GroupLabels: TemplateKV;
  readonly CommonLabels: TemplateKV;
  readonly CommonAnnotations: TemplateKV;
  readonly ExternalURL: string;
}

function templateAlert(a: NotifiedAlert): TemplateAlert {
  return {
    Status: a.status,
    Labels: TemplateKV.of(a.labels),
    Annotations: TemplateKV.of(a.annotations),
    StartsAt: new GoTime(a.startsAt),
    EndsAt: new GoTime(a.endsAt === 0 ? GO_ZERO_TIME_MS : a.endsAt),
    GeneratorURL: a.generatorURL,
    Fingerprint: a.fingerprint,
  };
}

/** Alertmanager's template.Data for one notification. */
export function notificationTemplateData(n: Notification): TemplateData {
  const list = n.alerts.map(templateAlert);
  const alerts = list as TemplateAlerts;
  Object.defineProperty(alerts, 'Firing', { value: () => list.filter((a) => a.Status === 'firing'), enumerable: false });
  Object.defineProperty(alerts, 'Resolved', { value: () => list.filter((a) => a.Status === 'resolved'), enumerable: false });
  return {
    Receiver: n.receiver,
    Status: n.status,
    Alerts: alerts,
    GroupLabels: TemplateKV.of(n.groupLabels),
    CommonLabels: TemplateKV.of(n.commonLabels),
    CommonAnnotations: TemplateKV.of(n.commonAnnotations),
    ExternalURL: n.externalURL,
  };
}
