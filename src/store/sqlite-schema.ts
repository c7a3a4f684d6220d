/**
 * The SQLite file behind SqliteStore: pragmas, tables, and every statement, prepared once (the
 * scheduler commits thousands of placements per second through these).
 */
import Database from 'better-sqlite3';

export type Synchronous = 'NORMAL' | 'FULL';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS kv (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  create_revision INTEGER NOT NULL,
  mod_revision INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS events (
  revision INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  type TEXT NOT NULL CHECK (type IN ('put', 'delete')),
  key TEXT NOT NULL,
  value TEXT,
  PRIMARY KEY (revision, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS meta (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  schema_version INTEGER NOT NULL,
  revision INTEGER NOT NULL,
  compacted_revision INTEGER NOT NULL
);
INSERT OR IGNORE INTO meta (id, schema_version, revision, compacted_revision) VALUES (1, 1, 0, 0);
`;

export function openDatabase(path: string, synchronous: Synchronous): Database.Database {
  const db = new Database(path);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${synchronous}`);
    // Another process reading the file (sqlite3 CLI, a backup) may briefly hold a lock.
    db.pragma('busy_timeout = 5000');
    db.exec(SCHEMA);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

export class SqliteStatements {
  readonly get: Database.Statement;
  readonly upsert: Database.Statement;
  readonly remove: Database.Statement;
  readonly insertEvent: Database.Statement;
  readonly compact: Database.Statement;
  readonly readMeta: Database.Statement;
  readonly writeMeta: Database.Statement;
  private readonly lists: Database.Statement[];
  private readonly histories: Database.Statement[];

  constructor(db: Database.Database) {
    this.get = db.prepare('SELECT value, create_revision, mod_revision FROM kv WHERE key = ?');
    this.upsert = db.prepare(
      `INSERT INTO kv (key, value, create_revision, mod_revision) VALUES (?, ?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value, mod_revision = excluded.mod_revision`,
    );
    this.remove = db.prepare('DELETE FROM kv WHERE key = ?');
    this.insertEvent = db.prepare('INSERT INTO events (revision, seq, type, key, value) VALUES (?, ?, ?, ?, ?)');
    this.compact = db.prepare('DELETE FROM events WHERE revision <= ?');
    this.readMeta = db.prepare('SELECT revision, compacted_revision FROM meta WHERE id = 1');
    this.writeMeta = db.prepare('UPDATE meta SET revision = ?, compacted_revision = ? WHERE id = 1');
    const cols = 'SELECT key, value, create_revision, mod_revision FROM kv';
    // [exclusive lower bound][has upper bound]; LIMIT -1 means no limit.
    this.lists = [
      db.prepare(`${cols} WHERE key >= ? ORDER BY key LIMIT ?`),
      db.prepare(`${cols} WHERE key >= ? AND key < ? ORDER BY key LIMIT ?`),
      db.prepare(`${cols} WHERE key > ? ORDER BY key LIMIT ?`),
      db.prepare(`${cols} WHERE key > ? AND key < ? ORDER BY key LIMIT ?`),
    ];
    const events = 'SELECT revision, type, key, value FROM events WHERE revision > ? AND revision <= ? AND key >= ?';
    this.histories = [
      db.prepare(`${events} ORDER BY revision, seq`),
      db.prepare(`${events} AND key < ? ORDER BY revision, seq`),
    ];
  }

  list(exclusiveLower: boolean, upperBound: boolean): Database.Statement {
    return this.lists[(exclusiveLower ? 2 : 0) + (upperBound ? 1 : 0)]!;
  }

  history(upperBound: boolean): Database.Statement {
    return this.histories[upperBound ? 1 : 0]!;
  }
}
