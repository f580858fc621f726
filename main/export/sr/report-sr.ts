// A signed report as a DICOM Basic Text SR (PS3.3 A.35.1) holding TID 2000 "Basic Diagnostic Imaging Report"
// (PS3.16): document title (18748-4, LN), language (TID 1204), the signing clinician as Person Observer (TID 1002/
// 1003), one section per report section (CID 7001 headings, TID 2002 TEXT items), and, where the model wrote a
// section, that section's own observation context naming the model as Device Observer (TID 1004) with a comment
// saying what the clinician did with it (the words of the text export, app/report/review.ts). The images the report
// reads are listed in Current Requested Procedure Evidence (PS3.3 C.17.2.3). A signed addendum makes a new SR that
// repeats the report, adds the addendum and names the SR it supersedes (Predecessor Documents Sequence).
import type { NaturalDataset } from 'dcmjs';
import { SECTION_NAMES, type Addendum, type ReportRecord, type SectionName } from '../../../app/domain/report';
import { describeOrigin, hasAiText, sectionOrigins, type SectionOrigin } from '../../../app/report/review';
import type { ReportSubject } from '../../../app/report/subject';
import { dicomDateTime, personNameFromText } from '../../../app/dicom/pn-from-text';
import { ExportError } from '../atomic-write';
import { uidFromName } from '../uid';
import { writePart10 } from '../dicom-part10';

export const BASIC_TEXT_SR_SOP_CLASS = '1.2.840.10008.5.1.4.1.1.88.11';
/** Radraft's reports are one series of the study; a number no modality uses. */
export const REPORT_SERIES_NUMBER = 9901;

type Code = { CodeValue: string; CodingSchemeDesignator: string; CodeMeaning: string };
const code = (value: string, scheme: string, meaning: string): Code => ({ CodeValue: value, CodingSchemeDesignator: scheme, CodeMeaning: meaning });

export const SR_CODES = {
  title: code('18748-4', 'LN', 'Diagnostic Imaging Report'),
  language: code('121049', 'DCM', 'Language of Content Item and Descendants'),
  english: code('en', 'RFC5646', 'English'),
  observerType: code('121005', 'DCM', 'Observer Type'),
  person: code('121006', 'DCM', 'Person'),
  device: code('121007', 'DCM', 'Device'),
  personObserverName: code('121008', 'DCM', 'Person Observer Name'),
  deviceObserverUid: code('121012', 'DCM', 'Device Observer UID'),
  deviceObserverName: code('121013', 'DCM', 'Device Observer Name'),
  deviceObserverModelName: code('121015', 'DCM', 'Device Observer Model Name'),
  comment: code('121106', 'DCM', 'Comment'),
  addendum: code('121078', 'DCM', 'Addendum'),
} as const;

/** CID 7001 heading and the TID 2002 TEXT concept for each report section. */
export const SECTION_CODES: Record<SectionName, { heading: Code; item: Code }> = {
  indication: { heading: code('121109', 'DCM', 'Indications for Procedure'), item: code('121109', 'DCM', 'Indications for Procedure') },
  technique: { heading: code('121064', 'DCM', 'Current Procedure Descriptions'), item: code('121065', 'DCM', 'Procedure Description') },
  comparison: { heading: code('121066', 'DCM', 'Prior Procedure Descriptions'), item: code('121065', 'DCM', 'Procedure Description') },
  findings: { heading: code('121070', 'DCM', 'Findings'), item: code('121071', 'DCM', 'Finding') },
  impression: { heading: code('121072', 'DCM', 'Impressions'), item: code('121073', 'DCM', 'Impression') },
};

export interface ReportSrInput {
  record: ReportRecord;
  subject: ReportSubject;
  appVersion: string;
  /** 0: the report as signed; n: the report with its first n signed addenda. Default: the latest. */
  version?: number;
}

export interface ReportSr {
  bytes: Uint8Array;
  sopInstanceUid: string;
  seriesInstanceUid: string;
  /** The SR this one supersedes (the report, or the previous addendum's SR); null for the report itself. */
  predecessorUid: string | null;
}

/** The signed addenda, oldest first. */
export function signedAddenda(record: ReportRecord): Addendum[] {
  return record.addenda.filter((a) => a.status === 'final');
}

/** The UIDs of every SR version of the report: they depend only on the study and the signatures. */
export function reportSrUids(record: ReportRecord, subject: ReportSubject): { series: string; versions: string[] } {
  const study = subject.studyInstanceUid;
  const versions = [uidFromName(`sr|${study}|report|${record.signedAt ?? ''}`)];
  signedAddenda(record).forEach((a, i) => versions.push(uidFromName(`sr|${study}|addendum|${i + 1}|${a.signedAt ?? ''}`)));
  return { series: uidFromName(`sr|${study}|series`), versions };
}

