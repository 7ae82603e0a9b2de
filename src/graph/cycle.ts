/**
 * Find one actual cycle by DFS, visiting roots in the given order.
 * Returns ids [a, b, ..., a] rotated to start at the cycle's smallest id, or undefined.
 */
export function findCycle(roots: Iterable<string>, children: (id: string) => readonly string[]): string[] | undefined {
  // Iterative DFS with colours: 10,000-deep chains must not overflow the call stack.
  const state = new Map<string, 1 | 2>(); // 1 = on the current path, 2 = finished
  for (const root of roots) {
    if (state.has(root)) continue;
    const path: string[] = [root];
    // Each frame keeps its neighbour list: re-reading it on every return would be O(degree²).
    const kidLists: Array<readonly string[]> = [children(root)];
    const iters: number[] = [0];
    state.set(root, 1);
    while (path.length > 0) {
      const id = path[path.length - 1]!;
      const kids = kidLists[kidLists.length - 1]!;
      const i = iters[iters.length - 1]!;
      if (i >= kids.length) {
        state.set(id, 2);
        path.pop();
        kidLists.pop();
        iters.pop();
        continue;
      }
      iters[iters.length - 1] = i + 1;
      const kid = kids[i]!;
      const s = state.get(kid);
      if (s === 1) return closeCycle(path.slice(path.indexOf(kid)));
      if (s === undefined) {
        state.set(kid, 1);
        path.push(kid);
        kidLists.push(children(kid));
        iters.push(0);
      }
    }
  }
  return undefined;
}

/** [b, c, a] → [a, b, c, a]: a stable starting point whatever root the DFS began from. */
function closeCycle(open: string[]): string[] {
  let min = 0;
  for (let i = 1; i < open.length; i++) if (open[i]! < open[min]!) min = i;
  const rotated = [...open.slice(min), ...open.slice(0, min)];
  return [...rotated, rotated[0]!];
}
