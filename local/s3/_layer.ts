/**
 * S3 in front of fauxqs: what its S3 lacks or gets wrong, added or fixed so
 * that clients see AWS's behaviour.
 *
 * - Bucket regions: `CreateBucket`'s location-constraint rules,
 *   `GetBucketLocation`, `x-amz-bucket-region` on `HeadBucket`,
 *   `BucketAlreadyOwnedByYou` outside `us-east-1`.
 * - Versioning: `PutBucketVersioning`/`GetBucketVersioning`, version ids on
 *   writes, reads and deletes by `versionId`, delete markers,
 *   `ListObjectVersions`, `DeleteObjects` with versions, and `DeleteBucket`
 *   refusing a bucket that still holds versions. Current versions stay where
 *   fauxqs keeps objects (so its listing and reads keep working); older ones
 *   are exact copies in an internal bucket, and the version lists are records
 *   there: all of it is persisted by fauxqs's own store.
 * - Conditional requests: `If-None-Match: *` and `If-Match` on `PutObject`,
 *   `CopyObject` and `CompleteMultipartUpload`, `If-Match` on `DeleteObject`,
 *   and RFC 7232 reads (`If-Match`, `If-None-Match`, `If-Modified-Since`,
 *   `If-Unmodified-Since`) on `GetObject` and `HeadObject`, including HEAD.
 * - Reads: `Range` as S3 serves it (206, `Content-Range`, 416
 *   `InvalidRange`), `response-*` header overrides, `UploadPartCopy` (fauxqs
 *   would store an empty part).
 *
 * Writes to one key are serialized, so conditional writes race correctly.
 *
 * @module
 */

import type { InnerRequest, InnerResponse, InnerService } from "../core/mod.ts";
import { KeyedLock } from "../core/mod.ts";
import { s3Target } from "../core/mod.ts";
import {
  checkWriteConditions,
  evaluateReadConditions,
  preconditionFailed,
  resolveRange,
  responseOverrides,
} from "./_conditions.ts";
import {
  BUCKET_CONFIGS,
  bucketConfigOf,
  checkTags,
  DELETED_IS_NOT_FOUND,
  objectLockEnabledXml,
  ownerAclXml,
  parseTagging,
  parseTaggingHeader,
  taggingXml,
} from "./_config.ts";
import { s3ErrorXml, s3RequestId } from "./_error.ts";
import { listKeys, listV1Xml, listV2Xml, tokenKey } from "./_listing.ts";
import {
  bucketLocationXml,
  locationConstraint,
  placeBucket,
  S3_NS,
  type S3ErrorSpec,
  signedRegion,
  US_EAST_1,
} from "./_location.ts";
import { INTERNAL_BUCKET, type S3Location, type S3Vault } from "../engines/mod.ts";
import {
  type KeyVersions,
  listVersions,
  listVersionsXml,
  newVersionId,
  NULL_VERSION,
  type VersionEntry,
  type VersioningStatus,
} from "./_versions.ts";
import { element, elementText, elementTexts } from "../core/mod.ts";

/** Options of {@linkcode createS3Layer}. */
export interface S3LayerOptions {
  /** The S3 emulator's HTTP interface. */
  readonly fauxqs: InnerService;
  /** Direct access to its store. */
  readonly vault: S3Vault;
  /** Region of buckets the layer has no record of, and of unsigned requests. */
  readonly region: string;
}

/** The S3 layer: answers one S3 request. */
export interface S3Layer {
  /** Answers `request`, whose operation the router named. */
  handle(operation: string, request: InnerRequest): Promise<InnerResponse>;
}

/** What the layer records about a bucket. */
interface BucketRecord {
  readonly region: string;
  readonly versioning?: VersioningStatus;
  readonly objectLock?: boolean;
}

/** How a request names one version of an object. */
interface ResolvedVersion {
  /** Where its bytes are. */
  readonly location: S3Location;
  /** Its entry, when the key has versions. */
  readonly entry: VersionEntry | undefined;
}

/** The result of deleting one key or version. */
type DeleteOutcome =
  | {
    readonly ok: true;
    readonly versionId?: string;
    readonly deleteMarker?: boolean;
  }
  | { readonly ok: false; readonly error: S3ErrorSpec };

const READ_CONDITIONS = ["if-match", "if-none-match", "if-modified-since", "if-unmodified-since"];

const COPY_CONDITIONS = {
  "if-match": "x-amz-copy-source-if-match",
  "if-none-match": "x-amz-copy-source-if-none-match",
  "if-modified-since": "x-amz-copy-source-if-modified-since",
  "if-unmodified-since": "x-amz-copy-source-if-unmodified-since",
} as const;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Makes the S3 layer.
 *
 * @example Usage
 * ```ts ignore
 * const s3 = createS3Layer({ fauxqs, vault: fauxqs.vault, region: "us-east-1" });
 * const answer = await s3.handle("GetBucketLocation", request);
 * ```
 */
