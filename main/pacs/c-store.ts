// Sends a DICOM object to a PACS node by C-STORE (PS3.4 Annex B Storage Service Class, PS3.7 9.1.1) over one
// association (PS3.8), with dcmjs-dimse. The only network Radraft opens, and only to a node the clinician named.
import dcmjs from 'dcmjs';
import dcmjsDimse from 'dcmjs-dimse';
import { DEFAULT_CALLING_AE_TITLE, formatPacsNode, type PacsNode } from '../../app/domain/pacs';
import { AppError } from '../ipc/errors';

export class PacsError extends AppError {
  readonly code = 'export' as const;
  override name = 'PacsError';
}

export interface StoreOptions {
  callingAeTitle?: string;
  /** Connect, association and each reply (ms). */
  timeoutMs?: number;
}

// dcmjs-dimse logs datasets at debug level: Radraft never logs patient data.
dcmjsDimse.log.setLevel('silent');

/** PS3.7 C.4.2.1.4: 0000 success; Bxxx warnings (stored, e.g. with coercion); anything else a failure. */
function outcome(status: number): 'stored' | 'warning' | 'failed' {
  if (status === 0) return 'stored';
  if ((status & 0xf000) === 0xb000) return 'warning';
  return 'failed';
}

/** Stores one Part 10 file's data set on the node; resolves once the node says it is stored. */
export function storeToPacs(node: PacsNode, part10: Uint8Array, options: StoreOptions = {}): Promise<{ status: number }> {
  const { Client, Dataset } = dcmjsDimse;
  const { CStoreRequest } = dcmjsDimse.requests;
  const where = formatPacsNode(node);
  const timeout = options.timeoutMs ?? 30_000;
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      fn();
    };
    let dataset: InstanceType<typeof Dataset>;
    try {
      // dcmjs-dimse's Dataset takes a data set's elements (it reads raw data sets, not Part 10 files).
      const file = dcmjs.data.DicomMessage.readFile(part10.slice().buffer);
      const transferSyntax = String((dcmjs.data.DicomMetaDictionary.naturalizeDataset(file.meta).TransferSyntaxUID as string | undefined) ?? '1.2.840.10008.1.2.1');
      dataset = new Dataset(dcmjs.data.DicomMetaDictionary.naturalizeDataset(file.dict), transferSyntax);
    } catch (error) {
      reject(new PacsError(`The file to send is not a readable DICOM object (${error instanceof Error ? error.message : String(error)}).`));
      return;
    }
    const client = new Client();
    const request = new CStoreRequest(dataset);
    // Also offer the file's own transfer syntax alone, so a PACS that accepts it stores exactly the bytes Radraft
    // wrote rather than a re-encoding (dcmjs-dimse otherwise offers Implicit VR Little Endian first).
    const sopClass = String(dataset.getElement('SOPClassUID') ?? '');
    client.addAdditionalPresentationContext(new dcmjsDimse.association.PresentationContext(0, sopClass, dataset.getTransferSyntaxUid()), true);
    let status: number | null = null;
    request.on('response', (response: { getStatus(): number; getErrorComment(): string }) => {
      status = response.getStatus();
      if (outcome(status) === 'failed') {
        const comment = response.getErrorComment();
        settle(() => reject(new PacsError(`${where} refused to store the report (status 0x${status!.toString(16).padStart(4, '0')}${comment ? `: ${comment}` : ''}). Ask the PACS administrator whether it accepts Basic Text SR from Radraft.`)));
      }
    });
    client.addRequest(request);
    client.on('associationRejected', (result: { reason?: number } | undefined) => {
      settle(() => reject(new PacsError(`${where} refused the connection (association rejected${result?.reason !== undefined ? `, reason ${result.reason}` : ''}). Check the AE titles: the PACS must know Radraft's AE title "${options.callingAeTitle ?? DEFAULT_CALLING_AE_TITLE}".`)));
    });
    client.on('networkError', (error: Error) => {
      settle(() => reject(new PacsError(`${where} could not be reached (${error.message}). Check the host, the port and that the PACS is running.`)));
    });
    client.on('closed', () => {
      settle(() => {
        if (status === null) reject(new PacsError(`${where} closed the connection without confirming the report was stored. Send it again, or ask the PACS administrator.`));
        else resolve({ status });
      });
    });
    client.send(node.host, node.port, options.callingAeTitle ?? DEFAULT_CALLING_AE_TITLE, node.aeTitle, {
      connectTimeout: timeout,
      associationTimeout: timeout,
      pduTimeout: timeout,
    });
  });
}
