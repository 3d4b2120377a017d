/* The VM state and the fault paths shared by the W5 and W6 models (kb/vm's atomic steps).
 * NPG file pages, all cached at the start, mapped by one vma whose slot s maps index INDEX(s)
 * (the including model defines INDEX: linear for W5, reversed for W6's nonlinear vma).
 * -DLOCKED selects Nick's __do_fault (LOCK_PAGE_IN_FAULT); otherwise the 2.6.20 fault of the
 * including model (FAULT_UNLOCKED). Faulting thread i loads address i % NPG.
 */
#ifndef NPG
#define NPG 1
#endif
#ifndef NFAULT
#define NFAULT 1
#endif
#define MAXPAGES (NPG + 2 * NFAULT + 1)
#define NONE 255

byte truncate_count = 0;
byte npages = NPG;           /* struct pages allocated so far */
byte cached[NPG];            /* pfn cached at each index, or NONE (set by init) */
bit mapping[MAXPAGES];       /* 1 while the page belongs to the file's cache */
byte locked_by[MAXPAGES];    /* 0 unlocked, else the locker's _pid + 1 */
byte mapcount[MAXPAGES];
byte count[MAXPAGES];
byte pte[NPG] = NONE;        /* the pfn each slot maps, or NONE */

/* INV1: no present pte maps a page removed from the cache */
#define ORPHAN(s) (pte[s] != NONE && mapping[pte[s] % MAXPAGES] == 0)
#if NPG == 1
#define ANY_ORPHAN ORPHAN(0)
#else
#define ANY_ORPHAN (ORPHAN(0) || ORPHAN(1))
#endif

inline zap(s) {
  mapcount[pte[s]]--; count[pte[s]]--; pte[s] = NONE
}

inline zap_next_present(s) {    /* T3: zap the next present pte of the range, or stop */
  s = 0;
  do
  :: s < NPG && pte[s] == NONE -> s++
  :: else -> break
  od;
  if :: s < NPG -> zap(s) :: else fi
}

inline unmap_page(pfn, s) {     /* unmap_mapping_range for one page: every pte mapping it */
  for (s : 0 .. NPG - 1) { if :: pte[s] == pfn -> zap(s) :: else fi }
}

inline find_get_page(idx, pfn) {
  if
  :: cached[idx] != NONE -> pfn = cached[idx]
  :: else -> pfn = npages; npages++; mapping[pfn] = 1; count[pfn] = 1;
             cached[idx] = pfn
  fi;
  count[pfn]++
}

inline install(s, pfn) {
  if :: pte[s] == NONE -> pte[s] = pfn; mapcount[pfn]++ :: else -> count[pfn]-- fi
}

proctype fault(byte s) {
  byte pfn, seq;
  atomic { skip };                                   /* A1 handle_mm_fault */
#ifdef LOCKED
S1: atomic { skip };                                 /* S1 i_size check */
  atomic { find_get_page(INDEX(s), pfn) };           /* S2 find_get_page */
  atomic {                                           /* S2 lock_page */
    locked_by[pfn] == 0;
    if
    :: mapping[pfn] == 0 -> count[pfn]--; goto S1
    :: else -> locked_by[pfn] = _pid + 1
    fi };
  atomic { skip };                                   /* S3 i_size re-check */
  atomic { install(s, pfn) };                        /* S4 */
  atomic { locked_by[pfn] = 0 };                     /* S5 unlock_page */
#else
  FAULT_UNLOCKED(s, pfn, seq);
#endif
  atomic { skip }                                    /* A1 again: present, done */
}

inline start_faults() {
  byte i;
  for (i : 0 .. NFAULT - 1) { run fault(i % NPG) }
}

inline initial_cache() {
  byte k;
  for (k : 0 .. NPG - 1) {
    cached[k] = k; mapping[k] = 1; count[k] = 1
  }
}
