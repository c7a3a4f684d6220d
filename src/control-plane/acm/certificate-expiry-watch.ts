/**
 * Warns in the log about certificates that expire within 30 days (or have expired): at start-up and
 * then every hour, once per certificate and day, so a long-running server keeps saying it without
 * flooding. The console shows the same from `expiresSoon`.
 */
import { daysToExpiry, expiresSoon } from '../../domain/acm/certificate-use.js';
import type { CertificateRecord } from '../../domain/acm/certificate.js';
import { keys } from '../../domain/keys.js';
import type { Clock } from '../../platform/clock.js';
import type { Logger } from '../../platform/logger.js';
import type { Store } from '../../store/store.js';

const HOUR = 3_600_000;

/** The certificates to warn about now, with their days left: pure. */
export function expiringCertificates(records: readonly CertificateRecord[], now: number): Array<{ arn: string; domainName: string; days: number }> {
  return records
    .filter((c) => c.facts && expiresSoon(c.facts.notAfter, now))
    .map((c) => ({ arn: c.arn, domainName: c.domainName, days: daysToExpiry(c.facts!.notAfter, now) }));
}

export function startCertificateExpiryWatch(deps: { store: Store; clock: Clock; logger: Logger; intervalMs?: number }): {
  stop(): void;
  check(): Promise<void>;
} {
  const warned = new Set<string>();
  const check = async () => {
    const now = deps.clock.now();
    const records = (await deps.store.list<CertificateRecord>(keys.certificates())).records.map((r) => r.value);
    for (const c of expiringCertificates(records, now)) {
      const once = `${c.arn}/${c.days}`;
      if (warned.has(once)) continue;
      warned.add(once);
      const msg = c.days < 0 ? 'certificate has expired' : 'certificate expires within 30 days';
      deps.logger.warn({ certificateArn: c.arn, domainName: c.domainName, daysToExpiry: c.days }, msg);
    }
  };
  const run = () => void check().catch((err) => deps.logger.error({ err }, 'certificate expiry check failed'));
  run();
  const timer = setInterval(run, deps.intervalMs ?? HOUR);
  timer.unref();
  return { stop: () => clearInterval(timer), check };
}