export function createS3Layer(options: S3LayerOptions): S3Layer {
  const { fauxqs, vault } = options;
  const keyLock = new KeyedLock();

  return {
    async handle(operation, request) {
      const url = new URL(request.url, "http://localhost");
      const { bucket, key } = s3Target(url.pathname, request.headers.host ?? null);
      if (bucket === INTERNAL_BUCKET) return s3Error(noSuchBucket(bucket));
      if (bucket === undefined) {
        return operation === "ListBuckets" ? listBuckets(request) : forward(request);
      }
      if (key === undefined) {
        const config = CONFIG_OPERATIONS.has(operation)
          ? bucketConfigOf(url.searchParams)
          : undefined;
        if (config !== undefined) return bucketConfig(bucket, config.param, request);
        switch (operation) {
          case "ListObjects":
          case "ListObjectsV2":
            return listObjects(bucket, url, operation === "ListObjectsV2");
          case "ListMultipartUploads":
            return listMultipartUploads(bucket, url);
          case "CreateBucket":
            return createBucket(bucket, url, request);
          case "DeleteBucket":
            return deleteBucket(bucket, request);
          case "HeadBucket":
            return headBucket(bucket, request);
          case "GetBucketLocation":
            return vault.hasBucket(bucket)
              ? xmlAnswer(bucketLocationXml(bucketRecord(bucket).region))
              : s3Error(noSuchBucket(bucket));
          case "GetBucketVersioning":
            return getBucketVersioning(bucket);
          case "PutBucketVersioning":
            return putBucketVersioning(bucket, request);
          case "ListObjectVersions":
            return listObjectVersions(bucket, url);
          case "DeleteObjects":
            return deleteObjects(bucket, request);
          default:
            return forward(request);
        }
      }
      switch (operation) {
        case "PutObject":
        case "CopyObject":
        case "CompleteMultipartUpload":
          return await write(operation, { bucket, key }, request);
        case "DeleteObject":
          return deleteObject({ bucket, key }, url, request);
        case "GetObject":
        case "HeadObject":
          return read({ bucket, key }, url, request);
        case "UploadPartCopy":
          return uploadPartCopy(url, request);
        case "GetObjectTagging":
        case "PutObjectTagging":
        case "DeleteObjectTagging":
          return objectTagging(operation, { bucket, key }, url, request);
        case "GetObjectAcl":
        case "PutObjectAcl":
          return objectAcl(operation, { bucket, key }, url);
        case "ListParts":
          return listParts({ bucket, key }, url);
        default:
          return forward(request);
      }
    },
  };

  /** fauxqs's answer, with AWS's wording for the errors it words differently. */
  async function forward(request: InnerRequest): Promise<InnerResponse> {
    const answer = await fauxqs.handle(request);
    if (answer.status < 400 || request.method === "HEAD") return answer;
    const xml = decoder.decode(answer.body);
    const code = /<Code>([^<]+)<\/Code>/.exec(xml)?.[1];
    const bucket =
      s3Target(new URL(request.url, "http://localhost").pathname, request.headers.host ?? null)
        .bucket ?? "";
    if (code === "NoSuchBucket") return s3Error(noSuchBucket(bucket));
    if (code === "InvalidBucketName") {
      return s3Error({
        status: 400,
        code,
        message: "The specified bucket is not valid.",
        extra: { BucketName: bucket },
      });
    }
    return answer;
  }

  // ── buckets ───────────────────────────────────────────────────────────────

  function bucketRecord(bucket: string): BucketRecord {
    const text = vault.readRecord(`bucket/${bucket}`);
    if (text === undefined) return { region: options.region };
    return JSON.parse(text) as BucketRecord;
  }

  function saveBucketRecord(bucket: string, record: BucketRecord): void {
    vault.writeRecord(`bucket/${bucket}`, JSON.stringify(record));
  }

  async function listBuckets(request: InnerRequest): Promise<InnerResponse> {
    const answer = await fauxqs.handle(request);
    if (answer.status !== 200) return answer;
    const xml = decoder.decode(answer.body)
      .replace(/<Bucket>\s*<Name>0-local-aws-internal<\/Name>[\s\S]*?<\/Bucket>\s*/, "")
      .replace(
        /<Bucket>(\s*)<Name>([^<]*)<\/Name>/g,
        (_, space: string, name: string) =>
          `<Bucket>${space}<Name>${name}</Name>${
            element("BucketRegion", bucketRecord(unescape(name)).region)
          }`,
      );
    return { ...answer, body: encoder.encode(xml) };
  }

  async function createBucket(
    bucket: string,
    url: URL,
    request: InnerRequest,
  ): Promise<InnerResponse> {
    const clientRegion = signedRegion(
      request.headers.authorization,
      url.searchParams.get("X-Amz-Credential"),
    ) ?? options.region;
    const placement = placeBucket(clientRegion, locationConstraint(decoder.decode(request.body)));
    if (placement.error !== undefined) return s3Error(placement.error);
    if (vault.hasBucket(bucket)) {
      // AWS's legacy: re-creating your own bucket in us-east-1 is a no-op 200.
      if (bucketRecord(bucket).region === US_EAST_1 && placement.region === US_EAST_1) {
        return { status: 200, headers: { location: `/${bucket}` }, body: new Uint8Array() };
      }
      return s3Error({
        status: 409,
        code: "BucketAlreadyOwnedByYou",
        message:
          "Your previous request to create the named bucket succeeded and you already own it.",
        extra: { BucketName: bucket },
      });
    }
    const answer = await forward(request);
    if (answer.status === 200) {
      const objectLock = request.headers["x-amz-bucket-object-lock-enabled"] === "true";
      saveBucketRecord(bucket, {
        region: placement.region,
        ...(objectLock ? { versioning: "Enabled", objectLock } : {}),
      });
    }
    return answer;
  }

  async function deleteBucket(bucket: string, request: InnerRequest): Promise<InnerResponse> {
    if (vault.hasBucket(bucket) && vault.recordKeys(`keys/${bucket}/`).length > 0) {
      return s3Error({
        status: 409,
        code: "BucketNotEmpty",
        message:
          "The bucket you tried to delete is not empty. You must delete all versions in the bucket.",
        extra: { BucketName: bucket },
      });
    }
    const answer = await forward(request);
    if (answer.status === 204) {
      vault.deleteRecord(`bucket/${bucket}`);
      for (const prefix of ["data", "config", "tags"]) {
        for (const key of vault.recordKeys(`${prefix}/${bucket}/`)) vault.deleteRecord(key);
      }
    }
    return answer;
  }

  async function headBucket(bucket: string, request: InnerRequest): Promise<InnerResponse> {
    const answer = await forward(request);
    if (answer.status !== 200) return answer;
    return withHeaders(answer, { "x-amz-bucket-region": bucketRecord(bucket).region });
  }

  function getBucketVersioning(bucket: string): InnerResponse {
    if (!vault.hasBucket(bucket)) return s3Error(noSuchBucket(bucket));
    const status = bucketRecord(bucket).versioning;
    const head =
      `<?xml version="1.0" encoding="UTF-8"?>\n<VersioningConfiguration xmlns="${S3_NS}"`;
    return xmlAnswer(
      status === undefined
        ? `${head}/>`
        : `${head}>${element("Status", status)}</VersioningConfiguration>`,
    );
  }

  function putBucketVersioning(bucket: string, request: InnerRequest): InnerResponse {
    if (!vault.hasBucket(bucket)) return s3Error(noSuchBucket(bucket));
    const status = elementText(decoder.decode(request.body), "Status");
    if (status !== "Enabled" && status !== "Suspended") return s3Error(malformedXml());
    const record = bucketRecord(bucket);
    if (record.objectLock && status === "Suspended") {
      return s3Error({
        status: 409,
        code: "InvalidBucketState",
        message:
          "An Object Lock configuration is present on this bucket, so the versioning state cannot be changed.",
      });
    }
    saveBucketRecord(bucket, { ...record, versioning: status });
    return { status: 200, headers: {}, body: new Uint8Array() };
  }

  function listObjectVersions(bucket: string, url: URL): InnerResponse {
    if (!vault.hasBucket(bucket)) return s3Error(noSuchBucket(bucket));
    const query = url.searchParams;
    const maxKeysText = query.get("max-keys");
    const maxKeys = maxKeysText === null ? 1000 : Number(maxKeysText);
    if (!/^\d+$/.test(maxKeysText ?? "0") || !Number.isSafeInteger(maxKeys)) {
      return s3Error({
        status: 400,
        code: "InvalidArgument",
        message: "Provided max-keys not an integer or within integer range",
        extra: { ArgumentName: "max-keys", ArgumentValue: maxKeysText ?? "" },
      });
    }
    const prefix = query.get("prefix") ?? "";
    const keys: KeyVersions[] = [];
    const recorded = new Set<string>();
    for (const recordKey of vault.recordKeys(`keys/${bucket}/${prefix}`)) {
      const key = recordKey.slice(`keys/${bucket}/`.length);
      recorded.add(key);
      keys.push({ key, versions: readVersions(bucket, key) ?? [] });
    }
    for (const object of vault.listObjects(bucket, prefix)) {
      if (recorded.has(object.key)) continue;
      keys.push({ key: object.key, versions: [implicitVersion(object)] });
    }
    const params = {
      prefix,
      delimiter: query.get("delimiter") ?? undefined,
      keyMarker: query.get("key-marker") ?? undefined,
      versionIdMarker: query.get("version-id-marker") ?? undefined,
      maxKeys,
      encodingType: query.get("encoding-type") ?? undefined,
    };
    return xmlAnswer(listVersionsXml(bucket, params, listVersions(keys, params)));
  }

  function bucketConfig(bucket: string, param: string, request: InnerRequest): InnerResponse {
    if (!vault.hasBucket(bucket)) return s3Error(noSuchBucket(bucket));
    const spec = BUCKET_CONFIGS.find((config) => config.param === param);
    if (spec === undefined) return s3Error(noSuchBucket(bucket));
    const record = `config/${bucket}/${param}`;
    switch (request.method) {
      case "GET": {
        const stored = vault.readRecord(record);
        if (stored !== undefined) {
          if (stored === DELETED) {
            return s3Error(DELETED_IS_NOT_FOUND[param] ?? noSuchBucket(bucket));
          }
          return {
            status: 200,
            headers: { "content-type": spec.contentType, "x-amz-request-id": s3RequestId() },
            body: encoder.encode(stored),
          };
        }
        if (param === "object-lock" && bucketRecord(bucket).objectLock) {
          return xmlAnswer(objectLockEnabledXml());
        }
        return "xml" in spec.absent ? xmlAnswer(spec.absent.xml) : s3Error(spec.absent.error);
      }
      case "PUT": {
        const body = decoder.decode(request.body);
        if (param === "acl" && body.trim() === "") return empty(200);
        const refused = spec.validate?.(body);
        if (refused !== undefined) return s3Error(refused);
        vault.writeRecord(record, body);
        return empty(param === "policy" ? 204 : 200);
      }
      case "DELETE":
        if (DELETED_IS_NOT_FOUND[param] !== undefined) vault.writeRecord(record, DELETED);
        else vault.deleteRecord(record);
        return empty(204);
      default:
        return s3Error(methodNotAllowed(request.method, "BUCKET"));
    }
  }

  function listObjects(bucket: string, url: URL, v2: boolean): InnerResponse {
    if (!vault.hasBucket(bucket)) return s3Error(noSuchBucket(bucket));
    const query = url.searchParams;
    const maxKeysText = query.get("max-keys");
    if (maxKeysText !== null && !/^\d+$/.test(maxKeysText)) {
      return s3Error({
        status: 400,
        code: "InvalidArgument",
        message: "Provided max-keys not an integer or within integer range",
        extra: { ArgumentName: "max-keys", ArgumentValue: maxKeysText },
      });
    }
    const encoding = query.get("encoding-type");
    if (encoding !== null && encoding !== "url") {
      return s3Error({
        status: 400,
        code: "InvalidArgument",
        message: "Invalid Encoding Method specified in Request",
        extra: { ArgumentName: "encoding-type", ArgumentValue: encoding },
      });
    }
    const prefix = query.get("prefix") ?? "";
    const common = {
      bucket,
      url: encoding === "url",
    };
    const base = {
      prefix,
      delimiter: query.get("delimiter") ?? "",
      maxKeys: Math.min(Number(maxKeysText ?? 1000), 1000),
    };
    const objects = vault.listObjects(bucket, prefix);
    if (!v2) {
      const marker = query.get("marker") ?? "";
      const params = { ...base, after: marker };
      return xmlAnswer(
        listV1Xml(listKeys(objects, params), { ...common, params, owner: true, marker }),
      );
    }
    const token = query.get("continuation-token") ?? undefined;
    const startAfter = query.get("start-after") ?? "";
    let after = startAfter;
    if (token !== undefined) {
      const key = tokenKey(token);
      if (key === undefined || token === "") {
        return s3Error({
          status: 400,
          code: "InvalidArgument",
          message: "The continuation token provided is incorrect",
          extra: { ArgumentName: "continuation-token" },
        });
      }
      after = key;
    }
    const params = { ...base, after };
    return xmlAnswer(
      listV2Xml(listKeys(objects, params), {
        ...common,
        params,
        owner: query.get("fetch-owner") === "true",
        ...(token === undefined ? {} : { token }),
        ...(startAfter === "" ? {} : { startAfter }),
      }),
    );
  }

  function listMultipartUploads(bucket: string, url: URL): InnerResponse {
    if (!vault.hasBucket(bucket)) return s3Error(noSuchBucket(bucket));
    const query = url.searchParams;
    const prefix = query.get("prefix") ?? "";
    const keyMarker = query.get("key-marker") ?? "";
    const maxUploads = Math.min(Number(query.get("max-uploads") ?? 1000) || 1000, 1000);
    const uploads = vault.listUploads(bucket)
      .filter((u) => u.key.startsWith(prefix) && (keyMarker === "" || u.key > keyMarker))
      .sort((a, b) =>
        a.key < b.key ? -1 : a.key > b.key ? 1 : a.initiated.getTime() - b.initiated.getTime()
      );
    const page = uploads.slice(0, maxUploads);
    const truncated = uploads.length > page.length;
    const last = page[page.length - 1];
    const owner = `<ID>${OWNER_ID}</ID><DisplayName>local</DisplayName>`;
    const xml =
      `<?xml version="1.0" encoding="UTF-8"?>\n<ListMultipartUploadsResult xmlns="${S3_NS}">${
        element("Bucket", bucket)
      }${element("KeyMarker", keyMarker)}${
        element("UploadIdMarker", query.get("upload-id-marker") ?? "")
      }${
        truncated && last
          ? element("NextKeyMarker", last.key) + element("NextUploadIdMarker", last.uploadId)
          : ""
      }${element("Prefix", prefix)}${element("MaxUploads", maxUploads)}${
        element("IsTruncated", truncated)
      }${
        page.map((u) =>
          `<Upload>${element("Key", u.key)}${
            element("UploadId", u.uploadId)
          }<Initiator>${owner}</Initiator><Owner>${owner}</Owner>${
            element("StorageClass", "STANDARD")
          }${element("Initiated", u.initiated.toISOString())}</Upload>`
        ).join("")
      }</ListMultipartUploadsResult>`;
    return xmlAnswer(xml);
  }

  function listParts(target: S3Location, url: URL): InnerResponse {
    if (!vault.hasBucket(target.bucket)) return s3Error(noSuchBucket(target.bucket));
    const uploadId = url.searchParams.get("uploadId") ?? "";
    const upload = vault.listUploads(target.bucket).find((u) => u.uploadId === uploadId);
    const parts = vault.listParts(uploadId);
    if (upload === undefined || parts === undefined || upload.key !== target.key) {
      return s3Error(noSuchUpload(uploadId));
    }
    const marker = Number(url.searchParams.get("part-number-marker") ?? 0) || 0;
    const maxParts = Math.min(Number(url.searchParams.get("max-parts") ?? 1000) || 1000, 1000);
    const after = parts.filter((p) => p.partNumber > marker);
    const page = after.slice(0, maxParts);
    const truncated = after.length > page.length;
    const owner = `<ID>${OWNER_ID}</ID><DisplayName>local</DisplayName>`;
    const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<ListPartsResult xmlns="${S3_NS}">${
      element("Bucket", target.bucket)
    }${element("Key", target.key)}${element("UploadId", uploadId)}${
      element("PartNumberMarker", marker)
    }${element("NextPartNumberMarker", page[page.length - 1]?.partNumber ?? 0)}${
      element("MaxParts", maxParts)
    }${element("IsTruncated", truncated)}<Initiator>${owner}</Initiator><Owner>${owner}</Owner>${
      element("StorageClass", "STANDARD")
    }${
      page.map((p) =>
        `<Part>${element("PartNumber", p.partNumber)}${
          element("LastModified", p.lastModified.toISOString())
        }${element("ETag", p.etag)}${element("Size", p.size)}</Part>`
      ).join("")
    }</ListPartsResult>`;
    return xmlAnswer(xml);
  }

  // ── object tags and ACLs ──────────────────────────────────────────────────

  function tagRecord(target: S3Location, versionId: string): string {
    return `tags/${target.bucket}/${versionId}/${target.key}`;
  }

  function readTags(target: S3Location, versionId: string): [string, string][] {
    const text = vault.readRecord(tagRecord(target, versionId));
    return text === undefined ? [] : JSON.parse(text) as [string, string][];
  }

  function writeTags(target: S3Location, versionId: string, tags: readonly [string, string][]) {
    if (tags.length === 0) vault.deleteRecord(tagRecord(target, versionId));
    else vault.writeRecord(tagRecord(target, versionId), JSON.stringify(tags));
  }

  /** The version a tagging or ACL request means, or its error. */
  function taggedVersion(target: S3Location, url: URL): string | { error: S3ErrorSpec } {
    if (!vault.hasBucket(target.bucket)) return { error: noSuchBucket(target.bucket) };
    const resolved = resolveVersion(target, url.searchParams.get("versionId") ?? undefined, "GET");
    if ("error" in resolved) return { error: resolved.error };
    if (vault.objectInfo(resolved.location.bucket, resolved.location.key) === undefined) {
      return { error: noSuchKey(target.key) };
    }
    return resolved.entry?.id ?? NULL_VERSION;
  }

  function objectTagging(
    operation: string,
    target: S3Location,
    url: URL,
    request: InnerRequest,
  ): InnerResponse {
    const versionId = taggedVersion(target, url);
    if (typeof versionId !== "string") return s3Error(versionId.error);
    const header = bucketRecord(target.bucket).versioning === undefined
      ? {}
      : { "x-amz-version-id": versionId };
    if (operation === "GetObjectTagging") {
      return withHeaders(xmlAnswer(taggingXml(readTags(target, versionId))), header);
    }
    if (operation === "DeleteObjectTagging") {
      writeTags(target, versionId, []);
      return { status: 204, headers: header, body: new Uint8Array() };
    }
    const tags = parseTagging(decoder.decode(request.body));
    const refused = checkTags(tags, 10);
    if (refused !== undefined) return s3Error(refused);
    writeTags(target, versionId, tags);
    return { status: 200, headers: header, body: new Uint8Array() };
  }

  function objectAcl(operation: string, target: S3Location, url: URL): InnerResponse {
    const versionId = taggedVersion(target, url);
    if (typeof versionId !== "string") return s3Error(versionId.error);
    return operation === "GetObjectAcl" ? xmlAnswer(ownerAclXml()) : empty(200);
  }

  // ── versions ──────────────────────────────────────────────────────────────

  function readVersions(bucket: string, key: string): VersionEntry[] | undefined {
    const text = vault.readRecord(`keys/${bucket}/${key}`);
    return text === undefined ? undefined : JSON.parse(text) as VersionEntry[];
  }

  /** The key's versions, newest first; an object with no record is the null version. */
  function versionsOf(bucket: string, key: string): VersionEntry[] {
    const recorded = readVersions(bucket, key);
    if (recorded !== undefined) return recorded;
    const object = vault.objectInfo(bucket, key);
    return object === undefined ? [] : [implicitVersion(object)];
  }

  function saveVersions(bucket: string, key: string, versions: readonly VersionEntry[]): void {
    if (versions.length === 0) vault.deleteRecord(`keys/${bucket}/${key}`);
    else vault.writeRecord(`keys/${bucket}/${key}`, JSON.stringify(versions));
  }

  function archiveLocation(bucket: string, versionId: string, key: string): S3Location {
    return { bucket: INTERNAL_BUCKET, key: `data/${bucket}/${versionId}/${key}` };
  }

  /** Drops the null version from a list (a new null version replaces it). */
  function dropNullVersion(bucket: string, key: string, versions: VersionEntry[]): void {
    const index = versions.findIndex((v) => v.id === NULL_VERSION);
    if (index === -1) return;
    const [dropped] = versions.splice(index, 1);
    if (index > 0 && dropped !== undefined && !dropped.deleteMarker) {
      vault.deleteRecord(archiveLocation(bucket, NULL_VERSION, key).key);
    }
  }

  /** Moves the current object (if any) aside before it is replaced or deleted. */
  function archiveCurrent(
    target: S3Location,
    current: VersionEntry | undefined,
    newId: string,
  ): S3Location | undefined {
    if (current === undefined || current.deleteMarker) return undefined;
    if (current.id === NULL_VERSION && newId === NULL_VERSION) return undefined;
    const archive = archiveLocation(target.bucket, current.id, target.key);
    return vault.copyObject(target, archive) ? archive : undefined;
  }

  /**
   * Finds the bytes of a key's version (`versionId` undefined: the current
   * one), or the error a read of it gets.
   */
  function resolveVersion(
    target: S3Location,
    versionId: string | undefined,
    method: string,
  ): ResolvedVersion | { error: S3ErrorSpec; headers: Record<string, string> } {
    const versions = versionsOf(target.bucket, target.key);
    if (versionId === undefined) {
      const current = versions[0];
      if (current?.deleteMarker) {
        return {
          error: noSuchKey(target.key),
          headers: { "x-amz-delete-marker": "true", "x-amz-version-id": current.id },
        };
      }
      return { location: target, entry: current };
    }
    const index = versions.findIndex((v) => v.id === versionId);
    const entry = versions[index];
    if (entry === undefined) {
      if (!isVersionId(versionId)) return { error: invalidVersionId(versionId), headers: {} };
      return {
        error: {
          status: 404,
          code: "NoSuchVersion",
          message: "The specified version does not exist.",
          extra: { Key: target.key, VersionId: versionId },
        },
        headers: {},
      };
    }
    if (entry.deleteMarker) {
      return {
        error: {
          status: 405,
          code: "MethodNotAllowed",
          message: "The specified method is not allowed against this resource.",
          extra: { Method: method, ResourceType: "DeleteMarker" },
        },
        headers: {
          "x-amz-delete-marker": "true",
          "x-amz-version-id": entry.id,
          "last-modified": new Date(entry.lastModified).toUTCString(),
          "allow": "DELETE",
        },
      };
    }
    return {
      location: index === 0 ? target : archiveLocation(target.bucket, entry.id, target.key),
      entry,
    };
  }

  // ── writes ────────────────────────────────────────────────────────────────

  async function write(
    operation: string,
    target: S3Location,
    request: InnerRequest,
  ): Promise<InnerResponse> {
    if (!vault.hasBucket(target.bucket)) return forward(request);
    let inner = request;
    let sourceVersionHeader: Record<string, string> = {};
    let source: { location: S3Location; versionId: string } | undefined;
    if (operation === "CopyObject") {
      const copied = copySource(request, target);
      if ("error" in copied) return s3Error(copied.error);
      inner = copied.request;
      sourceVersionHeader = copied.versionHeader;
      source = { location: copied.sourceKey, versionId: copied.versionId };
    }
    return await keyLock.run(`${target.bucket}/${target.key}`, async () => {
      const object = vault.objectInfo(target.bucket, target.key);
      const refused = checkWriteConditions(request.headers, { etag: object?.etag }, {
        allowIfNoneMatch: true,
      });
      if (refused !== undefined) return s3Error(refused);
      const status = bucketRecord(target.bucket).versioning;
      const tags = newTags(operation, request, source);
      if (tags !== undefined && "error" in tags) return s3Error(tags.error);
      if (status === undefined) {
        const answer = await fauxqs.handle(inner);
        if (answer.status === 200) writeTags(target, NULL_VERSION, tags ?? []);
        return withHeaders(answer, sourceVersionHeader);
      }
      const versions = versionsOf(target.bucket, target.key);
      const newId = status === "Enabled" ? newVersionId() : NULL_VERSION;
      const archived = object === undefined
        ? undefined
        : archiveCurrent(target, versions[0], newId);
      const answer = await fauxqs.handle(inner);
      const written = vault.objectInfo(target.bucket, target.key);
      if (answer.status !== 200 || written === undefined) {
        if (archived !== undefined) vault.deleteRecord(archived.key);
        return answer;
      }
      if (newId === NULL_VERSION) dropNullVersion(target.bucket, target.key, versions);
      versions.unshift({
        id: newId,
        etag: written.etag,
        size: written.size,
        lastModified: written.lastModified.toISOString(),
      });
      saveVersions(target.bucket, target.key, versions);
      writeTags(target, newId, tags ?? []);
      return withHeaders(answer, {
        ...sourceVersionHeader,
        ...(newId === NULL_VERSION ? {} : { "x-amz-version-id": newId }),
      });
    });
  }

  /**
   * The tags a write gives its new version: `x-amz-tagging` (PutObject,
   * CreateMultipartUpload is not tracked), or for CopyObject the source's
   * tags unless `x-amz-tagging-directive: REPLACE`.
   */
  function newTags(
    operation: string,
    request: InnerRequest,
    source: { location: S3Location; versionId: string } | undefined,
  ): [string, string][] | { error: S3ErrorSpec } | undefined {
    const header = request.headers["x-amz-tagging"];
    if (operation === "CopyObject" && source !== undefined) {
      if (request.headers["x-amz-tagging-directive"] !== "REPLACE") {
        return readTags(source.location, source.versionId);
      }
    }
    if (header === undefined || operation === "CompleteMultipartUpload") return undefined;
    const tags = parseTaggingHeader(header);
    return checkTags(tags, 10) === undefined ? tags : { error: checkTags(tags, 10)! };
  }

  /**
   * Resolves `x-amz-copy-source` (with its `versionId`) to where the bytes
   * are, checks the `x-amz-copy-source-if-*` conditions, and refuses a copy of
   * an object onto itself that changes nothing.
   */
  function copySource(
    request: InnerRequest,
    target: S3Location | undefined,
  ):
    | {
      request: InnerRequest;
      versionHeader: Record<string, string>;
      location: S3Location;
      sourceKey: S3Location;
      versionId: string;
    }
    | { error: S3ErrorSpec } {
    const parsed = parseCopySource(request.headers["x-amz-copy-source"] ?? "");
    if (parsed === undefined) {
      return {
        error: {
          status: 400,
          code: "InvalidArgument",
          message: "Invalid copy source object key",
          extra: { ArgumentName: "x-amz-copy-source" },
        },
      };
    }
    if (!vault.hasBucket(parsed.bucket) || parsed.bucket === INTERNAL_BUCKET) {
      return { error: noSuchBucket(parsed.bucket) };
    }
    const resolved = resolveVersion(parsed, parsed.versionId, "GET");
    if ("error" in resolved) {
      if (resolved.error.status === 405) {
        return {
          error: {
            status: 400,
            code: "InvalidRequest",
            message:
              "The source of a copy request may not specifically refer to a delete marker by version id.",
          },
        };
      }
      return { error: resolved.error };
    }
    const object = vault.objectInfo(resolved.location.bucket, resolved.location.key);
    if (object === undefined) return { error: noSuchKey(parsed.key) };
    const headers = request.headers;
    const outcome = evaluateReadConditions({
      "if-match": headers[COPY_CONDITIONS["if-match"]],
      "if-none-match": headers[COPY_CONDITIONS["if-none-match"]],
      "if-modified-since": headers[COPY_CONDITIONS["if-modified-since"]],
      "if-unmodified-since": headers[COPY_CONDITIONS["if-unmodified-since"]],
    }, object);
    if (outcome.outcome === "failed") {
      return { error: preconditionFailed(`x-amz-copy-source-${outcome.condition}`) };
    }
    if (outcome.outcome === "not-modified") {
      return { error: preconditionFailed("x-amz-copy-source-If-None-Match") };
    }
    if (
      target !== undefined && parsed.bucket === target.bucket && parsed.key === target.key &&
      parsed.versionId === undefined && headers["x-amz-metadata-directive"] !== "REPLACE" &&
      headers["x-amz-storage-class"] === undefined &&
      headers["x-amz-website-redirect-location"] === undefined &&
      headers["x-amz-server-side-encryption"] === undefined
    ) {
      return {
        error: {
          status: 400,
          code: "InvalidRequest",
          message:
            "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.",
        },
      };
    }
    const versioned = bucketRecord(parsed.bucket).versioning !== undefined;
    return {
      request: {
        ...request,
        headers: {
          ...request.headers,
          "x-amz-copy-source": pathOf(resolved.location),
        },
      },
      versionHeader: versioned
        ? { "x-amz-copy-source-version-id": resolved.entry?.id ?? NULL_VERSION }
        : {},
      location: resolved.location,
      sourceKey: { bucket: parsed.bucket, key: parsed.key },
      versionId: resolved.entry?.id ?? NULL_VERSION,
    };
  }

  async function uploadPartCopy(url: URL, request: InnerRequest): Promise<InnerResponse> {
    const source = copySource(request, undefined);
    if ("error" in source) return s3Error(source.error);
    const got = await fauxqs.handle(
      innerRead("GET", source.location, request, new URLSearchParams()),
    );
    if (got.status !== 200) return got;
    let bytes = got.body;
    const range = request.headers["x-amz-copy-source-range"];
    if (range !== undefined) {
      const match = /^bytes=(\d+)-(\d+)$/.exec(range.trim());
      const start = Number(match?.[1]);
      const end = Number(match?.[2]);
      if (match === null || end < start || end >= bytes.length) {
        return s3Error({
          status: 400,
          code: "InvalidArgument",
          message: match === null
            ? "The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy"
            : "Range specified is not valid for source object of size: " + bytes.length,
          extra: { ArgumentName: "x-amz-copy-source-range", ArgumentValue: range },
        });
      }
      bytes = bytes.subarray(start, end + 1);
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) {
      if (!name.startsWith("x-amz-copy-source") && name !== "content-length") {
        headers[name] = value;
      }
    }
    const put = await fauxqs.handle({
      method: "PUT",
      url: url.pathname + url.search,
      headers: { ...headers, "content-type": "application/octet-stream" },
      body: bytes,
    });
    if (put.status !== 200) return put;
    const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<CopyPartResult xmlns="${S3_NS}">${
      element("LastModified", new Date().toISOString())
    }${element("ETag", put.headers.etag ?? "")}</CopyPartResult>`;
    return withHeaders(xmlAnswer(xml), source.versionHeader);
  }

  // ── deletes ───────────────────────────────────────────────────────────────

  async function deleteObject(
    target: S3Location,
    url: URL,
    request: InnerRequest,
  ): Promise<InnerResponse> {
    if (!vault.hasBucket(target.bucket)) return forward(request);
    const outcome = await deleteOne(
      target,
      url.searchParams.get("versionId") ?? undefined,
      request.headers["if-match"],
    );
    if (!outcome.ok) return s3Error(outcome.error);
    const headers: Record<string, string> = {};
    if (outcome.versionId !== undefined) headers["x-amz-version-id"] = outcome.versionId;
    if (outcome.deleteMarker) headers["x-amz-delete-marker"] = "true";
    return { status: 204, headers, body: new Uint8Array() };
  }

  function deleteOne(
    target: S3Location,
    versionId: string | undefined,
    ifMatch: string | undefined,
  ): Promise<DeleteOutcome> {
    return keyLock.run(`${target.bucket}/${target.key}`, () => {
      try {
        return Promise.resolve(deleteNow(target, versionId, ifMatch));
      } catch (error) {
        return Promise.reject(error);
      }
    });
  }

  function deleteNow(
    target: S3Location,
    versionId: string | undefined,
    ifMatch: string | undefined,
  ): DeleteOutcome {
    const { bucket, key } = target;
    const object = vault.objectInfo(bucket, key);
    if (versionId === undefined) {
      const refused = checkWriteConditions({ "if-match": ifMatch }, { etag: object?.etag }, {
        allowIfNoneMatch: false,
      });
      if (refused !== undefined) return { ok: false, error: refused };
      const status = bucketRecord(bucket).versioning;
      if (status === undefined) {
        vault.deleteObject(bucket, key);
        writeTags(target, NULL_VERSION, []);
        return { ok: true };
      }
      const versions = versionsOf(bucket, key);
      const newId = status === "Enabled" ? newVersionId() : NULL_VERSION;
      if (object !== undefined) {
        archiveCurrent(target, versions[0], newId);
        vault.deleteObject(bucket, key);
      }
      if (newId === NULL_VERSION) dropNullVersion(bucket, key, versions);
      versions.unshift({ id: newId, deleteMarker: true, lastModified: new Date().toISOString() });
      saveVersions(bucket, key, versions);
      return { ok: true, versionId: newId, deleteMarker: true };
    }
    const versions = versionsOf(bucket, key);
    const index = versions.findIndex((v) => v.id === versionId);
    const entry = versions[index];
    if (entry === undefined) {
      if (!isVersionId(versionId)) return { ok: false, error: invalidVersionId(versionId) };
      return { ok: true, versionId };
    }
    versions.splice(index, 1);
    if (index === 0) {
      if (!entry.deleteMarker) vault.deleteObject(bucket, key);
      const next = versions[0];
      if (next !== undefined && !next.deleteMarker) {
        const archive = archiveLocation(bucket, next.id, key);
        vault.copyObject(archive, target);
        vault.deleteRecord(archive.key);
      }
    } else if (!entry.deleteMarker) {
      vault.deleteRecord(archiveLocation(bucket, entry.id, key).key);
    }
    saveVersions(bucket, key, versions);
    writeTags(target, versionId, []);
    return { ok: true, versionId, ...(entry.deleteMarker ? { deleteMarker: true } : {}) };
  }

  async function deleteObjects(bucket: string, request: InnerRequest): Promise<InnerResponse> {
    if (!vault.hasBucket(bucket)) return s3Error(noSuchBucket(bucket));
    const body = decoder.decode(request.body);
    const objects = elementTexts(body, "Object");
    if (objects.length === 0 || objects.length > 1000 || !/<Delete[\s>]/.test(body)) {
      return s3Error(malformedXml());
    }
    const quiet = elementText(body, "Quiet")?.trim() === "true";
    const results: string[] = [];
    for (const object of objects) {
      const key = elementText(object, "Key") ?? "";
      const versionId = elementText(object, "VersionId");
      const outcome = await deleteOne({ bucket, key }, versionId, elementText(object, "ETag"));
      if (!outcome.ok) {
        results.push(
          `<Error>${element("Key", key)}${
            versionId === undefined ? "" : element("VersionId", versionId)
          }${element("Code", outcome.error.code)}${
            element("Message", outcome.error.message)
          }</Error>`,
        );
        continue;
      }
      if (quiet) continue;
      const parts = [element("Key", key)];
      if (versionId !== undefined) parts.push(element("VersionId", versionId));
      if (outcome.deleteMarker) {
        parts.push(element("DeleteMarker", true));
        parts.push(element("DeleteMarkerVersionId", outcome.versionId ?? ""));
      }
      results.push(`<Deleted>${parts.join("")}</Deleted>`);
    }
    return xmlAnswer(
      `<?xml version="1.0" encoding="UTF-8"?>\n<DeleteResult xmlns="${S3_NS}">${
        results.join("")
      }</DeleteResult>`,
    );
  }

  // ── reads ─────────────────────────────────────────────────────────────────

  async function read(target: S3Location, url: URL, request: InnerRequest): Promise<InnerResponse> {
    if (!vault.hasBucket(target.bucket)) return forward(request);
    const query = url.searchParams;
    const resolved = resolveVersion(target, query.get("versionId") ?? undefined, request.method);
    if ("error" in resolved) return s3Error(resolved.error, resolved.headers);
    const versioned = bucketRecord(target.bucket).versioning !== undefined;
    const versionHeader: Record<string, string> = versioned
      ? { "x-amz-version-id": resolved.entry?.id ?? NULL_VERSION }
      : {};
    const partNumber = query.get("partNumber");
    const innerQuery = new URLSearchParams(partNumber === null ? {} : { partNumber });
    const answer = await fauxqs.handle(
      innerRead(request.method, resolved.location, request, innerQuery),
    );
    if (answer.status !== 200 && answer.status !== 206) {
      // fauxqs sends no error body for HEAD; S3 clients read the status.
      if (answer.status === 404 && request.method !== "HEAD") return s3Error(noSuchKey(target.key));
      return answer;
    }
    const etag = answer.headers.etag ?? "";
    const lastModified = new Date(answer.headers["last-modified"] ?? 0);
    const condition = evaluateReadConditions(request.headers, { etag, lastModified });
    if (condition.outcome === "failed") {
      return s3Error(preconditionFailed(condition.condition), versionHeader);
    }
    if (condition.outcome === "not-modified") {
      return {
        status: 304,
        headers: {
          etag,
          "last-modified": answer.headers["last-modified"] ?? "",
          ...versionHeader,
        },
        body: new Uint8Array(),
      };
    }
    const tagCount = readTags(target, resolved.entry?.id ?? NULL_VERSION).length;
    const headers: Record<string, string> = {
      ...answer.headers,
      "accept-ranges": "bytes",
      ...versionHeader,
      ...(tagCount > 0 ? { "x-amz-tagging-count": String(tagCount) } : {}),
      ...responseOverrides(query),
    };
    if (partNumber !== null) return { ...answer, headers };
    const size = request.method === "HEAD"
      ? Number(answer.headers["content-length"] ?? 0)
      : answer.body.length;
    const range = resolveRange(request.headers.range, size);
    if (range.kind === "unsatisfiable") {
      return s3Error({
        status: 416,
        code: "InvalidRange",
        message: "The requested range is not satisfiable",
        extra: { RangeRequested: request.headers.range ?? "", ActualObjectSize: String(size) },
      }, { "content-range": `bytes */${size}` });
    }
    if (range.kind === "whole") return { status: 200, headers, body: answer.body };
    const length = range.end - range.start + 1;
    // A part of an object has no checksum of its own: AWS sends none.
    for (const name of Object.keys(headers)) {
      if (name.startsWith("x-amz-checksum-")) delete headers[name];
    }
    return {
      status: 206,
      headers: {
        ...headers,
        "content-range": `bytes ${range.start}-${range.end}/${size}`,
        "content-length": String(length),
      },
      body: request.method === "HEAD"
        ? new Uint8Array()
        : answer.body.subarray(range.start, range.end + 1),
    };
  }
}

