import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ProcessRuntime } from './process-runtime.js';
import { runtimeConformance } from './runtime.conformance.js';

const sampleApp = resolve(import.meta.dirname, '../../../examples/sample-app/server.js');

runtimeConformance('process', async () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'berth-process-runtime-'));
  const runtime = new ProcessRuntime({ stateDir });
  return {
    runtime,
    image: 'ignored:latest',
    // The app listens on PORT, which the runtime sets to the host port.
    server: () => ({ entryPoint: [process.execPath, sampleApp], command: [] }),
    envPath: (name) => `/env/${name}`,
    cleanup: async () => {
      await runtime.close();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
});
