// The reading worklist from a PACS node: chest radiograph studies (CR, DX) in a Study Date range, by C-FIND at STUDY
// level (PS3.4 C.6.2.1) or QIDO-RS (PS3.18 10.6), with each study's View Positions from an IMAGE-level query. What
// Radraft knows of each (report, queue, cache) is added by the caller.
import { WORKLIST_MODALITIES, type PacsNode, type WorklistEntry, type WorklistQuery } from '../../app/domain/pacs';
import { oneLine } from '../../app/text/one-line';
import { isRadiographStorageClass } from './sop-classes';
import { dicomWebAgent, jsonNumber, jsonString, jsonStrings, qido, type DicomWebTarget } from './dicomweb';
import { associate, findStudies, type DimseTarget, type FindMatch } from './dimse';
import dcmjsDimse from 'dcmjs-dimse';

export type WorklistStudy = Omit<WorklistEntry, 'report' | 'predraft' | 'cached'>;

/** PS3.4 C.2.2.2.5.1: one date, or "from-to". */
function dateRange(query: Pick<WorklistQuery, 'from' | 'to'>): string {
  return query.from === query.to ? query.from : `${query.from}-${query.to}`;
}

function isChest(modalities: string[]): boolean {
  return modalities.length === 0 || modalities.some((m) => (WORKLIST_MODALITIES as readonly string[]).includes(m));
}

const text = (value: unknown): string => {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return text(value[0]);
  if (typeof value === 'object') return String((value as { Alphabetic?: unknown }).Alphabetic ?? '');
  return String(value);
};
const list = (value: unknown): string[] => (Array.isArray(value) ? value.map(text) : text(value).split('\\')).map((v) => v.trim()).filter((v) => v !== '');

export async function queryWorklist(
  node: PacsNode,
  access: { secret: string | null; callingAeTitle: string },
  query: Pick<WorklistQuery, 'from' | 'to'>,
  signal?: AbortSignal,
): Promise<WorklistStudy[]> {
  if (node.query === 'dicomweb' && node.dicomWebUrl) return byQido({ node, secret: access.secret }, node.id, query, signal);
  return byCFind({ node, callingAeTitle: access.callingAeTitle }, node.id, query, signal);
}

async function byCFind(target: DimseTarget, nodeId: string, query: Pick<WorklistQuery, 'from' | 'to'>, signal?: AbortSignal): Promise<WorklistStudy[]> {
  // ModalitiesInStudy with a value list: any of them matches (PS3.4 C.6.2.1.2); checked again here
  // because not every archive applies it.
  const matches = await findStudies(target, { StudyDate: dateRange(query), ModalitiesInStudy: WORKLIST_MODALITIES.join('\\') }, signal);
  const studies = matches.map((m) => fromMatch(m, nodeId)).filter((s) => s.studyInstanceUid !== '' && isChest(s.modalities));
  if (studies.length === 0) return [];
  // Views: one IMAGE-level C-FIND per study, all on one association.
  const { CFindRequest } = dcmjsDimse.requests;
  const views = new Map<string, Set<string>>();
  const images = new Map<string, ImageCount>();
  const requests = studies.map((s) => {
    const request = CFindRequest.createImageFindRequest({ StudyInstanceUID: s.studyInstanceUid, ViewPosition: '', SOPClassUID: '' });
    const seen = new Set<string>();
    const count: ImageCount = { images: 0, classified: 0 };
    views.set(s.studyInstanceUid, seen);
    images.set(s.studyInstanceUid, count);
    request.on('response', (response: { hasDataset(): boolean; getDataset(): { getElements(): FindMatch } | undefined }) => {
      if (!response.hasDataset()) return;
      const match = response.getDataset()?.getElements() ?? {};
      const view = text(match.ViewPosition).trim().toUpperCase();
      if (view) seen.add(oneLine(view));
      countImage(count, text(match.SOPClassUID));
    });
    return request;
  });
  try {
    await associate(target, requests, { signal });
  } catch (error) {
    // The list stands without views; only a cancel ends the query.
    if (signal?.aborted) throw error;
    console.warn(`radraft: the worklist's view positions could not be read (${error instanceof Error ? error.name : 'error'})`);
  }
  return studies.map((s) => ({ ...s, views: [...(views.get(s.studyInstanceUid) ?? [])].sort(), images: imagesOf(images.get(s.studyInstanceUid), s.images) }));
}

