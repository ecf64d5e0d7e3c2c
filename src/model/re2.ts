import { VigieError } from '../common/index.js';

/**
 * Translation of RE2 (Go regexp) syntax, as Prometheus' relabel configs use it, to an
 * equivalent JavaScript RegExp. What has no faithful JS equivalent is refused with a
 * `RegexSyntaxError` instead of being approximated:
 * - backreferences (`\1`), lookarounds (`(?=`, `(?<!`), `(?P=name)`: RE2 refuses them too;
 * - flag groups other than `i` and `s`: JS (Node 20) has no inline modifiers; `(?i)` and
 *   `(?i:...)` inside the pattern are translated by spelling out both cases of each letter
 *   in their scope (`[pP][rR][oO]`), and `(?s)` is always in force; `(?m)`, `(?U)` and
 *   `(?-i)` change meaning inside the pattern and are refused;
 * - repeat counts above 1000 (RE2's limit).
 * Translated: `(?P<n>...)` → `(?<n>...)`, `\A` `\z` → `^` `$`, `\Q...\E` literals,
 * `\s` (RE2: [\t\n\f\r ]), `[[:alpha:]]` classes, `\pL` / `\p{Greek}` Unicode classes,
 * `\x{10FFFF}`, octal escapes, escaped punctuation, literal `{` that is not a repeat.
 * JS regexps backtrack where RE2 is linear: a pathological pattern such as `(a+)+$`
 * can be slow on long label values; label values are short, and such patterns are rare.
 */
export class RegexSyntaxError extends VigieError {
  override name = 'RegexSyntaxError';
  constructor(
    readonly pattern: string,
    readonly problem: string,
    options?: ErrorOptions,
  ) {
    super(`invalid regular expression ${JSON.stringify(pattern)}: ${problem}`, options);
  }
}

/** A translated pattern: `source` is usable in `new RegExp(source, flags)`. */
export interface TranslatedRegex {
  readonly source: string;
  /** Always contains 'u' and 's' (RE2 as Prometheus uses it: `.` matches `\n`); 'i' for a leading (?i). */
  readonly flags: string;
}

const MAX_REPEAT = 1000;
const JS_SYNTAX = new Set(['^', '$', '\\', '.', '*', '+', '?', '(', ')', '[', ']', '{', '}', '|', '/']);
const RE2_SPACE = '\\t\\n\\f\\r ';
const POSIX: Readonly<Record<string, string>> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7f',
  blank: '\\t ',
  cntrl: '\\x00-\\x1f\\x7f',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@\\[-`\\{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};
// Unicode general categories JS knows by their short name; anything else is taken as a script.
const CATEGORIES = new Set(['C', 'Cc', 'Cf', 'Co', 'Cs', 'L', 'Ll', 'Lm', 'Lo', 'Lt', 'Lu', 'M', 'Mc', 'Me', 'Mn', 'N', 'Nd', 'Nl', 'No', 'P', 'Pc', 'Pd', 'Pe', 'Pf', 'Pi', 'Po', 'Ps', 'S', 'Sc', 'Sk', 'Sm', 'So', 'Z', 'Zl', 'Zp', 'Zs', 'Any']);

function isAsciiPunct(c: string): boolean {
  return c.length === 1 && /[!-/:-@[-`{-~]/.test(c);
}

function literal(c: string, inClass: boolean): string {
  if (JS_SYNTAX.has(c) || (inClass && c === '-')) return '\\' + c;
  const cp = c.codePointAt(0)!;
  if (cp < 0x20 || cp === 0x7f) return `\\x${cp.toString(16).padStart(2, '0')}`;
  return c;
}

/**
 * Adds the other case of ASCII letters and letter ranges to a translated character class
 * (`[a-cX]` → `[a-cX` + `A-Cx]`). Classes with escapes are left as they are: their letters
 * may belong to the escape (`\x41`), and such classes under (?i) are rare.
 */
function foldClass(cls: string): string {
  const body = cls.slice(1, -1);
  if (body.includes('\\')) return cls;
  const neg = body.startsWith('^') ? '^' : '';
  const items = neg ? body.slice(1) : body;
  let extra = '';
  for (const m of items.matchAll(/([a-zA-Z])-([a-zA-Z])|([a-zA-Z])/g)) {
    const swap = (x: string): string => (x === x.toLowerCase() ? x.toUpperCase() : x.toLowerCase());
    if (m[3] !== undefined) extra += swap(m[3]);
    else if ((m[1]! <= 'Z') === (m[2]! <= 'Z')) extra += `${swap(m[1]!)}-${swap(m[2]!)}`;
  }
  return `[${neg}${items}${extra}]`;
}

