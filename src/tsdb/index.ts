export { Db, type DbStats } from './db.js';
export { DAY, type DbOptions, HOUR } from './options.js';
export { DirLockedError } from './lock.js';
export { Block, type BlockMeta } from './block/index.js';
export { BackfillError, type BackfillResult, type BackfillSeries } from './backfill.js';
