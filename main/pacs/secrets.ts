// PACS passwords and tokens, encrypted with the operating system's key store through Electron's safeStorage (injected
// at the Electron boundary by main/index.ts; tests pass a fake there only). Without a usable key store a secret is
// stored in plain text only when the clinician asked for it, and the settings say so next to the node.
import { AppError } from '../ipc/errors';
import type { PacsStore } from './pacs-store';

/** Electron's safeStorage as Radraft uses it. */
export interface OsEncryption {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux: the backend in use ('basic_text' is a fixed key, no protection); undefined elsewhere. */
  getSelectedStorageBackend?(): string;
}

export class SecretStorageError extends AppError {
  readonly code = 'validation' as const;
  override name = 'SecretStorageError';
}

export type SecretState = 'none' | 'encrypted' | 'plain';

export class SecretStore {
  constructor(
    private readonly store: PacsStore,
    private readonly os: OsEncryption | null,
  ) {}

  /** The operating system can protect secrets (a real key store, not Chromium's fixed-key fallback). */
  encryptionAvailable(): boolean {
    if (!this.os) return false;
    try {
      return this.os.isEncryptionAvailable() && this.os.getSelectedStorageBackend?.() !== 'basic_text';
    } catch {
      return false;
    }
  }

  /** Stores `secret` for the node: encrypted, or in plain text only with `allowPlain`. */
  put(nodeId: string, secret: string, allowPlain: boolean): SecretState {
    if (this.encryptionAvailable()) {
      this.store.putSecret(nodeId, 'os-encrypted', this.os!.encryptString(secret));
      return 'encrypted';
    }
    if (!allowPlain) {
      throw new SecretStorageError(
        'This computer has no key store Radraft can use to encrypt the password (on Linux: a keyring such as GNOME Keyring or KWallet). Unlock or install one, or tick "Store unencrypted" to keep it in plain text in Radraft\'s database.',
      );
    }
    this.store.putSecret(nodeId, 'plain', Buffer.from(secret, 'utf8'));
    return 'plain';
  }

  get(nodeId: string): string | null {
    const stored = this.store.secret(nodeId);
    if (!stored) return null;
    if (stored.scheme === 'plain') return stored.value.toString('utf8');
    if (!this.os) throw new SecretStorageError('The PACS password was encrypted with this computer\'s key store, which is not available now. Enter the password again in the PACS settings.');
    try {
      return this.os.decryptString(stored.value);
    } catch {
      throw new SecretStorageError('The stored PACS password could not be decrypted (the key store changed or is locked). Enter the password again in the PACS settings.');
    }
  }

  state(nodeId: string): SecretState {
    const stored = this.store.secret(nodeId);
    if (!stored) return 'none';
    return stored.scheme === 'plain' ? 'plain' : 'encrypted';
  }

  delete(nodeId: string): void {
    this.store.deleteSecret(nodeId);
  }
}
