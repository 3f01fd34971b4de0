"""CPU architectures: the interface the kernel runs threads through, and its backends."""