/**
 * The study's radiographs among its instances: NumberOfStudyRelatedInstances (0020,1208) counts every object, a
 * signed report (SR) sent back to the PACS included, so the image-level answers are counted when they say their
 * SOP Class.
 */
interface ImageCount {
  images: number;
  classified: number;
}

function countImage(count: ImageCount, sopClassUid: string): void {
  if (sopClassUid.trim() === '') return;
  count.classified++;
  if (isRadiographStorageClass(sopClassUid)) count.images++;
}

function imagesOf(count: ImageCount | undefined, instances: number | null): number | null {
  return count && count.classified > 0 ? count.images : instances;
}

function fromMatch(m: FindMatch, nodeId: string): WorklistStudy {
  const images = Number(text(m.NumberOfStudyRelatedInstances));
  return {
    nodeId,
    studyInstanceUid: oneLine(text(m.StudyInstanceUID)),
    patientName: oneLine(text(m.PatientName)),
    patientId: oneLine(text(m.PatientID)),
    accessionNumber: oneLine(text(m.AccessionNumber)),
    studyDate: oneLine(text(m.StudyDate)),
    studyTime: oneLine(text(m.StudyTime)),
    studyDescription: oneLine(text(m.StudyDescription)),
    modalities: list(m.ModalitiesInStudy).map(oneLine),
    views: [],
    images: Number.isFinite(images) && text(m.NumberOfStudyRelatedInstances) !== '' ? images : null,
  };
}

async function byQido(target: DicomWebTarget, nodeId: string, query: Pick<WorklistQuery, 'from' | 'to'>, signal?: AbortSignal): Promise<WorklistStudy[]> {
  const agent = dicomWebAgent(target);
  try {
    const byUid = new Map<string, WorklistStudy>();
    // One search per modality: a value list in one QIDO parameter is not understood by every server.
    for (const modality of WORKLIST_MODALITIES) {
      const found = await qido(target, 'studies', { StudyDate: dateRange(query), ModalitiesInStudy: modality, includefield: ['00081030', '00201208', '00080061'] }, { signal, agent });
      for (const d of found) {
        const uid = oneLine(jsonString(d, '0020000D'));
        if (uid === '' || byUid.has(uid)) continue;
        byUid.set(uid, {
          nodeId,
          studyInstanceUid: uid,
          patientName: oneLine(jsonString(d, '00100010')),
          patientId: oneLine(jsonString(d, '00100020')),
          accessionNumber: oneLine(jsonString(d, '00080050')),
          studyDate: oneLine(jsonString(d, '00080020')),
          studyTime: oneLine(jsonString(d, '00080030')),
          studyDescription: oneLine(jsonString(d, '00081030')),
          modalities: jsonStrings(d, '00080061').map(oneLine),
          views: [],
          images: jsonNumber(d, '00201208'),
        });
      }
    }
    const studies = [...byUid.values()].filter((s) => isChest(s.modalities));
    for (const study of studies) {
      try {
        const instances = await qido(target, `studies/${encodeURIComponent(study.studyInstanceUid)}/instances`, { includefield: ['00185101', '00080016'] }, { signal, agent });
        study.views = [...new Set(instances.map((i) => oneLine(jsonString(i, '00185101').trim().toUpperCase())).filter((v) => v !== ''))].sort();
        const count: ImageCount = { images: 0, classified: 0 };
        for (const i of instances) countImage(count, jsonString(i, '00080016'));
        study.images = imagesOf(count, study.images);
      } catch (error) {
        if (signal?.aborted) throw error;
      }
    }
    return studies;
  } finally {
    agent.close();
  }
}
