// Who and what a report is about, as every export beyond plain text states it: the values of the source images'
// own headers (PS3.3 C.7.1.1 Patient, C.7.2.1 General Study), so a PACS or RIS files the report with its images.
// Pure: main reads the headers; when the files cannot be read the study summary gives what it holds.
import type { StudySummary } from '../domain/study';

export interface SubjectImage {
  sopClassUid: string;
  sopInstanceUid: string;
  seriesInstanceUid: string;
  modality: string;
  filePath: string;
}

export interface ReportSubject {
  /** Person Name as stored (PS3.5 6.2: Family^Given^Middle^Prefix^Suffix). */
  patientName: string;
  patientId: string;
  issuerOfPatientId: string;
  /** DA, YYYYMMDD or ''. */
  patientBirthDate: string;
  patientSex: string;
  /** The files' own Study Instance UID (the PACS key), not necessarily Radraft's report key. */
  studyInstanceUid: string;
  studyDate: string;
  studyTime: string;
  studyId: string;
  accessionNumber: string;
  studyDescription: string;
  referringPhysicianName: string;
  institutionName: string;
  modalities: string[];
  /** The study's images as their headers name them; empty when the files could not be read. */
  images: SubjectImage[];
  /** False when the headers could not be read and the values come from the study list alone. */
  fromHeaders: boolean;
}

/** What the study list knows, for a study whose files are gone. */
export function subjectFromSummary(summary: Omit<StudySummary, 'images'> | null, studyInstanceUid: string): ReportSubject {
  return {
    patientName: summary?.patientName ?? '',
    patientId: summary?.patientId ?? '',
    issuerOfPatientId: '',
    patientBirthDate: '',
    patientSex: '',
    studyInstanceUid,
    studyDate: summary?.studyDate ?? '',
    studyTime: '',
    studyId: '',
    accessionNumber: summary?.accessionNumber ?? '',
    studyDescription: summary?.studyDescription ?? '',
    referringPhysicianName: '',
    institutionName: '',
    modalities: summary?.modalities ?? [],
    images: [],
    fromHeaders: false,
  };
}
