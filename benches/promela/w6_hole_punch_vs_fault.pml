/* W6 of VM-MODEL.md: hole punch (vmtruncate_range) racing faults on a nonlinear tmpfs mapping of
 * NPG pages, slot s mapping index NPG-1-s. STATUS_QUO: do_file_page -> populate -> install_page,
 * with no truncate_count check; LOCKED adds the page_mapped re-check under the page lock (T4).
 * Run: spin -a [-DLOCKED] [-DNPG=2] [-DNFAULT=2] w6_hole_punch_vs_fault.pml
 *      && gcc -O2 -DBFS -DSAFETY -o pan pan.c && ./pan
 */
#define INDEX(s) (NPG - 1 - (s))

/* P1 populate finds the page, P2 install_page fails only if it left the cache */
#define FAULT_UNLOCKED(s, pfn, seq) \
  atomic { find_get_page(INDEX(s), pfn) }; \
  atomic { \
    if \
    :: mapping[pfn] == 0 -> count[pfn]-- \
    :: else -> install(s, pfn) \
    fi }

#include "vm.pml"

proctype punch() {
  byte pfn, idx, s;
  atomic { skip };                                   /* vmtruncate_range */
  atomic { truncate_count++ };                       /* T2 */
  do                                                 /* T3: every slot of the nonlinear vma */
  :: atomic { zap_next_present(s); if :: s == NPG -> break :: else fi }
  od;
  idx = 0;
  do
  :: atomic {                                        /* T4 lock the next cached page */
       do
       :: idx < NPG && cached[idx] == NONE -> idx++
       :: else -> break
       od;
       if
       :: idx == NPG -> break
       :: else -> locked_by[cached[idx]] == 0; pfn = cached[idx]; locked_by[pfn] = _pid + 1
       fi };
#ifdef LOCKED
     atomic { if :: mapcount[pfn] > 0 -> truncate_count++; unmap_page(pfn, s) :: else fi };
#endif
     atomic { mapping[pfn] = 0; count[pfn]--; cached[idx] = NONE; locked_by[pfn] = 0; idx++ }
  od
}

init {
  atomic { initial_cache(); run punch(); start_faults() }
}

ltl inv1 { [] !ANY_ORPHAN }
