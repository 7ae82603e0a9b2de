import type { Diagnostic } from '../errors.js';
import type { NodeResult } from '../execution/types.js';

/** Everything the library tells its caller while it works; the CLI reporter prints these. */
export type StrataEvent =
  | { type: 'diagnostic'; diagnostic: Diagnostic }
  | { type: 'run_start'; command: string; total: number; threads: number; target: string; adapter: string }
  | { type: 'node_start'; uniqueId: string; name: string; resourceType: string; action: string; relation: string; index: number; total: number }
  | { type: 'node_done'; uniqueId: string; name: string; resourceType: string; action: string; relation: string; index: number; total: number; result: NodeResult }
  | {
      type: 'run_end';
      results: NodeResult[];
      elapsedSeconds: number;
      /** When the run included tests: where the validation report is, and its verdict and sentences. */
      reportPath?: string;
      validation?: { passed: boolean; errors: string[]; warnings: string[] };
    };

export type EventSink = (event: StrataEvent) => void;
