// Query/retrieve against a real Orthanc: C-ECHO, C-FIND at patient and study level, C-GET, C-MOVE to Radraft's own
// storage SCP, QIDO-RS and WADO-RS with basic and bearer authentication over HTTPS and DICOM TLS with a test CA.
// Every retrieved file is compared byte for byte (its data set) with what Orthanc stores; a cancelled retrieve
// resumes with what is missing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import dcmjs from 'dcmjs';
import type { PacsNode, RetrieveProgress } from '../../../app/domain/pacs';
import { echo, findPatients, findStudies } from '../../../main/pacs/dimse';
import { dicomWebAgent, qido, jsonString } from '../../../main/pacs/dicomweb';
import { checkConnection } from '../../../main/pacs/network-gate';
import { request as httpRequest } from 'node:http';
import { NetworkPolicyError } from '../../../main/pacs/errors';
import { ImageCache } from '../../../main/pacs/image-cache';
import { PacsStore } from '../../../main/pacs/pacs-store';
import { RetrieveService } from '../../../main/pacs/retrieve';
import { StorageScp } from '../../../main/pacs/storage-scp';
import { DecodePool } from '../../../main/dicom/decode-pool';
import { toImageHeader } from '../../../main/studies/header';
import { bundleWorkers } from '../drafting/bundle-workers';
import { freePort, startOrthanc, type Orthanc } from '../../support/orthanc';
import { makeTestCa, type TestCa } from '../../support/test-ca';

const ROOT = join(__dirname, '../../..');
const FILES = {
  siim: join(ROOT, 'test/fixtures/dicom/cxr/siim_1.2.276.0.7230010.3.1.4.8323329.4904.1517875185.355709.dcm'),
  nih: join(ROOT, 'test/fixtures/dicom/cxr/nih_dx_pa_00000002_implLE_8bit.dcm'),
  j2k: join(ROOT, 'test/fixtures/dicom/cxr/pydicom966_dx_pa_mono1_12bit_j2k_lossless.dcm'),
};
/** Two images of one NEMA WG-04 study (JPEG 2000 and JPEG-LS copies of the same radiograph). */
const TWO_IMAGES = ['nema_wg04_RG1_J2KI_cr_pa_mono1_15bit.dcm', 'nema_wg04_RG1_JLSN_cr_pa_mono1_15bit.dcm'].map((f) => join(ROOT, 'test/fixtures/dicom/cxr', f));
const SIIM_STUDY = '1.2.276.0.7230010.3.1.2.8323329.4904.1517875185.355708';
const NIH_STUDY = '1.3.6.1.4.1.11129.5.5.112507010803284478207522016832191866964708';
const J2K_STUDY = '1.2.392.200046.100.2.1.97028794843.150131102105';

let ca: TestCa;
let orthanc: Orthanc;
let scpPort: number;
let dir: string;
let store: PacsStore;
let pool: DecodePool;
let cache: ImageCache;
let scp: StorageScp;
const scpLog: string[] = [];

function node(patch: Partial<PacsNode> = {}): PacsNode {
  return {
    id: 'orthanc',
    name: 'Test PACS',
    aeTitle: orthanc.aeTitle,
    host: '127.0.0.1',
    port: orthanc.dicomPort,
    dicomWebUrl: orthanc.dicomWebUrl,
    auth: { kind: 'basic', username: 'radraft' },
    tls: { dimse: false, caPem: ca.caPem },
    query: 'dimse',
    retrieve: 'c-get',
    ...patch,
  };
}

/** The data set of a Part 10 file as dcmjs reads it (the File Meta may differ: Radraft writes its own). */
function dataset(bytes: Uint8Array): unknown {
  return dcmjs.data.DicomMetaDictionary.naturalizeDataset(dcmjs.data.DicomMessage.readFile(bytes.slice().buffer).dict);
}

