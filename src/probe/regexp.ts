import { translateRE2 } from '../model/index.js';

/**
 * Go's parser accepts a repetition of an empty-width assertion (`^+OK` in blackbox's own
 * pop3s_banner module) where src/model's translator wants an atom; wrapping the assertion in a
 * group (`(?:^)+OK`) means the same to both. Character classes and escapes are left alone.
 */
export function groupRepeatedAssertions(pattern: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\') {
      out += c + (pattern[i + 1] ?? '');
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      out += c;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      // A leading ] or ^] is literal inside the class.
      if (pattern[i + 1] === '^') out += pattern[++i];
      if (pattern[i + 1] === ']') out += pattern[++i];
      continue;
    }
    if ((c === '^' || c === '$') && /[*+?{]/.test(pattern[i + 1] ?? '')) {
      out += `(?:${c})`;
      continue;
    }
    out += c;
  }
  return out;
}

/**
 * Compiles a Go (RE2) regexp from blackbox.yml, unanchored, with Go's default flags: `.` does
 * not match a newline unless the pattern asks for it with `(?s)`. Throws RegexSyntaxError.
 */
export function compileGoRegexp(pattern: string): RegExp {
  const t = translateRE2(groupRepeatedAssertions(pattern));
  const dotAll = /\(\?[a-zA-Z]*s[a-zA-Z]*[:)]/.test(pattern);
  return new RegExp(t.source, dotAll ? t.flags : t.flags.replace('s', ''));
}
