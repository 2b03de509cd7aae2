/**
 * DynamoDB as AWS answers it: the layer between the router and dynalite
 * (current validation messages, table settings dynalite lacks).
 *
 * @module
 */

export { createDynamoDbLayer, type DynamoDbLayer, type DynamoDbLayerOptions } from "./_layer.ts";
