// Silences through Alertmanager's API v2 (src/notify/api/v2.ts): list, create from an alert,
// edit (POST with the id), expire (DELETE). Matchers are edited as text, `{a="b", c=~"d.*"}`.
import { type ApiSession, apiFetch, apiPost } from './api';
import type { Labels } from './prom';

export interface SilenceMatcher {
  readonly name: string;
  readonly value: string;
  readonly isRegex: boolean;
  /** false for != and !~. */
  readonly isEqual: boolean;
}

/** Alertmanager's gettableSilence. Times RFC 3339. */
export interface Silence {
  readonly id: string;
  readonly status: { readonly state: 'active' | 'pending' | 'expired' | string };
  readonly matchers: readonly SilenceMatcher[];
  readonly startsAt: string;
  readonly endsAt: string;
  readonly updatedAt: string;
  readonly createdBy: string;
  readonly comment: string;
}

/** Alertmanager's postableSilence; `id` replaces that silence (an edit). */
export interface PostableSilence {
  readonly id?: string;
  readonly matchers: readonly SilenceMatcher[];
  readonly startsAt: string;
  readonly endsAt: string;
  readonly createdBy: string;
  readonly comment: string;
}

export const DEFAULT_SILENCE_MS = 2 * 3_600_000;

/**
 * A silence matching exactly this alert: one equality matcher per label (alertname included,
 * so that it silences this alert and not others sharing its other labels), from `nowMs` for
 * `durationMs`.
 */
export function silenceForAlert(labels: Labels, createdBy: string, comment: string, nowMs: number, durationMs = DEFAULT_SILENCE_MS): PostableSilence {
  const matchers = Object.entries(labels)
    .sort(([a], [b]) => (a === 'alertname' ? -1 : b === 'alertname' ? 1 : a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => ({ name, value, isRegex: false, isEqual: true }));
  return { matchers, startsAt: new Date(nowMs).toISOString(), endsAt: new Date(nowMs + durationMs).toISOString(), createdBy, comment };
}

function operator(m: SilenceMatcher): string {
  return m.isRegex ? (m.isEqual ? '=~' : '!~') : m.isEqual ? '=' : '!=';
}

/** `name="value"` with the matcher's operator. */
export function formatMatcher(m: SilenceMatcher): string {
  return `${m.name}${operator(m)}${JSON.stringify(m.value)}`;
}

/** `{a="b", c=~"d"}`: the text the edit form shows. */
export function formatMatchers(ms: readonly SilenceMatcher[]): string {
  return `{${ms.map(formatMatcher).join(', ')}}`;
}

/** A matcher text that cannot be read; `position` is the 0-based character offset. */
export class MatcherSyntaxError extends Error {
  override name = 'MatcherSyntaxError';
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(`${message} at character ${position + 1}`);
  }
}

const NAME = /[a-zA-Z_][a-zA-Z0-9_]*/y;
const OPS = ['=~', '!~', '!=', '='] as const;

/**
 * Reads `{a="b", c=~"d"}` (braces optional, values double-quoted with JSON escapes, a trailing
 * comma allowed). At least one matcher; a regex must compile. Throws MatcherSyntaxError saying
 * what was expected where.
 */
export function parseMatchers(text: string): SilenceMatcher[] {
  let i = 0;
  const ws = (): void => {
    while (i < text.length && /\s/.test(text[i] ?? '')) i++;
  };
  ws();
  const braced = text[i] === '{';
  if (braced) i++;
  const out: SilenceMatcher[] = [];
  for (;;) {
    ws();
    if (braced && text[i] === '}') break;
    if (i >= text.length) break;
    NAME.lastIndex = i;
    const nm = NAME.exec(text);
    if (nm === null) throw new MatcherSyntaxError(`expected a label name, found ${JSON.stringify(text.slice(i, i + 10))}`, i);
    const name = nm[0];
    i = NAME.lastIndex;
    ws();
    const op = OPS.find((o) => text.startsWith(o, i));
    if (op === undefined) throw new MatcherSyntaxError(`expected one of = != =~ !~ after ${JSON.stringify(name)}`, i);
    i += op.length;
    ws();
    if (text[i] !== '"') throw new MatcherSyntaxError(`expected a double-quoted value for ${JSON.stringify(name)}`, i);
    const start = i;
    i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    if (i >= text.length) throw new MatcherSyntaxError(`unterminated value for ${JSON.stringify(name)}`, start);
    i++;
    let value: string;
    try {
      value = JSON.parse(text.slice(start, i)) as string;
    } catch {
      throw new MatcherSyntaxError(`invalid escape in the value of ${JSON.stringify(name)}`, start);
    }
    const isRegex = op === '=~' || op === '!~';
    if (isRegex) {
      try {
        new RegExp(`^(?:${value})$`);
      } catch {
        throw new MatcherSyntaxError(`invalid regular expression ${JSON.stringify(value)} for ${JSON.stringify(name)}`, start);
      }
    }
    out.push({ name, value, isRegex, isEqual: op === '=' || op === '=~' });
    ws();
    if (text[i] === ',') {
      i++;
      continue;
    }
    ws();
    if (braced && text[i] === '}') break;
    if (i >= text.length && !braced) break;
    throw new MatcherSyntaxError(braced && i >= text.length ? 'expected "}" to close the matchers' : `expected "," or "}" after the matcher of ${JSON.stringify(name)}`, i);
  }
  if (braced) {
    if (text[i] !== '}') throw new MatcherSyntaxError('expected "}" to close the matchers', i);
    i++;
    ws();
    if (i < text.length) throw new MatcherSyntaxError('unexpected text after "}"', i);
  }
  if (out.length === 0) throw new MatcherSyntaxError('a silence needs at least one matcher', 0);
  return out;
}

/** Whether a silence's matchers all match `labels` (Alertmanager's rule: a missing label is ""). */
export function silenceMatches(ms: readonly SilenceMatcher[], labels: Labels): boolean {
  return ms.every((m) => {
    const v = labels[m.name] ?? '';
    const hit = m.isRegex ? new RegExp(`^(?:${m.value})$`).test(v) : v === m.value;
    return hit === m.isEqual;
  });
}

/** Silences by state, in the order the page lists them. */
export function splitByState(list: readonly Silence[]): Record<'active' | 'pending' | 'expired', Silence[]> {
  const out: Record<'active' | 'pending' | 'expired', Silence[]> = { active: [], pending: [], expired: [] };
  for (const s of list) {
    const st = s.status.state === 'active' || s.status.state === 'pending' ? s.status.state : 'expired';
    out[st].push(s);
  }
  out.expired.sort((a, b) => b.endsAt.localeCompare(a.endsAt));
  return out;
}

export function listSilences(session: ApiSession, signal?: AbortSignal): Promise<Silence[]> {
  return apiFetch<Silence[]>(session, '/api/v2/silences', {}, signal);
}

/** POST /api/v2/silences; returns the silence id. */
export async function postSilence(session: ApiSession, s: PostableSilence): Promise<string> {
  const r = await apiPost<{ silenceID: string }>(session, '/api/v2/silences', s);
  return r.silenceID;
}

/** DELETE /api/v2/silence/:id (expires it now). */
export async function expireSilence(session: ApiSession, id: string): Promise<void> {
  await apiFetch<unknown>(session, `/api/v2/silence/${encodeURIComponent(id)}`, { method: 'DELETE' });
}
