// Type declarations for the parts of dcmjs Radraft uses (dcmjs ships none): naturalized data sets in, Part 10 out.
declare module 'dcmjs' {
  /** A data set keyed by attribute keyword (PS3.6), as dcmjs "naturalizes" it; sequences are arrays of data sets. */
  export type NaturalDataset = { [keyword: string]: string | number | ArrayBuffer | NaturalDataset[] | string[] | number[] | undefined };
  /** A data set keyed by tag ("00100010"), each with its VR and values. */
  export type DenaturalDataset = Record<string, { vr: string; Value?: unknown[] }>;

  export namespace data {
    class DicomDict {
      constructor(meta: DenaturalDataset);
      meta: DenaturalDataset;
      dict: DenaturalDataset;
      write(options?: { allowInvalidVRLength?: boolean; fragmentMultiframe?: boolean }): ArrayBuffer;
    }
    class DicomMessage {
      static readFile(buffer: ArrayBuffer, options?: { ignoreErrors?: boolean; untilTag?: string; includeUntilTagValue?: boolean }): DicomDict;
    }
    class DicomMetaDictionary {
      static naturalizeDataset(dataset: DenaturalDataset): NaturalDataset;
      static denaturalizeDataset(dataset: NaturalDataset): DenaturalDataset;
      static dictionary: Record<string, { tag: string; vr: string; name: string; vm: string; version: string }>;
      static nameMap: Record<string, { tag: string; vr: string; name: string }>;
    }
  }
  const dcmjs: { data: typeof data };
  export default dcmjs;
}
