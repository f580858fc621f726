// A DICOMDIR (Basic Directory IOD, PS3.3 F.3; Media Storage Directory SOP Class, PS3.4 Annex F): the index of a
// file-set on a CD, DVD, USB stick or in a folder (PS3.10 8). Its Directory Record Sequence (0004,1220) holds one
// record per patient, study, series and instance (PS3.3 F.5); the records are linked by byte offsets into a tree
// (F.3.2.1). Read in a decode worker; the result names each file the directory references, in patient → study →
// series → instance order, with what the records say about where it belongs.
import type { DataSet } from 'dicom-parser';
import { HeaderReader } from './header';
import { MalformedDicomError, NotDicomError, guardDicom } from './errors';
import { parseDicomBytes } from './parse';
import { readDicomFile } from './read-file';
import { openSource, sourceOf, type DicomSource } from './source';

/** Media Storage Directory Storage (PS3.4 Annex F, PS3.6 Table A-1): the SOP Class of every DICOMDIR. */
export const MEDIA_STORAGE_DIRECTORY_UID = '1.2.840.10008.1.3.10';

/** A DICOMDIR larger than this is refused: about 100 000 records, far more than any disc holds. */
export const MAX_DICOMDIR_BYTES = 64 * 1024 * 1024;

/**
 * Record types whose files hold no image (PS3.3 F.5.24 and Table F.4-1): they are named in the problem list but not
 * opened. IMAGE, RT DOSE, PRIVATE and types this list does not know are opened.
 */
const NOT_IMAGE_RECORDS = new Set([
  'SR DOCUMENT', 'KEY OBJECT DOC', 'PRESENTATION', 'WAVEFORM', 'RT STRUCTURE SET', 'RT PLAN', 'RT TREAT RECORD', 'STORED PRINT',
  'ENCAP DOC', 'HL7 STRUC DOC', 'SPECTROSCOPY', 'RAW DATA', 'REGISTRATION', 'FIDUCIAL', 'HANGING PROTOCOL', 'VALUE MAP',
  'STEREOMETRIC', 'MEASUREMENT', 'SURFACE', 'PLAN', 'PALETTE', 'IMPLANT', 'IMPLANT GROUP', 'IMPLANT ASSY', 'TRACT',
  'ASSESSMENT', 'RADIOTHERAPY', 'ANNOTATION', 'SURFACE SCAN', 'INVENTORY',
]);

/** Where a referenced file belongs, as its patient, study and series records say. */
export interface DirectoryContext {
  patientName: string;
  patientId: string;
  studyDate: string;
  studyDescription: string;
  seriesNumber: string;
  modality: string;
}

/** One file the DICOMDIR references. */
export interface DirectoryFile extends DirectoryContext {
  /** Referenced File ID (0004,1500): path components relative to the DICOMDIR's folder (PS3.10 8.2). */
  fileId: string[];
  /** Directory Record Type (0004,1430), e.g. IMAGE. */
  recordType: string;
  /** False for records whose type holds no image (SR DOCUMENT, PRESENTATION, …): listed, not opened. */
  image: boolean;
}

export interface DicomDirectory {
  /** File-set ID (0004,1130); '' when absent. */
  fileSetId: string;
  files: DirectoryFile[];
  /** Referenced File IDs that are no valid path (an empty, '.' or '..' component, or a separator in one). */
  invalidFileIds: string[];
}

/** Tags of the Basic Directory IOD, PS3.3 F.3.2.1 and F.5. */
const TAG = {
  fileSetId: 'x00041130',
  firstRootRecord: 'x00041200',
  records: 'x00041220',
  nextRecord: 'x00041400',
  inUse: 'x00041410',
  lowerLevel: 'x00041420',
  recordType: 'x00041430',
  fileId: 'x00041500',
} as const;

interface Record {
  /** Offset of the record's Item tag from the start of the file (F.3.2.1: from the first byte of the File Meta). */
  offset: number;
  dataSet: DataSet;
}

/** Reads the DICOMDIR at `source` (a file or a zip entry), in a worker: it may be large or hostile. */
export function readDicomDirectory(source: DicomSource | string): Promise<DicomDirectory> {
  const { filePath } = sourceOf(source);
  return guardDicom(filePath, async () => {
    const reader = await openSource(sourceOf(source));
    const size = reader.size;
    await reader.close();
    if (size > MAX_DICOMDIR_BYTES) {
      throw new MalformedDicomError(filePath, `the DICOMDIR is ${Math.round(size / (1024 * 1024))} MiB, larger than any disc's index (a damaged file)`);
    }
    const file = await readDicomFile(source);
    try {
      return directoryFromBytes(filePath, file.bytes);
    } finally {
      file.release();
    }
  });
}

