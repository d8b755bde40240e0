/**
 * TimSort as node's engine runs it for `Array.prototype.sort` / `toSorted` (Tim Peters'
 * listsort: natural runs extended to a minimum run length by binary insertion, a stack of
 * pending runs merged under the usual invariants, merges that gallop once one side keeps
 * winning, min-gallop starting at 7). Written as a generator: each comparison is yielded as the
 * pair (x, y) and the caller sends back the comparator's result read as a number (NaN as 0). So
 * the program's comparator is called on the same pairs in the same order as in node, at every
 * length, and a comparator with side effects (a call counter) or an inconsistent one gives
 * node's numbers. No recursion: loops and an explicit run stack.
 */
const MIN_GALLOP = 7;

/** Yields the pairs to compare; is sent the comparator's result as a number. */
export type SortGen<T> = Generator<[T, T], void, number>;

/** Sorts `a` in place, yielding every comparison. */
export function* timSort<T>(a: T[]): SortGen<T> {
  const n = a.length;
  if (n < 2) return;
  const runBase: number[] = [];
  const runLen: number[] = [];
  const st = { minGallop: MIN_GALLOP };
  let minRun = n;
  {
    let r = 0;
    while (minRun >= 64) {
      r |= minRun & 1;
      minRun >>= 1;
    }
    minRun += r;
  }
  let low = 0;
  let remaining = n;
  while (remaining !== 0) {
    // a natural run at low (a strictly descending one is reversed)
    const high = low + remaining;
    let len = 1;
    if (low + 1 < high) {
      len = 2;
      const desc = (yield [a[low + 1], a[low]]) < 0;
      let prev = a[low + 1];
      for (let i = low + 2; i < high; i++) {
        const order = yield [a[i], prev];
        if (desc ? order >= 0 : order < 0) break;
        prev = a[i];
        len++;
      }
      if (desc)
        for (let lo = low, hi = low + len - 1; lo < hi; lo++, hi--) {
          const x = a[lo];
          a[lo] = a[hi];
          a[hi] = x;
        }
    }
    if (len < minRun) {
      // extended to min(minRun, remaining) by binary insertion
      const forced = Math.min(minRun, remaining);
      for (let start = low + len; start < low + forced; start++) {
        let left = low;
        let right = start;
        const pivot = a[start];
        while (left < right) {
          const mid = left + ((right - left) >> 1);
          if ((yield [pivot, a[mid]]) < 0) right = mid;
          else left = mid + 1;
        }
        for (let p = start; p > left; p--) a[p] = a[p - 1];
        a[left] = pivot;
      }
      len = forced;
    }
    runBase.push(low);
    runLen.push(len);
    // merge collapse
    while (runLen.length > 1) {
      let k = runLen.length - 2;
      const broken = (m: number) => m >= 2 && runLen[m - 2] <= runLen[m - 1] + runLen[m];
      if (broken(k + 1) || broken(k)) {
        if (runLen[k - 1] < runLen[k + 1]) k--;
        yield* mergeAt(a, runBase, runLen, k, st);
      } else if (runLen[k] <= runLen[k + 1]) yield* mergeAt(a, runBase, runLen, k, st);
      else break;
    }
    low += len;
    remaining -= len;
  }
  // force collapse
  while (runLen.length > 1) {
    let k = runLen.length - 2;
    if (k > 0 && runLen[k - 1] < runLen[k + 1]) k--;
    yield* mergeAt(a, runBase, runLen, k, st);
  }
}

function* mergeAt<T>(a: T[], runBase: number[], runLen: number[], i: number, st: { minGallop: number }): SortGen<T> {
  let baseA = runBase[i];
  let lenA = runLen[i];
  const baseB = runBase[i + 1];
  let lenB = runLen[i + 1];
  runLen[i] = lenA + lenB;
  runBase.splice(i + 1, 1);
  runLen.splice(i + 1, 1);
  const k = yield* gallopRight(a, a[baseB], baseA, lenA, 0);
  baseA += k;
  lenA -= k;
  if (lenA === 0) return;
  lenB = yield* gallopLeft(a, a[baseA + lenA - 1], baseB, lenB, lenB - 1);
  if (lenB === 0) return;
  if (lenA <= lenB) yield* mergeLow(a, baseA, lenA, baseB, lenB, st);
  else yield* mergeHigh(a, baseA, lenA, baseB, lenB, st);
}

