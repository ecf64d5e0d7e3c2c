import type { Matcher } from '../../model/index.js';
import { type Postings, emptyPostings, intersect, intersects, union, without } from './postings.js';
import type { IndexReader } from './reader.js';

/**
 * Sorted ids of the series that satisfy every matcher, with Prometheus semantics: an
 * absent label has the value '', so a matcher that accepts '' (`a=""`, `a!="x"`,
 * `a=~".*"`, `a!~"x"`) also selects series without the label. Such matchers are computed
 * as "minus the series whose value is rejected"; the others as "union of the accepted
 * values' postings". With no matcher that rejects '', the result starts from
 * `allPostings()`; with no matchers at all it is every series.
 */
export function postingsForMatchers(reader: IndexReader, matchers: readonly Matcher[]): Postings {
  const its: Postings[] = [];
  const nots: Matcher[] = [];
  for (const m of matchers) {
    if (m.matchesEmpty()) {
      nots.push(m);
      continue;
    }
    const p = acceptedPostings(reader, m);
    if (p.length === 0) return emptyPostings();
    its.push(p);
  }
  let acc = its.length === 0 ? reader.allPostings() : intersect(its);
  for (const m of nots) {
    if (acc.length === 0) break;
    const rejected = rejectedPostings(reader, m);
    acc = without(acc, rejected);
  }
  return acc;
}

/**
 * Sorted values of label `name` among the series matching `matchers` (all values when
 * there are none). '' is never returned.
 */
export function labelValuesFor(reader: IndexReader, name: string, matchers: readonly Matcher[] = []): string[] {
  const all = reader.labelValues(name);
  if (matchers.length === 0) return [...all];
  const p = postingsForMatchers(reader, matchers);
  if (p.length === 0) return [];
  if (reader.labelsOf !== undefined && p.length < all.length) {
    const seen = new Set<string>();
    for (let i = 0; i < p.length; i++) {
      const labels = reader.labelsOf(p[i]!);
      if (labels === undefined) continue;
      for (const l of labels) if (l.name === name) { seen.add(l.value); break; }
    }
    return [...seen].sort(compareStrings);
  }
  return all.filter((v) => intersects(reader.postings(name, v), p));
}

/** Sorted label names among the series matching `matchers` (all names when there are none). */
export function labelNamesFor(reader: IndexReader, matchers: readonly Matcher[] = []): string[] {
  const names = reader.labelNames();
  if (matchers.length === 0) return [...names];
  const p = postingsForMatchers(reader, matchers);
  if (p.length === 0) return [];
  if (reader.labelsOf !== undefined) {
    const seen = new Set<string>();
    for (let i = 0; i < p.length; i++) {
      const labels = reader.labelsOf(p[i]!);
      if (labels !== undefined) for (const l of labels) seen.add(l.name);
      if (seen.size === names.length) break;
    }
    return [...seen].sort(compareStrings);
  }
  return names.filter((n) => reader.labelValues(n).some((v) => intersects(reader.postings(n, v), p)));
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Series whose value of `m.name` is non-empty and accepted by `m`. */
function acceptedPostings(reader: IndexReader, m: Matcher): Postings {
  if (m.type === '=') return reader.postings(m.name, m.value);
  if (m.type === '=~') {
    const set = m.setMatches();
    if (set !== undefined) return union(set.filter((v) => v !== '').map((v) => reader.postings(m.name, v)));
  }
  return union(matchingValues(reader, m, true).map((v) => reader.postings(m.name, v)));
}

/** Series whose value of `m.name` is non-empty and rejected by `m`. */
function rejectedPostings(reader: IndexReader, m: Matcher): Postings {
  if (m.type === '!=') return reader.postings(m.name, m.value);
  if (m.type === '=~' && m.value === '.*') return emptyPostings();
  if (m.type === '!~') {
    const set = m.setMatches();
    if (set !== undefined) return union(set.filter((v) => v !== '').map((v) => reader.postings(m.name, v)));
  }
  return union(matchingValues(reader, m, false).map((v) => reader.postings(m.name, v)));
}

/** Values of `m.name` for which `m.matches(v) === want`, using a literal regexp prefix to narrow the scan. */
function matchingValues(reader: IndexReader, m: Matcher, want: boolean): string[] {
  const values = reader.labelValues(m.name);
  let lo = 0;
  let hi = values.length;
  // Only a positive regexp restricts the accepted values to those starting with its prefix.
  const prefix = m.type === '=~' && want ? literalPrefix(m.value) : '';
  if (prefix !== '') {
    lo = lowerBound(values, prefix);
    hi = lo;
    while (hi < values.length && values[hi]!.startsWith(prefix)) hi++;
  }
  const out: string[] = [];
  for (let i = lo; i < hi; i++) if (m.matches(values[i]!) === want) out.push(values[i]!);
  return out;
}

function lowerBound(values: readonly string[], s: string): number {
  let lo = 0, hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid]! < s) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The literal text every match of the anchored regexp `re` must start with, or '' when
 * unsure (alternations, escapes, groups, classes at the start, quantified last letter).
 */
export function literalPrefix(re: string): string {
  if (re.includes('|')) return '';
  let i = 0;
  while (i < re.length && !'\\^$.|?*+()[]{}'.includes(re[i]!)) i++;
  // A quantifier after the prefix applies to its last character, which is then optional.
  if (i < re.length && '?*{'.includes(re[i]!)) i--;
  if (i <= 0) return '';
  // Do not split a surrogate pair.
  const code = re.charCodeAt(i - 1);
  if (code >= 0xd800 && code <= 0xdbff) i--;
  return re.slice(0, i);
}
