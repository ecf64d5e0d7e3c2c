export { FileDiscovery, globToRegExp } from './file-sd.js';
export { ScrapeClient, ScrapeError } from './http.js';
export { LabelInterner } from './intern.js';
export { KeyPool } from './key-pool.js';
export { ScrapeLoop, type ScrapeDone } from './loop.js';
export { type DroppedTargetInfo, ScrapeConfigError, ScrapeManager, defaultParser, type ScrapeManagerOptions, type TargetInfo } from './manager.js';
export { type ExpositionParserLike, type ParserFactory } from './parser.js';
export { ScrapePool } from './pool.js';
export { Target, type TargetGroup, type TargetHealth, fnv1a32, populateTargets } from './target.js';
