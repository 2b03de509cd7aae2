/**
 * Bucket listings: `ListObjects`, `ListObjectsV2` and `ListObjectVersions`.
 *
 * @module
 */

import type { InnerResponse } from "../core/mod.ts";
import { noSuchBucket, s3Error, xmlAnswer } from "./_answers.ts";
import type { S3Context } from "./_context.ts";
import { listKeys, listV1Xml, listV2Xml, tokenKey } from "./_listing.ts";
import { implicitVersion, readVersions } from "./_version_store.ts";
import { type KeyVersions, listVersions, listVersionsXml } from "./_versions.ts";

/** `ListObjects` (`v2` false) or `ListObjectsV2`. */
export function listObjects(ctx: S3Context, bucket: string, url: URL, v2: boolean): InnerResponse {
  if (!ctx.vault.hasBucket(bucket)) return s3Error(noSuchBucket(bucket));
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
  const objects = ctx.vault.listObjects(bucket, prefix);
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

/** `ListObjectVersions`: recorded versions, and the null version of unrecorded objects. */
export function listObjectVersions(ctx: S3Context, bucket: string, url: URL): InnerResponse {
  if (!ctx.vault.hasBucket(bucket)) return s3Error(noSuchBucket(bucket));
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
  for (const recordKey of ctx.vault.recordKeys(`keys/${bucket}/${prefix}`)) {
    const key = recordKey.slice(`keys/${bucket}/`.length);
    recorded.add(key);
    keys.push({ key, versions: readVersions(ctx, bucket, key) ?? [] });
  }
  for (const object of ctx.vault.listObjects(bucket, prefix)) {
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
