/**
 * Where the load-balancer process entries are, beside this file: `.ts` under tsx (tests), `.js` in
 * the build. They run with this process's Node flags (`--import tsx` included).
 */
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';

function entry(name: string): { exec: string; execArgv: readonly string[] } {
  const here = fileURLToPath(import.meta.url);
  return { exec: fileURLToPath(new URL(`./${name}${extname(here)}`, import.meta.url)), execArgv: process.execArgv };
}

/** One worker of a node (forked by the node's primary through the cluster module). */
export function lbWorkerExec(): { exec: string; execArgv: readonly string[] } {
  return entry('lb-worker');
}

/** The node's primary as a child of `berth up` / `berth server`. */
export function lbNodeProcessExec(): { exec: string; execArgv: readonly string[] } {
  return entry('lb-node-process');
}
