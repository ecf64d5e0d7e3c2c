import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UsageError, parseCommandLine } from './args.js';
import { type CliIO, main } from './index.js';

function capture(): CliIO & { out: string; err: string } {
  const io = { out: '', err: '', stdout: (t: string) => void (io.out += t), stderr: (t: string) => void (io.err += t) };
  return io;
}

describe('parseCommandLine', () => {
  it('applies the server defaults', () => {
    assert.deepEqual(parseCommandLine(['server']), {
      kind: 'server',
      flags: { configFile: undefined, dataDir: './data', listen: { host: '127.0.0.1', port: 9400 }, logLevel: 'info', logFormat: 'auto' },
    });
  });

  it('reads every server flag, with = or a separate value', () => {
    assert.deepEqual(
      parseCommandLine(['server', '--config', 'v.yml', '--data-dir=/var/lib/vigie', '--listen', '0.0.0.0:1234', '--log.level=debug', '--log.format', 'json']),
      {
        kind: 'server',
        flags: { configFile: 'v.yml', dataDir: '/var/lib/vigie', listen: { host: '0.0.0.0', port: 1234 }, logLevel: 'debug', logFormat: 'json' },
      },
    );
  });

  it('knows help and version', () => {
    assert.deepEqual(parseCommandLine(['--help']), { kind: 'help' });
    assert.deepEqual(parseCommandLine(['-h']), { kind: 'help' });
    assert.deepEqual(parseCommandLine(['help', 'server']), { kind: 'help', topic: 'server' });
    assert.deepEqual(parseCommandLine(['server', '--help']), { kind: 'help', topic: 'server' });
    assert.deepEqual(parseCommandLine(['--version']), { kind: 'version' });
    assert.deepEqual(parseCommandLine(['-V']), { kind: 'version' });
  });

  it('parses check config', () => {
    assert.deepEqual(parseCommandLine(['check', 'config', 'a.yml', 'b.yml']), { kind: 'check-config', files: ['a.yml', 'b.yml'] });
  });

  const bad: [string[], RegExp][] = [
    [[], /no command/],
    [['serve'], /unknown command "serve"/],
    [['--frobnicate'], /unknown flag "--frobnicate"/],
    [['server', '--foo'], /Unknown option '--foo'/],
    [['server', 'extra'], /positional/i],
    [['server', '--listen'], /argument missing|--listen/],
    [['server', '--listen', 'nowhere'], /invalid listen address "nowhere"/],
    [['server', '--listen', 'h:70000'], /port must be 0\.\.65535/],
    [['server', '--log.level', 'loud'], /invalid value for --log\.level: "loud"/],
    [['server', '--log.format', 'xml'], /invalid value for --log\.format/],
    [['server', '--data-dir='], /--data-dir must not be empty/],
    [['server', '--help=yes'], /does not take an argument|--help/],
    [['check'], /needs a subject/],
    [['check', 'rules', 'x'], /only 'config'/],
    [['check', 'config'], /no file given/],
    [['help', 'nothing'], /unknown help topic/],
  ];
  for (const [argv, msg] of bad) {
    it(`rejects ${JSON.stringify(argv)}`, () => {
      assert.throws(
        () => parseCommandLine(argv),
        (err: unknown) => err instanceof UsageError && msg.test(err.message),
      );
    });
  }
});

describe('main', () => {
  it('prints usage on --help and exits 0', async () => {
    const io = capture();
    assert.equal(await main(['--help'], io), 0);
    assert.match(io.out, /^Usage: vigie <command>/);
    assert.equal(io.err, '');
  });

  it('prints the version', async () => {
    const io = capture();
    assert.equal(await main(['--version'], io), 0);
    assert.match(io.out, /^vigie \d+\.\d+\.\d+/);
  });

  it('exits 2 with a clear message on a usage error', async () => {
    const io = capture();
    assert.equal(await main(['bogus'], io), 2);
    assert.equal(io.err, `vigie: unknown command "bogus"\nRun 'vigie --help' for usage.\n`);
    assert.equal(io.out, '');
    const io2 = capture();
    assert.equal(await main(['server', '--nope'], io2), 2);
    assert.match(io2.err, /^vigie: Unknown option '--nope'/);
  });

  it('check config exits 1 on a missing file', async () => {
    const io = capture();
    assert.equal(await main(['check', 'config', '/nonexistent/vigie.yml'], io), 1);
    assert.match(io.err, /\/nonexistent\/vigie\.yml: cannot read config file/);
  });
});
