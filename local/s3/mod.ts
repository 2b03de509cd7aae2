/**
 * S3 as AWS answers it: the layer between the router and fauxqs's S3
 * (regions, versioning, conditional requests, bucket configurations,
 * multipart, listings) and S3's error documents.
 *
 * @module
 */

export { createS3Layer, type S3Layer, type S3LayerOptions } from "./_layer.ts";
export { type S3ErrorFields, s3ErrorXml, s3RequestId } from "./_error.ts";
