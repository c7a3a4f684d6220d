import { inProcessLogSource } from './agent-log-source.js';
import { logSourceConformance } from './log-source.conformance.js';

logSourceConformance('in-process agent', async (agent) => ({ source: inProcessLogSource(agent), cleanup: async () => undefined }));
