// Hospital integration, the platform-free part: PACS nodes as the settings hold them (PS3.8 9.3.1 network address:
// AE title, host, port; PS3.18 DICOMweb base URL; authentication; TLS), Radraft's own DICOM node (the storage SCP),
// the worklist, the background pre-drafting queue and what a connection test found. Secrets (passwords, tokens) are
// never part of these: main keeps them encrypted and only says whether one is stored.
import { z } from 'zod';

/** PS3.5 6.2 AE: 1-16 characters of the default repertoire, no backslash or control characters; not all spaces. */
export const AeTitle = z
  .string()
  .max(16)
  .regex(/^[\x20-\x5b\x5d-\x7e]*[\x21-\x5b\x5d-\x7e][\x20-\x5b\x5d-\x7e]*$/, 'An AE title is 1 to 16 letters, digits or punctuation (no backslash).');

const Host = z
  .string()
  .trim()
  .min(1, 'Enter the host name or IP address of the PACS.')
  .max(255)
  .regex(/^[A-Za-z0-9._:-]+$/, 'A host is a name or an IP address (letters, digits, dots, dashes, colons).');
const Port = z.number().int().min(1).max(65535);

/** Where a DIMSE association goes: the archive's Called AE Title, host and port. */
export const DimseAddress = z.object({
  aeTitle: AeTitle,
  host: Host,
  port: Port,
});
export type DimseAddress = z.infer<typeof DimseAddress>;

/** Radraft's own AE title unless the settings say otherwise (Calling AE, and the storage SCP's Called AE). */
export const DEFAULT_CALLING_AE_TITLE = 'RADRAFT';
/** The DICOM port Radraft listens on unless the settings say otherwise (PS3.15 registered port 11112). */
export const DEFAULT_LISTENER_PORT = 11112;

/** "ORTHANC@127.0.0.1:4242", as the CLI takes a node and messages name it. */
export function formatDimseAddress(node: DimseAddress): string {
  return `${node.aeTitle}@${node.host}:${node.port}`;
}

/** Parses "AE@HOST:PORT"; null when it is not that shape. */
export function parseDimseAddress(text: string): DimseAddress | null {
  const m = /^([^@]{1,16})@(.+):(\d{1,5})$/.exec(text.trim());
  if (!m) return null;
  const parsed = DimseAddress.safeParse({ aeTitle: m[1], host: m[2].replace(/^\[(.*)\]$/, '$1'), port: Number(m[3]) });
  return parsed.success ? parsed.data : null;
}

/** DICOMweb base URL (PS3.18 8.2: the service root QIDO-RS and WADO-RS paths are appended to). */
export const DicomWebUrl = z
  .string()
  .trim()
  .max(2048)
  .refine((text) => {
    try {
      const url = new URL(text);
      return (url.protocol === 'http:' || url.protocol === 'https:') && url.username === '' && url.password === '' && url.search === '' && url.hash === '';
    } catch {
      return false;
    }
  }, 'The DICOMweb URL is http:// or https://, without a user name, query or fragment (e.g. https://pacs.hospital/dicom-web).');

/** How Radraft proves who it is to the DICOMweb server. The secret itself is stored apart, encrypted. */
export const PacsAuth = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none') }),
  z.object({ kind: z.literal('basic'), username: z.string().trim().min(1).max(256).regex(/^[^:\r\n]+$/, 'A user name has no colon or line break.') }),
  z.object({ kind: z.literal('bearer') }),
]);
export type PacsAuth = z.infer<typeof PacsAuth>;

/** One or more PEM certificates: the hospital's CA that signed the PACS's certificate. */
export const CaPem = z
  .string()
  .max(64 * 1024)
  .refine((text) => /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.test(text), 'Paste the CA certificate in PEM form (-----BEGIN CERTIFICATE----- …).');

export const PacsTls = z.object({
  /** DIMSE over TLS (PS3.15 B.1, the Basic TLS Secure Transport Connection Profile) to host:port. */
  dimse: z.boolean(),
  /** Trust this CA (besides the system's) for HTTPS and DICOM TLS; null: the system's trust store only. */
  caPem: CaPem.nullable(),
});
export type PacsTls = z.infer<typeof PacsTls>;

export const QUERY_METHODS = ['dimse', 'dicomweb'] as const;
export const RETRIEVE_METHODS = ['c-get', 'c-move', 'wado-rs'] as const;

/** A PACS node as the settings hold it. */
export const PacsNode = DimseAddress.extend({
  id: z.string().regex(/^[A-Za-z0-9-]{1,64}$/),
  /** What the clinician calls it ("Main PACS"). */
  name: z.string().trim().min(1, 'Give the node a name.').max(64),
  dicomWebUrl: DicomWebUrl.nullable(),
  auth: PacsAuth,
  tls: PacsTls,
  /** How the worklist asks: C-FIND (PS3.4 C.4.1) or QIDO-RS (PS3.18 10.6). */
  query: z.enum(QUERY_METHODS),
  /** How studies are fetched: C-GET (PS3.4 C.4.3), C-MOVE to Radraft's own SCP (PS3.4 C.4.2) or WADO-RS (PS3.18 10.4). */
  retrieve: z.enum(RETRIEVE_METHODS),
});
export type PacsNode = z.infer<typeof PacsNode>;

