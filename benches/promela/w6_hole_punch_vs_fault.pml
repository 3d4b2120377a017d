/* W6 of VM-MODEL.md: hole punch (vmtruncate_range) racing a fault on a nonlinear tmpfs mapping
 * (1 page). The same atomic steps as kb/vm; -DLOCKED selects __do_fault and the page_mapped
 * re-check under the page lock (LOCK_PAGE_IN_FAULT), otherwise 2.6.20's do_file_page/install_page.
 * -DNFAULT=n runs n faulting threads (default 1).
 * Run: spin -a [-DLOCKED] [-DNFAULT=2] w6_hole_punch_vs_fault.pml && gcc -DBFS -DSAFETY -o pan pan.c && ./pan
 */
#define NPAGES 3
#define NONE 255

byte truncate_count = 0;
byte cached = 0;
byte npages = 1;
bit mapping[NPAGES];
byte locked_by[NPAGES];
byte mapcount[NPAGES];
byte count[NPAGES];
byte pte = NONE;            /* present pfn, or NONE (a file pte for pgoff 0) */

#define ORPHAN (pte != NONE && mapping[pte % NPAGES] == 0)

inline zap() {
  mapcount[pte]--; count[pte]--; pte = NONE
}

inline find_get_page(pfn) {
  if
  :: cached != NONE -> pfn = cached
  :: else -> pfn = npages; npages++; mapping[pfn] = 1; count[pfn] = 1; cached = pfn
  fi;
  count[pfn]++
}

proctype punch() {
  byte pfn;
  bit passed;
  atomic { skip };                                   /* vmtruncate_range */
  atomic { truncate_count++ };                       /* T2 */
  atomic { if :: pte != NONE -> zap() :: else fi };  /* T3: every slot of the nonlinear vma */
  atomic { skip };                                   /* T4 truncate_inode_pages_range */
  do
  :: atomic {                                        /* T4 lock the next page */
       if
       :: cached == NONE || passed -> break  /* the range is [0, 1): one index */
       :: else -> locked_by[cached] == 0; pfn = cached; locked_by[pfn] = _pid + 1; passed = 1
       fi };
#ifdef LOCKED
     atomic { if :: mapcount[pfn] > 0 -> truncate_count++; zap() :: else fi };  /* T4 unmap */
#endif
     atomic { mapping[pfn] = 0; count[pfn]--; cached = NONE; locked_by[pfn] = 0 }  /* T4 remove */
  od
}

proctype fault() {
  byte pfn;
  atomic { skip };                                   /* A1 handle_mm_fault */
#ifdef LOCKED
S1: atomic { skip };
  atomic { find_get_page(pfn) };                     /* S2 */
  atomic {
    locked_by[pfn] == 0;
    if
    :: mapping[pfn] == 0 -> count[pfn]--; goto S1
    :: else -> locked_by[pfn] = _pid + 1
    fi };
  atomic { skip };                                   /* S3 */
  atomic { if :: pte == NONE -> pte = pfn; mapcount[pfn]++ :: else -> count[pfn]-- fi };  /* S4 */
  atomic { locked_by[pfn] = 0 };                     /* S5 */
#else
  atomic { find_get_page(pfn) };                     /* P1 populate */
  atomic {                                           /* P2 install_page */
    if
    :: mapping[pfn] == 0 -> count[pfn]--
    :: else -> if :: pte == NONE -> pte = pfn; mapcount[pfn]++ :: else -> count[pfn]-- fi
    fi };
#endif
  atomic { skip }
}

#ifndef NFAULT
#define NFAULT 1
#endif

init {
  byte i;
  atomic {
    mapping[0] = 1; count[0] = 1;
    run punch();
    for (i : 1 .. NFAULT) { run fault() }
  }
}

ltl inv1 { [] !ORPHAN }
