"""The shipped workloads as scenario files (*.scenario), read by kb/vm/workloads.py."""
