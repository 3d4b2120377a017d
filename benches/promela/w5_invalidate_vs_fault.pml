/* W5 of VM-MODEL.md: direct-IO invalidate racing a read fault on a linear mapping (1 page).
 * The same atomic steps as kb/vm (ops_truncate.py, ops_fault.py); -DLOCKED selects Nick's
 * __do_fault (LOCK_PAGE_IN_FAULT), otherwise 2.6.20's do_no_page (STATUS_QUO).
 * -DNFAULT=n runs n faulting threads (default 1).
 * Run: spin -a [-DLOCKED] [-DNFAULT=2] w5_invalidate_vs_fault.pml && gcc -DBFS -DSAFETY -o pan pan.c && ./pan
 */
#define NPAGES 3
#define NONE 255

byte truncate_count = 0;
byte i_size = 1;
byte cached = 0;            /* pfn cached at index 0, NONE if absent */
byte npages = 1;
bit mapping[NPAGES];        /* 1 while the page belongs to the file's cache */
byte locked_by[NPAGES];     /* 0 unlocked, else the locker's _pid + 1 */
byte mapcount[NPAGES];
byte count[NPAGES];
byte pte = NONE;            /* the one pte: the pfn it maps, or NONE */
byte disk = 0;

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

proctype dio() {
  byte pfn;
  bit passed;
  atomic { skip };                                   /* I1 generic_file_direct_IO */
  atomic { truncate_count++ };                       /* T2 unmap_mapping_range */
  atomic { if :: pte != NONE -> zap() :: else fi };  /* T3 zap_pte_range */
  atomic { skip };                                   /* I2 filemap_write_and_wait */
  atomic { disk++ };                                 /* I3 direct_IO */
  do
  :: atomic {                                        /* I4 lock the next page */
       if
       :: cached == NONE || passed -> break  /* the range is [0, 1): one index */
       :: else -> locked_by[cached] == 0; pfn = cached; locked_by[pfn] = _pid + 1; passed = 1
       fi };
     atomic { if :: mapcount[pfn] > 0 -> truncate_count++; zap() :: else fi };  /* I5 */
     atomic { skip };                                /* I6 do_launder_page */
     atomic { mapping[pfn] = 0; count[pfn]--; cached = NONE; locked_by[pfn] = 0 }  /* I7 */
  od
}

proctype fault() {
  byte seq, pfn;
  atomic { skip };                                   /* A1 handle_mm_fault */
#ifdef LOCKED
S1: atomic { skip };                                 /* S1 i_size check */
  atomic { find_get_page(pfn) };                     /* S2 find_get_page */
  atomic {                                           /* S2 lock_page */
    locked_by[pfn] == 0;
    if
    :: mapping[pfn] == 0 -> count[pfn]--; goto S1
    :: else -> locked_by[pfn] = _pid + 1
    fi };
  atomic { skip };                                   /* S3 i_size re-check */
  atomic { if :: pte == NONE -> pte = pfn; mapcount[pfn]++ :: else -> count[pfn]-- fi };  /* S4 */
  atomic { locked_by[pfn] = 0 };                     /* S5 unlock_page */
#else
F1: atomic { seq = truncate_count };                 /* F1 */
  atomic { skip };                                   /* F2 i_size check */
  atomic { find_get_page(pfn) };                     /* F3 */
  atomic {                                           /* F4 */
    if
    :: truncate_count != seq -> count[pfn]--; goto F1
    :: else -> if :: pte == NONE -> pte = pfn; mapcount[pfn]++ :: else -> count[pfn]-- fi
    fi };
#endif
  atomic { skip }                                    /* A1 again: present, done */
}

#ifndef NFAULT
#define NFAULT 1
#endif

init {
  byte i;
  atomic {
    mapping[0] = 1; count[0] = 1;
    run dio();
    for (i : 1 .. NFAULT) { run fault() }
  }
}

ltl inv1 { [] !ORPHAN }
