/**
 * Reading a SQLite file's 100-byte header without SQLite: `user_version` sits at offset 60 (big-endian), so a
 * database from a newer app can be refused before SQLite opens it (opening would switch it to WAL and leave -wal/-shm
 * files behind). The caller reads the bytes; this only interprets them.
 */
export const SQLITE_HEADER_BYTES = 100;
const MAGIC = 'SQLite format 3\0';

/** null for an empty file, 'notSqlite' for anything that is not a SQLite header, else the user_version. */
export function parseSqliteHeader(bytes: Uint8Array): { userVersion: number } | 'notSqlite' | null {
  if (bytes.length === 0) return null;
  if (bytes.length < SQLITE_HEADER_BYTES) return 'notSqlite';
  for (let i = 0; i < MAGIC.length; i++) if (bytes[i] !== MAGIC.charCodeAt(i)) return 'notSqlite';
  return { userVersion: ((bytes[60]! << 24) >>> 0) + (bytes[61]! << 16) + (bytes[62]! << 8) + bytes[63]! };
}
