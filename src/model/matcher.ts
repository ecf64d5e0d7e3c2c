import { labelValue, type Labels } from './labels.js';
import { compileAnchored } from './re2.js';

/** The four Prometheus matcher types. */
export type MatchType = '=' | '!=' | '=~' | '!~';

/**
 * A label matcher. Regexps are fully anchored, as in Prometheus (`=~"a.*"` matches the
 * whole value). A missing label has the value '' for matching purposes.
 */
export class Matcher {
  readonly type: MatchType;
  readonly name: string;
  readonly value: string;
  private readonly re: RegExp | undefined;

  /** Throws `MatcherError` when `value` is not a valid regular expression for `=~`/`!~`. */
  constructor(type: MatchType, name: string, value: string) {
    this.type = type;
    this.name = name;
    this.value = value;
    if (type === '=~' || type === '!~') {
      try {
        // RE2 syntax as Prometheus accepts it, translated to a JS RegExp, fully anchored.
        this.re = compileAnchored(value);
      } catch (cause) {
        throw new MatcherError(`invalid regular expression ${JSON.stringify(value)} for label ${name}`, { cause });
      }
    }
  }

  /** True when the label value `v` ('' for absent) satisfies the matcher. */
  matches(v: string): boolean {
    switch (this.type) {
      case '=':
        return v === this.value;
      case '!=':
        return v !== this.value;
      case '=~':
        return this.re!.test(v);
      case '!~':
        return !this.re!.test(v);
    }
  }

  /** True when the matcher accepts the empty string, i.e. it also selects series without the label. */
  matchesEmpty(): boolean {
    return this.matches('');
  }

  /** The literal alternatives of a regexp like `a|b|c`, or undefined when it is not a plain set. */
  setMatches(): string[] | undefined {
    if (this.type !== '=~' && this.type !== '!~') return undefined;
    if (!/^[A-Za-z0-9_:\-. |/]*$/.test(this.value) || this.value.includes('.')) return undefined;
    return this.value.split('|');
  }

  toString(): string {
    return `${this.name}${this.type}${JSON.stringify(this.value)}`;
  }
}

export class MatcherError extends Error {
  override readonly name = 'MatcherError';
}

/** True when every matcher accepts the series' labels. */
export function matchesAll(matchers: readonly Matcher[], labels: Labels): boolean {
  for (const m of matchers) if (!m.matches(labelValue(labels, m.name))) return false;
  return true;
}
