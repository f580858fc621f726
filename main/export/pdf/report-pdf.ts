// The report as a printable PDF (pdfkit): the patient and study header from the images' own headers, the sections
// with the text export's headings and per-section origin (app/report/review.ts), the text export's AI statement,
// header values from files and the signer's name as one line each (app/text/one-line.ts),
// the signature and signed addenda, optionally the key image, and on every page who the report is about and who
// exported it when. Fonts are embedded, so the text is extractable (pdftotext) and reads the same everywhere.
import PDFDocument from 'pdfkit';
import { SECTION_NAMES, type ReportRecord } from '../../../app/domain/report';
import { HEADINGS, aiStatementLines, formatTimestamp, isAiAssisted } from '../../../app/report/export-text';
import { formatDicomDate } from '../../../app/dicom/date';
import { formatPersonName } from '../../../app/dicom/person-name';
import { oneLine } from '../../../app/text/one-line';
import { describeOrigin, sectionOrigins } from '../../../app/report/review';
import type { ReportSubject } from '../../../app/report/subject';
import { pdfFonts } from './fonts';

export interface KeyImage {
  /** PNG bytes of the 8-bit view. */
  png: Uint8Array;
  width: number;
  height: number;
  caption: string;
}

export interface ReportPdfInput {
  record: ReportRecord;
  subject: ReportSubject;
  exportedAt: string;
  appVersion: string;
  /** The drafting model's validation on this workstation, or null: "not validated here" (as the text export). */
  modelValidation?: string | null;
  keyImage?: KeyImage | null;
}

const MARGIN = 50;
const INK = '#111111';
const DIM = '#555555';
const WARN = '#9a3412';

export async function renderReportPdf(input: ReportPdfInput): Promise<Uint8Array> {
  const { record, subject } = input;
  const fonts = pdfFonts();
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: MARGIN, bottom: MARGIN + 20, left: MARGIN, right: MARGIN },
    bufferPages: true,
    font: fonts.regular,
    info: {
      Title: `Radiology report ${subject.accessionNumber || subject.studyInstanceUid}`,
      Author: record.signedBy ?? 'Radraft (draft, not signed)',
      Creator: `Radraft ${input.appVersion}`,
      Producer: `Radraft ${input.appVersion}`,
      CreationDate: new Date(input.exportedAt),
    },
  });
  doc.registerFont('regular', fonts.regular);
  doc.registerFont('bold', fonts.bold);
  doc.registerFont('mono', fonts.mono);
  const done = collect(doc);
  const width = doc.page.width - 2 * MARGIN;

  doc.font('bold').fontSize(18).fillColor(INK).text('Radiology report');
  doc.moveDown(0.2);
  if (record.status === 'final') {
    doc.font('regular').fontSize(10).fillColor(DIM).text(`FINAL — signed by ${oneLine(record.signedBy ?? '')} at ${formatTimestamp(record.signedAt ?? '')}`);
  } else {
    doc.font('bold').fontSize(11).fillColor(WARN).text('DRAFT — not signed. This report is not final.');
  }
  doc.moveDown(0.8);

  header(doc, subject, record, width);
  rule(doc, width);

  const origins = sectionOrigins(record.sections, record.ai);
  const aiAssisted = isAiAssisted(record);
  for (const name of SECTION_NAMES) {
    const origin = aiAssisted ? describeOrigin(origins[name], record.status === 'final') : '';
    doc.moveDown(0.6);
    doc.font('bold').fontSize(11).fillColor(INK).text(HEADINGS[name], { continued: origin !== '' });
    if (origin !== '') doc.font('regular').fontSize(9).fillColor(origin.includes('NOT reviewed') ? WARN : DIM).text(`   ${origin}`);
    const text = record.sections[name].replace(/\r\n?/g, '\n').trim();
    doc.moveDown(0.2);
    doc.font('regular').fontSize(10.5).fillColor(text === '' ? DIM : INK).text(text === '' ? '(none)' : text, { width });
  }

  doc.moveDown(0.8);
  rule(doc, width);
  const statement = aiStatementLines(record, input.modelValidation ?? null).filter((line) => line.trim() !== '' && !/^-+$/.test(line));
  doc.moveDown(0.4);
  if (aiAssisted && record.provenance) {
    const [title, paragraph, ...fields] = statement;
    doc.font('bold').fontSize(10).fillColor(INK).text(title);
    doc.font('regular').fontSize(9).fillColor(INK).text(paragraph, { width });
    doc.moveDown(0.2);
    doc.font('mono').fontSize(7.5).fillColor(DIM).text(fields.join('\n'), { width });
  } else {
    doc.font('regular').fontSize(9).fillColor(DIM).text(statement.join(' '), { width });
  }

  const addenda = record.addenda.filter((a) => a.status === 'final');
  addenda.forEach((a, i) => {
    doc.moveDown(0.8);
    doc.font('bold').fontSize(11).fillColor(INK).text(`Addendum ${i + 1}`);
    doc.font('regular').fontSize(9).fillColor(DIM).text(`Signed by ${oneLine(a.signedBy ?? '')} at ${formatTimestamp(a.signedAt ?? '')}`);
    doc.moveDown(0.2);
    doc.font('regular').fontSize(10.5).fillColor(INK).text(a.text.replace(/\r\n?/g, '\n').trim(), { width });
  });

  doc.moveDown(1);
  doc.font('bold').fontSize(10).fillColor(INK).text(record.status === 'final' ? `Electronically signed by ${oneLine(record.signedBy ?? '')}` : 'Not signed');
  if (record.status === 'final') doc.font('regular').fontSize(9).fillColor(DIM).text(formatTimestamp(record.signedAt ?? ''));

  if (input.keyImage) keyImage(doc, input.keyImage, width);
  footers(doc, subject, input);
  doc.end();
  return done;
}