/** A node as the settings panel shows it: whether a secret is stored, and how. */
export const PacsNodeView = PacsNode.extend({
  /** 'encrypted': with the operating system's key store; 'plain': unencrypted, on request; 'none': no secret. */
  secret: z.enum(['none', 'encrypted', 'plain']),
});
export type PacsNodeView = z.infer<typeof PacsNodeView>;

/** Why a node's settings do not fit together, in a clinician's (or IT's) words; null when they do. */
export function nodeProblem(node: Pick<PacsNode, 'dicomWebUrl' | 'query' | 'retrieve' | 'auth' | 'tls'>): string | null {
  if (!node.dicomWebUrl && (node.query === 'dicomweb' || node.retrieve === 'wado-rs')) return 'QIDO-RS and WADO-RS need the DICOMweb URL.';
  if (node.auth.kind !== 'none' && !node.dicomWebUrl) return 'User name, password and tokens are for DICOMweb: enter its URL, or choose no authentication.';
  return null;
}

/** Radraft as a DICOM node others send to (Storage SCP, PS3.4 B.2.2); off until the clinician turns it on. */
export const ListenerSettings = z.object({
  enabled: z.boolean(),
  aeTitle: AeTitle,
  port: Port,
  /** Listen on every network interface (a PACS or modality elsewhere pushes) or on this computer only. */
  loopbackOnly: z.boolean(),
  /** Calling AE titles allowed to send; anything else is refused at association (PS3.8 A-ASSOCIATE-RJ). */
  allowedCallingAes: z.array(AeTitle).max(64),
});
export type ListenerSettings = z.infer<typeof ListenerSettings>;

export const PredraftSettings = z.object({
  /** Draft worklist studies (and pushed or watched ones) in the background. */
  enabled: z.boolean(),
  /** onnxruntime threads for background drafts; null: half the cores (at least one). */
  threads: z.number().int().min(1).max(256).nullable(),
  /** A folder whose new DICOM files are opened and pre-drafted; null: none. */
  watchedFolder: z.string().min(1).max(4096).nullable(),
});
export type PredraftSettings = z.infer<typeof PredraftSettings>;

export const CacheSettings = z.object({
  /** Retrieved and received images kept, in GiB; the least recently used studies go first beyond it. */
  limitGiB: z.number().min(0.1).max(100_000),
});
export type CacheSettings = z.infer<typeof CacheSettings>;

export const PACS_SETTINGS_VERSION = 1;

/** Persisted settings (main keeps them in the report database's settings, versioned). */
export const PacsSettings = z.object({
  version: z.literal(PACS_SETTINGS_VERSION),
  nodes: z.array(PacsNode).max(32),
  listener: ListenerSettings,
  predraft: PredraftSettings,
  cache: CacheSettings,
});
export type PacsSettings = z.infer<typeof PacsSettings>;

export function defaultPacsSettings(): PacsSettings {
  return {
    version: PACS_SETTINGS_VERSION,
    nodes: [],
    listener: { enabled: false, aeTitle: DEFAULT_CALLING_AE_TITLE, port: DEFAULT_LISTENER_PORT, loopbackOnly: false, allowedCallingAes: [] },
    predraft: { enabled: false, threads: null, watchedFolder: null },
    cache: { limitGiB: 20 },
  };
}

/** What the settings panel shows: the settings, with secrets only as a state, and what is live now. */
export const PacsSettingsView = PacsSettings.omit({ nodes: true }).extend({
  nodes: z.array(PacsNodeView),
  /** The listener as it runs now: listening, or why it is not. */
  listenerStatus: z.object({ listening: z.boolean(), problem: z.string().nullable() }),
  cacheUsedBytes: z.number(),
  /** The operating system can encrypt secrets (Electron safeStorage); false: only an explicit plain fallback. */
  encryptionAvailable: z.boolean(),
});
export type PacsSettingsView = z.infer<typeof PacsSettingsView>;

/** A node as the form sends it: `secret` null keeps the stored one, '' removes it. */
export const SaveNodeRequest = z.object({
  node: PacsNode.extend({ id: PacsNode.shape.id.optional() }),
  secret: z.string().max(8192).nullable(),
  /** Store the secret unencrypted when the operating system cannot encrypt it (the clinician ticked it). */
  allowPlainSecret: z.boolean(),
});
export type SaveNodeRequest = z.infer<typeof SaveNodeRequest>;

