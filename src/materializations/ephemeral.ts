/** `ephemeral`: nothing is built; the compiler injects the model as a CTE into its dependents. */
import type { Materialization } from '../execution/types.js';

export const ephemeral: Materialization = async () => ({ message: 'EPHEMERAL' });
