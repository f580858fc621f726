// A PACS node Radraft sends to: the DICOM network address of the archive (PS3.8 9.3.1: AE title, host, port).
// Small on purpose: the PACS settings (a later issue) own the list of nodes and choose one.
import { z } from 'zod';

/** PS3.5 6.2 AE: 1-16 characters of the default repertoire, no backslash or control characters; not all spaces. */
export const AeTitle = z
  .string()
  .max(16)
  .regex(/^[\x20-\x5b\x5d-\x7e]*[\x21-\x5b\x5d-\x7e][\x20-\x5b\x5d-\x7e]*$/, 'An AE title is 1 to 16 letters, digits or punctuation (no backslash).');

export const PacsNode = z.object({
  /** The archive's Called AE Title. */
  aeTitle: AeTitle,
  host: z.string().trim().min(1).max(255),
  port: z.number().int().min(1).max(65535),
});
export type PacsNode = z.infer<typeof PacsNode>;

/** Radraft's own Calling AE Title unless the settings say otherwise. */
export const DEFAULT_CALLING_AE_TITLE = 'RADRAFT';

/** "ORTHANC@127.0.0.1:4242", as the CLI takes a node and messages name it. */
export function formatPacsNode(node: PacsNode): string {
  return `${node.aeTitle}@${node.host}:${node.port}`;
}

/** Parses "AE@HOST:PORT"; null when it is not that shape. */
export function parsePacsNode(text: string): PacsNode | null {
  const m = /^([^@]{1,16})@(.+):(\d{1,5})$/.exec(text.trim());
  if (!m) return null;
  const parsed = PacsNode.safeParse({ aeTitle: m[1], host: m[2].replace(/^\[(.*)\]$/, '$1'), port: Number(m[3]) });
  return parsed.success ? parsed.data : null;
}
