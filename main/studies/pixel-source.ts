// Pixels for the viewer (and the headers, DICOMDIRs and zip listings for the study list) come from the DICOM
// engine's worker pool: neither decoding nor parsing an opened file runs on the main thread.
// The 8-bit model view is rendered in the same pass and the latest few are kept, so drafting from the image on
// screen does not decode it a second time.
import type { ImagePixels } from '../../app/domain/study';
import type { ZipListing } from '../archives/zip-listing';
import { DecodePool, toImagePixels, UnsupportedSyntaxError, type DicomHeader, type ModelView } from '../dicom';
import type { DicomDirectory } from '../dicom/dicomdir';
import type { DicomSource } from '../dicom/source';
import type { WorkerScript } from '../workers/bundled-worker';
import { sourceKey } from './collect-sources';

export interface PixelSource {
  load(source: DicomSource, frame: number, imageId: string): Promise<ImagePixels>;
  /** The file's header, read in a worker (the file may be huge or hostile). */
  header(source: DicomSource): Promise<DicomHeader>;
  /** The files a DICOMDIR references, read in a worker. */
  readDicomDirectory(source: DicomSource): Promise<DicomDirectory>;
  /** The DICOM entries of a zip archive, listed in a worker; refuses archives past the limits (zip bombs). */
  listZip(archivePath: string, maxEntries: number): Promise<ZipListing>;
  /** The image as the model sees it (PS3.3 C.11 LUTs applied, MONOCHROME1 inverted, 8-bit). */
  modelView(source: DicomSource, frame: number): Promise<ModelView>;
  dispose(): Promise<void>;
}

/** Model views kept: the images on screen are the ones a clinician drafts from (one 2k image is about 4 MB). */
const KEPT_VIEWS = 3;

export function createPixelSource(decodeWorker: WorkerScript): PixelSource {
  const pool = new DecodePool({ worker: decodeWorker });
  const views = new Map<string, ModelView>();
  const keep = (key: string, view: ModelView): void => {
    views.delete(key);
    views.set(key, view);
    while (views.size > KEPT_VIEWS) views.delete(views.keys().next().value as string);
  };
  return {
    async load(source, frame, imageId) {
      try {
        const { image, modelView } = await pool.decodeWithModelView(source, frame);
        keep(`${frame}:${sourceKey(source)}`, modelView);
        return toImagePixels(image, imageId);
      } catch (error) {
        // Some images can be shown but have no model view (e.g. palette colour): decode them alone.
        if (!(error instanceof UnsupportedSyntaxError)) throw error;
        return toImagePixels(await pool.decode(source, frame), imageId);
      }
    },
    header: (source) => pool.readHeader(source),
    readDicomDirectory: (source) => pool.readDicomDirectory(source),
    listZip: (archivePath, maxEntries) => pool.listZip(archivePath, maxEntries),
    async modelView(source, frame) {
      const key = `${frame}:${sourceKey(source)}`;
      const cached = views.get(key);
      if (cached) return cached;
      const { modelView } = await pool.decodeWithModelView(source, frame);
      keep(key, modelView);
      return modelView;
    },
    dispose: () => pool.close(),
  };
}