/** Translates an RE2 pattern. Throws `RegexSyntaxError`. */
export function translateRE2(pattern: string): TranslatedRegex {
  const cs = [...pattern];
  let i = 0;
  let flags = 'su';
  let out = '';
  let depth = 0;
  let lastWasAtom = false; // something a repeat operator may follow
  /** Case-insensitivity of each open group (innermost last), for scoped (?i) and (?i:...). */
  const fold: boolean[] = [false];
  const folding = (): boolean => fold[fold.length - 1]!;
  const fail = (problem: string): never => {
    throw new RegexSyntaxError(pattern, problem);
  };

  // Leading global flags: (?i), (?s), (?is), (?si).
  const lead = /^\(\?([is]+)\)/.exec(pattern);
  if (lead) {
    if (lead[1]!.includes('i')) flags += 'i';
    i = lead[0].length;
  }

  /** Reads an escape at cs[i] === '\\'; returns the JS text and advances i. */
  const escape = (inClass: boolean): string => {
    const c = cs[i + 1];
    if (c === undefined) return fail('trailing backslash at end of expression');
    i += 2;
    switch (c) {
      case 'd': case 'D': case 'w': case 'W':
        return '\\' + c;
      case 's':
        return inClass ? RE2_SPACE : `[${RE2_SPACE}]`;
      case 'S':
        return inClass ? '\\x00-\\x08\\x0b\\x0e-\\x1f\\x21-\\u{10ffff}' : `[^${RE2_SPACE}]`;
      case 'b': case 'B':
        if (inClass) return fail(`invalid escape \\${c} in character class`);
        return '\\' + c;
      case 'A':
        if (inClass) return fail('invalid escape \\A in character class');
        return '^';
      case 'z':
        if (inClass) return fail('invalid escape \\z in character class');
        return '$';
      case 'a':
        return '\\x07';
      case 'f': case 't': case 'n': case 'r': case 'v':
        return '\\' + c;
      case 'x': {
        if (cs[i] === '{') {
          const end = cs.indexOf('}', i);
          const hex = end < 0 ? '' : cs.slice(i + 1, end).join('');
          if (!/^[0-9a-fA-F]{1,6}$/.test(hex) || parseInt(hex, 16) > 0x10ffff) return fail('invalid \\x{...} escape');
          i = end + 1;
          return `\\u{${hex}}`;
        }
        const hex = cs.slice(i, i + 2).join('');
        if (!/^[0-9a-fA-F]{2}$/.test(hex)) return fail('invalid \\x escape');
        i += 2;
        return `\\x${hex}`;
      }
      case 'p': case 'P': {
        let name: string;
        if (cs[i] === '{') {
          const end = cs.indexOf('}', i);
          if (end < 0) return fail('missing } in \\p{...}');
          name = cs.slice(i + 1, end).join('');
          i = end + 1;
        } else {
          name = cs[i] ?? '';
          i += 1;
        }
        let neg = c === 'P';
        if (name.startsWith('^')) {
          neg = !neg;
          name = name.slice(1);
        }
        if (!/^[A-Za-z_]+$/.test(name)) return fail(`invalid Unicode class \\${c}{${name}}`);
        const body = CATEGORIES.has(name) ? name : `Script=${name}`;
        const text = `\\${neg ? 'P' : 'p'}{${body}}`;
        try {
          new RegExp(text, 'u');
        } catch (cause) {
          throw new RegexSyntaxError(pattern, `unknown Unicode class ${name}`, { cause });
        }
        return text;
      }
      case 'Q': {
        let end = -1;
        for (let k = i; k + 1 < cs.length; k++) if (cs[k] === '\\' && cs[k + 1] === 'E') { end = k; break; }
        const lit = cs.slice(i, end < 0 ? cs.length : end);
        i = end < 0 ? cs.length : end + 2;
        if (inClass) return lit.map((x) => literal(x, true)).join('');
        return lit.length === 0 ? '(?:)' : `(?:${lit.map((x) => literal(x, false)).join('')})`;
      }
      default:
        break;
    }
    if (c >= '0' && c <= '7') {
      // RE2: \0, or two/three octal digits; a lone \1-\7 is a backreference (unsupported).
      let digits = c;
      while (digits.length < 3 && cs[i] !== undefined && cs[i]! >= '0' && cs[i]! <= '7') digits += cs[i++];
      if (c !== '0' && digits.length === 1) return fail(`backreferences (\\${c}) are not supported`);
      return `\\u{${parseInt(digits, 8).toString(16)}}`;
    }
    if (c === '8' || c === '9') return fail(`backreferences (\\${c}) are not supported`);
    if (isAsciiPunct(c)) return literal(c, inClass);
    return fail(`invalid escape sequence \\${c}`);
  };

  const charClass = (): string => {
    // cs[i] === '['
    i++;
    let body = '';
    if (cs[i] === '^') {
      body += '^';
      i++;
    }
    let first = true;
    for (;;) {
      const c = cs[i];
      if (c === undefined) return fail('missing closing ] in character class');
      if (c === ']' && !first) {
        i++;
        break;
      }
      first = false;
      if (c === '[' && cs[i + 1] === ':') {
        const end = cs.indexOf(']', i + 2);
        const m = end < 0 ? null : /^\[:(\^?)([a-z]+):\]$/.exec(cs.slice(i, end + 1).join(''));
        if (m) {
          const set = POSIX[m[2]!];
          if (set === undefined) return fail(`invalid POSIX class [:${m[2]}:]`);
          if (m[1] === '^') return fail(`negated POSIX class [:^${m[2]}:] inside a class is not supported`);
          body += set;
          i = end + 1;
          continue;
        }
      }
      if (c === '\\') {
        body += escape(true);
        continue;
      }
      body += c === '-' ? '-' : literal(c, true);
      i++;
    }
    // A lone `[^]`-like construct cannot arise: RE2 takes a leading ] as a literal.
    return `[${body}]`;
  };

  while (i < cs.length) {
    const c = cs[i]!;
    switch (c) {
      case '\\': {
        const isAnchor = cs[i + 1] === 'A' || cs[i + 1] === 'z' || cs[i + 1] === 'b' || cs[i + 1] === 'B';
        out += escape(false);
        lastWasAtom = !isAnchor;
        continue;
      }
      case '[':
        out += folding() ? foldClass(charClass()) : charClass();
        lastWasAtom = true;
        continue;
      case '(': {
        const rest = cs.slice(i, i + 4).join('');
        if (rest.startsWith('(?')) {
          const named = /^\(\?P?<([A-Za-z_][A-Za-z0-9_]*)>/.exec(cs.slice(i, i + 64).join(''));
          if (named) {
            out += `(?<${named[1]}>`;
            i += named[0].length;
            fold.push(folding());
          } else if (rest.startsWith('(?:')) {
            out += '(?:';
            i += 3;
            fold.push(folding());
          } else if (/^\(\?(=|!|<=|<!)/.test(rest)) {
            return fail('lookahead and lookbehind assertions are not supported (RE2 syntax)');
          } else if (rest.startsWith('(?P=')) {
            return fail('backreferences (?P=name) are not supported');
          } else {
            const fl = /^\(\?([-a-zA-Z]*)([:)])/.exec(cs.slice(i, i + 16).join(''));
            if (fl && /^[is]*$/.test(fl[1]!)) {
              // (?s) is always in force; (?i) folds case in its scope (see the header).
              i += fl[0].length;
              const ci = fl[1]!.includes('i') || folding();
              if (fl[2] === ':') {
                out += '(?:';
                fold.push(ci);
              } else {
                fold[fold.length - 1] = ci; // (?i) applies to the rest of the enclosing group
                continue;
              }
            } else {
              return fail(`flag group ${fl ? fl[0] : '(?'} is not supported (only i and s flags)`);
            }
          }
        } else {
          out += '(';
          i++;
          fold.push(folding());
        }
        depth++;
        lastWasAtom = false;
        continue;
      }
      case ')':
        if (depth === 0) return fail('unexpected )');
        depth--;
        fold.pop();
        out += ')';
        i++;
        lastWasAtom = true;
        continue;
      case '{': {
        const m = /^\{(\d+)(,(\d*))?\}/.exec(cs.slice(i, i + 24).join(''));
        if (m && lastWasAtom) {
          const lo = Number(m[1]);
          const hi = m[3] === undefined || m[3] === '' ? lo : Number(m[3]);
          if (lo > MAX_REPEAT || hi > MAX_REPEAT || (m[3] !== undefined && m[3] !== '' && hi < lo)) return fail(`invalid repeat count ${m[0]}`);
          out += m[0];
          i += m[0].length;
          if (cs[i] === '?') out += cs[i++];
          if (cs[i] === '*' || cs[i] === '+' || cs[i] === '?' || cs[i] === '{') return fail('invalid nested repetition operator');
          lastWasAtom = false;
          continue;
        }
        if (m) return fail(`missing argument to repetition operator ${m[0]}`);
        out += '\\{';
        i++;
        lastWasAtom = true;
        continue;
      }
      case '*': case '+': case '?':
        if (!lastWasAtom) return fail(`missing argument to repetition operator ${c}`);
        out += c;
        i++;
        if (cs[i] === '?') out += cs[i++];
        if (cs[i] === '*' || cs[i] === '+' || cs[i] === '?') return fail(`invalid nested repetition operator ${c}${cs[i]}`);
        lastWasAtom = false;
        continue;
      case '|':
        out += '|';
        i++;
        lastWasAtom = false;
        continue;
      case '^': case '$':
        out += c;
        i++;
        lastWasAtom = false;
        continue;
      case '.':
        out += '.';
        i++;
        lastWasAtom = true;
        continue;
      default:
        out += folding() && c.toLowerCase() !== c.toUpperCase() && [...c.toLowerCase()].length === 1 && [...c.toUpperCase()].length === 1
          ? `[${c.toLowerCase()}${c.toUpperCase()}]`
          : literal(c, false);
        i++;
        lastWasAtom = true;
    }
  }
  if (depth !== 0) fail('missing closing )');
  try {
    new RegExp(out, flags);
  } catch (cause) {
    throw new RegexSyntaxError(pattern, cause instanceof Error ? cause.message : String(cause), { cause });
  }
  return { source: out, flags };
}

/**
 * Compiles an RE2 pattern fully anchored, as Prometheus' relabel `regex` (`^(?s:pattern)$`).
 * Throws `RegexSyntaxError`.
 */
export function compileAnchored(pattern: string): RegExp {
  const t = translateRE2(pattern);
  return new RegExp(`^(?:${t.source})$`, t.flags);
}
