/**
 * DynamoDB as AWS answers it: the layer between the router and dynalite
 * (current validation messages, table settings dynalite lacks, transactions
 * that reads see whole, time to live enforced).
 *
 * @module
 */

export {
  createDynamoDbLayer,
  DEFAULT_TTL_SWEEP_MS,
  type DynamoDbLayer,
  type DynamoDbLayerOptions,
} from "./_layer.ts";
