export type { Alert, Notification, NotifiedAlert, NotifyFunc } from './types.js';
