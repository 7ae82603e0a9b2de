/** An enumerable property computed on first read and then stored as plain data (assignable). */
export function lazyProperty(target: object, key: string, compute: () => unknown): void {
  const settle = (value: unknown) => {
    Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
    return value;
  };
  Object.defineProperty(target, key, {
    enumerable: true,
    configurable: true,
    get: () => settle(compute()),
    set: (value: unknown) => settle(value),
  });
}
