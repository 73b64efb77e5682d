"""Benchmarks of issue 8: speed, memory and delivery at township and city scale."""
