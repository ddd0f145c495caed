export { openDatabase, migrateToLatest, parseDatabaseUrl, resolveDatabaseUrl, redact, DEFAULT_DATABASE_URL } from './database';
export type { TunekitDb, DatabaseTarget } from './database';
export { DataAccessError } from './errors';
export type { DataAccessErrorCode } from './errors';
export type * from './schema/database';
