/**
 * How the generator shows its work, to people and to machines.
 *
 * @module
 */

import type {
  FailedLaptop,
  GenerateProgress,
  GenerateResult,
  GenerateStep,
} from "./generate_laptops.ts";

/** Where the generator writes: for the step lines. */
export interface GenerateTargets {
  /** Folder of the local files. */
  readonly outDir: string;
  /** S3 bucket. */
  readonly bucketName: string;
  /** DynamoDB table. */
  readonly tableName: string;
  /** Name of the upload queue. */
  readonly uploadQueueName: string;
}

const STEP_DONE: Record<GenerateStep, string> = {
  file: "file written",
  object: "S3 object put",
  item: "DynamoDB item put",
  message: "message sent",
};

const STEP_NAME: Record<GenerateStep, string> = {
  file: "file",
  object: "S3 object",
  item: "DynamoDB item",
  message: "message",
};

/**
 * One line per completed step of a single record.
 *
 * @example Output
 * ```text
 * S3 object put: s3://laptops/laptop.json
 * ```
 *
 * @param progress The completed step.
 * @param targets Folder, bucket, table and queue.
 * @returns The line.
 */
export function formatStep(progress: GenerateProgress, targets: GenerateTargets): string {
  const { fileName, step, laptop } = progress;
  const detail = {
    file: `${targets.outDir}/${fileName}: ${laptop.constructor} ${laptop.model} (${laptop.year})`,
    object: `s3://${targets.bucketName}/${fileName}`,
    item: `table ${targets.tableName}, uuid ${laptop.uuid}`,
    message: `queue ${targets.uploadQueueName}`,
  }[step];
  return `${STEP_DONE[step]}: ${detail}`;
}

/**
 * The two lines of a record that stopped: why, and which steps are done.
 *
 * @param failure The record.
 * @param reason The error, described for a person.
 * @returns Two lines.
 */
export function formatFailure(failure: FailedLaptop, reason: string): string {
  const list = (steps: readonly GenerateStep[]) =>
    steps.length ? steps.map((s) => STEP_NAME[s]).join(", ") : "none";
  return `Cannot generate ${failure.fileName}: ${reason}\n` +
    `  done: ${list(failure.done)}; not done: ${list(failure.notDone)}`;
}

/**
 * The summary line of a run.
 *
 * @param result The run's result.
 * @param total File names asked for.
 * @param seconds Wall time of the run.
 * @returns One line.
 */
export function formatSummary(result: GenerateResult, total: number, seconds: number): string {
  const rate = seconds > 0 ? result.generated.length / seconds : 0;
  return `generated ${result.generated.length} of ${total} laptops in ${seconds.toFixed(2)} s ` +
    `(${rate.toFixed(1)}/s), ${result.failed.length} failed`;
}

/**
 * A progress bar for a terminal, to be written after a carriage return.
 *
 * @param done Records finished.
 * @param total Records asked for.
 * @param width Characters of the bar.
 * @returns `[#####-----] 5/10`.
 */
export function progressBar(done: number, total: number, width = 30): string {
  const filled = Math.min(width, Math.round((done / Math.max(1, total)) * width));
  return `[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${done}/${total}`;
}

/** The `--json` line of a run. */
export interface GenerateJson {
  /** Records that went through every step. */
  generated: {
    file: string;
    s3_key: string;
    uuid: string;
    message_id: string;
    /** The record's trace id (W3C form; X-Ray's is `1-` + 8 + `-` + 24 digits), null when tracing is off. */
    trace_id: string | null;
    laptop: GenerateResult["generated"][number]["laptop"];
  }[];
  /** Records that stopped, with the steps done and not done. */
  failed: {
    s3_key: string;
    error: string;
    done: GenerateStep[];
    not_done: GenerateStep[];
    trace_id: string | null;
  }[];
  /** File names not started (interrupted). */
  skipped: string[];
  /** Wall time, seconds. */
  seconds: number;
}

/**
 * The machine-readable form of a run.
 *
 * @param result The run's result.
 * @param seconds Wall time of the run.
 * @param describe Describes an error for a person.
 * @returns One object, for `JSON.stringify`.
 */
export function generateJson(
  result: GenerateResult,
  seconds: number,
  describe: (error: Error) => string,
): GenerateJson {
  return {
    generated: result.generated.map((g) => ({
      file: g.path,
      s3_key: g.fileName,
      uuid: g.laptop.uuid,
      message_id: g.messageId,
      trace_id: g.traceId ?? null,
      laptop: g.laptop,
    })),
    failed: result.failed.map((f) => ({
      s3_key: f.fileName,
      error: describe(f.error),
      done: [...f.done],
      not_done: [...f.notDone],
      trace_id: f.traceId ?? null,
    })),
    skipped: [...result.skipped],
    seconds: Number(seconds.toFixed(3)),
  };
}
