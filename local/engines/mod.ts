/**
 * The emulators the local AWS runs in its own process, below its layers:
 * dynalite (DynamoDB) and fauxqs (SQS and S3), and the direct access to
 * fauxqs's object store that the S3 and DynamoDB layers keep their records in.
 *
 * @module
 */

export { type DynaliteOptions, type DynaliteService, startDynalite } from "./_dynalite.ts";
export { type FauxqsOptions, type FauxqsService, startFauxqs } from "./_fauxqs.ts";
export type { SqsActions, SqsAnswer } from "./_fauxqs_sqs.ts";
export {
  INTERNAL_BUCKET,
  type S3Location,
  type S3ObjectInfo,
  type S3ObjectPart,
  type S3PartInfo,
  type S3UploadInfo,
  type S3Vault,
} from "./_s3_vault.ts";
export type { MovedMessage, SqsQueues } from "./_sqs_queues.ts";
