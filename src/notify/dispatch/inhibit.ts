import type { Matcher } from '../../model/index.js';
import type { InhibitRuleConfig } from '../config/index.js';

/** An alert as the inhibitor sees it. */
export interface InhibitCandidate {
  readonly fingerprint: string;
  readonly labels: Readonly<Record<string, string>>;
}

const matchAll = (ms: readonly Matcher[], labels: Readonly<Record<string, string>>): boolean => ms.every((m) => m.matches(labels[m.name] ?? ''));

/**
 * Fingerprints of the firing `sources` that inhibit `target` under `rules`, as Alertmanager:
 * a source matching the rule's source matchers inhibits a target matching its target matchers
 * when every `equal` label has the same value on both (absent = ''). An alert never inhibits
 * itself, and when the target also matches the source side, sources that also match the
 * target side are ignored (two alerts must not mute each other).
 */
export function inhibitedBy(rules: readonly InhibitRuleConfig[], target: InhibitCandidate, sources: Iterable<InhibitCandidate>): string[] {
  const out = new Set<string>();
  const sourceList = [...sources];
  for (const r of rules) {
    if (!matchAll(r.target_matchers, target.labels)) continue;
    const targetIsSource = matchAll(r.source_matchers, target.labels);
    for (const s of sourceList) {
      if (s.fingerprint === target.fingerprint) continue;
      if (!matchAll(r.source_matchers, s.labels)) continue;
      if (targetIsSource && matchAll(r.target_matchers, s.labels)) continue;
      if (r.equal.every((l) => (s.labels[l] ?? '') === (target.labels[l] ?? ''))) out.add(s.fingerprint);
    }
  }
  return [...out].sort();
}
