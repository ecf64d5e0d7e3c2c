import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { RuleFileError } from './errors.js';
import { loadRuleFiles } from './load.js';

const GOOD = (name: string): string => `groups:\n  - name: ${name}\n    rules:\n      - record: r\n        expr: up\n`;

describe('loadRuleFiles', () => {
  it('expands globs relative to the base directory, sorted, each file once', async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'vigie-rules-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    await mkdir(join(dir, 'rules.d'));
    await writeFile(join(dir, 'rules.d', 'b.yml'), GOOD('b'));
    await writeFile(join(dir, 'rules.d', 'a.yml'), GOOD('a'));
    await writeFile(join(dir, 'rules.d', 'notes.txt'), 'not rules');
    await writeFile(join(dir, 'main.yml'), GOOD('main'));
    const files = await loadRuleFiles(['rules.d/*.yml', 'main.yml', 'rules.d/[ab].yml', 'nothing/*.yml'], dir);
    assert.deepEqual(
      files.map((f) => f.path),
      [join(dir, 'main.yml'), join(dir, 'rules.d', 'a.yml'), join(dir, 'rules.d', 'b.yml')],
    );
    assert.deepEqual(files.map((f) => f.groups[0]?.name), ['main', 'a', 'b']);
  });

  it('a missing explicit file is an error; every bad file is reported', async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'vigie-rules-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    await writeFile(join(dir, 'bad.yml'), 'groups:\n  - name: x\n    rules:\n      - record: r\n');
    await assert.rejects(loadRuleFiles(['missing.yml', 'bad.yml'], dir), (e: unknown) => {
      assert.ok(e instanceof RuleFileError);
      assert.match(e.message, /missing\.yml: cannot read rule file: no such file/);
      assert.match(e.message, /bad\.yml:4:9: group "x", rule 1 \("r"\): field 'expr' must be set/);
      return true;
    });
  });

  it('rejects a directory and a malformed glob', async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'vigie-rules-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    await assert.rejects(loadRuleFiles(['.'], dir), /not a regular file/);
    await assert.rejects(loadRuleFiles(['[ab.yml'], dir), /bad rule_files pattern: unclosed \[/);
  });
});
