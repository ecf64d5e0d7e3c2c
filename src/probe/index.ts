export type { ProbeMetric, ProbeOptions, ProbeResult } from './types.js';
