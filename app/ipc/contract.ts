// The one typed API between renderer and main (GitButler-style): every channel's request and response schema.
// Handlers in main validate requests with these schemas; the renderer's client is typed from them.
import { z } from 'zod';
import type { EventChannel, InvokeChannel } from './channels';
import { COMMANDS } from './commands';
import { ImagePixels, OpenResult, StudySummary } from '../domain/study';
import { AddendumTextInput, ReportRecord, ReportSectionsInput, SECTION_NAMES, SectionName } from '../domain/report';
import { DraftEvent, ImportProgress, ModelSummary, ValidationProgress, WeightDtype } from '../domain/model';
import { isOneLine } from '../text/one-line';
import { ExportFormat, ExportOptions } from '../domain/export';
import { Measurement, MeasurementShape } from '../domain/measurement';
import { REPORT_PROGRESS } from '../report/review';
import { ReportingAids, SnippetInput, TemplateInput } from '../report/reporting-aids';
import {
  CacheSettings,
  ConnectionTestResult,
  ListenerSettings,
  PacsNode,
  PacsSettingsView,
  PredraftSettings,
  PredraftStatus,
  RetrieveProgress,
  SaveNodeRequest,
  WorklistEntry,
  WorklistQuery,
} from '../domain/pacs';

const StudyRef = z.object({ studyInstanceUid: z.string().min(1).max(128) });
const Revision = z.number().int().nonnegative();
/** Who signs: a name on one line (a line break in it could write a line of its own into the exported report). */
export const Signer = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .refine(isOneLine, { message: 'The signer name must be one line, without line breaks or control characters.' });
const Accept = z.array(SectionName).max(SECTION_NAMES.length);

const ImportCounts = z.object({ added: z.number().int(), replaced: z.number().int() });

/** An earlier study of the same patient, as the Compare offer shows it. */
export const PriorStudy = z.object({
  study: StudySummary,
  /** Its images are open now (else Compare opens its files again, when they are still there). */
  open: z.boolean(),
  /** Its report as stored, when Radraft holds one. */
  report: ReportRecord.nullable(),
});
export type PriorStudy = z.infer<typeof PriorStudy>;

