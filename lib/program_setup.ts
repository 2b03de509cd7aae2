/**
 * What the generator and the service both do first: read the configuration,
 * create their AWS clients with their own local identity, and start their
 * tracer, whose exports to X-Ray are signed with the clients' credentials.
 *
 * @module
 */

import { type AwsClients, createClients, destroyClients } from "./clients.ts";
import { type EnvReader, type PipelineConfig, readConfig } from "./config.ts";
import type { Tracer } from "./tracer.ts";
import { startTracing } from "./tracing_config.ts";

/** Options of {@linkcode setUpProgram}. */
export interface ProgramSetupOptions {
  /** Program name in error messages: `Cannot start <program>: ...`. */
  readonly program: string;
  /** The program's `service.name` in its spans (`generator`, `service`). */
  readonly serviceName: string;
  /** Credentials against the local AWS when none are configured: the program's own identity. */
  readonly localCredentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** Attempts per SDK call. Defaults to the clients' (`SDK_ATTEMPTS`). */
  readonly maxAttempts?: number;
}

/** A program's configuration, clients and tracer. */
export interface ProgramSetup {
  /** The validated configuration. */
  readonly config: PipelineConfig;
  /** S3, DynamoDB and SQS clients; destroy them with `destroyClients`. */
  readonly clients: AwsClients;
  /** The tracer: exporting where the `OTEL_*` variables say, or a no-op one. */
  readonly tracer: Tracer;
}

/**
 * Reads the configuration, creates the clients, starts the tracer. A bad
 * variable throws the configuration's error, and nothing stays open.
 *
 * @example Usage
 * ```ts
 * import { setUpProgram } from "./program_setup.ts";
 * import { destroyClients } from "./clients.ts";
 *
 * const env = new Map([["AWS_DISCOVERY_TARGET", "aws"], ["AWS_REGION", "eu-west-1"]]);
 * const { config, clients, tracer } = setUpProgram((name) => env.get(name), {
 *   program: "service",
 *   serviceName: "service",
 *   localCredentials: { accessKeyId: "test", secretAccessKey: "test" },
 * });
 * console.log(config.region, tracer.enabled); // eu-west-1 false
 * destroyClients(clients);
 * ```
 *
 * @param env Reads a variable.
 * @param options The program's names, identity and attempts per call.
 * @returns The configuration, the clients and the tracer.
 */
export function setUpProgram(env: EnvReader, options: ProgramSetupOptions): ProgramSetup {
  const config = readConfig(env, { program: options.program });
  const clients = createClients(config, {
    localCredentials: options.localCredentials,
    ...(options.maxAttempts === undefined ? {} : { maxAttempts: options.maxAttempts }),
  });
  try {
    const tracer = startTracing(env, {
      serviceName: options.serviceName,
      program: options.program,
      localEndpoint: config.local ? config.endpoint : undefined,
      // Exports to X-Ray's OTLP endpoint are signed as the program's AWS calls are.
      credentials: () => clients.sqs.config.credentials(),
    });
    return { config, clients, tracer };
  } catch (error) {
    destroyClients(clients);
    throw error;
  }
}