/** A GET or HEAD of `location` for fauxqs, without conditions or range. */
function innerRead(
  method: string,
  location: S3Location,
  request: InnerRequest,
  query: URLSearchParams,
): InnerRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (!READ_CONDITIONS.includes(name) && name !== "range") headers[name] = value;
  }
  // Path style: a host with a dot would make fauxqs read the bucket from it.
  headers.host = "localhost";
  const search = query.toString();
  return {
    method,
    url: pathOf(location) + (search === "" ? "" : `?${search}`),
    headers,
    body: new Uint8Array(),
  };
}

function pathOf(location: S3Location): string {
  return `/${encodeURIComponent(location.bucket)}/${
    location.key.split("/").map(encodeURIComponent).join("/")
  }`;
}

/** Parses `x-amz-copy-source` (`/bucket/key?versionId=v`, URL-encoded). */
function parseCopySource(
  header: string,
): (S3Location & { readonly versionId?: string }) | undefined {
  const question = header.indexOf("?");
  const path = question === -1 ? header : header.slice(0, question);
  const versionId = question === -1
    ? undefined
    : new URLSearchParams(header.slice(question + 1)).get("versionId") ?? undefined;
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return undefined;
  }
  if (decoded.startsWith("/")) decoded = decoded.slice(1);
  const slash = decoded.indexOf("/");
  if (slash <= 0 || slash === decoded.length - 1) return undefined;
  return {
    bucket: decoded.slice(0, slash),
    key: decoded.slice(slash + 1),
    ...(versionId === undefined ? {} : { versionId }),
  };
}