// ---------------------------------------------------------------- connection test

/** What went wrong, in the words IT uses to fix it. */
export const CONNECTION_FAILURES = ['dns', 'refused', 'timeout', 'tls', 'auth', 'ae-rejected', 'not-dicomweb', 'protocol', 'policy'] as const;
export const ConnectionFailure = z.enum(CONNECTION_FAILURES);
export type ConnectionFailure = z.infer<typeof ConnectionFailure>;

export const ConnectionCheck = z.object({
  /** C-ECHO (PS3.7 9.1.5, Verification) or a QIDO-RS query. */
  what: z.enum(['c-echo', 'qido-rs']),
  ok: z.boolean(),
  failure: ConnectionFailure.nullable(),
  message: z.string(),
  ms: z.number(),
});
export type ConnectionCheck = z.infer<typeof ConnectionCheck>;

export const ConnectionTestResult = z.object({ ok: z.boolean(), checks: z.array(ConnectionCheck) });
export type ConnectionTestResult = z.infer<typeof ConnectionTestResult>;

// ---------------------------------------------------------------- worklist

const DicomDate = z.string().regex(/^\d{8}$/, 'A date is YYYYMMDD.');

export const WorklistQuery = z.object({
  nodeId: PacsNode.shape.id,
  /** Study Date range, inclusive (PS3.4 C.2.2.2.5.1 range matching). */
  from: DicomDate,
  to: DicomDate,
});
export type WorklistQuery = z.infer<typeof WorklistQuery>;

/** Chest radiographs only (PS3.3 C.7.3.1.1.1 Modality): computed and digital radiography. */
export const WORKLIST_MODALITIES = ['CR', 'DX'] as const;

export const PredraftState = z.enum(['waiting', 'retrieving', 'drafting', 'ready', 'failed']);
export type PredraftState = z.infer<typeof PredraftState>;

/** One study the PACS listed, with what Radraft knows of it. */
export const WorklistEntry = z.object({
  nodeId: z.string(),
  studyInstanceUid: z.string(),
  patientName: z.string(),
  patientId: z.string(),
  accessionNumber: z.string(),
  studyDate: z.string(),
  studyTime: z.string(),
  studyDescription: z.string(),
  modalities: z.array(z.string()),
  /** View Positions (0018,5101) of its images when the PACS says (e.g. PA, LL); else empty. */
  views: z.array(z.string()),
  images: z.number().int().nullable(),
  /** The report in Radraft: none yet, being written, or signed. */
  report: z.enum(['none', 'draft', 'signed']),
  /** Its place in the pre-drafting queue, if any. */
  predraft: PredraftState.nullable(),
  /** Every image is in the local cache. */
  cached: z.boolean(),
});
export type WorklistEntry = z.infer<typeof WorklistEntry>;

/** Unreported first (no signed report), then oldest first, as a reading list is worked through. */
export function worklistOrder(a: WorklistEntry, b: WorklistEntry): number {
  const signed = (e: WorklistEntry): number => (e.report === 'signed' ? 1 : 0);
  return signed(a) - signed(b) || `${a.studyDate}${a.studyTime}`.localeCompare(`${b.studyDate}${b.studyTime}`) || a.studyInstanceUid.localeCompare(b.studyInstanceUid);
}

/** A study being fetched: instances done of total (null until known), and bytes so far. */
export const RetrieveProgress = z.object({
  studyInstanceUid: z.string(),
  nodeId: z.string(),
  state: z.enum(['retrieving', 'done', 'cancelled', 'failed']),
  done: z.number().int(),
  total: z.number().int().nullable(),
  bytes: z.number(),
  message: z.string(),
});
export type RetrieveProgress = z.infer<typeof RetrieveProgress>;

// ---------------------------------------------------------------- background pre-drafting

export const PredraftSource = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('pacs'), nodeId: z.string() }),
  /** Pushed to Radraft's storage SCP by this calling AE. */
  z.object({ kind: z.literal('received'), callingAe: z.string() }),
  z.object({ kind: z.literal('folder') }),
]);
export type PredraftSource = z.infer<typeof PredraftSource>;

export const PredraftJob = z.object({
  studyInstanceUid: z.string(),
  source: PredraftSource,
  state: PredraftState,
  /** Why it failed, or a note on a ready one ("already drafted with this model"). */
  reason: z.string().nullable(),
  patientName: z.string(),
  accessionNumber: z.string(),
  enqueuedAt: z.string(),
  updatedAt: z.string(),
});
export type PredraftJob = z.infer<typeof PredraftJob>;

export const PredraftStatus = z.object({
  enabled: z.boolean(),
  paused: z.boolean(),
  /** In the order they run: the one running, then waiting ones (the open study first), then done ones. */
  jobs: z.array(PredraftJob),
});
export type PredraftStatus = z.infer<typeof PredraftStatus>;
