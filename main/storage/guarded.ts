// One SQLite call with the report database's error handling: typed app errors pass, anything else becomes a
// StorageError that says what to do (disk full, permissions, a lock).
import { AppError } from '../ipc/errors';
import { storageError, type Db } from './database';

export function guarded<T>(what: string, body: () => T): T {
  try {
    return body();
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw storageError(what, error);
  }
}

/** One immediate transaction: the read-check-write cannot interleave with another writer. */
export function transaction<T>(db: Db, what: string, body: () => T): T {
  return guarded(what, () => db.transaction(body).immediate());
}
