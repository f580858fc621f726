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
} as const satisfies Record<InvokeChannel, { request: z.ZodType; response: z.ZodType }>;

export const events = {
  'draft:event': DraftEvent,
  'models:importProgress': ImportProgress,
  'models:validateProgress': ValidationProgress,
  /** A click in the application menu: one of the app's commands (app/ipc/commands.ts). */
  'menu:command': z.object({ command: z.enum(COMMANDS) }),
  /** More files from the operating system are waiting: take them with studies:takePendingOpens. */
  'studies:openRequested': z.object({}),
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