function implicitVersion(object: {
  readonly etag: string;
  readonly size: number;
  readonly lastModified: Date;
}): VersionEntry {
  return {
    id: NULL_VERSION,
    etag: object.etag,
    size: object.size,
    lastModified: object.lastModified.toISOString(),
  };
}

/** Operations that read or write a bucket configuration (`local/s3/_config.ts`). */
const CONFIG_OPERATIONS = new Set(
  [
    "Tagging",
    "Policy",
    "Cors",
    "Website",
    "Replication",
    "Encryption",
    "OwnershipControls",
    "Acl",
    "NotificationConfiguration",
    "Logging",
    "AccelerateConfiguration",
    "RequestPayment",
  ].flatMap((name) => [`GetBucket${name}`, `PutBucket${name}`, `DeleteBucket${name}`]).concat([
    "GetPublicAccessBlock",
    "PutPublicAccessBlock",
    "DeletePublicAccessBlock",
    "GetObjectLockConfiguration",
    "PutObjectLockConfiguration",
  ]),
);

/** A deleted configuration whose absence differs from its default (ownership controls). */
const DELETED = "\u0000deleted";

const OWNER_ID = "75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a";

function empty(status: number): InnerResponse {
  return { status, headers: { "x-amz-request-id": s3RequestId() }, body: new Uint8Array() };
}

