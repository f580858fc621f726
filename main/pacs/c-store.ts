// Sends a DICOM object to a PACS node by C-STORE (PS3.4 Annex B Storage Service Class, PS3.7 9.1.1) over one
// association (main/pacs/dimse.ts). Used by `radraft send` and by the export dialog's "Send to PACS".
import dcmjs from 'dcmjs';
import dcmjsDimse from 'dcmjs-dimse';
import { formatDimseAddress } from '../../app/domain/pacs';
import { associate, type DimseTarget } from './dimse';
import { PacsError } from './errors';

/** PS3.7 C.4.2.1.4: 0000 success; Bxxx warnings (stored, e.g. with coercion); anything else a failure. */
function outcome(status: number): 'stored' | 'warning' | 'failed' {
  if (status === 0) return 'stored';
  if ((status & 0xf000) === 0xb000) return 'warning';
  return 'failed';
}

/** Stores one Part 10 file's data set on the node; resolves once the node says it is stored. */
export async function storeToPacs(target: DimseTarget, part10: Uint8Array): Promise<{ status: number }> {
  const { Dataset } = dcmjsDimse;
  const { CStoreRequest } = dcmjsDimse.requests;
  const where = formatDimseAddress(target.node);
  let dataset: InstanceType<typeof Dataset>;
  try {
    // dcmjs-dimse's Dataset takes a data set's elements (it reads raw data sets, not Part 10 files).
    const file = dcmjs.data.DicomMessage.readFile(part10.slice().buffer);
    const transferSyntax = String((dcmjs.data.DicomMetaDictionary.naturalizeDataset(file.meta).TransferSyntaxUID as string | undefined) ?? '1.2.840.10008.1.2.1');
    dataset = new Dataset(dcmjs.data.DicomMetaDictionary.naturalizeDataset(file.dict), transferSyntax);
  } catch (error) {
    throw new PacsError(`The file to send is not a readable DICOM object (${error instanceof Error ? error.message : String(error)}).`);
  }
  const request = new CStoreRequest(dataset);
  let response: { status: number; comment: string } | null = null;
  request.on('response', (r: { getStatus(): number; getErrorComment(): string }) => {
    response = { status: r.getStatus(), comment: r.getErrorComment() };
  });
  // Also offer the file's own transfer syntax alone, so a PACS that accepts it stores exactly the bytes Radraft
  // wrote rather than a re-encoding (dcmjs-dimse otherwise offers Implicit VR Little Endian first).
  const sopClassUid = String(dataset.getElement('SOPClassUID') ?? '');
  await associate(target, [request], { extraContexts: [{ sopClassUid, transferSyntaxUid: dataset.getTransferSyntaxUid() }] });
  const got = response as { status: number; comment: string } | null;
  if (!got) throw new PacsError(`${where} closed the connection without confirming the report was stored. Send it again, or ask the PACS administrator.`, 'protocol');
  if (outcome(got.status) === 'failed') {
    throw new PacsError(
      `${where} refused to store the report (status 0x${got.status.toString(16).padStart(4, '0')}${got.comment ? `: ${got.comment}` : ''}). Ask the PACS administrator whether it accepts Basic Text SR from Radraft.`,
    );
  }
  return { status: got.status };
}
