// UIDs Radraft makes: PS3.5 B.2, "2.25." followed by the decimal value of a UUID. Name-based (RFC 9562 version 5),
// so the same report always gets the same UIDs: an export sent twice is the same instance to the PACS, and an
// addendum can name its predecessor without storing anything.
import { createHash, randomUUID } from 'node:crypto';

/** Radraft's namespace for name-based UUIDs (a random UUID, fixed once). */
const RADRAFT_NAMESPACE = Buffer.from('5d0bd0c64b2c4f0e9f0a7c1e3a8b62d4', 'hex');

/** Implementation Class UID of the files Radraft writes (PS3.7 D.3.3.2), derived the same way. */
export const IMPLEMENTATION_CLASS_UID = uidFromName('implementation-class');

/** The name-based UUID's 16 bytes: SHA-1 of namespace and name, with the version 5 and variant bits set. */
function uuidBytes(name: string): Buffer {
  const hash = createHash('sha1').update(RADRAFT_NAMESPACE).update(name, 'utf8').digest().subarray(0, 16);
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  return hash;
}

export function uidFromName(name: string): string {
  return `2.25.${BigInt(`0x${uuidBytes(name).toString('hex')}`).toString(10)}`;
}

/** The same UUID in its usual form (FHIR resource ids). */
export function uuidFromName(name: string): string {
  const hex = uuidBytes(name).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function randomUid(): string {
  return `2.25.${BigInt(`0x${randomUUID().replace(/-/g, '')}`).toString(10)}`;
}