function noSuchUpload(uploadId: string): S3ErrorSpec {
  return {
    status: 404,
    code: "NoSuchUpload",
    message:
      "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.",
    extra: { UploadId: uploadId },
  };
}

function methodNotAllowed(method: string, resourceType: string): S3ErrorSpec {
  return {
    status: 405,
    code: "MethodNotAllowed",
    message: "The specified method is not allowed against this resource.",
    extra: { Method: method, ResourceType: resourceType },
  };
}

/** Whether a string can be a version id (`null`, or AWS's 32 URL-safe characters). */
function isVersionId(id: string): boolean {
  return id === NULL_VERSION || /^[A-Za-z0-9._-]{32}$/.test(id);
}

function invalidVersionId(id: string): S3ErrorSpec {
  return {
    status: 400,
    code: "InvalidArgument",
    message: "Invalid version id specified",
    extra: { ArgumentName: "versionId", ArgumentValue: id },
  };
}

function noSuchBucket(bucket: string): S3ErrorSpec {
  return {
    status: 404,
    code: "NoSuchBucket",
    message: "The specified bucket does not exist",
    extra: { BucketName: bucket },
  };
}

function noSuchKey(key: string): S3ErrorSpec {
  return {
    status: 404,
    code: "NoSuchKey",
    message: "The specified key does not exist.",
    extra: { Key: key },
  };
}

