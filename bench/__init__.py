"""Benchmarks of Pishraft: `make bench` runs bench/run.py and prints one `bench: …` line per figure."""
