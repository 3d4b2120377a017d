"""Benchmarks against peers (notmuch, mu, public-inbox, spin); each prints figures as ratios."""
