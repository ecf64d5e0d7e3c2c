export { type RemoteApiOptions, RemoteReadError } from './http.js';
export { RemoteQueryable, parseExport } from './remote-queryable.js';
