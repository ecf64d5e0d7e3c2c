export { type BackoffPolicy, backoffDelay } from './backoff.js';
export { Delivery, type DeliveryOptions, type ReceiverIntegrations, type TestResult, UnknownReceiverError } from './delivery.js';
export { type Attempt, type AttemptFilter, type AttemptOutcome } from './store.js';
export { labelsFingerprint, testNotification } from './test-notification.js';
export { notificationRoutes } from './routes.js';