/** Where key goes in arr[base, base + len): left of the leftmost element equal to it. */
function* gallopLeft<T>(arr: T[], key: T, base: number, len: number, hint: number): Generator<[T, T], number, number> {
  let lastOfs = 0;
  let ofs = 1;
  if ((yield [arr[base + hint], key]) < 0) {
    const maxOfs = len - hint;
    while (ofs < maxOfs) {
      if ((yield [arr[base + hint + ofs], key]) >= 0) break;
      lastOfs = ofs;
      ofs = (ofs << 1) + 1;
      if (ofs <= 0) ofs = maxOfs;
    }
    if (ofs > maxOfs) ofs = maxOfs;
    lastOfs += hint;
    ofs += hint;
  } else {
    const maxOfs = hint + 1;
    while (ofs < maxOfs) {
      if ((yield [arr[base + hint - ofs], key]) < 0) break;
      lastOfs = ofs;
      ofs = (ofs << 1) + 1;
      if (ofs <= 0) ofs = maxOfs;
    }
    if (ofs > maxOfs) ofs = maxOfs;
    const tmp = lastOfs;
    lastOfs = hint - ofs;
    ofs = hint - tmp;
  }
  lastOfs++;
  while (lastOfs < ofs) {
    const m = lastOfs + ((ofs - lastOfs) >> 1);
    if ((yield [arr[base + m], key]) < 0) lastOfs = m + 1;
    else ofs = m;
  }
  return ofs;
}

/** Where key goes in arr[base, base + len): right of the rightmost element equal to it. */
function* gallopRight<T>(arr: T[], key: T, base: number, len: number, hint: number): Generator<[T, T], number, number> {
  let lastOfs = 0;
  let ofs = 1;
  if ((yield [key, arr[base + hint]]) < 0) {
    const maxOfs = hint + 1;
    while (ofs < maxOfs) {
      if ((yield [key, arr[base + hint - ofs]]) >= 0) break;
      lastOfs = ofs;
      ofs = (ofs << 1) + 1;
      if (ofs <= 0) ofs = maxOfs;
    }
    if (ofs > maxOfs) ofs = maxOfs;
    const tmp = lastOfs;
    lastOfs = hint - ofs;
    ofs = hint - tmp;
  } else {
    const maxOfs = len - hint;
    while (ofs < maxOfs) {
      if ((yield [key, arr[base + hint + ofs]]) < 0) break;
      lastOfs = ofs;
      ofs = (ofs << 1) + 1;
      if (ofs <= 0) ofs = maxOfs;
    }
    if (ofs > maxOfs) ofs = maxOfs;
    lastOfs += hint;
    ofs += hint;
  }
  lastOfs++;
  while (lastOfs < ofs) {
    const m = lastOfs + ((ofs - lastOfs) >> 1);
    if ((yield [key, arr[base + m]]) < 0) ofs = m;
    else lastOfs = m + 1;
  }
  return ofs;
}

