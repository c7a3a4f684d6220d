/**
 * ACM's certificate operations: ImportCertificate (a re-import onto an ARN rotates it), Describe-,
 * Get-, List- and DeleteCertificate, the tag operations, and RequestCertificate, which Berth's own CA
 * answers (PENDING_VALIDATION at once, ISSUED as soon as the key is made and signed). Private keys
 * are sealed at rest; no answer here carries one.
 */
import { AwsError } from '../../domain/aws-error.js';
import { keys } from '../../domain/keys.js';
import {
  checkDomainName,
  checkImport,
  factsOf,
  parseCertificates,
  sealAad,
  statusOf,
  KEY_ALGORITHMS,
  type CertificateRecord,
} from '../../domain/acm/certificate.js';
import { certificateUsers } from '../../domain/acm/certificate-use.js';
import type { ListenerRecord } from '../../domain/elbv2/listener.js';
import type { Clock } from '../../platform/clock.js';
import type { Logger } from '../../platform/logger.js';
import type { Random } from '../../platform/random.js';
import type { SealedBox } from '../../platform/sealed-box.js';
import { SKIP, updateRecord } from '../../store/record-update.js';
import type { Store } from '../../store/store.js';
import type { Handlers, Reply, RequestContext } from '../api/operation.js';
import type { Tag } from '../api/wire-types/acm.js';
import { certificateDetail } from './certificate-detail.js';
import { certificateSummary } from './certificate-summary.js';
import { pageByKey } from '../ssm/page-token.js';
import type { CertificateAuthority } from './certificate-authority.js';

export interface AcmDeps {
  readonly store: Store;
  readonly random: Random;
  readonly clock: Clock;
  readonly sealedBox: SealedBox;
  readonly authority: CertificateAuthority;
  readonly logger?: Logger;
}

const MAX_TAGS = 50;
const ARN = /^arn:aws[a-z-]*:acm:([a-z0-9-]+):(\d{12}):certificate\/([A-Za-z0-9-]+)$/;

const notFound = (arn: string) => new AwsError('ResourceNotFoundException', `Could not find certificate ${arn}.`);
const text = (b: Uint8Array) => Buffer.from(b).toString('utf8');

/** The store key an ARN names in this region and account; InvalidArnException when it is no certificate ARN. */
function keyOf(arn: string, ctx: RequestContext): string | undefined {
  const m = ARN.exec(arn ?? '');
  const [, region, account, id] = m ?? [];
  if (id === undefined) throw new AwsError('InvalidArnException', `String '${arn}' is not a valid ACM certificate ARN.`);
  if (region !== ctx.region || account !== ctx.accountId) return undefined;
  return keys.certificate(ctx.region, id);
}

function checkTags(tags: readonly Tag[]): void {
  for (const t of tags) {
    if (typeof t.Key !== 'string' || t.Key.length < 1 || t.Key.length > 128) {
      throw new AwsError('InvalidTagException', `Tag key '${t.Key}' must be 1-128 characters.`);
    }
    if (t.Key.toLowerCase().startsWith('aws:')) throw new AwsError('InvalidTagException', `Tag key '${t.Key}': the aws: prefix is reserved.`);
    if (t.Value !== undefined && t.Value.length > 256) throw new AwsError('InvalidTagException', `Tag value of '${t.Key}' must be at most 256 characters.`);
  }
}

