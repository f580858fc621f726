// A signed report as a FHIR R4 Bundle (type collection): DiagnosticReport (status, LOINC code, subject identifier,
// effective and issued times, resultsInterpreter, conclusion, presentedForm as text and PDF, the ImagingStudy by
// Study Instance UID), the Patient, the ImagingStudy, the signing Practitioner, the model as Device, and a
// Provenance naming the clinician as author and the model as a device agent, with each section's origin in the
// words of the text export (app/report/review.ts). Pure: the caller supplies the text, the PDF and the ids.
import { SECTION_LABELS, SECTION_NAMES, type ReportRecord } from '../domain/report';
import { describeOrigin, hasAiText, sectionOrigins } from './review';
import type { ReportSubject } from './subject';

export interface FhirExportInput {
  record: ReportRecord;
  subject: ReportSubject;
  /** The report as the text export writes it. */
  text: string;
  /** The report as the PDF export writes it. */
  pdf: Uint8Array;
  /** The DICOM SR's SOP Instance UID: the same report in the PACS. */
  srInstanceUid: string;
  /** A stable UUID for a name (the same report gives the same resource ids). */
  uuid: (name: string) => string;
}

type Json = { [key: string]: unknown };

const LOINC = 'http://loinc.org';
const DCM = 'http://dicom.nema.org/resources/ontology/DCM';

/** FHIR dateTime from DICOM DA (+TM): the date alone, or the date and time in UTC as Radraft records times. */
function dicomToFhirDate(da: string, tm = ''): string | undefined {
  const d = /^(\d{4})(\d{2})(\d{2})$/.exec(da.trim());
  if (!d) return undefined;
  const t = /^(\d{2})(\d{2})(\d{2})?/.exec(tm.trim());
  return t ? `${d[1]}-${d[2]}-${d[3]}T${t[1]}:${t[2]}:${t[3] ?? '00'}Z` : `${d[1]}-${d[2]}-${d[3]}`;
}

function base64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

function utf8Base64(text: string): string {
  return base64(new TextEncoder().encode(text));
}

/** PS3.5 6.2.1 Person Name → FHIR HumanName (the alphabetic group). */
function humanName(pn: string): Json | undefined {
  const [family = '', given = '', middle = '', prefix = '', suffix = ''] = pn.split('=')[0].split('^').map((s) => s.trim());
  const name: Json = {};
  const text = [prefix, given, middle, family, suffix].filter((s) => s !== '').join(' ');
  if (text === '') return undefined;
  name.text = text;
  if (family) name.family = family;
  const givens = [given, middle].filter((s) => s !== '');
  if (givens.length > 0) name.given = givens;
  if (prefix) name.prefix = [prefix];
  if (suffix) name.suffix = [suffix];
  return name;
}

const GENDER: Record<string, string> = { M: 'male', F: 'female', O: 'other' };

