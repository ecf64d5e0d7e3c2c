export { type StateDb, StateDbError, migrate, openStateDb } from './state-db.js';
export { sqlWhere } from './where.js';
