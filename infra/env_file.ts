/**
 * Turning a stack's outputs into the `.env` the generator and the service
 * read.
 *
 * @module
 */

import { ENV_OUTPUTS } from "./template.ts";

/** Options of {@linkcode formatEnvFile}. */
export interface EnvFileOptions {
  /** The stack the outputs come from, named in a comment. */
  readonly stackName: string;
  /**
   * Endpoint the stack was deployed to (`AWS_ENDPOINT_URL`), or `undefined`
   * for AWS. The file sets it when defined, and otherwise selects AWS's own
   * endpoints with `AWS_DISCOVERY_TARGET=aws`.
   */
  readonly endpoint?: string | undefined;
}

/**
 * Formats a stack's outputs as a `.env` file: every variable the pipeline's
 * programs read, plus where to send their calls.
 *
 * @example Usage
 * ```ts
 * import { formatEnvFile } from "./env_file.ts";
 *
 * const text = formatEnvFile({
 *   AwsRegion: "us-east-1",
 *   AwsDynamodbTable: "laptops",
 *   AwsS3Bucket: "laptops-123456789012-us-east-1",
 *   AwsSqsUploadQueue: "uploaded-laptops",
 *   AwsSqsUpdateQueue: "updated-laptops",
 * }, { stackName: "laptops" });
 * ```
 *
 * @param outputs The stack's outputs, by output key.
 * @param options Stack name and endpoint.
 * @returns The file's text, ending with a newline.
 * @throws {Error} When an output the file needs is missing.
 */
export function formatEnvFile(
  outputs: Readonly<Record<string, string>>,
  options: EnvFileOptions,
): string {
  const lines = [
    `# Written by \`deno task deploy\` from stack ${options.stackName}`,
    options.endpoint === undefined
      ? "AWS_DISCOVERY_TARGET=aws"
      : `AWS_ENDPOINT_URL=${options.endpoint}`,
  ];
  for (const [variable, outputKey] of Object.entries(ENV_OUTPUTS)) {
    const value = outputs[outputKey];
    if (value === undefined || value === "") {
      throw new Error(
        `Cannot write .env: stack ${options.stackName} has no output ${outputKey} (${variable})`,
      );
    }
    lines.push(`${variable}=${value}`);
  }
  return `${lines.join("\n")}\n`;
}
