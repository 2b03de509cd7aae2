/**
 * The layers that make the emulators answer as AWS does, one per service,
 * between the router and the emulators: S3 (`local/s3/_layer.ts`), SQS
 * (`local/sqs/_layer.ts`) and DynamoDB (`local/dynamodb/_layer.ts`). Anything else goes
 * to fauxqs unchanged.
 *
 * @module
 */

import type { AwsService } from "./core/mod.ts";
import type { DynaliteService, FauxqsService } from "./engines/mod.ts";
import type { InnerRequest, InnerResponse } from "./core/mod.ts";
import { createDynamoDbLayer } from "./dynamodb/mod.ts";
import { createS3Layer } from "./s3/mod.ts";
import { createSqsLayer } from "./sqs/mod.ts";

/** Options of {@linkcode createCompat}. */
export interface CompatOptions {
  /** DynamoDB. */
  readonly dynamodb: DynaliteService;
  /** SQS, S3, SNS and STS. */
  readonly fauxqs: FauxqsService;
  /** The local AWS's region (of resources whose requests name none). */
  readonly region: string;
  /** DynamoDB's background work (the TTL sweeps): its interval, and what stops it. */
  readonly dynamoDbSweeps?: DynamoDbSweeps;
}

/** DynamoDB's TTL sweeps: they run until `signal` aborts, every `intervalMs`. */
export interface DynamoDbSweeps {
  /** Stops them. */
  readonly signal: AbortSignal;
  /** Milliseconds between two sweeps. Default: DynamoDB's (a minute). */
  readonly intervalMs?: number;
}

/** Answers a request through its service's layer. */
export interface Compat {
  /** Answers one request of `service`. */
  handle(service: AwsService, operation: string, request: InnerRequest): Promise<InnerResponse>;
}

/** Makes the layers. */
export function createCompat(options: CompatOptions): Compat {
  const { fauxqs, dynamodb } = options;
  const s3 = createS3Layer({ fauxqs, vault: fauxqs.vault, region: options.region });
  const sqs = createSqsLayer({ fauxqs, queues: fauxqs.queues, region: options.region });
  const sweeps = options.dynamoDbSweeps;
  const dynamoDb = createDynamoDbLayer({
    dynamodb,
    vault: fauxqs.vault,
    region: options.region,
    ...(sweeps === undefined ? {} : { signal: sweeps.signal }),
    ...(sweeps?.intervalMs === undefined ? {} : { ttlSweepMs: sweeps.intervalMs }),
  });
  return {
    handle(service, operation, request) {
      switch (service) {
        case "s3":
          return s3.handle(operation, request);
        case "sqs":
          return sqs.handle(operation, request);
        case "dynamodb":
          return dynamoDb.handle(operation, request);
        default:
          return fauxqs.handle(request);
      }
    },
  };
}
