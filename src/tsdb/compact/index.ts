export { compactionRanges, planCompaction } from './planner.js';
export { drainSeries } from './series-samples.js';