beforeAll(async () => {
  ca = makeTestCa();
  scpPort = await freePort();
  orthanc = await startOrthanc({
    users: { radraft: 's3cret' },
    modalities: { radraft: ['RADRAFT', '127.0.0.1', scpPort] },
    tls: { certPem: ca.serverCertPem, keyPem: ca.serverKeyPem, caPem: ca.caPem },
  });
  await orthanc.upload(Object.values(FILES));
  dir = mkdtempSync(join(tmpdir(), 'radraft-qr-'));
  store = PacsStore.open(join(dir, 'radraft.db'));
  pool = new DecodePool({ worker: bundleWorkers()['decode.worker'], size: 1 });
  cache = new ImageCache({
    dir: join(dir, 'pacs-cache'),
    store,
    readHeader: async (f) => {
      const h = await pool.readHeader(f);
      return { ...toImageHeader(h), sopClassUid: h.sopClassUid };
    },
    isSigned: () => false,
  });
  cache.removeLeftovers();
  scp = new StorageScp({ cache, onStored: (r) => retrieve.noteArrival(r.studyInstanceUid, r.bytes), log: (l) => scpLog.push(l) });
  await scp.start({ aeTitle: 'RADRAFT', port: scpPort, loopbackOnly: true, allowedCallingAes: new Set([orthanc.aeTitle]) });
}, 120_000);

