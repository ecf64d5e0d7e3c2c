// Dependency rules for src/ (run by `npm run lint`). See ARCHITECTURE.md: dependencies point one
// way (common <- model <- storage <- tsdb), only src/main.ts and src/cli reach everything, and a
// folder is entered through its index.ts.

/** Only these folders may be imported from `from` (besides itself). */
function onlyImports(folder, allowed) {
  const ok = [folder, ...allowed].map((f) => `src/${f}/`).join('|');
  return {
    name: `${folder.replace(/\//g, '-')}-layer`,
    comment: `src/${folder} may import only ${allowed.length ? allowed.map((f) => `src/${f}`).join(', ') : 'itself'} from src/`,
    severity: 'error',
    from: { path: `^src/${folder}/` },
    to: { path: '^src/', pathNot: `^(${ok})` },
  };
}

// "A folder is entered through its index.ts": importing a file that lives under folder F from
// outside F must target F/index.ts. F is every folder of src/ at depth 1..MAX_DEPTH, so
// src/tsdb/wal is a folder of its own (src/tsdb/db.ts goes through src/tsdb/wal/index.ts), while
// a file inside F may import any file of F and of F's ancestors.
const MAX_DEPTH = 5;
const indexOnlyRules = [];
for (let d = 1; d <= MAX_DEPTH; d++) {
  const folder = 'src' + '/[^/]+'.repeat(d); // a folder d levels below src (no nested quantifiers: depcruise rejects them)
  const inner = `^${folder}/`;
  const index = `^${folder}/index\\.ts$`;
  // importer inside a folder at least d deep: $1 is its ancestor at depth d
  indexOnlyRules.push({
    name: `index-only-${d}a`,
    comment: 'import another folder only through its index.ts',
    severity: 'error',
    from: { path: `^(${folder})/` },
    to: { path: inner, pathNot: ['^$1/', index] },
  });
  // importer less than d deep (e.g. src/main.ts for d=1): never inside a depth-d folder
  indexOnlyRules.push({
    name: `index-only-${d}b`,
    comment: 'import another folder only through its index.ts',
    severity: 'error',
    from: { path: '^src/', pathNot: inner },
    to: { path: inner, pathNot: index },
  });
}

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'No import cycles at run time. A cycle closed by a type-only import (a helper class naming ' +
        'its owner\'s type, e.g. HeadAppender -> type Head) is allowed: it is erased at compile time.',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    onlyImports('common', []),
    onlyImports('model', ['common']),
    onlyImports('storage', ['model', 'common']),
    onlyImports('tsdb', ['storage', 'model', 'common']),
    // config composes the schemas that probe (blackbox modules) and notify (Alertmanager's config) own.
    onlyImports('config', ['common', 'model', 'relabel', 'probe', 'notify']),
    onlyImports('relabel', ['common', 'model']),
    onlyImports('textparse', ['common']),
    onlyImports('promql', ['common', 'model', 'storage']),
    onlyImports('api', ['common', 'model', 'promql', 'server', 'storage']),
    onlyImports('collect', ['common', 'config', 'model']),
    onlyImports('state', ['common']),
    // Probers are pure: no storage, no scheduling (that is src/uptime).
    onlyImports('probe', ['common', 'model']),
    onlyImports('uptime', ['common', 'model', 'storage', 'promql', 'probe', 'state', 'server', 'config']),
    onlyImports('template', ['common', 'model']),
    // Rules reach the engine and the notifier through function types, never src/notify.
    onlyImports('rules', ['common', 'model', 'storage', 'promql', 'template', 'state', 'server', 'config']),
    onlyImports('notify', ['common', 'model', 'state', 'server', 'template']),
    onlyImports('auth', ['common', 'state', 'server', 'config']),
    // Its HTTP tests also install src/auth to check the policy on its routes.
    { ...onlyImports('dashboards', ['common', 'state', 'server']), from: { path: '^src/dashboards/', pathNot: '\\.test\\.ts$' } },
    // Its end-to-end test also drives PromQL and the remote write sender (VictoriaMetrics fed by Vigie).
    { ...onlyImports('remoteread', ['common', 'config', 'model', 'storage']), from: { path: '^src/remoteread/', pathNot: '\\.test\\.ts$' } },
    {
      name: 'server-not-tsdb',
      comment: 'src/server reaches storage through src/storage interfaces, never src/tsdb; it never imports the CLI or the composition root.',
      severity: 'error',
      from: { path: '^src/server/' },
      to: { path: '^src/(tsdb|cli)/|^src/main\\.ts$' },
    },
    {
      name: 'tsdb-only-from-root',
      comment: 'Only the composition root (src/main.ts) and the CLI construct the TSDB; others go through src/storage.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(tsdb/|cli/|main\\.ts$)' },
      to: { path: '^src/tsdb/' },
    },
    {
      name: 'main-only-from-cli',
      comment: 'src/main.ts is the composition root: only the CLI imports it.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/cli/' },
      to: { path: '^src/main\\.ts$' },
    },
    {
      name: 'cli-only-from-outside',
      comment: 'Nothing in src/ imports the CLI (bin/vigie does).',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/cli/' },
      to: { path: '^src/cli/' },
    },
    ...indexOnlyRules,
    {
      name: 'not-to-unresolvable',
      comment: 'Every import must resolve.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'no-undeclared-package',
      comment: 'Packages used must be in package.json.',
      severity: 'error',
      from: {},
      to: { dependencyTypes: ['npm-no-pkg', 'npm-unknown'] },
    },
    {
      name: 'not-to-dev-dep',
      comment: 'Production code must not use devDependencies (tests may).',
      severity: 'error',
      from: { path: '^src/', pathNot: '\\.(test|support)\\.ts$' },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.d.ts'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