export const contract = {
  'studies:openDialog': { request: z.object({ kind: z.enum(['files', 'folder']) }), response: OpenResult },
  'studies:openPaths': { request: z.object({ paths: z.array(z.string().min(1).max(4096)).min(1).max(10_000) }), response: OpenResult },
  'studies:openSamples': { request: z.object({}), response: OpenResult },
  /** Files the operating system asked Radraft to open, not yet shown; taking them empties the list. */
  'studies:takePendingOpens': { request: z.object({}), response: z.array(z.string()) },
  'studies:list': { request: z.object({}), response: z.array(StudySummary) },
  /** The clinician's answer to a study whose files name different patients; answers the new study list. */
  'studies:resolveIdentity': { request: StudyRef.extend({ resolution: z.enum(['same-patient', 'separate']) }), response: z.array(StudySummary) },
  'image:load': { request: z.object({ imageId: z.string().min(1).max(4096) }), response: ImagePixels },
  'report:get': { request: StudyRef, response: ReportRecord.nullable() },
  'report:save': {
    request: StudyRef.extend({
      sections: ReportSectionsInput,
      baseRevision: Revision,
      /** Sections whose AI text the clinician accepted as it stands (Accept). */
      accept: Accept.optional(),
    }),
    response: ReportRecord,
  },
  /** Puts a finished AI draft into the report (main decides what goes where: app/report/review.ts). */
  'report:insertDraft': { request: StudyRef.extend({ draftId: z.string().min(1).max(128), baseRevision: Revision }), response: ReportRecord },
  /** Takes the last inserted AI draft out: the sections it filled get back the text from before it. */
  'report:discardDraft': { request: StudyRef.extend({ baseRevision: Revision }), response: ReportRecord },
  /**
   * Signs exactly the text on screen: `sections` at `baseRevision` must be what is stored, and every AI section must
   * be accepted (here, in `accept`, or earlier) or edited.
   */
  'report:sign': {
    request: StudyRef.extend({ signedBy: Signer, sections: ReportSectionsInput, baseRevision: Revision, accept: Accept }),
    response: ReportRecord,
  },
  /** The text of the signed report's addendum in progress ('' removes it). */
  'report:saveAddendum': { request: StudyRef.extend({ text: AddendumTextInput, baseRevision: Revision }), response: ReportRecord },
  'report:signAddendum': { request: StudyRef.extend({ signedBy: Signer, text: AddendumTextInput, baseRevision: Revision }), response: ReportRecord },
  /** Exports the stored report in one format (text when none is named) to a file (a folder for de-identified). */
  'report:export': {
    request: StudyRef.extend({ format: ExportFormat.optional(), options: ExportOptions.optional() }),
    response: z.object({ cancelled: z.boolean(), filePath: z.string().nullable() }),
  },
  'report:copy': { request: StudyRef, response: z.object({ text: z.string() }) },
  'models:list': { request: z.object({}), response: z.array(ModelSummary) },
  'models:importDialog': {
    request: z.object({ dtype: WeightDtype }),
    response: z.object({ cancelled: z.boolean(), jobId: z.string().nullable(), model: ModelSummary.nullable() }),
  },
  'models:setActive': { request: z.object({ modelId: z.string().min(1).max(256) }), response: z.array(ModelSummary) },
  'models:verify': { request: z.object({ modelId: z.string().min(1).max(256) }), response: ModelSummary },
  /** Validate a model on a dataset folder or the signed reports (main asks for the folder); progress as models:validateProgress. */
  'models:validate': {
    request: z.object({ modelId: z.string().min(1).max(256), source: z.enum(['folder', 'signed']), limit: z.number().int().min(1).max(1_000_000).optional() }),
    response: z.object({ cancelled: z.boolean(), jobId: z.string().nullable(), model: ModelSummary.nullable() }),
  },
  'models:cancelValidation': { request: z.object({ jobId: z.string().min(1).max(128) }), response: z.object({ cancelled: z.boolean() }) },
  'models:openValidationReport': { request: z.object({ modelId: z.string().min(1).max(256) }), response: z.object({ path: z.string(), opened: z.boolean() }) },
  /** The signed reports as a de-identified fine-tuning set for the active model's image size (main asks for the folders). */
  'models:exportTrainingSet': {
    request: z.object({ since: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional() }),
    response: z.object({ cancelled: z.boolean(), outDir: z.string().nullable(), train: z.number().int(), validation: z.number().int(), patients: z.number().int(), skipped: z.number().int() }),
  },
  'draft:start': {
    request: StudyRef.extend({
      imageId: z.string().min(1).max(4096),
      task: z.enum(['report', 'detect']),
      indication: z.string().max(2000).optional(),
      detectLabel: z.string().max(100).optional(),
    }),
    response: z.object({ draftId: z.string() }),
  },
  'draft:cancel': { request: z.object({ draftId: z.string().min(1).max(128) }), response: z.object({ cancelled: z.boolean() }) },
  ...readingRoomChannels(),
  /** The signed report as DICOM SR, stored on a configured PACS node by C-STORE. */
  'report:sendToPacs': { request: StudyRef.extend({ nodeId: PacsNode.shape.id }), response: z.object({ node: z.string() }) },
  'pacs:settings': { request: z.object({}), response: PacsSettingsView },
  /** Adds or changes a node; `secret` null keeps the stored password or token, '' removes it. */
  'pacs:saveNode': { request: SaveNodeRequest, response: PacsSettingsView },
  'pacs:deleteNode': { request: z.object({ nodeId: PacsNode.shape.id }), response: PacsSettingsView },
  /** Tests a node as the form holds it (saved or not): C-ECHO and/or QIDO-RS; `secret` null uses the stored one. */
  'pacs:testNode': { request: z.object({ node: SaveNodeRequest.shape.node, secret: z.string().max(8192).nullable() }), response: ConnectionTestResult },
  /** Radraft's own DICOM node (storage SCP): started, restarted or stopped as the settings say. */
  'pacs:saveListener': { request: ListenerSettings, response: PacsSettingsView },
  'pacs:savePredraft': { request: PredraftSettings.omit({ watchedFolder: true }), response: PacsSettingsView },
  /** Main asks for the folder to watch (cancel keeps the current one); `clear` stops watching. */
  'pacs:chooseWatchedFolder': { request: z.object({ clear: z.boolean() }), response: PacsSettingsView },
  'pacs:saveCache': { request: CacheSettings, response: PacsSettingsView },
  /** Chest radiograph studies on a node in a date range, unreported first, with what Radraft knows of each. */
  'worklist:query': { request: WorklistQuery, response: z.array(WorklistEntry) },
  /** Retrieves the study into the local cache (progress as pacs:retrieveProgress) and opens it. */
  'worklist:open': { request: StudyRef.extend({ nodeId: PacsNode.shape.id }), response: OpenResult },
  'worklist:cancel': { request: StudyRef, response: z.object({ cancelled: z.boolean() }) },
  'predraft:status': { request: z.object({}), response: PredraftStatus },
  'predraft:setPaused': { request: z.object({ paused: z.boolean() }), response: PredraftStatus },
  /** The clinician opened this study: its pre-draft goes first. */
  'predraft:prioritise': { request: StudyRef, response: PredraftStatus },
  'predraft:retryFailed': { request: z.object({}), response: PredraftStatus },
  'predraft:clearFinished': { request: z.object({}), response: PredraftStatus },
} as const satisfies Record<InvokeChannel, { request: z.ZodType; response: z.ZodType }>;

