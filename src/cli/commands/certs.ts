/** `berth certs`: the ACM certificates with their days to expiry, the ones within 30 days marked. */
import { usage } from '../args.js';
import { EXIT } from '../cli-error.js';
import type { Command } from '../command.js';
import { GLOBAL_FLAGS_HELP } from '../command.js';
import { acmCall } from '../acm-call.js';
import { json, renderTable, shortId } from '../table.js';
import { daysToExpiry, expiresSoon, EXPIRY_WARNING_DAYS } from '../../domain/acm/certificate-use.js';
import { KEY_ALGORITHMS } from '../../domain/acm/certificate.js';

interface Summary {
  CertificateArn: string;
  DomainName?: string;
  Status?: string;
  Type?: string;
  KeyAlgorithm?: string;
  InUse?: boolean;
  NotAfter?: number;
}

export interface CertRow {
  id: string;
  arn: string;
  domain: string;
  status: string;
  type: string;
  key: string;
  inUse: boolean;
  expires?: string;
  daysToExpiry?: number;
  expiresSoon: boolean;
}

export function certRows(summaries: readonly Summary[], now: number): CertRow[] {
  return summaries
    .map((s) => {
      const notAfter = s.NotAfter !== undefined ? s.NotAfter * 1000 : undefined;
      return {
        id: shortId(s.CertificateArn) ?? s.CertificateArn,
        arn: s.CertificateArn,
        domain: s.DomainName ?? '?',
        status: s.Status ?? '?',
        type: s.Type ?? '?',
        key: s.KeyAlgorithm ?? '?',
        inUse: s.InUse === true,
        ...(notAfter !== undefined ? { expires: new Date(notAfter).toISOString().slice(0, 10), daysToExpiry: daysToExpiry(notAfter, now) } : {}),
        expiresSoon: notAfter !== undefined && expiresSoon(notAfter, now),
      };
    })
    .sort((a, b) => a.domain.localeCompare(b.domain) || a.arn.localeCompare(b.arn));
}

export function renderCerts(rows: readonly CertRow[]): string {
  const table = renderTable(
    ['id', 'domain', 'status', 'type', 'key', 'in use', 'expires', 'days'],
    rows.map((r) => {
      const days = r.daysToExpiry === undefined ? undefined : `${r.daysToExpiry}${r.expiresSoon ? ' !' : ''}`;
      return [r.id, r.domain, r.status, r.type, r.key, r.inUse ? 'yes' : 'no', r.expires, days];
    }),
  );
  const soon = rows.filter((r) => r.expiresSoon).length;
  return soon > 0 ? `${table}${soon} certificate(s) expire within ${EXPIRY_WARNING_DAYS} days (!)\n` : table;
}

export const certs: Command = {
  name: 'certs',
  summary: 'list the ACM certificates with their days to expiry',
  help: `usage: berth certs
Every certificate (imported, or issued by Berth's CA), whatever its key type; those that expire within
${EXPIRY_WARNING_DAYS} days are marked with !.
${GLOBAL_FLAGS_HELP}`,
  flags: [],
  async run({ args, clients, out, signal }) {
    if (args.positionals.length) throw usage(`unexpected argument "${args.positionals[0]}"`);
    const all: Summary[] = [];
    let token: string | undefined;
    do {
      const page: { CertificateSummaryList?: Summary[]; NextToken?: string } = await acmCall(
        clients.endpoint,
        'ListCertificates',
        { Includes: { keyTypes: [...KEY_ALGORITHMS] }, ...(token ? { NextToken: token } : {}) },
        signal,
      );
      all.push(...(page.CertificateSummaryList ?? []));
      token = page.NextToken;
    } while (token);
    const rows = certRows(all, Date.now());
    out.write(args.flags.json ? json(rows) : renderCerts(rows));
    return EXIT.ok;
  },
};
