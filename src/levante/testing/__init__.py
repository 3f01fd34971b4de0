"""`levante test`: Zephyr's test scenarios (testcase.yaml, sample.yaml) built and run as
twister does, judged by their harness, reported as text and JUnit XML."""