export function buildReportSr(input: ReportSrInput): ReportSr {
  const { record, subject } = input;
  if (record.status !== 'final' || !record.signedAt) throw new ExportError('Only a signed report can be exported as DICOM SR: sign the report first.');
  if (subject.images.length === 0) {
    throw new ExportError(
      'The study’s images could not be read, so the DICOM SR cannot name them. Open the study again from where its files are now (File → Open), then export.',
    );
  }
  const addenda = signedAddenda(record);
  const version = Math.min(input.version ?? addenda.length, addenda.length);
  const uids = reportSrUids(record, subject);
  const sopInstanceUid = uids.versions[version];
  const predecessorUid = version > 0 ? uids.versions[version - 1] : null;
  const included = addenda.slice(0, version);
  const signedAt = version === 0 ? record.signedAt : (included[version - 1].signedAt ?? record.signedAt);
  const content = dicomDateTime(signedAt);

  const verifiers = [
    { name: record.signedBy ?? '', at: record.signedAt },
    ...included.map((a) => ({ name: a.signedBy ?? '', at: a.signedAt ?? '' })),
  ];
  const dataset: NaturalDataset = {
    SpecificCharacterSet: 'ISO_IR 192',
    InstanceCreationDate: content.da,
    InstanceCreationTime: content.tm,
    SOPClassUID: BASIC_TEXT_SR_SOP_CLASS,
    SOPInstanceUID: sopInstanceUid,
    StudyDate: subject.studyDate,
    ContentDate: content.da,
    StudyTime: subject.studyTime,
    ContentTime: content.tm,
    AccessionNumber: subject.accessionNumber,
    Modality: 'SR',
    Manufacturer: 'Radraft',
    ReferringPhysicianName: subject.referringPhysicianName,
    TimezoneOffsetFromUTC: '+0000',
    StudyDescription: subject.studyDescription,
    SeriesDescription: 'Radraft report',
    ReferencedPerformedProcedureStepSequence: [],
    PatientName: subject.patientName,
    PatientID: subject.patientId,
    ...(subject.issuerOfPatientId ? { IssuerOfPatientID: subject.issuerOfPatientId } : {}),
    PatientBirthDate: subject.patientBirthDate,
    PatientSex: subject.patientSex,
    SoftwareVersions: input.appVersion,
    StudyInstanceUID: subject.studyInstanceUid,
    SeriesInstanceUID: uids.series,
    StudyID: subject.studyId,
    SeriesNumber: String(REPORT_SERIES_NUMBER),
    InstanceNumber: String(version + 1),
    ValueType: 'CONTAINER',
    ConceptNameCodeSequence: [SR_CODES.title],
    ContinuityOfContent: 'SEPARATE',
    // PS3.3 C.17.2: VERIFIED needs Verifying Observers; each signature (the report, then each addendum) is one.
    VerifyingObserverSequence: verifiers.map((v) => ({
      VerifyingObserverName: personNameFromText(v.name),
      VerifyingObserverIdentificationCodeSequence: [],
      // Type 1 for dciodvfy; Radraft knows no organization but the one the images name.
      VerifyingOrganization: subject.institutionName || 'Not recorded',
      VerificationDateTime: dicomDateTime(v.at).dt,
    })),
    ...(predecessorUid ? { PredecessorDocumentsSequence: [evidence(subject.studyInstanceUid, uids.series, [{ sopClassUid: BASIC_TEXT_SR_SOP_CLASS, sopInstanceUid: predecessorUid }])] } : {}),
    PerformedProcedureCodeSequence: [],
    CurrentRequestedProcedureEvidenceSequence: evidenceBySeries(subject),
    CompletionFlag: 'COMPLETE',
    VerificationFlag: 'VERIFIED',
    ContentTemplateSequence: [{ MappingResource: 'DCMR', TemplateIdentifier: '2000' }],
    ContentSequence: contentTree(record, included),
  };
  return { bytes: writePart10(dataset), sopInstanceUid, seriesInstanceUid: uids.series, predecessorUid };
}

function evidence(studyUid: string, seriesUid: string, sops: { sopClassUid: string; sopInstanceUid: string }[]): NaturalDataset {
  return {
    StudyInstanceUID: studyUid,
    ReferencedSeriesSequence: [
      { SeriesInstanceUID: seriesUid, ReferencedSOPSequence: sops.map((s) => ({ ReferencedSOPClassUID: s.sopClassUid, ReferencedSOPInstanceUID: s.sopInstanceUid })) },
    ],
  };
}

