// UIDs Radraft makes: PS3.5 B.2, "2.25." followed by the decimal value of a UUID. Name-based (RFC 9562 version 5),
// so the same report always gets the same UIDs: an export sent twice is the same instance to the PACS, and an
// addendum can name its predecessor without storing anything.
import { createHash, randomUUID } from 'node:crypto';

/** Radraft's namespace for name-based UUIDs (a random UUID, fixed once). */
const RADRAFT_NAMESPACE = Buffer.from('5d0bd0c64b2c4f0e9f0a7c1e3a8b62d4', 'hex');

/** Implementation Class UID of the files Radraft writes (PS3.7 D.3.3.2), derived the same way. */
export const IMPLEMENTATION_CLASS_UID = uidFromName('implementation-class');

export function uidFromName(name: string): string {
  const hash = createHash('sha1').update(RADRAFT_NAMESPACE).update(name, 'utf8').digest().subarray(0, 16);
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  return `2.25.${BigInt(`0x${hash.toString('hex')}`).toString(10)}`;
}

export function randomUid(): string {
  return `2.25.${BigInt(`0x${randomUUID().replace(/-/g, '')}`).toString(10)}`;
}
