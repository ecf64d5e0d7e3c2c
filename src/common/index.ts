export { type Clock, ManualClock, systemClock } from './clock.js';
export { AbortedError, CorruptionError, VigieError, throwIfAborted } from './errors.js';
export { type Logger, type LoggerOptions, createLogger, silentLogger } from './logger.js';
export { waitUntil } from './wait.js';
export { freePort } from './net.js';
export { xorshift32 } from './random.js';
export { opensslMissing, selfSigned } from './test-certs.js';