/** Hierarchical SOP Instance Reference Macro (PS3.3 C.17.2.1): the images grouped by series. */
function evidenceBySeries(subject: ReportSubject): NaturalDataset[] {
  const bySeries = new Map<string, { sopClassUid: string; sopInstanceUid: string }[]>();
  for (const image of subject.images) {
    const list = bySeries.get(image.seriesInstanceUid) ?? [];
    if (!list.some((i) => i.sopInstanceUid === image.sopInstanceUid)) list.push(image);
    bySeries.set(image.seriesInstanceUid, list);
  }
  return [
    {
      StudyInstanceUID: subject.studyInstanceUid,
      ReferencedSeriesSequence: [...bySeries].map(([seriesUid, sops]) => ({
        SeriesInstanceUID: seriesUid,
        ReferencedSOPSequence: sops.map((s) => ({ ReferencedSOPClassUID: s.sopClassUid, ReferencedSOPInstanceUID: s.sopInstanceUid })),
      })),
    },
  ];
}

const item = (relationship: string, valueType: string, concept: Code, value: NaturalDataset): NaturalDataset => ({
  RelationshipType: relationship,
  ValueType: valueType,
  ConceptNameCodeSequence: [concept],
  ...value,
});

/** TID 1002 for a person: Observer Type = Person, Person Observer Name. */
function personObserver(name: string): NaturalDataset[] {
  return [
    item('HAS OBS CONTEXT', 'CODE', SR_CODES.observerType, { ConceptCodeSequence: [SR_CODES.person] }),
    item('HAS OBS CONTEXT', 'PNAME', SR_CODES.personObserverName, { PersonName: personNameFromText(name) }),
  ];
}

/** TID 1002 for the model: Observer Type = Device, then TID 1004 (UID derived from the manifest hash, name, model). */
function deviceObserver(modelName: string, manifestSha256: string): NaturalDataset[] {
  return [
    item('HAS OBS CONTEXT', 'CODE', SR_CODES.observerType, { ConceptCodeSequence: [SR_CODES.device] }),
    item('HAS OBS CONTEXT', 'UIDREF', SR_CODES.deviceObserverUid, { UID: uidFromName(`model|${manifestSha256}`) }),
    item('HAS OBS CONTEXT', 'TEXT', SR_CODES.deviceObserverName, { TextValue: modelName }),
    item('HAS OBS CONTEXT', 'TEXT', SR_CODES.deviceObserverModelName, { TextValue: `${modelName} (manifest sha256 ${manifestSha256})` }),
  ];
}

/** UT text: line breaks as CR LF (PS3.5 6.2). */
function textValue(text: string): string {
  return text.replace(/\r\n?/g, '\n').trim().replace(/\n/g, '\r\n');
}

function contentTree(record: ReportRecord, addenda: readonly Addendum[]): NaturalDataset[] {
  const signer = record.signedBy ?? '';
  const provenance = record.provenance;
  const aiAssisted = hasAiText(record.sections, record.ai) && provenance !== null;
  const origins = sectionOrigins(record.sections, record.ai);
  const tree: NaturalDataset[] = [item('HAS CONCEPT MOD', 'CODE', SR_CODES.language, { ConceptCodeSequence: [SR_CODES.english] }), ...personObserver(signer)];
  if (aiAssisted) tree.push(...deviceObserver(provenance.modelName, provenance.manifestSha256));

  for (const name of SECTION_NAMES) {
    const text = record.sections[name].trim();
    if (text === '') continue;
    const codes = SECTION_CODES[name];
    const children: NaturalDataset[] = [];
    if (aiAssisted) children.push(...sectionContext(origins[name], signer, provenance.modelName, provenance.manifestSha256));
    children.push(item('CONTAINS', 'TEXT', codes.item, { TextValue: textValue(record.sections[name]) }));
    if (aiAssisted) children.push(item('CONTAINS', 'TEXT', SR_CODES.comment, { TextValue: `This section was ${describeOrigin(origins[name], true)}.` }));
    tree.push(item('CONTAINS', 'CONTAINER', codes.heading, { ContinuityOfContent: 'SEPARATE', ContentSequence: children }));
  }
  for (const addendum of addenda) {
    tree.push(
      item('CONTAINS', 'CONTAINER', SR_CODES.addendum, {
        ContinuityOfContent: 'SEPARATE',
        ContentSequence: [...personObserver(addendum.signedBy ?? ''), item('CONTAINS', 'TEXT', SR_CODES.addendum, { TextValue: textValue(addendum.text) })],
      }),
    );
  }
  return tree;
}

/**
 * A section's own observers (TID 2000 row 9) when the report holds AI text: the clinician alone for their own text;
 * the model, and the clinician who accepted or edited its text, for a section the model drafted.
 */
function sectionContext(origin: SectionOrigin, signer: string, modelName: string, manifestSha256: string): NaturalDataset[] {
  if (origin === 'clinician' || origin === 'empty') return personObserver(signer);
  return [...deviceObserver(modelName, manifestSha256), ...personObserver(signer)];
}
