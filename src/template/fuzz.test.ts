import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TemplateError } from './errors.js';
import { Template } from './template.js';

/** Deterministic PRNG (mulberry32) so a failure replays. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = [
  '{{', '}}', '{{-', ' -}}', ' ', '.', '.a', '.b.c', '$', '$x', ':=', '=', '|', '(', ')', ',', '"s"', '`r`', "'c'", '1', '-2', '3.5', '1e3', '0x1F',
  'if', 'else', 'end', 'range', 'with', 'define', 'template', 'block', 'break', 'continue', 'nil', 'true', 'and', 'or', 'not', 'eq', 'lt', 'len', 'index', 'slice',
  'printf', '"%d %s %v %.2f"', 'print', 'humanize', 'title', 'reReplaceAll', '"(a"', 'toTime', 'args', 'tmpl', '/*', '*/', '\n', 'text', '"\\q"', '"\\x4',
];

describe('template fuzzing', () => {
  it('random templates either work or fail with a TemplateError', async () => {
    const rand = rng(20240601);
    const data = { a: ['x', 'y'], b: { c: 'z' }, n: 3n, f: 1.5 };
    let parsed = 0;
    for (let i = 0; i < 3000; i++) {
      const n = 1 + Math.floor(rand() * 14);
      let text = '';
      for (let j = 0; j < n; j++) text += PIECES[Math.floor(rand() * PIECES.length)]!;
      let t: Template;
      try {
        t = Template.parse('fuzz', text);
      } catch (err) {
        assert.ok(err instanceof TemplateError, `parse of ${JSON.stringify(text)} threw ${String(err)}`);
        continue;
      }
      parsed++;
      try {
        await t.execute(data, { timeoutMs: 1000 });
      } catch (err) {
        assert.ok(err instanceof TemplateError, `execution of ${JSON.stringify(text)} threw ${String(err)}`);
      }
    }
    assert.ok(parsed > 100, `only ${parsed} random templates parsed: the generator is too hostile to test execution`);
  });
});
