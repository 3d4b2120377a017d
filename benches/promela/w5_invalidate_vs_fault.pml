/* W5 of VM-MODEL.md: direct-IO write (invalidate_inode_pages2_range) racing read faults on a
 * linear mapping of NPG pages. STATUS_QUO: do_no_page with the truncate_count retry (F1-F4).
 * Run: spin -a [-DLOCKED] [-DNPG=2] [-DNFAULT=2] w5_invalidate_vs_fault.pml
 *      && gcc -O2 -DBFS -DSAFETY -o pan pan.c && ./pan
 */
#define INDEX(s) (s)

/* F1 read truncate_count, F2 i_size, F3 find_get_page, F4 retry if truncate_count moved */
#define FAULT_UNLOCKED(s, pfn, seq) \
F1: atomic { seq = truncate_count }; \
  atomic { skip }; \
  atomic { find_get_page(INDEX(s), pfn) }; \
  atomic { \
    if \
    :: truncate_count != seq -> count[pfn]--; goto F1 \
    :: else -> install(s, pfn) \
    fi }

#include "vm.pml"

byte disk = 0;

proctype dio() {
  byte pfn, idx, s;
  atomic { skip };                                   /* I1 generic_file_direct_IO */
  atomic { truncate_count++ };                       /* T2 unmap_mapping_range */
  do                                                 /* T3 zap_pte_range, one pte a step */
  :: atomic { zap_next_present(s); if :: s == NPG -> break :: else fi }
  od;
  atomic { skip };                                   /* I2 filemap_write_and_wait */
  atomic { disk++ };                                 /* I3 direct_IO */
  idx = 0;
  do
  :: atomic {                                        /* I4 lock the next cached page */
       do
       :: idx < NPG && cached[idx] == NONE -> idx++
       :: else -> break
       od;
       if
       :: idx == NPG -> break
       :: else -> locked_by[cached[idx]] == 0; pfn = cached[idx]; locked_by[pfn] = _pid + 1
       fi };
     atomic { if :: mapcount[pfn] > 0 -> truncate_count++; unmap_page(pfn, s) :: else fi };  /* I5 */
     atomic { skip };                                /* I6 do_launder_page */
     atomic { mapping[pfn] = 0; count[pfn]--; cached[idx] = NONE; locked_by[pfn] = 0; idx++ }  /* I7 */
  od
}

init {
  atomic { initial_cache(); run dio(); start_faults() }
}

ltl inv1 { [] !ANY_ORPHAN }