export function buildFhirBundle(input: FhirExportInput): Json {
  const { record, subject, uuid } = input;
  const key = subject.studyInstanceUid;
  const ids = {
    bundle: uuid(`fhir|${key}|bundle|${record.updatedAt}`),
    patient: uuid(`fhir|${key}|patient`),
    study: uuid(`fhir|${key}|imaging-study`),
    practitioner: uuid(`fhir|${key}|practitioner|${record.signedBy ?? ''}`),
    device: uuid(`fhir|${key}|device|${record.provenance?.manifestSha256 ?? ''}`),
    report: uuid(`fhir|${key}|report`),
    provenance: uuid(`fhir|${key}|provenance|${record.updatedAt}`),
  };
  const ref = (id: string): Json => ({ reference: `urn:uuid:${id}` });
  const signedAddenda = record.addenda.filter((a) => a.status === 'final');
  const issued = signedAddenda.length > 0 ? (signedAddenda[signedAddenda.length - 1].signedAt ?? record.signedAt) : record.signedAt;
  const aiAssisted = hasAiText(record.sections, record.ai) && record.provenance !== null;

  const patient: Json = { resourceType: 'Patient', id: ids.patient };
  if (subject.patientId) {
    patient.identifier = [{ use: 'usual', value: subject.patientId, ...(subject.issuerOfPatientId ? { assigner: { display: subject.issuerOfPatientId } } : {}) }];
  }
  const name = humanName(subject.patientName);
  if (name) patient.name = [name];
  patient.gender = GENDER[subject.patientSex.trim().toUpperCase()] ?? 'unknown';
  const birthDate = dicomToFhirDate(subject.patientBirthDate);
  if (birthDate) patient.birthDate = birthDate;

  const bySeries = new Map<string, ReportSubject['images']>();
  for (const image of subject.images) bySeries.set(image.seriesInstanceUid, [...(bySeries.get(image.seriesInstanceUid) ?? []), image]);
  const started = dicomToFhirDate(subject.studyDate, subject.studyTime);
  const imagingStudy: Json = {
    resourceType: 'ImagingStudy',
    id: ids.study,
    identifier: [{ system: 'urn:dicom:uid', value: `urn:oid:${subject.studyInstanceUid}` }],
    status: 'available',
    subject: ref(ids.patient),
    ...(started ? { started } : {}),
    ...(subject.modalities.length > 0 ? { modality: subject.modalities.map((code) => ({ system: DCM, code })) } : {}),
    ...(subject.studyDescription ? { description: subject.studyDescription } : {}),
    ...(bySeries.size > 0
      ? {
          series: [...bySeries].map(([uid, images]) => ({
            uid,
            modality: { system: DCM, code: images[0].modality || 'OT' },
            instance: images.map((i) => ({ uid: i.sopInstanceUid, sopClass: { system: 'urn:ietf:rfc:3986', code: `urn:oid:${i.sopClassUid}` } })),
          })),
        }
      : {}),
  };
  if (subject.accessionNumber) {
    (imagingStudy.identifier as Json[]).push({ type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'ACSN' }] }, value: subject.accessionNumber });
  }

  const practitioner: Json = { resourceType: 'Practitioner', id: ids.practitioner, name: [{ text: record.signedBy ?? '' }] };
  const effective = dicomToFhirDate(subject.studyDate, subject.studyTime);
  const report: Json = {
    resourceType: 'DiagnosticReport',
    id: ids.report,
    identifier: [{ system: 'urn:dicom:uid', value: `urn:oid:${input.srInstanceUid}` }],
    // 'appended': final, then content added by a signed addendum (FHIR R4 diagnostic-report-status).
    status: signedAddenda.length > 0 ? 'appended' : 'final',
    category: [{ coding: [{ system: LOINC, code: 'LP29684-5', display: 'Radiology' }] }],
    code: { coding: [{ system: LOINC, code: '18748-4', display: 'Diagnostic imaging study' }], text: 'Diagnostic Imaging Report' },
    subject: ref(ids.patient),
    ...(effective ? { effectiveDateTime: effective } : {}),
    issued,
    resultsInterpreter: [ref(ids.practitioner)],
    imagingStudy: [ref(ids.study)],
    ...(record.sections.impression.trim() ? { conclusion: record.sections.impression.trim() } : {}),
    presentedForm: [
      { contentType: 'text/plain; charset=utf-8', language: 'en', data: utf8Base64(input.text), title: 'Radiology report (text)' },
      { contentType: 'application/pdf', language: 'en', data: base64(input.pdf), title: 'Radiology report (PDF)' },
    ],
  };

  const entries: Json[] = [patient, imagingStudy, practitioner, report];
  const agents: Json[] = [
    {
      type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/provenance-participant-type', code: 'author', display: 'Author' }] },
      who: ref(ids.practitioner),
    },
  ];
  const provenance: Json = {
    resourceType: 'Provenance',
    id: ids.provenance,
    target: [ref(ids.report)],
    recorded: issued,
    agent: agents,
  };
  if (aiAssisted && record.provenance) {
    const p = record.provenance;
    entries.push({
      resourceType: 'Device',
      id: ids.device,
      deviceName: [{ name: p.modelName, type: 'model-name' }],
      version: [{ type: { text: 'manifest sha256' }, value: p.manifestSha256 }, { type: { text: 'weights dtype' }, value: p.dtype }],
      note: [{ text: 'Local vision-language model that drafted parts of this report in Radraft.' }],
    });
    agents.push({
      type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/provenance-participant-type', code: 'assembler', display: 'Assembler' }], text: 'AI model that drafted report text' },
      who: ref(ids.device),
    });
    const origins = sectionOrigins(record.sections, record.ai);
    const perSection = SECTION_NAMES.filter((k) => origins[k] !== 'empty').map((k) => `${SECTION_LABELS[k]}: ${describeOrigin(origins[k], true)}`);
    provenance.activity = { text: `AI-assisted draft. ${perSection.join('; ')}.` };
  }
  entries.push(provenance);

  return {
    resourceType: 'Bundle',
    id: ids.bundle,
    type: 'collection',
    timestamp: issued,
    entry: entries.map((resource) => ({ fullUrl: `urn:uuid:${resource.id as string}`, resource })),
  };
}
