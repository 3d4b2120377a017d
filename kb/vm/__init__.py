"""A runnable model of Linux VM semantics (2.6.20 era): explorer, workloads, policies, replay."""