afterAll(async () => {
  await scp?.stop();
  await pool?.close();
  store?.close();
  await orthanc?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const progress: RetrieveProgress[] = [];
let currentNode: PacsNode;
const retrieve = new RetrieveService({
  get cache() {
    return cache;
  },
  node: () => currentNode,
  secret: () => 's3cret',
  callingAeTitle: () => 'RADRAFT',
  listener: () => ({ listening: scp.status().listening, aeTitle: 'RADRAFT' }),
  emit: (p) => progress.push(p),
});

/** Each retrieved file's data set equals Orthanc's stored instance's. */
async function expectSameAsOrthanc(files: string[]): Promise<void> {
  for (const file of files) {
    const mine = readFileSync(file);
    const sop = String((dataset(mine) as { SOPInstanceUID: string }).SOPInstanceUID);
    const [{ ID: id }] = await orthanc.post<{ ID: string }[]>('/tools/lookup', sop);
    const theirs = await orthanc.bytes(`/instances/${id}/file`);
    expect(dataset(mine)).toEqual(dataset(theirs));
  }
}

describe('DIMSE query/retrieve against Orthanc', () => {
  it('C-ECHO succeeds, and says which AE title is wrong when the PACS rejects', async () => {
    await echo({ node: node(), callingAeTitle: 'RADRAFT' });
    const wrongCalled = echo({ node: node({ aeTitle: 'NOT-ORTHANC' }), callingAeTitle: 'RADRAFT' });
    await expect(wrongCalled).rejects.toMatchObject({ failure: 'ae-rejected', message: expect.stringMatching(/"NOT-ORTHANC" is not its AE title/) });
    const refused = echo({ node: node({ port: await freePort() }), callingAeTitle: 'RADRAFT', timeoutMs: 5000 });
    await expect(refused).rejects.toMatchObject({ failure: 'refused' });
    const dns = echo({ node: node({ host: 'no-such-host.invalid' }), callingAeTitle: 'RADRAFT', timeoutMs: 5000 });
    await expect(dns).rejects.toMatchObject({ failure: 'dns' });
  });

  it('C-ECHO over DICOM TLS trusts the hospital CA and refuses another', async () => {
    await echo({ node: node({ port: orthanc.tlsDicomPort!, tls: { dimse: true, caPem: ca.caPem } }), callingAeTitle: 'RADRAFT' });
    await expect(echo({ node: node({ port: orthanc.tlsDicomPort!, tls: { dimse: true, caPem: ca.otherCaPem } }), callingAeTitle: 'RADRAFT' })).rejects.toMatchObject({ failure: 'tls' });
  });

  it('C-FIND at patient and study level, with date range and modality matching', async () => {
    const patients = await findPatients({ node: node(), callingAeTitle: 'RADRAFT' }, { patientName: '*' });
    expect(patients.length).toBe(3);
    const studies = await findStudies({ node: node(), callingAeTitle: 'RADRAFT' }, { ModalitiesInStudy: 'DX' });
    expect(studies.map((s) => s.StudyInstanceUID).sort()).toEqual([J2K_STUDY, NIH_STUDY].sort());
  });

  it('C-GET streams the study into the cache, each data set as Orthanc stores it', async () => {
    currentNode = node({ retrieve: 'c-get' });
    const files = await retrieve.retrieve('orthanc', J2K_STUDY);
    expect(files).toHaveLength(1);
    await expectSameAsOrthanc(files);
    expect(progress.at(-1)).toMatchObject({ studyInstanceUid: J2K_STUDY, state: 'done', done: 1, total: 1 });
    expect(progress.at(-1)!.bytes).toBeGreaterThan(1_000_000);
  });

  it('C-MOVE sends the study to Radraft\'s own storage SCP', async () => {
    currentNode = node({ retrieve: 'c-move' });
    const files = await retrieve.retrieve('orthanc', NIH_STUDY);
    expect(files).toHaveLength(1);
    await expectSameAsOrthanc(files);
  });
});

describe('a study of two images', () => {
  it('C-GET and C-MOVE ask for both SOP Instance UIDs in one request, and both arrive', async () => {
    const two = await startOrthanc({ modalities: { radraft: ['RADRAFT', '127.0.0.1', scpPort] } });
    try {
      // Two copies of the NEMA study (each with both images, new UIDs): one for each way of retrieving.
      const [forGet, forMove] = await two.loadCopies(TWO_IMAGES, 2, () => ({}));
      for (const [uid, by] of [[forGet, 'c-get'], [forMove, 'c-move']] as const) {
        currentNode = node({ aeTitle: two.aeTitle, port: two.dicomPort, dicomWebUrl: two.dicomWebUrl, retrieve: by });
        const files = await retrieve.retrieve('orthanc', uid);
        expect(files, by).toHaveLength(2);
        expect(progress.at(-1), by).toMatchObject({ studyInstanceUid: uid, state: 'done', done: 2, total: 2 });
      }
    } finally {
      await two.stop();
    }
  });
});

describe('DICOMweb against Orthanc behind HTTPS', () => {
  it('QIDO-RS with basic auth; wrong password and an untrusted CA say what failed', async () => {
    const found = await qido({ node: node(), secret: 's3cret' }, 'studies', { ModalitiesInStudy: 'CR' });
    expect(found.map((d) => jsonString(d, '0020000D'))).toEqual([SIIM_STUDY]);
    await expect(qido({ node: node(), secret: 'wrong' }, 'studies', {})).rejects.toMatchObject({ failure: 'auth' });
    await expect(qido({ node: node({ tls: { dimse: false, caPem: ca.otherCaPem } }), secret: 's3cret' }, 'studies', {})).rejects.toMatchObject({ failure: 'tls' });
    await expect(qido({ node: node({ dicomWebUrl: `${orthanc.url}/not-dicom-web` }), secret: 's3cret' }, 'studies', {})).rejects.toMatchObject({ failure: 'not-dicomweb' });
  });

  it('WADO-RS retrieves into the cache; a cancelled retrieve resumes with what is missing', async () => {
    currentNode = node({ retrieve: 'wado-rs', query: 'dicomweb' });
    const first = retrieve.retrieve('orthanc', SIIM_STUDY);
    retrieve.cancel(SIIM_STUDY);
    await expect(first).rejects.toMatchObject({ name: 'PacsCancelledError' });
    const files = await retrieve.retrieve('orthanc', SIIM_STUDY);
    expect(files).toHaveLength(1);
    await expectSameAsOrthanc(files);
    // Nothing left to fetch the second time: the cache has it.
    const again = progress.length;
    await retrieve.retrieve('orthanc', SIIM_STUDY);
    expect(progress.slice(again).some((p) => p.message === 'Already in the local cache')).toBe(true);
  });

  it('bearer tokens', async () => {
    const bearer = await startOrthanc({ bearerTokens: ['t0ken'] });
    try {
      const target = { node: node({ dicomWebUrl: bearer.dicomWebUrl, auth: { kind: 'bearer' }, host: '127.0.0.1', port: bearer.dicomPort }), secret: 't0ken' };
      expect(await qido(target, 'studies', {})).toEqual([]);
      await expect(qido({ ...target, secret: 'nope' }, 'studies', {})).rejects.toMatchObject({ failure: 'auth' });
    } finally {
      await bearer.stop();
    }
  });

  it('refuses to connect anywhere but the node\'s own addresses', async () => {
    // The connector every DICOMweb request goes through, asked for another port on the same host.
    const agent = dicomWebAgent({ node: node(), secret: 's3cret' });
    try {
      const stray = new Promise((resolve, reject) => httpRequest(`http://127.0.0.1:${orthanc.httpPort}/system`, { agent: agent.http }, resolve).on('error', reject).end());
      await expect(stray).rejects.toBeInstanceOf(NetworkPolicyError);
    } finally {
      agent.close();
    }
    expect(() => checkConnection(node(), '10.0.0.1', orthanc.dicomPort)).toThrow(/only connects to the PACS nodes configured/);
  });
});
