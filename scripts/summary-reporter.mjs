// A Node test-runner reporter that prints only the closing count line.
// Counts leaf tests (suites are not counted); a test with a skip or todo is "skipped".
export default async function* summary(source) {
  let passed = 0, failed = 0, skipped = 0;
  for await (const ev of source) {
    if (ev.type !== 'test:pass' && ev.type !== 'test:fail') continue;
    const d = ev.data;
    if (d.details?.type === 'suite') continue;
    if (d.skip !== undefined || d.todo !== undefined) skipped++;
    else if (ev.type === 'test:pass') passed++;
    else if (d.details?.error?.failureType !== 'subtestsFailed') failed++;
  }
  yield `\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`;
}