/** The files a DICOMDIR references; `filePath` only names it in errors. */
export function directoryFromBytes(filePath: string, bytes: Uint8Array): DicomDirectory {
  const { dataSet } = parseDicomBytes(filePath, bytes);
  const sequence = dataSet.elements[TAG.records];
  if (!sequence) throw new NotDicomError(filePath, 'not a DICOMDIR: it has no Directory Record Sequence (0004,1220)');
  const records: Record[] = (sequence.items ?? [])
    .filter((item) => item.dataSet !== undefined)
    .map((item) => ({ offset: item.dataOffset - 8, dataSet: item.dataSet as DataSet }));
  const directory: DicomDirectory = { fileSetId: new HeaderReader(dataSet).text(TAG.fileSetId), files: [], invalidFileIds: [] };
  const visited = new Set<Record>();
  walkTree(records, dataSet.uint32(TAG.firstRootRecord) ?? 0, directory, visited);
  // Records the offsets do not reach (offsets missing or wrong, as some writers leave them) are still read, in
  // sequence order, where patient, study and series records come before the records below them.
  walkInOrder(records.filter((r) => !visited.has(r)), directory);
  return directory;
}

/** Follows the offsets from the first root record: next record on the same level, then the level below (F.3.2.1). */
function walkTree(records: Record[], rootOffset: number, directory: DicomDirectory, visited: Set<Record>): void {
  const byOffset = new Map(records.map((r) => [r.offset, r]));
  // Depth first without recursion: a hostile file may nest thousands of levels.
  const stack: Array<{ offset: number; context: DirectoryContext }> = [{ offset: rootOffset, context: EMPTY_CONTEXT }];
  while (stack.length > 0) {
    const { offset, context } = stack.pop() as { offset: number; context: DirectoryContext };
    const record = byOffset.get(offset);
    if (!record || visited.has(record)) continue;
    visited.add(record);
    const next = record.dataSet.uint32(TAG.nextRecord) ?? 0;
    if (next !== 0) stack.push({ offset: next, context });
    const below = contextBelow(record.dataSet, context);
    addFile(record.dataSet, context, directory);
    const lower = record.dataSet.uint32(TAG.lowerLevel) ?? 0;
    // The lower level is read before the next record of this level: pushed last, popped first.
    if (lower !== 0) stack.push({ offset: lower, context: below });
  }
}

/** Sequence order, tracking the context by record type. */
function walkInOrder(records: Record[], directory: DicomDirectory): void {
  let patient = EMPTY_CONTEXT;
  let study = EMPTY_CONTEXT;
  let series = EMPTY_CONTEXT;
  for (const { dataSet } of records) {
    const type = recordTypeOf(dataSet);
    if (type === 'PATIENT') patient = study = series = contextBelow(dataSet, EMPTY_CONTEXT);
    else if (type === 'STUDY') study = series = contextBelow(dataSet, patient);
    else if (type === 'SERIES') series = contextBelow(dataSet, study);
    else addFile(dataSet, series, directory);
  }
}

const EMPTY_CONTEXT: DirectoryContext = { patientName: '', patientId: '', studyDate: '', studyDescription: '', seriesNumber: '', modality: '' };

/** The context for the records below this one: a PATIENT, STUDY or SERIES record adds its keys (F.5.1–F.5.3). */
function contextBelow(dataSet: DataSet, context: DirectoryContext): DirectoryContext {
  const r = new HeaderReader(dataSet);
  switch (recordTypeOf(dataSet)) {
    case 'PATIENT':
      return { ...EMPTY_CONTEXT, patientName: r.text('x00100010'), patientId: r.text('x00100020') };
    case 'STUDY':
      return { ...context, studyDate: r.text('x00080020'), studyDescription: r.text('x00081030'), seriesNumber: '', modality: '' };
    case 'SERIES':
      return { ...context, seriesNumber: r.text('x00200011'), modality: r.text('x00080060') };
    default:
      return context;
  }
}

function recordTypeOf(dataSet: DataSet): string {
  return new HeaderReader(dataSet).text(TAG.recordType).toUpperCase();
}

/** Adds the file a record references, if it is in use (Record In-use Flag (0004,1410) 0000H: inactive) and has one. */
function addFile(dataSet: DataSet, context: DirectoryContext, directory: DicomDirectory): void {
  if (dataSet.elements[TAG.inUse] && dataSet.uint16(TAG.inUse) === 0) return;
  const r = new HeaderReader(dataSet);
  const raw = r.text(TAG.fileId);
  if (raw === '') return;
  const fileId = r.values(TAG.fileId);
  if (!fileId.every(validComponent)) {
    directory.invalidFileIds.push(raw);
    return;
  }
  const recordType = recordTypeOf(dataSet);
  directory.files.push({ ...context, fileId, recordType, image: !NOT_IMAGE_RECORDS.has(recordType) });
}

/** PS3.10 8.2 allows upper-case letters, digits and '_' (8 at most); real discs bend that, so only paths are refused. */
function validComponent(component: string): boolean {
  return component !== '' && component !== '.' && component !== '..' && !/[/:\0]/.test(component);
}
