export { type StateDb, StateDbError, migrate, openStateDb } from './state-db.js';
