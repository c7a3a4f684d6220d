/**
 * The SQLite file behind SqliteStore: pragmas, tables, and every statement, prepared once (the
 * scheduler commits thousands of placements per second through these).
 */
import Database from 'better-sqlite3';

export type Synchronous = 'NORMAL' | 'FULL';

/**
 * Version 2: ordinary rowid tables. Version 1 declared kv and events WITHOUT ROWID, which keeps
 * each whole row in an index b-tree whose in-page payload limit (~1,000 bytes on 4 KiB pages) is
 * below a task record's size: every record spilled to a mostly empty overflow page, and a
 * 1,000-task commit wrote ~14 MB of WAL instead of ~3.5 MB (see BENCHMARKS.md "Scheduler").
 */
const SCHEMA_VERSION = 2;

const TABLES = `
CREATE TABLE IF NOT EXISTS kv (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  create_revision INTEGER NOT NULL,
  mod_revision INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS events (
  revision INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  type TEXT NOT NULL CHECK (type IN ('put', 'delete')),
  key TEXT NOT NULL,
  value TEXT,
  PRIMARY KEY (revision, seq)
);
`;

const META = `
CREATE TABLE IF NOT EXISTS meta (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  schema_version INTEGER NOT NULL,
  revision INTEGER NOT NULL,
  compacted_revision INTEGER NOT NULL
);
`;

/** Rebuilds a version 1 file's tables as version 2, rows unchanged, in one transaction. */
const MIGRATE_1_TO_2 = `
ALTER TABLE kv RENAME TO kv_v1;
ALTER TABLE events RENAME TO events_v1;
${TABLES}
INSERT INTO kv (key, value, create_revision, mod_revision) SELECT key, value, create_revision, mod_revision FROM kv_v1 ORDER BY key;
INSERT INTO events (revision, seq, type, key, value) SELECT revision, seq, type, key, value FROM events_v1 ORDER BY revision, seq;
DROP TABLE kv_v1;
DROP TABLE events_v1;
UPDATE meta SET schema_version = 2 WHERE id = 1;
`;

export function openDatabase(path: string, synchronous: Synchronous): Database.Database {
  const db = new Database(path);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${synchronous}`);
    // Another process reading the file (sqlite3 CLI, a backup) may briefly hold a lock.
    db.pragma('busy_timeout = 5000');
    // 64 MiB of page cache (default 2 MiB): a 1,000-task commit dirties a few MiB of pages, and a
    // cache smaller than that spills them to the WAL mid-transaction and re-reads them.
    db.pragma('cache_size = -65536');
    migrate(db);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

function migrate(db: Database.Database): void {
  db.transaction(() => {
    db.exec(META);
    const version = db.prepare('SELECT schema_version FROM meta WHERE id = 1').pluck().get() as number | undefined;
    if (version === undefined) {
      db.exec(TABLES);
      db.prepare('INSERT INTO meta (id, schema_version, revision, compacted_revision) VALUES (1, ?, 0, 0)').run(SCHEMA_VERSION);
    } else if (version === 1) {
      db.exec(MIGRATE_1_TO_2);
    } else if (version !== SCHEMA_VERSION) {
      throw new Error(`store file has schema version ${version}; this Berth reads ${SCHEMA_VERSION}`);
    }
  }).immediate();
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
    this.histories = [db.prepare(`${events} ORDER BY revision, seq`), db.prepare(`${events} AND key < ? ORDER BY revision, seq`)];
  }

  list(exclusiveLower: boolean, upperBound: boolean): Database.Statement {
    return this.lists[(exclusiveLower ? 2 : 0) + (upperBound ? 1 : 0)]!;
  }

  history(upperBound: boolean): Database.Statement {
    return this.histories[upperBound ? 1 : 0]!;
  }
}
