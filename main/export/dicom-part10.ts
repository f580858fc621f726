// A data set → a DICOM Part 10 file (PS3.10 7.1: preamble, "DICM", File Meta Information, then the data set in
// Explicit VR Little Endian), written by dcmjs.
import dcmjs, { type NaturalDataset } from 'dcmjs';
import packageJson from '../../package.json';
import { IMPLEMENTATION_CLASS_UID } from './uid';

export const EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1';
/** PS3.7 D.3.3.2: up to 16 characters. */
export const IMPLEMENTATION_VERSION_NAME = `RADRAFT_${packageJson.version}`.replace(/[^A-Z0-9_]/gi, '_').slice(0, 16);

export function writePart10(dataset: NaturalDataset): Uint8Array {
  const { DicomDict, DicomMetaDictionary } = dcmjs.data;
  const meta: NaturalDataset = {
    FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
    MediaStorageSOPClassUID: dataset.SOPClassUID,
    MediaStorageSOPInstanceUID: dataset.SOPInstanceUID,
    TransferSyntaxUID: EXPLICIT_VR_LITTLE_ENDIAN,
    ImplementationClassUID: IMPLEMENTATION_CLASS_UID,
    ImplementationVersionName: IMPLEMENTATION_VERSION_NAME,
  };
  const dict = new DicomDict(DicomMetaDictionary.denaturalizeDataset(meta));
  dict.dict = DicomMetaDictionary.denaturalizeDataset(dataset);
  return new Uint8Array(dict.write());
}

/** What the File Meta Information of a received data set says (PS3.10 7.1, Table 7.1-1). */
export interface Part10HeaderInfo {
  sopClassUid: string;
  sopInstanceUid: string;
  /** The transfer syntax the data set bytes that follow are in (the accepted presentation context's). */
  transferSyntaxUid: string;
  /** Source Application Entity Title (0002,0016): who sent it. */
  sourceAeTitle: string;
}

/**
 * Preamble, "DICM" and File Meta Information alone (always Explicit VR Little Endian), for a data set received over
 * the network (PS3.7 C-STORE carries no File Meta): the received bytes appended as they came make a Part 10 file.
 */
export function writePart10Header(info: Part10HeaderInfo): Uint8Array {
  const { DicomDict, DicomMetaDictionary } = dcmjs.data;
  const meta: NaturalDataset = {
    FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
    MediaStorageSOPClassUID: info.sopClassUid,
    MediaStorageSOPInstanceUID: info.sopInstanceUid,
    TransferSyntaxUID: info.transferSyntaxUid,
    ImplementationClassUID: IMPLEMENTATION_CLASS_UID,
    ImplementationVersionName: IMPLEMENTATION_VERSION_NAME,
    ...(info.sourceAeTitle.trim() !== '' ? { SourceApplicationEntityTitle: info.sourceAeTitle.trim() } : {}),
  };
  const dict = new DicomDict(DicomMetaDictionary.denaturalizeDataset(meta));
  dict.dict = {};
  return new Uint8Array(dict.write());
}
