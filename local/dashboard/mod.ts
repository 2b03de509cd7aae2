/**
 * The local AWS's dashboard: a page at `/_local/dashboard` that shows every
 * request, each laptop's path through the pipeline, the queues, the table and
 * the Lambda's invocations.
 *
 * @module
 */

export {
  createDashboard,
  type Dashboard,
  DASHBOARD_PATH,
  type DashboardFeed,
  type DashboardOptions,
  type LambdaSource,
} from "./_dashboard.ts";
