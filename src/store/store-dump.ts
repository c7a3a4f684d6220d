/**
 * The store-neutral backup: JSON lines, a header then one record per line, the same from SQLite and
 * etcd, so a dump taken from one restores into the other (how a Berth moves from the embedded SQLite
 * to etcd). Revisions are not kept: a restored store numbers its own. The control plane's own keys
 * (leader, server records) belong to the running replicas and are neither dumped nor restored.
 *
 *   {"berthDump":1,"revision":1234,"records":2}
 *   {"key":"/berth/ecs/clusters/default","value":{...}}
 *   {"key":"/berth/ecs/services/default/web","value":{...}}
 */
import { createReadStream, createWriteStream, openSync, readSync, closeSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { once } from 'node:events';
import type { Store } from './store.js';

export const DUMP_VERSION = 1;
const CONTROL_PLANE_PREFIX = '/berth/control-plane/';
/** Records per restore transaction: well under etcd's request limits even with large task records. */
const RESTORE_BATCH = 200;

export interface DumpHeader {
  readonly berthDump: number;
  readonly revision: number;
  readonly records: number;
}

export interface DumpRecord {
  readonly key: string;
  readonly value: unknown;
}

export class DumpFormatError extends Error {
  override readonly name = 'DumpFormatError';
}

const dumped = (key: string) => !key.startsWith(CONTROL_PLANE_PREFIX);

/** One consistent read of every record (both stores list at one revision), written to `out`. */
export async function dumpStore(store: Store, out: string): Promise<DumpHeader> {
  const listed = await store.list('');
  const records = listed.records.filter((r) => dumped(r.key));
  const header: DumpHeader = { berthDump: DUMP_VERSION, revision: listed.revision, records: records.length };
  const file = createWriteStream(out, { mode: 0o600 });
  const write = async (line: string) => {
    if (!file.write(`${line}\n`)) await once(file, 'drain');
  };
  await write(JSON.stringify(header));
  for (const r of records) await write(JSON.stringify({ key: r.key, value: r.value }));
  file.end();
  await once(file, 'close');
  return header;
}

/** Whether `path` starts like an SQLite database (a `berth backup` of the SQLite store) rather than a dump. */
export function isSqliteFile(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(16);
    const n = readSync(fd, head, 0, 16, 0);
    return n === 16 && head.toString('latin1') === 'SQLite format 3\0';
  } finally {
    closeSync(fd);
  }
}

export async function readDump(path: string): Promise<{ header: DumpHeader; records: DumpRecord[] }> {
  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  let header: DumpHeader | undefined;
  const records: DumpRecord[] = [];
  let n = 0;
  for await (const line of lines) {
    n++;
    if (line === '') continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      throw new DumpFormatError(`${path}:${n} is not JSON: not a berth backup`);
    }
    if (!header) {
      const h = parsed as Partial<DumpHeader>;
      if (h.berthDump !== DUMP_VERSION) throw new DumpFormatError(`${path} is not a berth backup of format ${DUMP_VERSION} (first line: ${line.slice(0, 80)})`);
      header = h as DumpHeader;
      continue;
    }
    const r = parsed as Partial<DumpRecord>;
    if (typeof r.key !== 'string' || !('value' in r)) throw new DumpFormatError(`${path}:${n} is not a record (key, value)`);
    records.push({ key: r.key, value: r.value });
  }
  if (!header) throw new DumpFormatError(`${path} is empty: not a berth backup`);
  if (records.length !== header.records) throw new DumpFormatError(`${path} holds ${records.length} records, its header says ${header.records}: truncated?`);
  return { header, records };
}

export interface LoadOptions {
  /** Delete the target's Berth records first; without it a target holding any is refused. */
  readonly replace?: boolean;
}

/** Writes the records into `store`, in transactions; the target must hold no Berth record unless `replace`. */
export async function loadRecords(store: Store, records: readonly DumpRecord[], options: LoadOptions = {}): Promise<number> {
  const existing = (await store.list('')).records.filter((r) => dumped(r.key));
  if (existing.length > 0 && !options.replace) {
    throw new DumpFormatError(
      `the target store already holds ${existing.length} records (first: ${existing[0]!.key}): restore into an empty store, or pass --replace`,
    );
  }
  // A stock etcd refuses a txn over its --max-txn-ops (128 by default).
  const batch = Math.min(RESTORE_BATCH, store.maxTxnOps ?? RESTORE_BATCH);
  for (let i = 0; i < existing.length; i += batch) {
    await store.txn({ compares: [], success: existing.slice(i, i + batch).map((r) => ({ type: 'delete' as const, key: r.key })) });
  }
  const wanted = records.filter((r) => dumped(r.key));
  for (let i = 0; i < wanted.length; i += batch) {
    await store.txn({ compares: [], success: wanted.slice(i, i + batch).map((r) => ({ type: 'put' as const, key: r.key, value: r.value })) });
  }
  return store.revision();
}