function malformedXml(): S3ErrorSpec {
  return {
    status: 400,
    code: "MalformedXML",
    message:
      "The XML you provided was not well-formed or did not validate against our published schema",
  };
}

/** An S3 error answer. */
export function s3Error(spec: S3ErrorSpec, headers: Record<string, string> = {}): InnerResponse {
  const requestId = s3RequestId();
  return {
    status: spec.status,
    headers: { ...headers, "content-type": "application/xml", "x-amz-request-id": requestId },
    body: encoder.encode(
      s3ErrorXml({
        code: spec.code,
        message: spec.message,
        requestId,
        ...(spec.extra === undefined ? {} : { extra: spec.extra }),
      }),
    ),
  };
}

function xmlAnswer(xml: string): InnerResponse {
  return {
    status: 200,
    headers: { "content-type": "application/xml", "x-amz-request-id": s3RequestId() },
    body: encoder.encode(xml),
  };
}

function withHeaders(answer: InnerResponse, headers: Record<string, string>): InnerResponse {
  return Object.keys(headers).length === 0
    ? answer
    : { ...answer, headers: { ...answer.headers, ...headers } };
}

function unescape(text: string): string {
  return text.replace(
    /&(amp|lt|gt|quot|apos);/g,
    (_, name: string) => ({ amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" })[name] ?? "",
  );
}
