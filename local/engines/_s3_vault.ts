/**
 * What the S3 compatibility layer reads and writes directly in the S3
 * emulator's object store, below its HTTP interface: object metadata, exact
 * copies of objects (same ETag and Last-Modified), and small records of its
 * own in an internal bucket that clients never see. Everything written here
 * goes through the emulator's own persistence, so it survives a restart when
 * the local AWS keeps data, and is lost with it when it runs in memory.
 *
 * @module
 */

/** The bucket the layer keeps its records and old object versions in. */
export const INTERNAL_BUCKET = "0-local-aws-internal";

/** An object's metadata as the store holds it. */
export interface S3ObjectInfo {
  /** Object key. */
  readonly key: string;
  /** ETag with its quotes (`"9a0364b9e99bb480dd25e1f0284c8555"`). */
  readonly etag: string;
  /** Size in bytes. */
  readonly size: number;
  /** When it was written. */
  readonly lastModified: Date;
}

/** Direct access to the S3 emulator's store. */
export interface S3Vault {
  /** Whether the bucket exists. */
  hasBucket(bucket: string): boolean;
  /** An object's metadata, or undefined when the bucket or key does not exist. */
  objectInfo(bucket: string, key: string): S3ObjectInfo | undefined;
  /** Every object of the bucket whose key starts with `prefix`, in no order. */
  listObjects(bucket: string, prefix: string): S3ObjectInfo[];
  /** Copies an object exactly (body, metadata, ETag, Last-Modified); false when the source is missing. */
  copyObject(from: S3Location, to: S3Location): boolean;
  /** Deletes an object; no-op when missing. */
  deleteObject(bucket: string, key: string): void;
  /** A record of the internal bucket, or undefined. */
  readRecord(key: string): string | undefined;
  /** Writes a record of the internal bucket. */
  writeRecord(key: string, text: string): void;
  /** Deletes a record of the internal bucket; no-op when missing. */
  deleteRecord(key: string): void;
  /** Keys of the internal bucket's records that start with `prefix`, in no order. */
  recordKeys(prefix: string): string[];
  /** The bucket's multipart uploads in progress, in no order. */
  listUploads(bucket: string): S3UploadInfo[];
  /** An upload's parts in part-number order, or undefined when there is no such upload. */
  listParts(uploadId: string): S3PartInfo[] | undefined;
  /**
   * Where each part of an object made by a multipart upload lies in it, in
   * order; undefined for an object written in one piece (or missing).
   */
  objectParts(bucket: string, key: string): S3ObjectPart[] | undefined;
}

/** Where one part of a multipart object lies in it. */
export interface S3ObjectPart {
  /** Offset of its first byte. */
  readonly offset: number;
  /** Its size in bytes. */
  readonly length: number;
}

/** A multipart upload in progress. */
export interface S3UploadInfo {
  readonly uploadId: string;
  readonly bucket: string;
  readonly key: string;
  readonly initiated: Date;
}

/** An uploaded part. */
export interface S3PartInfo {
  readonly partNumber: number;
  readonly etag: string;
  readonly size: number;
  readonly lastModified: Date;
}

/** A bucket and key. */
export interface S3Location {
  /** Bucket name. */
  readonly bucket: string;
  /** Object key. */
  readonly key: string;
}
