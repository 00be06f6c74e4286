"""Developer tools: synthetic deliveries, the demo and the benchmark. Nothing in
production imports them."""
