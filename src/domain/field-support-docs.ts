/**
 * The generated section of docs/differences.md, between its two markers: the field-support table's
 * refused and ignored-by-AWS-too members. Pure (text in, text out); scripts/docs.ts writes the file.
 */
import { FIELD_SUPPORT, type Support } from './field-support.js';

export const BEGIN = '<!-- generated from src/domain/field-support.ts by `npm run docs`: do not edit -->';
export const END = '<!-- end of generated field-support table -->';

export function generatedSection(): string {
  return `${BEGIN}\n${fieldSupportMarkdown()}${END}`;
}

/** `doc` with its generated section replaced (or appended under a heading when it has none). */
export function replaceGeneratedSection(doc: string): string {
  const a = doc.indexOf(BEGIN);
  const b = doc.indexOf(END);
  if (a < 0 || b < a) {
    return `${doc.trimEnd()}\n\n## Members Berth refuses or, like AWS, does not act on\n\n${generatedSection()}\n`;
  }
  return doc.slice(0, a) + generatedSection() + doc.slice(b + END.length);
}

function describe(s: Support): string {
  if (s.status !== 'refused') return s.status === 'honoured' ? (s.note ?? '') : s.reason;

  // The code is shown only where it is not the service's usual one (EC2 UnsupportedOperation, SSM InvalidKeyId).
  const refused = s.code ? `refused (${s.code})` : 'refused';
  return s.values
    ? `${refused} when ${s.values.join(' or ')}: ${s.reason}`
    : s.except
      ? `${refused} unless ${s.except.join(' or ')}: ${s.reason}`
      : `${refused}: ${s.reason}`;
}

/**
 * The generated section of docs/differences.md: every refused and ignored-by-AWS-too member, one row
 * each, by service and operation.
 */
export function fieldSupportMarkdown(): string {
  const rows: string[] = ['| service | operation | member | Berth |', '|---|---|---|---|'];
  for (const [service, ops] of Object.entries(FIELD_SUPPORT)) {
    for (const [op, members] of Object.entries(ops)) {
      for (const [path, s] of Object.entries(members)) {
        if (s.status === 'honoured') continue;
        const text =
          s.status === 'refused'
            ? describe(s)
            : s.status === 'tolerated'
              ? `accepted, no effect yet: ${s.reason}`
              : `accepted, not enforced (as AWS): ${s.reason}`;
        rows.push(`| ${service} | ${op} | \`${path}\` | ${text.replaceAll('|', '\\|')} |`);
      }
    }
  }
  return rows.join('\n') + '\n';
}
