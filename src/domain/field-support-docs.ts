/**
 * The generated section of docs/differences.md, between its two markers: the field-support table's
 * refused and ignored-by-AWS-too members. Pure (text in, text out); scripts/docs.ts writes the file.
 */
import { fieldSupportMarkdown } from './field-support.js';

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
