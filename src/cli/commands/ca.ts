/** `berth ca`: prints Berth's CA certificate (PEM), for `curl --cacert` and browsers' trust stores. */
import { usage } from '../args.js';
import { CliError, EXIT } from '../cli-error.js';
import type { Command } from '../command.js';
import { GLOBAL_FLAGS_HELP } from '../command.js';
import { CA_PATH } from '../../control-plane/acm/ca-route.js';

export const ca: Command = {
  name: 'ca',
  summary: "print the CA certificate that signs RequestCertificate's certificates",
  help: `usage: berth ca > berth-ca.pem
Berth issues requested certificates from its own CA (kept in the data dir). Trust it with
  curl --cacert berth-ca.pem https://...
or add it to a browser's or the system's trust store.
${GLOBAL_FLAGS_HELP}`,
  flags: [],
  async run({ args, clients, out, signal }) {
    if (args.positionals.length) throw usage(`unexpected argument "${args.positionals[0]}"`);
    const res = await fetch(`${clients.endpoint.url}${CA_PATH}`, { signal });
    if (!res.ok) throw new CliError(`HTTP ${res.status}: the server at ${clients.endpoint.url} has no CA (${res.statusText})`);
    out.write(await res.text());
    return EXIT.ok;
  },
};