export function certificateHandlers(deps: AcmDeps): { resumePending(): Promise<void>; handlers: Handlers<'acm'> } {
  const { store, random, clock, sealedBox, authority, logger } = deps;

  const get = async (arn: string, ctx: RequestContext) => {
    const key = keyOf(arn, ctx);
    const rec = key ? await store.get<CertificateRecord>(key) : undefined;
    if (!key || !rec) throw notFound(arn);
    return { key, record: rec.value };
  };

  const listeners = async () => (await store.list<ListenerRecord>(keys.listeners())).records.map((r) => r.value);

  const tagsOf = async (arn: string) => (await store.get<Record<string, string>>(keys.tags(arn)))?.value ?? {};

  const putTags = async (arn: string, tags: readonly Tag[]) => {
    checkTags(tags);
    await updateRecord<Record<string, string>>(store, keys.tags(arn), (cur) => {
      const next = { ...cur };
      for (const t of tags) next[t.Key] = t.Value ?? '';
      if (Object.keys(next).length > MAX_TAGS) throw new AwsError('TooManyTagsException', `A certificate can have at most ${MAX_TAGS} tags.`);
      return next;
    });
  };

  /** Makes a requested certificate's key and certificate, and marks it ISSUED (or FAILED). */
  const issue = async (key: string): Promise<void> => {
    const rec = await store.get<CertificateRecord>(key);
    if (!rec || rec.value.status !== 'PENDING_VALIDATION') return;
    const c = rec.value;
    try {
      const now = clock.now();
      const made = await authority.issue({ domainName: c.domainName, names: c.subjectAlternativeNames, keyAlgorithm: c.keyAlgorithm, now });
      const [leaf] = parseCertificates(made.certificatePem, 'Certificate');
      if (!leaf) throw new Error("Berth's CA answered no certificate");
      const facts = factsOf(leaf);
      const sealedPrivateKey = sealedBox.seal(made.privateKeyPem, sealAad(c.arn));
      await updateRecord<CertificateRecord>(store, key, (cur) =>
        cur?.status === 'PENDING_VALIDATION'
          ? { ...cur, status: 'ISSUED', issuedAt: now, certificatePem: made.certificatePem, chainPem: authority.certificatePem, sealedPrivateKey, facts }
          : SKIP,
      );
      logger?.info({ certificateArn: c.arn, domainName: c.domainName }, 'certificate issued by the Berth CA');
    } catch (err) {
      logger?.error({ err, certificateArn: c.arn }, 'certificate issuance failed');
      await updateRecord<CertificateRecord>(store, key, (cur) => (cur ? { ...cur, status: 'FAILED', failureReason: String(err) } : SKIP));
    }
  };

  return {
    /** Issues what a stop left PENDING_VALIDATION (called once at start-up). */
    async resumePending(): Promise<void> {
      for (const r of (await store.list<CertificateRecord>(keys.certificates())).records) {
        if (r.value.status === 'PENDING_VALIDATION') await issue(r.key);
      }
    },

    handlers: {
      async ImportCertificate(input, ctx): Reply<'acm', 'ImportCertificate'> {
        const material = checkImport(
          {
            certificate: text(input.Certificate),
            privateKey: text(input.PrivateKey),
            ...(input.CertificateChain ? { chain: text(input.CertificateChain) } : {}),
          },
          ctx.now,
        );
        const tags = input.Tags ?? [];
        checkTags(tags);
        let key: string;
        let arn: string;
        if (input.CertificateArn !== undefined && input.CertificateArn !== '') {
          if (tags.length > 0) throw new AwsError('InvalidParameterException', 'Tags: tags cannot be given when re-importing a certificate.');
          ({ key } = await get(input.CertificateArn, ctx));
          arn = input.CertificateArn;
        } else {
          const id = random.uuid();
          arn = `arn:aws:acm:${ctx.region}:${ctx.accountId}:certificate/${id}`;
          key = keys.certificate(ctx.region, id);
        }
        const sealedPrivateKey = sealedBox.seal(material.privateKeyPem, sealAad(arn));
        await updateRecord<CertificateRecord>(store, key, (cur) => {
          if (cur && cur.type !== 'IMPORTED') {
            throw new AwsError(
              'ValidationException',
              `CertificateArn: ${arn} was issued by Berth's CA (RequestCertificate); only imported certificates can be re-imported.`,
            );
          }
          return {
            arn,
            type: 'IMPORTED',
            status: 'ISSUED',
            domainName: material.facts.domainName,
            subjectAlternativeNames: material.facts.subjectAlternativeNames,
            keyAlgorithm: material.facts.keyAlgorithm,
            createdAt: cur?.createdAt ?? ctx.now,
            importedAt: ctx.now,
            certificatePem: material.certificatePem,
            ...(material.chainPem ? { chainPem: material.chainPem } : {}),
            sealedPrivateKey,
            facts: material.facts,
          };
        });
        if (tags.length > 0) await putTags(arn, tags);
        return { CertificateArn: arn };
      },

      async DescribeCertificate(input, ctx): Reply<'acm', 'DescribeCertificate'> {
        const { record } = await get(input.CertificateArn, ctx);
        return { Certificate: certificateDetail(record, certificateUsers(await listeners()).get(record.arn) ?? [], ctx.now) };
      },

      async GetCertificate(input, ctx): Reply<'acm', 'GetCertificate'> {
        const { record } = await get(input.CertificateArn, ctx);
        if (!record.certificatePem) {
          throw new AwsError('RequestInProgressException', `Certificate ${record.arn} is in ${record.status} state and has not been issued yet.`);
        }
        return { Certificate: record.certificatePem, ...(record.chainPem ? { CertificateChain: record.chainPem } : {}) };
      },

      async ListCertificates(input, ctx): Reply<'acm', 'ListCertificates'> {
        const statuses = input.CertificateStatuses?.length ? new Set(input.CertificateStatuses) : undefined;
        // ACM lists RSA_1024 and RSA_2048 certificates unless keyTypes asks for others.
        const keyTypes = new Set<string>(input.Includes?.keyTypes?.length ? input.Includes.keyTypes : ['RSA_1024', 'RSA_2048']);
        for (const k of keyTypes) {
          if (!(KEY_ALGORITHMS as readonly string[]).includes(k)) {
            throw new AwsError('ValidationException', `Includes.keyTypes: '${k}' is not a key algorithm.`);
          }
        }
        const users = certificateUsers(await listeners());
        const all = (await store.list<CertificateRecord>(keys.certificates(ctx.region))).records.map((r) => r.value);
        const rows = all
          .filter((c) => (!statuses || statuses.has(statusOf(c, ctx.now))) && keyTypes.has(c.keyAlgorithm))
          .map((c) => {
            const created = String(c.createdAt).padStart(15, '0');
            const sortKey = input.SortOrder === 'DESCENDING' ? `${String(1e15 - c.createdAt).padStart(15, '0')}/${c.arn}` : `${created}/${c.arn}`;
            return { sortKey, c };
          })
          .sort((a, b) => (a.sortKey < b.sortKey ? -1 : 1));
        const max = input.MaxItems ?? 1000;
        if (!Number.isInteger(max) || max < 1 || max > 1000) throw new AwsError('ValidationException', 'MaxItems: must be between 1 and 1000.');
        const page = pageByKey(
          rows,
          (r) => r.sortKey,
          max,
          input.NextToken,
          () => new AwsError('InvalidArgsException', 'NextToken: the token is not valid.'),
        );
        return {
          CertificateSummaryList: page.items.map(({ c }) => certificateSummary(c, (users.get(c.arn)?.length ?? 0) > 0, ctx.now)),
          ...(page.nextToken ? { NextToken: page.nextToken } : {}),
        };
      },

      async DeleteCertificate(input, ctx): Reply<'acm', 'DeleteCertificate'> {
        // Guarded on the certificate's revision: a listener that starts using it meanwhile rewrites
        // it (listener-tls.ts), so this retries and then sees that listener.
        for (let attempt = 0; attempt < 20; attempt++) {
          const key = keyOf(input.CertificateArn, ctx);
          const rec = key ? await store.get<CertificateRecord>(key) : undefined;
          if (!key || !rec) throw notFound(input.CertificateArn);
          const users = certificateUsers(await listeners()).get(rec.value.arn) ?? [];
          if (users.length > 0) throw new AwsError('ResourceInUseException', `Certificate ${rec.value.arn} is in use by ${users.join(', ')}.`);
          const { succeeded } = await store.txn({
            compares: [{ key, modRevision: rec.modRevision }],
            success: [
              { type: 'delete', key },
              { type: 'delete', key: keys.tags(rec.value.arn) },
            ],
          });
          if (succeeded) return {};
        }
        throw new AwsError('ThrottlingException', 'Too many concurrent changes to this certificate; retry.', 400);
      },

      async AddTagsToCertificate(input, ctx): Reply<'acm', 'AddTagsToCertificate'> {
        const { record } = await get(input.CertificateArn, ctx);
        await putTags(record.arn, input.Tags);
        return {};
      },

      async RemoveTagsFromCertificate(input, ctx): Reply<'acm', 'RemoveTagsFromCertificate'> {
        const { record } = await get(input.CertificateArn, ctx);
        checkTags(input.Tags);
        await updateRecord<Record<string, string>>(store, keys.tags(record.arn), (cur) => {
          const next = { ...cur };
          // A tag given with a value is removed only when the value matches, as ACM does.
          for (const t of input.Tags) if (t.Value === undefined || next[t.Key] === t.Value) delete next[t.Key];
          return next;
        });
        return {};
      },

      async ListTagsForCertificate(input, ctx): Reply<'acm', 'ListTagsForCertificate'> {
        const { record } = await get(input.CertificateArn, ctx);
        return { Tags: Object.entries(await tagsOf(record.arn)).map(([Key, Value]) => (Value === '' ? { Key } : { Key, Value })) };
      },

      async RequestCertificate(input, ctx): Reply<'acm', 'RequestCertificate'> {
        const domainName = checkDomainName(input.DomainName, 'DomainName');
        const names = [domainName, ...(input.SubjectAlternativeNames ?? []).map((n) => checkDomainName(n, 'SubjectAlternativeNames'))];
        const unique = [...new Set(names)];
        if (unique.length > 100) throw new AwsError('LimitExceededException', 'SubjectAlternativeNames: a certificate can have at most 100 names.');
        const keyAlgorithm = input.KeyAlgorithm ?? 'RSA_2048';
        if (keyAlgorithm !== 'RSA_2048' && keyAlgorithm !== 'EC_prime256v1' && keyAlgorithm !== 'EC_secp384r1') {
          throw new AwsError(
            'ValidationException',
            `KeyAlgorithm: RequestCertificate issues RSA_2048, EC_prime256v1 or EC_secp384r1 keys, not ${input.KeyAlgorithm}.`,
          );
        }
        const tags = input.Tags ?? [];
        checkTags(tags);
        if (input.IdempotencyToken !== undefined) {
          // The same token with the same names within ACM's hour answers the same certificate.
          const all = (await store.list<CertificateRecord>(keys.certificates(ctx.region))).records.map((r) => r.value);
          const same = all.find((c) => c.idempotencyToken === input.IdempotencyToken && c.domainName === domainName && c.createdAt > ctx.now - 3_600_000);
          if (same) return { CertificateArn: same.arn };
        }
        const id = random.uuid();
        const arn = `arn:aws:acm:${ctx.region}:${ctx.accountId}:certificate/${id}`;
        const key = keys.certificate(ctx.region, id);
        const record: CertificateRecord = {
          arn,
          type: 'AMAZON_ISSUED',
          status: 'PENDING_VALIDATION',
          domainName,
          subjectAlternativeNames: unique,
          keyAlgorithm,
          createdAt: ctx.now,
          ...(input.IdempotencyToken !== undefined ? { idempotencyToken: input.IdempotencyToken } : {}),
        };
        await store.txn({ compares: [{ key, modRevision: 0 }], success: [{ type: 'put', key, value: record }] });
        if (tags.length > 0) await putTags(arn, tags);
        // Validation is Berth's CA signing: it happens after the answer, as ACM's does.
        void issue(key);
        return { CertificateArn: arn };
      },
    },
  };
}
