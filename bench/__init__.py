"""Benchmarks (`make bench`): one module per area, each with `main(argv) -> None`."""