/** The reading room's channels (issue 11): study list, priors, thumbnails, measurements, reporting aids. */
function readingRoomChannels() {
  const Sop = z.string().min(1).max(128);
  const Id = z.number().int().positive();
  const aids = { request: z.object({}), response: ReportingAids };
  return {
    /** Takes a study off the list (its report and measurements stay in the database); answers the new list. */
    'studies:close': { request: StudyRef, response: z.array(StudySummary) },
    /** The patient's earlier studies among those open and those the database remembers (app/domain/priors.ts). */
    'studies:priors': { request: StudyRef, response: z.array(PriorStudy) },
    /** Opens a remembered prior's files again (they may have moved: the error says so); answers the study. */
    'studies:openPrior': { request: StudyRef, response: StudySummary },
    /** Where each study's report stands, for the study list (app/report/review.ts's reportProgress). */
    'reports:progress': {
      request: z.object({ studyInstanceUids: z.array(z.string().min(1).max(128)).max(10_000) }),
      response: z.record(z.string(), z.enum(REPORT_PROGRESS)),
    },
    'image:thumbnail': {
      request: z.object({ imageId: z.string().min(1).max(4096) }),
      response: z.object({ imageId: z.string(), width: z.number().int(), height: z.number().int(), pixels: z.instanceof(Uint8Array) }),
    },
    'measurements:list': { request: z.object({ sopInstanceUid: Sop }), response: z.array(Measurement) },
    'measurements:add': { request: z.object({ sopInstanceUid: Sop, shape: MeasurementShape }), response: Measurement },
    'measurements:delete': { request: z.object({ id: Id }), response: z.object({ deleted: z.boolean() }) },
    'aids:list': aids,
    'aids:saveTemplate': { request: z.object({ id: Id.optional(), template: TemplateInput }), response: ReportingAids },
    'aids:deleteTemplate': { request: z.object({ id: Id }), response: ReportingAids },
    'aids:saveSnippet': { request: z.object({ id: Id.optional(), snippet: SnippetInput }), response: ReportingAids },
    'aids:deleteSnippet': { request: z.object({ id: Id }), response: ReportingAids },
    /** Writes every template and snippet to a JSON file the clinician chooses (versioned: app/report/reporting-aids.ts). */
    'aids:export': { request: z.object({}), response: z.object({ cancelled: z.boolean(), filePath: z.string().nullable() }) },
    /** Reads a JSON file the clinician chooses; all or nothing. */
    'aids:import': {
      request: z.object({}),
      response: z.object({ cancelled: z.boolean(), aids: ReportingAids.nullable(), templates: ImportCounts, snippets: ImportCounts }),
    },
  } as const;
}

export const events = {
  'draft:event': DraftEvent,
  'models:importProgress': ImportProgress,
  'models:validateProgress': ValidationProgress,
  /** A click in the application menu: one of the app's commands (app/ipc/commands.ts). */
  'menu:command': z.object({ command: z.enum(COMMANDS) }),
  /** More files from the operating system are waiting: take them with studies:takePendingOpens. */
  'studies:openRequested': z.object({}),
  /** Studies arrived without the clinician opening them (pushed to the storage SCP, watched folder, pre-drafting). */
  'studies:changed': z.object({}),
  'pacs:retrieveProgress': RetrieveProgress,
  'predraft:changed': PredraftStatus,
} as const satisfies Record<EventChannel, z.ZodType>;

export type Contract = typeof contract;
export type RequestOf<C extends InvokeChannel> = z.input<Contract[C]['request']>;
export type ResponseOf<C extends InvokeChannel> = z.output<Contract[C]['response']>;
export type EventOf<E extends EventChannel> = z.output<(typeof events)[E]>;

/** What the preload exposes on `window.radraft`: a generic, channel-checked transport. */
export interface RadraftBridge {
  invoke<C extends InvokeChannel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>>;
  on<E extends EventChannel>(event: E, listener: (payload: EventOf<E>) => void): () => void;
  /** Absolute path of a dropped file (Electron's webUtils.getPathForFile); '' when unknown. */
  pathForFile(file: File): string;
}

/** Main-side implementation of every channel; requests arrive already validated. */
export type Handlers = {
  [C in InvokeChannel]: (request: z.output<Contract[C]['request']>) => Promise<ResponseOf<C>>;
};
