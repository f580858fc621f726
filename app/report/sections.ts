// Splits model-written report text into report sections at headers such as "FINDINGS:" and "IMPRESSION:" at the
// start of a line (the layout the radiology fine-tune writes). Text with no header is all findings. Usable while the
// text streams: a header still being written at the end ("IMPRESS") is held back instead of flashing into findings.
import { emptySections, SECTION_NAMES, type ReportSections, type SectionName } from '../domain/report';

const HEADER = new RegExp(`(^|\\n)[ \\t]*(${SECTION_NAMES.join('|')})[ \\t]*:`, 'gi');

export interface SplitOptions {
  /** False while generation is still running: hold back a trailing partial header. Default true. */
  final?: boolean;
}

/** Length of a trailing fragment that could still grow into a header line, or 0. */
function pendingHeaderLength(text: string): number {
  const lineStart = text.lastIndexOf('\n') + 1;
  const tail = text.slice(lineStart).replace(/^[ \t]+/, '').toUpperCase();
  if (tail.length === 0) return 0;
  const couldBeHeader = SECTION_NAMES.some((name) => {
    const header = `${name.toUpperCase()}:`;
    return tail.length < header.length && header.startsWith(tail);
  });
  return couldBeHeader ? text.length - lineStart : 0;
}

export function splitReportText(text: string, options: SplitOptions = {}): ReportSections {
  const visible = options.final === false ? text.slice(0, text.length - pendingHeaderLength(text)) : text;
  const sections = emptySections();
  const parts: { name: SectionName; start: number; headerStart: number }[] = [];
  for (const m of visible.matchAll(HEADER)) {
    const index = m.index ?? 0;
    parts.push({ name: m[2].toLowerCase() as SectionName, start: index + m[0].length, headerStart: index + m[1].length });
  }
  const preamble = visible.slice(0, parts.length > 0 ? parts[0].headerStart : visible.length).trim();
  const pieces: Partial<Record<SectionName, string[]>> = {};
  if (preamble !== '') pieces.findings = [preamble];
  parts.forEach((part, i) => {
    const end = i + 1 < parts.length ? parts[i + 1].headerStart : visible.length;
    const body = visible.slice(part.start, end).trim();
    if (body !== '') (pieces[part.name] ??= []).push(body);
  });
  for (const name of SECTION_NAMES) {
    const list = pieces[name];
    if (list) sections[name] = list.join('\n');
  }
  return sections;
}
