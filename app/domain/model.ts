import { z } from 'zod';

/** Weight precisions a model is imported in (fp32 reproduces transformers; int8/int4 use MatMulNBits). */
export const WEIGHT_DTYPES = ['fp32', 'fp16', 'int8', 'int4'] as const;
export const WeightDtype = z.enum(WEIGHT_DTYPES);
export type WeightDtype = z.infer<typeof WeightDtype>;

/** A model's latest validation on this workstation's own studies (main/eval/validation-store.ts). */
export const ModelValidation = z.object({
  validatedAt: z.string(),
  caseCount: z.number().int(),
  source: z.enum(['folder', 'signed']),
  /** "validated on 120 local studies on 2026-12-03: CheXpert micro-F1 0.52, ROUGE-L 0.31, …" */
  summary: z.string(),
  /** Whether its HTML report is there to open. */
  hasReport: z.boolean(),
});
export type ModelValidation = z.infer<typeof ModelValidation>;

/** A model as the Models panel lists it. */
export const ModelSummary = z.object({
  id: z.string(),
  name: z.string(),
  dtype: z.string(),
  imageSize: z.number().int(),
  sizeBytes: z.number(),
  manifestSha256: z.string(),
  intendedUse: z.string(),
  demo: z.boolean(),
  active: z.boolean(),
  status: z.enum(['ok', 'broken']),
  problem: z.string().nullable(),
  /** null: "not validated here". */
  validation: ModelValidation.nullable(),
});
export type ModelSummary = z.infer<typeof ModelSummary>;

/** A box from `<locYYYY>` tokens, in original image pixels. */
export const Box = z.object({
  label: z.string(),
  y0: z.number(),
  x0: z.number(),
  y1: z.number(),
  x1: z.number(),
});
export type Box = z.infer<typeof Box>;

export const DraftStage = z.enum(['loading-model', 'reading-image', 'reading-prompt', 'writing', 'done', 'cancelled', 'error']);
export type DraftStage = z.infer<typeof DraftStage>;

export const DraftEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('stage'), draftId: z.string(), stage: DraftStage }),
  z.object({
    type: z.literal('token'),
    draftId: z.string(),
    text: z.string(),
    /** Probability of the sampled token, for confidence tinting. */
    probability: z.number(),
    tokensPerSecond: z.number(),
  }),
  z.object({ type: z.literal('done'), draftId: z.string(), text: z.string(), boxes: z.array(Box) }),
  z.object({ type: z.literal('error'), draftId: z.string(), message: z.string() }),
]);
export type DraftEvent = z.infer<typeof DraftEvent>;

export const ImportProgress = z.object({ jobId: z.string(), fraction: z.number(), message: z.string() });
export type ImportProgress = z.infer<typeof ImportProgress>;

export const ValidationProgress = z.object({ jobId: z.string(), modelId: z.string(), done: z.number().int(), total: z.number().int(), message: z.string() });
export type ValidationProgress = z.infer<typeof ValidationProgress>;