function header(doc: PDFKit.PDFDocument, subject: ReportSubject, record: ReportRecord, width: number): void {
  const rows: [string, string][] = [
    ['Patient', formatPersonName(subject.patientName)],
    ['Patient ID', subject.patientId],
    ['Birth date', formatDicomDate(subject.patientBirthDate)],
    ['Sex', subject.patientSex],
    ['Study date', formatDicomDate(subject.studyDate)],
    ['Accession number', subject.accessionNumber],
    ['Study', subject.studyDescription],
    ['Modality', subject.modalities.join(', ')],
    ['Study Instance UID', subject.studyInstanceUid],
    ['Report', `revision ${record.revision}, last changed ${formatTimestamp(record.updatedAt)}`],
  ];
  const labelWidth = 110;
  for (const [label, value] of rows) {
    const y = doc.y;
    doc.font('regular').fontSize(9).fillColor(DIM).text(label, MARGIN, y, { width: labelWidth });
    doc.font('regular').fontSize(9.5).fillColor(value.trim() === '' ? DIM : INK).text(value.trim() === '' ? 'not recorded' : oneLine(value.trim()), MARGIN + labelWidth, y, { width: width - labelWidth });
    doc.x = MARGIN;
  }
  doc.moveDown(0.5);
}

function rule(doc: PDFKit.PDFDocument, width: number): void {
  doc.moveTo(MARGIN, doc.y).lineTo(MARGIN + width, doc.y).lineWidth(0.5).strokeColor('#bbbbbb').stroke();
}

function keyImage(doc: PDFKit.PDFDocument, image: KeyImage, width: number): void {
  const maxHeight = doc.page.height - 2 * MARGIN - 80;
  const scale = Math.min(width / image.width, maxHeight / image.height);
  const w = image.width * scale;
  const h = image.height * scale;
  if (doc.y + h + 40 > doc.page.height - MARGIN - 20) doc.addPage();
  else doc.moveDown(1);
  doc.font('bold').fontSize(10).fillColor(INK).text('Key image');
  doc.image(Buffer.from(image.png), MARGIN + (width - w) / 2, doc.y + 4, { width: w, height: h });
  doc.y += h + 8;
  doc.x = MARGIN;
  doc.font('regular').fontSize(8).fillColor(DIM).text(image.caption, { width });
}

/** Every page names the patient and the export, so a loose printed page is never anonymous. */
function footers(doc: PDFKit.PDFDocument, subject: ReportSubject, input: ReportPdfInput): void {
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    const who = [formatPersonName(subject.patientName), subject.patientId].filter((s) => s.trim() !== '').join(' · ');
    doc
      .font('regular')
      .fontSize(7.5)
      .fillColor(DIM)
      .text(`${who || 'Patient not recorded'} — exported ${formatTimestamp(input.exportedAt)} by Radraft ${input.appVersion} — page ${i + 1} of ${range.count}`, MARGIN, doc.page.height - MARGIN, {
        width: doc.page.width - 2 * MARGIN,
        align: 'center',
        lineBreak: false,
      });
    doc.page.margins.bottom = bottom;
  }
}

function collect(doc: PDFKit.PDFDocument): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks))));
    doc.on('error', reject);
  });
}