function* mergeLow<T>(
  a: T[],
  baseA: number,
  lenA: number,
  baseB: number,
  lenB: number,
  st: { minGallop: number },
): SortGen<T> {
  const tmp = a.slice(baseA, baseA + lenA);
  let dest = baseA;
  let cT = 0;
  let cB = baseB;
  a[dest++] = a[cB++];
  let copyB = false;
  done: {
    if (--lenB === 0) break done;
    if (lenA === 1) {
      copyB = true;
      break done;
    }
    let minGallop = st.minGallop;
    for (;;) {
      let winsA = 0;
      let winsB = 0;
      for (;;) {
        if ((yield [a[cB], tmp[cT]]) < 0) {
          a[dest++] = a[cB++];
          winsB++;
          lenB--;
          winsA = 0;
          if (lenB === 0) break done;
          if (winsB >= minGallop) break;
        } else {
          a[dest++] = tmp[cT++];
          winsA++;
          lenA--;
          winsB = 0;
          if (lenA === 1) {
            copyB = true;
            break done;
          }
          if (winsA >= minGallop) break;
        }
      }
      minGallop++;
      let first = true;
      while (winsA >= MIN_GALLOP || winsB >= MIN_GALLOP || first) {
        first = false;
        minGallop = Math.max(1, minGallop - 1);
        st.minGallop = minGallop;
        winsA = yield* gallopRight(tmp, a[cB], cT, lenA, 0);
        if (winsA > 0) {
          for (let q = 0; q < winsA; q++) a[dest + q] = tmp[cT + q];
          dest += winsA;
          cT += winsA;
          lenA -= winsA;
          if (lenA === 1) {
            copyB = true;
            break done;
          }
          if (lenA === 0) break done;
        }
        a[dest++] = a[cB++];
        if (--lenB === 0) break done;
        winsB = yield* gallopLeft(a, tmp[cT], cB, lenB, 0);
        if (winsB > 0) {
          for (let q = 0; q < winsB; q++) a[dest + q] = a[cB + q];
          dest += winsB;
          cB += winsB;
          lenB -= winsB;
          if (lenB === 0) break done;
        }
        a[dest++] = tmp[cT++];
        if (--lenA === 1) {
          copyB = true;
          break done;
        }
      }
      minGallop++;
      st.minGallop = minGallop;
    }
  }
  if (copyB) {
    for (let q = 0; q < lenB; q++) a[dest + q] = a[cB + q];
    a[dest + lenB] = tmp[cT];
  } else if (lenA > 0) for (let q = 0; q < lenA; q++) a[dest + q] = tmp[cT + q];
}

function* mergeHigh<T>(
  a: T[],
  baseA: number,
  lenA: number,
  baseB: number,
  lenB: number,
  st: { minGallop: number },
): SortGen<T> {
  const tmp = a.slice(baseB, baseB + lenB);
  let dest = baseB + lenB - 1;
  let cT = lenB - 1;
  let cA = baseA + lenA - 1;
  a[dest--] = a[cA--];
  let copyA = false;
  done: {
    if (--lenA === 0) break done;
    if (lenB === 1) {
      copyA = true;
      break done;
    }
    let minGallop = st.minGallop;
    for (;;) {
      let winsA = 0;
      let winsB = 0;
      for (;;) {
        if ((yield [tmp[cT], a[cA]]) < 0) {
          a[dest--] = a[cA--];
          winsA++;
          lenA--;
          winsB = 0;
          if (lenA === 0) break done;
          if (winsA >= minGallop) break;
        } else {
          a[dest--] = tmp[cT--];
          winsB++;
          lenB--;
          winsA = 0;
          if (lenB === 1) {
            copyA = true;
            break done;
          }
          if (winsB >= minGallop) break;
        }
      }
      minGallop++;
      let first = true;
      while (winsA >= MIN_GALLOP || winsB >= MIN_GALLOP || first) {
        first = false;
        minGallop = Math.max(1, minGallop - 1);
        st.minGallop = minGallop;
        let k = yield* gallopRight(a, tmp[cT], baseA, lenA, lenA - 1);
        winsA = lenA - k;
        if (winsA > 0) {
          dest -= winsA;
          cA -= winsA;
          for (let q = winsA - 1; q >= 0; q--) a[dest + 1 + q] = a[cA + 1 + q];
          lenA -= winsA;
          if (lenA === 0) break done;
        }
        a[dest--] = tmp[cT--];
        if (--lenB === 1) {
          copyA = true;
          break done;
        }
        k = yield* gallopLeft(tmp, a[cA], 0, lenB, lenB - 1);
        winsB = lenB - k;
        if (winsB > 0) {
          dest -= winsB;
          cT -= winsB;
          for (let q = 0; q < winsB; q++) a[dest + 1 + q] = tmp[cT + 1 + q];
          lenB -= winsB;
          if (lenB === 1) {
            copyA = true;
            break done;
          }
          if (lenB === 0) break done;
        }
        a[dest--] = a[cA--];
        if (--lenA === 0) break done;
      }
      minGallop++;
      st.minGallop = minGallop;
    }
  }
  if (copyA) {
    dest -= lenA;
    cA -= lenA;
    for (let q = lenA - 1; q >= 0; q--) a[dest + 1 + q] = a[cA + 1 + q];
    a[dest] = tmp[cT];
  } else if (lenB > 0) for (let q = 0; q < lenB; q++) a[dest - (lenB - 1) + q] = tmp[q];
}
