import { useEffect, useState } from 'react';

/**
 * `value`, once it has stopped changing for `ms` (the first real value passes
 * at once). A chart being resized must not reload its history at every pixel.
 */
export function useSettled<T>(value: T, ms: number, isUnset: (v: T) => boolean): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    if (isUnset(settled)) {
      setSettled(value);
      return;
    }
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms, settled, isUnset]);
  return settled;
}
