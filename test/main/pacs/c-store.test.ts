// Send to PACS: the report's DICOM SR stored on a real Orthanc by C-STORE and read back identical.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import dcmjs from 'dcmjs';
import { storeToPacs } from '../../../main/pacs/c-store';
import { PacsError } from '../../../main/pacs/errors';
import { adHocNode } from '../../../main/pacs/dimse';
import { buildReportSr } from '../../../main/export/sr/report-sr';
import { readSourceImages, subjectFromImages } from '../../../main/export/report-subject';
import { parseDimseAddress, type DimseAddress } from '../../../app/domain/pacs';
import { startOrthanc, freePort, type Orthanc } from '../../support/orthanc';
import { SIIM, SIIM_SOP_UID, SIIM_STUDY_UID, signedRecord, summaryOf } from '../export/fixtures';

let orthanc: Orthanc;
beforeAll(async () => {
  orthanc = await startOrthanc();
}, 60_000);
afterAll(async () => {
  await orthanc?.stop();
});

/** The data set of a Part 10 file (not its File Meta), attribute by attribute, as dcmjs reads it. */
function attributes(part10: Uint8Array): unknown {
  return dcmjs.data.DicomMetaDictionary.naturalizeDataset(dcmjs.data.DicomMessage.readFile(part10.slice().buffer).dict);
}

async function reportSr() {
  const summary = summaryOf(SIIM, SIIM_STUDY_UID, SIIM_SOP_UID);
  return buildReportSr({ record: signedRecord(SIIM_STUDY_UID), subject: subjectFromImages(summary, await readSourceImages(summary)), appVersion: '0.1.0' });
}

/** The node as `radraft send --to` names it, Radraft calling as RADRAFT. */
function to(address: DimseAddress) {
  return { node: adHocNode(address), callingAeTitle: 'RADRAFT' };
}

describe('send to PACS by C-STORE', () => {
  it('stores the SR on Orthanc, which gives back every attribute as sent', async () => {
    const sr = await reportSr();
    const node = to({ aeTitle: orthanc.aeTitle, host: orthanc.host, port: orthanc.dicomPort });
    expect(await storeToPacs(node, sr.bytes)).toEqual({ status: 0 });

    const found = await orthanc.get<string[]>('/instances');
    expect(found).toHaveLength(1);
    const tags = await orthanc.get<Record<string, string>>(`/instances/${found[0]}/simplified-tags`);
    expect(tags).toMatchObject({ SOPInstanceUID: sr.sopInstanceUid, StudyInstanceUID: SIIM_STUDY_UID, Modality: 'SR' });
    const stored = await orthanc.bytes(`/instances/${found[0]}/file`);
    // Every attribute, nested ones included, has the value Radraft wrote (the archive may encode sequence lengths its
    // own way: DCMTK writes explicit lengths where dcmjs wrote undefined ones).
    expect(attributes(stored)).toEqual(attributes(sr.bytes));
    expect(JSON.stringify(attributes(stored))).toContain(signedRecord(SIIM_STUDY_UID).sections.impression);

    // The same SR through DICOMweb (WADO-RS), as the PACS issue's harness users will read it.
    if (orthanc.dicomWebUrl) {
      const studies = await fetch(`${orthanc.dicomWebUrl}/studies?StudyInstanceUID=${SIIM_STUDY_UID}`).then((r) => r.json() as Promise<unknown[]>);
      expect(studies).toHaveLength(1);
    }

    // Sent again: the same instance (Radraft's SR UIDs depend on the signature only), not a second report.
    await storeToPacs(node, sr.bytes);
    expect(await orthanc.get<string[]>('/instances')).toHaveLength(1);
  });

  it('says why when the node refuses or cannot be reached', async () => {
    const sr = await reportSr();
    await expect(storeToPacs(to({ aeTitle: 'NOT-ORTHANC', host: orthanc.host, port: orthanc.dicomPort }), sr.bytes)).rejects.toThrow(PacsError);
    await expect(storeToPacs(to({ aeTitle: 'NOT-ORTHANC', host: orthanc.host, port: orthanc.dicomPort }), sr.bytes)).rejects.toThrow(/rejected the association: "NOT-ORTHANC" is not its AE title/);
    const closed = await freePort();
    await expect(storeToPacs({ ...to({ aeTitle: 'ORTHANC', host: '127.0.0.1', port: closed }), timeoutMs: 5000 }, sr.bytes)).rejects.toThrow(/refused the connection: nothing listens/);
  });

  it('reads a node written as AE@HOST:PORT', () => {
    expect(parseDimseAddress('ORTHANC@127.0.0.1:4242')).toEqual({ aeTitle: 'ORTHANC', host: '127.0.0.1', port: 4242 });
    expect(parseDimseAddress('PACS@[::1]:104')).toEqual({ aeTitle: 'PACS', host: '::1', port: 104 });
    expect(parseDimseAddress('no-port@host')).toBeNull();
    expect(parseDimseAddress('WAYTOOLONGAETITLE1@h:1')).toBeNull();
  });
});
