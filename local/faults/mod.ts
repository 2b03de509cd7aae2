/**
 * Fault injection for the local AWS: errors, throttling, dropped connections
 * and latency on chosen operations, as an interceptor of the router, with its
 * flags (`deno task local --fault-rate …`) and its seeded random plan.
 *
 * @module
 */

export {
  createFaultInjector,
  type FaultController,
  type FaultInjector,
  type FaultNote,
  FAULTS_PATH,
  type FaultStats,
} from "./_faults.ts";
export {
  describeFaults,
  FAULT_FLAGS,
  FAULT_FLAGS_USAGE,
  type FaultConfig,
  type FaultOptions,
  faultOptionsFromFlags,
  faultsActive,
  resolveFaultConfig,
} from "./_config.ts";
export {
  createRandom,
  decideFault,
  type FaultDecision,
  type FaultKind,
  type Random,
} from "./_plan.ts";
